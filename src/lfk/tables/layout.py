"""How a sheet is laid out: its header rows, title and section rows, and the columns of a headerless sheet.

Real sheets hold more than one table: a 权力目录 and a 风险点 table per post, one under the other, each with
its own header row (and a header repeated after a page break). ``header_rows`` finds every header row; each
starts a segment that runs to the next one. Between them, rows with one text only are captions (一、权力目录,
when a header follows and the text names a table), or section rows (院党委, 一、领导干部岗位) that set the
post or category of the rows below. A sheet without any header row gets its columns from what the cells
hold (``infer_columns``): a sequence-number column, a grade column, the risk text before it, the measures
after it.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from lfk.loader.sheets import Sheet
from lfk.tables import values as V
from lfk.tables.columns import Column, Table, extra_key, norm_header

SECTION_RE = re.compile(r"^\s*(?:[一二三四五六七八九十]{1,3}\s*[、.．]|第[一二三四五六七八九十]{1,3}[部分类章节]|"
                        r"[（(][一二三四五六七八九十]{1,3}[)）])\s*")
EXTRA_COL = Column("__extra__", "extra")  # the user's mapping says: keep this column in extra
MAIN_KEYS = frozenset({"title", "description", "name", "violation", "measures_text", "content", "circumstances",
                       "fine", "basis"})
CAPTION_ENDS = ("目录", "清单", "登记表", "一览表", "汇总表", "统计表", "台账", "措施", "基准", "流程", "流程图", "情况",
                "风险点", "风险表")
CAPTION_WORDS = ("清单", "登记表", "一览表", "汇总表", "防控表")
FIRST_ROWS = 12  # the first header row is looked for among these
# the foot of a form: who made, checked and signed it, and when (制表人：张三, 填报日期：  年 月 日, 单位（盖章）：);
# a label alone in its cell (制表人 | 张三) is one of the first group only: 负责人 | 张三 could be a row of posts
_SIGNERS = r"(?:制表|填表|填报|审核|审批|复核|核稿|核对|经办|统计|校对|签发|联系)人|联系电话|(?:制表|填表|填报|报送)?日期"
SIGN_OFF = re.compile(rf"^(?:(?P<alone>{_SIGNERS})\s*(?::|$)|(?:{_SIGNERS}|(?:主要|单位|部门|科室|分管)?负责人|分管领导|"
                      r"单位领导|电话|手机|(?:填报|报送|制表)?单位\s*(?:\(盖章\))?|盖章|签字|签名)\s*:)")
NOTE = re.compile(r"^(?:注|备注|附注|说明|注释|填表说明|填报说明)\s*\d{0,2}\s*:|^(?:填表说明|填报说明)")


def keys(text: Any) -> list[str]:
    """The forms a header is compared in: normalised, and normalised without brackets."""
    s = str(text or "")
    full = norm_header(s.replace("（", "").replace("）", "").replace("(", "").replace(")", ""))
    return list(dict.fromkeys((norm_header(s), full)))


class Matcher:
    """Header text → the column of one table: the user's mapping first, then exported headers, then variants."""

    def __init__(self, table: Table, cols: list[Column], user: dict[str, str] | None = None) -> None:
        self.table = table
        self.cols = cols
        self.heads: dict[str, Column] = {}
        self.variants: dict[str, Column] = {}
        for c in cols:
            for k in keys(c.header):
                self.heads.setdefault(k, c)
        for c in cols:
            for v in c.variants:
                for k in keys(v):
                    self.variants.setdefault(k, c)
        by_key = {c.key: c for c in cols}
        self.user: dict[str, Column] = {}
        for header, target in (user or {}).items():
            col = EXTRA_COL if target == "extra" else by_key.get(target)
            if col is not None:
                for k in keys(header):
                    self.user[k] = col

    def match(self, header: Any) -> Column | None:
        """The column ``header`` names (``EXTRA_COL`` when the user's mapping keeps it in extra, or when it is
        the header lfk export writes over an ``extra:`` key, 追责情形〔原表〕), or None."""
        if header in (None, ""):
            return None
        if extra_key(header) is not None:
            return EXTRA_COL
        return self.match_keys(keys(header))

    def match_keys(self, ks: list[str]) -> Column | None:
        """``match`` of a header already in its compared forms (``keys``)."""
        for d in (self.user, self.heads, self.variants):
            for k in ks:
                if k in d:
                    return d[k]
        return None

    def hits(self, cells: list[Any], row_keys: list[list[str]] | None = None) -> int:
        """How many distinct fields a row's cells name (``row_keys``: the cells' ``keys``, when known)."""
        forms = row_keys if row_keys is not None else [keys(h) for h in cells if h not in (None, "")]
        found = {c.key for c in (self.match_keys(ks) for ks in forms) if c is not None and c is not EXTRA_COL}
        return len(found)


