"""``lfk site``: pages for every public power, nothing internal in a public build, escaping, no external
URLs, reproducible and incremental builds, safe file names, the CLI."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
import yaml

from lfk.register import Register
from lfk.site import MANIFEST, build_site, is_public_power
from tests.conftest import BASE, DEMO, invoke

REGISTERS = [pytest.param(BASE, id="base")]
if (DEMO / "lfk.yaml").is_file():
    REGISTERS.append(pytest.param(DEMO, id="demo"))

EXTERNAL = re.compile(rb"""(?:src|href|action|xlink:href)\s*=\s*["']?\s*(?:[a-zA-Z][a-zA-Z0-9+.-]*:|//)""")
CSS_EXTERNAL = re.compile(rb"""url\(\s*["']?\s*(?:[a-zA-Z][a-zA-Z0-9+.-]*:|//)|@import""")


def all_files(out: Path) -> dict[str, bytes]:
    return {p.relative_to(out).as_posix(): p.read_bytes() for p in sorted(out.rglob("*")) if p.is_file()}


def copy_register(src: Path, tmp_path: Path, name: str = "reg") -> Path:
    dst = tmp_path / name
    shutil.copytree(src, dst, ignore=shutil.ignore_patterns(".git", ".lfk-cache"))
    return dst


def load(p: Path):  # type: ignore[no-untyped-def]
    return yaml.safe_load(p.read_text(encoding="utf-8"))


def dump(p: Path, data) -> None:  # type: ignore[no-untyped-def]
    p.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")


# -- every public power has a page; both audiences build ---------------------------------------
@pytest.mark.parametrize("src", REGISTERS)
def test_every_public_power_has_a_page(src: Path, tmp_path: Path) -> None:
    reg = Register(src)
    rep = build_site(reg, tmp_path / "pub", "public", lint=False)
    assert rep.written and not rep.skipped
    out = tmp_path / "pub"
    assert (out / "index.html").is_file() and (out / "search.html").is_file()
    index_js = (out / "assets" / "search-index.js").read_text(encoding="utf-8")
    n_public = 0
    for ud in reg.units():
        assert (out / "units" / ud.id / "index.html").is_file()
        for a in ud.authorities:
            page = out / "units" / ud.id / "powers" / f"{a.model.id}.html"
            if is_public_power(a.model):
                n_public += 1
                assert page.is_file(), page
                html = page.read_text(encoding="utf-8")
                assert 'lang="zh-CN"' in html
                assert a.model.id in index_js
                flow, _ = reg.flow_for(ud, a.model.flow_id)
                if flow is not None and shutil.which("dot"):
                    assert '<svg role="img" aria-label=' in html
            else:
                assert not page.exists(), page
    assert n_public > 0
    assert not (out / "risks.html").exists()
    assert not list(out.rglob("risks.html"))

    rep_i = build_site(reg, tmp_path / "int", "internal")
    out_i = tmp_path / "int"
    assert (out_i / "risks.html").is_file()
    for ud in reg.units():
        html = (out_i / "units" / ud.id / "risks.html").read_text(encoding="utf-8")
        assert "<th scope=\"col\">" in html
        for r in ud.risks:
            assert r.model.id in html
        for a in ud.authorities:
            assert (out_i / "units" / ud.id / "powers" / f"{a.model.id}.html").is_file()
    assert len(rep_i.written) > len(rep.written)


@pytest.mark.parametrize("src", REGISTERS)
def test_accessibility_basics(src: Path, tmp_path: Path) -> None:
    build_site(Register(src), tmp_path / "s", "internal")
    for rel, data in all_files(tmp_path / "s").items():
        if not rel.endswith(".html"):
            continue
        html = data.decode("utf-8")
        assert html.startswith("<!DOCTYPE html>\n<html lang=\"zh-CN\">"), rel
        assert '<meta name="viewport"' in html
        assert html.count("<h1") == 1, rel
        for th in re.findall(r"<th(?=[\s>])[^>]*>", html):
            assert "scope=" in th, (rel, th)
        for svg in re.findall(r"<svg[^>]*>", html):
            assert 'role="img"' in svg and ("aria-label" in svg or "aria-labelledby" in svg), (rel, svg)
    css = (tmp_path / "s" / "assets" / "site.css").read_text(encoding="utf-8")
    assert "@media print" in css and "@media (max-width" in css


