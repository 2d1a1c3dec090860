"""LFK6xx — 行政裁量权基准 (clause 9): tiers, their order, ranges and the power they belong to.

A fine is an amount range `{min, max, unit}` or a range of multiples `{min_times, max_times, of}`.
Two fines are compared only when they are of the same form (same `unit`, or same base `of`).
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from typing import Any

from lfk.core.i18n import T
from lfk.lint.context import UnitContext
from lfk.lint.registry import Report, rule
from lfk.model.items import Benchmark, BenchmarkItem, Fine, Tier
from lfk.model.vocab import DEFAULT_BENCHMARK_LEVELS
from lfk.register import Item

# levels that by law go below the statutory minimum (减轻处罚) or impose nothing (不予处罚)
_BELOW_MIN_LEVELS = ("减轻处罚", "不予处罚")


def _num(x: float | None) -> str:
    if x is None:
        return "?"
    return str(int(x)) if float(x).is_integer() else f"{x:g}"


def _comparable(a: Fine, b: Fine) -> bool:
    fa, fb = a.form(), b.form()
    return fa[0] == fb[0] and (fa[1] is None or fb[1] is None or fa[1] == fb[1])


def _show(f: Fine) -> str:
    lo, hi = f.bounds()
    if f.is_times():
        return f"{_num(lo)}–{_num(hi)} 倍{('（' + f.of + '）') if f.of else ''}"
    return f"{_num(lo)}–{_num(hi)}{f.unit or ''}"


def _show_en(f: Fine) -> str:
    lo, hi = f.bounds()
    if f.is_times():
        return f"{_num(lo)}–{_num(hi)} times{(' ' + f.of) if f.of else ''}"
    return f"{_num(lo)}–{_num(hi)} {f.unit or ''}".rstrip()


def _valid(f: Fine) -> bool:
    lo, hi = f.comparable_bounds()
    return lo is not None and hi is not None and math.isfinite(lo) and math.isfinite(hi) and 0 <= lo <= hi


def _tiers_within_reach(item: BenchmarkItem, st: Fine) -> Iterator[tuple[int, Tier, Fine, float, float]]:
    """(index, tier, fine, low, high) of each tier whose fine is valid and comparable with ``st``."""
    for j, tier in enumerate(item.tiers):
        f = tier.fine
        if f is None or not _valid(f) or not _comparable(st, f):
            continue
        lo, hi = f.comparable_bounds()
        assert lo is not None and hi is not None
        yield j, tier, f, lo, hi


def _items(ctx: UnitContext) -> Iterator[tuple[Item[Benchmark], int, BenchmarkItem]]:
    for b in ctx.unit.benchmarks:
        for i, item in enumerate(b.model.items):
            yield b, i, item


def _levels(ctx: UnitContext) -> list[str]:
    return list(ctx.config.benchmark_levels or DEFAULT_BENCHMARK_LEVELS)


@rule("LFK601", severity="error", scope="unit", clause="9",
      title_zh="裁量幅度下限高于上限或为负数", title_en="a range whose min is above its max, or a negative amount")
def bad_range(ctx: UnitContext) -> Iterator[Report]:
    """A tier (or statutory) range whose `min` is above its `max`, a negative amount or multiple, or one that is not a number (`.nan`, `.inf`). / 幅度下限高于上限或为负数。

    Clause 9 asks discretion to be quantified; a range that is upside down or negative quantifies
    nothing.
    指导意见第9条要求细化量化裁量幅度；下限高于上限或出现负数的幅度无法执行。

    Failing:
    ```yaml
    fine: {min: 110000, max: 70000, unit: 元}
    ```
    Passing:
    ```yaml
    fine: {min: 70000, max: 110000, unit: 元}
    ```
    """
    for b, i, item in _items(ctx):
        fines: list[tuple[tuple[Any, ...], Fine]] = []
        if item.statutory is not None:
            fines.append((("items", i, "statutory"), item.statutory))
        for j, tier in enumerate(item.tiers):
            if tier.fine is not None:
                fines.append((("items", i, "tiers", j, "fine"), tier.fine))
        for path, f in fines:
            lo, hi = f.comparable_bounds()
            vals = [v for v in (f.min, f.max, f.min_times, f.max_times) if v is not None]
            if not all(math.isfinite(v) for v in vals):
                yield Report(b.file, path, T(f"幅度 {_show(f)} 含无效数字（第9条）", f"the range {_show_en(f)} is not a number (clause 9)"),
                             T("请写具体的金额或倍数", "write a finite amount or multiple"))
            elif any(v < 0 for v in vals):
                yield Report(b.file, path, T(f"幅度 {_show(f)} 含负数（第9条）", f"the range {_show_en(f)} is negative (clause 9)"),
                             T("金额和倍数都不能为负数", "amounts and multiples are never negative"))
            elif lo is not None and hi is not None and lo > hi:
                yield Report(b.file, path, T(f"幅度 {_show(f)} 的下限高于上限（第9条）",
                                             f"the range {_show_en(f)} has its min above its max (clause 9)"),
                             T("请交换 min 和 max，或改正数值", "swap min and max, or fix the numbers"))


@rule("LFK602", severity="error", scope="unit", clause="9",
      title_zh="裁量阶次顺序错乱或幅度重叠", title_en="tiers out of order or overlapping")
def tier_order(ctx: UnitContext) -> Iterator[Report]:
    """Tiers out of order: a heavier tier listed before a lighter one, a heavier tier starting below a lighter one's start, or ranges overlapping by more than a shared endpoint. / 裁量阶次顺序错乱或幅度重叠。

    Tiers are listed lightest first, in the order of `benchmark_levels` (default 不予处罚 减轻处罚
    从轻处罚 一般 从重处罚). Overlapping ranges let like cases get unlike penalties (clause 9).
    Reported at the later tier's `fine` (or its `level`). Consecutive tiers of one level are parallel
    circumstances (盗伐2立方米以下 / 滥伐10立方米以下, both 一般): they are not ordered against each other, and
    each is compared with every tier of the lighter level before them.
    裁量阶次按从轻到重排列；相邻阶次的幅度只能首尾相接，不能交叉重叠，否则同案不同罚。同一阶次下并列的情形之间不比较先后。

    Failing:
    ```yaml
    - {level: 从轻处罚, fine: {min: 50000, max: 70000, unit: 元}}
    - {level: 一般, fine: {min: 60000, max: 110000, unit: 元}}
    ```
    Passing:
    ```yaml
    - {level: 从轻处罚, fine: {min: 50000, max: 70000, unit: 元}}
    - {level: 一般, fine: {min: 70000, max: 110000, unit: 元}}
    ```
    """
    levels = _levels(ctx)
    for b, i, item in _items(ctx):
        prev_level: tuple[int, str] | None = None
        group: tuple[str, list[Fine]] = ("", [])  # the tiers of the level being read (parallel circumstances)
        lighter: tuple[str, list[Fine]] = ("", [])  # the tiers of the level before it
        for j, tier in enumerate(item.tiers):
            base = ("items", i, "tiers", j)
            if tier.level in levels:
                k = levels.index(tier.level)
                if prev_level is not None and k < prev_level[0]:
                    yield Report(b.file, base + ("level",),
                                 T(f"裁量阶次“{tier.level}”排在更重的“{prev_level[1]}”之后（第9条）",
                                   f"the tier {tier.level} comes after the heavier {prev_level[1]} (clause 9)"),
                                 T("请按从轻到重排列：" + "、".join(levels), "list tiers lightest first: " + ", ".join(levels)))
                prev_level = (k, tier.level)
            if j == 0 or tier.level != group[0]:
                lighter, group = (group if group[1] else lighter), (tier.level, [])
            f = tier.fine
            if f is None or not _valid(f):
                continue
            group[1].append(f)
            found = next((r for pf in lighter[1] if _comparable(pf, f)
                          for r in _order_report(b.file, base, tier.level, f, lighter[0], pf)), None)
            if found is not None:
                yield found


def _order_report(file: Any, base: tuple[Any, ...], level: str, f: Fine, plevel: str, pf: Fine) -> Iterator[Report]:
    """The LFK602 report when the tier ``f`` of ``level`` starts below or overlaps ``pf`` of the lighter ``plevel``."""
    lo, hi = f.comparable_bounds()
    plo, phi = pf.comparable_bounds()
    assert lo is not None and plo is not None and phi is not None
    if lo < plo:
        yield Report(file, base + ("fine",),
                     T(f"“{level}”的幅度 {_show(f)} 起点低于较轻的“{plevel}”{_show(pf)} 的起点（第9条）",
                       f"the tier {level} ({_show_en(f)}) starts below the lighter {plevel} ({_show_en(pf)}) (clause 9)"),
                     T("较重阶次的起点应不低于较轻阶次的上限", "a heavier tier starts where the lighter one ends"))
    elif lo < phi:
        yield Report(file, base + ("fine",),
                     T(f"“{level}”的幅度 {_show(f)} 与“{plevel}”{_show(pf)} 重叠（第9条）",
                       f"the tier {level} ({_show_en(f)}) overlaps {plevel} ({_show_en(pf)}) (clause 9)"),
                     T(f"相邻阶次只能首尾相接：请把下限改为 {_num(phi)} 或以上",
                       f"adjacent tiers may share an endpoint only: start it at {_num(phi)} or above"))


def _below_ok(level: str) -> bool:
    return level in _BELOW_MIN_LEVELS


@rule("LFK603", severity="error", scope="unit", clause="9",
      title_zh="裁量幅度超出法定幅度", title_en="a tier outside the statutory range")
def outside_statutory(ctx: UnitContext) -> Iterator[Report]:
    """A tier's fine outside the item's `statutory` range. / 裁量阶次的幅度超出法定幅度。

    A benchmark refines the law, it never goes beyond it (clause 9). A 减轻处罚 (or 不予处罚) tier
    may by law go below the statutory minimum, never above its maximum.
    裁量基准只能在法定幅度内细化；减轻处罚可低于法定最低限，但任何阶次都不能超过法定最高限。

    Failing:
    ```yaml
    statutory: {min: 50000, max: 150000, unit: 元}
    tiers:
      - {level: 从重处罚, fine: {min: 110000, max: 200000, unit: 元}}
    ```
    Passing:
    ```yaml
    statutory: {min: 50000, max: 150000, unit: 元}
    tiers:
      - {level: 从重处罚, fine: {min: 110000, max: 150000, unit: 元}}
    ```
    """
    for b, i, item in _items(ctx):
        st = item.statutory
        if st is None:
            continue
        slo, shi = st.comparable_bounds()
        if (slo is not None and slo < 0) or (slo is not None and shi is not None and slo > shi):
            continue
        for j, tier, f, lo, hi in _tiers_within_reach(item, st):
            above = shi is not None and hi > shi
            below = slo is not None and lo < slo and not _below_ok(tier.level)
            if above or below:
                yield Report(b.file, ("items", i, "tiers", j, "fine"),
                             T(f"“{tier.level}”的幅度 {_show(f)} 超出法定幅度 {_show(st)}（第9条）",
                               f"the tier {tier.level} ({_show_en(f)}) goes outside the statutory range {_show_en(st)} (clause 9)"),
                             T("请把幅度限定在法定幅度之内", "keep the tier within the statutory range"))


@rule("LFK604", severity="warning", scope="unit", clause="9",
      title_zh="裁量阶次在法定幅度内留有空档", title_en="the tiers leave a gap inside the statutory range")
def tier_gap(ctx: UnitContext) -> Iterator[Report]:
    """The tiers leave a gap inside the statutory range: some amounts the law allows fall in no tier. / 裁量阶次之间留有空档。

    Clause 9: every penalty the law allows should fall into a tier, so the benchmark guides every
    case. Reported at the tier after the gap (or at `statutory` for a gap at the top).
    指导意见第9条：法定幅度内的每个处罚数额都应落在某一阶次中，否则部分案件无基准可依。

    Failing:
    ```yaml
    statutory: {min: 50000, max: 150000, unit: 元}
    tiers:
      - {level: 从轻处罚, fine: {min: 50000, max: 70000, unit: 元}}
      - {level: 一般, fine: {min: 80000, max: 110000, unit: 元}}
      - {level: 从重处罚, fine: {min: 110000, max: 150000, unit: 元}}
    ```
    Passing:
    ```yaml
      - {level: 一般, fine: {min: 70000, max: 110000, unit: 元}}
    ```

    A benchmark that sets fixed amounts (a tier whose fine is one amount: 处300元罚款, 处500元罚款 within
    20–1000元) leaves the amounts between them out by design, so it has no gap to report.
    设定固定罚款数额的基准（某一阶次的罚款为单一数额）不要求各阶次首尾相接。
    """
    for b, i, item in _items(ctx):
        st = item.statutory
        if st is None or not _valid(st):
            continue
        slo, shi = st.comparable_bounds()
        assert slo is not None and shi is not None
        reach = [(j, lo, hi) for j, _tier, _f, lo, hi in _tiers_within_reach(item, st)]
        spans = [(max(lo, slo), min(hi, shi), j) for j, lo, hi in reach if hi >= slo and lo <= shi]
        if not spans or any(lo == hi for _, lo, hi in reach):
            continue  # nothing to check, or fixed amounts
        spans.sort()
        cur = slo
        for lo, hi, j in spans:
            if lo > cur:
                yield Report(b.file, ("items", i, "tiers", j, "fine"),
                             T(f"法定幅度 {_show(st)} 中 {_num(cur)}–{_num(lo)} 不属于任何裁量阶次（第9条）",
                               f"{_num(cur)}–{_num(lo)} of the statutory range {_show_en(st)} falls in no tier (clause 9)"),
                             T("请调整相邻阶次的幅度，使其首尾相接", "make adjacent tiers meet"))
            cur = max(cur, hi)
        if cur < shi:
            yield Report(b.file, ("items", i, "statutory"),
                         T(f"法定幅度 {_show(st)} 中 {_num(cur)}–{_num(shi)} 不属于任何裁量阶次（第9条）",
                           f"{_num(cur)}–{_num(shi)} of the statutory range {_show_en(st)} falls in no tier (clause 9)"),
                         T("请让最重的阶次延伸到法定最高限", "extend the heaviest tier to the statutory maximum"))


@rule("LFK605", severity="error", scope="unit", clause="9",
      title_zh="裁量基准对应的职权不存在或文件名不符", title_en="a benchmark for no power, or named differently")
def benchmark_authority(ctx: UnitContext) -> Iterator[Report]:
    """A benchmark for a power that does not exist, or whose file name differs from its `authority`. / 裁量基准对应的职权不存在，或文件名与 authority 不一致。

    A benchmark belongs to one power of the unit's 职权目录 and lives in
    `benchmarks/<authority-id>.yaml` (clause 9); otherwise it guides nothing and lint cannot find it.
    裁量基准必须对应本单位职权目录中的一项职权，文件名为 benchmarks/<职权编号>.yaml。

    Failing:
    ```yaml
    # benchmarks/CF-001.yaml
    authority: CF-002       # no such power, or not this file's name
    ```
    Passing:
    ```yaml
    # benchmarks/CF-001.yaml
    authority: CF-001
    ```
    """
    for b in ctx.unit.benchmarks:
        aid = b.model.authority
        stem = b.file.rel.rsplit("/", 1)[-1][: -len(".yaml")]
        if not ctx.unit.has_id("authorities", aid):
            yield Report(b.file, ("authority",),
                         T(f"裁量基准对应的职权 `{aid}` 不在本单位职权目录中（第9条）",
                           f"the benchmark's power `{aid}` is not in the unit's 职权目录 (clause 9)"),
                         T("请改正 authority，或先在 authorities.yaml 中登记该职权",
                           "fix `authority`, or add the power to authorities.yaml"))
        elif stem != aid:
            yield Report(b.file, ("authority",),
                         T(f"文件名 `{stem}.yaml` 与裁量基准的职权 `{aid}` 不一致",
                           f"the file name `{stem}.yaml` differs from the benchmark's power `{aid}`"),
                         T(f"请把文件改名为 benchmarks/{aid}.yaml", f"rename the file to benchmarks/{aid}.yaml"))


@rule("LFK606", severity="warning", scope="unit", clause="9",
      title_zh="罚款幅度的裁量阶次少于三档", title_en="a range or multiple fine with fewer than three tiers")
def few_tiers(ctx: UnitContext) -> Iterator[Report]:
    """A range or multiple fine with fewer than three tiers. / 罚款幅度或倍数只分了不到三个阶次。

    Clause 9 asks discretion to be refined: a range is split into at least three tiers (e.g. 从轻, 一般,
    从重). An item is a range when its `statutory` fine has min below max (or, without `statutory`,
    when a tier sets a fine).
    指导意见第9条要求细化裁量幅度；有幅度或倍数的罚款至少划分三个阶次（如从轻、一般、从重）。

    Failing:
    ```yaml
    statutory: {min: 50000, max: 150000, unit: 元}
    tiers:
      - {level: 一般, fine: {min: 50000, max: 100000, unit: 元}}
      - {level: 从重处罚, fine: {min: 100000, max: 150000, unit: 元}}
    ```
    Passing:
    ```yaml
    tiers:   # 从轻处罚, 一般, 从重处罚
    ```
    """
    for b, i, item in _items(ctx):
        st = item.statutory
        if st is not None:
            lo, hi = st.comparable_bounds()
            ranged = lo is not None and hi is not None and lo < hi
        else:
            ranged = any(t.fine is not None for t in item.tiers)
        if ranged and len(item.tiers) < 3:
            yield Report(b.file, ("items", i, "tiers"),
                         T(f"“{item.violation}”的罚款有幅度，但只分了 {len(item.tiers)} 个裁量阶次（第9条）",
                           f"the fine for “{item.violation}” is a range but has only {len(item.tiers)} tier(s) (clause 9)"),
                         T("请至少划分从轻、一般、从重三个阶次", "split it into at least three tiers (从轻, 一般, 从重)"))
