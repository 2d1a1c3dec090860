"""lfk render: DOT and SVG structure, escaping, the cache, standard flows, columns, the CLI."""

from __future__ import annotations

import os
import re
import shutil
import stat
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from lfk.model.items import Flow
from lfk.register import Register
from lfk.render import (
    GRADE_COLORS,
    RenderCache,
    back_edges,
    flow_dot,
    iter_flows,
    longest_path,
    render_dots,
    render_register,
    wrap,
)
from tests.conftest import BASE, DEMO, invoke

SVG = "{http://www.w3.org/2000/svg}"
HAS_DOT = shutil.which("dot") is not None
needs_dot = pytest.mark.skipif(not HAS_DOT, reason="graphviz `dot` is not installed")


def write(path: Path, text: str) -> None:
    """Write a file of a copied (read-only) fixture."""
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.exists():
        os.chmod(path, stat.S_IRUSR | stat.S_IWUSR)
    path.write_text(text, encoding="utf-8")


def groups(svg: bytes) -> dict[str, ET.Element]:
    """SVG groups by id (nodes, edges)."""
    root = ET.fromstring(svg)
    return {g.get("id", ""): g for g in root.iter(f"{SVG}g")}


def texts(el: ET.Element) -> str:
    """All text in an element, joined."""
    return "".join(t.text or "" for t in el.iter(f"{SVG}text"))


def fills(el: ET.Element) -> set[str]:
    """Fill colours used inside an element."""
    return {e.get("fill", "").lower() for e in el.iter() if e.get("fill")}


def render_one(register: Register, unit: str, flow: str, fmt: str = "svg", layout: str = "flow") -> bytes:
    [f] = render_register(register, [f"{unit}/{flow}"], fmt=fmt, layout=layout)
    return f.data


@pytest.fixture
def base() -> Register:
    return Register(BASE)


# -- structure ----------------------------------------------------------------------------------

@needs_dot
def test_svg_has_a_node_per_step_edge_labels_risks_and_legend(base: Register) -> None:
    svg = render_one(base, "county-amr", "F-license")
    g = groups(svg)
    flow = base.unit("county-amr").flows["F-license"].model
    steps = [k for k in g if k.startswith("step_")]
    assert sorted(steps) == sorted(f"step_{s.id}" for s in flow.steps)
    nodes = [e for e in g.values() if e.get("class") == "node"]
    # steps + start + end + one decision point + one risk panel + the footer/legend + two branch conditions
    assert len(nodes) == len(flow.steps) + 7
    assert "符合条件" in texts(g["branch_S2_S3"]) and "不符合条件" in texts(g["branch_S2_S5"])
    edge_text = "".join(texts(e) for e in g.values() if e.get("class") == "edge")
    assert "需补正材料" in edge_text  # a loop back keeps its label beside the curve
    risk = g["risks_S2"]
    assert "R-003" in texts(risk)
    assert GRADE_COLORS["中"] in fills(risk)
    assert "开始" in texts(g["start"]) and "结束" in texts(g["end"])
    assert "decision_S2" in g
    legend = texts(g["legend"])
    for word in ("图例", "监察点", "集体决策", "高", "中", "低", "最长办理路径", "法定时限 20个工作日"):
        assert word in legend, word
    title = texts(next(e for e in ET.fromstring(svg).iter(f"{SVG}g") if e.get("class") == "graph"))
    assert "示例县市场监督管理局" in title and "食品经营许可" in title and "20个工作日" in title


@needs_dot
def test_collective_supervision_and_high_risk_marked(base: Register) -> None:
    g = groups(render_one(base, "county-amr", "F-penalty"))
    assert "集体决策" in texts(g["step_S4"])
    assert "监察点" in texts(g["step_S1"]) and "电子监察" in texts(g["step_S1"])
    assert "监察点" not in texts(g["step_S5"])
    for sid, rid in (("S2", "R-001"), ("S4", "R-002")):
        assert rid in texts(g[f"risks_{sid}"])
        assert GRADE_COLORS["高"] in fills(g[f"risks_{sid}"])
    assert "执法办案人员" in texts(g["step_S1"])  # the post's name, not its id
    assert "P-case" not in texts(g["step_S1"])


