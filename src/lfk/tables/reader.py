"""Reading tables from .xlsx, .csv (UTF-8 or GBK) and JSON files into sheets of raw cells."""

from __future__ import annotations

import csv
import io
import json
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from lfk.core.errors import InputError

ENCODINGS = ("utf-8-sig", "gb18030")


@dataclass
class Sheet:
    """One table as read: its name (sheet title or file name) and rows of cells with their row numbers."""

    name: str
    rows: list[tuple[int, list[Any]]] = field(default_factory=list)
    encoding: str | None = None


def read_xlsx(path: Path) -> list[Sheet]:
    """Every worksheet of an .xlsx file; merged cells carry their value into every cell they cover."""
    from openpyxl import load_workbook

    try:
        wb = load_workbook(path, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as e:
        raise InputError(f"{path}: not a readable .xlsx workbook / 无法读取 Excel 文件: {e}") from None
    except Exception as e:  # noqa: BLE001 - openpyxl raises assorted errors on broken files
        raise InputError(f"{path}: not a readable .xlsx workbook / 无法读取 Excel 文件: {type(e).__name__}: {e}") from None
    out = []
    for ws in wb.worksheets:
        grid: dict[tuple[int, int], Any] = {}
        for row in ws.iter_rows():
            for c in row:
                if c.value is not None:
                    grid[(c.row, c.column)] = c.value
        for rng in ws.merged_cells.ranges:
            v = grid.get((rng.min_row, rng.min_col))
            for r in range(rng.min_row, rng.max_row + 1):
                for col in range(rng.min_col, rng.max_col + 1):
                    grid[(r, col)] = v
        if not grid:
            out.append(Sheet(ws.title))
            continue
        max_r = max(r for r, _ in grid)
        max_c = max(c for _, c in grid)
        sheet = Sheet(ws.title)
        for r in range(1, max_r + 1):
            sheet.rows.append((r, [grid.get((r, c)) for c in range(1, max_c + 1)]))
        out.append(sheet)
    return out


def decode(raw: bytes, name: str) -> tuple[str, str]:
    """CSV bytes as text: UTF-8 (with or without BOM), else GBK/GB18030 (Excel's default in China)."""
    for enc in ENCODINGS:
        try:
            return raw.decode(enc), ("utf-8" if enc == "utf-8-sig" else "gbk")
        except UnicodeDecodeError:
            continue
    raise InputError(f"{name}: neither UTF-8 nor GBK text / 既不是 UTF-8 也不是 GBK 编码")


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
            sheet.rows.append((start, list(row)))
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
