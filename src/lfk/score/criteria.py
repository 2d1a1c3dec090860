"""The criteria of the clause-16 card, one decorated function each (as lint rules are).

``@criterion(key, title, short)`` registers a function ``(facts, c)`` that counts what it judges into the
``Criterion`` ``c`` (``total``, ``ok``, ``lost``, ``points``, ``note``). Its docstring is its documentation
(a summary line, then zh and en), shown by ``lfk score --criteria``; ``tests/unit/score/cases/<key>.yaml`` holds its
cases. The default points are ``DEFAULT_ASSESSMENT_WEIGHTS`` in lfk.model.config (``assessment.weights``).
"""

from __future__ import annotations

import datetime as dt
import inspect
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from lfk.core.i18n import T, Text
from lfk.grading.engine import CONSISTENT, MISSING, GradeResult, risk_digest
from lfk.grading.engine import grade_risk as _grade
from lfk.model import Config
from lfk.model.items import Authority, Measure, Risk
from lfk.model.scope import PowerScope, power_scope
from lfk.register import Register, UnitData


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
        return CRITERIA[self.key].title

    @property
    def applicable(self) -> bool:
        """False when the criterion is 不适用 (points None: left out of the total)."""
        return self.points is not None

    def ratio(self, none: Text | None = None) -> None:
        """Points in proportion: ``weight × ok / total`` (不适用 when there is nothing to count, noted as ``none``)."""
        self.points = None if self.total == 0 else self.weight * self.ok / self.total
        if self.total == 0 and none is not None:
            self.note = none

    def required(self, why: Text) -> None:
        """Nothing to count where something is required: no points, and why."""
        if self.total == 0:
            self.points = 0.0
            self.lost.append(why)

    def to_dict(self, lang: str) -> dict[str, Any]:
        """JSON shape of a criterion."""
        return {"key": self.key, "title": self.title.get(lang), "weight": self.weight, "applicable": self.applicable,
                "points": None if self.points is None else round(self.points, 2), "ok": self.ok, "total": self.total,
                "note": self.note.get(lang) if self.note else None, "lost": [x.get(lang) for x in self.lost]}


@dataclass
class UnitFacts:
    """What the criteria read of one unit: its items, the as-of date, lint counts and monitor counts."""

    register: Register
    ud: UnitData
    as_of: dt.date
    lint_counts: tuple[int, int] = (0, 0)
    monitor: dict[str, int] | None = None

    @property
    def config(self) -> Config:
        """The register's lfk.yaml."""
        return self.register.config

    @cached_property
    def authorities(self) -> list[Authority]:
        """The unit's powers."""
        return [a.model for a in self.ud.authorities]

    @cached_property
    def risks(self) -> list[Risk]:
        """The unit's risks."""
        return [r.model for r in self.ud.risks]

    @cached_property
    def measures(self) -> list[Measure]:
        """The unit's measures."""
        return [m.model for m in self.ud.measures]

    @cached_property
    def scope(self) -> PowerScope:
        """Whether power criteria apply (``lfk.model.scope.power_scope``)."""
        return power_scope(self.ud.unit.type if self.ud.unit else None, self.authorities, self.risks)

    @cached_property
    def graded(self) -> dict[str, GradeResult]:
        """Each risk graded by the rubric (once, shared by the criteria that need it)."""
        by_auth = {a.id: a for a in self.authorities}
        return {r.id: _grade(self.config, r, by_auth.get(r.authority or "")) for r in self.risks}


CriterionFunc = Callable[[UnitFacts, Criterion], None]


@dataclass(frozen=True)
class CriterionSpec:
    """A registered criterion: its key, names, function and documentation (the function's docstring)."""

    key: str
    title: Text
    short: Text
    func: CriterionFunc
    doc: str


CRITERIA: dict[str, CriterionSpec] = {}  # in the card's order


def criterion(key: str, title: Text, short: Text) -> Callable[[CriterionFunc], CriterionFunc]:
    """Register the decorated function as the criterion ``key`` (its docstring is its documentation)."""

    def deco(fn: CriterionFunc) -> CriterionFunc:
        if key in CRITERIA:
            raise ValueError(f"score criterion {key} registered twice")
        CRITERIA[key] = CriterionSpec(key, title, short, fn, inspect.getdoc(fn) or "")
        return fn

    return deco


