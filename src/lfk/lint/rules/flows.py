"""LFK3xx — 权力运行流程图 (clauses 4, 8, 11): the flow graph, time limits, duties, supervision.

A unit's own flows are reported in their file. A standard flow of the root `flows/` is checked once
per unit that uses it, against that unit's posts, and reported at the power that uses it (its
`flow` key), the message naming the flow and the step.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from lfk.core.i18n import T, Text
from lfk.lint.context import UnitContext
from lfk.lint.registry import Report, rule
from lfk.model.flowgraph import FlowGraph, days_as, exact, fmt_days
from lfk.model.items import Authority, Flow, Step
from lfk.register import Item


@dataclass
class _Target:
    """A flow to check for the unit: where its findings go."""

    flow: Item[Flow]
    user: Item[Authority] | None
    std: bool
    graph: FlowGraph

    @property
    def id(self) -> str:
        return self.flow.model.id

    def report(self, path: tuple[Any, ...], message: Text, hint: Text | None = None) -> Report:
        """A report at ``path`` of the flow file, or at the using power for a standard flow."""
        if self.std and self.user is not None:
            prefix = T(f"标准流程 `{self.id}`：", f"standard flow `{self.id}`: ")
            return Report(self.user.file, self.user.path + ("flow",), prefix + message, hint)
        return Report(self.flow.file, path, message, hint)


def _graph(ctx: UnitContext, flow: Item[Flow]) -> FlowGraph:
    key = "flowgraph:" + flow.file.rel
    g = ctx.cache.get(key)
    if g is None:
        g = ctx.cache[key] = FlowGraph.from_flow(flow.model)
    return g


def _targets(ctx: UnitContext) -> list[_Target]:
    if "flow_targets" not in ctx.cache:
        ctx.cache["flow_targets"] = [_Target(f, u, std, _graph(ctx, f)) for f, u, std in ctx.flows_in_use()]
    return ctx.cache["flow_targets"]  # type: ignore[no-any-return]


def _step(s: Step) -> Text:
    return T(f"环节 `{s.id}`（{s.name}）", f"step `{s.id}` ({s.name})")


def _first_steps(flow: Flow) -> list[int]:
    """Indexes of steps whose id is not a repeat of an earlier step's (repeats are LFK103's)."""
    seen: set[str] = set()
    out = []
    for i, s in enumerate(flow.steps):
        if s.id not in seen:
            seen.add(s.id)
            out.append(i)
    return out


@rule("LFK301", severity="error", scope="unit", clause="4",
      title_zh="流程图没有环节或没有结束环节", title_en="a flow with no steps or no end step")
def empty_flow(ctx: UnitContext) -> Iterator[Report]:
    """A flow with no steps or no end step. / 流程图没有环节，或没有结束环节。

    Clause 4 asks each 权力运行流程图 to show the procedure from start to finish: the first step is the
    start, and at least one step carries `end: true`.
    指导意见第4条要求流程图完整反映权力运行的全过程：第一个环节是起点，至少一个环节标明 end: true。

    Failing:
    ```yaml
    id: F-license
    name: 食品经营许可办理流程
    steps:
      - {id: S1, name: 受理, actor: P-window, next: [S2]}
      - {id: S2, name: 审查, actor: P-review}
    ```
    Passing:
    ```yaml
    steps:
      - {id: S1, name: 受理, actor: P-window, next: [S2]}
      - {id: S2, name: 审查并决定, actor: P-review, end: true}
    ```
    """
    for t in _targets(ctx):
        if not t.flow.model.steps:
            yield t.report(("steps",), T(f"流程图 `{t.id}` 没有任何环节（第4条）", f"the flow `{t.id}` has no steps (clause 4)"),
                           T("请按办理顺序列出环节，第一个环节为起点", "list the steps in order; the first is the start"))
        elif not any(s.end for s in t.flow.model.steps):
            yield t.report(("steps",), T(f"流程图 `{t.id}` 没有结束环节（第4条）", f"the flow `{t.id}` has no end step (clause 4)"),
                           T("请在办结的环节上标明 end: true", "mark the finishing step(s) with end: true"))


@rule("LFK302", severity="error", scope="unit", clause="4",
      title_zh="环节从起点无法到达", title_en="a step the start cannot reach")
def unreachable_step(ctx: UnitContext) -> Iterator[Report]:
    """A step that the start (the first step) cannot reach through `next`. / 从起点无法到达的环节。

    Clause 4: the flow must show how a case really runs; a step nothing leads to is either dead
    wood or a missing `next`.
    指导意见第4条要求流程图如实反映办理过程；没有任何环节通向的环节，要么多余，要么漏写了 next。

    Failing:
    ```yaml
    steps:
      - {id: S1, name: 提出采购需求, next: [S3]}
      - {id: S2, name: 预算审核, next: [S3]}     # nothing leads to S2
      - {id: S3, name: 集体决策, end: true}
    ```
    Passing:
    ```yaml
    steps:
      - {id: S1, name: 提出采购需求, next: [S2]}
      - {id: S2, name: 预算审核, next: [S3]}
      - {id: S3, name: 集体决策, end: true}
    ```
    """
    for t in _targets(ctx):
        reach = t.graph.reachable()
        steps = t.flow.model.steps
        for i in _first_steps(t.flow.model):
            if not reach[i]:
                yield t.report(("steps", i), _step(steps[i]) + T(f"从起点 `{steps[0].id}` 无法到达（第4条）",
                                                                   f" cannot be reached from the start `{steps[0].id}` (clause 4)"),
                               T("请在前面的环节的 next 中指向它，或删除多余的环节",
                                 "point an earlier step's next at it, or delete it"))


@rule("LFK303", severity="error", scope="unit", clause="4",
      title_zh="环节无法到达结束环节", title_en="a step from which no end step can be reached")
def dead_end(ctx: UnitContext) -> Iterator[Report]:
    """A step from which no end step can be reached: a dead end or a closed loop. / 无法走到结束环节的环节。

    Loops (补正, 退回) are allowed as long as every step can still reach an end; a case stuck in a step
    without way out never finishes (clause 4). Not checked when the flow has no end step (LFK301).
    允许补正、退回形成的回路，但每个环节都必须能走到结束环节；走进死胡同或闭合回路的案件永远办不完。

    Failing:
    ```yaml
    - {id: S3, name: 决定, actor: P-deputy-admin}          # no next, not an end
    - {id: S4, name: 制证送达, actor: P-window, end: true}
    ```
    Passing:
    ```yaml
    - {id: S3, name: 决定, actor: P-deputy-admin, next: [S4]}
    - {id: S4, name: 制证送达, actor: P-window, end: true}
    ```
    """
    for t in _targets(ctx):
        steps = t.flow.model.steps
        if not any(s.end for s in steps):
            continue
        ok = t.graph.can_reach_end()
        for i in _first_steps(t.flow.model):
            if not ok[i]:
                what = T("没有后续环节，也不是结束环节", "has no next step and is not an end") if not steps[i].next else \
                    T("之后的环节形成闭合回路，走不到结束环节", "leads only into a closed loop that never reaches an end")
                yield t.report(("steps", i), _step(steps[i]) + T("", " ") + what + T("（第4条）", " (clause 4)"),
                               T("请补充 next 指向后续环节，或标明 end: true",
                                 "add a next towards an end step, or mark it end: true"))


@rule("LFK304", severity="error", scope="unit", clause="4, 11",
      title_zh="环节缺少承办岗位或时限", title_en="a step without actor or time limit")
def step_incomplete(ctx: UnitContext) -> Iterator[Report]:
    """A step without `actor` or, except end steps, without `time_limit`. / 环节没写承办岗位或办理时限。

    Clause 4 asks for each step who handles it and in what time; clause 11 (科技防控) monitors the
    time limits. End steps need no time limit.
    指导意见第4条要求流程图写明每个环节的承办岗位和办理时限，第11条据此实施电子监察；结束环节可不写时限。

    Failing:
    ```yaml
    - id: S2
      name: 审查
      duty: 审查
      next: [S3]
    ```
    Passing:
    ```yaml
    - id: S2
      name: 审查
      actor: P-review
      duty: 审查
      time_limit: {days: 10, kind: 工作日}
      next: [S3]
    ```
    """
    for t in _targets(ctx):
        for i, s in enumerate(t.flow.model.steps):
            missing = []
            if not s.actor:
                missing.append(("承办岗位 actor", "actor"))
            if not s.end and s.time_limit is None:
                missing.append(("办理时限 time_limit", "time_limit"))
            if missing:
                yield t.report(("steps", i), _step(s) + T("缺少" + "和".join(m[0] for m in missing) + "（第4条）",
                                                          " has no " + " and no ".join(m[1] for m in missing) + " (clause 4)"),
                               T("请写 actor: 岗位编号 和 time_limit: {days: N, kind: 工作日}",
                                 "add actor: <post id> and time_limit: {days: N, kind: 工作日}"))


def _weights(flow: Flow, kind: str) -> tuple[list[Fraction], list[bool]]:
    w: list[Fraction] = []
    converted: list[bool] = []
    for s in flow.steps:
        if s.time_limit is None:
            w.append(Fraction(0))
            converted.append(False)
        else:
            w.append(days_as(s.time_limit.days, s.time_limit.kind, kind))
            converted.append(s.time_limit.kind != kind)
    return w, converted


@rule("LFK305", severity="error", scope="unit", clause="4, 11",
      title_zh="流程环节时限之和超过法定时限", title_en="the step time limits add up to more than the statutory limit")
def time_over(ctx: UnitContext) -> Iterator[Report]:
    """The longest loop-free path's step time limits add up to more than the power's `time_limit`. / 环节时限合计超过法定时限。

    A case that takes every step's full time along the longest way through the flow must still end
    within the power's statutory limit (clause 4, monitored under clause 11). Loops (补正, 退回) are
    cut first: a depth-first search from the start drops every edge back to a step still on its
    stack, and the longest path of what is left (a DAG) is found in linear time, so flows of
    hundreds of steps are checked at once. Kinds of day: when a step and the power differ, working
    days are converted at 5 per 7 natural days (n 工作日 = n×7/5 自然日) and the message says so.
    Reported at the power's `time_limit`.
    按最长的无回路路径（先去掉补正、退回等回边，再在有向无环图上求最长路径，线性时间）累加各环节
    时限，不得超过职权的法定时限。工作日与自然日不一致时按每5个工作日折合7个自然日换算，并在提示中说明。

    Failing:
    ```yaml
    # authorities.yaml
    time_limit: {days: 12, kind: 工作日}
    # flows/F-license.yaml: S1 1 + S2 10 + S3 3 = 14 工作日
    ```
    Passing:
    ```yaml
    time_limit: {days: 20, kind: 工作日}
    ```
    """
    for a in ctx.unit.authorities:
        tl = a.model.time_limit
        if tl is None:
            continue
        flow, std = ctx.flow_of(a.model)
        if flow is None or not flow.model.steps:
            continue
        weights, converted = _weights(flow.model, tl.kind)
        found = _graph(ctx, flow).longest_path(weights)
        if found is None:
            continue
        total, path = found
        limit = exact(tl.days)
        if total <= limit:
            continue
        steps = flow.model.steps
        chain = " → ".join(steps[i].id for i in path)
        note = T("", "")
        if any(converted[i] for i in path):
            other = "工作日" if tl.kind == "自然日" else "自然日"
            note = T(f"（其中{other}按 5 个工作日折合 7 个自然日换算为{tl.kind}）",
                     f" ({other} converted to {tl.kind} at 5 working days per 7 natural days)")
        yield Report(a.file, a.path + ("time_limit",),
                     T(f"流程 `{flow.model.id}` 最长路径 {chain} 的环节时限合计 {fmt_days(total)} 个{tl.kind}，"
                       f"超过职权 `{a.model.id}` 的法定时限 {fmt_days(limit)} 个{tl.kind}",
                       f"the longest path {chain} of flow `{flow.model.id}` adds up to {fmt_days(total)} {tl.kind}, "
                       f"more than the statutory limit of `{a.model.id}`, {fmt_days(limit)} {tl.kind}") + note,
                     T("请压缩环节时限，使其合计不超过法定时限，或核对法定时限（第4条、第11条）",
                       "shorten the step limits so they fit the statutory limit, or check that limit (clauses 4, 11)"))


def _supervised(flow: Flow) -> bool:
    return any(s.supervision or s.duty == "监督" for s in flow.steps)


@rule("LFK306", severity="error", scope="unit", clause="8, 11",
      title_zh="流程没有任何监督", title_en="a flow with no supervision at all")
def no_supervision(ctx: UnitContext) -> Iterator[Report]:
    """A flow with no supervision at all: no step with `supervision` and no step of duty `监督`. / 流程没有监督环节或监察点。

    Clause 8 separates 决策、执行、监督; clause 11 sets 监察点 on the flow for e-supervision. A flow
    nobody watches leaves the power unchecked.
    指导意见第8条要求决策、执行、监督相互制约，第11条要求在流程中设置电子监察点；
    没有任何监督的流程，权力运行无人制约。

    Failing:
    ```yaml
    steps:
      - {id: S1, name: 受理, actor: P-window, duty: 受理, next: [S2]}
      - {id: S2, name: 审查, actor: P-review, duty: 审查, end: true}
    ```
    Passing:
    ```yaml
    steps:
      - {id: S1, name: 受理, actor: P-window, duty: 受理, supervision: [电子监察], next: [S2]}
      - {id: S2, name: 审查, actor: P-review, duty: 审查, end: true}
    ```
    """
    for t in _targets(ctx):
        if t.flow.model.steps and not _supervised(t.flow.model):
            yield t.report(("steps",), T(f"流程 `{t.id}` 没有任何监督：没有环节写 supervision，也没有职责为“监督”的环节（第8条、第11条）",
                                         f"the flow `{t.id}` has no supervision at all: no step has supervision and none "
                                         "has duty 监督 (clauses 8, 11)"),
                           T("请在关键环节写 supervision: [电子监察, ...]，或增加法制审核、纪检监督等监督环节",
                             "add supervision: [...] to key steps, or a step of duty 监督 (legal review, discipline inspection)"))


def _duties(flow: Flow) -> dict[str, dict[str, list[int]]]:
    """Post → duty → indexes of its steps with that duty."""
    out: dict[str, dict[str, list[int]]] = defaultdict(lambda: defaultdict(list))
    for i, s in enumerate(flow.steps):
        if s.actor and s.duty:
            out[s.actor][s.duty].append(i)
    return out


def _post_name(ctx: UnitContext, pid: str) -> str:
    p = ctx.unit.posts.get(pid)
    return f"`{pid}`（{p.name}）" if p else f"`{pid}`"


def _held_together(ctx: UnitContext, a: str, b: str, at: str) -> Iterator[tuple[_Target, str, Text, Text, int]]:
    """Each post that holds both duty ``a`` and duty ``b`` in a flow of the unit (权力过于集中, clause 8):
    (target, post, its ``a`` steps, its ``b`` steps as lists in zh and en, the index of its first ``at`` step)."""
    for t in _targets(ctx):
        steps = t.flow.model.steps
        for post, duties in _duties(t.flow.model).items():
            if a in duties and b in duties:
                yield (t, post, *(T("、".join(steps[i].id for i in duties[d]), ", ".join(steps[i].id for i in duties[d]))
                                  for d in (a, b)), duties[at][0])


@rule("LFK307", severity="warning", scope="unit", clause="8",
      title_zh="同一岗位既审查又决定", title_en="one post both examines and decides")
def examine_and_decide(ctx: UnitContext) -> Iterator[Report]:
    """One post both examines (`审查`) and decides (`决定`) in the same flow — 权力过于集中. / 同一岗位既审查又决定。

    Clause 8 (优化权力结构) asks to separate examining from deciding so that no post holds a whole
    power. Reported at the post's first 决定 step. A small unit where this cannot be avoided says so
    with `# lfk: ignore[LFK307] 理由`.
    指导意见第8条要求分解、制约权力，审查与决定应由不同岗位承担，否则权力过于集中。

    Failing:
    ```yaml
    - {id: S2, name: 审查, actor: P-review, duty: 审查, next: [S3]}
    - {id: S3, name: 决定, actor: P-review, duty: 决定, next: [S4]}
    ```
    Passing:
    ```yaml
    - {id: S2, name: 审查, actor: P-review, duty: 审查, next: [S3]}
    - {id: S3, name: 决定, actor: P-deputy-admin, duty: 决定, next: [S4]}
    ```
    """
    for t, post, exam, dec, i in _held_together(ctx, "审查", "决定", at="决定"):
        yield t.report(("steps", i), T(f"岗位 {_post_name(ctx, post)}在流程 `{t.id}` 中既审查（{exam.zh}）又决定（{dec.zh}），"
                                       "权力过于集中（第8条）",
                                       f"the post `{post}` both examines ({exam.en}) and decides ({dec.en}) in flow `{t.id}`: "
                                       "power too concentrated (clause 8)"),
                       T("请由不同岗位分别承担审查和决定", "have different posts examine and decide"))


@rule("LFK308", severity="error", scope="unit", clause="8",
      title_zh="同一岗位既决定又监督", title_en="one post both decides and supervises")
def decide_and_supervise(ctx: UnitContext) -> Iterator[Report]:
    """One post both decides (`决定`) and supervises (`监督`) in the same flow. / 同一岗位既决定又监督。

    Clause 8: 决策权、执行权、监督权 must check each other; a post supervising its own decisions is no
    supervision. Reported at the post's first 监督 step.
    指导意见第8条要求决策、执行、监督相互分离、相互制约；自己监督自己的决定等于没有监督。

    Failing:
    ```yaml
    - {id: S3, name: 法制审核, actor: P-director, duty: 监督, next: [S4]}
    - {id: S4, name: 集体讨论决定, actor: P-director, duty: 决定, next: [S5]}
    ```
    Passing:
    ```yaml
    - {id: S3, name: 法制审核, actor: P-legal, duty: 监督, next: [S4]}
    - {id: S4, name: 集体讨论决定, actor: P-director, duty: 决定, next: [S5]}
    ```
    """
    for t, post, dec, sup, i in _held_together(ctx, "决定", "监督", at="监督"):
        yield t.report(("steps", i), T(f"岗位 {_post_name(ctx, post)}在流程 `{t.id}` 中既决定（{dec.zh}）又监督（{sup.zh}），"
                                       "监督失效（第8条）",
                                       f"the post `{post}` both decides ({dec.en}) and supervises ({sup.en}) in flow `{t.id}` "
                                       "(clause 8)"),
                       T("请由独立的岗位（法制审核、纪检监察等）承担监督",
                         "give supervision to an independent post (legal review, discipline inspection)"))


@rule("LFK309", severity="error", scope="unit", clause="8",
      title_zh="三重一大事项没有集体决策环节", title_en="a 三重一大 power whose flow has no collective decision")
def no_collective(ctx: UnitContext) -> Iterator[Report]:
    """A power with `key_areas` containing 三重一大 whose flow has no `collective: true` decision step. / 三重一大事项未经集体决策。

    Clause 8: 重大决策、重要人事任免、重大项目安排和大额度资金运作 are decided collectively by the
    leadership. A step counts when it has `collective: true` and duty 决定 (or no duty). Reported at
    the power's `key_areas`.
    指导意见第8条要求“三重一大”事项必须经领导班子集体决策；流程中须有 collective: true 的决定环节。

    Failing:
    ```yaml
    - {id: S3, name: 局党组集体决策, actor: P-director, duty: 决定, next: [S4]}
    ```
    Passing:
    ```yaml
    - {id: S3, name: 局党组集体决策, actor: P-director, duty: 决定, collective: true, next: [S4]}
    ```
    """
    for a in ctx.unit.authorities:
        if "三重一大" not in a.model.key_areas:
            continue
        flow, _ = ctx.flow_of(a.model)
        if flow is None:
            continue
        if any(s.collective and s.duty in ("决定", None) for s in flow.model.steps):
            continue
        yield Report(a.file, a.path + ("key_areas",),
                     T(f"职权 `{a.model.id}` 属于“三重一大”事项，但流程 `{flow.model.id}` 没有集体决策环节（第8条）",
                       f"the power `{a.model.id}` is 三重一大 but its flow `{flow.model.id}` has no collective decision step (clause 8)"),
                     T("请在决定环节写 collective: true（领导班子集体讨论决定）",
                       "mark the decision step collective: true (decided by the leadership collectively)"))


@rule("LFK310", severity="warning", scope="unit", clause="11",
      title_zh="高风险环节没有监督", title_en="a step carrying a 高 risk has no supervision")
def high_risk_unsupervised(ctx: UnitContext) -> Iterator[Report]:
    """A step carrying a 高 risk (a risk whose `authority` runs on this flow and whose `steps` name it) has no `supervision`. / 高风险环节没有监察点。

    Clause 11 asks 监察点 where risks are highest. The grade is the risk's declared `grade`.
    指导意见第11条要求在风险较高的环节设置电子监察点；风险等级取风险点登记的 grade。

    Failing:
    ```yaml
    # risks.yaml: R-001 {authority: CF-001, steps: [S2], grade: 高}
    - {id: S2, name: 调查取证, actor: P-case, duty: 审查, next: [S3]}
    ```
    Passing:
    ```yaml
    - {id: S2, name: 调查取证, actor: P-case, duty: 审查, supervision: [执法记录仪全程记录], next: [S3]}
    ```
    """
    seen: set[tuple[str, str, str]] = set()
    for r in ctx.unit.risks:
        m = r.model
        if m.grade != "高" or not m.authority or not m.steps:
            continue
        a = ctx.authorities_by_id.get(m.authority)
        if a is None:
            continue
        flow, std = ctx.flow_of(a.model)
        if flow is None:
            continue
        g = _graph(ctx, flow)
        t = _Target(flow, a, std, g)
        for sid in m.steps:
            i = g.index.get(sid)
            key = (flow.file.rel, sid, a.model.id if std else "")
            if i is None or key in seen:
                continue
            s = flow.model.steps[i]
            if s.supervision:
                continue
            seen.add(key)
            yield t.report(("steps", i), _step(s) + T(f"有高风险 `{m.id}`（{m.title}），但没有监督方式 supervision（第11条）",
                                                      f" carries the 高 risk `{m.id}` ({m.title}) but has no supervision (clause 11)"),
                           T("请在该环节写 supervision: [电子监察, ...]", "add supervision: [...] to the step"))


def _over(promised: Any, limit: Any) -> tuple[bool, str, str]:
    """Whether ``promised`` exceeds ``limit`` (both TimeLimit), compared in the limit's kind."""
    p = days_as(promised.days, promised.kind, limit.kind)
    lim = exact(limit.days)
    note_zh = note_en = ""
    if promised.kind != limit.kind:
        note_zh = f"（承诺时限 {fmt_days(exact(promised.days))} 个{promised.kind}，按 5 个工作日折合 7 个自然日换算为 {fmt_days(p)} 个{limit.kind}）"
        note_en = (f" (the promised {fmt_days(exact(promised.days))} {promised.kind} converted at 5 working days "
                   f"per 7 natural days: {fmt_days(p)} {limit.kind})")
    return p > lim, note_zh, note_en


