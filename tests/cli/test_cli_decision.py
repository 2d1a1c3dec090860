"""The one decision engine through the commands: ``lfk monitor`` and ``lfk import`` with ``--select``/``--ignore``
and lfk.yaml's ``lint.ignore``/``lint.severity`` (MON and IMP codes), ``lfk lint`` on bad entries, ``lfk rules``."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import HERE, invoke

PENALTY = str(HERE / "fixtures" / "events" / "penalty.csv")
AS_OF = "2026-06-30"
ALL_MON = ["MON101", "MON102", "MON103", "MON201", "MON202", "MON301", "MON302", "MON304", "MON306", "MON401",
           "MON402", "MON403"]  # what penalty.csv gives


def _lint_settings(root: Path, text: str) -> None:
    """Replace the ``lint:`` section's ignore/severity lines of lfk.yaml (or add a section)."""
    cfg = root / "lfk.yaml"
    lines = [ln for ln in cfg.read_text(encoding="utf-8").splitlines()
             if not ln.startswith(("  ignore:", "  severity:"))]
    if "lint:" in lines:
        i = lines.index("lint:")
        lines[i + 1:i + 1] = ["  " + ln for ln in text.strip().splitlines()]
    else:
        lines += ["lint:"] + ["  " + ln for ln in text.strip().splitlines()]
    cfg.write_text("\n".join(lines) + "\n", encoding="utf-8")


def _monitor(runner, root: Path, *extra: str) -> tuple[int, dict[str, Any]]:  # type: ignore[no-untyped-def]
    r = invoke(runner, "monitor", "--root", str(root), "--as-of", AS_OF, "-f", "json", PENALTY, *extra)
    return r.exit_code, (json.loads(r.stdout) if r.exit_code != 2 else {"stderr": r.stderr})


def _codes(doc: dict[str, Any]) -> list[str]:
    return sorted({f["code"] for f in doc["findings"]})


# (case, lfk.yaml lint settings, options, codes reported)
MONITOR_CASES = [
    ("nothing set", "", [], ALL_MON),
    ("--select a prefix", "", ["--select", "MON3"], ["MON301", "MON302", "MON304", "MON306"]),
    ("--select two, comma-separated", "", ["--select", "MON101,mon202"], ["MON101", "MON202"]),
    ("--ignore a prefix", "", ["--ignore", "MON4"], [c for c in ALL_MON if not c.startswith("MON4")]),
    ("--select wide, --ignore narrower", "", ["--select", "MON3", "--ignore", "MON302"], ["MON301", "MON304", "MON306"]),
    ("lint.ignore in lfk.yaml", "ignore: [MON2, MON403]", [],
     [c for c in ALL_MON if not c.startswith("MON2") and c != "MON403"]),
    ("severity off in lfk.yaml", "severity: {MON1: 'off'}", [], [c for c in ALL_MON if not c.startswith("MON1")]),
    ("--select beats a shorter lint.ignore", "ignore: [MON3]", ["--select", "MON301"], ["MON301"]),
]


@pytest.mark.parametrize(("settings", "options", "expected"), [c[1:] for c in MONITOR_CASES],
                         ids=[c[0] for c in MONITOR_CASES])
@pytest.mark.parametrize("engine", ["python", "duckdb"])
def test_monitor_select_ignore(runner, base_register: Path, settings: str, options: list[str],  # type: ignore[no-untyped-def]
                               expected: list[str], engine: str) -> None:
    if engine == "duckdb":
        pytest.importorskip("duckdb")
    if settings:
        _lint_settings(base_register, settings)
    code, doc = _monitor(runner, base_register, "--engine", engine, *options)
    assert code == 0 and _codes(doc) == expected
    assert doc["summary"]["by_code"] == {c: doc["summary"]["by_code"][c] for c in expected}
    for case in doc["cases"]:  # a case is warned by the codes reported only
        assert case["codes"] and set(case["codes"]) <= set(expected)


def test_monitor_ignored_code_warns_no_case_and_fails_nothing(runner, base_register: Path) -> None:  # type: ignore[no-untyped-def]
    """P-SKIP is warned 红牌 for MON102 alone: ignored, the case is not warned and --fail-on 红牌 passes it."""
    code, doc = _monitor(runner, base_register, "--fail-on", "红牌")
    assert code == 1 and "P-SKIP" in {c["case_id"] for c in doc["cases"]}
    red = sorted({f["code"] for f in doc["findings"] if f.get("warning") == "红牌"})
    code, doc = _monitor(runner, base_register, "--fail-on", "红牌", "--ignore", ",".join(red))
    assert code == 0 and doc["summary"]["红牌"] == 0 and "P-SKIP" not in {c["case_id"] for c in doc["cases"]}
    assert doc["summary"]["cases"] == 14 and doc["summary"]["warned_cases"] == doc["summary"]["黄牌"] > 0


