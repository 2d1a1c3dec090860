"""Every zh/en text of a number of days, a time limit and a fine, written once.

Chinese is written as official documents write it, without spaces (``20个工作日``, ``约30个自然日``,
``50,000–150,000元``, ``5–10倍货值金额``); English with spaces (``20 working days``, ``1 calendar day``,
``50,000–150,000 元``, ``5–10 × 货值金额``). Amounts of 10,000 and more are grouped by thousands.
"""

from __future__ import annotations

from lfk.model.base import TimeLimit
from lfk.model.items import Fine

DAY_WORDS_EN: dict[str, tuple[str, str]] = {"工作日": ("working day", "working days"), "自然日": ("calendar day", "calendar days")}


def number(x: float | int | None, *, grouped: bool = True) -> str:
    """A number without a trailing ``.0``; ``grouped``: 10,000 and more with thousands separators."""
    if x is None:
        return ""
    if isinstance(x, float) and x.is_integer():
        x = int(x)
    if grouped and abs(x) >= 10000:
        return f"{x:,}"
    return str(x)


def days_text(days: float | int, kind: str, lang: str = "zh", *, whole: bool = False) -> str:
    """``20个工作日`` / ``20 working days``; ``whole``: rounded to whole days, ``约``/``~`` when rounded."""
    approx = False
    if whole:
        approx = abs(days - round(days)) >= 0.05
        days = round(days)
    n = number(days, grouped=False)
    if lang == "en":
        one, many = DAY_WORDS_EN.get(kind, (kind, kind))
        return f"{'~' if approx else ''}{n} {one if n == '1' else many}"
    return f"{'约' if approx else ''}{n}个{kind}"


def limit_text(limit: TimeLimit | None, lang: str = "zh") -> str:
    """A time limit as ``days_text`` ('' when there is none)."""
    if limit is None:
        return ""
    return days_text(limit.days, limit.kind, lang)


def fine_text(fine: Fine | None, lang: str = "zh") -> str:
    """A fine range as written: ``50,000–150,000元`` / ``5–10倍货值金额`` ('' when there is none)."""
    if fine is None:
        return ""
    if fine.is_times():
        lo, hi, base = number(fine.min_times), number(fine.max_times), fine.of or ""
        rng = f"{lo}–{hi}" if lo and hi else (lo or hi)
        if lang == "en":
            return f"{rng} × {base}".strip(" ×")
        return f"{rng}倍{base}"
    lo, hi = number(fine.min), number(fine.max)
    unit = (" " if lang == "en" and fine.unit else "") + (fine.unit or "")
    if not lo and not hi:
        return ""
    if not lo:
        return (f"up to {hi}{unit}" if lang == "en" else f"不超过{hi}{unit}")
    if not hi:
        return (f"at least {lo}{unit}" if lang == "en" else f"不低于{lo}{unit}")
    return f"{lo}–{hi}{unit}"
