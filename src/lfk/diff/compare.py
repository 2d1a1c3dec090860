"""Semantic comparison of plain data (model dumps): field-by-field changes and rename similarity.

Lists are never compared by position: a list of mappings that all carry an identifying key
(``id``, ``violation``, ``level``, ``to``) is matched by that key; any other list is compared as a
multiset (reordering is no change), reporting the items added and removed.
"""

from __future__ import annotations

import difflib
import json
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

ITEM_KEYS = ("id", "violation", "level", "to")
TEXT_FIELDS = frozenset({"title", "name", "description", "content", "violation", "meeting", "circumstances"})
_MISSING = object()


@dataclass(slots=True)
class FieldChange:
    """One field that differs: ``field`` is a path like ``steps[S2].time_limit.days``.

    For unordered lists ``added``/``removed`` list the items that came and went (else None).
    """

    field: str
    old: Any
    new: Any
    added: list[Any] | None = None
    removed: list[Any] | None = None

    def to_json(self) -> dict[str, Any]:
        """The JSON record (keys: field, old, new, added, removed)."""
        return {"field": self.field, "old": self.old, "new": self.new, "added": self.added, "removed": self.removed}


@dataclass(slots=True)
class _Acc:
    out: list[FieldChange] = field(default_factory=list)


def canon(value: Any) -> str:
    """A canonical text of plain data (key order and list order of mappings do not matter)."""
    return json.dumps(value, ensure_ascii=False, sort_keys=True, default=str, separators=(",", ":"))


def plain(value: Any) -> dict[str, Any]:
    """A mapping as plain JSON data (dates as text, as a model dump gives them); {} for anything else."""
    return json.loads(canon(value)) if isinstance(value, dict) else {}


def _item_key(a: list[Any], b: list[Any]) -> str | None:
    items = a + b
    if not items or not all(isinstance(x, dict) for x in items):
        return None
    for k in ITEM_KEYS:
        if all(x.get(k) is not None and not isinstance(x.get(k), (dict, list)) for x in items):
            if len({str(x[k]) for x in a}) == len(a) and len({str(x[k]) for x in b}) == len(b):
                return k
    return None


