"""The assessment card of clause 16 (检查考核): a score per unit, how each point was earned or lost.

Criteria (keys, default points; ``assessment.weights`` in lfk.yaml changes them):

| key | points | earned for |
| --- | --- | --- |
| flows | 10 | powers whose 权力运行流程图 exists |
| legal_basis | 10 | external powers with a legal basis |
| risks_identified | 10 | powers with at least one risk identified on them |
| graded | 10 | risks whose declared grade agrees with the rubric (or a drift explained and approved) |
| approved | 15 | risks collectively approved (approval record exists, dated by the as-of date, digest not stale) and reviewed within ``review.cycle_days`` |
| high_measures | 10 | 高 risks with at least ``review.min_measures_high`` measures |
| measures_on_time | 10 | measures due by the as-of date that are 已落实 |
| measures_effective | 10 | measures 已落实 judged 有效 (部分有效 counts half; 未评估 and 无效 count nothing) |
| lint | 15 | the weight less ``penalties.error`` per lint error and ``penalties.warning`` per warning, not below 0 |
| monitor | 10 | with an event log: the weight less ``penalties.red`` per 红牌 case and ``penalties.yellow`` per 黄牌 case |

A ratio criterion earns ``points × ok / total``. A criterion with nothing to judge (no 高 risks, no
measure due yet, no event log) is 不适用 (not applicable): left out, and the total is scaled to 100 over the
others. The three power criteria (flows, legal_basis, risks_identified) are 不适用 for a unit whose register is of
post risks only (``lfk.model.scope.power_scope`` = ``posts``: no 职权目录, every risk on a post, not a 党的机关 /
行政机关, no risk naming an external power); a unit that should list powers and has none scores 0 on them
("职权目录为空"). Bands
(default ≥90 优秀, ≥80 达标, else 不达标) and the rank across units (1 = best; equal totals share a
rank) complete the card.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from lfk.core.finding import Severity
from lfk.core.i18n import T, Text
from lfk.core.text import columns
from lfk.grading.engine import CONSISTENT, MISSING, risk_digest
from lfk.grading.engine import grade_risk as _grade
from lfk.lint import LintOptions, lint_register
from lfk.model.scope import PowerScope, power_scope
from lfk.monitor import run_monitor
from lfk.register import Register, UnitData

CRITERIA: dict[str, Text] = {
    "flows": T("职权有运行流程图", "powers with a flowchart"),
    "legal_basis": T("对外职权有法律依据", "external powers with a legal basis"),
    "risks_identified": T("职权已查找风险点", "powers with risks identified"),
    "graded": T("风险等级评定一致", "risks graded by the rubric"),
    "approved": T("风险经集体审定且按期复核", "risks approved and reviewed in time"),
    "high_measures": T("高风险措施充足", "高 risks with enough measures"),
    "measures_on_time": T("措施按期落实", "measures done on time"),
    "measures_effective": T("措施落实有效", "measures effective"),
    "lint": T("登记册检查无问题", "lint errors and warnings"),
    "monitor": T("电子监察预警", "monitor warnings"),
}
SHORT: dict[str, Text] = {
    "flows": T("流程图", "flows"), "legal_basis": T("法律依据", "legal"), "risks_identified": T("查找风险", "risks"),
    "graded": T("评级", "graded"), "approved": T("审定复核", "approved"), "high_measures": T("高风险措施", "high"),
    "measures_on_time": T("按期落实", "on time"), "measures_effective": T("措施有效", "effective"),
    "lint": T("检查", "lint"), "monitor": T("监察", "monitor"),
}


@dataclass
class Criterion:
    """One line of a card: the points it can give, what it gave, and why points were lost."""

    key: str
    weight: float
    ok: float = 0
    total: int = 0
    points: float | None = None  # None: not applicable (left out of the total)
    lost: list[Text] = field(default_factory=list)
    note: Text | None = None

    @property
    def title(self) -> Text:
        """The criterion's name."""
        return CRITERIA[self.key]

    @property
    def applicable(self) -> bool:
        """False when the criterion is 不适用 (points None: left out of the total)."""
        return self.points is not None

    def to_dict(self, lang: str) -> dict[str, Any]:
        """JSON shape of a criterion."""
        return {"key": self.key, "title": self.title.get(lang), "weight": self.weight, "applicable": self.applicable,
                "points": None if self.points is None else round(self.points, 2), "ok": self.ok, "total": self.total,
                "note": self.note.get(lang) if self.note else None, "lost": [x.get(lang) for x in self.lost]}


