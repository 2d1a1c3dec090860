"""Text made safe for where it goes: terminals and logs (no control characters), spreadsheets (no live
formulas), Markdown comments (no structure or @mentions from data). The one place for each."""

from __future__ import annotations

import re
from typing import Any

# C0 and C1 controls (ESC, BEL, CR, ...), DEL, bidi overrides/isolates, line and paragraph separators,
# lone surrogates (the bytes of a file name that is not UTF-8, as os.fsdecode gives them)
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\u2028\u2029\ufeff"
                      "\ud800-\udfff]")
_CONTROL_KEEP_NL = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\u2028"
                              "\u2029\ufeff\ud800-\udfff]")


def _show(m: re.Match[str]) -> str:
    c = m.group(0)
    if "\udc80" <= c <= "\udcff":  # a byte of a non-UTF-8 file name
        return f"\\x{ord(c) - 0xdc00:02x}"
    return {"\t": " ", "\n": " ", "\r": " "}.get(c) or (f"\\x{ord(c):02x}" if ord(c) < 0x100 else f"\\u{ord(c):04x}")


def printable(text: object, *, newlines: bool = False) -> str:
    """``text`` with every control character shown as an escape (``\\x1b``; tab and line breaks as a
    space), so nothing lfk prints can move the cursor, retitle a terminal or forge a line. With
    ``newlines``, ``\\n`` is kept (multi-line text)."""
    s = str(text)
    return (_CONTROL_KEEP_NL if newlines else _CONTROL).sub(_show, s)


def clean(value: Any) -> Any:
    """``printable`` applied to every string inside ``value`` (dicts, lists, tuples)."""
    if isinstance(value, str):
        return printable(value)
    if isinstance(value, dict):
        return {clean(k): clean(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return type(value)(clean(v) for v in value) if not hasattr(value, "_fields") else type(value)(*map(clean, value))
    return value


FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\uff1d", "\uff0b", "\uff0d", "\uff20")


def csv_cell(value: Any) -> Any:
    """A spreadsheet cell that can never be a live formula: text starting with ``= + - @`` (or a tab or
    CR, or their full-width forms) gets a leading ``'`` (OWASP's advice). Numbers stay numbers."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>|#~])")


def md_text(text: object) -> str:
    """Register text for one line of Markdown (a PR comment): no control characters or line breaks, every
    Markdown character escaped, ``@`` broken so it mentions nobody, ``-``/``=`` runs unable to make rules."""
    s = printable(text)
    s = _MD_SPECIAL.sub(r"\\\1", s)
    s = s.replace("@", "@\u200b")
    return re.sub(r"^([-=]{3,})", r"\\\1", s)


def csv_row(cells: list[Any]) -> list[Any]:
    """One CSV row of register data: every text ``printable`` and never a formula (``csv_cell``)."""
    return [csv_cell(printable(c)) if isinstance(c, str) else c for c in cells]
