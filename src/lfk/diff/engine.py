"""The diff engine: two sides of a register (git revisions or the working tree), compared item by item.

Each side is a ``lfk.register.Register`` over its ``Source`` (a ``GitSource`` for a revision, the
``DirSource`` for the working tree), ``lazy`` so that nothing but ``lfk.yaml`` is read up front,
and both share one ``SharedReads``: a file unchanged between the sides is parsed and validated once.
Only files whose content differs between the sides are read (blob ids from ``git ls-tree``; for
the working tree, blob ids hashed here), through ``Register.file_items`` (one file's items as
written) and ``Register.unit_header``; the register reads, validates and applies its broken-file
policy (``keep``: what is valid is compared, a file's first error becomes a ``Problem``). Changed
files are grouped by unit: a unit whose files are all unchanged costs nothing. Items are matched by
unit, kind and id. Lines are looked up only for the items a change names.

Units that adopt a baseline (``adopts:`` in unit.yaml) are compared as written in this register:
their ``adopts``/``tailor`` entries are fields of the unit; the adopted items belong to the baseline
(``lfk baseline diff`` compares those), so diff neither reads nor shows them.

Two extra passes read unchanged files, only when needed: when the rubric (``grading`` in
``lfk.yaml``) changed, every risk is graded under both rubrics (``regraded`` records); when a
power's key areas changed and the rubric has key-area floors, the risks on that power are graded
again.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from lfk.core.errors import InputError, RootNotFound, UsageError
from lfk.core.finding import Severity
from lfk.core.git import GitRepo, GitSource
from lfk.core.i18n import T
from lfk.diff.compare import canon, diff_values, match_renames, plain
from lfk.diff.result import KINDS, Change, DiffResult, GradeMove, Problem, SideInfo
from lfk.grading.engine import grade_risk
from lfk.model import Config, file_kind
from lfk.model.items import Authority, Risk
from lfk.register import IGNORED_NAMES, DirSource, FileItems, Item, Register, SharedReads

WORKTREE_LABEL = "working tree"
_DIFF_KINDS = {"unit": "units", "authorities": "authorities", "risks": "risks", "measures": "measures",
               "flow": "flows", "benchmark": "benchmarks"}
LIST_KINDS = frozenset({"authorities", "risks", "measures"})
UNIT_KINDS = ("units", "posts", "approvals")
UNIT_RENAME_SIMILARITY = 0.5  # a unit only the old side has and one only the new side has: renamed from here
RENAME_KINDS = frozenset({"posts", "approvals", "authorities", "flows", "risks", "measures", "benchmarks"})
NOT_GRADING = frozenset({"id", "title", "description", "sources", "grade", "grade_reason", "owner", "approval",
                         "approved_digest", "reviewed", "disclosure"})
TITLE_FIELD = {"units": "name", "posts": "name", "approvals": "meeting", "authorities": "name", "flows": "name",
               "risks": "title", "measures": "description"}


@dataclass(slots=True)
class ItemRec:
    """One item of one side: its plain data (a model dump, or the raw data of an invalid item), model,
    and where it is written (``where``: its place in its file; None: the file's first line, ``first_line``)."""

    id: str
    data: dict[str, Any]
    model: Any
    rel: str
    title: str | None
    where: Item[Any] | None = None
    first_line: int | None = 1

    @property
    def line(self) -> int | None:
        """The item's line (looked up now: only the items a change names need one)."""
        return self.where.loc()[0] if self.where is not None else self.first_line


def _dump(model: Any) -> dict[str, Any]:
    return model.model_dump(mode="json")


def _title(kind: str, data: dict[str, Any]) -> str | None:
    key = TITLE_FIELD.get(kind)
    value = data.get(key) if key else None
    if value is None:
        return None
    text = str(value).strip().replace("\n", " ")
    return text if len(text) <= 60 else text[:59] + "…"


def _norm_flow(data: dict[str, Any]) -> dict[str, Any]:
    """A flow's data with ``next`` as edges ``{to, when}`` and its start step made explicit."""
    steps = data.get("steps") or []
    out = dict(data)
    out["start"] = steps[0].get("id") if steps and isinstance(steps[0], dict) else None
    norm = []
    for s in steps:
        if isinstance(s, dict):
            s = dict(s)
            s["next"] = [n if isinstance(n, dict) else {"to": n, "when": None} for n in (s.get("next") or [])]
        norm.append(s)
    out["steps"] = norm
    return out


class Side:
    """One side of the comparison: its label and the register read from it."""

    def __init__(self, key: str, info: SideInfo, register: Register) -> None:
        self.key = key
        self.info = info
        self.register = register
        self.unit_ids: set[str] = set(register.unit_ids)

    @property
    def config(self) -> Config:
        """The side's lfk.yaml (the register's: its valid parts when it is invalid)."""
        return self.register.config


class Engine:
    """Compares two sides; ``changed`` holds the paths (relative to the root) whose content differs."""

    def __init__(self, a: Side, b: Side, changed: set[str], *,
                 units: list[str] | None = None, kinds: list[str] | None = None,
                 progress: Callable[[int, int], None] | None = None) -> None:
        self.a, self.b = a, b
        self.changed = changed
        self.units = units
        self.kinds = set(kinds) if kinds else set(KINDS)
        self.progress = progress
        self.problems: list[Problem] = []
        self._problem_seen: set[tuple[str, str]] = set()
        self._checked: set[int] = set()
        self._lists: dict[tuple[str, str], dict[str, ItemRec]] = {}
        self.changes: list[Change] = []
        self.recorded_risks: set[tuple[str, str]] = set()
        self._grader: Any = None
        self._grader_loaded = False
        self.rubric_changed = False
        self.key_area_floors = False
        self.unit_names: dict[str, str] = {}
        self.renamed_units: dict[str, str] = {}  # new unit id -> old unit id (a unit folder renamed, 机构改革)
        self._unit_similarity: dict[str, float] = {}

    # -- reading (through each side's Register) ----------------------------------------------------
    def side_uid(self, side: Side, uid: str) -> str:
        """The unit's id on ``side``: its old id on the old side when the unit was renamed."""
        return self.renamed_units.get(uid, uid) if side is self.a else uid

    def side_rel(self, side: Side, rel: str) -> str:
        """``rel`` (a path of the new side) as the path of the same file on ``side``."""
        if side is self.a and self.renamed_units and rel.startswith("units/"):
            parts = rel.split("/", 2)
            if len(parts) == 3 and parts[1] in self.renamed_units:
                return f"units/{self.renamed_units[parts[1]]}/{parts[2]}"
        return rel

    def prefetch(self, pairs: list[tuple[Side, str]]) -> None:
        """Read (one pipelined git round trip per revision) and parse many files."""
        for side in (self.a, self.b):
            side.register.prefetch(self.side_rel(side, rel) for s, rel in pairs if s is side)

    def _file(self, side: Side, rel: str) -> FileItems | None:
        """The register's reading of ``rel`` on ``side``; its first error becomes a problem (once per file)."""
        rel = self.side_rel(side, rel)
        fi = side.register.file_items(rel)
        if fi is not None and id(fi.file) not in self._checked:
            self._checked.add(id(fi.file))
            self._note_problems(side, fi.file)
        return fi

    def unreadable(self, side: Side, rel: str) -> bool:
        """Whether ``rel`` exists on ``side`` but could not be parsed at all (its items are unknown)."""
        rel = self.side_rel(side, rel)
        if not side.register.has_file(rel):
            return False
        fi = side.register.file_items(rel)
        if fi is None or not fi.file.unreadable:
            return False
        self._note_problems(side, fi.file)
        return True

    def _note_problems(self, side: Side, lf: Any) -> None:
        errors = [f for f in lf.findings if f.severity is Severity.ERROR]
        if not errors or (side.key, lf.rel) in self._problem_seen:
            return
        self._problem_seen.add((side.key, lf.rel))
        f = errors[0]
        more = T(f"（另有 {len(errors) - 1} 个问题）", f" (and {len(errors) - 1} more)") if len(errors) > 1 else None
        msg = T(f"{f.line}:{f.column} {f.code} {f.message.zh}", f"{f.line}:{f.column} {f.code} {f.message.en}")
        self.problems.append(Problem(side.key, lf.rel, msg.en + (more.en if more else ""),
                                     text_zh=msg.zh + (more.zh if more else "")))

    # -- items of one file -------------------------------------------------------------------------
    def list_items(self, side: Side, rel: str, kind: str) -> dict[str, ItemRec]:
        """Items of a list file (authorities, risks, measures) by id; invalid items as raw data."""
        rel = self.side_rel(side, rel)
        key = (side.key, rel)
        got = self._lists.get(key)
        if got is not None:
            return got
        out: dict[str, ItemRec] = {}
        fi = self._file(side, rel)
        if fi is not None and isinstance(fi.file.data, dict):
            for i, raw in enumerate(fi.raw):
                item = fi.items.get(i)
                if item is not None:
                    data = _dump(item.model)
                elif isinstance(raw, dict) and raw.get("id") is not None:
                    data = plain(raw)
                else:
                    continue
                ident = str(data.get("id"))
                if ident in out:
                    continue  # a duplicate id: lint reports it; the first one is compared
                out[ident] = ItemRec(ident, data, item.model if item else None, rel, _title(kind, data),
                                     item or Item(None, fi.file, (kind, i)))
        self._lists[key] = out
        return out

    def unit_items(self, side: Side, uid: str) -> dict[str, dict[str, ItemRec]]:
        """The unit itself, its posts and approvals (``units``/``posts``/``approvals``) on ``side``."""
        uid = self.side_uid(side, uid)
        rel = f"units/{uid}/unit.yaml"
        out: dict[str, dict[str, ItemRec]] = {"units": {}, "posts": {}, "approvals": {}}
        if uid not in side.unit_ids:
            return out
        fi = self._file(side, rel)
        if fi is None:
            out["units"][uid] = ItemRec(uid, {}, None, rel, uid, first_line=None)
            return out
        model = fi.model
        data = _dump(model) if model is not None else plain(fi.file.data)
        head = {k: v for k, v in data.items() if k not in ("posts", "approvals")}
        out["units"][uid] = ItemRec(uid, head, model, rel, _title("units", head) or uid)
        for kind in ("posts", "approvals"):
            for i, item in enumerate(data.get(kind) or []):
                if isinstance(item, dict) and item.get("id") is not None:
                    ident = str(item["id"])
                    if ident not in out[kind]:
                        out[kind][ident] = ItemRec(ident, item, None, rel, _title(kind, item),
                                                   Item(None, fi.file, (kind, i)))
        return out

    def file_item(self, side: Side, rel: str, kind: str) -> ItemRec | None:
        """A flow or benchmark file as one item (its id is the file stem)."""
        rel = self.side_rel(side, rel)
        fi = self._file(side, rel)
        if fi is None:
            return None
        data = _dump(fi.model) if fi.model is not None else plain(fi.file.data)
        if kind == "flows":
            data = _norm_flow(data)
        stem = rel.rsplit("/", 1)[-1][:-5]
        return ItemRec(stem, data, fi.model, rel, _title(kind, data))

    def authorities(self, side: Side, uid: str) -> dict[str, Authority]:
        """The unit's powers by id on ``side`` (only valid ones)."""
        items = self.list_items(side, f"units/{uid}/authorities.yaml", "authorities")
        return {i: r.model for i, r in items.items() if r.model is not None}

    # -- comparing ---------------------------------------------------------------------------------
    def compare(self, unit: str | None, kind: str, old: dict[str, ItemRec], new: dict[str, ItemRec],
                *, id_key: str = "id") -> list[tuple[ItemRec | None, ItemRec | None, Change]]:
        """Records for the items of one kind: matched by id, renames detected among the rest."""
        out: list[tuple[ItemRec | None, ItemRec | None, Change]] = []
        removed = {i: old[i] for i in old if i not in new}
        added = {i: new[i] for i in new if i not in old}
        renames = []
        if kind in RENAME_KINDS and removed and added:
            renames = match_renames({i: r.data for i, r in removed.items()}, {i: r.data for i, r in added.items()})
        for oi, ni, sim in renames:
            o, n = removed.pop(oi), added.pop(ni)
            fields = diff_values(_strip(o.data, id_key), _strip(n.data, id_key))
            out.append((o, n, Change(unit, kind, ni, "renamed", n.title or o.title, n.rel, n.line, old_id=oi,
                                     fields=fields, similarity=sim)))
        for i, o in removed.items():
            out.append((o, None, Change(unit, kind, i, "removed", o.title, o.rel, o.line)))
        for i, n in added.items():
            out.append((None, n, Change(unit, kind, i, "added", n.title, n.rel, n.line)))
        for i in old:
            if i in new:
                o, n = old[i], new[i]
                fields = diff_values(_strip(o.data, id_key), _strip(n.data, id_key))
                if fields:
                    out.append((o, n, Change(unit, kind, i, "changed", n.title or o.title, n.rel, n.line,
                                             fields=fields)))
        return out

    def emit(self, recs: list[tuple[ItemRec | None, ItemRec | None, Change]]) -> None:
        """Keep the records."""
        self.changes.extend(c for _, _, c in recs)

    # -- grades ------------------------------------------------------------------------------------
    def grader(self) -> Any:
        """``lfk.grading.engine.grade_risk`` (None when the grading engine is not available)."""
        if not self._grader_loaded:
            self._grader_loaded = True
            self._grader = grade_risk
        return self._grader

    def _grade(self, cfg: Config, risk: Risk | None, auth: Authority | None) -> str | None:
        g = self.grader()
        if g is None or risk is None:
            return None
        try:
            return g(cfg, risk, auth).computed
        except Exception:  # noqa: BLE001 - a risk the engine cannot grade has no computed grade
            return None

    def _auth(self, side: Side, uid: str, risk: Risk | None) -> Authority | None:
        if risk is None or not risk.authority or not self.key_area_floors:
            return None
        return self.authorities(side, uid).get(risk.authority)

    def grade_move(self, uid: str, o: ItemRec | None, n: ItemRec | None) -> GradeMove:
        """Declared and computed grades of a risk on both sides, and the cause of a movement."""
        gm = GradeMove(
            declared_old=o.data.get("grade") if o else None,
            declared_new=n.data.get("grade") if n else None,
        )
        ro = o.model if o else None
        rn = n.model if n else None
        ao = self._auth(self.a, uid, ro)
        an = self._auth(self.b, uid, rn)
        if o is not None:
            gm.computed_old = self._grade(self.a.config, ro, ao)
        if n is not None:
            gm.computed_new = self._grade(self.b.config, rn, an)
        if o is None or n is None:
            return gm
        cross = self._grade(self.b.config, ro, ao) if self.rubric_changed else gm.computed_old
        gm.old_under_new_rubric = cross
        causes = []
        if gm.computed_old != gm.computed_new:
            if cross != gm.computed_old:
                causes.append("rubric")
            if gm.computed_new != cross:
                inputs_o = {k: v for k, v in o.data.items() if k not in NOT_GRADING}
                inputs_n = {k: v for k, v in n.data.items() if k not in NOT_GRADING}
                if canon(inputs_o) != canon(inputs_n) or ao is None or an is None:
                    causes.append("factors")
                else:
                    causes.append("authority")
            gm.cause = "+".join(causes)
        elif gm.declared_old != gm.declared_new:
            gm.cause = "declared"
        return gm

    def regrade(self, uid: str, only_authorities: set[str] | None = None) -> None:
        """``regraded`` records for risks of ``uid`` with no record whose computed grade moved."""
        rel = f"units/{uid}/risks.yaml"
        old = self.list_items(self.a, rel, "risks")
        new = self.list_items(self.b, rel, "risks")
        for rid, o in old.items():
            n = new.get(rid)
            if n is None or (uid, rid) in self.recorded_risks:
                continue
            if only_authorities is not None and (n.data.get("authority") not in only_authorities
                                                 and o.data.get("authority") not in only_authorities):
                continue
            if canon(_strip(o.data, "id")) != canon(_strip(n.data, "id")):
                continue
            gm = self.grade_move(uid, o, n)
            if gm.computed_old != gm.computed_new:
                self.changes.append(Change(uid, "risks", rid, "regraded", n.title, n.rel, n.line, grade=gm))
                self.recorded_risks.add((uid, rid))

    # -- the whole run -----------------------------------------------------------------------------
    def run(self) -> None:
        """Compare the sides (lfk.yaml, root flows, then unit by unit)."""
        a, b = self.a, self.b
        for side in (a, b):
            self._config(side)
        ga = a.config.grading.model_dump(mode="json", exclude={"labels"})
        gb = b.config.grading.model_dump(mode="json", exclude={"labels"})
        self.rubric_changed = canon(ga) != canon(gb)
        self.key_area_floors = any(f.key_area for s in (a, b) for f in s.config.grading.floors)

        by_unit: dict[str, list[str]] = {}
        root_flows: list[str] = []
        for rel in sorted(self.changed):
            parts = rel.split("/")
            if parts[-1] in IGNORED_NAMES:
                continue
            if parts[0] == "units" and len(parts) >= 3:
                by_unit.setdefault(parts[1], []).append(rel)
            elif parts[0] == "flows" and len(parts) == 2 and rel.endswith(".yaml"):
                root_flows.append(rel)
        if self.units is not None:
            by_unit = {u: rels for u, rels in by_unit.items() if u in self.units}
        self._find_renamed_units(by_unit)

        wanted: list[tuple[Side, str]] = []
        for rels in by_unit.values():
            for rel in rels:
                kind = self._kind_of(rel)
                if kind in self.kinds or (kind == "units" and self.kinds & set(UNIT_KINDS)):
                    wanted += [(a, rel), (b, rel)]
        if self.units is None and "flows" in self.kinds:
            wanted += [(s, rel) for rel in root_flows for s in (a, b)]
        self.prefetch(wanted)

        if self.units is None:
            if "config" in self.kinds:
                self._diff_config()
            root_flows = [r for r in root_flows if not (self.unreadable(a, r) or self.unreadable(b, r))]
            if "flows" in self.kinds and root_flows:
                old = {i.id: i for i in (self.file_item(a, r, "flows") for r in root_flows) if i}
                new = {i.id: i for i in (self.file_item(b, r, "flows") for r in root_flows) if i}
                self.emit(self.compare(None, "flows", old, new))

        total = len(by_unit)
        for n, (uid, rels) in enumerate(sorted(by_unit.items()), start=1):
            self._diff_unit(uid, rels)
            if self.progress is not None:
                self.progress(n, total)

        if "risks" in self.kinds and self.rubric_changed and self.grader() is not None:
            every = sorted((a.unit_ids & b.unit_ids) | set(self.renamed_units))
            if self.units is not None:
                every = [u for u in every if u in self.units]
            self.prefetch([(s, f"units/{u}/{f}") for u in every for s in (a, b)
                           for f in (("risks.yaml", "authorities.yaml") if self.key_area_floors else ("risks.yaml",))])
            for uid in every:
                self.regrade(uid)
        self.changes.sort(key=Change.sort_key)
        self._unit_names()

    def _unit_keys(self, side: Side, uid: str, rels: list[str]) -> set[tuple[str, str]]:
        """What identifies a unit's content on ``side``: (kind, id) of its posts, approvals, list items,
        flows and benchmarks (``rels``: the unit's files there)."""
        keys = {(k, i) for k in ("posts", "approvals") for i in self.unit_items(side, uid)[k]}
        for rel in rels:
            kind = self._kind_of(rel)
            if kind in LIST_KINDS:
                keys.update((kind, i) for i in self.list_items(side, rel, kind))
            elif kind in ("flows", "benchmarks"):
                keys.add((kind, rel.rsplit("/", 1)[-1]))
        return keys

    def _find_renamed_units(self, by_unit: dict[str, list[str]]) -> None:
        """Pair a unit only the old side has with one only the new side has when they hold the same items
        (Jaccard similarity of ``_unit_keys`` at least ``UNIT_RENAME_SIMILARITY``; or, both holding none,
        the same name): the unit was renamed (a reorganisation, 机构改革), and its items are compared as one
        unit's, not all reported removed and added. ``by_unit`` then holds the pair under the new id."""
        a, b = self.a, self.b
        gone = [u for u in by_unit if u in a.unit_ids and u not in b.unit_ids]
        new = [u for u in by_unit if u in b.unit_ids and u not in a.unit_ids]
        if not gone or not new:
            return
        self.prefetch([(a, r) for u in gone for r in by_unit[u]] + [(b, r) for u in new for r in by_unit[u]])
        keys_a = {u: self._unit_keys(a, u, by_unit[u]) for u in gone}
        keys_b = {u: self._unit_keys(b, u, by_unit[u]) for u in new}
        names = {(s.key, u): (self.unit_items(s, u)["units"].get(u) or ItemRec(u, {}, None, "", None)).data.get("name")
                 for s, us in ((a, gone), (b, new)) for u in us}
        pairs = []
        for o in gone:
            for n in new:
                ka, kb = keys_a[o], keys_b[n]
                sim = len(ka & kb) / len(ka | kb) if ka | kb else float(bool(names[(a.key, o)]) and
                                                                       names[(a.key, o)] == names[(b.key, n)])
                if sim >= UNIT_RENAME_SIMILARITY:
                    pairs.append((-sim, o, n))
        for neg, o, n in sorted(pairs):
            if o in by_unit and n in by_unit and o not in self.renamed_units.values() and n not in self.renamed_units:
                self.renamed_units[n] = o
                self._unit_similarity[n] = -neg
                moved = {f"units/{n}/{r.split('/', 2)[2]}" for r in by_unit.pop(o)}
                by_unit[n] = sorted(set(by_unit[n]) | moved)

    def _unit_names(self) -> None:
        """Names of the units touched (their unit.yaml, newest side first), for headings."""
        touched = sorted({c.unit for c in self.changes if c.unit is not None})
        pairs = [(self.b if u in self.b.unit_ids else self.a, u) for u in touched]
        self.prefetch([(side, f"units/{u}/unit.yaml") for side, u in pairs])
        for side, uid in pairs:
            lf = side.register.unit_header(uid)[0]
            name = lf.data.get("name") if lf is not None and isinstance(lf.data, dict) else None
            if isinstance(name, str) and name.strip():
                self.unit_names[uid] = name.strip()

    def _config(self, side: Side) -> None:
        """Check that the side has a register (lfk.yaml); its problems are reported."""
        if self._file(side, "lfk.yaml") is None:
            raise InputError(f"{side.info.label}: no lfk.yaml at the register root there / 该版本中没有登记册（lfk.yaml）",
                             hint="is the register in the same folder of the repository in both revisions?")

    def _diff_config(self) -> None:
        fa, fb = self._file(self.a, "lfk.yaml"), self._file(self.b, "lfk.yaml")
        assert fa is not None and fb is not None  # checked by _config
        if fa.file is fb.file:
            return  # the same content
        da = _dump(fa.model) if fa.model is not None else plain(fa.file.data)
        db = _dump(fb.model) if fb.model is not None else plain(fb.file.data)
        for key in list(da) + [k for k in db if k not in da]:
            fields = diff_values({key: da.get(key)}, {key: db.get(key)})
            if fields:
                self.changes.append(Change(None, "config", key, "changed", None, "lfk.yaml", fb.file.loc((key,))[0],
                                           fields=fields))

    @staticmethod
    def _kind_of(rel: str) -> str | None:
        """The diff's kind of a unit file (its folder or list name: units, risks, flows, benchmarks...)."""
        kind = file_kind(rel) if rel.startswith("units/") else None
        return _DIFF_KINDS.get(kind) if kind else None

    def _diff_unit(self, uid: str, rels: list[str]) -> None:
        a, b = self.a, self.b
        old_uid = self.side_uid(a, uid)
        one_sided = (old_uid in a.unit_ids) != (uid in b.unit_ids)
        unit_rel = f"units/{uid}/unit.yaml"
        if ((unit_rel in rels or one_sided) and self.kinds & set(UNIT_KINDS)
                and not (self.unreadable(a, unit_rel) or self.unreadable(b, unit_rel))):
            ia, ib = self.unit_items(a, uid), self.unit_items(b, uid)
            for kind in UNIT_KINDS:
                if kind not in self.kinds:
                    continue
                if kind == "units" and old_uid != uid and old_uid in ia["units"] and uid in ib["units"]:
                    o, n = ia["units"][old_uid], ib["units"][uid]
                    self.emit([(o, n, Change(uid, "units", uid, "renamed", n.title or o.title, n.rel, n.line,
                                             old_id=old_uid, fields=diff_values(_strip(o.data, "id"), _strip(n.data, "id")),
                                             similarity=self._unit_similarity.get(uid)))])
                    continue
                self.emit(self.compare(uid, kind, ia[kind], ib[kind]))
        per_kind: dict[str, list[str]] = {}
        for rel in rels:
            kind = self._kind_of(rel)
            if kind is not None and kind != "units" and kind in self.kinds:
                if self.unreadable(a, rel) or self.unreadable(b, rel):
                    continue  # reported as a problem; comparing would show every item as added or removed
                per_kind.setdefault(kind, []).append(rel)
        changed_auth: set[str] = set()
        for kind, krels in per_kind.items():
            if kind in LIST_KINDS:
                old = self.list_items(a, krels[0], kind)
                new = self.list_items(b, krels[0], kind)
                recs = self.compare(uid, kind, old, new)
                if kind == "risks":
                    for o, n, c in recs:
                        c.grade = self.grade_move(uid, o, n)
                        self.recorded_risks.add((uid, c.id))
                if kind == "authorities" and self.key_area_floors:
                    for o, n, _c in recs:
                        if o is not None and n is not None and canon(sorted(o.data.get("key_areas") or [])) != canon(
                                sorted(n.data.get("key_areas") or [])):
                            changed_auth.update({o.id, n.id})
                self.emit(recs)
            else:
                id_key = "authority" if kind == "benchmarks" else "id"
                old = {i.id: i for i in (self.file_item(a, r, kind) for r in krels) if i}
                new = {i.id: i for i in (self.file_item(b, r, kind) for r in krels) if i}
                self.emit(self.compare(uid, kind, old, new, id_key=id_key))
        if changed_auth and "risks" in self.kinds and old_uid in a.unit_ids and uid in b.unit_ids:
            self.regrade(uid, changed_auth)


def _strip(data: dict[str, Any], id_key: str) -> dict[str, Any]:
    return {k: v for k, v in data.items() if k != id_key and k != "id"}


# -- entry points ----------------------------------------------------------------------------------
def resolve_root(path: Path) -> Path:
    """The register root from a path that is the root, a repository top with ``registers/``, or inside one."""
    p = Path(path).expanduser().resolve()
    if (p / "lfk.yaml").is_file():
        return p
    if (p / "registers" / "lfk.yaml").is_file():
        return p / "registers"
    for folder in p.parents:
        if (folder / "lfk.yaml").is_file():
            return folder
    raise RootNotFound(f"{path}: no register found (no lfk.yaml) / 找不到登记册（lfk.yaml）",
                       hint="use --root DIR")


def default_revisions(repo: GitRepo) -> tuple[str, str | None]:
    """CLI.md's default: the two newest tags, else ``HEAD~1`` and the working tree — or, in a repository of one
    commit (a register just put in git), that commit and the working tree."""
    tags = repo.tags_newest_first()
    if len(tags) >= 2:
        return tags[1], tags[0]
    try:
        repo.commit("HEAD~1")
    except UsageError:
        return "HEAD", None
    return "HEAD~1", None


def diff_revisions(repo_or_root: Path, a: str | None = None, b: str | None = None, *,
                   units: list[str] | None = None, kinds: list[str] | None = None,
                   progress: Callable[[int, int], None] | None = None) -> DiffResult:
    """The semantic difference between revision ``a`` and revision ``b`` of the register.

    ``repo_or_root``: the register root (or the repository top holding ``registers/``). ``b`` None:
    the working tree. ``a`` None: the defaults of ``default_revisions``. ``units``/``kinds`` limit
    what is compared (and read). Bad revisions raise ``UsageError``; nothing is checked out.
    """
    started = time.perf_counter()
    root = resolve_root(repo_or_root)
    bad_kinds = [k for k in kinds or [] if k not in KINDS]
    if bad_kinds:
        raise UsageError(f"unknown kind(s): {', '.join(bad_kinds)} / 未知的类别", hint="use " + "|".join(KINDS))
    with GitRepo(root) as repo:
        if a is None:
            a, b = default_revisions(repo)
        subdir = repo.prefix
        shared = SharedReads()
        src_a = GitSource(repo.top, a, subdir, repo=repo)
        reg_a = Register(root, src_a, lazy=True, shared=shared, content_key=src_a.blob_ids.get)
        side_a = Side("a", SideInfo(a, src_a.commit, a), reg_a)
        if b is not None:
            src_b = GitSource(repo.top, b, subdir, repo=repo)
            changed = {p for p in set(src_a.blob_ids) | set(src_b.blob_ids)
                       if src_a.blob_ids.get(p) != src_b.blob_ids.get(p)}
            reg_b = Register(root, src_b, lazy=True, shared=shared, content_key=src_b.blob_ids.get)
            side_b = Side("b", SideInfo(b, src_b.commit, b), reg_b)
        else:
            wt_list = DirSource(root).files()
            wt_files = set(wt_list)
            changed = repo.changed_paths(src_a.commit, None, subdir) & (wt_files | set(src_a.blob_ids))
            changed |= wt_files ^ set(src_a.blob_ids)

            def unchanged_blob(rel: str) -> str | None:
                """A's blob id for a file the working tree has unchanged (the same bytes); None: not shared."""
                return None if rel in changed else src_a.blob_ids.get(rel)

            reg_b = Register(root, DirSource(root, files=wt_list), lazy=True, shared=shared, content_key=unchanged_blob)
            side_b = Side("b", SideInfo(None, None, WORKTREE_LABEL), reg_b)
        if units:
            unknown = [u for u in units if u not in side_a.unit_ids and u not in side_b.unit_ids]
            if unknown:
                raise UsageError(f"--unit {', '.join(unknown)}: no such unit in either revision / 两个版本中都没有该单位")
        eng = Engine(side_a, side_b, changed, units=units, kinds=kinds, progress=progress)
        eng.run()
    names = eng.unit_names
    result = DiffResult(
        a=side_a.info, b=side_b.info, root=subdir, changes=eng.changes, problems=eng.problems,
        rubric_changed=eng.rubric_changed, units=units, kinds=kinds, unit_names=names,
        grade_labels=dict(side_b.config.grading.labels or {}),
        stats={"files_a": len(reg_a.all_files), "files_b": len(reg_b.all_files), "changed_files": len(changed),
               "parsed_files": shared.parsed},
    )
    result.seconds = time.perf_counter() - started
    return result
