"""The 1,000,000-event log the monitor benchmarks share (``extra_monitor`` and ``make bench-peers``).

Generated with ``lfk.testing.synth.Synth`` from the demo register (``registers/``): 28 powers in 7 units
with branches, 补正/退回 loops, statutory and promised limits in working and natural days, four discretion
benchmarks and the 2026 holiday calendar with 调休 workdays. The fixture ``tests/fixtures/base`` has 3 powers
of one unit and no calendar: about a third of the variety. Cases are generated until the log holds at least
``N_EVENTS`` events (the last case is kept whole), with the generator's default 3 % of cases carrying one
injected deviation; the truth (case id -> injected MON codes) is written beside the log.

Files, cached under ``bench/out/monitor-<key>/`` where the key hashes the register, the generator's source
and the parameters (so a change to either makes a new log):
``by_case.csv`` (as generated: sorted by case id), ``by_time.csv`` (the same rows sorted by start time, cases
interleaved), ``prefix.csv`` (the first ``PREFIX_EVENTS`` events of ``by_case.csv``, whole cases),
``truth.json`` and ``flows.json`` (every power's steps, next steps and end steps, for building Petri nets
outside lfk). ``meta.json`` lists them with the counts. ``ensure_clean(meta)`` adds ``clean.csv``: the rows of
``by_case.csv`` without the deviating and the open cases (closed cases with nothing to report, so neither
findings nor waiting open cases take memory), and ``clean_prefix.csv``, its first tenth.

Runs in the project's environment (it imports lfk). ``python bench/monitor_log.py`` ensures the files and
prints ``meta.json``; the PM4Py side (``bench/peers.py``) calls it that way.
"""

from __future__ import annotations

import csv
import hashlib
import json
import sys
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
OUT = HERE / "out"
REGISTER = REPO / "registers"
N_EVENTS = 1_000_000
PREFIX_EVENTS = 100_000
SEED = 20261129
RATE = 0.03
_SOURCES = ("testing/synth.py", "monitor/tables.py", "monitor/calendar.py", "monitor/events.py")


def _key(root: Path, n_events: int, seed: int, rate: float) -> str:
    h = hashlib.sha256(f"{n_events}/{seed}/{rate}/{PREFIX_EVENTS}/v1".encode())
    src = REPO / "src" / "lfk"
    for name in _SOURCES:
        h.update((src / name).read_bytes())
    for p in sorted(root.rglob("*.yaml")):
        h.update(str(p.relative_to(root)).encode())
        h.update(p.read_bytes())
    return h.hexdigest()[:12]


