"""``lfk due``: what falls due — review reminders per unit and owner (clauses 12, 13).

``due_items(register, as_of, within, events)`` lists, for every unit, what is due by ``as_of + within`` days
(and what is already overdue):

- ``risk_review`` (风险复核): a risk's ``reviewed`` + ``review.cycle_days`` (a risk never reviewed is due now);
- ``measure`` (措施到期): a measure's ``due`` while not 已落实;
- ``rectification`` (整改期限): a disposal record's ``deadline`` without a closing result (整改完成 / 说明理由);
- ``disposal`` (预警处置期限): with event logs, a warning not yet disposed of (``dispose_by``);
- ``acceptance`` (接受到期): an ``accepted.yaml`` entry's ``until``;
- ``approval`` (审定需更新): a collective approval of unit.yaml that risks rely on, its ``date`` +
  ``review.cycle_days``; and a risk whose content changed since it was approved (its ``approved_digest``
  no longer matches: renewal due now).

Each item names its owner post (the risk's or measure's ``owner``, the record's ``to``; none for the
leadership's own items). Formats: text (grouped by unit and owner), JSON, CSV and iCalendar (RFC 5545:
CRLF line ends, lines folded at 75 octets, TEXT escaped, one all-day VEVENT per item with a stable UID and
DTSTAMP).
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import json
from collections.abc import Callable
from dataclasses import asdict, dataclass
from typing import Any

from lfk.core.safe import csv_row
from lfk.core.text import columns
from lfk.grading.engine import risk_digest
from lfk.monitor import run_monitor
from lfk.monitor.dispositions import CLOSED_RESULTS
from lfk.register import Register

KINDS: dict[str, tuple[str, str]] = {
    "risk_review": ("风险复核", "risk review"),
    "measure": ("措施到期", "measure due"),
    "rectification": ("整改期限", "rectification deadline"),
    "disposal": ("预警处置期限", "warning to dispose of"),
    "acceptance": ("接受到期", "acceptance expires"),
    "approval": ("审定需更新", "approval to renew"),
}
FORMATS = ("text", "json", "csv", "ics")
CSV_COLUMNS = ("due", "days_left", "overdue", "kind", "unit", "unit_name", "owner", "owner_name", "id", "title",
               "path", "line")


@dataclass
class DueItem:
    """One thing that falls due."""

    due: dt.date
    kind: str
    unit: str
    unit_name: str
    owner: str | None
    owner_name: str | None
    id: str
    title: str
    path: str
    line: int
    days_left: int = 0

    @property
    def overdue(self) -> bool:
        """Past its date."""
        return self.days_left < 0

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready."""
        d = asdict(self)
        d["due"] = self.due.isoformat()
        d["overdue"] = self.overdue
        return d


def _plus(day: dt.date, delta: dt.timedelta) -> dt.date:
    """``day + delta``, the last date there is when that overflows (a date like 9999-12-31 in a file)."""
    try:
        return day + delta
    except OverflowError:
        return dt.date.max