@needs_dot
def test_every_risk_on_a_step_is_drawn_with_its_grade_colour(base: Register) -> None:
    ud = base.unit("county-amr")
    svgs = {f.flow_id: groups(f.data) for f in render_register(base, ["county-amr"])}
    flow_of = {a.model.id: a.model.flow_id for a in ud.authorities}
    for r in ud.risks:
        m = r.model
        if not m.authority or not m.steps:
            continue
        for sid in m.steps:
            panel = svgs[flow_of[m.authority]][f"risks_{sid}"]
            assert m.id in texts(panel)
            assert GRADE_COLORS[m.grade] in fills(panel)


@needs_dot
def test_grade_labels_of_the_register_are_used(tmp_path: Path) -> None:
    root = tmp_path / "reg"
    shutil.copytree(BASE, root)
    cfg = (root / "lfk.yaml").read_text(encoding="utf-8")
    write(root / "lfk.yaml", cfg.replace("  floors:", "  labels: {高: 一级, 中: 二级, 低: 三级}\n  floors:"))
    g = groups(render_one(Register(root), "county-amr", "F-penalty"))
    assert "一级" in texts(g["risks_S2"])
    assert "一级" in texts(g["legend"]) and "三级" in texts(g["legend"])


def test_english_labels(base: Register) -> None:
    ud = base.unit("county-amr")
    item = ud.flows["F-penalty"]
    dot = flow_dot(base, ud, item, ud.authorities[0], lang="en")
    assert "Start" in dot and "Legend" in dot and "working days" in dot
    assert 'fontname="Noto Sans CJK SC"' in dot


# -- escaping -----------------------------------------------------------------------------------

EVIL = ['"];evil[label="x', "<b>bold</b>", "{}", "a\\b \\N \\G \\n", "line1\nline2", "x & y 'q'", "]} }; digraph Z {"]


def evil_register(tmp_path: Path) -> Register:
    root = tmp_path / "evil"
    shutil.copytree(BASE, root)
    flow = root / "units/county-amr/flows/F-license.yaml"
    steps = []
    for i, name in enumerate(EVIL):
        nxt = f"    next: [{{to: S{i + 1}, when: {_q(EVIL[-1 - i])}}}]\n" if i < len(EVIL) - 1 else "    end: true\n"
        steps.append(f"  - id: S{i}\n    name: {_q(name)}\n    actor: P-window\n    supervision: [{_q(name)}]\n{nxt}")
    write(flow, "id: F-license\nname: " + _q(EVIL[0]) + "\nsteps:\n" + "".join(steps))
    return Register(root)


def _q(s: str) -> str:
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


@needs_dot
def test_injection_is_literal_text_and_adds_no_nodes(tmp_path: Path) -> None:
    reg = evil_register(tmp_path)
    ud = reg.unit("county-amr")
    assert [s.name for s in ud.flows["F-license"].model.steps] == EVIL
    svg = render_one(reg, "county-amr", "F-license")
    root = ET.fromstring(svg)  # well-formed XML
    g = groups(svg)
    nodes = [e for e in g.values() if e.get("class") == "node"]
    # steps + start + end + legend + R-003's panel on S2 + each step's condition on its line (no decisions)
    conditions = [f"branch_S{i}_S{i + 1}" for i in range(len(EVIL) - 1)]
    assert sorted(e.get("id", "") for e in nodes) == sorted(
        [f"step_S{i}" for i in range(len(EVIL))] + ["start", "end", "legend", "risks_S2"] + conditions)
    assert "evil" not in {e.findtext(f"{SVG}title") for e in nodes}
    assert len([e for e in g.values() if e.get("class") == "edge"]) == len(EVIL) + 2 + len(conditions)
    for i, name in enumerate(EVIL):
        got = texts(g[f"step_S{i}"])
        for part in name.split("\n"):
            assert part in got, (name, got)
    everything = "".join(t.text or "" for t in root.iter(f"{SVG}text"))
    assert '"];evil[label="x' in everything and "<b>bold</b>" in everything and "a\\b \\N \\G \\n" in everything


