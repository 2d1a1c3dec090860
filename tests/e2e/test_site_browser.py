"""The site in a real browser: Debian's chromium, headless, no sandbox, background networking off.

Loads the home page and a power page with no console message (errors, failed loads), uses the search
box (through ``?q=``, which the search JS reads) and the 职权目录 filter, and saves screenshots
(``LFK_SCREENSHOTS=DIR`` keeps them, e.g. ``LFK_SCREENSHOTS=docs/screenshots``).
Skipped only when chromium is not installed.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path
from urllib.parse import quote

import pytest

from lfk.register import Register
from lfk.site import build_site
from tests.conftest import BASE, DEMO

CHROMIUM = shutil.which("chromium") or ("/usr/bin/chromium" if Path("/usr/bin/chromium").exists() else None)
pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="chromium is not installed (apt-get install chromium)")
SOURCE = DEMO if (DEMO / "lfk.yaml").is_file() else BASE
CONSOLE = re.compile(r"CONSOLE[^\]]*\]\s*(.*)")


def chromium(tmp: Path, url: str, *args: str) -> subprocess.CompletedProcess[str]:
    profile = tmp / f"profile-{len(list(tmp.glob('profile-*')))}"
    cmd = [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
           "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-default-apps",
           "--disable-extensions", "--hide-scrollbars", "--enable-logging=stderr", "--v=0",
           f"--user-data-dir={profile}", *args, url]
    return subprocess.run(cmd, capture_output=True, text=True, timeout=120, check=False)


def console_lines(res: subprocess.CompletedProcess[str]) -> list[str]:
    return [m.group(1) for m in CONSOLE.finditer(res.stderr)]


def url(path: Path, query: str = "") -> str:
    return path.resolve().as_uri() + (f"?q={quote(query)}" if query else "")


@pytest.fixture(scope="module")
def sites(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    tmp = tmp_path_factory.mktemp("browser")
    reg = Register(SOURCE)
    build_site(reg, tmp / "public", "public", lint=False)
    build_site(Register(SOURCE), tmp / "internal", "internal")
    return {"public": tmp / "public", "internal": tmp / "internal", "tmp": tmp}


def a_power_page(site: Path) -> tuple[Path, str]:
    """A power page with a flowchart and a benchmark, and its power's name."""
    for page in sorted(site.glob("units/*/powers/*.html")):
        html = page.read_text(encoding="utf-8")
        if "<svg" in html and 'id="bm-h"' in html:
            return page, re.search(r"<h1>([^<]+)", html).group(1).strip()  # type: ignore[union-attr]
    raise AssertionError("no power page with a flowchart and a benchmark")


def test_detector_sees_console_errors(sites: dict[str, Path]) -> None:
    bad = sites["tmp"] / "bad.html"
    bad.write_text('<!DOCTYPE html><html lang="zh-CN"><body><link rel="stylesheet" href="missing.css">'
                   "<script>notDefined();</script></body></html>", encoding="utf-8")
    res = chromium(sites["tmp"], url(bad), "--dump-dom")
    assert any("Uncaught" in line for line in console_lines(res)), res.stderr[-2000:]


@pytest.mark.parametrize("which", ["home", "power", "unit", "search", "risks"])
def test_pages_load_without_console_messages(sites: dict[str, Path], which: str) -> None:
    pub = sites["public"]
    page = {
        "home": pub / "index.html",
        "power": a_power_page(pub)[0],
        "unit": next(iter(sorted(pub.glob("units/*/index.html")))),
        "search": pub / "search.html",
        "risks": sites["internal"] / "risks.html",
    }[which]
    res = chromium(sites["tmp"], url(page, "许可" if which in ("search", "unit") else ""), "--dump-dom")
    assert res.returncode == 0, res.stderr[-2000:]
    assert "<h1" in res.stdout
    assert console_lines(res) == [], console_lines(res)


def test_search_box_filters(sites: dict[str, Path]) -> None:
    pub = sites["public"]
    page, name = a_power_page(pub)
    word = name[:6]
    res = chromium(sites["tmp"], url(pub / "search.html", word), "--dump-dom")
    dom = res.stdout
    results = dom.split('id="search-results"', 1)[1].split("</ol>", 1)[0]
    assert name in results, results[:2000]
    assert re.search(r"找到 \d+ 项", dom)
    rel = page.relative_to(pub).as_posix()
    assert f'href="{rel}"' in results
    # the search box holds the query
    assert re.search(r'id="search-q"[^>]*>', dom)
    none = chromium(sites["tmp"], url(pub / "search.html", "不存在的职权名称zzz"), "--dump-dom").stdout
    assert "没有找到符合条件的职权" in none
    assert "<li>" not in none.split('id="search-results"', 1)[1].split("</ol>", 1)[0]


