"""Random variants of the tables units publish, for ``make fuzz`` and the quick seeded test of ``lfk import``.

``variant(rows, rng)`` returns a copy of a table (rows of cells) with random edits of the kinds real files show:
title rows above, notes and sign-off rows below, blank rows and columns between, a header repeated or written
over two rows, merged cells, numbers, dates, booleans, formulas, long or multi-line cells, full-width and
zero-width spaces. ``write_table`` saves it as .xlsx, .csv (UTF-8 with BOM, GBK, UTF-16), a web page or a Word
table; ``lost_cells`` says which of a source's cells the YAML an import wrote does not hold (the promise:
import keeps every cell).
"""

from __future__ import annotations

import csv
import datetime as dt
import html
import io
import random
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

from lfk.core.fsutil import atomic_write
from lfk.loader import load_bytes
from lfk.loader.sheets import read_any
from lfk.tables.columns import norm_header
from lfk.tables.prose import split_numbered
from lfk.tables.values import text

Rows = list[list[Any]]
Merge = tuple[int, int, int, int]  # first row, first column, last row, last column (1-based, inclusive)

CELLS = ["", "\u3000", "\u3000全角\u3000空格\u3000", "高\u200b", "1", "2.0", 3, 4.5, True, False, dt.date(2024, 3, 1),
         dt.datetime(2024, 3, 1, 9, 30), "=A1+1", "=SUM(A1:A3)", "2024年3月1日", "多行\n第二行\r\n第三行",
         "很长的文本" * 300, "1.第一条；\n2.第二条；", "（一）分项", "注：见附件", "-", "/", "无", "√", "★★", "一级",
         "<b>粗体</b>", "a,b;c\td", "\"引号\"", "'=HYPERLINK(\"x\")", "🙂", "\u202e反向"]
TITLES = ["附件1", "某某局廉政风险点登记表", "填报单位：办公室        填报日期：2024年3月1日", "一、权力运行风险"]
FEET = [["注：1.风险等级分为高、中、低三级；\n2.防控措施应具体可行。"], ["制表人：张三", None, "审核人：李四", None, "日期：2024年3月1日"],
        ["填报单位（盖章）：", None, "负责人：", None, "填报日期：    年  月  日"], ["填表说明：本表一式两份"]]
FORMATS = (".xlsx", ".csv", ".gbk.csv", ".utf16.csv", ".html", ".docx")


def _title_rows(rows: Rows, merges: list[Merge], r: random.Random) -> Rows:
    k = r.randint(1, 3)
    return [[r.choice(TITLES)] for _ in range(k)] + rows


def _foot_rows(rows: Rows, merges: list[Merge], r: random.Random) -> Rows:
    return rows + ([[None]] if r.random() < 0.5 else []) + [list(r.choice(FEET)) for _ in range(r.randint(1, 2))]


def _blank_row(rows: Rows, merges: list[Merge], r: random.Random) -> Rows:
    i = r.randint(1, len(rows))
    return rows[:i] + [[None] * len(rows[0])] + rows[i:]


def _blank_column(rows: Rows, merges: list[Merge], r: random.Random) -> Rows:
    j = r.randint(0, max(len(x) for x in rows))
    return [x[:j] + [None] + x[j:] for x in rows]


def _odd_cell(rows: Rows, merges: list[Merge], r: random.Random) -> Rows:
    if len(rows) < 2:
        return rows
    i = r.randrange(1, len(rows))
    row = list(rows[i])
    if row:
        row[r.randrange(len(row))] = r.choice(CELLS)
    return rows[:i] + [row] + rows[i + 1:]


def _repeat_column(rows: Rows, merges: list[Merge], r: random.Random) -> Rows:
    """A column written twice (on the rows of the table: a title or section row of one text stays as it is)."""
    width = max(len(x) for x in rows)
    j = r.randrange(len(rows[0]))
    return [x + [None] * (width - len(x)) + [x[j] if j < len(x) else None]
            if sum(1 for v in x if v not in (None, "")) > 1 else x for x in rows]


def _repeat_header(rows: Rows, merges: list[Merge], r: random.Random) -> Rows:
    i = r.randint(2, max(2, len(rows)))
    return rows[:i] + [list(rows[0])] + rows[i:]


