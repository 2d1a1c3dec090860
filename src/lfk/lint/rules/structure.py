"""LFK1xx — structure and references: fields, keys, ids, references, the parent chain."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from lfk.core.decision import settings_problems, valid_codes_text
from lfk.core.i18n import T
from lfk.lint.context import FileContext, RegisterContext, UnitContext
from lfk.lint.registry import REGISTRY, Report, rule
from lfk.lint.rules._util import from_loader, valid_id, valid_unit_id
from lfk.loader import LoadedFile
from lfk.model.vocab import DEFAULT_BENCHMARK_LEVELS, TAXONOMY_PRESETS, UNCATEGORISED
from lfk.monitor.codes import CODES as MON_CODES


@rule("LFK101", severity="error", scope="file+unit", clause="—",
      title_zh="字段缺失、类型错误或取值不在允许范围", title_en="a field is missing, of the wrong type, or not allowed")
def field_value(ctx: FileContext | UnitContext) -> Iterator[Report]:
    """A field is missing, of the wrong type, or not one of its allowed values (the allowed ones are listed). / 字段缺失或取值不合法。

    Enumerated values are the Chinese terms of REGISTER.md, exactly. A unit folder needs a unit.yaml.
    枚举值必须与格式说明中的中文术语完全一致；每个单位文件夹都要有 unit.yaml。

    Failing:
    ```yaml
    category: 行政许诺
    ```
    Passing:
    ```yaml
    category: 行政许可
    ```
    """
    if isinstance(ctx, FileContext):
        yield from from_loader(ctx.file, "LFK101")
        if ctx.file.rel == "lfk.yaml":
            yield from _code_settings(ctx)
        return
    if ctx.unit.unit_file is None:
        yield Report(None, (), T(f"单位 `{ctx.unit.id}` 缺少 unit.yaml", f"the unit `{ctx.unit.id}` has no unit.yaml"),
                     T("请运行 lfk new unit 或手工创建 unit.yaml（id、name、type、posts）",
                       "create it with `lfk new unit` or by hand (id, name, type, posts)"),
                     rel=f"{ctx.unit.rel_dir}/unit.yaml")
    yield from _taxonomy_values(ctx)


def _code_settings(ctx: FileContext) -> Iterator[Report]:
    """Entries of ``lint.ignore``/``lint.severity`` naming no LFK or MON code (IMP entries: ``lfk import`` checks
    them; ``lfk.tables`` is not loaded by lint)."""
    for fam, known in (("LFK", REGISTRY.codes()), ("MON", list(MON_CODES))):
        valid = valid_codes_text(known)
        for path, setting, entry in settings_problems(ctx.register.config.lint, known, fam):
            yield Report(ctx.file, path, T(f"{setting} 中的 `{entry}` 不是任何 {fam} 代码或前缀",
                                           f"`{entry}` in {setting} is no {fam} code or prefix"),
                         T(f"{fam} 代码：{valid}（lfk rules 列出全部代码）", f"{fam} codes: {valid} (`lfk rules` lists them)"))


def _taxonomy_values(ctx: UnitContext) -> Iterator[Report]:
    """Risk categories outside the register's taxonomy, and benchmark levels outside the levels."""
    cats = ctx.config.categories()
    for r in ctx.unit.risks:
        if r.model.category == UNCATEGORISED and UNCATEGORISED not in cats:  # imported from a table without one
            yield Report(r.file, r.path + ("category",),
                         T(f"风险 {r.model.id} 还没有风险类别（`{UNCATEGORISED}`：导入的表中没有写类别）",
                           f"the risk {r.model.id} has no risk category yet (`{UNCATEGORISED}`: its table gave none)"),
                         T("请按分类体系填写风险类别：" + "、".join(cats), "write its category, one of: " + ", ".join(cats)))
        elif r.model.category not in cats:
            allowed = "、".join(cats)
            preset = next((p for p, pc in TAXONOMY_PRESETS.items() if r.model.category in pc and pc.keys() != cats.keys()), None)
            also = T(f"（它是预设分类 {preset} 的类别：整套采用该分类时在 lfk.yaml 写 taxonomy: {preset}）",
                     f" (it is a category of the preset {preset}: to use that whole scheme write "
                     f"`taxonomy: {preset}` in lfk.yaml)") if preset else T("", "")
            yield Report(r.file, r.path + ("category",), T(f"风险类别 `{r.model.category}` 不在分类体系中",
                                                            f"the risk category `{r.model.category}` is not in the taxonomy"),
                         T(f"允许的值：{allowed}；或在 lfk.yaml 的 taxonomy: categories 中加入该类别",
                           f"allowed values: {', '.join(cats)}; or add the category to `taxonomy: categories` in "
                           "lfk.yaml") + also)
    levels = ctx.config.benchmark_levels or list(_default_levels())
    for b in ctx.unit.benchmarks:
        for i, item in enumerate(b.model.items):
            for j, tier in enumerate(item.tiers):
                if tier.level not in levels:
                    yield Report(b.file, ("items", i, "tiers", j, "level"),
                                 T(f"裁量阶次 `{tier.level}` 不在允许范围内", f"the level `{tier.level}` is not allowed"),
                                 T("允许的值：" + "、".join(levels) + "；或在 lfk.yaml 的 benchmark_levels 中列出本单位的阶次",
                                   "allowed values: " + ", ".join(levels) + "; or list the unit's levels in "
                                   "benchmark_levels in lfk.yaml"))


