"""``lfk import`` of .xls and .docx tables: the same sheets, merges and imported items as the .xlsx version.

tests/fixtures/formats/hospital-posts.xls was made once from hospital-posts.xlsx (beside it) by LibreOffice
(``soffice --headless --convert-to xls hospital-posts.xlsx``): xlrd cannot write. The Word documents are built
here with python-docx, merges made as Word makes them (gridSpan across, vMerge down). hospital-posts.html is
LibreOffice's web-page export of the same workbook (``--convert-to html``), as web systems' "Excel exports" are.
"""

from __future__ import annotations

import codecs
import datetime as dt
import json
import re
import zipfile
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.conftest import HERE, invoke

FORMATS = HERE / "fixtures" / "formats"
XLSX = FORMATS / "hospital-posts.xlsx"
XLS = FORMATS / "hospital-posts.xls"
HTML = FORMATS / "hospital-posts.html"
TITLE = "示例医院岗位廉洁风险防控表"
MEASURES = ["1.集中带量采购", "2.采购全程留痕", "3.定期轮岗"]


def _text(v: Any) -> str:
    """A spreadsheet value as a Word cell holds it."""
    return v.date().isoformat() if isinstance(v, dt.datetime) else str(v)


def _hospital_docx(path: Path) -> None:
    """The hospital table as a Word document: a title paragraph, then the table with the 岗位 cell merged down
    over two rows and the 防控措施 cell (three paragraphs) over three; then two more tables."""
    import docx

    from lfk.loader.sheets import read_xlsx

    doc = docx.Document()
    doc.add_paragraph("")
    doc.add_paragraph(TITLE)
    doc.add_paragraph("")  # an empty paragraph between title and table changes nothing
    rows = [cells for _, cells in read_xlsx(XLSX)[0].rows[1:]]
    table = doc.add_table(rows=len(rows), cols=len(rows[0]))
    for i, cells in enumerate(rows):
        for j, v in enumerate(cells):
            if (i, j) not in ((2, 1), (2, 4), (3, 4)):  # the cells a merge covers
                table.cell(i, j).text = _text(v)
    table.cell(1, 1).merge(table.cell(2, 1))
    top = table.cell(1, 4).merge(table.cell(3, 4))
    top.paragraphs[0].text = MEASURES[0]
    for m in MEASURES[1:]:
        top.add_paragraph(m)
    doc.add_paragraph("附表 说明")
    second = doc.add_table(rows=3, cols=3)
    second.cell(0, 0).merge(second.cell(0, 2)).text = "一、医技科室"
    for j, v in enumerate(["科室", "人数", "说明"]):
        second.cell(1, j).text = v
    second.cell(2, 0).merge(second.cell(2, 1)).text = "检验科"
    second.cell(2, 2).text = "另表填报"
    third = doc.add_table(rows=1, cols=2)  # straight after the second: no paragraph of its own
    third.cell(0, 0).text = "备注"
    third.cell(0, 1).text = "无"
    doc.save(str(path))


def _register(runner, root: Path) -> Path:  # type: ignore[no-untyped-def]
    assert invoke(runner, "init", str(root)).exit_code == 0
    assert invoke(runner, "new", "unit", "u", "--root", str(root), "--name", "示例医院", "--type", "事业单位").exit_code == 0
    return root


def _imported(runner, root: Path, table: Path) -> tuple[dict[str, Any], list[dict[str, Any]], list[dict[str, Any]]]:  # type: ignore[no-untyped-def]
    """Import ``table`` into a new register: the JSON summary, the risks and the measures written."""
    _register(runner, root)
    r = invoke(runner, "import", str(table), "--root", str(root), "--unit", "u", "--format", "json")
    doc = json.loads(r.stdout)
    assert r.exit_code == 0 and doc["summary"]["errors"] == 0, doc["findings"]
    unit = root / "units" / "u"

    def items(name: str) -> list[dict[str, Any]]:
        path = unit / f"{name}.yaml"
        data = yaml.safe_load(path.read_text(encoding="utf-8")) if path.is_file() else None
        return list((data or {}).get(name, []) if isinstance(data, dict) else data or [])

    return doc["summary"], items("risks"), items("measures")


def test_xls_gives_the_sheets_of_the_xlsx() -> None:
    from lfk.loader.sheets import read_any

    xlsx, xls = read_any(XLSX), read_any(XLS)
    assert [s.name for s in xls] == [s.name for s in xlsx] == ["风险防控表", "说明"]
    for a, b in zip(xlsx, xls, strict=True):
        assert b.rows == a.rows and b.merged == a.merged
    rows = dict(xls[0].rows)
    assert rows[3][6] == dt.datetime(2026, 3, 15) and rows[3][0] == 1 and isinstance(rows[3][0], int)
    assert dict(xls[1].rows)[3] == ["平均分", 3.5] and dict(xls[1].rows)[4] == ["是否公开", True]
    assert rows[4][1] == "药剂科" and xls[0].merged[(4, 2)] == (3, 2)  # merged down: the value and its origin
    assert [rows[r][4] for r in (3, 4, 5)] == ["\n".join(MEASURES)] * 3 and xls[0].merged[(5, 5)] == (3, 5)
    assert xls[0].merged[(1, 7)] == (1, 1)  # the title across the table


