"""Reading tables from .xlsx, .csv (UTF-8 or GBK) and JSON files into sheets of raw cells."""

from __future__ import annotations

import csv
import io
import json
import re
import zipfile
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


_MERGE_BLOCK = re.compile(rb"<(?:\w+:)?mergeCells\b[^>]*/>|<(?:\w+:)?mergeCells\b.*?</(?:\w+:)?mergeCells>", re.S)
_MERGE_REF = re.compile(rb"<(?:\w+:)?mergeCell\b[^>]*?\bref=\"([A-Za-z]{1,3}[0-9]{1,7})(?::([A-Za-z]{1,3}[0-9]{1,7}))?\"")
_CELL_REF = re.compile(r"([A-Za-z]{1,3})([0-9]{1,7})")
MAX_PART_BYTES = 256 * 1024 * 1024  # a worksheet part larger than this (decompressed) is refused


def _ref(text: bytes) -> tuple[int, int]:
    from openpyxl.utils import column_index_from_string

    m = _CELL_REF.fullmatch(text.decode("ascii"))
    assert m is not None
    return int(m.group(2)), column_index_from_string(m.group(1).upper())


def _without_merges(path: Path) -> tuple[io.BytesIO, dict[str, list[tuple[int, int, int, int]]]]:
    """The workbook with its merge lists taken out (openpyxl expands each merged cell into objects: a range
    A3:XFD1048576 would take minutes and gigabytes), and the merges by worksheet part name."""
    merges: dict[str, list[tuple[int, int, int, int]]] = {}
    out = io.BytesIO()
    with zipfile.ZipFile(path) as zin, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            if info.file_size > MAX_PART_BYTES:
                raise InputError(f"{path}: part {info.filename} is {info.file_size} bytes unpacked / 工作簿过大",
                                 hint="save the table alone in a new workbook")
            data = zin.read(info.filename)
            if info.filename.startswith("xl/worksheets/") and info.filename.endswith(".xml"):
                found = []
                for block in _MERGE_BLOCK.findall(data):
                    for a, b in _MERGE_REF.findall(block):
                        r0, c0 = _ref(a)
                        r1, c1 = _ref(b or a)
                        found.append((min(r0, r1), min(c0, c1), max(r0, r1), max(c0, c1)))
                merges[info.filename] = found
                data = _MERGE_BLOCK.sub(b"", data)
            zout.writestr(info, data)
    out.seek(0)
    return out, merges


def _sheet_parts(path: Path) -> dict[str, str]:
    """Worksheet title → its part name (xl/worksheets/sheetN.xml), from workbook.xml and its relations."""
    import xml.etree.ElementTree as ET

    ns_main = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
    ns_rel = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
    with zipfile.ZipFile(path) as z:
        try:
            wb = ET.fromstring(z.read("xl/workbook.xml"))
            rels = ET.fromstring(z.read("xl/_rels/workbook.xml.rels"))
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

    for r0, c0, r1, c1 in merges:
        v = grid.get((r0, c0))
        if v is None:
            continue
        rs = rows_used[bisect.bisect_left(rows_used, r0):bisect.bisect_right(rows_used, r1)]
        cs = cols_used[bisect.bisect_left(cols_used, c0):bisect.bisect_right(cols_used, c1)]
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
    """Every worksheet of an .xlsx file; merged cells carry their value into every cell they cover."""
    from openpyxl import load_workbook

    try:
        data, merges = _without_merges(path)
        parts = _sheet_parts(path)
        wb = load_workbook(data, data_only=True)
    except InputError:
        raise
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as e:
        raise InputError(f"{path}: not a readable .xlsx workbook / 无法读取 Excel 文件: {e}") from None
    except Exception as e:  # noqa: BLE001 - openpyxl raises assorted errors on broken files
        raise InputError(f"{path}: not a readable .xlsx workbook / 无法读取 Excel 文件: {type(e).__name__}: {e}") from None
    out = []
    for ws in wb.worksheets:
        grid: dict[tuple[int, int], Any] = {}
        # the stored cells only (iter_rows would walk the whole used range: one cell at ZZ500000 is 350M cells)
        for (r, c), cell in ws._cells.items():  # noqa: SLF001
            if cell.value is not None and not (isinstance(cell.value, str) and not cell.value.strip()):
                grid[(r, c)] = cell.value
        out.append(grid_sheet(ws.title, grid, merges.get(parts.get(ws.title, ""), [])))
    return out


def decode(raw: bytes, name: str) -> tuple[str, str]:
    """CSV bytes as text: UTF-8 (with or without BOM), else GBK/GB18030 (Excel's default in China)."""
    for enc in ENCODINGS:
        try:
            return raw.decode(enc), ("utf-8" if enc == "utf-8-sig" else "gbk")
        except UnicodeDecodeError:
            continue
    raise InputError(f"{name}: neither UTF-8 nor GBK text / 既不是 UTF-8 也不是 GBK 编码")


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
    sample = textv[:4096]
    try:
        dialect: Any = csv.Sniffer().sniff(sample, delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    reader = csv.reader(io.StringIO(textv, newline=""), dialect)
    sheet = Sheet(path.stem, encoding=enc)
    start = 1
    try:
        for row in reader:
            sheet.rows.append((start, [uncsv_cell(c) for c in row]))
            start = reader.line_num + 1
    except csv.Error as e:
        raise InputError(f"{path}:{reader.line_num}: unreadable CSV / CSV 格式错误: {e}") from None
    return [sheet]


def read_json(path: Path) -> Any:
    """A JSON export of ``lfk export --format json``."""
    try:
        return json.loads(path.read_text(encoding="utf-8-sig"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as e:
        raise InputError(f"{path}: not readable JSON / 无法读取 JSON: {e}") from None


def read_any(path: Path) -> list[Sheet] | Any:
    """Sheets of an .xlsx or .csv file, or the parsed JSON of a .json file."""
    suffix = path.suffix.lower()
    if not path.is_file():
        raise InputError(f"{path}: no such file / 文件不存在")
    if suffix in (".xlsx", ".xlsm"):
        return read_xlsx(path)
    if suffix in (".csv", ".txt", ".tsv"):
        return read_csv(path)
    if suffix == ".json":
        return read_json(path)
    if suffix == ".xls":
        raise InputError(f"{path}: the old .xls format is not read / 不支持旧版 .xls",
                         hint="save it as .xlsx (Excel: 另存为 Excel 工作簿) or CSV")
    raise InputError(f"{path}: unknown file type {suffix!r} / 不认识的文件类型", hint="use .xlsx, .csv or .json")
