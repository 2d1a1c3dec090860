"""Deviations explained: each deviating case aligned with its flow, and throughput times against the limits.

``Explainer.add(key, tbl, evs, closed)`` is called by both engines for every case once its events are
sorted (``Monitor._close``), so the Python and SQL engines give the same explanation.

Alignment. A case's steps are aligned with the power's flow graph by a shortest edit (Dijkstra over
(position in the case, step of the flow); a step done as the flow allows costs 0, a step of the case
the flow does not allow there costs 1, a step of the flow the case left out costs 1; a closed case must
end at an end step). The moves are then named: a step left out and also done elsewhere is **out of
order** (顺序错误), a step done where the flow does not allow it and done (allowed) elsewhere too is
**repeated** (重复办理), other steps done where not allowed are **extra** (多余环节), other steps left out
are **skipped** (跳过). Loops the flow allows (补正, 退回) are not deviations. Only cases whose steps do
not follow the flow are aligned, and only up to ``MAX_ALIGN`` events (a longer case keeps its MON findings
but gets no alignment).

Throughput time: elapsed time in the limit's kind of days — working days count only working days
(``calendar``), by the hour; natural days are elapsed days — per step (start to finish of each event)
and per case (first start to last finish, closed cases only). Per power: the median and P90 (nearest
rank) of each, the limit, how many went over it, the share of cases with each kind of deviation and the
median throughput of the closed cases with and without it.
"""

from __future__ import annotations

import bisect
import heapq
import math
from array import array
from collections.abc import Sequence
from typing import Any

from lfk.core.i18n import T, Text
from lfk.model.vocab import DAY_KINDS
from lfk.monitor.tables import PowerTable

KINDS = ("skipped", "extra", "out_of_order", "repeated")
KIND_TEXT: dict[str, tuple[str, str]] = {
    "skipped": ("跳过", "skipped"), "extra": ("多余环节", "extra"), "out_of_order": ("顺序错误", "out of order"),
    "repeated": ("重复办理", "repeated"), "match": ("符合", "as the flow"),
}
_BIT = {k: 1 << i for i, k in enumerate(KINDS)}
MAX_ALIGN = 1000  # a case with more events is not aligned (the search grows with events × steps)
_DAY = 86400.0


def align(tbl: PowerTable, seq: Sequence[int], must_end: bool) -> list[tuple[str, int]]:
    """The moves of a shortest alignment of the step indexes ``seq`` with ``tbl``'s flow: ``(op, step)``
    with op ``match`` (done as the flow allows), ``log`` (done where the flow does not allow it) or
    ``model`` (a step of the flow left out)."""
    succ, ends = tbl.succ, tbl.ends
    n = len(seq)
    start: tuple[int, int] = (0, -1)
    dist: dict[tuple[int, int], int] = {start: 0}
    back: dict[tuple[int, int], tuple[tuple[int, int], str, int]] = {}
    heap: list[tuple[int, int, int, int]] = [(0, 0, 0, -1)]
    tick = 0
    goal: tuple[int, int] | None = None
    while heap:
        cost, _t, i, a = heapq.heappop(heap)
        if dist.get((i, a), math.inf) < cost:
            continue
        if i == n and a >= 0 and (not must_end or ends[a]):
            goal = (i, a)
            break
        nxt = succ[a] if a >= 0 else frozenset((0,))
        moves: list[tuple[int, int, int, str, int]] = []
        if i < n:
            b = seq[i]
            if b in nxt:
                moves.append((0, i + 1, b, "match", b))
            moves.append((1, i + 1, a, "log", b))
        for b in sorted(nxt):
            moves.append((1, i, b, "model", b))
        for c, j, b, op, step in moves:
            nc = cost + c
            if nc < dist.get((j, b), math.inf):
                dist[(j, b)] = nc
                back[(j, b)] = ((i, a), op, step)
                tick += 1
                heapq.heappush(heap, (nc, tick, j, b))
    if goal is None:  # no end step reachable: every step is its own move
        return [("log", s) for s in seq]
    out: list[tuple[str, int]] = []
    state = goal
    while state != start:
        prev, op, step = back[state]
        out.append((op, step))
        state = prev
    out.reverse()
    return out


def name_moves(moves: list[tuple[str, int]]) -> list[tuple[str, int]]:
    """The alignment's moves named: match, skipped, extra, out_of_order, repeated (see the module doc).
    A step left out that the case did elsewhere is shown once, where the case did it (out_of_order)."""
    model = [s for op, s in moves if op == "model"]
    matched = {s for op, s in moves if op == "match"}
    moved: list[int] = []
    named: list[tuple[str, int]] = []
    for op, s in moves:
        if op == "log":
            if s in model:
                model.remove(s)
                moved.append(s)
                named.append(("out_of_order", s))
            elif s in matched:
                named.append(("repeated", s))
            else:
                named.append(("extra", s))
        else:
            named.append((op, s))
    out: list[tuple[str, int]] = []
    for op, s in named:
        if op == "model":
            if s in moved:
                moved.remove(s)
                continue
            op = "skipped"
        out.append((op, s))
    return out


