"""DOT text of a 权力运行流程图: the ``flow`` layout (top to bottom) and the three-column ``columns`` layout.

Labels are HTML-like (``<...>``) built only from ``escape.html_text``; node names are generated
(``s0``, ``r0`` ...), never taken from the register, so no text can add nodes or attributes.

A chart's body (everything but its title) is built once per ``body_key`` (the plain values it is drawn
from): the charts of one flow in many units differ only in their titles.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from lfk.model.base import TimeLimit
from lfk.model.disclosure import INTERNAL, PUBLIC, Audience
from lfk.model.items import Authority, Flow, Measure, Risk, Step
from lfk.model.text import days_text
from lfk.model.vocab import DUTY_COLORS, GRADE_COLORS, GRADE_TINTS, GRADES, NO_GRADE_COLOR, NO_GRADE_TINT, grade_rank
from lfk.register import Item, Register, UnitData
from lfk.render.escape import char_width, html_text, html_wrapped, safe_id
from lfk.render.paths import LongestPath, back_edges, convert_days, longest_path

FONT = "Noto Sans CJK SC"
FONT_FALLBACKS = ("Source Han Sans SC", "PingFang SC", "Microsoft YaHei", "Hiragino Sans GB", "WenQuanYi Micro Hei",
                  "sans-serif")
"""Where ``FONT`` is missing, the CJK fonts of other systems (macOS, Windows, Linux) a viewer of the SVG
falls back to (graphviz writes ``FONT`` alone; the renderer adds these), as the site's stylesheet does."""
SUPERVISION_COLOR = "#6a1b9a"
SUPERVISION_TINT = "#f3e5f5"
COLLECTIVE_COLOR = "#00695c"
COLLECTIVE_TINT = "#e0f2f1"
LINE = "#455a64"
MUTED = "#607d8b"
BACK_COLOR = "#8d6e63"
STEP_WIDTH = 13  # CJK characters per line in a step box
RISK_WIDTH = 16
MEASURE_WIDTH = 20

WORDS = {
    "zh": {
        "start": "开始", "end": "结束", "actor": "承办", "limit": "法定时限", "promised": "承诺时限",
        "conditions": "条件", "supervision": "监察点", "collective": "集体决策", "decision": "判断",
        "decision_legend": "判断", "limit_title": "法定时限",
        "legend": "图例", "step": "办理环节", "risk": "廉政风险点", "measure": "防控措施", "flow": "工作流程",
        "loop": "虚线箭头：退回（回路）", "branch": "分支条件", "longest": "最长办理路径",
        "total": "合计", "statutory": "法定时限", "within": "未超出", "over": "超出",
        "no_limit": "未设法定时限", "missing": "个环节未设时限，按 0 日计", "chart": "权力运行流程图", "none": "—",
        "ungraded": "未定级", "power_risks": "职权层面风险", "standard": "标准流程",
        "sep": "：", "list_sep": "、",
    },
    "en": {
        "start": "Start", "end": "End", "actor": "By", "limit": "Limit", "promised": "Promised",
        "conditions": "If", "supervision": "Supervision", "collective": "Collective decision",
        "decision": "?", "decision_legend": "decision", "limit_title": "Statutory limit", "legend": "Legend", "step": "Step", "risk": "Integrity risks", "measure": "Measures",
        "flow": "Workflow", "loop": "dashed arrow: sent back (loop)", "branch": "branch condition",
        "longest": "Longest path", "total": "total", "statutory": "statutory limit", "within": "within",
        "over": "over by", "no_limit": "no statutory limit", "missing": "step(s) without a limit, counted as 0",
        "chart": "Power flowchart", "none": "—", "ungraded": "ungraded", "power_risks": "Power-level risks",
        "standard": "standard flow", "sep": ": ", "list_sep": ", ",
    },
}


def _w(lang: str) -> dict:
    return WORDS["en" if lang == "en" else "zh"]


def fmt_days(days: float, kind: str, lang: str) -> str:
    """Whole days (``约``/``~`` when rounded): ``lfk.model.text.days_text``."""
    return days_text(days, kind, lang, whole=True)


def fmt_limit(limit: TimeLimit, lang: str) -> str:
    """A time limit in whole days."""
    return fmt_days(limit.days, limit.kind, lang)


