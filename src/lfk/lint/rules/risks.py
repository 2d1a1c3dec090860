"""LFK4xx — 廉政风险 and grading (clauses 5, 6, 7, 13): factors, grades, approval, owners, measures, reviews."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from lfk.core.i18n import T
from lfk.grading.engine import DRIFT, MISSING, GradeResult, factor_problems, fmt_number, grade_risk, risk_digest
from lfk.lint.context import UnitContext
from lfk.lint.registry import Report, rule
from lfk.model.items import Risk
from lfk.register import Item


def _grades(ctx: UnitContext) -> dict[int, GradeResult]:
    """Each risk's grade (by its position in the unit), computed once per unit."""
    cached = ctx.cache.get("grades")
    if cached is None:
        cached = {}
        for i, r in enumerate(ctx.unit.risks):
            auth = ctx.authorities_by_id.get(r.model.authority or "")
            cached[i] = grade_risk(ctx.config, r.model, auth.model if auth else None)
        ctx.cache["grades"] = cached
    return cached


def _grade_in_force(ctx: UnitContext, i: int, r: Item[Risk]) -> str | None:
    """The approved (declared) grade, else the computed one."""
    return r.model.grade or _grades(ctx)[i].computed


def _label(ctx: UnitContext, grade: str | None) -> str:
    return ctx.config.grade_label(grade) if grade else "—"


@rule("LFK401", severity="error", scope="unit", clause="6",
      title_zh="评定因素缺失或超出 1..5", title_en="a grading factor is missing or outside 1..5")
def factors_complete(ctx: UnitContext) -> Iterator[Report]:
    """A risk without all grading factors, or a factor outside 1..5. / 风险缺少评定因素，或因素取值超出 1..5。

    指导意见第六条：风险等级要根据权力重要程度、自由裁量权大小、发生概率和危害程度等因素评定。
    每个风险都要按 lfk.yaml 的 grading 填齐全部因素（weighted/matrix：1..5；lec：已定义的等级名），
    否则无法复核其等级。
    Clause 6 grades a risk from the importance of the power, the size of discretion, the probability
    and the harm. Every risk carries every factor of lfk.yaml's `grading` (1..5, or a level name for
    `lec`), so its grade can be checked.

    Failing:
    ```yaml
    factors: {importance: 4, discretion: 4, probability: 6}   # harm missing, probability > 5
    ```
    Passing:
    ```yaml
    factors: {importance: 4, discretion: 4, probability: 3, harm: 4}
    ```
    """
    for r in ctx.unit.risks:
        for p in factor_problems(ctx.config, r.model):
            yield Report(r.file, r.path + p.path, p.message,
                         T("请按 lfk.yaml 的 grading 填写全部评定因素", "fill in every factor of lfk.yaml's grading"))


@rule("LFK402", severity="error", scope="unit", clause="6",
      title_zh="声明等级与评定结果不一致且未说明理由", title_en="the declared grade differs from the rubric's, unexplained")
