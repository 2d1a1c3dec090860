"""The diff engine: two sides of a register (git revisions or the working tree), compared item by item.

Only files whose content differs between the sides are read and parsed (blob ids from
``git ls-tree``; ``git diff-index`` plus the file lists for the working tree), plus ``lfk.yaml``
of both sides, always. Changed files are grouped by unit into partial views: a unit whose files
are all unchanged costs nothing. Items are matched by unit, kind and id; the models come straight
from ``lfk.loader.load_bytes`` and ``lfk.model.validate.validate`` (no ``Register``, which would
read every unit header).

Two extra passes read unchanged files, only when needed: when the rubric (``grading`` in
``lfk.yaml``) changed, every risk is graded under both rubrics (``regraded`` records); when a
power's key areas changed and the rubric has key-area floors, the risks on that power are graded
again. A file unchanged between the sides is parsed once for both.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from lfk.core.errors import InputError, RootNotFound, UsageError
from lfk.core.finding import Severity
from lfk.core.git import GitRepo, GitSource
from lfk.core.i18n import T
from lfk.diff.compare import canon, diff_values, match_renames
from lfk.diff.result import KINDS, Change, DiffResult, GradeMove, Problem, SideInfo
from lfk.grading.engine import grade_risk
from lfk.loader import LoadedFile, load_bytes
from lfk.model import UNIT_LIST_FILES, AuthoritiesFile, Benchmark, Config, Flow, MeasuresFile, RisksFile, Unit, file_kind
from lfk.model.items import Authority, Measure, Risk
from lfk.model.validate import validate
from lfk.register import IGNORED_NAMES, DirSource, Source

WORKTREE_LABEL = "working tree"
LIST_FILES = {name: kind for name, kind in UNIT_LIST_FILES.items() if kind not in ("dispositions", "accepted")}  # what diff compares
_DIFF_KINDS = {"unit": "units", "authorities": "authorities", "risks": "risks", "measures": "measures",
               "flow": "flows", "benchmark": "benchmarks"}
LIST_MODELS: dict[str, type] = {"authorities": AuthoritiesFile, "risks": RisksFile, "measures": MeasuresFile}
LIST_ITEM_MODELS: dict[str, type] = {"authorities": Authority, "risks": Risk, "measures": Measure}
UNIT_KINDS = ("units", "posts", "approvals")
RENAME_KINDS = frozenset({"posts", "approvals", "authorities", "flows", "risks", "measures", "benchmarks"})
NOT_GRADING = frozenset({"id", "title", "description", "sources", "grade", "grade_reason", "owner", "approval",
                         "approved_digest", "reviewed", "disclosure"})
TITLE_FIELD = {"units": "name", "posts": "name", "approvals": "meeting", "authorities": "name", "flows": "name",
               "risks": "title", "measures": "description"}
DEFAULT_MAX_BYTES = 10 * 1024 * 1024


@dataclass(slots=True)
class ItemRec:
    """One item of one side: its plain data (a model dump), model, and where it is written."""

    id: str
    data: dict[str, Any]
    model: Any
    rel: str
    line: int | None
    title: str | None


def _dump(model: Any) -> dict[str, Any]:
    return model.model_dump(mode="json")


def _plain(raw: Any) -> dict[str, Any]:
    import json

    return json.loads(canon(raw)) if isinstance(raw, dict) else {}


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
    """One side of the comparison: where its files come from and what it holds."""

    def __init__(self, key: str, info: SideInfo, source: Source, blob_ids: dict[str, str] | None,
                 files: Iterable[str]) -> None:
        self.key = key
        self.info = info
        self.source = source
        self.blob_ids = blob_ids
        self.files = set(files)
        self.unit_ids: set[str] = {rel.split("/", 2)[1] for rel in self.files
                                   if rel.startswith("units/") and rel.count("/") >= 2}
        self.config: Config = Config(name="register")
        self.max_bytes = DEFAULT_MAX_BYTES


class Engine:
    """Compares two sides; ``changed`` holds the paths (relative to the root) whose content differs."""

    def __init__(self, a: Side, b: Side, changed: set[str], repo: GitRepo | None, *,
                 units: list[str] | None = None, kinds: list[str] | None = None,
                 progress: Callable[[int, int], None] | None = None) -> None:
        self.a, self.b = a, b
        self.changed = changed
        self.repo = repo
        self.units = units
        self.kinds = set(kinds) if kinds else set(KINDS)
        self.progress = progress
        self.parsed: dict[str, LoadedFile] = {}
        self.validated: dict[tuple[str, str], Any] = {}
        self.problems: list[Problem] = []
        self._problem_seen: set[tuple[str, str]] = set()
        self.changes: list[Change] = []
        self.recorded_risks: set[tuple[str, str]] = set()
        self.n_parsed = 0
        self._grader: Any = None
        self._grader_loaded = False
        self.rubric_changed = False
        self.key_area_floors = False
        self.unit_names: dict[str, str] = {}

    # -- reading -----------------------------------------------------------------------------------
    def _key(self, side: Side, rel: str) -> str:
        if side.blob_ids is not None:
            return side.blob_ids[rel]
        if rel not in self.changed and self.a.blob_ids is not None and rel in self.a.blob_ids:
            return self.a.blob_ids[rel]  # unchanged in the working tree: the same bytes as A's blob
        return f"{side.key}:{rel}"

    def prefetch(self, pairs: Iterable[tuple[Side, str]]) -> None:
        """Read (one pipelined git round trip) and parse many files."""
        todo: dict[str, tuple[Side, str]] = {}
        for side, rel in pairs:
            if rel in side.files:
                k = self._key(side, rel)
                if k not in self.parsed and k not in todo:
                    todo[k] = (side, rel)
        oids = [k for k in todo if ":" not in k]
        blobs = self.repo.read_blobs(oids) if (oids and self.repo is not None) else {}
        for k, (side, rel) in todo.items():
            raw = blobs.get(k)
            self.parsed[k] = self._parse(side, rel, raw)

    def _parse(self, side: Side, rel: str, raw: bytes | None) -> LoadedFile:
        if raw is None:
            try:
                raw = side.source.read(rel)
            except OSError as e:
                lf = LoadedFile(rel)
                lf.error("LFK001", 1, 1, _t(f"无法读取文件：{e}", f"cannot read the file: {e}"))
                return lf
        self.n_parsed += 1
        return load_bytes(raw, rel, max_bytes=side.max_bytes)

    def load(self, side: Side, rel: str) -> LoadedFile | None:
        """The parsed file at ``rel`` on ``side`` (None when the side has no such file)."""
        if rel not in side.files:
            return None
        k = self._key(side, rel)
        lf = self.parsed.get(k)
        if lf is None:
            lf = self.parsed[k] = self._parse(side, rel, None)
        return lf

    def _validated(self, side: Side, rel: str, kind: str) -> tuple[LoadedFile | None, Any]:
        """(file, validation result) for ``rel`` read as ``kind``, cached per content."""
        lf = self.load(side, rel)
        if lf is None:
            return None, None
        ck = (self._key(side, rel), kind)
        if ck not in self.validated:
            if kind in LIST_MODELS:
                res: Any = validate(lf, LIST_MODELS[kind], kind)
            else:
                model_cls = {"units": Unit, "flows": Flow, "benchmarks": Benchmark, "config": Config}[kind]
                res = validate(lf, model_cls)
            self.validated[ck] = res
            self._note_problems(side, lf, lf.findings)
        return lf, self.validated[ck]

    def unreadable(self, side: Side, rel: str) -> bool:
        """Whether ``rel`` exists on ``side`` but could not be parsed at all (its items are unknown)."""
        lf = self.load(side, rel)
        if lf is None or lf.data is not None:
            return False
        if lf.findings:
            self._note_problems(side, lf, lf.findings)
            return True
        return False

    def _note_problems(self, side: Side, lf: LoadedFile, findings: list[Any]) -> None:
        errors = [f for f in findings if f.severity is Severity.ERROR]
        if not errors or (side.key, lf.rel) in self._problem_seen:
            return
        self._problem_seen.add((side.key, lf.rel))
        f = errors[0]
        more = _t(f"（另有 {len(errors) - 1} 个问题）", f" (and {len(errors) - 1} more)") if len(errors) > 1 else None
        msg = _t(f"{f.line}:{f.column} {f.code} {f.message.zh}", f"{f.line}:{f.column} {f.code} {f.message.en}")
        self.problems.append(Problem(side.key, lf.rel, msg.en + (more.en if more else ""),
                                     text_zh=msg.zh + (more.zh if more else "")))

    # -- items of one file -------------------------------------------------------------------------
    def list_items(self, side: Side, rel: str, kind: str) -> dict[str, ItemRec]:
        """Items of a list file (authorities, risks, measures) by id; invalid items as raw data."""
        lf, res = self._validated(side, rel, kind)
        if lf is None or not isinstance(lf.data, dict):
            return {}
        model, good = res
        raw_items = lf.data.get(kind)
        if not isinstance(raw_items, list):
            return {}
        models: dict[int, Any] = {}
        if model is not None and not any(f.severity is Severity.ERROR for f in lf.findings):
            models = dict(enumerate(getattr(model, kind)))
        elif model is not None or good:
            # a repaired file: validate item by item so a bad value shows as written, not as pruned
            item_cls = LIST_ITEM_MODELS[kind]
            for i, raw in enumerate(raw_items):
                try:
                    models[i] = item_cls.model_validate(raw)
                except Exception:  # noqa: BLE001 - pydantic's ValidationError and odd input alike
                    pass
        out: dict[str, ItemRec] = {}
        for i, raw in enumerate(raw_items):
            m = models.get(i)
            if m is not None:
                data = _dump(m)
            elif isinstance(raw, dict) and raw.get("id") is not None:
                data = _plain(raw)
            else:
                continue
            ident = str(data.get("id"))
            if ident in out:
                continue  # a duplicate id: lint reports it; the first one is compared
            out[ident] = ItemRec(ident, data, m, rel, lf.loc((kind, i))[0], _title(kind, data))
        return out

    def unit_items(self, side: Side, uid: str) -> dict[str, dict[str, ItemRec]]:
        """The unit itself, its posts and approvals (``units``/``posts``/``approvals``) on ``side``."""
        rel = f"units/{uid}/unit.yaml"
        out: dict[str, dict[str, ItemRec]] = {"units": {}, "posts": {}, "approvals": {}}
        if uid not in side.unit_ids:
            return out
        lf, res = self._validated(side, rel, "units")
        if lf is None:
            out["units"][uid] = ItemRec(uid, {}, None, rel, None, uid)
            return out
        model = res[0]
        data = _dump(model) if model is not None else _plain(lf.data)
        head = {k: v for k, v in data.items() if k not in ("posts", "approvals")}
        out["units"][uid] = ItemRec(uid, head, model, rel, 1, _title("units", head) or uid)
        for kind in ("posts", "approvals"):
            for i, item in enumerate(data.get(kind) or []):
                if isinstance(item, dict) and item.get("id") is not None:
                    ident = str(item["id"])
                    if ident not in out[kind]:
                        out[kind][ident] = ItemRec(ident, item, None, rel, lf.loc((kind, i))[0], _title(kind, item))
        return out

    def file_item(self, side: Side, rel: str, kind: str) -> ItemRec | None:
        """A flow or benchmark file as one item (its id is the file stem)."""
        lf, res = self._validated(side, rel, kind)
        if lf is None:
            return None
        model = res[0]
        data = _dump(model) if model is not None else _plain(lf.data)
        if kind == "flows":
            data = _norm_flow(data)
        stem = rel.rsplit("/", 1)[-1][:-5]
        return ItemRec(stem, data, model, rel, 1, _title(kind, data))

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
        self.prefetch([(a, "lfk.yaml"), (b, "lfk.yaml")])
        for side in (a, b):
            side.config, side.max_bytes = self._config(side)
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
            every = sorted(a.unit_ids & b.unit_ids)
            if self.units is not None:
                every = [u for u in every if u in self.units]
            self.prefetch([(s, f"units/{u}/{f}") for u in every for s in (a, b)
                           for f in (("risks.yaml", "authorities.yaml") if self.key_area_floors else ("risks.yaml",))])
            for uid in every:
                self.regrade(uid)
        self.changes.sort(key=Change.sort_key)
        self._unit_names()

    def _unit_names(self) -> None:
        """Names of the units touched (their unit.yaml, newest side first), for headings."""
        touched = sorted({c.unit for c in self.changes if c.unit is not None})
        pairs = [(self.b if u in self.b.unit_ids else self.a, f"units/{u}/unit.yaml") for u in touched]
        self.prefetch(pairs)
        for side, rel in pairs:
            lf = self.load(side, rel)
            name = lf.data.get("name") if lf is not None and isinstance(lf.data, dict) else None
            if isinstance(name, str) and name.strip():
                self.unit_names[rel.split("/")[1]] = name.strip()

    def _config(self, side: Side) -> tuple[Config, int]:
        lf, res = self._validated(side, "lfk.yaml", "config")
        if lf is None:
            raise InputError(f"{side.info.label}: no lfk.yaml at the register root there / 该版本中没有登记册（lfk.yaml）",
                             hint="is the register in the same folder of the repository in both revisions?")
        cfg = res[0]
        if cfg is None:
            name = lf.data.get("name") if isinstance(lf.data, dict) else None
            cfg = Config(name=str(name or "register"))
        return cfg, int(cfg.lint.max_file_mb * 1024 * 1024)

    def _diff_config(self) -> None:
        la, ra = self._validated(self.a, "lfk.yaml", "config")
        lb, rb = self._validated(self.b, "lfk.yaml", "config")
        if self._key(self.a, "lfk.yaml") == self._key(self.b, "lfk.yaml"):
            return
        da = _dump(ra[0]) if ra[0] is not None else _plain(la.data if la else None)
        db = _dump(rb[0]) if rb[0] is not None else _plain(lb.data if lb else None)
        for key in list(da) + [k for k in db if k not in da]:
            fields = diff_values({key: da.get(key)}, {key: db.get(key)})
            if fields:
                line = lb.loc((key,))[0] if lb is not None else None
                self.changes.append(Change(None, "config", key, "changed", None, "lfk.yaml", line, fields=fields))

    @staticmethod
    def _kind_of(rel: str) -> str | None:
        """The diff's kind of a unit file (its folder or list name: units, risks, flows, benchmarks...)."""
        kind = file_kind(rel) if rel.startswith("units/") else None
        return _DIFF_KINDS.get(kind) if kind else None

    def _diff_unit(self, uid: str, rels: list[str]) -> None:
        a, b = self.a, self.b
        one_sided = (uid in a.unit_ids) != (uid in b.unit_ids)
        unit_rel = f"units/{uid}/unit.yaml"
        if ((unit_rel in rels or one_sided) and self.kinds & set(UNIT_KINDS)
                and not (self.unreadable(a, unit_rel) or self.unreadable(b, unit_rel))):
            ia, ib = self.unit_items(a, uid), self.unit_items(b, uid)
            for kind in UNIT_KINDS:
                if kind in self.kinds:
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
            if kind in LIST_MODELS:
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
        if changed_auth and "risks" in self.kinds and uid in a.unit_ids and uid in b.unit_ids:
            self.regrade(uid, changed_auth)