@dataclass
class FlowContext:
    """What one drawing needs: the flow, the unit's posts, the risks and measures on each step."""

    flow: Flow
    unit: UnitData
    authority: Authority | None
    users: list[Authority]
    risks_by_step: dict[str, list[Risk]] = field(default_factory=dict)
    power_risks: list[Risk] = field(default_factory=list)
    measures_by_risk: dict[str, list[Measure]] = field(default_factory=dict)
    public: bool = False

    def post_name(self, post_id: str | None) -> str:
        """The name of a post of the unit (its id when unknown; empty for an internal post when public)."""
        return self.audience.post(self.unit.posts.get(post_id) if post_id else None, post_id) or ""

    @property
    def audience(self) -> Audience:
        """The audience this drawing is for (``lfk.model.disclosure``)."""
        return Audience(PUBLIC if self.public else INTERNAL)


def build_context(unit: UnitData, flow: Flow, authority: Authority | None, public: bool = False) -> FlowContext:
    """Collect the risks of the unit whose power runs on ``flow``, by step, and their measures.

    ``public``: only what may be published (``lfk.model.disclosure``: public powers, risks and measures
    set ``disclosure: public``; internal posts are not named).
    """
    aud = Audience(PUBLIC if public else INTERNAL)
    users = [a.model for a in unit.authorities if a.model.flow_id == flow.id and aud.power(a.model)]
    if authority is not None and not aud.power(authority):
        authority = None  # an internal power is never named to the public
    if authority is not None and authority not in users:
        users.insert(0, authority)
    user_ids = {a.id for a in users}
    step_ids = {s.id for s in flow.steps}
    ctx = FlowContext(flow, unit, authority or (users[0] if users else None), users, public=public)
    for item in unit.risks:
        r = item.model
        if r.authority not in user_ids or not aud.risk(r):
            continue
        on = [s for s in r.steps if s in step_ids]
        if not on:
            if not r.steps:
                ctx.power_risks.append(r)
            continue
        for sid in dict.fromkeys(on):
            ctx.risks_by_step.setdefault(sid, []).append(r)
    for m in unit.measures:
        if not aud.measure(m.model):
            continue
        for rid in dict.fromkeys(m.model.risks):
            ctx.measures_by_risk.setdefault(rid, []).append(m.model)
    return ctx


class Dot:
    """A tiny DOT writer: every attribute value is either a quoted safe token or an HTML-like label."""

    def __init__(self, name: str) -> None:
        self.lines: list[str] = [f'digraph "{safe_id(name)}" {{']

    @staticmethod
    def attrs(**kw: object) -> str:
        """``[k="v", label=<...>]``: values starting with ``<`` are HTML labels (already escaped)."""
        parts = []
        for k, v in kw.items():
            if v is None:
                continue
            if isinstance(v, bool):
                v = "true" if v else "false"
            s = str(v)
            if k in ("label", "xlabel", "headlabel", "taillabel") and s.startswith("<"):
                parts.append(f"{k}=<{s[1:-1]}>" if s.endswith(">") else f"{k}=<{s}>")
            else:
                s = s.replace("\\", "\\\\").replace('"', '\\"').replace("\n", " ")
                parts.append(f'{k}="{s}"')
        return "[" + ", ".join(parts) + "]"

    def add(self, line: str) -> None:
        """Append a raw line (only ever built from generated names)."""
        self.lines.append("  " + line)

    def node(self, name: str, **kw: object) -> None:
        """A node."""
        self.add(f"{name} {self.attrs(**kw)}")

    def edge(self, a: str, b: str, **kw: object) -> None:
        """An edge."""
        self.add(f"{a} -> {b} {self.attrs(**kw)}" if kw else f"{a} -> {b}")

    def text(self) -> str:
        """The finished DOT text."""
        return "\n".join([*self.lines, "}", ""])


def _header(dot: Dot, title: str, rankdir: str = "TB") -> None:
    dot.add(Dot.attrs(fontname=FONT, rankdir=rankdir, newrank=True, nodesep=0.35, ranksep=0.4, pad=0.35,
                      bgcolor="white", labelloc="t", labeljust="c", label=title).replace("[", "graph [", 1))
    dot.add("node " + Dot.attrs(fontname=FONT, fontsize=11, shape="plain", color=LINE, fontcolor="#263238"))
    dot.add("edge " + Dot.attrs(fontname=FONT, fontsize=10, color=LINE, arrowsize=0.8, fontcolor="#37474f",
                                penwidth=1.2))


_TITLE_ATTRS = ', labelloc="t", labeljust="c", label=<'
BODY_NAME = "lfk-body"


