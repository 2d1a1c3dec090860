"""Terminal output at 80 columns (issue 15, point 8): the grade table fits, 风险点 is not cut off, and
factors are named by their labels in lfk.yaml, not by their keys."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from rich.cells import cell_len
from rich.console import Console

from lfk.cli import grade as grade_cli
from lfk.grading.report import format_grades, grade_register
from lfk.register import Register
from tests.conftest import BASE


def test_grade_table_at_80_columns(monkeypatch: pytest.MonkeyPatch) -> None:
    buf = io.StringIO()
    con = Console(file=buf, width=80, force_terminal=False, no_color=True, highlight=False, soft_wrap=True)
    monkeypatch.setattr(grade_cli, "out_console", lambda: con)
    report = grade_register(Register(Path(BASE)), None)
    grade_cli._rich_text(report, "zh", False)
    text = buf.getvalue()
    lines = text.splitlines()
    assert max(cell_len(line) for line in lines) <= 80, text
    assert "权力重要程度" in text and "importance" not in text
    assert any("处罚裁量畸轻畸重、以罚代刑" in line for line in lines)  # the title has the width it needs
    assert "…" not in text


def test_text_and_markdown_tables_use_factor_labels() -> None:
    report = grade_register(Register(Path(BASE)), None)
    for fmt in ("text", "markdown"):
        out = format_grades(report, fmt, "zh")
        assert "权力重要程度=" in out and "importance=" not in out
    assert "importance=" in format_grades(report, "csv", "zh")  # machine output keeps the keys
