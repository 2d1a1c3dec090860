"""Runs the rules over a register and returns findings (no printing here).

Units are linted one at a time (a unit's files are dropped once its rules ran), so memory follows
the largest unit, not the register. With a cache, a unit whose inputs (its files, lfk.yaml, the
standard flows, the rule settings and the as-of date) are unchanged reuses its stored findings;
with ``jobs > 1`` the units left to lint are shared among forked worker processes, which send back
only their findings.
"""

from __future__ import annotations

import datetime as dt
import gc
import marshal
import os
import re
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import lfk.lint.rules  # noqa: F401  - importing the rules registers every one of them
from lfk.core.cache import Cache, digest
from lfk.core.decision import Decision, suppression
from lfk.core.finding import Finding, Severity
from lfk.core.i18n import Text
from lfk.lint.acceptance import apply_acceptances
from lfk.lint.context import FileContext, RegisterContext, UnitContext
from lfk.lint.registry import REGISTRY, Report, Rule
from lfk.loader import UNREADABLE, LoadedFile
from lfk.register import Register, UnitData, locate

PARALLEL_MIN_UNITS = 40  # below this, worker start-up costs more than it saves
HEADERS_AT_ONCE = 40  # linting this many units, every unit.yaml is read up front (``Register.read_headers``)


@dataclass
class LintOptions:
    """What to lint and how."""

    as_of: dt.date = field(default_factory=dt.date.today)
    select: list[str] | None = None
    ignore: list[str] | None = None
    strict: bool = False
    paths: list[str] | None = None  # register-relative files or folders to report on
    units: list[str] | None = None  # unit ids to lint (None: all)
    jobs: int = 1
    progress: Callable[[int, int], None] | None = None
    events: list[str] | None = None  # case event logs: warnings past their disposal deadline (LFK804)


@dataclass
class LintResult:
    """Findings of a lint run (suppressed ones flagged) and what was read."""

    findings: list[Finding]
    files: int
    units: int
    strict: bool = False
    cached_units: int = 0

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


HIDES_FOLLOW_ONS = UNREADABLE | {"LFK009"}  # a file not read, or empty: what refers into it cannot be judged
FOLLOW_ONS = frozenset({"LFK104", "LFK205"})  # references and coverage: wrong whenever a file of the unit is unread


def drop_cascades(ud: Any, findings: list[Finding]) -> list[Finding]:
    """A unit's findings without those that only follow from another one (issue 15, point 2).

    - A file that could not be read at all (LFK001/003/004/006), an empty one (LFK009), or a missing unit.yaml, hides what other
      files refer to: its unit's LFK104 (reference names nothing) and LFK205 (power without risks) go.
    - A field whose value is invalid (LFK101) is seen by the rules as absent: a finding about the same
      list item that names that field (e.g. LFK402 "no grade", LFK409 "no reviewed date") goes.
    """
    unread = ud.unit_file is None or any(
        f.code in HIDES_FOLLOW_ONS and f.severity is Severity.ERROR for f in findings)
    if unread:
        findings = [f for f in findings if f.code not in FOLLOW_ONS]
    bad_fields: dict[tuple[str, int], set[str]] = {}
    for f in findings:
        m = re.match(r"`([\w-]+)` ", f.message.en) if f.code == "LFK101" else None
        if m:
            span = _item_span(ud, f.path, f.line)
            if span is not None:
                bad_fields.setdefault((f.path, span), set()).add(m.group(1))
    if not bad_fields:
        return findings
    out = []
    for f in findings:
        if f.code[:4] not in ("LFK0", "LFK1"):
            span = _item_span(ud, f.path, f.line)
            fields = bad_fields.get((f.path, span), set()) if span is not None else set()
            said = f.message.en + f.message.zh + ((f.hint.en + f.hint.zh) if f.hint else "")
            if any(re.search(rf"(?<![\w-]){re.escape(name)}(?![\w-])", said) for name in fields):
                continue
        out.append(f)
    return out


def _item_span(ud: Any, rel: str, line: int) -> int | None:
    """The first line of the list item of ``rel`` that holds ``line`` (None outside list files)."""
    lf = next((x for x in ud.files if x.rel == rel), None)
    kind = rel.rsplit("/", 1)[-1][:-5]
    if lf is None or kind not in ("authorities", "risks", "measures") or not isinstance(lf.data, dict):
        return None
    items = lf.data.get(kind)
    if not isinstance(items, list):
        return None
    start = None
    for i in range(len(items)):
        first = lf.loc((kind, i), key=False)[0]
        if first > line:
            break
        start = first
    return start


