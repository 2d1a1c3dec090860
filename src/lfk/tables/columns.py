"""The tables officers file, column by column: exported headers and the header variants import accepts."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from lfk.tables.values import visible


@dataclass(frozen=True)
class Column:
    """One column of a table.

    ``key``: the field it carries (or a display-only key); ``header``: the exported header;
    ``variants``: other headers meaning the same; ``width``: xlsx width in characters; ``wrap``:
    wrap text; ``derived``: shown for people, worked out from other columns, never imported;
    ``data``: a column that carries a field for a faithful round trip (shown after the officers'
    columns, greyed header).
    """

    key: str
    header: str
    variants: tuple[str, ...] = ()
    width: float = 12
    wrap: bool = False
    derived: bool = False
    data: bool = False
    center: bool = False


@dataclass(frozen=True)
class Table:
    """A table: its key, sheet title, title-row caption, header variants of the sheet name, columns."""

    key: str
    title: str
    caption: str
    sheet_variants: tuple[str, ...]
    columns: tuple[Column, ...]
    extra: dict[str, str] = field(default_factory=dict)

    def column(self, key: str) -> Column | None:
        """The column carrying ``key``."""
        for c in self.columns:
            if c.key == key:
                return c
        return None


C = Column
SEQ = C("seq", "序号", ("编号序号", "排序", "No", "No.", "#"), 6, derived=True, center=True)
UNIT = C("unit", "单位", ("单位名称", "责任单位"), 16, wrap=True, derived=True)
UNIT_ID = C("unit_id", "单位编号", ("单位代码",), 14, data=True)

AUTHORITIES = Table("authorities", "职权目录", "职权目录", ("职权目录", "权力清单", "职权清单", "权力目录", "职权"), (
    SEQ, UNIT,
    C("id", "职权编码", ("职权编号", "权力编码", "权力编号", "事项编码", "项目编码", "编码", "编号"), 10, center=True),
    C("name", "职权名称", ("权力名称", "事项名称", "职权事项", "权力事项", "项目名称", "权力项目名称", "名称"), 26, wrap=True),
    C("category", "职权类别", ("权力类别", "权力类型", "职权类型", "类别", "事项类别", "权力分类", "职权分类",
                                   "事项类型"), 11, center=True),
    C("content", "职权内容", ("权力内容", "事项内容", "内容", "职权描述"), 40, wrap=True),
    C("subject", "行使主体", ("实施主体", "责任主体", "主体", "行权主体", "权力行使部门", "行使部门", "实施部门",
                                   "实施机关", "法定主体", "执法主体"), 16, wrap=True),
    C("legal_basis", "法律依据", ("设定依据", "实施依据", "法律法规依据", "依据", "法定依据", "设立依据", "实施依据及条款",
                                        "授权依据", "职权依据", "权力依据", "行使依据"), 32, wrap=True),
    C("posts", "承办岗位", ("承办机构", "承办科室", "责任岗位", "岗位", "办理岗位"), 20, wrap=True),
    C("time_limit", "法定时限", ("办理时限", "法定期限", "时限"), 11, wrap=True, center=True),
    C("disclosure", "公开属性", ("公开方式", "是否公开", "公开"), 13, center=True),
    C("flow", "流程图", ("流程图编号", "流程编号", "运行流程"), 11, data=True),
    C("promised", "承诺时限", ("承诺期限", "承诺办结时限"), 11, data=True),
    C("key_areas", "重点领域", ("领域", "重点领域和关键环节"), 16, wrap=True, data=True),
    C("internal", "内部职权", ("内部权力", "是否内部职权"), 9, data=True, center=True),
    UNIT_ID,
))

RISKS = Table("risks", "廉政风险防控登记表", "廉政风险防控登记表",
              ("廉政风险防控登记表", "风险点登记表", "廉政风险点登记表", "风险防控登记表", "廉政风险点", "风险点", "风险"), (
    SEQ, UNIT,
    C("where", "岗位/职权", ("岗位（职权）", "岗位职权", "职权/岗位", "风险岗位", "所在岗位/职权", "岗位或职权", "岗位名称",
                            "职权名称", "职权事项", "岗位", "工作岗位", "风险岗位名称", "部门/岗位", "科室/岗位", "部门岗位",
                            "所在部门", "科室", "部门", "处室", "责任部门", "岗位职责", "单位/科室", "单位科室",
                            "岗位类别", "部门/科室", "科室/部门", "所在科室", "风险所在岗位/职权", "权力名称",
                            "权力事项", "职权内容"), 20, wrap=True),
    C("category", "风险类别", ("类别", "风险分类", "风险类型分类", "风险种类类别", "风险领域", "风险范畴"), 10, center=True),
    C("title", "风险点", ("风险名称", "廉政风险点", "风险点名称", "风险内容", "风险点内容",
                                                "廉洁风险点", "主要风险点", "廉政风险名称", "廉洁风险名称", "风险事项"), 24, wrap=True),
    C("description", "风险描述", ("风险表现", "主要表现", "风险点描述", "表现形式", "风险表现形式", "描述", "风险情况描述",
                                                      "主要表现形式", "具体表现", "风险表现及描述", "风险说明",
                                                      "廉政风险主要内容及表现形式", "风险点及表现形式", "廉政风险内容",
                                                      "廉洁风险内容", "廉政风险点描述", "主要内容及表现形式", "风险点表现形式"), 34, wrap=True),
    C("grade", "风险等级", ("等级", "风险级别", "级别", "风险等次", "风险程度", "建议风险级别",
                                              "风险等级评定", "风险级别评定", "评定等级", "风险星级"), 8, center=True),
    C("measures_text", "防控措施", ("预防和控制措施", "防范措施", "防控措施及要求", "主要防控措施", "措施", "预防措施",
                                                     "廉政风险防控措施", "廉洁风险防控措施", "风险防控措施", "防控措施及责任",
                                                     "防控方法", "防控办法", "防范方法", "主要预防措施", "主要防范措施",
                                                     "预防措施及办法", "防控对策", "防范对策"),
      50, wrap=True),
    C("owner", "责任人", ("责任岗位", "责任人岗位", "防控责任人", "直接责任人"), 16, wrap=True),
    C("leader", "责任领导", ("分管领导", "领导责任人", "责任领导岗位", "分管领导责任人"), 16, wrap=True, derived=True),
    C("department_head", "部门负责人", ("科室负责人", "部门责任人", "处室负责人", "主要负责人"), 14, wrap=True, data=True),
    C("person", "负责人", ("责任人姓名", "具体责任人", "岗位负责人"), 12, wrap=True, data=True),
    C("indicators", "监测指标", ("预警指标", "监测点", "风险监测指标"), 18, wrap=True, data=True),
    C("approval", "审定", ("审定情况", "集体审定", "审定会议", "审定记录"), 22, wrap=True),
    C("reviewed", "复核日期", ("复核时间", "动态复核日期", "更新日期", "审核日期"), 11, center=True),
    C("id", "风险编号", ("风险点编号", "风险编码", "编号"), 9, data=True),
    C("authority", "职权编码", ("职权编号", "权力编码"), 9, data=True),
    C("steps", "所在环节", ("环节", "风险环节", "环节编号"), 9, data=True),
    C("post", "所在岗位", ("岗位编号", "风险所在岗位"), 12, data=True),
    C("kind", "风险类型", ("风险种类",), 14, data=True, wrap=True),
    C("sources", "查找方式", ("查找途径", "风险来源", "来源"), 14, data=True, wrap=True),
    # grading factor columns are inserted here (see ``risk_columns``)
    C("criteria", "判定标准", ("符合的判定标准",), 16, data=True, wrap=True),
    C("grade_reason", "等级调整理由", ("调整理由", "定级理由"), 16, data=True, wrap=True),
    C("residual", "剩余风险因素", (), 16, data=True, wrap=True),  # "importance=3 harm=2" (lfk export)
    C("residual_grade", "剩余风险等级", (), 10, derived=True, data=True, center=True),  # graded from 剩余风险因素
    C("approved_digest", "审定摘要", ("审定校验码",), 14, data=True),
    C("disclosure", "公开属性", ("公开方式", "是否公开"), 9, data=True),
    UNIT_ID,
))

MEASURES = Table("measures", "防控措施", "防控措施", ("防控措施", "措施", "防控措施表"), (
    SEQ, UNIT,
    C("id", "措施编号", ("措施编码", "编号"), 9, center=True),
    C("risks", "针对风险", ("风险编号", "对应风险", "针对风险点"), 10, wrap=True, center=True),
    C("kind", "措施类别", ("措施类型", "类别"), 10, center=True),
    C("education", "教育形式", ("廉政教育形式",), 13, center=True),
    C("description", "措施内容", ("防控措施", "具体措施", "措施", "内容"), 48, wrap=True),
    C("owner", "责任岗位", ("责任人", "责任部门"), 18, wrap=True),
    C("due", "完成时限", ("完成时间", "时限", "截止日期"), 11, center=True),
    C("status", "落实情况", ("状态", "进展", "完成情况"), 9, center=True),
    C("effect", "实施效果", ("效果", "成效"), 9, center=True),
    C("phase", "防控阶段", ("阶段", "防控环节"), 9, data=True, center=True),
    C("disclosure", "公开属性", ("公开方式", "是否公开"), 9, data=True),
    UNIT_ID,
))

BENCHMARKS = Table("benchmarks", "裁量基准", "行政裁量权基准", ("裁量基准", "行政裁量权基准", "裁量权基准", "自由裁量基准"), (
    SEQ, UNIT,
    C("authority", "职权编码", ("职权编号", "权力编码"), 10, center=True),
    C("violation", "违法行为", ("违法情形", "违法事项", "事项名称", "处罚事项", "违法行为名称", "行政处罚事项"), 26, wrap=True),
    C("basis", "处罚依据", ("依据", "法律依据", "法律法规依据", "处罚依据及条款", "设定依据", "法定依据",
                                           "适用法条", "法律法规规章依据"), 28, wrap=True),
    C("statutory", "法定幅度", ("法定处罚幅度", "处罚幅度"), 16, wrap=True),
    C("level", "裁量阶次", ("裁量等次", "裁量档次", "阶次", "情节", "类别", "裁量类别", "裁量等级", "档次",
                                          "裁量阶次类别", "违法程度", "情节程度"), 10, center=True),
    C("circumstances", "适用情形", ("适用条件", "具体情形", "情形", "裁量情节", "违法情节", "情节描述", "违法行为表现形式",
                                                   "违法情形表现", "违法数量/归类", "违法数量", "违法数额", "违法后果"),
      32, wrap=True),
    C("penalty", "处罚种类", ("处罚方式", "处罚内容", "行政处罚标准", "其他处罚", "并处处罚"), 18, wrap=True),
    C("fine", "罚款幅度", ("裁量幅度", "罚款标准", "处罚标准", "裁量标准", "处罚裁量标准", "自由裁量基准", "裁量基准",
                                            "自由裁量标准", "裁量基准内容", "处罚款标准", "罚款数额", "罚款金额",
                                            "自由裁量权量化标准", "自由裁量权标准", "量化标准"), 16, wrap=True),
    C("remarks", "备注", ("说明", "备注说明"), 20, wrap=True, data=True),
    UNIT_ID,
))

POSTS = Table("posts", "岗位", "岗位", ("岗位", "岗位设置", "岗位表"), (
    UNIT,
    C("id", "岗位编号", ("岗位编码", "编号"), 16),
    C("name", "岗位名称", ("岗位", "名称"), 24, wrap=True),
    C("leader", "领导岗位", ("是否领导", "领导"), 9, center=True),
    C("internal", "内部岗位", ("是否内部",), 9, center=True),
    UNIT_ID,
))

APPROVALS = Table("approvals", "审定记录", "集体审定记录", ("审定记录", "集体审定记录", "审定"), (
    UNIT,
    C("id", "审定编号", ("编号",), 14),
    C("date", "审定日期", ("日期", "会议日期"), 11, center=True),
    C("meeting", "会议", ("审定会议", "会议名称"), 28, wrap=True),
    C("minutes", "会议纪要", ("纪要", "纪要文号"), 24, wrap=True),
    UNIT_ID,
))

# columns import reads but export does not write (their field has a column of its own elsewhere, or none)
IMPORT_ONLY: dict[str, tuple[Column, ...]] = {
    # the department a risk lies in (秘书一科, 办公室): the risk's post when no 岗位 column names one
    "risks": (C("department", "责任科室", ("责任主体", "责任单位", "责任处室", "责任股室", "所在科室")),),
    # a 权责清单's 责任事项 cell (1.受理责任：… 2.审查责任：…): the power's flow, one step per numbered stage
    "authorities": (C("duties", "责任事项", ("职责事项", "责任内容", "具体责任事项", "责任事项内容")),),
}

TABLES: dict[str, Table] = {t.key: t for t in (AUTHORITIES, RISKS, MEASURES, BENCHMARKS, POSTS, APPROVALS)}
TABLE_ORDER = ("authorities", "risks", "measures", "benchmarks", "posts", "approvals")

EXTRA_MARK = "〔原表〕"
"""Ends the header of an exported column that carries one ``extra:`` key (追责情形〔原表〕): import reads such a
column back into that key, whatever field a header of that name would otherwise name (备注, 责任人)."""


def extra_header(key: str) -> str:
    """The exported header of the column carrying the ``extra:`` key ``key``."""
    return key + EXTRA_MARK


def extra_key(header: object) -> str | None:
    """The ``extra:`` key an exported header carries (``extra_header``), or None for any other header."""
    text = str(header or "").strip()
    return text[:-len(EXTRA_MARK)] if text.endswith(EXTRA_MARK) and len(text) > len(EXTRA_MARK) else None


_PAREN = re.compile(r"[（(【\[][^）)】\]]*[）)】\]]")
_SPACE = re.compile(r"[\s\u3000*＊:：]+")


def norm_header(text: object) -> str:
    """A header as compared: full/half width folded (NFKC), no spaces, line breaks (vertical text such as
    领⏎导⏎班⏎子), ``*`` marks, colons or parenthesised notes."""
    s = unicodedata.normalize("NFKC", visible(str(text or "")))
    s = _SPACE.sub("", s)
    stripped = _PAREN.sub("", s)
    return (stripped or s).replace("／", "/").lower()


def names_posts(header: object) -> bool:
    """Whether a 岗位/职权 column's header names posts or departments only (岗位类别, 工作岗位, 部门, 科室/岗位), not
    powers (职权内容, 权力事项, 岗位/职权, 岗位职责): its cells are then the risks' posts."""
    h = norm_header(header)
    return bool(re.search("岗位|部门|科室|处室", h)) and not re.search("职权|权力|职责|事项", h)


def factor_header(key: str, label: str | None) -> str:
    """The header of a grading-factor column: its label, else its key."""
    return label or key


def import_fields() -> dict[str, str]:
    """Every field an import column can be mapped to (``import.columns`` in lfk.yaml, ``--map``): key → header.

    ``extra`` (keep the column in each item's ``extra:``) is allowed besides these.
    """
    out: dict[str, str] = {}
    for key in TABLE_ORDER:
        for c in (*TABLES[key].columns, *IMPORT_ONLY.get(key, ())):
            if not c.derived or c.key in ("seq", "leader"):
                out.setdefault(c.key, c.header)
    return out
