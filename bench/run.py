"""``make bench``: generate large synthetic registers and print figures (also to bench/results.json).

Each measurement runs in a fresh child process, so peak memory (max RSS) is its own. Figures:
bare CSafeLoader parse of the same files (the yardstick), cold lint, and, where the commands
exist, warm lint (parse cache), lint after changing one unit, grade, render, site, diff, monitor.
"""

from __future__ import annotations

import json
import os
import platform
import resource
import subprocess
import sys
import textwrap
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
OUT = HERE / "out"
sys.path.insert(0, str(HERE))

import gen  # noqa: E402

CHILD = textwrap.dedent(
    """
    import json, resource, sys, time
    t0 = time.perf_counter()
    {body}
    secs = time.perf_counter() - t0
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    try:  # VmHWM: this process's own peak (ru_maxrss may include the parent's size at fork)
        rss = int(next(l for l in open("/proc/self/status") if l.startswith("VmHWM")).split()[1]) * 1024
    except (OSError, StopIteration, ValueError):
        pass
    print(json.dumps({{"seconds": secs, "peak_bytes": rss, "extra": globals().get("extra")}}))
    """
)


def child(body: str, env: dict[str, str] | None = None) -> dict:
    """Run ``body`` in a fresh interpreter; returns seconds, peak_bytes and ``extra``."""
    code = CHILD.format(body=textwrap.indent(textwrap.dedent(body), "").replace("\n", "\n"))
    p = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO,
                       env={**os.environ, **(env or {})})
    if p.returncode != 0:
        return {"error": (p.stderr or p.stdout)[-600:]}
    return json.loads(p.stdout.strip().splitlines()[-1])


def yaml_bytes(root: Path) -> int:
    """Bytes of YAML in the register."""
    return sum(p.stat().st_size for p in root.rglob("*.yaml"))


def bare_parse(root: Path) -> dict:
    """Yardstick: PyYAML's CSafeLoader over every file (no positions, no validation)."""
    return child(f"""
        import os, yaml
        paths = sorted(os.path.join(d, f) for d, _, fs in os.walk({str(root)!r}) for f in fs if f.endswith('.yaml'))
        for p in paths:
            with open(p, 'rb') as fh:
                yaml.load(fh.read(), Loader=yaml.CSafeLoader)
    """)


def cold_lint(root: Path, extra_opts: str = "", env: dict[str, str] | None = None) -> dict:
    """Lint of the whole register in one process (library call, as `lfk lint` does)."""
    return child(f"""
        import datetime
        from lfk.lint import LintOptions, run
        r = run({str(root)!r}, LintOptions(as_of=datetime.date(2026, 12, 1){extra_opts}))
        extra = r.summary()
    """, env)


def row(name: str, res: dict, size: int | None = None) -> dict:
    """A result row with MB/s when a size is given."""
    out = {"name": name, **res}
    if size and "seconds" in res and res["seconds"] > 0:
        out["mb_per_s"] = size / 1e6 / res["seconds"]
    return out


def fmt_row(r: dict) -> str:
    """One line of the printed table."""
    if "ratio" in r:
        if r["ratio"] is None:
            return f"{r['name']:<78}      n/a"
        pct = r.get("percent", False)
        value = f"{r['ratio'] * 100:8.1f} %" if pct else f"{r['ratio']:8.2f} ×"
        if "target" not in r:
            return f"{r['name']:<78} {value}"
        target = f"{r['target'] * 100:g} %" if pct else f"{r['target']:g} ×"
        return f"{r['name']:<78} {value}  (target ≤ {target}: {'met' if r['ratio'] <= r['target'] else 'NOT met'})"
    if "error" in r:
        return f"{r['name']:<78} ERROR {r['error'].splitlines()[-1] if r['error'] else ''}"
    mbps = f"{r['mb_per_s']:8.1f} MB/s" if "mb_per_s" in r else " " * 13
    peak = f"{r['peak_bytes'] / 1e6:9.0f} MB peak" if "peak_bytes" in r else ""
    line = f"{r['name']:<78} {r['seconds']:8.2f} s {mbps} {peak}"
    extras = [f"{k}={r[k]:,.0f}" if isinstance(r[k], float) and r[k] > 100 else f"{k}={r[k]}"
              for k in ("events_per_s", "precision", "recall") if k in r]
    return line + ("  " + " ".join(extras) if extras else "")


def main() -> int:
    """Generate, measure, print, save."""
    OUT.mkdir(exist_ok=True)
    results: list[dict] = []
    figures: dict[str, object] = {"machine": f"{platform.machine()} {os.cpu_count()} cpu, Python {platform.python_version()}"}
    registers = {"demo": REPO / "registers"}
    t = time.perf_counter()
    registers["gen1000"] = gen.ensure(OUT / "reg1000", 1000)
    figures["generate_1000_units_s"] = round(time.perf_counter() - t, 2)
    for name, root in registers.items():
        size = yaml_bytes(root)
        figures[f"{name}_yaml_mb"] = round(size / 1e6, 2)
        bare = row(f"{name}: bare CSafeLoader parse", bare_parse(root), size)
        lint = row(f"{name}: cold lint", cold_lint(root), size)
        slow = row(f"{name}: cold lint, PyYAML path only", cold_lint(root, env={"LFK_PARSER": "pyyaml"}), size)
        results += [bare, lint, slow]
        if "seconds" in bare and "seconds" in lint:
            figures[f"{name}_lint_over_bare"] = round(lint["seconds"] / bare["seconds"], 2)
        if "seconds" in bare and "seconds" in slow:
            figures[f"{name}_lint_pyyaml_over_bare"] = round(slow["seconds"] / bare["seconds"], 2)
        if "peak_bytes" in lint:
            figures[f"{name}_lint_peak_over_size"] = round(lint["peak_bytes"] / size, 2)
    for extra in sorted(HERE.glob("extra_*.py")):
        mod = __import__(extra.stem)
        for r in mod.measure(registers, child, row):
            results.append(r)
    print(f"lfk bench — {figures['machine']}")
    for r in results:
        print(fmt_row(r))
    for k, v in figures.items():
        if k != "machine":
            print(f"{k:<78} {v}")
    (HERE / "results.json").write_text(json.dumps({"figures": figures, "results": results}, ensure_ascii=False, indent=2) + "\n",
                                       encoding="utf-8")
    print(f"wrote {HERE / 'results.json'}")
    return 0


if __name__ == "__main__":
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    sys.exit(main())
