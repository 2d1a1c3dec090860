"""Commands that take ``--events`` beside their own work refuse a log that gives no row, in one line.

Regression: `lfk lint --events log.csv` with a log lacking the required columns said "没有发现问题" and
ended 0 (as did score, due, dispose and the internal site): the monitor skipped the file with MON002, which
these commands have no report to show.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from tests.conftest import HERE, invoke

EVENTS = HERE / "fixtures" / "events"
COMMANDS = [["lint"], ["score"], ["due"], ["dispose", "W-1"], ["site", "{tmp}/site", "--audience", "internal"]]


@pytest.mark.parametrize("args", COMMANDS, ids=lambda a: a[0])
@pytest.mark.parametrize("log", ["missing-column", "empty"])
def test_a_log_without_rows_is_a_one_line_error(runner: CliRunner, base_register: Path, tmp_path: Path,
                                                args: list[str], log: str) -> None:
    path = EVENTS / "missing-column.csv" if log == "missing-column" else tmp_path / "empty.csv"
    if log == "empty":
        path.write_text("", encoding="utf-8")
    cmd = [a.replace("{tmp}", str(tmp_path)) for a in args]
    r = invoke(runner, *cmd, "--root", str(base_register), "--events", str(path))
    assert r.exit_code == 2, r.output
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1 and f"{path}:1: --events:" in lines[0], r.stderr
    assert ("started_at" in lines[0]) == (log == "missing-column") and "skipped" not in lines[0]
    assert not (tmp_path / "site").exists()


def test_a_readable_log_is_used(runner: CliRunner, base_register: Path) -> None:
    r = invoke(runner, "score", "--root", str(base_register), "--events", str(EVENTS / "license.csv"))
    assert r.exit_code == 0, r.output
