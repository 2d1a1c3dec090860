"""``lfk export`` writes the unit's own grade words (一级 / 二级 / 三级 …), and they survive import → export → import."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from openpyxl import load_workbook
from typer.testing import CliRunner

from lfk.register import Register
from tests.conftest import AS_OF, invoke, writable

TABLE = ("序号,岗位,风险类别,风险点,风险等级,防控措施\r\n"
         "1,校长,权力行使,招生中优亲厚友,一级,1.招生公开；2.集体研究\r\n"
         "2,财务,制度机制,报销审核不严,二级,加强审核\r\n"
         "3,教师,思想道德,收受家长礼品,三级,警示教育\r\n")
WORDS = ["一级", "二级", "三级"]
GRADING = {
    "none": "",
    "labels": "  labels: {高: 一级, 中: 二级, 低: 三级}\n",
    "aliases": "  aliases: {高: [一级], 中: [二级], 低: [三级]}\n",
}


def _register(runner: CliRunner, tmp_path: Path, grading: str) -> Path:
    root = tmp_path / "reg"
    assert invoke(runner, "init", str(root), "--as-of", AS_OF).exit_code == 0
    writable(root)
    cfg = root / "lfk.yaml"
    cfg.write_text(cfg.read_text(encoding="utf-8").replace("grading:\n", "grading:\n" + grading, 1), encoding="utf-8")
    for uid in ("school", "copy"):
        r = invoke(runner, "new", "unit", uid, "--name", "某小学", "--type", "事业单位", "--root", str(root))
        assert r.exit_code == 0, r.output
    return root


def _grade_column(root: Path, runner: CliRunner, unit: str) -> list[str]:
    r = invoke(runner, "export", "--format", "csv", "--table", "risks", "--unit", unit, "--root", str(root))
    assert r.exit_code == 0, r.output
    rows = list(csv.DictReader(io.StringIO(r.stdout.lstrip("\ufeff"))))
    return [row["风险等级"] for row in rows]


@pytest.mark.parametrize("setting", list(GRADING))
def test_grade_words_round_trip(runner: CliRunner, tmp_path: Path, setting: str) -> None:
    """A table graded 一级/二级/三级 imports as 高/中/低 and exports with the same words — with no grading setting
    (the words kept in extra.风险等级), with grading.labels, and with grading.aliases; importing the export gives
    the same grades and, exported again, the same words."""
    root = _register(runner, tmp_path, GRADING[setting])
    src = tmp_path / "登记表.csv"
    src.write_text(TABLE, encoding="utf-8")
    r = invoke(runner, "import", str(src), "--unit", "school", "--root", str(root))
    assert r.exit_code == 0, r.output
    assert [x.model.grade for x in Register(root).unit("school").risks] == ["高", "中", "低"]
    assert _grade_column(root, runner, "school") == WORDS
    exported = tmp_path / "export.csv"
    r = invoke(runner, "export", "--format", "csv", "--table", "risks", "--unit", "school", "--root", str(root),
               "--out", str(exported))
    assert r.exit_code == 0, r.output
    r = invoke(runner, "import", str(exported), "--unit", "copy", "--root", str(root))
    assert r.exit_code == 0, r.output
    assert [x.model.grade for x in Register(root).unit("copy").risks] == ["高", "中", "低"]
    assert _grade_column(root, runner, "copy") == WORDS
    again = invoke(runner, "import", str(exported), "--unit", "copy", "--root", str(root), "--format", "json")
    assert again.exit_code == 0 and json.loads(again.stdout)["summary"]["files"] == []  # nothing changes


def test_xlsx_writes_the_words_in_the_grade_colours(runner: CliRunner, tmp_path: Path) -> None:
    root = _register(runner, tmp_path, GRADING["none"])
    src = tmp_path / "登记表.csv"
    src.write_text(TABLE, encoding="utf-8")
    assert invoke(runner, "import", str(src), "--unit", "school", "--root", str(root)).exit_code == 0
    out = tmp_path / "登记表.xlsx"
    r = invoke(runner, "export", "--format", "xlsx", "--unit", "school", "--root", str(root), "--out", str(out))
    assert r.exit_code == 0, r.output
    ws = load_workbook(out)["廉政风险防控登记表"]
    col = [c.value for c in ws[3]].index("风险等级") + 1
    cells = [ws.cell(row=r, column=col) for r in range(4, ws.max_row + 1)]
    assert [c.value for c in cells] == WORDS
    assert len({c.fill.fgColor.rgb for c in cells}) == 3 and all(c.font.bold for c in cells)  # 高/中/低 colours


def test_a_regraded_risk_does_not_keep_the_stale_word(runner: CliRunner, tmp_path: Path) -> None:
    """The table's word is written only while it still stands for the grade in force: a risk re-graded 一级 → 中
    exports the grade's label (or 中), never 一级."""
    root = _register(runner, tmp_path, GRADING["none"])
    src = tmp_path / "登记表.csv"
    src.write_text(TABLE, encoding="utf-8")
    assert invoke(runner, "import", str(src), "--unit", "school", "--root", str(root)).exit_code == 0
    risks = root / "units/school/risks.yaml"
    risks.write_text(risks.read_text(encoding="utf-8").replace("grade: 高", "grade: 中", 1), encoding="utf-8")
    assert _grade_column(root, runner, "school") == ["中", "二级", "三级"]
    cfg = root / "lfk.yaml"
    cfg.write_text(cfg.read_text(encoding="utf-8").replace("grading:\n", "grading:\n  labels: {中: 中风险}\n", 1),
                   encoding="utf-8")
    assert _grade_column(root, runner, "school") == ["中风险", "二级", "三级"]
