"""Never silent on partial data: a file that cannot be read or validated stops every command but lint
(exit 2, ``file:line``) unless ``--skip-broken``, which names what it left out (issue 15, point 1)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from lfk.register import BrokenFile, Register
from tests.conftest import AS_OF, invoke

UNIT = "units/county-amr"


def _break_yaml(root: Path, name: str) -> Path:
    """Put a YAML syntax error on line 2 of ``UNIT/name``."""
    path = root / UNIT / name
    lines = path.read_text(encoding="utf-8").splitlines()
    lines.insert(1, "oops: [unclosed")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _break_schema(root: Path) -> None:
    """A risk whose grade is not one of the grade labels (valid YAML, invalid data)."""
    path = root / UNIT / "risks.yaml"
    text = path.read_text(encoding="utf-8")
    text = text.replace("grade: 高", "grade: 很高", 1).replace("grade: 中", "grade: 很高", 1)
    path.write_text(text, encoding="utf-8")


# (command args, needs an output path)
COMMANDS: list[tuple[list[str], bool]] = [
    (["grade", "--check"], False),
    (["grade"], False),
    (["score"], False),
    (["render", "county-amr", "--format", "dot", "-o"], True),
    (["export", "-o"], True),
    (["approve", "county-amr"], False),
    (["site"], True),
]


def _run(runner: CliRunner, root: Path, tmp: Path, args: list[str], out: bool, *extra: str):  # type: ignore[no-untyped-def]
    argv = [*args]
    if out:
        target = tmp / ("out.xlsx" if args[0] == "export" else "out.dot" if args[0] == "render" else "site")
        argv.append(str(target))
    return invoke(runner, *argv, "--root", str(root), "--as-of", AS_OF, *extra)


@pytest.mark.parametrize(("args", "out"), COMMANDS, ids=[" ".join(a) for a, _ in COMMANDS])
@pytest.mark.parametrize("broken", ["risks.yaml", "authorities.yaml"])
def test_broken_yaml_stops_every_command(base_register: Path, tmp_path: Path, runner: CliRunner,
                                         args: list[str], out: bool, broken: str) -> None:
    _break_yaml(base_register, broken)
    res = _run(runner, base_register, tmp_path, args, out)
    assert res.exit_code == 2, res.output
    assert re.search(rf"{UNIT}/{broken}:\d+:\d+: LFK001 ", res.stderr), res.stderr
    assert "--skip-broken" in res.stderr


def test_invalid_data_stops_grade(base_register: Path, tmp_path: Path, runner: CliRunner) -> None:
    _break_schema(base_register)
    res = _run(runner, base_register, tmp_path, ["grade", "--check"], False)
    assert res.exit_code == 2
    assert f"{UNIT}/risks.yaml:" in res.stderr and "LFK101" in res.stderr


def test_missing_unit_file_stops(base_register: Path, tmp_path: Path, runner: CliRunner) -> None:
    (base_register / UNIT / "unit.yaml").unlink()
    res = _run(runner, base_register, tmp_path, ["score"], False)
    assert res.exit_code == 2
    assert f"{UNIT}/unit.yaml:1:1" in res.stderr


def test_skip_broken_says_what_it_skipped(base_register: Path, tmp_path: Path, runner: CliRunner) -> None:
    whole = _run(runner, base_register, tmp_path, ["grade", "--format", "json"], False)
    assert whole.exit_code in (0, 1)
    _break_yaml(base_register, "risks.yaml")
    res = _run(runner, base_register, tmp_path, ["grade", "--format", "json"], False, "--skip-broken")
    assert res.exit_code in (0, 1), res.output
    assert re.search(rf"skipped / 已跳过: {UNIT}/risks.yaml:\d+:\d+: LFK001 .*--skip-broken", res.stderr)
    assert '"risks": []' in res.stdout or res.stdout.count('"risk"') < whole.stdout.count('"risk"')


def test_lint_keeps_listing_findings(base_register: Path, runner: CliRunner) -> None:
    _break_yaml(base_register, "risks.yaml")
    res = invoke(runner, "lint", "--root", str(base_register), "--format", "json")
    assert res.exit_code == 1
    assert "LFK001" in res.stdout


def test_register_modes(base_register: Path) -> None:
    _break_yaml(base_register, "risks.yaml")
    kept = Register(base_register).unit("county-amr")
    assert kept.files and kept.risks == []
    with pytest.raises(BrokenFile) as err:
        Register(base_register, on_broken="fail").unit("county-amr")
    assert re.search(r"/risks\.yaml:\d+:\d+$", err.value.location or "")
    seen = []
    reg = Register(base_register, on_broken="skip", on_skip=seen.append)
    ud = reg.unit("county-amr")
    assert ud.risks == [] and ud.authorities
    assert [f.path for f in reg.skipped] == [f"{UNIT}/risks.yaml"] and seen == reg.skipped


def test_skip_broken_leaves_out_a_unit_without_unit_file(base_register: Path) -> None:
    (base_register / UNIT / "unit.yaml").write_text("id: county-amr\nname: [\n", encoding="utf-8")
    reg = Register(base_register, on_broken="skip")
    assert reg.unit_ids == []
    assert reg.skipped[0].path == f"{UNIT}/unit.yaml"


# -- issue 19, item 15: no silent result from an odd rubric or an odd encoding ---------------------------
@pytest.mark.parametrize("grading", ["  method: matrix\n  matrix: [[高]]\n", "  method: matrix\n",
                                     "  method: matrix\n  matrix: [[高, 高, 高, 高, 高]]\n",
                                     "  method: lec\n", "  method: lec\n  levels: {L: {可能: 6}, C: {}}\n",
                                     "  method: weighted\n  thresholds: {高: 2.5, 中: 3.5}\n",
                                     "  method: weighted\n  thresholds: {高: .inf, 中: 2.5}\n",
                                     "  method: weighted\n  thresholds: {高: 3.5, 低: 1}\n"])
def test_a_rubric_that_cannot_grade_is_a_finding(runner: CliRunner, base_register: Path, grading: str) -> None:
    """A 1×1 matrix, lec without levels, thresholds out of order: LFK101 in lfk.yaml, never a silent grade."""
    cfg = base_register / "lfk.yaml"
    text = cfg.read_text(encoding="utf-8")
    text = re.sub(r"grading:\n(?:  .*\n)+", "grading:\n" + grading, text)
    cfg.write_text(text, encoding="utf-8")
    r = invoke(runner, "lint", "--root", str(base_register), "--lang", "en")
    assert r.exit_code == 1 and "lfk.yaml" in r.stdout and "LFK101" in r.stdout, r.output
    word = "levels" if "lec" in grading else next(w for w in ("matrix", "thresholds") if w in grading)
    assert word in r.stdout, r.output
    r = invoke(runner, "grade", "--check", "--root", str(base_register))
    assert r.exit_code == 2 and len(r.output.strip().splitlines()) == 1 and word in r.output, r.output


def test_a_gbk_risks_file_is_one_line_naming_the_encoding(runner: CliRunner, base_register: Path) -> None:
    path = base_register / UNIT / "risks.yaml"
    path.write_bytes(path.read_text(encoding="utf-8").encode("gbk"))
    for args in (["grade", "--check"], ["grade"], ["score"]):
        r = invoke(runner, *args, "--root", str(base_register))
        assert r.exit_code == 2 and len(r.output.strip().splitlines()) == 1, r.output
        assert "risks.yaml" in r.output and "GBK" in r.output and "Traceback" not in r.output
    r = invoke(runner, "lint", "--root", str(base_register))
    assert r.exit_code == 1 and "LFK003" in r.stdout and "GBK" in r.stdout


# -- an empty file (0 bytes, blanks or comments only) is LFK009, never read as "no items" ------------------
EMPTY = ["", "  \n\n   \n", "# 风险点待查找\n\n# (to do)\n", "\ufeff"]


# grade reads risks.yaml only: an empty measures.yaml is no partial data for it (its own test below)
EMPTY_CASES = [(a, o, n) for a, o in COMMANDS for n in ("risks.yaml", "authorities.yaml", "measures.yaml")
               if not (a[0] == "grade" and n == "measures.yaml")]


@pytest.mark.parametrize(("args", "out", "name"), EMPTY_CASES, ids=[f"{' '.join(a)}-{n}" for a, _, n in EMPTY_CASES])
def test_an_empty_list_file_stops_every_command(base_register: Path, tmp_path: Path, runner: CliRunner,
                                                args: list[str], out: bool, name: str) -> None:
    """Regression: a 0-byte risks.yaml was read as "no risks", and grade, score, site, export went on."""
    (base_register / UNIT / name).write_text("", encoding="utf-8")
    res = _run(runner, base_register, tmp_path, args, out)
    assert res.exit_code == 2, res.output
    assert len(res.stderr.strip().splitlines()) == 1, res.stderr
    assert f"{UNIT}/{name}:1:1: LFK009 " in res.stderr, res.stderr
    assert f"`{name[:-5]}: []`" in res.stderr and "--skip-broken" in res.stderr, res.stderr


@pytest.mark.parametrize("content", EMPTY, ids=["0-byte", "blanks", "comments", "bom"])
def test_every_kind_of_empty_is_lfk009_in_lint_and_stops_grade(base_register: Path, runner: CliRunner,
                                                                monkeypatch: pytest.MonkeyPatch, content: str) -> None:
    for parser in ("pyyaml", "default"):
        monkeypatch.setenv("LFK_PARSER", parser) if parser == "pyyaml" else monkeypatch.delenv("LFK_PARSER", raising=False)
        (base_register / UNIT / "risks.yaml").write_text(content, encoding="utf-8")
        res = invoke(runner, "lint", "--root", str(base_register), "--format", "json", "--no-cache")
        assert res.exit_code == 1, res.output
        found = [(f["code"], f["path"], f["line"]) for f in json.loads(res.stdout)["findings"] if f["code"] == "LFK009"]
        assert found == [("LFK009", f"{UNIT}/risks.yaml", 1)], found
        res = invoke(runner, "grade", "--check", "--root", str(base_register), "--no-cache")
        assert res.exit_code == 2 and "LFK009" in res.stderr, res.output


def test_grade_does_not_read_measures(base_register: Path, runner: CliRunner) -> None:
    """grade needs risks.yaml only: an empty measures.yaml does not change what it reports."""
    before = invoke(runner, "grade", "--format", "json", "--root", str(base_register))
    (base_register / UNIT / "measures.yaml").write_bytes(b"")
    after = invoke(runner, "grade", "--format", "json", "--root", str(base_register))
    assert before.exit_code == after.exit_code == 0 and after.stdout == before.stdout, after.output


def test_risks_none_yet_is_written_as_an_empty_list(base_register: Path, runner: CliRunner) -> None:
    """`risks: []` is the way to say "none yet" (lfk new unit writes it): no LFK009, grade runs."""
    (base_register / UNIT / "risks.yaml").write_text("# 尚未查找\nrisks: []\n", encoding="utf-8")
    res = invoke(runner, "grade", "--root", str(base_register))
    assert res.exit_code == 0 and "LFK009" not in res.output, res.output


@pytest.mark.parametrize(("rel", "keys"), [(f"{UNIT}/unit.yaml", "`id:`, `name:`, `type:`"), ("lfk.yaml", "`name:`")])
def test_an_empty_unit_or_config_file_is_one_line_with_the_keys_to_write(base_register: Path, runner: CliRunner,
                                                                          rel: str, keys: str) -> None:
    (base_register / rel).write_bytes(b"")
    for args in (["grade"], ["score"], ["export", "--format", "json"]):
        res = invoke(runner, *args, "--root", str(base_register), "--lang", "en")
        assert res.exit_code == 2 and len(res.output.strip().splitlines()) == 1, res.output
        assert f"{rel}:1:1: LFK009 " in res.output and keys in res.output, res.output
    res = invoke(runner, "lint", "--root", str(base_register), "--format", "json")
    codes = {(f["code"], f["path"]) for f in json.loads(res.stdout)["findings"]}
    assert ("LFK009", rel) in codes and ("LFK101", rel) not in codes, codes


def test_import_does_not_fill_an_emptied_file_without_saying_so(base_register: Path, tmp_path: Path,
                                                                runner: CliRunner) -> None:
    table = tmp_path / "t.xlsx"
    assert invoke(runner, "export", "--root", str(base_register), "--format", "xlsx", "-o", str(table)).exit_code == 0
    risks = base_register / UNIT / "risks.yaml"
    risks.write_bytes(b"")
    res = invoke(runner, "import", str(table), "--unit", "county-amr", "--root", str(base_register))
    assert res.exit_code == 2 and f"{UNIT}/risks.yaml:1:1: LFK009" in res.stderr, res.output
    assert risks.read_bytes() == b""
    res = invoke(runner, "import", str(table), "--unit", "county-amr", "--root", str(base_register), "--skip-broken")
    assert res.exit_code == 0, res.output
    assert re.search(rf"skipped / 已跳过: {UNIT}/risks.yaml:1:1: LFK009 ", res.stderr), res.stderr
    assert "id: R-001" in risks.read_text(encoding="utf-8")


def test_register_keeps_an_empty_file_as_a_finding(base_register: Path) -> None:
    (base_register / UNIT / "risks.yaml").write_bytes(b"")
    ud = Register(base_register).unit("county-amr")
    lf = next(f for f in ud.files if f.rel.endswith("risks.yaml"))
    assert ud.risks == [] and [f.code for f in lf.findings] == ["LFK009"]
    reg = Register(base_register, on_broken="skip")
    reg.unit("county-amr")
    assert [(f.code, f.path) for f in reg.skipped] == [("LFK009", f"{UNIT}/risks.yaml")]


def test_fmt_names_an_empty_file(base_register: Path, runner: CliRunner) -> None:
    (base_register / UNIT / "risks.yaml").write_bytes(b"# nothing\n")
    res = invoke(runner, "fmt", "--check", "--root", str(base_register))
    assert res.exit_code == 2 and f"{UNIT}/risks.yaml: not formatted: LFK009 line 1: the file is empty" in res.output, res.output
    assert (base_register / UNIT / "risks.yaml").read_bytes() == b"# nothing\n"