def test_xls_imports_as_the_xlsx(runner, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    a = _imported(runner, tmp_path / "a", XLSX)
    b = _imported(runner, tmp_path / "b", XLS)
    assert b[1:] == a[1:]
    assert b[0]["counts"] == a[0]["counts"] and b[0]["columns"] == a[0]["columns"]
    risks, measures = a[1], a[2]
    assert len(risks) == 4
    shared = [m for m in measures if m.get("description") == "集中带量采购"]
    assert len(shared) == 1 and len(shared[0]["risks"]) == 3  # one measure merged over three risks


def test_docx_tables_are_sheets_with_their_merges(tmp_path: Path) -> None:
    from lfk.loader.sheets import read_any, read_xlsx

    path = tmp_path / "防控表.docx"
    _hospital_docx(path)
    sheets = read_any(path)
    assert [s.name for s in sheets] == [TITLE, "附表 说明", "表3"]
    ref = read_xlsx(XLSX)[0]
    want = [(r - 1, [_text(v) for v in cells]) for r, cells in ref.rows[1:]]
    assert sheets[0].rows == want  # the cells of the xlsx, one row up (the title is the paragraph above)
    assert sheets[0].merged == {(r - 1, c): (r0 - 1, c0) for (r, c), (r0, c0) in ref.merged.items() if r > 1}
    assert dict(sheets[0].rows)[4][4] == "\n".join(MEASURES)  # a cell's paragraphs, one line each
    assert sheets[1].rows == [(1, ["一、医技科室"] * 3), (2, ["科室", "人数", "说明"]), (3, ["检验科", "检验科", "另表填报"])]
    assert sheets[1].merged == {(1, 2): (1, 1), (1, 3): (1, 1), (3, 2): (3, 1)}  # gridSpan: the grid is exact
    assert sheets[2].rows == [(1, ["备注", "无"])] and sheets[2].merged == {}


def test_docx_imports_as_the_xlsx(runner, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "防控表.docx"
    _hospital_docx(path)
    a = _imported(runner, tmp_path / "a", XLSX)
    b = _imported(runner, tmp_path / "b", path)

    def content(risks: list[dict[str, Any]], measures: list[dict[str, Any]]) -> Any:
        by_id = {r["id"]: r["title"] for r in risks}
        return (sorted((r["title"], r.get("grade"), r.get("post")) for r in risks),
                sorted((m["description"], sorted(by_id[x] for x in m["risks"])) for m in measures))

    assert content(*b[1:]) == content(*a[1:])
    assert b[0]["counts"]["risks"]["added"] == 4 and b[0]["counts"]["measures"] == a[0]["counts"]["measures"]
    root = tmp_path / "b"
    again = invoke(runner, "import", str(path), "--root", str(root), "--unit", "u", "--format", "json")
    assert again.exit_code == 0 and json.loads(again.stdout)["summary"]["files"] == []


def test_xlsx_named_xls_and_xls_named_xlsx_are_read_as_what_they_are(tmp_path: Path) -> None:
    from lfk.loader.sheets import read_any

    a, b = tmp_path / "a.xls", tmp_path / "b.xlsx"
    a.write_bytes(XLSX.read_bytes())
    b.write_bytes(XLS.read_bytes())
    wps = tmp_path / "c.et"  # a WPS workbook that is BIFF8 inside
    wps.write_bytes(XLS.read_bytes())
    assert [s.rows for s in read_any(a)] == [s.rows for s in read_any(b)] == [s.rows for s in read_any(XLSX)]
    assert [s.rows for s in read_any(wps)] == [s.rows for s in read_any(XLSX)]


def _zip_cut(raw: bytes) -> bytes:
    return raw[: len(raw) // 2]


def _ole_encrypted() -> bytes:
    return b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 504 + "EncryptionInfo".encode("utf-16-le") + b"\0" * 1024


def _docx_bytes(tmp_path: Path) -> bytes:
    path = tmp_path / "ok.docx"
    _hospital_docx(path)
    return path.read_bytes()


def _prose_docx(tmp_path: Path) -> bytes:
    """A Word document of paragraphs only (the register written as prose, no table)."""
    import docx

    doc = docx.Document()
    doc.add_paragraph("一、公务车维修：不如实申请维修。防控措施：强化审批。")
    doc.save(str(tmp_path / "prose.docx"))
    return (tmp_path / "prose.docx").read_bytes()


def _docx_without_document(tmp_path: Path) -> bytes:
    out = tmp_path / "broken.docx"
    with zipfile.ZipFile(tmp_path / "ok.docx") as zin, zipfile.ZipFile(out, "w") as zout:
        for info in zin.infolist():
            if info.filename != "word/document.xml":
                zout.writestr(info, zin.read(info.filename))
    return out.read_bytes()


BROKEN = [
    ("empty.xls", lambda t: b"", "文件为空"),
    ("garbage.xls", lambda t: b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x07" * 3000, "无法读取 Excel"),
    ("cut.xls", lambda t: XLS.read_bytes()[:2000], "无法读取 Excel"),
    ("binary.xls", lambda t: b"\x01\x02\x00\xff" * 100, "无法读取 Excel"),
    ("prose.xls", lambda t: "这不是表格".encode(), "无法读取 Excel"),
    ("page.xls", lambda t: b"<html><body><p>1</p></body></html>", "网页"),
    ("sheet2003.xls", lambda t: b'<?xml version="1.0"?><Workbook xmlns="urn:schemas-microsoft-com:office:spreadsheet">'
                                b"</Workbook>", "2003"),
    ("locked.xlsx", lambda t: _ole_encrypted(), "加密"),
    ("locked.docx", lambda t: _ole_encrypted(), "加密"),
    ("empty.docx", lambda t: b"", "文件为空"),
    ("empty.csv", lambda t: b"", "文件为空"),  # was IMP100 没有可导入的表 at exit 1, unlike an empty .xlsx
    ("bom.csv", lambda t: b"\xef\xbb\xbf\r\n,,\r\n", "文件为空"),
    ("cut.docx", lambda t: _zip_cut(_docx_bytes(t)), "Word"),
    ("nodoc.docx", lambda t: (_docx_bytes(t), _docx_without_document(t))[1], "Word"),
    ("old.docx", lambda t: b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 2000, ".doc"),
    ("text.docx", lambda t: "风险点".encode(), "Word"),
    ("prose.docx", _prose_docx, "没有表格"),  # imported nothing at exit 0 without a word
    ("old.doc", lambda t: b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 2000, ".docx"),
    ("wps.wps", lambda t: b"x", ".docx"),
    ("et.et", lambda t: b"x", ".xlsx"),
    ("ole.et", lambda t: b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 2000, ".xlsx"),
]


@pytest.mark.parametrize(("name", "make", "says"), BROKEN, ids=[b[0] for b in BROKEN])
def test_unreadable_files_are_one_line_and_exit_2(runner, tmp_path: Path, name: str, make: Any,  # type: ignore[no-untyped-def]
                                                  says: str) -> None:
    root = _register(runner, tmp_path / "reg")
    path = tmp_path / name
    path.write_bytes(make(tmp_path))
    before = sorted(p.read_bytes() for p in root.rglob("*.yaml"))
    r = invoke(runner, "import", str(path), "--root", str(root), "--unit", "u")
    assert r.exit_code == 2, r.output
    lines = r.output.strip().splitlines()
    assert len(lines) == 1 and says in lines[0] and "(" in lines[0] and "Traceback" not in r.output, r.output
    assert sorted(p.read_bytes() for p in root.rglob("*.yaml")) == before


def test_several_risk_tables_without_ids_get_distinct_ids(runner, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """Regression: a Word manual holds one table per department; the second table's rows were numbered R-001
    again and refused as a conflict (IMP104)."""
    import docx

    path = tmp_path / "手册.docx"
    doc = docx.Document()
    for dept, risk in (("药剂科", "收受回扣"), ("检验科", "出具虚假报告")):
        doc.add_paragraph(f"{dept}廉洁风险点")
        table = doc.add_table(rows=2, cols=3)
        for j, v in enumerate(["序号", "岗位", "风险点"]):
            table.cell(0, j).text = v
        for j, v in enumerate(["1", dept, risk]):
            table.cell(1, j).text = v
    doc.save(str(path))
    summary, risks, _ = _imported(runner, tmp_path / "reg", path)
    assert sorted((r["id"], r["title"]) for r in risks) == [("R-001", "收受回扣"), ("R-002", "出具虚假报告")]
    again = invoke(runner, "import", str(path), "--root", str(tmp_path / "reg"), "--unit", "u", "--format", "json")
    assert again.exit_code == 0 and json.loads(again.stdout)["summary"]["files"] == []


def test_docx_part_too_large(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A part larger than MAX_PART_BYTES unpacked is refused before python-docx parses it."""
    from lfk.core.errors import InputError
    from lfk.loader import sheets as reader

    path = tmp_path / "big.docx"
    _hospital_docx(path)
    monkeypatch.setattr(reader, "MAX_PART_BYTES", 1000)
    with pytest.raises(InputError, match="unpacked"):
        reader.read_any(path)


def _table(doc: Any, rows: list[list[str]]) -> Any:
    table = doc.add_table(rows=len(rows), cols=len(rows[0]))
    for i, row in enumerate(rows):
        for j, v in enumerate(row):
            table.cell(i, j).text = v
    return table


def test_docx_table_split_in_two_is_one_sheet(tmp_path: Path) -> None:
    """A table split at a page (header repeated) or by hand (no header), nothing written between, is one sheet."""
    import docx

    from lfk.loader.sheets import read_any

    head = ["序号", "岗位", "风险点"]
    doc = docx.Document()
    doc.add_paragraph("风险点登记表")
    _table(doc, [head, ["1", "药剂科", "收受回扣"], ["2", "药剂科", "违规采购"]])
    doc.add_paragraph("")
    _table(doc, [head, ["3", "检验科", "出具虚假报告"]])
    _table(doc, [["4", "财务科", "虚报冒领"]])
    doc.add_paragraph("附表")
    _table(doc, [head, ["1", "总务科", "以次充好"]])  # text between: a table of its own
    path = tmp_path / "split.docx"
    doc.save(str(path))
    sheets = read_any(path)
    assert [s.name for s in sheets] == ["风险点登记表", "附表"]
    assert [r for r, _ in sheets[0].rows] == [1, 2, 3, 4, 5]
    assert [cells[2] for _, cells in sheets[0].rows] == ["风险点", "收受回扣", "违规采购", "出具虚假报告", "虚报冒领"]


def _cell_xml(body: str) -> Any:
    from docx.oxml import parse_xml

    return parse_xml('<w:tc xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" '
                     'xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006">' + body + "</w:tc>")


def test_docx_cell_text_is_what_word_shows(tmp_path: Path) -> None:
    """Tracked insertions in, deletions and moved-away text out, tabs and breaks kept, a tab stop is no tab,
    a text box's fallback copy not read twice; legacy hMerge is a merge across."""
    import docx

    from lfk.loader.sheets import read_any

    doc = docx.Document()
    table = _table(doc, [["", "", "x"], ["a", "b", "c"]])
    tcs = table.rows[0]._tr.tc_lst  # noqa: SLF001
    tcs[0].addnext(_cell_xml(
        '<w:tcPr><w:hMerge w:val="restart"/></w:tcPr>'
        '<w:p><w:pPr><w:tabs><w:tab w:val="left" w:pos="720"/></w:tabs></w:pPr><w:r><w:t>甲</w:t></w:r>'
        '<w:ins><w:r><w:t>乙</w:t></w:r></w:ins><w:del><w:r><w:delText>丙</w:delText></w:r></w:del>'
        '<w:r><w:tab/><w:t>丁</w:t><w:br/><w:t>戊</w:t></w:r>'
        '<w:moveFrom><w:r><w:t>己</w:t></w:r></w:moveFrom><w:moveTo><w:r><w:t>庚</w:t></w:r></w:moveTo>'
        '<w:r><mc:AlternateContent><mc:Choice><w:t>辛</w:t></mc:Choice><mc:Fallback><w:t>辛</w:t></mc:Fallback>'
        '</mc:AlternateContent></w:r></w:p><w:p><w:r><w:t>第二段</w:t></w:r></w:p>'))
    tcs[0].getparent().remove(tcs[0])
    tcs[1].addnext(_cell_xml('<w:tcPr><w:hMerge/></w:tcPr><w:p/>'))
    tcs[1].getparent().remove(tcs[1])
    path = tmp_path / "cell.docx"
    doc.save(str(path))
    (sheet,) = read_any(path)
    text = "甲乙\t丁\n戊庚辛\n第二段"
    assert sheet.rows == [(1, [text, text, "x"]), (2, ["a", "b", "c"])] and sheet.merged == {(1, 2): (1, 1)}


def test_web_page_tables_are_sheets(runner, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """A web page (LibreOffice's export of the workbook) named .html or .xls: its tables with rowspan and colspan
    give the cells and merges of the xlsx, and import alike."""
    from lfk.loader.sheets import read_any, read_xlsx

    ref = read_xlsx(XLSX)
    sheets = read_any(HTML)
    assert [s.name for s in sheets] == ["Sheet 1: 风险防控表", "Sheet 2: 说明"]
    assert sheets[0].rows == [(r, [_text(v) for v in cells]) for r, cells in ref[0].rows]
    assert sheets[0].merged == ref[0].merged
    named_xls = tmp_path / "导出.xls"
    named_xls.write_bytes(HTML.read_bytes())
    assert [s.rows for s in read_any(named_xls)] == [s.rows for s in sheets]
    a = _imported(runner, tmp_path / "a", XLSX)
    b = _imported(runner, tmp_path / "b", named_xls)
    assert sorted(r["title"] for r in b[1]) == sorted(r["title"] for r in a[1])
    assert b[0]["counts"]["measures"] == a[0]["counts"]["measures"]


def test_web_page_in_gbk_with_sloppy_markup(tmp_path: Path) -> None:
    """GB2312 declared in a meta tag and a GBK-only character (镕) used, cells left unclosed, a nested table inside
    a cell, <br> in a cell, &nbsp;, a caption."""
    from lfk.loader.sheets import read_any

    page = ("<html><head><meta charset=gb2312><title>t</title><style>td{x:1}</style><body>"  # </head> left out
            "<h2>某中学廉政风险防控表</h2><p>填报单位：某中学</p>"
            "<table><tr><th>岗位<th>风险点<th>防控措施&nbsp;"
            "<tr><td rowspan=2>校长<td>基建工程<td>1.集体决策<br>2.审计监督"
            "<tr><td>招生（镕）<td><table><tr><td>公开</td><td>公示</td></tr></table>"
            "</table>"
            "<table><caption>附表</caption><tr><td colspan=2>一、后勤</td></tr><tr><td>食堂<td>采购</td></tr></table>"
            "</body></html>")
    path = tmp_path / "page.doc"  # Word's "save as web page" under a .doc name
    path.write_bytes(page.encode("gbk"))
    first, second = read_any(path)
    assert first.name == "填报单位：某中学" and second.name == "附表"
    assert first.rows == [(1, ["岗位", "风险点", "防控措施"]), (2, ["校长", "基建工程", "1.集体决策\n2.审计监督"]),
                          (3, ["校长", "招生（镕）", "公开 公示"])]
    assert first.merged == {(3, 1): (2, 1)}
    assert second.rows == [(1, ["一、后勤", "一、后勤"]), (2, ["食堂", "采购"])] and second.merged == {(1, 2): (1, 1)}


def _mutate(text: str, rng: Any) -> str:
    """``text`` with a few slices deleted, doubled or replaced by odd values (the damage of a broken save)."""
    odd = ['w:val="-3"', 'w:val="999999"', 'w:val="x"', "<w:vMerge/>", '<w:vMerge w:val="restart"/>', "<w:gridSpan/>",
           "</w:tc>", "<w:tc>", "<w:tr>", "</w:tr>", 'rowspan="0"', 'colspan="99999"', "<td>", "</table>", "<table>",
           "\x00", "&#0;", "&bogus;", "]]>", "<br>", "\u202e"]
    for _ in range(rng.randint(1, 6)):
        i = rng.randrange(len(text) + 1)
        j = min(len(text), i + rng.randint(0, 200))
        roll = rng.random()
        if roll < 0.3:
            text = text[:i] + text[j:]
        elif roll < 0.6:
            text = text[:j] + text[i:j] + text[j:]
        else:
            text = text[:i] + rng.choice(odd) + text[j:]
    return text


def _mutate_xml(data: bytes, rng: Any) -> bytes:
    """Word XML still well-formed but with cells, rows and merges removed, doubled or given odd values."""
    import copy

    from lxml import etree

    w = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
    root = etree.fromstring(data)
    for _ in range(rng.randint(1, 8)):
        els = [e for e in root.iter(f"{w}tc", f"{w}tr", f"{w}p", f"{w}tbl", f"{w}tcPr", f"{w}gridSpan", f"{w}vMerge")
               if e.getparent() is not None]
        if not els:
            break
        el = rng.choice(els)
        roll = rng.random()
        if roll < 0.25:
            el.getparent().remove(el)
        elif roll < 0.5:
            el.addnext(copy.deepcopy(el))
        elif el.tag in (f"{w}gridSpan", f"{w}vMerge"):
            el.set(f"{w}val", rng.choice(["0", "-2", "999999", "x", "restart", "continue", ""]))
        elif el.tag == f"{w}tc":
            pr = el.find(f"{w}tcPr")
            if pr is None:
                pr = etree.SubElement(el, f"{w}tcPr")
            tag = rng.choice(["vMerge", "gridSpan", "hMerge"])
            etree.SubElement(pr, f"{w}{tag}", {f"{w}val": rng.choice(["restart", "continue", "3", "64"])})
    return etree.tostring(root)


def _damaged(kind: str, seed: int, tmp: Path) -> Path:
    import random

    rng = random.Random(seed)
    if kind == "xls":
        raw = bytearray(XLS.read_bytes())
        for _ in range(rng.randint(1, 8)):
            raw[rng.randrange(512, len(raw))] = rng.randrange(256)  # the OLE header kept: damage inside
        out = tmp / "t.xls"
        out.write_bytes(bytes(raw if seed % 4 else raw[: rng.randrange(len(raw) // 2, len(raw) + 1)]))
        return out
    if kind == "html":
        out = tmp / "t.html"
        out.write_text(_mutate(HTML.read_text(encoding="utf-8"), rng), encoding="utf-8", errors="surrogatepass")
        return out
    good = tmp / "good.docx"
    if not good.is_file():
        _hospital_docx(good)
    out = tmp / "t.docx"
    with zipfile.ZipFile(good) as zin, zipfile.ZipFile(out, "w") as zout:
        for info in zin.infolist():
            data = zin.read(info.filename)
            if info.filename == "word/document.xml":
                data = _mutate_xml(data, rng) if seed % 3 else _mutate(data.decode("utf-8"), rng).encode("utf-8")
            zout.writestr(info.filename, data)
    return out


@pytest.mark.parametrize("kind", ["xls", "docx", "html"])
def test_damaged_files_give_sheets_or_one_error(tmp_path: Path, kind: str, capfd: pytest.CaptureFixture[str]) -> None:
    """Broken .xls bytes, broken Word XML and broken pages: sheets, or an InputError naming the file; never
    another exception, and nothing printed (xlrd's warnings went to stdout; seeded, 150 cases each)."""
    from lfk.core.errors import InputError
    from lfk.loader.sheets import Sheet, read_any

    outcomes = set()
    for seed in range(150):
        path = _damaged(kind, seed, tmp_path)
        try:
            sheets = read_any(path)
        except InputError as e:
            assert str(e).startswith(str(path)) and "\n" not in str(e)
            outcomes.add("error")
            continue
        assert all(isinstance(s, Sheet) and all(r >= 1 for r, _ in s.rows) for s in sheets)
        outcomes.add("read")
    assert outcomes == {"read", "error"}
    assert capfd.readouterr() == ("", "")


def test_separated_text_named_xls_is_read_as_csv(runner, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """Tab-separated GBK text saved as .xls (a web system's export) imports as the same CSV does."""
    from lfk.loader.sheets import read_any

    text = "序号\t岗位\t风险点\t风险等级\t防控措施\r\n1\t药剂科\t药品采购中收受回扣\t高\t1.集中带量采购；2.采购全程留痕\r\n"
    path = tmp_path / "导出.xls"
    path.write_bytes(text.encode("gbk"))
    (sheet,) = read_any(path)
    assert sheet.encoding == "gbk" and sheet.rows[1] == (2, ["1", "药剂科", "药品采购中收受回扣", "高", "1.集中带量采购；2.采购全程留痕"])
    summary, risks, measures = _imported(runner, tmp_path / "reg", path)
    assert [r["title"] for r in risks] == ["药品采购中收受回扣"] and len(measures) == 2


_TSV = "序号\t岗位\t风险点\t风险等级\t防控措施\r\n1\t药剂科\t药品采购中收受回扣\t高\t1.集中带量采购；2.采购全程留痕\r\n"
_PAGE = ("<html><body><table><tr><td>序号</td><td>风险点</td><td>风险等级</td></tr>"
         "<tr><td>1</td><td>药品采购中收受回扣</td><td>高</td></tr></table></body></html>")
ENCODED = [  # (file name, bytes, the second row read): Excel's "Unicode 文本" is UTF-16 with a BOM, tab-separated
    ("u.csv", _TSV.encode("utf-16"), ["1", "药剂科", "药品采购中收受回扣", "高", "1.集中带量采购；2.采购全程留痕"]),
    ("u.txt", codecs.BOM_UTF16_BE + _TSV.encode("utf-16-be"), ["1", "药剂科", "药品采购中收受回扣", "高",
                                                              "1.集中带量采购；2.采购全程留痕"]),
    ("导出.xls", _TSV.encode("utf-16"), ["1", "药剂科", "药品采购中收受回扣", "高", "1.集中带量采购；2.采购全程留痕"]),
    ("u.csv", _TSV.replace("\t", ",").encode("utf-8-sig"), ["1", "药剂科", "药品采购中收受回扣", "高",
                                                           "1.集中带量采购；2.采购全程留痕"]),
    ("导出.xls", _PAGE.encode("utf-16"), ["1", "药品采购中收受回扣", "高"]),
    ("u.html", _PAGE.encode("utf-16"), ["1", "药品采购中收受回扣", "高"]),
]


@pytest.mark.parametrize(("name", "data", "row"), ENCODED, ids=[f"{n}-{i}" for i, (n, _, _) in enumerate(ENCODED)])
def test_text_tables_in_utf16_are_read(tmp_path: Path, name: str, data: bytes, row: list[str]) -> None:
    """Regression: UTF-16 text (Excel's Unicode text, a web export) was refused as "neither UTF-8 nor GBK"."""
    from lfk.loader.sheets import read_any

    path = tmp_path / name
    path.write_bytes(data)
    (sheet,) = read_any(path)
    assert sheet.rows[1][1] == row


def _workbook_xml(path: Path, rows: list[list[Any]], edit: tuple[bytes, bytes] = (b"", b"")) -> Path:
    """A workbook openpyxl writes (formulas without results), its sheet XML edited by ``edit`` (old, new)."""
    import openpyxl

    wb = openpyxl.Workbook()
    for r in rows:
        wb.active.append(r)
    plain = path.with_suffix(".plain.xlsx")
    wb.save(plain)
    with zipfile.ZipFile(plain) as zin, zipfile.ZipFile(path, "w") as zout:
        for info in zin.infolist():
            data = zin.read(info)
            zout.writestr(info, data.replace(*edit) if edit[0] and info.filename.endswith("sheet1.xml") else data)
    return path


FORMULAS = [  # (the cells of row 2, an edit of the sheet XML, row 2 as read, the cells noted as formulas)
    (["1", "=B1&\"不如实申请\"", "=IF(1,\"高\",\"低\")"], (b"", b""),
     ["1", "=B1&\"不如实申请\"", "=IF(1,\"高\",\"低\")"], {(2, 2), (2, 3)}),
    (["1", "虚列油耗", "=\"中\""], (b"<c r=\"C2\"><f>\"&#20013;\"</f><v></v>", b"<c r=\"C2\" t=\"str\"><f>\"&#20013;\"</f><v>&#20013;</v>"), ["1", "虚列油耗", "中"], set()),
    (["1", "虚列油耗", "=IF(1,\"\",\"x\")"], (b"<c r=\"C2\">", b"<c r=\"C2\" t=\"str\">"), ["1", "虚列油耗"], set()),
]


@pytest.mark.parametrize(("cells", "edit", "row", "formulas"), FORMULAS, ids=["no results", "a result", "empty result"])
def test_formulas_without_results_are_kept_as_their_text(tmp_path: Path, cells: list[Any], edit: tuple[bytes, bytes],
                                                         row: list[Any], formulas: set[tuple[int, int]]) -> None:
    """Regression: a formula saved without its result (a workbook a program wrote) read as an empty cell, so the
    row vanished from the import without a word; a result, even the empty text, is still what is read."""
    from lfk.loader.sheets import read_any

    path = _workbook_xml(tmp_path / "t.xlsx", [["序号", "风险点", "风险等级"], cells], edit)
    (sheet,) = read_any(path)
    assert sheet.rows[1] == (2, row) and set(sheet.formulas) == formulas


def test_import_of_formulas_without_results_keeps_them_and_says_so(runner, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    path = _workbook_xml(tmp_path / "t.xlsx", [["序号", "风险点", "风险等级", "防控措施"],
                                               ["1", "=\"公务车\"&\"维修\"", "高", "=CONCAT(\"严格\",\"审批\")"]])
    _register(runner, tmp_path / "reg")
    r = invoke(runner, "import", str(path), "--root", str(tmp_path / "reg"), "--unit", "u", "--format", "json")
    doc = json.loads(r.stdout)
    (said,) = [f for f in doc["findings"] if f["code"] == "IMP102"]
    assert said["line"] == 2 and said["column"] == 2 and "2 个单元格是没有计算结果的公式" in said["message"]
    assert "打开并保存后重新导入" in said["message"]
    risks = yaml.safe_load((tmp_path / "reg" / "units" / "u" / "risks.yaml").read_text(encoding="utf-8"))["risks"]
    assert [x["title"] for x in risks] == ["=\"公务车\"&\"维修\""]


def test_a_csv_cell_longer_than_csvs_limit_is_read(tmp_path: Path) -> None:
    """Regression: a cell of more than 131,072 characters (csv's default limit) refused the whole file."""
    from lfk.loader.sheets import read_any

    path = tmp_path / "t.csv"
    path.write_text("序号,风险点\n1," + "长" * 140_000 + "\n", encoding="utf-8")
    (sheet,) = read_any(path)
    assert sheet.rows[1] == (2, ["1", "长" * 140_000])


def test_openpyxls_warnings_do_not_reach_the_terminal(runner, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """Regression: a date-formatted cell out of Excel's date range printed openpyxl's UserWarning (Python text
    with a site-packages path) among the findings; the cell is an IMP102 on its row and column only."""
    import warnings

    import openpyxl

    from lfk.loader.sheets import read_any

    wb = openpyxl.Workbook()
    for r in [["序号", "风险点", "风险等级", "复核日期"], ["1", "公务车维修", "高", 99999999]]:
        wb.active.append(r)
    wb.active["D2"].number_format = "yyyy-mm-dd"
    wb.save(tmp_path / "t.xlsx")
    with warnings.catch_warnings(record=True) as said_by_python:
        warnings.simplefilter("always")
        read_any(tmp_path / "t.xlsx")
    assert said_by_python == []
    _register(runner, tmp_path / "reg")
    r = invoke(runner, "import", str(tmp_path / "t.xlsx"), "--root", str(tmp_path / "reg"), "--unit", "u", "--format", "json")
    (said,) = [f for f in json.loads(r.stdout)["findings"] if f["code"] == "IMP102"]
    assert (said["line"], said["column"]) == (2, 4)


@pytest.mark.parametrize("state", ["hidden", "veryHidden"])
def test_a_hidden_worksheet_is_imported_and_said(runner, tmp_path: Path, state: str) -> None:  # type: ignore[no-untyped-def]
    """Regression: a hidden worksheet (an old copy of the table, say) was imported beside the visible one without
    a word: its risks came in twice. It is still imported (every cell kept) and named (IMP106 warning)."""
    import openpyxl

    wb = openpyxl.Workbook()
    wb.active.title = "在用"
    old = wb.create_sheet("旧版")
    for ws in (wb.active, old):
        for r in [["序号", "风险点", "风险等级", "防控措施"], ["1", "公务车维修", "高", "审批"]]:
            ws.append(r)
    old.sheet_state = state
    wb.save(tmp_path / "t.xlsx")
    summary, risks, _ = _imported(runner, tmp_path / "reg", tmp_path / "t.xlsx")
    assert len(risks) == 2
    r = invoke(runner, "import", str(tmp_path / "t.xlsx"), "--root", str(tmp_path / "reg"), "--unit", "u", "-n",
               "--format", "json")
    said = [f for f in json.loads(r.stdout)["findings"] if "隐藏的工作表" in f["message"]]
    assert len(said) == 1 and said[0]["severity"] == "warning" and said[0]["message"].startswith("工作表「旧版」")


@pytest.mark.parametrize(("name", "data"), [
    ("t.csv", "sep=;\n序号;风险点;风险等级\n1;公务车维修;高\n".encode()),
    ("t.csv", "sep=,\r\n序号,风险点,风险等级\r\n1,公务车维修,高\r\n".encode("utf-8-sig")),
    ("导出.xls", "sep=\t\n序号\t风险点\t风险等级\n1\t公务车维修\t高\n".encode("gbk")),
], ids=["semicolon", "comma with BOM and CRLF", "tab in GBK named .xls"])
def test_excels_sep_line_names_the_delimiter(tmp_path: Path, name: str, data: bytes) -> None:
    """Regression: a first line ``sep=;`` (written so that Excel splits the columns) confused the delimiter
    sniffing: the table was not recognised (IMP100). It names the delimiter and is no row; rows keep their lines."""
    from lfk.loader.sheets import read_any

    path = tmp_path / name
    path.write_bytes(data)
    (sheet,) = read_any(path)
    assert sheet.rows == [(2, ["序号", "风险点", "风险等级"]), (3, ["1", "公务车维修", "高"])]


def test_a_folder_named_as_a_table_is_said_to_be_a_folder(runner, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """Regression: a folder given as FILE was "no such file"."""
    root = _register(runner, tmp_path / "reg")
    (tmp_path / "表格.xlsx").mkdir()
    r = invoke(runner, "import", str(tmp_path / "表格.xlsx"), "--root", str(root), "--unit", "u")
    assert r.exit_code == 2 and "这是文件夹，不是文件" in r.output and len(r.output.strip().splitlines()) == 1


def _strict(path: Path, out: Path) -> Path:
    """``path`` saved as Excel's or Word's "Strict Open XML" does: the ISO namespaces in every part and relationship."""
    subs = [(b"http://schemas.openxmlformats.org/spreadsheetml/2006/main", b"http://purl.oclc.org/ooxml/spreadsheetml/main"),
            (b"http://schemas.openxmlformats.org/wordprocessingml/2006/main",
             b"http://purl.oclc.org/ooxml/wordprocessingml/main"),
            (b"http://schemas.openxmlformats.org/officeDocument/2006/relationships",
             b"http://purl.oclc.org/ooxml/officeDocument/relationships")]
    with zipfile.ZipFile(path) as zin, zipfile.ZipFile(out, "w") as zout:
        for info in zin.infolist():
            data = zin.read(info)
            if not info.filename.startswith("[Content_Types]"):
                for a, b in subs:
                    data = data.replace(a, b)
            zout.writestr(info, data)
    return out


def test_a_strict_open_xml_workbook_reads_as_the_transitional_one(runner, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """Regression: a workbook saved as Strict Open XML read as one without sheets: the import said nothing and
    wrote nothing (exit 0). It gives the same sheets and merges as the .xlsx it was saved from."""
    from lfk.loader.sheets import read_any

    strict = _strict(XLSX, tmp_path / "strict.xlsx")
    assert [(s.name, s.rows, s.merged) for s in read_any(strict)] == [(s.name, s.rows, s.merged) for s in read_any(XLSX)]
    summary, risks, _ = _imported(runner, tmp_path / "reg", strict)
    assert risks and summary["errors"] == 0


def test_a_workbook_without_a_worksheet_is_one_line_and_exit_2(runner, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """A workbook openpyxl finds no worksheet in said nothing and wrote nothing (exit 0)."""
    path = tmp_path / "none.xlsx"
    with zipfile.ZipFile(XLSX) as zin, zipfile.ZipFile(path, "w") as zout:
        for info in zin.infolist():
            data = zin.read(info)
            zout.writestr(info, re.sub(rb"<sheets>.*</sheets>", b"<sheets/>", data) if info.filename == "xl/workbook.xml" else data)
    root = _register(runner, tmp_path / "reg")
    r = invoke(runner, "import", str(path), "--root", str(root), "--unit", "u")
    assert r.exit_code == 2 and "工作簿中没有工作表" in r.output and len(r.output.strip().splitlines()) == 1


def test_reading_a_long_csv_cell_leaves_csvs_limit_as_it_was(tmp_path: Path) -> None:
    """The limit is the process's: the monitor's logs keep reporting a field over it (MON003)."""
    import csv

    from lfk.loader.sheets import read_any

    before = csv.field_size_limit()
    path = tmp_path / "t.csv"
    path.write_text("序号,风险点\n1," + "长" * 140_000 + "\n", encoding="utf-8")
    read_any(path)
    assert csv.field_size_limit() == before


def test_a_strict_open_xml_document_reads_as_the_transitional_one(tmp_path: Path) -> None:
    """Regression: a Word document saved as Strict Open XML was refused (no relationship of type …officeDocument)."""
    from lfk.loader.sheets import read_any

    _hospital_docx(tmp_path / "t.docx")
    strict = _strict(tmp_path / "t.docx", tmp_path / "strict.docx")
    assert [(s.name, s.rows, s.merged) for s in read_any(strict)] == [
        (s.name, s.rows, s.merged) for s in read_any(tmp_path / "t.docx")]


def test_after_a_write_the_import_says_the_next_step(runner, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """The officer's next step after an import: `lfk lint UNIT` lists what the tables did not hold — named in the
    last line, and that command runs (findings, exit 1); a dry run names no next step."""
    root = _register(runner, tmp_path / "reg")
    r = invoke(runner, "import", str(XLSX), "--root", str(root), "--unit", "u", "--lang", "zh")
    assert r.exit_code == 0, r.output
    last = r.stdout.strip().splitlines()[-1]
    assert last.startswith("下一步：lfk lint u ") and "--format statistics" in last
    lint = invoke(runner, "lint", "u", "--root", str(root), "--format", "statistics")
    assert lint.exit_code == 1 and "LFK" in lint.stdout
    dry = invoke(runner, "import", str(XLSX), "--root", str(root), "--unit", "u", "--dry-run", "--lang", "zh")
    assert "下一步" not in dry.stdout
