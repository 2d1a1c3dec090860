"""``lfk approve``: approval bound to content, and LFK411 when it moves on."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from lfk.grading.engine import risk_digest
from lfk.register import Register
from tests.conftest import AS_OF, invoke

RISKS = "units/county-amr/risks.yaml"


@pytest.fixture
def reg(base_register: Path) -> Path:
    """The base register, writable (``base_register`` is a writable copy)."""
    return base_register


def lint_codes(runner: CliRunner, root: Path) -> list[tuple[str, int]]:
    r = invoke(runner, "lint", "--root", str(root), "--format", "json", "--as-of", AS_OF)
    return [(f["code"], f["line"]) for f in json.loads(r.stdout)["findings"]]


def test_approve_then_edit_title_gives_lfk411(runner: CliRunner, reg: Path) -> None:
    r = invoke(runner, "approve", "AP-2026-03", "--root", str(reg), "--lang", "en")
    assert r.exit_code == 0, r.output
    assert "recorded the approval AP-2026-03" in r.stdout
    data = yaml.safe_load((reg / RISKS).read_text(encoding="utf-8"))
    register = Register(reg)
    for item in register.unit("county-amr").risks:
        assert data["risks"][item.path[1]]["approved_digest"] == risk_digest(item.model)
    assert lint_codes(runner, reg) == []
    p = reg / RISKS
    p.write_text(p.read_text(encoding="utf-8").replace("title: 处罚裁量畸轻畸重、以罚代刑", "title: 处罚裁量畸轻畸重"),
                 encoding="utf-8")
    codes = lint_codes(runner, reg)
    assert [c for c, _ in codes] == ["LFK411"]
    # approving again settles it, and only R-002 is rewritten
    r = invoke(runner, "approve", "AP-2026-03", "--root", str(reg), "--lang", "en")
    assert r.exit_code == 0 and "R-002" in r.stdout and "R-001" not in r.stdout
    assert lint_codes(runner, reg) == []


def test_approve_writes_only_the_new_lines(runner: CliRunner, reg: Path) -> None:
    p = reg / RISKS
    before = p.read_text(encoding="utf-8").splitlines()
    r = invoke(runner, "approve", "AP-2026-03", "R-001", "R-005", "--unit", "county-amr", "--root", str(reg))
    assert r.exit_code == 0
    after = p.read_text(encoding="utf-8").splitlines()
    added = [ln for ln in after if ln not in before]
    assert len(after) == len(before) + 2
    assert all(ln.startswith("    approved_digest: ") for ln in added)
    assert [ln for ln in after if not ln.startswith("    approved_digest: ")] == before


def test_nothing_to_do_touches_nothing(runner: CliRunner, reg: Path) -> None:
    assert invoke(runner, "approve", "AP-2026-03", "--root", str(reg)).exit_code == 0
    p = reg / RISKS
    os.utime(p, (1_000_000, 1_000_000))
    r = invoke(runner, "approve", "AP-2026-03", "--root", str(reg), "--lang", "en")
    assert r.exit_code == 0 and "nothing to change" in r.stdout
    assert p.stat().st_mtime == 1_000_000


def test_unknown_approval_record_exits_2(runner: CliRunner, reg: Path) -> None:
    p = reg / RISKS
    before = p.read_bytes()
    r = invoke(runner, "approve", "AP-1999-01", "--root", str(reg))
    assert r.exit_code == 2
    assert "AP-1999-01" in r.stderr and "unit.yaml" in r.stderr
    assert p.read_bytes() == before


def test_unknown_risk_or_unit_exits_2(runner: CliRunner, reg: Path) -> None:
    assert invoke(runner, "approve", "AP-2026-03", "R-999", "--root", str(reg)).exit_code == 2
    assert invoke(runner, "approve", "AP-2026-03", "--unit", "nowhere", "--root", str(reg)).exit_code == 2


def test_new_approval_replaces_the_old_one(runner: CliRunner, reg: Path) -> None:
    u = reg / "units/county-amr/unit.yaml"
    u.write_text(u.read_text(encoding="utf-8") + "  - {id: AP-2026-07, date: 2026-07-01, meeting: 局党组会议（2026年第7次）}\n",
                 encoding="utf-8")
    r = invoke(runner, "approve", "AP-2026-07", "R-002", "--root", str(reg), "--format", "json")
    assert r.exit_code == 0
    doc = json.loads(r.stdout)
    assert {c["field"] for c in doc["changes"]} == {"approval", "approved_digest"}
    data = yaml.safe_load((reg / RISKS).read_text(encoding="utf-8"))
    assert data["risks"][1]["approval"] == "AP-2026-07"
    assert data["risks"][0]["approval"] == "AP-2026-03"
    assert lint_codes(runner, reg) == []


def test_approval_dated_after_as_of_is_refused(runner: CliRunner, reg: Path) -> None:
    """#14: --as-of is used by approve: a meeting dated after it has not been held yet; nothing is written."""
    before = (reg / RISKS).read_bytes()
    held = next(a for a in Register(reg).unit("county-amr").unit.approvals if a.id == "AP-2026-03").date
    r = invoke(runner, "approve", "AP-2026-03", "--root", str(reg), "--lang", "en",
               "--as-of", (held.replace(day=1) if held.day > 1 else held.replace(year=held.year - 1)).isoformat())
    assert r.exit_code == 2 and "has not been held" in r.output and len(r.output.strip().splitlines()) <= 2
    assert (reg / RISKS).read_bytes() == before
    ok = invoke(runner, "approve", "AP-2026-03", "--root", str(reg), "--as-of", held.isoformat())
    assert ok.exit_code == 0, ok.output
