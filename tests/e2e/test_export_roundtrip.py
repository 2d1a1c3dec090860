"""Officers edit their register in Excel: ``lfk export`` then ``lfk import`` of the workbook gives the register back.

Data-driven over every folder of ``tests/fixtures/real/`` and ``/work/shared/real-tables`` (or $LFK_REAL_TABLES):
the real table is imported, exported (xlsx, and CSV one file per table), and the export imported again — into the
same unit it changes nothing (no IMP104, nothing written), into a fresh unit it writes the same YAML (the header
comments naming the source aside). The 流程图 files a 责任清单 gives are not in the tables (the power's row keeps
their id, 流程图): a fresh unit's files are compared but for ``flows/``.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tests.conftest import invoke
from tests.e2e.test_real_tables import FOLDERS, TABLES

SOURCES = [next(t for f, t in TABLES if f == folder) for folder in FOLDERS]


def _unit(runner: CliRunner, root: Path) -> None:
    assert invoke(runner, "init", str(root)).exit_code == 0
    r = invoke(runner, "new", "unit", "u", "--root", str(root), "--name", "单位", "--type", "行政机关")
    assert r.exit_code == 0, r.output


def _import(runner: CliRunner, root: Path, files: list[Path]) -> dict:  # type: ignore[type-arg]
    r = invoke(runner, "import", *map(str, files), "--root", str(root), "--unit", "u", "--format", "json")
    doc = json.loads(r.stdout)
    assert r.exit_code == 0, [f for f in doc["findings"] if f["severity"] == "error"]
    return doc  # type: ignore[no-any-return]


def _files(root: Path) -> dict[str, str]:
    """The unit's YAML files but its flows, without the comment lines (the source's name and titles)."""
    unit = root / "units" / "u"
    return {str(p.relative_to(unit)): "\n".join(line for line in p.read_text(encoding="utf-8").splitlines()
                                                if not line.lstrip().startswith("#"))
            for p in sorted(unit.rglob("*.yaml")) if p.parent.name != "flows"}


def _export(runner: CliRunner, root: Path, fmt: str, out: Path) -> list[Path]:
    args = ["--out", str(out)] if fmt == "xlsx" else ["--table", "all", "--out", str(out)]
    r = invoke(runner, "export", "--root", str(root), "--unit", "u", "--format", fmt, *args)
    assert r.exit_code == 0, r.output
    return [out] if fmt == "xlsx" else sorted(out.glob("*.csv"))


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
@pytest.mark.parametrize("table", SOURCES, ids=[t.parent.name for t in SOURCES])
def test_export_imports_back_unchanged(runner: CliRunner, tmp_path: Path, table: Path, fmt: str) -> None:
    first, fresh = tmp_path / "first", tmp_path / "fresh"
    _unit(runner, first)
    _import(runner, first, [table])
    before = _files(first)
    exported = _export(runner, first, fmt, tmp_path / f"export.{fmt}" if fmt == "xlsx" else tmp_path / "csv")
    same = _import(runner, first, exported)
    assert not [f for f in same["findings"] if f["code"] == "IMP104"]
    assert same["summary"]["files"] == [], same["summary"]["files"]
    assert all(c["added"] == 0 and c["replaced"] == 0 for c in same["summary"]["counts"].values())
    assert _files(first) == before
    _unit(runner, fresh)
    _import(runner, fresh, exported)
    assert _files(fresh) == before
