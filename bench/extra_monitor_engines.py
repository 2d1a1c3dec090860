"""Bench: the monitor's engines on the generator's 1,000,000-event log (sorted by case).

Rows: ``run_monitor`` with engine python, duckdb (DuckDB reads the CSV itself, lfk.monitor.sql.scan, and runs
checks.sql) and spark (local[2], lfk's reader, only when pyspark is installed); duckdb again on one thread
(``LFK_DUCKDB_THREADS=1``: the per-core figure of docs/monitor.md's province plan); and a hand-written DuckDB
reference: DuckDB reads the CSV itself and runs the core checks (first step, allowed transitions, actor posts,
step limits in natural/working days via a calendar join) with no Python per row and no input validation.
Each row carries precision/recall against the truth where it applies; two ratio rows close the group:
duckdb over the reference (issue 16's target: ≤ 1.0) and duckdb over python.
"""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import monitor_log
from extra_monitor import _body, _row


def _reference(root: str, path: str) -> str:
    return f"""
        import time
        from pathlib import Path
        import duckdb
        from lfk.register import Register
        from lfk.monitor.sql.engine import SqlMonitor
        t1 = time.perf_counter()
        m = SqlMonitor(Register(Path({root!r})), [{path!r}], engine="duckdb")
        con = duckdb.connect()
        # register relations from the tables of every power the log names
        pairs = con.execute("SELECT DISTINCT unit, authority FROM read_csv({path!r}, all_varchar=true)").fetchall()
        steps = []
        for pk, (u, a) in enumerate(pairs):
            t = m.tables.get(u, a)
            if isinstance(t, tuple):
                continue
            for si, sid in enumerate(t.ids):
                lim = t.limits[si]
                nxt = ",".join(str(d) for d in sorted(t.succ[si]))
                steps.append((u, a, sid, si, t.actors[si], lim and lim[0], lim and int(lim[1]), nxt))
        con.execute("CREATE TABLE st(unit VARCHAR, authority VARCHAR, step VARCHAR, si INT, actor VARCHAR, "
                    "l_days DOUBLE, l_nat INT, nxt VARCHAR)")
        con.executemany("INSERT INTO st VALUES (?, ?, ?, ?, ?, ?, ?, ?)", steps)
        cum, flags, lo = m.cal.prefix()
        con.execute("CREATE TABLE cal(o INT, work INT, cum INT)")
        con.executemany("INSERT INTO cal VALUES (?, ?, ?)", [(lo + i, flags[i], cum[i]) for i in range(len(flags))
                                                             if 730000 <= lo + i <= 741000])
        n = con.execute('''
          WITH ev AS (SELECT e.case_id, e.unit, s.si, s.actor, s.l_days, s.l_nat, e.actor_post AS post,
                             CAST(e.started_at AS TIMESTAMP) AS st, CAST(e.finished_at AS TIMESTAMP) AS ft,
                             LAG(s.si) OVER (PARTITION BY e.case_id, e.unit ORDER BY CAST(e.started_at AS TIMESTAMP)) AS prev_si,
                             LAG(s.nxt) OVER (PARTITION BY e.case_id, e.unit ORDER BY CAST(e.started_at AS TIMESTAMP)) AS prev_nxt
                      FROM read_csv({path!r}, all_varchar=true) e
                      JOIN st s ON s.unit = e.unit AND s.authority = e.authority AND s.step = e.step),
               t AS (SELECT ev.*, (date_diff('day', DATE '0001-01-01', CAST(ft AS DATE)) + 1) AS fo,
                            (date_diff('day', DATE '0001-01-01', CAST(st AS DATE)) + 2) AS so,
                            (hour(ft) * 3600 + minute(ft) * 60 + second(ft)) / 86400.0 AS frac FROM ev)
          SELECT count(*) FROM t JOIN cal cf ON cf.o = t.fo JOIN cal cs ON cs.o = t.so
          WHERE (prev_si IS NULL AND si <> 0)
             OR (prev_si IS NOT NULL AND NOT list_contains(string_split(prev_nxt, ','), CAST(si AS VARCHAR)))
             OR (post IS NOT NULL AND post <> '' AND post <> actor)
             OR (l_days IS NOT NULL AND (CASE WHEN l_nat = 1 THEN (fo - so) + frac
                                              ELSE cf.cum - cs.cum + CASE WHEN cf.work = 1 THEN frac ELSE 0 END END)
                                         >= 0.8 * l_days)
        ''').fetchone()[0]
        extra = {{"run_s": time.perf_counter() - t1, "deviating_events": n}}
    """


def measure(registers: dict[str, Path], child, row) -> list[dict]:  # type: ignore[no-untyped-def]
    meta = monitor_log.ensure_in_child()
    truth_doc = json.loads(Path(meta["truth"]).read_text(encoding="utf-8"))
    truth, as_of = truth_doc["cases"], truth_doc["as_of"]
    root, path, n = meta["register"], meta["by_case"], meta["events"]
    out = []
    secs: dict[str, float] = {}
    runs = [("python", {}), ("duckdb", {}), ("duckdb, 1 thread", {"LFK_DUCKDB_THREADS": "1"})]
    if importlib.util.find_spec("pyspark"):
        runs.append(("spark", {}))
    for name, env in runs:
        engine = name.split(",")[0]
        body = _body(root, path, as_of).replace(f"[{path!r}], {as_of!r})", f"[{path!r}], {as_of!r}, engine={engine!r})")
        r = _row(row, f"monitor engines: {n:,} events, {name}", child(body, env=env), truth)
        out.append(r)
        if "seconds" in r:
            secs[name] = r["seconds"]
    ref = row(f"monitor engines: {n:,} events, hand-written DuckDB reference (core checks)", child(_reference(root, path)))
    ref_extra = ref.pop("extra", None) or {}
    if "run_s" in ref_extra:
        ref["child_seconds"], ref["seconds"] = ref["seconds"], ref_extra.pop("run_s")
        ref.update(ref_extra)
        secs["reference"] = ref["seconds"]
    out.append(ref)
    if "duckdb" in secs and "reference" in secs:
        out.append({"name": "monitor engines: duckdb / DuckDB reference (target ≤ 1.0)",
                    "ratio": round(secs["duckdb"] / secs["reference"], 2)})
    if "duckdb" in secs and "python" in secs:
        out.append({"name": "monitor engines: duckdb / python", "ratio": round(secs["duckdb"] / secs["python"], 2)})
    return out
