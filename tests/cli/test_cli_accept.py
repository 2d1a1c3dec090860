"""``lfk accept``: an approved acceptance written into accepted.yaml, updated by id, checked before writing;
the monitor then treats the deviation as accepted (no 黄牌/红牌)."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from tests.conftest import HERE, invoke

EVENTS = HERE / "fixtures" / "events"
ACCEPTED = "units/county-amr/accepted.yaml"
NEW = ["--unit", "county-amr", "--code", "MON201", "--case", "P-ACTOR", "--post", "P-case",
       "--reason", "执法人员岗位调整期间由办案人员代为审核", "--approval", "AP-2026-03", "--until", "2026-12-31"]


def _warned(runner: CliRunner, root: Path) -> list[str]:
    r = invoke(runner, "monitor", "--root", str(root), str(EVENTS / "penalty.csv"), "--as-of", "2026-06-30",
               "--format", "json")
    return sorted(c["case_id"] for c in json.loads(r.stdout)["cases"])


def test_accept_records_then_updates_and_the_monitor_honours_it(runner: CliRunner, base_register: Path) -> None:
    assert "P-ACTOR" in _warned(runner, base_register)
    r = invoke(runner, "accept", "--root", str(base_register), "--as-of", "2026-06-01", "--lang", "en", *NEW)
    assert r.exit_code == 0 and r.stdout.strip() == f"recorded A-2026-01: {ACCEPTED}", r.output
    data = yaml.safe_load((base_register / ACCEPTED).read_text(encoding="utf-8"))
    assert data["accepted"] == [{"id": "A-2026-01", "code": "MON201", "case": "P-ACTOR", "post": "P-case",
                                 "reason": "执法人员岗位调整期间由办案人员代为审核", "approval": "AP-2026-03",
                                 "until": dt.date(2026, 12, 31)}]
    assert "P-ACTOR" not in _warned(runner, base_register)

    path = base_register / ACCEPTED
    path.write_text(path.read_text(encoding="utf-8").replace("    post: P-case\n", "    post: P-case  # 经办岗位\n"),
                    encoding="utf-8")
    r = invoke(runner, "accept", "A-2026-01", "--root", str(base_register), "--unit", "county-amr",
               "--until", "2027-03-31", "--lang", "en")
    assert r.exit_code == 0 and r.stdout.startswith("updated A-2026-01"), r.output
    text = path.read_text(encoding="utf-8")
    assert "until: 2027-03-31" in text and "# 经办岗位" in text and text.count("- id:") == 1
    r = invoke(runner, "accept", "--root", str(base_register), "--as-of", "2026-06-01", *NEW)
    assert r.exit_code == 0 and "A-2026-02" in r.stdout  # the next id of the year
    lint = invoke(runner, "lint", "--root", str(base_register), "--as-of", "2026-06-01", "--format", "json")
    assert not [f for f in json.loads(lint.stdout)["findings"] if f["code"] == "LFK805"], lint.stdout


@pytest.mark.parametrize(("change", "message"), [
    (["--code", "MON999"], "--code MON999"),
    (["--code", "LFK999"], "--code LFK999"),
    (["--approval", "AP-none"], "--approval AP-none"),
    (["--post", "P-nobody"], "--post P-nobody"),
    (["--since", "2027-01-01"], "is before --since"),
    (["--until", "31/12/2026"], "YYYY-MM-DD"),
    (["--unit", "no-such-unit"], "no unit"),
])
def test_accept_refuses_what_lint_would_reject(runner: CliRunner, base_register: Path, change: list[str],
                                               message: str) -> None:
    args = list(NEW)
    if change[0] in args:
        args[args.index(change[0]) + 1] = change[1]
    else:
        args += change
    r = invoke(runner, "accept", "--root", str(base_register), *args)
    assert r.exit_code == 2 and message in r.stderr and len(r.stderr.strip().splitlines()) == 1, r.output
    assert not (base_register / ACCEPTED).exists()


def test_a_new_acceptance_needs_reason_approval_and_until(runner: CliRunner, base_register: Path) -> None:
    r = invoke(runner, "accept", "--root", str(base_register), "--unit", "county-amr", "--code", "MON201")
    assert r.exit_code == 2 and "--reason, --approval, --until" in r.stderr
    r = invoke(runner, "accept", "--root", str(base_register), "--unit", "county-amr", "--reason", "x",
               "--approval", "AP-2026-03", "--until", "2026-12-31")
    assert r.exit_code == 2 and "--code" in r.stderr