@dataclass
class Card:
    """A unit's assessment card."""

    unit: str
    name: str
    criteria: list[Criterion]
    total: float = 0.0
    band: str = ""
    rank: int = 0
    lint_errors: int = 0
    lint_warnings: int = 0
    monitor: dict[str, int] | None = None
    power_scope: PowerScope = "powers"

    def criterion(self, key: str) -> Criterion | None:
        """The criterion ``key`` of this card."""
        for c in self.criteria:
            if c.key == key:
                return c
        return None

    def to_dict(self, lang: str) -> dict[str, Any]:
        """JSON shape of a card."""
        return {"unit": self.unit, "name": self.name, "total": self.total, "band": self.band, "rank": self.rank,
                "power_scope": self.power_scope,
                "lint": {"errors": self.lint_errors, "warnings": self.lint_warnings}, "monitor": self.monitor,
                "criteria": [c.to_dict(lang) for c in self.criteria]}


@dataclass
class ScoreResult:
    """Cards of every unit, ranked."""

    cards: list[Card]
    as_of: dt.date
    events: list[str] = field(default_factory=list)

    def card(self, uid: str) -> Card | None:
        """The card of unit ``uid``."""
        for c in self.cards:
            if c.unit == uid:
                return c
        return None

    def to_dict(self, lang: str) -> dict[str, Any]:
        """The ``--format json`` document."""
        return {"as_of": self.as_of.isoformat(), "events": self.events, "units": [c.to_dict(lang) for c in self.cards]}


def _ratio(c: Criterion) -> None:
    c.points = None if c.total == 0 else c.weight * c.ok / c.total


def _nothing(c: Criterion, why: Text) -> None:
    """A criterion with nothing to count where something is required: no points."""
    if c.total == 0:
        c.points = 0.0
        c.lost.append(why)


