"""Reading tables from .xlsx, .xls, .docx, .html, .csv (UTF-8 or GBK) and JSON files into sheets of raw cells (and,
through LibreOffice when installed, from .doc, .wps, .rtf, .odt and .ods).

Every spreadsheet or Word table becomes the same :class:`Sheet`: rows of cells with their row numbers, a
merged cell's value carried into every cell it covers, and each covered cell noted in ``Sheet.merged``.
"""

from __future__ import annotations

import codecs
import csv
import io
import json
import os
import re
import shutil
import subprocess
import tempfile
import warnings
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from lfk.core.errors import InputError
from lfk.core.safe import FORMULA_START

ENCODINGS = ("utf-8-sig", "gb18030")


@dataclass
class Sheet:
    """One table as read: its name (sheet title or file name) and rows of cells with their row numbers."""

    name: str
    rows: list[tuple[int, list[Any]]] = field(default_factory=list)
    encoding: str | None = None
    merged: dict[tuple[int, int], tuple[int, int]] = field(default_factory=dict)  # (row, col) → top-left cell
    formulas: dict[tuple[int, int], str] = field(default_factory=dict)  # (row, col) → a formula saved without its result
    hidden: bool = False  # a worksheet Excel does not show (hidden or very hidden)


_MERGE_BLOCK = re.compile(rb"<(?:\w+:)?mergeCells\b[^>]*/>|<(?:\w+:)?mergeCells\b.*?</(?:\w+:)?mergeCells>", re.S)
_MERGE_REF = re.compile(rb"<(?:\w+:)?mergeCell\b[^>]*?\bref=\"([A-Za-z]{1,3}[0-9]{1,7})(?::([A-Za-z]{1,3}[0-9]{1,7}))?\"")
# a formula cell saved without its result (a workbook written by a program, never opened in Excel)
_UNCALCULATED = re.compile(
    rb"<(?:\w+:)?c\b([^>]*)>\s*(?:<(?:\w+:)?f\b[^>]*/>|<(?:\w+:)?f\b[^>]*>[^<]*</(?:\w+:)?f>)"
    rb"\s*(?:<(?:\w+:)?v\s*/>|<(?:\w+:)?v>\s*</(?:\w+:)?v>)?\s*</(?:\w+:)?c>")
_ATTR_R = re.compile(rb"\br=\"([A-Za-z]{1,3}[0-9]{1,7})\"")
_ATTR_STR = re.compile(rb"\bt=\"str\"")  # a result that is the empty text: Excel writes <v></v> too
_CELL_REF = re.compile(r"([A-Za-z]{1,3})([0-9]{1,7})")
MAX_PART_BYTES = 256 * 1024 * 1024  # a worksheet part larger than this (decompressed) is refused
MAX_SPAN = 1000  # a Word gridSpan/gridBefore or HTML rowspan/colspan larger than this is taken as this
MAX_COLUMNS = 16384  # a Word or HTML table wider than this (Excel's limit) is refused
MAX_CSV_FIELD = 64 * 1024 * 1024  # a CSV cell longer than this (csv's own limit is 128 KB) is refused
MAX_FILLED = 20_000_000  # cells filled from merged ranges: more is a crafted file, refused


def _ref(text: bytes) -> tuple[int, int]:
    from openpyxl.utils import column_index_from_string

    m = _CELL_REF.fullmatch(text.decode("ascii"))
    assert m is not None
    return int(m.group(2)), column_index_from_string(m.group(1).upper())


# Excel's "Strict Open XML" workbooks use ISO namespaces openpyxl does not read (a workbook without sheets): the
# transitional ones, byte for byte, are what it knows
_STRICT = ((b"http://purl.oclc.org/ooxml/spreadsheetml/main", b"http://schemas.openxmlformats.org/spreadsheetml/2006/main"),
           (b"http://purl.oclc.org/ooxml/officeDocument/relationships",
            b"http://schemas.openxmlformats.org/officeDocument/2006/relationships"),
           (b"http://purl.oclc.org/ooxml/drawingml/main", b"http://schemas.openxmlformats.org/drawingml/2006/main"),
           (b"http://purl.oclc.org/ooxml/wordprocessingml/main",
            b"http://schemas.openxmlformats.org/wordprocessingml/2006/main"))


def _transitional(data: bytes) -> bytes:
    """An XML part with the Strict Open XML namespaces replaced by the transitional ones."""
    if b"purl.oclc.org/ooxml" not in data:
        return data
    for strict, transitional in _STRICT:
        data = data.replace(strict, transitional)
    return data


def _transitional_package(path: Path) -> Path | io.BytesIO:
    """A Strict Open XML package (.docx) rewritten in memory with the transitional namespaces; else ``path``."""
    with zipfile.ZipFile(path) as zin:
        infos = zin.infolist()
        if not any(b"purl.oclc.org/ooxml" in zin.read(i) for i in infos if i.filename.endswith(".rels")):
            return path
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zout:
            for info in infos:
                data = zin.read(info)
                zout.writestr(info, _transitional(data) if info.filename.endswith((".xml", ".rels")) else data)
    out.seek(0)
    return out


