"""The one ``Finding`` type every command reports (lint, grade, monitor, import, diff ...)."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum
from typing import Any

from lfk.core.i18n import Text


class Severity(str, Enum):
    """How serious a finding is. ``error`` fails a run; ``warning`` only with ``--strict``."""

    ERROR = "error"
    WARNING = "warning"
    INFO = "info"

    @property
    def rank(self) -> int:
        """Ordering: error > warning > info."""
        return {"error": 2, "warning": 1, "info": 0}[self.value]


@dataclass(slots=True)
class Finding:
    """One thing to report, at ``path:line:column`` (path relative to the register root, ``/``-form).

    ``message`` holds both languages; ``hint`` says how to fix it. ``extra`` carries command-specific
    data (case id, risk id, ...) that machine formats may include.
    """

    code: str
    severity: Severity
    path: str
    line: int
    column: int
    message: Text
    hint: Text | None = None
    suppressed: bool = False
    suppress_reason: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    def text(self, lang: str) -> str:
        """The message (and hint) in ``lang``."""
        msg = self.message.get(lang)
        if self.hint is not None:
            hint = self.hint.get(lang)
            if hint:
                msg += ("；" if lang == "zh" else "; ") + hint
        return msg

    def sort_key(self) -> tuple[str, int, int, str]:
        """Stable order: path, line, column, code."""
        return (self.path, self.line, self.column, self.code)

    def to_dict(self, lang: str) -> dict[str, Any]:
        """The JSON shape of CLI.md: code, severity, path, line, column, message (+ extras)."""
        d: dict[str, Any] = {
            "code": self.code,
            "severity": self.severity.value,
            "path": self.path,
            "line": self.line,
            "column": self.column,
            "message": self.text(lang),
        }
        if self.suppressed:
            d["suppressed"] = True
            d["suppress_reason"] = self.suppress_reason
        if self.extra:
            d.update({k: v for k, v in self.extra.items() if k not in d})
        return d