@rule("LFK311", severity="error", scope="unit", clause="4, 10",
      title_zh="承诺时限超过法定时限", title_en="a promised limit above the statutory limit")
def promised_over(ctx: UnitContext) -> Iterator[Report]:
    """A `promised` limit (承诺时限) above its `time_limit` (法定时限), on a step or a power. / 承诺时限超过法定时限。

    A promise to the public can shorten the law's limit, never lengthen it. When the kinds of day
    differ, working days are converted at 5 per 7 natural days.
    承诺时限只能比法定时限短，不能更长；工作日与自然日不同时按每5个工作日折合7个自然日换算比较。

    Failing:
    ```yaml
    time_limit: {days: 10, kind: 工作日}
    promised: {days: 15, kind: 工作日}
    ```
    Passing:
    ```yaml
    time_limit: {days: 10, kind: 工作日}
    promised: {days: 5, kind: 工作日}
    ```
    """
    hint = T("请把承诺时限改为不超过法定时限", "make the promised limit no longer than the statutory one")
    for a in ctx.unit.authorities:
        m = a.model
        if m.promised is not None and m.time_limit is not None:
            over, nzh, nen = _over(m.promised, m.time_limit)
            if over:
                yield Report(a.file, a.path + ("promised",),
                             T(f"职权 `{m.id}` 的承诺时限 {m.promised.days} 个{m.promised.kind}超过法定时限 "
                               f"{m.time_limit.days} 个{m.time_limit.kind}{nzh}（第4条）",
                               f"the promised limit of `{m.id}`, {m.promised.days} {m.promised.kind}, is above its statutory "
                               f"limit of {m.time_limit.days} {m.time_limit.kind}{nen} (clause 4)"), hint)
    for t in _targets(ctx):
        for i, s in enumerate(t.flow.model.steps):
            if s.promised is None or s.time_limit is None:
                continue
            over, nzh, nen = _over(s.promised, s.time_limit)
            if over:
                yield t.report(("steps", i, "promised"),
                               _step(s) + T(f"的承诺时限 {s.promised.days} 个{s.promised.kind}超过法定时限 "
                                            f"{s.time_limit.days} 个{s.time_limit.kind}{nzh}（第4条）",
                                            f": the promised limit {s.promised.days} {s.promised.kind} is above the statutory "
                                            f"limit {s.time_limit.days} {s.time_limit.kind}{nen} (clause 4)"), hint)
