"""Reading event logs: CSV (UTF-8 with or without BOM, else GB18030/GBK) and JSON Lines, streamed;
spreadsheets (.xlsx, .xls, or a web system's "Excel export") through ``lfk.loader.sheets``.

``EventReader.files()`` yields one ``FileRows`` per file: its rows (lists of cells; an empty cell is
""), the reader's ``line_num``, and how to pick the ten columns of REGISTER.md out of a row. The
engine's loop unpacks the rows itself (the hot path of ``lfk monitor``). Problems with a file or a row
become findings through the ``report`` callback; nothing raises except a file that cannot be opened at
all (``InputError``).
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import json
import operator
import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from lfk.core.errors import InputError
from lfk.core.i18n import T, Text
from lfk.loader.sheets import OLE_MAGIC, ZIP_MAGIC, Sheet, read_any

COLUMNS = ("case_id", "unit", "authority", "step", "actor_post", "actor_person",
           "started_at", "finished_at", "amount", "tier")
REQUIRED = ("case_id", "unit", "authority", "step", "started_at", "finished_at")
# Headers case systems export in Chinese, for the columns of REGISTER.md's event log (after ``_norm``);
# ``monitor.columns`` in lfk.yaml maps any other header.
HEADER_ALIASES = {
    **dict.fromkeys(("案件编号", "案件号", "办件编号", "办件号", "受理编号", "业务编号", "案卷号"), "case_id"),
    **dict.fromkeys(("单位", "单位编号", "单位代码"), "unit"),
    **dict.fromkeys(("职权编码", "职权编号", "事项编码", "事项编号", "权力编码", "权力事项编码"), "authority"),
    **dict.fromkeys(("环节", "环节编号", "步骤", "步骤编号", "节点", "节点编号"), "step"),
    **dict.fromkeys(("岗位", "岗位编号", "经办岗位", "办理岗位"), "actor_post"),
    **dict.fromkeys(("经办人", "办理人", "承办人"), "actor_person"),
    **dict.fromkeys(("开始时间", "起始时间", "环节开始时间", "收件时间", "接收时间"), "started_at"),
    **dict.fromkeys(("结束时间", "完成时间", "办结时间", "环节结束时间"), "finished_at"),
    **dict.fromkeys(("金额", "罚款金额", "处罚金额"), "amount"),
    **dict.fromkeys(("裁量阶次", "阶次"), "tier"),
    "违法行为": "violation",
}
# headers of a column that names the thing (单位名称, 事项名称, 环节名称, 岗位名称): read by its name (a name unique
# among its kind is its id, lfk.monitor.tables.by_name) — only when no header above claims the same column
NAME_ALIASES = {
    **dict.fromkeys(("单位名称", "办理单位", "实施主体"), "unit"),
    **dict.fromkeys(("职权名称", "事项名称", "事项", "权力事项", "权力事项名称", "权力名称", "审批事项"), "authority"),
    **dict.fromkeys(("环节名称", "步骤名称", "节点名称", "办理环节"), "step"),
    **dict.fromkeys(("岗位名称", "经办岗位名称"), "actor_post"),
    **dict.fromkeys(("经办人员", "办理人员", "承办人员", "经办人姓名"), "actor_person"),
    **dict.fromkeys(("开始日期", "收件日期"), "started_at"),
    **dict.fromkeys(("结束日期", "完成日期", "办结日期"), "finished_at"),
}
_UNIT_SUFFIX = ("（元）", "(元)", "/元")  # 罚款金额（元）: the amount is in 元 as the log's amounts are
JSON_SUFFIXES = (".jsonl", ".ndjson", ".json")
SHEET_SUFFIXES = (".xlsx", ".xlsm", ".xls")
HEADER_ROWS = 10  # a spreadsheet's header is looked for in its first rows (an export puts a title above it)
SAMPLE = 1 << 16
OTHER_DELIMITERS = ("\t", ";", "|")  # tried in turn when the comma-separated header lacks required columns

Report = Callable[[str, str, int, Text], None]  # (code, path, line, message)

_replaced = [0]


def _count_replace(exc: UnicodeError) -> tuple[str, int]:
    _replaced[0] += 1
    end = getattr(exc, "end", None)
    return ("\ufffd", end if isinstance(end, int) else 0)


codecs.register_error("lfk-monitor-replace", _count_replace)


def _norm(name: Any) -> str:
    return str(name).strip().lstrip("\ufeff").strip().lower()


def header_names(cells: list[Any], columns: dict[str, str] | None = None) -> list[str]:
    """A header row as column names: normalized, then ``columns`` (lfk.yaml ``monitor.columns``, by the
    header as written or normalized) and ``HEADER_ALIASES`` turned into the event log's names."""
    out = []
    for c in cells:
        name = _norm(c)
        bare = name.replace(" ", "")
        for suffix in _UNIT_SUFFIX:
            bare = bare.removesuffix(suffix)
        mapped = (columns or {}).get(str(c).strip()) or (columns or {}).get(name) or HEADER_ALIASES.get(bare)
        out.append(mapped or name)
    claimed = set(out)
    for i, name in enumerate(out):  # a name column, when nothing else is that column
        field = NAME_ALIASES.get(name.replace(" ", ""))
        if field is not None and field not in claimed:
            out[i] = field
            claimed.add(field)
    return out