def _free(merges: list[Merge], m: Merge) -> bool:
    """Whether merged range ``m`` touches none of ``merges`` (Word cannot merge into a merged cell)."""
    r0, c0, r1, c1 = m
    return all(r1 < a - 1 or r0 > b + 1 or c1 < c - 1 or c0 > d + 1 for a, c, b, d in merges)


def _merge_down(rows: Rows, merges: list[Merge], r: random.Random) -> Rows:
    """A cell merged down over the rows below it (the copies blanked, as Excel stores them)."""
    if len(rows) < 3:
        return rows
    i = r.randrange(1, len(rows) - 1)
    n = r.randint(1, min(3, len(rows) - 1 - i))
    j = r.randrange(len(rows[i]))
    if not _free(merges, (i + 1, j + 1, i + n + 1, j + 1)):
        return rows
    out = [list(x) for x in rows]
    for k in range(i + 1, i + n + 1):
        if j < len(out[k]):
            out[k][j] = None
        else:
            return rows
    merges.append((i + 1, j + 1, i + n + 1, j + 1))
    return out


def _merge_across(rows: Rows, merges: list[Merge], r: random.Random) -> Rows:
    """A data cell merged across the next column (the copy blanked)."""
    if len(rows) < 3:
        return rows
    i = r.randrange(2, len(rows))
    if len(rows[i]) < 2:
        return rows
    j = r.randrange(len(rows[i]) - 1)
    if not _free(merges, (i + 1, j + 1, i + 1, j + 2)):
        return rows
    out = [list(x) for x in rows]
    out[i][j + 1] = None
    merges.append((i + 1, j + 1, i + 1, j + 2))
    return out


def _two_row_header(rows: Rows, merges: list[Merge], r: random.Random) -> Rows:
    """The header written over two rows: a group label merged over two sub-labels, the other labels merged down."""
    h = next((i for i, x in enumerate(rows) if len({str(v) for v in x if v not in (None, "")}) >= 3), None)
    if h is None or merges or len(rows[h]) < 3:
        return rows
    head = rows[h]
    j = r.randrange(len(head) - 1)
    if head[j] in (None, "") or head[j + 1] in (None, ""):
        return rows
    top = [v if k not in (j, j + 1) else None for k, v in enumerate(head)]
    top[j] = r.choice(["责任人", "风险", "内容", "防控"])
    sub = [None] * len(head)
    sub[j], sub[j + 1] = head[j], head[j + 1]
    merges.append((h + 1, j + 1, h + 1, j + 2))
    merges.extend((h + 1, k + 1, h + 2, k + 1) for k, v in enumerate(head) if k not in (j, j + 1) and v not in (None, ""))
    return rows[:h] + [top, sub] + rows[h + 1:]


def _swap_columns(rows: Rows, merges: list[Merge], r: random.Random) -> Rows:
    if merges or len(rows[0]) < 2:
        return rows
    a, b = r.sample(range(len(rows[0])), 2)
    out = []
    for x in rows:
        y = list(x) + [None] * (max(a, b) + 1 - len(x))
        y[a], y[b] = y[b], y[a]
        out.append(y)
    return out


def _empty_cells(rows: Rows, merges: list[Merge], r: random.Random) -> Rows:
    return [[None if c is not None and r.random() < 0.1 else c for c in x] if k else x for k, x in enumerate(rows)]


EDITS: list[Callable[[Rows, list[Merge], random.Random], Rows]] = [
    _title_rows, _foot_rows, _blank_row, _blank_column, _odd_cell, _odd_cell, _repeat_column, _repeat_header,
    _merge_down, _merge_across, _two_row_header, _swap_columns, _empty_cells]
MERGING = (_merge_down, _merge_across, _two_row_header)


def variant(rows: Rows, rng: random.Random, edits: int = 3) -> tuple[Rows, list[Merge]]:
    """A copy of ``rows`` (header first) with ``edits`` random edits, and the merged ranges they made.

    Edits that move rows or columns come before the merges (a merge stays where it was made); a two-row header
    only on a table without other merges."""
    merges: list[Merge] = []
    out = [list(x) for x in rows]
    chosen = sorted((rng.choice(EDITS) for _ in range(edits)), key=lambda e: (e in MERGING, e is not _two_row_header))
    for edit in chosen:
        out = edit(out, merges, rng)
    return out, merges


