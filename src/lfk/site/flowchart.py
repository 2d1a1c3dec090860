"""Flowcharts for the site: DOT from ``lfk.render.flow_dot`` (the only DOT builder, with the audience's
disclosure policy from ``lfk.model.disclosure``), drawn by ``lfk.render.render_dots``, and the SVG made fit
to be inlined into a page.
"""

from __future__ import annotations

import re

from markupsafe import escape

from lfk.core.errors import InputError, LfkError
from lfk.render import RenderCache, render_dots


def render_svgs(dots: list[str], cache: RenderCache | None = None) -> list[str | None]:
    """SVG text for each DOT (None where graphviz is unavailable or failed on that graph)."""
    return render_svgs_counted(dots, cache)[0]


def render_svgs_counted(dots: list[str], cache: RenderCache | None = None) -> tuple[list[str | None], int]:
    """SVG text for each DOT and how many distinct DOTs came from ``cache``.

    Each distinct DOT text is drawn once (identical flowcharts of many powers share one graphviz run);
    with ``cache`` (the render cache that ``lfk render`` uses too), a DOT drawn by an earlier build —
    public or internal, any command — is not drawn again, and what is drawn now is kept for the next.
    """
    distinct = list(dict.fromkeys(dots))
    got: dict[str, str | None] = {}
    hits = 0
    if cache is not None:
        for d in distinct:
            data = cache.get(d, "svg")
            if data is not None:
                try:
                    got[d] = data.decode("utf-8")
                    hits += 1
                except UnicodeDecodeError:
                    continue
    todo = [d for d in distinct if d not in got]
    for d, svg in zip(todo, _draw(todo), strict=True):
        got[d] = svg
        if svg is not None and cache is not None:
            cache.put(d, "svg", svg.encode("utf-8"))
    return [got[d] for d in dots], hits


def _draw(dots: list[str]) -> list[str | None]:
    """SVG text for each DOT through graphviz (None where it is unavailable or failed on that graph)."""
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
# a text without `="` ahead of a name that starts with "on" after a space has no match of _EVENT_ATTR; found
# in the reversed text, where the search starts from a fixed `"=` (fast), not from every character
_EVENT_HINT = re.compile(r'"=\w+[nN][oO]\s')
_BATCH_ID = re.compile(r'(["#])page\d+,\d+_')
_XMLNS_TAIL = re.compile(r'(?::\w+)?="[^"]*"')


def drop_xmlns(s: str) -> str:
    """``_XMLNS.sub("", s)``, found from each ``xmlns`` (a regex starting with ``\\s+`` tries every space)."""
    parts: list[str] = []
    pos = 0
    q = s.find("xmlns")
    while q != -1:
        start = q
        while start > pos and s[start - 1].isspace():
            start -= 1
        m = _XMLNS_TAIL.match(s, q + 5) if start < q else None
        if m is not None:
            parts.append(s[pos:start])
            pos = m.end()
            q = s.find("xmlns", pos)
        else:
            q = s.find("xmlns", q + 1)
    parts.append(s[pos:])
    return "".join(parts)


def inline_svg(svg: str, label: str) -> str:
    """SVG ready to sit inside HTML: no prolog, comments, namespaces, external links or scripts;
    ``role="img"`` and ``aria-label`` on the root element; scales with the page."""
    s = _PROLOG.sub("", svg)
    s = _SCRIPTY.sub("", s)
    if _EVENT_HINT.search(s[::-1]):
        s = _EVENT_ATTR.sub("", s)
    if 'href="' in s:  # (each test is a condition of its pattern: a page of a big site has 6,000 charts)
        s = _EXT_LINK.sub("", s)
    s = drop_xmlns(s)
    if "page" in s:
        s = _BATCH_ID.sub(r"\1", s)
    start = s.find("<svg")
    if start < 0:
        raise InputError("graphviz gave no SVG / graphviz 未生成 SVG")
    s = s[start:]
    s = s.replace("<svg", f'<svg role="img" aria-label="{escape(label)}" focusable="false"', 1)
    return s.strip() + "\n"
