"""Plain-text layout for terminals and files: display width of CJK text, padding, aligned columns."""

from __future__ import annotations

import re
import unicodedata


def is_wide(ch: str) -> bool:
    """Whether ``ch`` takes two columns on a terminal (CJK and full-width characters)."""
    return unicodedata.east_asian_width(ch) in ("W", "F")


def width(text: str) -> int:
    """Terminal columns ``text`` takes (CJK and full-width characters count two)."""
    return sum(2 if is_wide(c) else 1 for c in text)


def pad(text: str, columns: int) -> str:
    """``text`` padded with spaces to ``columns`` display columns."""
    return text + " " * (columns - width(text))


def columns(rows: list[list[str]], *, indent: str = "", gap: str = "  ", rule_after: int | None = None) -> list[str]:
    """``rows`` laid out in aligned columns (by display width), trailing spaces stripped; with
    ``rule_after=N`` a line of dashes follows row N (e.g. 0: under the header)."""
    if not rows:
        return []
    widths = [max(width(r[i]) if i < len(r) else 0 for r in rows) for i in range(max(len(r) for r in rows))]
    lines = [indent + gap.join(pad(c, widths[i]) for i, c in enumerate(r)).rstrip() for r in rows]
    if rule_after is not None:
        lines.insert(rule_after + 1, indent + gap.join("-" * w for w in widths))
    return lines


NO_LINE_START = set("，。、；：！？）》」』】〕…,.;:!?)]}%")
"""Characters a line does not begin with (closing punctuation stays with the text before it)."""
NO_LINE_END = set("（《「『【〔([{")
"""Characters a line does not end with (opening punctuation stays with the text after it)."""


def _tokens(text: str) -> list[str]:
    """Break opportunities of ``text``: a run of non-wide characters up to and including its spaces is one
    token, every wide (CJK) character is its own token; punctuation is glued to its neighbour."""
    out: list[str] = []
    for ch in text:
        if out and (ch in NO_LINE_START or out[-1][-1:] in NO_LINE_END):
            out[-1] += ch
        elif is_wide(ch) or not out or out[-1].endswith(" ") or is_wide(out[-1][-1]):
            out.append(ch)
        else:
            out[-1] += ch
    return out


def wrap(text: str, columns: int, *, indent: str = "    ", head: str = "") -> list[str]:
    """``head`` + ``text`` in lines of at most ``columns`` display columns (CJK characters count two),
    continuation lines indented by ``indent`` (a hanging indent).

    ``head`` (e.g. ``path:line:col: CODE severity``) is never broken, so it stays clickable; Latin words
    are broken only when longer than a line; a line never begins with closing punctuation (，。）…).
    """
    lines: list[str] = []
    cur = head
    limit = max(columns, width(indent) + 10)
    for tok in _tokens(text):
        if cur.strip() and width(cur) + width(tok.rstrip()) > limit:
            lines.append(cur.rstrip())
            cur = indent
            tok = tok.lstrip(" ")
        while width(cur) + width(tok.rstrip()) > limit and len(tok) > 1:  # a word longer than a line
            room, piece = limit - width(cur), ""
            for ch in tok:
                if width(piece + ch) > room:
                    break
                piece += ch
            piece = piece or tok[0]
            lines.append((cur + piece).rstrip())
            cur, tok = indent, tok[len(piece):]
        cur += tok
    if cur.strip() or not lines:
        lines.append(cur.rstrip())
    return lines


Cell = str | tuple[str, str]
"""A table cell: its text, or (text, SGR colour code such as ``"1;31"``) shown when colour is on."""

_WORD = re.compile("[!-~]{11,}")  # a Latin word longer than _MIN_COLUMN
_MIN_COLUMN = 10  # a column is not narrowed below this (or its own width) to fit the line


def box_table(title: str, header: list[str], rows: list[list[Cell]], *, right: frozenset[int] = frozenset(),
              limit: int = 140, color: bool = False) -> list[str]:
    """``rows`` under ``header`` in a box drawn as rich draws its default tables (heavy head, light body),
    with ``title`` above; columns by display width (CJK counts two), those in ``right`` right-aligned.

    The columns with the most room are narrowed until a line fits in ``limit`` columns (not below ten columns
    nor the longest Latin word: "county-hospital" stays whole) and their cells
    wrapped over several lines (nothing is cut off). Linear in the cells: the warned-cases table of a
    1M-event log has 5,000 rows (rich's Table took ~1 ms a row). Colour (``color``) only styles cells
    given as (text, SGR code) and the header (bold)."""
    n = len(header)
    texts = [[c if isinstance(c, str) else c[0] for c in r] for r in rows]
    widths = [max([width(header[i])] + [width(r[i]) for r in texts]) for i in range(n)]
    # not narrower than ten columns nor than the longest Latin word of the column (CJK text wraps anywhere)
    floor = [min(w, max([_MIN_COLUMN] + [len(x) for r in texts for x in _WORD.findall(r[i])])) for i, w in enumerate(widths)]
    over = sum(widths) + 3 * n + 1 - limit
    while over > 0:
        i = max(range(n), key=lambda k: widths[k] - floor[k])
        if widths[i] <= floor[i]:
            break
        widths[i] -= 1
        over -= 1

    def sgr(text: str, code: str | None) -> str:
        return f"\x1b[{code}m{text}\x1b[0m" if color and code and text.strip() else text

    def line(cells: list[str], styles: list[str | None], edge: str) -> list[str]:
        parts = [wrap(c, widths[i], indent="") if width(c) > widths[i] else [c] for i, c in enumerate(cells)]
        out = []
        for k in range(max(len(p) for p in parts)):
            segs = []
            for i, p in enumerate(parts):
                t = p[k] if k < len(p) else ""
                gap = " " * max(widths[i] - width(t), 0)
                segs.append(" " + (gap + sgr(t, styles[i]) if i in right else sgr(t, styles[i]) + gap) + " ")
            out.append(edge + edge.join(segs) + edge)
        return out

    def rule(left: str, mid: str, end: str, fill: str) -> str:
        return left + mid.join(fill * (w + 2) for w in widths) + end

    out = [title, rule("┏", "┳", "┓", "━")] if title else [rule("┏", "┳", "┓", "━")]
    out += line(header, ["1"] * n, "┃")
    out.append(rule("┡", "╇", "┩", "━"))
    for r, t in zip(rows, texts, strict=True):
        out += line(t, [None if isinstance(c, str) else c[1] for c in r], "│")
    out.append(rule("└", "┴", "┘", "─"))
    return out
