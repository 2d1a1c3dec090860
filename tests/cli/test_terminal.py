"""Terminal output at 80 columns (issue 15, point 8): the grade table fits, 风险点 is not cut off, and
factors are named by their labels in lfk.yaml, not by their keys."""

from __future__ import annotations

import io
import re
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


# -- lint on a terminal: path:line:col first, wrapped at the width with a hanging indent ------------

def _damaged(root: Path) -> Path:
    p = root / "units/county-amr/risks.yaml"
    p.write_text(p.read_text(encoding="utf-8").replace("grade: 中", "grade: 低", 1)
                 .replace("kind: 运行程序不规范", "kind: 职业道德不牢固", 1), encoding="utf-8")
    return root


def _check_wrapped(text: str, columns: int) -> list[list[str]]:
    """The findings of wrapped lint output, each as its lines; asserts the layout."""
    from lfk.core.text import width

    findings: list[list[str]] = []
    for line in text.splitlines():
        assert width(line) <= columns, line
        if re.match(r"^units/county-amr/risks\.yaml:\d+:\d+: LFK\d{3} (error|warning|info) ", line):
            findings.append([line])
        elif line.startswith("    "):
            assert findings, line
            findings[-1].append(line)
    return findings


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_lint_text_wraps_with_a_hanging_indent(lang: str) -> None:
    from lfk.core.finding import Finding, Severity
    from lfk.core.i18n import T
    from lfk.report import format_findings

    long = T("风险类型 `职业道德不牢固` 不属于类别 权力行使（它属于思想道德类）；权力行使类的风险类型有：权力过于集中、运行程序不规范、自由裁量幅度过大",
             "the kind `职业道德不牢固` is not of the category 权力行使 (it belongs to 思想道德); kinds of 权力行使: "
             "权力过于集中, 运行程序不规范, 自由裁量幅度过大")
    f = Finding("LFK410", Severity.ERROR, "units/county-amr/risks.yaml", 31, 5, long)
    summary = {"errors": 1, "warnings": 0, "files": 1}
    wrapped = format_findings("text", [f], summary, lang=lang, width=80)
    found = _check_wrapped(wrapped, 80)
    assert len(found) == 1 and len(found[0]) >= 2
    assert found[0][0].startswith("units/county-amr/risks.yaml:31:5: LFK410 error ")
    assert "".join(found[0]).replace(" ", "") == f"units/county-amr/risks.yaml:31:5:LFK410error{f.text(lang)}".replace(" ", "")
    plain = format_findings("text", [f], summary, lang=lang)
    assert plain.splitlines()[0] == f"units/county-amr/risks.yaml:31:5: LFK410 error {f.text(lang)}"  # piped: one line


def test_wrap_keeps_the_head_whole_and_punctuation_attached() -> None:
    from lfk.core.text import width, wrap

    head = "units/a-very-long-unit-folder-name/benchmarks/CF-0001-long-name.yaml:120:17: LFK999 warning "
    lines = wrap("短" * 30 + "，。" + "x" * 100, 40, head=head)
    assert lines[0] == head.rstrip()  # longer than the line: alone, unbroken
    assert all(width(x) <= 40 for x in lines[1:]) and all(x.startswith("    ") for x in lines[1:])
    assert not any(x[4:5] in "，。" for x in lines[1:])


def test_lint_on_a_real_terminal_at_80_columns(base_register: Path) -> None:
    """`lfk lint` with stdout a pseudo-terminal of 80 columns (as in tmux -x 80): wrapped, clickable."""
    import fcntl
    import os
    import pty
    import struct
    import subprocess
    import termios

    from tests.conftest import REPO

    _damaged(base_register)
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 80, 0, 0))
    env = {k: v for k, v in os.environ.items() if k not in ("COLUMNS", "LINES", "NO_COLOR")}
    proc = subprocess.Popen([str(REPO / ".venv/bin/lfk"), "lint", "--root", str(base_register), "--as-of", "2026-12-01",
                             "--lang", "zh", "--quiet"], stdout=slave, stderr=subprocess.DEVNULL, env=env,
                            cwd=base_register)
    os.close(slave)
    chunks = []
    while True:
        try:
            data = os.read(master, 65536)
        except OSError:  # the child closed the terminal
            break
        if not data:
            break
        chunks.append(data)
    os.close(master)
    assert proc.wait() == 1
    text = re.sub(r"\x1b\[[0-9;]*m", "", b"".join(chunks).decode("utf-8")).replace("\r\n", "\n")
    found = _check_wrapped(text, 80)
    assert [f[0].split(": ")[1].split()[0] for f in found] == ["LFK410", "LFK402"], text
    assert all(len(f) >= 2 for f in found), text
    assert "2 个错误" in text


def test_import_column_report_wraps_on_a_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    """Regression: the 列对应 line of `lfk import` ran past 80 columns on a terminal (findings were wrapped)."""
    from lfk.cli import tables as tables_cli
    from lfk.core.text import width
    from lfk.tables.importer import ImportResult

    cols = [{"sheet": "细化执行标准", "row": 2, "header": h, "field": f} for h, f in [
        ("序号", "seq"), ("违法行为", "violation"), ("违法数量/归类", "circumstances"), ("补种标准", "extra.补种标准"),
        ("处罚款标准", "fine"), ("行政处罚标准", "penalty"), ("备注", "remarks"), ("", None)]]
    res = ImportResult(findings=[], files=[], counts={}, columns=cols)
    monkeypatch.setattr(tables_cli, "is_terminal", lambda: True)
    monkeypatch.setattr(tables_cli, "terminal_width", lambda: 80)
    lines = tables_cli._import_text(res, "zh", dry_run=True, wrote=False).splitlines()
    report = [x for x in lines if x.startswith("列对应") or x.startswith("    ")]
    assert report[0].startswith("列对应 [细化执行标准 第2行]: 序号→seq") and len(report) >= 2
    assert all(width(x) <= 80 for x in lines), lines
    assert "".join(x.strip() for x in report).replace(" ", "").endswith("备注→remarks,→（空列）")
    monkeypatch.setattr(tables_cli, "is_terminal", lambda: False)
    piped = tables_cli._import_text(res, "zh", dry_run=True, wrote=False).splitlines()
    assert sum(x.startswith("列对应") for x in piped) == 1 and not any(x.startswith("    ") for x in piped)