def test_monitor_severity_from_lfk_yaml(runner, base_register: Path) -> None:  # type: ignore[no-untyped-def]
    """lint.severity re-levels MON findings (the warning, 黄牌/红牌, stays the guideline's)."""
    _lint_settings(base_register, "severity: {MON3: info, MON302: error}")
    code, doc = _monitor(runner, base_register)
    sev = {f["code"]: (f["severity"], f.get("warning")) for f in doc["findings"]}
    assert code == 0
    assert sev["MON301"] == ("info", "红牌") and sev["MON304"][0] == "info" and sev["MON302"] == ("error", "黄牌")
    assert sev["MON101"] == ("error", "红牌") and sev["MON201"] == ("warning", "黄牌")
    assert doc["summary"]["infos"] == 3


def test_monitor_escalation_follows_the_codes(runner, base_register: Path) -> None:  # type: ignore[no-untyped-def]
    """MON501 counts the warnings reported: with every 红牌 code of the post ignored no escalation is due."""
    cfg = base_register / "lfk.yaml"
    cfg.write_text(cfg.read_text(encoding="utf-8") + "monitor:\n  escalate:\n    - {count: 2, within_days: 365, "
                   "disposal: 诫勉谈话, counts: all}\n", encoding="utf-8")
    code, doc = _monitor(runner, base_register)
    assert doc["escalations"] and "MON501" in _codes(doc)
    code, doc = _monitor(runner, base_register, "--ignore", "MON501")
    assert doc["escalations"] == [] and "MON501" not in _codes(doc) and len(doc["cases"]) == 12
    code, doc = _monitor(runner, base_register, "--select", "MON501,MON101")
    assert doc["escalations"] == [] and _codes(doc) == ["MON101"]


@pytest.mark.parametrize(("options", "settings", "said"), [
    (["--select", "MON9"], "", "MON9"),
    (["--ignore", "LFK402"], "", "LFK402"),
    ([], "severity: {MON777: 'off'}", "lfk.yaml:"),
    ([], "ignore: [MON6]", "lint.ignore: MON6"),
])
def test_monitor_unknown_codes_are_one_line_errors(runner, base_register: Path, options: list[str],  # type: ignore[no-untyped-def]
                                                   settings: str, said: str) -> None:
    if settings:
        _lint_settings(base_register, settings)
    code, doc = _monitor(runner, base_register, *options)
    assert code == 2 and said in doc["stderr"] and "MON101…MON104" in doc["stderr"]
    assert "Traceback" not in doc["stderr"] and len(doc["stderr"].strip().splitlines()) == 1


def test_monitor_ignores_another_familys_entries(runner, base_register: Path) -> None:  # type: ignore[no-untyped-def]
    _lint_settings(base_register, "ignore: [LFK999, IMP9]")
    code, doc = _monitor(runner, base_register)
    assert code == 0 and _codes(doc) == ALL_MON


# -- import ----------------------------------------------------------------------------------------------
@pytest.fixture
def reg(runner, tmp_path: Path) -> Path:  # type: ignore[no-untyped-def]
    """A new register with one empty unit ``u``."""
    root = tmp_path / "reg"
    assert invoke(runner, "init", str(root)).exit_code == 0
    assert invoke(runner, "new", "unit", "u", "--root", str(root), "--name", "单位", "--type", "事业单位").exit_code == 0
    return root


def _table(tmp_path: Path, repeated: bool) -> Path:
    """A risk table with an unmapped column (IMP101, info), no category (IMP103) and, when ``repeated``, an id
    twice (IMP107, error: the import stops)."""
    p = tmp_path / ("repeated.csv" if repeated else "ok.csv")
    second = "R-001" if repeated else "R-002"
    p.write_text(f"风险编号,风险点,风险等级,备注栏\nR-001,收受好处,高,甲\n{second},泄露信息,中,乙\n", encoding="utf-8")
    return p


def _import(runner, root: Path, path: Path, *extra: str) -> tuple[int, dict[str, Any]]:  # type: ignore[no-untyped-def]
    r = invoke(runner, "import", str(path), "--root", str(root), "--unit", "u", "--as", "risks", "-f", "json", *extra)
    return r.exit_code, (json.loads(r.stdout) if r.exit_code != 2 else {"stderr": r.stderr})


def _risks(root: Path) -> str:
    p = root / "units/u/risks.yaml"
    return p.read_text(encoding="utf-8") if p.is_file() else ""