def _without_merges(path: Path) -> tuple[io.BytesIO, dict[str, list[tuple[int, int, int, int]]],
                                         dict[str, set[tuple[int, int]]]]:
    """The workbook with its merge lists taken out (openpyxl expands each merged cell into objects: a range
    A3:XFD1048576 would take minutes and gigabytes), the merges by worksheet part name, and the parts that
    cells of formulas saved without their results by part name."""
    merges: dict[str, list[tuple[int, int, int, int]]] = {}
    uncalculated: dict[str, set[tuple[int, int]]] = {}
    out = io.BytesIO()
    with zipfile.ZipFile(path) as zin, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            if info.file_size > MAX_PART_BYTES:
                raise InputError(f"{path}: part {info.filename} is {info.file_size} bytes unpacked / 工作簿过大",
                                 hint="save the table alone in a new workbook")
            data = zin.read(info.filename)
            if info.filename.endswith((".xml", ".rels")):
                data = _transitional(data)
            if info.filename.startswith("xl/worksheets/") and info.filename.endswith(".xml"):
                found = []
                for block in _MERGE_BLOCK.findall(data):
                    for a, b in _MERGE_REF.findall(block):
                        r0, c0 = _ref(a)
                        r1, c1 = _ref(b or a)
                        found.append((min(r0, r1), min(c0, c1), max(r0, r1), max(c0, c1)))
                merges[info.filename] = found
                data = _MERGE_BLOCK.sub(b"", data)
                cells = {_ref(r.group(1)) for m in _UNCALCULATED.finditer(data)
                         if not _ATTR_STR.search(m.group(1)) and (r := _ATTR_R.search(m.group(1)))}
                if cells:
                    uncalculated[info.filename] = cells
            zout.writestr(info, data)
    out.seek(0)
    return out, merges, uncalculated


def _sheet_parts(path: Path) -> dict[str, str]:
    """Worksheet title → its part name (xl/worksheets/sheetN.xml), from workbook.xml and its relations."""
    import xml.etree.ElementTree as ET

    ns_main = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
    ns_rel = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
    with zipfile.ZipFile(path) as z:
        try:
            wb = ET.fromstring(_transitional(z.read("xl/workbook.xml")))
            rels = ET.fromstring(_transitional(z.read("xl/_rels/workbook.xml.rels")))
        except (KeyError, ET.ParseError):
            return {}
    targets = {}
    for rel in rels:
        target = rel.get("Target") or ""
        target = target.lstrip("/")
        targets[rel.get("Id")] = target if target.startswith("xl/") else "xl/" + target
    out = {}
    for sh in wb.iter(f"{ns_main}sheet"):
        rid = sh.get(f"{ns_rel}id")
        if sh.get("name") is not None and rid in targets:
            out[sh.get("name") or ""] = targets[rid]
    return out


def grid_sheet(title: str, grid: dict[tuple[int, int], Any], merges: list[tuple[int, int, int, int]]) -> Sheet:
    """A sheet from its non-empty cells and merged ranges; the work is bounded by the real content.

    A merged range's value is carried into the cells it covers on rows and in columns that hold content
    (a merge over empty rows or columns adds nothing); each such cell is noted in ``Sheet.merged`` with
    the range's top-left cell, so that blank-by-merge cells are known as copies.
    """
    rows_used = sorted({r for r, _ in grid})
    cols_used = sorted({c for _, c in grid})
    sheet = Sheet(title)
    if not grid:
        return sheet
    import bisect

    budget = MAX_FILLED
    for r0, c0, r1, c1 in merges:
        v = grid.get((r0, c0))
        if v is None:
            continue
        rs = rows_used[bisect.bisect_left(rows_used, r0):bisect.bisect_right(rows_used, r1)]
        cs = cols_used[bisect.bisect_left(cols_used, c0):bisect.bisect_right(cols_used, c1)]
        budget -= len(rs) * len(cs)
        if budget < 0:
            raise InputError(f"{title}: more than {MAX_FILLED} cells under merged ranges / 合并单元格过多",
                             hint="unmerge the cells and save the table again / 取消单元格合并后重新保存")
        for r in rs:
            for c in cs:
                if (r, c) != (r0, c0):
                    grid[(r, c)] = v
                    sheet.merged[(r, c)] = (r0, c0)
    by_row: dict[int, dict[int, Any]] = {}
    for (r, c), v in grid.items():
        by_row.setdefault(r, {})[c] = v
    for r in sorted(by_row):
        cells = by_row[r]
        width = max(cells)
        sheet.rows.append((r, [cells.get(c) for c in range(1, width + 1)]))
    return sheet


def read_xlsx(path: Path) -> list[Sheet]:
    """Every worksheet of an .xlsx file; merged cells carry their value into every cell they cover. A formula
    saved without its result (a workbook a program wrote) is its text ``=…``, noted in ``Sheet.formulas``."""
    from openpyxl import load_workbook

    try:
        data, merges, uncalculated = _without_merges(path)
        parts = _sheet_parts(path)
        with warnings.catch_warnings():  # openpyxl's UserWarnings (a date out of range, an extension it drops)
            warnings.simplefilter("ignore")  # would reach the officer's terminal as Python text
            wb = load_workbook(data, data_only=True)
            if uncalculated:
                data.seek(0)
                with_formulas = load_workbook(data, data_only=False)
    except InputError:
        raise
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as e:
        raise InputError(f"{path}: not a readable .xlsx workbook / 无法读取 Excel 文件: {e}") from None
    except Exception as e:  # noqa: BLE001 - openpyxl raises assorted errors on broken files
        raise InputError(f"{path}: not a readable .xlsx workbook / 无法读取 Excel 文件: {type(e).__name__}: {e}") from None
    if not wb.worksheets:
        raise InputError(f"{path}: a workbook without a worksheet / 工作簿中没有工作表",
                         hint="open it in Excel/WPS and save it as an Excel 工作簿 (.xlsx)")
    out = []
    for ws in wb.worksheets:
        grid: dict[tuple[int, int], Any] = {}
        # the stored cells only (iter_rows would walk the whole used range: one cell at ZZ500000 is 350M cells)
        for (r, c), cell in ws._cells.items():  # noqa: SLF001
            if cell.value is not None and not (isinstance(cell.value, str) and not cell.value.strip()):
                grid[(r, c)] = cell.value
        cells = uncalculated.get(parts.get(ws.title, ""), set())
        formulas = _formulas(with_formulas[ws.title], cells) if cells else {}
        grid.update(formulas)
        sheet = grid_sheet(ws.title, grid, merges.get(parts.get(ws.title, ""), []))
        sheet.formulas = formulas
        sheet.hidden = ws.sheet_state != "visible"
        out.append(sheet)
    return out


