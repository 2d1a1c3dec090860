"""The monitor's case checks run as SQL (``checks.sql``) on DuckDB or Spark: one definition, two engines.

``SqlMonitor`` is the Python ``Monitor`` with its per-case checks replaced. With ``--engine duckdb``, DuckDB
reads the event files itself when it sees exactly what lfk's reader sees (UTF-8 CSV, the row checks as SQL
predicates: ``lfk.monitor.sql.scan``), numbers the events of each case in one window and runs ``checks.sql``
on them with no Python per event. Any other input (JSON Lines, GB18030/GBK, a row that is MON003-MON009, a
blank line, ...) and every Spark run go through lfk's reader, as the Python engine does (so bad input gives
the same MON00x findings and exit codes on every engine): each case's events are sorted as the Python engine
sorts them and the valid events become the relations ``checks.sql`` reads (events, steps, edges, powers,
tiers, the working-day calendar with prefix sums, the run's parameters), handed over as temporary CSV files.
The SQL decides every deviation (code, event, days used); this module only turns its rows into the same
``Finding`` objects (messages, extras, warnings, escalation) the Python engine gives, through the engine's own
``_dev``/``_case_warning``/``_escalate``. ``LFK_DUCKDB_THREADS`` and ``LFK_DUCKDB_MEMORY`` (e.g. ``500MB``,
beyond which DuckDB spills to a temporary folder) bound what one run takes.
"""

from __future__ import annotations

import csv
import datetime as dt
import math
import os
import shutil
import tempfile
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from lfk.core.errors import UsageError
from lfk.core.i18n import T, Text
from lfk.monitor.engine import (
    EXTRA,
    FT,
    PERSON,
    POST,
    SI,
    ST,
    Monitor,
    _plan,
    _range,
    _reached_end,
    _Restart,
    _time_msg,
    case_time_text,
    late_start_message,
    open_case_message,
    pending_step_text,
)
from lfk.monitor.sql.scan import FileShape, Scan
from lfk.monitor.tables import PowerTable

SQL_PATH = Path(__file__).with_name("checks.sql")
ENGINES = ("python", "duckdb", "spark")
EXTRAS = {"duckdb": ("duckdb", "duckdb"), "spark": ("pyspark", "spark")}
_US_PER_DAY = 86_400_000_000

# relation name -> [(column, SQL type)]
SCHEMA: dict[str, list[tuple[str, str]]] = {
    "ev": [("eid", "BIGINT"), ("ck", "BIGINT"), ("pk", "INT"), ("pos", "INT"), ("si", "INT"), ("st_ord", "INT"),
           ("ft_ord", "INT"), ("ft_sec", "INT"), ("ft_key", "BIGINT"), ("post", "VARCHAR"), ("person", "VARCHAR"),
           ("amt", "DOUBLE"), ("tier", "VARCHAR"), ("violation", "VARCHAR")],
    "cases": [("ck", "BIGINT"), ("pk", "INT"), ("op", "INT")],
    "powers": [("pk", "INT"), ("has_bench", "INT"), ("c_days", "DOUBLE"), ("c_nat", "INT"), ("cp_days", "DOUBLE"),
               ("cp_nat", "INT")],
    "steps": [("pk", "INT"), ("si", "INT"), ("actor", "VARCHAR"), ("duty", "VARCHAR"), ("is_end", "INT"),
              ("l_days", "DOUBLE"), ("l_nat", "INT"), ("p_days", "DOUBLE"), ("p_nat", "INT")],
    "edges": [("pk", "INT"), ("src", "INT"), ("dst", "INT")],
    "cal": [("o", "INT"), ("work", "INT"), ("cum", "INT"), ("nxt", "INT")],
    "tiers": [("pk", "INT"), ("ti", "INT"), ("violation", "VARCHAR"), ("level", "VARCHAR"), ("f_has", "INT"),
              ("f_times", "INT"), ("f_lo", "DOUBLE"), ("f_hi", "DOUBLE"), ("s_has", "INT"), ("s_times", "INT"),
              ("s_lo", "DOUBLE"), ("s_hi", "DOUBLE")],
    "params": [("yellow_at", "DOUBLE"), ("red_at", "DOUBLE"), ("as_of_ord", "INT"), ("as_of_sec", "INT"),
               ("as_of_key", "BIGINT")],
}
DEV_COLUMNS = ("ck", "eid", "ph", "pos", "sub", "code", "used", "days", "nat", "x1", "x2")


