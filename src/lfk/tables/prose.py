"""Reading the prose of real tables: Chinese numerals, fines written as sentences, numbered lists in a cell.

``fines("责令改正，处二万元以上五万元以下罚款")`` → ``[{min: 20000, max: 50000, unit: 元}]``;
``处二十万元罚款`` → a single amount (min = max); ``处建设项目总投资额百分之一以上百分之二以下的罚款`` →
``{min_times: 0.01, max_times: 0.02, of: 建设项目总投资额}``; ``所收费用三倍以上四倍以下`` → multiples of
所收费用. ``split_numbered`` splits ``1.… ；2.…``, ``1.1…``, ``（一）…``, ``①…`` (also run together: ``1.甲2.乙``)
into items, numbering removed; ``list_items`` says whether a cell lists several (a 风险点 cell of several risks),
``short_title`` cuts a long item to a risk's title.
"""

from __future__ import annotations

import re
from typing import Any

from lfk.tables import values as V

_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_UNITS = {"十": 10, "百": 100, "千": 1000}
_NUM = r"[\d.,，零〇一二两三四五六七八九十百千]*[\d零〇一二两三四五六七八九十百千]"
_AMOUNT = rf"({_NUM})\s*(万|亿)?\s*元"
_PERCENT = rf"百分之({_NUM})"
_TIMES = rf"({_NUM})\s*倍"


def cn_number(s: str) -> float | None:
    """``二十`` → 20, ``一百五十`` → 150, ``1,000`` → 1000, ``0.5`` → 0.5 (None when not a number)."""
    s = s.strip().replace(",", "").replace("，", "")
    if not s:
        return None
    if re.fullmatch(r"\d+(?:\.\d+)?", s):
        return float(s)
    total, digit = 0.0, 0.0
    for tok in re.findall(r"\d+(?:\.\d+)?|.", s):
        ch = tok
        if tok[0].isdigit():
            digit = float(tok)
        elif ch in _DIGITS:
            digit = _DIGITS[ch]
        elif ch in _UNITS:
            total += (digit or 1) * _UNITS[ch]
            digit = 0
        else:
            return None
    return float(total + digit)


def _num(x: float) -> int | float:
    return int(x) if float(x).is_integer() else round(x, 10)


def _amount(num: str, scale: str | None) -> float | None:
    n = cn_number(num)
    if n is None:
        return None
    return n * (10000 if scale == "万" else 100000000 if scale == "亿" else 1)


_SCALE = r"\s*(万|亿)?\s*"
_FINE_AMOUNTS = (  # (regex, which bounds its two groups give); tried in order, a match hides its span
    (re.compile(rf"({_NUM}){_SCALE}元?\s*(?:以上|至|到|-|—|～|~)\s*({_NUM}){_SCALE}元\s*(?:以下)?"), "range"),
    (re.compile(rf"处\s*(?:以)?\s*(?:人民币)?\s*({_NUM}){_SCALE}元\s*(?:的)?罚款"), "one"),
    (re.compile(rf"罚款\s*(?:人民币)?\s*({_NUM}){_SCALE}元(?!\s*以[上下])"), "one"),  # 并处罚款人民币5000元
    (re.compile(rf"({_NUM}){_SCALE}元\s*以下"), "max"),
    (re.compile(rf"({_NUM}){_SCALE}元\s*以上"), "min"),
)
_FINE_PERCENT = re.compile(rf"([^，,；;。处按]*?)\s*{_PERCENT}\s*(?:以上|至|到)\s*{_PERCENT}\s*(?:以下)?"
                           rf"|([^，,；;。处按]*?)\s*{_PERCENT}\s*以下")
_FINE_TIMES = re.compile(rf"([^，,；;。处按]*?)\s*{_TIMES}\s*(?:以上|至|到)\s*{_TIMES}\s*(?:以下)?"
                         rf"|([^，,；;。处按]*?)\s*{_TIMES}\s*以下")
