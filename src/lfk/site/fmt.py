"""Small text formatters shared by the page contexts (numbers, limits, fines, dates)."""

from __future__ import annotations

from lfk.model.base import TimeLimit
from lfk.model.items import Fine
from lfk.site.words import DAYS_EN, pick


def num(x: float | int | None) -> str:
    """A number without a trailing ``.0``, with thousands separators."""
    if x is None:
        return "—"
    if float(x).is_integer():
        return f"{int(x):,}"
    return f"{x:,.2f}".rstrip("0").rstrip(".")


def limit(tl: TimeLimit | None, lang: str = "zh") -> str | None:
    """``20个工作日`` / ``20 working days`` (None when there is no limit)."""
    if tl is None:
        return None
    d = tl.days
    days = str(int(d)) if float(d).is_integer() else str(d)
    if lang == "en":
        word = DAYS_EN.get(tl.kind, tl.kind)
        return f"{days} {word[:-1] if days == '1' and word.endswith('s') else word}"
    return f"{days}个{tl.kind}"


def fine(f: Fine | None, lang: str = "zh") -> str | None:
    """A fine range: ``50,000–70,000 元`` or ``货值金额 5–10 倍`` (English: ``5–10 × 货值金额``)."""
    if f is None:
        return None
    if f.min_times is not None or f.max_times is not None:
        base = f.of or ""
        if lang == "en":
            return f"{num(f.min_times)}–{num(f.max_times)} × {base}".strip(" ×")
        return f"{base} {num(f.min_times)}–{num(f.max_times)} 倍".strip()
    unit = f" {f.unit}" if f.unit else ""
    if f.min is None and f.max is None:
        return None
    if f.min is None:
        return f"{pick(lang, '不超过', 'up to')} {num(f.max)}{unit}"
    if f.max is None:
        return f"{pick(lang, '不低于', 'at least')} {num(f.min)}{unit}"
    return f"{num(f.min)}–{num(f.max)}{unit}"


def snippet(text: str | None, n: int = 120) -> str:
    """The first ``n`` characters of ``text`` on one line."""
    if not text:
        return ""
    s = " ".join(text.split())
    return s if len(s) <= n else s[: n - 1] + "…"
