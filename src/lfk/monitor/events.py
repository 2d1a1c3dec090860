"""Reading event logs: CSV (UTF-8 with or without BOM, else GB18030/GBK) and JSON Lines, streamed.

``EventReader.files()`` yields one ``FileRows`` per file: its rows (lists of cells; an empty cell is
""), the reader's ``line_num``, and how to pick the ten columns of REGISTER.md out of a row. The
engine's loop unpacks the rows itself (the hot path of ``lfk monitor``). Problems with a file or a row
become findings through the ``report`` callback; nothing raises except a file that cannot be opened at
all (``InputError``).
"""

from __future__ import annotations

import codecs
import csv
import json
import operator
import os
from collections.abc import Callable, Iterator
from typing import Any

from lfk.core.errors import InputError
from lfk.core.i18n import T, Text

COLUMNS = ("case_id", "unit", "authority", "step", "actor_post", "actor_person",
           "started_at", "finished_at", "amount", "tier")
REQUIRED = ("case_id", "unit", "authority", "step", "started_at", "finished_at")
JSON_SUFFIXES = (".jsonl", ".ndjson", ".json")
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

    def __init__(self, fh: Any, path: str, report: Report) -> None:
        self.fh = fh
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
                rec = {_norm(k): v for k, v in obj.items()}
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

    def __init__(self, paths: list[str], report: Report) -> None:
        self.paths = [str(p) for p in paths]
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
                with self._open(path) as fh:
                    if self._is_json(path):
                        jr = _JsonRows(fh, path, self.report)
                        fr = FileRows(fidx, path, jr, None, [], False, jr)
                    else:
                        fr = self._csv(fidx, path, fh)
                    if fr is not None:
                        fr.tell = fh.buffer.tell
                        yield fr
                self._after(path)
            except OSError as e:
                raise InputError(f"{path}: cannot read the event file: {e} / 无法读取事件文件") from None

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
        reader, header = _header(fh, ",")
        if header is None:
            self.report("MON003", path, 1, T("文件为空（没有表头）", "the file is empty (no header)"))
            self.skipped.append(path)
            return None
        missing = [c for c in REQUIRED if c not in header]
        for delim in OTHER_DELIMITERS if missing else ():
            fh.seek(0)
            _replaced[0] = 0
            other, cells = _header(fh, delim)
            if cells is not None and all(c in cells for c in REQUIRED):
                reader, header, missing = other, cells, []
                break
        if missing:
            self.report("MON002", path, reader.line_num, T(
                f"缺少必需的列：{', '.join(missing)}；跳过此文件",
                f"missing required column(s): {', '.join(missing)}; file skipped"))
            self.skipped.append(path)
            return None
        width = len(header)
        pad = any(c not in header for c in COLUMNS)
        pos = [header.index(c) if c in header else width for c in COLUMNS]
        extra_pos = [(i, h) for i, h in enumerate(header) if h and h not in KNOWN]
        pick = None if (header == list(COLUMNS)) else operator.itemgetter(*pos)
        return FileRows(fidx, path, reader, pick, extra_pos, pad)


def first_unreadable(paths: list[str]) -> tuple[str, int, Text] | None:
    """The first event file of ``paths`` that gives no row at all (empty, or the required columns missing)
    as ``(path, line, message)``, or None. Reads the headers only: for the commands that take ``--events``
    beside their own work (lint, score, due, dispose, site), which have no report to say a file was skipped."""
    problems: list[tuple[str, str, int, Text]] = []
    reader = EventReader(paths, lambda code, path, line, msg: problems.append((code, path, line, msg)))
    for _ in reader.files():
        pass
    return next(((path, line, msg) for code, path, line, msg in problems
                 if path in reader.skipped and code in ("MON002", "MON003")), None)


def _header(fh: Any, delimiter: str) -> tuple[Any, list[str] | None]:
    """A CSV reader of ``fh`` with ``delimiter`` and the file's header (its first row with a non-blank cell,
    normalized), or None when there is none."""
    reader = csv.reader(fh, delimiter=delimiter)
    for cells in reader:
        if any(c.strip() for c in cells):
            return reader, [_norm(c) for c in cells]
    return reader, None


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