def statements() -> list[str]:
    """The statements of ``checks.sql`` (comments dropped), in order."""
    text = "\n".join(line for line in SQL_PATH.read_text(encoding="utf-8").splitlines() if not line.lstrip().startswith("--"))
    return [s.strip() for s in text.split(";\n") if s.strip().strip(";")]


def require(engine: str) -> None:
    """Raise ``UsageError`` (exit 2) when the engine's third-party package is not installed."""
    if engine not in ENGINES:
        raise UsageError(f"--engine {engine!r}: use one of {', '.join(ENGINES)}")
    if engine in EXTRAS:
        import importlib.util

        module, extra = EXTRAS[engine]
        if importlib.util.find_spec(module) is None:
            raise UsageError(f"--engine {engine}: {module} is not installed / 未安装 {module}",
                             hint=f"pip install 'lfk[{extra}]'" + (" (and Java 17+)" if engine == "spark" else ""))


def default_engine() -> str:
    """The engine ``lfk monitor`` uses without ``--engine``: python.

    The SQL engines agree with it on the whole suite, and with DuckDB reading a plain CSV log itself
    ``--engine duckdb`` now takes a little less CPU (0.94x in the second pass of 2026-12-02; wall time 0.79x in the first) on the bench's 1M-event log,
    but ~10x the memory (it holds the whole log; python streams a sorted log in 90 MB), and a file it cannot
    read itself (GBK, JSON Lines, a bad row) goes through lfk's reader at ~3.4x (docs/monitor.md "Engines").
    """
    return "python"


class _Duck:
    def __init__(self) -> None:
        import duckdb

        threads = os.environ.get("LFK_DUCKDB_THREADS")
        memory = os.environ.get("LFK_DUCKDB_MEMORY")  # e.g. 500MB: DuckDB spills to a temporary folder beyond it
        if threads and not threads.isdigit():
            raise UsageError(f"LFK_DUCKDB_THREADS={threads!r}: give a number / 应为线程数")
        if memory and not memory.replace(" ", "").rstrip("KMGTBkmgtib").isdigit():
            raise UsageError(f"LFK_DUCKDB_MEMORY={memory!r}: give a size such as 500MB / 应为内存大小，如 500MB")
        self.con = duckdb.connect()
        # a query over ~2 s draws DuckDB's progress bar on stdout, inside lfk's own output (JSON, CSV, SARIF)
        self.con.execute("SET enable_progress_bar = false")
        self.tmp = tempfile.mkdtemp(prefix="lfk-duckdb-")  # where DuckDB spills beyond its memory limit
        self.con.execute("SET temp_directory = '" + self.tmp.replace("'", "''") + "'")
        if threads:
            self.con.execute(f"SET threads = {int(threads)}")
        if memory:
            self.con.execute(f"SET memory_limit = '{memory}'")

    def load(self, name: str, path: str) -> None:
        cols = ", ".join(f"'{c}': '{t}'" for c, t in SCHEMA[name])
        self.con.execute(f"CREATE OR REPLACE TABLE {name} AS SELECT * FROM read_csv('{path}', header = true, "
                         f"columns = {{{cols}}}, nullstr = '', quote = '\"', escape = '\"', auto_detect = false)")

    def run(self, sql: str) -> None:
        self.con.execute(sql)

    def rows(self, sql: str) -> list[tuple[Any, ...]]:
        return self.con.execute(sql).fetchall()

    def close(self) -> None:
        self.con.close()
        shutil.rmtree(self.tmp, ignore_errors=True)