def _default_levels() -> tuple[str, ...]:
    return DEFAULT_BENCHMARK_LEVELS


@rule("LFK102", severity="error", scope="file", clause="—",
      title_zh="未知的键", title_en="an unknown key")
def unknown_key(ctx: FileContext) -> Iterator[Report]:
    """An unknown key; the nearest known key is suggested. / 未知的键（会提示最接近的正确键名）。

    A misspelt key would otherwise be ignored and its content lost.
    拼错的键会被忽略，其内容等于没写。

    Failing:
    ```yaml
    legal_bases:
      - {law: 《中华人民共和国食品安全法》, article: 第一百二十二条}
    ```
    Passing:
    ```yaml
    legal_basis:
      - {law: 《中华人民共和国食品安全法》, article: 第一百二十二条}
    ```
    """
    yield from from_loader(ctx.file, "LFK102")


def _ids(lf: LoadedFile | None, key: str) -> Iterator[tuple[tuple[Any, ...], Any]]:
    if lf is None or not isinstance(lf.data, dict) or not isinstance(lf.data.get(key), list):
        return
    for i, item in enumerate(lf.data[key]):
        if isinstance(item, dict) and isinstance(item.get("id"), (str, int, float)) and not isinstance(item["id"], bool):
            yield (key, i, "id"), str(item["id"])


def _dupes(lf: LoadedFile | None, key: str, what: tuple[str, str]) -> Iterator[Report]:
    first: dict[Any, tuple[Any, ...]] = {}  # id -> its first path (a line is looked up only for a repeat)
    for path, ident in _ids(lf, key):
        if ident in first:
            assert lf is not None
            line = lf.loc(first[ident])[0]
            yield Report(lf, path, T(f"{what[0]}编号 `{ident}` 重复（第 {line} 行已有）",
                                     f"the {what[1]} id `{ident}` repeats (first on line {line})"),
                         T("每个编号在单位内只能用一次，请改用新编号", "ids are unique within the unit: give it a new id"))
        else:
            first[ident] = path


def _step_dupes(lf: LoadedFile) -> Iterator[Report]:
    first: dict[Any, tuple[Any, ...]] = {}
    for path, ident in _ids(lf, "steps"):
        if ident in first:
            line = lf.loc(first[ident])[0]
            yield Report(lf, path, T(f"环节编号 `{ident}` 在流程内重复（第 {line} 行已有）",
                                     f"the step id `{ident}` repeats in the flow (first on line {line})"),
                         T("请改用新的环节编号", "give the step a new id"))
        else:
            first[ident] = path


@rule("LFK103", severity="error", scope="register+unit", clause="4",
      title_zh="编号重复", title_en="a repeated id")
