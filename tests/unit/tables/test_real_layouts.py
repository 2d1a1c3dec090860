"""Layouts and cell forms met in real published tables (tests/fixtures/real): each a regression of a gap found
there — fines written after 罚款 or as one multiple, penalty phrases, article texts, 责任事项 stages, forms."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml

from lfk.loader.sheets import Sheet
from lfk.tables import flows as FL
from lfk.tables import layout as L
from lfk.tables import prose
from lfk.tables import values as V
from tests.conftest import HERE, invoke


@pytest.mark.parametrize(("text", "want"), [
    ("处以吊销《网络文化经营许可证》,没收违法所得,并处罚款人民币5000元的处罚", [{"min": 5000, "max": 5000, "unit": "元"}]),
    ("处人民币5000元罚款", [{"min": 5000, "max": 5000, "unit": "元"}]),
    ("并处违法经营额2倍罚款的处罚", [{"min_times": 2, "max_times": 2, "of": "违法经营额"}]),
    ("盗伐林木价值3倍", [{"min_times": 3, "max_times": 3, "of": "盗伐林木价值"}]),
    ("违法买卖证件、文件的价款1倍的罚款", [{"min_times": 1, "max_times": 1, "of": "违法买卖证件、文件的价款"}]),
    ("盗伐株数10倍", []),  # trees to replant, not a fine
    ("处所收费用三倍以上四倍以下的罚款", [{"min_times": 3, "max_times": 4, "of": "所收费用"}]),  # ranges unchanged
    ("罚款5000元以上", [{"min": 5000, "unit": "元"}]),
])
def test_fines_as_real_tables_write_them(text: str, want: list[dict[str, Any]]) -> None:
    assert prose.fines(text) == want


@pytest.mark.parametrize(("cell", "want"), [
    ("警告、罚款", ["警告", "罚款"]),
    ("罚款、列入不良行为记录名单、一年内禁止参加政府采购活动",
     ["罚款", "列入不良行为记录名单", "一年内禁止参加政府采购活动"]),
    ("没收违法买卖的证件、文件和违法所得", ["没收违法买卖的证件、文件和违法所得"]),  # one phrase
    ("没收违法所得；责令停产停业", ["没收违法所得", "责令停产停业"]),
])
def test_penalties_split_only_into_penalties(cell: str, want: list[str]) -> None:
    assert V.split_short_list(cell) == want


@pytest.mark.parametrize(("cell", "want"), [
    ("《条例》第三十九条 在国家提倡…\n第四十九条已经领取独生子女父母光荣证的夫妻",
     [{"law": "《条例》", "article": "第三十九条", "text": "在国家提倡…"},
      {"law": "《条例》", "article": "第四十九条", "text": "已经领取独生子女父母光荣证的夫妻"}]),
    ("《法》第三条、第五条", [{"law": "《法》", "article": "第三条、第五条"}]),
    ("《法》第十条规定", [{"law": "《法》", "article": "第十条规定"}]),
    ("《法》第三条：文本\n续文本", [{"law": "《法》", "article": "第三条", "text": "文本\n续文本"}]),
    # 恭城 交通: a long publication note is the revision, not the article; a second law after 。 is a basis of its own
    ("【法律】《公路法》(1997年7月3日初次公布,2004年8月28日主席令第19号第二次修正 )第五十条:第一款  超限车辆不得行驶。"
     "《公路安全保护条例》(***令第593号)",
     [{"law": "【法律】《公路法》", "revision": "1997年7月3日初次公布,2004年8月28日主席令第19号第二次修正",
       "article": "第五十条", "text": "第一款  超限车辆不得行驶。"},
      {"law": "《公路安全保护条例》", "revision": "***令第593号"}]),
    ("《法》第三条：依照《条例》的规定处罚", [{"law": "《法》", "article": "第三条", "text": "依照《条例》的规定处罚"}]),
    ("《法》(第一章总则中关于本法适用范围与适用对象以及若干概念定义的说明文字较长的一段括注内容)第三条",
     [{"law": "《法》", "article": "(第一章总则中关于本法适用范围与适用对象以及若干概念定义的说明文字较长的一段括注内容)第三条"}]),
])
def test_article_and_its_text(cell: str, want: list[dict[str, Any]]) -> None:
    assert V.legal_basis(cell) == want


def test_duty_stages_of_a_responsibility_cell() -> None:
    anhui = ("1、受理阶段责任:公示依法应当提交的材料;\n2、审查和决定阶段责任:按照即办件程序审核;\n"
             "3、送达阶段责任:发放证件;\n4、事后监管责任:加强监管;\n5、其他法律法规政策规定应履行的责任。")
    description, steps = FL.duty_stages(anhui) or (None, [])
    assert description is None
    assert [s["name"] for s in steps] == ["受理", "审查和决定", "送达", "事后监管", "其他"]
    assert steps[0] == {"label": "1、受理阶段责任:", "name": "受理", "duties": ["公示依法应当提交的材料;"], "rows": []}
    form = "一般程序:\n1.立案责任:\n予以审查。\n符合条件的予以立案。\n2.调查取证责任:\n制作笔录。"
    description, steps = FL.duty_stages(form) or (None, [])
    assert description == "一般程序:"
    assert [(s["name"], s["duties"]) for s in steps] == [("立案", ["予以审查。", "符合条件的予以立案。"]),
                                                          ("调查取证", ["制作笔录。"])]
    flow = FL.flow_data({"name": "x", "steps": steps}, "F-1")
    assert [s.get("duty") for s in flow["steps"]] == ["受理", "审查"]  # 调查取证 → 调查 → 审查
    assert FL.duty_stages("因不履行或不正确履行行政职责,应承担相应责任:\n1、对符合条件不予受理的;") is None
    unnumbered = "受理责任：公示应当提交的材料。\n审查责任：审查申请材料。\n决定责任：作出决定。"
    assert [s["name"] for s in (FL.duty_stages(unnumbered) or (None, []))[1]] == ["受理", "审查", "决定"]


def test_a_form_of_label_value_pairs() -> None:
    rows = [(1, ["行政权力责任事项梳理表"] * 4), (2, ["职权名称", "甲的处罚", "甲的处罚", "甲的处罚"]),
            (3, ["职权类型", "行政处罚", "审核\n转报", "否"]), (4, ["职权编码", None, "法定主体", "某局"]),
            (5, ["职权名称", "乙的处罚", "乙的处罚", "乙的处罚"]), (6, ["职权类型", "行政处罚", "审核\n转报", "是"]),
            (7, ["法定主体", None, None, None])]  # a field alone on its row, its value empty
    merged = {(r, c): (r, 2) for r in (2, 5) for c in (3, 4)} | {(1, c): (1, 1) for c in (2, 3, 4)}
    sheet = L.form_rows(Sheet("梳理表", rows, None, merged))
    assert sheet is not None
    head, labels, *items = [cells for _, cells in sheet.rows]
    assert head == ["行政权力责任事项梳理表"] * 4  # the title stays above the header
    assert labels == ["职权名称", "职权类型", "审核\n转报", "职权编码", "法定主体"]
    assert items == [["甲的处罚", "行政处罚", "否", None, "某局"], ["乙的处罚", "行政处罚", "是", None, None]]
    wide = [(1, ["序号", "风险点", "风险等级", "防控措施"]), (2, [1, "甲", "高", "乙"]), (3, [2, "丙", "低", "丁"])]
    assert L.form_rows(Sheet("表", wide, None)) is None  # a table, not a form


REAL = HERE / "fixtures" / "real"


def _import(runner, tmp_path: Path, table: Path) -> tuple[dict[str, Any], Path]:  # type: ignore[no-untyped-def]
    root = tmp_path / "reg"
    assert invoke(runner, "init", str(root)).exit_code == 0
    assert invoke(runner, "new", "unit", "u", "--root", str(root), "--name", "单位", "--type", "行政机关").exit_code == 0
    r = invoke(runner, "import", str(table), "--root", str(root), "--unit", "u", "--format", "json")
    return json.loads(r.stdout), root / "units" / "u"


def test_tier_lines_without_a_level_stay_apart(runner, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """六安: no 裁量阶次 column; lines by quantity, each its own fine — none merged into another."""
    doc, unit = _import(runner, tmp_path, next((REAL / "liuan-forestry-penalty-discretion").glob("*.xlsx")))
    assert doc["summary"]["errors"] == 0
    assert any(f["code"] == "IMP106" and "裁量阶次" in f["message"] for f in doc["findings"])
    items = [yaml.safe_load(p.read_text(encoding="utf-8"))["items"][0] for p in sorted(unit.glob("benchmarks/*.yaml"))]
    assert [len(it["tiers"]) for it in items] == [2, 2, 3, 4]
    assert [t["fine"]["max_times"] for t in items[3]["tiers"]] == [2, 3, 2, 3]
    assert items[2]["tiers"][0]["penalty"] == ["没收违法买卖的证件、文件和违法所得"]
    assert items[0]["extra"] == {"补种标准": "盗伐株数10倍"}


@pytest.mark.parametrize(("cells", "merged", "kept"), [
    (("已备案", "未备案"), False, "已备案\n未备案"),  # each tier line its own value: both kept
    (("已备案", "已备案"), False, "已备案"),
    # 广西 卫健: a cell of several lines merged over the item's tier lines is kept once, not once per line
    (("【法律】甲法第一条\n【行政法规】乙条例第二条",) * 3, True, "【法律】甲法第一条\n【行政法规】乙条例第二条"),
    (("第一行\n第二行", "第二行"), False, "第一行\n第二行"),
])
def test_a_column_without_a_field_is_kept_per_tier_line(runner, tmp_path: Path, cells: tuple[str, ...],  # type: ignore[no-untyped-def]
                                                         merged: bool, kept: str) -> None:
    """A tier line's own value in a column lfk has no field for is kept, not only the first line's; a value the
    item already holds (a merged cell, of one line or several) is not repeated."""
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.append(["违法行为", "裁量阶次", "适用情形", "罚款幅度", "备案情况"])
    for i, cell in enumerate(cells):
        ws.append(["甲" if i == 0 else None, ("从轻处罚", "一般", "从重处罚")[i], f"情形{i}", f"{i + 1}000元", cell])
    ws.merge_cells(f"A2:A{len(cells) + 1}")
    if merged:
        ws.merge_cells(f"E2:E{len(cells) + 1}")
    wb.save(tmp_path / "t.xlsx")
    doc, unit = _import(runner, tmp_path, tmp_path / "t.xlsx")
    assert doc["summary"]["errors"] == 0
    bm = yaml.safe_load(next(unit.glob("benchmarks/*.yaml")).read_text(encoding="utf-8"))
    assert bm["items"][0]["extra"] == {"备案情况": kept}


def test_responsibility_column_gives_the_power_its_flow(runner, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """明南街道: 项目名称 is the power's name; its 责任事项 cell its flow; 追责情形 kept in extra."""
    doc, unit = _import(runner, tmp_path, next((REAL / "mingnan-street-power-responsibility-list").glob("*.xlsx")))
    assert doc["summary"]["errors"] == 0
    auth = yaml.safe_load((unit / "authorities.yaml").read_text(encoding="utf-8"))["authorities"][0]
    assert auth["name"] == "独生子女父母光荣证核发与注销" and auth["flow"] == "F-001"
    assert auth["extra"]["追责情形"].startswith("因不履行或不正确履行行政职责")
    flow = yaml.safe_load((unit / "flows" / "F-001.yaml").read_text(encoding="utf-8"))
    assert [s["name"] for s in flow["steps"]] == ["受理", "审查和决定", "送达", "事后监管", "其他"]


