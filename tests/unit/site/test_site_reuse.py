"""The site reads each unit once and draws each flowchart once (issue 16 item 5): the disclosure gate
gives what the whole-register lint gives, identical flowcharts are drawn once per build, and public and
internal builds (in either order) share every flowchart whose DOT is the same through the render cache."""

from __future__ import annotations

import datetime as dt
import re
import shutil
from pathlib import Path

import pytest
import yaml

from lfk.core.cache import Cache
from lfk.register import Register
from lfk.render.dot import flow_dot, iter_flows
from lfk.site import PublicationBlocked, build_site, flowchart
from lfk.site import build as site_build
from tests.conftest import BASE, DEMO

SRC = DEMO if (DEMO / "lfk.yaml").is_file() else BASE
DAY = dt.date(2026, 12, 1)


def _copy(tmp_path: Path) -> Path:
    dst = tmp_path / "reg"
    shutil.copytree(SRC, dst, ignore=shutil.ignore_patterns(".git", ".lfk-cache"))
    return dst


def _files(out: Path) -> dict[str, bytes]:
    return {p.relative_to(out).as_posix(): p.read_bytes() for p in sorted(out.rglob("*")) if p.is_file()}


def _dots(reg: Register, public: bool) -> set[str]:
    return {flow_dot(reg, ud, item, auth, layout="flow", lang="zh", public=public)
            for ud in reg.units() for _fid, item, auth, _std in iter_flows(reg, ud, public)}