def _unit_card(register: Register, ud: UnitData, as_of: dt.date, lint_counts: tuple[int, int],
               monitor: dict[str, int] | None) -> Card:
    cfg = register.config
    a_cfg = cfg.assessment
    crit = {k: Criterion(k, a_cfg.weight(k)) for k in CRITERIA}
    auths = [a.model for a in ud.authorities]
    risks = [r.model for r in ud.risks]
    measures = [m.model for m in ud.measures]
    by_auth = {a.id: a for a in auths}
    scope = power_scope(ud.unit.type if ud.unit else None, auths, risks)

    c = crit["flows"]
    for a in auths:
        c.total += 1
        if register.flow_exists(ud, a.flow_id):
            c.ok += 1
        else:
            c.lost.append(T(f"{a.id} {a.name}：没有流程图 {a.flow_id}", f"{a.id} {a.name}: no flowchart {a.flow_id}"))
    _ratio(c)
    no_powers = T("职权目录为空", "the 职权目录 is empty")
    no_risks = T("没有查找风险点", "no risk identified")
    post_only = T("没有职权目录，风险点都在岗位上，不计", "no 职权目录, every risk on a post: not counted")
    _nothing(c, no_powers)

    c = crit["legal_basis"]
    for a in auths:
        if a.internal:
            continue
        c.total += 1
        if a.legal_basis:
            c.ok += 1
        else:
            c.lost.append(T(f"{a.id} {a.name}：没有法律依据", f"{a.id} {a.name}: no legal basis"))
    _ratio(c)
    if not auths:
        _nothing(c, no_powers)
    elif c.total == 0:
        c.note = T("只有内部职权，不计", "internal powers only: not counted")

    c = crit["risks_identified"]
    with_risk = {r.authority for r in risks if r.authority}
    for a in auths:
        c.total += 1
        if a.id in with_risk:
            c.ok += 1
        else:
            c.lost.append(T(f"{a.id} {a.name}：未查找风险点", f"{a.id} {a.name}: no risk identified"))
    _ratio(c)
    _nothing(c, no_powers)
    if scope == "posts":
        for key in ("flows", "legal_basis", "risks_identified"):
            crit[key].points, crit[key].lost, crit[key].note = None, [], post_only

    c = crit["graded"]
    grades: dict[str, str | None] = {}
    for r in risks:
        c.total += 1
        g = _grade(cfg, r, by_auth.get(r.authority or ""))
        grades[r.id] = g.shown_grade
        if g.status == CONSISTENT or (not g.drift and g.status != MISSING):
            c.ok += 1
        elif g.declared is None:
            c.lost.append(T(f"{r.id}：未评定等级", f"{r.id}: no grade"))
        elif g.computed is None:
            c.lost.append(T(f"{r.id}：评定因素不全，无法按评定方法核对等级",
                            f"{r.id}: factors incomplete, the grade cannot be checked"))
        else:
            c.lost.append(T(f"{r.id}：声明等级 {g.declared} ≠ 计算等级 {g.computed}",
                            f"{r.id}: declared {g.declared} ≠ computed {g.computed}"))
    _ratio(c)
    _nothing(c, no_risks)

    c = crit["approved"]
    approvals = {a.id: a for a in (ud.unit.approvals if ud.unit else [])}
    cycle = cfg.review.cycle_days
    for r in risks:
        c.total += 1
        why: Text | None = None
        ap = approvals.get(r.approval or "")
        if not r.approval:
            why = T("未经集体审定", "not approved")
        elif ap is None:
            why = T(f"审定记录 {r.approval} 不存在", f"approval record {r.approval} does not exist")
        elif ap.date > as_of:
            why = T(f"审定日期 {ap.date} 晚于考核日 {as_of}", f"approved {ap.date}, after the as-of date {as_of}")
        elif r.approved_digest and r.approved_digest != risk_digest(r):
            why = T("审定后内容已改变，需重新集体审定", "changed since its approval: approve it again")
        elif r.reviewed is None:
            why = T("没有复核日期", "no review date")
        elif (as_of - r.reviewed).days > cycle:
            why = T(f"复核已过期（{r.reviewed}，超过 {cycle} 天）", f"review stale ({r.reviewed}, over {cycle} days)")
        if why is None:
            c.ok += 1
        else:
            c.lost.append(T(f"{r.id}：", f"{r.id}: ") + why)
    _ratio(c)
    _nothing(c, no_risks)

    c = crit["high_measures"]
    need = cfg.review.min_measures_high
    count: dict[str, int] = {}
    for m in measures:
        for rid in m.risks:
            count[rid] = count.get(rid, 0) + 1
    for r in risks:
        if grades.get(r.id) != "高":
            continue
        c.total += 1
        have = count.get(r.id, 0)
        if have >= need:
            c.ok += 1
        else:
            c.lost.append(T(f"{r.id}：高风险只有 {have} 项措施（至少 {need} 项）",
                            f"{r.id}: a 高 risk with {have} measures (needs {need})"))
    _ratio(c)
    if c.total == 0:
        c.note = T("没有高风险，不计", "no 高 risks: not counted")

    c = crit["measures_on_time"]
    for m in measures:
        if m.due is None or m.due > as_of:
            continue
        c.total += 1
        if m.status == "已落实":
            c.ok += 1
        else:
            c.lost.append(T(f"{m.id}：{m.due} 到期，仍为“{m.status}”", f"{m.id}: due {m.due}, still {m.status}"))
    _ratio(c)
    if c.total == 0:
        c.note = T("没有到期的措施，不计", "no measure due yet: not counted")

    c = crit["measures_effective"]
    for m in measures:
        if m.status != "已落实":
            continue
        c.total += 1
        if m.effect == "有效":
            c.ok += 1
        elif m.effect == "部分有效":
            c.ok += 0.5
            c.lost.append(T(f"{m.id}：部分有效（计一半）", f"{m.id}: partly effective (half)"))
        else:
            c.lost.append(T(f"{m.id}：实施效果为“{m.effect}”", f"{m.id}: effect {m.effect}"))
    _ratio(c)
    if c.total == 0:
        c.note = T("没有已落实的措施，不计", "no measure done yet: not counted")

    c = crit["lint"]
    errors, warnings = lint_counts
    pen = a_cfg.penalties
    c.total = errors + warnings
    c.ok = 0
    lost = errors * pen.error + warnings * pen.warning
    c.points = max(0.0, c.weight - lost)
    if errors:
        c.lost.append(T(f"{errors} 个检查错误，每个扣 {pen.error:g} 分", f"{errors} lint errors, {pen.error:g} each"))
    if warnings:
        c.lost.append(T(f"{warnings} 个检查警告，每个扣 {pen.warning:g} 分", f"{warnings} lint warnings, {pen.warning:g} each"))

    c = crit["monitor"]
    if monitor is None:
        c.points = None
        c.note = T("未提供电子监察事件记录（--events），不计", "no event log (--events): not counted")
    else:
        red, yellow = monitor.get("红牌", 0), monitor.get("黄牌", 0)
        c.total = red + yellow
        c.points = max(0.0, c.weight - red * pen.red - yellow * pen.yellow)
        if red:
            c.lost.append(T(f"{red} 件红牌，每件扣 {pen.red:g} 分", f"{red} 红牌 cases, {pen.red:g} each"))
        if yellow:
            c.lost.append(T(f"{yellow} 件黄牌，每件扣 {pen.yellow:g} 分", f"{yellow} 黄牌 cases, {pen.yellow:g} each"))
        overdue = monitor.get("逾期未处置", 0)  # clause 16: a warning nobody disposed of costs again
        if overdue:
            c.points = max(0.0, c.points - overdue * pen.red)
            c.lost.append(T(f"{overdue} 件预警逾期未处置，每件扣 {pen.red:g} 分",
                            f"{overdue} warning(s) not disposed of by their deadline, {pen.red:g} each"))
        if c.total:
            c.note = T(f"按期处置 {monitor.get('按期处置', 0)}/{c.total}，已整改 {monitor.get('已整改', 0)}/{c.total}",
                       f"disposed on time {monitor.get('按期处置', 0)}/{c.total}, "
                       f"整改 closed {monitor.get('已整改', 0)}/{c.total}")

    items = [crit[k] for k in CRITERIA if crit[k].weight > 0]
    for k in CRITERIA:
        if crit[k].weight <= 0:
            crit[k].points = None
    scored = [x for x in items if x.points is not None]
    possible = sum(x.weight for x in scored)
    earned = sum(x.points or 0 for x in scored)
    total = round(100.0 * earned / possible, 1) if possible else 0.0
    return Card(ud.id, ud.name, items, total, a_cfg.band(total), 0, errors, warnings, monitor, scope)