@pytest.mark.parametrize(("cell", "want"), [
    ("1.受理风险:对符合条件不予受理。\n2.审查风险:不按规审查材料。", [("受理风险", "对符合条件不予受理。"),
                                                          ("审查风险", "不按规审查材料。")]),
    ("1.调查环节:不按规定程序调查;2.决定环节:处罚裁量明显不当", [("调查环节", "不按规定程序调查"),
                                                      ("决定环节", "处罚裁量明显不当")]),
    ("1.加强教育提醒;\n2.制定车辆管理制度", None),  # numbered, not labelled: one risk's text
    ("受理风险:对符合条件不予受理", None),  # one item
])
def test_labelled_risks_in_one_cell(cell: str, want: list[tuple[str, str]] | None) -> None:
    assert prose.labelled_items(cell) == want


def test_grade_counts() -> None:
    assert prose.grade_count("3低") == (3, "低")
    assert prose.grade_count("1中2低") is None and prose.grade_count("高") is None
    assert prose.grade_counts("1中2低") == [(1, "中"), (2, "低")]
    assert prose.grade_counts("一级") == [] and prose.grade_counts("12") == []


def test_a_row_listing_several_risks(runner, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """衡山镇: one row per power, its 表现形式 listing 3 labelled risks, its measures for all of them."""
    doc, unit = _import(runner, tmp_path, next((REAL / "hengshan-town-power-risk-summary").glob("*.xlsx")))
    assert doc["summary"]["errors"] == 0
    risks = yaml.safe_load((unit / "risks.yaml").read_text(encoding="utf-8"))["risks"]
    assert [r["title"] for r in risks[:3]] == ["受理风险", "审查风险", "决定风险"]
    assert all(r["extra"]["风险等级"] == "1中2低" and "grade" not in r for r in risks)
    assert any(f["code"] == "IMP103" and "每个风险点" in f["message"] for f in doc["findings"])  # says what to add
    measures = yaml.safe_load((unit / "measures.yaml").read_text(encoding="utf-8"))["measures"]
    assert measures[0]["risks"] == ["R-001", "R-002", "R-003"] and measures[-1]["risks"] == ["R-004", "R-005", "R-006"]


def _two_row_header_table(path: Path) -> Path:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    for row in (["序号", "岗位", "风险点", "风险等级", None, None, "防控措施", "责任人", None],
                [None, None, None, "高", "中", "低", None, "部门负责人", "分管领导"],
                [1, "财务岗", "违规报销", "√", None, None, "1.严格审核；2.定期检查", "张三", "王五"],
                [2, None, "公款私存", None, "√", None, "定期对账", "张三", "王五"],
                [3, "办公室", "公车私用", None, None, "●", "登记管理", "李四", "王五"]):
        ws.append(row)
    for m in ("A1:A2", "B1:B2", "C1:C2", "D1:F1", "G1:G2", "H1:I1", "B3:B4"):
        ws.merge_cells(m)
    wb.save(path)
    return path


def test_a_tick_under_grade_columns_of_a_two_row_header(runner, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """风险等级 merged over 高 | 中 | 低, a tick in one of them: the grade; the ticks kept; sub-columns named."""
    doc, unit = _import(runner, tmp_path, _two_row_header_table(tmp_path / "t.xlsx"))
    assert doc["summary"]["errors"] == 0
    fields = {c["header"]: c["field"] for c in doc["summary"]["columns"]}
    assert fields["风险等级"] == "grade" and fields["部门负责人"] == "department_head" and fields["分管领导"] == "leader"
    risks = yaml.safe_load((unit / "risks.yaml").read_text(encoding="utf-8"))["risks"]
    assert [r["grade"] for r in risks] == ["高", "中", "低"]
    assert risks[0]["extra"]["高"] == "√" and risks[2]["extra"]["低"] == "●"


def test_a_second_header_row_of_data_is_not_folded() -> None:
    rows = [(1, ["序号", "风险点", "风险等级", "风险等级"]), (2, [1, "违规报销", "高", "高"])]
    sheet = Sheet("表", rows, None)
    assert L.fold_sub_headers(sheet, [0], lambda v: v in ("高", "中", "低")).rows == rows


@pytest.mark.parametrize(("word", "grade"), [("3星", "高"), ("三星", "高"), ("☆☆", "中"), ("●●●", "高"), ("1星", "低"),
                                             ("★★★", "高"), ("Ⅱ级", "中")])
def test_star_and_dot_grades(word: str, grade: str) -> None:
    from lfk.model.config import Grading

    assert V.grade_of(V.grade_words(Grading()), word) == grade


@pytest.mark.parametrize(("cell", "want"), [
    ("科室\n负责人", "科室负责人"),  # a narrow cell's wrap inside one name
    ("劳动保障\n中心", "劳动保障中心"),
    ("科室主要负责人", "科室主要负责人"),
    ("分管领导人\n科室负责人", None),  # two roles, one per line
    ("部门负责人、分管领导", None),
    ("分管领导人 科室负责人", None),
    ("严格审查报销票据。", None),  # a sentence, no name
])
def test_post_name_of_a_cell(cell: str, want: str | None) -> None:
    assert V.post_name(cell) == want


def _lint(runner, root: Path) -> list[dict[str, Any]]:  # type: ignore[no-untyped-def]
    r = invoke(runner, "lint", "--root", str(root), "--format", "json")
    return list(json.loads(r.stdout).get("findings", []))


def test_a_role_in_the_owner_column_becomes_a_post(runner, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """区委办: 责任人 "科室⏎负责人" on every row is one role the unit has no post for: one new post, every risk's and
    measure's owner — not the name in an id field, which lint reported as a malformed id (LFK105)."""
    doc, unit = _import(runner, tmp_path, next((REAL / "district-party-office-risk-responsibility-list").glob("*.xlsx")))
    assert doc["summary"]["errors"] == 0
    posts = yaml.safe_load((unit / "unit.yaml").read_text(encoding="utf-8"))["posts"]
    # 责任主体 (the department the risk lies in) is the risk's post; 责任人 its owner (REGISTER.md risks.yaml)
    assert [(p["id"], p["name"]) for p in posts] == [("P-001", "秘书一科"), ("P-002", "科室负责人"), ("P-003", "秘书二科")]
    risks = yaml.safe_load((unit / "risks.yaml").read_text(encoding="utf-8"))["risks"]
    measures = yaml.safe_load((unit / "measures.yaml").read_text(encoding="utf-8"))["measures"]
    assert {r["owner"] for r in risks} == {m["owner"] for m in measures} == {"P-002"}
    assert [r["post"] for r in risks] == ["P-001"] * 5 + ["P-003"] * 5  # merged cells carried (a risk per item)
    assert all("grade" not in r for r in risks)  # the grade column is empty as published: no default
    empty = [f for f in doc["findings"] if f["code"] == "IMP106" and "「风险等级」列每一行都是空的" in f["message"]]
    assert len(empty) == 1 and empty[0]["column"] == 5  # said once, at the 风险等级 header
    assert sum(f["code"] == "IMP106" and "新增岗位 P-001" in f["message"] for f in doc["findings"]) == 1
    no_cat = [f for f in doc["findings"] if f["code"] == "IMP103"]
    assert no_cat and all("表中没有风险类别列" in f["message"] and "按原文" not in f["message"] for f in no_cat)
    found = _lint(runner, tmp_path / "reg")
    codes = {f["code"] for f in found}
    assert "LFK105" not in codes and "LFK404" not in codes and "LFK401" in codes  # asks for the grading factors
    assert "LFK410" not in codes  # each risk lies on a post: its department (was: neither power nor post)
    cats = [f["message"] for f in found if f["code"] == "LFK101"]  # asks for the category, not to add 未分类
    assert len(cats) == 10 and all("还没有风险类别" in m and "taxonomy: categories" not in m for m in cats)


def test_a_high_risk_owned_by_a_role_asks_for_a_leader(runner, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """宝安市场监管局: 科室主要负责人 owns a 高 risk: lint says the owner of a 高 risk must be a leader post."""
    _import(runner, tmp_path, next((REAL / "baoan-market-regulation-bureau-risk-list").glob("*.xlsx")))
    found = _lint(runner, tmp_path / "reg")
    assert "LFK105" not in {f["code"] for f in found}
    assert [f["message"].split("；")[0] for f in found if f["code"] == "LFK405"] == [
        "高风险的责任人 P-002（科室主要负责人）不是领导岗位"] * 5  # the 高 row's 风险点 lists 5 risks


def test_several_roles_in_one_owner_cell_are_kept_not_an_id(runner, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """街道 劳动保障中心: 责任人 "分管领导人⏎科室负责人" names two roles: kept in extra, the owner left for the unit to
    name (lint: LFK404 says so), never the two names written as one post id."""
    doc, unit = _import(runner, tmp_path, next((REAL / "jiedao-labour-security-centre-risk-list-extract").glob("*.xlsx")))
    assert doc["summary"]["errors"] == 0
    risks = yaml.safe_load((unit / "risks.yaml").read_text(encoding="utf-8"))["risks"]
    assert all("owner" not in r and r["extra"]["责任人"] == "分管领导人\n科室负责人" for r in risks)
    assert any(f["code"] == "IMP105" and "不是一个岗位名称" in f["message"] for f in doc["findings"])
    codes = {f["code"] for f in _lint(runner, tmp_path / "reg")}
    assert "LFK105" not in codes and "LFK404" in codes


def test_a_benchmark_without_a_power_id_is_linked_by_the_power_name(runner, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """西关镇: no 职权编码 column; each 事项名称 is the name of a power the unit lists: the benchmark is that power's
    (benchmarks/<its id>.yaml), not benchmarks/1.yaml, which lint reported as 职权 `1` missing (LFK605)."""
    from openpyxl import Workbook, load_workbook

    table = next((REAL / "gaocheng-xiguan-town-penalty-discretion").glob("*.xlsx"))
    names = [r[1] for r in load_workbook(table).active.iter_rows(min_row=4, values_only=True)]
    wb = Workbook()
    ws = wb.active
    ws.title = "职权目录"
    ws.append(["职权编码", "职权名称", "职权类别"])
    for i, name in enumerate(names, 1):
        ws.append([f"CF-{i:02d}", name, "行政处罚"])
    wb.save(tmp_path / "职权目录.xlsx")
    doc, unit = _import(runner, tmp_path, tmp_path / "职权目录.xlsx")
    assert doc["summary"]["errors"] == 0
    r = invoke(runner, "import", str(table), "--root", str(tmp_path / "reg"), "--unit", "u", "--format", "json")
    doc = json.loads(r.stdout)
    assert doc["summary"]["errors"] == 0
    assert sorted(p.name for p in (unit / "benchmarks").glob("*.yaml")) == ["CF-01.yaml", "CF-02.yaml", "CF-03.yaml"]
    assert not any("职权编码" in f["message"] for f in doc["findings"] if f["code"] == "IMP106")
    assert "LFK605" not in {f["code"] for f in _lint(runner, tmp_path / "reg")}


def test_a_benchmark_numbered_for_want_of_a_power_says_so(runner, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """六安: no 职权编码 and no power of those names: the benchmarks are numbered by 序号, and the import says that
    these are stand-ins to replace with the powers' ids (lint LFK605 lists them), once for the table."""
    doc, unit = _import(runner, tmp_path, next((REAL / "liuan-forestry-penalty-discretion").glob("*.xlsx")))
    assert sorted(p.name for p in (unit / "benchmarks").glob("*.yaml")) == ["1.yaml", "2.yaml", "3.yaml", "4.yaml"]
    said = [f["message"] for f in doc["findings"] if f["code"] == "IMP106" and "职权编码" in f["message"]]
    assert len(said) == 1 and "表中没有职权编码列" in said[0] and "1、2、3、4" in said[0]


def test_the_power_a_risk_lies_in_links_it_by_name(runner, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """区委办: 职权内容 names the duty a risk lies in (会务工作): once the unit lists that power, the risk is the
    power's (authority), not an unlinked risk with the name in extra (lint LFK410)."""
    from openpyxl import Workbook

    table = next((REAL / "district-party-office-risk-responsibility-list").glob("*.xlsx"))
    wb = Workbook()
    ws = wb.active
    ws.title = "职权目录"
    ws.append(["职权编码", "职权名称", "职权类别"])
    ws.append(["NB-01", "会务工作", "其他内部职权"])
    ws.append(["NB-02", "科级干部选拔", "人事管理"])
    wb.save(tmp_path / "职权目录.xlsx")
    _, unit = _import(runner, tmp_path, tmp_path / "职权目录.xlsx")
    r = invoke(runner, "import", str(table), "--root", str(tmp_path / "reg"), "--unit", "u", "--format", "json")
    doc = json.loads(r.stdout)
    assert doc["summary"]["errors"] == 0
    assert {c["header"]: c["field"] for c in doc["summary"]["columns"]}["职权内容"] == "where"
    risks = yaml.safe_load((unit / "risks.yaml").read_text(encoding="utf-8"))["risks"]
    assert [r.get("authority") for r in risks] == ["NB-01", *[None] * 5, *["NB-02"] * 4]  # a risk per item
    assert risks[1]["extra"]["岗位/职权"] == "区委、区政府领导公务接待活动"  # no such power: kept, reported
    assert any(f["code"] == "IMP105" and "区委、区政府领导公务接待活动" in f["message"] for f in doc["findings"])


def test_posts_a_power_names_become_posts_of_the_unit(runner, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """承办岗位 "综合科、财务科": each a new post, the power's posts their ids; a name the unit has is reused."""
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = "职权目录"
    ws.append(["职权编码", "职权名称", "职权类别", "承办岗位"])
    ws.append(["NB-01", "公务接待", "其他内部职权", "综合科、财务科"])
    ws.append(["NB-02", "固定资产管理", "资产管理", "财务科"])
    wb.save(tmp_path / "职权目录.xlsx")
    doc, unit = _import(runner, tmp_path, tmp_path / "职权目录.xlsx")
    assert doc["summary"]["errors"] == 0
    posts = yaml.safe_load((unit / "unit.yaml").read_text(encoding="utf-8"))["posts"]
    assert [(p["id"], p["name"]) for p in posts] == [("P-001", "综合科"), ("P-002", "财务科")]
    auths = yaml.safe_load((unit / "authorities.yaml").read_text(encoding="utf-8"))["authorities"]
    assert [a["posts"] for a in auths] == [["P-001", "P-002"], ["P-002"]]
    assert "LFK105" not in {f["code"] for f in _lint(runner, tmp_path / "reg")}


def test_a_department_column_is_the_risks_post(runner, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """责任科室/责任主体 (the department a risk lies in) with no 岗位 column: the risk's post (a post of that name, or a
    new one, IMP106) — lint no longer asks for a power or post (LFK410); a cell naming several is not a post; a
    second import changes nothing."""
    table = tmp_path / "t.csv"
    table.write_text("序号,风险点,风险等级,防控措施,责任科室\n1,采购需求量身定制,中,集体研究采购需求,办公室\n"
                     "2,验收走过场,低,两人以上验收,办公室\n3,资金拨付不及时,低,按月对账,财务科、办公室\n", encoding="utf-8")
    doc, unit = _import(runner, tmp_path, table)
    assert doc["summary"]["errors"] == 0
    posts = yaml.safe_load((unit / "unit.yaml").read_text(encoding="utf-8"))["posts"]
    assert [(p["id"], p["name"]) for p in posts] == [("P-001", "办公室")]
    risks = yaml.safe_load((unit / "risks.yaml").read_text(encoding="utf-8"))["risks"]
    assert [r.get("post") for r in risks] == ["P-001", "P-001", None]
    assert "财务科、办公室" in (unit / "risks.yaml").read_text(encoding="utf-8")  # kept, not made a post
    codes = [f["code"] for f in _lint(runner, tmp_path / "reg") if f["path"].endswith("risks.yaml")]
    assert codes.count("LFK410") == 1  # only the risk whose department cell names two
    r = invoke(runner, "import", str(table), "--root", str(tmp_path / "reg"), "--unit", "u", "--format", "json")
    counts = json.loads(r.stdout)["summary"]["counts"]
    assert all(c["added"] == 0 and c["replaced"] == 0 for c in counts.values()), counts


@pytest.mark.parametrize(("own", "want"), [
    # 广西 卫健: 免予处罚 lies between the 不予处罚 and 减轻处罚 the table lists around it
    (["不予处罚", "免予处罚", "减轻处罚", "从轻处罚"], ["不予处罚", "免予处罚", "减轻处罚", "从轻处罚", "一般", "从重处罚"]),
    # 文化: the unit's own words around 一般
    (["显著轻微", "轻微", "一般", "严重"], ["不予处罚", "减轻处罚", "从轻处罚", "显著轻微", "轻微", "一般", "严重", "从重处罚"]),
    (["一般", "一般", "从重处罚"], ["不予处罚", "减轻处罚", "从轻处罚", "一般", "从重处罚"]),
    (["甲", "乙"], ["不予处罚", "减轻处罚", "从轻处罚", "一般", "从重处罚", "甲", "乙"]),
])
def test_levels_with_the_tables_own_tier_words(own: list[str], want: list[str]) -> None:
    from lfk.model.vocab import DEFAULT_BENCHMARK_LEVELS
    from lfk.tables.importer import levels_with

    assert levels_with(own, list(DEFAULT_BENCHMARK_LEVELS)) == want


@pytest.mark.parametrize(("folder", "words"), [
    ("guangxi-health-penalty-discretion-tiers", "免予处罚"), ("culture-penalty-discretion-grades", "显著轻微、轻微、严重"),
])
def test_tier_words_outside_the_levels_are_said_with_the_setting(runner, tmp_path: Path, folder: str,  # type: ignore[no-untyped-def]
                                                                  words: str) -> None:
    """The officer learns at import, not only from lint's LFK101 on each tier, which tier words are not the unit's
    levels and the benchmark_levels line that takes them; with that line set, lint has no LFK101."""
    doc, unit = _import(runner, tmp_path, next((REAL / folder).glob("*.xlsx")))
    said = [f for f in doc["findings"] if f["code"] == "IMP106" and "裁量阶次" in f["message"]]
    assert len(said) == 1 and f"「{words}」" in said[0]["message"] and "benchmark_levels: [" in said[0]["message"]
    setting = said[0]["message"].split("按从轻到重写 ", 1)[1].split("（", 1)[0]
    root = unit.parent.parent
    (root / "lfk.yaml").write_text((root / "lfk.yaml").read_text(encoding="utf-8") + setting + "\n", encoding="utf-8")
    lint = json.loads(invoke(runner, "lint", "--root", str(root), "--format", "json").stdout)
    assert not [f for f in lint["findings"] if f["code"] == "LFK101" and "裁量阶次" in f["message"]]


@pytest.mark.parametrize(("cell", "penalty"), [
    ("情节轻微", False), ("情节较轻", False), ("一般", False), ("处以罚款300元", True), ("责令限期改正,予处罚。", True),
    ("并处违法所得5倍以下罚款", True), ("警告", True), ("1000–2000元", True), ("没收违法所得", True),
])
def test_a_cell_that_names_a_penalty(cell: str, penalty: bool) -> None:
    assert V.names_penalty(cell) is penalty


@pytest.mark.parametrize(("header", "cells", "fine_from", "kept"), [
    # 来宾 二次供水: 裁量幅度 holds the degree (情节轻微), 裁量标准 the penalty — the penalty column is the fine
    (["违法行为", "裁量阶次", "裁量幅度", "适用情形", "裁量标准"],
     [["甲", "从轻处罚", "情节轻微", "初次", "处以罚款500元"], [None, "一般", "情节一般", "再次", "处以罚款1000元"]],
     "裁量标准", {"裁量幅度": "情节轻微\n情节一般"}),
    # the same two headers the other way round: still the column that states the penalty
    (["违法行为", "裁量阶次", "裁量标准", "适用情形", "裁量幅度"],
     [["甲", "从轻处罚", "情节轻微", "初次", "处以罚款500元"], [None, "一般", "情节一般", "再次", "处以罚款1000元"]],
     "裁量幅度", {"裁量标准": "情节轻微\n情节一般"}),
    # both state penalties: the first is taken, as before
    (["违法行为", "裁量阶次", "裁量幅度", "适用情形", "裁量标准"],
     [["甲", "从轻处罚", "处以罚款500元", "初次", "警告"], [None, "一般", "处以罚款1000元", "再次", "警告"]],
     "裁量幅度", {"裁量标准": "警告"}),
])
def test_two_columns_naming_the_fine_take_the_one_that_states_it(runner, tmp_path: Path, header: list[str],  # type: ignore[no-untyped-def]
                                                                 cells: list[list[Any]], fine_from: str,
                                                                 kept: dict[str, str]) -> None:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    for row in (header, *cells):
        ws.append(row)
    ws.merge_cells("A2:A3")
    wb.save(tmp_path / "t.xlsx")
    doc, unit = _import(runner, tmp_path, tmp_path / "t.xlsx")
    assert doc["summary"]["errors"] == 0
    assert {c["header"]: c["field"] for c in doc["summary"]["columns"]}[fine_from] == "fine"
    said = [f for f in doc["findings"] if f["code"] == "IMP101"]
    assert len(said) == 1 and f"取「{fine_from}」" in said[0]["message"]
    item = yaml.safe_load(next(unit.glob("benchmarks/*.yaml")).read_text(encoding="utf-8"))["items"][0]
    assert item["extra"] == kept
    assert [t["fine"]["max"] for t in item["tiers"]] == [500, 1000]


@pytest.mark.parametrize(("rows", "tiers", "bare"), [
    # 卫生 指导标准: the second violation is cut off after its name — an item with no tier, said; none made up
    ([["甲", "1人", "处以罚款300元"], ["乙（截断", None, None]], [1, 0], ["乙（截断"]),
    ([["甲", "1人", "处以罚款300元"], ["乙", "2人", None]], [1, 1], []),  # a circumstance alone is a tier
])
def test_a_violation_line_without_a_tier_makes_none_up(runner, tmp_path: Path, rows: list[list[Any]],  # type: ignore[no-untyped-def]
                                                       tiers: list[int], bare: list[str]) -> None:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    for i, row in enumerate((["违法行为", "适用条件", "裁量幅度"], *rows)):
        ws.append([None if i == 0 else i, *row] if i else ["序号", *row])
    wb.save(tmp_path / "t.xlsx")
    doc, unit = _import(runner, tmp_path, tmp_path / "t.xlsx")
    assert doc["summary"]["errors"] == 0
    got = [len(yaml.safe_load(p.read_text(encoding="utf-8"))["items"][0]["tiers"]) for p in
           sorted(unit.glob("benchmarks/*.yaml"))]
    assert got == tiers
    said = [f["message"] for f in doc["findings"] if "没有裁量阶次、适用情形或裁量标准" in f["message"]]
    assert [m.split("违法行为「", 1)[1].split("」", 1)[0] for m in said] == bare


def test_a_line_naming_only_its_level_is_a_tier(runner, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    for row in (["违法行为", "裁量阶次", "适用情形", "裁量标准"], ["甲", "从轻处罚", "初次", "警告"], [None, "从重处罚", None, None]):
        ws.append(row)
    ws.merge_cells("A2:A3")
    wb.save(tmp_path / "t.xlsx")
    doc, unit = _import(runner, tmp_path, tmp_path / "t.xlsx")
    item = yaml.safe_load(next(unit.glob("benchmarks/*.yaml")).read_text(encoding="utf-8"))["items"][0]
    assert [t["level"] for t in item["tiers"]] == ["从轻处罚", "从重处罚"]
    assert not [f for f in doc["findings"] if "没有裁量阶次、适用情形或裁量标准" in f["message"]]


@pytest.mark.parametrize(("first", "cells", "field"), [
    (None, [1, 2], "seq"),  # 恭城: the 序号 header cell left blank over the numbers
    (None, [1], "seq"),
    ("", [3, 4], "seq"),
    (None, [2, 1], "extra.第1列"),  # not counting up: not a 序号
    (None, ["甲", "乙"], "extra.第1列"),
    ("序号", [1, 2], "seq"),
])
def test_a_blank_header_over_counting_numbers_is_the_sequence(runner, tmp_path: Path, first: str | None,  # type: ignore[no-untyped-def]
                                                              cells: list[Any], field: str) -> None:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.append([first, "权力分类", "项目名称", "实施依据"])
    for i, c in enumerate(cells):
        ws.append([c, "行政许可", f"许可{i}", "《法》第三条"])
    wb.save(tmp_path / "t.xlsx")
    doc, unit = _import(runner, tmp_path, tmp_path / "t.xlsx")
    assert doc["summary"]["errors"] == 0
    fields = [c["field"] for c in doc["summary"]["columns"]]
    assert fields == [field, "category", "name", "legal_basis"]


@pytest.mark.parametrize(("name", "key"), [
    ("【法律】《中华人民共和国公路法》", "中华人民共和国公路法"), ("【行政法规】 《医疗机构管理条例》", "医疗机构管理条例"),
    ("《中华人民共和国公路法》", "中华人民共和国公路法"), ("“公路法”", "公路法"),
])
def test_a_laws_level_mark_is_not_its_name(name: str, key: str) -> None:
    from lfk.model.config import Law

    assert Law.key(name) == key


def test_a_citation_marked_with_its_level_is_checked_against_the_laws(runner, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """恭城: 实施依据 cites 【法律】《中华人民共和国公路法》; the laws catalogue names 《中华人民共和国公路法》."""
    doc, unit = _import(runner, tmp_path, next((REAL / "gongcheng-transport-enforcement-power-duty-review").glob("*.xlsx")))
    assert doc["summary"]["errors"] == 0
    root = unit.parent.parent
    (root / "lfk.yaml").write_text((root / "lfk.yaml").read_text(encoding="utf-8")
                                   + "laws:\n  - {name: 《中华人民共和国公路法》, repealed: 2020-01-01}\n", encoding="utf-8")
    lint = json.loads(invoke(runner, "lint", "--root", str(root), "--format", "json").stdout)
    assert [f for f in lint["findings"] if f["code"] == "LFK210" and "公路法" in f["message"]]


def test_numbered_levels_are_quoted_in_the_setting(runner, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """江门 生态环境: 类别 1, 2, 3 — the benchmark_levels line says "1", "2", "3" (unquoted they would be numbers, and
    lfk.yaml would not load); with it set, lint has no LFK101."""
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["序号", "违法行为", "法律依据", "类别", "裁量情节", "裁量标准"])
    for level, circ, fine in (("1", "情节轻微的", "处1万元以上3万元以下罚款"), ("2", "情节一般的", "处3万元以上6万元以下罚款"),
                              ("3", "情节严重的", "处6万元以上10万元以下罚款")):
        ws.append(["1" if level == "1" else None, "未批先建的", "《中华人民共和国环境影响评价法》第三十一条", level, circ, fine])
    table = tmp_path / "江门.xlsx"
    wb.save(table)
    doc, unit = _import(runner, tmp_path, table)
    said = [f for f in doc["findings"] if f["code"] == "IMP106" and "裁量阶次" in f["message"]]
    assert len(said) == 1
    setting = said[0]["message"].split("按从轻到重写 ", 1)[1].split("（", 1)[0]
    assert yaml.safe_load(setting)["benchmark_levels"][-3:] == ["1", "2", "3"]
    root = unit.parent.parent
    (root / "lfk.yaml").write_text((root / "lfk.yaml").read_text(encoding="utf-8") + setting + "\n", encoding="utf-8")
    lint = json.loads(invoke(runner, "lint", "--root", str(root), "--format", "json").stdout)
    assert not [f for f in lint["findings"] if f["code"] == "LFK101" and "裁量阶次" in f["message"]]
    assert not [f for f in lint["findings"] if f["code"].startswith("LFK0") and f["severity"] == "error"]


@pytest.mark.parametrize(("cell", "want"), [
    ("1.不如实申请维修;\n2.多建议维修项目;\n3.审批走过场。", ["不如实申请维修", "多建议维修项目", "审批走过场。"]),
    ("1.印章使用不登记;2.把关不严;3.私自使用印章。", ["印章使用不登记", "把关不严", "私自使用印章。"]),
    ("1.不如实申请维修2.多建议维修项目3.审批走过场", ["不如实申请维修", "多建议维修项目", "审批走过场"]),  # run together
    ("1、弄虚作假；2、泄露应当保密的讨论事项", ["弄虚作假", "泄露应当保密的讨论事项"]),
    ("（1）未按要求申报（2）超出预算（3）提高接待档次", ["未按要求申报", "超出预算", "提高接待档次"]),
    ("1.1党政领导没有形成制度。 1.2分管领导没有体现要求 1.3缺乏审核", ["党政领导没有形成制度。", "分管领导没有体现要求", "缺乏审核"]),
    ("1.对第1、2项审查不严2.复核走过场", ["对第1、2项审查不严", "复核走过场"]),  # 第1、2项: no item
    ("1.罚款1.5万元以上2.没收", ["罚款1.5万元以上", "没收"]),  # a decimal is no number of the list
    ("1.处违法所得2.3倍罚款", ["处违法所得2.3倍罚款"]),
    ("1.甲乙丙丁2、戊己庚辛", ["甲乙丙丁2、戊己庚辛"]),  # another style: not the next item
    # 一是…二是…, 第一，…第二，…, 其一，…: how officials' prose numbers measures and risks
    ("一是严格执行审批制度；二是实行集体决策；三是加强监督检查。", ["严格执行审批制度", "实行集体决策", "加强监督检查。"]),
    ("一是严格审批二是集体决策", ["严格审批", "集体决策"]),  # run together
    ("第一，严格审批；第二，集体决策。", ["严格审批", "集体决策。"]),
    ("其一，公开；其二，监督", ["公开", "监督"]),
    ("坚持统一是原则；二是执行", ["坚持统一是原则；二是执行"]),  # 统一是 is a word, not 一是
    ("一是加强教育，二是二次审核，三是公开", ["加强教育", "二次审核", "公开"]),  # 一是…，二是…: a comma between
])
def test_numbered_items_of_a_cell(cell: str, want: list[str]) -> None:
    assert prose.split_numbered(cell) == want


@pytest.mark.parametrize(("cell", "want"), [
    ("1.弄虚作假;\n2.泄露秘密", ["弄虚作假", "泄露秘密"]),
    ("不如实申请维修\n多建议维修项目\n审批走过场", ["不如实申请维修", "多建议维修项目", "审批走过场"]),  # one per line
    ("在思想政治指导、业务知识培训等方面存在不足。", None),  # one risk
    ("1.违规加油,虚列油耗。", None),
    ("不按相关规定、程序、\n规格安排会议、公务。", None),  # one sentence wrapped over two lines
    ("公车\n私用", None),  # a narrow cell's wrap
])
def test_a_cell_listing_several_risks(cell: str, want: list[str] | None) -> None:
    assert prose.list_items(cell) == want


def test_a_long_risk_item_gets_a_short_title() -> None:
    long = "接待和报销部门不统一、报销票据不齐全、未使用公务卡结算、多批次接待统一结算"
    assert prose.short_title(long) == "接待和报销部门不统一、报销票据不齐全、未使用公务卡结算"
    assert prose.short_title("审批走过场") == "审批走过场"
    assert prose.short_title("甲" * 40) == "甲" * 30 + "…"  # no clause to cut at


def test_a_risk_cell_listing_risks_is_one_risk_per_item(runner, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """宝安/区委办/街道: a 风险点 cell of numbered risks (1.…;2.…, run together, （1）…, one per line) is a risk per
    item — never one risk titled with the whole list; the row's grade and post on each, the row's measures answering
    each; a long item titled by its first clauses, its full text the description; a second import changes nothing."""
    long = "未制定接待方案、未按照规定程序报批、接待标准超标、陪餐人数超标、报销票据不齐全"
    table = tmp_path / "t.csv"
    table.write_text("序号,责任科室,风险点,风险等级,防控措施\n"
                     f"1,办公室,\"1.不如实申请维修;\n2.多建议维修项目\",高,\"1.强化审批;\n2.核定维修项目\"\n"
                     f"2,办公室,1.虚列油耗2.违规加油3.{long},中,固定加油卡\n"
                     "3,财务科,（1）公款私存（2）虚报冒领,低,定期对账\n"
                     "4,财务科,\"违规报销\n私设小金库\",低,严格审核\n"
                     "5,财务科,资金拨付不及时,低,按月对账\n", encoding="utf-8")
    doc, unit = _import(runner, tmp_path, table)
    assert doc["summary"]["errors"] == 0
    risks = yaml.safe_load((unit / "risks.yaml").read_text(encoding="utf-8"))["risks"]
    assert [r["title"] for r in risks] == ["不如实申请维修", "多建议维修项目", "虚列油耗", "违规加油",
                                          "未制定接待方案、未按照规定程序报批、接待标准超标", "公款私存", "虚报冒领",
                                          "违规报销", "私设小金库", "资金拨付不及时"]
    assert risks[4]["description"] == long  # the full text kept
    assert [r["grade"] for r in risks] == ["高"] * 2 + ["中"] * 3 + ["低"] * 5
    assert [r["post"] for r in risks] == ["P-001"] * 5 + ["P-002"] * 5
    measures = yaml.safe_load((unit / "measures.yaml").read_text(encoding="utf-8"))["measures"]
    assert [(m["description"], m["risks"]) for m in measures[:3]] == [
        ("强化审批", ["R-001", "R-002"]), ("核定维修项目", ["R-001", "R-002"]), ("固定加油卡", ["R-003", "R-004", "R-005"])]
    r = invoke(runner, "import", str(table), "--root", str(tmp_path / "reg"), "--unit", "u", "--format", "json")
    again = json.loads(r.stdout)["summary"]
    assert again["files"] == [] and all(c["added"] == c["replaced"] == 0 for c in again["counts"].values())


def test_a_risk_with_its_id_is_not_split(runner, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """A row with a 风险编号 (an export of a register whose risk was titled with a list before lists were split) is
    that one risk: splitting it would give two rows the same id (IMP107)."""
    table = tmp_path / "t.csv"
    table.write_text("风险编号,风险点,风险等级\nR-001,\"1.弄虚作假;\n2.泄露秘密\",低\n", encoding="utf-8")
    doc, unit = _import(runner, tmp_path, table)
    assert doc["summary"]["errors"] == 0
    risks = yaml.safe_load((unit / "risks.yaml").read_text(encoding="utf-8"))["risks"]
    assert [(r["id"], r["title"]) for r in risks] == [("R-001", "1.弄虚作假;\n2.泄露秘密")]


def test_risks_of_the_same_text_on_several_rows_stay_apart_on_reimport(runner, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """街道: 申请人提供了虚假资料 is a risk of several powers (rows): a second import matches each to its own risk,
    not every row to the first (which was IMP107, an id repeated)."""
    table = tmp_path / "t.csv"
    table.write_text("序号,岗位,风险点,风险等级\n1,失业登记,\"1.申请人提供了虚假资料;\n2.违规登记\",低\n"
                     "2,创业补贴,\"1.申请人提供了虚假资料;\n2.违规审批\",低\n", encoding="utf-8")
    doc, _ = _import(runner, tmp_path, table)
    assert doc["summary"]["counts"]["risks"]["added"] == 4
    r = invoke(runner, "import", str(table), "--root", str(tmp_path / "reg"), "--unit", "u", "--format", "json")
    again = json.loads(r.stdout)
    assert again["summary"]["errors"] == 0 and again["summary"]["counts"]["risks"]["unchanged"] == 4


@pytest.mark.parametrize(("rows", "shown"), [
    (1, "「职权内容」列有 1 行不是本单位的职权：第 2 行「业务1」；"),
    (3, "「职权内容」列有 3 行不是本单位的职权：第 2 行「业务1」、第 3 行「业务2」、第 4 行「业务3」；"),
    (40, "「职权内容」列有 40 行不是本单位的职权：第 2 行「业务1」、第 3 行「业务2」、第 4 行「业务3」等 40 行；"),
])
def test_powers_not_found_beside_a_department_are_said_once(runner, tmp_path: Path, rows: int,  # type: ignore[no-untyped-def]
                                                            shown: str) -> None:
    """宝安/区委办: 职权内容 naming no power of the unit (kept in extra, the risk on its 责任主体's post) was an IMP105
    per row — 40 infos for a 40-row table; now one for the column, with the count and the first rows (and the ids
    given and the missing 风险类别 column, one finding each, not one per risk)."""
    body = "".join(f"{i},办公室,业务{i},\"1.风险{i}甲;2.风险{i}乙\",低\n" for i in range(1, rows + 1))
    table = tmp_path / "t.csv"
    table.write_text("序号,责任主体,职权内容,风险点,风险等级\n" + body, encoding="utf-8")
    doc, unit = _import(runner, tmp_path, table)
    said = [f for f in doc["findings"] if f["code"] == "IMP105"]
    assert len(said) == 1 and said[0]["severity"] == "info" and said[0]["line"] == 2 and said[0]["column"] == 3
    assert shown in said[0]["message"]
    risks = yaml.safe_load((unit / "risks.yaml").read_text(encoding="utf-8"))["risks"]
    assert [r["extra"]["岗位/职权"] for r in risks[:3]] == ["业务1", "业务1", "业务2"][:len(risks[:3])]
    # what holds for the whole table is said once too: the ids given, the missing 风险类别 column
    numbered = [f["message"] for f in doc["findings"] if f["code"] == "IMP106" and "没有编号" in f["message"]]
    ids = "R-001、R-002" + (f" … R-{2 * rows:03d}" if rows > 1 else "")
    assert numbered == [f"工作表「t」第 2 行：没有编号，编为 {ids}（共 {2 * rows} 项）"]
    assert sum(f["code"] == "IMP103" and "表中没有风险类别列" in f["message"] for f in doc["findings"]) == 1
    assert all(r["category"] == "未分类" for r in risks) and len(risks) == 2 * rows


@pytest.mark.parametrize(("cell", "names", "pair"), [
    ("徐千", ["徐千"], None), ("李寿国", ["李寿国"], None), ("欧阳娜娜", ["欧阳娜娜"], None),
    ("张三、李四", ["张三", "李四"], None), ("张三\n李四", ["张三", "李四"], None),
    ("王建国（科长）", None, ("科长", "王建国")), ("科长：王建国", None, ("科长", "王建国")),
    ("分管领导 李四", None, ("分管领导", "李四")),
    ("科长", None, None), ("主任", None, None), ("副局长", None, None), ("党委书记", None, None),
    ("网格员", None, None), ("会计", None, None), ("办公室", None, None), ("财务科", None, None),
    ("科室负责人", None, None), ("分管领导人\n科室负责人", None, None), ("劳动保障中心", None, None),
    ("岗位责任人", None, None), ("综治办", None, None), ("科长（主持工作）", None, None),
])
def test_a_post_cell_naming_people(cell: str, names: list[str] | None, pair: tuple[str, str] | None) -> None:
    assert V.person_names(cell) == names and V.post_and_person(cell) == pair


@pytest.mark.parametrize(("column", "cells", "owners", "posts"), [
    ("责任人", ["徐千", "张三、李四", "徐千"], [None, None, None], []),
    ("责任人", ["王建国（科长）", "科长：李彬", "科室负责人"], ["P-001", "P-001", "P-002"], ["科长", "科室负责人"]),
    ("责任岗位", ["李寿国", "校长", "李寿国"], [None, "P-001", None], ["校长"]),
])
def test_personal_names_never_name_a_post(runner, tmp_path: Path, column: str, cells: list[str],  # type: ignore[no-untyped-def]
                                          owners: list[str | None], posts: list[str]) -> None:
    """A 责任人 column of personal names (a real table's 徐千, 李寿国) made posts named after people, which the public
    site shows: the names stay in the item's extra (internal), no post is made of them (a post written beside a
    name is), and the import says so once for the column (IMP109), naming rows, not people."""
    table = tmp_path / "t.csv"
    table.write_text(f"序号,风险点,风险等级,防控措施,{column}\n" + "".join(
        f"{i},风险{i},低,措施{i},\"{c}\"\n" for i, c in enumerate(cells, 1)), encoding="utf-8")
    doc, unit = _import(runner, tmp_path, table)
    assert doc["summary"]["errors"] == 0
    risks = yaml.safe_load((unit / "risks.yaml").read_text(encoding="utf-8"))["risks"]
    assert [r.get("owner") for r in risks] == owners
    assert [r.get("extra", {}).get("责任人") for r in risks] == [c if V.person_names(c) or V.post_and_person(c) else None
                                                       for c in cells]
    unit_yaml = yaml.safe_load((unit / "unit.yaml").read_text(encoding="utf-8"))
    assert [p["name"] for p in unit_yaml.get("posts") or []] == posts
    said = [f for f in doc["findings"] if f["code"] == "IMP109"]
    assert len(said) == 1 and said[0]["line"] == 2 + next(i for i, c in enumerate(cells) if c not in posts)
    assert not any(n in said[0]["message"] for c in cells for n in V.person_names(c) or [])  # rows, not names
    measures = yaml.safe_load((unit / "measures.yaml").read_text(encoding="utf-8"))["measures"]
    assert [m.get("owner") for m in measures] == owners
    site_text = (unit / "unit.yaml").read_text(encoding="utf-8")
    assert not any(n in site_text for c in cells for n in V.person_names(c) or [])


@pytest.mark.parametrize(("header", "cells", "merge", "posts", "post_of_rows"), [
    # 上海城投: 岗位类别 merged down its rows, in vertical text: one post, every row on it
    ("岗位\n类别", ["领\n导\n班\n子\n成\n员"] * 3, "B2:B4", ["领导班子成员"], ["P-001"] * 3),
    ("岗位类别", ["领导班子成员", "中层管理人员", None], "B3:B4", ["领导班子成员", "中层管理人员"], ["P-001", "P-002", "P-002"]),
    ("工作岗位", ["财务岗", "财务岗", "出纳岗"], None, ["财务岗", "出纳岗"], ["P-001", "P-001", "P-002"]),
    ("部门", ["办\n公\n室", None, None], "B2:B4", ["办公室"], ["P-001"] * 3),
    ("岗位/职权", ["公车管理", None, None], "B2:B4", [], [None] * 3),  # a power or a post: not guessed
    ("职权内容", ["公车管理", None, None], "B2:B4", [], [None] * 3),
])
def test_a_post_column_merged_down_is_the_post_of_its_rows(runner, tmp_path: Path, header: str,  # type: ignore[no-untyped-def]
                                                            cells: list[str | None], merge: str | None,
                                                            posts: list[str], post_of_rows: list[str | None]) -> None:
    """岗位类别/岗位/部门 (a header naming posts, not powers) is the post of the risks on its rows — a merge down
    the rows carries it to each, vertical text (one character a line) joined; a 岗位/职权 cell that may name a
    power is not taken for a post."""
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.append(["序号", header, "风险点", "风险等级", "防控措施"])
    for i, c in enumerate(cells, 1):
        ws.append([i, c, f"风险{i}", "低", f"措施{i}"])
    if merge:
        ws.merge_cells(merge)
    wb.save(tmp_path / "t.xlsx")
    doc, unit = _import(runner, tmp_path, tmp_path / "t.xlsx")
    assert doc["summary"]["errors"] == 0
    unit_yaml = yaml.safe_load((unit / "unit.yaml").read_text(encoding="utf-8"))
    assert [p["name"] for p in unit_yaml.get("posts") or []] == posts
    risks = yaml.safe_load((unit / "risks.yaml").read_text(encoding="utf-8"))["risks"]
    assert [r.get("post") for r in risks] == post_of_rows
    if not posts:
        assert all(r["extra"]["岗位/职权"] == "公车管理" for r in risks)  # kept, and said (IMP105)


def test_people_in_a_power_post_cell_are_each_kept(runner, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """承办岗位 "张三、李四、财务科": the post 财务科; both names kept in the power's extra (not only the first), no
    post named after either."""
    table = tmp_path / "t.csv"
    table.write_text("职权编码,职权名称,职权类别,承办岗位\nNB-01,公务接待,其他内部职权,张三、李四、财务科\n", encoding="utf-8")
    doc, unit = _import(runner, tmp_path, table)
    assert doc["summary"]["errors"] == 0 and [f["code"] for f in doc["findings"]].count("IMP109") == 1
    auth = yaml.safe_load((unit / "authorities.yaml").read_text(encoding="utf-8"))["authorities"][0]
    assert auth["posts"] == ["P-001"] and auth["extra"] == {"承办岗位": "张三、李四"}
    posts = yaml.safe_load((unit / "unit.yaml").read_text(encoding="utf-8"))["posts"]
    assert [p["name"] for p in posts] == ["财务科"]


def test_a_warning_for_several_rows_is_said_once_with_the_rows(runner, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """亳州: 风险类别「岗位职责风险」 on rows 2, 4 and 5 — one IMP103 naming the rows (at the first), not three; a
    different value (业务流程风险, row 3) its own."""
    doc, _ = _import(runner, tmp_path, next((REAL / "bozhou-housing-bureau-risk-register").glob("*.xlsx")))
    said = [f for f in doc["findings"] if f["code"] == "IMP103" and "风险类别" in f["message"]]
    assert len(said) == 2
    duty = next(f for f in said if "岗位职责风险" in f["message"])
    assert duty["line"] == 2 and "同样的还有第 4、5 行，共 3 行" in duty["message"]
    assert next(f for f in said if "业务流程风险" in f["message"])["line"] == 3


FOOT_ROWS = [  # (the row, a foot of the form?)
    (["制表人：张三", None, "审核人：李四", None, "日期：2024年3月1日"], True),
    ([None, None, "制表人：张三    审核人：李四    填报日期：2024年3月1日"], True),
    (["填报单位（盖章）：", None, "负责人：", None, "填报日期：    年  月  日"], True),
    (["注：1.风险等级分为高、中、低三级；\n2.防控措施应具体可行。"], True),
    (["填表说明"], True),
    ([None, None, None, "制表人：", "张三"], True),
    (["制表人", "张三", "审核人", "李四"], True),
    (["联系人：王五", None, "联系电话：0551-1234567"], True),
    (["主要负责人", "张三"], False),  # a row of posts: 负责人 alone is no sign-off label
    (["1", "负责人：审批", "高"], False),
    (["负责人：张三", "审批风险"], False),
    (["说明：见附件", "另表"], False),
]


@pytest.mark.parametrize(("cells", "want"), FOOT_ROWS)
def test_foot_rows_of_a_form(cells: list[Any], want: bool) -> None:
    assert L.foot_row(cells) is want


@pytest.mark.parametrize("foot", [[cells] for cells, is_foot in FOOT_ROWS if is_foot][:4] + [[
    ["注：本表一式两份"], ["制表人：张三", None, None, "日期：2024年3月1日"]]])
def test_the_foot_of_a_form_is_kept_as_a_note_not_an_item(runner, tmp_path: Path,  # type: ignore[no-untyped-def]
                                                           foot: list[list[Any]]) -> None:
    """Regression: a 制表人/日期 row below the table was a risk (titled 日期：…, 制表人 lost) and a multi-line 注：
    row stopped the import (缺少「风险点」); they are notes now (# 表注：), the items the table's rows only."""
    import openpyxl

    wb = openpyxl.Workbook()
    for r in [["风险点登记表"], ["序号", "岗位", "风险点", "风险等级", "防控措施"],
              ["1", "办公室", "公务车维修不如实申请", "高", "强化审批"], ["2", "财务科", "虚列支出", "低", "定期对账"], *foot]:
        wb.active.append(r)
    wb.save(tmp_path / "t.xlsx")
    doc, unit = _import(runner, tmp_path, tmp_path / "t.xlsx")
    assert doc["summary"]["errors"] == 0
    text = (unit / "risks.yaml").read_text(encoding="utf-8")
    assert [r["title"] for r in yaml.safe_load(text)["risks"]] == ["公务车维修不如实申请", "虚列支出"]
    notes = [line for line in text.splitlines() if line.startswith("# 表注：")]
    assert notes == ["# 表注：" + " ".join(" ".join(str(v) for v in dict.fromkeys(r) if v).split()) for r in foot]


SEQ_TEXT = [  # (header, a row whose 序号 cell is text, the file written and the list in it)
    (["序号", "岗位", "风险点", "风险等级", "防控措施"], ["见附件", "办公室", "公务车维修不如实申请", "高", "强化审批"],
     "risks.yaml", "risks"),
    (["序号", "职权编码", "职权名称", "职权类型"], ["另行公布", "XK-001", "食品经营许可", "行政许可"],
     "authorities.yaml", "authorities"),
    (["序号", "行政处罚事项", "处罚依据", "裁量档次", "裁量标准"], ["（新增）", "涂改许可证", "《条例》第三十条", "一般",
                                                       "处5000元以上1万元以下罚款"], "benchmarks/B-001.yaml", "items"),
]


@pytest.mark.parametrize(("head", "row", "file", "key"), SEQ_TEXT, ids=["risks", "authorities", "benchmarks"])
def test_a_sequence_cell_of_text_is_kept(runner, tmp_path: Path, head: list[str], row: list[str],  # type: ignore[no-untyped-def]
                                         file: str, key: str) -> None:
    """Regression: a 序号 cell that is no number (见附件, a note typed into the first column) was dropped."""
    import openpyxl

    wb = openpyxl.Workbook()
    for r in (head, row):
        wb.active.append(r)
    wb.save(tmp_path / "t.xlsx")
    doc, unit = _import(runner, tmp_path, tmp_path / "t.xlsx")
    assert doc["summary"]["errors"] == 0, doc["findings"]
    (item,) = yaml.safe_load((unit / file).read_text(encoding="utf-8"))[key]
    assert item["extra"]["序号"] == row[0]


@pytest.mark.parametrize("seq", ["1", "1-1", "2.3", "（一）", "第3项", "①"])
def test_sequence_numbers(seq: str) -> None:
    assert V.is_seq(seq) and not V.is_seq(f"{seq}见附件")


def test_the_foot_of_a_responsibility_list_is_kept(runner, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """Regression: a 填表说明 row of a 责任清单 (text outside the 运行环节/责任事项 columns) was dropped, and a
    制表人 row across them was a stage of the flow."""
    import openpyxl

    wb = openpyxl.Workbook()
    for r in [["序号", "运行环节", "责任事项"], ["1", "(一)立案", "及时立案。"], ["2", "(二)调查", "依法调查。"],
              ["填表说明：本表一式两份"], ["制表人：张三", "审核人：李四", "日期：2024年3月1日"]]:
        wb.active.append(r)
    wb.save(tmp_path / "t.xlsx")
    doc, unit = _import(runner, tmp_path, tmp_path / "t.xlsx")
    (flow,) = [yaml.safe_load(p.read_text(encoding="utf-8")) for p in (unit / "flows").glob("*.yaml")]
    assert [s["name"] for s in flow["steps"]] == ["立案", "调查"]
    assert all(t in flow["description"] for t in ("填表说明：本表一式两份", "制表人：张三", "日期：2024年3月1日"))