def _formulas(ws: Any, cells: set[tuple[int, int]]) -> dict[tuple[int, int], str]:
    """The formula text of the ``cells`` of worksheet ``ws`` (read with its formulas) saved without results."""
    out = {}
    for rc in cells:
        cell = ws._cells.get(rc)  # noqa: SLF001 - the stored cells only, as in read_xlsx
        text = getattr(cell.value, "text", cell.value) if cell is not None else None  # an ArrayFormula: its text
        if isinstance(text, str) and text.startswith("="):
            out[rc] = text
    return out


OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # an OLE2 compound file: .xls, .doc, or an encrypted .xlsx/.docx
ZIP_MAGIC = b"PK\x03\x04"
_ENCRYPTED_OOXML = "EncryptionInfo".encode("utf-16-le")  # the stream a password-protected .xlsx/.docx holds


def _head(path: Path, n: int = 4096) -> bytes:
    try:
        with path.open("rb") as f:
            return f.read(n)
    except OSError as e:
        raise InputError(f"{path}: cannot read ({e.strerror}) / 无法读取") from None


def _encrypted_ooxml(path: Path) -> bool:
    """An OLE2 file that holds an encrypted Office Open XML package (a .xlsx/.docx with a password)."""
    try:
        data = path.read_bytes()
    except OSError:
        return False
    return data.startswith(OLE_MAGIC) and _ENCRYPTED_OOXML in data


def _check_zip(path: Path) -> None:
    """Refuse a zip package with a part larger than MAX_PART_BYTES unpacked (a zip bomb)."""
    try:
        with zipfile.ZipFile(path) as z:
            for info in z.infolist():
                if info.file_size > MAX_PART_BYTES:
                    raise InputError(f"{path}: part {info.filename} is {info.file_size} bytes unpacked / 文件过大",
                                     hint="save the table alone in a new file")
    except zipfile.BadZipFile as e:
        raise InputError(f"{path}: not a readable Word/Excel file / 文件已损坏或不是 Office 文件: {e}",
                         hint="open it in Word/Excel/WPS and save it again") from None


def _xls_value(book: Any, ctype: int, value: Any) -> Any:
    """One xlrd cell value as openpyxl gives it: a date as a datetime (a time of day alone as a time), a whole
    number as an int, an error as its text (#N/A)."""
    import xlrd

    if ctype == xlrd.XL_CELL_DATE:
        try:
            when = xlrd.xldate_as_datetime(value, book.datemode)
        except (xlrd.XLDateError, ValueError, OverflowError):
            return value
        return when.time() if 0 <= value < 1 else when
    if ctype == xlrd.XL_CELL_NUMBER:
        return int(value) if float(value).is_integer() and abs(value) < 2**53 else value
    if ctype == xlrd.XL_CELL_BOOLEAN:
        return bool(value)
    if ctype == xlrd.XL_CELL_ERROR:
        return xlrd.error_text_from_code.get(value, "#ERR")
    return value


def read_xls(path: Path) -> list[Sheet]:
    """Every worksheet of an old-format .xls workbook (BIFF, read by xlrd); merged cells as in :func:`read_xlsx`."""
    import xlrd

    hint = "open it in Excel/WPS and save it again, or as .xlsx / 用 Excel 或 WPS 打开后另存为 Excel 工作簿"
    if _encrypted_ooxml(path):
        raise InputError(f"{path}: the workbook is protected by a password / 工作簿已加密",
                         hint="remove the password and save it again / 取消密码保护后重新保存")
    log = io.StringIO()  # xlrd's warnings about a damaged file would go to stdout
    try:
        try:
            book = xlrd.open_workbook(str(path), formatting_info=True, logfile=log)
        except NotImplementedError:  # formatting records this xlrd cannot read: the cells without the merges
            book = xlrd.open_workbook(str(path), logfile=log)
    except Exception as e:  # noqa: BLE001 - xlrd raises assorted errors (XLRDError, CompDocError, struct.error) on broken files
        text = str(e).splitlines()[0] if str(e) else type(e).__name__
        if "encrypted" in text.lower():
            raise InputError(f"{path}: the workbook is protected by a password / 工作簿已加密",
                             hint="remove the password and save it again / 取消密码保护后重新保存") from None
        raise InputError(f"{path}: not a readable .xls workbook / 无法读取 Excel 文件: {text}", hint=hint) from None
    out = []
    for ws in book.sheets():
        grid: dict[tuple[int, int], Any] = {}
        for r in range(ws.nrows):
            for c, (ctype, value) in enumerate(zip(ws.row_types(r), ws.row_values(r), strict=False)):
                if ctype in (xlrd.XL_CELL_EMPTY, xlrd.XL_CELL_BLANK):
                    continue
                if isinstance(value, str) and not value.strip():
                    continue
                grid[(r + 1, c + 1)] = _xls_value(book, ctype, value)
        merges = [(rlo + 1, clo + 1, rhi, chi) for rlo, rhi, clo, chi in getattr(ws, "merged_cells", [])
                  if rhi > rlo and chi > clo]
        sheet = grid_sheet(ws.name, grid, merges)
        sheet.hidden = bool(getattr(ws, "visibility", 0))
        out.append(sheet)
    return out