def _monitor_counts(register: Register, events: list[Path], as_of: dt.date) -> dict[str, dict[str, int]]:
    res = run_monitor(register, events, dt.datetime.combine(as_of, dt.time(23, 59, 59)))
    out: dict[str, dict[str, int]] = {}
    for case in res.cases:
        level = case.get("warning")
        if level:
            c = out.setdefault(str(case.get("unit")), {})
            c[level] = c.get(level, 0) + 1
            for key, hit in (("逾期未处置", case.get("state") == "逾期未处置"), ("已整改", case.get("state") == "已整改"),
                             ("按期处置", case.get("disposed_on_time", False))):
                if hit:
                    c[key] = c.get(key, 0) + 1
    return out


def score_register(register: Register, *, as_of: dt.date | None = None, units: list[str] | None = None,
                   events: list[Path] | None = None) -> ScoreResult:
    """The cards of ``units`` (default: all), ranked by total (library entry point of ``lfk score``)."""
    day = as_of or dt.date.today()
    uids = units or register.unit_ids
    lint = lint_register(register, LintOptions(as_of=day, units=list(uids)))
    counts: dict[str, list[int]] = {u: [0, 0] for u in uids}
    for f in lint.active:
        parts = f.path.split("/")
        if len(parts) >= 2 and parts[0] == "units" and parts[1] in counts:
            if f.severity is Severity.ERROR:
                counts[parts[1]][0] += 1
            elif f.severity is Severity.WARNING:
                counts[parts[1]][1] += 1
    mon = _monitor_counts(register, events, day) if events else None
    cards = [_unit_card(register, register.unit(u), day, (counts[u][0], counts[u][1]),
                        (mon.get(u, {}) if mon is not None else None)) for u in uids]
    rank_cards(cards)
    return ScoreResult(cards, day, [str(e) for e in events or []])


def rank_cards(cards: list[Card]) -> None:
    """Sort ``cards`` by total (best first) and number their ranks in place (equal totals share a rank)."""
    cards.sort(key=lambda c: (-c.total, c.unit))
    rank = 0
    prev: float | None = None
    for i, c in enumerate(cards, 1):
        if c.total != prev:
            rank = i
            prev = c.total
        c.rank = rank


def rollup(results: list[tuple[str, ScoreResult]]) -> ScoreResult:
    """The cards of several registers (``(label, result)``) in one ranking; a unit id that two registers
    use is written ``label/unit``."""
    seen: dict[str, int] = {}
    for _, res in results:
        for c in res.cards:
            seen[c.unit] = seen.get(c.unit, 0) + 1
    cards: list[Card] = []
    for label, res in results:
        for c in res.cards:
            if seen[c.unit] > 1:
                c.unit = f"{label}/{c.unit}"
            cards.append(c)
    rank_cards(cards)
    first = results[0][1]
    return ScoreResult(cards, first.as_of, [e for _, r in results for e in r.events])


