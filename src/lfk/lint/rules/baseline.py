"""LFK111–LFK115 — adopting a baseline and tailoring it (unit.yaml ``adopts:`` and ``tailor:``)."""

from __future__ import annotations

from collections.abc import Iterator

from lfk.core.i18n import T
from lfk.lint.context import UnitContext
from lfk.lint.registry import Report, rule

_KIND_ZH = {"authority": "职权", "risk": "风险点", "measure": "防控措施", "flow": "流程图", "benchmark": "裁量基准"}


@rule("LFK111", severity="error", scope="unit", clause="4",
      title_zh="采用的基准单位不存在", title_en="an adopted baseline unit does not exist")
def unknown_adopt(ctx: UnitContext) -> Iterator[Report]:
    """`adopts:` names a unit the baseline register does not have, or lfk.yaml has no `baseline:`. / 采用的基准单位不存在。

    A unit adopts the powers, flows, risks, measures and benchmarks of units of the baseline register
    named by `baseline:` in lfk.yaml (the register issued by the department above). An id that is not a
    unit of that register adopts nothing, so the unit would silently miss its whole standard catalogue.
    单位通过 unit.yaml 的 `adopts:` 采用基准登记册（lfk.yaml 的 `baseline:`）中的单位；编号不存在时什么也不会采用。

    Failing:
    ```yaml
    # lfk.yaml has baseline: {path: ../registers-baseline}; it has no unit amr-standard
    adopts: [amr-standard]
    ```
    Passing:
    ```yaml
    adopts: [amr-std]
    ```
    """
    ud = ctx.unit
    if ud.unit is None or ud.unit_file is None:
        return
    configured = ctx.config.baseline is not None
    for i, bid in enumerate(ud.unit.adopts):
        if bid not in ud.unknown_adopts:
            continue
        if configured:
            msg = T(f"基准登记册中没有单位 `{bid}`", f"the baseline register has no unit `{bid}`")
            hint = T("请核对基准登记册 units/ 下的单位编号", "check the unit ids under the baseline register's units/")
        else:
            msg = T(f"采用基准单位 `{bid}`，但 lfk.yaml 没有 baseline:", f"adopts `{bid}` but lfk.yaml has no baseline:")
            hint = T("请在 lfk.yaml 写 baseline: {path: 基准登记册路径, rev: 版本}",
                     "add baseline: {path: DIR, rev: TAG} to lfk.yaml")
        yield Report(ud.unit_file, ("adopts", i), msg, hint, key=False)


@rule("LFK112", severity="error", scope="unit", clause="4",
      title_zh="剪裁的对象不存在", title_en="a tailoring names no adopted item")
def unknown_target(ctx: UnitContext) -> Iterator[Report]:
    """A `tailor:` entry drops or changes an id no adopted baseline item has (or is neither/both drop and change). / 剪裁的对象在采用的基准中不存在。

    Each tailoring is a reviewable record of how the unit departs from the baseline. One naming an
    item the adopted units do not have does nothing, which usually means the baseline renamed or
    removed the item (`lfk baseline diff` shows it) or the id is mistyped. An entry must have exactly
    one of `drop` and `change`; `kind:` picks the kind when a power and its benchmark share an id.
    每条剪裁记录本单位与基准的差异；对象不存在时剪裁不起作用，通常是基准改名或删除了该项，或编号写错。

    Failing:
    ```yaml
    adopts: [amr-std]
    tailor:
      - {drop: CF-99, reason: 本所不承担}
    ```
    Passing:
    ```yaml
    tailor:
      - {drop: CF-02, reason: 本所不承担此类案件}
    ```
    """
    ud = ctx.unit
    if ud.unit_file is None:
        return
    for rec in ud.tailorings:
        if rec.status == "malformed":
            yield Report(ud.unit_file, ("tailor", rec.index),
                         T("剪裁须有且只有 drop 或 change 之一", "a tailoring needs exactly one of drop and change"),
                         T("删除写 drop: 编号 和 reason；修改写 change: 编号 和 set: {字段: 新值}",
                           "write drop: ID with reason, or change: ID with set: {field: value}"))
        elif rec.status == "unknown-target":
            kind = f"（{_KIND_ZH[rec.kind]}）" if rec.kind else ""
            yield Report(ud.unit_file, ("tailor", rec.index, rec.action),
                         T(f"剪裁的对象 `{rec.target}`{kind} 不在采用的基准单位中",
                           f"`{rec.target}`{f' ({rec.kind})' if rec.kind else ''} is not an item of the adopted baseline units"),
                         T("请核对编号（lfk baseline diff 列出基准的变化）",
                           "check the id (lfk baseline diff lists what changed upstream)"), key=False)


@rule("LFK113", severity="error", scope="unit", clause="13",
      title_zh="删除基准项未写理由", title_en="a baseline item dropped without a reason")