_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_MC_FALLBACK = "{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback"
_SKIPPED = (_MC_FALLBACK, f"{_W}moveFrom", f"{_W}del")  # a text box's fallback copy, text moved away or deleted
MAX_CAPTION = 60  # a sheet named by a longer paragraph is cut there
_WRAPPERS = (f"{_W}sdt", f"{_W}sdtContent", f"{_W}customXml", f"{_W}smartTag")


def _children(el: Any, tag: str) -> list[Any]:
    """The ``tag`` children of ``el``, looking through content controls and custom XML wrappers."""
    out = []
    for ch in el:
        if ch.tag == tag:
            out.append(ch)
        elif ch.tag in _WRAPPERS:
            out.extend(_children(ch, tag))
    return out


def _text(el: Any) -> str:
    """The visible text of a paragraph, a cell or a table: paragraphs joined with a line break, tabs and
    breaks kept, tracked insertions in, deletions and the fallback copies of text boxes out."""
    parts: list[str] = []
    first = True
    for node in el.iter(f"{_W}p", f"{_W}t", f"{_W}tab", f"{_W}br", f"{_W}cr", f"{_W}noBreakHyphen"):
        if any(a.tag in _SKIPPED for a in node.iterancestors()):
            continue
        if node.tag == f"{_W}p":
            if not first:
                parts.append("\n")
            first = False
        elif node.tag == f"{_W}t":
            parts.append(node.text or "")
        elif node.tag == f"{_W}tab":
            if node.getparent() is not None and node.getparent().tag == f"{_W}r":
                parts.append("\t")
        elif node.tag == f"{_W}noBreakHyphen":
            parts.append("-")
        else:
            parts.append("\n")
    return "".join(parts).strip("\n")


def _val(el: Any, path: str, default: str | None = None) -> str | None:
    """The ``w:val`` of the element at ``path`` below ``el`` (``default`` when the element has none), or None."""
    found = el.find(path)
    if found is None:
        return None
    return found.get(f"{_W}val", default)


def _int(text: str | None, default: int) -> int:
    try:
        return max(0, int(text)) if text is not None else default
    except ValueError:
        return default


@dataclass
class _WordTable:
    """One Word table's cells by (row, grid column), its merged ranges, its row count and grid width."""

    grid: dict[tuple[int, int], Any]
    merges: list[tuple[int, int, int, int]]
    height: int
    width: int


def _docx_grid(tbl: Any) -> _WordTable:
    """One Word table's grid from each cell's w:gridSpan (and legacy w:hMerge) and w:vMerge; a horizontal or
    vertical merge is a merged range, as in an Excel sheet."""
    grid: dict[tuple[int, int], Any] = {}
    height = width = 0
    merges: list[list[int]] = []  # [r0, c0, r1, c1]
    open_v: dict[int, int] = {}  # grid column → index in merges of the vertical merge open there
    for r, tr in enumerate(_children(tbl, f"{_W}tr"), start=1):
        c = 1 + min(_int(_val(tr, f"{_W}trPr/{_W}gridBefore"), 0), MAX_SPAN)
        prev: int | None = None  # the merge index of the previous cell in this row (for w:hMerge)
        for tc in _children(tr, f"{_W}tc"):
            span = min(max(1, _int(_val(tc, f"{_W}tcPr/{_W}gridSpan"), 1)), MAX_SPAN)
            if c + span > MAX_COLUMNS:
                raise InputError(f"a Word table wider than {MAX_COLUMNS} columns / 表格列数过多",
                                 hint="save the table alone in a new file")
            text = _text(tc)
            vmerge = _val(tc, f"{_W}tcPr/{_W}vMerge", "continue")
            hmerge = _val(tc, f"{_W}tcPr/{_W}hMerge", "continue")
            above = open_v.get(c)
            if vmerge == "continue" and not text.strip() and above is not None and merges[above][2] == r - 1 \
                    and merges[above][3] == c + span - 1:
                merges[above][2] = r
                prev = above
            elif hmerge == "continue" and not text.strip() and prev is not None and merges[prev][0] == r:
                merges[prev][3] = c + span - 1
            else:
                if text.strip():
                    grid[(r, c)] = text
                merges.append([r, c, r, c + span - 1])
                prev = len(merges) - 1
                for col in range(c, c + span):
                    open_v.pop(col, None)
                if vmerge == "restart":
                    open_v[c] = prev
            c += span
        height, width = r, max(width, c - 1)
    ranges = [(r0, c0, r1, c1) for r0, c0, r1, c1 in merges if (r0, c0) != (r1, c1)]
    return _WordTable(grid, ranges, height, width)


def _row_text(table: _WordTable, r: int) -> list[Any]:
    return [table.grid.get((r, c)) for c in range(1, table.width + 1)]


def _docx_sheet(title: str, parts: list[_WordTable]) -> Sheet:
    """One sheet of a Word table and the tables that continue it (rows numbered on; a first row that
    repeats one of the first table's top rows, a header repeated after a split, is not read again)."""
    grid: dict[tuple[int, int], Any] = {}
    merges: list[tuple[int, int, int, int]] = []
    top = [_row_text(parts[0], r) for r in range(1, min(3, parts[0].height) + 1)]
    offset = 0
    for i, part in enumerate(parts):
        skip = 1 if i and part.height and _row_text(part, 1) in top else 0
        for (r, c), v in part.grid.items():
            if r > skip:
                grid[(r - skip + offset, c)] = v
        merges.extend((r0 - skip + offset, c0, r1 - skip + offset, c1) for r0, c0, r1, c1 in part.merges if r0 > skip)
        offset += part.height - skip
    return grid_sheet(title, grid, merges)


