"""Shared pieces of the register models: the base class, enumerations and small value types."""

from __future__ import annotations

import re
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

# the id rules, once: an item id or a unit id names a file or a page, so it is never a path (\Z: no newline)
ID_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}\Z")
UNIT_ID_RE = re.compile(r"^[a-z0-9][a-z0-9-]{0,62}\Z")


def valid_id(value: Any) -> bool:
    """Whether ``value`` is a well-formed item id (never a path)."""
    return isinstance(value, str) and bool(ID_RE.match(value)) and ".." not in value


def valid_unit_id(value: Any) -> bool:
    """Whether ``value`` is a well-formed unit id."""
    return isinstance(value, str) and bool(UNIT_ID_RE.match(value))


Grade = Literal["高", "中", "低"]
GRADES: tuple[str, ...] = ("高", "中", "低")
DayKind = Literal["工作日", "自然日"]
Disclosure = Literal["public", "internal"]
UnitType = Literal["党的机关", "行政机关", "国有企业", "事业单位", "其他"]
Duty = Literal["受理", "审查", "决定", "执行", "监督", "其他"]
EXTERNAL_CATEGORIES: tuple[str, ...] = (
    "行政许可", "行政处罚", "行政强制", "行政征收", "行政给付", "行政检查", "行政确认",
    "行政奖励", "行政裁决", "非行政许可审批", "其他行政权力",
)
INTERNAL_CATEGORIES: tuple[str, ...] = ("人事管理", "财务管理", "资产管理", "采购管理", "工程建设管理", "其他内部职权")
AuthorityCategory = Literal[
    "行政许可", "行政处罚", "行政强制", "行政征收", "行政给付", "行政检查", "行政确认",
    "行政奖励", "行政裁决", "非行政许可审批", "其他行政权力",
    "人事管理", "财务管理", "资产管理", "采购管理", "工程建设管理", "其他内部职权",
]
KeyArea = Literal[
    "工程建设", "土地出让", "产权交易", "政府采购", "资源开发和交易", "食品药品安全", "环境保护", "安全生产",
    "金融运行", "选人用人", "行政审批", "行政处罚", "行政给付", "政府投资项目", "公共资源交易", "财政专项资金",
    "三重一大",
]
RiskSource = Literal["自己查找", "群众评议", "专家建议", "案例分析", "组织审定"]
MeasureKind = Literal["程序规范", "分权控权", "制度建设", "廉政教育", "公开透明", "科技防控", "监督检查"]
EducationForm = Literal["专题党课", "示范教育", "警示教育", "岗位廉政教育"]
MeasureStatus = Literal["计划", "实施中", "已落实"]
MeasureEffect = Literal["有效", "部分有效", "无效", "未评估"]
MeasurePhase = Literal["事前", "事中", "事后"]
DEFAULT_BENCHMARK_LEVELS: tuple[str, ...] = ("不予处罚", "减轻处罚", "从轻处罚", "一般", "从重处罚")
STATUTORY_LIMIT_CATEGORIES: tuple[str, ...] = ("行政许可", "非行政许可审批", "行政处罚", "行政给付")

DEFAULT_TAXONOMY: dict[str, dict[str, list[str]]] = {
    "权力行使": {"kinds": ["权力过于集中", "运行程序不规范", "自由裁量幅度过大"], "measures": ["程序规范", "分权控权"]},
    "制度机制": {"kinds": ["规章制度不健全", "监督制约机制不完善"], "measures": ["制度建设", "监督检查"]},
    "思想道德": {
        "kinds": ["理想信念不坚定", "工作作风不扎实", "职业道德不牢固", "外部环境影响"],
        "measures": ["廉政教育"],
    },
}


class Model(BaseModel):
    """Base of every register model: unknown keys are refused; numbers are accepted as text."""

    model_config = ConfigDict(extra="forbid", coerce_numbers_to_str=True, populate_by_name=True)


def F(zh: str, en: str, default: object = ..., **kw: object) -> object:  # noqa: N802
    """A field with a bilingual title (zh) and description (en) for schemas and editor hover text."""
    if "default_factory" in kw:
        return Field(title=zh, description=f"{zh} — {en}", **kw)  # type: ignore[call-overload]
    return Field(default, title=zh, description=f"{zh} — {en}", **kw)  # type: ignore[call-overload]


class TimeLimit(Model):
    """A time limit: a number of days, working (工作日) or natural (自然日)."""

    days: int | float = F("天数", "number of days", ge=0)
    kind: DayKind = F("日类型（工作日/自然日）", "kind of day: 工作日 (working) or 自然日 (natural)", "工作日")
