"""``lfk export`` writes each item's ``extra:`` as a column ``key〔原表〕`` and import reads it back into that key
exactly, even when the key is a header import knows (备注, 责任人, 风险等级, 法定时限, 责任事项); the fields the
tables once left out (责任链, 监测指标, 防控阶段, 备注, a tier's 裁量标准原文) come back too."""

from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import load_workbook
from typer.testing import CliRunner

from lfk.register import Register
from lfk.tables.columns import extra_header, extra_key
from tests.conftest import AS_OF, invoke

AUTHORITIES = """authorities:
  - id: XK-01
    name: 某项许可
    category: 行政许可
    legal_basis:
      - {law: 《某法》, article: 第三条}
    extra:
      法定时限: |-
        法定期限:
        承诺期限:
      责任事项: 不分环节
"""
RISKS = """risks:
  - id: R-01
    title: 审批走过场
    category: 权力行使
    authority: XK-01
    grade: 高
    indicators: [超期办结次数, 投诉次数]
    responsible: {leader: 李彬, department_head: 徐千, person: 王五}
    extra:
      备注: 原表的备注
      责任人: |-
        分管领导人
        科室负责人
      风险等级: 一级
      补 种　标准: 键中有空格
      原列〔原表〕: 键本身以标记结尾
  - id: R-02
    title: 违规加油
    category: 权力行使
    authority: XK-01
    grade: 低
    extra:
      分组: 一、岗位风险
      备注: 第二条的备注
"""
MEASURES = """measures:
  - id: M-01
    risks: [R-01]
    kind: 制度建设
    description: 集体研究
    phase: 事前
    extra:
      措施内容: 原表措施原文
"""
BENCHMARK = """authority: XK-01
items:
  - violation: 盗伐林木
    remarks: 并可责令补种
    tiers:
      - level: 从轻处罚
        circumstances: 不足20株
        fine: {min_times: 3, max_times: 3, of: 盗伐林木价值}
        standard: 盗伐林木价值3倍
      - level: 从重处罚
        circumstances: 20株以上
        fine: {min: 1000, max: 5000, unit: 元}
    extra:
      备注: 原表另一列备注
      补种标准: 盗伐株数10倍
"""


def _register(runner: CliRunner, root: Path) -> None:
    assert invoke(runner, "init", str(root), "--as-of", AS_OF).exit_code == 0
    for uid in ("u", "copy"):
        r = invoke(runner, "new", "unit", uid, "--name", "某局", "--type", "行政机关", "--root", str(root))
        assert r.exit_code == 0, r.output


def _items(root: Path, uid: str) -> dict[str, list[dict]]:  # type: ignore[type-arg]
    ud = Register(root).unit(uid)
    return {kind: [x.model.model_dump(exclude_none=True) for x in getattr(ud, kind)]
            for kind in ("authorities", "risks", "measures", "benchmarks")}


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_extra_and_every_field_survive_export_and_import(runner: CliRunner, tmp_path: Path, fmt: str) -> None:
    root = tmp_path / "reg"
    _register(runner, root)
    unit = root / "units" / "u"
    for name, text in (("authorities.yaml", AUTHORITIES), ("risks.yaml", RISKS), ("measures.yaml", MEASURES),
                       ("benchmarks/XK-01.yaml", BENCHMARK)):
        (unit / name).parent.mkdir(exist_ok=True)
        (unit / name).write_text(text, encoding="utf-8")
    out = tmp_path / ("x.xlsx" if fmt == "xlsx" else "csv")
    more = [] if fmt == "xlsx" else ["--table", "all"]
    r = invoke(runner, "export", "--root", str(root), "--unit", "u", "--format", fmt, "--out", str(out), *more)
    assert r.exit_code == 0, r.output
    files = [out] if fmt == "xlsx" else sorted(out.glob("*.csv"))
    r = invoke(runner, "import", *map(str, files), "--root", str(root), "--unit", "copy")
    assert r.exit_code == 0, r.output
    want = _items(root, "u")
    assert _items(root, "copy") == want
    assert want["risks"][0]["extra"]["补 种　标准"] == "键中有空格"  # the key as written, spaces and all
    again = invoke(runner, "import", *map(str, files), "--root", str(root), "--unit", "u")
    assert again.exit_code == 0 and "IMP104" not in again.output, again.output


def test_extra_columns_follow_the_officers_columns(runner: CliRunner, tmp_path: Path) -> None:
    """The 〔原表〕 columns stand after the last officers' column (in the print area), each item's keys in its order."""
    root = tmp_path / "reg"
    _register(runner, root)
    (root / "units" / "u" / "risks.yaml").write_text(RISKS, encoding="utf-8")
    out = tmp_path / "x.xlsx"
    assert invoke(runner, "export", "--root", str(root), "--unit", "u", "--out", str(out)).exit_code == 0
    heads = [c.value for c in load_workbook(out)["廉政风险防控登记表"][3]]
    marked = [h for h in heads if extra_key(h) is not None]
    assert marked == [extra_header(k) for k in ("分组", "备注", "责任人", "风险等级", "补 种　标准", "原列〔原表〕")]
    assert heads.index(marked[0]) == heads.index("复核日期") + 1


@pytest.mark.parametrize(("header", "key"), [("追责情形〔原表〕", "追责情形"), (" 备注〔原表〕 ", "备注"),
                                             ("〔原表〕", None), ("备注", None), ("原表", None), (None, None)])
def test_extra_key_of_a_header(header: object, key: str | None) -> None:
    assert extra_key(header) == key
    if key is not None:
        assert extra_key(extra_header(key)) == key


def test_a_fine_changed_since_the_standard_is_exported_as_the_fine(runner: CliRunner, tmp_path: Path) -> None:
    """A tier whose fine was edited after import (its standard still says 300元) exports its fine, not the stale
    standard: importing the export gives the fine in force."""
    root = tmp_path / "reg"
    _register(runner, root)
    path = root / "units" / "u" / "benchmarks" / "XK-01.yaml"
    path.parent.mkdir()
    path.write_text("authority: XK-01\nitems:\n  - violation: 未按规定公示\n    tiers:\n      - level: 一般\n"
                    "        fine: {min: 500, max: 500, unit: 元}\n        standard: 处以罚款300元\n", encoding="utf-8")
    out = tmp_path / "x.xlsx"
    assert invoke(runner, "export", "--root", str(root), "--unit", "u", "--out", str(out)).exit_code == 0
    r = invoke(runner, "import", str(out), "--root", str(root), "--unit", "copy")
    assert r.exit_code == 0, r.output
    tier = Register(root).unit("copy").benchmarks[0].model.items[0].tiers[0]
    assert tier.fine is not None and (tier.fine.min, tier.fine.max) == (500, 500)
