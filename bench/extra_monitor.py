"""Bench: ``lfk monitor`` (``run_monitor``, all rules) on the generator's 1,000,000-event log.

The log, its truth and its variants come from ``bench/monitor_log.py`` (demo register, seed 20261129,
3 % of cases with one injected deviation; cached under bench/out/). Rows:

- the log sorted by case (as case systems export it): seconds of ``run_monitor`` (the child's imports
  are not counted; ``child_seconds`` has the whole child), ``events_per_s``, peak RSS (the child's VmHWM:
  ``ru_maxrss`` would also count the RSS of the parent that started it), and precision and recall of the
  (case, MON code) pairs found against the injected truth (both must be 1.0; the printed name carries
  events/s, P and R, the row's JSON the rest);
- the same rows sorted by start time (cases interleaved: the engine restarts in buffered mode);
- memory against closed cases, input sorted by case: the first 100,000 events; the log without its
  deviating and open cases (``clean``: ~162,000 closed cases with nothing to report) and its first tenth;
  an empty log (the baseline: interpreter, lfk, the register). The clean pair shows peak memory flat while
  closed cases grow tenfold; what does grow on the full log is the findings (5,254 warned cases, 1,727
  escalations) and the open cases, which wait for the end of the input to be judged at ``as_of``;
- the report: ``lfk monitor LOG -o FILE`` as a whole process (CPU seconds, user + system) with the default text
  report and with ``--format json``, run alternately (``REPORT_ROUNDS``, median), and their ratio (issue 16
  measured rich's tables as 23 of 39 s; the boxed tables of ``lfk.core.text.box_table`` are linear).
"""

from __future__ import annotations

import json
import statistics
import sys
import tempfile
from pathlib import Path

import monitor_log
from extra_hugo import _cpu

REPORT_ROUNDS = 2
LFK = Path(sys.executable).with_name("lfk")


def _body(root: str, path: str, as_of: str) -> str:
    return f"""
        import resource, time
        from pathlib import Path
        from lfk.monitor import run_monitor
        from lfk.register import Register
        u0 = resource.getrusage(resource.RUSAGE_SELF)
        t1 = time.perf_counter()
        r = run_monitor(Register(Path({root!r})), [{path!r}], {as_of!r})
        run_s = time.perf_counter() - t1
        u1 = resource.getrusage(resource.RUSAGE_SELF)
        cpu_s = u1.ru_utime - u0.ru_utime + u1.ru_stime - u0.ru_stime  # every thread of this process
        s = r.summary
        extra = {{"run_s": run_s, "cpu_s": cpu_s, "mode": r.mode, "events": s["events"], "cases": s["cases"],
                  "closed_cases": s["closed_cases"], "open_cases": s["open_cases"], "bad_rows": s["bad_rows"],
                  "warned_cases": s["warned_cases"], "escalations": s["escalations"],
                  "found": sorted({{(f.extra["case_id"], f.code) for f in r.findings
                                   if "case_id" in f.extra and f.code != "MON501"}})}}
        # peak RSS of this interpreter alone: ru_maxrss also counts the parent's RSS when it was started
        with open("/proc/self/status") as fh:
            extra["vm_hwm"] = next((int(ln.split()[1]) * 1024 for ln in fh if ln.startswith("VmHWM:")), None)
    """


def _score(found: list[list[str]], truth: dict[str, list[str]]) -> dict[str, object]:
    """Precision and recall of (case, code) pairs, and of cases, against the truth."""
    f = {(c, k) for c, k in found}
    t = {(c, k) for c, ks in truth.items() for k in ks}
    hit = len(f & t)
    fc, tc = {c for c, _ in f}, set(truth)
    return {"precision": round(hit / len(f), 6) if f else 1.0, "recall": round(hit / len(t), 6) if t else 1.0,
            "false_positives": len(f - t), "missed": len(t - f),
            "case_precision": round(len(fc & tc) / len(fc), 6) if fc else 1.0,
            "case_recall": round(len(fc & tc) / len(tc), 6) if tc else 1.0}


