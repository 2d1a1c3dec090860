"""``lfk lint`` replays a recorded report only while every input is as it was (lfk.cli.replay, issue #16).

Each test runs ``lfk.cli.main`` in-process twice (or more) and counts the full runs through a spy on
``lfk.cli.main.main``: a replay prints without reaching it. Every invalidation the replay relies on is
changed once and must lead to a full run whose report shows the change.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import time
from pathlib import Path

import pytest

import lfk.cli.main as cli_main
from lfk import cli
from lfk.cli import replay
from tests.conftest import REPO


class Runs:
    """Calls ``lfk ARGS`` as the console script does, counting the full (not replayed) runs."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
        self.full = 0
        self.capsys = capsys
        real = cli_main.main

        def spy(argv: list[str] | None = None) -> int:
            self.full += 1
            return real(argv)

        monkeypatch.setattr(cli_main, "main", spy)

    def __call__(self, *args: str) -> tuple[int, str, bool]:
        """(exit code, stdout, whether it was a full run)."""
        before = self.full
        code = cli.entry(list(args))
        out = self.capsys.readouterr().out
        return code, out, self.full > before


@pytest.fixture
def runs(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> Runs:
    # files the test has just written count as settled (the two-second rule has its own test)
    monkeypatch.setattr(replay, "SETTLE_NS", 0)
    monkeypatch.delenv("LFK_LANG", raising=False)
    monkeypatch.setenv("LANG", "en_US.UTF-8")
    return Runs(monkeypatch, capsys)


def settle() -> None:
    """Wait past the file-system clock tick, so a change after this has new stat facts."""
    time.sleep(0.02)


def test_second_run_is_replayed_with_the_same_report_and_exit_code(base_register: Path, runs: Runs) -> None:
    risks = base_register / "units" / "county-amr" / "risks.yaml"
    risks.write_text(risks.read_text(encoding="utf-8").replace("grade: ", "grade: 极高", 1), encoding="utf-8")
    settle()
    first = runs("lint", "--root", str(base_register), "--as-of", "2026-12-01")
    second = runs("lint", "--root", str(base_register), "--as-of", "2026-12-01")
    assert first[2] and not second[2]
    assert first[0] == second[0] == 1
    assert first[1] == second[1] and "LFK" in first[1]


def test_a_clean_register_replays_exit_zero_in_json(base_register: Path, runs: Runs) -> None:
    args = ("lint", "--root", str(base_register), "--format", "json", "--as-of", "2026-12-01")
    first, second = runs(*args), runs(*args)
    assert (first[0], first[2]) == (0, True)
    assert second == (0, first[1], False)


def _edit(root: Path) -> None:
    risks = root / "units" / "county-amr" / "risks.yaml"
    risks.write_text(risks.read_text(encoding="utf-8").replace("grade: ", "grade: 极高", 1), encoding="utf-8")


def _touch(root: Path) -> None:
    p = root / "units" / "county-amr" / "risks.yaml"
    p.write_bytes(p.read_bytes())  # same bytes, new mtime and ctime


def _add(root: Path) -> None:
    (root / "units" / "county-amr" / "flows" / "F-new.yaml").write_text("id: [\n", encoding="utf-8")


def _remove(root: Path) -> None:
    (root / "units" / "county-amr" / "measures.yaml").unlink()


def _config(root: Path) -> None:
    p = root / "lfk.yaml"
    p.write_text(p.read_text(encoding="utf-8") + "\nbogus_key: 1\n", encoding="utf-8")


@pytest.mark.parametrize("change", [_edit, _touch, _add, _remove, _config], ids=lambda f: f.__name__.strip("_"))
def test_a_changed_register_file_means_a_full_run(base_register: Path, runs: Runs, change) -> None:  # type: ignore[no-untyped-def]
    args = ("lint", "--root", str(base_register), "--as-of", "2026-12-01")
    first = runs(*args)
    assert not runs(*args)[2]
    settle()
    change(base_register)
    after = runs(*args)
    assert after[2]
    if change is not _touch:
        assert after[1] != first[1]
    assert not runs(*args)[2]  # and the new state is recorded in turn


def test_options_and_working_folder_each_have_their_own_record(base_register: Path, runs: Runs,
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    base = ("lint", "--root", str(base_register), "--as-of", "2026-12-01")
    runs(*base)
    for extra in (("--select", "LFK1"), ("--format", "json"), ("--strict",), ("--as-of", "2027-06-01"), ("--lang", "zh")):
        assert runs(*base, *extra)[2], extra
        assert not runs(*base, *extra)[2], extra
    monkeypatch.chdir(base_register)
    assert runs(*base)[2]  # another working folder: another record


def test_a_new_day_means_a_full_run(base_register: Path, runs: Runs, monkeypatch: pytest.MonkeyPatch) -> None:
    args = ("lint", "--root", str(base_register))  # no --as-of: the date is today's
    today = replay._today
    monkeypatch.setattr(replay, "_today", lambda: (dt.date.today() - dt.timedelta(days=1)).isoformat())
    runs(*args)
    assert not runs(*args)[2]
    monkeypatch.setattr(replay, "_today", today)
    assert runs(*args)[2]


def test_the_environment_that_shapes_output_means_a_full_run(base_register: Path, runs: Runs,
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    _edit(base_register)
    settle()
    args = ("lint", "--root", str(base_register), "--as-of", "2026-12-01")
    monkeypatch.setenv("LFK_LANG", "en")
    english = runs(*args)
    monkeypatch.setenv("LFK_LANG", "zh")
    chinese = runs(*args)
    assert chinese[2] and chinese[1] != english[1]
    monkeypatch.setenv("LFK_PARSER", "pyyaml")
    assert runs(*args)[2]
    monkeypatch.setenv("NO_COLOR", "1")
    assert runs(*args)[2]
    assert not runs(*args)[2]


def test_lfk_source_changed_means_a_full_run(base_register: Path, runs: Runs, monkeypatch: pytest.MonkeyPatch) -> None:
    args = ("lint", "--root", str(base_register), "--as-of", "2026-12-01")
    runs(*args)
    assert not runs(*args)[2]
    monkeypatch.setattr("lfk.core.cache.code_fingerprint", lambda: "0123456789ab")
    assert runs(*args)[2]


def test_a_baseline_file_changed_means_a_full_run(tmp_path: Path, runs: Runs) -> None:
    for name in ("registers-town", "registers-baseline"):
        shutil.copytree(REPO / name, tmp_path / name)
    town = tmp_path / "registers-town"
    args = ("lint", "--root", str(town), "--as-of", "2026-12-01", "--format", "json")
    first = runs(*args)
    assert not runs(*args)[2]
    settle()
    unit = next((tmp_path / "registers-baseline" / "units").iterdir())
    risks = unit / "risks.yaml"
    risks.write_text(risks.read_text(encoding="utf-8").replace("grade: ", "grade: 极高", 1), encoding="utf-8")
    after = runs(*args)
    assert after[2] and after[1] != first[1]


@pytest.mark.parametrize("extra", [("--no-cache",), ("--format", "github"), ("--format", "sarif"),
                                   ("--changed-since", "HEAD")])
def test_runs_that_are_never_recorded(base_register: Path, runs: Runs, extra: tuple[str, ...]) -> None:
    args = ("lint", "--root", str(base_register), "--as-of", "2026-12-01", *extra)
    runs(*args)
    assert runs(*args)[2]


def test_output_to_a_file_is_never_recorded(base_register: Path, runs: Runs, tmp_path: Path) -> None:
    args = ("lint", "--root", str(base_register), "--as-of", "2026-12-01", "--output", str(tmp_path / "r.txt"))
    runs(*args)
    (tmp_path / "r.txt").unlink()
    assert runs(*args)[2]
    assert (tmp_path / "r.txt").is_file()


def test_a_file_changed_just_before_the_run_is_not_trusted(base_register: Path, runs: Runs,
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(replay, "SETTLE_NS", 2_000_000_000)  # the real rule
    _touch(base_register)
    args = ("lint", "--root", str(base_register), "--as-of", "2026-12-01")
    runs(*args)
    assert runs(*args)[2]


def test_a_register_with_a_link_is_not_recorded(base_register: Path, runs: Runs) -> None:
    os.symlink(base_register / "units" / "county-amr" / "risks.yaml", base_register / "units" / "county-amr" / "extra.yaml")
    args = ("lint", "--root", str(base_register), "--as-of", "2026-12-01")
    runs(*args)
    assert runs(*args)[2]


def test_the_typer_app_alone_never_records(base_register: Path, runs: Runs) -> None:
    from typer.testing import CliRunner

    from tests.conftest import invoke

    args = ("lint", "--root", str(base_register), "--as-of", "2026-12-01")
    invoke(CliRunner(), *args)
    assert runs(*args)[2]


def test_code_fingerprint_is_memoised_by_the_sources_stat(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from lfk.core import cache

    monkeypatch.setattr(cache, "_user_dir", lambda: tmp_path)
    monkeypatch.setattr(cache, "SETTLE_NS", 0)
    real = cache.code_fingerprint.__wrapped__()
    [memo] = tmp_path.glob("fingerprint-*")
    assert cache.code_fingerprint.__wrapped__() == real
    memo.write_bytes(memo.read_bytes()[:32] + memo.read_bytes()[32:].replace(real.encode(), b"forged000000"))
    assert cache.code_fingerprint.__wrapped__() == real  # a forged memo is not believed
    files = cache.source_files()
    rel, st = files[0]
    monkeypatch.setattr(cache, "source_files", lambda: [(rel, (st[0] + 1, *st[1:])), *files[1:]])
    reads: list[str] = []
    monkeypatch.setattr(Path, "read_bytes", lambda self: reads.append(self.name) or b"")
    cache.code_fingerprint.__wrapped__()
    assert len(reads) >= len(files)  # a source whose facts changed: everything is hashed again


@pytest.mark.parametrize("when", ["before-reading", "after-reading"])
def test_a_file_changed_during_a_run_is_never_paired_with_its_report(base_register: Path, runs: Runs,
                                                                     monkeypatch: pytest.MonkeyPatch, when: str) -> None:
    """The facts recorded are those taken before the run read anything: an edit while the run goes on
    (whether the run saw it or not) leaves facts that no longer match, so the next run is a full one."""
    import lfk.api as lint_cli  # lfk lint runs the engine through lfk.api

    args = ("lint", "--root", str(base_register), "--as-of", "2026-12-01", "--format", "json")
    runs(*args)
    settle()
    _edit(base_register)  # the record no longer matches: the next run's replay misses and keeps the facts
    settle()
    real = lint_cli.lint_register
    risks = base_register / "units" / "county-amr" / "risks.yaml"

    def edit_meanwhile(reg, opts):  # type: ignore[no-untyped-def]
        if when == "before-reading":
            risks.write_text(risks.read_text(encoding="utf-8").replace("极高", "", 1), encoding="utf-8")
        result = real(reg, opts)
        if when == "after-reading":
            risks.write_text(risks.read_text(encoding="utf-8").replace("极高", "", 1), encoding="utf-8")
        return result

    monkeypatch.setattr(lint_cli, "lint_register", edit_meanwhile)
    during = runs(*args)
    monkeypatch.setattr(lint_cli, "lint_register", real)
    after = runs(*args)
    assert during[2] and after[2]  # the edit made during the run is seen: no replay of that run's report
    assert after[0] == 0 and '"errors": 0' in after[1]
    assert not runs(*args)[2]