def grade_drift(ctx: UnitContext) -> Iterator[Report]:
    """The declared grade differs from the rubric's and there is no `grade_reason` (both grades and the score shown). / 风险等级与评定结果不一致且未说明理由。

    指导意见第六条：风险等级按评定标准确定，并经领导班子集体审定。声明的 grade 与按 lfk.yaml
    评定方法计算出的等级不同，必须在 grade_reason 中说明理由并由 approval 记载的集体审定确认；
    否则请改正等级（`lfk grade --write` 可自动写入计算结果）。
    Clause 6: grades follow the rubric and are approved collectively. A declared `grade` that differs
    from the computed one needs a `grade_reason` and an `approval`; otherwise correct it
    (`lfk grade --write` writes the computed grades).

    Failing:
    ```yaml
    factors: {importance: 3, discretion: 3, probability: 3, harm: 3}   # score 3 → 中
    grade: 低
    ```
    Passing:
    ```yaml
    factors: {importance: 3, discretion: 3, probability: 3, harm: 3}
    grade: 中
    ```
    """
    grades = _grades(ctx)
    for i, r in enumerate(ctx.unit.risks):
        g = grades[i]
        if g.status == DRIFT and not g.excused or g.status == MISSING and g.declared is None and g.computed is not None:
            score = f"（得分 {fmt_number(g.score)}）" if g.score is not None else ""
            score_en = f" (score {fmt_number(g.score)})" if g.score is not None else ""
        if g.status == DRIFT and not g.excused:
            declared, computed = _label(ctx, g.declared), _label(ctx, g.computed)
            if (r.model.grade_reason or "").strip():
                msg = T(f"声明等级 {declared} 与评定结果 {computed} 不一致{score}，已写理由但没有 approval 集体审定记录",
                        f"the declared grade {declared} differs from the rubric's {computed}{score_en}; "
                        "a grade_reason is given but no approval records it")
                hint = T("请在 approval 中写明审定该等级的集体审定记录", "name the approval record in `approval`")
            else:
                msg = T(f"声明等级 {declared} 与评定结果 {computed} 不一致{score}，且未说明理由",
                        f"the declared grade {declared} differs from the rubric's {computed}{score_en} "
                        "and no grade_reason explains it")
                hint = T(f"请改为 {g.computed}（lfk grade --write），或在 grade_reason 中说明理由并经集体审定",
                         f"change it to {g.computed} (lfk grade --write), or explain it in grade_reason "
                         "and have it approved")
            yield Report(r.file, r.path + ("grade",), msg, hint)
        elif g.status == MISSING and g.declared is None and g.computed is not None:
            yield Report(r.file, r.path + ("grade",),
                         T(f"未填写风险等级，评定结果为 {_label(ctx, g.computed)}{score}",
                           f"no declared grade; the rubric gives {_label(ctx, g.computed)}{score_en}"),
                         T(f"请填写 grade: {g.computed}（lfk grade --write）并经集体审定",
                           f"write grade: {g.computed} (lfk grade --write) and have it approved"))


@rule("LFK403", severity="error", scope="unit", clause="6",
      title_zh="风险等级未经集体审定", title_en="a risk without a collective approval")
def approval_present(ctx: UnitContext) -> Iterator[Report]:
    """A risk without `approval`, or whose approval record is dated after the as-of date. / 风险未经集体审定，或审定日期晚于检查日期。

    指导意见第六条：风险等级要经单位领导班子集体审定。每个风险的 approval 要写明 unit.yaml 中
    approvals 的一条记录（会议、日期、纪要），且审定不能发生在检查日期（--as-of）之后。
    Clause 6: risk grades are approved collectively by the leadership. `approval` names a record of
    unit.yaml's `approvals`, dated no later than the as-of date.

    Failing:
    ```yaml
    - id: R-001
      grade: 高
      owner: P-deputy-law
    ```
    Passing:
    ```yaml
    - id: R-001
      grade: 高
      owner: P-deputy-law
      approval: AP-2026-03
    ```
    """
    records = {a.id: a for a in ctx.unit.unit.approvals} if ctx.unit.unit else {}
    for r in ctx.unit.risks:
        ap = r.model.approval
        if not ap:
            yield Report(r.file, r.path, T(f"风险 {r.model.id} 没有集体审定记录（approval）",
                                           f"the risk {r.model.id} has no collective approval (`approval`)"),
                         T("请经领导班子集体审定后运行 lfk approve AP-ID，或写明 approval",
                           "have it approved collectively, then run `lfk approve AP-ID` or write `approval`"), key=False)
            continue
        rec = records.get(ap)
        if rec is not None and rec.date > ctx.as_of:
            yield Report(r.file, r.path + ("approval",),
                         T(f"集体审定 {ap} 的日期 {rec.date} 晚于检查日期 {ctx.as_of}",
                           f"the approval {ap} is dated {rec.date}, after the as-of date {ctx.as_of}"),
                         T("请核对 unit.yaml 中该审定记录的日期", "check the record's date in unit.yaml"))


@rule("LFK404", severity="error", scope="unit", clause="6",
      title_zh="风险没有责任人", title_en="a risk without an owner")
