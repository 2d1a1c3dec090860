"""LFK805-LFK807 — 经审批接受的偏离与豁免 (``accepted.yaml``): valid, not expired, not about to expire."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from lfk.core.i18n import T
from lfk.lint.context import UnitContext
from lfk.lint.registry import REGISTRY, Report, rule
from lfk.monitor.codes import CODES

_WHAT = {"deviation": ("偏离", "deviation"), "finding": ("检查问题", "finding"), "risk": ("风险", "risk")}


@rule("LFK805", severity="error", scope="unit", clause="12",
      title_zh="接受记录无效", title_en="an acceptance that names nothing or an unknown thing")
def acceptance_invalid(ctx: UnitContext) -> Iterator[Report]:
    """An acceptance that names no deviation, finding or risk, an unknown code, item, post or approval. / 接受记录无效。

    Each entry of `accepted.yaml` accepts a monitor deviation (`code: MON…`, optionally `case`,
    `authority`, `step` — a step of that power's flow —, `post`), a lint finding (`code: LFK…`, optionally `item`, `file`) or a risk
    (`risk`: a 高 risk accepted without its minimum measures), with a `reason`, the `approval` (an id of
    unit.yaml's `approvals`: the leadership's collective decision) and an expiry `until` (not before `since`).
    每条接受记录须写明所接受的偏离、检查问题或风险，并写明理由、审定记录（unit.yaml 的 approvals）和有效期。

    Failing:
    ```yaml
    accepted:
      - {id: A-1, code: MON999, reason: 岗位空缺, approval: AP-404, until: 2026-12-31}
    ```
    Passing:
    ```yaml
    accepted:
      - {id: A-1, code: MON201, post: P-deputy-law, reason: 法制审核员岗位空缺期间由分管副局长代行,
         approval: AP-2026-03, until: 2026-12-31}
    ```
    """
    ud = ctx.unit
    posts = ud.posts
    approvals = ud.raw_ids.get("approvals", set())
    powers = {a.model.id for a in ud.authorities}
    risks = {r.model.id for r in ud.risks}
    items = powers | risks | {m.model.id for m in ud.measures} | set(ud.flow_files) | set(ud.benchmark_files)
    lint_codes = set(REGISTRY.codes())
    seen: set[str] = set()
    for a in ud.accepted:
        m = a.model
        kind = m.kind()
        if m.id in seen:
            yield Report(a.file, a.path + ("id",), T(f"接受编号 `{m.id}` 重复", f"the acceptance id `{m.id}` is repeated"))
        seen.add(m.id)
        code = (m.code or "").upper()
        if kind == "none":
            yield Report(a.file, a.path, T("接受记录未写明所接受的偏离（code: MON…）、检查问题（code: LFK…）或风险（risk）",
                                           "the acceptance names no deviation (code: MON…), finding (code: LFK…) or risk (risk)"),
                         T("请写 code 或 risk", "add code or risk"))
        elif kind == "deviation" and (code not in CODES or CODES[code][1] is None):
            yield Report(a.file, a.path + ("code",), T(f"`{m.code}` 不是产生黄牌/红牌的 MON 代码",
                                                      f"`{m.code}` is not a MON code that raises a warning"),
                         T("见 docs/monitor.md 的代码表", "see the codes in docs/monitor.md"))
        elif kind in ("finding", "risk") and code and code not in lint_codes:
            yield Report(a.file, a.path + ("code",), T(f"`{m.code}` 不是 lfk 的规则代码", f"`{m.code}` is not an lfk rule code"),
                         T("见 lfk rules", "see lfk rules"))
        if m.approval not in approvals:
            yield Report(a.file, a.path + ("approval",), T(f"审定编号 `{m.approval}` 不在 unit.yaml 的 approvals 中",
                                                          f"the approval `{m.approval}` is not in unit.yaml's approvals"),
                         T("接受须经领导班子集体审定：请在 unit.yaml 的 approvals 中登记", "record the approval in unit.yaml"))
        if m.risk and m.risk not in risks:
            yield Report(a.file, a.path + ("risk",), T(f"风险 `{m.risk}` 不存在", f"there is no risk `{m.risk}`"))
        if m.item and m.item not in items:
            yield Report(a.file, a.path + ("item",), T(f"对象 `{m.item}` 不是本单位的职权、流程、风险或措施",
                                                      f"`{m.item}` is no power, flow, risk or measure of the unit"))
        if m.authority and m.authority not in powers:
            yield Report(a.file, a.path + ("authority",), T(f"职权 `{m.authority}` 不存在", f"there is no power `{m.authority}`"))
        if m.step and m.authority in powers:
            auth = ctx.authorities_by_id[m.authority].model
            flow, _std = ctx.flow_of(auth)
            if flow is not None and m.step not in {st.id for st in flow.model.steps}:
                yield Report(a.file, a.path + ("step",), T(f"职权 {m.authority} 的流程中没有环节 `{m.step}`",
                                                          f"the flow of {m.authority} has no step `{m.step}`"))
        if m.post and m.post not in posts:
            yield Report(a.file, a.path + ("post",), T(f"岗位 `{m.post}` 不在 unit.yaml 的 posts 中",
                                                      f"the post `{m.post}` is not in unit.yaml's posts"))
        if m.since and m.since > m.until:
            yield Report(a.file, a.path + ("until",), T(f"有效期至 {m.until} 早于起始日期 {m.since}",
                                                       f"until {m.until} is before since {m.since}"))


@rule("LFK806", severity="warning", scope="unit", clause="12",
      title_zh="接受已到期", title_en="an acceptance has expired")
def acceptance_expired(ctx: UnitContext) -> Iterator[Report]:
    """An acceptance whose `until` is past: what it accepted warns again. / 接受已过有效期，相关偏离或问题重新预警。

    An acceptance is not forever: once `until` has passed, the deviation or finding it covered is
    reported again; the leadership reviews it and renews it (a new approval and `until`) or removes it.
    接受到期后相关预警和检查问题恢复报告；请重新审定（更新 approval 和 until）或删除该记录。

    Failing:
    ```yaml
    accepted:
      - {id: A-1, code: LFK405, item: R-001, reason: 领导岗位调整中, approval: AP-2026-03, until: 2026-06-30}
    ```
    Passing:
    ```yaml
    accepted:
      - {id: A-1, code: LFK405, item: R-001, reason: 领导岗位调整中, approval: AP-2026-03, until: 2027-06-30}
    ```
    """
    for a in ctx.unit.accepted:
        m = a.model
        if m.until < ctx.as_of:
            zh, en = _WHAT.get(m.kind(), ("事项", "item"))
            yield Report(a.file, a.path + ("until",),
                         T(f"接受 {m.id}（{zh} {m.code or m.risk}）已于 {m.until.isoformat()} 到期，重新报告",
                           f"the acceptance {m.id} ({en} {m.code or m.risk}) expired on {m.until.isoformat()}: reported again"),
                         T("请重新集体审定并更新 approval、until，或删除该记录", "renew it (approval, until) or remove it"))


@rule("LFK807", severity="info", scope="unit", clause="12",
      title_zh="接受即将到期", title_en="an acceptance expires soon")
def acceptance_expiring(ctx: UnitContext) -> Iterator[Report]:
    """An acceptance that expires within `lint.accept_warn_days` (default 30) days. / 接受即将到期。

    A reminder to put the acceptance on the leadership's agenda before it lapses (`lfk due` lists it too).
    接受在 lint.accept_warn_days（默认 30 天）内到期的，提醒及时重新审定。

    Failing:
    ```yaml
    # lfk lint --as-of 2026-12-01
    accepted:
      - {id: A-1, code: MON201, reason: 岗位空缺, approval: AP-2026-03, until: 2026-12-15}
    ```
    Passing:
    ```yaml
    accepted:
      - {id: A-1, code: MON201, reason: 岗位空缺, approval: AP-2026-03, until: 2027-03-31}
    ```
    """
    soon = ctx.as_of + dt.timedelta(days=ctx.config.lint.accept_warn_days)
    for a in ctx.unit.accepted:
        m = a.model
        if ctx.as_of <= m.until <= soon:
            left = (m.until - ctx.as_of).days
            yield Report(a.file, a.path + ("until",),
                         T(f"接受 {m.id} 将于 {m.until.isoformat()} 到期（{left} 天后）",
                           f"the acceptance {m.id} expires on {m.until.isoformat()} (in {left} days)"),
                         T("请及时重新审定或删除", "put it on the leadership's agenda"))