def split_title(dot: str) -> tuple[str, str] | None:
    """A chart ``_header`` wrote (top to bottom, title on top) as two graphs graphviz draws apart: the
    title (the graph's name and attributes, no node) and the body (the graph without its label, under
    the fixed name ``BODY_NAME``, so the charts of one flow in many units, which differ only in their
    title, share one body). None for any other DOT.

    dot lays out the nodes without the graph label and then makes room for it (above, and as wide as the
    wider of the two); ``lfk.render.engine.join_title`` puts the two drawings back together that way.
    """
    first, sep, rest = dot.partition("\n")
    second, sep2, body = rest.partition("\n")
    if not (sep and sep2 and first.startswith('digraph "') and first.endswith('" {')
            and second.startswith('  graph [fontname=') and 'rankdir="TB"' in second and second.endswith(">]")
            and second.count(_TITLE_ATTRS) == 1):
        return None
    graph = second[:second.index(_TITLE_ATTRS)] + "]"
    return f"{first}\n{second}\n}}\n", f'digraph "{BODY_NAME}" {{\n{graph}\n{body}'


def _title(ctx: FlowContext, register: Register, lang: str, standard: bool) -> str:
    w = _w(lang)
    power = ctx.authority
    gap = " — " if lang == "en" else "\u3000"
    head = f"{ctx.unit.name}{gap}{power.name if power else ctx.flow.name}"
    ident = f"{ctx.flow.id}{w['list_sep']}{w['standard']}" if standard else ctx.flow.id
    sub: list[str] = [f"{w['chart']}{w['sep']}{ctx.flow.name}（{ident}）" if lang != "en"
                      else f"{w['chart']}{w['sep']}{ctx.flow.name} ({ident})"]
    if power is not None:
        lim = (fmt_limit(power.time_limit, lang) if power.time_limit is not None else w["no_limit"])
        sub.append(f"{w['limit_title']}{w['sep']}{lim}" if power.time_limit is not None else lim)
        if len(ctx.users) > 1:
            others = w["list_sep"].join(a.name for a in ctx.users if a is not power)
            sub.append(("同一流程亦用于：" if lang != "en" else "also used by: ") + others)
    subline = "<BR/>".join(html_wrapped(s, 48) for s in sub)
    return (f'<<TABLE BORDER="0" CELLPADDING="3" CELLSPACING="0">'
            f'<TR><TD><FONT POINT-SIZE="17"><B>{html_wrapped(head, 40)}</B></FONT></TD></TR>'
            f'<TR><TD><FONT POINT-SIZE="11" COLOR="{MUTED}">{subline}</FONT></TD></TR>'
            f'<TR><TD> </TD></TR></TABLE>>')


def _grade(r: Risk) -> tuple[str, str]:
    g = r.grade or ""
    return GRADE_COLORS.get(g, NO_GRADE_COLOR), GRADE_TINTS.get(g, NO_GRADE_TINT)


def _badge(r: Risk, register: Register, lang: str) -> str:
    color, _ = _grade(r)
    label = register.config.grade_label(r.grade) if r.grade else _w(lang)["ungraded"]
    return (f'<TD BGCOLOR="{color}" ALIGN="CENTER" VALIGN="MIDDLE" ID="risk_{safe_id(r.id)}">'
            f'<FONT COLOR="white"><B>{html_text(r.id)}</B><BR/>{html_text(label)}</FONT></TD>')