@pytest.mark.parametrize("first,second", [("public", "internal"), ("internal", "public")])
def test_builds_share_flowcharts_through_the_render_cache(tmp_path: Path, first: str, second: str,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    root = _copy(tmp_path)
    for unit in sorted((root / "units").iterdir())[:3]:  # units without risks: their charts are alike in both
        for name in ("risks.yaml", "measures.yaml"):
            (unit / name).unlink(missing_ok=True)
    cache_dir = tmp_path / "cache"
    plain = Register(root)
    shared = _dots(plain, True) & _dots(plain, False)
    assert shared, "the register has flowcharts that both audiences show alike"
    a = build_site(Register(root, cache=Cache(cache_dir)), tmp_path / "a", first, as_of=DAY)
    assert a.flowcharts_cached == 0 and a.flowcharts > 0
    b = build_site(Register(root, cache=Cache(cache_dir)), tmp_path / "b", second, as_of=DAY)
    assert b.flowcharts_cached >= len(shared)  # every flowchart with the same DOT is taken, not drawn
    # and the pages are byte for byte what a build without any cache writes
    build_site(Register(root), tmp_path / "b-fresh", second, as_of=DAY)
    assert _files(tmp_path / "b") == _files(tmp_path / "b-fresh")
    drawn: list[str] = []
    real = flowchart._draw
    monkeypatch.setattr(flowchart, "_draw", lambda dots: drawn.extend(dots) or real(dots))
    again = build_site(Register(root, cache=Cache(cache_dir)), tmp_path / "c", first, as_of=DAY)
    assert drawn == [] and again.flowcharts_cached > 0  # nothing drawn a second time
    assert _files(tmp_path / "c") == _files(tmp_path / "a")


def test_identical_dots_are_drawn_once(monkeypatch: pytest.MonkeyPatch) -> None:
    drawn: list[list[str]] = []

    def fake(dots: list[str]) -> list[str | None]:
        drawn.append(list(dots))
        return [f"<svg>{i}</svg>" for i, _ in enumerate(dots)]

    monkeypatch.setattr(flowchart, "_draw", fake)
    svgs, hits = flowchart.render_svgs_counted(["digraph a {}", "digraph b {}", "digraph a {}"])
    assert drawn == [["digraph a {}", "digraph b {}"]] and hits == 0
    assert svgs == ["<svg>0</svg>", "<svg>1</svg>", "<svg>0</svg>"]


def test_each_unit_is_read_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = _copy(tmp_path)
    reg = Register(root)
    reads: list[str] = []
    real = Register.unit

    def spy(self: Register, uid: str, **kw):  # type: ignore[no-untyped-def]
        reads.append(uid)
        return real(self, uid, **kw)

    monkeypatch.setattr(Register, "unit", spy)
    build_site(reg, tmp_path / "s", "public", as_of=DAY)
    own = [u for u in reads if u in reg.unit_ids]
    assert sorted(own) == sorted(set(own)) == sorted(reg.unit_ids)


def _break(root: Path) -> None:
    path = root / "units" / "county-amr" / "authorities.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data["authorities"][0]["content"] = "联系人手机 13912345678"
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")


def test_the_gate_finds_what_the_register_lint_finds(tmp_path: Path) -> None:
    root = _copy(tmp_path)
    _break(root)
    expected = site_build.lint_disclosure(Register(root), DAY)
    assert expected
    with pytest.raises(PublicationBlocked) as e:
        build_site(Register(root), tmp_path / "s", "public", as_of=DAY)
    got = e.value.findings
    assert [(f.code, f.path, f.line, f.column, f.message.en) for f in got] == \
        [(f.code, f.path, f.line, f.column, f.message.en) for f in expected]
    assert not (tmp_path / "s").exists()


def test_svg_ids_do_not_depend_on_the_batch() -> None:
    """A cached flowchart is the bytes a fresh draw gives: graphviz's batch numbering is removed."""
    reg = Register(SRC)
    dots = sorted(_dots(reg, True))[:3]
    alone = [flowchart.render_svgs([d])[0] for d in dots]
    together = flowchart.render_svgs(dots)
    assert alone == together and all(s and not re.search(r'id="page\d', s) for s in together)


@pytest.mark.parametrize("text", [
    '<svg width="1" xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink">',
    'a\n\t xmlns="x"b', 'xmlns="at the start"', ' xmlns:="no name"', ' xmlns:a_1="v" xmlns="w"', ' xmlns="b xmlns="c"',
    '\u3000xmlns="ideographic space"', ' xmlnsxmlns="x"', ' xmlns=x', '',
])
def test_drop_xmlns_is_the_pattern(text: str) -> None:
    assert flowchart.drop_xmlns(text) == flowchart._XMLNS.sub("", text)


def test_drop_xmlns_on_random_text() -> None:
    import random

    alpha = [" ", "\n", "\u3000", "x", "xmlns", "xmlns", ":", "a", "_", "=", '"', '="', ">", "é"]
    rnd = random.Random(20261202)
    for _ in range(20000):
        text = "".join(rnd.choice(alpha) for _ in range(rnd.randint(0, 30)))
        assert flowchart.drop_xmlns(text) == flowchart._XMLNS.sub("", text), repr(text)


@pytest.mark.parametrize("audience", ["public", "internal"])
def test_a_new_folder_gets_the_bytes_of_a_build_file_by_file(tmp_path: Path, audience: str) -> None:
    """A build into a new folder creates its files in place (``OutputTree.create``); into an existing empty
    folder it writes them one by one: the same files, bytes and report, and the next build rewrites nothing."""
    reg = Register(_copy(tmp_path))
    (tmp_path / "empty").mkdir()
    made = build_site(reg, tmp_path / "new", audience, as_of=DAY)
    written = build_site(Register(reg.root), tmp_path / "empty", audience, as_of=DAY)
    assert _files(tmp_path / "new") == _files(tmp_path / "empty") and made.written == written.written
    assert made.written and not made.removed
    again = build_site(Register(reg.root), tmp_path / "new", audience, as_of=DAY)
    assert again.written == [] and again.skipped == made.written


def test_the_event_attribute_hint_finds_every_event_attribute() -> None:
    """``inline_svg`` runs ``_EVENT_ATTR`` only where ``_EVENT_HINT`` (searched in the reversed text) finds
    a candidate: on random text, the hint finds one exactly where the pattern matches, with or without its
    closing quote."""
    import random

    alpha = [" ", "\n", "\u3000", "\t", "o", "O", "n", "N", "on", "click", "_", "1", "é", "=", '"', '="', ">", "x"]
    rnd = random.Random(20261202)
    for _ in range(30000):
        text = "".join(rnd.choice(alpha) for _ in range(rnd.randint(0, 24)))
        hint = flowchart._EVENT_HINT.search(text[::-1]) is not None
        assert hint == (re.search(r'\son\w+="', text, re.I) is not None), repr(text)
        if flowchart._EVENT_ATTR.search(text):
            assert hint, repr(text)
    svg = '<svg><g onclick="x()" ONLOAD="y"><text>on="no"</text>\n<a\u3000onmouseover="z"/></g></svg>'
    out = flowchart.inline_svg(svg, "t")
    assert not re.search(r"(?i)on(click|load|mouseover)", out) and '<text>on="no"</text>' in out, out


@pytest.mark.parametrize("rel", ["index.html", "units/a/index.html", "units/a/powers/p.html", "a//b.html", "a/./b.html",
                                 "./a.html", "a/b/", "a/.", ".", "", "assets/x.js", "a/b/c/d/e.html", "a/../b.html"])
def test_root_prefix_counts_folders_as_pathlib_does(rel: str) -> None:
    from pathlib import PurePosixPath

    assert site_build._root_prefix(rel) == "../" * (len(PurePosixPath(rel).parts) - 1)