def due_items(register: Register, as_of: dt.date, within: int = 30, events: list[str] | None = None,
              units: list[str] | None = None) -> list[DueItem]:
    """Everything due by ``as_of + within`` days (overdue included), sorted by date, unit, owner, kind, id."""
    horizon = _plus(as_of, dt.timedelta(days=within))
    cycle = dt.timedelta(days=register.config.review.cycle_days)
    out: list[DueItem] = []
    warnings: dict[str, list[dict[str, Any]]] = {}
    if events:
        for c in run_monitor(register, events, as_of, explain=False).cases:
            warnings.setdefault(c["unit"], []).append(c)
    for uid in units or register.unit_ids:
        if uid not in register.unit_dirs:
            continue
        ud = register.unit(uid)
        posts = ud.posts

        def add(due: dt.date, kind: str, owner: str | None, ident: str, title: str, path: str,
                line: Callable[[], int], ud: Any = ud, posts: Any = posts) -> None:
            """Record an item due by the horizon; its line is looked up only then (positions are lazy)."""
            if due <= horizon:
                name = posts[owner].name if owner in posts else None
                out.append(DueItem(due, kind, ud.id, ud.name, owner, name, ident, title, path, line(),
                                   (due - as_of).days))

        for r in ud.risks:
            m = r.model
            due = _plus(m.reviewed, cycle) if m.reviewed else as_of
            add(due, "risk_review", m.owner, m.id, m.title, r.rel,
                lambda r=r, k="reviewed" if m.reviewed else "id": r.loc(k)[0])
            if m.approved_digest and m.approved_digest != risk_digest(m):
                add(as_of, "approval", m.owner, m.approval or m.id, f"{m.id} {m.title}", r.rel,
                    lambda r=r: r.loc("approved_digest")[0])
        for it in ud.measures:
            m = it.model
            if m.due and m.status != "已落实":
                add(m.due, "measure", m.owner, m.id, m.description or m.id, it.rel, lambda it=it: it.loc("due")[0])
        for it in ud.dispositions:
            d = it.model
            if d.deadline and d.result not in CLOSED_RESULTS:
                add(d.deadline, "rectification", d.to, d.warning or d.case or "—",
                    f"{d.disposal}（{d.ref}）" if d.ref else d.disposal, it.rel, lambda it=it: it.loc("deadline")[0])
        for it in ud.accepted:
            a = it.model
            add(a.until, "acceptance", None, a.id, a.reason, it.rel, lambda it=it: it.loc("until")[0])
        used = {r.model.approval for r in ud.risks if r.model.approval}
        if ud.unit is not None and ud.unit_file is not None:
            for i, ap in enumerate(ud.unit.approvals):
                if ap.id in used:
                    add(_plus(ap.date, cycle), "approval", None, ap.id, ap.meeting, ud.unit_file.rel,
                        lambda lf=ud.unit_file, i=i: lf.loc(("approvals", i, "date"))[0])
        for c in warnings.get(uid, []):
            if c.get("state") in ("待处置", "逾期未处置"):
                add(dt.date.fromisoformat(c["dispose_by"]), "disposal", None, c["warning_id"],
                    f"{c['warning']} {c['case_id']} {' '.join(c.get('codes', []))}（{c.get('disposal') or '—'}）",
                    c["path"], lambda c=c: c["line"])
    out.sort(key=lambda x: (x.due, x.unit, x.owner or "~", x.kind, x.id))
    return out


# -- formats -----------------------------------------------------------------------------------------

def kind_text(kind: str, lang: str) -> str:
    """The kind's words in ``lang``."""
    zh, en = KINDS.get(kind, (kind, kind))
    return en if lang == "en" else zh


def _left(days: int, lang: str) -> str:
    if lang == "en":
        return "today" if days == 0 else (f"{-days} d overdue" if days < 0 else f"in {days} d")
    return "今天" if days == 0 else (f"逾期 {-days} 天" if days < 0 else f"{days} 天后")


def format_text(items: list[DueItem], as_of: dt.date, within: int, lang: str) -> str:
    """Grouped by unit, then owner; one line per item."""
    zh = lang != "en"
    lines = [f"截至 {as_of.isoformat()}，{within} 天内到期（含已逾期）：{len(items)} 项" if zh else
             f"Due within {within} days of {as_of.isoformat()} (overdue included): {len(items)}"]
    by_unit: dict[str, list[DueItem]] = {}
    for it in items:
        by_unit.setdefault(it.unit, []).append(it)
    for uid in sorted(by_unit):
        group = by_unit[uid]
        lines.append("")
        lines.append(f"{uid}  {group[0].unit_name}")
        owners: dict[str, list[DueItem]] = {}
        for it in group:
            owners.setdefault(it.owner or "", []).append(it)
        for owner in sorted(owners, key=lambda o: (o == "", o)):
            first = owners[owner][0]
            who = f"{owner} {first.owner_name or ''}".strip() if owner else ("领导班子 / 未指定责任岗位" if zh else "leadership / no owner post")
            lines.append(f"  {who}")
            lines.extend(columns([[("!" if it.overdue else " ") + it.due.isoformat(), _left(it.days_left, lang),
                                   kind_text(it.kind, lang), it.id, f"{it.title}  ({it.path}:{it.line})"]
                                  for it in owners[owner]], indent="   "))
    return "\n".join(lines) + "\n"


