"""Runs the rules over a register and returns findings (no printing here)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from lfk.finding import Finding, Severity
from lfk.lint.context import FileContext, RegisterContext, UnitContext
from lfk.lint.registry import REGISTRY, Report, Rule, select_codes
from lfk.loader import LoadedFile
from lfk.register import Register


@dataclass
class LintOptions:
    """What to lint and how."""

    as_of: dt.date = field(default_factory=dt.date.today)
    select: list[str] | None = None
    ignore: list[str] | None = None
    strict: bool = False
    paths: list[str] | None = None  # register-relative files or folders (or unit ids) to report on
    units: list[str] | None = None  # unit ids to lint (None: all)


@dataclass
class LintResult:
    """Findings of a lint run (suppressed ones flagged) and what was read."""

    findings: list[Finding]
    files: int
    units: int
    strict: bool = False

    @property
    def active(self) -> list[Finding]:
        """Findings not suppressed."""
        return [f for f in self.findings if not f.suppressed]

    def count(self, severity: Severity) -> int:
        """Unsuppressed findings of ``severity``."""
        return sum(1 for f in self.active if f.severity is severity)

    @property
    def exit_code(self) -> int:
        """1 when an error (or, with strict, a warning) remains, else 0."""
        if self.count(Severity.ERROR) or (self.strict and self.count(Severity.WARNING)):
            return 1
        return 0

    def summary(self) -> dict[str, Any]:
        """Counts for machine output."""
        return {
            "errors": self.count(Severity.ERROR),
            "warnings": self.count(Severity.WARNING),
            "infos": self.count(Severity.INFO),
            "suppressed": sum(1 for f in self.findings if f.suppressed),
            "files": self.files,
            "units": self.units,
            "exit_code": self.exit_code,
        }


class _Runner:
    def __init__(self, register: Register, opts: LintOptions) -> None:
        self.register = register
        self.opts = opts
        cfg = register.config.lint
        enabled = select_codes(REGISTRY.codes(), opts.select, list(opts.ignore or []) + list(cfg.ignore))
        self.severity: dict[str, Severity] = {}
        for rule in REGISTRY:
            level = cfg.severity.get(rule.code)
            if level == "off":
                enabled.discard(rule.code)
            self.severity[rule.code] = Severity(level) if level and level != "off" else rule.severity
        self.enabled = enabled
        self.rules = [r for r in REGISTRY if r.code in enabled]
        self.known = frozenset(REGISTRY.codes())
        self.findings: list[Finding] = []
        self.nfiles = 0

    def wanted(self, rel: str) -> bool:
        if not self.opts.paths:
            return True
        return any(rel == p or rel.startswith(p.rstrip("/") + "/") for p in self.opts.paths)

    def emit(self, rule: Rule, reports: Iterable[Report], files: dict[str, LoadedFile]) -> None:
        for rep in reports:
            if rep.file is not None:
                rel = rep.file.rel
                line, col = rep.file.loc(rep.path, key=rep.key) if rep.line is None else (rep.line, rep.column or 1)
            else:
                rel = rep.rel or ""
                line, col = rep.line or 1, rep.column or 1
            f = Finding(rule.code, self.severity[rule.code], rel, line, col, rep.message, rep.hint,
                        extra=dict(rep.extra or {}))
            self.add(f, files)

    def add(self, f: Finding, files: dict[str, LoadedFile]) -> None:
        if not self.wanted(f.path):
            return
        lf = files.get(f.path)
        if lf is not None and f.code != "LFK007":
            for sup in lf.suppressions.get(f.line, ()):
                if f.code in sup.codes and sup.reason:
                    f.suppressed = True
                    f.suppress_reason = sup.reason
                    sup.used = True
                    break
        self.findings.append(f)

    def run_file_rules(self, files: list[LoadedFile], all_files: dict[str, LoadedFile]) -> None:
        for lf in files:
            self.nfiles += 1
            ctx = FileContext(self.register, lf, self.opts.as_of, self.known)
            for rule in self.rules:
                if "file" in rule.scope.split("+"):
                    self.emit(rule, rule.func(ctx), all_files)

    def run(self) -> LintResult:
        reg = self.register
        header_files: dict[str, LoadedFile] = {"lfk.yaml": reg.config_file}
        header_files.update({lf.rel: lf for lf in reg.std_flow_files.values()})
        self.run_file_rules(list(header_files.values()), header_files)
        rctx = RegisterContext(reg, self.opts.as_of)
        for rule in self.rules:
            if "register" in rule.scope.split("+"):
                self.emit(rule, rule.func(rctx), header_files)
        unit_ids = self.opts.units if self.opts.units is not None else reg.unit_ids
        if self.opts.paths:
            unit_ids = [u for u in unit_ids if any(self._touches(u, p) for p in self.opts.paths)]
        for uid in unit_ids:
            ud = reg.unit(uid)
            files = {lf.rel: lf for lf in ud.files}
            files.update(header_files)
            self.run_file_rules(ud.files, files)
            uctx = UnitContext(reg, ud, self.opts.as_of)
            for rule in self.rules:
                if "unit" in rule.scope.split("+"):
                    self.emit(rule, rule.func(uctx), files)
        self.findings.sort(key=Finding.sort_key)
        return LintResult(self.findings, self.nfiles, len(unit_ids), self.opts.strict)

    @staticmethod
    def _touches(uid: str, path: str) -> bool:
        base = f"units/{uid}"
        p = path.rstrip("/")
        return p == uid or p == base or p.startswith(base + "/") or base.startswith(p + "/") or p in ("", ".", "units")


def lint_register(register: Register, opts: LintOptions | None = None) -> LintResult:
    """Lint ``register`` with ``opts``; returns every finding, suppressed ones flagged."""
    import lfk.lint.rules  # noqa: F401  - registers every rule

    return _Runner(register, opts or LintOptions()).run()


def run(root: Path | str, opts: LintOptions | None = None) -> LintResult:
    """Lint the register at ``root`` (library entry point of ``lfk lint``)."""
    return lint_register(Register(Path(root)), opts)