class _Spark:
    def __init__(self) -> None:
        from pyspark.sql import SparkSession

        master = os.environ.get("LFK_SPARK_MASTER", "local[2]")
        self.spark = (SparkSession.builder.master(master).appName("lfk-monitor")
                      .config("spark.sql.shuffle.partitions", os.environ.get("LFK_SPARK_PARTITIONS", "4"))
                      .config("spark.ui.enabled", "false").config("spark.ui.showConsoleProgress", "false").getOrCreate())
        self.spark.sparkContext.setLogLevel("ERROR")

    def load(self, name: str, path: str) -> None:
        spark_type = {"BIGINT": "BIGINT", "INT": "INT", "DOUBLE": "DOUBLE", "VARCHAR": "STRING"}
        schema = ", ".join(f"{c} {spark_type[t]}" for c, t in SCHEMA[name])
        df = self.spark.read.csv(path, schema=schema, header=True, nullValue="", quote='"', escape='"', multiLine=True)
        df.createOrReplaceTempView(name)

    def run(self, sql: str) -> None:
        self.spark.sql(sql)

    def rows(self, sql: str) -> list[tuple[Any, ...]]:
        return [tuple(r) for r in self.spark.sql(sql).collect()]

    def close(self) -> None:
        pass  # the session is reused by later runs in the same process