def owner_present(ctx: UnitContext) -> Iterator[Report]:
    """A risk without `owner`. / 风险没有明确责任人。

    指导意见第六条：实行分级负责，每个风险点都要明确责任人（岗位）。
    Clause 6: graded responsibility; every risk has a named owner post.

    Failing:
    ```yaml
    - id: R-003
      grade: 中
    ```
    Passing:
    ```yaml
    - id: R-003
      grade: 中
      owner: P-deputy-admin
    ```
    """
    for r in ctx.unit.risks:
        if not r.model.owner:
            yield Report(r.file, r.path, T(f"风险 {r.model.id} 没有责任人（owner）", f"the risk {r.model.id} has no owner"),
                         T("请在 owner 中写明负责的岗位（unit.yaml 中的岗位编号）", "name the owner post in `owner`"), key=False)


@rule("LFK405", severity="warning", scope="unit", clause="6",
      title_zh="高风险的责任人不是领导岗位", title_en="a 高 risk whose owner is not a leader post")
def high_owner_leader(ctx: UnitContext) -> Iterator[Report]:
    """A 高 risk whose owner is not a leader post (分级负责). / 高风险的责任人不是领导岗位。

    指导意见第六条：按风险等级分级负责，高等级风险由单位领导班子成员负责。
    Clause 6: graded responsibility; a 高 risk is owned by a member of the leadership (a post with
    `leader: true`).

    Failing:
    ```yaml
    grade: 高
    owner: P-case          # {id: P-case, name: 执法办案人员}
    ```
    Passing:
    ```yaml
    grade: 高
    owner: P-deputy-law    # {id: P-deputy-law, name: 分管执法副局长, leader: true}
    ```
    """
    posts = ctx.unit.posts
    for i, r in enumerate(ctx.unit.risks):
        owner = r.model.owner
        if _grade_in_force(ctx, i, r) != "高" or not owner or owner not in posts:
            continue
        if not posts[owner].leader:
            yield Report(r.file, r.path + ("owner",),
                         T(f"{_label(ctx, '高')}风险的责任人 {owner}（{posts[owner].name}）不是领导岗位",
                           f"the owner {owner} ({posts[owner].name}) of a {_label(ctx, '高')} risk is not a leader post"),
                         T("请由领导班子成员（leader: true 的岗位）负责", "give it to a leadership post (leader: true)"))


@rule("LFK406", severity="error", scope="unit", clause="7",
      title_zh="风险没有防控措施", title_en="a risk with no measure")
def has_measure(ctx: UnitContext) -> Iterator[Report]:
    """A risk with no measure. / 风险没有防控措施。

    指导意见第七条：针对查找出的风险点逐一制定防控措施。measures.yaml 中至少要有一条措施在
    risks 中列出该风险。
    Clause 7: every risk found gets targeted measures; at least one measure of measures.yaml names it.

    Failing:
    ```yaml
    # risks.yaml: R-003; measures.yaml: no measure lists R-003
    ```
    Passing:
    ```yaml
    measures:
      - {id: M-004, risks: [R-003], kind: 程序规范, description: 审查标准公开，一次性告知}
    ```
    """
    for r in ctx.unit.risks:
        if not ctx.measures_by_risk.get(r.model.id):
            yield Report(r.file, r.path, T(f"风险 {r.model.id} 没有防控措施", f"the risk {r.model.id} has no measure"),
                         T("请在 measures.yaml 中制定针对该风险的措施（risks 中列出其编号）",
                           "add a measure to measures.yaml that lists it in `risks`"), key=False)


@rule("LFK407", severity="error", scope="unit", clause="7",
      title_zh="高风险的措施少于要求", title_en="a 高 risk with too few measures")
def high_measures(ctx: UnitContext) -> Iterator[Report]:
    """A 高 risk with fewer measures than `review.min_measures_high`. / 高风险的防控措施少于 review.min_measures_high。

    指导意见第七条：防控措施要突出重点，优先防控高等级风险。高风险至少要有 lfk.yaml 中
    review.min_measures_high 条措施（默认 2 条）。
    Clause 7: measures put high risks first; a 高 risk needs at least `review.min_measures_high`
    measures (default 2).

    Failing:
    ```yaml
    # R-001 (grade 高) is named by one measure only
    ```
    Passing:
    ```yaml
    measures:
      - {id: M-001, risks: [R-001], kind: 程序规范}
      - {id: M-002, risks: [R-001, R-002], kind: 分权控权}
    ```
    """
    need = ctx.config.review.min_measures_high
    for i, r in enumerate(ctx.unit.risks):
        n = len(ctx.measures_by_risk.get(r.model.id, []))
        if _grade_in_force(ctx, i, r) == "高" and 0 < n < need:
            yield Report(r.file, r.path,
                         T(f"{_label(ctx, '高')}风险 {r.model.id} 只有 {n} 条措施，至少需要 {need} 条",
                           f"the {_label(ctx, '高')} risk {r.model.id} has {n} measure(s); it needs at least {need}"),
                         T("请补充防控措施（程序规范、分权控权、制度建设、廉政教育等）",
                           "add measures (procedure rules, separation of powers, rules, education ...)"), key=False)


