"""LFK2xx — 职权目录 (clauses 4 and 9): legal basis, flow, posts, benchmark, risks, time limit, an empty 职权目录."""

from __future__ import annotations

from collections.abc import Iterator

from lfk.core.i18n import T
from lfk.lint.context import UnitContext
from lfk.lint.registry import Report, rule
from lfk.lint.rules._util import valid_id
from lfk.model.scope import external_power_named, power_scope
from lfk.model.vocab import POWER_UNIT_TYPES, STATUTORY_LIMIT_CATEGORIES


def _name(a) -> str:  # type: ignore[no-untyped-def]
    return f"`{a.id}`（{a.name}）"


def _name_en(a) -> str:  # type: ignore[no-untyped-def]
    return f"`{a.id}` ({a.name})"


@rule("LFK201", severity="error", scope="unit", clause="4",
      title_zh="对外职权缺少法律依据", title_en="an external power without legal basis")
def no_legal_basis(ctx: UnitContext) -> Iterator[Report]:
    """An external power without `legal_basis`. / 对外职权没有写法律依据。

    Clause 4 (依法规范职权) asks every power of the 职权目录 to rest on a law or regulation: a
    power without one should not be exercised. The unit's own 人财物 powers (`internal: true`)
    may do without.
    指导意见第4条要求依法清理、规范职权，职权目录中每一项对外职权都要有法律法规依据；
    内部人财物职权（`internal: true`）可以不写。

    Failing:
    ```yaml
    - id: XK-001
      name: 食品经营许可
      category: 行政许可
    ```
    Passing:
    ```yaml
    - id: XK-001
      name: 食品经营许可
      category: 行政许可
      legal_basis:
        - {law: 《中华人民共和国食品安全法》, article: 第三十五条}
    ```
    """
    for a in ctx.unit.authorities:
        m = a.model
        if not m.internal and not m.legal_basis:
            yield Report(a.file, a.path, T(f"对外职权 {_name(m)}没有法律依据（第4条：依法规范职权）",
                                           f"the external power {_name_en(m)} has no legal basis (clause 4)"),
                         T("请补充 legal_basis，例如 - {law: 《中华人民共和国行政许可法》, article: 第四十二条}；"
                           "若是本单位人财物职权，请标明 internal: true",
                           "add legal_basis, e.g. - {law: ..., article: ...}; mark the unit's own 人财物 powers "
                           "internal: true"))


@rule("LFK202", severity="error", scope="unit", clause="4",
      title_zh="职权的流程图不存在", title_en="a power whose flow does not exist")
def missing_flow(ctx: UnitContext) -> Iterator[Report]:
    """A power whose flow does not exist (no 权力运行流程图). / 职权没有权力运行流程图。

    Clause 4 asks a 权力运行流程图 for every power. The flow is `flow:` (default: the power's own id),
    looked up in the unit's `flows/` and then in the root `flows/`. A flow file that exists but is
    invalid counts as existing (its own findings say what is wrong); a path-like flow id is LFK105's.
    指导意见第4条要求每项职权都要绘制权力运行流程图。流程按 flow（默认为职权编号）先在本单位
    flows/ 查找，再在登记册根目录 flows/ 查找。

    Failing:
    ```yaml
    - id: XK-001
      flow: F-license      # no flows/F-license.yaml anywhere
    ```
    Passing:
    ```yaml
    - id: XK-001
      flow: F-license      # units/county-amr/flows/F-license.yaml exists
    ```
    """
    for a in ctx.unit.authorities:
        fid = a.model.flow_id
        if not valid_id(fid) or ctx.register.flow_exists(ctx.unit, fid):
            continue
        path = a.path + ("flow",) if a.model.flow else a.path
        yield Report(a.file, path, T(f"职权 {_name(a.model)}的流程图 `{fid}` 不存在（第4条：权力运行流程图）",
                                     f"the flow `{fid}` of the power {_name_en(a.model)} does not exist (clause 4)"),
                     T(f"请在 {ctx.unit.rel_dir}/flows/{fid}.yaml 或根目录 flows/{fid}.yaml 绘制流程图，或改正 flow",
                       f"draw it in {ctx.unit.rel_dir}/flows/{fid}.yaml or the root flows/{fid}.yaml, or fix `flow`"))


@rule("LFK203", severity="error", scope="unit", clause="4",
      title_zh="职权没有承办岗位", title_en="a power with no posts")
