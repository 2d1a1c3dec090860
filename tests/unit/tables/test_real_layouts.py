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


def test_a_column_without_a_field_is_kept_per_tier_line(runner, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """A tier line's own value in a column lfk has no field for is kept, not only the first line's."""
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    for row in (["违法行为", "裁量阶次", "适用情形", "罚款幅度", "备案情况"],
                ["甲", "从轻处罚", "初次", "1000–2000元", "已备案"], [None, "一般", "再次", "2000–3000元", "未备案"]):
        ws.append(row)
    ws.merge_cells("A2:A3")
    wb.save(tmp_path / "t.xlsx")
    doc, unit = _import(runner, tmp_path, tmp_path / "t.xlsx")
    assert doc["summary"]["errors"] == 0
    bm = yaml.safe_load(next(unit.glob("benchmarks/*.yaml")).read_text(encoding="utf-8"))
    assert bm["items"][0]["extra"] == {"备案情况": "已备案\n未备案"}


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
    assert [r["post"] for r in risks] == ["P-001"] * 3 + ["P-003"] * 2  # merged cells carried
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
    assert len(cats) == 5 and all("还没有风险类别" in m and "taxonomy: categories" not in m for m in cats)


def test_a_high_risk_owned_by_a_role_asks_for_a_leader(runner, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """宝安市场监管局: 科室主要负责人 owns a 高 risk: lint says the owner of a 高 risk must be a leader post."""
    _import(runner, tmp_path, next((REAL / "baoan-market-regulation-bureau-risk-list").glob("*.xlsx")))
    found = _lint(runner, tmp_path / "reg")
    assert "LFK105" not in {f["code"] for f in found}
    assert [f["message"].split("；")[0] for f in found if f["code"] == "LFK405"] == [
        "高风险的责任人 P-002（科室主要负责人）不是领导岗位"]


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
    assert [r.get("authority") for r in risks] == ["NB-01", None, None, None, "NB-02"]
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