@rule("LFK408", severity="warning", scope="unit", clause="7",
      title_zh="缺少与风险类别对应的措施", title_en="no measure of the kind its category calls for")
def paired_measure(ctx: UnitContext) -> Iterator[Report]:
    """A risk with no measure of the kind clause 7 pairs with its category. / 风险没有与其类别对应的措施。

    指导意见第七条：权力行使类风险以规范程序、分权控权为主；制度机制类风险以健全制度、
    加强监督为主；思想道德类风险以廉政教育为主。对应关系见分类体系的 measures。
    Clause 7 pairs categories with measures: 权力行使 → 程序规范 or 分权控权; 制度机制 → 制度建设
    or 监督检查; 思想道德 → 廉政教育 (the taxonomy's `measures`).

    Failing:
    ```yaml
    # R-005 (category 思想道德) has only a 程序规范 measure
    ```
    Passing:
    ```yaml
    measures:
      - {id: M-008, risks: [R-005], kind: 廉政教育, education: 警示教育}
    ```
    """
    cats = ctx.config.categories()
    for r in ctx.unit.risks:
        cat = cats.get(r.model.category)
        measures = ctx.measures_by_risk.get(r.model.id, [])
        if cat is None or not cat.measures or not measures:
            continue
        if not any(m.model.kind in cat.measures for m in measures):
            want = "、".join(cat.measures)
            yield Report(r.file, r.path,
                         T(f"{r.model.category}类风险 {r.model.id} 没有{want}类措施",
                           f"the {r.model.category} risk {r.model.id} has no measure of kind {', '.join(cat.measures)}"),
                         T(f"请补充一条 kind 为 {want} 的措施", f"add a measure of kind {' or '.join(cat.measures)}"),
                         key=False)


@rule("LFK409", severity="warning", scope="unit", clause="13",
      title_zh="风险超过复核周期未复核", title_en="a risk not reviewed within the review cycle")
def review_fresh(ctx: UnitContext) -> Iterator[Report]:
    """A risk not reviewed within `review.cycle_days` of the register's review date (stale). / 风险超过复核周期未复核。

    指导意见第十三条：实行动态管理，定期（一般每年）对风险点、等级和措施进行复核调整。
    reviewed 早于检查日期（--as-of）减去 review.cycle_days（默认 365 天）即为过期。
    Clause 13: risks, grades and measures are reviewed regularly (yearly). A `reviewed` date older
    than the as-of date minus `review.cycle_days` (default 365) is stale.

    Failing:
    ```yaml
    reviewed: 2025-01-10    # as of 2026-12-01
    ```
    Passing:
    ```yaml
    reviewed: 2026-03-15
    ```
    """
    days = ctx.config.review.cycle_days
    limit = ctx.as_of - dt.timedelta(days=days)
    for r in ctx.unit.risks:
        rev = r.model.reviewed
        if rev is None:
            yield Report(r.file, r.path, T(f"风险 {r.model.id} 没有复核日期（reviewed）", f"the risk {r.model.id} was never reviewed"),
                         T("复核后请写 reviewed: YYYY-MM-DD", "review it and write reviewed: YYYY-MM-DD"), key=False)
        elif rev < limit:
            yield Report(r.file, r.path + ("reviewed",),
                         T(f"风险 {r.model.id} 上次复核于 {rev}，已超过 {days} 天的复核周期（检查日期 {ctx.as_of}）",
                           f"the risk {r.model.id} was last reviewed on {rev}, more than {days} days before {ctx.as_of}"),
                         T("请组织复核并更新 reviewed 日期", "review it and update `reviewed`"))


@rule("LFK410", severity="error", scope="unit", clause="5",
      title_zh="风险未落在职权或岗位上，或类型与类别不符", title_en="a risk on no power or post, or a kind outside its category")
