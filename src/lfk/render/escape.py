"""Text for DOT: HTML-like label escaping, safe identifiers, and wrapping of long (Chinese) names.

Every piece of register text reaches the DOT only through ``html_text`` (inside an HTML-like label
``<...>``) or ``safe_id``, so names can neither end the label nor add attributes or nodes.
"""

from __future__ import annotations

import re
from functools import lru_cache

from lfk.core.text import is_wide

# Characters XML 1.0 refuses (graphviz parses HTML-like labels with expat) and other controls.
_BAD_CHARS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")
_ID_BAD = re.compile(r"[^A-Za-z0-9._-]")


def clean(text: object) -> str:
    """``text`` as a string without control characters (newlines and tabs become spaces)."""
    s = "" if text is None else str(text)
    s = s.replace("\r\n", "\n").replace("\r", "\n").replace("\t", " ")
    return _BAD_CHARS.sub("", s)


def html_text(text: object) -> str:
    """Escape ``text`` for an HTML-like label: ``& < > " '`` as entities, ``\\`` doubled, newline as ``<BR/>``.

    Graphviz expands ``\\N``, ``\\G`` ... inside labels even after entity decoding, so a backslash is
    written ``\\\\`` (which graphviz turns back into one literal backslash).
    """
    s = clean(text)
    s = (s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
         .replace('"', "&quot;").replace("'", "&#39;").replace("\\", "\\\\"))
    return s.replace("\n", "<BR/>")


def safe_id(text: object) -> str:
    """``text`` reduced to ``[A-Za-z0-9._-]`` (others become ``_``), for SVG ids and DOT node names."""
    s = _ID_BAD.sub("_", clean(text))
    return s or "_"


def char_width(ch: str) -> float:
    """Display width of one character: CJK and full-width characters 1, others 0.55."""
    if is_wide(ch):
        return 1.0
    return 0.55


_NO_LINE_START = set("，。、；：？！）」』》〉】,.;:?!)]}%")


def wrap(text: object, width: float = 12) -> list[str]:
    """Lines of at most about ``width`` CJK characters; Latin words stay whole when they fit.

    Explicit newlines are kept; closing punctuation never starts a line.
    """
    return list(_wrap(clean(text), float(width)))


@lru_cache(maxsize=8192)
def _wrap(text: str, width: float) -> tuple[str, ...]:
    if len(text) <= width and "\n" not in text:
        return (text.strip(),) if text.strip() else ("",)
    out: list[str] = []
    for para in text.split("\n"):
        tokens = re.findall(r"[A-Za-z0-9_.\-/]+|\s+|.", para)
        line = ""
        w = 0.0
        for tok in tokens:
            tw = sum(char_width(c) for c in tok)
            if tok.isspace():
                if line:
                    line += " "
                    w += 0.55
                continue
            if w + tw > width and line.strip() and tok not in _NO_LINE_START:
                if tw > width:  # a long Latin word: cut it
                    for c in tok:
                        cw = char_width(c)
                        if w + cw > width and line.strip():
                            out.append(line.rstrip())
                            line, w = "", 0.0
                        line += c
                        w += cw
                    continue
                out.append(line.rstrip())
                line, w = "", 0.0
            line += tok
            w += tw
        out.append(line.rstrip())
    return tuple(ln for ln in out if ln) or ("",)


def html_wrapped(text: object, width: float = 12) -> str:
    """``text`` wrapped and escaped, lines joined by ``<BR/>`` (the cell's ``BALIGN`` aligns them)."""
    return "<BR/>".join(html_text(line) for line in wrap(text, width))