@dataclass
class Segment:
    """One table of a sheet: its header row (index into ``sheet.rows``), the rows up to the next header."""

    idx: int
    matcher: Matcher
    end: int = 0
    rows: list[tuple[int, list[Any], str | None]] = field(default_factory=list)  # (row number, cells, section)


def _names_sheet(sheet: Sheet, table: Table) -> bool:
    name = set(keys(sheet.name))
    return any(name & set(keys(v)) for v in (table.title, *table.sheet_variants))


def header_rows(sheet: Sheet, matchers: list[Matcher], min_hits: int = 3) -> list[Segment]:
    """Every header row of ``sheet``: the best one among the first rows, and every other row that reads as
    a header (at least 3 fields, and most of its cells headers) — above it or below it."""
    best: tuple[int, int, Matcher] | None = None
    for idx, (_, cells) in enumerate(sheet.rows[:FIRST_ROWS]):
        forms = [keys(h) for h in cells if h not in (None, "")]
        for m in matchers:
            hits = m.hits(cells, forms) + (2 if _names_sheet(sheet, m.table) else 0)
            if hits >= min_hits and (best is None or hits > best[0]):
                best = (hits, idx, m)
    if best is None:
        return []
    segs = [Segment(best[1], best[2])]
    for idx in range(len(sheet.rows)):
        if idx == best[1]:
            continue
        cells = sheet.rows[idx][1]
        vals = [v for v in cells if v not in (None, "")]
        if len(vals) < 3 or any(not isinstance(v, str) or len(v) > 40 for v in vals):
            continue
        forms = [keys(h) for h in vals]
        scored = [(m.hits(cells, forms), m) for m in matchers]
        hits, m = max(scored, key=lambda x: x[0])
        if hits >= 3 and hits * 2 >= len(vals):
            segs.append(Segment(idx, m))
    segs.sort(key=lambda x: x.idx)
    for a, b in zip(segs, segs[1:], strict=False):
        a.end = b.idx
    segs[-1].end = len(sheet.rows)
    return segs


def section_text(text: str) -> str:
    """A section row's text without its numbering (一、领导干部岗位 → 领导干部岗位)."""
    return SECTION_RE.sub("", text).strip() or text.strip()


def names_table(text: str) -> bool:
    """Whether a caption row names a table (一、权力目录, 二、权力风险及防范措施): a caption, not a section."""
    t = norm_header(section_text(text))
    return t.endswith(CAPTION_ENDS) or any(w in t for w in CAPTION_WORDS)


