"""Bench: the public disclosure site of the 1,000-unit register, cold, again with nothing changed, and
after one power of one unit changed (incremental)."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path


def _build(root: Path, out: Path) -> str:
    return f"""
        import datetime
        from pathlib import Path
        from lfk.register import Register
        from lfk.site import build_site
        rep = build_site(Register(Path({str(root)!r})), Path({str(out)!r}), "public", as_of=datetime.date(2026, 12, 1))
        extra = {{"written": len(rep.written), "skipped": len(rep.skipped)}}
    """


def measure(registers: dict[str, Path], child, row) -> list[dict]:  # type: ignore[no-untyped-def]
    """Rows for the bench table."""
    out = []
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "reg"
        shutil.copytree(registers["gen1000"], root)
        site = Path(tmp) / "site"
        out.append(row("gen1000: public site, cold", child(_build(root, site))))
        out.append(row("gen1000: public site, nothing changed", child(_build(root, site))))
        p = root / "units" / "unit-00500" / "authorities.yaml"
        p.write_text(p.read_text(encoding="utf-8").replace("name: 食品经营许可\n", "name: 食品经营许可证核发\n", 1), encoding="utf-8")
        out.append(row("gen1000: public site, one power changed", child(_build(root, site))))
    return out
