"""``lfk due``: what falls due per unit and owner — every kind, the window, text/JSON/CSV and iCalendar (RFC 5545)."""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tests.conftest import invoke

UNIT = "units/county-amr"
RED_CASE = ("case_id,unit,authority,step,actor_post,actor_person,started_at,finished_at\n"
            "C-1,county-amr,XK-001,S2,,,2026-11-28T09:00,2026-11-28T10:00\n"
            "C-1,county-amr,XK-001,S3,,,2026-11-28T10:00,2026-11-28T11:00\n"
            "C-1,county-amr,XK-001,S4,,,2026-11-28T11:00,2026-11-28T12:00\n")
REASON = 'vacancy, "acting"; see A\\B\nsecond line'


@pytest.fixture
def reg(base_register: Path) -> Path:
    """The base register with one of each thing that falls due around 2026-12-01."""
    (base_register / UNIT / "accepted.yaml").write_text(
        "accepted:\n  - id: A-1\n    code: MON201\n    reason: " + json.dumps(REASON) + "\n"
        "    approval: AP-2026-03\n    until: 2026-12-20\n", encoding="utf-8")
    (base_register / UNIT / "dispositions.yaml").write_text(
        "dispositions:\n  - {case: C-0, disposal: 责令纠错, date: 2026-11-01, to: P-legal, deadline: 2026-11-25, ref: 县纪〔2026〕1号}\n"
        "  - {case: C-9, disposal: 责令纠错, date: 2026-11-01, to: P-legal, deadline: 2026-11-20, result: 整改完成}\n",
        encoding="utf-8")
    risks = base_register / UNIT / "risks.yaml"
    risks.write_text(risks.read_text(encoding="utf-8").replace("    reviewed: 2026-03-15\n", "    reviewed: 2025-12-10\n", 1),
                     encoding="utf-8")
    (base_register / "events.csv").write_text(RED_CASE, encoding="utf-8")
    return base_register


def _json(runner: CliRunner, root: Path, *args: str) -> dict:
    r = invoke(runner, "due", "--root", str(root), "--as-of", "2026-12-01", "--format", "json", *args)
    assert r.exit_code == 0, r.output
    return json.loads(r.stdout)


def test_every_kind_falls_due_with_owner_and_place(reg: Path, runner: CliRunner) -> None:
    doc = _json(runner, reg, "--events", str(reg / "events.csv"))
    got = {(i["kind"], i["id"]): i for i in doc["items"]}
    assert got[("risk_review", "R-001")]["due"] == "2026-12-10" and got[("risk_review", "R-001")]["owner"] == "P-deputy-law"
    assert got[("measure", "M-008")]["due"] == "2026-12-31" and got[("measure", "M-008")]["days_left"] == 30
    rect = got[("rectification", "C-0")]
    assert rect["overdue"] is True and rect["days_left"] == -6 and rect["owner"] == "P-legal" and "县纪〔2026〕1号" in rect["title"]
    assert ("rectification", "C-9") not in got  # closed by 整改完成
    assert got[("acceptance", "A-1")]["due"] == "2026-12-20" and got[("acceptance", "A-1")]["path"] == f"{UNIT}/accepted.yaml"
    disp = [i for i in doc["items"] if i["kind"] == "disposal"]
    assert len(disp) == 1 and disp[0]["id"].startswith("W-") and disp[0]["path"].endswith("events.csv")
    assert doc["summary"]["overdue"] >= 1 and doc["summary"]["total"] == len(doc["items"])
    assert [i["due"] for i in doc["items"]] == sorted(i["due"] for i in doc["items"])
    # without --events no disposal item; a short window leaves out what is later, never what is overdue
    short = _json(runner, reg, "--within", "5")
    kinds = {(i["kind"], i["id"]) for i in short["items"]}
    assert ("rectification", "C-0") in kinds and ("measure", "M-008") not in kinds
    assert not any(k == "disposal" for k, _ in kinds)


def test_changed_risk_needs_its_approval_renewed(reg: Path, runner: CliRunner) -> None:
    r = invoke(runner, "approve", "AP-2026-03", "--root", str(reg), "R-002")
    assert r.exit_code == 0, r.output
    risks = reg / UNIT / "risks.yaml"
    risks.write_text(risks.read_text(encoding="utf-8").replace("处罚裁量畸轻畸重、以罚代刑", "处罚裁量畸轻畸重", 1), encoding="utf-8")
    doc = _json(runner, reg, "--within", "0")
    renew = [i for i in doc["items"] if i["kind"] == "approval" and "R-002" in i["title"]]
    assert renew and renew[0]["days_left"] == 0
    doc = _json(runner, reg, "--within", "400")
    assert any(i["kind"] == "approval" and i["id"] == "AP-2026-03" and i["due"] == "2027-03-15" for i in doc["items"])


