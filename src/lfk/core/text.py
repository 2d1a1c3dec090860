"""Plain-text layout for terminals and files: display width of CJK text, padding, aligned columns."""

from __future__ import annotations

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