# one multiple: 并处违法经营额2倍罚款, 盗伐林木价值3倍 (a cell of the fine column), 价款1倍的罚款
_FINE_ONE_TIMES = re.compile(rf"([^，,；;。处按]*?)\s*{_TIMES}(?!\s*(?:以上|以下|至|到|[-~～—–]))")


def _base(text: str) -> str | None:
    base = re.sub(r"^(?:并|可以|可|处以?|按照?|依照?|的)+", "", text.strip())
    base = base.removesuffix("的")
    return base or None


def _fine_context(s: str, m: re.Match[str]) -> bool:
    """Whether a lone multiple (``N倍``) is a fine: 罚款 follows it, or it is all the clause says (a cell of
    a fine column: ``盗伐林木价值3倍``) — not ``补种盗伐株数十倍的树木``."""
    rest = s[m.end():m.end() + 6]
    if re.match(r"\s*(?:的)?\s*罚款", rest):
        return True
    before = re.split(r"[，,；;。\n]", s[:m.start()])[-1]
    after = re.split(r"[，,；;。\n]", s[m.end():])[0]
    return not after.strip() and not re.search(r"补种|补植|种植|株", m.group(1) + before)


def fines(value: Any) -> list[dict[str, Any]]:
    """Every fine written in ``value`` (prose or a plain ``50000–150000元`` range), in order of appearance."""
    s = str(value or "")
    found: list[tuple[int, dict[str, Any]]] = []
    taken: list[tuple[int, int]] = []

    def free(m: re.Match[str]) -> bool:
        return all(m.end() <= x or m.start() >= y for x, y in taken)

    for rx, how in _FINE_AMOUNTS:
        for m in rx.finditer(s):
            if not free(m):
                continue
            g = m.groups()
            first = _amount(g[0], g[1])
            if first is None:
                continue
            if how == "range":
                hi = _amount(g[2], g[3])
                if hi is None:
                    continue
                item: dict[str, Any] = {"min": _num(first), "max": _num(hi), "unit": "元"}
            elif how == "one":
                item = {"min": _num(first), "max": _num(first), "unit": "元"}
            else:
                item = {how: _num(first), "unit": "元"}
            taken.append((m.start(), m.end()))
            found.append((m.start(), item))
    for rx, scale in ((_FINE_PERCENT, 0.01), (_FINE_TIMES, 1.0)):
        for m in rx.finditer(s):
            g = m.groups()
            if g[1] is not None:
                lo, hi, base = cn_number(g[1]), cn_number(g[2]), _base(g[0])
                if lo is None or hi is None:
                    continue
                item = {"min_times": _num(lo * scale), "max_times": _num(hi * scale)}
            else:
                hi, base = cn_number(g[4]), _base(g[3])
                if hi is None:
                    continue
                item = {"max_times": _num(hi * scale)}
            if base:
                item["of"] = base
            taken.append((m.start(), m.end()))
            found.append((m.start() + len(g[0] or g[3] or ""), item))
    for m in _FINE_ONE_TIMES.finditer(s):
        times, base = cn_number(m.group(2)), _base(m.group(1))
        if times is None or not free(m) or not base or not _fine_context(s, m):
            continue
        found.append((m.start(), {"min_times": _num(times), "max_times": _num(times), "of": base}))
    found.sort(key=lambda x: x[0])
    return [f for _, f in found]


# -- numbered lists inside one cell ------------------------------------------------------------------
_MARK = (r"(?:\d{1,2}(?:[.．]\d{1,2})+[.．、]?(?!\d)|\d{1,2}\s*[.．、)）](?!\d)|[（(]\s*(?:\d{1,2}|[一二三四五六七八九十]{1,3})"
         r"\s*[)）]|[①-⑳]|[一二三四五六七八九十]{1,3}\s*、"
         r"|[一二三四五六七八九十]{1,3}是(?=\S)|[第其][一二三四五六七八九十]{1,3}\s*[，,、：:])")  # 一是…二是…; 第一，…
