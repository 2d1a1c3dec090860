"""``make bench-peers``: PM4Py's token-based replay (order only) beside lfk's monitor (all rules), one run.

Runs in bench/out/peers-venv (PM4Py is AGPL: never a dependency of lfk, never in .venv). Both tools read
the same 1,000,000-event log (``bench/monitor_log.py``: the demo register, generator seed 20261129, 3 % of
cases with one injected deviation, sorted by case). Each measurement is a fresh interpreter: PM4Py
(``bench/peers_pm4py.py``) in this venv, lfk (``bench/peers_lfk.py``) in the project's .venv. The rounds
alternate the two tools, so both see the same machine load; the table gives the best and the median round.

Seconds are wall time from reading the file to the verdicts, imports excluded on both sides: for PM4Py
``pandas.read_csv`` (only the 5 columns an order check needs) + ``pm4py.format_dataframe`` (timestamps,
sorting) + building the net + ``conformance_diagnostics_token_based_replay``; for lfk ``Register`` +
``run_monitor`` (reads all 10 columns; order, actor, separation of duties, time limits on the working-day
calendar, discretion, open cases, warnings and escalation). Peak memory is each interpreter's VmHWM.

Accuracy: the order verdicts of both (PM4Py: a visible transition fired with missing tokens; lfk: MON101/
MON102/MON103) against the injected order deviations (MON101/MON102), and lfk's (case, code) pairs against the
whole truth. The net is built from the flows, not discovered: see ``bench/peers_pm4py.py``.

Bounded: PM4Py first replays the first 100,000 events; if ten times that would exceed ``PEERS_BUDGET_S``
(default 150 s) per round, every round uses the 100,000-event prefix for both tools and the figures for
1,000,000 events are extrapolated (linearly) and marked so. ``PEERS_ROUNDS`` (default 3) sets the rounds.
Writes bench/peers-results.json.
"""

from __future__ import annotations

import json
import os
import platform
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
LFK_PY = REPO / ".venv" / "bin" / "python"
ROUNDS = int(os.environ.get("PEERS_ROUNDS", "3"))
BUDGET_S = float(os.environ.get("PEERS_BUDGET_S", "150"))
TIMEOUT_S = 420
ORDER_TRUTH = {"MON101", "MON102", "MON103"}


def _json_child(cmd: list[str]) -> dict[str, Any]:
    p = subprocess.run(cmd, capture_output=True, text=True, cwd=REPO, timeout=TIMEOUT_S)
    if p.returncode != 0:
        raise SystemExit(f"{' '.join(cmd[:2])} failed:\n{p.stderr[-2000:]}")
    return json.loads(p.stdout.strip().splitlines()[-1])


def _pm4py(log: str, flows: str) -> dict[str, Any]:
    return _json_child([sys.executable, str(HERE / "peers_pm4py.py"), log, flows])


def _lfk(root: str, log: str, as_of: str) -> dict[str, Any]:
    return _json_child([str(LFK_PY), str(HERE / "peers_lfk.py"), root, log, as_of])


def _pr(found: set[Any], truth: set[Any]) -> dict[str, Any]:
    hit = len(found & truth)
    return {"precision": round(hit / len(found), 6) if found else 1.0,
            "recall": round(hit / len(truth), 6) if truth else 1.0,
            "found": len(found), "truth": len(truth), "false_positives": len(found - truth), "missed": len(truth - found)}


def _last_case(path: str) -> str:
    with open(path, "rb") as fh:
        fh.seek(max(0, fh.seek(0, 2) - 4096))
        return fh.read().decode("utf-8", "replace").strip().splitlines()[-1].split(",", 1)[0]


