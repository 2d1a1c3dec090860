"""PM4Py's token-based replay (order only) on an lfk event log; run by ``bench/peers.py`` in the peers venv.

``peers_pm4py.py LOG.csv FLOWS.json [MAX_EVENTS]`` prints one JSON line: the seconds of each phase, CPU
seconds, peak RSS (VmHWM), and the cases whose replay needed missing tokens (order deviations).

The Petri net is built from the register's flows (``flows.json``, written by ``bench/monitor_log.py``), not
discovered: one net for the whole register. A start place ``source`` with a silent transition into the
first step of every power; per step ``k`` a visible transition labelled ``unit|authority|step`` from place
``in_k`` to place ``out_k``; per flow edge ``j -> k`` a silent transition ``out_j -> in_k`` (so alternatives,
补正/退回 loops and merges are exact: the flow is a state machine, and PM4Py's replay needs unique visible
labels, hence silent transitions rather than one visible transition per edge); per end step a silent
transition ``out_e -> sink``. Initial marking ``source``, final marking ``sink``. The net allows exactly the
step sequences lfk's order rules (MON101/MON102/MON103) allow, so both check the same thing.

Verdicts: a case is an order deviation when a visible transition had to fire with missing tokens
(``transitions_with_problems``); a case whose only problem is the final marking (a missing token in ``sink``
and one left behind) stopped early: an open case, which lfk judges by time, not order. Both are "not fit".
"""

from __future__ import annotations

import json
import resource
import sys
import time
from typing import Any


def build_net(flows: list[dict[str, Any]]) -> tuple[Any, Any, Any]:
    """The register's Petri net, initial and final marking (see the module doc)."""
    from pm4py.objects.petri_net.obj import Marking, PetriNet
    from pm4py.objects.petri_net.utils.petri_utils import add_arc_from_to

    net = PetriNet("register")
    source, sink = PetriNet.Place("source"), PetriNet.Place("sink")
    net.places.update((source, sink))

    def place(name: str) -> Any:
        p = PetriNet.Place(name)
        net.places.add(p)
        return p

    def trans(name: str, label: str | None) -> Any:
        t = PetriNet.Transition(name, label)
        net.transitions.add(t)
        return t

    for f in flows:
        pre = f"{f['unit']}|{f['authority']}|"
        steps = f["steps"]
        ins = [place(f"{pre}in{k}") for k in range(len(steps))]
        outs = [place(f"{pre}out{k}") for k in range(len(steps))]
        for k, step in enumerate(steps):
            t = trans(f"{pre}t{k}", pre + step)
            add_arc_from_to(ins[k], t, net)
            add_arc_from_to(t, outs[k], net)
        start = trans(f"{pre}start", None)
        add_arc_from_to(source, start, net)
        add_arc_from_to(start, ins[0], net)
        for j, succ in enumerate(f["succ"]):
            for k in succ:
                tau = trans(f"{pre}e{j}_{k}", None)
                add_arc_from_to(outs[j], tau, net)
                add_arc_from_to(tau, ins[k], net)
        for e in f["ends"]:
            tau = trans(f"{pre}end{e}", None)
            add_arc_from_to(outs[e], tau, net)
            add_arc_from_to(tau, sink, net)
    return net, Marking({source: 1}), Marking({sink: 1})


def main(argv: list[str]) -> int:
    """Measure and print one JSON line."""
    log_path, flows_path = argv[0], argv[1]
    max_events = int(argv[2]) if len(argv) > 2 else None
    t_import = time.perf_counter()
    import pandas as pd
    import pm4py

    out: dict[str, Any] = {"pm4py": pm4py.__version__, "pandas": pd.__version__,
                           "import_s": time.perf_counter() - t_import}
    t0 = time.perf_counter()
    c0 = resource.getrusage(resource.RUSAGE_SELF)
    # only the columns an order check needs (lfk reads them all): the advantage is PM4Py's
    df = pd.read_csv(log_path, usecols=["case_id", "unit", "authority", "step", "started_at"], dtype=str,
                     nrows=max_events)
    if max_events is not None:  # whole cases only
        last = df["case_id"].iloc[-1]
        df = df[df["case_id"] != last] if len(df) == max_events else df
    t1 = time.perf_counter()
    df["activity"] = df["unit"] + "|" + df["authority"] + "|" + df["step"]
    df = pm4py.format_dataframe(df, case_id="case_id", activity_key="activity", timestamp_key="started_at")
    t2 = time.perf_counter()
    with open(flows_path, encoding="utf-8") as fh:
        net, im, fm = build_net(json.load(fh))
    t3 = time.perf_counter()
    res = pm4py.conformance_diagnostics_token_based_replay(df, net, im, fm, opt_parameters={"show_progress_bar": False})
    t4 = time.perf_counter()
    c1 = resource.getrusage(resource.RUSAGE_SELF)
    cases = pd.unique(df["case:concept:name"])  # the order get_traces groups them in (sorted case ids)
    order_dev = sorted(str(c) for c, r in zip(cases, res, strict=True) if r["transitions_with_problems"])
    unfit = sum(1 for r in res if not r["trace_is_fit"])
    with open("/proc/self/status") as fh:
        hwm = next(int(ln.split()[1]) * 1024 for ln in fh if ln.startswith("VmHWM:"))
    out.update({"events": int(len(df)), "cases": int(len(res)), "read_csv_s": t1 - t0, "format_s": t2 - t1,
                "build_net_s": t3 - t2, "replay_s": t4 - t3, "seconds": t4 - t0,
                "cpu_s": (c1.ru_utime + c1.ru_stime) - (c0.ru_utime + c0.ru_stime), "peak_bytes": hwm,
                "places": len(net.places), "transitions": len(net.transitions),
                "unfit_cases": unfit, "order_deviations": order_dev})
    sys.stdout.write(json.dumps(out) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