def duplicate_id(ctx: RegisterContext | UnitContext) -> Iterator[Report]:
    """An id repeats within its unit and kind, or a step id within its flow. / 编号在单位内（或环节编号在流程内）重复。

    References are by id, so a repeated id makes them ambiguous.
    各项之间通过编号引用，编号重复会让引用含混不清。

    Failing:
    ```yaml
    risks:
      - id: R-002
        title: 处罚裁量畸轻畸重
      - id: R-002
        title: 对不符合条件的申请违规审批
    ```
    Passing:
    ```yaml
    risks:
      - id: R-002
        title: 处罚裁量畸轻畸重
      - id: R-003
        title: 对不符合条件的申请违规审批
    ```
    """
    if isinstance(ctx, RegisterContext):
        for lf in ctx.register.std_flow_files.values():
            yield from _step_dupes(lf)
        return
    ud = ctx.unit
    yield from _dupes(ud.unit_file, "posts", ("岗位", "post"))
    yield from _dupes(ud.unit_file, "approvals", ("审定记录", "approval"))
    for lf in ud.files:
        name = lf.rel.rsplit("/", 1)[-1]
        if name == "authorities.yaml":
            yield from _dupes(lf, "authorities", ("职权", "power"))
        elif name == "risks.yaml":
            yield from _dupes(lf, "risks", ("风险", "risk"))
        elif name == "measures.yaml":
            yield from _dupes(lf, "measures", ("措施", "measure"))
    for lf in ud.flow_files.values():
        yield from _step_dupes(lf)


def _missing(lf: LoadedFile, path: tuple[Any, ...], kind: tuple[str, str], ident: str, hint: tuple[str, str]) -> Report:
    return Report(lf, path, T(f"引用的{kind[0]} `{ident}` 不存在", f"the {kind[1]} `{ident}` named here does not exist"),
                  T(hint[0], hint[1]), key=False)


@rule("LFK104", severity="error", scope="register+unit", clause="4",
      title_zh="引用不存在", title_en="a reference names nothing")
def dangling_reference(ctx: RegisterContext | UnitContext) -> Iterator[Report]:
    """A reference names nothing: post, authority, flow step, risk, approval, parent unit. / 引用的对象不存在。

    Posts are defined in `unit.yaml`; a standard flow's actors must be posts of every unit using it.
    岗位在 unit.yaml 中定义；使用标准流程的单位必须定义该流程用到的全部岗位。

    Failing:
    ```yaml
    posts: [P-case, P-legel, P-director]   # P-legel: no such post
    ```
    Passing:
    ```yaml
    posts: [P-case, P-legal, P-director]
    ```
    """
    reg = ctx.register
    if isinstance(ctx, RegisterContext):
        for uid in reg.unit_ids:
            lf, unit = reg.unit_headers[uid]
            if lf is None or unit is None or not unit.parent or not valid_id(unit.parent):
                continue
            if unit.parent not in reg.unit_headers:
                yield _missing(lf, ("parent",), ("上级单位", "parent unit"), unit.parent,
                               ("请写已有单位的 id（units/ 下的文件夹名）", "name an existing unit (a folder under units/)"))
        for item in reg.std_flows.values():
            yield from _next_refs(item.file, item.model)
        return
    ud = ctx.unit
    posts = ud.raw_ids.get("posts", set())
    post_hint = ("请在 unit.yaml 的 posts 中定义该岗位，或改正拼写", "define the post in unit.yaml's posts, or fix the spelling")

    def post_ref(lf: LoadedFile, path: tuple[Any, ...], ident: str | None) -> tuple[Report, ...]:
        if ident and ident not in posts and valid_id(ident):
            return (_missing(lf, path, ("岗位", "post"), ident, post_hint),)
        return ()

    for a in ud.authorities:
        for i, p in enumerate(a.model.posts):
            yield from post_ref(a.file, a.path + ("posts", i), p)
    for item in ud.flows.values():
        for j, step in enumerate(item.model.steps):
            yield from post_ref(item.file, ("steps", j, "actor"), step.actor)
        yield from _next_refs(item.file, item.model)
    for flow_item, user, std in ctx.flows_in_use():
        if not std or user is None:
            continue
        needed = sorted({s.actor for s in flow_item.model.steps if s.actor and valid_id(s.actor)} - posts)
        if needed:
            yield Report(user.file, user.path + ("flow",),
                         T(f"标准流程 `{flow_item.model.id}` 用到的岗位在本单位不存在：{', '.join(needed)}",
                           f"the standard flow `{flow_item.model.id}` uses posts this unit lacks: {', '.join(needed)}"),
                         T("请在 unit.yaml 的 posts 中定义这些岗位", "define these posts in unit.yaml"))
    approvals = ud.raw_ids.get("approvals", set())
    for r in ud.risks:
        m = r.model
        if m.authority and valid_id(m.authority) and not ud.has_id("authorities", m.authority):
            yield _missing(r.file, r.path + ("authority",), ("职权", "power"), m.authority,
                           ("请写 authorities.yaml 中已有职权的 id", "name a power of authorities.yaml"))
        elif m.authority and m.steps:
            a = ctx.authorities_by_id.get(m.authority)
            flow = ctx.flow_of(a.model)[0] if a else None
            if flow is not None:
                step_ids = {s.id for s in flow.model.steps}
                for i, s in enumerate(m.steps):
                    if valid_id(s) and s not in step_ids:
                        yield _missing(r.file, r.path + ("steps", i), ("环节", "step"), s,
                                       (f"流程 {flow.model.id} 的环节有：{', '.join(sorted(step_ids))}",
                                        f"steps of flow {flow.model.id}: {', '.join(sorted(step_ids))}"))
        yield from post_ref(r.file, r.path + ("post",), m.post)
        yield from post_ref(r.file, r.path + ("owner",), m.owner)
        if m.approval and valid_id(m.approval) and m.approval not in approvals:
            yield _missing(r.file, r.path + ("approval",), ("集体审定记录", "approval record"), m.approval,
                           ("请在 unit.yaml 的 approvals 中登记该次审定", "record the approval in unit.yaml's approvals"))
    for mi in ud.measures:
        for i, rid in enumerate(mi.model.risks):
            if valid_id(rid) and not ud.has_id("risks", rid):
                yield _missing(mi.file, mi.path + ("risks", i), ("风险", "risk"), rid,
                               ("请写 risks.yaml 中已有风险的 id", "name a risk of risks.yaml"))
        yield from post_ref(mi.file, mi.path + ("owner",), mi.model.owner)