def alignment_text(tbl: PowerTable, moves: list[tuple[str, int]]) -> Text:
    """``跳过：立案；重复办理：调查取证`` / ``skipped: 立案; repeated: 调查取证``."""
    zh: list[str] = []
    en: list[str] = []
    for kind in KINDS:
        steps = list(dict.fromkeys(tbl.names[s] for op, s in moves if op == kind))
        if steps:
            z, e = KIND_TEXT[kind]
            zh.append(f"{z}：{'、'.join(steps)}")
            en.append(f"{e}: {', '.join(steps)}")
    return T("；".join(zh), "; ".join(en))


class SortedDays(Sequence[float]):
    """A sorted list of days reduced to what ``summary`` reads of it: its length, the items at the places the
    median, P90 and maximum take (``picks``: place -> value) and how many lie above the step's limit (``over``).

    The DuckDB engine sorts each step's days in SQL and fetches only these (``lfk.monitor.sql.scan``)."""

    __slots__ = ("n", "over", "picks")

    def __init__(self, n: int, picks: dict[int, float], over: int) -> None:
        self.n, self.picks, self.over = n, picks, over

    def __len__(self) -> int:
        return self.n

    def __getitem__(self, i: Any) -> Any:
        return self.picks[i + self.n if i < 0 else i]

    @staticmethod
    def places(n: int) -> tuple[int, ...]:
        """The places ``_median_of_sorted``, ``_p90`` and the maximum read in a sorted list of ``n`` items."""
        return tuple(sorted({n // 2, max(n // 2 - 1, 0), max(0, math.ceil(0.9 * n) - 1), n - 1})) if n else ()


class PowerStats:
    """What one power's cases added up to."""

    __slots__ = ("any", "closed", "dur", "kinds", "masks", "n", "natural", "steps", "tbl")

    def __init__(self, tbl: PowerTable) -> None:
        self.tbl = tbl
        self.n = 0
        self.closed = 0
        self.kinds = dict.fromkeys(KINDS, 0)
        self.any = 0                # cases with any deviation
        self.dur = array("d")       # throughput of each closed case
        self.masks = bytearray()    # its deviation kinds (bits of _BIT)
        self.steps = [array("d") for _ in tbl.ids]
        self.natural = [lim is None or lim[1] for lim in tbl.limits]  # per step: natural days (no working-day limit)


class Explainer:
    """Collects the alignments of deviating cases and the throughput times of every case (module doc)."""

    def __init__(self, prefix: tuple[list[int], bytearray, int], enabled: bool = True) -> None:
        self.cum, self.flags, self.lo = prefix
        self.enabled = enabled
        self.powers: dict[str, PowerStats] = {}
        self.alignments: dict[tuple[str, str], list[tuple[str, int]]] = {}

    def _elapsed(self, a: Any, b: Any, natural: bool) -> float:
        """Days from instant ``a`` to ``b``: elapsed, or working days only (by the hour)."""
        if natural:
            return max((b - a).total_seconds() / _DAY, 0.0)
        cum, flags, lo = self.cum, self.flags, self.lo
        ia, ib = a.toordinal() - lo, b.toordinal() - lo
        ma = cum[ia] + ((a.hour * 3600 + a.minute * 60 + a.second) / _DAY if flags[ia] else 0.0)
        mb = cum[ib] + ((b.hour * 3600 + b.minute * 60 + b.second) / _DAY if flags[ib] else 0.0)
        return max(mb - ma, 0.0)

    def add(self, key: tuple[str, str], tbl: PowerTable, evs: list[tuple[Any, ...]], closed: bool) -> None:
        """One case (``key`` = (case id, unit)), its events sorted by time; ``closed``: it has ended."""
        if not self.enabled:
            return
        ps = self.powers.get(tbl.key)
        if ps is None:
            ps = self.powers[tbl.key] = PowerStats(tbl)
        ps.n += 1
        succ, steps, nat = tbl.succ, ps.steps, ps.natural
        cum, flags, lo = self.cum, self.flags, self.lo
        prev = -1
        follows = True
        for ev in evs:
            st, ft, si = ev[0], ev[1], ev[2]
            if nat[si]:
                d = (ft - st).total_seconds() / _DAY
            else:
                ia, ib = st.toordinal() - lo, ft.toordinal() - lo
                d = cum[ib] - cum[ia]
                if flags[ib]:
                    d += (ft.hour * 3600 + ft.minute * 60 + ft.second) / _DAY
                if flags[ia]:
                    d -= (st.hour * 3600 + st.minute * 60 + st.second) / _DAY
            steps[si].append(d if d > 0.0 else 0.0)
            if follows and (si not in succ[prev] if prev >= 0 else si != 0):
                follows = False
            prev = si
        if closed and not tbl.ends[prev]:
            follows = False
        mask = 0
        if not follows and len(evs) <= MAX_ALIGN:
            mask = self.deviation(ps, key, tbl, [ev[2] for ev in evs], closed)
        if closed:
            ps.closed += 1
            cl = tbl.case_limit
            ps.dur.append(self._elapsed(evs[0][0], evs[-1][1], cl is None or cl[1]))
            ps.masks.append(mask)

    def deviation(self, ps: PowerStats, key: tuple[str, str], tbl: PowerTable, seq: list[int], closed: bool) -> int:
        """Align a case that left its flow (steps ``seq``), record its alignment and count its deviation kinds
        on ``ps``; the kinds as bits (0: the alignment found none)."""
        moves = name_moves(align(tbl, seq, closed))
        mask = 0
        for op, _s in moves:
            if op in _BIT:
                mask |= _BIT[op]
        if mask:
            self.alignments[key] = moves
            ps.any += 1
            for k in KINDS:
                if mask & _BIT[k]:
                    ps.kinds[k] += 1
        return mask

    def alignment(self, tbl: PowerTable | None, key: tuple[str, str]) -> dict[str, Any] | None:
        """The case's alignment for the JSON: ``{"moves": [{"op", "step", "name"}], "skipped": [...], ...,
        "text": {"zh", "en"}}`` (step ids in the kind lists), or None when the case follows its flow."""
        moves = self.alignments.get(key)
        if moves is None or tbl is None:
            return None
        out: dict[str, Any] = {"moves": [{"op": op, "step": tbl.ids[s], "name": tbl.names[s]} for op, s in moves]}
        for k in KINDS:
            out[k] = list(dict.fromkeys(tbl.ids[s] for op, s in moves if op == k))
        t = alignment_text(tbl, moves)
        out["text"] = {"zh": t.zh, "en": t.en}
        return out

    def summary(self) -> list[dict[str, Any]]:
        """Per power (sorted by unit/power): deviation shares with median throughput with/without, and the
        throughput of cases and steps against their limits (median, P90, over the limit).

        Each list of days is sorted once (the case durations by duration, with the places of the few
        deviating cases in that order): the median of the cases without a kind skips those places, so no
        list of the other cases is built or sorted."""
        out = []
        for key in sorted(self.powers):
            ps = self.powers[key]
            tbl = ps.tbl
            order = sorted(range(len(ps.dur)), key=ps.dur.__getitem__)
            dur = [ps.dur[i] for i in order]
            flagged = [(j, ps.masks[i]) for j, i in enumerate(order) if ps.masks[i]]
            devs: dict[str, Any] = {}
            for k in (*KINDS, "any"):
                bits = _BIT[k] if k in _BIT else sum(_BIT.values())
                places = [j for j, m in flagged if m & bits]
                n = ps.kinds[k] if k in ps.kinds else ps.any
                devs[k] = {"cases": n, "share": round(n / ps.n, 4) if ps.n else None,
                           "median_with": _median_of_sorted([dur[j] for j in places]),
                           "median_without": _median_skipping(dur, places)}
            out.append({
                "unit": tbl.unit, "authority": tbl.authority.id, "name": tbl.authority.name, "cases": ps.n,
                "closed": ps.closed, "deviations": devs,
                "throughput": _stats(dur, tbl.case_limit, presorted=True),
                "steps": [{"step": tbl.ids[i], "name": tbl.names[i], **_stats(ps.steps[i], tbl.limits[i])}
                          for i in range(len(tbl.ids))],
            })
        return out


def _median_skipping(s: list[float], places: list[int]) -> float | None:
    """The median of sorted ``s`` without the items at ``places`` (ascending), as ``_median_of_sorted`` of the rest."""
    n = len(s) - len(places)
    if n <= 0:
        return None

    def kth(k: int) -> float:
        for p in places:  # the k-th kept item moves past every left-out place at or before it
            if p <= k:
                k += 1
            else:
                break
        return s[k]

    m = n // 2
    return round(kth(m) if n % 2 else (kth(m - 1) + kth(m)) / 2, 2)


def _median_of_sorted(s: list[float]) -> float | None:
    if not s:
        return None
    m = len(s) // 2
    return round(s[m] if len(s) % 2 else (s[m - 1] + s[m]) / 2, 2)


def _p90(s: list[float]) -> float | None:
    if not s:
        return None
    return round(s[max(0, math.ceil(0.9 * len(s)) - 1)], 2)


def _stats(xs: Sequence[float], limit: tuple[float, bool] | None, *, presorted: bool = False) -> dict[str, Any]:
    """``{"n", "median", "p90", "max", "limit", "kind", "over_limit"}`` of the days ``xs`` against ``limit``."""
    s = xs if presorted or isinstance(xs, SortedDays) else sorted(xs)  # type: ignore[assignment]
    if limit is None:
        over = 0
    elif isinstance(s, SortedDays):
        over = s.over
    else:
        over = len(s) - bisect.bisect_right(s, limit[0])
    natural = limit is None or limit[1]
    return {"n": len(s), "median": _median_of_sorted(s), "p90": _p90(s), "max": round(s[-1], 2) if s else None,
            "limit": limit[0] if limit else None, "kind": DAY_KINDS[1] if natural else DAY_KINDS[0],
            "over_limit": over}