def no_posts(ctx: UnitContext) -> Iterator[Report]:
    """A power with no `posts`. / 职权没有写承办岗位。

    Clause 4 asks who exercises each power: without posts nobody answers for it, and post risks
    (岗位风险) cannot be found.
    指导意见第4条要求明确职权的行使主体和承办岗位；没有岗位，就无人负责，也无法查找岗位风险。

    Failing:
    ```yaml
    - id: CF-001
      name: 对未取得食品经营许可从事食品经营活动的处罚
      posts: []
    ```
    Passing:
    ```yaml
    - id: CF-001
      name: 对未取得食品经营许可从事食品经营活动的处罚
      posts: [P-case, P-legal, P-director]
    ```
    """
    for a in ctx.unit.authorities:
        if not a.model.posts:
            yield Report(a.file, a.path, T(f"职权 {_name(a.model)}没有承办岗位（第4条）",
                                           f"the power {_name_en(a.model)} has no posts (clause 4)"),
                         T("请写 posts: [岗位编号, ...]，岗位在 unit.yaml 中定义",
                           "add posts: [post ids...] defined in unit.yaml"))


@rule("LFK204", severity="error", scope="unit", clause="9",
      title_zh="行政处罚职权缺少裁量基准", title_en="a 行政处罚 power without a discretion benchmark")
def no_benchmark(ctx: UnitContext) -> Iterator[Report]:
    """A 行政处罚 power without a discretion benchmark `benchmarks/<authority-id>.yaml`. / 行政处罚职权没有裁量基准。

    Clause 9 (规范行政裁量权) asks penalties to be graded by a benchmark so that like cases get like
    penalties. Benchmarks of the other clause-9 categories are checked by LFK6xx when present.
    指导意见第9条要求细化、量化行政裁量权，制定裁量基准；行政处罚职权必须有
    benchmarks/<职权编号>.yaml。其他类别的裁量基准存在时由 LFK6xx 检查。

    Failing:
    ```yaml
    - id: CF-001
      category: 行政处罚     # and no benchmarks/CF-001.yaml
    ```
    Passing:
    ```yaml
    # benchmarks/CF-001.yaml
    authority: CF-001
    items: [...]
    ```
    """
    for a in ctx.unit.authorities:
        m = a.model
        if m.category != "行政处罚" or not valid_id(m.id) or m.id in ctx.unit.benchmark_files:
            continue
        yield Report(a.file, a.path, T(f"行政处罚职权 {_name(m)}没有裁量基准（第9条：规范行政裁量权）",
                                       f"the 行政处罚 power {_name_en(m)} has no discretion benchmark (clause 9)"),
                     T(f"请编制 {ctx.unit.rel_dir}/benchmarks/{m.id}.yaml（裁量阶次、适用情形、处罚幅度）",
                       f"write {ctx.unit.rel_dir}/benchmarks/{m.id}.yaml (tiers, circumstances, ranges)"))


@rule("LFK205", severity="warning", scope="unit", clause="5",
      title_zh="职权未查找廉政风险", title_en="a power with no risk identified on it")
def no_risk(ctx: UnitContext) -> Iterator[Report]:
    """A power with no risk identified on it (no risk names it in `authority`). / 职权上没有查找出任何廉政风险点。

    Clause 5 asks risks to be looked for in every power's exercise. A power without any is usually one
    nobody has looked at; if it truly has none, say so with a suppression and a reason.
    指导意见第5条要求围绕每项职权的行使查找廉政风险。没有风险点的职权多半是漏查了；
    确实没有的，请用忽略注释写明理由。

    Failing:
    ```yaml
    # authorities.yaml
    - id: XK-001          # and no risk with authority: XK-001
    ```
    Passing:
    ```yaml
    # risks.yaml
    - id: R-003
      authority: XK-001
    ```
    """
    for a in ctx.unit.authorities:
        if not ctx.risks_by_authority.get(a.model.id):
            yield Report(a.file, a.path, T(f"职权 {_name(a.model)}没有查找出廉政风险点（第5条）",
                                           f"no risk is identified on the power {_name_en(a.model)} (clause 5)"),
                         T(f"请在 risks.yaml 中登记该职权的风险点（authority: {a.model.id}）",
                           f"record its risks in risks.yaml (authority: {a.model.id})"))


@rule("LFK206", severity="error", scope="unit", clause="4",
      title_zh="职权缺少法定时限", title_en="a power without its statutory time limit")