# -- the leak test --------------------------------------------------------------------------------
MARKERS = {
    "internal power name": "QXLEAKPOWNAME",
    "internal power id": "QXLEAKPOWID",
    "internal-disclosure power name": "QXLEAKDISCNAME",
    "internal power content": "QXLEAKPOWCONTENT",
    "risk id": "QXLEAKRISKID",
    "risk title": "QXLEAKRISKTITLE",
    "risk description": "QXLEAKRISKDESC",
    "public-disclosure risk title": "QXLEAKPUBRISK",
    "measure id": "QXLEAKMEASID",
    "measure description": "QXLEAKMEASDESC",
    "internal post name": "QXLEAKPOSTNAME",
    "internal post id": "QXLEAKPOSTID",
    "approval meeting": "QXLEAKMEETING",
    "approval minutes": "QXLEAKMINUTES",
    "grade reason": "QXLEAKREASON",
}


def plant_markers(root: Path) -> None:
    """Put a unique marker into every internal field of every unit of the register at ``root``."""
    m = MARKERS
    for udir in sorted((root / "units").iterdir()):
        unit = load(udir / "unit.yaml")
        unit.setdefault("posts", []).append({"id": f"P-{m['internal post id']}", "name": m["internal post name"],
                                             "internal": True})
        unit.setdefault("approvals", []).append({"id": "AP-QX", "date": "2026-01-05", "meeting": m["approval meeting"],
                                                 "minutes": m["approval minutes"]})
        for ap in unit["approvals"]:
            ap["minutes"] = f"{ap.get('minutes') or ''}{m['approval minutes']}"
        dump(udir / "unit.yaml", unit)
        auth_file = udir / "authorities.yaml"
        auths = load(auth_file) if auth_file.is_file() else {"authorities": []}
        auths = auths or {"authorities": []}
        public = [a for a in auths["authorities"] if not a.get("internal") and a.get("disclosure") != "internal"]
        for a in public:  # an internal post among the posts of every public power
            a.setdefault("posts", []).append(f"P-{m['internal post id']}")
        for a in auths["authorities"]:
            if a.get("internal") or a.get("disclosure") == "internal":
                a["name"] = f"{a['name']}{m['internal power name']}"
                a["content"] = f"{a.get('content') or ''}{m['internal power content']}"
        auths["authorities"].append({
            "id": f"NB-{m['internal power id']}", "name": m["internal power name"], "category": "财务管理",
            "content": m["internal power content"], "internal": True, "flow": public[0]["flow"] if public and
            public[0].get("flow") else None,
        })
        auths["authorities"].append({
            "id": "XK-QXDISC", "name": m["internal-disclosure power name"], "category": "行政许可",
            "legal_basis": [{"law": "《某法》"}], "disclosure": "internal",
        })
        auths["authorities"][-2] = {k: v for k, v in auths["authorities"][-2].items() if v is not None}
        dump(auth_file, auths)
        # an internal post acting in every step of every flow of the unit
        for fpath in sorted((udir / "flows").glob("*.yaml")) if (udir / "flows").is_dir() else []:
            flow = load(fpath)
            for step in flow.get("steps", [])[:1]:
                step["actor"] = f"P-{m['internal post id']}"
            dump(fpath, flow)
        risks_file = udir / "risks.yaml"
        risks = (load(risks_file) if risks_file.is_file() else None) or {"risks": []}
        for r in risks["risks"]:
            r["title"] = f"{r['title']}{m['risk title']}"
            r["description"] = f"{r.get('description') or ''}{m['risk description']}"
            r["grade_reason"] = m["grade reason"]
        target = public[0]["id"] if public else None
        risks["risks"].append({"id": f"R-{m['risk id']}", "title": m["public-disclosure risk title"], "category": "权力行使",
                               "kind": "运行程序不规范", "post": f"P-{m['internal post id']}", "disclosure": "public",
                               "description": m["risk description"], "grade": "高",
                               "factors": {"importance": 5, "discretion": 5, "probability": 5, "harm": 5},
                               **({"authority": target} if target else {})})
        dump(risks_file, risks)
        measures_file = udir / "measures.yaml"
        measures = (load(measures_file) if measures_file.is_file() else None) or {"measures": []}
        for ms in measures["measures"]:
            ms["description"] = f"{ms.get('description') or ''}{m['measure description']}"
        measures["measures"].append({"id": f"M-{m['measure id']}", "risks": [f"R-{m['risk id']}"], "kind": "程序规范",
                                     "description": m["measure description"], "due": "2020-01-01", "status": "计划"})
        dump(measures_file, measures)


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("src", REGISTERS)
def test_nothing_internal_leaks_into_a_public_build(src: Path, lang: str, tmp_path: Path) -> None:
    root = copy_register(src, tmp_path)
    plant_markers(root)
    reg = Register(root)
    assert not [f for f in reg.all_findings_of_loading() if f.severity.value == "error"]
    # the markers are really in the register: the internal build shows them
    build_site(reg, tmp_path / "int", "internal", lang=lang)
    internal_blob = b"\n".join(all_files(tmp_path / "int").values())
    for what, marker in MARKERS.items():
        if what in ("internal post id",):
            continue
        assert marker.encode() in internal_blob, f"planting failed: {what}"
    # ... and never in any file (content or name) of the public build
    out = tmp_path / "pub"
    build_site(Register(root), out, "public", lint=False, lang=lang)
    files = all_files(out)
    assert len(files) > 5
    html_lang = "zh-CN" if lang == "zh" else "en"
    assert f'<html lang="{html_lang}">' in files["index.html"].decode("utf-8")
    for rel, data in files.items():
        low = data.lower()
        for what, marker in MARKERS.items():
            assert marker.lower().encode() not in low, f"{what} leaked into {rel}"
            assert marker.lower() not in rel.lower(), f"{what} leaked into the file name {rel}"
        assert b"XK-QXDISC" not in data and "XK-QXDISC" not in rel
    # the internal build into the same folder, then public again: no internal file is left behind
    build_site(Register(root), out, "internal", lang=lang)
    build_site(Register(root), out, "public", lint=False, lang=lang)
    for rel, data in all_files(out).items():
        for marker in MARKERS.values():
            assert marker.lower().encode() not in data.lower(), rel
    assert not list(out.rglob("risks.html"))


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_script_in_names_is_escaped(base_register: Path, lang: str, tmp_path: Path) -> None:
    evil = '<script>alert("x")</script>'
    path = base_register / "units" / "county-amr" / "authorities.yaml"
    data = load(path)
    data["authorities"][0]["name"] = f"处罚{evil}"
    data["authorities"][0]["content"] = f"内容{evil}&amp;"
    dump(path, data)
    fpath = base_register / "units" / "county-amr" / "flows" / "F-penalty.yaml"
    flow = load(fpath)
    flow["steps"][0]["name"] = f"立案{evil}\\N\""
    flow["steps"][1]["next"] = [{"to": "S3", "when": f"{evil}"}]
    dump(fpath, flow)
    unit = load(base_register / "units" / "county-amr" / "unit.yaml")
    unit["name"] = f"局{evil}"
    dump(base_register / "units" / "county-amr" / "unit.yaml", unit)
    for audience in ("public", "internal"):
        out = tmp_path / audience
        build_site(Register(base_register), out, audience, lint=False, lang=lang)
        files = all_files(out)
        for rel, blob in files.items():
            assert b"<script>alert" not in blob, rel
            assert b"</script>&amp;" not in blob
        page = files["units/county-amr/powers/CF-001.html"].decode("utf-8")
        assert "处罚&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in page
        assert "&lt;script&gt;" in page.split("<svg", 1)[1]  # the flowchart's text is escaped too
        assert "\\u003cscript\\u003e" in files["assets/search-index.js"].decode("utf-8")
        assert len(re.findall(rb"<script\b", files["units/county-amr/powers/CF-001.html"])) == 1


