"""The register as it stood: ``--rev`` / ``--at`` on grade, score, export, site and render; ``lfk log``; ``lfk trend``."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from lfk.core.git import GitRepo
from lfk.history import register_at, resolve
from lfk.history.log import item_history
from tests.conftest import invoke
from tests.unit.diff.test_diff import UNIT, Repo

OLD_NAME = "name: 食品经营许可\n"
NEW_NAME = "name: 食品经营许可证核发\n"


@pytest.fixture
def repo(tmp_path: Path) -> Repo:
    """v2025 (committed 2026-01-01), v2026 (2026-01-02: a factor raised, a power renamed), then work in progress."""
    r = Repo(tmp_path / "repo")
    r.commit("v2025", "2025 register")
    r.sub(f"{UNIT}/risks.yaml", "factors: {importance: 4, discretion: 4, probability: 3, harm: 4}",
          "factors: {importance: 4, discretion: 4, probability: 3, harm: 5}")
    r.sub(f"{UNIT}/authorities.yaml", OLD_NAME, NEW_NAME)
    r.commit("v2026", "2026 review")
    return r


def test_rev_reads_git_objects_not_the_working_tree(runner: CliRunner, repo: Repo) -> None:
    at_tag = invoke(runner, "export", "--root", str(repo.root), "--format", "json", "--rev", "v2025")
    assert at_tag.exit_code == 0, at_tag.output
    repo.sub(f"{UNIT}/authorities.yaml", NEW_NAME, "name: 正在编辑的名称\n")  # uncommitted
    before = repo.state()
    again = invoke(runner, "export", "--root", str(repo.root), "--format", "json", "--rev", "v2025")
    assert again.stdout == at_tag.stdout
    assert "食品经营许可\"" in at_tag.stdout and "正在编辑的名称" not in at_tag.stdout
    now = invoke(runner, "export", "--root", str(repo.root), "--format", "json")
    assert "正在编辑的名称" in now.stdout
    assert repo.state() == before  # nothing checked out, no index written


def test_at_is_the_last_commit_on_or_before_the_date(repo: Repo) -> None:
    git = GitRepo(repo.root)
    assert resolve(git, None, "2026-01-01").commit == git.commit("v2025")
    assert resolve(git, None, "2026-01-05").commit == git.commit("v2026")
    reg, rev = register_at(repo.root, None, "2026-01-01")
    assert rev.date.startswith("2026-01-01") and rev.author == "Tester"
    names = [a.model.name for a in reg.unit("county-amr").authorities]
    assert "食品经营许可" in names and "食品经营许可证核发" not in names


@pytest.mark.parametrize("args", [
    ("score", "--at", "2025-06-30"),             # before the first commit
    ("score", "--at", "yesterday"),              # not a date
    ("grade", "--rev", "no-such-tag"),
    ("grade", "--rev", "v2025", "--write"),      # a past revision is read-only
    ("score", "--rev", "--all"),                 # never taken as an option of git
])
def test_bad_revisions_are_usage_errors(runner: CliRunner, repo: Repo, args: tuple[str, ...]) -> None:
    res = invoke(runner, *args, "--root", str(repo.root))
    assert res.exit_code == 2
    assert "Traceback" not in res.output and res.stderr.startswith("lfk: ")


def test_grade_and_score_at_a_tag(runner: CliRunner, repo: Repo) -> None:
    old = json.loads(invoke(runner, "grade", "--root", str(repo.root), "-f", "json", "--rev", "v2025").stdout)
    new = json.loads(invoke(runner, "grade", "--root", str(repo.root), "-f", "json").stdout)
    factor = {r["risk"]: r for u in old["units"] for r in u["risks"]}["R-001"]
    factor_new = {r["risk"]: r for u in new["units"] for r in u["risks"]}["R-001"]
    assert factor != factor_new
    score = invoke(runner, "score", "--root", str(repo.root), "-f", "json", "--at", "2026-01-01", "--as-of", "2026-12-01")
    assert score.exit_code == 0 and json.loads(score.stdout)["units"][0]["unit"] == "county-amr"


def test_site_and_render_at_a_tag(runner: CliRunner, repo: Repo, tmp_path: Path) -> None:
    out = tmp_path / "site"
    res = invoke(runner, "site", str(out), "--root", str(repo.root), "--rev", "v2025", "--quiet")
    assert res.exit_code == 0, res.output
    pages = "".join(p.read_text(encoding="utf-8") for p in out.rglob("*.html"))
    assert "食品经营许可证核发" not in pages and "食品经营许可" in pages
    assert "2026-01-01" in pages  # the data date is the tag's commit date, not the last commit's
    flows = tmp_path / "flows"
    res = invoke(runner, "render", "--root", str(repo.root), "--rev", "v2025", "--format", "dot", "--out", str(flows))
    assert res.exit_code == 0 and list(flows.rglob("*.dot"))


def test_log_follows_changes_moves_and_renames(runner: CliRunner, repo: Repo) -> None:
    text = repo.read(f"{UNIT}/risks.yaml").replace("  - id: R-001\n", "  - id: R-101\n", 1)
    repo.write(f"{UNIT}/risks.yaml", text)
    repo.commit(None, "renumber R-001")
    repo.sub(f"{UNIT}/risks.yaml", "    title: 调查取证中选择性取证、隐匿证据\n", "    title: 调查取证中选择性取证\n")
    repo.commit(None, "shorter title")
    hist = item_history(repo.root, "R-001", unit="county-amr")
    actions = [(e.action, e.id, e.revision.subject) for e in hist.events]
    assert actions == [("added", "R-001", "2025 register"), ("changed", "R-001", "2026 review"),
                       ("renamed", "R-101", "renumber R-001"), ("changed", "R-101", "shorter title")]
    change = hist.events[1].changes
    assert [(c.field, c.old, c.new) for c in change] == [("factors.harm", 4, 5)]
    assert hist.events[0].rel == f"{UNIT}/risks.yaml" and hist.events[0].line == 2
    res = invoke(runner, "log", "county-amr/R-001", "--root", str(repo.root), "--format", "json")
    data = json.loads(res.stdout)
    assert res.exit_code == 0 and data["format"] == "lfk-log/1"
    assert {"commit", "date", "author", "subject", "action", "unit", "kind", "id", "file", "line", "changes"} <= set(data["events"][0])
    assert data["events"][2]["before"] == "R-001"
    txt = invoke(runner, "log", "R-001", "--root", str(repo.root), "--lang", "en")
    assert "factors.harm: 4 → 5" in txt.stdout and "renamed R-001 → R-101" in txt.stdout


def test_log_follows_a_unit_folder_move_and_reports_unknown_ids(runner: CliRunner, repo: Repo) -> None:
    (repo.root / "units" / "county-amr").rename(repo.root / "units" / "amr")
    repo.commit(None, "rename the unit folder")
    hist = item_history(repo.root, "F-penalty", kind="flows")
    assert [e.action for e in hist.events][-1] == "moved" and hist.events[-1].before == "county-amr"
    res = invoke(runner, "log", "NO-SUCH", "--root", str(repo.root))
    assert res.exit_code == 1


def test_trend_per_tag(runner: CliRunner, repo: Repo) -> None:
    res = invoke(runner, "trend", "--root", str(repo.root), "--format", "json")
    assert res.exit_code == 0, res.output
    rows = json.loads(res.stdout)["revisions"]
    assert [r["rev"] for r in rows] == ["v2025", "v2026"]
    assert all(set(r["counts"]) == {"高", "中", "低"} and "county-amr" in r["scores"] for r in rows)
    assert rows[0]["date"].startswith("2026-01-01")
    text = invoke(runner, "trend", "--root", str(repo.root), "--lang", "zh").stdout
    assert "平均分" in text and "v2025" in text


# -- verifiable publication --------------------------------------------------------------------------
def _verify(runner: CliRunner, site: Path, *args: str):  # type: ignore[no-untyped-def]
    return invoke(runner, "verify-site", str(site), "--lang", "en", *args)


def test_a_site_built_from_a_tag_verifies_and_a_tampered_copy_fails(runner: CliRunner, repo: Repo, tmp_path: Path) -> None:
    import shutil

    site = tmp_path / "site"
    assert invoke(runner, "site", str(site), "--root", str(repo.root), "--rev", "v2025", "-q").exit_code == 0
    doc = json.loads((site / "lfk-publication.json").read_text(encoding="utf-8"))
    assert doc["revision"]["rev"] == "v2025" and doc["revision"]["commit"] == GitRepo(repo.root).commit("v2025")
    assert doc["build"]["audience"] == "public" and "index.html" in doc["files"]
    assert {i["kind"] for i in doc["items"]} == {"authorities", "flows", "benchmarks"}
    ok = _verify(runner, site, "--root", str(repo.root), "--format", "json")
    assert ok.exit_code == 0, ok.output
    assert json.loads(ok.stdout)["summary"]["rebuilt"] is True

    # a page altered after publication: caught offline, without the register
    altered = tmp_path / "altered"
    shutil.copytree(site, altered)
    page = next(p for p in sorted(altered.rglob("*.html")) if "食品经营许可" in p.read_text(encoding="utf-8"))
    page.write_text(page.read_text(encoding="utf-8").replace("食品经营许可", "食品经营备案"), encoding="utf-8")
    bad = _verify(runner, altered, "--offline")
    assert bad.exit_code == 1 and "VER002" in bad.stdout

    # the same change with the manifest's digest forged to match: only the rebuild catches it
    forged = json.loads((altered / "lfk-publication.json").read_text(encoding="utf-8"))
    rel = page.relative_to(altered).as_posix()
    import hashlib

    forged["files"][rel] = hashlib.sha256(page.read_bytes()).hexdigest()
    (altered / "lfk-publication.json").write_text(json.dumps(forged, ensure_ascii=False), encoding="utf-8")
    half = _verify(runner, altered, "--offline")  # lfk-publication.js (what verify.html reads) still has the old one
    assert half.exit_code == 1 and "VER011" in half.stdout
    from lfk.site.publication import publication_script

    (altered / "lfk-publication.js").write_text(
        publication_script((altered / "lfk-publication.json").read_text(encoding="utf-8")), encoding="utf-8")
    assert _verify(runner, altered, "--offline").exit_code == 0
    res = _verify(runner, altered, "--root", str(repo.root))
    assert res.exit_code == 1 and f"{rel}:1:1: VER006" in res.stdout

    # an added file and a removed one
    extra = tmp_path / "extra"
    shutil.copytree(site, extra)
    (extra / "units" / "note.html").write_text("<p>x</p>", encoding="utf-8")
    (extra / "search.html").unlink()
    out = _verify(runner, extra, "--offline").stdout
    assert "VER004" in out and "VER003" in out


def test_verify_needs_a_revision_and_a_signed_tag(runner: CliRunner, repo: Repo, tmp_path: Path) -> None:
    site = tmp_path / "site"
    repo.sub(f"{UNIT}/authorities.yaml", NEW_NAME, "name: 尚未提交\n")
    assert invoke(runner, "site", str(site), "--root", str(repo.root), "-q").exit_code == 0
    assert json.loads((site / "lfk-publication.json").read_text(encoding="utf-8"))["revision"] is None
    res = _verify(runner, site, "--root", str(repo.root))
    assert res.exit_code == 1 and "VER005" in res.stdout
    tagged = tmp_path / "tagged"
    assert invoke(runner, "site", str(tagged), "--root", str(repo.root), "--rev", "v2025", "-q").exit_code == 0
    assert "VER008" in _verify(runner, tagged, "--root", str(repo.root), "--tag", "v2026").stdout
    unsigned = _verify(runner, tagged, "--root", str(repo.root), "--tag", "v2025")
    assert unsigned.exit_code == 1 and "VER009" in unsigned.stdout  # a lightweight tag carries no signature
    assert _verify(runner, tmp_path / "nothing-here").exit_code == 2


# -- law-change impact -------------------------------------------------------------------------------
def test_impact_lists_every_citation_with_file_and_line(runner: CliRunner, repo: Repo) -> None:
    res = invoke(runner, "impact", "《中华人民共和国食品安全法》", "--root", str(repo.root), "--format", "json")
    data = json.loads(res.stdout)
    got = {(c["kind"], c["item"], c["file"], c["line"]) for c in data["citations"]}
    assert ("authorities", "CF-001", f"{UNIT}/authorities.yaml", 8) in got
    assert ("authorities", "XK-001", f"{UNIT}/authorities.yaml", 19) in got
    assert ("benchmarks", "CF-001", f"{UNIT}/benchmarks/CF-001.yaml", 4) in got
    assert data["units"] == {"county-amr": len(data["citations"])}
    one = invoke(runner, "impact", "中华人民共和国食品安全法", "--article", "第一百二十二条", "--root", str(repo.root), "--format", "json")
    assert {c["item"] for c in json.loads(one.stdout)["citations"]} == {"CF-001"}
    none = invoke(runner, "impact", "《中华人民共和国行政处罚法》", "--root", str(repo.root), "--lang", "en")
    assert none.exit_code == 0 and "0 citation(s) in 0 unit(s)" in none.stdout


def test_impact_since_a_revision_lists_new_and_changed_citations(runner: CliRunner, repo: Repo) -> None:
    repo.sub(f"{UNIT}/authorities.yaml", "{law: 《中华人民共和国食品安全法》, article: 第三十五条}",
             "{law: 《中华人民共和国食品安全法》, article: 第三十六条}")
    repo.commit(None, "article renumbered")
    res = invoke(runner, "impact", "《中华人民共和国食品安全法》", "--since", "v2026", "--root", str(repo.root), "--format", "json")
    assert [(c["item"], c["text"]) for c in json.loads(res.stdout)["citations"]] == [("XK-001", "《中华人民共和国食品安全法》第三十六条")]
    assert invoke(runner, "impact", "x", "--since", "nope", "--root", str(repo.root)).exit_code == 2


def test_score_rolls_up_several_registers(runner: CliRunner, repo: Repo, tmp_path: Path) -> None:
    import shutil

    other = tmp_path / "other"
    shutil.copytree(repo.root, other)
    (other / "units" / "county-amr").rename(other / "units" / "town-amr")
    res = invoke(runner, "score", "--root", str(repo.root), "--also", str(other), "--also", str(repo.root),
                 "--as-of", "2026-12-01", "--format", "json")
    assert res.exit_code == 0, res.output
    cards = json.loads(res.stdout)["units"]
    assert sorted(c["unit"] for c in cards) == ["registers/county-amr", "registers/county-amr", "town-amr"]
    assert [c["rank"] for c in cards] == sorted(c["rank"] for c in cards)
    assert invoke(runner, "score", "--root", str(repo.root), "--also", str(tmp_path / "none")).exit_code == 2
