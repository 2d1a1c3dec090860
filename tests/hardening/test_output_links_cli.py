"""``lfk render --out``, ``lfk export --table all --out`` and ``lfk schema --out`` write through ``OutputTree``: never through a link."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from tests.conftest import invoke

WRITERS = {
    "render": (["render", "--format", "dot", "--out"], "county-amr"),
    "export": (["export", "--format", "csv", "--table", "all", "--out"], None),
    "schema": (["schema", "--out"], None),
}


CASES = [("render", "folder"), ("render", "inside"), ("export", "folder"), ("schema", "folder")]


@pytest.mark.parametrize(("name", "where"), CASES)
def test_a_tree_writer_refuses_a_link(runner: CliRunner, base_register: Path, tmp_path: Path, name: str,
                                      where: str) -> None:
    args, inner = WRITERS[name]
    outside = tmp_path / "outside"
    outside.mkdir()
    out = tmp_path / "out"
    if where == "folder":
        out.symlink_to(outside)
        link = out
    else:
        out.mkdir()
        (out / str(inner)).symlink_to(outside)
        link = out / str(inner)
    res = invoke(runner, *args, str(out), "--root", str(base_register))
    assert res.exit_code == 2 and len(res.output.strip().splitlines()) == 1, res.output
    assert f"{link}: a symbolic link" in res.output, res.output
    assert list(outside.iterdir()) == []
    link.unlink()
    res = invoke(runner, *args, str(out), "--root", str(base_register))
    assert res.exit_code == 0 and any(out.rglob("*.*")), res.output
