"""Baselines seen from a unit: where each field of an item came from (``lfk explain``), and what
changed upstream between the pinned baseline revision and another (``lfk baseline diff``).

The resolution itself (``adopts:`` and ``tailor:``) happens in the one loading pipeline,
``lfk.register``; this module only reads its result.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from lfk.core.errors import ConfigError, UsageError
from lfk.core.git import GitSource, work_tree_of
from lfk.core.text import columns
from lfk.model.vocab import TAILOR_KINDS
from lfk.register import Item, Register, TailorRecord, UnitData, items_of

KIND_NAMES = {"authority": ("职权", "power"), "risk": ("风险点", "risk"), "measure": ("防控措施", "measure"),
              "flow": ("流程图", "flow"), "benchmark": ("裁量基准", "benchmark")}
STATUS_NAMES = {"own": ("本单位", "own"), "baseline": ("采用基准", "adopted from the baseline"),
                "tailored": ("采用基准并剪裁", "adopted from the baseline, tailored"),
                "dropped": ("基准项，已删除", "baseline item, dropped")}
FROM_NAMES = {"own": ("本单位", "own"), "baseline": ("基准", "baseline"), "tailoring": ("剪裁", "tailoring")}


@dataclass
class FieldOrigin:
    """One field of an explained item: its value and where it was written."""

    name: str
    value: Any
    source: str  # own | baseline | tailoring
    file: str
    line: int
    tailoring: int | None = None
    reason: str | None = None

    def to_json(self) -> dict[str, Any]:
        """The JSON form (``lfk-explain/1``)."""
        return {"field": self.name, "value": self.value, "from": self.source, "file": self.file, "line": self.line,
                "tailoring": self.tailoring, "reason": self.reason}


@dataclass
class Explanation:
    """Where one item of a unit (or a dropped baseline item) came from, field by field."""

    unit: str
    id: str
    kind: str
    status: str  # own | baseline | tailored | dropped
    file: str
    line: int
    baseline_unit: str | None = None
    fields: list[FieldOrigin] = field(default_factory=list)
    dropped_by: int | None = None
    reason: str | None = None

    def to_json(self) -> dict[str, Any]:
        """The JSON form (``lfk-explain/1``)."""
        return {"unit": self.unit, "id": self.id, "kind": self.kind, "status": self.status, "file": self.file,
                "line": self.line, "baseline_unit": self.baseline_unit, "dropped_by": self.dropped_by,
                "reason": self.reason, "fields": [f.to_json() for f in self.fields]}


def baseline_info(reg: Register) -> dict[str, Any] | None:
    """The baseline as lfk.yaml pins it: path, rev and the commit it resolves to (None without one)."""
    cfg = reg.config.baseline
    if cfg is None:
        return None
    base = reg.baseline
    commit = getattr(base.source, "commit", None) if base is not None else None
    return {"path": cfg.path or cfg.url, "rev": cfg.rev, "commit": commit}


def _value(item: Item[Any], name: str) -> Any:
    dumped = item.model.model_dump(mode="json")  # type: ignore[attr-defined]
    return dumped.get(name)


def _explain_item(reg: Register, ud: UnitData, kind: str, ident: str, item: Item[Any]) -> Explanation:
    rel, line, _ = item.where()
    status = "own" if item.origin is None else ("tailored" if item.tailored else "baseline")
    ex = Explanation(ud.id, ident, kind, status, rel, line, item.origin)
    reasons = {rec.index: rec.reason for rec in ud.tailorings}
    unit_rel = ud.unit_file.rel if ud.unit_file is not None else ""
    for name in type(item.model).model_fields:
        where_rel, where_line, _ = item.where(name)
        sub = item.path + (name,)
        written = sub in item.file.keypos or sub in item.file.pos
        tailored = item.tailored and where_rel == unit_rel and where_rel != item.file.rel
        if not (written or tailored):
            continue
        if tailored:
            index = _tailoring_index(item, name)
            ex.fields.append(FieldOrigin(name, _value(item, name), "tailoring", where_rel, where_line, index,
                                         reasons.get(index) if index is not None else None))
        else:
            ex.fields.append(FieldOrigin(name, _value(item, name), "own" if item.origin is None else "baseline",
                                         where_rel, where_line))
    return ex


def _tailoring_index(item: Item[Any], name: str) -> int | None:
    redirects = getattr(item.file, "redirects", {})
    hit = redirects.get(item.path + (name,))
    if hit is None:
        return None
    at = hit[1]
    return at[1] if len(at) > 1 and at[0] == "tailor" and isinstance(at[1], int) else None


def explain(reg: Register, ident: str) -> list[Explanation]:
    """Every item ``ident`` names (``UNIT/ID`` or ``ID`` in any unit), adopted, tailored, own or dropped.

    A ``UsageError`` when nothing has that id.
    """
    uid, _, item_id = ident.rpartition("/")
    if uid and uid not in reg.unit_ids:
        raise UsageError(f"no unit {uid!r} / 没有单位 {uid}", hint="lfk explain UNIT/ID, e.g. county-amr-town/JC-01")
    out: list[Explanation] = []
    for unit_id in ([uid] if uid else reg.unit_ids):
        ud = reg.unit(unit_id)
        for kind in TAILOR_KINDS:
            for found, item in items_of(ud, kind):
                if found == item_id:
                    out.append(_explain_item(reg, ud, kind, found, item))
        for rec in ud.tailorings:
            if rec.status != "applied" or rec.action != "drop":
                continue
            gone = [(rec.kind or "", rec.target), *rec.cascade]
            for kind, gid in gone:
                if gid == item_id:
                    rel = ud.unit_file.rel if ud.unit_file else ""
                    line = ud.unit_file.loc(("tailor", rec.index))[0] if ud.unit_file else 1
                    out.append(Explanation(ud.id, gid, kind, "dropped", rel, line, None, [], rec.index, rec.reason))
    if not out:
        raise UsageError(f"nothing has the id {ident!r} / 没有编号为 {ident} 的项",
                         hint="a power, risk, measure, flow or benchmark id, optionally UNIT/ID")
    return out


def _short(value: Any, width: int = 48) -> str:
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
    text = text.replace("\n", " ")
    return text if len(text) <= width else text[: width - 1] + "…"


def format_explain(found: list[Explanation], info: dict[str, Any] | None, lang: str) -> str:
    """The text of ``lfk explain``."""
    zh = lang == "zh"

    def pick(pair: tuple[str, str]) -> str:
        return pair[0] if zh else pair[1]

    lines: list[str] = []
    for ex in found:
        head = f"{ex.unit}/{ex.id}  {pick(KIND_NAMES[ex.kind]) if ex.kind in KIND_NAMES else ex.kind}  · " \
               f"{pick(STATUS_NAMES[ex.status])}"
        if ex.baseline_unit:
            head += f" {ex.baseline_unit}"
        lines.append(head)
        if ex.baseline_unit and info:
            rev = f" @ {info['rev']}" + (f" ({info['commit'][:12]})" if info.get("commit") else "") if info.get("rev") else \
                (" （未固定版本）" if zh else " (not pinned to a revision)")
            lines.append(f"  {'基准登记册' if zh else 'baseline'}: {info['path']}{rev}")
        if ex.status == "dropped":
            lines.append(f"  {'由剪裁' if zh else 'dropped by tailoring'} #{(ex.dropped_by or 0) + 1}  {ex.file}:{ex.line}")
            lines.append(f"  {'理由' if zh else 'reason'}: {ex.reason or ('（未写）' if zh else '(none given)')}")
            lines.append("")
            continue
        lines.append(f"  {ex.file}:{ex.line}")
        rows = [["字段" if zh else "field", "来源" if zh else "from", "位置" if zh else "where", "值" if zh else "value"]]
        for f in ex.fields:
            src = pick(FROM_NAMES[f.source]) + (f" #{f.tailoring + 1}" if f.tailoring is not None else "")
            value = _short(f.value)
            if f.reason:
                value += f"（理由：{f.reason}）" if zh else f" (reason: {f.reason})"
            rows.append([f.name, src, f"{f.file}:{f.line}", value])
        lines.extend(columns(rows, indent="  "))
        lines.append("")
    return "\n".join(lines).rstrip() + "\n"


# -- lfk baseline diff -----------------------------------------------------------------------------
@dataclass
class UpstreamChange:
    """One item of an adopted baseline unit that changed between two baseline revisions."""

    unit: str
    kind: str
    id: str
    change: str  # added | removed | changed
    fields: dict[str, tuple[Any, Any]] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        """The JSON form (``lfk-baseline-diff/1``)."""
        return {"baseline_unit": self.unit, "kind": self.kind, "id": self.id, "change": self.change,
                "fields": {k: {"old": a, "new": b} for k, (a, b) in self.fields.items()}}


@dataclass
class Conflict:
    """A tailoring the new baseline revision breaks."""

    unit: str
    tailoring: int
    action: str
    target: str
    problem: str  # gone | field-changed-upstream
    file: str
    line: int
    fields: list[str] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        """The JSON form (``lfk-baseline-diff/1``)."""
        return {"unit": self.unit, "tailoring": self.tailoring, "action": self.action, "target": self.target,
                "problem": self.problem, "file": self.file, "line": self.line, "fields": self.fields}


@dataclass
class BaselineDiff:
    """What changed upstream between ``old`` and ``new`` and which tailorings now conflict."""

    path: str
    old: str
    new: str
    old_commit: str
    new_commit: str
    changes: list[UpstreamChange] = field(default_factory=list)
    conflicts: list[Conflict] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        """The JSON form (``lfk-baseline-diff/1``)."""
        return {"format": "lfk-baseline-diff/1", "baseline": self.path, "from": {"rev": self.old, "commit": self.old_commit},
                "to": {"rev": self.new, "commit": self.new_commit}, "changes": [c.to_json() for c in self.changes],
                "conflicts": [c.to_json() for c in self.conflicts]}


def _pool(base: Register, bid: str) -> dict[tuple[str, str], Item[Any]]:
    if bid not in base.unit_ids:
        return {}
    bud = base.unit(bid)
    return {(k, ident): it for k in TAILOR_KINDS for ident, it in items_of(bud, k)}


def _fields(it: Item[Any]) -> dict[str, Any]:
    return it.model.model_dump(mode="json")  # type: ignore[attr-defined,no-any-return]


def baseline_diff(reg: Register, to: str | None = None) -> BaselineDiff:
    """Compare the pinned baseline revision with ``to`` (default ``HEAD`` of the baseline's repository)."""
    cfg = reg.config.baseline
    if cfg is None:
        raise UsageError("lfk.yaml has no baseline: / lfk.yaml 没有 baseline:",
                         hint="add baseline: {path: DIR, rev: TAG} to lfk.yaml")
    if not cfg.rev:
        raise UsageError("the baseline is not pinned (no rev: in lfk.yaml) / 基准未固定版本",
                         hint="pin it: baseline: {path: DIR, rev: TAG}; then lfk baseline diff --to NEWER")
    old = reg.baseline
    located = reg.baseline_location()
    assert old is not None and located is not None
    folder, spec = located
    tree = work_tree_of(folder)
    if tree is None:  # pragma: no cover - reg.baseline already required a work tree
        raise ConfigError(f"baseline {spec}: not a git work tree / 不是 git 仓库")
    source = GitSource(tree[0], to or "HEAD", tree[1])
    new = Register(folder, source, reg.cache, on_broken=reg.on_broken, _prefix=old._prefix,
                   _display_root=reg.root)
    out = BaselineDiff(spec, cfg.rev, to or "HEAD", getattr(old.source, "commit", ""), source.commit)
    adopters: dict[str, list[str]] = {}
    for uid in reg.unit_ids:
        unit = reg.unit_model(uid)
        for bid in unit.adopts if unit is not None else []:
            adopters.setdefault(bid, []).append(uid)
    pools_new: dict[str, dict[tuple[str, str], Item[Any]]] = {}
    for bid in sorted(adopters):
        a, b = _pool(old, bid), _pool(new, bid)
        pools_new[bid] = b
        for key in sorted(set(a) | set(b), key=lambda k: (TAILOR_KINDS.index(k[0]), k[1])):
            if key not in b:
                out.changes.append(UpstreamChange(bid, key[0], key[1], "removed"))
            elif key not in a:
                out.changes.append(UpstreamChange(bid, key[0], key[1], "added"))
            else:
                fa, fb = _fields(a[key]), _fields(b[key])
                moved = {k: (fa.get(k), fb.get(k)) for k in sorted(set(fa) | set(fb)) if fa.get(k) != fb.get(k)}
                if moved:
                    out.changes.append(UpstreamChange(bid, key[0], key[1], "changed", moved))
    changed = {(c.kind, c.id): c for c in out.changes}
    for uid in reg.unit_ids:
        unit = reg.unit_model(uid)
        if unit is None or not unit.tailor:
            continue
        ud = reg.unit(uid)
        new_keys = {key for bid in ud.adopted for key in pools_new.get(bid, {})}
        for rec in ud.tailorings:
            _conflicts_of(out, ud, rec, new_keys, changed)
    return out


def _conflicts_of(out: BaselineDiff, ud: UnitData, rec: TailorRecord, new_keys: set[tuple[str, str]],
                  changed: dict[tuple[str, str], UpstreamChange]) -> None:
    if rec.status not in ("applied", "invalid") or rec.kind is None or ud.unit_file is None:
        return
    line = ud.unit_file.loc(("tailor", rec.index))[0]
    key = (rec.kind, rec.target)
    if key not in new_keys:
        out.conflicts.append(Conflict(ud.id, rec.index, rec.action, rec.target, "gone", ud.unit_file.rel, line))
        return
    up = changed.get(key)
    if rec.action == "change" and up is not None:
        both = [f for f in rec.fields if f in up.fields]
        if both:
            out.conflicts.append(Conflict(ud.id, rec.index, rec.action, rec.target, "field-changed-upstream",
                                          ud.unit_file.rel, line, both))


def format_baseline_diff(d: BaselineDiff, lang: str) -> str:
    """The text of ``lfk baseline diff``."""
    zh = lang == "zh"
    lines = [f"{'基准登记册' if zh else 'baseline'} {d.path}: {d.old} ({d.old_commit[:12]}) → {d.new} ({d.new_commit[:12]})"]
    words = {"added": ("新增", "added"), "removed": ("删除", "removed"), "changed": ("修改", "changed")}
    if not d.changes:
        lines.append("  " + ("上游没有变化" if zh else "nothing changed upstream"))
    for c in d.changes:
        kind = KIND_NAMES[c.kind][0 if zh else 1]
        row = f"  {words[c.change][0 if zh else 1]:<8} {c.unit}/{c.id}  {kind}"
        if c.fields:
            row += "  " + ", ".join(f"{k}: {_short(a, 24)} → {_short(b, 24)}" for k, (a, b) in c.fields.items())
        lines.append(row)
    lines.append("")
    if not d.conflicts:
        lines.append("没有冲突的剪裁" if zh else "no tailoring conflicts")
    else:
        lines.append(f"{len(d.conflicts)} {'条剪裁与新版本冲突：' if zh else 'tailoring(s) conflict with the new revision:'}")
    for k in d.conflicts:
        if k.problem == "gone":
            why = (f"{k.target} 在新版本中已不存在", f"{k.target} no longer exists upstream")
        else:
            names = ", ".join(k.fields)
            why = (f"上游也修改了 {k.target} 的 {names}", f"upstream changed {names} of {k.target} too")
        lines.append(f"  {k.file}:{k.line}: {k.unit} {'剪裁' if zh else 'tailoring'} #{k.tailoring + 1} "
                     f"({k.action} {k.target}): {why[0 if zh else 1]}")
    return "\n".join(lines) + "\n"
