"""DuckDB reads the event files itself: the fast path of ``lfk monitor --engine duckdb``.

``FileShape.of(path)`` decides from the bytes whether DuckDB's CSV reader sees exactly the rows and cells
that lfk's reader (``lfk.monitor.events``) sees: a UTF-8 CSV file (BOM allowed) whose first line is the
header, with no ``"`` (so no quoting and no field spanning lines), no NUL byte, no lone carriage return
and no duplicate column name. Then every data row is one line (line = row number + 2, checked against
the file's line count after reading, which also catches blank lines) and its cells are the comma-split
line. Anything else (JSON Lines, GB18030/GBK files, quoted cells, ...) is read by lfk's reader, as before.

``Scan`` loads such files into DuckDB (every cell VARCHAR), and then decides in SQL, row by row, whether
lfk's reader would take the row as it is: the number of cells, the required cells, a known unit, power
and step, times in the plain ISO forms ``YYYY-MM-DD[( |T)HH:MM[:SS]]`` (TRY_CAST, then the same calendar
range), finish not before start, an amount of digits with an optional sign and decimals, one power per
case. When every row is such a row the checks run on these relations (``ev``, ``cases``) with no Python per
row; when one is not (a row that would be MON003-MON009), the run falls back to lfk's reader, which
gives those findings with the messages of the Python engine.
"""

from __future__ import annotations

import codecs
import csv
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from lfk.monitor.events import COLUMNS, JSON_SUFFIXES, KNOWN, REQUIRED

CHUNK = 1 << 23
FIELD_LIMIT = 131072  # the csv module's field_size_limit: a longer cell is a MON003 row there
_US_PER_DAY = 86_400_000_000
_TIME_RE = "^[0-9]{4}-[0-9]{2}-[0-9]{2}([ T][0-9]{2}:[0-9]{2}(:[0-9]{2})?)?$"
_AMOUNT_RE = "^-?[0-9]+([.][0-9]+)?$"
# DuckDB trims blanks around a quoted cell where the csv module keeps them: such files go to lfk's reader
_QUOTE_SPACE = (b' "', b'" ', b'\t"', b'"\t')


@dataclass
class FileShape:
    """A CSV file DuckDB can read for lfk: header cells (normalized), width, data lines."""

    path: str
    header: list[str]
    lines: int
    quotes: bool = False

    @classmethod
    def of(cls, path: str) -> FileShape | None:
        """The file's shape, or None when lfk's own reader must read it (see the module doc)."""
        if path.lower().endswith(JSON_SUFFIXES):
            return None
        newlines = cr = crlf = 0
        first = b""
        prev_last = b""
        quotes = False
        with open(path, "rb") as fh:
            while True:
                chunk = fh.read(CHUNK)
                if not chunk:
                    break
                if not first:
                    first = chunk
                if b"\x00" in chunk:
                    return None
                newlines += chunk.count(b"\n")
                cr += chunk.count(b"\r")
                pair = prev_last + chunk[:1]
                crlf += chunk.count(b"\r\n") + (pair == b"\r\n")
                if b'"' in chunk or pair[:1] == b'"':
                    quotes = True
                    for seq in _QUOTE_SPACE:
                        if seq in chunk or pair == seq:
                            return None
                prev_last = chunk[-1:]
        if cr != crlf:
            return None
        head, nl, _rest = first.partition(b"\n")
        if not nl and len(first) >= CHUNK:
            return None
        if head.startswith(codecs.BOM_UTF8):
            head = head[len(codecs.BOM_UTF8):]
        try:
            text = head.decode("utf-8")
        except UnicodeDecodeError:
            return None
        if quotes and text.count('"') % 2:
            return None  # a quoted header cell goes on on the next line
        try:
            cells = next(csv.reader([text.rstrip("\r")]))
        except (csv.Error, StopIteration):
            return None
        if not any(c.strip() for c in cells):
            return None
        header = [c.strip().lstrip("\ufeff").strip().lower() for c in cells]
        named = [h for h in header if h]
        if len(set(named)) != len(named) or any(c not in header for c in REQUIRED):
            return None
        lines = newlines + (0 if prev_last == b"\n" else 1)
        return cls(path, header, lines - 1, quotes)


