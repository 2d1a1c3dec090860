"""DuckDB reads the event files itself: the fast path of ``lfk monitor --engine duckdb``.

``FileShape.head(path)`` and ``FileShape.body_ok()`` decide whether DuckDB's CSV reader sees exactly the rows
and cells that lfk's reader (``lfk.monitor.events``) sees: a UTF-8 CSV file (BOM and CRLF allowed) whose first
line is the header, with no duplicate column name, no NUL byte, no lone carriage return and no blank next to
a quote (DuckDB trims it, the csv module keeps it). Lines longer than the csv module's field limit make
DuckDB stop (``max_line_size``); so do rows with the wrong number of cells (strict mode) and bytes that are
not UTF-8. After the read, the file's line count must equal the rows read (a blank line, or a quoted cell
spanning lines, and it does not): then the line of a row is its place + 2. Anything else (JSON Lines,
GB18030/GBK files, ...) is read by lfk's reader, as before.

``Scan`` loads such files into DuckDB (every cell VARCHAR) and decides in SQL, row by row, whether lfk's
reader would take the row as it is: the required cells, a known unit, power and step, times in the plain
ISO forms ``YYYY-MM-DD[( |T)HH:MM[:SS]]`` (a regular expression and ranges, then TRY_CAST and the calendar's
years), finish not before start, an amount of digits with an optional sign and decimals (``,`` and ``元``
removed, as the reader does), one power per case. When every row is such a row, ``build`` numbers the events
(``e_read``, without the step's attributes: the window sorts narrower rows) and makes ``cases``, ``join_steps``
makes the relation checks.sql's first view would make (``e``, a view), and the checks run with no Python per row; when one
is not (a row that would be MON003-MON009), the run falls back to lfk's reader, which gives those findings
with the Python engine's messages.
"""

from __future__ import annotations

import codecs
import csv
from array import array
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from lfk.monitor.events import COLUMNS, JSON_SUFFIXES, KNOWN, REQUIRED
from lfk.monitor.explain import MAX_ALIGN, Explainer, PowerStats, SortedDays
from lfk.monitor.tables import PowerTable

CHUNK = 1 << 23
HEAD = 1 << 20
FIELD_LIMIT = 131072  # the csv module's field_size_limit (a longer cell is a MON003 row): DuckDB's longest line
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
    lines: int            # data lines (``body_ok``): DuckDB must read as many rows (blank lines, cells spanning lines)

    @classmethod
    def head(cls, path: str) -> FileShape | None:
        """The file's header, or None when lfk's own reader must read it (not a CSV lfk and DuckDB agree on)."""
        if path.lower().endswith(JSON_SUFFIXES):
            return None
        with open(path, "rb") as fh:
            first = fh.read(HEAD)
        head, nl, _rest = first.partition(b"\n")
        if not nl and len(first) >= HEAD:
            return None
        if head.startswith(codecs.BOM_UTF8):
            head = head[len(codecs.BOM_UTF8):]
        try:
            text = head.decode("utf-8")
        except UnicodeDecodeError:
            return None
        if text.count('"') % 2 or b"\x00" in head or "\r" in text.rstrip("\r"):
            return None  # a quoted header cell goes on on the next line, ...
        try:
            cells = next(csv.reader([text.rstrip("\r")]))
        except (csv.Error, StopIteration):
            return None
        if not any(c.strip() for c in cells):
            return None  # lfk's reader looks further for the header
        header = [c.strip().lstrip("\ufeff").strip().lower() for c in cells]
        named = [h for h in header if h]
        if len(set(named)) != len(named) or any(c not in header for c in REQUIRED):
            return None
        return cls(path, header, -1)

    def body_ok(self) -> bool:
        """Scan the bytes (while DuckDB reads the file): no NUL, no lone CR, no blank around a quote; count lines."""
        newlines = crs = crlfs = 0
        prev_last = b""
        with open(self.path, "rb") as fh:
            while True:
                chunk = fh.read(CHUNK)
                if not chunk:
                    break
                if b"\x00" in chunk:
                    return False  # a MON003 row for the csv module
                newlines += chunk.count(b"\n")
                if b"\r" in chunk:
                    crs += chunk.count(b"\r")
                    crlfs += chunk.count(b"\r\n") + (prev_last == b"\r" and chunk[:1] == b"\n")
                if b'"' in chunk:
                    seam = prev_last + chunk[:1]
                    if any(seq in chunk or seq == seam for seq in _QUOTE_SPACE):
                        return False
                prev_last = chunk[-1:]
        if crs != crlfs:
            return False  # a lone carriage return ends a row for the csv module
        self.lines = newlines + (0 if prev_last == b"\n" else 1) - 1
        return True


