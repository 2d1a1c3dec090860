"""A quick seeded run of ``make fuzz``'s import part: variants of the real tables (title and foot rows, blank
rows and columns, merges, odd cells; as .xlsx, CSV in three encodings, a web page, a Word table) import
without a traceback, keep every cell, and lint after them without one. ``make fuzz`` runs 300."""

from __future__ import annotations

import random
import shutil
from pathlib import Path

import pytest

from lfk.loader.sheets import read_any
from lfk.testing.tablefuzz import FORMATS, check_import, variant, write_table
from tests.conftest import HERE, invoke

REAL = sorted((HERE / "fixtures" / "real").glob("*/*.xlsx"))


def _run(runner):  # type: ignore[no-untyped-def]
    from lfk.cli.main import app

    def run(args: list[str]) -> tuple[int, str, str, BaseException | None]:
        r = runner.invoke(app, args, catch_exceptions=True)
        return r.exit_code, r.stdout or "", r.stderr or "", r.exception

    return run


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from typer.testing import CliRunner

    root = tmp_path_factory.mktemp("fuzz") / "template"
    runner = CliRunner()
    assert invoke(runner, "init", str(root)).exit_code == 0
    assert invoke(runner, "new", "unit", "u", "--root", str(root), "--name", "单位", "--type", "行政机关").exit_code == 0
    return root


def test_variants_of_the_real_tables_import_keeping_every_cell(runner, tmp_path: Path, template: Path) -> None:  # type: ignore[no-untyped-def]
    """12 seeded variants: no problem (see check_import); at least half are imported, so their cells were checked
    (an error a variant earns — a 风险点 blanked, a label of a form overwritten — stops its import with the sheet
    and row named)."""
    problems: list[str] = []
    imported = 0
    for seed in range(12):
        rng = random.Random(seed)
        source = REAL[seed % len(REAL)]
        rows, merges = variant([list(cells) for _, cells in read_any(source)[0].rows], rng, edits=rng.randint(1, 4))
        table = write_table(tmp_path / f"表 {seed}{FORMATS[seed % len(FORMATS)]}", rows, merges)
        root = tmp_path / f"reg{seed}"
        shutil.copytree(template, root)
        before = {p: p.read_bytes() for p in (root / "units" / "u").rglob("*.yaml")}
        problems += [f"seed {seed} ({source.parent.name}): {p}" for p in check_import(_run(runner), table, root)]
        imported += {p: p.read_bytes() for p in (root / "units" / "u").rglob("*.yaml")} != before
    assert problems == []
    assert imported >= 6, imported
