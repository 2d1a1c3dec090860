"""Deterministic generator of large synthetic registers for ``make bench`` (and tests of scale).

Each unit is built from the small clean register in ``tests/fixtures/base`` with its ids renamed,
repeated ``copies`` times inside the unit (so a unit has 3·copies powers and flows, 6·copies risks,
8·copies measures). Texts get the unit number mixed in so files differ. Same arguments, same bytes.
"""

from __future__ import annotations

import argparse
import re
import shutil
from pathlib import Path

BASE = Path(__file__).resolve().parents[1] / "tests" / "fixtures" / "base"
GEN_VERSION = "1"


def _rename(text: str, j: int) -> str:
    text = re.sub(r"\b(CF|XK|NB)-001\b", lambda m: f"{m.group(1)}-{j:03d}", text)
    text = re.sub(r"\bF-(penalty|license|procure)\b", lambda m: f"F-{m.group(1)}-{j}", text)
    text = re.sub(r"\bR-00(\d)\b", lambda m: f"R-{j:02d}{m.group(1)}", text)
    text = re.sub(r"\bM-00(\d)\b", lambda m: f"M-{j:02d}{m.group(1)}", text)
    return text


def _body(text: str, header: str) -> str:
    assert text.startswith(header), header
    return text[len(header):]


def generate(out: Path, units: int, copies: int = 3) -> Path:
    """Write a register of ``units`` units into ``out`` (replacing it); returns ``out``."""
    if out.exists():
        shutil.rmtree(out)
    (out / "units").mkdir(parents=True)
    shutil.copy(BASE / "lfk.yaml", out / "lfk.yaml")
    src = BASE / "units" / "county-amr"
    files = {name: (src / name).read_text(encoding="utf-8") for name in ("authorities.yaml", "risks.yaml", "measures.yaml")}
    unit_yaml = (src / "unit.yaml").read_text(encoding="utf-8")
    flows = {p.name: p.read_text(encoding="utf-8") for p in sorted((src / "flows").glob("*.yaml"))}
    bench = (src / "benchmarks" / "CF-001.yaml").read_text(encoding="utf-8")
    for u in range(units):
        uid = f"unit-{u:05d}"
        d = out / "units" / uid
        (d / "flows").mkdir(parents=True)
        (d / "benchmarks").mkdir()
        (d / "unit.yaml").write_text(
            unit_yaml.replace("id: county-amr", f"id: {uid}").replace("示例县市场监督管理局", f"示例县第{u}号单位"), encoding="utf-8")
        for name, text in files.items():
            header = name.replace(".yaml", "") + ":\n"
            parts = [header]
            for j in range(1, copies + 1):
                parts.append(_rename(_body(text, header), j).replace("。", f"（{u}-{j}）。"))
            (d / name).write_text("".join(parts), encoding="utf-8")
        for j in range(1, copies + 1):
            for text in flows.values():
                new = _rename(text, j)
                fid = re.search(r"^id: (\S+)$", new, re.M).group(1)  # type: ignore[union-attr]
                (d / "flows" / f"{fid}.yaml").write_text(new, encoding="utf-8")
            (d / "benchmarks" / f"CF-{j:03d}.yaml").write_text(_rename(bench, j), encoding="utf-8")
    (out / ".gen-version").write_text(f"{GEN_VERSION} {units} {copies}\n", encoding="utf-8")
    return out


def ensure(out: Path, units: int, copies: int = 3) -> Path:
    """Generate unless ``out`` already holds the same generation."""
    stamp = out / ".gen-version"
    if stamp.exists() and stamp.read_text(encoding="utf-8") == f"{GEN_VERSION} {units} {copies}\n":
        return out
    return generate(out, units, copies)


DEMO = Path(__file__).resolve().parents[1] / "registers"
TILED_VERSION = "1"


def generate_tiled(out: Path, units: int) -> Path:
    """A register of ``units`` units of many small files, independent of ``generate``: the demo register's
    lfk.yaml, standard flows and root unit, and its other units tiled (unit ``county-amr-0007`` is a copy
    of ``county-amr`` with its id renamed and the root unit as parent). Same arguments, same bytes."""
    if out.exists():
        shutil.rmtree(out)
    (out / "units").mkdir(parents=True)
    shutil.copy(DEMO / "lfk.yaml", out / "lfk.yaml")
    shutil.copytree(DEMO / "flows", out / "flows")
    shutil.copytree(DEMO / "units" / "county", out / "units" / "county")
    templates = sorted(d for d in (DEMO / "units").iterdir() if d.is_dir() and d.name != "county")
    for n in range(units - 1):
        src = templates[n % len(templates)]
        uid = f"{src.name}-{n:04d}"
        for f in sorted(src.rglob("*.yaml")):
            text = f.read_text(encoding="utf-8")
            if f.name == "unit.yaml" and f.parent == src:
                text = re.sub(r"^id: \S+$", f"id: {uid}", text, count=1, flags=re.M)
                text = re.sub(r"^parent: \S+$", "parent: county", text, count=1, flags=re.M)
            dest = out / "units" / uid / f.relative_to(src)
            dest.parent.mkdir(parents=True, exist_ok=True)
            dest.write_text(text, encoding="utf-8")
    (out / ".gen-version").write_text(f"tiled {TILED_VERSION} {units}\n", encoding="utf-8")
    return out


def ensure_tiled(out: Path, units: int) -> Path:
    """``generate_tiled`` unless ``out`` already holds the same generation."""
    stamp = out / ".gen-version"
    if stamp.exists() and stamp.read_text(encoding="utf-8") == f"tiled {TILED_VERSION} {units}\n":
        return out
    return generate_tiled(out, units)


def main() -> None:
    """Command line: gen.py OUT --units N."""
    ap = argparse.ArgumentParser()
    ap.add_argument("out", type=Path)
    ap.add_argument("--units", type=int, default=1000)
    ap.add_argument("--copies", type=int, default=3)
    a = ap.parse_args()
    generate(a.out, a.units, a.copies)


if __name__ == "__main__":
    main()
