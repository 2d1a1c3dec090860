"""The graph of a 权力运行流程图: reachability, can-reach-an-end, back edges and the longest loop-free path.

Nodes are step indexes (the first step is the start); an edge goes from a step to each step its
``next`` names. Every algorithm here is linear in steps + edges and iterative (no recursion), so a
flow of thousands of steps is checked at once and never hits Python's recursion limit.

The longest path: finding the longest *simple* path of a graph with cycles is NP-hard, so loops
(补正, 退回 — edges back to an earlier step) are cut first: a depth-first search from the start marks
every edge that returns to a step still on the search stack as a back edge; without them the
reachable part of the flow is a DAG, whose longest path (by the sum of step weights) is found by
dynamic programming over a topological order. Every path of that DAG is loop-free.
"""

from __future__ import annotations

import math
from collections import deque
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from functools import lru_cache
from typing import Any

WORK_TO_NATURAL = Fraction(7, 5)  # n 工作日 = n·7/5 自然日 (5 working days a week)


@dataclass
class FlowGraph:
    """A flow as a graph: ``ids[i]`` is step i's id, ``succ[i]`` its successors, ``ends[i]`` if it ends."""

    ids: list[str]
    succ: list[list[int]]
    ends: list[bool]
    index: dict[str, int] = field(default_factory=dict)

    @classmethod
    def build(cls, ids: Sequence[str], nexts: Sequence[Iterable[str]], ends: Sequence[bool]) -> FlowGraph:
        """A graph from step ids, the ids each step leads to, and end flags (unknown targets dropped).

        A repeated step id resolves to its first step (the repeat is LFK103's business).
        """
        index: dict[str, int] = {}
        for i, s in enumerate(ids):
            index.setdefault(s, i)
        succ: list[list[int]] = []
        for targets in nexts:
            row: list[int] = []
            seen: set[int] = set()
            for t in targets:
                j = index.get(t)
                if j is not None and j not in seen:
                    seen.add(j)
                    row.append(j)
            succ.append(row)
        return cls(list(ids), succ, [bool(e) for e in ends], index)

    @classmethod
    def from_flow(cls, flow: Any) -> FlowGraph:
        """The graph of a ``lfk.model.Flow``."""
        steps = flow.steps
        return cls.build([s.id for s in steps], [[e.to for e in s.edges()] for s in steps], [s.end for s in steps])

    def __len__(self) -> int:
        return len(self.ids)

    def reachable(self) -> list[bool]:
        """Which steps the start (step 0) reaches (breadth-first)."""
        n = len(self.ids)
        seen = [False] * n
        if not n:
            return seen
        seen[0] = True
        queue = deque([0])
        while queue:
            u = queue.popleft()
            for v in self.succ[u]:
                if not seen[v]:
                    seen[v] = True
                    queue.append(v)
        return seen

    def can_reach_end(self) -> list[bool]:
        """Which steps can reach an end step (loops allowed): a search backwards from every end step."""
        n = len(self.ids)
        pred: list[list[int]] = [[] for _ in range(n)]
        for u, row in enumerate(self.succ):
            for v in row:
                pred[v].append(u)
        ok = list(self.ends)
        queue = deque(i for i in range(n) if ok[i])
        while queue:
            v = queue.popleft()
            for u in pred[v]:
                if not ok[u]:
                    ok[u] = True
                    queue.append(u)
        return ok

    def _dfs(self) -> tuple[set[tuple[int, int]], list[int]]:
        """Back edges found by an iterative depth-first search from the start, and the post-order."""
        n = len(self.ids)
        back: set[tuple[int, int]] = set()
        post: list[int] = []
        if not n:
            return back, post
        state = [0] * n  # 0 new, 1 on the stack, 2 done
        stack: list[tuple[int, int]] = [(0, 0)]
        state[0] = 1
        while stack:
            u, k = stack[-1]
            row = self.succ[u]
            if k < len(row):
                stack[-1] = (u, k + 1)
                v = row[k]
                if state[v] == 1:
                    back.add((u, v))
                elif state[v] == 0:
                    state[v] = 1
                    stack.append((v, 0))
            else:
                stack.pop()
                state[u] = 2
                post.append(u)
        return back, post

    def back_edges(self) -> set[tuple[int, int]]:
        """Edges (u, v) that return to a step on the search stack: the flow's loops (补正, 退回)."""
        return self._dfs()[0]

    def longest_path(self, weight: Sequence[Fraction | int]) -> tuple[Fraction, list[int]] | None:
        """The heaviest loop-free path from the start to an end step: (sum of ``weight``, step indexes).

        Back edges are dropped first (see the module docstring), so this runs in linear time.
        None when no end step is reachable that way.
        """
        back, post = self._dfs()
        if not post:
            return None
        best: dict[int, Fraction] = {0: Fraction(weight[0])}
        prev: dict[int, int] = {}
        for u in reversed(post):  # reverse post-order is a topological order of the DAG
            if u not in best:
                continue
            for v in self.succ[u]:
                if (u, v) in back:
                    continue
                cand = best[u] + Fraction(weight[v])
                if v not in best or cand > best[v]:
                    best[v] = cand
                    prev[v] = u
        finals = [v for v in best if self.ends[v]]
        if not finals:
            return None
        end = max(finals, key=lambda v: (best[v], -v))
        path = [end]
        while path[-1] in prev:
            path.append(prev[path[-1]])
        path.reverse()
        return best[end], path


HUGE_DAYS = Fraction(10**9)  # stands for an infinite or absurd number of days


def exact(days: float | int) -> Fraction:
    """``days`` as an exact fraction (``2.5`` is 5/2, not the float's binary value); ``inf`` is ``HUGE_DAYS``."""
    if isinstance(days, float) and not math.isfinite(days):
        return HUGE_DAYS
    d = Fraction(str(days))
    return min(d, HUGE_DAYS)


@lru_cache(maxsize=4096, typed=True)  # pure, and a register repeats a few limits (Fractions are immutable)
def days_as(days: float | int, kind: str, target: str) -> Fraction:
    """``days`` of ``kind`` (工作日 | 自然日) expressed in ``target`` days: 工作日 × 7/5 = 自然日."""
    d = exact(days)
    if kind == target:
        return d
    if kind == "工作日" and target == "自然日":
        return d * WORK_TO_NATURAL
    return d / WORK_TO_NATURAL


def fmt_days(value: Fraction) -> str:
    """A day count for messages: whole numbers as such, else one decimal."""
    if value.denominator == 1:
        return str(value.numerator)
    return f"{float(value):.1f}"
