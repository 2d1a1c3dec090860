"""A chart's body is built once per content (``lfk.render.dot.body_key``): the DOT is the one built afresh,
and a unit whose flow reads the same but whose posts, limits, risks or grade labels differ gets its own body."""

from __future__ import annotations

import os
import shutil
import stat
from pathlib import Path

import pytest

from lfk.register import Register
from lfk.render import dot as dot_module
from lfk.render import flow_dot, iter_flows
from tests.conftest import BASE, DEMO, REPO

REGISTERS = [BASE, DEMO, REPO / "registers-town", REPO / "registers-baseline"]
COMBOS = [(layout, lang, public) for layout in ("flow", "columns") for lang in ("zh", "en") for public in (False, True)]


def _dots(reg: Register, layout: str, lang: str, public: bool, *, fresh: bool) -> list[str]:
    out = []
    for ud in reg.units():
        for _, item, auth, _ in iter_flows(reg, ud, public):
            if fresh:
                dot_module._bodies.clear()
            out.append(flow_dot(reg, ud, item, auth, layout=layout, lang=lang, public=public))
    return out


@pytest.mark.parametrize("root", REGISTERS, ids=lambda p: p.name)
def test_memoised_bodies_give_the_dot_built_afresh(root: Path) -> None:
    reg = Register(root)
    dot_module._bodies.clear()
    warm = [_dots(reg, *combo, fresh=False) for combo in COMBOS]  # every combination through one memo
    cold = [_dots(reg, *combo, fresh=True) for combo in COMBOS]
    assert sum(map(len, cold)) > 0
    assert warm == cold


def _write(path: Path, text: str) -> None:
    if path.exists():
        os.chmod(path, stat.S_IRUSR | stat.S_IWUSR)
    path.write_text(text, encoding="utf-8")


def _twin(tmp_path: Path, change: dict[str, tuple[str, str]]) -> Register:
    """BASE with a second unit ``county-twin``: a copy of county-amr with ``change`` (file → old, new)."""
    root = tmp_path / "twin"
    shutil.copytree(BASE, root)
    twin = root / "units/county-twin"
    shutil.copytree(root / "units/county-amr", twin)
    for p in twin.rglob("*"):
        os.chmod(p, stat.S_IRWXU if p.is_dir() else stat.S_IRUSR | stat.S_IWUSR)
    unit = twin / "unit.yaml"
    _write(unit, unit.read_text(encoding="utf-8").replace("id: county-amr", "id: county-twin", 1))
    for name, (old, new) in change.items():
        p = twin / name
        text = p.read_text(encoding="utf-8")
        assert old in text
        _write(p, text.replace(old, new))
    return Register(root)


def _chart(reg: Register, uid: str, fid: str, **kw: object) -> str:
    ud = reg.unit(uid)
    [(item, auth)] = [(item, auth) for f, item, auth, _ in iter_flows(reg, ud, bool(kw.get("public"))) if f == fid]
    return flow_dot(reg, ud, item, auth, **kw)  # type: ignore[arg-type]


CHANGES = [
    ("unit.yaml", "name: 法制审核员", "name: 法规审核专员", {}, "法规审核专员"),
    ("unit.yaml", "{id: P-legal, name: 法制审核员}", "{id: P-legal, name: 法制审核员, internal: true}",
     {"public": True}, None),
    ("authorities.yaml", "time_limit: {days: 90, kind: 自然日}", "time_limit: {days: 7, kind: 自然日}", {}, "✗"),
    ("risks.yaml", "grade: 高", "grade: 低", {}, None),
    ("measures.yaml", "M-001", "M-901", {"layout": "columns"}, "M-901"),
]


@pytest.mark.parametrize(("name", "old", "new", "kw", "shown"), CHANGES, ids=[c[0] + ":" + c[2][:12] for c in CHANGES])
def test_a_unit_that_differs_gets_its_own_body(tmp_path: Path, name: str, old: str, new: str,
                                               kw: dict[str, object], shown: str | None) -> None:
    reg = _twin(tmp_path, {name: (old, new)})
    dot_module._bodies.clear()
    first = _chart(reg, "county-amr", "F-penalty", **kw)
    twin = _chart(reg, "county-twin", "F-penalty", **kw)  # the memo holds county-amr's body now
    dot_module._bodies.clear()
    assert twin == _chart(reg, "county-twin", "F-penalty", **kw)
    body = first.split("\n", 4)[4]
    assert twin.split("\n", 4)[4] != body
    if shown is not None:
        assert shown in twin and shown not in first


def test_units_with_the_same_flow_share_one_body(tmp_path: Path) -> None:
    reg = _twin(tmp_path, {})
    dot_module._bodies.clear()
    a = _chart(reg, "county-amr", "F-penalty")
    b = _chart(reg, "county-twin", "F-penalty")
    assert a != b and a.split("\n", 4)[4] == b.split("\n", 4)[4]  # titles differ, bodies alike
    assert len(dot_module._bodies) == 1
