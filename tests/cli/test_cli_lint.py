"""``lfk lint`` through the CLI: formats, exit codes, selection, suppression, root discovery, language."""

from __future__ import annotations

import json
import shutil
import xml.etree.ElementTree as ET
from pathlib import Path

import jsonschema
import pytest

from tests.conftest import AS_OF, HERE, invoke

FIX = HERE / "fixtures"


def break_legal_basis(root: Path) -> None:
    p = root / "units/county-amr/authorities.yaml"
    p.write_text(p.read_text(encoding="utf-8").replace("legal_basis:", "legal_bases:", 1), encoding="utf-8")


def test_clean_register_exits_0(runner, base_register: Path) -> None:  # type: ignore[no-untyped-def]
    r = invoke(runner, "lint", "--root", str(base_register), "--as-of", AS_OF, "--lang", "en")
    assert r.exit_code == 0, r.output
    assert "no problems found" in r.stdout


def test_json_shape(runner, base_register: Path) -> None:  # type: ignore[no-untyped-def]
    break_legal_basis(base_register)
    r = invoke(runner, "lint", "--root", str(base_register), "--as-of", AS_OF, "--format", "json")
    assert r.exit_code == 1
    doc = json.loads(r.stdout)
    f = next(x for x in doc["findings"] if x["code"] == "LFK102")
    assert set(f) >= {"code", "severity", "path", "line", "column", "message"}
    assert f["path"] == "units/county-amr/authorities.yaml" and f["line"] == 7 and f["column"] == 5
    assert "legal_basis" in f["message"]
    assert doc["summary"]["errors"] >= 1 and doc["summary"]["exit_code"] == 1


def test_text_output_names_file_line_and_fix(runner, base_register: Path) -> None:  # type: ignore[no-untyped-def]
    break_legal_basis(base_register)
    r = invoke(runner, "lint", "--root", str(base_register), "--as-of", AS_OF, "--lang", "zh")
    assert "units/county-amr/authorities.yaml:7:5: LFK102 error 未知的键 `legal_bases`；是不是 `legal_basis`？" in r.stdout
    r = invoke(runner, "lint", "--root", str(base_register), "--as-of", AS_OF, "--lang", "en")
    assert "did you mean `legal_basis`?" in r.stdout


