"""The longest path of a flow in days (for the footer; computed by lfk.model.flowgraph like LFK305), loops cut.

Back edges are the edges found by a depth-first search from the start that lead to a step still on
the search stack (退回, 补正 ...). Days of a step are its 法定时限, converted to ``kind`` at 5 working
days per 7 natural days when the kinds differ.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from lfk.model.flowgraph import FlowGraph, days_as
from lfk.model.items import Flow

WORK_PER_NATURAL = 5 / 7


def convert_days(days: float, from_kind: str, to_kind: str) -> float:
    """``days`` of ``from_kind`` (工作日/自然日) expressed in ``to_kind``."""
    if from_kind == to_kind:
        return float(days)
    if from_kind == "工作日":
        return float(days) / WORK_PER_NATURAL
    return float(days) * WORK_PER_NATURAL


def back_edges(flow: Flow) -> set[tuple[str, str]]:
    """(from, to) step-id pairs of edges that close a loop, by DFS from the first step."""
    steps = {s.id: s for s in flow.steps}
    if not flow.steps:
        return set()
    out: set[tuple[str, str]] = set()
    state: dict[str, int] = {}  # 1 on stack, 2 done
    visit_order = [flow.steps[0].id] + [s.id for s in flow.steps[1:]]
    for root in visit_order:  # unreachable parts too, so every loop is cut
        if root in state:
            continue
        stack: list[tuple[str, int]] = [(root, 0)]
        state[root] = 1
        while stack:
            sid, i = stack[-1]
            edges = steps[sid].edges()
            if i < len(edges):
                stack[-1] = (sid, i + 1)
                to = edges[i].to
                if to not in steps:
                    continue
                if state.get(to) == 1:
                    out.add((sid, to))
                elif to not in state:
                    state[to] = 1
                    stack.append((to, 0))
            else:
                state[sid] = 2
                stack.pop()
    return out


@dataclass
class LongestPath:
    """The longest start-to-end path: its step ids, total days (in ``kind``) and steps lacking a limit."""

    steps: list[str] = field(default_factory=list)
    days: float = 0.0
    kind: str = "工作日"
    missing: list[str] = field(default_factory=list)


def longest_path(flow: Flow, kind: str | None = None) -> LongestPath:
    """The path from the first step to an end step with the most days (loops cut), in ``kind``.

    The same computation as lint's LFK305 (``lfk.model.flowgraph``), so the footer and the finding agree.
    ``kind`` defaults to the kind most steps use. When no end step is reachable, the longest path to
    any step is given. Steps without a 法定时限 count 0 days and are listed in ``missing``.
    """
    if kind is None:
        kinds = [s.time_limit.kind for s in flow.steps if s.time_limit is not None]
        kind = max(("工作日", "自然日"), key=kinds.count) if kinds else "工作日"
    if not flow.steps:
        return LongestPath(kind=kind)
    weights = [days_as(s.time_limit.days, s.time_limit.kind, kind) if s.time_limit is not None else 0
               for s in flow.steps]
    graph = FlowGraph.from_flow(flow)
    found = graph.longest_path(weights)
    if found is None:
        pseudo = FlowGraph(graph.ids, graph.succ, [True] * len(graph.ids), graph.index)
        found = pseudo.longest_path(weights)
    if found is None:
        return LongestPath(kind=kind)
    total, idx = found
    steps = [flow.steps[i] for i in idx]
    return LongestPath([s.id for s in steps], float(total), kind, [s.id for s in steps if s.time_limit is None])