def _next_refs(lf: LoadedFile, flow: Any) -> Iterator[Report]:
    step_ids = {s.id for s in flow.steps}
    for j, step in enumerate(flow.steps):
        for k, edge in enumerate(step.next):
            to = edge if isinstance(edge, str) else edge.to
            if valid_id(to) and to not in step_ids:
                path = ("steps", j, "next", k) if isinstance(edge, str) else ("steps", j, "next", k, "to")
                yield _missing(lf, path, ("环节", "step"), to,
                               (f"本流程的环节有：{', '.join(sorted(step_ids))}", f"steps of this flow: {', '.join(sorted(step_ids))}"))


_ID_FIELDS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    # list key -> (fields holding one id, fields holding a list of ids)
    "posts": (("id",), ()),
    "approvals": (("id",), ()),
    "authorities": (("id", "flow"), ("posts",)),
    "risks": (("id", "authority", "post", "owner", "approval"), ("steps",)),
    "measures": (("id", "owner"), ("risks",)),
}


def _bad_ids(lf: LoadedFile | None) -> Iterator[Report]:
    if lf is None or not isinstance(lf.data, dict):
        return
    data = lf.data
    for key, (single, multi) in _ID_FIELDS.items():
        items = data.get(key)
        if not isinstance(items, list):
            continue
        for i, item in enumerate(items):
            if not isinstance(item, dict):
                continue
            for f in single:
                if f in item and item[f] is not None:
                    yield from _bad_id(lf, (key, i, f), item[f])
            for f in multi:
                if isinstance(item.get(f), list):
                    for j, v in enumerate(item[f]):
                        yield from _bad_id(lf, (key, i, f, j), v)
    if isinstance(data.get("steps"), list):  # a flow
        if "id" in data:
            yield from _bad_id(lf, ("id",), data["id"])
        for j, step in enumerate(data["steps"]):
            if not isinstance(step, dict):
                continue
            for f in ("id", "actor"):
                if step.get(f) is not None:
                    yield from _bad_id(lf, ("steps", j, f), step[f])
            if isinstance(step.get("next"), list):
                for k, e in enumerate(step["next"]):
                    if isinstance(e, dict) and e.get("to") is not None:
                        yield from _bad_id(lf, ("steps", j, "next", k, "to"), e["to"])
                    elif isinstance(e, str):
                        yield from _bad_id(lf, ("steps", j, "next", k), e)
    if "authority" in data and "items" in data and data["authority"] is not None:  # a benchmark
        yield from _bad_id(lf, ("authority",), data["authority"])


_GOOD_IDS: set[str] = set()  # ids already found valid (valid_id is pure; a register repeats its ids)


def _bad_id(lf: LoadedFile, path: tuple[Any, ...], value: Any) -> tuple[Report, ...]:
    """() for a valid id (the common case: no generator made), else the one report."""
    if value.__class__ is str and value in _GOOD_IDS:
        return ()
    report = _check_id(lf, path, value)
    return () if report is None else (report,)