@pytest.mark.parametrize("src", REGISTERS)
def test_no_external_urls(src: Path, tmp_path: Path) -> None:
    for audience in ("public", "internal"):
        out = tmp_path / audience
        build_site(Register(src), out, audience, lint=False)
        for rel, data in all_files(out).items():
            assert not EXTERNAL.search(data), (rel, EXTERNAL.search(data))
            assert not CSS_EXTERNAL.search(data), rel
            if rel == "assets/favicon.svg":  # a standalone SVG needs its namespace name (an identifier, never fetched)
                data = data.replace(b' xmlns="http://www.w3.org/2000/svg"', b"", 1)
            assert b"http://" not in data and b"https://" not in data, rel


def test_base_url_adds_sitemap_and_canonical(tmp_path: Path) -> None:
    build_site(Register(BASE), tmp_path / "s", "public", "https://example.org/gk", lint=False)
    sitemap = (tmp_path / "s" / "sitemap.xml").read_text(encoding="utf-8")
    assert "<loc>https://example.org/gk/units/county-amr/powers/CF-001.html</loc>" in sitemap
    html = (tmp_path / "s" / "index.html").read_text(encoding="utf-8")
    assert '<link rel="canonical" href="https://example.org/gk/index.html">' in html
    assert 'href="assets/site.css"' in html  # links stay relative


