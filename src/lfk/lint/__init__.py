"""``lfk lint``: the rule registry, the engine and the rules (``lfk.lint.rules``)."""

from lfk.lint.engine import LintOptions, LintResult, lint_register, run
from lfk.lint.registry import REGISTRY, Report, Rule, rule

__all__ = ["REGISTRY", "LintOptions", "LintResult", "Report", "Rule", "lint_register", "rule", "run"]