# (case, lfk.yaml lint settings, options, codes reported)
IMPORT_CASES = [
    ("nothing set", "", [], ["IMP101", "IMP103"]),
    ("--ignore a code", "", ["--ignore", "IMP101"], ["IMP103"]),
    ("--select a prefix", "", ["--select", "IMP10"], ["IMP101", "IMP103"]),
    ("--select one, --ignore the family", "", ["--select", "IMP103", "--ignore", "IMP"], ["IMP103"]),
    ("lint.ignore", "ignore: [IMP103]", [], ["IMP101"]),
    ("severity off", "severity: {IMP1: 'off'}", [], []),
]


@pytest.mark.parametrize(("settings", "options", "expected"), [c[1:] for c in IMPORT_CASES],
                         ids=[c[0] for c in IMPORT_CASES])
def test_import_select_ignore_changes_the_report_not_the_write(runner, reg: Path, tmp_path: Path,  # type: ignore[no-untyped-def]
                                                               settings: str, options: list[str],
                                                               expected: list[str]) -> None:
    if settings:
        _lint_settings(reg, settings)
    code, doc = _import(runner, reg, _table(tmp_path, repeated=False), *options)
    assert code == 0 and _codes(doc) == expected and doc["summary"]["written"]
    written = _risks(reg)
    assert "R-001" in written and "R-002" in written and "备注栏: 甲" in written  # the kept column whatever is reported