NO_POWERS = T("职权目录为空", "the 职权目录 is empty")
NO_RISKS = T("没有查找风险点", "no risk identified")
POST_ONLY = T("没有职权目录，风险点都在岗位上，不计", "no 职权目录, every risk on a post: not counted")


def _posts_only(facts: UnitFacts, c: Criterion) -> bool:
    """A power criterion of a unit of post risks only: 不适用."""
    if facts.scope == "posts":
        c.points, c.note = None, POST_ONLY
        return True
    return False


def _each_power(facts: UnitFacts, c: Criterion, good: Callable[[Authority], bool],
                why: Callable[[Authority], Text]) -> None:
    """Count every power that is ``good``; the others lose ``why``; none at all: 0 (不适用 for post risks only)."""
    if _posts_only(facts, c):
        return
    for a in facts.authorities:
        c.total += 1
        if good(a):
            c.ok += 1
        else:
            c.lost.append(why(a))
    c.ratio()
    c.required(NO_POWERS)


@criterion("flows", T("职权有运行流程图", "powers with a flowchart"), T("流程图", "flows"))
def flows(facts: UnitFacts, c: Criterion) -> None:
    """Powers whose 权力运行流程图 exists (clause 3).

    zh: 每项职权都应有运行流程图（单位自己的或标准流程）；按有流程图的职权所占比例计分。职权目录为空的得 0 分；
    只有岗位风险的单位（见 lfk.model.scope）不计。
    en: every power needs its flowchart (the unit's own or a standard flow); points in proportion. An empty 职权目录
    scores 0; a unit of post risks only is not counted.
    """
    _each_power(facts, c, lambda a: facts.register.flow_exists(facts.ud, a.flow_id),
                lambda a: T(f"{a.id} {a.name}：没有流程图 {a.flow_id}", f"{a.id} {a.name}: no flowchart {a.flow_id}"))


@criterion("legal_basis", T("对外职权有法律依据", "external powers with a legal basis"), T("法律依据", "legal"))
def legal_basis(facts: UnitFacts, c: Criterion) -> None:
    """External powers with a legal basis (clause 2: 职权法定).

    zh: 每项对外职权都应写明法律依据；按比例计分。只有内部职权的不计；职权目录为空的得 0 分。
    en: every external power needs its legal basis; points in proportion. Internal powers only: not counted; an
    empty 职权目录 scores 0.
    """
    if _posts_only(facts, c):
        return
    for a in facts.authorities:
        if a.internal:
            continue
        c.total += 1
        if a.legal_basis:
            c.ok += 1
        else:
            c.lost.append(T(f"{a.id} {a.name}：没有法律依据", f"{a.id} {a.name}: no legal basis"))
    c.ratio()
    if not facts.authorities:
        c.required(NO_POWERS)
    elif c.total == 0:
        c.note = T("只有内部职权，不计", "internal powers only: not counted")


@criterion("risks_identified", T("职权已查找风险点", "powers with risks identified"), T("查找风险", "risks"))
def risks_identified(facts: UnitFacts, c: Criterion) -> None:
    """Powers with at least one risk identified on them (clause 5).

    zh: 每项职权都应查找廉政风险点；按已查找的职权所占比例计分。职权目录为空的得 0 分。
    en: risks are looked for on every power; points in proportion. An empty 职权目录 scores 0.
    """
    with_risk = {r.authority for r in facts.risks if r.authority}
    _each_power(facts, c, lambda a: a.id in with_risk,
                lambda a: T(f"{a.id} {a.name}：未查找风险点", f"{a.id} {a.name}: no risk identified"))


@criterion("graded", T("风险等级评定一致", "risks graded by the rubric"), T("评级", "graded"))
def graded(facts: UnitFacts, c: Criterion) -> None:
    """Risks whose declared grade agrees with the rubric, or whose drift is explained (clause 6).

    zh: 声明等级与评定方法计算的等级一致（或偏差已说明）的风险所占比例。没有风险点的得 0 分。
    en: the share of risks whose declared grade is the rubric's (or whose drift is explained). No risk: 0.
    """
    for r in facts.risks:
        c.total += 1
        g = facts.graded[r.id]
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
    c.ratio()
    c.required(NO_RISKS)


