"""Small points of the site (issue 15, point 9): a favicon and a meta description on every page, the
hotline once per page, "数据更新：未知" saying what it means, SVG text with CJK font fallbacks."""

from __future__ import annotations

import html as htmllib
import re
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

from lfk.register import Register
from lfk.site import build_site
from tests.conftest import BASE, DEMO

HOTLINE = "监督举报电话 12388"


def _pages(out: Path) -> dict[str, str]:
    return {p.relative_to(out).as_posix(): p.read_text(encoding="utf-8") for p in sorted(out.rglob("*.html"))}


def _copy(src: Path, tmp_path: Path) -> Path:
    dst = tmp_path / "reg"
    shutil.copytree(src, dst, ignore=shutil.ignore_patterns(".git", ".lfk-cache"))
    return dst


@pytest.mark.parametrize("audience", ["public", "internal"])
def test_every_page_has_a_favicon_and_its_own_description(audience: str, tmp_path: Path) -> None:
    out = tmp_path / "site"
    build_site(Register(DEMO), out, audience, lint=False)
    assert (out / "assets/favicon.svg").read_text(encoding="utf-8").startswith("<svg")
    seen = {}
    for rel, text in _pages(out).items():
        icon = re.search(r'<link rel="icon" href="([^"]+)" type="image/svg\+xml">', text)
        assert icon, rel
        assert ((out / rel).parent / icon.group(1)).resolve() == (out / "assets/favicon.svg").resolve(), rel
        desc = re.search(r'<meta name="description" content="([^"]+)">', text)
        assert desc and len(htmllib.unescape(desc.group(1))) > 10, rel
        seen[rel] = htmllib.unescape(desc.group(1))
    power = seen["units/county-nrb/powers/TD-01.html"]
    assert "国有建设用地使用权招标拍卖挂牌出让" in power and "示范县自然资源局" in power
    assert "示范县自然资源局" in seen["units/county-nrb/index.html"]
    assert len(set(seen.values())) == len(seen)  # no two pages say the same


def test_the_hotline_once_per_page(tmp_path: Path) -> None:
    reg = _copy(BASE, tmp_path)
    unit = reg / "units/county-amr/unit.yaml"
    data = yaml.safe_load(unit.read_text(encoding="utf-8"))
    data["contact"] = HOTLINE  # the unit's hotline is the register's
    unit.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    out = tmp_path / "site"
    build_site(Register(reg), out, "public", lint=False)
    pages = _pages(out)
    assert len(pages) > 3
    for rel, text in pages.items():
        assert text.count("12388") == 1, rel
    assert '<p class="contact">' not in pages["index.html"]  # the home page's callout shows it
    data["contact"] = "本局监督电话 0000-1234567"  # a hotline of its own: both shown on the unit page
    unit.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    build_site(Register(reg), out, "public", lint=False)
    page = (out / "units/county-amr/index.html").read_text(encoding="utf-8")
    assert page.count("12388") == 1 and page.count("0000-1234567") == 1


@pytest.mark.parametrize(("lang", "words"), [("zh", "不在 git 版本库中"), ("en", "not in a git repository")])
def test_unknown_data_date_says_why(lang: str, words: str, tmp_path: Path) -> None:
    reg = _copy(BASE, tmp_path)
    out = tmp_path / "site"
    build_site(Register(reg), out, "public", lang=lang, lint=False)
    assert words in (out / "index.html").read_text(encoding="utf-8")
    subprocess.run(["git", "init", "-q"], cwd=reg, check=True)
    subprocess.run(["git", "add", "-A"], cwd=reg, check=True)
    subprocess.run(["git", "-c", "user.name=t", "-c", "user.email=t@example.org", "commit", "-qm", "r"], cwd=reg,
                   check=True)
    build_site(Register(reg), out, "public", lang=lang, lint=False)
    text = (out / "index.html").read_text(encoding="utf-8")
    assert words not in text and re.search(r"\d{4}-\d{2}-\d{2}(?: · <a [^>]*>[^<]*</a>)?</p>", text)


def test_flowcharts_name_cjk_fallback_fonts(tmp_path: Path) -> None:
    out = tmp_path / "site"
    build_site(Register(BASE), out, "public", lint=False)
    svgs = "".join(t for t in _pages(out).values() if "<svg" in t)
    families = set(re.findall(r'font-family="([^"]*)"', svgs))
    assert families, "no flowchart drawn"
    for f in families:
        names = [x.strip().strip("'") for x in f.split(",")]
        assert names[0] == "Noto Sans CJK SC" and names[-1] == "sans-serif", f
        assert {"PingFang SC", "Microsoft YaHei", "Source Han Sans SC"} <= set(names), f
