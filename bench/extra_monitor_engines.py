"""Bench: the monitor's engines on the generator's 1,000,000-event log (sorted by case).

Rows: ``run_monitor`` with engine python, duckdb (DuckDB reads the CSV itself, lfk.monitor.sql.scan, and runs
checks.sql) and spark (local[2], lfk's reader, only when pyspark is installed); duckdb again on one thread
(``LFK_DUCKDB_THREADS=1``: the per-core figure of docs/monitor.md's province plan); and a hand-written DuckDB
reference: DuckDB reads the CSV itself and runs the core checks (first step, allowed transitions, actor posts,
step limits in natural/working days via a calendar join) with no Python per row and no input validation.
A Polars peer of the reference (``bench/peers_polars.py``: the same core checks as one lazy query, in its own
environment ``bench/out/polars-venv``, installed on first use; never a dependency of lfk) reads the same log and
the reference's register tables (written by the lfk side as ``core_tables.json``); its count of deviating events
must equal the reference's. Each row carries precision/recall against the truth where it applies; ratio rows
close the group: duckdb over the reference (issue 16's target: ≤ 1.0), duckdb over python, duckdb and the
reference over Polars.
"""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
from pathlib import Path

import monitor_log
from extra_monitor import _body, _row

HERE = Path(__file__).resolve().parent
POLARS_VENV = HERE / "out" / "polars-venv"


# the register's side of the core checks, shared by the DuckDB reference and the Polars peer: ``steps`` (unit,
# authority, step id, index, actor post, limit days, natural, allowed next steps) of every power the log names
# and ``cal`` (ordinal, working day, working days before it) over 1999-2029
_TABLES = """
        import duckdb
        from lfk.register import Register
        from lfk.monitor.sql.engine import SqlMonitor
        m = SqlMonitor(Register(Path({root!r})), [{path!r}], engine="duckdb")
        con = duckdb.connect()
        con.execute("SET enable_progress_bar = false")  # it would print on stdout, where the bench reads the result
        pairs = con.execute("SELECT DISTINCT unit, authority FROM read_csv({path!r}, all_varchar=true)").fetchall()
        steps = []
        for u, a in pairs:
            t = m.tables.get(u, a)
            if isinstance(t, tuple):
                continue
            for si, sid in enumerate(t.ids):
                lim = t.limits[si]
                steps.append((u, a, sid, si, t.actors[si], lim and lim[0], lim and int(lim[1]), sorted(t.succ[si])))
        cum, flags, lo = m.cal.prefix()
        cal = [(lo + i, flags[i], cum[i]) for i in range(len(flags)) if 730000 <= lo + i <= 741000]
"""


def _reference(root: str, path: str) -> str:
    return """
        import resource, time
        from pathlib import Path
        u0 = resource.getrusage(resource.RUSAGE_SELF)
        t1 = time.perf_counter()
""" + _TABLES.format(root=root, path=path) + f"""
        con.execute("CREATE TABLE st(unit VARCHAR, authority VARCHAR, step VARCHAR, si INT, actor VARCHAR, "
                    "l_days DOUBLE, l_nat INT, nxt VARCHAR)")
        con.executemany("INSERT INTO st VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                        [(*r[:7], ",".join(str(d) for d in r[7])) for r in steps])
        con.execute("CREATE TABLE cal(o INT, work INT, cum INT)")
        con.executemany("INSERT INTO cal VALUES (?, ?, ?)", cal)
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
        u1 = resource.getrusage(resource.RUSAGE_SELF)
        extra = {{"run_s": time.perf_counter() - t1, "cpu_s": u1.ru_utime - u0.ru_utime + u1.ru_stime - u0.ru_stime,
                  "deviating_events": n}}
    """


def _polars(child, root: str, path: str) -> dict:  # type: ignore[no-untyped-def]
    """The Polars peer (bench/peers_polars.py in bench/out/polars-venv, installed on first use): a row, or an error."""
    if not (POLARS_VENV / "bin" / "python").exists() or subprocess.run(
            [str(POLARS_VENV / "bin" / "python"), "-c", "import polars"], capture_output=True).returncode != 0:
        try:
            subprocess.run([sys.executable, "-m", "venv", str(POLARS_VENV)], check=True)
            subprocess.run([str(POLARS_VENV / "bin" / "python"), "-m", "pip", "install", "--quiet",
                            "--disable-pip-version-check", "polars"], check=True, timeout=600)
        except (subprocess.SubprocessError, OSError) as e:
            return {"error": f"polars could not be installed into {POLARS_VENV}: {e}"}
    tables = Path(path).with_name("core_tables.json")
    made = child("""
        import json
        from pathlib import Path
""" + _TABLES.format(root=root, path=path) + f"""
        Path({str(tables)!r}).write_text(json.dumps({{"steps": steps, "cal": cal}}), encoding="utf-8")
    """)
    if "error" in made:
        return made
    p = subprocess.run([str(POLARS_VENV / "bin" / "python"), str(HERE / "peers_polars.py"), path, str(tables)],
                       capture_output=True, text=True, timeout=600)
    if p.returncode != 0:
        return {"error": p.stderr[-600:]}
    res = json.loads(p.stdout.strip().splitlines()[-1])
    return {"seconds": res.pop("run_s"), "peak_bytes": res.pop("vm_hwm"), **res}


def measure(registers: dict[str, Path], child, row) -> list[dict]:  # type: ignore[no-untyped-def]
    meta = monitor_log.ensure_in_child()
    truth_doc = json.loads(Path(meta["truth"]).read_text(encoding="utf-8"))
    truth, as_of = truth_doc["cases"], truth_doc["as_of"]
    root, path, n = meta["register"], meta["by_case"], meta["events"]
    out = []
    secs: dict[str, float] = {}
    cpu: dict[str, float] = {}  # CPU seconds of the same span (every thread): steadier than wall on a shared machine
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
            cpu[name] = r.get("cpu_s", r["seconds"])
    ref = row(f"monitor engines: {n:,} events, hand-written DuckDB reference (core checks)", child(_reference(root, path)))
    ref_extra = ref.pop("extra", None) or {}
    if "run_s" in ref_extra:
        ref["child_seconds"], ref["seconds"] = ref["seconds"], ref_extra.pop("run_s")
        ref.update(ref_extra)
        secs["reference"] = ref["seconds"]
        cpu["reference"] = ref.get("cpu_s", ref["seconds"])
    out.append(ref)
    pol = row(f"monitor engines: {n:,} events, Polars peer of the reference (core checks; own venv)", _polars(child, root, path))
    if "seconds" in pol:
        secs["polars"] = pol["seconds"]
        cpu["polars"] = pol["cpu_s"]
        if "deviating_events" in ref and pol.get("deviating_events") != ref["deviating_events"]:
            pol["name"] += f" — DISAGREES: {pol.get('deviating_events')} deviating events vs {ref['deviating_events']}"
    out.append(pol)
    for a, b, what in (("duckdb", "reference", "duckdb / DuckDB reference (target ≤ 1.0)"),
                       ("duckdb", "python", "duckdb / python"),
                       ("duckdb", "polars", "duckdb / Polars peer"),
                       ("reference", "polars", "DuckDB reference / Polars peer")):
        if a in secs and b in secs:
            out.append({"name": f"monitor engines: {what}", "ratio": round(secs[a] / secs[b], 2)})
            out.append({"name": f"monitor engines: {what.split(' (')[0]}, CPU", "ratio": round(cpu[a] / cpu[b], 2)})
    return out
