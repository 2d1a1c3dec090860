"""The flow-graph algorithms behind LFK302, LFK303 and LFK305 (lfk.model.flowgraph)."""

from __future__ import annotations

import shutil
import time
from fractions import Fraction
from pathlib import Path

from lfk.lint import LintOptions, run
from lfk.model.flowgraph import FlowGraph, days_as, fmt_days
from tests.conftest import AS_OF, BASE


def graph(spec: dict[str, list[str]], ends: set[str]) -> FlowGraph:
    ids = list(spec)
    return FlowGraph.build(ids, [spec[i] for i in ids], [i in ends for i in ids])


def license_graph() -> FlowGraph:
    """受理 → 审查 → (决定 | back to 受理 for 补正 | 不予许可); 决定 → 送达."""
    return graph({"S1": ["S2"], "S2": ["S3", "S1", "S5"], "S3": ["S4"], "S4": [], "S5": []}, {"S4", "S5"})


def test_loops_and_branches() -> None:
    g = license_graph()
    assert g.reachable() == [True] * 5
    assert g.can_reach_end() == [True] * 5
    assert g.back_edges() == {(1, 0)}
    total, path = g.longest_path([1, 10, 3, 0, 0])  # type: ignore[misc]
    assert total == 14
    assert [g.ids[i] for i in path] == ["S1", "S2", "S3", "S4"]


def test_longest_path_takes_the_heavier_branch() -> None:
    g = graph({"A": ["B", "C"], "B": ["D"], "C": ["D"], "D": []}, {"D"})
    total, path = g.longest_path([1, 2, 7, 1])  # type: ignore[misc]
    assert total == 9 and [g.ids[i] for i in path] == ["A", "C", "D"]
    total, path = g.longest_path([1, 8, 7, 1])  # type: ignore[misc]
    assert total == 10 and [g.ids[i] for i in path] == ["A", "B", "D"]


def test_longest_path_to_the_heavier_end() -> None:
    g = graph({"A": ["B", "E1"], "B": ["E2"], "E1": [], "E2": []}, {"E1", "E2"})
    total, path = g.longest_path([1, 5, 2, 0])  # type: ignore[misc]
    assert total == 6 and g.ids[path[-1]] == "E2"


def test_self_loop() -> None:
    g = graph({"S1": ["S1", "S2"], "S2": []}, {"S2"})
    assert g.back_edges() == {(0, 0)}
    assert g.reachable() == [True, True]
    assert g.can_reach_end() == [True, True]
    total, path = g.longest_path([3, 2])  # type: ignore[misc]
    assert total == 5 and path == [0, 1]


def test_cycle_without_exit() -> None:
    # S1 → S2 → S3 → S2 … never reaches S4; S4 is an end nothing leads to
    g = graph({"S1": ["S2"], "S2": ["S3"], "S3": ["S2"], "S4": []}, {"S4"})
    assert g.reachable() == [True, True, True, False]
    assert g.can_reach_end() == [False, False, False, True]
    assert g.longest_path([1, 1, 1, 1]) is None


def test_dead_end_and_unknown_targets() -> None:
    g = graph({"S1": ["S2", "nowhere"], "S2": [], "S3": []}, {"S3"})
    assert g.succ[0] == [1]  # a dangling reference (LFK104) is dropped
    assert g.can_reach_end() == [False, False, True]
    assert g.reachable() == [True, True, False]


def test_empty_flow() -> None:
    g = graph({}, set())
    assert g.reachable() == [] and g.can_reach_end() == [] and g.longest_path([]) is None


def test_repeated_step_id_resolves_to_the_first() -> None:
    g = FlowGraph.build(["S1", "S2", "S2"], [["S2"], [], []], [False, True, True])
    assert g.succ[0] == [1]
    assert g.reachable() == [True, True, False]


def _big(n: int) -> FlowGraph:
    """n steps in a line; every 3rd step branches forward two steps, every 5th returns 4 steps (补正)."""
    spec: dict[str, list[str]] = {}
    for i in range(n):
        nxt = [f"S{i + 1}"] if i + 1 < n else []
        if i % 3 == 0 and i + 2 < n:
            nxt.append(f"S{i + 2}")
        if i % 5 == 0 and i >= 4:
            nxt.append(f"S{i - 4}")
        spec[f"S{i}"] = nxt
    return graph(spec, {f"S{n - 1}"})


def test_300_steps_is_fast() -> None:
    g = _big(300)
    t0 = time.perf_counter()
    assert all(g.reachable())
    assert all(g.can_reach_end())
    total, path = g.longest_path([1] * 300)  # type: ignore[misc]
    took = time.perf_counter() - t0
    assert total == 300 and len(path) == 300  # the straight line visits every step
    assert len(g.back_edges()) == len(range(5, 300, 5))
    assert took < 0.5


def test_very_deep_flow_needs_no_recursion() -> None:
    g = _big(20000)
    total, _ = g.longest_path([1] * 20000)  # type: ignore[misc]
    assert total == 20000


def test_day_conversion() -> None:
    assert days_as(5, "工作日", "自然日") == 7
    assert days_as(7, "自然日", "工作日") == 5
    assert days_as(45, "工作日", "自然日") == 63
    assert days_as(2.5, "工作日", "工作日") == Fraction(5, 2)
    assert fmt_days(Fraction(63)) == "63" and fmt_days(Fraction(100, 7)) == "14.3"


def test_lint_on_a_300_step_flow(tmp_path: Path) -> None:
    """LFK302/303/305 over a 300-step flow with loops run in well under a second, and find its length."""
    root = tmp_path / "r"
    shutil.copytree(BASE, root)
    lines = ["id: F-license", "name: 大流程", "steps:"]
    n = 300
    for i in range(n):
        lines += [f"  - id: S{i}", f"    name: 环节{i}", "    actor: P-review", "    duty: 审查",
                  "    supervision: [电子监察]"]
        nxt = [f"S{i + 1}"] if i + 1 < n else []
        if i % 5 == 0 and i >= 4:
            nxt.append(f"S{i - 4}")
        if i + 1 < n:
            lines.append("    time_limit: {days: 1, kind: 工作日}")
            lines.append(f"    next: [{', '.join(nxt)}]")
        else:
            lines.append("    end: true")
    (root / "units/county-amr/flows/F-license.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    t0 = time.perf_counter()
    result = run(root, LintOptions(as_of=__import__("datetime").date.fromisoformat(AS_OF), select=["LFK3"]))
    took = time.perf_counter() - t0
    got = [(f.code, f.path, f.line) for f in result.active]
    assert ("LFK305", "units/county-amr/authorities.yaml", 23) in got  # 299 工作日 > 20
    assert not [c for c, _, _ in got if c in ("LFK302", "LFK303")]
    msg = next(f.text("en") for f in result.active if f.code == "LFK305")
    assert "299" in msg
    assert took < 5