def test_unit_table_filters(sites: dict[str, Path]) -> None:
    pub = sites["public"]
    page, name = a_power_page(pub)
    unit_page = page.parent.parent / "index.html"
    dom = chromium(sites["tmp"], url(unit_page, name), "--dump-dom").stdout
    rows = re.findall(r"<tr data-category[^>]*>", dom)
    assert rows
    shown = [r for r in rows if " hidden" not in r]
    assert len(shown) >= 1 and len(shown) < len(rows) or len(rows) == 1
    assert re.search(r"显示 \d+ / \d+ 项", dom)


def test_screenshots(sites: dict[str, Path]) -> None:
    pub, internal, tmp = sites["public"], sites["internal"], sites["tmp"]
    page, name = a_power_page(pub)
    shots = {
        "site-home.png": (url(pub / "index.html"), "1280,900"),
        "site-unit.png": (url(page.parent.parent / "index.html"), "1280,900"),
        "site-power.png": (url(page), "1280,1800"),
        "site-search.png": (url(pub / "search.html", name[:4]), "1280,900"),
        "site-risks-internal.png": (url(internal / page.parent.parent.relative_to(pub) / "risks.html"), "1280,1400"),
        # headless chromium lays pages out at least 500 px wide: the narrowest view it can show
        "site-power-narrow.png": (url(page), "500,1400"),
        "site-unit-narrow.png": (url(page.parent.parent / "index.html"), "500,1100"),
    }
    keep = os.environ.get("LFK_SCREENSHOTS")
    for fname, (address, size) in shots.items():
        target = tmp / fname
        res = chromium(tmp, address, f"--screenshot={target}", f"--window-size={size}")
        assert target.is_file(), res.stderr[-2000:]
        data = target.read_bytes()
        assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 10_000, fname
        if keep:
            Path(keep).mkdir(parents=True, exist_ok=True)
            shutil.copyfile(target, Path(keep) / fname)


# -- the English site: the search and filter messages come from the page, in English --------------------
@pytest.fixture(scope="module")
def en_site(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    tmp = tmp_path_factory.mktemp("browser-en")
    build_site(Register(SOURCE), tmp / "public", "public", lint=False, lang="en")
    return {"public": tmp / "public", "tmp": tmp}


def test_english_search_and_filter(en_site: dict[str, Path]) -> None:
    pub, tmp = en_site["public"], en_site["tmp"]
    page, name = a_power_page(pub)
    res = chromium(tmp, url(pub / "search.html", name[:6]), "--dump-dom")
    assert console_lines(res) == [], console_lines(res)
    dom = res.stdout
    assert '<html lang="en">' in dom
    assert re.search(r'id="search-status"[^>]*>\d+ found<', dom), dom[:3000]
    assert name in dom.split('id="search-results"', 1)[1].split("</ol>", 1)[0]
    none = chromium(tmp, url(pub / "search.html", "zzzqqqxxx"), "--dump-dom").stdout
    assert re.search(r'id="search-status"[^>]*>No power matches\.<', none)
    start = chromium(tmp, url(pub / "search.html"), "--dump-dom").stdout
    assert re.search(r'id="search-status"[^>]*>Type keywords to search \d+ powers\.<', start)
    unit = chromium(tmp, url(page.parent.parent / "index.html", name), "--dump-dom").stdout
    assert re.search(r"Showing \d+ of \d+", unit)
    assert not re.search(r"显示|找到|没有找到", dom + none + start + unit)


def test_english_power_screenshot(en_site: dict[str, Path]) -> None:
    pub, tmp = en_site["public"], en_site["tmp"]
    page, _ = a_power_page(pub)
    target = tmp / "site-power-en.png"
    res = chromium(tmp, url(page), f"--screenshot={target}", "--window-size=1280,1600")
    assert target.is_file(), res.stderr[-2000:]
    data = target.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 10_000
    keep = os.environ.get("LFK_SCREENSHOTS")
    if keep:
        Path(keep).mkdir(parents=True, exist_ok=True)
        shutil.copyfile(target, Path(keep) / "site-power-en.png")