def test_github_format(runner, base_register: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    break_legal_basis(base_register)
    monkeypatch.setenv("GITHUB_ACTIONS", "true")
    r = invoke(runner, "lint", "--root", str(base_register), "--as-of", AS_OF)
    assert "::error file=units/county-amr/authorities.yaml,line=7,col=5,title=LFK102::LFK102 " in r.stdout


def test_sarif_is_valid(runner, base_register: Path) -> None:  # type: ignore[no-untyped-def]
    break_legal_basis(base_register)
    r = invoke(runner, "lint", "--root", str(base_register), "--as-of", AS_OF, "--format", "sarif")
    doc = json.loads(r.stdout)
    schema = json.loads((FIX / "sarif-schema-2.1.0.json").read_text(encoding="utf-8"))
    jsonschema.validate(doc, schema)
    run = doc["runs"][0]
    ids = [rule["id"] for rule in run["tool"]["driver"]["rules"]]
    assert "LFK102" in ids and "LFK001" in ids
    res = next(x for x in run["results"] if x["ruleId"] == "LFK102")
    assert ids[res["ruleIndex"]] == "LFK102"
    assert res["locations"][0]["physicalLocation"]["region"] == {"startLine": 7, "startColumn": 5, "endLine": 7,
                                                                 "endColumn": 6}


def test_junit(runner, base_register: Path) -> None:  # type: ignore[no-untyped-def]
    break_legal_basis(base_register)
    r = invoke(runner, "lint", "--root", str(base_register), "--as-of", AS_OF, "--format", "junit")
    tree = ET.fromstring(r.stdout.encode())
    failures = tree.findall(".//failure")
    assert failures and any(f.get("type") == "LFK102" or "LFK102" in (f.text or "") for f in failures)
    assert int(tree.get("failures")) == len(failures)  # one failure per failing file


def test_select_and_ignore(runner, base_register: Path) -> None:  # type: ignore[no-untyped-def]
    break_legal_basis(base_register)
    r = invoke(runner, "lint", "--root", str(base_register), "--as-of", AS_OF, "--format", "json", "--ignore", "LFK102")
    assert "LFK102" not in [f["code"] for f in json.loads(r.stdout)["findings"]]
    r = invoke(runner, "lint", "--root", str(base_register), "--as-of", AS_OF, "--format", "json", "--select", "LFK0")
    assert all(f["code"].startswith("LFK0") for f in json.loads(r.stdout)["findings"])
    r = invoke(runner, "lint", "--root", str(base_register), "--select", "LFK999")
    assert r.exit_code == 2


def test_suppression_with_reason(runner, base_register: Path) -> None:  # type: ignore[no-untyped-def]
    p = base_register / "units/county-amr/authorities.yaml"
    p.write_text(p.read_text(encoding="utf-8").replace("legal_basis:", "legal_bases:  # lfk: ignore[LFK102] 测试用", 1),
                 encoding="utf-8")
    r = invoke(runner, "lint", "--root", str(base_register), "--as-of", AS_OF, "--format", "json", "--select", "LFK0,LFK1")
    doc = json.loads(r.stdout)
    assert doc["summary"]["suppressed"] == 1 and "LFK102" not in [f["code"] for f in doc["findings"]]
    r = invoke(runner, "lint", "--root", str(base_register), "--as-of", AS_OF, "--format", "json", "--show-suppressed",
               "--select", "LFK0,LFK1")
    sup = [f for f in json.loads(r.stdout)["findings"] if f["code"] == "LFK102"]
    assert sup and sup[0]["suppressed"] is True and sup[0]["suppress_reason"] == "测试用"


def test_strict_fails_on_warnings(runner, base_register: Path) -> None:  # type: ignore[no-untyped-def]
    (base_register / "units/county-amr/notes.txt").write_text("x", encoding="utf-8")
    assert invoke(runner, "lint", "--root", str(base_register), "--as-of", AS_OF, "--select", "LFK005").exit_code == 0
    assert invoke(runner, "lint", "--root", str(base_register), "--as-of", AS_OF, "--select", "LFK005",
                  "--strict").exit_code == 1


def test_config_severity_and_ignore(runner, base_register: Path) -> None:  # type: ignore[no-untyped-def]
    (base_register / "units/county-amr/notes.txt").write_text("x", encoding="utf-8")
    cfg = base_register / "lfk.yaml"
    cfg.write_text(cfg.read_text(encoding="utf-8") + "lint:\n  severity: {LFK005: error}\n", encoding="utf-8")
    assert invoke(runner, "lint", "--root", str(base_register), "--as-of", AS_OF, "--select", "LFK005").exit_code == 1
    cfg.write_text(cfg.read_text(encoding="utf-8").replace("severity: {LFK005: error}", "ignore: [LFK005]"), encoding="utf-8")
    assert invoke(runner, "lint", "--root", str(base_register), "--as-of", AS_OF, "--select", "LFK005").exit_code == 0


def test_paths_restrict_reporting(runner, base_register: Path) -> None:  # type: ignore[no-untyped-def]
    break_legal_basis(base_register)
    r = invoke(runner, "lint", str(base_register / "units/county-amr/risks.yaml"), "--root", str(base_register),
               "--as-of", AS_OF, "--format", "json")
    assert all(f["path"] == "units/county-amr/risks.yaml" for f in json.loads(r.stdout)["findings"])
    assert invoke(runner, "lint", "no-such-unit", "--root", str(base_register)).exit_code == 2


def test_root_discovery(runner, base_register: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.chdir(base_register / "units" / "county-amr")
    monkeypatch.delenv("LFK_ROOT", raising=False)
    assert invoke(runner, "lint", "--as-of", AS_OF).exit_code == 0
    monkeypatch.setenv("LFK_ROOT", str(base_register))
    monkeypatch.chdir(base_register.parent)
    assert invoke(runner, "lint", "--as-of", AS_OF).exit_code == 0


def test_no_root_is_one_line_exit_2(runner, tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("LFK_ROOT", raising=False)
    r = invoke(runner, "lint")
    assert r.exit_code == 2
    assert "lfk.yaml" in r.stderr and "Traceback" not in r.output and len(r.stderr.strip().splitlines()) == 1


@pytest.mark.parametrize("bad", ["--as-of=yesterday", "--format=xml", "--lang=fr"])
def test_bad_options_exit_2(runner, base_register: Path, bad: str) -> None:  # type: ignore[no-untyped-def]
    r = invoke(runner, "lint", "--root", str(base_register), bad)
    assert r.exit_code == 2 and "Traceback" not in r.output


def test_language_from_env_and_config(runner, base_register: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    break_legal_basis(base_register)
    monkeypatch.setenv("LFK_LANG", "en")
    r = invoke(runner, "lint", "--root", str(base_register), "--as-of", AS_OF)
    assert "unknown key" in r.stdout
    monkeypatch.delenv("LFK_LANG")
    r = invoke(runner, "lint", "--root", str(base_register), "--as-of", AS_OF)  # lfk.yaml says lang: zh
    assert "未知的键" in r.stdout


def test_output_file(runner, base_register: Path, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    out = tmp_path / "lint.json"
    r = invoke(runner, "lint", "--root", str(base_register), "--as-of", AS_OF, "--format", "json", "--output", str(out))
    assert r.exit_code == 0 and json.loads(out.read_text(encoding="utf-8"))["findings"] == []


def test_rules_command(runner) -> None:  # type: ignore[no-untyped-def]
    r = invoke(runner, "rules", "--lang", "en")
    assert r.exit_code == 0 and "LFK001" in r.stdout and "LFK106" in r.stdout
    r = invoke(runner, "rules", "LFK102", "--lang", "zh")
    assert "Failing" in r.stdout and "Passing" in r.stdout and "legal_basis" in r.stdout
    assert invoke(runner, "rules", "LFK999").exit_code == 2


def test_unit_folder_without_unit_yaml(runner, base_register: Path) -> None:  # type: ignore[no-untyped-def]
    (base_register / "units/empty-unit/flows").mkdir(parents=True)
    (base_register / "units/empty-unit/flows/F-x.yaml").write_text("id: F-x\nname: x\nsteps: []\n", encoding="utf-8")
    r = invoke(runner, "lint", "--root", str(base_register), "--as-of", AS_OF, "--format", "json", "--select", "LFK1")
    assert any(f["code"] == "LFK101" and f["path"] == "units/empty-unit/unit.yaml" for f in json.loads(r.stdout)["findings"])


def test_broken_lfk_yaml_is_a_finding(runner, base_register: Path) -> None:  # type: ignore[no-untyped-def]
    (base_register / "lfk.yaml").write_text("name: x\ngrading: {method: magic}\n", encoding="utf-8")
    r = invoke(runner, "lint", "--root", str(base_register), "--as-of", AS_OF, "--format", "json")
    doc = json.loads(r.stdout)
    assert any(f["code"] == "LFK101" and f["path"] == "lfk.yaml" and f["line"] == 2 for f in doc["findings"])


def test_fix_formats_and_fix_grades_writes_grades(runner, base_register: Path) -> None:  # type: ignore[no-untyped-def]
    risks = base_register / "units/county-amr/risks.yaml"
    text = risks.read_text(encoding="utf-8")
    risks.write_text(text.replace("    grade: 中\n", "    grade: 低\n", 1).replace("steps: [S2]", "steps:\n      - S2", 1),
                     encoding="utf-8")
    r = invoke(runner, "lint", "--root", str(base_register), "--as-of", AS_OF, "--select", "LFK402")
    assert r.exit_code == 1
    assert invoke(runner, "lint", "--root", str(base_register), "--fix-grades").exit_code == 2
    r = invoke(runner, "lint", "--root", str(base_register), "--as-of", AS_OF, "--fix")
    assert "formatting" in r.stderr and r.exit_code == 1  # formatting fixed, the grade is not a certain fix
    assert "steps: [S2]" in risks.read_text(encoding="utf-8")
    r = invoke(runner, "lint", "--root", str(base_register), "--as-of", AS_OF, "--fix", "--fix-grades")
    assert r.exit_code == 0, r.output
    assert "R-003 grade 低 → 中" in r.stderr
    assert risks.read_text(encoding="utf-8") == text


@pytest.mark.parametrize("cmd", [["grade"], ["score"], ["render", "--format", "dot"], ["site", "OUT"], ["export", "--format", "json"],
                                 ["approve", "AP-2026-03", "--unit", "county-amr"], ["monitor", "EVENTS"]])
def test_bad_lfk_yaml_is_exit_2_with_file_and_line(runner, base_register: Path, tmp_path: Path, cmd: list[str]) -> None:  # type: ignore[no-untyped-def]
    """Regression: other commands than lint ran on silently with default settings when lfk.yaml was broken."""
    (base_register / "lfk.yaml").write_text("name: x\ngrading: {method: magic}\n", encoding="utf-8")
    events = tmp_path / "e.csv"
    events.write_text("case_id,unit,authority,step,started_at,finished_at\n", encoding="utf-8")
    args = [c.replace("OUT", str(tmp_path / "site")).replace("EVENTS", str(events)) for c in cmd]
    r = invoke(runner, *args, "--root", str(base_register))
    assert r.exit_code == 2, r.output
    assert f"{base_register / 'lfk.yaml'}:2:" in r.stderr and "Traceback" not in r.output


@pytest.mark.parametrize(("args", "zh"), [
    (["lint", "--bogus"], "没有选项 --bogus"),
    (["lnt"], "没有这个命令"),
    (["import"], "缺少参数 FILE"),
    (["new", "unit", "x"], "缺少选项 --name"),
    (["lint", "--jobs", "abc"], "取值无效"),
])
def test_usage_errors_say_it_in_chinese_too(runner, args: list[str], zh: str) -> None:  # type: ignore[no-untyped-def]
    """click's usage errors are English only; lfk adds the Chinese, on the one line, as its other errors do."""
    r = invoke(runner, *args)
    assert r.exit_code == 2 and len(r.stderr.strip().splitlines()) == 1
    assert f" / {zh}" in r.stderr and "(try 'lfk" in r.stderr


def test_rules_takes_root_and_speaks_the_registers_language(runner, base_register: Path) -> None:  # type: ignore[no-untyped-def]
    """A CI script passes --root to every command: rules takes it too, and its lfk.yaml's lang."""
    cfg = base_register / "lfk.yaml"
    cfg.write_text(cfg.read_text(encoding="utf-8").replace("lang: zh", "lang: en", 1), encoding="utf-8")
    r = invoke(runner, "rules", "LFK604", "--root", str(base_register))
    assert r.exit_code == 0 and "the tiers leave a gap" in r.stdout.splitlines()[0]
    assert invoke(runner, "rules", "--root", str(base_register / "nowhere")).exit_code == 2


def test_statistics_counts_findings_per_code(runner, base_register: Path) -> None:  # type: ignore[no-untyped-def]
    """--format statistics (ruff's --statistics): a line per code, most first, with the rule's title; the exit code
    as for any format. A long text report names it in its summary line."""
    risks = base_register / "units" / "county-amr" / "risks.yaml"
    risks.write_text(risks.read_text(encoding="utf-8").replace("    owner: ", "    owner_was: "), encoding="utf-8")
    full = json.loads(invoke(runner, "lint", "--root", str(base_register), "--as-of", AS_OF, "-f", "json").stdout)
    counts: dict[str, int] = {}
    for f in full["findings"]:
        counts[f["code"]] = counts.get(f["code"], 0) + 1
    r = invoke(runner, "lint", "--root", str(base_register), "--as-of", AS_OF, "-f", "statistics", "--lang", "zh")
    assert r.exit_code == 1
    lines = r.stdout.strip().splitlines()
    got = {line.split()[1]: int(line.split()[0]) for line in lines[:-1]}
    assert got == counts and "LFK404" in got
    assert [int(line.split()[0]) for line in lines[:-1]] == sorted(got.values(), reverse=True)
    assert any("LFK404" in line and "风险没有责任人" in line for line in lines)
    assert lines[-1].startswith(f"{full['summary']['errors']} 个错误")
    text = invoke(runner, "lint", "--root", str(base_register), "--as-of", AS_OF, "--lang", "zh").stdout
    assert ("按代码汇总：lfk lint --format statistics" in text) is (len(full["findings"]) >= 20)
    for n in range(3):  # three copies of the unit: over 20 findings
        shutil.copytree(base_register / "units" / "county-amr", base_register / "units" / f"copy{n}")
        uy = base_register / "units" / f"copy{n}" / "unit.yaml"
        uy.write_text(uy.read_text(encoding="utf-8").replace("id: county-amr", f"id: copy{n}", 1), encoding="utf-8")
    text = invoke(runner, "lint", "--root", str(base_register), "--as-of", AS_OF, "--lang", "zh").stdout
    assert text.strip().splitlines()[-1].endswith("；按代码汇总：lfk lint --format statistics")