# -- reproducible, incremental --------------------------------------------------------------------
@pytest.mark.parametrize("src", REGISTERS)
def test_reproducible(src: Path, tmp_path: Path) -> None:
    for audience in ("public", "internal"):
        a, b = tmp_path / f"{audience}-a", tmp_path / f"{audience}-b"
        build_site(Register(src), a, audience)
        build_site(Register(src), b, audience)
        assert all_files(a) == all_files(b)


def test_no_clock_without_git(tmp_path: Path) -> None:
    root = copy_register(BASE, tmp_path)
    build_site(Register(root), tmp_path / "s", "internal")
    html = (tmp_path / "s" / "index.html").read_text(encoding="utf-8")
    assert "数据更新：未知" in html
    assert "统计基准日：2026-12-31" in html  # 31 December of `year`, not today


def test_incremental(tmp_path: Path) -> None:
    root = copy_register(DEMO if (DEMO / "lfk.yaml").is_file() else BASE, tmp_path)
    if not (DEMO / "lfk.yaml").is_file():  # a second unit so that "only its pages" means something
        shutil.copytree(root / "units" / "county-amr", root / "units" / "county-amr2")
        u = load(root / "units" / "county-amr2" / "unit.yaml")
        u["id"] = "county-amr2"
        dump(root / "units" / "county-amr2" / "unit.yaml", u)
    out = tmp_path / "s"
    first = build_site(Register(root), out, "public")
    assert first.written and not first.skipped
    second = build_site(Register(root), out, "public")
    assert second.written == [] and second.removed == []
    assert second.skipped == first.written
    # touch one power of one unit
    reg = Register(root)
    uid = next(u for u in reg.unit_ids if any(is_public_power(a.model) for a in reg.unit(u).authorities))
    path = root / "units" / uid / "authorities.yaml"
    data = load(path)
    target = next(a for a in data["authorities"] if not a.get("internal") and a.get("disclosure") != "internal")
    target["content"] = (target.get("content") or "") + "（已修订）"
    dump(path, data)
    seen_units: list[object] = []
    from lfk.site import build as site_build

    real = site_build.UnitLinter.add

    def spy(self, ud):  # type: ignore[no-untyped-def]
        seen_units.append(ud.id)
        return real(self, ud)

    site_build.UnitLinter.add = spy  # type: ignore[method-assign]
    try:
        third = build_site(Register(root), out, "public")
    finally:
        site_build.UnitLinter.add = real  # type: ignore[method-assign]
    assert seen_units == [uid]  # only the changed unit is linted again
    assert f"units/{uid}/powers/{target['id']}.html" in third.written
    allowed = {"assets/search-index.js", "assets/search-index.json"}
    assert all(p.startswith(f"units/{uid}/") or p in allowed for p in third.written), third.written
    assert "（已修订）" in (out / "units" / uid / "powers" / f"{target['id']}.html").read_text(encoding="utf-8")
    # a page edited by hand is put back (a global page, and a page of an unchanged unit)
    (out / "index.html").write_text("x", encoding="utf-8")
    other = next(u for u in reg.unit_ids if u != uid)
    (out / "units" / other / "index.html").write_text("x", encoding="utf-8")
    fourth = build_site(Register(root), out, "public")
    assert "index.html" in fourth.written and f"units/{other}/index.html" in fourth.written
    assert all(p == "index.html" or p.startswith(f"units/{other}/") for p in fourth.written), fourth.written
    assert all_files(out)["index.html"] == all_files(tmp_path / "s")["index.html"] != b"x"
    # a removed power's page is removed
    data["authorities"] = [a for a in data["authorities"] if a is not target]
    dump(path, data)
    fifth = build_site(Register(root), out, "public")
    assert f"units/{uid}/powers/{target['id']}.html" in fifth.removed
    assert not (out / "units" / uid / "powers" / f"{target['id']}.html").exists()