def ensure(root: Path = REGISTER, n_events: int = N_EVENTS, seed: int = SEED, rate: float = RATE) -> dict[str, Any]:
    """Generate the log files once (cached); returns ``meta.json`` as a dict (paths are strings)."""
    root = Path(root).resolve()
    folder = OUT / f"monitor-{_key(root, n_events, seed, rate)}"
    meta_path = folder / "meta.json"
    if meta_path.exists():
        return json.loads(meta_path.read_text(encoding="utf-8"))
    from lfk.monitor.events import COLUMNS
    from lfk.register import Register
    from lfk.testing.synth import Synth, write_csv

    folder.mkdir(parents=True, exist_ok=True)
    reg = Register(root)
    synth = Synth(reg, 10 * n_events, seed, rate=rate)  # n_cases is only an upper bound: we stop at n_events
    written: list[str] = []

    def until_n() -> Any:
        n = 0
        cur = None
        for ev in synth.events():
            if ev["case_id"] != cur:
                if n >= n_events:
                    return
                cur = ev["case_id"]
                written.append(cur)
            n += 1
            yield ev

    by_case = folder / "by_case.csv"
    n = write_csv(by_case, until_n())
    cases = set(written)
    truth = {c: sorted(v) for c, v in sorted(synth.truth.items()) if c in cases}
    (folder / "truth.json").write_text(json.dumps({"as_of": synth.as_of.isoformat(), "cases": truth},
                                                  ensure_ascii=False, indent=0), encoding="utf-8")
    # the same rows sorted by start time (then case id): every case interleaved with its neighbours
    with open(by_case, encoding="utf-8", newline="") as fh:
        rd = csv.reader(fh)
        header = next(rd)
        rows = list(rd)
    si, ci = header.index("started_at"), header.index("case_id")
    order = sorted(range(len(rows)), key=lambda i: (rows[i][si], rows[i][ci], i))
    with open(folder / "by_time.csv", "w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(header)
        w.writerows(rows[i] for i in order)
    # a prefix of whole cases, to show that memory does not grow with the number of closed cases
    k = PREFIX_EVENTS
    while k < len(rows) and rows[k][ci] == rows[k - 1][ci]:
        k += 1
    with open(folder / "prefix.csv", "w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(header)
        w.writerows(rows[:k])
    flows = [{"unit": t.unit, "authority": t.authority.id, "name": t.authority.name, "steps": list(t.ids),
              "succ": [sorted(s) for s in t.succ], "ends": [i for i, e in enumerate(t.ends) if e]}
             for t in synth.powers]
    (folder / "flows.json").write_text(json.dumps(flows, ensure_ascii=False, indent=1), encoding="utf-8")
    meta = {"register": str(root), "seed": seed, "rate": rate, "as_of": synth.as_of.isoformat(),
            "events": n, "cases": len(written), "deviating_cases": len(truth), "prefix_events": k,
            "prefix_cases": len({r[ci] for r in rows[:k]}), "columns": list(COLUMNS),
            "by_case": str(by_case), "by_time": str(folder / "by_time.csv"), "prefix": str(folder / "prefix.csv"),
            "truth": str(folder / "truth.json"), "flows": str(folder / "flows.json"),
            "by_case_mb": round(by_case.stat().st_size / 1e6, 1)}
    meta_path.write_text(json.dumps(meta, ensure_ascii=False, indent=1), encoding="utf-8")
    return meta


def ensure_clean(meta: dict[str, Any]) -> dict[str, Any]:
    """``clean.csv`` and ``clean_prefix.csv`` beside the log (see the module doc); returns their paths and counts."""
    folder = Path(meta["by_case"]).parent
    info_path = folder / "clean.json"
    if info_path.exists():
        return json.loads(info_path.read_text(encoding="utf-8"))
    truth = json.loads(Path(meta["truth"]).read_text(encoding="utf-8"))["cases"]
    flows = json.loads(Path(meta["flows"]).read_text(encoding="utf-8"))
    ends = {(f["unit"], f["authority"]): {f["steps"][i] for i in f["ends"]} for f in flows}
    with open(meta["by_case"], encoding="utf-8", newline="") as fh:
        rd = csv.reader(fh)
        header = next(rd)
        rows = list(rd)
    ci, ui, ai, si = (header.index(c) for c in ("case_id", "unit", "authority", "step"))
    done = {r[ci] for r in rows if r[si] in ends[(r[ui], r[ai])]}
    keep = [r for r in rows if r[ci] in done and r[ci] not in truth]
    k = len(keep) // 10
    while k < len(keep) and keep[k][ci] == keep[k - 1][ci]:
        k += 1
    info = {"clean": str(folder / "clean.csv"), "clean_events": len(keep), "clean_cases": len({r[ci] for r in keep}),
            "clean_prefix": str(folder / "clean_prefix.csv"), "clean_prefix_events": k,
            "clean_prefix_cases": len({r[ci] for r in keep[:k]})}
    for name, part in (("clean.csv", keep), ("clean_prefix.csv", keep[:k])):
        with open(folder / name, "w", encoding="utf-8", newline="") as fh:
            w = csv.writer(fh)
            w.writerow(header)
            w.writerows(part)
    info_path.write_text(json.dumps(info, indent=1), encoding="utf-8")
    return info


def ensure_in_child(clean: bool = False) -> dict[str, Any]:
    """``ensure`` (and ``ensure_clean``) in a child interpreter of the project's environment, so the caller's
    memory stays small (a child started later inherits the parent's RSS into its ``ru_maxrss``)."""
    import subprocess

    p = subprocess.run([sys.executable, str(Path(__file__).resolve()), *(["--clean"] if clean else [])],
                       capture_output=True, text=True, check=True, cwd=REPO)
    return json.loads(p.stdout.strip().splitlines()[-1])


if __name__ == "__main__":
    m = ensure()
    if "--clean" in sys.argv[1:]:
        m = {**m, **ensure_clean(m)}
    sys.stdout.write(json.dumps(m, ensure_ascii=False) + "\n")
