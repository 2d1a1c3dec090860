"""Flowcharts for the site: DOT text (through ``lfk.render`` when it offers what the site needs, else a
minimal builder of our own) and SVG made fit to be inlined into a page.

The public DOT never carries risks, measures or internal posts: it always comes from the site's own
builder, which only draws what it is given (``lfk.render.flow_dot`` draws the internal site's charts).
Every text is escaped for DOT here and for XML by graphviz.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from markupsafe import escape

from lfk.core.errors import InputError
from lfk.model.vocab import GRADE_COLORS, GRADE_TINTS, worst_grade
from lfk.render import flow_dot, render_dots
from lfk.site.words import GRADE_EN, pick

FONT = "Noto Sans CJK SC"


def dot_str(text: object) -> str:
    """A DOT quoted string: backslashes, quotes and line breaks escaped (so ``\\N`` stays literal)."""
    s = str(text)
    s = s.replace("\\", "\\\\").replace('"', '\\"')
    s = s.replace("\r\n", "\n").replace("\r", "\n").replace("\n", "\\n")
    return f'"{s}"'


@dataclass
class StepView:
    """What a flowchart node shows (already filtered for the audience)."""

    id: str
    name: str
    actor: str | None = None
    duty: str | None = None
    time_limit: str | None = None
    promised: str | None = None
    supervision: list[str] = field(default_factory=list)
    collective: bool = False
    end: bool = False
    edges: list[tuple[str, str | None]] = field(default_factory=list)  # (to step id, when)
    risks: list[tuple[str, str | None]] = field(default_factory=list)  # (risk id, grade) - internal only


def _wrap_words(line: str, width: int) -> list[str]:
    """Break ``line`` at spaces (English wording): a CJK character counts as one unit of ``width``,
    any other character as half of one; a word longer than a line is cut."""
    units = width * 2
    out: list[str] = []
    cur, cur_w = "", 0
    for tok in re.findall(r"[\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef]|[^\s\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef]+|\s+",
                          line):
        if tok.isspace():
            if cur:
                cur, cur_w = cur + " ", cur_w + 1
            continue
        w = sum(2 if ord(ch) >= 0x2E80 else 1 for ch in tok)
        if cur and cur_w + w > units:
            out.append(cur.rstrip())
            cur, cur_w = "", 0
        while w > units:  # a single over-long word
            out.append(tok[:units])
            tok = tok[units:]
            w = sum(2 if ord(ch) >= 0x2E80 else 1 for ch in tok)
        cur, cur_w = cur + tok, cur_w + w
    out.append(cur.rstrip())
    return out


def html_text(text: object, width: int = 18, *, words: bool = False) -> str:
    """Text for a graphviz HTML-like label: entities escaped, long lines wrapped with ``<BR/>`` (every
    ``width`` characters; with ``words``, at spaces)."""
    out = []
    for line in str(text).replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        if words:
            out.extend(_wrap_words(line, width))
            continue
        chunks = [line[i:i + width] for i in range(0, len(line), width)] or [""]
        out.extend(chunks)
    esc = [c.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")
           .replace("'", "&#39;") for c in out]
    return "<BR/>".join(esc)


DUTY_COLOURS = {"受理": "#546e7a", "审查": "#5d4037", "决定": "#c62828", "执行": "#2e7d32", "监督": "#6a1b9a",
                "其他": "#455a64"}


def _node_label(s: StepView, show_risks: bool, lang: str = "zh") -> str:
    words = lang == "en"  # English wording wraps at spaces
    limit_sep = "\n" if words else " · "
    duty = ""
    if s.duty:
        duty = (f'<TD BGCOLOR="{DUTY_COLOURS.get(s.duty, "#455a64")}" ALIGN="RIGHT">'
                f'<FONT COLOR="#ffffff" POINT-SIZE="9">{html_text(s.duty)}</FONT></TD>')
    span = ' COLSPAN="2"' if duty else ""
    rows = [f'<TR><TD ALIGN="LEFT"><B>{html_text(s.name)}</B></TD>{duty}</TR>']
    if s.collective:
        rows.append(f'<TR><TD ALIGN="LEFT" BGCOLOR="#ede7f6"{span}><FONT COLOR="#4527a0" POINT-SIZE="9">'
                    f"★ {pick(lang, '集体决策', 'Collective decision')}</FONT></TD></TR>")
    if s.actor:
        rows.append(f'<TR><TD ALIGN="LEFT"{span}>{pick(lang, "承办：", "Actor: ")}{html_text(s.actor)}</TD></TR>')
    limits = []
    if s.time_limit:
        limits.append(f"{pick(lang, '法定时限', 'Statutory limit')} {s.time_limit}")
    if s.promised:
        limits.append(f"{pick(lang, '承诺', 'Promised')} {s.promised}")
    if limits:
        rows.append(f'<TR><TD ALIGN="LEFT"{span}><FONT POINT-SIZE="9" COLOR="#37474f">'
                    f'{html_text(limit_sep.join(limits), 24, words=words)}</FONT></TD></TR>')
    if s.supervision:
        rows.append(f'<TR><TD ALIGN="LEFT" BGCOLOR="#e8f5e9"{span}><FONT COLOR="#1b5e20" POINT-SIZE="9">'
                    f'◉ {pick(lang, "监督：", "Supervision: ")}{html_text(pick(lang, "、", ", ").join(s.supervision), 16, words=words)}'
                    "</FONT></TD></TR>")
    if show_risks and s.risks:
        text = pick(lang, "、", ", ").join((f"{rid}（{g}）" if lang != "en" else f"{rid} ({GRADE_EN.get(g, g)})") if g else rid
                                          for rid, g in s.risks)
        rows.append(f'<TR><TD ALIGN="LEFT" BGCOLOR="#ffebee"{span}><FONT COLOR="#b71c1c" POINT-SIZE="9">'
                    f"{pick(lang, '风险：', 'Risks: ')}{html_text(text, 16, words=words)}</FONT></TD></TR>")
    return ('<<TABLE BORDER="0" CELLBORDER="0" CELLSPACING="0" CELLPADDING="3">' + "".join(rows) + "</TABLE>>")


def build_dot(title: str, steps: Sequence[StepView], *, show_risks: bool = False, lang: str = "zh") -> str:
    """A top-to-bottom 权力运行流程图 in DOT: start, steps (actor, duty, limits, supervision), end.

    Only what ``steps`` carries is drawn (risks only with ``show_risks``); every text is escaped.
    """
    ids = {s.id: f"n{i}" for i, s in enumerate(steps)}
    lines = [
        f"digraph {dot_str(title)} {{",
        "  graph [rankdir=TB, nodesep=0.4, ranksep=0.45, bgcolor=\"transparent\", "
        f"fontname={dot_str(FONT)}, fontsize=12];",
        f"  node [shape=box, style=\"rounded,filled\", fillcolor=\"#ffffff\", color=\"#546e7a\", "
        f"fontname={dot_str(FONT)}, fontsize=11, margin=\"0.05,0.03\"];",
        f"  edge [color=\"#546e7a\", fontname={dot_str(FONT)}, fontsize=10, fontcolor=\"#37474f\", arrowsize=0.7];",
        f"  start [label={dot_str(pick(lang, '开始', 'Start'))}, shape=oval, style=filled, fillcolor=\"#e8f5e9\", "
        "color=\"#2e7d32\", penwidth=1.5, margin=\"0.2,0.05\"];",
    ]
    has_end = False
    for s in steps:
        attrs = [f"label={_node_label(s, show_risks, lang)}"]
        if s.collective:
            attrs.append('color="#4527a0"')
            attrs.append("penwidth=2")
        elif s.supervision:
            attrs.append('color="#2e7d32"')
            attrs.append("penwidth=1.6")
        if show_risks and s.risks:
            worst = worst_grade([r[1] for r in s.risks])
            if worst:
                attrs.append(f'color="{GRADE_COLORS[worst]}"')
        lines.append(f"  {ids[s.id]} [{', '.join(attrs)}];")
    if steps:
        lines.append(f"  start -> {ids[steps[0].id]};")
    order = {s.id: i for i, s in enumerate(steps)}
    for s in steps:
        for to, when in s.edges:
            if to not in ids:
                continue
            attrs = []
            if when:
                attrs.append(f"label={dot_str(when)}")
            if order[to] <= order[s.id]:  # a way back (补正, 退回)
                attrs.append('style=dashed, color="#8d6e63", constraint=false')
            label = f" [{', '.join(attrs)}]" if attrs else ""
            lines.append(f"  {ids[s.id]} -> {ids[to]}{label};")
        if s.end:
            has_end = True
            lines.append(f"  {ids[s.id]} -> end;")
    if has_end:
        lines.append(f"  end [label={dot_str(pick(lang, '结束', 'End'))}, shape=oval, style=filled, "
                     "fillcolor=\"#e8f5e9\", color=\"#2e7d32\", penwidth=1.5, margin=\"0.2,0.05\"];")
    lines.append("}")
    return "\n".join(lines) + "\n"


def _tint(grade: str | None) -> str:
    return GRADE_TINTS.get(grade or "", "#ffffff")


# -- lfk.render ------------------------------------------------------------------------------------
def render_flow_dot() -> Callable[..., str] | None:
    """``lfk.render.flow_dot``."""
    return flow_dot


def render_svgs(dots: list[str]) -> list[str | None]:
    """SVG text for each DOT (None where graphviz is unavailable or failed)."""
    if not dots:
        return []
    try:
        return [b.decode("utf-8") if isinstance(b, bytes) else str(b) for b in render_dots(dots, fmt="svg")]
    except Exception:  # noqa: BLE001 - fall back to our own graphviz call below
        pass
    return _dot_batch(dots)


def _dot_batch(dots: list[str], chunk: int = 200) -> list[str | None]:
    exe = shutil.which("dot")
    if exe is None:
        return [None] * len(dots)
    out: list[str | None] = []
    for i in range(0, len(dots), chunk):
        part = dots[i:i + chunk]
        try:
            res = subprocess.run([exe, "-Tsvg"], input="".join(part).encode("utf-8"), capture_output=True,
                                 timeout=600, check=False)
        except (OSError, subprocess.TimeoutExpired):
            res = None
        svgs = _split_svgs(res.stdout.decode("utf-8", "replace")) if res is not None and res.returncode == 0 else []
        if len(svgs) == len(part):
            out.extend(svgs)
        elif len(part) > 1:  # one bad graph: render the chunk one by one
            for d in part:
                out.extend(_dot_batch([d], chunk=1))
        else:
            out.append(None)
    return out


def _split_svgs(text: str) -> list[str]:
    pieces = text.split("</svg>")
    return [p + "</svg>\n" for p in pieces[:-1]]


_PROLOG = re.compile(r"<\?xml[^>]*\?>|<!DOCTYPE[^>]*>|<!--.*?-->", re.S)
_XMLNS = re.compile(r'\s+xmlns(?::\w+)?="[^"]*"')
_EXT_LINK = re.compile(r'\s(?:xlink:)?href="(?:[a-zA-Z][a-zA-Z0-9+.-]*:|//)[^"]*"')
_SCRIPTY = re.compile(r"<script\b.*?</script>|<foreignObject\b.*?</foreignObject>", re.S | re.I)
_EVENT_ATTR = re.compile(r'\son\w+="[^"]*"', re.I)
_BATCH_ID = re.compile(r'(["#])page\d+,\d+_')


def inline_svg(svg: str, label: str) -> str:
    """SVG ready to sit inside HTML: no prolog, comments, namespaces, external links or scripts;
    ``role="img"`` and ``aria-label`` on the root element; scales with the page."""
    s = _PROLOG.sub("", svg)
    s = _SCRIPTY.sub("", s)
    s = _EVENT_ATTR.sub("", s)
    s = _EXT_LINK.sub("", s)
    s = _XMLNS.sub("", s)
    s = _BATCH_ID.sub(r"\1", s)
    start = s.find("<svg")
    if start < 0:
        raise InputError("graphviz gave no SVG / graphviz 未生成 SVG")
    s = s[start:]
    s = s.replace("<svg", f'<svg role="img" aria-label="{escape(label)}" focusable="false"', 1)
    return s.strip() + "\n"


def call_flow_dot(fn: Callable[..., str], *args: Any, **kw: Any) -> str | None:
    """Call ``lfk.render.flow_dot``; None when it refuses the input (the page then shows the step table)."""
    try:
        return fn(*args, **kw)
    except Exception:  # noqa: BLE001 - the step table still describes the flow
        return None
