"""``lfk lint --changed-since`` with the cache of an earlier run, with or without typer, prints what it
prints without a cache.

A run with the cache reads only the unit.yaml files of the units it lints and takes the register-level
findings (lfk.yaml, standard flows, the register-scope rules over every unit.yaml) from the cache
(``lint-register``, keyed by every unit.yaml's digest, lfk.yaml, the standard flows and the rule
settings). Each case edits a git copy of the demo registers (or of a bench/gen.py register) after a
cached full lint, then compares every format with the same run under ``--no-cache``, and the
findings with those of a register that reads every unit.yaml up front. With plain options the console
script runs it without typer (``lfk.cli.lintrun``); the typer command, run as well, prints the same.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

import lfk.cli.main as cli_main
from lfk import cli
from lfk.cli import lintrun
from lfk.core.cache import Cache
from lfk.lint import LintOptions, lint_register
from lfk.lint.changed import affected_units, changed_files
from lfk.register import Register
from tests.conftest import AS_OF, REPO

sys.path.insert(0, str(REPO / "bench"))
import gen  # noqa: E402

DAY = dt.date.fromisoformat(AS_OF)
FORMATS = ("text", "json", "github", "sarif", "junit")
VARYING = re.compile(r'(timestamp|time|hostname)="[^"]*"')  # junit: when, how long and where the run was


def git(top: Path, *args: str) -> None:
    env = {**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.invalid",
           "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.invalid"}
    subprocess.run(["git", "-C", str(top), *args], check=True, capture_output=True, env=env)


def commit(top: Path) -> None:
    git(top, "init", "-q")
    git(top, "add", "-A")
    git(top, "commit", "-qm", "base")


def lint_cli(capsys: pytest.CaptureFixture[str], root: Path, *extra: str, typer: bool = False) -> tuple[int, str]:
    """(exit code, stdout) of ``lfk lint`` as the console script runs it (``typer``: the typer command
    itself, never ``lfk.cli.lintrun``), the run's time taken out."""
    args = ["lint", "--root", str(root), "--as-of", AS_OF, *extra]
    code = cli_main.main(args) if typer else cli.entry(args)
    return code, VARYING.sub(r'\1="-"', capsys.readouterr().out)


def sig(result) -> list[tuple]:  # type: ignore[no-untyped-def]
    return [(f.code, f.severity, f.path, f.line, f.column, f.message, f.hint, f.suppressed, f.suppress_reason, f.extra)
            for f in result.findings]


def compare(capsys: pytest.CaptureFixture[str], root: Path, cache: Path) -> list[str]:
    """Assert the cached ``--changed-since HEAD`` runs (twice: the second finds its units cached too) print
    what ``--no-cache`` prints, in every format; the library's findings equal an eager register's. The
    text reports."""
    texts = []
    for fmt in FORMATS:
        want = lint_cli(capsys, root, "--changed-since", "HEAD", "--format", fmt, "--no-cache")
        for _ in range(2):
            assert lint_cli(capsys, root, "--changed-since", "HEAD", "--format", fmt) == want, fmt
        assert lint_cli(capsys, root, "--changed-since", "HEAD", "--format", fmt, typer=True) == want, fmt
        if fmt == "text":
            texts.append(want[1])
    eager = Register(root)
    assert eager._headers_left is False
    units = affected_units(eager, changed_files(root, "HEAD"))
    want_findings = sig(lint_register(eager, LintOptions(as_of=DAY, units=units)))
    reg = Register(root, cache=Cache(cache), lazy_headers=True)
    got = sig(lint_register(reg, LintOptions(as_of=DAY, units=affected_units(reg, changed_files(root, "HEAD", reg.cache,
                                                                                                    reg.all_files)))))
    assert got == want_findings
    return texts


