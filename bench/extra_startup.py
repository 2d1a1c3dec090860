"""Bench: start-up (issue #16 item 1) as ratios against ``python -c pass``, measured in this run.

CPU time (user + system) of each child, median of interleaved runs, so the other work on a shared
machine disturbs the ratio less than wall time would. Targets: ``lfk --version`` ≤ 5×, ``lfk lint`` of the
demo register ≤ 10× ``python -c pass`` (as a hook or an editor runs it: the cache on, from an earlier run;
the same with ``--no-cache`` is shown beside it, without a target).
"""

from __future__ import annotations

import os
import resource
import subprocess
import sys
import tempfile
from pathlib import Path

RUNS = int(os.environ.get("LFK_BENCH_STARTUP_RUNS", "7"))


def cpu(cmd: list[str], cwd: Path, env: dict[str, str] | None = None) -> float:
    """CPU seconds (user + system) of running ``cmd`` (its output thrown away), children included."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=cwd, check=False,
                   env={**os.environ, **(env or {})})
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def median(xs: list[float]) -> float:
    """The median (the upper one of an even count)."""
    xs = sorted(xs)
    return xs[len(xs) // 2]


def measure(registers: dict[str, Path], child, row) -> list[dict]:  # type: ignore[no-untyped-def]
    """Rows for the bench table: ratios of CPU time against ``python -c pass``."""
    demo = registers["demo"]
    lfk = [sys.executable, "-c", "import sys; from lfk.cli import main; sys.exit(main())"]
    cmds = {
        "base": [sys.executable, "-c", "pass"],
        "version": [*lfk, "--version"],
        "lint": [*lfk, "lint", "--root", str(demo)],
        "no-cache": [*lfk, "lint", "--root", str(demo), "--no-cache"],
    }
    times: dict[str, list[float]] = {k: [] for k in cmds}
    with tempfile.TemporaryDirectory(prefix="lfk-bench-startup-") as cache:
        env = {"LFK_CACHE_DIR": cache}
        cpu(cmds["lint"], demo.parent, env)  # the earlier run whose cache a hook's run finds
        for _ in range(RUNS):  # interleaved, so a burst of other work hits every command alike
            for k, cmd in cmds.items():
                times[k].append(cpu(cmd, demo.parent, env))
    base = median(times["base"])
    return [
        {"name": "start-up: `lfk --version` / `python -c pass` (CPU)", "ratio": median(times["version"]) / base,
         "target": 5},
        {"name": "start-up: `lfk lint` of the demo / `python -c pass` (CPU, cache of an earlier run)",
         "ratio": median(times["lint"]) / base, "target": 10},
        {"name": "start-up: `lfk lint --no-cache` of the demo / `python -c pass` (CPU)",
         "ratio": median(times["no-cache"]) / base},
    ]