def test_injection_dot_text_keeps_names_inside_labels(tmp_path: Path) -> None:
    reg = evil_register(tmp_path)
    ud = reg.unit("county-amr")
    dot = flow_dot(reg, ud, ud.flows["F-license"], ud.authorities[1])
    assert '"];evil' not in dot and "<b>" not in dot and "\nline2" not in dot
    assert "&quot;];evil[label=&quot;x" in dot and "line1<BR/>line2" in dot
    assert dot.startswith("digraph ") and dot.count("\ndigraph") == 0
    assert "&lt;b&gt;" in dot and "a\\\\b" in dot


# -- engine, cache --------------------------------------------------------------------------------

@needs_dot
def test_render_dots_batches_keep_order() -> None:
    dots = [f'digraph "g{i}" {{ n [label=<node {i}>] }}\n' for i in range(30)]
    svgs = render_dots(dots, "svg", jobs=2)
    assert len(svgs) == 30
    for i, s in enumerate(svgs):
        assert f"node {i}<" in s.decode() and s.rstrip().endswith(b"</svg>")
    pngs = render_dots(dots[:3], "png")
    assert all(p.startswith(b"\x89PNG") for p in pngs) and len(set(pngs)) == 3


@needs_dot
def test_cache_hit_and_miss(tmp_path: Path) -> None:
    root = tmp_path / "reg"
    shutil.copytree(BASE, root)
    cache = tmp_path / "cache"
    first = render_register(Register(root), cache_dir=cache)
    assert len(first) == 3 and not any(f.cached for f in first)
    again = render_register(Register(root), cache_dir=cache)
    assert all(f.cached for f in again)
    assert [f.data for f in again] == [f.data for f in first]
    flow = root / "units/county-amr/flows/F-penalty.yaml"
    write(flow, flow.read_text(encoding="utf-8").replace("name: 立案", "name: 立案审批"))
    third = {f.flow_id: f for f in render_register(Register(root), cache_dir=cache)}
    assert not third["F-penalty"].cached and third["F-license"].cached
    assert "立案审批" in third["F-penalty"].data.decode()
    rc = RenderCache(cache)
    assert rc.get(third["F-penalty"].dot, "svg") == third["F-penalty"].data
    assert rc.get(third["F-penalty"].dot, "png") is None


def _path_points(d: str, steps: int = 24) -> list[tuple[float, float]]:
    """Points along a graphviz edge path (``M x,y C x1,y1 x2,y2 x3,y3 ...``)."""
    nums = [float(x) for x in re.findall(r"-?\d+(?:\.\d+)?", d)]
    pts = list(zip(nums[0::2], nums[1::2], strict=False))
    out = [pts[0]]
    for i in range(1, len(pts) - 2, 3):
        p0, p1, p2, p3 = pts[i - 1], pts[i], pts[i + 1], pts[i + 2]
        for k in range(1, steps + 1):
            t = k / steps
            out.append(tuple(  # type: ignore[arg-type]
                (1 - t) ** 3 * a + 3 * (1 - t) ** 2 * t * b + 3 * (1 - t) * t * t * c + t ** 3 * e
                for a, b, c, e in zip(p0, p1, p2, p3, strict=True)))
    return out


def _label_boxes(svg: bytes) -> list[tuple[str, float, float, float, float]]:
    """(owner id, x0, y0, x1, y1) of every branch condition: a branch node's white box, or the white box
    of a label drawn inside an edge group."""
    out = []
    for gid, g in groups(svg).items():
        if not (gid.startswith("branch_") or g.get("class") == "edge"):
            continue
        for poly in g.iter(f"{SVG}polygon"):
            if poly.get("fill", "").lower() not in ("white", "#ffffff"):
                continue
            xy = [float(v) for v in re.findall(r"-?\d+(?:\.\d+)?", poly.get("points", ""))]
            xs, ys = xy[0::2], xy[1::2]
            out.append((gid, min(xs), min(ys), max(xs), max(ys)))
    return out


@needs_dot
@pytest.mark.parametrize(("unit", "flow"), [("county-cti", "F-change"), ("county-amr", "F-license"),
                                            ("county-amr", "F-penalty"), ("county-nrb", "F-land-transfer")])
