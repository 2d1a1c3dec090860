"""``lfk diff`` on the command line: defaults, formats, filters, exit codes, bad and option-like revisions."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tests.conftest import invoke
from tests.unit.diff.test_diff import UNIT, Repo


@pytest.fixture
def repo(tmp_path: Path) -> Repo:
    r = Repo(tmp_path / "repo")
    r.commit("v2025")
    r.sub(f"{UNIT}/risks.yaml", "grade: 低", "grade: 中")
    r.sub(f"{UNIT}/measures.yaml", "status: 实施中", "status: 已落实")
    r.commit("v2026")
    return r


def run(runner: CliRunner, repo: Repo, *args: str):  # type: ignore[no-untyped-def]
    return invoke(runner, "diff", "--root", str(repo.root), *args)


def test_default_is_the_two_newest_tags(runner: CliRunner, repo: Repo) -> None:
    repo.sub(f"{UNIT}/authorities.yaml", "name: 食品经营许可\n", "name: 食品经营许可证核发\n")  # uncommitted: not shown
    res = run(runner, repo, "--format", "json", "--lang", "en")
    assert res.exit_code == 0, res.output
    data = json.loads(res.stdout)
    assert (data["a"]["rev"], data["b"]["rev"]) == ("v2025", "v2026")
    assert {(c["kind"], c["id"]) for c in data["changes"]} == {("risks", "R-005"), ("measures", "M-008")}


def test_default_without_two_tags_is_head_1_and_the_working_tree(runner: CliRunner, tmp_path: Path) -> None:
    repo = Repo(tmp_path / "one")
    repo.commit("v1")
    repo.sub(f"{UNIT}/measures.yaml", "status: 实施中", "status: 已落实")
    repo.commit()
    repo.sub(f"{UNIT}/risks.yaml", "grade: 低", "grade: 中")  # uncommitted
    data = json.loads(run(runner, repo, "-f", "json").stdout)
    assert data["a"]["rev"] == "HEAD~1" and data["b"] == {"rev": None, "commit": None, "label": "working tree"}
    assert {c["id"] for c in data["changes"]} == {"M-008", "R-005"}


def test_single_commit_without_tags_is_that_commit_and_the_working_tree(runner: CliRunner, tmp_path: Path) -> None:
    """A register just put in git has no HEAD~1: the default compares its one commit with the working tree, as
    ``git diff`` does, and says so in the header."""
    repo = Repo(tmp_path / "single")
    repo.commit()
    repo.sub(f"{UNIT}/risks.yaml", "grade: 低", "grade: 中")  # uncommitted
    data = json.loads(run(runner, repo, "-f", "json").stdout)
    assert data["a"]["rev"] == "HEAD" and data["b"]["rev"] is None
    assert {c["id"] for c in data["changes"]} == {"R-005"}
    res = run(runner, repo, "--lang", "zh")
    assert res.exit_code == 0 and res.stdout.startswith("lfk diff HEAD (")


def test_a_repository_without_commits_is_a_clear_error(runner: CliRunner, tmp_path: Path) -> None:
    repo = Repo(tmp_path / "empty")
    res = run(runner, repo)
    assert res.exit_code == 2 and "Traceback" not in res.output
    assert "HEAD" in res.stderr and len(res.stderr.strip().splitlines()) == 1


def test_exit_code_option(runner: CliRunner, repo: Repo) -> None:
    assert run(runner, repo, "v2025", "v2026", "--exit-code").exit_code == 1
    assert run(runner, repo, "v2026", "v2026", "--exit-code").exit_code == 0
    assert run(runner, repo, "v2025", "v2026").exit_code == 0
    assert run(runner, repo, "v2025", "v2026", "--exit-code", "--kind", "flows").exit_code == 0


@pytest.mark.parametrize("bad", ["nope", "v2025..v2026", "HEAD~99", "-x", "--output=PWNED", "--help", "-h", "HEAD:lfk.yaml",
                                 "v2025\nHEAD"])
def test_bad_and_option_like_revisions(runner: CliRunner, repo: Repo, bad: str) -> None:
    before = repo.state()
    res = run(runner, repo, "--", bad, "v2026")
    assert res.exit_code == 2
    lines = res.stderr.strip().splitlines()
    assert len(lines) == 1 and "bad revision" in lines[0]
    res = run(runner, repo, "v2025", "--", bad)
    assert res.exit_code == 2 and "bad revision" in res.stderr
    assert not (repo.top / "PWNED").exists() and not Path("PWNED").exists()
    assert repo.state() == before


def test_option_looking_argument_without_double_dash_is_a_usage_error(runner: CliRunner, repo: Repo) -> None:
    res = run(runner, repo, "--output=x", "v2026")
    assert res.exit_code == 2


def test_text_markdown_and_html_outputs(runner: CliRunner, repo: Repo, tmp_path: Path) -> None:
    before = repo.state()
    text = run(runner, repo, "v2025", "v2026", "--lang", "zh")
    assert text.exit_code == 0
    assert "\x1b[" not in text.stdout  # plain when piped
    assert "== 示例县市场监督管理局 (county-amr) ==" in text.stdout and "撤销" not in text.stdout
    assert "审定等级 低 → 中 升级 ↑（原因：仅调整审定等级）" in text.stdout
    md = run(runner, repo, "v2025", "v2026", "-f", "markdown", "--lang", "en")
    assert md.stdout.startswith("## lfk diff v2025") and "| risks | 0 | 0 | 1 | 0 | 0 |" in md.stdout
    out = tmp_path / "report.html"
    res = run(runner, repo, "v2025", "v2026", "-f", "html", "--out", str(out), "--lang", "zh")
    assert res.exit_code == 0 and res.stdout == ""
    html = out.read_text(encoding="utf-8")
    assert "廉政风险防控登记册动态调整报告" in html and "落实情况(status): 实施中 → 已落实" in html
    assert repo.state() == before


def test_unit_and_kind_filters(runner: CliRunner, repo: Repo) -> None:
    data = json.loads(run(runner, repo, "v2025", "v2026", "-f", "json", "--kind", "measures").stdout)
    assert [c["id"] for c in data["changes"]] == ["M-008"] and data["filters"]["kinds"] == ["measures"]
    data = json.loads(run(runner, repo, "v2025", "v2026", "-f", "json", "--unit", "county-amr", "-k", "risks,measures").stdout)
    assert len(data["changes"]) == 2
    res = run(runner, repo, "v2025", "v2026", "--unit", "no-such-unit")
    assert res.exit_code == 2 and "no-such-unit" in res.stderr
    res = run(runner, repo, "v2025", "v2026", "--kind", "bogus")
    assert res.exit_code == 2 and "bogus" in res.stderr
    res = run(runner, repo, "v2025", "v2026", "--format", "xml")
    assert res.exit_code == 2


def test_not_a_git_repository(runner: CliRunner, base_register: Path) -> None:
    res = invoke(runner, "diff", "--root", str(base_register))
    assert res.exit_code == 2 and "git" in res.stderr


def test_help_shows_an_example(runner: CliRunner) -> None:
    res = invoke(runner, "diff", "--help")
    assert res.exit_code == 0 and "Example: lfk diff" in res.stdout