_MARK_RE = re.compile(_MARK)
_LEADING = re.compile(rf"^\s*{_MARK}\s*")
_AFTER_ITEM = "；;。\n"  # a mark after one of these starts an item
_WORD_STYLES = ("是", "第", "其")  # 一是…，二是…: the next number of these follows a comma too
_NOT_AFTER = set("0123456789０１２３４５６７８９、，,第至和及或与-~～—.．")  # 第1、2项, 1至2.: no new item


def _mark_key(mark: str) -> tuple[str, tuple[int, ...]]:
    """A list mark's style and number: ``2.`` → (``.``, (2,)), ``1.2`` → (``1.``, (1, 2)), ``（三）`` → (``()``, (3,))."""
    m = re.sub(r"\s+", "", mark)
    if m[-1] == "是":  # 一是 … 二是 …
        return "是", (int(cn_number(m[:-1]) or 0),)
    if m[0] in "第其":  # 第一，… 第二，…; 其一，…
        return m[0], (int(cn_number(m[1:-1]) or 0),)
    if "\u2460" <= m[0] <= "\u2473":
        return "①", (ord(m[0]) - 0x2460 + 1,)
    if m[0] in "（(":
        return "()", (int(cn_number(m[1:-1]) or 0),)
    nums = re.findall(r"\d+", m)
    if len(nums) > 1:
        return f"{len(nums) - 1}.", tuple(int(n) for n in nums)
    if nums:
        return ("." if m[-1] in ".．" else m[-1]), (int(nums[0]),)
    return "、", (int(cn_number(m[:-1]) or 0),)


def _follows(prev: tuple[str, tuple[int, ...]], key: tuple[str, tuple[int, ...]]) -> bool:
    """Whether mark ``key`` numbers the item after ``prev`` (same style, the next number: 1. → 2., 1.1 → 1.2)."""
    (style, a), (style2, b) = prev, key
    return style == style2 and len(a) == len(b) and a[:-1] == b[:-1] and b[-1] == a[-1] + 1


def _item_starts(s: str) -> list[int]:
    """Where the items of a numbered cell start: at its first mark, at a mark after ``；``/``。``/a line break, at
    every ``①``, and at the next number of the list run on without a separator (``1.甲2.乙``, ``（1）甲（2）乙``)."""
    starts: list[int] = []
    prev: tuple[str, tuple[int, ...]] | None = None
    for m in _MARK_RE.finditer(s):
        key = _mark_key(m.group())
        before = s[:m.start()].rstrip(" \t\u3000")
        if not before:
            ok = not starts
        else:
            ok = (before[-1] in _AFTER_ITEM or key[0] == "①"
                  or (prev is not None and _follows(prev, key)
                      and (before[-1] not in _NOT_AFTER or (key[0] in _WORD_STYLES and before[-1] in "，,"))))
        if ok:
            starts.append(m.start())
            prev = key
    return starts


def split_numbered(value: Any, separators: list[str] | tuple[str, ...] = ()) -> list[str]:
    """A cell of numbered items (``1.加强教育；2.制定…``, ``1.1…``, ``（一）…``, ``①…``, ``一是…；二是…``,
    ``第一，…；第二，…``, one per line or run together: ``1.甲2.乙``, ``（1）甲（2）乙``, ``一是甲二是乙``) as the items
    without their numbers; an unnumbered cell is split by
    line (and at each of ``separators``, e.g. ``；``, when given)."""
    s = str(value or "").replace("\r\n", "\n").replace("\r", "\n").strip()
    if not s:
        return []
    if not _LEADING.match(s):
        lines = [line.strip() for line in s.split("\n") if line.strip()]
        for sep in separators:
            lines = [p.strip() for line in lines for p in line.split(sep) if p.strip()]
        return lines
    starts = _item_starts(s)
    out = []
    for a, b in zip(starts, [*starts[1:], len(s)], strict=True):
        part = _LEADING.sub("", s[a:b], count=1).strip()
        part = part.rstrip("；;，,").strip()
        if part:
            out.append(part)
    return out


