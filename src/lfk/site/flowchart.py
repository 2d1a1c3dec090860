"""Flowcharts for the site: DOT from ``lfk.render.flow_dot`` (the only DOT builder, with the audience's
disclosure policy from ``lfk.model.disclosure``), drawn by ``lfk.render.render_dots``, and the SVG made fit
to be inlined into a page.
"""

from __future__ import annotations

import re

from markupsafe import escape

from lfk.core.errors import InputError, LfkError
from lfk.render import render_dots


def render_svgs(dots: list[str]) -> list[str | None]:
    """SVG text for each DOT (None where graphviz is unavailable or failed on that graph)."""
    if not dots:
        return []
    try:
        return [b.decode("utf-8") for b in render_dots(dots, "svg")]
    except LfkError:  # graphviz missing, or one graph failed: draw one by one, the step table stays
        pass
    out: list[str | None] = []
    for d in dots:
        try:
            out.append(render_dots([d], "svg")[0].decode("utf-8"))
        except LfkError:
            out.append(None)
    return out


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