class Scan:
    """The event files of one run loaded into DuckDB ``con`` (every file passed ``FileShape.of``)."""

    def __init__(self, con: Any, shapes: list[FileShape]) -> None:
        self.con = con
        self.shapes = shapes
        self.extra_names: list[list[str]] = []
        parts = []
        for fidx, sh in enumerate(shapes):
            w = len(sh.header)
            cols = ", ".join(f"'c{i}': 'VARCHAR'" for i in range(w + 1))
            path = sh.path.replace("'", "''")
            q = "'\"'" if sh.quotes else "''"
            con.execute(f"CREATE TABLE raw{fidx} AS SELECT * FROM read_csv('{path}', header = false, skip = 1, "
                        f"delim = ',', quote = {q}, escape = {q}, nullstr = '\x01', null_padding = true, "
                        f"auto_detect = false, columns = {{{cols}}})")
            pos = {h: i for i, h in enumerate(sh.header) if h}

            def cell(name: str, pos: dict[str, int] = pos) -> str:
                return f"c{pos[name]}" if name in pos else "''"

            extras = [(i, h) for i, h in enumerate(sh.header) if h and h not in KNOWN]
            self.extra_names.append([h for _, h in extras])
            xl = f"[{', '.join(f'c{i}' for i, _ in extras)}]" if extras else "CAST(NULL AS VARCHAR[])"
            long = " OR ".join(f"length(c{i}) >= {FIELD_LIMIT}" for i in range(w))
            viol = f"NULLIF(c{pos['violation']}, '')" if "violation" in pos else "CAST(NULL AS VARCHAR)"
            known = ", ".join(f"{cell(c)} AS {c}" for c in COLUMNS)
            parts.append(f"SELECT {fidx} AS fidx, CAST(rowid AS BIGINT) + 2 AS line, {known}, {viol} AS violation, "
                         f"{xl} AS xl, (c{w - 1} IS NULL OR c{w} IS NOT NULL OR {long}) AS bad_shape FROM raw{fidx}")
        con.execute("CREATE TEMPORARY VIEW rows_all AS " + " UNION ALL ".join(parts))

    def row_counts(self) -> list[int]:
        """Rows DuckDB read per file."""
        return [self.con.execute(f"SELECT count(*) FROM raw{i}").fetchone()[0] for i in range(len(self.shapes))]

    def pairs(self) -> list[tuple[str, str]]:
        """The distinct (unit, authority) of rows whose required cells are there."""
        return self.con.execute("SELECT DISTINCT unit, authority FROM rows_all WHERE unit <> '' AND authority <> ''"
                                ).fetchall()

    def build(self, pairs: list[tuple[str, str, int]], steps: list[tuple[int, str, int, int]], closed: bool
              ) -> dict[str, Any] | None:
        """Make the relations ``ev`` and ``cases`` (plus ``evx``); None when a row is not plainly valid.

        ``pairs``: (unit, authority, pk) of the powers with a table; ``steps``: (pk, step id, si, is end)."""
        con = self.con
        con.execute("CREATE TABLE pairs(unit VARCHAR, authority VARCHAR, pk INT)")
        if pairs:
            con.executemany("INSERT INTO pairs VALUES (?, ?, ?)", pairs)
        con.execute("CREATE TABLE step_ids(pk INT, step VARCHAR, si INT, is_end INT)")
        if steps:
            con.executemany("INSERT INTO step_ids VALUES (?, ?, ?, ?)", steps)
        ok_time = " AND ".join(
            f"regexp_full_match({c}, '{_TIME_RE}') AND (length({c}) = 10 OR (substr({c}, 12, 2) <= '23' AND "
            f"substr({c}, 15, 2) <= '59' AND (length({c}) = 16 OR substr({c}, 18, 2) <= '59')))"
            for c in ("r.started_at", "r.finished_at"))
        con.execute(f"""
            CREATE TABLE evx AS
            SELECT r.fidx, r.line, r.case_id AS cid, r.unit, p.pk, s.si, s.is_end,
                   CASE WHEN {ok_time} THEN TRY_CAST(r.started_at AS TIMESTAMP) END AS st,
                   CASE WHEN {ok_time} THEN TRY_CAST(r.finished_at AS TIMESTAMP) END AS ft,
                   NULLIF(r.actor_post, '') AS post, NULLIF(r.actor_person, '') AS person,
                   CASE WHEN regexp_full_match(replace(replace(r.amount, ',', ''), '元', ''), '{_AMOUNT_RE}')
                        THEN CAST(replace(replace(r.amount, ',', ''), '元', '') AS DOUBLE) END AS amt,
                   r.amount AS amount_text, NULLIF(r.tier, '') AS tier, r.violation, r.xl, r.bad_shape,
                   r.case_id = '' OR r.unit = '' OR r.authority = '' OR r.step = '' OR r.started_at = ''
                     OR r.finished_at = '' AS bad_empty
            FROM rows_all r
            LEFT JOIN pairs p ON p.unit = r.unit AND p.authority = r.authority
            LEFT JOIN step_ids s ON s.pk = p.pk AND s.step = r.step""")
        bad = con.execute("""
            SELECT count(*) FROM evx
            WHERE bad_shape OR bad_empty OR si IS NULL OR st IS NULL OR ft IS NULL OR ft < st
               OR year(st) < 1901 OR year(st) > 2199 OR year(ft) < 1901 OR year(ft) > 2199
               OR (amount_text <> '' AND amt IS NULL)""").fetchone()[0]
        if bad:
            return None
        if con.execute("SELECT count(*) FROM (SELECT 1 FROM evx GROUP BY cid, unit HAVING count(DISTINCT pk) > 1)"
                       ).fetchone()[0]:
            return None  # MON009 rows: lfk's reader says which
        unsorted = con.execute("""
            SELECT count(*) FROM (SELECT cid, unit, LAG(cid) OVER w AS pc, LAG(unit) OVER w AS pu FROM evx
                                  WINDOW w AS (ORDER BY fidx, line))
            WHERE cid < pc OR (cid = pc AND unit < pu)""").fetchone()[0]
        op = "0" if closed else "CASE WHEN MAX(is_end) = 1 THEN 0 ELSE 1 END"
        con.execute(f"""
            CREATE TABLE cases AS
            SELECT CAST(ROW_NUMBER() OVER (ORDER BY first) - 1 AS BIGINT) AS ck, pk, op, cid, unit FROM (
              SELECT cid, unit, ANY_VALUE(pk) AS pk, MIN(fidx * 4294967296 + line) AS first, {op} AS op
              FROM evx GROUP BY cid, unit)""")
        con.execute(f"""
            CREATE TABLE ev AS
            SELECT x.fidx * 4294967296 + x.line AS eid, k.ck, x.pk,
                   CAST(ROW_NUMBER() OVER (PARTITION BY k.ck ORDER BY x.st, x.ft, x.fidx, x.line) - 1 AS INT) AS pos,
                   x.si, date_diff('day', DATE '0001-01-01', CAST(x.st AS DATE)) + 1 AS st_ord,
                   date_diff('day', DATE '0001-01-01', CAST(x.ft AS DATE)) + 1 AS ft_ord,
                   hour(x.ft) * 3600 + minute(x.ft) * 60 + second(x.ft) AS ft_sec,
                   (date_diff('day', DATE '0001-01-01', CAST(x.ft AS DATE)) + 1) * {_US_PER_DAY}
                     + (hour(x.ft) * 3600 + minute(x.ft) * 60 + second(x.ft)) * 1000000 AS ft_key,
                   x.post, x.person, x.amt, x.tier, x.violation
            FROM evx x JOIN cases k ON k.cid = x.cid AND k.unit = x.unit""")
        n_rows, n_cases, n_open, max_ft, first_ord, last_ord = con.execute("""
            SELECT (SELECT count(*) FROM evx), (SELECT count(*) FROM cases), (SELECT count(*) FROM cases WHERE op = 1),
                   (SELECT max(ft) FROM evx), (SELECT min(st_ord) FROM ev), (SELECT max(ft_ord) FROM ev)""").fetchone()
        return {"rows": n_rows, "cases": n_cases, "open": n_open, "max_time": max_ft, "sorted": not unsorted,
                "first_ord": first_ord, "last_ord": last_ord}

    def events_of(self, cks: list[int], extra: Callable[[int, Any], Any]
                  ) -> dict[int, list[tuple[int, tuple[Any, ...]]]]:
        """(eid, the engine's event tuple) of the events of cases ``cks``, by case, in case order.

        ``extra(fidx, xl)`` turns a row's extra cells into the engine's ``columns`` dict (or None)."""
        con = self.con
        con.execute("CREATE OR REPLACE TEMPORARY TABLE want(ck BIGINT)")
        con.executemany("INSERT INTO want VALUES (?)", [(c,) for c in cks])
        out: dict[int, list[tuple[int, tuple[Any, ...]]]] = {}
        for ck, eid, st, ft, si, post, person, amt, tier, fidx, line, xl in con.execute("""
                SELECT e.ck, e.eid, x.st, x.ft, x.si, x.post, x.person, x.amt, x.tier, x.fidx, x.line, x.xl
                FROM ev e JOIN want w ON w.ck = e.ck JOIN evx x ON x.fidx * 4294967296 + x.line = e.eid
                ORDER BY e.ck, e.pos""").fetchall():
            out.setdefault(ck, []).append((eid, (st, ft, si, post, person, amt, tier, fidx, line, extra(fidx, xl))))
        return out

    def case_ids(self, cks: list[int]) -> dict[int, tuple[str, int, int]]:
        """ck -> (case id, pk, op) for the cases ``cks`` (the table ``want`` of ``events_of``)."""
        return {ck: (cid, pk, op) for ck, cid, pk, op in self.con.execute(
            "SELECT k.ck, k.cid, k.pk, k.op FROM cases k JOIN want w ON w.ck = k.ck").fetchall()}


__all__ = ["FileShape", "Scan"]