def _strip(data: dict[str, Any], id_key: str) -> dict[str, Any]:
    return {k: v for k, v in data.items() if k != id_key and k != "id"}


def _t(zh: str, en: str) -> Any:
    return T(zh, en)


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
    """CLI.md's default: the two newest tags, else ``HEAD~1`` and the working tree."""
    tags = repo.tags_newest_first()
    if len(tags) >= 2:
        return tags[1], tags[0]
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
        src_a = GitSource(repo.top, a, subdir, repo=repo)
        info_a = SideInfo(a, src_a.commit, a)
        side_a = Side("a", info_a, src_a, src_a.blob_ids, src_a.blob_ids)
        if b is not None:
            src_b = GitSource(repo.top, b, subdir, repo=repo)
            side_b = Side("b", SideInfo(b, src_b.commit, b), src_b, src_b.blob_ids, src_b.blob_ids)
            changed = {p for p in set(src_a.blob_ids) | set(src_b.blob_ids)
                       if src_a.blob_ids.get(p) != src_b.blob_ids.get(p)}
        else:
            wt = DirSource(root)
            wt_files = set(wt.files())
            side_b = Side("b", SideInfo(None, None, WORKTREE_LABEL), wt, None, wt_files)
            changed = repo.changed_paths(src_a.commit, None, subdir) & (wt_files | set(src_a.blob_ids))
            changed |= wt_files ^ set(src_a.blob_ids)
        if units:
            unknown = [u for u in units if u not in side_a.unit_ids and u not in side_b.unit_ids]
            if unknown:
                raise UsageError(f"--unit {', '.join(unknown)}: no such unit in either revision / 两个版本中都没有该单位")
        eng = Engine(side_a, side_b, changed, repo, units=units, kinds=kinds, progress=progress)
        eng.run()
    names = eng.unit_names
    result = DiffResult(
        a=side_a.info, b=side_b.info, root=subdir, changes=eng.changes, problems=eng.problems,
        rubric_changed=eng.rubric_changed, units=units, kinds=kinds, unit_names=names,
        grade_labels=dict(side_b.config.grading.labels or {}),
        stats={"files_a": len(side_a.files), "files_b": len(side_b.files), "changed_files": len(changed),
               "parsed_files": eng.n_parsed},
    )
    result.seconds = time.perf_counter() - started
    return result