# -- output ----------------------------------------------------------------------------------------------------
def _pts(c: Criterion) -> str:
    if c.points is None:
        return "—"
    return f"{c.points:.1f}".rstrip("0").rstrip(".")


def _cell(c: Criterion | None, lang: str, sep: str = "/") -> str:
    """A criterion's cell in the tables: points / weight, or 不适用 (n/a)."""
    if c is None:
        return "—"
    if c.points is None:
        return "不适用" if lang == "zh" else "n/a"
    return f"{_pts(c)}{sep}{c.weight:g}"


def format_text(res: ScoreResult, lang: str) -> str:
    """The cards as a plain-text table, one line per unit."""
    zh = lang == "zh"
    keys = [k for k in CRITERIA if any(c.criterion(k) for c in res.cards)]
    head = ["排名" if zh else "rank", "单位" if zh else "unit", "总分" if zh else "total", "等次" if zh else "band"]
    head += [f"{SHORT[k].get(lang)}" for k in keys]
    rows = []
    for card in res.cards:
        row = [str(card.rank), card.name if zh else card.unit, f"{card.total:.1f}", card.band]
        for k in keys:
            row.append(_cell(card.criterion(k), lang))
        rows.append(row)
    lines = columns([head, *rows], rule_after=0)
    foot = (f"考核日 {res.as_of}；满分 100，不适用的项不计、按比例折算；用 --explain 单位 查看得失分明细"
            if zh else f"as of {res.as_of}; out of 100, criteria that do not apply are left out and the total "
            "scaled; --explain UNIT shows each point")
    return "\n".join([*lines, "", foot]) + "\n"


def format_markdown(res: ScoreResult, lang: str) -> str:
    """The cards as a Markdown table."""
    zh = lang == "zh"
    keys = [k for k in CRITERIA if any(c.criterion(k) for c in res.cards)]
    head = ["排名" if zh else "Rank", "单位" if zh else "Unit", "总分" if zh else "Total", "等次" if zh else "Band"]
    head += [f"{CRITERIA[k].get(lang)}" for k in keys]
    out = [f"# {'廉政风险防控检查考核' if zh else 'Assessment cards'}（{res.as_of}）" if zh else
           f"# Assessment cards ({res.as_of})", "", "| " + " | ".join(head) + " |",
           "|" + "|".join(" --- " for _ in head) + "|"]
    for card in res.cards:
        row = [str(card.rank), f"{card.name} (`{card.unit}`)", f"**{card.total:.1f}**", card.band]
        for k in keys:
            row.append(_cell(card.criterion(k), lang, " / "))
        out.append("| " + " | ".join(x.replace("|", "\\|") for x in row) + " |")
    return "\n".join(out) + "\n"


def explain(card: Card, lang: str, *, markdown: bool = False) -> str:
    """How each point of ``card`` was earned or lost."""
    zh = lang == "zh"
    out = []
    title = (f"{card.name}（{card.unit}）：{card.total:.1f} 分，{card.band}，第 {card.rank} 名" if zh else
             f"{card.name} ({card.unit}): {card.total:.1f}, {card.band}, rank {card.rank}")
    out.append(("## " if markdown else "") + title)
    out.append("")
    possible = sum(c.weight for c in card.criteria if c.points is not None)
    for c in card.criteria:
        if c.points is None:
            line = f"{c.title.get(lang)}: {_cell(c, lang)}" + (f"（{c.note.get(lang)}）" if zh and c.note else
                                                               f" ({c.note.get(lang)})" if c.note else "")
        else:
            frac = ""
            if c.key not in ("lint", "monitor") and c.total:
                frac = (f"，{c.ok:g}/{c.total} 项达标" if zh else f", {c.ok:g} of {c.total} met")
            line = f"{c.title.get(lang)}: {_pts(c)} / {c.weight:g}{frac}"
        out.append(("- " if markdown else "") + line)
        for lost in c.lost:
            out.append(("  - " if markdown else "    - ") + lost.get(lang))
    out.append("")
    if possible and possible != 100:
        out.append(f"合计 {sum(c.points or 0 for c in card.criteria if c.points is not None):.1f} / {possible:g}，"
                   f"折算为百分制 {card.total:.1f}" if zh else
                   f"sum {sum(c.points or 0 for c in card.criteria if c.points is not None):.1f} of {possible:g}, "
                   f"scaled to {card.total:.1f} of 100")
    return "\n".join(out).rstrip("\n") + "\n"