def cause_first_key(findings: list[Finding]) -> Callable[[Finding], tuple[Any, ...]]:
    """Sort key: files that could not be read first (the cause before anything else), then path, line, column."""
    unread = {f.path for f in findings if f.code in HIDES_FOLLOW_ONS and f.severity is Severity.ERROR}
    return lambda f: (f.path not in unread, *f.sort_key())


def _pack(findings: list[Finding]) -> list[tuple[Any, ...]]:
    return [(f.code, f.severity.value, f.path, f.line, f.column, f.message.zh, f.message.en,
             f.hint.zh if f.hint else None, f.hint.en if f.hint else None, f.suppressed, f.suppress_reason,
             f.extra or None) for f in findings]


def _unpack(rows: Iterable[tuple[Any, ...]]) -> list[Finding]:
    out = []
    for code, sev, path, line, col, zh, en, hzh, hen, sup, reason, extra in rows:
        out.append(Finding(code, Severity(sev), path, line, col, Text(zh, en), Text(hzh, hen) if hzh is not None else None,
                           sup, reason, dict(extra or {})))
    return out


_ACTIVE: _Runner | None = None  # the runner a forked worker uses


def _work(uids: list[str]) -> list[tuple[str, int, list[tuple[Any, ...]]]]:
    assert _ACTIVE is not None
    out = []
    for uid in uids:
        findings, nfiles = _ACTIVE.lint_unit(uid)
        out.append((uid, nfiles, _pack(findings)))
    return out


