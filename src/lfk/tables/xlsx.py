"""The tables as an Excel workbook (openpyxl): printable, readable, with grades coloured."""

from __future__ import annotations

import datetime as dt
import io
import math
from typing import Any

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from lfk.core.text import width as text_width
from lfk.tables.columns import EXTRA_MARK, extra_key
from lfk.tables.export import TableData

FONT = "宋体"
BODY = Font(name=FONT, size=10)
HEAD = Font(name=FONT, size=10, bold=True)
HEAD_DATA = Font(name=FONT, size=9, bold=True, color="595959")
TITLE = Font(name="黑体", size=16, bold=True)
SUB = Font(name=FONT, size=9, color="595959")
FILL_HEAD = PatternFill("solid", fgColor="D9E1F2")
FILL_DATA = PatternFill("solid", fgColor="EDEDED")
THIN = Side(style="thin", color="808080")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
# 高 red, 中 orange, 低 blue (as in the flowcharts)
GRADE_STYLE = {
    "高": (PatternFill("solid", fgColor="F8CBAD"), Font(name=FONT, size=10, bold=True, color="C00000")),
    "中": (PatternFill("solid", fgColor="FFE699"), Font(name=FONT, size=10, bold=True, color="9C5700")),
    "低": (PatternFill("solid", fgColor="DDEBF7"), Font(name=FONT, size=10, bold=True, color="1F4E79")),
}
LINE_PT = 13.5


def _cell_lines(value: Any, width: float) -> int:
    if value is None:
        return 1
    text = value.isoformat() if isinstance(value, (dt.date, dt.datetime)) else str(value)
    usable = max(1.0, width - 4)
    return sum(max(1, math.ceil(text_width(line) / usable)) for line in text.split("\n"))


def _sheet(ws: Worksheet, td: TableData, title: str, subtitle: str, grade_of: dict[str, str]) -> None:
    cols = td.columns
    n = len(cols)
    last = get_column_letter(n)
    officer_cols = [i for i, c in enumerate(cols) if not c.data] or list(range(n))
    print_last = get_column_letter(max(officer_cols) + 1)
    ws.merge_cells(f"A1:{print_last}1")
    ws["A1"] = title
    ws["A1"].font = TITLE
    ws["A1"].alignment = Alignment(horizontal="center", vertical="center")
    ws.row_dimensions[1].height = 30
    ws.merge_cells(f"A2:{print_last}2")
    ws["A2"] = subtitle
    ws["A2"].font = SUB
    ws["A2"].alignment = Alignment(horizontal="left", vertical="center")
    ws.row_dimensions[2].height = 18
    head_lines = 1
    for j, c in enumerate(cols, 1):
        cell = ws.cell(row=3, column=j, value=c.header)
        cell.font = HEAD_DATA if c.data else HEAD
        cell.fill = FILL_DATA if c.data else FILL_HEAD
        cell.border = BORDER
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        ws.column_dimensions[get_column_letter(j)].width = c.width
        head_lines = max(head_lines, _cell_lines(c.header, c.width))
    ws.row_dimensions[3].height = max(24, LINE_PT * head_lines + 6)
    gi = td.index("grade")
    for i, row in enumerate(td.rows):
        r = 4 + i
        lines = 1
        for j, (c, v) in enumerate(zip(cols, row, strict=False), 1):
            if isinstance(v, str):
                v = ILLEGAL_CHARACTERS_RE.sub("\ufffd", v)  # control characters cannot be stored in xlsx
            cell = ws.cell(row=r, column=j, value=v)
            if cell.data_type == "f":  # text such as =HYPERLINK(…) is data: written as text, never a formula
                cell.data_type = "s"
            cell.font = BODY
            cell.border = BORDER
            if isinstance(v, (dt.date, dt.datetime)):
                cell.number_format = "yyyy-mm-dd"
            horizontal = "center" if c.center or c.key in ("seq", "unit") else "left"
            cell.alignment = Alignment(horizontal=horizontal, vertical="center", indent=1 if horizontal == "left" else 0,
                                       wrap_text=c.wrap or (isinstance(v, str) and "\n" in v))
            if c.wrap or (isinstance(v, str) and "\n" in v):
                lines = max(lines, _cell_lines(v, c.width))
        if gi is not None:
            g = grade_of.get(str(row[gi]), str(row[gi]))
            style = GRADE_STYLE.get(g)
            if style is not None:
                cell = ws.cell(row=r, column=gi + 1)
                cell.fill, cell.font = style
        ws.row_dimensions[r].height = max(18.0, LINE_PT * lines + 4)
    _merge_runs(ws, td)
    ws.freeze_panes = "A4"
    if td.rows:
        ws.auto_filter.ref = f"A3:{last}{3 + len(td.rows)}"
    # print: landscape A4, all officer columns on one page width, the header on every page
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_options.horizontalCentered = True
    ws.page_margins.left = ws.page_margins.right = 0.4
    ws.page_margins.top = ws.page_margins.bottom = 0.6
    ws.print_title_rows = "3:3"
    ws.print_area = f"A1:{print_last}{max(3, 3 + len(td.rows))}"
    ws.oddFooter.center.text = "第 &P 页，共 &N 页"
    ws.oddFooter.center.size = 9


def _merge_runs(ws: Worksheet, td: TableData) -> None:
    """Merge a column's cells over consecutive rows of one group holding the same value (unit, item)."""
    for j, c in enumerate(td.columns):
        if c.key not in td.merge_keys:
            continue
        start = 0
        n = len(td.rows)
        for i in range(1, n + 1):
            same = (i < n and td.rows[i][j] == td.rows[start][j]
                    and (c.key in ("unit", "unit_id") and td.unit_of_row[i] == td.unit_of_row[start]
                         or td.group_of_row[i] == td.group_of_row[start]))
            if same:
                continue
            if i - start > 1 and td.rows[start][j] not in (None, ""):
                ws.merge_cells(start_row=4 + start, start_column=j + 1, end_row=3 + i, end_column=j + 1)
            start = i


def workbook_bytes(tables: dict[str, TableData], *, register_name: str, scope: str, grade_labels: dict[str, str],
                   today: dt.date | None = None, only: list[str] | None = None) -> bytes:
    """The tables as .xlsx bytes. ``scope``: the unit's name, or e.g. ``全部 7 个单位``."""
    wb = Workbook()
    wb.remove(wb.active)
    grade_of = {v: k for k, v in grade_labels.items()}
    day = (today or dt.date.today()).isoformat()
    for key, td in tables.items():
        if only and key not in only:
            continue
        ws = wb.create_sheet(td.table.title)
        sub = f"单位：{scope}　　导出日期：{day}　　共 {len(td.rows)} 条"
        if any(c.data for c in td.columns):
            sub += "　　灰色表头的列供 lfk import 导入使用，请勿删除"
        if any(extra_key(c.header) is not None for c in td.columns):
            sub += f"　　表头带{EXTRA_MARK}的列是原表中登记册没有对应字段的内容，导入时原样保留"
        _sheet(ws, td, f"{register_name}　{td.table.caption}", sub, {**grade_of, **td.grade_of_word})
    wb.properties.title = register_name
    wb.properties.creator = "lfk"
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