def single_text(cells: list[Any], mapping: dict[int, Column] | None, width: int) -> str | None:
    """The text of a row that holds one text only (a title, caption or section row), else None.

    Several cells with one text (a merge across the row) always count; a single cell counts above the
    first header, or when numbered (一、…), or when it is short and stands in the first two columns where
    no main text (risk, measure, power name) belongs.
    """
    filled = [(j, v) for j, v in enumerate(cells) if v not in (None, "") and str(v).strip()]
    if not filled or len({str(v).strip() for _, v in filled}) != 1:
        return None
    j, v = filled[0]
    text = str(v).strip()
    if len(filled) > 1:
        return text if len(filled) >= max(2, width // 2) else None
    if isinstance(v, (int, float)):
        return None
    if mapping is None:
        return text
    if width <= 2:
        return None
    if SECTION_RE.match(text):
        return text
    col = mapping.get(j)
    if j <= 1 and len(text) <= 30 and "\n" not in text and (col is None or col.key not in MAIN_KEYS):
        return text
    return None


def foot_row(cells: list[Any]) -> bool:
    """A row at the foot of a form, not an item: a note (注：…, 填表说明…) in one text, or sign-off cells only
    (制表人：张三 | 审核人：李四 | 日期：…; a label alone in its cell followed by a short value, 制表人 | 张三)."""
    texts = list(dict.fromkeys(unicodedata.normalize("NFKC", t).strip() for v in cells if (t := V.text(v))))
    if not texts:
        return False
    if len(texts) == 1 and NOTE.match(texts[0]):
        return True
    alone = False
    for k, t in enumerate(texts):
        m = SIGN_OFF.match(t)
        if m:
            alone = not t[m.end():].strip()
        elif alone and k and len(t) <= 20 and "\n" not in t:
            alone = False  # the value of the label before it
        else:
            return False
    return True


def is_caption(text: str, *, first: bool, before_header: bool, header_follows: bool) -> bool:
    """A single-text row that is a caption (kept as the table's title), not a section row."""
    if (header_follows or before_header) and names_table(text):
        return True
    if before_header and first and not SECTION_RE.match(text):
        return True
    return len(text) > 40 or "\n" in text or bool(re.search(r"[:：]", text))


def is_numbering(vals: list[str]) -> bool:
    """Cells that count up as whole numbers (1, 2, 3 …): a column of 序号."""
    nums = [int(v) for v in vals if re.fullmatch(r"\d{1,6}", v)]
    return bool(nums) and len(nums) == len(vals) and all(b > a for a, b in zip(nums, nums[1:], strict=False))


def infer_columns(sheet: Sheet, is_grade: Callable[[str], bool]) -> dict[int, str] | None:
    """Field keys by column position for a sheet with no header row, from the cells' content, or None.

    A column of increasing whole numbers is 序号; a column of grade words (高, Ⅰ级, 一级风险 …) anchors the
    rest: the text column just before it is the risk (风险点), the one before that its post or power
    (岗位/职权), the first long text after it the measures (防控措施), the next one the owner (责任人).
    Other columns go to ``extra``.
    """
    rows = [cells for _, cells in sheet.rows if len({V.text(v) for v in cells if V.text(v)}) >= 3]
    if not rows:
        return None
    width = max(len(c) for c in rows)
    seq: list[int] = []
    grade: int | None = None
    texts: dict[int, float] = {}
    for j in range(width):
        vals = [t for c in rows if j < len(c) and (t := V.text(c[j]))]
        if not vals:
            continue
        if is_numbering(vals) and (len(vals) > 1 or not texts):
            seq.append(j)
        elif grade is None and all(is_grade(v) for v in vals):
            grade = j
        else:
            texts[j] = sum(len(v) for v in vals) / len(vals)
    if grade is None:
        return None
    before = [j for j in texts if j < grade]
    after = [j for j in texts if j > grade]
    if not before:
        return None
    out: dict[int, str] = dict.fromkeys(seq, "seq")
    out[grade] = "grade"
    out[before[-1]] = "title"
    if len(before) >= 2:
        out[before[-2]] = "where"
    long_after = [j for j in after if texts[j] >= 6]
    if long_after:
        out[long_after[0]] = "measures_text"
    rest = [j for j in after if j not in out]
    if rest:
        out[rest[0]] = "owner"
    return out


FORM_LABEL_LEN = 12  # a form's field label (职权名称, 审核转报) is at most this long


def _runs(sheet: Sheet, rnum: int, cells: list[Any]) -> list[Any]:
    """A row's cells with a merged range counted once (its top-left cell), empty cells kept."""
    out: list[Any] = []
    for j, v in enumerate(cells):
        origin = sheet.merged.get((rnum, j + 1))
        if origin is not None and origin[0] == rnum and origin[1] < j + 1:
            continue  # covered by the merge that starts left of it on this row
        out.append(v)
    while out and out[-1] in (None, ""):
        out.pop()
    return out


def form_rows(sheet: Sheet) -> Sheet | None:
    """A form sheet (梳理表: each row pairs of label and value, ``职权名称 | … `` ``职权类型 | 行政处罚 | 审核转报 | 否``;
    a value may be merged across the rest of the row) as a header row of the labels and one row per item; a
    label met again starts the next item (forms one under the other). Rows above the first pair that hold
    one text (the form's title) stay above the header. None when the rows are not label–value pairs."""
    head: list[tuple[int, list[Any]]] = []
    labels: list[str] = []
    items: list[dict[str, Any]] = []
    pairs = 0
    for rnum, cells in sheet.rows:
        runs = _runs(sheet, rnum, cells)
        filled = [v for v in runs if V.text(v)]
        if not filled:
            continue
        if not pairs and (len(runs) == 1 or len({V.text(v) for v in filled}) == 1 and len(filled) == len(runs)):
            head.append((rnum, cells))  # the title above the form
            continue
        if len(runs) % 2:
            runs.append(None)
        row_pairs = [(runs[k], runs[k + 1]) for k in range(0, len(runs), 2)]
        for label, value in row_pairs:
            name = V.text(label)
            if not name or len(re.sub(r"\s+", "", name)) > FORM_LABEL_LEN or isinstance(label, (int, float)):
                return None
            if not items or name in items[-1]:
                items.append({})
            if name not in labels:
                labels.append(name)
            items[-1][name] = value
            pairs += 1
    if pairs < 3 or not items:
        return None
    first = head[-1][0] + 1 if head else sheet.rows[0][0]
    rows = [*head, (first, list(labels)), *((first, [it.get(n) for n in labels]) for it in items)]
    return Sheet(sheet.name, rows, sheet.encoding)


TICKS = frozenset({"√", "✓", "✔", "●", "☑", "■", "是"})
SUB_LABEL_LEN = 10  # a sub-header's label (高, 中, 低, 分管领导) is at most this long


def _runs_across(cells: list[Any]) -> list[tuple[int, int]]:
    """Runs of two or more equal non-empty cells side by side (a header cell merged across its sub-columns)."""
    out: list[tuple[int, int]] = []
    j = 0
    while j < len(cells):
        k = j
        while k + 1 < len(cells) and V.text(cells[j]) and V.text(cells[k + 1]) == V.text(cells[j]):
            k += 1
        if k > j:
            out.append((j, k))
        j = k + 1
    return out


def fold_sub_headers(sheet: Sheet, header_idx: list[int], is_grade: Callable[[str], bool],
                     names: Callable[[str], bool] = lambda _h: False) -> Sheet:
    """A two-row header (``风险等级`` merged over ``高 | 中 | 低``) as one header row.

    The row under a header row is its sub-header when, under each header cell merged across several columns,
    it holds a short label per column, and elsewhere repeats the header (a cell merged down) or is empty.
    The sub-labels become the columns' headers. Sub-columns of grade words whose cells are ticks (√ ✓ ● …)
    give the row's grade: a column headed by the parent (风险等级) is added holding the ticked column's word;
    the ticks themselves stay in their own columns (kept in ``extra``). Other sub-columns are headed
    ``parent（label）`` unless the label alone names a column (``names``)."""
    rows = list(sheet.rows)
    for idx in sorted(header_idx, reverse=True):
        if idx + 1 >= len(rows):
            continue
        (hnum, head), (_, sub) = rows[idx], rows[idx + 1]
        runs = _runs_across(head)
        if not runs or not _is_sub_header(head, sub, runs):
            continue
        stop = min([i for i in header_idx if i > idx + 1] + [len(rows)])  # the sub-header may read as a header
        body_rows = rows[idx + 2:stop]
        new_head = list(head)
        ticks: list[tuple[str, int, int, list[str]]] = []  # (parent, first, last, labels) of tick sub-columns
        for a, b in runs:
            parent = V.text(head[a]) or ""
            labels = [V.text(sub[j]) or "" for j in range(a, b + 1)]
            body = [c[j] for _, c in body_rows for j in range(a, b + 1) if j < len(c) and V.text(c[j])]
            tick = all(is_grade(x) for x in labels) and bool(body) and all(V.text(v) in TICKS for v in body)
            if tick:
                ticks.append((parent, a, b, labels))
            for j, label in zip(range(a, b + 1), labels, strict=True):
                new_head[j] = label if tick or label == parent or names(label) else f"{parent}（{label}）"
        for j, v in enumerate(sub):  # a label only the second row has
            if j < len(new_head) and not any(a <= j <= b for a, b in runs) and V.text(v) and not V.text(new_head[j]):
                new_head[j] = v
        width = max([len(new_head)] + [len(c) for _, c in body_rows])
        pad = [None] * (width - len(new_head))
        folded = [(hnum, [*new_head, *pad, *(parent for parent, *_ in ticks)])]
        for rnum, cells in body_rows:
            if not ticks:
                folded.append((rnum, cells))
                continue
            got = ["、".join(lab for j, lab in zip(range(a, b + 1), labels, strict=True)
                            if j < len(cells) and V.text(cells[j]) in TICKS) or None for _, a, b, labels in ticks]
            folded.append((rnum, [*cells, *([None] * (width - len(cells))), *got]))
        rows = [*rows[:idx], *folded, *rows[stop:]]
    return Sheet(sheet.name, rows, sheet.encoding, sheet.merged)


def _is_sub_header(head: list[Any], sub: list[Any], runs: list[tuple[int, int]]) -> bool:
    """Whether ``sub`` is the second row of a two-row header over ``head`` (see ``fold_sub_headers``)."""
    if any(v not in (None, "") and (not isinstance(v, str) or len(v.strip()) > SUB_LABEL_LEN) for v in sub):
        return False
    for a, b in runs:
        labels = [V.text(sub[j]) if j < len(sub) else None for j in range(a, b + 1)]
        if not all(labels) or len(set(labels)) != len(labels):
            return False
    inside = {j for a, b in runs for j in range(a, b + 1)}
    return all(not V.text(v) or V.text(v) == V.text(head[j] if j < len(head) else None)
               for j, v in enumerate(sub) if j not in inside)