def drop_without_reason(ctx: UnitContext) -> Iterator[Report]:
    """A `tailor:` entry drops a baseline item without `reason:`. / 删除基准项未写明理由。

    Not taking over a power, risk or measure the department above issued is a decision the unit must
    be able to justify (clause 13: 动态管理; the higher authority reviews it). The reason is the record.
    不采用上级下发的职权、风险点或措施须说明理由，供上级审查。

    Failing:
    ```yaml
    tailor:
      - {drop: CF-02}
    ```
    Passing:
    ```yaml
    tailor:
      - {drop: CF-02, reason: 此类案件由县局执法大队办理}
    ```
    """
    ud = ctx.unit
    if ud.unit_file is None:
        return
    for rec in ud.tailorings:
        if rec.action == "drop" and rec.status != "malformed" and not (rec.reason or "").strip():
            yield Report(ud.unit_file, ("tailor", rec.index, "drop"),
                         T(f"删除基准项 `{rec.target}` 未写理由", f"drops baseline item `{rec.target}` without a reason"),
                         T("请加 reason: 写明不采用的依据", "add reason: why the unit does not take it over"))


@rule("LFK114", severity="error", scope="unit", clause="4",
      title_zh="剪裁修改了不存在的字段或给出无效值", title_en="a tailoring changes an unknown field or sets an invalid value")
def bad_change(ctx: UnitContext) -> Iterator[Report]:
    """A `change:` tailoring sets a field the item does not have (or its id), nothing at all, or a value the item refuses. / 剪裁修改的字段不存在或取值无效。

    `set:` maps fields of the baseline item to their new values; the changed item must still be valid.
    A refused change is not applied at all: the unit keeps the baseline's values.
    `set:` 中的字段须是该项已有字段（编号除外），修改后的内容须仍然有效；否则整条剪裁不生效。

    Failing:
    ```yaml
    tailor:
      - change: JC-01
        set: {deadline: 10}
    ```
    Passing:
    ```yaml
    tailor:
      - change: JC-01
        set: {time_limit: {days: 10, kind: 工作日}}
        reason: 本所承诺时限
    ```
    """
    ud = ctx.unit
    if ud.unit_file is None:
        return
    for rec in ud.tailorings:
        here = ("tailor", rec.index)
        if rec.status == "unknown-field":
            if rec.fields:
                names = ", ".join(rec.fields)
                yield Report(ud.unit_file, (*here, "set", rec.fields[0]),
                             T(f"剪裁 `{rec.target}`：字段 {names} 不存在或不可修改（编号不可改）",
                               f"tailoring `{rec.target}`: {names} is not a field that can be changed (ids cannot)"),
                             T("请用该项已有的字段名（lfk explain 编号 列出字段）",
                               "use a field the item has (lfk explain ID lists them)"))
            else:
                yield Report(ud.unit_file, (*here, "change"),
                             T(f"剪裁 `{rec.target}` 没有 set: 修改内容", f"tailoring `{rec.target}` sets nothing"),
                             T("请写 set: {字段: 新值}", "add set: {field: new value}"))
        elif rec.status == "invalid":
            yield Report(ud.unit_file, (*here, "set"),
                         T(f"剪裁 `{rec.target}` 修改后的内容无效：{rec.problem}",
                           f"tailoring `{rec.target}` makes the item invalid: {rec.problem}"),
                         T("请改正 set: 中的取值；这条剪裁未生效", "fix the values under set:; this tailoring is not applied"))


@rule("LFK115", severity="warning", scope="unit", clause="4",
      title_zh="本单位的项与基准项同编号", title_en="an own item has the id of an adopted baseline item")
def shadows_baseline(ctx: UnitContext) -> Iterator[Report]:
    """The unit's own files define an item with the id of an adopted baseline item, replacing it silently. / 本单位自有项与基准项编号相同，整项替换了基准项。

    The own item wins, but the replacement is not a visible tailoring: a reviewer sees neither what
    changed nor why. Change fields with a `change:` tailoring, or give the own item a new id.
    本单位文件中的同编号项会整项替换基准项，但不留剪裁记录；请改用 `change:` 剪裁，或换一个编号。

    Failing:
    ```yaml
    # units/county-amr-town/authorities.yaml (the baseline unit amr-std also has JC-01)
    authorities:
      - {id: JC-01, name: 食品经营安全监督检查, category: 行政检查}
    ```
    Passing:
    ```yaml
    # unit.yaml
    tailor:
      - {change: JC-01, set: {name: 食品经营安全监督检查}, reason: 本所名称}
    ```
    """
    ud = ctx.unit
    for kind, ident in ud.shadowed:
        items = {"authority": ud.authorities, "risk": ud.risks, "measure": ud.measures}.get(kind)
        if items is None:
            it = ud.flows.get(ident) if kind == "flow" else next(
                (b for b in ud.benchmarks if b.model.authority == ident and b.origin is None), None)
            path: tuple[object, ...] = ("id",) if kind == "flow" else ("authority",)
        else:
            it = next((x for x in items if x.model.id == ident and x.origin is None), None)
            path = ("id",)
        if it is None:
            continue
        yield Report(it.file, it.path + path,
                     T(f"本单位的{_KIND_ZH[kind]} `{ident}` 与采用的基准项同编号，整项替换了基准项",
                       f"own {kind} `{ident}` has the id of an adopted baseline item and replaces it whole"),
                     T("请改用 unit.yaml 的 tailor: change 剪裁（留下记录），或换一个编号",
                       "use a tailor: change in unit.yaml (a visible record), or give it another id"))