def detect_encoding(path: str) -> tuple[str, bool]:
    """(encoding, is_fallback): ``utf-8-sig`` unless the first 64 KiB are not UTF-8, then ``gb18030``."""
    with open(path, "rb") as fh:
        head = fh.read(SAMPLE)
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig", False
    dec = codecs.getincrementaldecoder("utf-8")()
    try:
        dec.decode(head, final=len(head) < SAMPLE)
        return "utf-8-sig", False
    except UnicodeDecodeError:
        return "gb18030", True


class _JsonRows:
    """JSON Lines rows as lists in ``COLUMNS`` order plus an extra dict; ``line_num`` like csv.reader."""

    def __init__(self, fh: Any, path: str, report: Report, columns: dict[str, str] | None = None) -> None:
        self.fh = fh
        self.columns = columns
        self._names: dict[tuple[str, ...], list[str]] = {}  # the column names of each key order seen
        self.path = path
        self.report = report
        self.line_num = 0
        self.extra: dict[str, Any] | None = None
        self.rows = 0

    def __iter__(self) -> _JsonRows:
        return self

    def __next__(self) -> list[Any]:
        known = KNOWN
        for line in self.fh:
            self.line_num += 1
            if not line.strip():
                continue
            self.rows += 1
            try:
                obj = json.loads(line)
            except ValueError as e:
                self.report("MON003", self.path, self.line_num, T(f"不是有效的 JSON：{e}", f"not valid JSON: {e}"))
                continue
            except RecursionError:
                self.report("MON003", self.path, self.line_num, T("JSON 嵌套过深", "JSON nested too deeply"))
                continue
            if not isinstance(obj, dict):
                self.report("MON003", self.path, self.line_num,
                            T("每行应是一个 JSON 对象", "each line must be a JSON object"))
                continue
            if obj.keys() <= known:
                rec, self.extra = obj, None
            else:
                keys = tuple(obj)
                names = self._names.get(keys)
                if names is None:
                    names = header_names(list(keys), self.columns)
                    if len(self._names) < 1024:  # logs have a few key orders; a crafted one must not grow this
                        self._names[keys] = names
                rec = dict(zip(names, obj.values(), strict=True))
                try:
                    self.extra = {k: _cell(v) for k, v in rec.items() if k not in known and v not in (None, "")} or None
                except RecursionError:
                    self.report("MON003", self.path, self.line_num, T("JSON 嵌套过深", "JSON nested too deeply"))
                    continue
            vals = list(map(rec.get, COLUMNS))
            for i, v in enumerate(vals):
                if v.__class__ is not str and v is not None:
                    vals[i] = _val(v, i == AMOUNT)
            return vals
        raise StopIteration


KNOWN = frozenset(COLUMNS)
AMOUNT = COLUMNS.index("amount")


class FileRows:
    """One event file being read: ``rows`` (lists of cells), ``reader.line_num``, how to pick the columns."""

    def __init__(self, fidx: int, path: str, rows: Any, pick: Callable[[Any], Any] | None,
                 extra_pos: list[tuple[int, str]], pad: bool, json_rows: _JsonRows | None = None) -> None:
        self.fidx = fidx
        self.path = path
        self.rows = rows
        self.pick = pick            # None: the row is exactly the ten columns in order
        self.extra_pos = extra_pos  # CSV extra columns (index, name)
        self.pad = pad              # append "" to each row (a missing optional column points there)
        self.json = json_rows
        self.tell: Callable[[], int] = lambda: 0  # bytes of the file read so far (approximate)