def _insert(con: Any, table: str, rows: list[tuple[Any, ...]], width: int) -> None:
    """``rows`` into ``table``, one statement per 500 rows (executemany costs a statement a row)."""
    values = "(" + ", ".join(["?"] * width) + ")"
    for i in range(0, len(rows), 500):
        part = rows[i:i + 500]
        con.execute(f"INSERT INTO {table} VALUES " + ", ".join([values] * len(part)), [v for row in part for v in row])


class Scan:
    """The event files of one run loaded into DuckDB ``con`` (every file passed ``FileShape.of``).

    Each file becomes ``raw<i>`` in one pass of read_csv with per-row projections only (so the table's
    rowid is the row's place in the file); ``build`` then makes ``e_read`` in one join and one window over the cases, and ``join_steps`` the
    relation checks.sql's first view would make (``e``)."""

    def __init__(self, con: Any, shapes: list[FileShape]) -> None:
        self.con = con
        self.shapes = shapes
        self.extra_names: list[list[str]] = []
        # a time in one of the plain forms: the cell is the first 10, 16 or 19 characters of the time DuckDB
        # parsed, written back (the form ``_TIME_RE`` with hours, minutes and seconds in range, cheaper than the
        # regular expression)
        ok_time = " AND ".join(
            f"length({c}) IN (10, 16, 19) AND left(strftime({t}, '%Y-%m-%d %H:%M:%S'), length({c})) = replace({c}, 'T', ' ')"
            for c, t in (("started_at", "st0"), ("finished_at", "ft0")))
        amount = "replace(replace(amount, ',', ''), '元', '')"
        for fidx, sh in enumerate(shapes):
            w = len(sh.header)
            cols = ", ".join(f"'c{i}': 'VARCHAR'" for i in range(w))
            path = sh.path.replace("'", "''")
            pos = {h: i for i, h in enumerate(sh.header) if h}
            extras = [(i, h) for i, h in enumerate(sh.header) if h and h not in KNOWN]
            self.extra_names.append([h for _, h in extras])
            xl = f"[{', '.join(f'c{i}' for i, _ in extras)}]" if extras else "CAST(NULL AS VARCHAR[])"
            viol = f"NULLIF(c{pos['violation']}, '')" if "violation" in pos else "CAST(NULL AS VARCHAR)"
            known = ", ".join(f"{f'c{pos[c]}' if c in pos else chr(39) * 2} AS {c}" for c in COLUMNS)
            con.execute(f"""
                CREATE TABLE raw{fidx} AS
                SELECT case_id AS cid, unit, authority, step, st, ft, NULLIF(actor_post, '') AS post,
                       NULLIF(actor_person, '') AS person, amt, NULLIF(tier, '') AS tier, violation, xl,
                       bad OR st IS NULL OR ft IS NULL OR ft < st OR year(st) < 1901 OR year(st) > 2199
                         OR year(ft) < 1901 OR year(ft) > 2199 OR (amount <> '' AND amt IS NULL) AS bad
                FROM (SELECT *, CASE WHEN ok THEN st0 END AS st, CASE WHEN ok THEN ft0 END AS ft,
                             CASE WHEN amount <> '' AND regexp_full_match({amount}, '{_AMOUNT_RE}')
                               THEN CAST({amount} AS DOUBLE) END AS amt
                      FROM (SELECT *, {ok_time} AS ok FROM (
                            SELECT *, TRY_CAST(started_at AS TIMESTAMP) AS st0, TRY_CAST(finished_at AS TIMESTAMP) AS ft0
                            FROM (SELECT {known}, {viol} AS violation, {xl} AS xl,
                                   case_id = '' OR unit = '' OR authority = '' OR step = '' OR started_at = ''
                                     OR finished_at = '' AS bad
                            FROM read_csv('{path}', header = false, skip = 1, delim = ',', quote = '"', escape = '"',
                                          nullstr = '\x01', auto_detect = false, max_line_size = {FIELD_LIMIT},
                                          columns = {{{cols}}})))))""")

    def lines_agree(self) -> bool:
        """Whether DuckDB read one row per data line of every file (a blank line or a cell spanning lines: no)."""
        self.rows = [self.con.execute(f"SELECT count(*) FROM raw{i}").fetchone()[0] for i in range(len(self.shapes))]
        return [sh.lines for sh in self.shapes] == self.rows

    def pairs(self) -> list[tuple[str, str]]:
        """The distinct (unit, authority) of the rows."""
        union = " UNION ".join(f"SELECT DISTINCT unit, authority FROM raw{i}" for i in range(len(self.shapes)))
        return self.con.execute(union).fetchall()

    def build(self, steps: list[tuple[Any, ...]], closed: bool,
              post_names: list[tuple[str, str]] | None = None) -> dict[str, Any] | None:
        """Make the relations ``e`` and ``cases`` of checks.sql; None when a row is not plainly valid.

        ``steps``: (unit, authority, step id or unique name, pk, si, is end, actor, duty, limit days, natural,
        promised days, natural) of every step of every power with a table; ``post_names``: (unit, a post's name)
        — a row naming a post so sends the log to lfk's reader, which reads the name as the post's id. A case is keyed by
        its first row's place in the input (``ck``: the order of first appearance, as the Python engine's)."""
        con = self.con
        con.execute("SET preserve_insertion_order = false")  # the rows have their places (g) from here on
        con.execute("CREATE TABLE steps3(unit VARCHAR, authority VARCHAR, step VARCHAR, pk INT, si INT, is_end INT, "
                    "actor VARCHAR, duty VARCHAR, l_days DOUBLE, l_nat INT, p_days DOUBLE, p_nat INT)")
        _insert(con, "steps3", steps, 12)
        parts, offset = [], 0
        for fidx in range(len(self.shapes)):
            parts.append(f"SELECT *, {fidx} AS fidx, CAST(rowid AS BIGINT) + 2 AS line, "
                         f"CAST(rowid AS BIGINT) + {offset} AS g FROM raw{fidx}")
            offset += self.rows[fidx]
        w = "PARTITION BY x.cid, x.unit ORDER BY x.st, x.ft, x.g"
        wf = f"{w} ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING"
        op = "0" if closed else f"CASE WHEN MAX(s.is_end) OVER ({wf}) = 1 THEN 0 ELSE 1 END"
        con.execute(f"""
            CREATE TABLE e_read AS
            SELECT y.*, date_diff('day', DATE '0001-01-01', CAST(y.st AS DATE)) + 1 AS st_ord,
                   date_diff('day', DATE '0001-01-01', CAST(y.ft AS DATE)) + 1 AS ft_ord,
                   hour(y.ft) * 3600 + minute(y.ft) * 60 + second(y.ft) AS ft_sec,
                   (date_diff('day', DATE '0001-01-01', CAST(y.ft AS DATE)) + 1) * {_US_PER_DAY}
                     + (hour(y.ft) * 3600 + minute(y.ft) * 60 + second(y.ft)) * 1000000 AS ft_key
            FROM (SELECT x.g AS eid, x.cid, x.unit, x.st, x.ft, x.post, x.person, x.amt, x.tier, x.violation, x.xl,
                         x.fidx, x.line, x.bad, s.pk, s.si, LAG(s.is_end) OVER ({w}) AS prev_end,
                         MIN(x.g) OVER ({wf}) AS ck,
                         CAST(ROW_NUMBER() OVER ({w}) - 1 AS INT) AS pos,
                         LAG(s.si) OVER ({w}) AS prev_si,
                         CAST(COUNT(*) OVER ({wf}) - 1 AS INT) AS last_pos,
                         LAG(s.pk) OVER ({w}) AS prev_pk,
                         MAX(x.g) OVER ({wf}) AS g_hi, {op} AS op
                  FROM ({" UNION ALL ".join(parts)}) x
                  LEFT JOIN steps3 s ON s.unit = x.unit AND s.authority = x.authority AND s.step = x.step) y""")
        for fidx in range(len(self.shapes)):
            con.execute(f"DROP TABLE raw{fidx}")
        if con.execute("SELECT count(*) FROM e_read WHERE bad OR pk IS NULL OR prev_pk <> pk").fetchone()[0]:
            return None  # rows lfk's reader reports (MON003-MON009), with its messages
        if post_names:  # a post written by its name: lfk's reader gives its id
            con.execute("CREATE TABLE post_names(unit VARCHAR, name VARCHAR)")
            _insert(con, "post_names", post_names, 2)
            if con.execute("SELECT count(*) FROM e_read x SEMI JOIN post_names p ON p.unit = x.unit AND p.name = x.post"
                           ).fetchone()[0]:
                return None
        con.execute("CREATE TABLE cases AS SELECT ck, pk, op, cid, unit, g_hi, last_pos FROM e_read WHERE pos = 0")
        unsorted = con.execute("""
            SELECT count(*) FROM (SELECT ck, cid, unit, g_hi, last_pos, LAG(cid) OVER (ORDER BY ck) AS pc,
                                         LAG(unit) OVER (ORDER BY ck) AS pu FROM cases)
            WHERE g_hi - ck <> last_pos OR cid < pc OR (cid = pc AND unit < pu)""").fetchone()[0]
        n_rows, n_cases, n_open, max_ft, first_ord, last_ord = con.execute("""
            SELECT count(*), count(*) FILTER (WHERE pos = 0), count(*) FILTER (WHERE pos = 0 AND op = 1), max(ft),
                   min(st_ord), max(ft_ord) FROM e_read""").fetchone()
        return {"rows": n_rows, "cases": n_cases, "open": n_open, "max_time": max_ft, "sorted": not unsorted,
                "first_ord": first_ord, "last_ord": last_ord}

    def join_steps(self) -> None:
        """Make ``e``, the relation checks.sql's first view would make: the events read (``e_read``, which the
        window numbered without the step's attributes, so it sorts narrower rows) joined with ``steps``."""
        self.con.execute("""
            CREATE OR REPLACE TEMPORARY VIEW e AS
            SELECT r.*, s.actor AS st_actor, s.duty AS st_duty, s.is_end AS st_end, s.l_days AS st_l_days,
                   s.l_nat AS st_l_nat, s.p_days AS st_p_days, s.p_nat AS st_p_nat
            FROM e_read r JOIN steps s ON s.pk = r.pk AND s.si = r.si""")

    def events_of(self, extra: Callable[[int, Any], Any]) -> dict[int, list[tuple[int, tuple[Any, ...]]]]:
        """(eid, the engine's event tuple) of the events of the cases with a row in ``devt``, by case, in order.

        ``extra(fidx, xl)`` turns a row's extra cells into the engine's ``columns`` dict (or None)."""
        out: dict[int, list[tuple[int, tuple[Any, ...]]]] = {}
        for ck, eid, st, ft, si, post, person, amt, tier, fidx, line, xl in self.con.execute("""
                SELECT ck, eid, st, ft, si, post, person, amt, tier, fidx, line, xl FROM e_read
                WHERE ck IN (SELECT ck FROM devt) ORDER BY ck, pos""").fetchall():
            out.setdefault(ck, []).append((eid, (st, ft, si, post, person, amt, tier, fidx, line, extra(fidx, xl))))
        return out

    def explain(self, ex: Explainer, tbls: list[PowerTable]) -> None:
        """Fill the explainer (lfk.monitor.explain) as ``Explainer.add`` would for every case, from SQL: the
        throughput times of every step and closed case (the same float operations, so the same figures), and
        the alignment, in Python, of the cases whose steps do not follow the flow (fetched alone).

        Needs checks.sql's views (``d_order``) and the ``cal`` relation."""
        con = self.con
        frac = "CAST({t} AS DOUBLE) / 86400.0"
        s_sec = "hour({a}.st) * 3600 + minute({a}.st) * 60 + second({a}.st)"  # seconds of the day of a start
        stats = {pk: PowerStats(t) for pk, t in enumerate(tbls)}
        # each step's days sorted in DuckDB; only the places the summary reads come back (SortedDays)
        con.execute(f"""
                CREATE TEMPORARY TABLE xdays AS
                SELECT pk, si, list_sort(list(CASE WHEN d > 0.0 THEN d ELSE 0.0 END)) AS l,
                       count(*) FILTER (WHERE d > l_days) AS over FROM (
                  SELECT e.pk, e.si, e.st_l_days AS l_days, CASE WHEN e.st_l_days IS NULL OR e.st_l_nat = 1
                      THEN (epoch(e.ft) - epoch(e.st)) / 86400.0
                      ELSE CAST(cb.cum - ca.cum AS DOUBLE) + CASE WHEN cb.work = 1 THEN {frac.format(t='e.ft_sec')}
                             ELSE 0.0 END - CASE WHEN ca.work = 1 THEN {frac.format(t=s_sec.format(a='e'))} ELSE 0.0 END END AS d
                  FROM e JOIN cal ca ON ca.o = e.st_ord JOIN cal cb ON cb.o = e.ft_ord)
                GROUP BY pk, si""")
        groups = con.execute("SELECT pk, si, len(l), over FROM xdays").fetchall()
        want = [(pk, si, i) for pk, si, n, _over in groups for i in SortedDays.places(n)]
        picks: dict[tuple[int, int], dict[int, float]] = {}
        if want:
            rows = ", ".join(f"({pk}, {si}, {i})" for pk, si, i in want)  # integers only
            for pk, si, i, v in con.execute(
                    f"SELECT w.pk, w.si, w.i, x.l[w.i + 1] FROM (VALUES {rows}) w(pk, si, i) "
                    "JOIN xdays x ON x.pk = w.pk AND x.si = w.si").fetchall():
                picks.setdefault((pk, si), {})[i] = v
        for pk, si, n, over in groups:
            stats[pk].steps[si] = SortedDays(n, picks[(pk, si)], over)
        con.execute(f"""
            CREATE TEMPORARY TABLE xcase AS
            SELECT k.ck, k.cid, k.unit, k.pk, k.op, f.n, f.last_si,
                   CASE WHEN k.ck IN (SELECT ck FROM d_order) OR (k.op = 0 AND f.last_end = 0) THEN 0 ELSE 1 END AS follows,
                   CASE WHEN 0.0 > dur THEN 0.0 ELSE dur END AS dur
            FROM cases k JOIN (
              SELECT a.ck, a.last_pos + 1 AS n, b.si AS last_si, b.st_end AS last_end,
                     CASE WHEN p.c_days IS NULL OR p.c_nat = 1
                       THEN (epoch(b.ft) - epoch(a.st)) / 86400.0
                       ELSE (CAST(cb.cum AS DOUBLE) + CASE WHEN cb.work = 1 THEN {frac.format(t='b.ft_sec')} ELSE 0.0 END)
                          - (CAST(ca.cum AS DOUBLE) + CASE WHEN ca.work = 1 THEN {frac.format(t=s_sec.format(a='a'))}
                               ELSE 0.0 END) END AS dur
              FROM e a JOIN (SELECT ck, si, st_end, ft, ft_sec, ft_ord FROM e WHERE pos = last_pos) b ON b.ck = a.ck
              JOIN powers p ON p.pk = a.pk JOIN cal ca ON ca.o = a.st_ord JOIN cal cb ON cb.o = b.ft_ord
              WHERE a.pos = 0) f ON f.ck = k.ck""")
        for pk, n, closed, durs in con.execute("""
                SELECT pk, count(*), count(*) FILTER (WHERE op = 0), list(dur) FILTER (WHERE op = 0 AND follows = 1)
                FROM xcase GROUP BY pk""").fetchall():
            ps = stats[pk]
            ps.n, ps.closed = n, closed
            ps.dur = array("d", durs or [])
            ps.masks = bytearray(len(ps.dur))
        for cid, unit, pk, op, n, dur, seq in con.execute("""
                SELECT x.cid, x.unit, x.pk, x.op, x.n, x.dur, list(e.si ORDER BY e.pos) FROM xcase x JOIN e_read e ON e.ck = x.ck
                WHERE x.follows = 0 GROUP BY x.ck, x.cid, x.unit, x.pk, x.op, x.n, x.dur ORDER BY x.ck""").fetchall():
            ps, tbl = stats[pk], tbls[pk]
            mask = ex.deviation(ps, (cid, unit), tbl, seq, not op) if n <= MAX_ALIGN else 0
            if not op:
                ps.dur.append(dur)
                ps.masks.append(mask)
        for pk, ps in stats.items():
            if ps.n:
                ex.powers[tbls[pk].key] = ps

    def case_ids(self) -> dict[int, tuple[str, int, int]]:
        """ck -> (case id, pk, op) of the cases with a row in ``devt``."""
        return {ck: (cid, pk, op) for ck, cid, pk, op in self.con.execute(
            "SELECT ck, cid, pk, op FROM cases WHERE ck IN (SELECT ck FROM devt)").fetchall()}


__all__ = ["FileShape", "Scan"]