def test_refuses_a_folder_that_is_not_a_site(tmp_path: Path) -> None:
    from lfk.core.errors import UsageError

    out = tmp_path / "s"
    out.mkdir()
    (out / "precious.txt").write_text("keep", encoding="utf-8")
    with pytest.raises(UsageError):
        build_site(Register(BASE), out, "public", lint=False)
    build_site(Register(BASE), out, "public", lint=False, force=True)
    assert (out / "precious.txt").read_text(encoding="utf-8") == "keep"


# -- file names come from checked ids only --------------------------------------------------------
def test_ids_that_are_not_file_names(base_register: Path, tmp_path: Path) -> None:
    path = base_register / "units" / "county-amr" / "authorities.yaml"
    data = load(path)
    for i, bad in enumerate(["../../../escaped", "..", ".hidden", "CON", "a/b", "x" * 80]):
        data["authorities"].append({"id": bad, "name": f"奇怪编码{i}", "category": "行政检查",
                                    "legal_basis": [{"law": "《某法》"}]})
    data["authorities"].append({"id": "cf-001", "name": "大小写冲突", "category": "行政检查",
                                "legal_basis": [{"law": "《某法》"}]})
    dump(path, data)
    out = tmp_path / "site" / "s"
    rep = build_site(Register(base_register), out, "public", lint=False)
    assert sorted(p.name for p in (tmp_path / "site").iterdir()) == ["s"]
    names = [p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file()]
    powers = [n for n in names if n.startswith("units/county-amr/powers/")]
    assert len(powers) == 2 + 7
    assert all(re.fullmatch(r"units/county-amr/powers/[A-Za-z0-9][A-Za-z0-9._-]*\.html", n) for n in powers)
    assert len({n.lower() for n in powers}) == len(powers)
    unit_page = (out / "units" / "county-amr" / "index.html").read_text(encoding="utf-8")
    for i in range(6):
        assert f"奇怪编码{i}" in unit_page
    assert rep.written


# -- internal extras -------------------------------------------------------------------------------
def test_internal_stale_and_overdue(tmp_path: Path) -> None:
    import datetime as dt

    out = tmp_path / "s"
    build_site(Register(BASE), out, "internal", as_of=dt.date(2028, 1, 1))
    html = (out / "units" / "county-amr" / "risks.html").read_text(encoding="utf-8")
    assert "待复核的风险点" in html and "逾期未落实的防控措施" in html
    assert "M-008" in html.split('id="overdue-h"', 1)[1]
    assert '<figure class="heat">' in html and "<title id=\"heat-title-weighted\">" in html
    overview = (out / "risks.html").read_text(encoding="utf-8")
    assert "示例县市场监督管理局" in overview
    build_site(Register(BASE), out, "internal", as_of=dt.date(2026, 4, 1))
    html = (out / "units" / "county-amr" / "risks.html").read_text(encoding="utf-8")
    assert 'id="stale-h"' not in html and 'id="overdue-h"' not in html


