"""lfk's ``run_monitor`` (all rules) on an event log; run by ``bench/peers.py`` in the project's .venv.

``peers_lfk.py REGISTER LOG.csv AS_OF`` prints one JSON line: seconds (register and run, imports not
counted, as on the PM4Py side), CPU seconds, peak RSS (VmHWM), the summary, every (case, code) pair found
and the cases with an order finding (MON101/MON102/MON103).
"""

from __future__ import annotations

import json
import resource
import sys
import time

ORDER = {"MON101", "MON102", "MON103"}


def main(argv: list[str]) -> int:
    """Measure and print one JSON line."""
    root, log, as_of = argv
    from pathlib import Path

    from lfk.monitor import run_monitor
    from lfk.register import Register

    t0 = time.perf_counter()
    c0 = resource.getrusage(resource.RUSAGE_SELF)
    r = run_monitor(Register(Path(root)), [log], as_of)
    t1 = time.perf_counter()
    c1 = resource.getrusage(resource.RUSAGE_SELF)
    pairs = sorted({(f.extra["case_id"], f.code) for f in r.findings if "case_id" in f.extra and f.code != "MON501"})
    with open("/proc/self/status") as fh:
        hwm = next(int(ln.split()[1]) * 1024 for ln in fh if ln.startswith("VmHWM:"))
    s = r.summary
    sys.stdout.write(json.dumps({
        "seconds": t1 - t0, "cpu_s": (c1.ru_utime + c1.ru_stime) - (c0.ru_utime + c0.ru_stime), "peak_bytes": hwm,
        "mode": r.mode, "events": s["events"], "cases": s["cases"], "open_cases": s["open_cases"],
        "warned_cases": s["warned_cases"], "by_code": s["by_code"], "found": pairs,
        "order_deviations": sorted({c for c, k in pairs if k in ORDER}),
    }, ensure_ascii=False) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
