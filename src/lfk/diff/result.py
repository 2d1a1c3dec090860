"""What ``lfk diff`` finds: change records and the result, with its stable JSON form.

JSON (``DiffResult.to_json()``, ``lfk diff --format json``), schema ``lfk.diff/1``; every key is
always present (``null`` or ``[]`` when it does not apply) and keys never change with ``--lang``:

Top level:
- ``schema``: ``"lfk.diff/1"``.
- ``a``, ``b``: the two sides, each ``{"rev", "commit", "label"}``: ``rev`` as given (``null`` for
  the working tree), ``commit`` the full commit id (``null`` for the working tree), ``label`` for
  display (``"working tree"``).
- ``root``: where the register sits inside the repository (``""`` = the top), ``/`` form.
- ``filters``: ``{"units": [...]|null, "kinds": [...]|null}`` as asked.
- ``rubric_changed``: whether ``grading`` in ``lfk.yaml`` changed (labels aside).
- ``summary``: ``{"changes", "units_touched", "units_added", "units_removed",
  "grades": {"raised", "lowered"} (declared grades; computed grades for ``regraded`` records), "by_kind": {KIND: {"added", "removed", "changed", "renamed",
  "regraded"}}}`` (counts).
- ``grade_matrix``: ``{OLD: {NEW: count}}`` over risk records, OLD/NEW in 高 中 低 and ``—``
  (absent: the risk was added or removed, or had no grade). Declared grades. Risks not in any
  change record are not counted (the diagonal only holds changed risks whose grade stayed).
- ``changes``: the change records (below), ordered by unit (register-level first), kind, id.
- ``problems``: ``[{"side": "a"|"b", "path", "message"}]``: files that could not be read or
  validated; their valid parts are still compared.
- ``stats``: ``{"files_a", "files_b", "changed_files", "parsed_files"}``.

A change record:
- ``unit``: the unit id, ``null`` for register-level changes (``lfk.yaml``, root ``flows/``).
- ``kind``: ``units`` ``posts`` ``approvals`` ``authorities`` ``flows`` ``risks`` ``measures``
  ``benchmarks`` ``config`` (``config``: a top-level section of ``lfk.yaml``).
- ``id``: the item's id (new id for renames; a flow's or benchmark's file stem; the section name
  for ``config``; the unit id for ``units``).
- ``change``: ``added`` | ``removed`` (a removed measure is *retired*) | ``changed`` |
  ``renamed`` (likely: a removed id whose content reappears under ``id``; for ``units``, a unit only
  the old side has whose items — posts, approvals, powers, risks, measures, flows, benchmarks, by id — are
  at least half those of a unit only the new side has: its folder was renamed, and its items are compared
  under the new unit id) | ``regraded`` (content
  unchanged, but the computed grade moved because the rubric or the power's key areas changed).
- ``old_id``: the former id of a rename, else ``null``.
- ``title``: a name to show (risk title, power name, ...), newest side first.
- ``path``, ``line``: where the item is written (new side; old side for removals), relative to the
  register root, 1-based line.
- ``fields``: ``[{"field", "old", "new", "added", "removed"}]``: field paths like ``factors.harm``,
  ``steps[S2].time_limit.days``, ``items[违法行为].tiers[从轻处罚].fine.max``; ``added``/``removed``
  list the items of an unordered list that came and went (``null`` for other fields). A sub-item
  added or removed has ``old`` or ``new`` ``null``. Empty for added/removed records.
- ``similarity``: 0..1 for renames, else ``null``.
- ``grade``: risks only, else ``null``: ``{"declared_old", "declared_new", "computed_old",
  "computed_new", "old_under_new_rubric", "movement", "computed_movement", "cause"}``. Grades are
  高 中 低 or ``null``; ``computed_*`` come from the grading engine (``lfk.grading.engine.grade_risk``),
  ``old_under_new_rubric`` grades the old risk under the new rubric. ``movement`` (declared) and
  ``computed_movement``: ``raised`` | ``lowered`` | ``unchanged`` | ``null``. ``cause`` of a
  computed grade that moved: ``factors`` (the risk's own grading inputs), ``rubric`` (``lfk.yaml``
  grading), ``authority`` (the power's key areas, through floors), or two of them joined with
  ``+``; ``declared`` when only the approved grade moved; ``null`` when no grade moved.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from lfk.diff.compare import FieldChange
from lfk.model.vocab import GRADE_RANK, GRADES

SCHEMA = "lfk.diff/1"
KINDS = ("config", "units", "posts", "approvals", "authorities", "flows", "risks", "measures", "benchmarks")
CHANGES = ("added", "removed", "changed", "renamed", "regraded")
MATRIX_KEYS = (*GRADES, "—")


def movement(old: str | None, new: str | None) -> str | None:
    """``raised`` / ``lowered`` / ``unchanged`` between two grades; None when one is missing."""
    if old not in GRADE_RANK or new not in GRADE_RANK:
        return None
    d = GRADE_RANK[new] - GRADE_RANK[old]  # type: ignore[index]
    return "raised" if d > 0 else "lowered" if d < 0 else "unchanged"


@dataclass(slots=True)
class GradeMove:
    """A risk's grades on both sides and why the grade moved (see the module doc)."""

    declared_old: str | None = None
    declared_new: str | None = None
    computed_old: str | None = None
    computed_new: str | None = None
    old_under_new_rubric: str | None = None
    cause: str | None = None

    @property
    def movement(self) -> str | None:
        """Movement of the declared (approved) grade."""
        return movement(self.declared_old, self.declared_new)

    @property
    def computed_movement(self) -> str | None:
        """Movement of the computed grade."""
        return movement(self.computed_old, self.computed_new)

    def to_json(self) -> dict[str, Any]:
        """The JSON record."""
        return {
            "declared_old": self.declared_old, "declared_new": self.declared_new,
            "computed_old": self.computed_old, "computed_new": self.computed_new,
            "old_under_new_rubric": self.old_under_new_rubric,
            "movement": self.movement, "computed_movement": self.computed_movement, "cause": self.cause,
        }


