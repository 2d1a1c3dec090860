"""The rule registry: one decorated function per rule; its docstring is its documentation.

A rule function takes a context (``UnitContext`` for ``scope="unit"``, ``RegisterContext`` for
``scope="register"``, ``FileContext`` for ``scope="file"``) and yields ``Report`` objects; the engine
turns them into findings with the rule's code and severity. Codes are unique: registering a code
twice is an error at import time.
"""

from __future__ import annotations

import inspect
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from lfk.core.finding import Severity
from lfk.core.i18n import Text
from lfk.loader import LoadedFile

CODE_RE = re.compile(r"^LFK\d{3}$")
SCOPES = ("file", "register", "unit")


@dataclass(slots=True)
class Report:
    """What a rule found: where (file + path inside it, or an explicit line/column) and what."""

    file: LoadedFile | None
    path: tuple[Any, ...]
    message: Text
    hint: Text | None = None
    key: bool = True
    line: int | None = None
    column: int | None = None
    rel: str | None = None
    extra: dict[str, Any] | None = None


@dataclass(frozen=True, slots=True)
class Rule:
    """A lint rule: its code, default severity, scope, guideline clause, title and documentation."""

    code: str
    severity: Severity
    scope: str
    clause: str
    title: Text
    func: Callable[[Any], Iterable[Report]]

    @property
    def doc(self) -> str:
        """The rule's documentation: its function's docstring, dedented."""
        return inspect.cleandoc(self.func.__doc__ or "")

    @property
    def summary(self) -> str:
        """The first line of the documentation."""
        return self.doc.splitlines()[0] if self.doc else ""


class RuleRegistry:
    """Every known rule by code."""

    def __init__(self) -> None:
        self._rules: dict[str, Rule] = {}

    def add(self, rule: Rule) -> None:
        """Register ``rule``; a malformed or repeated code is a programming error."""
        if not CODE_RE.match(rule.code):
            raise ValueError(f"bad rule code {rule.code!r}")
        if rule.code in self._rules:
            raise ValueError(f"rule code {rule.code} registered twice")
        if not rule.scope or any(part not in SCOPES for part in rule.scope.split("+")):
            raise ValueError(f"bad scope {rule.scope!r} for {rule.code}")
        if not (rule.func.__doc__ or "").strip():
            raise ValueError(f"rule {rule.code} has no docstring")
        self._rules[rule.code] = rule

    def get(self, code: str) -> Rule | None:
        """The rule with ``code`` or None."""
        return self._rules.get(code.upper())

    def __contains__(self, code: object) -> bool:
        return isinstance(code, str) and code.upper() in self._rules

    def __iter__(self):  # type: ignore[no-untyped-def]
        return iter(sorted(self._rules.values(), key=lambda r: r.code))

    def __len__(self) -> int:
        return len(self._rules)

    def codes(self) -> list[str]:
        """All codes, sorted."""
        return sorted(self._rules)


REGISTRY = RuleRegistry()


def rule(code: str, *, severity: str, scope: str, clause: str, title_zh: str, title_en: str) -> Callable[[Callable[[Any], Iterable[Report]]], Callable[[Any], Iterable[Report]]]:
    """Register the decorated function as rule ``code``."""

    def deco(func: Callable[[Any], Iterable[Report]]) -> Callable[[Any], Iterable[Report]]:
        REGISTRY.add(Rule(code, Severity(severity), scope, clause, Text(title_zh, title_en), func))
        return func

    return deco