class EventReader:
    """Opens several event files in turn; ``report(code, path, line, message)`` gets the problems."""

    def __init__(self, paths: list[str], report: Report, names: list[str] | None = None,
                 columns: dict[str, str] | None = None) -> None:
        self.paths = [str(p) for p in paths]
        self.columns = columns or {}
        self.names = names if names is not None else list(self.paths)  # a source's name by index (grows)
        self.report = report
        self.rows_read = 0
        self.skipped: list[str] = []  # files that gave no rows at all: empty, or the required columns missing
        for p in self.paths:
            if not os.path.isfile(p):
                raise InputError(f"{p}: no such event file / 找不到事件文件")
            if not os.access(p, os.R_OK):
                raise InputError(f"{p}: cannot read the event file / 无法读取事件文件")

    def files(self) -> Iterator[FileRows]:
        """Each readable file as a ``FileRows`` (the file stays open while the caller iterates it)."""
        for fidx, path in enumerate(self.paths):
            try:
                if self._is_sheet(path):
                    yield from self._sheets(fidx, path)
                    continue
                with self._open(path) as fh:
                    if self._is_json(path):
                        jr = _JsonRows(fh, path, self.report, self.columns)
                        fr = FileRows(fidx, path, jr, None, [], False, jr)
                    else:
                        fr = self._csv(fidx, path, fh)
                    if fr is not None:
                        fr.tell = fh.buffer.tell
                        yield fr
                self._after(path)
            except OSError as e:
                raise InputError(f"{path}: cannot read the event file: {e} / 无法读取事件文件") from None

    def _empty(self, path: str) -> None:
        """MON003 for a file with no header at all; the file is skipped."""
        self.report("MON003", path, 1, T("文件为空（没有表头）", "the file is empty (no header)"))
        self.skipped.append(path)

    def _missing(self, path: str, line: int, missing: list[str]) -> None:
        """MON002 for a file whose header lacks required columns; the file is skipped."""
        cols = ", ".join(missing)
        self.report("MON002", path, line, T(
            f"缺少必需的列：{cols}；跳过此文件（表头名称不同时，可在 lfk.yaml 的 monitor.columns 中写明，如 流水号: case_id）",
            f"missing required column(s): {cols}; file skipped (a header named otherwise can be mapped in lfk.yaml's "
            "monitor.columns, e.g. 流水号: case_id)"))
        self.skipped.append(path)

    @staticmethod
    def _is_sheet(path: str) -> bool:
        """A spreadsheet by name (.xlsx, .xls: also a web page or text saved so) or by its first bytes."""
        if path.lower().endswith(SHEET_SUFFIXES):
            return True
        with open(path, "rb") as fh:
            head = fh.read(8)
        return head.startswith((ZIP_MAGIC, OLE_MAGIC))

    def _sheets(self, fidx: int, path: str) -> Iterator[FileRows]:
        """Each sheet of a workbook whose header (its first row with a cell) has the required columns; the
        findings of a workbook with several such sheets name the sheet (``file.xlsx[二月]``)."""
        sheets = read_any(Path(path))
        if not isinstance(sheets, list):  # JSON saved under a spreadsheet's name: not a log lfk reads so
            sheets = []
        found: list[tuple[Sheet, int, list[str]]] = []
        first: tuple[int, list[str]] | None = None
        for sheet in sheets:
            heads = [(n, header_names([_text(c) for c in cells], self.columns)) for n, cells in sheet.rows[:HEADER_ROWS]
                     if any(_text(c).strip() for c in cells)]
            if not heads:
                continue
            first = first or heads[0]
            head = next((h for h in heads if all(c in h[1] for c in REQUIRED)), None)  # title rows above it
            if head is not None:
                found.append((sheet, *head))
        if not found:
            if first is None:
                self._empty(path)
            else:
                self._missing(path, first[0], [c for c in REQUIRED if c not in first[1]])
            return
        for k, (sheet, line, header) in enumerate(found):
            shown, idx = path, fidx
            if len(found) > 1:  # each sheet is a source of its own: its rows' lines are the sheet's
                shown = f"{path}[{sheet.name}]"
                if k == 0:
                    self.names[fidx] = shown
                else:
                    idx = len(self.names)
                    self.names.append(shown)
            yield _file_rows(idx, shown, _SheetRows(sheet, line, len(header)), header)

    @staticmethod
    def _is_json(path: str) -> bool:
        if path.lower().endswith(JSON_SUFFIXES):
            return True
        with open(path, "rb") as fh:
            head = fh.read(256).lstrip(codecs.BOM_UTF8).lstrip()
        return head.startswith(b"{")

    def _open(self, path: str):  # type: ignore[no-untyped-def]
        enc, fallback = detect_encoding(path)
        if fallback:
            self.report("MON001", path, 1, T("文件不是 UTF-8 编码，已按 GB18030（GBK）读取",
                                             "the file is not UTF-8: read as GB18030 (GBK)"))
        _replaced[0] = 0
        return open(path, encoding=enc, errors="lfk-monitor-replace", newline="")

    def _after(self, path: str) -> None:
        if _replaced[0]:
            n = _replaced[0]
            self.report("MON001", path, 1, T(f"文件中有 {n} 处无法解码的字节，已替换为 �",
                                             f"{n} undecodable byte sequence(s) in the file were replaced by �"))
            _replaced[0] = 0

    def _csv(self, fidx: int, path: str, fh: Any) -> FileRows | None:
        reader, header = _header(fh, ",", self.columns)
        if header is None:
            self._empty(path)
            return None
        missing = [c for c in REQUIRED if c not in header]
        for delim in OTHER_DELIMITERS if missing else ():
            fh.seek(0)
            _replaced[0] = 0
            other, cells = _header(fh, delim, self.columns)
            if cells is not None and all(c in cells for c in REQUIRED):
                reader, header, missing = other, cells, []
                break
        if missing:
            self._missing(path, reader.line_num, missing)
            return None
        return _file_rows(fidx, path, reader, header)