@dataclass(slots=True)
class Change:
    """One change record (see the module doc for the meaning of each field)."""

    unit: str | None
    kind: str
    id: str
    change: str
    title: str | None = None
    path: str | None = None
    line: int | None = None
    old_id: str | None = None
    fields: list[FieldChange] = field(default_factory=list)
    similarity: float | None = None
    grade: GradeMove | None = None

    def sort_key(self) -> tuple[Any, ...]:
        """Register-level first, then unit, kind, id."""
        return (self.unit is not None, self.unit or "", KINDS.index(self.kind), self.id, self.change)

    def to_json(self) -> dict[str, Any]:
        """The JSON record."""
        return {
            "unit": self.unit, "kind": self.kind, "id": self.id, "change": self.change, "old_id": self.old_id,
            "title": self.title, "path": self.path, "line": self.line,
            "fields": [f.to_json() for f in self.fields], "similarity": self.similarity,
            "grade": self.grade.to_json() if self.grade else None,
        }


@dataclass(slots=True)
class Problem:
    """A file of one side that could not be read or validated."""

    side: str
    path: str
    message: str
    text_zh: str | None = None

    def text(self, lang: str) -> str:
        """The message in ``lang``."""
        return self.text_zh if (lang == "zh" and self.text_zh) else self.message

    def to_json(self, lang: str = "en") -> dict[str, Any]:
        """The JSON record (``message`` in ``lang``)."""
        return {"side": self.side, "path": self.path, "message": self.text(lang)}


@dataclass(slots=True)
class SideInfo:
    """One side of the comparison."""

    rev: str | None
    commit: str | None
    label: str

    def to_json(self) -> dict[str, Any]:
        """The JSON record."""
        return {"rev": self.rev, "commit": self.commit, "label": self.label}


@dataclass
class DiffResult:
    """The semantic difference between two revisions of a register."""

    a: SideInfo
    b: SideInfo
    root: str = ""
    changes: list[Change] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    rubric_changed: bool = False
    units: list[str] | None = None
    kinds: list[str] | None = None
    unit_names: dict[str, str] = field(default_factory=dict)
    grade_labels: dict[str, str] = field(default_factory=dict)
    stats: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0

    @property
    def changed(self) -> bool:
        """Whether anything changed."""
        return bool(self.changes)

    def by_unit(self) -> list[tuple[str | None, list[Change]]]:
        """Changes grouped by unit (register-level first), in order."""
        out: list[tuple[str | None, list[Change]]] = []
        for c in self.changes:
            if not out or out[-1][0] != c.unit:
                out.append((c.unit, []))
            out[-1][1].append(c)
        return out

    def summary(self) -> dict[str, Any]:
        """Counts (see the module doc)."""
        by_kind: dict[str, dict[str, int]] = {}
        raised = lowered = 0
        for c in self.changes:
            by_kind.setdefault(c.kind, dict.fromkeys(CHANGES, 0))[c.change] += 1
            if c.grade is not None:
                mv = c.grade.movement if c.change != "regraded" else c.grade.computed_movement
                raised += mv == "raised"
                lowered += mv == "lowered"
        units_added = sum(1 for c in self.changes if c.kind == "units" and c.change == "added")
        units_removed = sum(1 for c in self.changes if c.kind == "units" and c.change == "removed")
        return {
            "changes": len(self.changes),
            "units_touched": len({c.unit for c in self.changes if c.unit is not None}),
            "units_added": units_added,
            "units_removed": units_removed,
            "grades": {"raised": raised, "lowered": lowered},
            "by_kind": {k: by_kind[k] for k in KINDS if k in by_kind},
        }

    def grade_matrix(self) -> dict[str, dict[str, int]]:
        """Declared grade old → new over the risk records (``—``: absent)."""
        m = {a: dict.fromkeys(MATRIX_KEYS, 0) for a in MATRIX_KEYS}
        for c in self.changes:
            if c.kind != "risks" or c.grade is None:
                continue
            old = c.grade.declared_old if c.change != "added" else None
            new = c.grade.declared_new if c.change != "removed" else None
            m[old if old in GRADE_RANK else "—"][new if new in GRADE_RANK else "—"] += 1
        return m

    def to_json(self, lang: str = "en") -> dict[str, Any]:
        """The stable JSON form (see the module doc); ``lang`` only changes problem messages."""
        return {
            "schema": SCHEMA,
            "a": self.a.to_json(),
            "b": self.b.to_json(),
            "root": self.root,
            "filters": {"units": self.units, "kinds": self.kinds},
            "rubric_changed": self.rubric_changed,
            "summary": self.summary(),
            "grade_matrix": self.grade_matrix(),
            "changes": [c.to_json() for c in self.changes],
            "problems": [p.to_json(lang) for p in self.problems],
            "stats": dict(self.stats),
        }
