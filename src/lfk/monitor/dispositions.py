"""预警处置 (clause 12): join a monitor result with the units' ``dispositions.yaml`` records.

A layer over the engine's result (``MonitorResult.cases``), so the core check engine can be replaced:
``apply_dispositions(result, register)`` gives every warned case a stable ``warning_id`` (``W-`` and
8 hex digits of a SHA-1 of unit and case id), its disposal ``deadline`` (the warning's day plus
``monitor.dispose_within_days`` of its level) and a ``state``:

- 待处置: no record yet, the deadline not passed;
- 逾期未处置: no record and the deadline passed (at ``as_of``);
- 处置中: a record, but no 整改 result 整改完成 / 说明理由 yet;
- 已整改: a record with result 整改完成 or 说明理由.

A record matches a warning by ``warning`` (the id), or by ``case`` (and ``code`` when given, one of
the case's codes). ``summary["dispositions"]`` counts the states and the disposals made on time.

The engine joins the records (``join_dispositions``) before escalation: a ``monitor.escalate`` rule with
``counts: undisposed_or_repeated`` (the default) counts a warning on a post only while it has no disposal
record, or when it repeats (the post had a warning with the same MON code within the rule's window);
``counts: all`` counts every warning.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections import Counter
from typing import Any

from lfk.model.dispositions import Disposition
from lfk.monitor.result import MonitorResult
from lfk.register import Register

STATES = ("待处置", "处置中", "已整改", "逾期未处置")
CLOSED_RESULTS = ("整改完成", "说明理由")
DEFAULT_DAYS = {"黄牌": 10, "红牌": 5}
# how strong a disposal is; words not listed only satisfy themselves
STRENGTH = {"风险提示": 1, "提醒谈话": 1, "批评教育": 2, "责令纠错": 2, "责令检查": 3, "诫勉谈话": 4}


def warning_id(unit: str, case_id: str) -> str:
    """The stable id of a case's warning (``W-`` + 8 hex digits)."""
    return "W-" + hashlib.sha1(f"{unit}\0{case_id}".encode()).hexdigest()[:8]


def weaker(done: str, asked: str | None) -> bool:
    """Whether the disposal ``done`` is weaker than ``asked`` (the policy's)."""
    if not asked or done == asked:
        return False
    if done in STRENGTH and asked in STRENGTH:
        return STRENGTH[done] < STRENGTH[asked]
    return True


def matches(rec: Disposition, case: dict[str, Any]) -> bool:
    """Whether a record is about the warned case ``case`` (a ``MonitorResult.cases`` row)."""
    if rec.warning:
        return rec.warning == case["warning_id"]
    if rec.case != case["case_id"]:
        return False
    return rec.code is None or rec.code in case.get("codes", [])


def join_dispositions(warnings: list[dict[str, Any]], register: Register, as_of: dt.datetime | None) -> None:
    """Annotate the engine's case warnings (``at`` a datetime) with warning_id, dispose_by, state, records.

    Run by the engine before escalation, so that ``monitor.escalate`` rules can count only the warnings
    not disposed of (or repeated); ``MonitorResult.cases`` then carries the same keys.
    """
    today = (as_of or dt.datetime.now()).date()
    days = {**DEFAULT_DAYS, **register.config.monitor.dispose_within_days}
    # per unit: records by warning id, and by case (those naming no warning id); ``matches`` decides
    by_id: dict[str, dict[str, list[Disposition]]] = {}
    by_case: dict[str, dict[str, list[Disposition]]] = {}
    for uid in sorted({w["unit"] for w in warnings}):
        if uid in register.unit_dirs:
            for it in register.unit(uid, kinds=frozenset({"dispositions"})).dispositions:
                rec = it.model
                if rec.warning:
                    by_id.setdefault(uid, {}).setdefault(rec.warning, []).append(rec)
                elif rec.case:
                    by_case.setdefault(uid, {}).setdefault(rec.case, []).append(rec)
    for w in warnings:
        w["warning_id"] = warning_id(w["unit"], w["case_id"])
        at = w["at"].date() if isinstance(w.get("at"), dt.datetime) else today
        deadline = at + dt.timedelta(days=days.get(w["warning"], 10))
        w["dispose_by"] = deadline.isoformat()
        cands = by_id.get(w["unit"], {}).get(w["warning_id"], []) + by_case.get(w["unit"], {}).get(w["case_id"], [])
        recs = [r for r in cands if matches(r, w)]
        recs.sort(key=lambda r: r.date)
        if not recs:
            state = "逾期未处置" if today > deadline else "待处置"
        elif any(r.result in CLOSED_RESULTS for r in recs):
            state = "已整改"
        else:
            state = "处置中"
        w["state"] = state
        w["disposed_on_time"] = bool(recs) and recs[0].date <= deadline
        w["records"] = [{"disposal": r.disposal, "date": r.date.isoformat(), "by": r.by, "to": r.to,
                         "deadline": r.deadline.isoformat() if r.deadline else None, "result": r.result,
                         "ref": r.ref} for r in recs]


def apply_dispositions(result: MonitorResult, register: Register) -> MonitorResult:
    """Count the states of ``result.cases`` (joined by the engine, ``join_dispositions``) in the summary.

    Cases not joined yet (a result built elsewhere) are joined here first.
    """
    todo = [c for c in result.cases if "state" not in c]
    if todo:
        for c in todo:
            if isinstance(c.get("at"), str):
                c["at"] = dt.datetime.fromisoformat(c["at"])
        join_dispositions(todo, register, result.as_of)
        for c in todo:
            if isinstance(c.get("at"), dt.datetime):
                c["at"] = c["at"].isoformat()
    states = Counter(c["state"] for c in result.cases)
    on_time = sum(1 for c in result.cases if c["disposed_on_time"])
    result.summary["dispositions"] = {**{s: states.get(s, 0) for s in STATES}, "on_time": on_time,
                                      "disposed": sum(1 for c in result.cases if c["records"])}
    return result