def risk_placement(ctx: UnitContext) -> Iterator[Report]:
    """A risk on neither an authority nor a post, or a `kind` that does not belong to its `category`. / 风险既不在职权上也不在岗位上，或风险类型不属于其类别。

    指导意见第五条：围绕权力行使、制度机制、思想道德查找风险，风险点要落实到具体职权（及其
    流程环节）或岗位上。kind 必须是其 category 在分类体系中列出的类型之一。
    Clause 5: risks are found in 权力行使, 制度机制 and 思想道德 and sit on a power (and its steps) or a
    post. `kind` is one of the kinds the taxonomy lists for the `category`.

    Failing:
    ```yaml
    category: 思想道德
    kind: 自由裁量幅度过大
    ```
    Passing:
    ```yaml
    category: 思想道德
    kind: 职业道德不牢固
    post: P-case
    ```
    """
    cats = ctx.config.categories()
    for r in ctx.unit.risks:
        m = r.model
        if not m.authority and not m.post:
            yield Report(r.file, r.path, T(f"风险 {m.id} 既没有所在职权（authority）也没有所在岗位（post）",
                                           f"the risk {m.id} sits on neither a power (`authority`) nor a post (`post`)"),
                         T("请写明 authority（可加 steps）或 post", "name its `authority` (and `steps`) or its `post`"), key=False)
        cat = cats.get(m.category)
        if m.kind and cat is not None and m.kind not in cat.kinds:
            home = [c for c, tc in cats.items() if m.kind in tc.kinds]
            where = T(f"（它属于{home[0]}类）", f" (it belongs to {home[0]})") if home else T("", "")
            yield Report(r.file, r.path + ("kind",),
                         T(f"风险类型 `{m.kind}` 不属于类别 {m.category}", f"the kind `{m.kind}` is not of the category {m.category}") + where,
                         T(f"{m.category}类的风险类型有：{'、'.join(cat.kinds)}", f"kinds of {m.category}: {', '.join(cat.kinds)}"))


@rule("LFK411", severity="error", scope="unit", clause="6",
      title_zh="审定后风险内容已变，需重新集体审定", title_en="a risk changed after its approval: 需重新集体审定")
def approval_current(ctx: UnitContext) -> Iterator[Report]:
    """A risk whose material fields changed after its approval (`approved_digest` no longer matches): 需重新集体审定. / 风险在集体审定后被修改，需重新集体审定。

    指导意见第六条：风险等级经领导班子集体审定。`lfk approve` 在审定时写入 approved_digest
    （风险名称、类别、类型、职权、环节、岗位、评定因素、等级、理由、责任人的摘要）；这些内容
    之后被修改，摘要就对不上，须重新集体审定并再次运行 lfk approve。
    Clause 6: grades are approved collectively. `lfk approve` records a digest of the material fields
    (title, category, kind, authority, steps, post, factors, grade, grade_reason, owner); when any of
    them changes later, the approval no longer covers the risk: approve it again.

    Failing:
    ```yaml
    title: 调查取证中选择性取证      # edited after `lfk approve AP-2026-03`
    approval: AP-2026-03
    approved_digest: 3f1c2a9b0d4e
    ```
    Passing:
    ```yaml
    title: 调查取证中选择性取证      # then `lfk approve AP-2026-07 R-001` after the new meeting
    approval: AP-2026-07
    approved_digest: 8a0e51c2f9d7
    ```
    """
    for r in ctx.unit.risks:
        m = r.model
        if not m.approved_digest:
            continue
        now = risk_digest(m)
        if str(m.approved_digest).strip().lower() != now:
            ap = m.approval or "—"
            yield Report(r.file, r.path + ("approved_digest",),
                         T(f"风险 {m.id} 在集体审定（{ap}）后内容已改变（摘要 {m.approved_digest} ≠ {now}），需重新集体审定",
                           f"the risk {m.id} changed after its approval {ap} (digest {m.approved_digest} ≠ {now}): "
                           "it needs a new collective approval (需重新集体审定)"),
                         T("经领导班子重新审定后运行 lfk approve AP-ID " + m.id,
                           f"after the leadership approves it again, run lfk approve AP-ID {m.id}"))