def read_docx(path: Path) -> list[Sheet]:
    """Every table of a Word .docx document, in order, as one sheet each.

    A sheet's name is the paragraph just above its table (the nearest non-empty one after the previous
    table), else 表N; the paragraphs of a cell are joined with a line break; cells merged across (gridSpan)
    or down (vMerge) are merged ranges as in :func:`read_xlsx`. A table that follows another of the same
    width with no text between (a table split in two, at a page or by hand) continues its sheet.
    """
    import docx
    from docx.opc.exceptions import PackageNotFoundError

    hint = "open it in Word/WPS and save it again as .docx / 用 Word 或 WPS 打开后另存为 Word 文档"
    head = _head(path)
    if head.startswith(OLE_MAGIC):
        if _encrypted_ooxml(path):
            raise InputError(f"{path}: the document is protected by a password / 文档已加密",
                             hint="remove the password and save it again / 取消密码保护后重新保存")
        raise InputError(f"{path}: an old Word .doc file named .docx / 这是旧版 .doc 文件", hint=hint)
    if not head.startswith(ZIP_MAGIC):
        raise InputError(f"{path}: not a readable .docx document / 文件已损坏或不是 Word 文档", hint=hint)
    _check_zip(path)
    try:
        package = _transitional_package(path)
        document = docx.Document(str(package) if isinstance(package, Path) else package)
    except (PackageNotFoundError, KeyError, ValueError, zipfile.BadZipFile, OSError) as e:
        text = str(e).splitlines()[0] if str(e) else type(e).__name__
        raise InputError(f"{path}: not a readable .docx document / 无法读取 Word 文档: {text}", hint=hint) from None
    except Exception as e:  # noqa: BLE001 - lxml and python-docx raise assorted errors on broken files
        raise InputError(f"{path}: not a readable .docx document / 无法读取 Word 文档: {type(e).__name__}",
                         hint=hint) from None
    found: list[tuple[str, list[_WordTable]]] = []  # (caption, the table and the tables continuing it)
    caption = ""  # the last non-empty paragraph since the previous table

    def walk(el: Any) -> None:
        nonlocal caption
        for ch in el:
            if ch.tag in _WRAPPERS:
                walk(ch)
            elif ch.tag == f"{_W}p":
                line = " ".join(_text(ch).split())
                caption = line or caption
            elif ch.tag == f"{_W}tbl":
                table = _docx_grid(ch)
                if not caption and found and found[-1][1][-1].width == table.width:
                    found[-1][1].append(table)  # split in two (nothing written between): one table
                else:
                    found.append((caption, [table]))
                caption = ""

    walk(document.element.body)
    out: list[Sheet] = []
    names: set[str] = set()
    for caption, parts in found:
        out.append(_docx_sheet(_sheet_name(caption, len(out) + 1, names), parts))
    if not out:
        raise InputError(f"{path}: a Word document without a table / 文档中没有表格",
                         hint="put the register in a Word table (插入→表格), or save it as .xlsx")
    return out


def _sheet_name(caption: str, n: int, names: set[str]) -> str:
    """A table's sheet name: its caption (cut at MAX_CAPTION), else 表N; made unique among ``names``."""
    name = caption if len(caption) <= MAX_CAPTION else caption[:MAX_CAPTION - 1] + "…"
    name = name or f"表{n}"
    base, k = name, 2
    while name in names:
        name, k = f"{base} ({k})", k + 1
    names.add(name)
    return name


_HTML_BLOCKS = {"p", "div", "li", "tr", "table", "h1", "h2", "h3", "h4", "h5", "h6", "caption", "title", "ul", "ol",
                "section", "article", "header", "footer", "blockquote", "pre", "dt", "dd"}
_HTML_SKIP = {"script", "style", "head", "template", "noscript"}


def _span(value: str | None) -> int:
    try:
        n = int((value or "1").strip().split(".")[0] or 1)
    except ValueError:
        return 1
    return min(max(n, 1), MAX_SPAN)


