"""Models of the register's files: unit, 职权目录, 流程图, 风险点, 防控措施, 裁量基准."""

from __future__ import annotations

import datetime as dt
from typing import Any

from lfk.model.base import (
    AuthorityCategory,
    DayKind,
    Disclosure,
    Duty,
    EducationForm,
    F,
    Grade,
    KeyArea,
    MeasureEffect,
    MeasureKind,
    MeasurePhase,
    MeasureStatus,
    Model,
    RiskSource,
    TailorKind,
    TimeLimit,
    UnitType,
)
from lfk.model.disclosure import power_is_public
from lfk.model.vocab import money_scale

__all__ = [
    "Approval", "Authority", "AuthoritiesFile", "Benchmark", "BenchmarkItem", "DayKind", "Edge", "Fine", "Flow",
    "LegalBasis", "Measure", "MeasuresFile", "Post", "Responsible", "Risk", "RisksFile", "Step", "Tailoring", "Tier", "Unit",
]


class Post(Model):
    """岗位: an actor or owner of the unit."""

    id: str = F("岗位编号", "post id")
    name: str = F("岗位名称", "post name")
    leader: bool = F("领导岗位", "a leadership post (分级负责)", False)
    internal: bool = F("内部岗位", "not shown on the public site", False)


class Approval(Model):
    """A collective approval by the unit's leadership (clause 6: 经单位领导班子集体审定)."""

    id: str = F("审定编号", "approval id")
    date: dt.date = F("审定日期", "date of the meeting")
    meeting: str = F("会议", "the meeting that approved")
    minutes: str | None = F("会议纪要", "the record that proves it", None)


class Tailoring(Model):
    """One ``tailor:`` entry of unit.yaml: drop a baseline item (with a reason) or change its fields."""

    drop: str | None = F("删除", "id of a baseline item this unit does not take over", None)
    change: str | None = F("修改", "id of a baseline item whose fields this unit changes", None)
    kind: TailorKind | None = F("类别", "authority, risk, measure, flow or benchmark (when an id is ambiguous)", None)
    set: dict[str, Any] = F("修改内容", "field → new value (with change)", default_factory=dict)
    reason: str | None = F("理由", "why (required with drop)", None)


class Unit(Model):
    """``unit.yaml``: the unit, its posts and its approval records."""

    id: str = F("单位编号", "unit id (equals the folder name)")
    name: str = F("单位名称", "unit name")
    type: UnitType = F("单位类型", "unit type")
    parent: str | None = F("上级单位", "id of the unit above it", None)
    posts: list[Post] = F("岗位", "posts", [])
    approvals: list[Approval] = F("集体审定记录", "collective approval records", [])
    contact: str | None = F("监督电话", "unit's supervision hotline (no personal data)", None)
    adopts: list[str] = F("采用基准", "baseline units whose items apply to this unit (lfk.yaml baseline:)", [])
    tailor: list[Tailoring] = F("剪裁", "tailorings of the adopted baseline items", [])


class LegalBasis(Model):
    """A legal basis of a power."""

    law: str = F("法律法规", "law or regulation")
    revision: str | None = F("修订版本", "revision of the law, e.g. 2018年修订", None)
    article: str | None = F("条款", "article", None)
    text: str | None = F("条文内容", "the article's text as quoted", None)


class Authority(Model):
    """A power of the 职权目录 (clause 4)."""

    id: str = F("职权编码", "power id")
    name: str = F("职权名称", "power name")
    category: AuthorityCategory = F("职权类别", "category")
    content: str | None = F("职权内容", "what the power is", None)
    subject: str | None = F("行使主体", "who holds it", None)
    legal_basis: list[LegalBasis] = F("法律依据", "legal basis (required for external powers)", [])
    posts: list[str] = F("承办岗位", "posts that exercise it", [])
    flow: str | None = F("流程图", "the flow it runs on (default: the flow with its own id)", None)
    time_limit: TimeLimit | None = F("法定时限", "statutory limit of the whole flow", None)
    promised: TimeLimit | None = F("承诺时限", "promised limit (never above the statutory one)", None)
    key_areas: list[KeyArea] = F("重点领域", "key areas (clause 15) or 三重一大", [])
    internal: bool = F("内部职权", "the unit's own 人财物 power", False)
    disclosure: Disclosure | None = F("公开属性", "public | internal (default: public unless internal)", None)
    extra: dict[str, str] = F("其他信息", "cells of the source table no field holds (kept as written; never published)", {})

    @property
    def flow_id(self) -> str:
        """The flow this power runs on."""
        return self.flow or self.id

    @property
    def is_public(self) -> bool:
        """Shown on the public site (the policy: ``lfk.model.disclosure.power_is_public``)."""
        return power_is_public(self)


