"""The one vocabulary of lfk: enumerated terms, grade order and colours, id syntax.

Every enumerated word of REGISTER.md is defined here once; models (``lfk.model.base``), rules, the
importer, the renderer and the site read it from here.
"""

from __future__ import annotations

import re

# -- grades ---------------------------------------------------------------------------------------
GRADES: tuple[str, ...] = ("高", "中", "低")
"""The three grades, highest first (display order everywhere)."""
GRADE_RANK: dict[str, int] = {"高": 3, "中": 2, "低": 1}
"""Order of grades for comparisons: higher is more serious; anything else ranks 0."""
GRADE_EN: dict[str, str] = {"高": "High", "中": "Medium", "低": "Low"}
GRADE_COLORS: dict[str, str] = {"高": "#c62828", "中": "#e65100", "低": "#1565c0"}
"""Badge colour of each grade (flowcharts, Excel, and the site's stylesheet ``--high``/``--mid``/``--low``): 高 red, 中 orange, 低 blue."""
GRADE_TINTS: dict[str, str] = {"高": "#ffebee", "中": "#fff3e0", "低": "#e3f2fd"}
"""A light background of each grade's colour."""
NO_GRADE_COLOR = "#757575"
NO_GRADE_TINT = "#f5f5f5"


def grade_rank(grade: str | None) -> int:
    """``GRADE_RANK`` of ``grade`` (0 for none or an unknown word)."""
    return GRADE_RANK.get(grade or "", 0)


def worst_grade(grades: list[str | None]) -> str | None:
    """The most serious of ``grades`` (None when none is a grade)."""
    best = max(grades, key=grade_rank, default=None)
    return best if grade_rank(best) else None


# -- days -----------------------------------------------------------------------------------------
DAY_KINDS: tuple[str, ...] = ("工作日", "自然日")

# -- units, powers, flows ---------------------------------------------------------------------------
UNIT_TYPES: tuple[str, ...] = ("党的机关", "行政机关", "国有企业", "事业单位", "其他")
# bodies named for a unit type, and the type they are (REGISTER.md's list is closed): a 街道办事处 is the
# government's 派出机关 (地方组织法 第八十五条), a 乡镇人民政府 the basic-level government — both 行政机关
UNIT_TYPE_OF: dict[str, str] = {name: "行政机关" for name in (
    "街道", "街道办", "街道办事处", "乡镇", "乡", "镇", "乡镇政府", "乡政府", "镇政府", "乡镇人民政府", "乡人民政府",
    "镇人民政府", "人民政府", "政府", "派出机关")}
POWER_UNIT_TYPES: tuple[str, ...] = ("党的机关", "行政机关")
"""Unit types that exercise public power and so must list it (职权目录, clause 4) even when their risks sit on posts;
other units (事业单位 such as schools and hospitals, 国有企业, 其他) may keep a register of post risks only."""
DUTIES: tuple[str, ...] = ("受理", "审查", "决定", "执行", "监督", "其他")
DUTY_COLORS: dict[str, str] = {"受理": "#546e7a", "审查": "#5d4037", "决定": "#c62828", "执行": "#2e7d32",
                               "监督": "#6a1b9a", "其他": "#757575"}
# the category `lfk import` writes for a risk whose table gives none (lint asks for the real one)
UNCATEGORISED = "未分类"
EXTERNAL_CATEGORIES: tuple[str, ...] = (
    "行政许可", "行政处罚", "行政强制", "行政征收", "行政给付", "行政检查", "行政确认",
    "行政奖励", "行政裁决", "非行政许可审批", "其他行政权力",
)
INTERNAL_CATEGORIES: tuple[str, ...] = ("人事管理", "财务管理", "资产管理", "采购管理", "工程建设管理", "其他内部职权")
AUTHORITY_CATEGORIES: tuple[str, ...] = EXTERNAL_CATEGORIES + INTERNAL_CATEGORIES
STATUTORY_LIMIT_CATEGORIES: tuple[str, ...] = ("行政许可", "非行政许可审批", "行政处罚", "行政给付")
KEY_AREAS: tuple[str, ...] = (
    "工程建设", "土地出让", "产权交易", "政府采购", "资源开发和交易", "食品药品安全", "环境保护", "安全生产",
    "金融运行", "选人用人", "行政审批", "行政处罚", "行政给付", "政府投资项目", "公共资源交易", "财政专项资金",
    "三重一大",
)
DISCLOSURES: tuple[str, ...] = ("public", "internal")