def test_no_line_crosses_a_branch_condition(unit: str, flow: str) -> None:
    """A branch condition sits on its line: no edge runs through its box (issue 15, point 9: diagonal
    lines out of a decision ran over the labels)."""
    svg = render_one(Register(DEMO), unit, flow)
    boxes = _label_boxes(svg)
    assert boxes
    def near(p: tuple[float, float], box: tuple[str, float, float, float, float], margin: float) -> bool:
        _, x0, y0, x1, y1 = box
        return x0 - margin <= p[0] <= x1 + margin and y0 - margin <= p[1] <= y1 + margin

    crossing = []
    for gid, g in groups(svg).items():
        if g.get("class") != "edge":
            continue
        for path in g.iter(f"{SVG}path"):
            points = _path_points(path.get("d", ""))
            for box in boxes:
                if near(points[0], box, 2) or near(points[-1], box, 2):
                    continue  # the line that enters or leaves the condition
                if any(near(p, box, 2) for p in points):
                    crossing.append((gid, box[0]))
    assert crossing == []


@needs_dot
def test_svg_fonts_have_cjk_fallbacks(base: Register) -> None:
    svg = render_one(base, "county-amr", "F-license").decode("utf-8")
    families = set(re.findall(r'font-family="([^"]*)"', svg))
    assert families and all(f.startswith("'Noto Sans CJK SC', ") and f.endswith(", sans-serif") for f in families)
    assert all("Microsoft YaHei" in f and "PingFang SC" in f for f in families)


# -- standard flows, columns --------------------------------------------------------------------

STD_FLOW = """id: F-std
name: 标准采购流程
steps:
  - {id: A, name: 提出需求, actor: P-buyer, duty: 受理, time_limit: {days: 5, kind: 工作日}, next: [B]}
  - id: B
    name: 审核
    actor: P-check
    duty: 审查
    supervision: [电子监察]
    time_limit: {days: 5, kind: 工作日}
    next: [{to: C, when: 通过}, {to: A, when: 退回}]
  - {id: C, name: 集体决定, actor: P-boss, duty: 决定, collective: true, time_limit: {days: 14, kind: 自然日}, next: [D]}
  - {id: D, name: 执行, actor: P-buyer, duty: 执行, end: true}
"""


def std_register(tmp_path: Path) -> Path:
    root = tmp_path / "std"
    shutil.copytree(BASE, root)
    write(root / "flows/F-std.yaml", STD_FLOW)
    unit = root / "units/county-amr/unit.yaml"
    write(unit, unit.read_text(encoding="utf-8").replace(
        "approvals:", "  - {id: P-buyer, name: 采购专员}\n  - {id: P-check, name: 内审员}\n"
        "  - {id: P-boss, name: 局党组}\napprovals:"))
    auth = root / "units/county-amr/authorities.yaml"
    write(auth, auth.read_text(encoding="utf-8") + """  - id: NB-009
    name: 办公用品采购
    category: 采购管理
    posts: [P-buyer]
    flow: F-std
    time_limit: {days: 30, kind: 自然日}
    internal: true
""")
    risks = root / "units/county-amr/risks.yaml"
    write(risks, risks.read_text(encoding="utf-8") + """  - id: R-900
    title: 审核走过场
    category: 权力行使
    kind: 运行程序不规范
    authority: NB-009
    steps: [B]
    grade: 低
""")
    return root


@needs_dot
def test_standard_flow_renders_per_unit_with_its_post_names(tmp_path: Path) -> None:
    reg = Register(std_register(tmp_path))
    ud = reg.unit("county-amr")
    found = [(fid, std) for fid, _, _, std in iter_flows(reg, ud)]
    assert ("F-std", True) in found
    [f] = render_register(reg, ["county-amr/F-std"])
    assert f.standard and f.authority_id == "NB-009"
    g = groups(f.data)
    assert "内审员" in texts(g["step_B"]) and "P-check" not in texts(g["step_B"])
    title = texts(next(e for e in ET.fromstring(f.data).iter(f"{SVG}g") if e.get("class") == "graph"))
    assert "标准流程" in title and "办公用品采购" in title
    assert "R-900" in texts(g["risks_B"]) and GRADE_COLORS["低"] in fills(g["risks_B"])
    assert "退回" in "".join(texts(e) for e in g.values() if e.get("class") == "edge")
    # 5 + 5 working days = 14 natural days, + 14 natural days = 28 <= 30 natural days
    assert "合计 28个自然日" in texts(g["legend"]) and "未超出" in texts(g["legend"])