def _text(v: Any) -> str:
    """A cell as a text file holds it."""
    if v is None:
        return ""
    if isinstance(v, dt.datetime):
        return v.isoformat(sep=" ")
    return v.isoformat() if isinstance(v, dt.date) else str(v)


def write_table(path: Path, rows: Rows, merges: list[Merge]) -> Path:
    """Save ``rows`` as the format ``path``'s name says (see FORMATS); merges are merged cells where the format has
    them (.xlsx, .html, .docx) and blank copies elsewhere."""
    name = path.name
    width = max((len(x) for x in rows), default=1) or 1
    if name.endswith(".xlsx"):
        from openpyxl import Workbook

        wb = Workbook()
        ws = wb.active
        for x in rows:
            ws.append([_xlsx_value(v) for v in x])
        for r0, c0, r1, c1 in merges:
            ws.merge_cells(start_row=r0, start_column=c0, end_row=r1, end_column=c1)
        wb.save(path)
    elif name.endswith(".csv"):
        buf = io.StringIO()
        csv.writer(buf, delimiter="\t" if ".utf16." in name else ",").writerows([[_text(v) for v in x] for x in rows])
        enc = "gbk" if ".gbk." in name else "utf-16" if ".utf16." in name else "utf-8-sig"
        atomic_write(path, buf.getvalue().encode(enc, errors="replace"), durable=False)
    elif name.endswith(".html"):
        covered = {(r, c) for r0, c0, r1, c1 in merges for r in range(r0, r1 + 1) for c in range(c0, c1 + 1)
                   if (r, c) != (r0, c0)}
        spans = {(r0, c0): (r1 - r0 + 1, c1 - c0 + 1) for r0, c0, r1, c1 in merges}
        body = "".join("<tr>" + "".join(
            f"<td rowspan={spans.get((i, j), (1, 1))[0]} colspan={spans.get((i, j), (1, 1))[1]}>"
            f"{html.escape(_text(v)).replace(chr(10), '<br>')}</td>"
            for j, v in enumerate(x + [None] * (width - len(x)), 1) if (i, j) not in covered) + "</tr>"
            for i, x in enumerate(rows, 1))
        atomic_write(path, f"<html><head><meta charset='utf-8'></head><body><table>{body}</table></body></html>",
                     durable=False)
    elif name.endswith(".docx"):
        import docx

        doc = docx.Document()
        table = doc.add_table(rows=len(rows), cols=width)
        for i, x in enumerate(rows):
            for j, v in enumerate(x):
                if v is not None:
                    table.cell(i, j).text = re.sub(r"[\x00-\x08\x0b\x0c\x0e-\x1f]", "", _text(v))
        for r0, c0, r1, c1 in merges:
            table.cell(r0 - 1, c0 - 1).merge(table.cell(r1 - 1, c1 - 1))
        doc.save(str(path))
    else:
        raise ValueError(f"no writer for {name}")
    return path


def _xlsx_value(v: Any) -> Any:
    """A cell openpyxl can store (control characters other than line breaks and tabs are not)."""
    return re.sub(r"[\x00-\x08\x0b\x0c\x0e-\x1f]", "", v) if isinstance(v, str) else v


def _squeeze(t: str) -> str:
    return re.sub(r"[\s：:，,。；;、（）()]+", "", t)


def kept(cell: str, written: str, headers: set[str]) -> bool:
    """A source cell is in the written YAML (each of its lines; numbering of lists and sections aside; a line
    ``label：text`` may be kept as its two parts), or it is a header of the column report, or a plain 序号."""

    if re.fullmatch(r"[\d\s.\-]+", cell) or norm_header(cell) in headers:
        return True
    flat = _squeeze(written)
    for line in cell.split("\n"):
        bare = re.sub(r"^(?:[（(]?[一二三四五六七八九十\d]{1,3}(?:[.．]\d{1,2})*[)）、.．]?)", "", line.strip())
        if _squeeze(line) in flat or _squeeze(bare) in flat:
            continue
        if re.search(r"[:：]", bare) and all(_squeeze(p) in flat for p in re.split(r"[:：]", bare, maxsplit=1)):
            continue  # "1.受理责任：公示…": the stage's label and its duty, each kept
        if not all(_squeeze(p) in flat for p in split_numbered(line)):
            return False
    return True


