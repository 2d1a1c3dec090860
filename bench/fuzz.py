"""``make fuzz``: seeded random edits of the demo register; lint (and every other command on a sample)
must never give a traceback, and ``--format json`` must always be valid JSON.

Prints the iterations, crashes found and time; exits 1 when anything crashed.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import shutil
import sys
import tempfile
import time
import traceback
from pathlib import Path

from typer.testing import CliRunner

from lfk.lint import LintOptions, lint_register
from lfk.register import Register
from lfk.report import format_findings
from lfk.testing.fuzz import MemorySource, mutate, read_tree

REPO = Path(__file__).resolve().parents[1]
OTHER_COMMANDS = [
    ["grade", "--format", "json"], ["grade", "--check"], ["render", "--format", "dot", "--out", "{tmp}/flows"],
    ["site", "{tmp}/site", "--audience", "public"], ["score", "--format", "json"], ["export", "--format", "json", "--out", "{tmp}/x.json"],
    ["diff", "--format", "json"], ["fmt", "--check"],
]


def write_tree(root: Path, files: dict[str, bytes]) -> None:
    """Materialise ``files`` under ``root``."""
    for rel, data in files.items():
        p = root / rel
        try:
            p.parent.mkdir(parents=True, exist_ok=True)
            p.write_bytes(data)
        except OSError:
            pass


def main() -> int:
    """Run the fuzz loop."""
    ap = argparse.ArgumentParser()
    ap.add_argument("--iterations", type=int, default=1000)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--commands-every", type=int, default=10, help="also run the other commands every N iterations")
    a = ap.parse_args()
    from lfk.cli.main import app

    base = read_tree(REPO / "registers")
    rng = random.Random(a.seed)
    runner = CliRunner()
    crashes: list[str] = []
    t0 = time.perf_counter()
    for i in range(a.iterations):
        files = mutate(base, rng, edits=rng.randint(1, 4))
        try:
            reg = Register(Path("/fuzz"), source=MemorySource(files))
            res = lint_register(reg, LintOptions(as_of=dt.date(2026, 12, 1)))
            json.loads(format_findings("json", res.findings, res.summary(), lang="en"))
        except Exception:  # noqa: BLE001 - any exception is a crash to report
            crashes.append(f"iteration {i} (lint): {traceback.format_exc(limit=-3)}")
        if a.commands_every and i % a.commands_every == 0:
            with tempfile.TemporaryDirectory() as tmp:
                root = Path(tmp) / "r"
                write_tree(root, files)
                for cmd in OTHER_COMMANDS:
                    args = [c.replace("{tmp}", tmp) for c in cmd]
                    r = runner.invoke(app, [*args, "--root", str(root)], catch_exceptions=True)
                    out = (r.stdout or "") + (r.stderr or "")
                    if r.exception and not isinstance(r.exception, SystemExit) or "Traceback" in out or "internal error" in out:
                        crashes.append(f"iteration {i} ({' '.join(cmd)}): exit {r.exit_code} {out[-300:]} {r.exception!r}")
                    if "--format" in args and "json" in args and r.exit_code in (0, 1) and r.stdout.strip():
                        try:
                            json.loads(r.stdout)
                        except ValueError:
                            crashes.append(f"iteration {i} ({' '.join(cmd)}): not JSON: {r.stdout[:200]}")
                shutil.rmtree(root, ignore_errors=True)
    took = time.perf_counter() - t0
    for c in crashes[:20]:
        print(c)
    print(f"fuzz: {a.iterations} iterations (seed {a.seed}), {len(crashes)} crashes, {took:.1f} s")
    return 1 if crashes else 0


if __name__ == "__main__":
    sys.exit(main())