def step_label(step: Step, ctx: FlowContext, lang: str, width: int = STEP_WIDTH, fixed: int | None = None) -> str:
    """The HTML-like label of a step box."""
    w = _w(lang)
    colspan = ' COLSPAN="2"'
    border_color = COLLECTIVE_COLOR if step.collective else (SUPERVISION_COLOR if step.supervision else LINE)
    width_attr = f' WIDTH="{fixed}"' if fixed else ""
    rows: list[str] = []
    head_bg = COLLECTIVE_TINT if step.collective else "#eceff1"
    duty = ""
    if step.duty:
        dc = DUTY_COLORS.get(step.duty, MUTED)
        duty = f'<TD BGCOLOR="{dc}" ALIGN="CENTER"><FONT COLOR="white" POINT-SIZE="10">{html_text(step.duty)}</FONT></TD>'
    name_cell = (f'<TD BGCOLOR="{head_bg}" ALIGN="LEFT" BALIGN="LEFT"{width_attr}{"" if duty else colspan}>'
                 f'<FONT POINT-SIZE="9" COLOR="{MUTED}">{html_text(step.id)}</FONT> '
                 f'<B>{html_wrapped(step.name, width)}</B></TD>')
    rows.append(f'<TR>{name_cell}{duty}</TR>')
    if step.collective:
        rows.append(f'<TR><TD{colspan} BGCOLOR="{COLLECTIVE_COLOR}" ALIGN="LEFT">'
                    f'<FONT COLOR="white" POINT-SIZE="10"><B>★ {html_text(w["collective"])}</B></FONT></TD></TR>')
    if step.actor and ctx.post_name(step.actor):
        rows.append(f'<TR><TD{colspan} ALIGN="LEFT" BALIGN="LEFT">{html_text(w["actor"] + w["sep"])}'
                    f'{html_wrapped(ctx.post_name(step.actor), width)}</TD></TR>')
    limits = []
    if step.time_limit is not None:
        limits.append(f"{w['limit']} {fmt_limit(step.time_limit, lang)}")
    if step.promised is not None:
        limits.append(f"{w['promised']} {fmt_limit(step.promised, lang)}")
    if limits:
        rows.append(f'<TR><TD{colspan} ALIGN="LEFT" BALIGN="LEFT"><FONT POINT-SIZE="10">'
                    f'{"<BR/>".join(html_text(x) for x in limits)}</FONT></TD></TR>')
    if step.conditions:
        rows.append(f'<TR><TD{colspan} ALIGN="LEFT" BALIGN="LEFT"><FONT POINT-SIZE="9" COLOR="{MUTED}">'
                    f'{html_wrapped(w["conditions"] + w["sep"] + step.conditions, width + 3)}</FONT></TD></TR>')
    if step.supervision:
        text = w["supervision"] + w["sep"] + w["list_sep"].join(step.supervision)
        rows.append(f'<TR><TD{colspan} BGCOLOR="{SUPERVISION_TINT}" ALIGN="LEFT" BALIGN="LEFT">'
                    f'<FONT COLOR="{SUPERVISION_COLOR}" POINT-SIZE="10">◉ {html_wrapped(text, width + 4)}</FONT></TD></TR>')
    pen = "2" if (step.collective or step.supervision) else "1"
    return (f'<<TABLE BORDER="{pen}" CELLBORDER="0" CELLSPACING="0" CELLPADDING="4" COLOR="{border_color}" '
            f'BGCOLOR="white">{"".join(rows)}</TABLE>>')


def risks_label(risks: list[Risk], register: Register, lang: str, width: int = RISK_WIDTH,
                fixed: int | None = None) -> str:
    """A panel of risk badges (id and grade label in the grade's colour) with their titles."""
    rows = []
    width_attr = f' WIDTH="{fixed}"' if fixed else ""
    for r in risks:
        _, tint = _grade(r)
        rows.append(f'<TR>{_badge(r, register, lang)}<TD BGCOLOR="{tint}" ALIGN="LEFT" BALIGN="LEFT"{width_attr}>'
                    f'{html_wrapped(r.title, width)}</TD></TR>')
    return (f'<<TABLE BORDER="0" CELLBORDER="0" CELLSPACING="2" CELLPADDING="4">{"".join(rows)}</TABLE>>')


def measures_label(measures: list[Measure], lang: str, width: int = MEASURE_WIDTH, fixed: int | None = None) -> str:
    """A panel listing measures (id, kind, description)."""
    w = _w(lang)
    width_attr = f' WIDTH="{fixed}"' if fixed else ""
    rows = []
    for m in measures:
        text = m.description or m.kind
        rows.append(f'<TR><TD BGCOLOR="#e8f5e9" ALIGN="LEFT" VALIGN="TOP"><FONT POINT-SIZE="9" COLOR="#2e7d32">'
                    f'<B>{html_text(m.id)}</B><BR/>{html_text(m.kind)}</FONT></TD>'
                    f'<TD BGCOLOR="#f1f8e9" ALIGN="LEFT" BALIGN="LEFT"{width_attr}>{html_wrapped(text, width)}</TD></TR>')
    if not rows:
        rows.append(f'<TR><TD{width_attr}><FONT COLOR="{MUTED}">{html_text(w["none"])}</FONT></TD></TR>')
    return f'<<TABLE BORDER="0" CELLBORDER="0" CELLSPACING="2" CELLPADDING="4">{"".join(rows)}</TABLE>>'


def _legend_cells(register: Register, lang: str, columns: bool, grades: bool = True) -> str:
    labels = tuple(register.config.grade_label(g) for g in GRADES) if grades else ()
    return _legend_cells_for(labels, lang, columns)


