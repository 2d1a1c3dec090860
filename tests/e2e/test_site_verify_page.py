"""verify.html: the public site checks its own files against lfk-publication.json in the browser, offline.

Headless chromium opens the page from file:// with background networking off. Without
``--allow-file-access-from-files`` the page may not read its folder's other files and asks for the
folder (the manifest's SHA-256 is still computed and shown); with it, the page reads them and verifies,
and a tampered copy fails with the altered file named.
"""

from __future__ import annotations

import hashlib
import json
import re
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from lfk.register import Register
from lfk.site import build_site
from lfk.site.publication import PUBLICATION_JS, publication_script
from tests.conftest import AS_OF, DEMO, invoke
from tests.e2e.test_site_browser import CHROMIUM, chromium, url

browser = pytest.mark.skipif(CHROMIUM is None, reason="chromium is not installed (apt-get install chromium)")
STATE = re.compile(r'id="verify-status"[^>]*data-state="([^"]+)"')


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("verify-page") / "public"
    build_site(Register(DEMO), out, "public", lint=False)
    return out


def _dom(tmp: Path, page: Path, *flags: str) -> str:
    res = chromium(tmp, url(page), "--virtual-time-budget=15000", *flags, "--dump-dom")
    return res.stdout


def test_the_page_and_its_script_are_published_and_listed(site: Path, runner: CliRunner) -> None:
    manifest = json.loads((site / "lfk-publication.json").read_text(encoding="utf-8"))
    assert "verify.html" in manifest["files"] and "assets/verify.js" in manifest["files"]
    script = (site / PUBLICATION_JS).read_text(encoding="utf-8")
    assert script == publication_script((site / "lfk-publication.json").read_text(encoding="utf-8"))
    assert 'href="verify.html"' in (site / "index.html").read_text(encoding="utf-8")
    html = (site / "verify.html").read_text(encoding="utf-8")
    assert "核验本网站" in html and "lfk verify-site" in html
    assert "://" not in html  # nothing from another host: the page works offline
    r = invoke(runner, "verify-site", str(site), "--offline")
    assert r.exit_code == 0, r.output


def test_an_altered_manifest_script_fails_verify_site(site: Path, tmp_path: Path, runner: CliRunner) -> None:
    copy = tmp_path / "copy"
    shutil.copytree(site, copy)
    js = copy / PUBLICATION_JS
    js.write_text(js.read_text(encoding="utf-8").replace("lfk-publication/1", "lfk-publication/2", 1), encoding="utf-8")
    r = invoke(runner, "verify-site", str(copy), "--offline")
    assert r.exit_code == 1 and "VER011" in r.output


def test_the_english_site_has_an_english_verify_page(tmp_path: Path) -> None:
    out = tmp_path / "en"
    build_site(Register(DEMO), out, "public", lint=False, lang="en")
    html = (out / "verify.html").read_text(encoding="utf-8")
    assert "Verify this site" in html and "Verified: all {n} files match" in html


@browser
def test_from_file_the_page_shows_the_manifest_digest_and_asks_for_the_folder(site: Path, tmp_path: Path) -> None:
    dom = _dom(tmp_path, site / "verify.html")
    assert STATE.search(dom) and STATE.search(dom).group(1) == "needs-folder"  # type: ignore[union-attr]
    digest = hashlib.sha256((site / "lfk-publication.json").read_bytes()).hexdigest()
    assert f'id="verify-manifest">{digest}<' in dom
    assert 'id="verify-pick"' in dom and 'id="verify-pick" hidden' not in dom


@browser
def test_when_the_browser_may_read_the_folder_the_site_verifies_and_a_tampered_copy_fails(site: Path, tmp_path: Path) -> None:
    dom = _dom(tmp_path, site / "verify.html", "--allow-file-access-from-files")
    assert STATE.search(dom).group(1) == "ok", dom[-2000:]  # type: ignore[union-attr]
    copy = tmp_path / "tampered"
    shutil.copytree(site, copy)
    page = sorted(copy.glob("units/*/powers/*.html"))[0]
    page.write_text(page.read_text(encoding="utf-8").replace("罚款", "警告", 1) + " ", encoding="utf-8")
    gone = sorted(copy.glob("units/*/index.html"))[0]
    gone.unlink()
    dom = _dom(tmp_path, copy / "verify.html", "--allow-file-access-from-files")
    assert STATE.search(dom).group(1) == "failed"  # type: ignore[union-attr]
    rel = page.relative_to(copy).as_posix()
    assert f'<li data-problem="altered">被修改: {rel}</li>' in dom
    assert f'<li data-problem="missing">缺失: {gone.relative_to(copy).as_posix()}</li>' in dom


@browser
def test_the_fallback_sha256_agrees_with_hashlib(site: Path, tmp_path: Path) -> None:
    samples = ["", "abc", "a" * 55, "a" * 56, "a" * 64, "廉政风险防控" * 40]
    page = site / "sha-test.html"
    page.write_text(
        '<!DOCTYPE html><meta charset="utf-8"><p id="verify-status"></p><ol id="verify-problems"></ol>'
        '<script>window.LFK_PUBLICATION = "{\\"files\\": {}}";</script><script src="assets/verify.js"></script>'
        "<script>var out = [];" + "".join(
            f"out.push(window.lfkSha256(new TextEncoder().encode({json.dumps(s)})));" for s in samples)
        + 'var p = document.createElement("pre"); p.id = "sums"; p.textContent = out.join(","); document.body.appendChild(p);'
        "</script>", encoding="utf-8")
    try:
        dom = _dom(tmp_path, page)
    finally:
        page.unlink()
    got = re.search(r'<pre id="sums">([^<]*)</pre>', dom)
    assert got is not None
    assert got.group(1).split(",") == [hashlib.sha256(s.encode("utf-8")).hexdigest() for s in samples]


def test_the_verify_page_is_in_a_site_built_on_a_baseline(tmp_path: Path, runner: CliRunner) -> None:
    root = tmp_path / "registers-town"
    shutil.copytree(DEMO.parent / "registers-baseline", tmp_path / "registers-baseline")
    shutil.copytree(DEMO.parent / "registers-town", root)
    r = invoke(runner, "site", str(tmp_path / "s"), "--root", str(root), "--audience", "public", "--as-of", AS_OF, "--quiet")
    assert r.exit_code == 0, r.output
    assert (tmp_path / "s" / "verify.html").is_file() and (tmp_path / "s" / PUBLICATION_JS).is_file()
