"""``dispositions.yaml``: 预警处置记录 — what was done about each monitor warning (clause 12)."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from lfk.model.base import F, Model

DispositionResult = Literal["整改完成", "逾期", "说明理由"]
DISPOSITION_RESULTS: tuple[str, ...] = ("整改完成", "逾期", "说明理由")


class Disposition(Model):
    """One disposal of a warning: the warning is named by its id (``lfk monitor`` prints it) or by case (and code)."""

    warning: str | None = F("预警编号", "warning id printed by lfk monitor (W-...)", None)
    case: str | None = F("案件编号", "case id", None)
    code: str | None = F("预警代码", "MON code of the deviation (optional)", None)
    disposal: str = F("处置方式", "disposal taken: 风险提示 / 诫勉谈话 / 责令纠错 / the policy's words")
    date: dt.date = F("处置日期", "date of the disposal")
    by: str | None = F("处置岗位", "post that disposed", None)
    to: str | None = F("被处置岗位", "post the disposal was for", None)
    deadline: dt.date | None = F("整改期限", "整改 deadline", None)
    result: DispositionResult | None = F("整改结果", "整改完成 / 逾期 / 说明理由", None)
    result_date: dt.date | None = F("整改日期", "date of the result", None)
    ref: str | None = F("文号", "reference of the record (文号)", None)


class DispositionsFile(Model):
    """``dispositions.yaml``: a unit's 预警处置记录 (none yet: ``dispositions: []``, or no file; an empty file is LFK009)."""

    dispositions: list[Disposition] = F("处置记录", "disposal records", [])