class _Runner:
    def __init__(self, register: Register, opts: LintOptions) -> None:
        self.register = register
        self.opts = opts
        decision = Decision(REGISTRY.codes(), select=opts.select, ignore=opts.ignore, settings=register.config.lint)
        self.enabled = decision.enabled
        self.severity: dict[str, Severity] = {r.code: decision.severity(r.code, r.severity) for r in REGISTRY}
        self.rules = [r for r in REGISTRY if r.code in self.enabled]
        self.file_rules = [r for r in self.rules if "file" in r.scope.split("+")]
        self.unit_rules = [r for r in self.rules if "unit" in r.scope.split("+")]
        self.known = frozenset(REGISTRY.codes())
        self.header_files: dict[str, LoadedFile] = {"lfk.yaml": register.config_file}
        self.header_files.update({lf.rel: lf for lf in register.std_flow_files.values()})

    # -- findings ------------------------------------------------------------------------------
    def wanted(self, rel: str) -> bool:
        if not self.opts.paths:
            return True
        return any(p in ("", ".") or rel == p or rel.startswith(p.rstrip("/") + "/") for p in self.opts.paths)

    def emit(self, rule: Rule, reports: Iterable[Report], files: dict[str, LoadedFile], out: list[Finding]) -> None:
        for rep in reports:
            if rep.file is not None:
                if rep.line is None:  # a baseline item's field may have been set by a tailoring in unit.yaml
                    rel, line, col = locate(rep.file, rep.path, key=rep.key)
                else:
                    rel, line, col = rep.file.rel, rep.line, rep.column or 1
            else:
                rel = rep.rel or ""
                line, col = rep.line or 1, rep.column or 1
            f = Finding(rule.code, self.severity[rule.code], rel, line, col, rep.message, rep.hint,
                        extra=dict(rep.extra or {}))
            lf = files.get(rel)
            reason = suppression(f.code, lf.suppressions.get(f.line, ())) if lf is not None else None
            if reason is not None:
                f.suppressed, f.suppress_reason = True, reason
            out.append(f)

    def file_findings(self, files: Iterable[LoadedFile], all_files: dict[str, LoadedFile], out: list[Finding]) -> int:
        n = 0
        for lf in files:
            n += 1
            ctx = FileContext(self.register, lf, self.opts.as_of, self.known)
            for rule in self.file_rules:
                self.emit(rule, rule.func(ctx), all_files, out)
        return n

    def lint_unit(self, uid: str, ud: UnitData | None = None) -> tuple[list[Finding], int]:
        """Every finding of one unit (unfiltered, suppressions applied) and its number of files; ``ud``:
        the unit as already read (else it is read now)."""
        if ud is None:
            ud = self.register.unit(uid)
        files = {lf.rel: lf for lf in ud.baseline_files}
        files.update({lf.rel: lf for lf in ud.files})
        files.update(self.header_files)
        out: list[Finding] = []
        n = self.file_findings(ud.files, files, out)
        uctx = UnitContext(self.register, ud, self.opts.as_of)
        for rule in self.unit_rules:
            self.emit(rule, rule.func(uctx), files, out)
        return apply_acceptances(ud, drop_cascades(ud, out), self.opts.as_of), n

    # -- cache ---------------------------------------------------------------------------------
    def settings_key(self) -> str:
        reg = self.register
        parts = [",".join(sorted(f"{c}={self.severity[c].value}" for c in self.enabled)), self.opts.as_of.isoformat(),
                 reg.file_digest("lfk.yaml")]
        parts += [f"{lf.rel}={reg.file_digest(lf.rel)}" for lf in reg.std_flow_files.values()]
        return digest(*parts)

    def register_key(self, settings: str) -> str | None:
        """The cache key of the register-level findings (``register_findings``): the settings, every unit id
        with its unit.yaml's digest, and the files directly under units/ (None: not to be cached, with
        event logs or a unit.yaml that cannot be read)."""
        reg = self.register
        if self.opts.events:
            return None
        parts = [settings, *(rel for rel in reg.all_files if rel.startswith("units/") and rel.count("/") == 1)]
        for uid in reg.unit_ids:
            rel = f"units/{uid}/unit.yaml"
            d = reg.file_digest(rel) if rel in reg.unit_dirs[uid] else "none"
            if d == "missing":
                return None
            parts.append(f"{uid}={d}")
        return digest("register-findings", *parts)

    def unit_key(self, settings: str, uid: str) -> str:
        reg = self.register
        return digest(settings, uid, *(f"{rel}={reg.file_digest(rel)}" for rel in sorted(reg.unit_files(uid))),
                      *reg.baseline_inputs(uid))

    # -- the run -------------------------------------------------------------------------------
    def register_findings(self) -> tuple[list[Finding], int]:
        """The findings of lfk.yaml and the standard flows (file rules) and of the register-scope rules,
        and the number of files read for them."""
        findings: list[Finding] = []
        nfiles = self.file_findings(self.header_files.values(), self.header_files, findings)
        rctx = RegisterContext(self.register, self.opts.as_of, list(self.opts.events or []))
        for rule in self.rules:
            if "register" in rule.scope.split("+"):
                self.emit(rule, rule.func(rctx), self.header_files, findings)
        return findings, nfiles

    def result(self, findings: list[Finding], nfiles: int, units: int, cached_units: int = 0) -> LintResult:
        """The run's result: findings under the wanted paths, the cause first, then by path, line, column."""
        findings = [f for f in findings if self.wanted(f.path)]
        findings.sort(key=cause_first_key(findings))
        return LintResult(findings, nfiles, units, self.opts.strict, cached_units)

    def cached_register_findings(self, cache: Cache, settings: str) -> tuple[list[Finding], int]:
        """``register_findings`` through the cache (``register_key``): a run that lints a few units of a
        register whose unit.yaml files, lfk.yaml and standard flows are as before reads no other unit.yaml."""
        key = self.register_key(settings)
        stored = cache.get_obj("lint-register", key) if key is not None else None
        if isinstance(stored, (list, tuple)) and len(stored) == 2:
            nfiles, packed = stored
            return _unpack(packed), nfiles
        findings, nfiles = self.register_findings()
        if key is not None:
            packed = _pack(findings)
            if _marshallable(packed):
                cache.put_obj("lint-register", key, (nfiles, packed))
        return findings, nfiles

    def run(self) -> LintResult:
        reg = self.register
        unit_ids = list(self.opts.units) if self.opts.units is not None else list(reg.unit_ids)
        unit_ids = [u for u in unit_ids if u in reg.unit_dirs]
        if self.opts.paths:
            unit_ids = [u for u in unit_ids if any(_touches(u, p) for p in self.opts.paths)]
        if len(unit_ids) >= HEADERS_AT_ONCE:
            reg.read_headers()  # many units: every unit.yaml from one cache entry, not one by one
        total = len(unit_ids)
        done = 0
        cache = reg.cache
        keys: dict[str, str] = {}
        todo: list[str] = []
        cached_units = 0
        index: dict[str, Any] = {}
        fresh: dict[str, Any] = {}
        if cache is not None:
            settings = self.settings_key()
            findings, nfiles = self.cached_register_findings(cache, settings)
            stored = cache.get_obj("lint-results", settings)
            index = stored if isinstance(stored, dict) else {}
            for uid in unit_ids:
                keys[uid] = self.unit_key(settings, uid)
                rows = index.get(keys[uid])
                if rows is None:
                    todo.append(uid)
                    continue
                cached_units += 1
                fresh[keys[uid]] = rows
                n, packed = rows
                nfiles += n
                findings.extend(_unpack(packed))
                done += 1
                if self.opts.progress:
                    self.opts.progress(done, total)
        else:
            findings, nfiles = self.register_findings()
            todo = unit_ids

        def store(uid: str, n: int, packed: list[tuple[Any, ...]]) -> None:
            nonlocal nfiles, done
            nfiles += n
            findings.extend(_unpack(packed))
            if cache is not None:
                fresh[keys[uid]] = (n, packed)
            done += 1
            if self.opts.progress:
                self.opts.progress(done, total)

        jobs = max(1, min(self.opts.jobs, 64))
        if jobs > 1 and len(todo) >= PARALLEL_MIN_UNITS:
            import multiprocessing  # only a parallel run pays for it
        if jobs > 1 and len(todo) >= PARALLEL_MIN_UNITS and "fork" in multiprocessing.get_all_start_methods():
            global _ACTIVE
            _ACTIVE = self
            size = max(1, min(25, len(todo) // (jobs * 4)))
            chunks = [todo[i:i + size] for i in range(0, len(todo), size)]
            try:
                with multiprocessing.get_context("fork").Pool(jobs) as pool:
                    for batch in pool.imap(_work, chunks):
                        for uid, n, packed in batch:
                            store(uid, n, packed)
            finally:
                _ACTIVE = None
        else:
            with few_collections():
                for uid in todo:
                    unit_findings, n = self.lint_unit(uid)
                    store(uid, n, _pack(unit_findings))
        if cache is not None and todo:
            # one index file per settings: the results of every unit linted (or reused) now, plus the
            # others already stored (a partial run keeps them); written atomically, last writer wins
            merged = {**index, **fresh} if len(index) < 4 * max(1, len(reg.unit_ids)) else fresh
            try:
                marshal.dumps(merged)
            except ValueError:
                merged = {k: v for k, v in merged.items() if _marshallable(v)}
            cache.put_obj("lint-results", settings, merged)
        if cache is not None:
            reg.save_caches()
        return self.result(findings, nfiles, total, cached_units)


class UnitLinter:
    """A lint run that the caller drives unit by unit, handing over each unit it has read anyway (the
    site build lints the units it is planning pages of, so each unit is parsed once). No cache, no
    workers; ``result`` gives what ``lint_register`` with the same options gives for the units handed
    over (in register order)."""

    def __init__(self, register: Register, opts: LintOptions) -> None:
        self._runner = _Runner(register, opts)
        self._head, self._files = self._runner.register_findings()
        self._units: dict[str, list[Finding]] = {}

    def done(self, uid: str) -> bool:
        """Whether unit ``uid`` was linted already."""
        return uid in self._units

    def add(self, ud: UnitData) -> None:
        """Lint one unit as read by ``Register.unit``."""
        findings, n = self._runner.lint_unit(ud.id, ud)
        self._units[ud.id] = findings
        self._files += n

    def result(self) -> LintResult:
        """The findings of the register's own files and of every unit handed over, sorted as ``lint_register``'s."""
        order = [u for u in self._runner.register.unit_ids if u in self._units]
        findings = [*self._head, *(f for u in order for f in self._units[u])]
        return self._runner.result(findings, self._files, len(order))


@contextmanager
def few_collections() -> Iterator[None]:
    """Fewer garbage collections while units are linted one after another: the objects alive now (the
    register's set-up) are frozen, never scanned again, and the young generation is 100,000 objects, not
    700 (each unit makes and drops many; few cycles among them). Both are undone afterwards."""
    old = gc.get_threshold()
    gc.freeze()
    gc.set_threshold(max(old[0], 100_000), old[1], old[2])
    try:
        yield
    finally:
        gc.set_threshold(*old)
        gc.unfreeze()


def _marshallable(value: Any) -> bool:
    try:
        marshal.dumps(value)
    except ValueError:
        return False
    return True


def _touches(uid: str, path: str) -> bool:
    base = f"units/{uid}"
    p = path.rstrip("/")
    return p == base or p.startswith(base + "/") or base.startswith(p + "/") or p in ("", ".", "units")


def default_jobs() -> int:
    """The machine's cores (what ``--jobs`` defaults to)."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not Linux
        return os.cpu_count() or 1


def lint_register(register: Register, opts: LintOptions | None = None) -> LintResult:
    """Lint ``register`` with ``opts``; returns every finding, suppressed ones flagged."""
    return _Runner(register, opts or LintOptions()).run()


def run(root: Path | str, opts: LintOptions | None = None, *, cache_dir: Path | None = None) -> LintResult:
    """Lint the register at ``root`` (library entry point of ``lfk lint``); ``cache_dir`` enables the caches."""
    cache = Cache(cache_dir) if cache_dir is not None else None
    return lint_register(Register(Path(root), cache=cache), opts)
