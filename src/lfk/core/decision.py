"""The one decision engine of every finding producer: is a code on, at which severity, is it suppressed.

Modelled on flake8's ``style_guide.DecisionEngine``. A producer (``lfk lint`` with its LFK codes,
``lfk monitor`` with MON codes, ``lfk import`` with IMP codes) builds one ``Decision`` from the codes it
can report, the command line's ``--select``/``--ignore`` and lfk.yaml's ``lint.ignore``/``lint.severity``
(``Settings``: any object with those two attributes, e.g. ``Config.lint``), then asks it about each code.

Every entry is a code (``MON301``) or a prefix (``MON3``, ``MON``), compared without case. The decision
for a code (the table is ``tests/unit/core/test_decision.py``):

1. With ``--select``, a code no select entry matches is off.
2. Of every entry that matches the code — ``--select`` (on), ``--ignore`` (off), ``lint.ignore`` (off),
   ``lint.severity`` (on at that level, or ``off``) — the longest (most specific) decides:
   ``--select MON --ignore MON302`` leaves MON302 off; ``lint.ignore: [MON3]`` with ``--select MON301``
   leaves MON301 on; ``lint.ignore: [MON3]`` with ``lint.severity: {MON301: error}`` keeps MON301 on as
   an error. Of entries of one length, off wins (``--select MON3 --ignore MON3``: off).
3. The severity of a code that is on is that of the longest ``lint.severity`` entry that matches it and
   is not ``off``, else the producer's own (the rule's, or the one the finding was made with).

What the decision changes is what is reported, and so the exit code, never what a command does with
its input: ``lfk import`` writes what it read whatever the settings say of an IMP code (an import its own
errors stop stays stopped, and says so), and ``lfk monitor`` checks every case (an ignored MON code is
not reported, does not make a case warned and does not count towards an escalation).

Suppression: a finding is suppressed by an ``# lfk: ignore[CODE] reason`` comment on its line that names
its code and gives a reason (``suppression``); LFK007 (about such comments) is never suppressed.
Acceptances (``accepted.yaml``) are records of the register: ``lfk.lint.acceptance`` and the monitor's
engine match them against their findings.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from typing import Any, Protocol

from lfk.core.errors import ConfigError, UsageError
from lfk.core.finding import Severity

FAMILIES = ("LFK", "MON", "IMP")
"""The code families: LFK (lint rules), MON (monitor deviations), IMP (import findings)."""
SELECTOR_RE = re.compile(r"^(LFK|MON|IMP)\d{0,3}$")
"""A code or a prefix of codes, upper case: ``LFK``, ``MON3``, ``IMP102``."""
OFF = "off"
NEVER_SUPPRESSED = frozenset({"LFK007"})


class Settings(Protocol):
    """What lfk.yaml says of codes (``Config.lint``): entries switched off and severities by entry."""

    ignore: list[str]
    severity: Mapping[str, str]


def normalize(entry: str) -> str:
    """An entry as compared: stripped, upper case."""
    return entry.strip().upper()


def split(values: Iterable[str] | None) -> list[str]:
    """``--select A,B --select C`` as ``[A, B, C]`` (normalized, empties dropped)."""
    out: list[str] = []
    for v in values or []:
        out.extend(normalize(c) for c in v.split(",") if c.strip())
    return out


def unknown(entries: Iterable[str], known: Iterable[str]) -> list[str]:
    """The entries (codes or prefixes) that match none of the codes ``known``, in order."""
    codes = [normalize(k) for k in known]
    return [e for e in entries if not any(c.startswith(normalize(e)) for c in codes)]


def family(entry: str) -> str | None:
    """The family (LFK, MON, IMP) an entry belongs to, None when it names none."""
    e = normalize(entry)
    return next((f for f in FAMILIES if e.startswith(f)), None)


def valid_codes_text(known: Iterable[str]) -> str:
    """The codes ``known`` as a short text for a message: ``MON001…MON010, MON101…MON104, …`` (runs of one hundred)."""
    runs: dict[str, list[str]] = {}
    for c in sorted(known):
        runs.setdefault(c[:-2], []).append(c)
    return ", ".join(cs[0] if len(cs) == 1 else f"{cs[0]}…{cs[-1]}" for cs in runs.values())


def settings_problems(settings: Settings, known: Iterable[str], fam: str) -> list[tuple[tuple[str | int, ...], str, str]]:
    """``(path in lfk.yaml, setting, entry)`` for each entry of ``lint.ignore``/``lint.severity`` of family
    ``fam`` that matches no code of ``known``."""
    codes = sorted(known)
    places: list[tuple[tuple[str | int, ...], str]] = [(("lint", "ignore", i), e) for i, e in enumerate(settings.ignore)]
    places += [(("lint", "severity", e), e) for e in settings.severity]
    return [(path, f"lint.{path[1]}", entry) for path, entry in places
            if family(entry) == fam and unknown([entry], codes)]


class Decision:
    """The decisions for the codes ``known`` of one producer (see the module doc)."""

    def __init__(self, known: Iterable[str], *, select: Iterable[str] | None = None,
                 ignore: Iterable[str] | None = None, settings: Settings | None = None) -> None:
        self.known = frozenset(normalize(c) for c in known)
        self._select = [normalize(s) for s in select or () if s.strip()]
        # (entry, on, severity or None); the longest match decides, off first among equals
        entries: list[tuple[str, bool, Severity | None]] = [(s, True, None) for s in self._select]
        entries += [(normalize(s), False, None) for s in ignore or () if s.strip()]
        if settings is not None:
            entries += [(normalize(s), False, None) for s in settings.ignore if s.strip()]
            for key, level in settings.severity.items():
                entries.append((normalize(key), level != OFF, None if level == OFF else Severity(level)))
        self._entries = sorted(entries, key=lambda e: (-len(e[0]), e[1]))
        self._levels = [(e, sev) for e, _on, sev in self._entries if sev is not None]
        self._cache: dict[str, bool] = {}
        self._sev_cache: dict[tuple[str, Severity], Severity] = {}

    def on(self, code: str) -> bool:
        """Whether findings of ``code`` are reported."""
        hit = self._cache.get(code)
        if hit is None:
            hit = self._cache[code] = self._decide(normalize(code))
        return hit

    def _decide(self, code: str) -> bool:
        if self._select and not any(code.startswith(s) for s in self._select):
            return False
        for entry, on, _sev in self._entries:
            if code.startswith(entry):
                return on
        return True

    @property
    def enabled(self) -> frozenset[str]:
        """The known codes that are on."""
        return frozenset(c for c in self.known if self.on(c))

    def severity(self, code: str, default: Severity) -> Severity:
        """The severity findings of ``code`` are reported at; ``default``: the producer's own."""
        if not self._levels:
            return default
        hit = self._sev_cache.get((code, default))
        if hit is None:
            c = normalize(code)
            hit = self._sev_cache[(code, default)] = next((sev for e, sev in self._levels if c.startswith(e)), default)
        return hit

    def decide(self, code: str, default: Severity) -> Severity | None:
        """``severity(code, default)`` when ``code`` is on, else None."""
        return self.severity(code, default) if self.on(code) else None