def _unfold(text: str) -> list[str]:
    return text.replace("\r\n ", "").split("\r\n")


def test_icalendar_is_rfc5545(reg: Path, runner: CliRunner, tmp_path: Path) -> None:
    out = tmp_path / "due.ics"
    r = invoke(runner, "due", "--root", str(reg), "--as-of", "2026-12-01", "--format", "ics", "-o", str(out))
    assert r.exit_code == 0, r.output
    data = out.read_bytes()
    assert data.startswith(b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\n") and data.endswith(b"END:VCALENDAR\r\n")
    assert b"\n" not in data.replace(b"\r\n", b"")  # every line ends in CRLF
    physical = data.split(b"\r\n")[:-1]
    assert all(len(line) <= 75 for line in physical) and any(line.startswith(b" ") for line in physical)
    for line in physical:
        line.decode("utf-8")  # folding never splits a UTF-8 sequence
    lines = _unfold(data.decode("utf-8"))
    events = data.count(b"BEGIN:VEVENT")
    assert events == data.count(b"END:VEVENT") == len(_json(runner, reg)["items"])
    uids = [x for x in lines if x.startswith("UID:")]
    assert len(uids) == events == len(set(uids)) and all(x.endswith("@lfk") for x in uids)
    assert sum(1 for x in lines if x == "DTSTAMP:20261201T000000Z") == events
    summary = next(x for x in lines if x.startswith("SUMMARY:") and "A-1" in x)
    assert summary == "SUMMARY:接受到期 A-1 vacancy\\, \"acting\"\\; see A\\\\B\\nsecond line"
    assert "DTSTART;VALUE=DATE:20261220" in lines and "DTEND;VALUE=DATE:20261221" in lines
    late = next(x for x in lines if x.startswith("SUMMARY:") and "C-0" in x)
    assert late.startswith("SUMMARY:【逾期 6 天】整改期限 C-0")  # overdue: shown today, with its own date
    i = lines.index(late)
    assert "DTSTART;VALUE=DATE:20261201" in lines[i - 2:i] and "原定期限：2026-11-25" in lines[i + 1]
    # the same register gives the same file (stable UIDs)
    again = invoke(runner, "due", "--root", str(reg), "--as-of", "2026-12-01", "--format", "ics")
    assert again.stdout_bytes == data


def test_text_and_csv(reg: Path, runner: CliRunner) -> None:
    r = invoke(runner, "due", "--root", str(reg), "--as-of", "2026-12-01", "--lang", "en")
    assert r.exit_code == 0
    assert "county-amr" in r.stdout and "P-legal" in r.stdout and "6 d overdue" in r.stdout
    assert re.search(r"leadership / no owner post\n.*A-1", r.stdout)
    r = invoke(runner, "due", "--root", str(reg), "--as-of", "2026-12-01", "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(r.stdout)))
    assert rows and {"due", "kind", "unit", "owner", "id", "path", "line", "overdue"} <= set(rows[0])
    assert any(x["kind"] == "rectification" and x["overdue"] == "true" for x in rows)


@pytest.mark.parametrize("args", [["--format", "xml"], ["nope-unit"], ["--within", "-1"], ["--events", "missing.csv"],
                                  ["--as-of", "2026-13-01"]])
def test_bad_options_exit_2(reg: Path, runner: CliRunner, args: list[str]) -> None:
    r = invoke(runner, "due", "--root", str(reg), *args)
    assert r.exit_code == 2 and "Traceback" not in r.output


def test_far_dates_do_not_overflow(reg: Path, runner: CliRunner) -> None:
    """A review date near the end of the calendar (9999) gives no traceback: the item is simply not due."""
    risks = reg / UNIT / "risks.yaml"
    risks.write_text(risks.read_text(encoding="utf-8").replace("    reviewed: 2026-03-15\n", "    reviewed: 9999-12-01\n", 1),
                     encoding="utf-8")
    for fmt in ("json", "ics"):
        r = invoke(runner, "due", "--root", str(reg), "--as-of", "2026-12-01", "--within", "3650", "--format", fmt)
        assert r.exit_code == 0, r.output
    doc = _json(runner, reg, "--within", "3650")
    assert not any(i["kind"] == "risk_review" and i["due"].startswith("9999") for i in doc["items"])
