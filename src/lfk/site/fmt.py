"""Small text formatters shared by the page contexts (numbers, limits, fines, dates)."""

from __future__ import annotations

from lfk.model.base import TimeLimit
from lfk.model.items import Fine
from lfk.model.text import fine_text, limit_text


def num(x: float | int | None) -> str:
    """A number without a trailing ``.0``, with thousands separators."""
    if x is None:
        return "—"
    if float(x).is_integer():
        return f"{int(x):,}"
    return f"{x:,.2f}".rstrip("0").rstrip(".")


def limit(tl: TimeLimit | None, lang: str = "zh") -> str | None:
    """``20个工作日`` / ``20 working days`` (None when there is no limit)."""
    return limit_text(tl, lang) or None


def fine(f: Fine | None, lang: str = "zh") -> str | None:
    """A fine range (``lfk.model.text.fine_text``; None when there is none)."""
    return fine_text(f, lang) or None


def snippet(text: str | None, n: int = 120) -> str:
    """The first ``n`` characters of ``text`` on one line."""
    if not text:
        return ""
    s = " ".join(text.split())
    return s if len(s) <= n else s[: n - 1] + "…"