def checked(known: Iterable[str], fam: str, *, select: Iterable[str] | None = None, ignore: Iterable[str] | None = None,
            settings: Settings | None = None, where: Callable[[tuple[str | int, ...]], str] | None = None) -> Decision:
    """The ``Decision`` of a producer of family ``fam`` (MON, IMP) that refuses bad entries instead of
    reporting them as lint does: a ``--select``/``--ignore`` entry matching none of ``known`` is a
    ``UsageError``, an lfk.yaml entry of ``fam`` matching none a ``ConfigError`` at ``where(path)`` (the
    ``lfk.yaml:LINE`` of an entry's path); both messages name the valid codes."""
    known = sorted(known)
    sel, ign = split(select), split(ignore)
    bad = unknown(sel + ign, known)
    if bad:
        raise UsageError(f"unknown code(s) {', '.join(bad)}: {fam} codes are {valid_codes_text(known)} / 未知的代码",
                         hint="see `lfk rules`")
    problems = settings_problems(settings, known, fam) if settings is not None else []
    if problems:
        path, setting, entry = problems[0]
        raise ConfigError(f"{setting}: {entry} is no {fam} code or prefix; {fam} codes: {valid_codes_text(known)}"
                          " / 未知的代码", location=where(path) if where else "lfk.yaml",
                          hint="correct or remove the entry; `lfk rules` lists the codes")
    return Decision(known, select=sel, ignore=ign, settings=settings)


def for_register(register: Any, known: Iterable[str], fam: str, select: Iterable[str] | None = None,
                 ignore: Iterable[str] | None = None, *, strict: bool = True) -> Decision:
    """The ``Decision`` of a producer of family ``fam`` over ``register`` (its ``config.lint`` settings).
    ``strict`` (the producer's own command): bad entries are refused (``checked``, errors at
    ``lfk.yaml:LINE``); else an entry that names no code matches nothing (``lfk lint`` reports it)."""
    settings = register.config.lint
    if not strict:
        return Decision(known, select=split(select), ignore=split(ignore), settings=settings)
    return checked(known, fam, select=select, ignore=ignore, settings=settings, where=register.config_at)


class _Suppression(Protocol):
    codes: tuple[str, ...]
    reason: str


def suppression(code: str, comments: Iterable[_Suppression]) -> str | None:
    """The reason of the first ``# lfk: ignore[...]`` comment of ``comments`` (those on a finding's line)
    that names ``code`` and gives a reason; None when none does (or the code is never suppressed)."""
    if code in NEVER_SUPPRESSED:
        return None
    return next((s.reason for s in comments if code in s.codes and s.reason), None)
