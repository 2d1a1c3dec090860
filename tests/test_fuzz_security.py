"""Property tests of issue #19's classes: paths given to writing commands, control characters, formulas."""

from __future__ import annotations

from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lfk.core.errors import UsageError
from lfk.core.safe import csv_cell, md_text, printable
from lfk.loader.emit import model_for_path
from lfk.loader.guard import register_target
from tests.conftest import BASE

PARTS = st.sampled_from(["units", "county-amr", "flows", "benchmarks", "risks.yaml", "..", ".", ".git", "x.yaml",
                         "lfk.yaml", "/", "/etc", "passwd", "unit.yaml", "a\nb", "\x1b"])


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(PARTS, min_size=1, max_size=6))
def test_register_target_never_lets_a_path_out(parts: list[str]) -> None:
    path = "/".join(parts)
    try:
        full, rel = register_target(BASE, path)
    except UsageError:
        return
    assert Path(full).resolve().is_relative_to(BASE.resolve())
    assert model_for_path(rel) is not None and ".." not in rel.split("/")


@given(st.text())
def test_printable_leaves_no_control_character(s: str) -> None:
    out = printable(s)
    assert not any(ord(c) < 0x20 or 0x7f <= ord(c) <= 0x9f or c in "\u202e\u2028" for c in out)
    assert "\n" not in md_text(s) and "@" not in md_text(s).replace("@\u200b", "")


@given(st.text())
def test_csv_cells_are_never_formulas(s: str) -> None:
    out = csv_cell(s)
    assert not out or out[0] not in "=+-@\t\r"