@pytest.mark.parametrize("method", ["matrix", "lec", "criteria"])
def test_heat_map_for_each_method(method: str, base_register: Path, tmp_path: Path) -> None:
    cfg = load(base_register / "lfk.yaml")
    if method == "matrix":
        cfg["grading"] = {"method": "matrix", "matrix": [["低", "低", "中", "中", "高"]] * 5}
    elif method == "lec":
        cfg["grading"] = {"method": "lec", "levels": {"L": {"可能": 6, "很少": 1}, "C": {"重大": 100, "一般": 15}},
                          "thresholds": {"高": 240, "中": 90}}
    else:
        cfg["grading"] = {"method": "criteria", "criteria": ["涉及人财物", "可能构成犯罪"], "thresholds": {"高": 2, "中": 1}}
    dump(base_register / "lfk.yaml", cfg)
    rpath = base_register / "units" / "county-amr" / "risks.yaml"
    risks = load(rpath)
    for r in risks["risks"]:
        if method == "matrix":
            r["factors"] = {"probability": 3, "harm": 4}
        elif method == "lec":
            r["factors"] = {"L": "可能", "C": "重大"}
        elif method == "criteria":
            r.pop("factors")
            r["criteria"] = ["涉及人财物"]
    dump(rpath, risks)
    out = tmp_path / "s"
    build_site(Register(base_register), out, "internal")
    html = (out / "units" / "county-amr" / "risks.html").read_text(encoding="utf-8")
    assert f'id="heat-title-{method}"' in html
    assert 'class="count">6</text>' in html