def _check_id(lf: LoadedFile, path: tuple[Any, ...], value: Any) -> Report | None:
    if isinstance(value, (dict, list)) or value is None:
        return None
    text = str(value)
    if valid_id(text):
        if value.__class__ is str and len(_GOOD_IDS) < 200_000:
            _GOOD_IDS.add(text)
        return None
    why = T("编号不能是路径（不能含 /、.. 或以 . 开头）", "an id is never a path (no /, no .., no leading .)") \
        if ("/" in text or ".." in text or text.startswith(".") or "\\" in text) else \
        T("编号只能用字母、数字和 . _ -，以字母或数字开头，最长 64 个字符",
          "ids use letters, digits and . _ - only, start with a letter or digit, at most 64 characters")
    return Report(lf, path, T(f"编号 `{text}` 格式不对", f"the id `{text}` is malformed"), why, key=False)


@rule("LFK105", severity="error", scope="register+unit", clause="—",
      title_zh="编号格式不对（含路径式编号）", title_en="an id breaks the id pattern (path-like ids included)")
def id_pattern(ctx: RegisterContext | UnitContext) -> Iterator[Report]:
    """An id (or a reference to one) breaks the id pattern, including path-like ids such as `../F-penalty`. / 编号格式不对。

    Ids become file names and page addresses, so they must never be paths.
    Pattern: `^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$`; unit ids `^[a-z0-9][a-z0-9-]{0,62}$`.
    编号会用作文件名和网页地址，绝不能是路径。

    Failing:
    ```yaml
    flow: ../F-penalty
    ```
    Passing:
    ```yaml
    flow: F-penalty
    ```
    """
    if isinstance(ctx, RegisterContext):
        for lf in ctx.register.std_flow_files.values():
            yield from _bad_ids(lf)
        for uid in ctx.register.unit_ids:
            lf, _ = ctx.register.unit_headers[uid]
            if lf is not None and isinstance(lf.data, dict):
                for key in ("id", "parent"):
                    v = lf.data.get(key)
                    if v is not None and not isinstance(v, (dict, list)) and not valid_unit_id(str(v)):
                        yield Report(lf, (key,), T(f"单位编号 `{v}` 格式不对", f"the unit id `{v}` is malformed"),
                                     T("单位编号只用小写字母、数字和连字符", "unit ids use lower-case letters, digits and - only"),
                                     key=False)
        return
    ud = ctx.unit
    yield from _bad_ids(ud.unit_file)
    for lf in ud.files:
        if lf is not ud.unit_file:
            yield from _bad_ids(lf)


@rule("LFK106", severity="error", scope="register", clause="—",
      title_zh="上级单位链成环", title_en="the parent chain of units has a cycle")
def parent_cycle(ctx: RegisterContext) -> Iterator[Report]:
    """The `parent` chain of units has a cycle. / 单位的上级链形成了环。

    Units form a tree: following `parent` upwards must end at a top unit.
    单位构成树形结构：沿 parent 向上必须能到达顶层单位。

    Failing:
    ```yaml
    # units/county-amr/unit.yaml
    parent: county-gov
    # units/county-gov/unit.yaml
    parent: county-amr
    ```
    Passing:
    ```yaml
    # units/county-amr/unit.yaml
    parent: county-gov
    # units/county-gov/unit.yaml (no parent: the top)
    ```
    """
    reg = ctx.register
    parents = {uid: (unit.parent if unit else None) for uid, (_, unit) in reg.unit_headers.items()}
    reported: set[str] = set()
    for start in sorted(parents):
        seen: list[str] = []
        cur: str | None = start
        while cur is not None and cur in parents and cur not in seen:
            seen.append(cur)
            cur = parents[cur]
        if cur is None or cur not in seen:
            continue
        cycle = seen[seen.index(cur):]
        for uid in cycle:
            if uid in reported:
                continue
            reported.add(uid)
            lf = reg.unit_headers[uid][0]
            if lf is None:
                continue
            chain = " → ".join(cycle[cycle.index(uid):] + cycle[:cycle.index(uid)] + [uid])
            yield Report(lf, ("parent",), T(f"上级单位链成环：{chain}", f"the parent chain has a cycle: {chain}"),
                         T("请改正其中一个单位的 parent，顶层单位不写 parent",
                           "fix the parent of one of them; the top unit has no parent"))
