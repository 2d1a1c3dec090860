"""The core monitor checks in Polars: the peer of the hand-written DuckDB reference (``extra_monitor_engines``).

Runs in its own environment, ``bench/out/polars-venv`` (Polars is never a dependency of lfk), as
``python peers_polars.py LOG TABLES``: ``TABLES`` is the JSON the lfk side wrote from the register (the same
``steps`` and ``cal`` rows the DuckDB reference inserts: per step of every power in the log its index, actor
post, limit in days, whether natural days, and the allowed next steps; per date ordinal whether it is a working
day and the working days before it). The checks are the reference's, as one lazy query: the first step,
allowed transitions (previous step of the case, by start time), actor posts, step limits at 80 % in natural
or working days (a join on the calendar). Every cell is read as a string, as the reference reads it.

Prints one JSON line: ``run_s`` (wall, from reading the tables to the count; the interpreter and the import of
Polars excluded), ``cpu_s`` (this process, the same span, every thread), ``deviating_events`` (must equal the
reference's) and ``vm_hwm`` (peak RSS).
"""

from __future__ import annotations

import json
import resource
import sys
import time

import polars as pl

ORDINAL_1970 = 719163  # date(1970, 1, 1).toordinal(): Polars dates count days from 1970


def _cpu() -> float:
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


def main(log: str, tables: str) -> None:
    t0, c0 = time.perf_counter(), _cpu()
    doc = json.loads(open(tables, encoding="utf-8").read())
    st = pl.DataFrame(doc["steps"], orient="row", schema=[
        ("unit", pl.Utf8), ("authority", pl.Utf8), ("step", pl.Utf8), ("si", pl.Int32), ("actor", pl.Utf8),
        ("l_days", pl.Float64), ("l_nat", pl.Int32), ("nxt", pl.List(pl.Int32))]).lazy()
    cal = pl.DataFrame(doc["cal"], orient="row", schema=[("o", pl.Int32), ("work", pl.Int32), ("cum", pl.Int32)])
    case = ["case_id", "unit"]
    ev = (pl.scan_csv(log, infer_schema=False)
          .join(st, on=["unit", "authority", "step"], how="inner")
          .with_columns(st=pl.col("started_at").str.to_datetime(time_unit="us"),
                        ft=pl.col("finished_at").str.to_datetime(time_unit="us"))
          .sort([*case, "st"])
          .with_columns(prev_si=pl.col("si").shift(1).over(case), prev_nxt=pl.col("nxt").shift(1).over(case))
          .with_columns(fo=pl.col("ft").dt.date().cast(pl.Int32) + ORDINAL_1970,
                        so=pl.col("st").dt.date().cast(pl.Int32) + ORDINAL_1970 + 1,
                        frac=(pl.col("ft").dt.hour().cast(pl.Int32) * 3600 + pl.col("ft").dt.minute().cast(pl.Int32) * 60
                              + pl.col("ft").dt.second().cast(pl.Int32)) / 86400.0)
          .join(cal.lazy().rename({"o": "fo", "work": "f_work", "cum": "f_cum"}), on="fo", how="inner")
          .join(cal.lazy().rename({"o": "so", "work": "s_work", "cum": "s_cum"}), on="so", how="inner"))
    used = (pl.when(pl.col("l_nat") == 1).then((pl.col("fo") - pl.col("so")) + pl.col("frac"))
            .otherwise(pl.col("f_cum") - pl.col("s_cum") + pl.when(pl.col("f_work") == 1).then(pl.col("frac")).otherwise(0.0)))
    post = pl.col("actor_post")
    deviating = (
        (pl.col("prev_si").is_null() & (pl.col("si") != 0))
        | (pl.col("prev_si").is_not_null() & ~pl.col("prev_nxt").list.contains(pl.col("si")))
        | (post.is_not_null() & (post != "") & (post != pl.col("actor")))
        | (pl.col("l_days").is_not_null() & (used >= 0.8 * pl.col("l_days"))))
    n = ev.filter(deviating).select(pl.len()).collect().item()
    out = {"run_s": time.perf_counter() - t0, "cpu_s": _cpu() - c0, "deviating_events": n, "polars": pl.__version__}
    with open("/proc/self/status") as fh:
        out["vm_hwm"] = next((int(ln.split()[1]) * 1024 for ln in fh if ln.startswith("VmHWM:")), None)
    sys.stdout.write(json.dumps(out) + "\n")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