@needs_dot
def test_columns_layout_rows(base: Register) -> None:
    g = groups(render_one(base, "county-amr", "F-penalty", layout="columns"))
    assert {"col_flow", "col_risk", "col_measure"} <= set(g)
    assert "廉政风险点" in texts(g["col_risk"]) and "防控措施" in texts(g["col_measure"])
    assert "R-001" in texts(g["risks_S2"]) and GRADE_COLORS["高"] in fills(g["risks_S2"])
    assert "M-001" in texts(g["measures_S2"]) and "M-002" in texts(g["measures_S2"])
    assert "M-003" in texts(g["measures_S4"]) and "M-001" not in texts(g["measures_S4"])
    assert len([k for k in g if k.startswith("step_")]) == 5


# -- longest path -------------------------------------------------------------------------------

def test_longest_path_cuts_loops_and_converts_kinds() -> None:
    flow = Flow.model_validate({"id": "F", "name": "f", "steps": [
        {"id": "A", "name": "a", "time_limit": {"days": 5, "kind": "工作日"}, "next": ["B"]},
        {"id": "B", "name": "b", "time_limit": {"days": 10, "kind": "工作日"},
         "next": [{"to": "A", "when": "退回"}, {"to": "C"}, {"to": "D"}]},
        {"id": "C", "name": "c", "time_limit": {"days": 7, "kind": "自然日"}, "next": ["D"]},
        {"id": "D", "name": "d", "end": True},
    ]})
    assert back_edges(flow) == {("B", "A")}
    lp = longest_path(flow, "工作日")
    assert lp.steps == ["A", "B", "C", "D"] and lp.days == pytest.approx(20) and lp.missing == ["D"]
    assert longest_path(flow, "自然日").days == pytest.approx(28)


def test_wrap_keeps_lines_short() -> None:
    lines = wrap("对未取得食品经营许可从事食品经营活动的处罚，没收违法所得", 12)
    assert all(len(x) <= 13 for x in lines) and "".join(lines) == "对未取得食品经营许可从事食品经营活动的处罚，没收违法所得"
    assert not any(x.startswith("，") for x in lines)
    assert wrap("Noto Sans CJK", 12) == ["Noto Sans CJK"]


# -- CLI ----------------------------------------------------------------------------------------