def _approval_problem(facts: UnitFacts, r: Risk) -> Text | None:
    approvals = {a.id: a for a in (facts.ud.unit.approvals if facts.ud.unit else [])}
    cycle = facts.config.review.cycle_days
    ap = approvals.get(r.approval or "")
    if not r.approval:
        return T("未经集体审定", "not approved")
    if ap is None:
        return T(f"审定记录 {r.approval} 不存在", f"approval record {r.approval} does not exist")
    if ap.date > facts.as_of:
        return T(f"审定日期 {ap.date} 晚于考核日 {facts.as_of}", f"approved {ap.date}, after the as-of date {facts.as_of}")
    if r.approved_digest and r.approved_digest != risk_digest(r):
        return T("审定后内容已改变，需重新集体审定", "changed since its approval: approve it again")
    if r.reviewed is None:
        return T("没有复核日期", "no review date")
    if (facts.as_of - r.reviewed).days > cycle:
        return T(f"复核已过期（{r.reviewed}，超过 {cycle} 天）", f"review stale ({r.reviewed}, over {cycle} days)")
    return None


@criterion("approved", T("风险经集体审定且按期复核", "risks approved and reviewed in time"), T("审定复核", "approved"))
def approved(facts: UnitFacts, c: Criterion) -> None:
    """Risks collectively approved and reviewed within the review cycle (clauses 6 and 14).

    zh: 经领导班子集体审定（审定记录存在、日期不晚于考核日、审定后内容未变）且在 review.cycle_days 内复核的风险所占比例。
    en: the share of risks approved by the leadership (the record exists, is dated by the as-of date, the risk is
    unchanged since) and reviewed within ``review.cycle_days``.
    """
    for r in facts.risks:
        c.total += 1
        why = _approval_problem(facts, r)
        if why is None:
            c.ok += 1
        else:
            c.lost.append(T(f"{r.id}：", f"{r.id}: ") + why)
    c.ratio()
    c.required(NO_RISKS)


@criterion("high_measures", T("高风险措施充足", "高 risks with enough measures"), T("高风险措施", "high"))
def high_measures(facts: UnitFacts, c: Criterion) -> None:
    """高 risks with at least ``review.min_measures_high`` measures (clause 7).

    zh: 高风险（按评定方法）至少有 review.min_measures_high 项防控措施的比例；没有高风险的不计。
    en: the share of 高 risks (as graded) with at least ``review.min_measures_high`` measures; none: not counted.
    """
    need = facts.config.review.min_measures_high
    count: dict[str, int] = {}
    for m in facts.measures:
        for rid in m.risks:
            count[rid] = count.get(rid, 0) + 1
    for r in facts.risks:
        if facts.graded[r.id].shown_grade != "高":
            continue
        c.total += 1
        have = count.get(r.id, 0)
        if have >= need:
            c.ok += 1
        else:
            c.lost.append(T(f"{r.id}：高风险只有 {have} 项措施（至少 {need} 项）",
                            f"{r.id}: a 高 risk with {have} measures (needs {need})"))
    c.ratio(T("没有高风险，不计", "no 高 risks: not counted"))


@criterion("measures_on_time", T("措施按期落实", "measures done on time"), T("按期落实", "on time"))
def measures_on_time(facts: UnitFacts, c: Criterion) -> None:
    """Measures due by the as-of date that are 已落实 (clause 7).

    zh: 到期（due 不晚于考核日）的措施中已落实的比例；没有到期措施的不计。
    en: of the measures due by the as-of date, the share 已落实; none due: not counted.
    """
    for m in facts.measures:
        if m.due is None or m.due > facts.as_of:
            continue
        c.total += 1
        if m.status == "已落实":
            c.ok += 1
        else:
            c.lost.append(T(f"{m.id}：{m.due} 到期，仍为“{m.status}”", f"{m.id}: due {m.due}, still {m.status}"))
    c.ratio(T("没有到期的措施，不计", "no measure due yet: not counted"))


