"""Bench: YAML parsers on the same files (issue #16 item 3), as ratios against PyYAML's C composer.

Each parser reads every file of the 1,000-unit register in a fresh interpreter: PyYAML ``compose`` (the
node tree with marks lfk's PyYAML path walks), PyYAML ``CSafeLoader`` load (the floor of the lint
targets), yaml-rs ``loads`` (lfk's fast path, the optional extra ``fast``: data without marks) and, where
the bench environment has it (``pip install rapidyaml``), rapidyaml's parse into its tree (marks
available, no Python objects built). A parser that is not installed gives a row saying so.
"""

from __future__ import annotations

from pathlib import Path

FILES = """
import os
root = {root!r}
paths = sorted(os.path.join(d, f) for d, _, fs in os.walk(root) if '/.' not in d for f in fs if f.endswith('.yaml'))
blobs = [open(p, 'rb').read() for p in paths]
"""

BODIES = {
    "PyYAML compose (C parser, nodes with marks)": "import yaml\nfor b in blobs:\n    yaml.compose(b, Loader=yaml.CSafeLoader)\n",
    "PyYAML CSafeLoader load (the floor)": "import yaml\nfor b in blobs:\n    yaml.load(b, Loader=yaml.CSafeLoader)\n",
    "yaml-rs loads (lfk's fast path, no marks)": "import yaml_rs\nfor b in blobs:\n    yaml_rs.loads(b.decode('utf-8'))\n",
    "rapidyaml parse_in_arena (tree with marks)": "import ryml\nfor b in blobs:\n    ryml.parse_in_arena(b)\n",
}


def measure(registers: dict[str, Path], child, row) -> list[dict]:  # type: ignore[no-untyped-def]
    """One row per parser and its ratio to PyYAML compose (reading the files is outside the timing)."""
    root = str(registers["gen1000"])
    out: list[dict] = []
    base = None
    for name, body in BODIES.items():
        res = child("import time\n" + FILES.format(root=root) + "t0 = time.perf_counter()\n" + body
                    + "extra = {'parse_s': time.perf_counter() - t0}\n")
        if "error" in res:
            out.append({"name": f"parsers: {name} — not installed here", "ratio": None})
            continue
        secs = (res.get("extra") or {}).get("parse_s", res["seconds"])
        out.append({"name": f"parsers: {name}", "seconds": secs, "peak_bytes": res["peak_bytes"]})
        if base is None:
            base = secs
        else:
            out.append({"name": f"parsers: {name.split(' (')[0]} / PyYAML compose", "ratio": secs / base})
    return out
