"""``lfk log ID``: one item's history field by field, commit by commit, across renames.

Every commit touching the register folder is visited oldest first, each read as a ``lazy``
``lfk.register.Register`` over its ``GitSource`` (the loading pipeline every command uses): only
files whose blob is new to the walk are read (in one pipelined round trip) and parsed
(``Register.file_items``), so a long history costs what changed. An item is a power (authorities), flow, risk, measure or
benchmark, matched by unit, kind and id, and compared as written (an invalid item too); when it
disappears, the same kind and id appearing in another unit is a move, and an item of the same kind
in the same unit with (nearly) the same content under a new id is a rename (``match_renames``, as
``lfk diff`` does); after a rename the new id is followed.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from lfk.core.errors import UsageError
from lfk.core.git import GitRepo, GitSource, run_git
from lfk.diff.compare import FieldChange, diff_values, match_renames, plain
from lfk.history import Revision
from lfk.model import file_kind
from lfk.register import FileItems, Item, Register

KINDS = ("authorities", "flows", "risks", "measures", "benchmarks")
FILE_KINDS = {"authorities": "authorities", "risks": "risks", "measures": "measures", "flow": "flows",
              "benchmark": "benchmarks"}  # file kind (lfk.model.file_kind) → the item kind log follows
BATCH = 500  # files read ahead at once
Key = tuple[str, str, str]  # (unit, kind, id); unit "" for the register's standard flows


@dataclass(slots=True)
class Rec:
    """One item at one commit: its plain data and where it is written (``at``: its line, or its place in
    its file when the line is yet to be looked up)."""

    unit: str
    kind: str
    id: str
    data: dict[str, Any]
    rel: str
    at: int | Item[Any] = 1

    @property
    def line(self) -> int:
        """The item's line (looked up on first use when the parse left positions for later)."""
        return self.at if isinstance(self.at, int) else self.at.loc()[0]


@dataclass(slots=True)
class Event:
    """What happened to the item in one commit: added, changed, moved, renamed or removed."""

    revision: Revision
    action: str
    unit: str
    kind: str
    id: str
    rel: str | None
    line: int | None
    changes: list[FieldChange] = field(default_factory=list)
    before: str | None = None  # the old unit (moved) or old id (renamed)

    def to_json(self) -> dict[str, Any]:
        """The JSON record (see docs/output.md, ``lfk log``)."""
        return {**self.revision.to_json(), "action": self.action, "unit": self.unit, "kind": self.kind,
                "id": self.id, "file": self.rel, "line": self.line, "before": self.before,
                "changes": [c.to_json() for c in self.changes]}


@dataclass(slots=True)
class History:
    """The events of one item, oldest first."""

    ident: str
    unit: str | None
    events: list[Event]

    def to_json(self) -> dict[str, Any]:
        """``{"format": "lfk-log/1", "id", "unit", "events": [...]}``."""
        return {"format": "lfk-log/1", "id": self.ident, "unit": self.unit, "events": [e.to_json() for e in self.events]}


def _records(rel: str, kind: str, fi: FileItems | None) -> list[Rec]:
    """The items one file holds, as written (none when it does not parse into a mapping)."""
    if fi is None or not isinstance(fi.file.data, dict):
        return []
    parts = rel.split("/")
    unit = parts[1] if parts[0] == "units" else ""
    if kind in ("flows", "benchmarks"):
        return [Rec(unit, kind, parts[-1][:-5], plain(fi.file.data), rel)]
    later = fi.file.for_lines_later()  # a long history keeps many records: lines to look up, not the files' data
    return [Rec(unit, kind, str(item["id"]), plain(item), rel,
                Item(None, later, (kind, i)) if later is not None else fi.file.loc((kind, i))[0])
            for i, item in enumerate(fi.raw) if isinstance(item, dict) and item.get("id") is not None]


def commits(repo: GitRepo, rev: str) -> Iterator[Revision]:
    """Commits of ``rev`` touching the register folder, oldest first."""
    head = repo.commit(rev)
    proc = run_git(repo.top, "log", "--reverse", "--format=%H%x1f%cI%x1f%an%x1f%s%x1e", head, "--", repo.prefix or ".")
    for chunk in proc.stdout.decode("utf-8", "replace").split("\x1e"):
        chunk = chunk.strip("\n")
        if chunk:
            sha, date, author, subject = (chunk.split("\x1f") + ["", "", ""])[:4]
            yield Revision(sha, sha[:10], date, author, subject)