@criterion("measures_effective", T("措施落实有效", "measures effective"), T("措施有效", "effective"))
def measures_effective(facts: UnitFacts, c: Criterion) -> None:
    """Measures 已落实 judged 有效 (clause 16: 检查考核).

    zh: 已落实措施中实施效果为“有效”的比例（“部分有效”计一半，“未评估”“无效”不计）；没有已落实措施的不计。
    en: of the measures done, the share judged 有效 (部分有效 counts half; 未评估 and 无效 nothing); none done: not
    counted.
    """
    for m in facts.measures:
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
    c.ratio(T("没有已落实的措施，不计", "no measure done yet: not counted"))


@criterion("lint", T("登记册检查无问题", "lint errors and warnings"), T("检查", "lint"))
def lint(facts: UnitFacts, c: Criterion) -> None:
    """The register's lint findings cost points (动态管理: a register kept in order).

    zh: 满分减去每个检查错误 penalties.error 分、每个警告 penalties.warning 分，最低 0 分。
    en: the weight less ``penalties.error`` per lint error and ``penalties.warning`` per warning, not below 0.
    """
    errors, warnings = facts.lint_counts
    pen = facts.config.assessment.penalties
    c.total = errors + warnings
    c.ok = 0
    c.points = max(0.0, c.weight - errors * pen.error - warnings * pen.warning)
    if errors:
        c.lost.append(T(f"{errors} 个检查错误，每个扣 {pen.error:g} 分", f"{errors} lint errors, {pen.error:g} each"))
    if warnings:
        c.lost.append(T(f"{warnings} 个检查警告，每个扣 {pen.warning:g} 分", f"{warnings} lint warnings, {pen.warning:g} each"))


@criterion("monitor", T("电子监察预警", "monitor warnings"), T("监察", "monitor"))
def monitor(facts: UnitFacts, c: Criterion) -> None:
    """E-supervision warnings cost points; a warning not disposed of by its deadline costs again (clauses 12, 16).

    zh: 提供事件记录（--events）时，满分减去每件红牌 penalties.red 分、每件黄牌 penalties.yellow 分，逾期未处置的预警每件再扣
    penalties.red 分；未提供的不计。
    en: with an event log (``--events``): the weight less ``penalties.red`` per 红牌 case and ``penalties.yellow`` per
    黄牌 case, and ``penalties.red`` again per warning not disposed of by its deadline; without one: not counted.
    """
    counts = facts.monitor
    if counts is None:
        c.points = None
        c.note = T("未提供电子监察事件记录（--events），不计", "no event log (--events): not counted")
        return
    pen = facts.config.assessment.penalties
    red, yellow = counts.get("红牌", 0), counts.get("黄牌", 0)
    c.total = red + yellow
    c.points = max(0.0, c.weight - red * pen.red - yellow * pen.yellow)
    if red:
        c.lost.append(T(f"{red} 件红牌，每件扣 {pen.red:g} 分", f"{red} 红牌 cases, {pen.red:g} each"))
    if yellow:
        c.lost.append(T(f"{yellow} 件黄牌，每件扣 {pen.yellow:g} 分", f"{yellow} 黄牌 cases, {pen.yellow:g} each"))
    overdue = counts.get("逾期未处置", 0)
    if overdue:
        c.points = max(0.0, c.points - overdue * pen.red)
        c.lost.append(T(f"{overdue} 件预警逾期未处置，每件扣 {pen.red:g} 分",
                        f"{overdue} warning(s) not disposed of by their deadline, {pen.red:g} each"))
    if c.total:
        on_time, closed = counts.get("按期处置", 0), counts.get("已整改", 0)
        c.note = T(f"按期处置 {on_time}/{c.total}，已整改 {closed}/{c.total}",
                   f"disposed on time {on_time}/{c.total}, 整改 closed {closed}/{c.total}")


def score_unit(facts: UnitFacts) -> list[Criterion]:
    """The criteria of one unit with points to give, in the card's order (weights from ``assessment.weights``)."""
    cfg = facts.config.assessment
    out = []
    for key, spec in CRITERIA.items():
        c = Criterion(key, cfg.weight(key))
        if c.weight <= 0:  # weighted out in lfk.yaml: not on the card
            continue
        spec.func(facts, c)
        out.append(c)
    return out
