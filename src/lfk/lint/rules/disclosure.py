"""LFK7xx — disclosure (clause 10) and data protection: what the public site shows must be fit to show.

The public site (`lfk site --audience public`) shows: lfk.yaml's `name` and `disclosure` texts; each
unit's name, contact and the names of its posts not marked `internal`; for every public power its
name, content, subject, legal basis and time limits, its flow (names, conditions, supervision,
branch labels) and its discretion benchmark. Standard flows of the root `flows/` are shared and
published, so they are checked once, in their own file.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Iterator
from typing import Any

from lfk.core.i18n import T, Text
from lfk.lint.context import RegisterContext, UnitContext
from lfk.lint.registry import Report, rule
from lfk.loader import LoadedFile
from lfk.model.items import Fine, Flow

# a mainland mobile number: 1[3-9] and 9 more digits (3-4-4 with an optional separator: - . space or a
# dash), no longer digit run, optionally after the country code (86, +86, 0086, (+86), with or without
# a separator)
_SEP = "[-.\u2010-\u2015 ]?"
MOBILE_RE = re.compile(rf"(?<![\d+])(?:\(?(?:\+|00)? ?86\)?{_SEP})?(1[3-9]\d){_SEP}(\d{{4}}){_SEP}(\d{{4}})(?!\d)")
# an 18-digit resident ID: 17 digits and a check character (digit or X), checksum verified
RESIDENT_ID_RE = re.compile(r"(?<![0-9A-Za-z])(\d{17}[0-9Xx])(?![0-9A-Za-z])")
_MAYBE_PERSONAL = re.compile(r"@|1[3-9]\d|\d{17}")  # what each pattern below needs: @, a mobile's prefix, 17 digits
EMAIL_RE = re.compile(r"(?<![A-Za-z0-9._%+-])([A-Za-z0-9._%+-]+)@([A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,})")
# local parts of role mailboxes, not of a person (举报, 信访, office...)
ROLE_MAILBOXES = frozenset({"jubao", "jb", "xinfang", "office", "admin", "info", "contact", "service"})
_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"


def resident_id_ok(s: str) -> bool:
    """Whether ``s`` (18 characters) carries a valid GB 11643 check character."""
    total = sum(int(c) * w for c, w in zip(s[:17], _ID_WEIGHTS, strict=True))
    return _ID_CHECK[total % 11] == s[17].upper()


def personal_data(text: str) -> list[tuple[str, str, str]]:
    """Personal data found in ``text``: (kind zh, kind en, masked value) for each hit.

    Mobile numbers, 18-digit resident IDs with a valid checksum, and e-mail addresses whose local
    part is not a role mailbox (`ROLE_MAILBOXES`). Hotlines like 12388 and landlines are not matched.
    The text is read in NFKC form first, so full-width digits, ＋ and ＠ count as their ASCII forms.
    """
    if not unicodedata.is_normalized("NFKC", text):  # the quick test first: most text is already NFKC
        text = unicodedata.normalize("NFKC", text)
    out: list[tuple[str, str, str]] = []
    if _MAYBE_PERSONAL.search(text) is None:
        return out
    ids = []
    for m in RESIDENT_ID_RE.finditer(text):
        if resident_id_ok(m.group(1)):
            ids.append(m.span(1))
            v = m.group(1)
            out.append(("身份证号码", "a resident ID number", v[:4] + "*" * 12 + v[-2:]))
    for m in MOBILE_RE.finditer(text):
        if any(a <= m.start() < b for a, b in ids):
            continue
        out.append(("手机号码", "a mobile number", m.group(1) + "****" + m.group(3)))
    for m in EMAIL_RE.finditer(text):
        local, domain = m.group(1), m.group(2)
        if local.lower() in ROLE_MAILBOXES:
            continue
        out.append(("个人电子邮箱", "a personal e-mail address", local[:1] + "***@" + domain))
    return out


def _scan(lf: LoadedFile, fields: Iterable[tuple[tuple[Any, ...], Any]], where: Text) -> Iterator[Report]:
    texts = [(path, value) for path, value in fields if isinstance(value, str) and value]
    if not texts:
        return
    joined = "\n".join(value for _, value in texts)  # one test for all: NFKC and the pre-filter stop at a line break
    if not unicodedata.is_normalized("NFKC", joined):
        joined = unicodedata.normalize("NFKC", joined)
    if _MAYBE_PERSONAL.search(joined) is None:
        return
    for path, value in texts:
        for kzh, ken, masked in personal_data(value):
            yield Report(lf, path, T(f"{where.zh}含有{kzh} {masked}，会在公开网站上显示（第10条，个人信息保护）",
                                     f"{where.en} holds {ken} ({masked}) that the public site would show "
                                     "(clause 10, personal data)"),
                         T("请删除个人联系方式，只公开单位监督举报电话（如 12388）或单位公共邮箱",
                           "remove personal contact data; publish only the unit's hotline (e.g. 12388) or a role mailbox"))


def _flow_fields(flow: Flow) -> Iterator[tuple[tuple[Any, ...], Any]]:
    yield ("name",), flow.name
    yield ("description",), flow.description
    for i, s in enumerate(flow.steps):
        yield ("steps", i, "name"), s.name
        yield ("steps", i, "conditions"), s.conditions
        for k, sup in enumerate(s.supervision):
            yield ("steps", i, "supervision", k), sup
        for k, e in enumerate(s.next):
            if not isinstance(e, str):
                yield ("steps", i, "next", k, "when"), e.when


def _fine_fields(path: tuple[Any, ...], fine: Fine) -> list[tuple[tuple[Any, ...], Any]]:
    """The text fields of a fine range the site shows: its unit and the base of a multiple."""
    return [(path + ("unit",), fine.unit), (path + ("of",), fine.of)]


@rule("LFK701", severity="error", scope="register+unit", clause="10",
      title_zh="公开字段含个人信息", title_en="personal data in a field the public site shows")
def personal_data_in_public(ctx: RegisterContext | UnitContext) -> Iterator[Report]:
    """Personal data in a field that the public site shows: a mainland mobile number, an 18-digit resident ID, an e-mail address of a person. / 公开内容中含有个人信息。

    Clause 10 asks powers, flows and benchmarks to be published; the people doing the work keep their
    personal data. Found: mobile numbers (1[3-9] + 9 digits, not inside a longer number, also after
    +86 or 0086; full-width digits and ＠ count as ASCII ones), 18-digit
    resident IDs whose check character is right, and e-mail addresses except role mailboxes (local
    part jubao, jb, xinfang, office, admin, info, contact or service). Unit hotlines (12388) and
    landlines are fine. Checked: lfk.yaml's name and disclosure texts, unit names and contacts, post
    names (except `internal` posts), public powers' texts, their flows and benchmarks (every text the
    site shows: violation, basis, tier level, circumstances, penalties, the unit and base (`of`) of
    the statutory and tier fines), standard flows.
    The message shows the value masked.
    指导意见第10条要求公开职权目录、流程图和裁量基准，但不得公开个人信息：手机号码、身份证号码、
    个人电子邮箱。单位监督举报电话（如 12388）、座机和举报邮箱等公共邮箱不在此列。

    Failing:
    ```yaml
    content: 从事食品经营活动应当依法取得许可。咨询请联系王科长13812345678。
    ```
    Passing:
    ```yaml
    content: 从事食品经营活动应当依法取得许可。咨询电话 0571-12345678，监督举报电话 12388。
    ```
    """
    if isinstance(ctx, RegisterContext):
        cfg = ctx.register.config
        lf = ctx.register.config_file
        d = cfg.disclosure
        yield from _scan(lf, [(("name",), cfg.name), (("disclosure", "site_title"), d.site_title),
                              (("disclosure", "contact"), d.contact), (("disclosure", "footer"), d.footer)],
                         T("登记册设置", "lfk.yaml"))
        for fid, item in sorted(ctx.register.std_flows.items()):
            yield from _scan(item.file, _flow_fields(item.model), T(f"标准流程 `{fid}` ", f"the standard flow `{fid}`"))
        return
    ud = ctx.unit
    if ud.unit is not None and ud.unit_file is not None:
        fields: list[tuple[tuple[Any, ...], Any]] = [(("name",), ud.unit.name), (("contact",), ud.unit.contact)]
        fields += [(("posts", i, "name"), p.name) for i, p in enumerate(ud.unit.posts) if not p.internal]
        yield from _scan(ud.unit_file, fields, T("单位信息", "unit.yaml"))
    public_flows: set[str] = set()
    public_powers: set[str] = set()
    for a in ud.authorities:
        m = a.model
        if not m.is_public:
            continue
        public_powers.add(m.id)
        public_flows.add(m.flow_id)
        fields = [(a.path + ("name",), m.name), (a.path + ("content",), m.content), (a.path + ("subject",), m.subject)]
        for k, lb in enumerate(m.legal_basis):
            fields += [(a.path + ("legal_basis", k, "law"), lb.law), (a.path + ("legal_basis", k, "article"), lb.article)]
        yield from _scan(a.file, fields, T(f"公开职权 `{m.id}` ", f"the public power `{m.id}`"))
    for fid, item in sorted(ud.flows.items()):
        if fid in public_flows:
            yield from _scan(item.file, _flow_fields(item.model), T(f"公开职权的流程 `{fid}` ", f"the public flow `{fid}`"))
    for b in ud.benchmarks:
        bm = b.model
        if bm.authority in ctx.authorities_by_id and bm.authority not in public_powers:
            continue  # the benchmark of an internal power is not published
        fields = []
        for i, item in enumerate(bm.items):
            fields += [(("items", i, "violation"), item.violation), (("items", i, "basis"), item.basis)]
            if item.statutory is not None:
                fields += _fine_fields(("items", i, "statutory"), item.statutory)
            for j, tier in enumerate(item.tiers):
                fields.append((("items", i, "tiers", j, "level"), tier.level))
                fields.append((("items", i, "tiers", j, "circumstances"), tier.circumstances))
                fields += [(("items", i, "tiers", j, "penalty", k), p) for k, p in enumerate(tier.penalty)]
                if tier.fine is not None:
                    fields += _fine_fields(("items", i, "tiers", j, "fine"), tier.fine)
        yield from _scan(b.file, fields, T(f"裁量基准 `{bm.authority}` ", f"the benchmark of `{bm.authority}`"))


@rule("LFK702", severity="error", scope="unit", clause="10",
      title_zh="公开职权会泄露内部事项", title_en="a public power would leak an internal item")
def internal_leak(ctx: UnitContext) -> Iterator[Report]:
    """A public power whose flow or posts would leak an `internal` item onto the public site, or an internal power marked public. / 公开职权会把内部事项带上公开网站。

    Clause 10 publishes external powers and keeps the unit's internal matters internal. Found: a
    power with `internal: true` and `disclosure: public` (a contradiction); a public power whose
    `posts` name a post marked `internal: true`; a public power whose flow has a step done by such a
    post (the flowchart would show it). Sharing a flow with internal powers is fine.
    指导意见第10条要求公开对外职权，内部事项不对外公开。以下情形会泄露内部事项：内部职权标为
    disclosure: public；公开职权的承办岗位或流程环节由标为 internal: true 的内部岗位承担。

    Failing:
    ```yaml
    # unit.yaml: - {id: P-audit, name: 纪检监督岗, internal: true}
    - id: XK-001
      posts: [P-window, P-audit]
    ```
    Passing:
    ```yaml
    - id: XK-001
      posts: [P-window, P-review]
    ```
    """
    posts = ctx.unit.posts
    internal_posts = {pid for pid, p in posts.items() if p.internal}
    seen: set[tuple[str, int, str]] = set()
    for a in ctx.unit.authorities:
        m = a.model
        if m.internal and m.disclosure == "public":
            yield Report(a.file, a.path + ("disclosure",),
                         T(f"职权 `{m.id}` 是内部职权（internal: true），却标为公开（disclosure: public）",
                           f"the power `{m.id}` is internal (internal: true) but marked disclosure: public"),
                         T("内部人财物职权请写 disclosure: internal；确属对外职权的，请去掉 internal: true",
                           "set disclosure: internal for the unit's own powers, or drop internal: true for an external one"))
            continue
        if not m.is_public or not internal_posts:
            continue
        for k, pid in enumerate(m.posts):
            if pid in internal_posts:
                yield Report(a.file, a.path + ("posts", k),
                             T(f"公开职权 `{m.id}` 的承办岗位 `{pid}`（{posts[pid].name}）是内部岗位，会在公开网站上显示",
                               f"the public power `{m.id}` names the internal post `{pid}` ({posts[pid].name}), which "
                               "the public site would show"),
                             T("请换成对外岗位，或把该职权设为 disclosure: internal",
                               "use a public post, or set the power disclosure: internal"), key=False)
        flow, std = ctx.flow_of(m)
        if flow is None:
            continue
        for i, s in enumerate(flow.model.steps):
            if s.actor not in internal_posts:
                continue
            key = (flow.file.rel, i, m.id if std else "")
            if key in seen:
                continue
            seen.add(key)
            msg = T(f"公开职权 `{m.id}` 的流程 `{flow.model.id}` 中，环节 `{s.id}`（{s.name}）由内部岗位 `{s.actor}` 承办，"
                    "流程图会把它公开",
                    f"in the flow `{flow.model.id}` of the public power `{m.id}`, step `{s.id}` ({s.name}) is done by the "
                    f"internal post `{s.actor}`; the public flowchart would show it")
            hint = T("请由对外岗位承办该环节，或为公开职权另设流程", "have a public post do the step, or give the power its own flow")
            if std:
                yield Report(a.file, a.path + ("flow",), msg, hint)
            else:
                yield Report(flow.file, ("steps", i, "actor"), msg, hint)


@rule("LFK703", severity="warning", scope="unit", clause="10",
      title_zh="公开职权缺少内容或时限", title_en="a public power without content or time limit")
def incomplete_public(ctx: UnitContext) -> Iterator[Report]:
    """A public power without `content` or `time_limit`: the public guide would be incomplete. / 公开职权缺少职权内容或办理时限。

    Clause 10 asks the public to be told what each power is and how long it takes.
    指导意见第10条要求向社会公开职权内容和办理时限，缺少任一项，办事指南就不完整。

    Failing:
    ```yaml
    - id: JC-001
      name: 食品安全监督检查
      category: 行政检查
    ```
    Passing:
    ```yaml
    - id: JC-001
      name: 食品安全监督检查
      category: 行政检查
      content: 对食品生产经营者遵守食品安全法律法规情况实施监督检查。
      time_limit: {days: 15, kind: 工作日}
    ```
    """
    for a in ctx.unit.authorities:
        m = a.model
        if not m.is_public:
            continue
        missing = [(zh, en) for ok, zh, en in ((m.content, "职权内容 content", "content"),
                                               (m.time_limit, "办理时限 time_limit", "time_limit")) if not ok]
        if missing:
            yield Report(a.file, a.path, T(f"公开职权 `{m.id}` 缺少" + "和".join(z for z, _ in missing) + "，公开的办事指南不完整（第10条）",
                                           f"the public power `{m.id}` has no " + " and no ".join(e for _, e in missing)
                                           + ": the public guide would be incomplete (clause 10)"),
                         T("请补充职权内容和办理时限", "add content and time_limit"))