def source_cells(path: Path) -> list[str]:
    """Every non-empty cell of a table file as text (what the officer sees: characters that show nothing out)."""

    return [t for sh in read_any(path) for _, cells in sh.rows for c in dict.fromkeys(cells) if (t := text(c))]


def written_text(unit_dir: Path) -> str:
    """The keys, values and comment lines of every YAML file under ``unit_dir``, run together (for ``kept``)."""
    def strings(x: object) -> list[str]:
        if isinstance(x, dict):
            return [s for v in x.values() for s in strings(v)]
        if isinstance(x, list):
            return [s for v in x for s in strings(v)]
        return [str(x)]

    files = sorted(unit_dir.rglob("*.yaml"))
    comments = [line for p in files for line in p.read_text(encoding="utf-8").splitlines() if line.startswith("#")]
    def keys(x: object) -> list[str]:  # extra holds a column under its header: the maps' keys, after the values
        if isinstance(x, dict):
            return [s for k, v in x.items() for s in [str(k), *keys(v)]]
        return [s for v in x for s in keys(v)] if isinstance(x, list) else []

    data = [load_bytes(p.read_bytes(), p.name).data for p in files]
    return "".join([s for d in data for s in strings(d)] + comments + ["\n"] + [k for d in data for k in keys(d)])


def report_headers(columns: list[dict[str, Any]]) -> set[str]:
    """The source headers of an import's column report, normalised, a two-row header's sub-label (责任人(主管领导))
    on its own too."""

    return {norm_header(h) for c in columns for h in [c["header"], *re.findall(r"[(（]([^)）]+)[)）]", c["header"])]}


def lost_cells(path: Path, unit_dir: Path, headers: set[str]) -> list[str]:
    """The cells of table file ``path`` the YAML under ``unit_dir`` does not hold (``headers``: the normalised
    source headers of the import's column report)."""
    written = written_text(unit_dir)
    return [c for c in source_cells(path) if not kept(c, written, headers)]


Run = Callable[[list[str]], tuple[int, str, str, BaseException | None]]  # lfk ARGS → exit, stdout, stderr, exception


def _crashed(out: str, exc: BaseException | None) -> bool:
    return (exc is not None and not isinstance(exc, SystemExit)) or "Traceback" in out or "internal error" in out


def check_import(run: Run, table: Path, root: Path) -> list[str]:
    """Import ``table`` into unit ``u`` of the register at ``root``, then lint it: the problems found (a crash, an
    exit code outside 0-2, output that is not JSON, an error that names no sheet and row, a cell not kept, a lint
    crash), each one line."""
    import json


    code, out, err, exc = run(["import", str(table), "--root", str(root), "--unit", "u", "--format", "json"])
    if _crashed(out + err, exc) or code not in (0, 1, 2):
        return [f"{table.name}: import crashed (exit {code}): {exc!r} {(out + err)[-300:]}"]
    if code == 2:
        return [] if err.startswith("lfk:") and "\n" not in err.strip() else [f"{table.name}: exit 2, not one line: {err!r}"]
    try:
        doc = json.loads(out)
    except ValueError:
        return [f"{table.name}: import output is not JSON: {out[:200]}"]
    problems = [f"{table.name}: an error without its sheet and row: {f['message'][:100]}" for f in doc["findings"]
                if f["severity"] == "error" and not (f["line"] >= 1 and f["message"].startswith(("工作表", "sheet ")))]
    if code == 0 and not doc["summary"].get("files"):  # nothing written: said so (IMP100), never in silence
        if not any(f["code"] == "IMP100" for f in doc["findings"]):
            problems.append(f"{table.name}: nothing imported and nothing said")
    elif code == 0:
        headers = report_headers(doc["summary"].get("columns", []))
        lost = lost_cells(table, root / "units" / "u", headers)
        if lost:
            problems.append(f"{table.name}: cells not kept: {[c[:60] for c in lost[:5]]}")
    lcode, lout, lerr, lexc = run(["lint", "--root", str(root), "--format", "json"])
    if _crashed(lout + lerr, lexc) or lcode not in (0, 1):
        problems.append(f"{table.name}: lint after import crashed (exit {lcode}): {lexc!r} {(lout + lerr)[-300:]}")
    return problems