def _file_rows(fidx: int, path: str, rows: Any, header: list[str]) -> FileRows:
    """``rows`` under ``header`` as a ``FileRows``: how to pick the ten columns (a missing optional one points
    past the row, where the engine pads an ""), and the extra columns."""
    width = len(header)
    pad = any(c not in header for c in COLUMNS)
    pos = [header.index(c) if c in header else width for c in COLUMNS]
    extra_pos = [(i, h) for i, h in enumerate(header) if h and h not in KNOWN]
    pick = None if (header == list(COLUMNS)) else operator.itemgetter(*pos)
    return FileRows(fidx, path, rows, pick, extra_pos, pad)


def first_unreadable(paths: list[str], columns: dict[str, str] | None = None) -> tuple[str, int, Text] | None:
    """The first event file of ``paths`` that gives no row at all (empty, or the required columns missing)
    as ``(path, line, message)``, or None. Reads the headers only: for the commands that take ``--events``
    beside their own work (lint, score, due, dispose, site), which have no report to say a file was skipped."""
    problems: list[tuple[str, str, int, Text]] = []
    reader = EventReader(paths, lambda code, path, line, msg: problems.append((code, path, line, msg)),
                         columns=columns)
    for _ in reader.files():
        pass
    return next(((path, line, msg) for code, path, line, msg in problems
                 if path in reader.skipped and code in ("MON002", "MON003")), None)


def _header(fh: Any, delimiter: str, columns: dict[str, str]) -> tuple[Any, list[str] | None]:
    """A CSV reader of ``fh`` with ``delimiter`` and the file's header (its first row with a non-blank cell,
    as column names: ``header_names``), or None when there is none."""
    reader = csv.reader(fh, delimiter=delimiter)
    for cells in reader:
        if any(c.strip() for c in cells):
            return reader, header_names(cells, columns)
    return reader, None


class _SheetRows:
    """The rows of a sheet below its header (at sheet row ``header_line``) as lists of text cells, as
    many as the header has; ``line_num`` is the sheet's row number, like csv.reader's line."""

    def __init__(self, sheet: Sheet, header_line: int, width: int) -> None:
        self._rows = iter([(n, cells) for n, cells in sheet.rows if n > header_line])
        self.width = width
        self.line_num = header_line

    def __iter__(self) -> _SheetRows:
        return self

    def __next__(self) -> list[str]:
        while True:
            n, cells = next(self._rows)
            self.line_num = n
            row = [_text(c) for c in cells]
            if any(c.strip() for c in row):
                return row + [""] * (self.width - len(row))


def _text(v: Any) -> str:
    """A spreadsheet cell as the text a CSV export holds: a time in ISO 8601, a whole number without
    ``.0``, an empty cell as ""."""
    if v is None:
        return ""
    if isinstance(v, dt.datetime):
        return v.isoformat(timespec="seconds" if v.second or v.microsecond else "minutes")
    if isinstance(v, dt.date):
        return v.isoformat()
    if isinstance(v, float) and v.is_integer() and abs(v) < 1e15:
        return str(int(v))
    return str(v)


def _cell(v: Any) -> Any:
    """An extra column's value: a scalar as is, a list or object as compact JSON text (one cell)."""
    if isinstance(v, (list, dict)):
        return json.dumps(v, ensure_ascii=False, separators=(",", ":"))
    return v


def _val(v: Any, numeric: bool) -> Any:
    if v is None or v == "":
        return None
    if numeric and isinstance(v, (int, float)) and not isinstance(v, bool):
        return v
    return str(v)