def _join(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key


def diff_values(old: Any, new: Any, path: str = "") -> list[FieldChange]:
    """Every semantic difference between two plain values, as field changes."""
    acc = _Acc()
    _diff(old, new, path, acc)
    return acc.out


def _diff(a: Any, b: Any, path: str, acc: _Acc) -> None:
    if a is b or (type(a) is type(b) and a == b):
        return  # fast path: equal values (mapping key order aside)
    if isinstance(a, dict) and isinstance(b, dict):
        keys = list(a) + [k for k in b if k not in a]
        for k in keys:
            va, vb = a.get(k, _MISSING), b.get(k, _MISSING)
            if va is _MISSING:
                if vb not in (None, [], {}):
                    acc.out.append(FieldChange(_join(path, k), None, vb))
            elif vb is _MISSING:
                if va not in (None, [], {}):
                    acc.out.append(FieldChange(_join(path, k), va, None))
            else:
                _diff(va, vb, _join(path, k), acc)
        return
    if isinstance(a, list) and isinstance(b, list):
        key = _item_key(a, b)
        if key is not None:
            ma = {str(x[key]): x for x in a}
            mb = {str(x[key]): x for x in b}
            for ident in list(ma) + [i for i in mb if i not in ma]:
                sub = f"{path}[{ident}]"
                if ident not in mb:
                    acc.out.append(FieldChange(sub, ma[ident], None))
                elif ident not in ma:
                    acc.out.append(FieldChange(sub, None, mb[ident]))
                else:
                    _diff({k: v for k, v in ma[ident].items() if k != key},
                          {k: v for k, v in mb[ident].items() if k != key}, sub, acc)
            return
        ca = Counter(canon(x) for x in a)
        cb = Counter(canon(x) for x in b)
        if ca == cb:
            return
        removed_keys = ca - cb
        added_keys = cb - ca
        removed = [x for x in _pick(a, removed_keys)]
        added = [x for x in _pick(b, added_keys)]
        acc.out.append(FieldChange(path, a, b, added=added, removed=removed))
        return
    if _same_scalar(a, b):
        return
    acc.out.append(FieldChange(path, a, b))


def _pick(items: list[Any], wanted: Counter[str]) -> list[Any]:
    left = Counter(wanted)
    out = []
    for x in items:
        c = canon(x)
        if left[c] > 0:
            left[c] -= 1
            out.append(x)
    return out


def _same_scalar(a: Any, b: Any) -> bool:
    if isinstance(a, bool) or isinstance(b, bool):
        return a is b
    if isinstance(a, (int, float)) and isinstance(b, (int, float)):
        return float(a) == float(b)
    return bool(a == b)


# -- rename similarity -----------------------------------------------------------------------------
def _leaves(value: Any, path: str, out: dict[str, Any]) -> None:
    if isinstance(value, dict):
        for k, v in value.items():
            _leaves(v, _join(path, str(k)), out)
    elif isinstance(value, list):
        if value:
            out[path] = tuple(sorted(canon(x) for x in value))
    elif value is not None and value != "":
        out[path] = value


def leaves(value: Any, *, drop: tuple[str, ...] = ("id",)) -> dict[str, Any]:
    """The non-empty leaves of ``value`` by path, without the top-level keys ``drop``."""
    out: dict[str, Any] = {}
    if isinstance(value, dict):
        value = {k: v for k, v in value.items() if k not in drop}
    _leaves(value, "", out)
    return out


def similarity(a: dict[str, Any], b: dict[str, Any]) -> float:
    """How alike two leaf maps are, 0..1 (1: equal). Text fields weigh 3 and count partial matches."""
    if not a and not b:
        return 1.0
    total = 0.0
    score = 0.0
    for k in set(a) | set(b):
        w = 3.0 if k.rsplit(".", 1)[-1] in TEXT_FIELDS else 1.0
        total += w
        va, vb = a.get(k, _MISSING), b.get(k, _MISSING)
        if va is _MISSING or vb is _MISSING:
            continue
        if va == vb or (not isinstance(va, bool) and isinstance(va, (int, float)) and isinstance(vb, (int, float))
                        and float(va) == float(vb)):
            score += w
        elif isinstance(va, str) and isinstance(vb, str) and w > 1:
            sm = difflib.SequenceMatcher(None, va, vb, autojunk=False)
            if sm.real_quick_ratio() >= 0.6 and sm.quick_ratio() >= 0.6:
                ratio = sm.ratio()
                if ratio >= 0.6:
                    score += w * ratio
    return score / total if total else 1.0


def match_renames(removed: dict[str, Any], added: dict[str, Any], *, threshold: float = 0.85,
                  max_pairs: int = 2500) -> list[tuple[str, str, float]]:
    """Likely renames: (old id, new id, similarity) for removed/added items whose content (all but
    the id) equals or nearly equals. Equal content pairs first (by hash, any size); then near matches,
    greedy, best first, while no more than ``max_pairs`` comparisons are left to make."""
    if not removed or not added:
        return []
    la = {i: leaves(v) for i, v in removed.items()}
    lb = {i: leaves(v) for i, v in added.items()}
    out: list[tuple[str, str, float]] = []
    by_canon: dict[str, list[str]] = {}
    for j in sorted(lb):
        by_canon.setdefault(canon(lb[j]), []).append(j)
    for i in sorted(la):
        same = by_canon.get(canon(la[i]))
        if same:
            out.append((i, same.pop(0), 1.0))
    done_a = {i for i, _, _ in out}
    done_b = {j for _, j, _ in out}
    rest_a = [i for i in sorted(la) if i not in done_a]
    rest_b = [j for j in sorted(lb) if j not in done_b]
    if not rest_a or not rest_b or len(rest_a) * len(rest_b) > max_pairs:
        return out
    pairs: list[tuple[float, str, str]] = []
    for i in rest_a:
        for j in rest_b:
            s = similarity(la[i], lb[j])
            if s >= threshold:
                pairs.append((s, i, j))
    pairs.sort(key=lambda p: (-p[0], p[1], p[2]))
    for s, i, j in pairs:
        if i in done_a or j in done_b:
            continue
        done_a.add(i)
        done_b.add(j)
        out.append((i, j, round(s, 3)))
    return out