@lru_cache(maxsize=64)
def _legend_cells_for(labels: tuple[str, ...], lang: str, columns: bool) -> str:
    w = _w(lang)
    cells = [f'<TD><B>{html_text(w["legend"])}</B></TD>',
             f'<TD BGCOLOR="#e8f5e9" STYLE="rounded" BORDER="1" COLOR="#2e7d32">{html_text(w["start"])} / '
             f'{html_text(w["end"])}</TD>',
             f'<TD BORDER="1" COLOR="{LINE}" STYLE="rounded">{html_text(w["step"])}</TD>',
             f'<TD BGCOLOR="{COLLECTIVE_COLOR}"><FONT COLOR="white">★ {html_text(w["collective"])}</FONT></TD>',
             f'<TD BGCOLOR="{SUPERVISION_TINT}"><FONT COLOR="{SUPERVISION_COLOR}">◉ {html_text(w["supervision"])}</FONT></TD>']
    if not columns:
        cells.append(f'<TD BGCOLOR="#fff8e1" BORDER="1" COLOR="#f9a825">◇ {html_text(w["decision_legend"])}</TD>')
    cells.append(f'<TD><FONT COLOR="{BACK_COLOR}">{html_text(w["loop"])}</FONT></TD>')
    if labels:
        grades = "".join(f'<TD BGCOLOR="{GRADE_COLORS[g]}"><FONT COLOR="white"><B>{html_text(label)}'
                         f'</B></FONT></TD>' for g, label in zip(GRADES, labels, strict=True))
        cells.append(f'<TD>{html_text(w["risk"])}{html_text(w["sep"])}</TD>{grades}')
    return "".join(cells)


def _path_text(ctx: FlowContext, lang: str) -> tuple[str, str]:
    """Footer text on the longest path and its colour."""
    w = _w(lang)
    power = ctx.authority
    limit = power.time_limit if power is not None else None
    kind = limit.kind if limit is not None else None
    lp: LongestPath = longest_path(ctx.flow, kind)
    names = {s.id: s.name for s in ctx.flow.steps}
    route = " → ".join(names.get(s, s) for s in lp.steps)
    text = f"{w['longest']}{w['sep']}{route}\n{w['total']} {fmt_days(lp.days, lp.kind, lang)}"
    other = "自然日" if lp.kind == "工作日" else "工作日"
    if lp.days:
        conv = fmt_days(convert_days(lp.days, lp.kind, other), other, lang)
        text += f"（{conv}）" if lang != "en" else f" ({conv})"
    color = "#263238"
    if limit is not None:
        text += f"{'；' if lang != 'en' else '; '}{w['statutory']} {fmt_limit(limit, lang)}"
        if lp.days > limit.days + 1e-9:
            text += f"{'，' if lang != 'en' else ', '}✗ {w['over']} {fmt_days(lp.days - limit.days, lp.kind, lang)}"
            color = GRADE_COLORS["高"]
        else:
            text += f"{'，' if lang != 'en' else ', '}✓ {w['within']}"
            color = "#2e7d32"
    else:
        text += f"{'；' if lang != 'en' else '; '}{w['no_limit']}"
    if lp.missing:
        text += (f"（{len(lp.missing)} {w['missing']}）" if lang != "en" else f" ({len(lp.missing)} {w['missing']})")
    return text, color


def _footer(ctx: FlowContext, register: Register, lang: str, columns: bool) -> str:
    w = _w(lang)
    grades = bool(ctx.risks_by_step or ctx.power_risks)  # the grade legend only where grades are drawn
    text, color = _path_text(ctx, lang)
    rows = [f'<TR><TD ALIGN="LEFT" BALIGN="LEFT"><FONT COLOR="{color}">{html_wrapped(text, 64)}</FONT></TD></TR>']
    if ctx.power_risks and not columns:
        badges = "".join(_badge(r, register, lang) for r in ctx.power_risks)
        rows.append(f'<TR><TD ALIGN="LEFT"><TABLE BORDER="0" CELLSPACING="2" CELLPADDING="3"><TR>'
                    f'<TD>{html_text(w["power_risks"] + w["sep"])}</TD>{badges}</TR></TABLE></TD></TR>')
    rows.append(f'<TR><TD ALIGN="LEFT"><TABLE BORDER="0" CELLSPACING="3" CELLPADDING="3"><TR>'
                f'{_legend_cells(register, lang, columns, grades)}</TR></TABLE></TD></TR>')
    return (f'<<TABLE BORDER="1" COLOR="#cfd8dc" CELLBORDER="0" CELLSPACING="0" CELLPADDING="4" '
            f'BGCOLOR="#fafafa">{"".join(rows)}</TABLE>>')


EDGE_LABEL_WIDTH = 9
"""Widest line of a branch condition, in CJK characters."""


def _edge_label(text: str | None, beside: bool = True) -> str | None:
    """A branch condition: on a white ground; ``beside`` an edge (a graphviz edge label, placed right of
    the line) with a clear gap on its left, so the line never touches the text."""
    if not text:
        return None
    gap = '<TD WIDTH="8"></TD>' if beside else ""
    return (f'<<TABLE BORDER="0" CELLBORDER="0" CELLSPACING="0" CELLPADDING="1"><TR>{gap}<TD BGCOLOR="white">'
            f'{html_wrapped(text, _balanced_width(text))}</TD></TR></TABLE>>')