def test_import_severity_raised_to_error_fails_the_run_but_writes(runner, reg: Path, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    _lint_settings(reg, "severity: {IMP101: error}")
    code, doc = _import(runner, reg, _table(tmp_path, repeated=False))
    assert code == 1 and doc["summary"]["errors"] == 1 and doc["summary"]["written"]
    assert {f["code"]: f["severity"] for f in doc["findings"]}["IMP101"] == "error"
    assert "R-002" in _risks(reg) and "hidden_errors" not in doc["summary"]


@pytest.mark.parametrize(("settings", "options"), [
    ("", ["--ignore", "IMP107"]),
    ("severity: {IMP107: info}", []),
    ("ignore: [IMP]", []),
])
def test_import_hidden_error_still_stops_the_import(runner, reg: Path, tmp_path: Path, settings: str,  # type: ignore[no-untyped-def]
                                                    options: list[str]) -> None:
    """An id repeated in the input (IMP107) stops the import whatever is reported: exit 1, nothing written,
    and the summary says how many errors the settings hide; --force writes as before."""
    if settings:
        _lint_settings(reg, settings)
    table = _table(tmp_path, repeated=True)
    code, doc = _import(runner, reg, table, *options)
    assert code == 1 and not doc["summary"]["written"] and doc["summary"]["hidden_errors"] == 1
    assert "IMP107" not in {f["code"] for f in doc["findings"] if f["severity"] == "error"}
    assert "R-001" not in _risks(reg)
    r = invoke(runner, "import", str(table), "--root", str(reg), "--unit", "u", "--as", "risks", "--lang", "en", *options)
    assert r.exit_code == 1 and "1 error(s) not listed as errors" in r.stdout and "nothing written" in r.stdout
    code, doc = _import(runner, reg, table, "--dry-run", *options)
    assert code == 1 and doc["summary"]["hidden_errors"] == 1
    code, doc = _import(runner, reg, table, "--force", *options)
    assert code == 0 and doc["summary"]["written"] and "R-001" in _risks(reg)


@pytest.mark.parametrize(("options", "settings", "said"), [
    (["--select", "IMP2"], "", "IMP2"),
    (["--ignore", "MON101"], "", "MON101"),
    ([], "severity: {IMP999: info}", "lint.severity: IMP999"),
])
def test_import_unknown_codes_are_one_line_errors(runner, reg: Path, tmp_path: Path, options: list[str],  # type: ignore[no-untyped-def]
                                                  settings: str, said: str) -> None:
    if settings:
        _lint_settings(reg, settings)
    code, doc = _import(runner, reg, _table(tmp_path, repeated=False), *options)
    assert code == 2 and said in doc["stderr"] and "IMP100…IMP109" in doc["stderr"]
    assert len(doc["stderr"].strip().splitlines()) == 1 and "R-001" not in _risks(reg)


# -- lint: entries of lfk.yaml ---------------------------------------------------------------------------
@pytest.mark.parametrize(("settings", "said"), [
    ("severity: {MON999: 'off'}", "`MON999` in lint.severity is no MON code"),
    ("ignore: [LFK9]", "`LFK9` in lint.ignore is no LFK code"),
    ("ignore: [FOO1]", "FOO1: not a code or prefix"),
    ("severity: {LFK4x: info}", "LFK4x: not a code or prefix"),
])
def test_lint_reports_bad_entries_of_lfk_yaml(runner, base_register: Path, settings: str, said: str) -> None:  # type: ignore[no-untyped-def]
    _lint_settings(base_register, settings)
    r = invoke(runner, "lint", "--root", str(base_register), "--as-of", AS_OF, "-f", "json", "--lang", "en")
    doc = json.loads(r.stdout)
    hits = [f for f in doc["findings"] if f["code"] == "LFK101" and said in f["message"]]
    assert r.exit_code == 1 and len(hits) == 1 and hits[0]["path"] == "lfk.yaml"
    line = (base_register / "lfk.yaml").read_text(encoding="utf-8").splitlines()[hits[0]["line"] - 1]
    assert settings.split(":")[0] in line


def test_lint_accepts_mon_and_imp_entries_and_applies_lfk_prefixes(runner, base_register: Path) -> None:  # type: ignore[no-untyped-def]
    _lint_settings(base_register, "ignore: [MON3, IMP1, LFK2]\nseverity: {MON302: error, LFK205: error}")
    r = invoke(runner, "lint", "--root", str(base_register), "--as-of", AS_OF, "-f", "json")
    assert r.exit_code == 0 and json.loads(r.stdout)["findings"] == []


def test_rules_lists_mon_and_imp_codes(runner) -> None:  # type: ignore[no-untyped-def]
    r = invoke(runner, "rules", "--lang", "en")
    assert r.exit_code == 0 and "LFK001" in r.stdout
    assert "MON302  warning  step near its statutory limit" in r.stdout and "IMP104  error" in r.stdout
    listed = {x["code"] for x in json.loads(invoke(runner, "rules", "-f", "json").stdout)}
    assert {"MON001", "MON501", "IMP100", "IMP108"} <= listed
    r = invoke(runner, "rules", "mon302", "--lang", "en")
    assert r.exit_code == 0 and r.stdout.startswith("MON302 (warning)") and "docs/monitor.md" in r.stdout
    assert json.loads(invoke(runner, "rules", "IMP107", "-f", "json").stdout)["severity"] == "error"


# (case, lfk.yaml lint settings, options, LFK005's severity or None when not reported)
LINT_CASES = [
    ("reported as a warning", "", [], "warning"),
    ("--select a code beats --ignore of its prefix", "", ["--select", "LFK005", "--ignore", "LFK0"], "warning"),
    ("--ignore a code beats --select of its prefix", "", ["--select", "LFK0", "--ignore", "LFK005"], None),
    ("a prefix in lint.severity", "severity: {LFK0: error}", [], "error"),
    ("the longer severity entry wins", "severity: {LFK0: info, LFK00: error}", [], "error"),
    ("--select beats a shorter lint.ignore", "ignore: [LFK0]", ["--select", "LFK005"], "warning"),
    ("lint.ignore of the code beats --select of it (a tie)", "ignore: [LFK005]", ["--select", "LFK005"], None),
]


@pytest.mark.parametrize(("settings", "options", "expected"), [c[1:] for c in LINT_CASES],
                         ids=[c[0] for c in LINT_CASES])
def test_lint_decides_through_the_engine(runner, base_register: Path, settings: str, options: list[str],  # type: ignore[no-untyped-def]
                                         expected: str | None) -> None:
    (base_register / "units/county-amr/notes.txt").write_text("x", encoding="utf-8")  # LFK005, a warning
    if settings:
        _lint_settings(base_register, settings)
    r = invoke(runner, "lint", "--root", str(base_register), "--as-of", AS_OF, "-f", "json", *options)
    found = [f["severity"] for f in json.loads(r.stdout)["findings"] if f["code"] == "LFK005"]
    assert found == ([expected] if expected else []) and r.exit_code == (1 if expected == "error" else 0)


def test_import_hidden_errors_counts_the_hidden_one_even_beside_a_raised_one(runner, reg: Path,  # type: ignore[no-untyped-def]
                                                                             tmp_path: Path) -> None:
    """IMP107 ignored and IMP101 raised to error: one error reported, and still one hidden that stops the import."""
    _lint_settings(reg, "severity: {IMP101: error}")
    code, doc = _import(runner, reg, _table(tmp_path, repeated=True), "--ignore", "IMP107")
    assert code == 1 and doc["summary"]["errors"] == 1 and doc["summary"]["hidden_errors"] == 1
    assert not doc["summary"]["written"] and "R-001" not in _risks(reg)