class _HtmlTables:
    """The top-level tables of an HTML page (a web page saved as .xls, .doc or .html), as Word-table grids.

    A nested table's text belongs to the cell holding it; rowspan/colspan are merged ranges; <br> and block
    elements inside a cell are line breaks; the caption is the table's <caption>, else the last text before it.
    """

    def __init__(self) -> None:
        from html.parser import HTMLParser

        outer = self

        class _Parser(HTMLParser):
            def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
                outer.start(tag, dict(attrs))

            def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
                outer.start(tag, dict(attrs))
                if tag not in ("br", "hr"):
                    outer.end(tag)

            def handle_endtag(self, tag: str) -> None:
                outer.end(tag)

            def handle_data(self, data: str) -> None:
                outer.data(data)

        self.parser = _Parser(convert_charrefs=True)
        self.found: list[tuple[str, _WordTable]] = []
        self.depth = 0  # table nesting
        self.skip = 0
        self.text: list[str] = []  # text outside tables since the last table
        self.caption = ""
        self.cell: list[str] | None = None
        self.in_caption = False
        self.table_caption: list[str] = []
        self._new_table()

    def _new_table(self) -> None:
        self.grid: dict[tuple[int, int], Any] = {}
        self.merges: list[tuple[int, int, int, int]] = []
        self.pending: dict[int, int] = {}  # grid column → last row a rowspan above covers
        self.r = 0
        self.c = 1
        self.width = 0
        self.span = (1, 1)

    def start(self, tag: str, attrs: dict[str, str | None]) -> None:
        if tag == "body":  # a <head> left open ends here
            self.skip = 0
            return
        if tag in _HTML_SKIP:
            self.skip += 1
            return
        if self.skip:
            return
        if tag == "table":
            self.depth += 1
            if self.depth == 1:
                lines = [" ".join(x.split()) for x in "".join(self.text).split("\n")]
                self.caption = next((x for x in reversed(lines) if x), "")
                self.text = []
                self.table_caption = []
                self._new_table()
                return
        if self.depth > 1:
            if tag in ("br", "tr", "p", "div", "li") and self.cell is not None:
                self.cell.append("\n")
            elif tag in ("td", "th") and self.cell is not None:
                self.cell.append(" ")
            return
        if self.depth == 1:
            if tag == "caption":
                self.in_caption = True
            elif tag == "tr":
                self._close_cell()
                self.r += 1
                self.c = 1
            elif tag in ("td", "th"):
                self._close_cell()
                if self.r == 0:
                    self.r = 1
                while self.pending.get(self.c, 0) >= self.r:
                    self.c += 1
                self.span = (_span(attrs.get("rowspan")), _span(attrs.get("colspan")))
                self.cell = []
            elif tag in ("br", "p", "div", "li") and self.cell is not None:
                self.cell.append("\n")
            return
        if tag in _HTML_BLOCKS or tag == "br":
            self.text.append("\n")

    def end(self, tag: str) -> None:
        if tag in _HTML_SKIP:
            self.skip = max(0, self.skip - 1)
            return
        if self.skip:
            return
        if tag == "table" and self.depth:
            self.depth -= 1
            if self.depth == 0:
                self._close_cell()
                caption = " ".join("".join(self.table_caption).split()) or self.caption
                self.found.append((caption, _WordTable(self.grid, self.merges, self.r, self.width)))
            return
        if self.depth == 1:
            if tag == "caption":
                self.in_caption = False
            elif tag in ("td", "th"):
                self._close_cell()
            elif tag in ("p", "div", "li") and self.cell is not None:
                self.cell.append("\n")
        elif self.depth == 0 and tag in _HTML_BLOCKS:
            self.text.append("\n")

    def data(self, text: str) -> None:
        if self.skip:
            return
        if self.cell is not None:
            self.cell.append(text)
        elif self.depth == 1 and self.in_caption:
            self.table_caption.append(text)
        elif self.depth == 0:
            self.text.append(text)

    def _close_cell(self) -> None:
        if self.cell is None:
            return
        lines = [" ".join(line.split()) for line in "".join(self.cell).split("\n")]
        text = "\n".join(lines).strip("\n")
        while "\n\n" in text:
            text = text.replace("\n\n", "\n")
        rs, cs = self.span
        r, c = self.r, self.c
        if text:
            self.grid[(r, c)] = text
        if rs > 1 or cs > 1:
            self.merges.append((r, c, r + rs - 1, c + cs - 1))
        if rs > 1:
            for col in range(c, c + cs):
                self.pending[col] = r + rs - 1
        self.c = c + cs
        if self.c > MAX_COLUMNS:
            raise InputError(f"a table of the page is wider than {MAX_COLUMNS} columns / 表格列数过多",
                             hint="save the table alone in a new file")
        self.width = max(self.width, self.c - 1)
        self.cell = None

    def feed(self, text: str) -> list[tuple[str, _WordTable]]:
        self.parser.feed(text)
        self.parser.close()
        if self.depth:  # an unclosed table at the end of the page
            self.depth = 1
            self.end("table")
        return self.found


_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_\-]+)""", re.I)


def read_html(path: Path) -> list[Sheet]:
    """Every top-level table of an HTML page (a web page, or one saved under an .xls or .doc name) as a sheet,
    named by its caption or the text just above it; rowspan/colspan are merged ranges as in :func:`read_xlsx`."""
    try:
        raw = path.read_bytes()
    except OSError as e:
        raise InputError(f"{path}: cannot read ({e.strerror}) / 无法读取") from None
    if b"urn:schemas-microsoft-com:office:spreadsheet" in raw[:4096] and b"<table" not in raw[:65536].lower():
        raise InputError(f"{path}: an Excel 2003 XML spreadsheet / 这是 Excel 2003 XML 表格",
                         hint="open it in Excel/WPS and save it as .xlsx")
    declared = _CHARSET.search(raw[:4096])
    encodings = [declared.group(1).decode("ascii").lower()] if declared else []
    encodings = ["gb18030" if e.replace("_", "").replace("-", "") in ("gb2312", "gbk", "xgbk", "gb231280") else e
                 for e in encodings]  # pages declare GB2312 and use GBK characters
    for enc in [*(["utf-16"] if _utf16(raw) else []), *encodings, "utf-8-sig", "gb18030"]:
        try:
            textv = raw.decode(enc)
            break
        except (UnicodeDecodeError, LookupError):
            continue
    else:
        raise InputError(f"{path}: neither UTF-8 nor GBK text / 既不是 UTF-8 也不是 GBK 编码")
    found = _HtmlTables().feed(textv)
    out: list[Sheet] = []
    names: set[str] = set()
    for caption, table in found:
        out.append(_docx_sheet(_sheet_name(caption, len(out) + 1, names), [table]))
    if not out:
        raise InputError(f"{path}: a web page without a table / 网页中没有表格",
                         hint="open it in Excel/WPS and save it as .xlsx")
    return out


def _utf16(raw: bytes) -> bool:
    """Text with a UTF-16 byte-order mark: Excel's "Unicode 文本" (tab-separated) and some web exports."""
    return raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE))