_CONTINUES = tuple("，,、（(和与及或的")  # a line ending so goes on on the next line (a wrap, not an item)
TITLE_MAX = 30  # a risk's title longer than this is cut at a clause (its full text kept in the description)


def list_items(value: Any) -> list[str] | None:
    """A cell listing several items (numbered ``1.…2.…``, ``1、…；2、…``, ``（1）…（2）…``, or one per line) as
    its items; None for a single item, or lines that are one text wrapped (a line ending in ``，`` or ``、``, or a
    fragment of under 4 characters)."""
    s = str(value or "").strip()
    if not s:
        return None
    items = split_numbered(s)
    if not _LEADING.match(s):
        if any(len(x) < 4 for x in items) or any(x.endswith(_CONTINUES) for x in items[:-1]):
            return None
    return items if len(items) > 1 else None


def short_title(text: str) -> str:
    """A risk's title from a long item: the item itself when short, else its first clauses up to
    ``TITLE_MAX`` characters (or the first ``TITLE_MAX`` characters and ``…``)."""
    text = text.strip()
    if len(text) <= TITLE_MAX:
        return text
    cut = max((m.start() for m in re.finditer(r"[，,；;。：:、]", text[:TITLE_MAX + 1])), default=0)
    return text[:cut] if cut >= 4 else text[:TITLE_MAX] + "…"


def strip_number(text: str) -> str:
    """One item with a sequence number (``1、学校…``, ``2.内控…``, ``1.1党政…``) without it; a list, or text
    without a number, as it is."""
    if _LEADING.match(text) and len(split_numbered(text)) == 1:
        return _LEADING.sub("", text, count=1).strip() or text
    return text


_LABELLED = re.compile(r"^([^\s:：，,。；;、]{1,10})\s*[:：]\s*(\S.*)$", re.S)


def labelled_items(value: Any) -> list[tuple[str, str]] | None:
    """A cell listing several risks, each numbered and labelled (``1.受理风险:对符合条件不予受理…\n2.审查风险:…``,
    ``1.调查环节:…``): (label, text) per item; None unless there are two or more and every item is labelled."""
    items = split_numbered(value)
    if len(items) < 2:
        return None
    out = []
    for item in items:
        m = _LABELLED.match(item.strip())
        if m is None:
            return None
        out.append((m.group(1), m.group(2).strip()))
    return out


def grade_count(value: Any) -> tuple[int, str] | None:
    """A grade cell that counts a row's risks by grade, all of one grade (``3低`` → (3, 低)); None otherwise
    (``1中2低`` names no grade for each risk)."""
    counts = grade_counts(value)
    return counts[0] if len(counts) == 1 else None


def grade_counts(value: Any) -> list[tuple[int, str]]:
    """A grade cell counting risks by grade (``1中2低`` → [(1, 中), (2, 低)]); [] when it is not such a count."""
    s = re.sub(r"\s+", "", str(value or ""))
    parts = re.findall(r"(\d{1,2})(\D{1,4}?)(?=\d|$)", s)
    return [(int(n), g) for n, g in parts] if parts and "".join(n + g for n, g in parts) == s else []


def fine_cell(value: Any) -> tuple[list[dict[str, Any]], str | None]:
    """A tier's 罚款幅度 cell: its fines (a plain ``50000–150000元`` range, else every fine its prose names) and the
    standard as written (the cell's text, unless it is a plain range)."""
    try:
        plain = V.fine(value)
    except V.BadValue:
        plain = None
    return ([plain] if plain else fines(value)), (V.text(value) if not plain else None)