# -- CLI ----------------------------------------------------------------------------------------------
def test_cli(runner, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    out = tmp_path / "s"
    res = invoke(runner, "site", str(out), "--root", str(BASE), "--lang", "en")
    assert res.exit_code == 0, res.output
    assert "wrote" in res.stdout and (out / "index.html").is_file() and (out / MANIFEST).is_file()
    res = invoke(runner, "site", str(out), "--root", str(BASE), "--lang", "en")
    assert res.exit_code == 0 and "0 files" in res.stdout
    assert invoke(runner, "site", str(out), "--audience", "secret", "--root", str(BASE)).exit_code == 2
    assert invoke(runner, "site", str(out), "--base-url", "javascript:x", "--root", str(BASE)).exit_code == 2
    res = invoke(runner, "site", str(tmp_path / "i"), "--audience", "internal", "--as-of", "2026-12-01",
                 "--root", str(BASE))
    assert res.exit_code == 0 and (tmp_path / "i" / "risks.html").is_file()
    res = invoke(runner, "site", "--help")
    assert "Example:" in res.stdout


def test_cli_public_build_stops_on_lfk7_errors(runner, tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from lfk.core.finding import Finding, Severity
    from lfk.core.i18n import T
    from lfk.site import build as site_build

    calls = []

    def fake(result):  # type: ignore[no-untyped-def]
        calls.append(1)
        return [Finding("LFK701", Severity.ERROR, "units/county-amr/authorities.yaml", 3, 5,
                        T("个人手机号", "a personal mobile number"))]

    monkeypatch.setattr(site_build, "disclosure_errors", fake)
    out = tmp_path / "s"
    res = invoke(runner, "site", str(out), "--root", str(BASE), "--lang", "en")
    assert res.exit_code == 1
    assert "LFK701" in res.stdout and "authorities.yaml:3:5" in res.stdout
    assert not out.exists()
    res = invoke(runner, "site", str(out), "--root", str(BASE), "--audience", "internal")
    assert res.exit_code == 0 and len(calls) == 1  # internal builds are not stopped


def test_lfk7_lint_runs_on_the_register(base_register: Path, tmp_path: Path) -> None:
    """A real LFK7xx error (when the rules exist) stops the public build."""
    from lfk.lint import REGISTRY
    from lfk.site import PublicationBlocked

    if "LFK701" not in REGISTRY:
        import lfk.lint.rules  # noqa: F401
    if "LFK701" not in REGISTRY:
        pytest.skip("LFK701 is not implemented yet")
    path = base_register / "units" / "county-amr" / "authorities.yaml"
    data = load(path)
    data["authorities"][0]["content"] = "联系人手机 13912345678"
    dump(path, data)
    with pytest.raises(PublicationBlocked) as e:
        build_site(Register(base_register), tmp_path / "s", "public")
    assert any(f.code == "LFK701" for f in e.value.findings)


def test_incremental_equals_fresh(tmp_path: Path) -> None:
    root = copy_register(DEMO if (DEMO / "lfk.yaml").is_file() else BASE, tmp_path)
    out, fresh = tmp_path / "s", tmp_path / "fresh"
    build_site(Register(root), out, "public")
    reg = Register(root)
    uid = reg.unit_ids[-1]
    path = root / "units" / uid / "unit.yaml"
    unit = load(path)
    unit["name"] = unit["name"] + "（更名）"
    dump(path, unit)
    again = build_site(Register(root), out, "public")
    assert "index.html" in again.written and f"units/{uid}/index.html" in again.written
    build_site(Register(root), fresh, "public")
    assert all_files(out) == all_files(fresh)


def test_monitor_page_internal_only(runner, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    pytest.importorskip("lfk.monitor")
    events = BASE.parent / "events"
    logs = [str(events / "penalty.csv"), str(events / "license.csv")]
    out = tmp_path / "i"
    rep = build_site(Register(BASE), out, "internal", events=logs)
    assert "monitor.html" in rep.written
    html = (out / "monitor.html").read_text(encoding="utf-8")
    assert "电子监察预警" in html and "红牌" in html and "L-HOLIDAY" in html
    assert 'href="monitor.html"' in (out / "index.html").read_text(encoding="utf-8")
    from lfk.core.errors import UsageError

    with pytest.raises(UsageError):
        build_site(Register(BASE), tmp_path / "p", "public", events=logs)
    res = invoke(runner, "site", str(tmp_path / "p2"), "--root", str(BASE), "--events", logs[0])
    assert res.exit_code == 2
    res = invoke(runner, "site", str(tmp_path / "i2"), "--root", str(BASE), "--audience", "internal",
                 "--events", logs[0], "--events", logs[1])
    assert res.exit_code == 0 and (tmp_path / "i2" / "monitor.html").is_file()


def test_public_site_never_shows_extra_or_responsible(tmp_path: Path) -> None:
    """Imported `extra:` cells and the `responsible:` chain stay internal, on every item of every unit."""
    root = copy_register(BASE, tmp_path)
    marker = "QXEXTRAQX"
    for path in (root / "units").rglob("*.yaml"):
        doc = yaml.safe_load(path.read_text(encoding="utf-8"))
        if not isinstance(doc, dict):
            continue
        for key in ("authorities", "risks", "measures"):
            for item in doc.get(key) or []:
                item["extra"] = {"备注": f"{marker}-{key}"}
                if key == "risks":
                    item["responsible"] = {"leader": f"{marker}-leader", "department_head": f"{marker}-head"}
        for item in doc.get("items") or []:
            item["extra"] = {"备注": f"{marker}-benchmark"}
        path.write_text(yaml.safe_dump(doc, allow_unicode=True, sort_keys=False), encoding="utf-8")
    reg = Register(root)
    assert not [f for f in reg.all_findings_of_loading() if f.severity.value == "error"]
    assert any(r.model.extra for r in reg.unit("county-amr").risks)  # the markers are in the register
    build_site(Register(root), tmp_path / "pub", "public", lint=False)
    files = all_files(tmp_path / "pub")
    assert len(files) > 5
    for rel, data in files.items():
        assert marker.encode() not in data, f"extra/responsible leaked into {rel}"