def decode(raw: bytes, name: str) -> tuple[str, str]:
    """CSV bytes as text: UTF-16 with its byte-order mark, UTF-8 (with or without BOM), else GBK/GB18030
    (Excel's default in China)."""
    if _utf16(raw):
        try:
            return raw.decode("utf-16"), "utf-16"
        except UnicodeDecodeError:
            pass
    for enc in ENCODINGS:
        try:
            return raw.decode(enc), ("utf-8" if enc == "utf-8-sig" else "gbk")
        except UnicodeDecodeError:
            continue
    raise InputError(f"{name}: neither UTF-8, UTF-16 nor GBK text / 既不是 UTF-8、UTF-16 也不是 GBK 编码",
                     hint="save it from Excel/WPS as CSV UTF-8 / 用 Excel 或 WPS 另存为“CSV UTF-8（逗号分隔）”")


def uncsv_cell(cell: str) -> str:
    """A CSV cell as written before ``lfk.core.safe.csv_cell`` guarded it: ``'=…`` (``'+…``, ``'-…``,
    ``'@…``) is the text ``=…``, so an exported table imports back unchanged."""
    if cell[:1] == "'" and cell[1:2] and cell[1:].startswith(FORMULA_START):
        return cell[1:]
    return cell


def read_csv(path: Path) -> list[Sheet]:
    """A CSV file as one sheet (delimiter , ; or tab, sniffed)."""
    try:
        raw = path.read_bytes()
    except OSError as e:
        raise InputError(f"{path}: cannot read ({e.strerror}) / 无法读取") from None
    textv, enc = decode(raw, str(path))
    if not textv.strip(" \t\r\n\ufeff,;"):
        raise InputError(f"{path}: the file is empty / 文件为空", hint="save the table again")
    hint = re.match(r"sep=(.)[ \t]*\r?\n", textv)  # Excel's line naming the delimiter ("sep=;"), not a row
    body = textv[hint.end():] if hint else textv
    dialect: Any = csv.excel
    if hint:
        dialect = type("Declared", (csv.excel,), {"delimiter": hint.group(1)})
    else:
        try:
            dialect = csv.Sniffer().sniff(body[:4096], delimiters=",;\t")
        except csv.Error:
            pass
    reader = csv.reader(io.StringIO(body, newline=""), dialect)
    sheet = Sheet(path.stem, encoding=enc)
    lead = textv.count("\n", 0, hint.end()) if hint else 0  # row numbers stay the file's line numbers
    start = 1 + lead
    # a long cell is no reason to refuse a table; the limit is the process's, put back after (the monitor's own)
    limit = csv.field_size_limit(MAX_CSV_FIELD)
    try:
        for row in reader:
            sheet.rows.append((start, [uncsv_cell(c) for c in row]))
            start = reader.line_num + 1 + lead
    except csv.Error as e:
        raise InputError(f"{path}:{reader.line_num + lead}: unreadable CSV / CSV 格式错误: {e}") from None
    finally:
        csv.field_size_limit(limit)
    return [sheet]