def _balanced_width(text: str) -> float:
    """A wrap width giving lines of about equal length (``变更金额50`` / ``万元以下``, not a last line of
    one character), none wider than ``EDGE_LABEL_WIDTH``."""
    total = sum(char_width(c) for c in text)
    if total <= EDGE_LABEL_WIDTH:
        return EDGE_LABEL_WIDTH
    lines = -(-total // EDGE_LABEL_WIDTH)
    return min(float(EDGE_LABEL_WIDTH), total / lines + 1)


def _branch(dot: Dot, src: str, dst: str, step_id: str, to_id: str, when: str) -> None:
    """A forward branch with its condition drawn on the line: ``src`` — condition → ``dst``. The condition
    is a node of its own that the line enters and leaves, so no line of the chart crosses it (a graphviz
    edge label sits beside its edge's middle, and diagonal lines out of a decision ran over it)."""
    mid = f"w_{src}_{dst}"
    dot.node(mid, id=f"branch_{safe_id(step_id)}_{safe_id(to_id)}", shape="plain", fontsize=10,
             fontcolor="#37474f", label=_edge_label(when, beside=False))
    dot.edge(src, mid, arrowhead="none")
    dot.edge(mid, dst)


def _terminal(dot: Dot, name: str, text: str) -> None:
    dot.node(name, id=name, shape="box", style="rounded,filled", fillcolor="#e8f5e9", color="#2e7d32",
             penwidth=1.5, fontsize=12, margin="0.25,0.06", width=0.9, height=0.36,
             label=f"<<B>{html_text(text)}</B>>")


def flow_dot(register: Register, unit: UnitData, flow_item: Item[Flow] | Flow,
             authority_item: Item[Authority] | Authority | None = None, *,
             layout: str = "flow", lang: str = "zh", public: bool = False) -> str:
    """The DOT text of one flow as unit ``unit`` runs it (its post names, its risks and measures).

    ``layout`` is ``flow`` (top to bottom, risk badges beside the steps) or ``columns`` (the
    three-column chart 工作流程 | 廉政风险点 | 防控措施). ``public=True`` draws only what may be
    published: risks and measures marked ``disclosure: public``, no names of internal posts, no
    internal powers among "also used by".
    """
    flow = flow_item.model if isinstance(flow_item, Item) else flow_item
    authority = authority_item.model if isinstance(authority_item, Item) else authority_item
    if layout not in ("flow", "columns"):
        raise ValueError(f"unknown layout {layout!r}")
    ctx = build_context(unit, flow, authority, public)
    dot = Dot(f"{unit.id}.{flow.id}")
    standard = (not any(it.model is flow for it in unit.flows.values())
                and any(it.model is flow for it in register.std_flows.values()))
    _header(dot, _title(ctx, register, lang, standard))
    return "\n".join(dot.lines) + "\n" + _body_text(ctx, register, lang, layout)


BODY_MEMO = 256
"""How many chart bodies ``_body_text`` keeps (by content) for the next chart of the same flow."""
_bodies: dict[tuple[Any, ...], str] = {}


def body_key(ctx: FlowContext, register: Register, lang: str, layout: str) -> tuple[Any, ...]:
    """Everything a chart's body (all but its title: ``_flow_body`` / ``_columns_body``) is drawn from,
    as plain values: the flow as written, the name each step's post shows (for this audience), the
    power's time limit (the footer's longest path), the risks and measures drawn, the grade labels.
    One flow used by the powers of many units has one key (the title names the unit and the power)."""
    power = ctx.authority
    limit = power.time_limit if power is not None else None
    return (layout, lang, ctx.flow.model_dump_json(),
            tuple(ctx.post_name(s.actor) if s.actor else "" for s in ctx.flow.steps),
            limit.model_dump_json() if limit is not None else None,
            tuple((sid, tuple(r.model_dump_json() for r in rs)) for sid, rs in ctx.risks_by_step.items()),
            tuple(r.model_dump_json() for r in ctx.power_risks),
            tuple((rid, tuple(m.model_dump_json() for m in ms)) for rid, ms in ctx.measures_by_risk.items())
            if layout == "columns" else (),
            tuple(register.config.grade_label(g) for g in GRADES))


def _body_text(ctx: FlowContext, register: Register, lang: str, layout: str) -> str:
    """The chart's DOT after its header, to the closing brace: drawn once per ``body_key`` (the last
    ``BODY_MEMO`` kept), so the charts of one flow in many units build it once."""
    key = body_key(ctx, register, lang, layout)
    text = _bodies.pop(key, None)
    if text is None:
        dot = Dot("")
        (_columns_body if layout == "columns" else _flow_body)(dot, ctx, register, lang)
        text = "\n".join([*dot.lines[1:], "}", ""])
        if len(_bodies) >= BODY_MEMO:
            del _bodies[next(iter(_bodies))]
    _bodies[key] = text  # the most recent last
    return text


def _step_names(flow: Flow) -> dict[str, str]:
    names: dict[str, str] = {}
    for i, s in enumerate(flow.steps):
        names.setdefault(s.id, f"s{i}")
    return names


def _flow_body(dot: Dot, ctx: FlowContext, register: Register, lang: str) -> None:
    w = _w(lang)
    flow = ctx.flow
    names = _step_names(flow)
    back = back_edges(flow)
    _terminal(dot, "start", w["start"])
    has_end = False
    for i, step in enumerate(flow.steps):
        n = f"s{i}"
        if names[step.id] != n:
            continue  # a duplicate step id: drawn once
        dot.node(n, id=f"step_{safe_id(step.id)}", group="main", label=step_label(step, ctx, lang))
        risks = ctx.risks_by_step.get(step.id)
        if risks:
            color = _grade(max(risks, key=lambda r: grade_rank(r.grade)))[0]
            dot.node(f"r{i}", id=f"risks_{safe_id(step.id)}", label=risks_label(risks, register, lang))
            dot.edge(n, f"r{i}", style="dashed", arrowhead="none", color=color, penwidth=1.2, weight=10)
            dot.add(f"{{rank=same; {n}; r{i}}}")
    if flow.steps:
        dot.edge("start", names[flow.steps[0].id])
    for i, step in enumerate(flow.steps):
        n = f"s{i}"
        if names[step.id] != n:
            continue
        edges = [e for e in step.edges() if e.to in names]
        src = n
        if len(edges) > 1:
            src = f"d{i}"
            dot.node(src, id=f"decision_{safe_id(step.id)}", shape="diamond", style="filled", fillcolor="#fff8e1",
                     color="#f9a825", width=0.75, height=0.5, fixedsize=True, fontsize=10,
                     label=f"<{html_text(w['decision'])}>")
            dot.edge(n, src)
        for e in edges:
            if e.when and (step.id, e.to) not in back:
                _branch(dot, src, names[e.to], step.id, e.to, e.when)
                continue
            attrs: dict[str, object] = {"label": _edge_label(e.when)}
            if (step.id, e.to) in back:
                attrs.update(style="dashed", color=BACK_COLOR, fontcolor=BACK_COLOR)
            dot.edge(src, names[e.to], **attrs)
        if step.end or not step.edges():
            dot.edge(n, "end")
            has_end = True
    if has_end or not flow.steps:
        _terminal(dot, "end", w["end"])
    dot.node("footer", id="legend", label=_footer(ctx, register, lang, columns=False))
    dot.add("{rank=sink; footer}")
    if has_end:
        dot.edge("end", "footer", style="invis")


def _columns_body(dot: Dot, ctx: FlowContext, register: Register, lang: str) -> None:
    w = _w(lang)
    flow = ctx.flow
    names = _step_names(flow)
    back = back_edges(flow)
    col_w = {"s": 200, "r": 230, "m": 300}
    head_attrs = dict(shape="box", style="filled", fillcolor="#37474f", fontcolor="white", fontsize=13, color="#37474f",
                      height=0.4)
    dot.node("h_s", id="col_flow", width=col_w["s"] / 72, label=f"<<B>{html_text(w['flow'])}</B>>", **head_attrs)
    dot.node("h_r", id="col_risk", width=col_w["r"] / 72 + 0.9, label=f"<<B>{html_text(w['risk'])}</B>>",
             **head_attrs)
    dot.node("h_m", id="col_measure", width=col_w["m"] / 72 + 0.9, label=f"<<B>{html_text(w['measure'])}</B>>",
             **head_attrs)
    dot.add("{rank=same; h_s; h_r; h_m}")
    dot.edge("h_s", "h_r", style="invis")
    dot.edge("h_r", "h_m", style="invis")
    _terminal(dot, "start", w["start"])
    dot.add("{rank=same; start; c_r_start; c_m_start}")
    dot.node("c_r_start", style="invis", shape="point", width=0.01)
    dot.node("c_m_start", style="invis", shape="point", width=0.01)
    dot.edge("h_s", "start", style="invis", weight=20)
    dot.edge("h_r", "c_r_start", style="invis", weight=20)
    dot.edge("h_m", "c_m_start", style="invis", weight=20)
    prev = ("start", "c_r_start", "c_m_start")
    rows = [(i, s) for i, s in enumerate(flow.steps) if names[s.id] == f"s{i}"]
    for i, step in rows:
        n = f"s{i}"
        risks = ctx.risks_by_step.get(step.id, [])
        measures: list[Measure] = []
        for r in risks:
            for m in ctx.measures_by_risk.get(r.id, []):
                if m not in measures:
                    measures.append(m)
        dot.node(n, id=f"step_{safe_id(step.id)}", label=step_label(step, ctx, lang, fixed=col_w["s"]))
        if risks:
            dot.node(f"r{i}", id=f"risks_{safe_id(step.id)}",
                     label=risks_label(risks, register, lang, fixed=col_w["r"]))
            dot.node(f"m{i}", id=f"measures_{safe_id(step.id)}", label=measures_label(measures, lang, fixed=col_w["m"]))
            color = _grade(max(risks, key=lambda r: grade_rank(r.grade)))[0]
            dot.edge(n, f"r{i}", style="dashed", arrowhead="none", color=color)
            dot.edge(f"r{i}", f"m{i}", style="dashed", arrowhead="none", color="#2e7d32")
        else:
            dot.node(f"r{i}", style="invis", shape="point", width=0.01)
            dot.node(f"m{i}", style="invis", shape="point", width=0.01)
            dot.edge(n, f"r{i}", style="invis")
            dot.edge(f"r{i}", f"m{i}", style="invis")
        dot.add(f"{{rank=same; {n}; r{i}; m{i}}}")
        for a, b in zip(prev, (n, f"r{i}", f"m{i}"), strict=True):
            dot.edge(a, b, style="invis", weight=20)
        prev = (n, f"r{i}", f"m{i}")
    order = {s.id: k for k, (_, s) in enumerate(rows)}
    if rows:
        dot.edge("start", names[rows[0][1].id], constraint=False)
    for k, (i, step) in enumerate(rows):
        n = f"s{i}"
        for e in step.edges():
            if e.to not in names:
                continue
            attrs: dict[str, object] = {"label": _edge_label(e.when)}
            to = order.get(e.to, 0)
            if abs(to - k) > 1:
                attrs["xlabel"] = attrs.pop("label")  # an external label does not bend a long route
            if (step.id, e.to) in back or to <= k:
                # drawn downwards from the target with the arrow at its head: routes like a forward edge
                attrs.update(style="dashed", color=BACK_COLOR, fontcolor=BACK_COLOR, dir="back")
                dot.edge(names[e.to], n, **attrs)
            else:
                dot.edge(n, names[e.to], **attrs)
    _terminal(dot, "end", w["end"])
    dot.node("c_r_end", style="invis", shape="point", width=0.01)
    dot.node("c_m_end", style="invis", shape="point", width=0.01)
    dot.add("{rank=same; end; c_r_end; c_m_end}")
    for a, b in zip(prev, ("end", "c_r_end", "c_m_end"), strict=True):
        dot.edge(a, b, style="invis", weight=20)
    for i, step in rows:
        if step.end or not step.edges():
            dot.edge(f"s{i}", "end")
    dot.node("footer", id="legend", label=_footer(ctx, register, lang, columns=True))
    dot.add("{rank=sink; footer}")
    dot.edge("c_r_end", "footer", style="invis")


def iter_flows(register: Register, unit: UnitData,
               public: bool = False) -> Iterable[tuple[str, Item[Flow], Item[Authority] | None, bool]]:
    """The flows to draw for a unit: each of its own flows once, each standard flow it uses once.

    Yields (flow id as its file is named, flow, the first power using it or None, is_standard), by id.
    ``public``: only flows a public power runs on, with that power (``lfk.model.disclosure``).
    """
    aud = Audience(PUBLIC if public else INTERNAL)
    users: dict[str, Item[Authority]] = {}
    for a in unit.authorities:
        if aud.power(a.model):
            users.setdefault(a.model.flow_id, a)
    out: list[tuple[str, Item[Flow], Item[Authority] | None, bool]] = []
    for fid, item in unit.flows.items():
        if public and fid not in users:
            continue  # a flow no public power runs on is not published
        out.append((fid, item, users.get(fid), False))
    for fid, a in users.items():
        if fid not in unit.flows and fid in register.std_flows:
            out.append((fid, register.std_flows[fid], a, True))
    out.sort(key=lambda t: t[0])
    return out
