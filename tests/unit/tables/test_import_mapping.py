"""``lfk import`` on the layouts real units publish: several tables in one sheet, no header row, local grade
words and numbering, ``--as``, ``--map`` and ``import.columns`` (small synthetic workbooks built here)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml
from openpyxl import Workbook

from lfk.register import Register
from tests.conftest import invoke


@pytest.fixture
def reg(runner, tmp_path: Path) -> Path:  # type: ignore[no-untyped-def]
    """A new register with one empty unit ``u``."""
    root = tmp_path / "reg"
    assert invoke(runner, "init", str(root)).exit_code == 0
    r = invoke(runner, "new", "unit", "u", "--root", str(root), "--name", "单位", "--type", "事业单位")
    assert r.exit_code == 0, r.output
    return root


def _book(path: Path, rows: list[list[Any]], title: str = "Sheet1") -> Path:
    wb = Workbook()
    ws = wb.active
    ws.title = title
    for row in rows:
        ws.append(row)
    wb.save(path)
    return path


def _import(runner, root: Path, path: Path, *extra: str) -> tuple[int, dict[str, Any]]:  # type: ignore[no-untyped-def]
    r = invoke(runner, "import", str(path), "--root", str(root), "--unit", "u", "--format", "json", *extra)
    return r.exit_code, json.loads(r.stdout)


def _added(doc: dict[str, Any], kind: str) -> int:
    return int(doc["summary"]["counts"].get(kind, {}).get("added", 0))


def _codes(doc: dict[str, Any]) -> set[str]:
    return {f["code"] for f in doc["findings"]}


def _unchanged_again(runner, root: Path, path: Path, *extra: str) -> None:  # type: ignore[no-untyped-def]
    code, doc = _import(runner, root, path, *extra)
    assert code == 0 and doc["summary"]["files"] == [], doc["summary"]
    assert all(c["added"] == 0 and c["replaced"] == 0 for c in doc["summary"]["counts"].values())


# -- several tables in one sheet ----------------------------------------------------------------------
def test_several_tables_in_one_sheet_with_post_headings(runner, reg: Path, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """Each header row starts a table; a post heading (办公室) sets the post of the tables below; captions
    (一、权力目录) are titles; a header repeated mid-sheet starts a new table of the same kind."""
    path = _book(tmp_path / "多表.xlsx", [
        ["某学院权力运行风险防范"],
        ["办公室"],
        ["一、权力目录"],
        ["序号", "权力名称", "权力行使部门", "授权依据", "负责人"],
        [1, "印章使用审批权", "办公室", "印章管理办法", "主任"],
        [2, "公文审核权", "办公室", "公文处理办法", "主任"],
        ["二、权力风险及防范措施"],
        ["序号", "权力名称", "风险点", "风险等级", "防范措施", "负责人"],
        [1, "印章使用审批权", "违规用印", "高", "1.用印登记\n2.双人审核", "主任"],
        ["财务科"],
        ["序号", "权力名称", "风险点", "风险等级", "防范措施", "负责人"],
        [1, "经费报销审核权", "虚假报销", "中", "严格审核票据", "科长"],
    ])
    code, doc = _import(runner, reg, path)
    assert code == 0 and doc["summary"]["errors"] == 0, doc["findings"]
    assert (_added(doc, "authorities"), _added(doc, "risks"), _added(doc, "measures"), _added(doc, "posts")) == (2, 2, 3, 2)
    ud = Register(reg).unit("u")
    posts = {p.name: p.id for p in ud.posts.values()}
    assert set(posts) == {"办公室", "财务科"}
    auth = {a.model.name: a.model for a in ud.authorities}
    assert auth["印章使用审批权"].posts == [posts["办公室"]] and auth["印章使用审批权"].subject == "办公室"
    risks = {r.model.title: r.model for r in ud.risks}
    assert risks["违规用印"].authority == auth["印章使用审批权"].id and risks["违规用印"].post == posts["办公室"]
    assert risks["虚假报销"].post == posts["财务科"] and risks["虚假报销"].grade == "中"
    assert risks["违规用印"].responsible is not None and risks["违规用印"].responsible.person == "主任"
    text = (reg / "units" / "u" / "risks.yaml").read_text(encoding="utf-8")
    assert "表题：一、权力目录" in text and "表题：二、权力风险及防范措施" in text
    rows = {(c["row"], c["header"]): c["field"] for c in doc["summary"]["columns"]}
    assert rows[(4, "权力名称")] == "name" and rows[(8, "权力名称")] == "where" and rows[(11, "风险点")] == "title"
    _unchanged_again(runner, reg, path)


def test_numbered_section_sets_category_or_post(runner, reg: Path, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """A section row naming a category of the taxonomy sets the category; any other one the post."""
    cats = list(Register(reg).config.categories())
    path = _book(tmp_path / "分组.xlsx", [
        ["序号", "风险点", "风险等级", "防控措施"],
        [f"一、{cats[0]}"],
        [1, "甲风险", "高", "措施甲"],
        ["二、领导干部岗位"],
        [2, "乙风险", "低", "措施乙"],
    ])
    code, doc = _import(runner, reg, path)
    assert code == 0, doc["findings"]
    ud = Register(reg).unit("u")
    risks = {r.model.title: r.model for r in ud.risks}
    assert risks["甲风险"].category == cats[0]
    assert ud.posts[str(risks["乙风险"].post)].name == "领导干部岗位"


# -- no header row ----------------------------------------------------------------------------------------
HEADERLESS = [
    [11, None, "失业登记:\n1.接收资料;\n2.录入系统。", "1.提供虚假资料;\n2.利益引诱,违规登记。", "低", "加强审查核实,实行职责分工。", "分管领导"],
    [12, None, "就业困难认定:\n1.接收资料;\n2.公示。", "1.公示时间不足;\n2.违规通过。", "中", "严格公示程序,加强复核。", "分管领导"],
    [13, "劳动保障\n中心", "创业补贴:\n1.受理;\n2.复核。", "1.违规审批;\n2.资料不齐。", "低", "加强审查核实,实行职责分工。", "科室负责人"],
]


def test_headerless_sheet_columns_inferred_from_content(runner, reg: Path, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    path = _book(tmp_path / "清单.xlsx", HEADERLESS, "清单")
    code, doc = _import(runner, reg, path)
    assert code == 0 and doc["summary"]["errors"] == 0, doc["findings"]
    assert "IMP108" in _codes(doc) and "IMP100" not in _codes(doc)
    # row 1 is data, not a header; each numbered item of 第4列 a risk, each row's measure answering its risks
    assert (_added(doc, "risks"), _added(doc, "measures")) == (6, 3)
    fields = {c["header"]: c["field"] for c in doc["summary"]["columns"]}
    assert fields["第1列"] == "seq" and fields["第4列"] == "title" and fields["第5列"] == "grade"
    assert fields["第6列"] == "measures_text" and fields["第2列"] == "extra.第2列"
    risks = [r.model for r in Register(reg).unit("u").risks]
    assert [r.grade for r in risks] == ["低", "低", "中", "中", "低", "低"] and risks[4].extra["第2列"] == "劳动保障\n中心"
    assert [r.title for r in risks[:2]] == ["提供虚假资料", "利益引诱,违规登记。"]
    _unchanged_again(runner, reg, path)


def test_headerless_sheet_under_a_title_row(runner, reg: Path, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """A merged title above headerless data stays a title; no 序号 column: 岗位 | 风险点 | 等级 | 措施 | 责任人."""
    wb = Workbook()
    ws = wb.active
    ws.append(["某街道廉政风险防控清单"] * 5)
    ws.merge_cells("A1:E1")
    ws.append(["综治办", "矛盾纠纷调解不公", "高", "建立调解登记制度", "主任"])
    ws.append(["财务室", "虚报冒领", "Ⅲ级", "严格审核凭证", "会计"])
    path = tmp_path / "无表头.xlsx"
    wb.save(path)
    code, doc = _import(runner, reg, path)
    assert code == 0 and "IMP108" in _codes(doc), doc["findings"]
    fields = {c["header"]: c["field"] for c in doc["summary"]["columns"]}
    assert fields == {"第1列": "where", "第2列": "title", "第3列": "grade", "第4列": "measures_text", "第5列": "owner"}
    ud = Register(reg).unit("u")
    assert [(r.model.title, r.model.grade) for r in ud.risks] == [("矛盾纠纷调解不公", "高"), ("虚报冒领", "低")]
    assert "表题：某街道廉政风险防控清单" in (reg / "units/u/risks.yaml").read_text(encoding="utf-8")
    # 责任人 names roles the unit has no post for: each a new post, the risk's owner (not a name in an id field)
    assert {p.id: p.name for p in ud.posts.values()} == {"P-001": "主任", "P-002": "会计"}
    assert [r.model.owner for r in ud.risks] == ["P-001", "P-002"]


def test_headerless_mapping_by_column_name(runner, reg: Path, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """第N列 in a --map file overrides what was inferred."""
    path = _book(tmp_path / "清单.xlsx", HEADERLESS, "清单")
    mapping = tmp_path / "map.yaml"
    mapping.write_text("import:\n  columns:\n    第7列: extra\n    第3列: description\n", encoding="utf-8")
    code, doc = _import(runner, reg, path, "--map", str(mapping))
    assert code == 0, doc["findings"]
    fields = {c["header"]: c["field"] for c in doc["summary"]["columns"]}
    assert fields["第7列"] == "extra.第7列" and fields["第3列"] == "description"
    risk = Register(reg).unit("u").risks[0].model
    assert risk.owner is None and risk.extra["第7列"] == "分管领导" and risk.description.startswith("失业登记")


def test_sheet_of_prose_is_still_not_recognised(runner, reg: Path, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    path = _book(tmp_path / "说明.xlsx", [["关于开展廉政风险排查的通知"], ["各科室：请于月底前报送。", None, "办公室"]])
    code, doc = _import(runner, reg, path)
    assert code == 1 and "IMP100" in _codes(doc) and "IMP108" not in _codes(doc)


# -- grade words and numbering inside cells ---------------------------------------------------------
@pytest.mark.parametrize(("words", "grades"), [
    (["Ⅰ级", "Ⅱ级", "Ⅲ级"], ["高", "中", "低"]),
    (["I级", "II级", "III级"], ["高", "中", "低"]),
    (["一级", "二级风险", "三级"], ["高", "中", "低"]),
    ([1, 2, 3], ["高", "中", "低"]),
    (["1级", "2级", "3级"], ["高", "中", "低"]),
])
def test_ordinal_grade_words(runner, reg: Path, tmp_path: Path, words: list[Any], grades: list[str]) -> None:  # type: ignore[no-untyped-def]
    path = _book(tmp_path / "等级.xlsx", [["风险点", "风险等级", "防控方法"]]
                 + [[f"风险{i}", w, f"措施{i}"] for i, w in enumerate(words)])
    code, doc = _import(runner, reg, path)
    assert code == 0, doc["findings"]
    risks = [r.model for r in Register(reg).unit("u").risks]
    assert [r.grade for r in risks] == grades
    assert [r.extra["风险等级"] for r in risks] == [str(w) for w in words]  # the unit's own word, kept
    hint = next(f["message"] for f in doc["findings"] if f["code"] == "IMP106" and "grading" in f["message"])
    assert "aliases" in hint and str(words[0]) in hint


def test_grading_aliases_are_the_units_own_words(runner, reg: Path, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    cfg = reg / "lfk.yaml"
    cfg.write_text(cfg.read_text(encoding="utf-8").replace("grading:", "grading:\n  aliases: {高: [Ⅰ级], 中: [Ⅱ级]}", 1)
                   if "grading:" in cfg.read_text(encoding="utf-8") else
                   cfg.read_text(encoding="utf-8") + "grading:\n  aliases: {高: [Ⅰ级], 中: [Ⅱ级]}\n", encoding="utf-8")
    path = _book(tmp_path / "等级.xlsx", [["风险点", "风险等级", "防控方法"], ["甲", "Ⅰ级", "措施甲"], ["乙", "Ⅱ级", "措施乙"]])
    code, doc = _import(runner, reg, path)
    assert code == 0, doc["findings"]
    risks = [r.model for r in Register(reg).unit("u").risks]
    assert [r.grade for r in risks] == ["高", "中"] and all("风险等级" not in r.extra for r in risks)


def test_numbering_inside_risk_and_category_cells(runner, reg: Path, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """1、… inside the risk text and 一、… in the category are numbering; an unnumbered measure cell is one
    measure (as published, ; and 。 included); a numbered one is split, 1.1 kept whole."""
    path = _book(tmp_path / "汇总表.xlsx", [
        ["风险领域", "风险点", "风险等级", "主要表现形式", "主要预防措施"],
        ["一、内控机制", "1、内控机制不健全", 1, "1.决策不规范;2.授权不清晰", "坚持民主集中制;明确审批权限;实行轮岗。"],
        ["一、内控机制", "2.1党政联席会议", 2, "会议不规范", "1.1党政联席会议规则；\n2.会议纪要存档"],
    ])
    code, doc = _import(runner, reg, path)
    assert code == 0, doc["findings"]
    ud = Register(reg).unit("u")
    risks = [r.model for r in ud.risks]
    assert [r.title for r in risks] == ["内控机制不健全", "党政联席会议"]
    assert {r.category for r in risks} == {"内控机制"} and risks[0].description == "1.决策不规范;2.授权不清晰"
    measures = [m.model.description for m in ud.measures]
    assert measures == ["坚持民主集中制;明确审批权限;实行轮岗。", "党政联席会议规则", "会议纪要存档"]
    _unchanged_again(runner, reg, path)


def test_same_measure_text_on_each_row_is_one_measure_per_risk(runner, reg: Path, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """Cells repeated (not merged) on every row stay one measure per risk, and a re-import matches each."""
    path = _book(tmp_path / "重复.xlsx", [["风险点", "风险等级", "防控措施"]]
                 + [[f"风险{i}", "低", "加强审查核实"] for i in range(3)])
    code, doc = _import(runner, reg, path)
    assert code == 0 and _added(doc, "measures") == 3
    _unchanged_again(runner, reg, path)


# -- --as, --map, import.columns ----------------------------------------------------------------------
def test_as_forces_the_table_kind(runner, reg: Path, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    path = _book(tmp_path / "少列.xlsx", [["风险点", "防控方法", "备注"], ["甲风险", "措施甲", "x"]], "Sheet1")
    code, doc = _import(runner, reg, path)
    assert code == 1 and "IMP100" in _codes(doc)
    code, doc = _import(runner, reg, path, "--as", "risks")
    assert code == 0 and _added(doc, "risks") == 1 and _added(doc, "measures") == 1
    r = invoke(runner, "import", str(path), "--root", str(reg), "--unit", "u", "--as", "people")
    assert r.exit_code == 2 and "risks, authorities, measures, benchmarks, flows" in r.output


def test_as_flows_reads_only_a_responsibility_list(runner, reg: Path, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    path = _book(tmp_path / "风险.xlsx", [["风险点", "风险等级", "防控措施"], ["甲", "高", "措施"]])
    code, doc = _import(runner, reg, path, "--as", "flows")
    assert code == 1 and "IMP100" in _codes(doc) and _added(doc, "risks") == 0


def test_map_file_and_import_columns_in_lfk_yaml(runner, reg: Path, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    path = _book(tmp_path / "本地表头.xlsx", [["风险情形", "风险等级", "应对办法", "说明"],
                                             ["甲风险", "高", "措施甲", "重点"]], "风险点登记表")
    code, doc = _import(runner, reg, path, "--dry-run")
    imp101 = [f for f in doc["findings"] if f["code"] == "IMP101"]
    assert imp101 and all("import.columns" in f["message"] for f in imp101)  # the hint names the setting that exists
    mapping = tmp_path / "map.yaml"
    mapping.write_text("import:\n  columns:\n    风险情形: title\n    说明: extra\n", encoding="utf-8")
    cfg = reg / "lfk.yaml"
    cfg.write_text(cfg.read_text(encoding="utf-8") + "import:\n  columns:\n    应对办法: measures_text\n", encoding="utf-8")
    code, doc = _import(runner, reg, path, "--map", str(mapping))
    assert code == 0, doc["findings"]
    assert "IMP101" not in _codes(doc)  # 说明: the mapping keeps it in extra on purpose
    fields = {c["header"]: c["field"] for c in doc["summary"]["columns"]}
    assert fields == {"风险情形": "title", "风险等级": "grade", "应对办法": "measures_text", "说明": "extra.说明"}
    ud = Register(reg).unit("u")
    assert ud.risks[0].model.title == "甲风险" and ud.risks[0].model.extra == {"说明": "重点"}
    assert [m.model.description for m in ud.measures] == ["措施甲"]
    assert yaml.safe_load(cfg.read_text(encoding="utf-8"))["import"]["columns"] == {"应对办法": "measures_text"}


def test_unknown_target_field_is_a_one_line_error(runner, reg: Path, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    path = _book(tmp_path / "t.xlsx", [["风险点", "风险等级", "防控措施"], ["甲", "高", "措施"]])
    mapping = tmp_path / "map.yaml"
    mapping.write_text("columns:\n  风险点: risk_title\n", encoding="utf-8")
    r = invoke(runner, "import", str(path), "--root", str(reg), "--unit", "u", "--map", str(mapping))
    assert r.exit_code == 2 and "risk_title" in r.output and "allowed:" in r.output and "measures_text" in r.output
    assert "Traceback" not in r.output and len(r.output.strip().splitlines()) == 1
    mapping.write_text("- not a mapping\n", encoding="utf-8")
    r = invoke(runner, "import", str(path), "--root", str(reg), "--unit", "u", "--map", str(mapping))
    assert r.exit_code == 2 and "import: {columns:" in r.output
    cfg = reg / "lfk.yaml"
    cfg.write_text(cfg.read_text(encoding="utf-8") + "import:\n  columns:\n    风险点: nope\n", encoding="utf-8")
    r = invoke(runner, "import", str(path), "--root", str(reg), "--unit", "u")
    assert r.exit_code == 2 and "import.columns" in r.output and "'nope'" in r.output


# -- dry run and the column report ---------------------------------------------------------------------
def test_dry_run_exits_as_the_real_run(runner, reg: Path, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    path = _book(tmp_path / "重号.xlsx", [["风险编号", "风险点", "风险等级"], ["R-1", "甲", "高"], ["R-1", "乙", "低"]])
    dry = invoke(runner, "import", str(path), "--root", str(reg), "--unit", "u", "--dry-run")
    real = invoke(runner, "import", str(path), "--root", str(reg), "--unit", "u")
    assert dry.exit_code == real.exit_code == 1 and "IMP107" in dry.output
    assert "实际导入同样不写入" in dry.output or "the real run writes nothing" in dry.output
    assert Register(reg).unit("u").risks == []
    ok = _book(tmp_path / "好.xlsx", [["风险点", "风险等级", "防控措施", "备注"], ["甲", "高", "措施", "x"]])
    dry = invoke(runner, "import", str(ok), "--root", str(reg), "--unit", "u", "--dry-run")
    assert dry.exit_code == 0 and "列对应 [Sheet1 第1行]: 风险点→title, 风险等级→grade, 防控措施→measures_text, 备注→extra.备注" in dry.output


def test_import_section_of_lfk_yaml_is_checked_by_lint(runner, reg: Path) -> None:  # type: ignore[no-untyped-def]
    cfg = reg / "lfk.yaml"
    cfg.write_text(cfg.read_text(encoding="utf-8") + "import:\n  colums: {风险情形: title}\n", encoding="utf-8")
    r = invoke(runner, "lint", "--root", str(reg), "--format", "json")
    found = [f for f in json.loads(r.stdout)["findings"] if f["code"] == "LFK102"]
    assert found and "columns" in found[0]["message"] and found[0]["path"] == "lfk.yaml"


def test_split_measures_setting_splits_unnumbered_cells(runner, reg: Path, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """import.split_measures: an unnumbered 防控措施 cell "甲;乙；丙" becomes one measure per clause (default: one)."""
    cfg = reg / "lfk.yaml"
    cfg.write_text(cfg.read_text(encoding="utf-8") + "import:\n  split_measures: [；, ;]\n", encoding="utf-8")
    path = _book(tmp_path / "分号.xlsx", [["风险点", "风险等级", "主要预防措施"], ["甲风险", 1, "坚持民主集中制;明确审批权限；实行轮岗。"]])
    code, doc = _import(runner, reg, path)
    assert code == 0 and _added(doc, "measures") == 3
    assert [m.model.description for m in Register(reg).unit("u").measures] == ["坚持民主集中制", "明确审批权限", "实行轮岗。"]
    _unchanged_again(runner, reg, path)


def test_category_heading_above_each_header(runner, reg: Path, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """A category heading directly above a (repeated) header is the category, not a caption; a caption
    that names a table (…登记表) is a title, never a post; a page number is neither."""
    cats = list(Register(reg).config.categories())
    header = ["序号", "岗位", "风险点", "风险等级", "防控措施"]
    path = _book(tmp_path / "类别.xlsx", [
        ["某局廉政风险点登记表"], [3], ["填报单位：某局"],
        [f"一、{cats[0]}"], header, [1, "局长", "甲风险", "高", "措施甲"],
        [f"二、{cats[1]}"], header, [2, "副局长", "乙风险", "低", "措施乙"],
        ["单位负责人 张三"],  # a foot row no row takes: kept as a caption
    ])
    code, doc = _import(runner, reg, path)
    assert code == 0, doc["findings"]
    ud = Register(reg).unit("u")
    assert [(r.model.title, r.model.category) for r in ud.risks] == [("甲风险", cats[0]), ("乙风险", cats[1])]
    assert [p.name for p in ud.posts.values()] == ["局长", "副局长"]  # the 岗位 column's posts, never a caption
    text = (reg / "units/u/risks.yaml").read_text(encoding="utf-8")
    assert "表题：某局廉政风险点登记表" in text and "表题：填报单位：某局" in text and "表题：3" in text
    assert "表题：单位负责人 张三" in text


def test_power_category_heading_sets_the_category(runner, reg: Path, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    path = _book(tmp_path / "权力清单.xlsx", [
        ["序号", "职权名称", "法律依据", "承办岗位"],
        ["一、行政许可类"], [1, "食品经营许可", "《食品安全法》第三十五条", None],
        ["二、行政处罚类"], [2, "对无证经营的处罚", "《食品安全法》第一百二十二条", None],
    ])
    code, doc = _import(runner, reg, path)
    assert code == 0, doc["findings"]
    ud = Register(reg).unit("u")
    assert [(a.model.name, a.model.category, a.model.posts) for a in ud.authorities] == [
        ("食品经营许可", "行政许可", []), ("对无证经营的处罚", "行政处罚", [])]
    assert ud.posts == {}


def test_headerless_sheet_without_grades_reads_by_the_users_mapping(runner, reg: Path, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    path = _book(tmp_path / "无等级.xlsx", [["违规收受礼金", "签订廉洁承诺书"], ["泄露招标信息", "实行保密管理"]])
    code, doc = _import(runner, reg, path)
    assert code == 1 and "IMP100" in _codes(doc)  # nothing to infer from: it says how to map the columns
    assert any("--map" in f["message"] for f in doc["findings"] if f["code"] == "IMP100")
    mapping = tmp_path / "map.yaml"
    mapping.write_text("columns: {第1列: title, 第2列: measures_text}\n", encoding="utf-8")
    code, doc = _import(runner, reg, path, "--map", str(mapping))
    assert code == 0 and (_added(doc, "risks"), _added(doc, "measures")) == (2, 2), doc["findings"]
    assert [r.model.title for r in Register(reg).unit("u").risks] == ["违规收受礼金", "泄露招标信息"]


@pytest.mark.parametrize("mark", ["\u200b", "\u200c", "\u200d", "\u2060", "\ufeff", "\u00ad"])
def test_characters_that_show_nothing_are_not_read(runner, reg: Path, tmp_path: Path, mark: str) -> None:  # type: ignore[no-untyped-def]
    """Regression: a zero-width space pasted after 风险点 kept the header from matching (IMP101 for a column that
    looked right, then 缺少「风险点」 stopping the import), and 高 followed by one was no grade."""
    path = _book(tmp_path / "t.xlsx", [[f"序号{mark}", f"风险点{mark}", f"风险等级{mark}", f"{mark}防控措施"],
                                       ["1", f"公务车{mark}维修", f"高{mark}", "严格审批"]])
    code, doc = _import(runner, reg, path)
    assert code == 0 and not _codes(doc) & {"IMP101", "IMP102"}, doc["findings"]
    (risk,) = yaml.safe_load((reg / "units" / "u" / "risks.yaml").read_text(encoding="utf-8"))["risks"]
    assert (risk["title"], risk["grade"]) == ("公务车维修", "高")


@pytest.mark.parametrize("rows", [
    [["序号", "岗位", "风险点", "风险等级", "防控措施"]],  # a template never filled in
    [["登记表"], ["序号", "岗位", "风险点", "风险等级", "防控措施"], ["制表人：张三", None, "日期：2024年3月1日"]],
    [["XK-001", "职权编码"], ["食品经营许可", "职权名称"], ["行政许可", "职权类别"]],  # values left of their labels
], ids=["header only", "header and foot", "key-value the wrong way round"])
def test_a_header_without_rows_says_nothing_was_imported(runner, reg: Path, tmp_path: Path,  # type: ignore[no-untyped-def]
                                                         rows: list[list[Any]]) -> None:
    """Regression: a table whose header has no rows below it imported nothing, exit 0, without a word (the
    values of a key-value sheet written left of their labels were lost so)."""
    code, doc = _import(runner, reg, _book(tmp_path / "t.xlsx", rows))
    (said,) = [f for f in doc["findings"] if f["code"] == "IMP100"]
    assert code == 0 and said["severity"] == "warning" and "表头下没有数据行" in said["message"]
    assert _added(doc, "risks") == _added(doc, "authorities") == 0


def test_a_third_column_of_a_key_value_sheet_is_kept(runner, reg: Path, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """Regression: a key-value sheet (names in column A, values in B) read only the first value of a row: a note in
    column C (见附件, 2024年调整) was dropped. It is kept in extra under the name and its column."""
    path = _book(tmp_path / "t.xlsx", [["职权编码", "XK-001", "见附件"], ["职权名称", "食品经营许可", None],
                                       ["职权类别", "行政许可", "2024年调整"], ["实施依据", "《食品安全法》第三十五条", None]])
    code, doc = _import(runner, reg, path)
    assert code == 0, doc["findings"]
    (power,) = yaml.safe_load((reg / "units" / "u" / "authorities.yaml").read_text(encoding="utf-8"))["authorities"]
    assert (power["id"], power["name"], power["category"]) == ("XK-001", "食品经营许可", "行政许可")
    assert power["extra"] == {"职权编码(第3列)": "见附件", "职权类别(第3列)": "2024年调整"}


@pytest.mark.parametrize(("rows", "cell"), [
    ([["职权编码", "职权名称", "职权类别", "法定时限"], ["XK-001", "食品经营许可", "行政许可", "法定期限：\n承诺期限："]],
     "法定期限"),
    ([["序号", "风险点", "风险等级", "复核日期"], ["1", "公务车维修", "高", "2024 / 3"]], "2024 / 3"),
])
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_an_unreadable_value_is_said_in_one_language(runner, reg: Path, tmp_path: Path, rows: list[list[Any]],  # type: ignore[no-untyped-def]
                                                     cell: str, lang: str) -> None:
    """Regression: the message was split at " / " into Chinese and English: the time-limit one had no space
    before its slash (both languages shown in a Chinese run), and a value holding " / " cut the message."""
    code, doc = _import(runner, reg, _book(tmp_path / "t.xlsx", rows), "--lang", lang)
    (said,) = [f for f in doc["findings"] if f["code"] == "IMP102"]
    assert cell in said["message"]
    assert ("不是" in said["message"]) is (lang == "zh") and ("is not" in said["message"]) is (lang == "en")


@pytest.mark.parametrize(("rows", "says", "times"), [
    ([["序号", "岗位", "风险等级", "防控措施"], ["1", "办公室", "高", "审批"], ["2", "财务科", "低", "对账"]],
     "表中没有「风险点」列，各行都未导入", 1),
    ([["序号", "风险等级", "风险点", "防控措施"], ["1", "高", None, "审批"], ["2", "低", "虚列支出", "对账"], ["3", "中"]],
     "「风险点」为空，该行未导入", 2),
], ids=["no such column", "empty cells"])
def test_a_missing_title_says_whether_the_column_or_the_cell_is_missing(runner, reg: Path, tmp_path: Path,  # type: ignore[no-untyped-def]
                                                                        rows: list[list[Any]], says: str, times: int) -> None:
    """Regression: "缺少「风险点」" on every row, whether the table had no such column (once is enough, with how to
    map one) or a cell was empty (fill it in, or --force); a short row was taken for a table without the column."""
    code, doc = _import(runner, reg, _book(tmp_path / "t.xlsx", rows, "表"), "--as", "risks")
    errors = [f["message"] for f in doc["findings"] if f["severity"] == "error"]
    assert code == 1 and len(errors) == times and all(says in m for m in errors), errors


def test_numbered_lines_left_blank_are_no_items(runner, reg: Path, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """Regression: a line holding only its 序号 (a template numbered ahead, never filled in) was a section row: a new
    post named 3 became the post of the risks below it."""
    rows = [["序号", "风险点", "风险等级", "防控措施"], ["1", "公务车维修", "高", "审批"], ["2"], ["3", "加油", "低", "对账"],
            ["4"], ["5"]]
    code, doc = _import(runner, reg, _book(tmp_path / "t.xlsx", rows))
    risks = yaml.safe_load((reg / "units" / "u" / "risks.yaml").read_text(encoding="utf-8"))["risks"]
    assert code == 0 and [r["title"] for r in risks] == ["公务车维修", "加油"] and not any("post" in r for r in risks)
    assert "posts" not in doc["summary"]["counts"] or doc["summary"]["counts"]["posts"]["added"] == 0


@pytest.mark.parametrize(("other", "kept"), [
    ([["本表由办公室填报，联系人：王五"]], True),
    ([["科室", "人数", "说明"], ["检验科", "5", "另表填报"]], True),
    ([[f"第{i}行", f"内容{i}"] for i in range(15)], False),  # a table of its own: said, not poured into comments
], ids=["a note", "a small side table", "a big side table"])
def test_a_sheet_of_a_few_lines_no_table_is_found_in_is_kept_as_notes(runner, reg: Path, tmp_path: Path,  # type: ignore[no-untyped-def]
                                                                       other: list[list[Any]], kept: bool) -> None:
    """Regression: a 说明 sheet beside the table (or a Word document's small second table) was IMP100 未导入 and its
    text lost; a sheet of a few texts is kept as # 表注： lines, a bigger one still only said."""
    from openpyxl import Workbook

    wb = Workbook()
    for r in [["序号", "风险点", "风险等级", "防控措施"], ["1", "公务车维修", "高", "审批"]]:
        wb.active.append(r)
    ws = wb.create_sheet("说明")
    for r in other:
        ws.append(r)
    wb.save(tmp_path / "t.xlsx")
    code, doc = _import(runner, reg, tmp_path / "t.xlsx")
    (said,) = [f for f in doc["findings"] if f["code"] == "IMP100"]
    text = (reg / "units" / "u" / "risks.yaml").read_text(encoding="utf-8")
    texts = [str(v) for r in other for v in r]
    assert code == 0 and all((f"# 表注：说明：{t}" in text) is kept for t in texts)
    assert ("作为表注" in said["message"]) is kept


@pytest.mark.parametrize("caption", ["二、风险点", "二、岗位廉政风险表"])
def test_a_caption_naming_the_risk_table_is_no_post(runner, reg: Path, tmp_path: Path, caption: str) -> None:  # type: ignore[no-untyped-def]
    """Regression: 二、风险点 above the second table of a sheet (after 一、权力目录) was a section row: a new post
    named 风险点 became the post of every risk. It is the table's caption (# 表题：)."""
    path = _book(tmp_path / "t.xlsx", [["一、权力目录"], ["序号", "职权编码", "职权名称", "职权类型"],
                                       ["1", "XK-001", "食品经营许可", "行政许可"], [None], [caption],
                                       ["序号", "风险点", "风险等级", "防控措施"], ["1", "公务车维修", "高", "审批"]])
    code, doc = _import(runner, reg, path)
    text = (reg / "units" / "u" / "risks.yaml").read_text(encoding="utf-8")
    (risk,) = yaml.safe_load(text)["risks"]
    assert code == 0 and "post" not in risk and f"# 表题：{caption}" in text


def test_the_fields_are_listed_once_per_header_row(runner, reg: Path, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """Regression: each of a wide sheet's unmapped columns (备注1 … 备注40) listed every field lfk has: 40 lines of
    ~400 characters. The first lists them, the others point to it."""
    extra = [f"备注{i}" for i in range(1, 41)]
    path = _book(tmp_path / "t.xlsx", [["序号", "风险点", "风险等级", *extra], ["1", "公务车维修", "高", *extra]])
    code, doc = _import(runner, reg, path)
    said = [f["message"] for f in doc["findings"] if f["code"] == "IMP101"]
    assert code == 0 and len(said) == 40 and "可用的字段：" in said[0] and "title（风险点）" in said[0]
    assert all("可用的字段见第 4 列的提示" in m and "title（" not in m for m in said[1:])


def test_sheets_of_the_same_name_in_two_files_are_told_apart(runner, reg: Path, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """Regression: importing a.xlsx and b.xlsx, each with its Sheet1, put every finding of a.xlsx on b.xlsx."""
    a = _book(tmp_path / "a.xlsx", [["序号", "风险点", "风险等级"], ["1", "甲风险", "极高"]])
    b = _book(tmp_path / "b.xlsx", [["序号", "风险点", "风险等级"], ["1", "乙风险", "高"]])
    code, doc = _import(runner, reg, a, str(b))
    (said,) = [f for f in doc["findings"] if "极高" in f["message"]]
    assert code == 0 and said["path"].endswith("a.xlsx") and said["message"].startswith("工作表「Sheet1」")
    assert {c["sheet"] for c in doc["summary"]["columns"]} == {"Sheet1", "Sheet1（b.xlsx）"}
