"""The IMP codes of ``lfk import``: what each means and its usual severity (docs/output.md has the long form).

A finding's own severity is the importer's judgement of that row (IMP102 is a warning when the text is kept
in ``extra:``, an error when an id that names a file is broken); the one here is what ``lfk rules`` shows.
Errors stop the import (nothing written unless ``--force``). lfk.yaml's ``lint.ignore``/``lint.severity``
and ``--select``/``--ignore`` change what is reported and the exit code (``lfk.core.decision``), never what is
read or written: an import its own errors stop stays stopped, and says so.
"""

from __future__ import annotations

from lfk.core.finding import Severity
from lfk.core.i18n import T, Text

# code -> (title, usual severity)
CODES: dict[str, tuple[Text, Severity]] = {
    "IMP100": (T("无法识别的表格", "sheet not recognised"), Severity.WARNING),
    "IMP101": (T("未对应字段的列（保留在 extra）", "unmapped column (kept in extra)"), Severity.INFO),
    "IMP102": (T("无法读取的行或值", "unreadable row or value"), Severity.WARNING),
    "IMP103": (T("取值不在登记册词汇中", "value outside the register's vocabulary"), Severity.WARNING),
    "IMP104": (T("编号与本单位已有条目冲突", "id conflicts with the unit's item"), Severity.ERROR),
    "IMP105": (T("名称无法对应岗位或职权", "name not found among posts or powers"), Severity.WARNING),
    "IMP106": (T("推定的取值（请核对）", "a value assumed (to be checked)"), Severity.INFO),
    "IMP107": (T("输入中编号重复", "id repeated in the input"), Severity.ERROR),
    "IMP108": (T("无表头的表格，列由内容推定", "sheet without a header row: columns inferred"), Severity.WARNING),
    "IMP109": (T("岗位栏写的是人员姓名（保留在 extra，不作岗位）", "a post cell names people (kept in extra, no post)"),
               Severity.WARNING),
}