def item_history(root: Path, ident: str, *, unit: str | None = None, kind: str | None = None,
                 rev: str = "HEAD") -> History:
    """The history of item ``ident`` (optionally of one unit or kind) up to ``rev``."""
    if kind is not None and kind not in KINDS:
        raise UsageError(f"--kind {kind!r}: use {'|'.join(KINDS)} / 类别无效")
    repo = GitRepo(root)
    parsed: dict[tuple[str, str], list[Rec]] = {}  # (path, blob id) -> records
    names = {ident}
    prev: dict[Key, Rec] = {}
    prev_all: dict[tuple[str, str], set[str]] = {}
    events: list[Event] = []
    for revision in commits(repo, rev):
        source = GitSource(repo.top, revision.commit, repo.prefix, repo=repo)
        tree = source.blob_ids
        reg = Register(root, source, lazy=True)
        missing = [(rel, oid, FILE_KINDS[k]) for rel, oid in tree.items()
                   if (rel, oid) not in parsed and (k := file_kind(rel)) in FILE_KINDS]
        for start in range(0, len(missing), BATCH):  # read ahead in batches: a few files' bytes in memory
            batch = missing[start:start + BATCH]
            reg.prefetch(rel for rel, _, _ in batch)
            for rel, oid, item_kind in batch:
                parsed[(rel, oid)] = _records(rel, item_kind, reg.file_items(rel))
        every = [r for rel, oid in tree.items() for r in parsed.get((rel, oid), ())]
        by_unit_kind: dict[tuple[str, str], dict[str, Rec]] = {}
        for r in every:
            by_unit_kind.setdefault((r.unit, r.kind), {})[r.id] = r
        now = {(r.unit, r.kind, r.id): r for r in every if r.id in names and _wanted(r, unit, kind)}
        for key, old in prev.items():
            if key in now:
                new = now[key]
                changes = diff_values(old.data, new.data)
                if changes or new.rel != old.rel:
                    events.append(Event(revision, "changed" if changes else "moved", new.unit, new.kind, new.id,
                                        new.rel, new.line, changes, old.rel if not changes else None))
                continue
            moved = [k for k in now if k[1:] == key[1:] and k not in prev]
            if len(moved) == 1:
                new = now[moved[0]]
                events.append(Event(revision, "moved", new.unit, new.kind, new.id, new.rel, new.line,
                                    diff_values(old.data, new.data), old.unit))
                continue
            peers = by_unit_kind.get((old.unit, old.kind), {})
            fresh = {i: r.data for i, r in peers.items() if i not in prev_all.get((old.unit, old.kind), set())}
            pairs = match_renames({old.id: old.data}, fresh)
            if pairs:
                new = peers[pairs[0][1]]
                names.add(new.id)
                now[(new.unit, new.kind, new.id)] = new
                events.append(Event(revision, "renamed", new.unit, new.kind, new.id, new.rel, new.line,
                                    diff_values({**old.data, "id": new.id}, new.data), old.id))
                continue
            events.append(Event(revision, "removed", old.unit, old.kind, old.id, None, None))
        seen = {(e.unit, e.kind, e.id) for e in events if e.revision is revision}
        for key, new in now.items():
            if key not in prev and key not in seen:
                events.append(Event(revision, "added", new.unit, new.kind, new.id, new.rel, new.line))
        prev = now
        prev_all = {k: set(v) for k, v in by_unit_kind.items()}
    return History(ident, unit, events)


def _wanted(r: Rec, unit: str | None, kind: str | None) -> bool:
    return (unit is None or r.unit == unit) and (kind is None or r.kind == kind)


ACTIONS = {"added": ("新增", "added"), "changed": ("修改", "changed"), "moved": ("移动", "moved"),
           "renamed": ("改编号", "renamed"), "removed": ("删除", "removed")}


def _value(v: Any) -> str:
    if v is None:
        return "—"
    text = v if isinstance(v, str) else json.dumps(v, ensure_ascii=False)
    return text if len(text) <= 60 else text[:59] + "…"


def format_text(history: History, lang: str) -> str:
    """The history as plain text, one block per event."""
    zh = lang == "zh"
    if not history.events:
        return (f"{history.ident}：历史中没有该条目" if zh else f"{history.ident}: no such item in the history") + "\n"
    lines: list[str] = []
    for e in history.events:
        r = e.revision
        where = f"{e.rel}:{e.line}" if e.rel else ""
        action = ACTIONS[e.action][0 if zh else 1]
        if e.action == "renamed":
            action += f" {e.before} → {e.id}"
        elif e.action == "moved" and e.before:
            action += f" {e.before} → {e.unit or e.rel}"
        lines.append(f"{r.short}  {r.date[:10]}  {r.author}  {r.subject}")
        lines.append(f"  {e.unit or '-'}/{e.kind}/{e.id}  {action}  {where}".rstrip())
        for c in e.changes:
            if c.added is not None or c.removed is not None:
                lines.append(f"    {c.field}: +{_value(c.added)} -{_value(c.removed)}")
            else:
                lines.append(f"    {c.field}: {_value(c.old)} → {_value(c.new)}")
    return "\n".join(lines) + "\n"
