"""Bench: lint through the CLI when nothing changed and after one change (issue #16 point 2), as CPU ratios.

Each figure is the median CPU time (user + system, the child's own, git's included) of interleaved runs
of ``lfk lint`` as a user runs it, each in a fresh interpreter:

- cold: no cache (a fresh cache folder; the run fills it);
- warm: the same command again, nothing changed (the report is replayed: ``lfk.cli.replay``);
- one change: a git copy of the register, linted once (the cache of an earlier run), then one unit's
  risks.yaml edited (a different edit each time) and ``lfk lint --changed-since HEAD``.

On the bench's 1,000-unit register and on an independent one of 1,000 units of many small files
(``gen.generate_tiled``: the demo register's units tiled). Targets: warm ≤ 5 % of cold; one change ≤ 3 %.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import gen
from extra_startup import cpu, median

RUNS = int(os.environ.get("LFK_BENCH_WARM_RUNS", "3"))
LFK = [sys.executable, "-c", "import sys; from lfk.cli import main; sys.exit(main())", "lint", "--as-of", "2026-12-01"]
GIT = ["git", "-c", "user.name=bench", "-c", "user.email=bench@example.invalid"]


def _lint(root: Path, cache: Path, *extra: str) -> float:
    return cpu([*LFK, "--root", str(root), *extra], root.parent, {"LFK_CACHE_DIR": str(cache)})


def _cold_warm(root: Path, tmp: Path) -> tuple[float, float]:
    cold, warm = [], []
    for i in range(RUNS):  # interleaved: cold, then warm over the cache it filled
        cache = tmp / f"cache-{root.name}-{i}"
        cold.append(_lint(root, cache))
        warm.append(_lint(root, cache))
        shutil.rmtree(cache, ignore_errors=True)
    return median(cold), median(warm)


def _one_change(root: Path, tmp: Path) -> float:
    repo = tmp / "repo"
    shutil.copytree(root, repo)
    subprocess.run([*GIT, "-C", str(repo), "init", "-q"], check=True)
    subprocess.run([*GIT, "-C", str(repo), "add", "-A"], check=True)
    subprocess.run([*GIT, "-C", str(repo), "commit", "-qm", "base"], check=True)
    cache = tmp / "cache-repo"
    _lint(repo, cache)  # the earlier run
    risks = repo / "units" / "unit-00500" / "risks.yaml"
    text = risks.read_text(encoding="utf-8")
    times = []
    for i in range(RUNS):
        risks.write_text(text.replace("受人情干扰", f"受人情因素干扰{i}", 1), encoding="utf-8")
        times.append(_lint(repo, cache, "--changed-since", "HEAD"))
    return median(times)


def measure(registers: dict[str, Path], child, row) -> list[dict]:  # type: ignore[no-untyped-def]
    """Rows for the bench table: CPU seconds and the ratios against their targets."""
    out: list[dict] = []
    tiled = gen.ensure_tiled(Path(__file__).resolve().parent / "out" / "tiled1000", 1000)
    with tempfile.TemporaryDirectory(prefix="lfk-bench-warm-") as tmp_name:
        tmp = Path(tmp_name)
        colds: dict[str, float] = {}
        for name, root in (("gen1000", registers["gen1000"]), ("tiled1000", tiled)):
            cold, warm = _cold_warm(root, tmp)
            colds[name] = cold
            out.append({"name": f"{name}: cold `lfk lint` (CPU, no cache)", "seconds": cold})
            out.append({"name": f"{name}: warm `lfk lint` (CPU, nothing changed)", "seconds": warm})
            out.append({"name": f"{name}: warm lint / cold lint (CPU)", "ratio": warm / cold, "percent": True,
                        "target": 0.05})
        changed = _one_change(registers["gen1000"], tmp)
        out.append({"name": "gen1000: lint after changing one unit (--changed-since, CPU)", "seconds": changed})
        out.append({"name": "gen1000: lint after changing one unit / cold lint (CPU)", "ratio": changed / colds["gen1000"],
                    "percent": True, "target": 0.03})
    return out
