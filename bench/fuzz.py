"""``make fuzz``: seeded random edits of the demo register; lint (and every other command on a sample)
must never give a traceback, and ``--format json`` must always be valid JSON. ``--imports N``: N seeded
variants of the real tables (tests/fixtures/real, ``lfk.testing.tablefuzz``: title and foot rows, blank rows
and columns, merges, odd cells; as .xlsx, CSV in three encodings, a web page or a Word table) through
``lfk import`` and ``lfk lint``: no traceback, and every cell of an imported table kept.

Prints the iterations, crashes (and cells lost) found and time; exits 1 when anything crashed or was lost.
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
from lfk.testing.tablefuzz import FORMATS, check_import, variant, write_table

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


def real_tables() -> list[list[list[object]]]:
    """The first sheet of each real table's .xlsx (tests/fixtures/real), as rows of cells."""
    from lfk.loader.sheets import read_any

    out = []
    for path in sorted((REPO / "tests" / "fixtures" / "real").glob("*/*.xlsx")):
        sheet = read_any(path)[0]
        out.append([list(cells) for _, cells in sheet.rows])
    return out


def fuzz_imports(n: int, rng: random.Random, runner: CliRunner, keep: Path | None = None) -> list[str]:
    """``n`` variants of the real tables through ``lfk import`` and ``lfk lint`` (see the module doc); the tables
    that gave a problem are copied to ``keep``."""
    from lfk.cli.main import app

    def run(args: list[str]) -> tuple[int, str, str, BaseException | None]:
        r = runner.invoke(app, args, catch_exceptions=True)
        return r.exit_code, r.stdout or "", r.stderr or "", r.exception

    tables = real_tables()
    problems: list[str] = []
    with tempfile.TemporaryDirectory(prefix="lfk-fuzz-import-") as tmp:
        template = Path(tmp) / "template"
        run(["init", str(template)])
        run(["new", "unit", "u", "--root", str(template), "--name", "单位", "--type", "行政机关"])
        for i in range(n):
            rows, merges = variant(rng.choice(tables), rng, edits=rng.randint(1, 4))
            fmt = rng.choice(FORMATS)
            table = write_table(Path(tmp) / f"表 {i}{fmt}", rows, merges)
            root = Path(tmp) / "reg"
            shutil.copytree(template, root)
            found = check_import(run, table, root)
            problems += [f"import {i}: {p}" for p in found]
            if found and keep:
                keep.mkdir(parents=True, exist_ok=True)
                shutil.copy2(table, keep / table.name)
            shutil.rmtree(root)
            table.unlink()
    return problems


def main() -> int:
    """Run the fuzz loop."""
    ap = argparse.ArgumentParser()
    ap.add_argument("--iterations", type=int, default=1000)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--commands-every", type=int, default=10, help="also run the other commands every N iterations")
    ap.add_argument("--imports", type=int, default=0, help="also N seeded variants of the real tables through import")
    ap.add_argument("--keep-failed", type=Path, help="copy the tables that gave a problem into this folder")
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
    imported = fuzz_imports(a.imports, random.Random(a.seed), runner, a.keep_failed) if a.imports else []
    took = time.perf_counter() - t0
    for c in (crashes + imported)[:20]:
        print(c)
    print(f"fuzz: {a.iterations} iterations (seed {a.seed}), {len(crashes)} crashes; {a.imports} imports, "
          f"{len(imported)} problems; {took:.1f} s")
    return 1 if crashes or imported else 0


if __name__ == "__main__":
    sys.exit(main())