def format_json(items: list[DueItem], as_of: dt.date, within: int) -> str:
    """``{"as_of", "within", "items": [...], "summary": {kind: n, "overdue": n, "total": n}}``."""
    summary: dict[str, int] = dict.fromkeys(KINDS, 0)
    for it in items:
        summary[it.kind] += 1
    summary["overdue"] = sum(1 for it in items if it.overdue)
    summary["total"] = len(items)
    doc = {"as_of": as_of.isoformat(), "within": within, "items": [it.to_dict() for it in items], "summary": summary}
    return json.dumps(doc, ensure_ascii=False, indent=2) + "\n"


def format_csv(items: list[DueItem], lang: str) -> str:
    """One row per item, ``CSV_COLUMNS``."""
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(CSV_COLUMNS)
    for it in items:
        d = it.to_dict()
        d["kind"] = it.kind
        w.writerow(csv_row([d[c] if c != "overdue" else ("true" if it.overdue else "false") for c in CSV_COLUMNS]))
    return buf.getvalue()


def ics_escape(text: str) -> str:
    """RFC 5545 TEXT: backslash, semicolon, comma escaped; newlines as ``\\n``; other control characters dropped."""
    text = text.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\n", "\\n")
    return "".join(ch for ch in text if ch == "\t" or ord(ch) >= 0x20 and ord(ch) != 0x7F)


def ics_fold(line: str) -> str:
    """A content line folded at 75 octets (CRLF + space), never inside a UTF-8 sequence."""
    out: list[str] = []
    cur: list[str] = []
    size = 0
    limit = 75
    for ch in line:
        n = len(ch.encode("utf-8"))
        if size + n > limit:
            out.append("".join(cur))
            cur, size, limit = [], 0, 74  # continuation lines start with a space: 74 octets remain
        cur.append(ch)
        size += n
    out.append("".join(cur))
    return "\r\n ".join(out)


def format_ics(items: list[DueItem], as_of: dt.date, lang: str, name: str) -> str:
    """An iCalendar file: one all-day VEVENT per item (UID stable across runs, DTSTAMP = ``as_of``); an overdue
    item is dated ``as_of`` with 【逾期 N 天】 in its summary and its own date in the description."""
    stamp = as_of.strftime("%Y%m%d") + "T000000Z"
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//lfk//lfk due//ZH", "CALSCALE:GREGORIAN", "METHOD:PUBLISH",
             "X-WR-CALNAME:" + ics_escape(name)]
    for it in items:
        uid = hashlib.sha1(f"{it.unit}\0{it.kind}\0{it.id}\0{it.due.isoformat()}".encode()).hexdigest()[:20]
        owner = f"{it.owner} {it.owner_name or ''}".strip() if it.owner else ("领导班子" if lang != "en" else "leadership")
        desc = (f"{kind_text(it.kind, lang)}：{it.title}\n单位：{it.unit_name}\n责任岗位：{owner}\n位置：{it.path}:{it.line}"
                if lang != "en" else
                f"{kind_text(it.kind, lang)}: {it.title}\nUnit: {it.unit_name}\nOwner: {owner}\nWhere: {it.path}:{it.line}")
        day, late = it.due, ""
        if it.overdue:  # an overdue item is put on as_of, so that it shows where the officer looks: today
            day = as_of
            late = f"【逾期 {-it.days_left} 天】" if lang != "en" else f"[{-it.days_left} d overdue] "
            desc += f"\n原定期限：{it.due.isoformat()}" if lang != "en" else f"\nWas due: {it.due.isoformat()}"
        lines += ["BEGIN:VEVENT", f"UID:{uid}@lfk", f"DTSTAMP:{stamp}",
                  f"DTSTART;VALUE=DATE:{day.strftime('%Y%m%d')}",
                  f"DTEND;VALUE=DATE:{_plus(day, dt.timedelta(days=1)).strftime('%Y%m%d')}",
                  "SUMMARY:" + ics_escape(f"{late}{kind_text(it.kind, lang)} {it.id} {it.title}"),
                  "DESCRIPTION:" + ics_escape(desc),
                  "CATEGORIES:" + ics_escape(kind_text(it.kind, lang)),
                  "TRANSP:TRANSPARENT", "END:VEVENT"]
    lines.append("END:VCALENDAR")
    return "".join(ics_fold(x) + "\r\n" for x in lines)
