"""``lfk site`` in English: the site's own wording (headings, labels, table headers, search messages,
flowchart and heat-map labels, grades) follows the language; register text stays as written; zh stays
the default; switching language rewrites every page; builds stay reproducible."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
import yaml

from lfk.model.config import Config
from lfk.register import Register
from lfk.render import flow_dot, iter_flows
from lfk.site import MANIFEST, build_site
from lfk.site.heatmap import heatmap
from lfk.site.words import grade_text
from tests.conftest import BASE, DEMO, invoke

pytestmark = pytest.mark.skipif(not (DEMO / "lfk.yaml").is_file(), reason="the demo register is missing")

# lfk's own fixed wording in Chinese: none may be left in an English build. Each is checked to be
# absent from the demo register's files, so finding one in the site means lfk wrote it.
FIXED_ZH = [
    "跳到正文", "首页", "职权检索", "主导航", "当前位置", "职权编码", "行使主体", "职权内容", "法律依据",
    "权力运行流程图", "行政裁量权基准", "裁量阶次", "适用情形", "处罚种类", "罚款幅度", "承办：", "承办岗位",
    "法定时限", "监督：", "监督方式", "下一环节", "未定级", "等级统计", "风险热力图", "待复核", "逾期未落实",
    "数据更新", "统计基准日", "内部版本", "没有找到符合条件的职权", "找到", "显示", "检索", "个自然日", "单位类型",
    "监督电话", "廉政风险防控登记表", "集体审定记录", "全部类别", "全部领域", "个单位", "项公开职权", "项裁量基准",
    "各环节", "未填写", "风险总览", "廉政风险总览", "等级分布", "逾期措施", "责任岗位", "查找方式", "无措施",
    "无期限", "评定方法", "复核周期", "暂无流程图", "未知", "输入关键词", "关键词", "职权名称", "编码", "格中数字",
    "颜色越深", "纵轴", "横轴", "序号", "办理条件",
]


def all_files(out: Path) -> dict[str, bytes]:
    return {p.relative_to(out).as_posix(): p.read_bytes() for p in sorted(out.rglob("*")) if p.is_file()}


def register_text(root: Path) -> str:
    return "\n".join(p.read_text(encoding="utf-8") for p in sorted(root.rglob("*.yaml")))


@pytest.fixture(scope="module")
def demo_copy(tmp_path_factory: pytest.TempPathFactory) -> Path:
    dst = tmp_path_factory.mktemp("demo") / "reg"
    shutil.copytree(DEMO, dst, ignore=shutil.ignore_patterns(".git", ".lfk-cache"))
    return dst


@pytest.fixture(scope="module")
def en_sites(demo_copy: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    tmp = tmp_path_factory.mktemp("en")
    build_site(Register(demo_copy), tmp / "public", "public", lang="en")
    build_site(Register(demo_copy), tmp / "internal", "internal", lang="en")
    return {"public": tmp / "public", "internal": tmp / "internal"}


def a_power_page(site: Path) -> Path:
    for page in sorted(site.glob("units/*/powers/*.html")):
        html = page.read_text(encoding="utf-8")
        if "<svg" in html and 'id="bm-h"' in html:
            return page
    raise AssertionError("no power page with a flowchart and a benchmark")


def test_fixed_strings_are_not_register_text(demo_copy: Path) -> None:
    text = register_text(demo_copy)
    assert [s for s in FIXED_ZH if s in text] == []


@pytest.mark.parametrize("audience", ["public", "internal"])
def test_english_build_has_no_fixed_chinese(en_sites: dict[str, Path], audience: str) -> None:
    files = all_files(en_sites[audience])
    pages = {rel: data.decode("utf-8") for rel, data in files.items() if rel.endswith((".html", ".js", ".css"))}
    assert len(pages) > 10
    for rel, text in pages.items():
        if rel.endswith(".html"):
            assert text.startswith('<!DOCTYPE html>\n<html lang="en">'), rel
        left = [s for s in FIXED_ZH if s in text]
        assert left == [], (rel, left)
    # the static assets carry no wording at all: the JS reads its messages from the page
    for name in ("assets/site.js", "assets/site.css"):
        assert not re.search(r"[\u4e00-\u9fff]", pages[name]), name


def test_english_headings(en_sites: dict[str, Path]) -> None:
    pub, internal = en_sites["public"], en_sites["internal"]
    home = (pub / "index.html").read_text(encoding="utf-8")
    assert '<h2 id="units-h">Units</h2>' in home and ">Search powers</label>" in home
    assert '<th scope="col">Unit</th>' in home and 'aria-label="Main"' in home
    unit = (a_power_page(pub).parent.parent / "index.html").read_text(encoding="utf-8")
    assert '<h2 id="catalog-h">Powers</h2>' in unit and '<option value="">All categories</option>' in unit
    assert 'data-msg-count="Showing {n} of {total}"' in unit
    power = a_power_page(pub).read_text(encoding="utf-8")
    for heading in ("Content", "Legal basis", "Flowchart", "Discretion benchmark"):
        assert f">{heading}</h2>" in power, heading
    assert "<dt>Code</dt>" in power and '<th scope="col">Statutory limit</th>' in power
    assert "working days" in power or "calendar days" in power
    svg = power.split("<svg", 1)[1]
    assert ">Start<" in svg and ">End<" in svg and "By: " in svg and "Limit " in svg and ">Legend<" in svg
    assert "Supervision: " in svg and "开始" not in svg
    search = (pub / "search.html").read_text(encoding="utf-8")
    assert "<h1>Search powers</h1>" in search
    assert "data-msg-found='{n} found'" in search and "data-msg-none='No power matches.'" in search
    overview = (internal / "risks.html").read_text(encoding="utf-8")
    assert "<h1>Integrity risk overview</h1>" in overview and '<h2 id="heat-h">Risk heat map</h2>' in overview
    assert 'class="grade grade-h">High</span>' in overview  # no grading.labels in the demo
    risks = next(iter(sorted(internal.glob("units/*/risks.html")))).read_text(encoding="utf-8")
    assert '<h2 id="reg-h">Integrity risk register</h2>' in risks and '<th scope="col">Grade</th>' in risks


def test_register_text_stays_as_written(demo_copy: Path, en_sites: dict[str, Path]) -> None:
    reg = Register(demo_copy)
    ud = next(u for u in reg.units() if any(not a.model.internal for a in u.authorities))
    unit_page = (en_sites["public"] / "units" / ud.id / "index.html").read_text(encoding="utf-8")
    assert f"<h1>{ud.name}</h1>" in unit_page
    a = next(a for a in ud.authorities if not a.model.internal and a.model.disclosure != "internal")
    assert a.model.name in unit_page


def test_chinese_is_the_default_and_unchanged(demo_copy: Path, tmp_path: Path) -> None:
    build_site(Register(demo_copy), tmp_path / "default", "public")
    build_site(Register(demo_copy), tmp_path / "zh", "public", lang="zh")
    assert all_files(tmp_path / "default") == all_files(tmp_path / "zh")
    home = (tmp_path / "zh" / "index.html").read_text(encoding="utf-8")
    assert home.startswith('<!DOCTYPE html>\n<html lang="zh-CN">')
    assert '<h2 id="units-h">单位</h2>' in home and ">首页</a>" in home
    search = (tmp_path / "zh" / "search.html").read_text(encoding="utf-8")
    assert "data-msg-found='找到 {n} 项'" in search


def test_reproducible_in_english(demo_copy: Path, tmp_path: Path) -> None:
    for audience in ("public", "internal"):
        a, b = tmp_path / f"{audience}-a", tmp_path / f"{audience}-b"
        build_site(Register(demo_copy), a, audience, lang="en")
        build_site(Register(demo_copy), b, audience, lang="en")
        assert all_files(a) == all_files(b)


def test_switching_language_rewrites_pages(demo_copy: Path, tmp_path: Path) -> None:
    out = tmp_path / "s"
    first = build_site(Register(demo_copy), out, "public", lang="zh")
    html_pages = [p for p in first.written if p.endswith(".html")]
    assert build_site(Register(demo_copy), out, "public", lang="zh").written == []
    en = build_site(Register(demo_copy), out, "public", lang="en")
    assert sorted(p for p in en.written if p.endswith(".html")) == sorted(html_pages)
    assert not [p for p in en.skipped if p.endswith(".html")]
    build_site(Register(demo_copy), tmp_path / "fresh-en", "public", lang="en")
    assert all_files(out) == all_files(tmp_path / "fresh-en")
    assert build_site(Register(demo_copy), out, "public", lang="en").written == []
    # and back
    zh = build_site(Register(demo_copy), out, "public", lang="zh")
    assert sorted(p for p in zh.written if p.endswith(".html")) == sorted(html_pages)
    build_site(Register(demo_copy), tmp_path / "fresh-zh", "public", lang="zh")
    assert all_files(out) == all_files(tmp_path / "fresh-zh")


def test_unknown_language_is_refused(tmp_path: Path) -> None:
    from lfk.core.errors import UsageError

    with pytest.raises(UsageError):
        build_site(Register(BASE), tmp_path / "s", "public", lint=False, lang="fr")


# -- the CLI: --lang, else $LFK_LANG, else lang: in lfk.yaml, else zh -------------------------------------
def html_lang(out: Path) -> str:
    m = re.search(r'<html lang="([^"]+)">', (out / "index.html").read_text(encoding="utf-8"))
    assert m
    return m.group(1)


def test_cli_language_order(runner, demo_copy: Path, tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    root = tmp_path / "reg"
    shutil.copytree(demo_copy, root)
    monkeypatch.delenv("LFK_LANG", raising=False)
    monkeypatch.setenv("LANG", "en_US.UTF-8")  # the locale never picks the site's language

    def build(name: str, *extra: str) -> str:
        res = invoke(runner, "site", str(tmp_path / name), "--root", str(root), "-q", *extra)
        assert res.exit_code == 0, res.output
        return html_lang(tmp_path / name)

    assert build("cfg-zh") == "zh-CN"  # lang: zh in the demo's lfk.yaml
    assert build("opt-en", "--lang", "en") == "en"
    monkeypatch.setenv("LFK_LANG", "en")
    assert build("env-en") == "en"
    assert build("opt-zh", "--lang", "zh") == "zh-CN"
    monkeypatch.delenv("LFK_LANG")
    cfg = yaml.safe_load((root / "lfk.yaml").read_text(encoding="utf-8"))
    cfg["lang"] = "en"
    (root / "lfk.yaml").write_text(yaml.safe_dump(cfg, allow_unicode=True, sort_keys=False), encoding="utf-8")
    assert build("cfg-en") == "en"
    del cfg["lang"]
    (root / "lfk.yaml").write_text(yaml.safe_dump(cfg, allow_unicode=True, sort_keys=False), encoding="utf-8")
    assert build("none") == "zh-CN"
    assert (tmp_path / "none" / MANIFEST).is_file()


# -- the pieces --------------------------------------------------------------------------------------------
def test_flowchart_labels() -> None:
    """The site draws through lfk.render: its wording follows the build's language."""
    reg = Register(BASE)
    ud = reg.unit(reg.unit_ids[0])
    fid, item, auth, _ = next(iter(iter_flows(reg, ud, public=True)))
    en = flow_dot(reg, ud, item, auth, lang="en", public=True)
    for word in ("Start", "End", "Legend"):
        assert word in en, word
    for word in ("开始", "结束", "图例"):
        assert word not in en, word
    zh = flow_dot(reg, ud, item, auth, public=True)
    assert "开始" in zh and "图例" in zh


def test_heat_map_axes_and_grades() -> None:
    reg = Register(BASE)
    cfg = reg.config
    en = heatmap(cfg, [], "t", "en")
    zh = heatmap(cfg, [], "t")
    if not (cfg.grading.factors or {}).get("probability"):
        assert en["row_title"] == "Probability" and zh["row_title"] == "发生概率"
    for method in ("lec", "criteria"):
        other = cfg.model_copy(update={"grading": cfg.grading.model_copy(update={"method": method})})
        h = heatmap(other, [], "t", "en")
        assert not re.search(r"[\u4e00-\u9fff]", h["col_title"] + h["row_title"] + "".join(h["rows"])), h
    plain = Config.model_validate({"name": "x"}) if hasattr(Config, "model_validate") else cfg
    assert grade_text(plain, "高", "en") == "High" and grade_text(plain, "高", "zh") == "高"
    assert grade_text(plain, None, "en") == "Ungraded" and grade_text(plain, None, "zh") == "未定级"
    labelled = plain.model_copy(update={"grading": plain.grading.model_copy(update={"labels": {"高": "重大", "中": "较大"}})})
    assert grade_text(labelled, "高", "en") == "重大"  # the register's own labels win in every language