class SqlMonitor(Monitor):
    """``Monitor`` whose case checks are ``checks.sql`` on ``engine`` (duckdb | spark)."""

    def __init__(self, register: Any, paths: Iterable[str], as_of: Any = None, *, closed: bool = False,
                 engine: str = "duckdb", progress: Callable[[int, int], None] | None = None) -> None:
        super().__init__(register, paths, as_of, closed=closed, progress=progress)
        require(engine)
        self.engine = engine
        self._scan: tuple[_Duck, Scan, dict[str, Any]] | None = None  # DuckDB read the files itself
        self._scan_tried = False
        self.read_by = "lfk"  # who read the event files: "duckdb" (read_csv) or "lfk" (lfk.monitor.events)

    def _reset(self) -> None:
        super()._reset()
        self._evs: list[tuple[Any, ...]] = []
        self._ev_rows: list[tuple[Any, ...]] = []
        self._cases: list[tuple[str, PowerTable, int]] = []   # ck -> (case id, table, open)
        if self._scan is None:  # a direct read keeps its powers across a restart in buffered mode
            self._pk: dict[int, int] = {}                      # id(table) -> pk
            self._tbls: list[PowerTable] = []
        self._spans: list[tuple[int, int]] = []               # ck -> (first eid, number of events)
        self._by_case: dict[int, list[tuple[Any, ...]]] = {}   # direct read: the events of the cases with a row

    # -- DuckDB reads the files (lfk.monitor.sql.scan), else lfk's reader -----------------------
    def _pass(self, streaming: bool) -> None:
        if not self._scan_tried:
            self._scan_tried = True
            if self.engine == "duckdb":
                self._scan = self._direct()
        if self._scan is None:
            super()._pass(streaming)
            return
        self.read_by = "duckdb"
        info = self._scan[2]
        if streaming and not info["sorted"]:
            raise _Restart  # the same mode as the Python engine reports

        self.rows_read = self.n_events = info["rows"]
        self.n_cases, self.n_open = info["cases"], info["open"]
        self.n_closed = self.n_cases - self.n_open
        self.max_time = info["max_time"]
        if self.progress is not None:
            total = sum(os.path.getsize(p) for p in self.paths)
            self.progress(total, total)

    def _direct(self) -> tuple[_Duck, Scan, dict[str, Any]] | None:
        """Load the files into DuckDB when every file and row is plainly valid (else None: lfk's reader);
        never when lfk.yaml maps the logs' headers (``monitor.columns``: lfk's reader applies it)."""
        if self.register.config.monitor.columns:
            return None
        shapes = []
        for p in self.paths:
            try:
                shape = FileShape.head(p) if os.path.isfile(p) else None
            except OSError:
                shape = None
            if shape is None:
                return None
            shapes.append(shape)
        import threading

        import duckdb

        checked: list[bool] = []

        def check() -> None:
            try:
                checked.extend(s.body_ok() for s in shapes)
            except OSError:
                checked.append(False)

        checker = threading.Thread(target=check, name="lfk-monitor-bytes", daemon=True)
        checker.start()  # the byte checks run while DuckDB reads the files (it releases the GIL)
        backend = _Duck()
        try:
            try:
                scan = Scan(backend.con, shapes)
            except duckdb.Error:
                checker.join()
                backend.close()  # not UTF-8 after all, a line too long, ...: lfk's reader says what
                return None
            checker.join()
            if not all(checked) or len(checked) != len(shapes):
                backend.close()
                return None
            if not scan.lines_agree():
                backend.close()
                return None
            steps, post_names, named = [], set(), False
            for unit, auth in scan.pairs():
                tbl = self.tables.get(unit, auth)
                if isinstance(tbl, tuple):
                    continue
                named = named or (tbl.unit, tbl.authority.id) != (unit, auth)  # by name: lfk's reader gives the ids
                pk = self._pkey(tbl)
                for sid, si in tbl.index.items():  # each step by its id, and by its name where that is unique
                    lim, pro = tbl.limits[si], tbl.promised[si]
                    steps.append((unit, auth, sid, pk, si, int(bool(tbl.ends[si])), tbl.actors[si], tbl.duties[si],
                                  lim and lim[0], lim and int(lim[1]), pro and pro[0], pro and int(pro[1])))
                post_names.update((unit, name) for name in tbl.post_alias)
            info = None if named else scan.build(steps, self.closed, sorted(post_names))
        except BaseException:
            backend.close()
            raise
        if info is None:
            backend.close()
            self._pk, self._tbls = {}, []
            return None
        return backend, scan, info

    def _extra(self, fidx: int, xl: Any) -> dict[str, Any] | None:
        if not xl:
            return None
        names = self._scan[1].extra_names[fidx] if self._scan else []
        return {h: v for h, v in zip(names, xl, strict=True) if v is not None and v != ""} or None

    def _pkey(self, tbl: PowerTable) -> int:
        pk = self._pk.get(id(tbl))
        if pk is None:
            pk = self._pk[id(tbl)] = len(self._tbls)
            self._tbls.append(tbl)
        return pk

    def _close(self, key: tuple[str, str], state: list[Any]) -> None:
        tbl, evs = state
        self.n_cases += 1
        if len(evs) > 1:
            evs.sort(key=lambda ev: (ev[0], ev[1], ev[7], ev[8]))
        op = 0 if (tbl.ends[evs[-1][SI]] or self.closed or _reached_end(tbl.ends, evs)) else 1
        if op:
            self.n_open += 1
        else:
            self.n_closed += 1
        self.explain.add(key, tbl, evs, not op)
        ck = len(self._cases)
        self._cases.append((key[0], tbl, op))
        pk = self._pkey(tbl)
        base = len(self._evs)
        self._spans.append((base, len(evs)))
        rows = self._ev_rows
        for pos, ev in enumerate(evs):
            ft = ev[FT]
            sec = ft.hour * 3600 + ft.minute * 60 + ft.second
            viol = ev[EXTRA].get("violation") if ev[EXTRA] else None
            rows.append((base + pos, ck, pk, pos, ev[SI], ev[ST].toordinal(), ft.toordinal(), sec,
                         ft.toordinal() * _US_PER_DAY + sec * 1_000_000 + ft.microsecond, ev[POST], ev[PERSON],
                         None if ev[5] is None else repr(ev[5]), ev[6], viol or None))
        self._evs.extend(evs)

    # -- the relations -------------------------------------------------------------------------
    def _relations(self, as_of: dt.datetime | None, bounds: tuple[int, int] | None = None
                   ) -> dict[str, Iterable[tuple[Any, ...]]]:
        """The relations of checks.sql; with ``bounds`` (first start, last finish ordinal) no ev and cases."""
        powers, steps, edges, tiers = [], [], [], []
        for pk, t in enumerate(self._tbls):
            cl, cp = t.case_limit, t.case_promised
            powers.append((pk, 0 if t.tiers is None else 1, cl and cl[0], cl and int(cl[1]), cp and cp[0], cp and int(cp[1])))
            for si in range(len(t.ids)):
                lim, pro = t.limits[si], t.promised[si]
                steps.append((pk, si, t.actors[si], t.duties[si], int(bool(t.ends[si])), lim and lim[0],
                              lim and int(lim[1]), pro and pro[0], pro and int(pro[1])))
                edges.extend((pk, si, d) for d in sorted(t.succ[si]))
            if t.tiers is not None:
                ti = 0
                for ts in t.tiers.values():
                    for tier in ts:
                        tiers.append((pk, ti, tier.violation, tier.level, *_bounds(tier.fine), *_bounds(tier.statutory)))
                        ti += 1
        cum, flags, lo = self._prefix
        n = len(flags)
        nxt = [0] * n
        follow = lo + n
        for i in range(n - 1, -1, -1):
            if flags[i]:
                follow = lo + i
            nxt[i] = follow
        # only the dates the spans can reach: the events' dates, as_of, plus the longest limit (natural-day ends)
        rows = self._ev_rows
        longest = max([d for t in self._tbls for lim in (*t.limits, *t.promised, t.case_limit, t.case_promised)
                       if lim is not None for d in (lim[0],)] + [0.0])
        if bounds is None:
            first = min((r[5] for r in rows), default=lo)
            final = max([r[6] for r in rows] + ([as_of.toordinal()] if as_of is not None else []), default=lo)
        else:
            first = bounds[0]
            final = max([bounds[1]] + ([as_of.toordinal()] if as_of is not None else []))
        a = max(first - lo, 0)
        b = min(final - lo + math.ceil(longest) + 2, n - 1)
        cal = ((lo + i, flags[i], cum[i], nxt[i]) for i in range(a, b + 1))
        if as_of is None:
            params = [(self.yellow_at, self.red_at, 0, 0, 0)]
        else:
            sec = as_of.hour * 3600 + as_of.minute * 60 + as_of.second
            params = [(self.yellow_at, self.red_at, as_of.toordinal(), sec,
                       as_of.toordinal() * _US_PER_DAY + sec * 1_000_000 + as_of.microsecond)]
        out: dict[str, Iterable[tuple[Any, ...]]] = {
            "powers": powers, "steps": steps, "edges": edges, "cal": cal, "tiers": tiers, "params": params}
        if bounds is None:
            out["ev"] = self._ev_rows
            out["cases"] = ((ck, self._pk[id(t)], op) for ck, (_c, t, op) in enumerate(self._cases))
        return out

    def _query(self, as_of: dt.datetime | None) -> list[tuple[Any, ...]]:
        if self._scan is not None:
            return self._query_direct(as_of)
        backend = _Duck() if self.engine == "duckdb" else _Spark()
        try:
            with tempfile.TemporaryDirectory(prefix="lfk-monitor-") as tmp:
                _load(backend, tmp, self._relations(as_of))
                for sql in statements():
                    backend.run(sql)
                cols = ", ".join(f"d.{c}" for c in DEV_COLUMNS)
                return backend.rows(f"SELECT {cols}, k.op FROM dev d JOIN cases k ON k.ck = d.ck "
                                    "ORDER BY k.op, d.ck, d.ph, d.pos, d.sub")
        finally:
            backend.close()

    def _query_direct(self, as_of: dt.datetime | None) -> list[tuple[Any, ...]]:
        """checks.sql on the relations DuckDB read itself; fetches the events of the cases with a row."""
        assert self._scan is not None
        backend, scan, info = self._scan
        try:
            with tempfile.TemporaryDirectory(prefix="lfk-monitor-") as tmp:
                _load(backend, tmp, self._relations(as_of, (info["first_ord"], info["last_ord"])))
            scan.join_steps()
            stmts = statements()
            assert stmts[0].startswith("CREATE OR REPLACE TEMPORARY VIEW e AS")
            for sql in stmts[1:]:  # the scan made e (ev with each event's previous step, the case's last place)
                backend.run(sql)
            if self.explain.enabled:
                scan.explain(self.explain, self._tbls)
            cols = ", ".join(f"d.{c}" for c in DEV_COLUMNS)
            backend.run(f"CREATE TABLE devt AS SELECT {cols}, k.op FROM dev d JOIN cases k ON k.ck = d.ck")
            out = backend.rows(f"SELECT {', '.join(DEV_COLUMNS)}, op FROM devt ORDER BY op, ck, ph, pos, sub")
            by_case = scan.events_of(self._extra)
            ids = scan.case_ids()
        finally:
            backend.close()
        evs: dict[int, tuple[Any, ...]] = {}
        for ck, pairs in by_case.items():
            self._by_case[ck] = [ev for _eid, ev in pairs]
            evs.update(pairs)
        self._evs = evs  # type: ignore[assignment]
        self._cases = {ck: (cid, self._tbls[pk], op) for ck, (cid, pk, op) in ids.items()}  # type: ignore[assignment]
        return out

    # -- SQL rows -> findings ------------------------------------------------------------------
    def _check_pending(self, as_of: dt.datetime | None) -> None:
        self.pending_open = []
        rows = self._query(as_of) if (self._cases or (self._scan and self._scan[2]["cases"])) else []
        self._ev_rows = []
        i = 0
        while i < len(rows):
            ck = rows[i][0]
            j = i
            while j < len(rows) and rows[j][0] == ck:
                j += 1
            self._case(ck, rows[i:j], as_of)
            i = j

    def _case(self, ck: int, rows: list[tuple[Any, ...]], as_of: dt.datetime | None) -> None:
        cid, tbl, _op = self._cases[ck]
        names = tbl.names
        devs: list[dict[str, Any]] = []
        open_parts: list[tuple[int, Text, int | None, float, tuple[float, bool]]] = []
        last_ev = None
        for _ck, eid, _ph, _pos, _sub, code, used, days, nat, x1, x2, _op in rows:
            ev = self._evs[eid]
            si = ev[SI]
            if code == "MON101":
                devs.append(self._dev(code, tbl, cid, ev, late_start_message(tbl, names, si)))
            elif code == "MON103":
                devs.append(self._dev(code, tbl, cid, ev, T(f"{names[x1]} 已是结束环节，之后又办理了 {names[si]}",
                                                            f"{names[x1]} is an end step, yet {names[si]} followed it")))
            elif code == "MON102":
                a = x1
                skipped = tbl.path(a, si)
                if skipped:
                    devs.append(self._dev(code, tbl, cid, ev, T(
                        f"{'、'.join(names[k] for k in skipped)} 被跳过：{names[a]} 之后直接办理了 {names[si]}",
                        f"{', '.join(names[k] for k in skipped)} {'was' if len(skipped) == 1 else 'were'} skipped: "
                        f"{names[a]} was followed by {names[si]}"), skipped=[tbl.ids[k] for k in skipped]))
                else:
                    allowed = [names[k] for k in sorted(tbl.succ[a])]
                    devs.append(self._dev(code, tbl, cid, ev, T(
                        f"顺序错误：{names[a]} 之后不应办理 {names[si]}（流程图允许：{'、'.join(allowed) or '无'}）",
                        f"wrong order: {names[si]} may not follow {names[a]} "
                        f"(the flow allows: {', '.join(allowed) or 'nothing'})")))
            elif code == "MON201":
                post, actor = ev[POST], tbl.actors[si]
                devs.append(self._dev(code, tbl, cid, ev, T(
                    f"{names[si]} 由 {tbl.post_name(post)}（{post}）办理，流程图规定由 {tbl.post_name(actor)}（{actor}）办理",
                    f"{names[si]} was done by {tbl.post_name(post)} ({post}); the flow gives it to "
                    f"{tbl.post_name(actor)} ({actor})")))
            elif code in ("MON301", "MON302", "MON303"):
                lim = (days, bool(nat))
                devs.append(self._dev(code, tbl, cid, ev, _time_msg(code, names[si], used, lim, self.yellow_at),
                                      used_days=round(used, 2), limit_days=days))
            elif code in ("MON304", "MON305"):
                orig = ("MON301", "MON302", "MON303")[x2 - 1]
                lim = (days, bool(nat))
                devs.append(self._dev(code, tbl, cid, ev, _time_msg(orig, tbl.authority.name, used, lim, self.yellow_at),
                                      used_days=round(used, 2), limit_days=days))
            elif code in ("MON401", "MON402", "MON403"):
                devs.append(self._discretion_dev(code, tbl, cid, ev))
            elif code == "MON202":
                person = ev[PERSON]
                dec = self._evs[x1]
                pair = (("审查", "决定"), ("决定", "监督"))[x2]
                e1, e2 = self._first_of(ck, person, pair)
                devs.append(self._dev(code, tbl, cid, ev, T(
                    f"{person} 既办理了 {names[e1[SI]]}（{pair[0]}），又办理了 {names[e2[SI]]}（{pair[1]}）",
                    f"{person} did both {names[e1[SI]]} ({pair[0]}) and {names[e2[SI]]} ({pair[1]})"),
                    post=dec[POST] or tbl.actors[dec[SI]], duties=list(pair)))
            elif code == "MON104":
                devs.append(self._dev(code, tbl, cid, ev, T(
                    f"案件在 {names[si]} 之后再无办理，该环节不是结束环节",
                    f"the case stopped after {names[si]}, which is not an end step")))
            elif code in ("MON306R", "MON306Y"):
                last_ev = ev
                level = 2 if code == "MON306R" else 1
                lim = (days, bool(nat))
                if x1 is not None:
                    open_parts.append((level, pending_step_text(names, sorted(tbl.succ[si]), si, used, lim),
                                       x1, used, lim))
                else:
                    open_parts.append((level, case_time_text(tbl, used, lim), None, used, lim))
            elif code in ("MON010N", "MON010T"):
                self._once(code, tbl, ev)
        if open_parts and last_ev is not None and as_of is not None:
            level, msg = open_case_message(as_of, open_parts)
            pend_si = open_parts[0][2]
            post = tbl.actors[pend_si] if pend_si is not None else None
            devs.append(self._dev("MON306", tbl, cid, last_ev, msg, level=level, post=post, as_of=as_of.isoformat(),
                                  used_days=round(open_parts[0][3], 2), limit_days=open_parts[0][4][0]))
        if devs:
            self._case_warning(cid, tbl, devs)

    def _first_of(self, ck: int, person: str, pair: tuple[str, str]) -> tuple[tuple[Any, ...], tuple[Any, ...]]:
        """The first events of ``person`` with each duty of ``pair`` in case ``ck`` (for the message)."""
        _cid, tbl, _op = self._cases[ck]
        first: dict[str, tuple[Any, ...]] = {}
        for ev in self._case_events(ck):
            if ev[PERSON] == person and tbl.duties[ev[SI]] in pair:
                first.setdefault(tbl.duties[ev[SI]], ev)
        return first[pair[0]], first[pair[1]]

    def _case_events(self, ck: int) -> list[tuple[Any, ...]]:
        if ck in self._by_case:
            return self._by_case[ck]
        base, n = self._spans[ck]
        return self._evs[base:base + n]

    def _discretion_dev(self, code: str, tbl: PowerTable, cid: str, ev: tuple[Any, ...]) -> dict[str, Any]:
        amt, tier = ev[5], ev[6]
        aid = tbl.authority.id
        violation = ev[EXTRA].get("violation") if ev[EXTRA] else None
        tier_known, levels, stat, money, _times = _plan(tbl, tier, violation)
        if code == "MON403":
            return self._dev(code, tbl, cid, ev, T(
                f"裁量阶次“{tier}”不在 {aid} 的裁量基准中（有：{'、'.join(levels)}）",
                f"the tier {tier!r} is not in the benchmark of {aid} (it has: {', '.join(levels)})"), tier=tier)
        if code == "MON402":
            f0, k0 = stat[0]
            return self._dev(code, tbl, cid, ev, T(
                f"罚款 {amt:g} 元超出法定幅度 {_range(f0, k0)}", f"the fine of {amt:g} 元 is outside the statutory "
                f"range {_range(f0, k0)}"), amount=amt, tier=tier)
        f0, k0 = money[0]
        return self._dev(code, tbl, cid, ev, T(
            f"罚款 {amt:g} 元超出“{tier}”阶次的幅度 {_range(f0, k0)}",
            f"the fine of {amt:g} 元 is outside the {tier!r} tier's range {_range(f0, k0)}"), amount=amt, tier=tier)

    def _once(self, code: str, tbl: PowerTable, ev: tuple[Any, ...]) -> None:
        aid = tbl.authority.id
        path, line = self.names[ev[7]], ev[8]
        if code == "MON010N":
            self._row("MON010", path, line, T(f"职权 {aid} 没有裁量基准，罚款金额无法核对（只提示一次）",
                                              f"power {aid} has no benchmark: amounts cannot be checked (said once)"))
            return
        violation = ev[EXTRA].get("violation") if ev[EXTRA] else None
        t = _plan(tbl, ev[6], violation)[4]
        self._row("MON010", path, line, T(
            f"{aid} 的罚款（如“{t.level}”）按{t.fine.of or '基数'}的倍数计算，日志中没有基数，"
            "这些金额无法核对（每项职权只提示一次）",
            f"fines of {aid} (e.g. {t.level!r}) are multiples of {t.fine.of or 'a base'}, which the log "
            "does not give: such amounts cannot be checked (said once per power)"))


def _load(backend: Any, tmp: str, relations: dict[str, Iterable[tuple[Any, ...]]]) -> None:
    """Hand the relations to the engine as CSV files in the private folder ``tmp``."""
    for name, rows in relations.items():
        path = os.path.join(tmp, f"{name}.csv")
        with open(path, "w", encoding="utf-8", newline="") as fh:
            w = csv.writer(fh, lineterminator="\n")
            w.writerow([c for c, _ in SCHEMA[name]])
            w.writerows(rows)
        backend.load(name, path)


def _bounds(f: Any) -> tuple[Any, ...]:
    """(has, times, lo, hi) of a Fine in 元 with the Python engine's tolerance (``_inside``)."""
    if f is None:
        return (0, 0, None, None)
    times = int(f.min_times is not None or f.max_times is not None)
    k = 10000.0 if (f.unit or "").strip() == "万元" else 1.0
    lo = None if f.min is None else f.min * k - 1e-9
    hi = None if f.max is None else f.max * k + 1e-9
    return (1, times, lo, hi)


__all__ = ["ENGINES", "SqlMonitor", "default_engine", "require", "statements"]