# -- risks and measures -----------------------------------------------------------------------------
RISK_SOURCES: tuple[str, ...] = ("自己查找", "群众评议", "专家建议", "案例分析", "组织审定")
MEASURE_KINDS: tuple[str, ...] = ("程序规范", "分权控权", "制度建设", "廉政教育", "公开透明", "科技防控", "监督检查")
EDUCATION_FORMS: tuple[str, ...] = ("专题党课", "示范教育", "警示教育", "岗位廉政教育")
MEASURE_STATUSES: tuple[str, ...] = ("计划", "实施中", "已落实")
MEASURE_EFFECTS: tuple[str, ...] = ("有效", "部分有效", "无效", "未评估")
MEASURE_PHASES: tuple[str, ...] = ("事前", "事中", "事后")
# what a `tailor:` entry of unit.yaml may name with `kind:` (baselines, docs/output.md "Baselines")
TAILOR_KINDS: tuple[str, ...] = ("authority", "risk", "measure", "flow", "benchmark")
# monitor.escalate[].counts: which warnings a rule counts (clause 12: a disposed warning counts only when it repeats)
ESCALATION_COUNTS: tuple[str, ...] = ("undisposed_or_repeated", "all")
DEFAULT_BENCHMARK_LEVELS: tuple[str, ...] = ("不予处罚", "减轻处罚", "从轻处罚", "一般", "从重处罚")

DEFAULT_TAXONOMY: dict[str, dict[str, list[str]]] = {
    "权力行使": {"kinds": ["权力过于集中", "运行程序不规范", "自由裁量幅度过大"], "measures": ["程序规范", "分权控权"]},
    "制度机制": {"kinds": ["规章制度不健全", "监督制约机制不完善"], "measures": ["制度建设", "监督检查"]},
    "思想道德": {
        "kinds": ["理想信念不坚定", "工作作风不扎实", "职业道德不牢固", "外部环境影响"],
        "measures": ["廉政教育"],
    },
}
"""The guideline's three categories (clause 5) with their kinds and the measure kinds clause 7 pairs with them."""

FIVE_TYPE_TAXONOMY: dict[str, dict[str, list[str]]] = {
    "思想道德风险": {
        "kinds": ["理想信念不坚定", "工作作风不扎实", "职业道德不牢固", "廉洁自律意识不强"],
        "measures": ["廉政教育"],
    },
    "岗位职责风险": {
        "kinds": ["权力过于集中", "自由裁量幅度过大", "滥用职权", "不作为慢作为", "以权谋私"],
        "measures": ["分权控权", "程序规范", "监督检查"],
    },
    "业务流程风险": {
        "kinds": ["运行程序不规范", "审核把关不严", "环节缺少监督", "信息不公开"],
        "measures": ["程序规范", "公开透明", "科技防控"],
    },
    "制度机制风险": {
        "kinds": ["规章制度不健全", "监督制约机制不完善", "制度执行不到位"],
        "measures": ["制度建设", "监督检查"],
    },
    "外部环境风险": {
        "kinds": ["请托说情", "利益输送", "围猎腐蚀", "社会不良风气影响"],
        "measures": ["廉政教育", "公开透明", "监督检查"],
    },
}
"""The five-type scheme many units use (思想道德, 岗位职责, 业务流程, 制度机制, 外部环境), with measure pairings."""

TAXONOMY_PRESETS: dict[str, dict[str, dict[str, list[str]]]] = {
    "guideline": DEFAULT_TAXONOMY,
    "five-type": FIVE_TYPE_TAXONOMY,
}
"""Taxonomies ``lfk init --taxonomy`` writes into lfk.yaml (``guideline`` is also the default without one)."""

# -- money ----------------------------------------------------------------------------------------
MONEY_UNITS: dict[str, int] = {"元": 1, "千元": 1000, "万元": 10000, "百万元": 1000000, "亿元": 100000000}
"""Units of an amount and their size in 元 (a fine in 万元 compares with one in 元 by this)."""


def money_scale(unit: str | None) -> int | None:
    """How many 元 one ``unit`` is (``None`` for a unit that is not money, e.g. 倍 or a custom base)."""
    return MONEY_UNITS.get((unit or "元").strip())


# -- ids --------------------------------------------------------------------------------------------
ID_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}\Z")
"""An item id (power, flow, step, risk, measure, benchmark); ``\\Z``: no trailing newline."""
UNIT_ID_RE = re.compile(r"^[a-z0-9][a-z0-9-]{0,62}\Z")
"""A unit id (its folder name)."""


_VALID_IDS: set[str] = set()  # ids found valid (a register names the same ids again and again)


def valid_id(value: object) -> bool:
    """Whether ``value`` is an item id that may also name a file (no ``..``, no line break)."""
    if value.__class__ is str and value in _VALID_IDS:
        return True
    ok = isinstance(value, str) and ID_RE.fullmatch(value) is not None and ".." not in value
    if ok and value.__class__ is str and len(_VALID_IDS) < 200_000:
        _VALID_IDS.add(value)  # type: ignore[arg-type]
    return ok


def valid_unit_id(value: object) -> bool:
    """Whether ``value`` is a unit id."""
    return isinstance(value, str) and UNIT_ID_RE.fullmatch(value) is not None
