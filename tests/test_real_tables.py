"""Real published tables import as published: zero import errors, every cell kept, a second import unchanged.

Data-driven over every folder of ``tests/fixtures/real/`` and ``/work/shared/real-tables`` (or $LFK_REAL_TABLES).
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
import yaml

from tests.conftest import invoke

HERE = Path(__file__).parent / "fixtures" / "real"
SHARED = Path(os.environ.get("LFK_REAL_TABLES", "/work/shared/real-tables"))
FOLDERS = sorted(p for root in (HERE, SHARED) if root.is_dir() for p in root.iterdir()
                 if p.is_dir() and any(p.glob("*.xlsx")))


def _cells(path: Path) -> list[str]:
    """Every non-empty cell below a header row of the workbook (as text)."""
    from lfk.tables.reader import read_xlsx

    out = []
    for sh in read_xlsx(path):
        for _, cells in sh.rows[2:]:
            out.extend(str(c).strip() for c in cells if c not in (None, "") and str(c).strip())
    return out


@pytest.mark.parametrize("folder", FOLDERS, ids=[p.name for p in FOLDERS])
def test_real_table_imports_as_published(runner, tmp_path: Path, folder: Path) -> None:  # type: ignore[no-untyped-def]
    root = tmp_path / "reg"
    assert invoke(runner, "init", str(root)).exit_code == 0
    assert invoke(runner, "new", "unit", "u", "--root", str(root), "--name", "单位", "--type", "行政机关").exit_code == 0
    table = sorted(folder.glob("*.xlsx"))[0]
    r = invoke(runner, "import", str(table), "--root", str(root), "--unit", "u", "--format", "json")
    doc = json.loads(r.stdout)
    assert doc["summary"]["errors"] == 0, [f for f in doc["findings"] if f["severity"] == "error"]
    assert r.exit_code == 0 and doc["summary"]["written"]
    written = "\n".join(p.read_text(encoding="utf-8") for p in (root / "units" / "u").rglob("*.yaml"))
    flat = json.dumps([yaml.safe_load(p.read_text(encoding="utf-8")) for p in (root / "units" / "u").rglob("*.yaml")],
                      ensure_ascii=False, default=str)
    for cell in _cells(table):  # every non-empty source cell is kept (in a field or in extra)
        if cell.replace("-", "").isdigit():
            continue  # 序号: order (or the id it gave)
        assert all(part.strip() in written or part.strip() in flat for part in cell.split("\n") if part.strip()), cell
    again = invoke(runner, "import", str(table), "--root", str(root), "--unit", "u", "--format", "json")
    second = json.loads(again.stdout)["summary"]
    assert second["files"] == [] and all(c["added"] == 0 and c["replaced"] == 0 for c in second["counts"].values())
    expected = folder / "expected.yaml"
    if expected.is_file():
        want = yaml.safe_load(expected.read_text(encoding="utf-8")) or {}
        for kind, n in (want.get("counts") or {}).items():
            assert doc["summary"]["counts"].get(kind, {}).get("added") == n, kind
    lint = invoke(runner, "lint", "--root", str(root), "--format", "json")
    assert lint.exit_code in (0, 1)