def _row(row, name: str, res: dict, truth: dict[str, list[str]] | None) -> dict:  # type: ignore[no-untyped-def]
    if "error" in res:
        return row(name, res)
    ex = res.pop("extra") or {}
    found = ex.pop("found")
    out = {**res, "child_seconds": res["seconds"], "seconds": ex.pop("run_s"), **ex}
    hwm = out.pop("vm_hwm", None)
    if hwm:
        out["ru_maxrss_bytes"], out["peak_bytes"] = out["peak_bytes"], hwm
    if out["seconds"] > 0:
        out["events_per_s"] = round(out["events"] / out["seconds"])
    if truth is not None:
        out.update(_score(found, truth))
    # the printed table (run.fmt_row) shows the name, seconds and peak: events/s and accuracy go in the name
    if out["events"]:
        name += f" [{out['events_per_s'] / 1000:.0f}k ev/s"
        name += f", P {out['precision']:g} R {out['recall']:g}]" if truth else "]"
    return row(name, out)


def measure(registers: dict[str, Path], child, row) -> list[dict]:  # type: ignore[no-untyped-def]
    """Rows for the bench table (``registers`` is not used: the log is made from the demo register)."""
    meta = monitor_log.ensure_in_child(clean=True)
    truth_doc = json.loads(Path(meta["truth"]).read_text(encoding="utf-8"))
    truth, as_of = truth_doc["cases"], truth_doc["as_of"]
    root = meta["register"]
    empty = Path(meta["by_case"]).with_name("empty.csv")
    if not empty.exists():
        empty.write_text(",".join(meta["columns"]) + "\n", encoding="utf-8")
    prefix_truth = {c: v for c, v in truth.items() if c <= _last_case(meta["prefix"])}
    n, m = meta["events"], meta["prefix_events"]
    clean = meta
    return [
        _row(row, f"monitor: {n:,} events, by case, all rules", child(_body(root, meta["by_case"], as_of)), truth),
        _row(row, f"monitor: {n:,} events, by time", child(_body(root, meta["by_time"], as_of)), truth),
        _row(row, f"monitor: first {m:,} events, by case", child(_body(root, meta["prefix"], as_of)), prefix_truth),
        _row(row, f"monitor: {clean['clean_cases']:,} clean closed cases, by case",
             child(_body(root, clean["clean"], as_of)), {}),
        _row(row, f"monitor: {clean['clean_prefix_cases']:,} clean closed cases, by case",
             child(_body(root, clean["clean_prefix"], as_of)), {}),
        _row(row, "monitor: empty log (baseline memory)", child(_body(root, str(empty), as_of)), None),
        *_report_rows(root, meta["by_case"], as_of, n),
    ]


def _report_rows(root: str, path: str, as_of: str, n: int) -> list[dict]:
    """``lfk monitor`` as a process, text report vs ``--format json`` (CPU seconds, medians of alternate runs)."""
    cpu: dict[str, list[float]] = {"text": [], "json": []}
    size: dict[str, int] = {}
    with tempfile.TemporaryDirectory(prefix="lfk-bench-report-") as tmp:
        for _ in range(REPORT_ROUNDS):
            for fmt in cpu:
                out = Path(tmp) / f"out.{fmt}"
                secs, _wall, rc = _cpu([str(LFK), "monitor", path, "--root", root, "--as-of", as_of, "--format", fmt,
                                        "-o", str(out)], Path(tmp))
                if rc != 0:
                    return [{"name": f"monitor report: lfk monitor --format {fmt} failed (exit {rc})", "ratio": None}]
                cpu[fmt].append(secs)
                size[fmt] = out.stat().st_size
    med = {k: statistics.median(v) for k, v in cpu.items()}
    return [
        {"name": f"monitor report: {n:,} events, default text report (process CPU s, {size['text'] / 1e6:.1f} MB)",
         "seconds": med["text"], "extra": {"runs": cpu["text"]}},
        {"name": f"monitor report: {n:,} events, --format json (process CPU s, {size['json'] / 1e6:.1f} MB)",
         "seconds": med["json"], "extra": {"runs": cpu["json"]}},
        {"name": "monitor report: text / json (CPU; issue 16: rich tables were 23 of 39 s)",
         "ratio": round(med["text"] / med["json"], 2)},
    ]


def _last_case(path: str) -> str:
    """The case id of the last row of a CSV sorted by case."""
    with open(path, "rb") as fh:
        fh.seek(max(0, fh.seek(0, 2) - 4096))
        return fh.read().decode("utf-8", "replace").strip().splitlines()[-1].split(",", 1)[0]
