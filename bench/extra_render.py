"""Bench: render every flow of the 1,000-unit register (3,000 flows) to SVG, cold and from the cache."""

from __future__ import annotations

import tempfile
from pathlib import Path


def measure(registers: dict[str, Path], child, row) -> list[dict]:  # type: ignore[no-untyped-def]
    """Rows for the bench table: one child does the cold run (empty cache), another the cached run."""
    root = registers["gen1000"]
    out = []
    with tempfile.TemporaryDirectory() as tmp:
        for label in ("cold", "cached"):
            body = f"""
                from pathlib import Path
                from lfk.core.cache import Cache
                from lfk.register import Register
                from lfk.render import render_register
                reg = Register(Path({str(root)!r}), cache=Cache(Path({tmp!r})))  # as `lfk render` does
                flows = render_register(reg, fmt="svg", cache_dir=Path({tmp!r}))
                extra = {{"flows": len(flows), "from_cache": sum(1 for f in flows if f.cached)}}
            """
            out.append(row(f"gen1000: render every flow to SVG, {label}", child(body)))
    return out
