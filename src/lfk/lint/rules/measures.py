"""LFK5xx — 防控措施 (clauses 7 and 13): what a measure answers, when it is due, whether it works."""

from __future__ import annotations

from collections.abc import Iterator

from lfk.core.i18n import T
from lfk.lint.context import UnitContext
from lfk.lint.registry import Report, rule


@rule("LFK501", severity="error", scope="unit", clause="7",
      title_zh="措施没有针对的风险", title_en="a measure that names no risk")
def measure_without_risk(ctx: UnitContext) -> Iterator[Report]:
    """A measure that names no risk (`risks` empty). / 防控措施没有写针对的风险点。

    Clause 7 asks for measures aimed at identified risks (有针对性); a measure tied to no risk cannot
    be judged effective or not. A risk id that names nothing is LFK104's.
    指导意见第7条要求针对查找出的风险点制定防控措施；不针对任何风险的措施无从评估其效果。

    Failing:
    ```yaml
    - id: M-009
      kind: 制度建设
      description: 修订内部控制制度
    ```
    Passing:
    ```yaml
    - id: M-009
      risks: [R-006]
      kind: 制度建设
      description: 修订内部控制制度
    ```
    """
    for m in ctx.unit.measures:
        if not m.model.risks:
            yield Report(m.file, m.path, T(f"防控措施 `{m.model.id}` 没有写针对的风险点（第7条）",
                                           f"the measure `{m.model.id}` names no risk (clause 7)"),
                         T("请写 risks: [风险编号, ...]", "add risks: [risk ids...]"))


@rule("LFK502", severity="warning", scope="unit", clause="7, 13",
      title_zh="措施逾期未落实", title_en="a measure past due that is not 已落实")
def measure_overdue(ctx: UnitContext) -> Iterator[Report]:
    """A measure past its `due` date (before the as-of date) that is not `已落实`. / 防控措施逾期未落实。

    Clauses 7 and 13: measures are carried out on time and their progress is followed up. The date
    is `--as-of` (default: today). Reported at `due`.
    第7条、第13条要求措施按期落实并跟踪检查。以 --as-of 指定的日期（默认今天）为准。

    Failing:
    ```yaml
    due: 2026-06-30
    status: 实施中        # lint --as-of 2026-12-01
    ```
    Passing:
    ```yaml
    due: 2026-06-30
    status: 已落实
    ```
    """
    for m in ctx.unit.measures:
        mm = m.model
        if mm.due is not None and mm.due < ctx.as_of and mm.status != "已落实":
            yield Report(m.file, m.path + ("due",),
                         T(f"防控措施 `{mm.id}` 已于 {mm.due.isoformat()} 到期，落实情况仍为“{mm.status}”（第7条、第13条）",
                           f"the measure `{mm.id}` was due on {mm.due.isoformat()} and is still {mm.status} (clauses 7, 13)"),
                         T("请落实后把 status 改为 已落实，或经审定后调整 due",
                           "carry it out and set status: 已落实, or set a new due date once agreed"))


@rule("LFK503", severity="error", scope="unit", clause="13",
      title_zh="风险的措施全部无效", title_en="a risk whose every measure is ineffective")
def all_ineffective(ctx: UnitContext) -> Iterator[Report]:
    """A risk whose every measure is `effect: 无效`. / 风险点的防控措施全部无效。

    Clause 13 (动态管理): measures that do not work must be adjusted. The risk is left uncontrolled;
    reported at the risk.
    指导意见第13条要求根据防控效果及时调整措施；措施全部无效，风险等于没有防控。

    Failing:
    ```yaml
    # measures.yaml: the only measure of R-005
    - {id: M-008, risks: [R-005], kind: 廉政教育, education: 警示教育, status: 已落实, effect: 无效}
    ```
    Passing:
    ```yaml
    - {id: M-008, risks: [R-005], kind: 廉政教育, education: 警示教育, status: 已落实, effect: 有效}
    ```
    """
    for r in ctx.unit.risks:
        ms = ctx.measures_by_risk.get(r.model.id, [])
        if ms and all(m.model.effect == "无效" for m in ms):
            ids = "、".join(m.model.id for m in ms)
            yield Report(r.file, r.path, T(f"风险点 `{r.model.id}` 的防控措施（{ids}）全部无效（第13条）",
                                           f"every measure of the risk `{r.model.id}` ({', '.join(m.model.id for m in ms)}) "
                                           "is ineffective (clause 13)"),
                         T("请调整或增加防控措施，并重新评估效果", "adjust or add measures and assess them again"))


@rule("LFK504", severity="error", scope="unit", clause="7",
      title_zh="廉政教育措施没写教育形式", title_en="a 廉政教育 measure without education form")
def education_form(ctx: UnitContext) -> Iterator[Report]:
    """A `廉政教育` measure without `education` (专题党课, 示范教育, 警示教育, 岗位廉政教育). / 廉政教育措施没有写教育形式。

    Clause 7 answers 思想道德 risks with education in named forms; without the form the measure cannot
    be checked.
    指导意见第7条要求针对思想道德风险开展专题党课、示范教育、警示教育、岗位廉政教育；须写明形式。

    Failing:
    ```yaml
    - {id: M-008, risks: [R-005], kind: 廉政教育}
    ```
    Passing:
    ```yaml
    - {id: M-008, risks: [R-005], kind: 廉政教育, education: 警示教育}
    ```
    """
    for m in ctx.unit.measures:
        if m.model.kind == "廉政教育" and m.model.education is None:
            yield Report(m.file, m.path + ("kind",),
                         T(f"廉政教育措施 `{m.model.id}` 没有写教育形式 education（第7条）",
                           f"the 廉政教育 measure `{m.model.id}` has no education form (clause 7)"),
                         T("请写 education: 专题党课、示范教育、警示教育或岗位廉政教育",
                           "add education: 专题党课, 示范教育, 警示教育 or 岗位廉政教育"))
