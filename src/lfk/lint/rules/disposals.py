"""LFK8xx — 预警处置 (clause 12): the records of ``dispositions.yaml`` and, with event logs, the warnings they answer."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

from lfk.core.i18n import T
from lfk.lint.context import RegisterContext, UnitContext
from lfk.lint.registry import Report, rule
from lfk.monitor import run_monitor
from lfk.monitor.codes import CODES
from lfk.monitor.dispositions import CLOSED_RESULTS, matches, weaker


@rule("LFK801", severity="error", scope="unit", clause="12",
      title_zh="处置记录指向不明", title_en="a disposal record that names no warning")
def record_names_nothing(ctx: UnitContext) -> Iterator[Report]:
    """A disposal record without a warning id or case, with an unknown MON code, or an unknown post. / 处置记录未写明预警。

    Each record in `dispositions.yaml` names the warning it answers: `warning` (the id `lfk monitor`
    prints) or `case` (and optionally `code`, a MON code that raises a warning); `by`/`to` are posts.
    每条处置记录须写明所处置的预警（预警编号，或案件编号及预警代码），处置岗位须为本单位岗位。

    Failing:
    ```yaml
    dispositions:
      - {code: MON999, disposal: 风险提示, date: 2026-11-02}
    ```
    Passing:
    ```yaml
    dispositions:
      - {case: C-0007, code: MON301, disposal: 责令纠错, date: 2026-11-02, by: P-director}
    ```
    """
    posts = ctx.unit.posts
    for d in ctx.unit.dispositions:
        m = d.model
        if not m.warning and not m.case:
            yield Report(d.file, d.path, T("处置记录未写明预警编号（warning）或案件编号（case）",
                                           "the record names neither a warning id (warning) nor a case (case)"),
                         T("请写 warning: W-…（lfk monitor 输出）或 case: 案件编号", "add warning: W-... or case: ..."))
        if m.code is not None and (m.code not in CODES or CODES[m.code][1] is None):
            yield Report(d.file, d.path + ("code",), T(f"预警代码 `{m.code}` 不是产生黄牌/红牌的 MON 代码",
                                                      f"`{m.code}` is not a MON code that raises a warning"),
                         T("见 lfk monitor 的代码表（docs/monitor.md）", "see the codes in docs/monitor.md"))
        for key in ("by", "to"):
            post = getattr(m, key)
            if post and post not in posts:
                yield Report(d.file, d.path + (key,), T(f"岗位 `{post}` 不在 unit.yaml 的 posts 中",
                                                       f"the post `{post}` is not in unit.yaml's posts"),
                             T("请写本单位岗位编号", "use a post id of the unit"))


@rule("LFK802", severity="warning", scope="unit", clause="12",
      title_zh="处置弱于政策要求", title_en="a disposal weaker than the policy asks")
def weaker_disposal(ctx: UnitContext) -> Iterator[Report]:
    """A record whose disposal is weaker than `monitor.disposal` asks for its code's warning. / 处置方式弱于规定。

    With `code` given, the warning (黄牌/红牌) of that MON code is known, and `monitor.disposal` in
    lfk.yaml names the disposal it calls for (default 黄牌 → 风险提示, 红牌 → 责令纠错); the order is
    风险提示/提醒谈话 < 批评教育/责令纠错 < 责令检查 < 诫勉谈话, other words must match exactly.
    处置方式不得弱于 lfk.yaml 中 monitor.disposal 对该预警的规定。

    Failing:
    ```yaml
    dispositions:
      - {case: C-0007, code: MON301, disposal: 风险提示, date: 2026-11-02}
    ```
    Passing:
    ```yaml
    dispositions:
      - {case: C-0007, code: MON301, disposal: 责令纠错, date: 2026-11-02}
    ```
    """
    policy = ctx.config.monitor.disposal
    for d in ctx.unit.dispositions:
        m = d.model
        level = CODES[m.code][1] if m.code in CODES else None
        asked = policy.get(level) if level else None
        if asked and weaker(m.disposal, asked):
            yield Report(d.file, d.path + ("disposal",), T(f"{m.code} 为{level}，政策要求「{asked}」，记录为「{m.disposal}」",
                                                          f"{m.code} is a {level}: the policy asks for {asked}, "
                                                          f"the record says {m.disposal}"),
                         T(f"请按 monitor.disposal 处置（{asked}）或说明理由", f"dispose as the policy says ({asked})"))


@rule("LFK803", severity="error", scope="unit", clause="12",
      title_zh="整改逾期无结果", title_en="a 整改 deadline passed without a result")
def rectification_overdue(ctx: UnitContext) -> Iterator[Report]:
    """A record whose 整改 `deadline` has passed (at `--as-of`) without a closing `result`. / 整改期限已过仍无结果。

    A record with a `deadline` needs a `result` by then: 整改完成 or 说明理由 (逾期 says it is late,
    which is reported too).
    整改期限届满应填写整改结果（整改完成 / 说明理由）；填“逾期”的同样报告。

    Failing:
    ```yaml
    dispositions:
      - {case: C-0007, disposal: 责令纠错, date: 2026-10-02, deadline: 2026-10-31}
    ```
    Passing:
    ```yaml
    dispositions:
      - {case: C-0007, disposal: 责令纠错, date: 2026-10-02, deadline: 2026-10-31, result: 整改完成}
    ```
    """
    for d in ctx.unit.dispositions:
        m = d.model
        if m.deadline and m.deadline < ctx.as_of and m.result not in CLOSED_RESULTS:
            yield Report(d.file, d.path + ("deadline",),
                         T(f"整改期限 {m.deadline.isoformat()} 已过，未见整改结果（{m.result or '空'}）",
                           f"the 整改 deadline {m.deadline.isoformat()} has passed without a result ({m.result or 'none'})"),
                         T("请填写 result: 整改完成 / 说明理由（lfk dispose）", "set result: 整改完成 or 说明理由"))


@rule("LFK804", severity="error", scope="register", clause="12",
      title_zh="预警逾期未处置", title_en="a warning not disposed of by its deadline")
def warning_undisposed(ctx: RegisterContext) -> Iterator[Report]:
    """With `lfk lint --events LOG`: a 红牌/黄牌 with no disposal record past `monitor.dispose_within_days`. / 预警逾期未处置。

    `lfk monitor` gives each warned case a warning id and a deadline (the warning's day plus
    `monitor.dispose_within_days`, default 黄牌 10, 红牌 5 days); a warning with no record in the unit's
    `dispositions.yaml` after it is reported at the event row, as error for 红牌 and as warning for 黄牌
    is still an error here: clause 12 asks for 早纠正. Without `--events` the rule does nothing.
    早发现、早提醒、早纠正：预警超过处置期限仍无处置记录的，报告。

    Failing:
    ```yaml
    # events.csv has a 红牌 on case C-0007 of 2026-11-02; dispositions.yaml has no record of it
    ```
    Passing:
    ```yaml
    dispositions:
      - {case: C-0007, disposal: 责令纠错, date: 2026-11-04, by: P-director}
    ```
    """
    if not ctx.events:
        return
    res = _monitor(ctx)
    for c in res.cases:
        if c.get("state") == "逾期未处置":
            yield Report(None, (), T(f"{c['warning']} {c['warning_id']}（{c['unit']} 案件 {c['case_id']}，"
                                     f"{'、'.join(c.get('codes', []))}）处置期限 {c['dispose_by']} 已过，无处置记录",
                                     f"{c['warning']} {c['warning_id']} ({c['unit']} case {c['case_id']}, "
                                     f"{', '.join(c.get('codes', []))}) had to be disposed of by {c['dispose_by']}: no record"),
                         T(f"请处置并登记：lfk dispose {c['warning_id']} --disposal {c.get('disposal') or '…'}",
                           f"dispose of it and record it: lfk dispose {c['warning_id']} --disposal ..."),
                         rel=_shown(ctx, c["path"]), line=c["line"], column=1, extra={k: c[k] for k in ("warning_id", "case_id", "unit")})


@rule("LFK808", severity="warning", scope="register", clause="12",
      title_zh="处置记录在事件日志中找不到对应预警", title_en="a disposal record whose warning is not in the event logs")
def record_without_warning(ctx: RegisterContext) -> Iterator[Report]:
    """With `lfk lint --events LOG`: a record whose warning id, case (or case and code) matches no warning of the logs. / 处置记录无对应预警。

    A disposal answers a warning `lfk monitor` raised: with the event logs given, each record of a unit's
    `dispositions.yaml` should match one of the unit's warned cases (by `warning` id, or by `case` and,
    when given, `code`). A record of an unknown case, a case without a warning, or a code the case did not
    raise is reported (pass the logs of every period the records cover). Without `--events` the rule does nothing.
    给出事件日志时，处置记录应能对应到日志中的预警（预警编号，或案件编号及预警代码）。

    Failing:
    ```yaml
    # events.csv: case C-0007 has a 红牌 MON101 only
    dispositions:
      - {case: C-0007, code: MON301, disposal: 责令纠错, date: 2026-11-04}
    ```
    Passing:
    ```yaml
    dispositions:
      - {case: C-0007, code: MON101, disposal: 责令纠错, date: 2026-11-04}
    ```
    """
    if not ctx.events:
        return
    by_unit: dict[str, list[dict[str, Any]]] = {}
    for c in _monitor(ctx).cases:
        by_unit.setdefault(c["unit"], []).append(c)
    reg = ctx.register
    for uid in reg.unit_ids:
        if uid not in reg.unit_dirs:
            continue
        for d in reg.unit(uid, kinds=frozenset({"dispositions"})).dispositions:
            m = d.model
            if not (m.warning or m.case) or any(matches(m, c) for c in by_unit.get(uid, [])):
                continue
            what = m.warning or (f"{m.case} {m.code}" if m.code else m.case)
            yield Report(d.file, d.path, T(f"处置记录所指预警 {what} 不在所给事件日志的 {uid} 预警中",
                                           f"the record's warning {what} is not among the warnings of {uid} in the event logs"),
                         T("请核对预警编号 / 案件编号及预警代码（lfk monitor 输出），或一并给出该时期的事件日志",
                           "check the warning id, case and code (as lfk monitor prints them), or pass that period's logs"))


def _monitor(ctx: RegisterContext) -> Any:
    """The monitor's result on the lint's event logs, run once per lint (no explanations: not needed here)."""
    res = ctx.cache.get("monitor")
    if res is None:
        res = ctx.cache["monitor"] = run_monitor(ctx.register, ctx.events, ctx.as_of, explain=False)
    return res


def _shown(ctx: RegisterContext, path: str) -> str:
    """An event log's path as a finding shows it: relative to the register's root when inside it."""
    p = Path(path).resolve()
    try:
        return p.relative_to(ctx.register.root.resolve()).as_posix()
    except ValueError:
        return path