def no_time_limit(ctx: UnitContext) -> Iterator[Report]:
    """A power's `time_limit` is missing while its category has a statutory limit. / 有法定时限的职权没写时限。

    行政许可, 非行政许可审批, 行政处罚 and 行政给付 have limits set by law; clause 4 asks them to be
    written in the 职权目录 (and clause 11 monitors them).
    行政许可、非行政许可审批、行政处罚、行政给付都有法定办理时限，第4条要求在职权目录中载明，
    第11条据此实施电子监察。

    Failing:
    ```yaml
    - id: XK-001
      category: 行政许可
    ```
    Passing:
    ```yaml
    - id: XK-001
      category: 行政许可
      time_limit: {days: 20, kind: 工作日}
    ```
    """
    for a in ctx.unit.authorities:
        m = a.model
        if m.category in STATUTORY_LIMIT_CATEGORIES and m.time_limit is None:
            yield Report(a.file, a.path, T(f"{m.category}职权 {_name(m)}没有法定时限 time_limit（第4条）",
                                           f"the {m.category} power {_name_en(m)} has no statutory time_limit (clause 4)"),
                         T("请按法律规定写 time_limit: {days: 20, kind: 工作日}",
                           "add the limit the law sets, e.g. time_limit: {days: 20, kind: 工作日}"))


@rule("LFK207", severity="warning", scope="unit", clause="4",
      title_zh="应列职权的单位职权目录为空", title_en="an empty 职权目录 where the unit should list powers")
def powers_missing(ctx: UnitContext) -> Iterator[Report]:
    """A unit with no powers although it should list them (an empty 职权目录). / 应当列出职权的单位职权目录为空。

    指导意见第4条要求清理职权、编制职权目录。党的机关、行政机关行使公权力，必须列出职权；风险点写到
    行政处罚、行政许可等对外职权的单位（如受委托执法的事业单位）也必须列出。学校、医院、企业等只在岗位上
    查找风险的单位可以没有职权目录：没有职权、每个风险点都写了 post（岗位）时不报，`lfk score` 的三项
    职权指标也记为“不适用”（lfk.model.scope）。还没有任何风险点的单位也会收到本提示。
    Clause 4 asks every unit to list its powers. 党的机关 and 行政机关 exercise public power and must list
    it; so must a unit whose risks name an external power (行政处罚, 行政许可 …), e.g. a 事业单位 entrusted
    with enforcement. A school, hospital or company whose risks all sit on posts may have no 职权目录: no
    finding then, and the three power criteria of `lfk score` are 不适用 (lfk.model.scope). A unit with no
    risk at all yet is told as well.

    Failing:
    ```yaml
    # unit.yaml: type: 行政机关; authorities.yaml:
    authorities: []
    ```
    Passing:
    ```yaml
    # unit.yaml: type: 事业单位; authorities.yaml: authorities: []; risks.yaml:
    - {id: R-01, title: 招生录取中优亲厚友, category: 权力行使, kind: 权力过于集中, post: P-admission}
    ```
    """
    u = ctx.unit
    if u.unit is None or power_scope(u.unit.type, [a.model for a in u.authorities], [r.model for r in u.risks]) != "missing":
        return
    if any(f.rel.endswith("/authorities.yaml") and not f.ok for f in u.files):
        return  # an unreadable file is reported by LFK1xx, not taken for an empty list
    named = next((c for c in (external_power_named(r.model) for r in u.risks) if c), None)
    if u.unit.type in POWER_UNIT_TYPES:
        why = T(f"{u.unit.type}须列出职权", f"a {u.unit.type} must list its powers")
    elif named:
        why = T(f"风险点涉及{named}，须列出该职权", f"its risks name {named}: list that power")
    elif not u.risks:
        why = T("也还没有查找风险点", "and no risk is identified yet")
    else:
        why = T("有的风险点不在岗位上", "some risks are not on a post")
    rel = f"{u.rel_dir}/authorities.yaml"
    file = next((f for f in u.files if f.rel == rel), None)
    hint = T("请在 authorities.yaml 中列出职权（lfk import 可导入权力清单）",
             "list the powers in authorities.yaml (lfk import reads a 权力清单)")
    if u.unit.type not in POWER_UNIT_TYPES and not named:
        hint += T("；只在岗位上查找风险的单位，请给每个风险点写明 post（岗位），不写 authority",
                  "; a unit with post risks only gives every risk its `post` and no `authority`")
    yield Report(file, ("authorities",) if file is not None else (),
                 T(f"单位 {u.id} 的职权目录为空（第4条）：", f"the 职权目录 of {u.id} is empty (clause 4): ") + why, hint,
                 key=file is not None, rel=None if file is not None else rel)