class AuthoritiesFile(Model):
    """``authorities.yaml``: 职权目录 (none yet: ``authorities: []``, or no file; an empty file is LFK009)."""

    authorities: list[Authority] = F("职权目录", "the powers of the unit", [])


class Edge(Model):
    """A labelled transition to another step."""

    to: str = F("下一步", "the step it leads to")
    when: str | None = F("条件", "when this branch is taken", None)


class Step(Model):
    """A step of a 权力运行流程图."""

    id: str = F("环节编号", "step id")
    name: str = F("环节名称", "step name")
    actor: str | None = F("承办岗位", "post that does the step", None)
    duty: Duty | None = F("职责", "duty: 受理 审查 决定 执行 监督 其他", None)
    conditions: str | None = F("办理条件", "conditions", None)
    time_limit: TimeLimit | None = F("法定时限", "statutory limit of the step", None)
    promised: TimeLimit | None = F("承诺时限", "promised limit", None)
    supervision: list[str] = F("监督方式", "supervision points / methods (监察点)", [])
    next: list[str | Edge] = F("下一环节", "next steps", [])
    end: bool = F("结束环节", "an end step", False)
    collective: bool = F("集体决策", "decided collectively by the leadership", False)
    duties: list[str] = F("责任事项", "the duties of the step as a 责任清单 lists them", [])
    label: str | None = F("环节原文", "the step's label as the source table wrote it, e.g. （一）立案", None)

    def edges(self) -> list[Edge]:
        """``next`` as edges."""
        return [Edge(to=n) if isinstance(n, str) else n for n in self.next]


class Flow(Model):
    """``flows/<id>.yaml``: a 权力运行流程图."""

    id: str = F("流程编号", "flow id (equals the file name)")
    name: str = F("流程名称", "flow name")
    description: str | None = F("说明", "description", None)
    steps: list[Step] = F("环节", "steps; the first is the start", [])


class Responsible(Model):
    """The responsibility chain of a risk beside its owner post (internal: never published)."""

    leader: str | None = F("责任领导", "leader in charge (name or post)", None)
    department_head: str | None = F("部门负责人", "head of the department (name or post)", None)
    person: str | None = F("责任人", "person responsible (name or post)", None)


class Risk(Model):
    """A 廉政风险点 (clause 5, 6)."""

    id: str = F("风险编号", "risk id")
    title: str = F("风险点", "the risk")
    category: str = F("风险类别", "category (taxonomy)")
    kind: str | None = F("风险类型", "kind within the category", None)
    authority: str | None = F("所在职权", "the power it sits on", None)
    steps: list[str] = F("所在环节", "steps of that power's flow", [])
    post: str | None = F("所在岗位", "the post it sits on (岗位风险)", None)
    description: str | None = F("风险描述", "description", None)
    sources: list[RiskSource] = F("查找方式", "how it was found", [])
    factors: dict[str, Any] = F("评定因素", "grading factors", {})
    criteria: list[str] = F("符合的判定标准", "criteria met (criteria method)", [])
    residual: dict[str, Any] = F("剩余风险因素", "grading factors after the measures (residual risk), graded by the "
                                 "same rubric; for the criteria method {criteria: [...]}", {})
    grade: Grade | None = F("风险等级", "grade as approved", None)
    grade_reason: str | None = F("等级调整理由", "why the approved grade differs from the rubric", None)
    owner: str | None = F("责任人岗位", "owner post", None)
    approval: str | None = F("集体审定", "approval record that set the grade", None)
    approved_digest: str | None = F("审定摘要", "digest written by lfk approve", None)
    reviewed: dt.date | None = F("复核日期", "last dynamic review", None)
    disclosure: Disclosure | None = F("公开属性", "internal unless set public", None)
    indicators: list[str] = F("监测指标", "what is watched to see the risk arise", [])
    responsible: Responsible | None = F("责任链", "责任领导 / 部门负责人 / 责任人 (names or posts; never published)", None)
    extra: dict[str, str] = F("其他信息", "cells of the source table no field holds (kept as written; never published)", {})