def main() -> int:
    """Measure, print the table, write bench/peers-results.json."""
    if not LFK_PY.exists():
        raise SystemExit(f"{LFK_PY} is missing: run `make install` first")
    t_start = time.perf_counter()
    meta = _json_child([str(LFK_PY), str(HERE / "monitor_log.py")])
    truth_doc = json.loads(Path(meta["truth"]).read_text(encoding="utf-8"))
    as_of, truth = truth_doc["as_of"], truth_doc["cases"]
    # probe: PM4Py on the first 100,000 events decides whether the full log fits the budget
    probe = _pm4py(meta["prefix"], meta["flows"])
    factor = meta["events"] / meta["prefix_events"]
    extrapolated = probe["seconds"] * factor > BUDGET_S
    log = meta["prefix"] if extrapolated else meta["by_case"]
    if extrapolated:
        last = _last_case(log)
        truth = {c: v for c, v in truth.items() if c <= last}
    rounds: list[dict[str, Any]] = []
    for i in range(ROUNDS):
        pair = [("pm4py", lambda: _pm4py(log, meta["flows"])), ("lfk", lambda: _lfk(meta["register"], log, as_of))]
        if i % 2:
            pair.reverse()
        rounds.append({name: fn() for name, fn in pair})
        print(f"round {i + 1}/{ROUNDS}: PM4Py {rounds[-1]['pm4py']['seconds']:.2f} s, "
              f"lfk {rounds[-1]['lfk']['seconds']:.2f} s", file=sys.stderr)
    pm, lf = rounds[-1]["pm4py"], rounds[-1]["lfk"]
    order_truth = {c for c, ks in truth.items() if set(ks) & ORDER_TRUTH}
    pairs_truth = {(c, k) for c, ks in truth.items() for k in ks}
    pm_order, lf_order = set(pm["order_deviations"]), set(lf["order_deviations"])
    scale = factor if extrapolated else 1.0

    def stat(tool: str, key: str) -> dict[str, float]:
        vals = [r[tool][key] for r in rounds]
        return {"best": round(min(vals), 3), "median": round(statistics.median(vals), 3),
                "all": [round(v, 3) for v in vals]}

    result: dict[str, Any] = {
        "machine": f"{platform.machine()} {os.cpu_count()} cpu, load average at start "
                   f"{os.getloadavg()[0]:.1f}, Python {platform.python_version()}",
        "log": {k: meta[k] for k in ("register", "seed", "rate", "events", "cases", "deviating_cases", "by_case_mb")},
        "measured_on_events": pm["events"], "extrapolated_to_1m": extrapolated, "rounds": ROUNDS,
        "pm4py": {"version": pm["pm4py"], "pandas": pm["pandas"], "what": "token-based replay, order only",
                  "seconds": stat("pm4py", "seconds"), "cpu_s": stat("pm4py", "cpu_s"),
                  "replay_s": stat("pm4py", "replay_s"), "read_csv_s": stat("pm4py", "read_csv_s"),
                  "format_s": stat("pm4py", "format_s"), "peak_bytes": max(r["pm4py"]["peak_bytes"] for r in rounds),
                  "net": {"places": pm["places"], "transitions": pm["transitions"]},
                  "unfit_cases": pm["unfit_cases"], "order": _pr(pm_order, order_truth)},
        "lfk": {"what": "run_monitor, all rules", "seconds": stat("lfk", "seconds"), "cpu_s": stat("lfk", "cpu_s"),
                "peak_bytes": max(r["lfk"]["peak_bytes"] for r in rounds), "mode": lf["mode"],
                "warned_cases": lf["warned_cases"], "open_cases": lf["open_cases"],
                "order": _pr(lf_order, order_truth),
                "all_rules": _pr({(c, k) for c, k in lf["found"]}, pairs_truth)},
        "order_verdicts_identical": pm_order == lf_order,
        "probe_pm4py_100k_s": round(probe["seconds"], 3),
    }
    best_pm, best_lf = result["pm4py"]["seconds"]["best"], result["lfk"]["seconds"]["best"]
    med_pm, med_lf = result["pm4py"]["seconds"]["median"], result["lfk"]["seconds"]["median"]
    result["speedup_lfk_over_pm4py"] = {"best": round(best_pm / best_lf, 2), "median": round(med_pm / med_lf, 2)}
    if extrapolated:
        result["extrapolated_1m_seconds"] = {"pm4py": round(med_pm * scale, 1), "lfk": round(med_lf * scale, 1)}
    result["bench_wall_s"] = round(time.perf_counter() - t_start, 1)
    (HERE / "peers-results.json").write_text(json.dumps(result, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")

    n = pm["events"]
    print(f"bench-peers — {result['machine']}")
    print(f"log: {n:,} events, {pm['cases']:,} cases ({meta['register']}, seed {meta['seed']}); "
          f"{ROUNDS} alternating rounds" + (" — EXTRAPOLATED x10 to 1,000,000 events" if extrapolated else ""))
    head = f"{'':<44} {'best s':>8} {'median s':>9} {'events/s':>10} {'CPU s':>7} {'peak MB':>8} {'order P/R':>11}"
    print(head)
    for label, tool in ((f"PM4Py {pm['pm4py']} token replay (order only)", "pm4py"),
                        ("lfk run_monitor (all rules)", "lfk")):
        r = result[tool]
        print(f"{label:<44} {r['seconds']['best']:8.2f} {r['seconds']['median']:9.2f} "
              f"{n / r['seconds']['median']:10,.0f} {r['cpu_s']['median']:7.2f} {r['peak_bytes'] / 1e6:8.0f} "
              f"{r['order']['precision']:5.3f}/{r['order']['recall']:.3f}")
    print(f"{'  of which PM4Py replay alone':<44} {result['pm4py']['replay_s']['best']:8.2f} "
          f"{result['pm4py']['replay_s']['median']:9.2f}")
    a = result["lfk"]["all_rules"]
    print(f"lfk all rules vs truth: precision {a['precision']}, recall {a['recall']} ({a['truth']} injected deviations); "
          f"order verdicts identical to PM4Py's: {result['order_verdicts_identical']}")
    print(f"lfk (all rules) is {result['speedup_lfk_over_pm4py']['median']}x faster than PM4Py (order only), median round")
    if extrapolated:
        print(f"extrapolated to 1,000,000 events: PM4Py {result['extrapolated_1m_seconds']['pm4py']} s, "
              f"lfk {result['extrapolated_1m_seconds']['lfk']} s")
    print(f"wrote {HERE / 'peers-results.json'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
