"""LFK412-LFK413 — 剩余风险 (residual risk after the measures, clauses 6, 7, 13): graded, not above, backed."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal

from lfk.core.i18n import T
from lfk.grading.engine import GradeResult, fmt_number, grade_risk
from lfk.lint.context import UnitContext
from lfk.lint.registry import Report, rule
from lfk.model.vocab import grade_rank

EFFECTIVE = ("有效", "部分有效")


def _residual_grades(ctx: UnitContext) -> list[tuple[int, GradeResult]]:
    """(position, grade result) of the unit's risks that give residual factors, computed once per unit."""
    cached = ctx.cache.get("residual-grades")
    if cached is None:
        cached = []
        for i, r in enumerate(ctx.unit.risks):
            if r.model.residual:
                auth = ctx.authorities_by_id.get(r.model.authority or "")
                cached.append((i, grade_risk(ctx.config, r.model, auth.model if auth else None)))
        ctx.cache["residual-grades"] = cached
    return cached


def _num(v: object) -> Decimal | None:
    """A finite number as Decimal, else None (NaN and infinities are LFK412 through the rubric's problems)."""
    if isinstance(v, bool) or not isinstance(v, (int, float)):
        return None
    d = Decimal(str(v))
    return d if d.is_finite() else None


@rule("LFK412", severity="error", scope="unit", clause="6",
      title_zh="剩余风险评定有误或高于固有风险", title_en="residual risk not gradable or above the inherent risk")
def residual_above_inherent(ctx: UnitContext) -> Iterator[Report]:
    """Residual factors missing or out of range, or residual risk above the inherent risk. / 剩余风险高于固有风险。

    `residual:` gives the grading factors after the risk's measures, graded by the same rubric as
    `factors`. Measures do not make a risk worse: a residual factor above its inherent value, or a
    residual grade above the inherent (computed) grade, is an error; so are residual factors the rubric
    cannot grade (missing, outside 1..5).
    剩余风险因素按同一评定方法评定，不得高于固有风险（措施不会使风险升高）。

    Failing:
    ```yaml
    factors: {importance: 3, discretion: 3, probability: 3, harm: 3}
    residual: {importance: 3, discretion: 3, probability: 4, harm: 3}
    ```
    Passing:
    ```yaml
    factors: {importance: 3, discretion: 3, probability: 3, harm: 3}
    residual: {importance: 3, discretion: 3, probability: 2, harm: 3}
    ```
    """
    risks = ctx.unit.risks
    for i, g in _residual_grades(ctx):
        r = risks[i]
        for p in g.residual_problems:
            yield Report(r.file, r.path + p.path, T("剩余风险：", "residual risk: ") + p.message)
        inherent = r.model.factors or {}
        for name, v in r.model.residual.items():
            a, b = _num(inherent.get(name)), _num(v)
            if a is not None and b is not None and b > a:
                yield Report(r.file, r.path + ("residual", name),
                             T(f"剩余风险因素 {name} = {fmt_number(b)} 高于固有风险的 {fmt_number(a)}",
                               f"the residual factor {name} = {fmt_number(b)} is above the inherent {fmt_number(a)}"),
                             T("措施后的因素不应高于措施前", "a factor after the measures is not above the factor before"))
        if g.residual is not None and g.computed is not None and grade_rank(g.residual) > grade_rank(g.computed):
            yield Report(r.file, r.path + ("residual",),
                         T(f"剩余风险等级 {g.residual} 高于固有风险等级 {g.computed}",
                           f"the residual grade {g.residual} is above the inherent grade {g.computed}"))


@rule("LFK413", severity="warning", scope="unit", clause="7, 13",
      title_zh="剩余风险降低但无有效措施", title_en="residual risk lowered with no effective measure behind it")
def residual_without_effective_measure(ctx: UnitContext) -> Iterator[Report]:
    """Residual risk below the inherent risk, but no measure of the risk is 已落实 and 有效/部分有效. / 剩余风险降低无据。

    A lower residual risk is a claim that the measures work: at least one measure answering the risk
    must be carried out (`status: 已落实`) and judged effective (`effect: 有效` or `部分有效`).
    剩余风险低于固有风险的，须至少有一项已落实且有效（或部分有效）的防控措施。

    Failing:
    ```yaml
    # risks.yaml
    - {id: R-003, factors: {importance: 4, discretion: 4, probability: 4, harm: 4}, residual: {importance: 2, discretion: 2, probability: 2, harm: 2}}
    # measures.yaml: the measures of R-003 are 计划 / 未评估
    ```
    Passing:
    ```yaml
    # measures.yaml
    - {id: M-003, risks: [R-003], kind: 制度建设, status: 已落实, effect: 有效}
    ```
    """
    risks = ctx.unit.risks
    for i, g in _residual_grades(ctx):
        r = risks[i]
        lower = (g.residual is not None and g.computed is not None and grade_rank(g.residual) < grade_rank(g.computed)) or (
            g.residual_score is not None and g.score is not None and g.residual_score < g.score)
        if not lower:
            continue
        ms = ctx.measures_by_risk.get(r.model.id, [])
        if any(m.model.status == "已落实" and m.model.effect in EFFECTIVE for m in ms):
            continue
        yield Report(r.file, r.path + ("residual",),
                     T(f"剩余风险（{g.residual or '—'}）低于固有风险（{g.computed or '—'}），但没有已落实且有效的措施"
                       f"（{len(ms)} 项措施）", f"the residual risk ({g.residual or '—'}) is below the inherent risk "
                       f"({g.computed or '—'}) with no measure carried out and effective ({len(ms)} measure(s))"),
                     T("请落实措施并评估效果（status: 已落实，effect: 有效），或按固有风险填写剩余风险",
                       "carry out a measure and assess it (status: 已落实, effect: 有效), or keep the residual at the inherent risk"))
