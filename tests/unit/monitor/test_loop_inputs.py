"""Bad input in the files of issue 17 (accepted.yaml, residual:) gives findings with file:line, never a traceback."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tests.conftest import AS_OF, invoke

ACCEPTED = "units/county-amr/accepted.yaml"
RISKS = "units/county-amr/risks.yaml"
LOG = ("case_id,unit,authority,step,actor_post,actor_person,started_at,finished_at\n"
       "C-1,county-amr,XK-001,S2,,,2026-11-02T09:00,2026-11-02T10:00\n")


@pytest.mark.parametrize(("text", "line"), [
    ("accepted:\n  - id: A-1\n    code: MON201\n    reason: x\n    approval: AP-2026-03\n    until: 2026-13-45\n", 6),
    ("accepted:\n  - {id: A-1, code: MON201, reason: x, approval: AP-2026-03}\n", 2),
    ("accepted:\n  - {id: A-1, code: MON201, reason: x, approval: AP-2026-03, until: 2026-12-31, whom: 张三}\n", 2),
    ("accepted: {a: 1}\n", 1),
    ("accepted:\n  - [1, 2]\n", 2),
    ("accepted:\n  - {id: A-1\n", 3),
    ("accepted:\n  - {id: [x], reason: {a: b}, approval: 1, until: 2026-12-31}\n", 2),
])
def test_bad_accepted_file(base_register: Path, runner: CliRunner, text: str, line: int) -> None:
    (base_register / ACCEPTED).write_text(text, encoding="utf-8")
    r = invoke(runner, "lint", "--root", str(base_register), "--as-of", AS_OF, "--format", "json")
    assert r.exit_code == 1 and "Traceback" not in r.output
    hits = [f for f in json.loads(r.stdout)["findings"] if f["path"] == ACCEPTED]
    assert hits and any(f["line"] == line for f in hits), hits
    log = base_register / "events.csv"
    log.write_text(LOG, encoding="utf-8")
    for args in (["monitor", str(log)], ["due"]):
        r = invoke(runner, *args, "--root", str(base_register), "--as-of", AS_OF)
        assert r.exit_code == 2 and ACCEPTED in r.stderr and "Traceback" not in r.output, (args, r.output)
        r = invoke(runner, *args, "--root", str(base_register), "--as-of", AS_OF, "--skip-broken")
        assert r.exit_code == 0 and "Traceback" not in r.output, (args, r.output)


@pytest.mark.parametrize(("residual", "code"), [
    ("5", "LFK101"),
    ("{importance: [1], discretion: 3, probability: 3, harm: 3}", "LFK412"),
    ("{importance: 9, discretion: 3, probability: 3, harm: 3}", "LFK412"),
    ("{criteria: x, importance: 3}", "LFK412"),
    ("{importance: .nan, discretion: 3, probability: 3, harm: 3}", "LFK412"),
])
def test_bad_residual(base_register: Path, runner: CliRunner, residual: str, code: str) -> None:
    p = base_register / RISKS
    p.write_text(p.read_text(encoding="utf-8").replace(
        "    factors: {importance: 3, discretion: 3, probability: 3, harm: 3}\n",
        "    factors: {importance: 3, discretion: 3, probability: 3, harm: 3}\n    residual: " + residual + "\n", 1),
        encoding="utf-8")
    r = invoke(runner, "lint", "--root", str(base_register), "--as-of", AS_OF, "--format", "json")
    assert r.exit_code == 1 and "Traceback" not in r.output
    assert any(f["code"] == code and f["path"] == RISKS and f["line"] == 37 for f in json.loads(r.stdout)["findings"])
    for args in (["grade", "--format", "json"], ["grade"], ["due", "--as-of", AS_OF]):
        r = invoke(runner, *args, "--root", str(base_register), "--skip-broken")
        assert r.exit_code in (0, 1) and "Traceback" not in r.output, (args, r.output)


def test_accepted_finding_is_suppressed_until_expiry_and_external_in_sarif(base_register: Path, runner: CliRunner) -> None:
    """A lint finding on the allowlist is suppressed (SARIF: external, with the reason) until `until`, then back."""
    p = base_register / RISKS
    p.write_text(p.read_text(encoding="utf-8").replace("    owner: P-deputy-law\n", "    owner: P-case\n", 1), encoding="utf-8")
    (base_register / ACCEPTED).write_text(
        "accepted:\n  - {id: A-9, code: LFK405, item: R-001, reason: 领导岗位调整中, approval: AP-2026-03, until: 2026-12-31}\n",
        encoding="utf-8")
    r = invoke(runner, "lint", "--root", str(base_register), "--as-of", "2026-12-01", "--format", "sarif")
    res = [x for x in json.loads(r.stdout)["runs"][0]["results"] if x["ruleId"] == "LFK405"]
    assert len(res) == 1 and res[0]["suppressions"][0]["kind"] == "external"
    assert "A-9" in res[0]["suppressions"][0]["justification"] and "2026-12-31" in res[0]["suppressions"][0]["justification"]
    r = invoke(runner, "lint", "--root", str(base_register), "--as-of", "2026-12-01", "--format", "json")
    assert r.exit_code == 0 and json.loads(r.stdout)["summary"]["suppressed"] == 1
    r = invoke(runner, "lint", "--root", str(base_register), "--as-of", "2027-01-01", "--format", "json")
    codes = {f["code"] for f in json.loads(r.stdout)["findings"] if not f.get("suppressed")}
    assert {"LFK405", "LFK806"} <= codes  # expired: the finding is back, and the expiry is reported
