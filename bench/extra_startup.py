"""Bench: start-up (issue #16 item 1) as ratios against ``python -c pass``, measured in this run.

CPU time (user + system) of each child, median of interleaved runs, so the other work on a shared
machine disturbs the ratio less than wall time would. Targets: ``lfk --version`` ≤ 5×, ``lfk lint`` of the
demo register ≤ 10× ``python -c pass``.
"""

from __future__ import annotations

import os
import resource
import subprocess
import sys
from pathlib import Path

RUNS = int(os.environ.get("LFK_BENCH_STARTUP_RUNS", "7"))


def _cpu(cmd: list[str], cwd: Path) -> float:
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=cwd, check=False)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def _median(xs: list[float]) -> float:
    xs = sorted(xs)
    return xs[len(xs) // 2]


def measure(registers: dict[str, Path], child, row) -> list[dict]:  # type: ignore[no-untyped-def]
    """Rows for the bench table: ratios of CPU time against ``python -c pass``."""
    demo = registers["demo"]
    lfk = [sys.executable, "-c", "import sys; from lfk.cli import main; sys.exit(main())"]
    cmds = {
        "base": [sys.executable, "-c", "pass"],
        "version": [*lfk, "--version"],
        "lint": [*lfk, "lint", "--root", str(demo), "--no-cache"] if _has_no_cache(lfk, demo) else
                [*lfk, "lint", "--root", str(demo)],
    }
    times: dict[str, list[float]] = {k: [] for k in cmds}
    for _ in range(RUNS):  # interleaved, so a burst of other work hits every command alike
        for k, cmd in cmds.items():
            times[k].append(_cpu(cmd, demo.parent))
    base = _median(times["base"])
    return [
        {"name": "start-up: `lfk --version` / `python -c pass` (CPU; target ≤ 5)",
         "ratio": _median(times["version"]) / base},
        {"name": "start-up: `lfk lint` of the demo / `python -c pass` (CPU; target ≤ 10)",
         "ratio": _median(times["lint"]) / base},
    ]


def _has_no_cache(lfk: list[str], demo: Path) -> bool:
    r = subprocess.run([*lfk, "lint", "--help"], capture_output=True, text=True, cwd=demo.parent, check=False)
    return "--no-cache" in r.stdout
