"""A chart drawn as its title and its (shared) body and joined (``lfk.render.engine.join_title``) is the
very SVG graphviz draws for the whole chart: byte for byte, for every flow of the demo, town and test
registers in both layouts, audiences and languages, and for titles wider and narrower than the body."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from lfk.register import Register
from lfk.render import flow_dot, iter_flows, render_dots
from lfk.render.dot import BODY_NAME, split_title
from lfk.render.engine import _render, join_title
from tests.conftest import BASE, DEMO

pytestmark = pytest.mark.skipif(shutil.which("dot") is None, reason="graphviz `dot` is not installed")
TOWN = DEMO.parent / "registers-town"


def corpus() -> list[str]:
    """The DOT of every chart the registers have, in every layout, audience and language."""
    dots: list[str] = []
    for root in (DEMO, TOWN, BASE):
        if not (Path(root) / "lfk.yaml").is_file():
            continue
        reg = Register(root)
        for ud in reg.units():
            for public in (True, False):
                for _fid, item, power, _std in iter_flows(reg, ud, public=public):
                    for layout in ("flow", "columns"):
                        for lang in ("zh", "en"):
                            dots.append(flow_dot(reg, ud, item, power, layout=layout, lang=lang, public=public))
    return list(dict.fromkeys(dots))


def retitled(dot: str) -> list[str]:
    """The chart under a one-character, a very long and a Latin title (narrower, wider, other glyphs)."""
    title = dot.split("<B>", 1)[1].split("</B>", 1)[0]
    return [dot.replace(title, new, 1) for new in ("短", title * 3, "Market &amp; Quality Bureau — licence")]


def test_joined_charts_are_what_graphviz_draws() -> None:
    dots = corpus()
    assert len(dots) > 50
    dots += [x for d in dots[:6] for x in retitled(d)]
    assert all(split_title(d) is not None for d in dots)
    whole = _render(dots, "svg", None)
    assert render_dots(dots) == whole


def test_split_shares_one_body() -> None:
    dots = corpus()[:1]
    [(title, body)] = [split_title(d) for d in dots]
    assert body.startswith(f'digraph "{BODY_NAME}" {{') and "labelloc" not in body.split("\n")[1]
    assert title.count("\n") == 3 and title.endswith("}\n")
    other = split_title(retitled(dots[0])[0])
    assert other is not None and other[1] == body and other[0] != title


@pytest.mark.parametrize("dot", ['digraph "x" {\n  a -> b\n}\n', 'graph "x" {\n  graph [fontname="A", label=<x>]\n}\n',
                                 'digraph "x" {\n  graph [fontname="A", rankdir="LR", labelloc="t", labeljust="c", label=<<B>x</B>>]\n  a\n}\n'])
def test_other_dots_are_drawn_whole(dot: str) -> None:
    assert split_title(dot) is None
    assert render_dots([dot]) == _render([dot], "svg", None)


def test_unexpected_svg_is_not_joined() -> None:
    assert join_title(b"<svg/>", b"<svg/>") is None
