"""The MON codes of ``lfk monitor``: what each means, its warning (黄牌/红牌) and its severity.

| code   | warning | what it says |
| ------ | ------- | ------------ |
| MON001 | —       | an event file was not UTF-8: read as GB18030 (GBK), or undecodable bytes were replaced |
| MON002 | —       | an event file lacks required columns (case_id, unit, authority, step, started_at, finished_at): skipped |
| MON003 | —       | a row is malformed: bad JSON, wrong number of cells, an empty required cell |
| MON004 | —       | a row names a unit the register does not have |
| MON005 | —       | a row names a power the unit does not have, or whose flow cannot be found |
| MON006 | —       | a row names a step the power's flow does not have |
| MON007 | —       | a row has a time or an amount that cannot be read (or a date outside 1900..2200) |
| MON008 | —       | a row finishes before it starts |
| MON009 | —       | a row of a case names another power than the case's earlier rows |
| MON010 | —       | amounts cannot be checked: the power has no benchmark, or its tier's fine is a multiple (once each) |
| MON101 | 红牌    | order: the case did not start at the flow's first step |
| MON102 | 红牌    | order: a transition the flow does not allow (a skipped step, or a wrong order) |
| MON103 | 红牌    | order: the case went on after an end step |
| MON104 | 黄牌    | the case ended at a step that is not an end step (only with ``--closed``) |
| MON201 | 黄牌    | actor: the post that did the step is not the step's actor |
| MON202 | 红牌    | separation of duties: one person did 审查 and 决定, or 决定 and 监督, in one case |
| MON301 | 红牌    | time: a step went past its 法定时限 |
| MON302 | 黄牌    | time: a step used ``yellow_at`` (default 80 %) of its 法定时限 |
| MON303 | 黄牌    | time: a step went past its 承诺时限 |
| MON304 | 红牌    | time: the case went past the power's statutory time limit |
| MON305 | 黄牌    | time: the case used ``yellow_at`` of the power's limit, or went past the power's 承诺时限 |
| MON306 | 红牌/黄牌 | open case at ``--as-of``: its pending step or the whole case is past (红牌) or near (黄牌) a limit |
| MON401 | 黄牌    | discretion: the amount is outside its tier's range (within the statutory range) |
| MON402 | 红牌    | discretion: the amount is outside the statutory range |
| MON403 | 黄牌    | discretion: the tier is not one the benchmark has |
| MON501 | —       | escalation: repeated warnings on one post within the policy's window call for a stronger disposal |

Severity: 红牌 → error, 黄牌 → warning, input problems (MON00x) → warning, MON010 → info,
MON501 → error; lfk.yaml's ``lint.ignore``/``lint.severity`` and ``--select``/``--ignore`` change what is
reported (``lfk.core.decision``), never what is checked. The disposal of each warning comes from ``monitor.disposal`` in lfk.yaml
(default 黄牌 → 风险提示, 红牌 → 责令纠错); MON501 carries the escalation's own disposal.
"""

from __future__ import annotations

from lfk.core.finding import Severity
from lfk.core.i18n import T, Text

YELLOW = "黄牌"
RED = "红牌"
LEVELS = (YELLOW, RED)
LEVEL_RANK = {None: 0, YELLOW: 1, RED: 2}

# code -> (title, default warning level)
CODES: dict[str, tuple[Text, str | None]] = {
    "MON001": (T("事件文件编码不是 UTF-8", "event file not in UTF-8"), None),
    "MON002": (T("事件文件缺少必需的列", "event file lacks required columns"), None),
    "MON003": (T("事件行格式错误", "malformed event row"), None),
    "MON004": (T("未知单位", "unknown unit"), None),
    "MON005": (T("未知职权或找不到流程", "unknown power or flow not found"), None),
    "MON006": (T("流程中没有该环节", "step not in the flow"), None),
    "MON007": (T("时间或金额无法识别", "unreadable time or amount"), None),
    "MON008": (T("结束时间早于开始时间", "finished before it started"), None),
    "MON009": (T("同一案件的职权不一致", "case rows name different powers"), None),
    "MON010": (T("金额无法核对", "amount cannot be checked"), None),
    "MON101": (T("未从首个环节开始", "did not start at the first step"), RED),
    "MON102": (T("流程顺序不符（跳过或颠倒环节）", "transition not allowed (skipped or out of order)"), RED),
    "MON103": (T("结束环节之后仍有办理", "went on after an end step"), RED),
    "MON104": (T("案件未在结束环节办结", "ended at a step that is not an end"), YELLOW),
    "MON201": (T("办理岗位与流程图不符", "step done by another post"), YELLOW),
    "MON202": (T("同一人兼任不相容职责", "one person held incompatible duties"), RED),
    "MON301": (T("环节超过法定时限", "step past its statutory limit"), RED),
    "MON302": (T("环节临近法定时限", "step near its statutory limit"), YELLOW),
    "MON303": (T("环节超过承诺时限", "step past its promised limit"), YELLOW),
    "MON304": (T("案件超过法定办理时限", "case past the power's statutory limit"), RED),
    "MON305": (T("案件临近法定时限或超过承诺时限", "case near its limit or past its promised limit"), YELLOW),
    "MON306": (T("未办结案件已超期或临近期限", "open case past or near a limit"), RED),
    "MON401": (T("罚款金额超出裁量阶次幅度", "amount outside its tier's range"), YELLOW),
    "MON402": (T("罚款金额超出法定幅度", "amount outside the statutory range"), RED),
    "MON403": (T("裁量阶次不在基准中", "tier not in the benchmark"), YELLOW),
    "MON501": (T("预警多次，升级处置", "repeated warnings: escalated disposal"), None),
}


def severity_of(code: str, level: str | None) -> Severity:
    """Severity of a finding with ``code`` and warning ``level``."""
    if level == RED or code == "MON501":
        return Severity.ERROR
    if level == YELLOW:
        return Severity.WARNING
    if code == "MON010":
        return Severity.INFO
    return Severity.WARNING