class RisksFile(Model):
    """``risks.yaml``: 廉政风险点 (none yet: ``risks: []``, or no file; an empty file is LFK009)."""

    risks: list[Risk] = F("风险点", "risks", [])


class Measure(Model):
    """A 防控措施 (clause 7)."""

    id: str = F("措施编号", "measure id")
    risks: list[str] = F("针对风险", "risks it answers", [])
    kind: MeasureKind = F("措施类别", "kind")
    education: EducationForm | None = F("教育形式", "form of 廉政教育", None)
    description: str | None = F("措施内容", "description", None)
    owner: str | None = F("责任岗位", "owner post", None)
    due: dt.date | None = F("完成时限", "due date", None)
    status: MeasureStatus = F("落实情况", "status", "计划")
    effect: MeasureEffect = F("实施效果", "effect", "未评估")
    disclosure: Disclosure | None = F("公开属性", "internal unless set public", None)
    phase: MeasurePhase | None = F("防控阶段", "事前 / 事中 / 事后", None)
    extra: dict[str, str] = F("其他信息", "cells of the source table no field holds (kept as written; never published)", {})


class MeasuresFile(Model):
    """``measures.yaml``: 防控措施 (none yet: ``measures: []``, or no file; an empty file is LFK009)."""

    measures: list[Measure] = F("防控措施", "measures", [])


class Fine(Model):
    """A range of amounts (``min``/``max``/``unit``) or of multiples of a base (``min_times``/``max_times``/``of``)."""

    min: float | None = F("下限", "lowest amount", None)
    max: float | None = F("上限", "highest amount", None)
    unit: str | None = F("单位", "unit, e.g. 元", None)
    min_times: float | None = F("最低倍数", "lowest multiple", None)
    max_times: float | None = F("最高倍数", "highest multiple", None)
    of: str | None = F("倍数基数", "base of the multiple, e.g. 货值金额", None)

    def is_times(self) -> bool:
        """Whether this is a range of multiples of a base (``min_times``/``max_times``/``of``)."""
        return self.min_times is not None or self.max_times is not None

    def bounds(self) -> tuple[float | None, float | None]:
        """(low, high) as written, in whichever form this range uses."""
        if self.is_times():
            return (self.min_times, self.max_times)
        return (self.min, self.max)

    def form(self) -> tuple[str, str | None]:
        """What the bounds measure: ``("times", of)``, ``("amount", "元")`` for any money unit, else
        ``("amount", unit)``. Only fines of the same form compare."""
        if self.is_times():
            return ("times", self.of)
        return ("amount", "元" if money_scale(self.unit) else self.unit)

    def comparable_bounds(self) -> tuple[float | None, float | None]:
        """(low, high) in the unit of ``form()``: money in 元 (20 万元 is 200000), else as written."""
        lo, hi = self.bounds()
        k = 1 if self.is_times() else (money_scale(self.unit) or 1)
        return (None if lo is None else lo * k, None if hi is None else hi * k)


class Tier(Model):
    """A tier of discretion (lightest first)."""

    level: str = F("裁量阶次", "level, e.g. 从轻处罚")
    circumstances: str | None = F("适用情形", "circumstances", None)
    penalty: list[str] = F("处罚种类", "penalties", [])
    fine: Fine | None = F("罚款幅度", "fine range", None)
    fines: list[Fine] = F("其他罚款", "further fines of the same tier (e.g. on the persons in charge)", [])
    standard: str | None = F("裁量标准原文", "the tier's standard as written", None)


class BenchmarkItem(Model):
    """A violation and its tiers."""

    violation: str = F("违法行为", "violation")
    basis: str | None = F("处罚依据", "legal basis", None)
    statutory: Fine | None = F("法定幅度", "the range the law allows", None)
    tiers: list[Tier] = F("裁量阶次", "tiers, lightest first", [])
    remarks: str | None = F("备注", "further orders and notes", None)
    extra: dict[str, str] = F("其他信息", "cells of the source table no field holds (kept as written; never published)", {})


class Benchmark(Model):
    """``benchmarks/<authority-id>.yaml``: 行政裁量权基准 (clause 9)."""

    authority: str = F("职权编码", "the power it belongs to (equals the file name)")
    items: list[BenchmarkItem] = F("裁量基准", "items", [])