@pytest.fixture
def demo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A git work tree holding copies of the demo register, the town register and the baseline it adopts;
    one cached full lint of the demo and the town register done."""
    top = tmp_path / "top"
    for name in ("registers", "registers-town", "registers-baseline"):
        shutil.copytree(REPO / name, top / name, ignore=shutil.ignore_patterns(".lfk-cache"))
    commit(top)
    monkeypatch.setenv("LFK_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setenv("LANG", "en_US.UTF-8")
    monkeypatch.delenv("LFK_LANG", raising=False)
    monkeypatch.delenv("GITHUB_ACTIONS", raising=False)
    return top


def _prime(capsys: pytest.CaptureFixture[str], *roots: Path) -> None:
    for root in roots:
        lint_cli(capsys, root)
        lint_cli(capsys, root, "--changed-since", "HEAD")  # fills the register-level entry


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, (path, old)
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def _unit_edit(top: Path) -> None:
    _edit(top / "registers/units/county-amr/risks.yaml", "grade: ", "grade: 极")


def _new_unit(top: Path) -> None:
    shutil.copytree(top / "registers/units/county-cti", top / "registers/units/county-cti2")


def _deleted_unit(top: Path) -> None:
    shutil.rmtree(top / "registers/units/county-hospital")


def _config(top: Path) -> None:
    _edit(top / "registers/lfk.yaml", "name: 示范县廉政风险防控登记册", "name: 示范县登记册 13812345678")


def _std_flow(top: Path) -> None:
    path = next((top / "registers/flows").glob("*.yaml"))
    _edit(path, "id: ", "id: X")


def _unreadable_header(top: Path) -> None:
    header = top / "registers/units/county-cti/unit.yaml"
    header.unlink()
    header.symlink_to(top / "registers/lfk.yaml")  # a link is never read: LFK001


def _unreadable_unit_file(top: Path) -> None:
    path = top / "registers/units/county-amr/risks.yaml"
    path.unlink()
    path.mkdir()  # not a regular file


def _parent_cycle(top: Path) -> None:
    # two units naming each other as parent: the register-scope LFK106 (across unit.yaml files)
    for uid, other in (("county-cti", "county-hospital"), ("county-hospital", "county-cti")):
        path = top / f"registers/units/{uid}/unit.yaml"
        text = path.read_text(encoding="utf-8")
        text = re.sub(r"(?m)^parent: .*\n", "", text)
        path.write_text(text + f"parent: {other}\n", encoding="utf-8")


def _missing_parent(top: Path) -> None:
    path = top / "registers/units/county-cti/unit.yaml"
    path.write_text(re.sub(r"(?m)^parent: .*\n", "", path.read_text(encoding="utf-8")) + "parent: nowhere\n",
                    encoding="utf-8")


def _duplicate_unit_id(top: Path) -> None:
    # a unit.yaml that says it is another unit (LFK005) with a malformed parent (LFK105, register scope)
    path = top / "registers/units/county-cti/unit.yaml"
    text = re.sub(r"(?m)^id: .*$", "id: county-amr", path.read_text(encoding="utf-8"))
    path.write_text(re.sub(r"(?m)^parent: .*\n", "", text) + "parent: Bad_Parent\n", encoding="utf-8")


def _stray_in_units(top: Path) -> None:
    (top / "registers/units/notes.txt").write_text("a file where units go\n", encoding="utf-8")


def _baseline_edit(top: Path) -> None:
    path = next(p for p in sorted((top / "registers-baseline/units").glob("*/risks.yaml")))
    _edit(path, "grade: ", "grade: 极")


EDITS: dict[str, Callable[[Path], None]] = {
    "unit": _unit_edit, "new-unit": _new_unit, "deleted-unit": _deleted_unit, "lfk.yaml": _config,
    "standard-flow": _std_flow, "unreadable-unit.yaml": _unreadable_header, "unreadable-file": _unreadable_unit_file,
    "parent-cycle": _parent_cycle, "missing-parent": _missing_parent, "duplicate-unit-id": _duplicate_unit_id,
    "stray-file": _stray_in_units, "baseline": _baseline_edit,
}


@pytest.mark.parametrize("edit", list(EDITS))
def test_changed_since_with_the_cache_prints_what_a_run_without_prints(
        demo: Path, capsys: pytest.CaptureFixture[str], edit: str) -> None:
    _prime(capsys, demo / "registers", demo / "registers-town")
    before = lint_cli(capsys, demo / "registers", "--changed-since", "HEAD")
    EDITS[edit](demo)
    cache = demo.parent / "cache"
    texts = compare(capsys, demo / "registers", cache)
    compare(capsys, demo / "registers-town", cache)
    if edit not in ("baseline", "deleted-unit"):  # neither has a finding of its own in the demo register
        assert texts[0] != before[1]


def test_a_register_level_change_is_seen_across_units(demo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = demo / "registers"
    _prime(capsys, root)
    _, before = lint_cli(capsys, root, "--changed-since", "HEAD", "--format", "json")
    assert "LFK106" not in before
    _parent_cycle(demo)
    _, after = lint_cli(capsys, root, "--changed-since", "HEAD", "--format", "json")
    assert after.count('"LFK106"') == 2  # both units of the cycle, each in its own unit.yaml
    _missing_parent(demo)  # county-cti's parent now names nothing; county-hospital's cycle is gone
    _, again = lint_cli(capsys, root, "--changed-since", "HEAD", "--format", "json")
    assert "LFK106" not in again and '"LFK104"' in again


def test_only_the_linted_units_headers_are_read(tmp_path: Path) -> None:
    root = gen.generate(tmp_path / "gen" / "reg", 48, copies=1)
    commit(root)
    cache = tmp_path / "c"
    lint_register(Register(root, cache=Cache(cache), lazy_headers=True), LintOptions(as_of=DAY))
    _edit(root / "units/unit-00020/risks.yaml", "grade: ", "grade: 极")
    reg = Register(root, cache=Cache(cache), lazy_headers=True)
    assert reg._headers == {}
    units = affected_units(reg, changed_files(root, "HEAD", reg.cache, reg.all_files))
    assert units == ["unit-00020"]
    part = lint_register(reg, LintOptions(as_of=DAY, units=units))
    assert list(reg._headers) == ["unit-00020"] and reg._headers_left  # the others never read
    eager = Register(root)
    assert sig(part) == sig(lint_register(eager, LintOptions(as_of=DAY, units=units)))
    assert any(f.code == "LFK101" for f in part.findings)
    # the other headers read later are the same as an eager register's, the one read first kept as it was
    first = reg._headers["unit-00020"][0]
    assert set(reg.unit_headers) == set(eager.unit_headers) and reg.unit_headers["unit-00020"][0] is first
    assert [(lf.data if lf else None) for lf, _ in reg.unit_headers.values()] == [
        (lf.data if lf else None) for lf, _ in eager.unit_headers.values()]


def test_a_generated_register_with_edits_of_several_kinds(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    root = gen.generate(tmp_path / "gen" / "reg", 24, copies=1)
    commit(root)
    monkeypatch.setenv("LFK_CACHE_DIR", str(tmp_path / "cache"))
    _prime(capsys, root)
    _edit(root / "units/unit-00003/risks.yaml", "grade: ", "grade: 极")
    shutil.copytree(root / "units/unit-00004", root / "units/unit-00030")
    shutil.rmtree(root / "units/unit-00005")
    header = root / "units/unit-00006/unit.yaml"
    header.write_text(header.read_text(encoding="utf-8") + "parent: unit-00007\n", encoding="utf-8")
    header = root / "units/unit-00007/unit.yaml"
    header.write_text(header.read_text(encoding="utf-8") + "parent: unit-00006\n", encoding="utf-8")
    texts = compare(capsys, root, tmp_path / "cache")
    assert "LFK106" in texts[0] and "unit-00030" in texts[0]


@pytest.mark.parametrize("args", [
    ["--changed-since", "HEAD"], ["--changed-since=HEAD", "-f", "json", "--strict", "-q"],
    ["--format=sarif", "--changed-since", "HEAD", "--select", "LFK1", "--ignore=LFK105", "--jobs", "2", "--lang", "en"],
    ["--changed-since", "HEAD", "--show-suppressed", "--path-prefix", "x/y", "-j", "1", "--root", "r", "--as-of", "2026-12-01"],
])
def test_plain_options_are_taken(args: list[str]) -> None:
    got = lintrun.plain_options(args)
    assert got is not None and got["changed_since"] == "HEAD"


@pytest.mark.parametrize("args", [
    ["--changed-since", "HEAD", "units/x"], ["--changed-since", "HEAD", "--no-cache"], ["--changed-since", "HEAD", "--fix"],
    ["--changed-since", "HEAD", "-fjson"], ["--changed-since", "HEAD", "--jobs", "0"], ["--changed-since", "HEAD", "-j", "65"],
    ["--changed-since", "HEAD", "--jobs", "two"], ["--changed-since", "-x"], ["--changed-since"], ["--format", "json"],
    ["--changed-since", "HEAD", "--events", "e.csv"], ["--changed-since", "HEAD", "-o", "out.txt"], ["--changed-since", "HEAD", "-h"],
    ["--changed-since", "HEAD", "--path-prefix="], ["--changed-since", "HEAD", "--", "x"],
])
def test_anything_else_is_left_to_the_typer_command(args: list[str]) -> None:
    assert lintrun.plain_options(args) is None


def test_plain_changed_since_runs_without_typer_and_errors_are_the_typer_commands(
        demo: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    root = demo / "registers"
    full = []
    real = cli_main.main
    monkeypatch.setattr(cli_main, "main", lambda argv=None: full.append(argv) or real(argv))
    _unit_edit(demo)
    code, out = lint_cli(capsys, root, "--changed-since", "HEAD", "--format", "json")
    assert code == 1 and '"LFK101"' in out and full == []  # not the typer command
    for bad in (["--changed-since", "no-such-rev"], ["--changed-since", "HEAD", "--format", "xml"],
                ["--changed-since", "HEAD", "--select", "LFK999"], ["--changed-since", "HEAD", "--as-of", "2026-13-01"],
                ["--changed-since", "HEAD", "--lang", "fr"]):
        want = real(["lint", "--root", str(root), *bad])
        want_err = capsys.readouterr().err
        assert cli.entry(["lint", "--root", str(root), *bad]) == want == 2, bad
        assert capsys.readouterr().err == want_err and want_err.startswith("lfk: ")
    assert len(full) == 5  # each error: the typer command ran and said it


def test_changed_since_imports_neither_typer_nor_rich(demo: Path) -> None:
    probe = ("import json, sys\nfrom lfk.cli import main\ncode = main(sys.argv[1:])\nsys.stdout.flush()\n"
             "print('\\n' + json.dumps({'code': code, 'modules': sorted(sys.modules)}))")
    _unit_edit(demo)
    r = subprocess.run([sys.executable, "-c", probe, "lint", "--root", str(demo / "registers"), "--as-of", AS_OF,
                        "--changed-since", "HEAD", "--format", "json"], capture_output=True, text=True, timeout=120,
                       env={**os.environ, "LFK_CACHE_DIR": str(demo.parent / "cache")})
    data = json.loads(r.stdout.strip().splitlines()[-1])
    assert data["code"] == 1
    assert not [m for m in data["modules"] if m.split(".")[0] in ("typer", "click", "rich")]
