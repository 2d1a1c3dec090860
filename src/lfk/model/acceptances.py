"""``accepted.yaml``: 经审批接受的偏离与豁免 — accepted monitor deviations, lint findings and risks, each until a date.

An acceptance names what it accepts by one of:

- a monitor deviation: ``code`` (a MON code) and optionally ``case``, ``authority``, ``step``, ``post``
  (e.g. a step done by another post during a vacancy: ``{code: MON201, post: P-deputy, ...}``);
- a lint finding: ``code`` (an LFK code) and optionally ``item`` (the id of the risk, measure, power or
  flow it is about) and ``file`` (the file's path inside the unit folder);
- a risk: ``risk`` (a 高 risk accepted without its minimum measures: LFK406/LFK407 on it, or ``code``).

Every acceptance has a ``reason``, the ``approval`` that decided it (an id of unit.yaml's ``approvals``),
optionally a 文号 (``ref``), and an expiry ``until``; ``since`` (optional) is when it starts.
"""

from __future__ import annotations

import datetime as dt

from lfk.model.base import F, Model


class Acceptance(Model):
    """One accepted deviation, finding or risk, valid from ``since`` (optional) to ``until`` (both included)."""

    id: str = F("接受编号", "acceptance id")
    code: str | None = F("代码", "the MON code of a deviation or the LFK code of a finding", None)
    case: str | None = F("案件编号", "(deviation) only this case", None)
    authority: str | None = F("职权编号", "(deviation) only cases of this power", None)
    step: str | None = F("环节编号", "(deviation) only at this step", None)
    post: str | None = F("岗位编号", "(deviation) only when this post acted", None)
    item: str | None = F("对象编号", "(finding) the id of the risk, measure, power or flow the finding is about", None)
    file: str | None = F("文件", "(finding) the file inside the unit folder, e.g. risks.yaml", None)
    risk: str | None = F("风险编号", "a risk accepted without its minimum measures", None)
    reason: str = F("理由", "why it is accepted")
    approval: str = F("审定编号", "the approval (unit.yaml approvals) that accepted it")
    ref: str | None = F("文号", "reference of the decision (文号)", None)
    since: dt.date | None = F("起始日期", "first day it applies", None)
    until: dt.date = F("有效期至", "last day it applies (expiry)")

    def kind(self) -> str:
        """``risk``, ``deviation`` (a MON code), ``finding`` (an LFK code) or ``none``."""
        if self.risk:
            return "risk"
        code = (self.code or "").upper()
        if code.startswith("MON"):
            return "deviation"
        if code.startswith("LFK"):
            return "finding"
        return "none"

    def active(self, day: dt.date) -> bool:
        """Whether it applies on ``day``."""
        return (self.since is None or self.since <= day) and day <= self.until


class AcceptedFile(Model):
    """``accepted.yaml``: a unit's accepted deviations, findings and risks (none yet: ``accepted: []``, or no file; an empty file is LFK009)."""

    accepted: list[Acceptance] = F("接受清单", "accepted deviations, findings and risks", [])
