"""Cell values both ways (lfk.tables.values) and header matching (lfk.tables.columns)."""

from __future__ import annotations

import datetime as dt

import pytest

from lfk.model.base import TimeLimit
from lfk.model.items import Fine, LegalBasis
from lfk.model.text import fine_text, limit_text
from lfk.tables import prose
from lfk.tables import values as V
from lfk.tables.columns import RISKS, norm_header
from lfk.tables.layout import Matcher


def test_time_limits() -> None:
    assert limit_text(TimeLimit(days=20, kind="工作日")) == "20个工作日"
    assert V.time_limit("20个工作日") == ({"days": 20, "kind": "工作日"}, False)
    assert V.time_limit("90 自然日") == ({"days": 90, "kind": "自然日"}, False)
    assert V.time_limit("15日") == ({"days": 15, "kind": "工作日"}, True)  # assumed, reported by the importer
    assert V.time_limit(None) == (None, False)
    with pytest.raises(V.BadValue):
        V.time_limit("尽快")


def test_fines_round_trip() -> None:
    for f in (Fine(min=50000, max=150000, unit="元"), Fine(min_times=5, max_times=10, of="货值金额"),
              Fine(min=0, max=5000, unit="元"), Fine(max=2000, unit="元")):
        back = V.fine(fine_text(f))
        assert Fine.model_validate(back) == f
    assert fine_text(Fine(min=50000, max=150000, unit="元")) == "50,000–150,000元"
    with pytest.raises(V.BadValue):
        V.fine("视情节而定")


def test_legal_basis_round_trip() -> None:
    items = [LegalBasis(law="《中华人民共和国食品安全法》", article="第一百二十二条"), LegalBasis(law="《条例》"),
             LegalBasis(law="Food Safety Law", article="Art. 122")]
    assert [LegalBasis.model_validate(x) for x in V.legal_basis(V.basis_text(items))] == items


def test_dates_booleans_lists() -> None:
    assert V.date("2026/3/5") == dt.date(2026, 3, 5)
    assert V.date("2026年3月5日") == dt.date(2026, 3, 5)
    assert V.date(dt.datetime(2026, 3, 5, 0, 0)) == dt.date(2026, 3, 5)
    with pytest.raises(V.BadValue):
        V.date("2026-02-30")
    assert V.boolean("是") is True and V.boolean("否") is False and V.boolean(None) is None
    with pytest.raises(V.BadValue):
        V.boolean("也许")
    assert V.split_list("P-a、P-b，P-c;P-d\nP-e") == ["P-a", "P-b", "P-c", "P-d", "P-e"]
    assert prose.split_numbered("1. 甲\n2、乙\n（3）丙\n④丁") == ["甲", "乙", "丙", "丁"]
    assert V.join_names(["县委常委、组织部部长", "局长"]) == "县委常委、组织部部长\n局长"
    assert V.disclosure("公开（默认）") is None and V.disclosure("内部") == "internal"


def test_header_variants() -> None:
    cols = list(RISKS.columns)
    for header, key in (("风险等级", "grade"), ("等级", "grade"), ("风险级别", "grade"), ("风险点", "title"),
                        ("风险名称", "title"), ("防控措施", "measures_text"), ("预防和控制措施", "measures_text"),
                        (" 风险等级\n（高/中/低）", "grade"), ("*风险点", "title"), ("岗位（职权）", "where")):
        c = Matcher(RISKS, cols).match(header)
        assert c is not None and c.key == key, header
    assert Matcher(RISKS, cols).match("备注") is None
    assert norm_header("风险 等级（高/中/低）") == "风险等级"


@pytest.mark.parametrize(("header", "key"), [
    ("违法行为", "violation"), ("处罚依据", "basis"), ("设定依据", "basis"),
    ("法定依据", "basis"),  # 广西 卫健 裁量权基准: 序号 | 违法行为 | 法定依据 | 裁量阶次 | 适用情形 | 裁量标准
    ("裁量阶次", "level"), ("适用情形", "circumstances"), ("裁量标准", "fine"),
    ("适用法条", "basis"), ("适用条件", "circumstances"), ("裁量幅度", "fine"),  # 卫生行政处罚自由裁量权指导标准
    ("法律法规规章依据", "basis"), ("自由裁量权量化标准", "fine"),  # 舒城县卫生局: without them no table is found
])
def test_benchmark_header_variants(header: str, key: str) -> None:
    from lfk.tables.columns import BENCHMARKS

    c = Matcher(BENCHMARKS, list(BENCHMARKS.columns)).match(header)
    assert c is not None and c.key == key, header


@pytest.mark.parametrize(("text", "bare"), [
    ("1、学校发展决议", "学校发展决议"), ("2.内控制度不完善", "内控制度不完善"), ("1.1党政联席会议", "党政联席会议"),
    ("1.虚假资料;\n2.违规登记。", "1.虚假资料;\n2.违规登记。"), ("决策民主性", "决策民主性"), ("2024年度预算", "2024年度预算"),
])
def test_strip_number(text: str, bare: str) -> None:
    from lfk.tables.prose import strip_number

    assert strip_number(text) == bare


@pytest.mark.parametrize(("text", "caption"), [
    ("一、权力目录", True), ("二、   权力风险及防范措施", True), ("某局廉政风险点登记表", True), ("院党委", False),
    ("一、领导干部岗位", False), ("书记", False), ("二、内控机制", False),
])
def test_caption_names_a_table(text: str, caption: bool) -> None:
    from lfk.tables.layout import names_table

    assert names_table(text) is caption


def test_infer_columns_of_a_headerless_sheet() -> None:
    from lfk.loader.sheets import Sheet
    from lfk.tables.layout import infer_columns

    rows = [(1, [117, None, "事项甲:\n1.受理", "1.虚假资料;\n2.违规", "低", "加强审查核实,责任到人", "分管领导"]),
            (2, [118, "中心", "事项乙:\n1.受理", "1.疏忽", "中", "加强审查核实,责任到人", "分管领导"])]
    grade = {"高", "中", "低"}.__contains__
    assert infer_columns(Sheet("s", rows), grade) == {0: "seq", 4: "grade", 3: "title", 2: "where", 5: "measures_text",
                                                      6: "owner"}
    assert infer_columns(Sheet("s", [(1, ["通知", "各科室", "办公室"])]), grade) is None  # no grade column: nothing to anchor