@needs_dot
def test_cli_writes_unit_flow_files(runner, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    out = tmp_path / "out"
    r = invoke(runner, "render", "--root", str(BASE), "--out", str(out), "--format", "svg",
               "--cache-dir", str(tmp_path / "c"))
    assert r.exit_code == 0, r.stderr
    assert sorted(p.name for p in (out / "county-amr").iterdir()) == ["F-license.svg", "F-penalty.svg", "F-procure.svg"]
    assert "3" in r.stderr
    r = invoke(runner, "render", "county-amr/F-penalty", "--root", str(BASE), "--out", str(tmp_path / "o2"),
               "--format", "png", "--layout", "columns", "--no-cache")
    assert r.exit_code == 0
    assert [p.name for p in (tmp_path / "o2/county-amr").iterdir()] == ["F-penalty.png"]
    assert (tmp_path / "o2/county-amr/F-penalty.png").read_bytes().startswith(b"\x89PNG")


def test_cli_bad_usage_exits_2(runner, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    for args in (["nope"], ["county-amr/F-nope"], ["--format", "gif"], ["--layout", "grid"]):
        r = invoke(runner, "render", *args, "--root", str(BASE), "--out", str(tmp_path / "o"))
        assert r.exit_code == 2, args
        assert len(r.stderr.strip().splitlines()) == 1


def test_cli_dot_missing_exits_2_but_format_dot_works(runner, tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    empty = tmp_path / "bin"
    empty.mkdir()
    monkeypatch.setenv("PATH", str(empty))
    r = invoke(runner, "render", "--root", str(BASE), "--out", str(tmp_path / "o"), "--no-cache")
    assert r.exit_code == 2
    assert "apt-get install graphviz" in r.stderr and len(r.stderr.strip().splitlines()) == 1
    r = invoke(runner, "render", "--root", str(BASE), "--out", str(tmp_path / "o"), "--format", "dot")
    assert r.exit_code == 0
    text = (tmp_path / "o/county-amr/F-penalty.dot").read_text(encoding="utf-8")
    assert text.startswith("digraph") and "Noto Sans CJK SC" in text


@needs_dot
@pytest.mark.skipif(not (DEMO / "lfk.yaml").exists(), reason="the demo register is not there yet")
def test_demo_register_renders_every_flow(runner, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    reg = Register(DEMO)
    expected = sum(len(list(iter_flows(reg, ud))) for ud in reg.units())
    out = tmp_path / "demo"
    r = invoke(runner, "render", "--root", str(DEMO), "--out", str(out), "--cache-dir", str(tmp_path / "c"))
    assert r.exit_code == 0, r.stderr
    files = list(out.rglob("*.svg"))
    assert len(files) == expected > 0
    for f in files:
        ET.fromstring(f.read_bytes())
        assert re.search(rb'class="node"', f.read_bytes())


def test_cache_entries_are_authenticated(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    dot = 'digraph "g" { a }\n'
    monkeypatch.setenv("LFK_CACHE_SECRET", "one")
    RenderCache(tmp_path / "c").put(dot, "svg", b"<svg>ok</svg>")
    assert RenderCache(tmp_path / "c").get(dot, "svg") == b"<svg>ok</svg>"
    assert RenderCache(tmp_path / "c").get(dot + " ", "svg") is None
    monkeypatch.setenv("LFK_CACHE_SECRET", "two")  # a cache written by someone else is not trusted
    assert RenderCache(tmp_path / "c").get(dot, "svg") is None


@needs_dot
def test_public_drawing_hides_internal_risks_measures_and_posts(tmp_path: Path) -> None:
    """``--public`` applies the site's policy (lfk.model.disclosure): no risk or measure at all, not even
    one marked ``disclosure: public``; no internal post named."""
    root = tmp_path / "pub"
    shutil.copytree(BASE, root)
    unit = root / "units/county-amr/unit.yaml"
    write(unit, unit.read_text(encoding="utf-8").replace("{id: P-case, name: 执法办案人员}",
                                                         "{id: P-case, name: 执法办案人员, internal: true}"))
    risks = root / "units/county-amr/risks.yaml"
    write(risks, risks.read_text(encoding="utf-8").replace("    steps: [S4]\n", "    steps: [S4]\n    disclosure: public\n"))
    reg = Register(root)
    [f] = render_register(reg, ["county-amr/F-penalty"], public=True)
    g = groups(f.data)
    assert "risks_S2" not in g and "R-001" not in alltext(f.data)  # internal risk
    assert "risks_S4" not in g and "R-002" not in alltext(f.data)  # disclosure: public is still internal
    assert "执法办案人员" not in alltext(f.data) and "局长" in texts(g["step_S4"])
    [c] = render_register(reg, ["county-amr/F-penalty"], public=True, layout="columns")
    assert "R-002" not in alltext(c.data) and "M-002" not in alltext(c.data)
    [full] = render_register(reg, ["county-amr/F-penalty"])
    assert "R-001" in alltext(full.data) and "执法办案人员" in alltext(full.data)


def alltext(svg: bytes) -> str:
    return texts(ET.fromstring(svg))


def test_cli_reports_invalid_flow_files(runner, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    root = tmp_path / "reg"
    shutil.copytree(BASE, root)
    write(root / "units/county-amr/flows/F-procure.yaml", "- just\n- a list\n")
    r = invoke(runner, "render", "--root", str(root), "--out", str(tmp_path / "o"), "--format", "dot")
    assert r.exit_code == 0
    assert "units/county-amr/flows/F-procure.yaml" in r.stderr and "lfk lint" in r.stderr
    assert sorted(p.name for p in (tmp_path / "o/county-amr").iterdir()) == ["F-license.dot", "F-penalty.dot"]


def test_svg_does_not_depend_on_its_place_in_the_batch() -> None:
    """Regression: graphviz prefixed ids with the graph's number in the batch ("page0,1_graph0")."""
    from lfk.render import render_dots

    a = 'digraph A { a -> b }'
    b = 'digraph B { x -> y }'
    first = render_dots([a, b], "svg")
    second = render_dots([b, a], "svg")
    assert first[0] == second[1] and first[1] == second[0]
    assert b"page0" not in first[0] + first[1]