def read_json(path: Path) -> Any:
    """A JSON export of ``lfk export --format json``."""
    try:
        return json.loads(path.read_text(encoding="utf-8-sig"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as e:
        raise InputError(f"{path}: not readable JSON / 无法读取 JSON: {e}") from None


def _looks_like_text(head: bytes) -> bool:
    """UTF-8, GBK or UTF-16 (with its byte-order mark) text with a tab or comma on its first line (the cut of
    the last character forgiven)."""
    if _utf16(head):
        first16 = head[:len(head) // 2 * 2].decode("utf-16", errors="replace").split("\n", 1)[0]
        return "\t" in first16 or "," in first16 or first16.startswith("sep=")
    if b"\0" in head:
        return False
    first = head.split(b"\n", 1)[0]
    if b"\t" not in first and b"," not in first and not first.lstrip(codecs.BOM_UTF8).startswith(b"sep="):
        return False
    for enc in ENCODINGS:
        try:
            head.decode(enc)
            return True
        except UnicodeDecodeError as e:
            if e.start >= len(head) - 4:
                return True
    return False


def _looks_like_html(head: bytes) -> bool:
    if _utf16(head):
        head = head[:len(head) // 2 * 2].decode("utf-16", errors="replace").encode("utf-8")
    start = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    return start.startswith(b"<") or b"<html" in head.lower() or b"<table" in head.lower()


WORD_STREAM = "WordDocument".encode("utf-16-le")  # the stream every Word 97-2003 (and WPS) document has
SOFFICE_TIMEOUT = 180  # seconds LibreOffice may take to convert one document


def soffice() -> str | None:
    """LibreOffice's command when it is installed (and not switched off by ``LFK_NO_LIBREOFFICE=1``), else None."""
    if os.environ.get("LFK_NO_LIBREOFFICE", "") not in ("", "0"):
        return None
    return shutil.which("soffice") or shutil.which("libreoffice")


# what LibreOffice converts to: (what the input is, in en / zh; the program to save it in; the reader; the package)
_CONVERTS: dict[str, tuple[str, str, str, Callable[[Path], list[Sheet]], str]] = {
    "docx": ("documents", "文档", "Word/WPS", read_docx, "libreoffice-writer-nogui"),
    "xlsx": ("workbooks", "工作簿", "Excel/WPS", read_xlsx, "libreoffice-calc-nogui"),
}


def _via_libreoffice(path: Path, fmt: str) -> list[Sheet]:
    """The sheets of an old or foreign document (.doc, .wps, .rtf, .odt; .et, .ods), converted by LibreOffice
    to ``fmt`` (docx, xlsx) in a private folder with a profile of its own (so a running LibreOffice is not
    disturbed), then read as that format. Macros are not run: LibreOffice converts headless with its default
    macro security. The converted copy is removed; the sheets keep their names. Without LibreOffice: refused,
    with the fix."""
    what, what_zh, app, read, package = _CONVERTS[fmt]
    program = soffice()
    if program is None:
        saved = "Word 文档（.docx）" if fmt == "docx" else "Excel 工作簿（.xlsx）"
        raise InputError(f"{path}: {path.suffix.lower()} {what} are not read / 不支持 {path.suffix.lower()} {what_zh}",
                         hint=f"open it in {app} and save it as .{fmt} / 另存为 {saved}; or install "
                              f"LibreOffice (apt-get install {package}) and lfk converts it")
    magic = {".rtf": (b"{\\rtf",), ".odt": (ZIP_MAGIC,), ".ods": (ZIP_MAGIC,)}.get(path.suffix.lower(), (OLE_MAGIC,))
    if not _head(path).startswith(magic) or (magic == (OLE_MAGIC,) and fmt == "docx" and WORD_STREAM not in
                                             path.read_bytes()):  # LibreOffice opens anything (as plain text)
        raise InputError(f"this is not a {path.suffix} document (damaged, or another kind of file) / 不是 "
                         f"{path.suffix} 文件（文件损坏或是其他类型的文件）",
                         hint=f"open it in Word/WPS/Excel and save it as .{fmt} / 另存为 .{fmt}")
    with tempfile.TemporaryDirectory(prefix="lfk-convert-") as tmp:
        src = Path(tmp) / f"in{path.suffix.lower()}"  # a plain name: LibreOffice names its output after it
        shutil.copyfile(path, src)
        cmd = [program, f"-env:UserInstallation=file://{tmp}/profile", "--headless", "--norestore",
               "--nolockcheck", "--convert-to", fmt, "--outdir", str(Path(tmp) / "out"), str(src)]
        hint = f"open it in Word/WPS/Excel and save it as .{fmt} / 另存为 .{fmt}"
        try:
            subprocess.run(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                           timeout=SOFFICE_TIMEOUT, check=False, env={**os.environ, "HOME": tmp})
        except subprocess.TimeoutExpired:
            raise InputError(f"LibreOffice took over {SOFFICE_TIMEOUT} s to convert it / 转换超时", hint=hint) from None
        except OSError as e:
            raise InputError(f"LibreOffice could not be run ({e.strerror}) / 无法运行 LibreOffice", hint=hint) from None
        out = Path(tmp) / "out" / f"in.{fmt}"
        if not out.is_file() or out.stat().st_size == 0:
            raise InputError(f"LibreOffice could not convert it to .{fmt} (damaged, or not a {path.suffix} file) / "
                             "无法转换（文件损坏或不是该格式）", hint=hint)
        try:
            return read(out)
        except InputError as e:
            raise InputError(f"converted by LibreOffice to .{fmt}: {e.message.removeprefix(str(out) + ': ')}",
                             hint=e.hint) from None


def read_any(path: Path) -> list[Sheet] | Any:
    """Sheets of an .xlsx, .xls, .docx, .html or .csv file, or the parsed JSON of a .json file (see _read_any);
    every error names the file."""
    try:
        return _read_any(path)
    except InputError as e:
        if e.message.startswith(str(path)):
            raise
        raise InputError(f"{path}: {e.message}", hint=e.hint) from None


def _read_any(path: Path) -> list[Sheet] | Any:
    """Sheets of an .xlsx, .xls, .docx, .html or .csv file, or the parsed JSON of a .json file.

    The file's first bytes win over its name: an .xls that is really an .xlsx (and the other way round) is
    read as what it is, and so are a web page saved as .xls or .doc and tab- or comma-separated text saved
    as .xls (the "Excel exports" of many web systems).
    """
    suffix = path.suffix.lower()
    if path.is_dir():
        raise InputError(f"{path}: a folder, not a file / 这是文件夹，不是文件",
                         hint="name the table files in it, e.g. 文件夹/*.xlsx")
    if not path.is_file():
        raise InputError(f"{path}: no such file / 文件不存在")
    if suffix in (".xlsx", ".xlsm", ".xls"):
        head = _head(path)
        if not head:
            raise InputError(f"{path}: the file is empty / 文件为空", hint="save the table again")
        if head.startswith(OLE_MAGIC):
            return read_xls(path)
        if head.startswith(ZIP_MAGIC):
            return read_xlsx(path)
        if _looks_like_html(head):  # a web system's "Excel export": an HTML page named .xls
            return read_html(path)
        if _looks_like_text(head):  # another kind of "Excel export": tab- or comma-separated text
            return read_csv(path)
        if suffix == ".xls":
            return read_xls(path)
        return read_xlsx(path)
    if suffix == ".docx":
        if path.stat().st_size == 0:
            raise InputError(f"{path}: the file is empty / 文件为空", hint="save the document again")
        return read_docx(path)
    if suffix in (".html", ".htm") or (suffix in (".doc", ".wps") and _looks_like_html(_head(path))):
        return read_html(path)  # a web page, or one saved by Word or a web system under a .doc name
    if suffix in (".doc", ".wps", ".rtf", ".odt"):
        return _via_libreoffice(path, "docx")
    if suffix == ".et" and _head(path).startswith(OLE_MAGIC):  # WPS workbooks are often BIFF8 inside
        try:
            return read_xls(path)
        except InputError:
            pass
    if suffix in (".et", ".ods"):
        return _via_libreoffice(path, "xlsx")
    if suffix == ".numbers":
        raise InputError(f"{path}: {suffix} workbooks are not read / 不支持 {suffix} 工作簿",
                         hint="open it in Numbers and export it as .xlsx / 导出为 Excel 工作簿（.xlsx）")
    if suffix in (".csv", ".txt", ".tsv"):
        return read_csv(path)
    if suffix == ".json":
        return read_json(path)
    raise InputError(f"{path}: unknown file type {suffix!r} / 不认识的文件类型",
                     hint="use .xlsx, .xls, .docx, .html, .csv or .json")
