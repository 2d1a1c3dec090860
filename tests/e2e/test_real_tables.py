"""Real published tables import as published: zero import errors, every cell kept, a second import unchanged.

Data-driven over every table file (.xlsx, .xls, .docx) of every folder of ``tests/fixtures/real/`` and
``/work/shared/real-tables`` (or $LFK_REAL_TABLES): a folder's files in several formats hold the same rows and
meet the same expectations.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
import yaml

from tests.conftest import HERE, invoke

HERE = HERE / "fixtures" / "real"
SHARED = Path(os.environ.get("LFK_REAL_TABLES", "/work/shared/real-tables"))
FORMATS = (".xlsx", ".xls", ".docx")
FOLDERS = sorted(p for root in (HERE, SHARED) if root.is_dir() for p in root.iterdir()
                 if p.is_dir() and any(f.suffix.lower() in FORMATS for f in p.iterdir()))
TABLES = [(folder, f) for folder in FOLDERS for f in sorted(folder.iterdir()) if f.suffix.lower() in FORMATS]


def _cells(path: Path) -> list[str]:
    """Every non-empty cell of the table file (as text)."""
    from lfk.loader.sheets import read_any

    return [str(c).strip() for sh in read_any(path) for _, cells in sh.rows for c in dict.fromkeys(cells)
            if c not in (None, "") and str(c).strip()]


def _expected_posts(folder: Path) -> list[str] | None:
    """The post names the folder's expected.yaml lists (``items: {posts: [领导班子成员]}``), if it does."""
    path = folder / "expected.yaml"
    want = yaml.safe_load(path.read_text(encoding="utf-8")) if path.is_file() else None
    posts = ((want or {}).get("items") or {}).get("posts")
    return [str(p) for p in posts] if isinstance(posts, list) else None


def _unit_type(folder: Path) -> str:
    """The unit type expected.yaml names (``unit_type: 事业单位``; 行政机关 when it names none)."""
    path = folder / "expected.yaml"
    want = yaml.safe_load(path.read_text(encoding="utf-8")) if path.is_file() else None
    return str((want or {}).get("unit_type") or "行政机关")


def _expect(folder: Path) -> dict[str, int]:
    """The expected counts of the folder's expected.yaml (``items:`` or ``counts:``)."""
    path = folder / "expected.yaml"
    if not path.is_file():
        return {}
    want = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    items = want.get("items") or want.get("counts") or {}
    return {k: v for k, v in items.items() if isinstance(v, int) and not isinstance(v, bool)}


def test_every_format_of_a_table_holds_the_same_cells() -> None:
    """A folder's .xls and .docx give the cells of its .xlsx (a Word table's title is the sheet name, not a cell)."""
    from lfk.loader.sheets import read_any

    several = [folder for folder in FOLDERS if len([t for f, t in TABLES if f == folder]) > 1]
    assert several  # at least one real table is there in more than one format
    for folder in several:
        files = [t for f, t in TABLES if f == folder]
        ref = set(_cells(next(t for t in files if t.suffix == ".xlsx")))
        for f in files:
            want = ref - {sh.name for sh in read_any(f)} if f.suffix == ".docx" else ref
            assert set(_cells(f)) == want, (f.name, set(_cells(f)) ^ want)


@pytest.mark.parametrize(("folder", "table"), TABLES, ids=[f"{f.name}{t.suffix}" for f, t in TABLES])
def test_real_table_imports_as_published(runner, tmp_path: Path, folder: Path,  # type: ignore[no-untyped-def]
                                         table: Path) -> None:
    root = tmp_path / "reg"
    assert invoke(runner, "init", str(root)).exit_code == 0
    made = invoke(runner, "new", "unit", "u", "--root", str(root), "--name", "单位", "--type", _unit_type(folder))
    assert made.exit_code == 0, made.output  # the unit of the type expected.yaml names (REGISTER.md's types)
    r = invoke(runner, "import", str(table), "--root", str(root), "--unit", "u", "--format", "json")
    doc = json.loads(r.stdout)
    assert doc["summary"]["errors"] == 0, [f for f in doc["findings"] if f["severity"] == "error"]
    assert r.exit_code == 0 and doc["summary"]["written"]
    files = sorted((root / "units" / "u").rglob("*.yaml"))
    data = [yaml.safe_load(p.read_text(encoding="utf-8")) for p in files]
    from lfk.testing.tablefuzz import lost_cells, report_headers

    lost = lost_cells(table, root / "units" / "u", report_headers(doc["summary"]["columns"]))
    assert not lost, lost  # every non-empty source cell is kept (in a field or in extra)
    again = invoke(runner, "import", str(table), "--root", str(root), "--unit", "u", "--format", "json")
    second = json.loads(again.stdout)["summary"]
    assert again.exit_code == 0 and second["files"] == []
    assert all(c["added"] == 0 and c["replaced"] == 0 for c in second["counts"].values())
    counts = doc["summary"]["counts"]
    flows = [d for p, d in zip(files, data, strict=True) if p.parent.name == "flows"]
    got = {k: counts.get(k, {}).get("added", 0) for k in ("risks", "measures", "authorities", "benchmarks")}
    got["stages"] = sum(len(f["steps"]) for f in flows)
    got["responsibilities"] = sum(len(s.get("duties", [])) for f in flows for s in f["steps"])
    for kind, n in _expect(folder).items():
        if kind in got:
            assert got[kind] == n, (kind, got[kind], n)
    posts = _expected_posts(folder)
    if posts is not None:  # the posts the table names (vertical text joined: 领⏎导⏎班⏎子⏎成⏎员), each once
        unit_yaml = yaml.safe_load((root / "units" / "u" / "unit.yaml").read_text(encoding="utf-8"))
        assert [p["name"] for p in unit_yaml.get("posts") or []] == posts
    lint = invoke(runner, "lint", "--root", str(root), "--format", "json")
    assert lint.exit_code in (0, 1)  # findings: what the unit must still add (each with its fix)
    for f in json.loads(lint.stdout).get("findings", []):
        assert f.get("message"), f
