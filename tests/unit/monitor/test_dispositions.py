"""预警处置: dispositions.yaml joined with monitor warnings, lint --events, score, lfk dispose, bad input."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from lfk.loader.roundtrip import append_item_text
from lfk.monitor import run_monitor
from lfk.register import Register
from lfk.score.card import score_register
from lfk.testing.synth import generate_events, write_csv
from tests.conftest import AS_OF, invoke

RED_CASE = ("case_id,unit,authority,step,actor_post,actor_person,started_at,finished_at\n"
            "C-1,county-amr,XK-001,S2,,,2026-11-02T09:00,2026-11-02T10:00\n"
            "C-1,county-amr,XK-001,S3,,,2026-11-02T10:00,2026-11-02T11:00\n"
            "C-1,county-amr,XK-001,S4,,,2026-11-02T11:00,2026-11-02T12:00\n")
DISPOSITIONS = "units/county-amr/dispositions.yaml"


@pytest.fixture
def red(base_register: Path) -> tuple[Path, Path]:
    """The base register and a log with one 红牌 (C-1 skipped its first step) on 2026-11-02."""
    log = base_register / "events.csv"
    log.write_text(RED_CASE, encoding="utf-8")
    return base_register, log


def test_red_card_without_disposal_past_deadline_fails_lint_and_costs_score(red: tuple[Path, Path],
                                                                            runner: CliRunner) -> None:
    root, log = red
    r = invoke(runner, "lint", "--root", str(root), "--as-of", AS_OF, "--events", str(log), "--format", "json")
    assert r.exit_code == 1
    found = [f for f in json.loads(r.stdout)["findings"] if f["code"] == "LFK804"]
    assert len(found) == 1 and found[0]["path"] == "events.csv" and found[0]["line"] == 2
    assert "W-0fdc1325" in found[0]["message"]
    card = score_register(Register(root), as_of=dt.date(2026, 12, 1), events=[log]).card("county-amr")
    assert card is not None and card.monitor is not None and card.monitor["逾期未处置"] == 1
    mon = next(c for c in card.criteria if c.key == "monitor")
    assert any("逾期未处置" in t.get("zh") for t in mon.lost)
    lost_before = mon.weight - (mon.points or 0)
    # once disposed (by lfk dispose), lint passes and the score gets the points back
    r = invoke(runner, "dispose", "W-0fdc1325", "--root", str(root), "--events", str(log), "--by", "P-director",
               "--date", "2026-11-04", "--deadline", "2026-11-30", "--result", "整改完成")
    assert r.exit_code == 0, r.output
    r = invoke(runner, "lint", "--root", str(root), "--as-of", AS_OF, "--events", str(log))
    assert r.exit_code == 0, r.output
    card = score_register(Register(root), as_of=dt.date(2026, 12, 1), events=[log]).card("county-amr")
    mon = next(c for c in card.criteria if c.key == "monitor")
    assert card.monitor["已整改"] == 1 and card.monitor["按期处置"] == 1
    assert mon.weight - (mon.points or 0) < lost_before


def test_states_by_deadline_and_records(red: tuple[Path, Path]) -> None:
    root, log = red
    reg = Register(root)
    state = lambda day: run_monitor(Register(root), [log], day).cases[0]["state"]  # noqa: E731
    assert state("2026-11-05") == "待处置"  # 红牌: 5 days by default
    assert state("2026-11-08") == "逾期未处置"
    assert reg.config.monitor.dispose_within_days["红牌"] == 5
    (root / DISPOSITIONS).write_text("dispositions:\n  - {case: C-1, disposal: 责令纠错, date: 2026-11-08}\n",
                                     encoding="utf-8")
    assert state("2026-11-08") == "处置中"  # disposed, but after its deadline (2026-11-07)
    res = run_monitor(Register(root), [log], "2026-11-08")
    assert res.summary["dispositions"]["disposed"] == 1 and res.summary["dispositions"]["on_time"] == 0
    (root / DISPOSITIONS).write_text("dispositions:\n  - {case: C-1, code: MON101, disposal: 责令纠错, "
                                     "date: 2026-11-03, result: 说明理由}\n", encoding="utf-8")
    assert state("2026-11-08") == "已整改"
    # a record for another code of the case does not count
    (root / DISPOSITIONS).write_text("dispositions:\n  - {case: C-1, code: MON301, disposal: 责令纠错, "
                                     "date: 2026-11-03}\n", encoding="utf-8")
    assert state("2026-11-08") == "逾期未处置"


def test_policy_days_from_lfk_yaml(red: tuple[Path, Path]) -> None:
    root, log = red
    cfg = root / "lfk.yaml"
    cfg.write_text(cfg.read_text(encoding="utf-8").rstrip("\n") + "\n", encoding="utf-8")
    text = cfg.read_text(encoding="utf-8")
    if "monitor:" in text:
        text = text.replace("monitor:\n", "monitor:\n  dispose_within_days: {红牌: 30}\n", 1)
    else:
        text += "monitor:\n  dispose_within_days: {红牌: 30}\n"
    cfg.write_text(text, encoding="utf-8")
    case = run_monitor(Register(root), [log], "2026-11-20").cases[0]
    assert case["dispose_by"] == "2026-12-02" and case["state"] == "待处置"


def test_demo_log_has_every_state(tmp_path: Path) -> None:
    reg = Register(Path("registers"))
    log = tmp_path / "events.csv"
    write_csv(log, generate_events(reg, 400, 7))
    res = run_monitor(reg, [log, Path("scripts/demo-recent-cases.csv")])  # as make demo runs it
    states = res.summary["dispositions"]
    assert all(states[s] > 0 for s in ("待处置", "处置中", "已整改", "逾期未处置")), states
    assert {c["warning_id"] for c in res.cases} >= {"W-bee5d920", "W-33446639"}  # stable ids


@pytest.mark.parametrize(("text", "line"), [
    ("dispositions:\n  - case: C-1\n    disposal: 风险提示\n    date: 2026-13-45\n", 4),
    ("dispositions:\n  - case: C-1\n    disposal: 风险提示\n    date: 2026-11-02\n    result: 好了\n", 5),
    ("dispositions:\n  - case: C-1\n    date: 2026-11-02\n", 2),
    ("dispositions: 3\n", 1),
    ("dispositions:\n  - [a, b]\n", 2),
    ("dispositions:\n  - {case: C-1\n", 3),
])
def test_bad_records_are_findings_with_lines(base_register: Path, runner: CliRunner, text: str, line: int) -> None:
    (base_register / DISPOSITIONS).write_text(text, encoding="utf-8")
    r = invoke(runner, "lint", "--root", str(base_register), "--as-of", AS_OF, "--format", "json")
    assert r.exit_code == 1
    hits = [f for f in json.loads(r.stdout)["findings"] if f["path"] == DISPOSITIONS]
    assert hits and any(f["line"] == line for f in hits), hits
    log = base_register / "events.csv"
    log.write_text(RED_CASE, encoding="utf-8")
    # monitor needs the records: a broken file stops it with file:line (issue 15), unless --skip-broken
    r = invoke(runner, "monitor", str(log), "--root", str(base_register), "--format", "json")
    assert r.exit_code == 2 and DISPOSITIONS in r.stderr and "Traceback" not in r.output
    r = invoke(runner, "monitor", str(log), "--root", str(base_register), "--format", "json", "--skip-broken")
    assert r.exit_code == 0 and json.loads(r.stdout)["cases"][0]["state"] in ("待处置", "处置中", "逾期未处置")


def test_dispose_keeps_comments_and_updates_in_place(red: tuple[Path, Path], runner: CliRunner) -> None:
    root, log = red
    p = root / DISPOSITIONS
    p.write_text("# 记录\ndispositions:\n  - case: C-0  # 旧记录\n    disposal: 风险提示\n    date: 2026-01-02\n",
                 encoding="utf-8")
    r = invoke(runner, "dispose", "C-1", "--unit", "county-amr", "--root", str(root), "--disposal", "责令纠错",
               "--date", "2026-11-03", "--ref", "县市监纪〔2026〕7号")
    assert r.exit_code == 0, r.output
    text = p.read_text(encoding="utf-8")
    assert text.startswith("# 记录\ndispositions:\n  - case: C-0  # 旧记录\n")
    r = invoke(runner, "dispose", "C-1", "--unit", "county-amr", "--root", str(root), "--result", "整改完成")
    assert r.exit_code == 0
    recs = Register(root).unit("county-amr").dispositions
    assert [(d.model.case, d.model.result, d.model.ref) for d in recs] == [
        ("C-0", None, None), ("C-1", "整改完成", "县市监纪〔2026〕7号")]


@pytest.mark.parametrize("args", [
    ["W-00000000", "--disposal", "风险提示"],  # neither --events nor --unit
    ["C-1", "--disposal", "风险提示"],  # a case without --unit
    ["C-1", "--unit", "nowhere", "--disposal", "风险提示"],
    ["C-1", "--unit", "county-amr", "--disposal", "风险提示", "--by", "P-nobody"],
    ["C-1", "--unit", "county-amr", "--disposal", "风险提示", "--result", "好了"],
    ["C-1", "--unit", "county-amr"],  # no disposal
])
def test_dispose_usage_errors(base_register: Path, runner: CliRunner, args: list[str]) -> None:
    before = sorted(p.name for p in (base_register / "units" / "county-amr").iterdir())
    r = invoke(runner, "dispose", *args, "--root", str(base_register))
    assert r.exit_code == 2
    assert sorted(p.name for p in (base_register / "units" / "county-amr").iterdir()) == before


def test_append_refuses_a_flow_list() -> None:
    from lfk.core.errors import WriteError

    with pytest.raises(WriteError):
        append_item_text("dispositions: [{case: A}]\n", "dispositions", {"case": "B"})
    assert append_item_text("dispositions:\n", "dispositions", {"case": "B"}) == "dispositions:\n  - case: B\n"




def test_demo_red_card_past_its_deadline_fails_lint_and_costs_score(tmp_path: Path, runner: CliRunner) -> None:
    """On the demo register (as make demo runs it): the undisposed 红牌 W-bee5d920 fails lint and counts in the score."""
    reg = Register(Path("registers"))
    log = tmp_path / "events.csv"
    write_csv(log, generate_events(reg, 400, 7))
    recent = "scripts/demo-recent-cases.csv"
    r = invoke(runner, "lint", "--root", "registers", "--as-of", "2026-11-30", "--events", str(log), "--events", recent,
               "--select", "LFK8", "--format", "json")
    assert r.exit_code == 1
    found = {f["warning_id"]: f for f in json.loads(r.stdout)["findings"] if f["code"] == "LFK804"}
    assert "W-bee5d920" in found and "红牌" in found["W-bee5d920"]["message"]
    card = score_register(Register(Path("registers")), as_of=dt.date(2026, 12, 1), events=[log, Path(recent)]).card("county-cti")
    assert card is not None and card.monitor is not None and card.monitor["逾期未处置"] >= 1
    mon = next(c for c in card.criteria if c.key == "monitor")
    assert any("逾期未处置" in t.get("zh") for t in mon.lost)
