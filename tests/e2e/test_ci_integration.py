"""CI integration: the pre-commit hooks against a temporary register repository, and the commands of the
documented GitHub Actions and GitLab CI recipes, run as written against a real git repository."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
import yaml

from tests.conftest import BASE, REPO

BIN = Path(sys.executable).parent
GIT_ENV = {"GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.invalid", "GIT_COMMITTER_NAME": "t",
           "GIT_COMMITTER_EMAIL": "t@example.invalid"}


def sh(cmd: list[str], cwd: Path, env: dict[str, str] | None = None, check: bool = True) -> subprocess.CompletedProcess[str]:
    full_env = {**os.environ, **GIT_ENV, "PATH": f"{BIN}:{os.environ.get('PATH', '')}", **(env or {})}
    p = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, env=full_env, timeout=900)
    if check and p.returncode != 0:
        raise AssertionError(f"{cmd} exited {p.returncode}:\n{p.stdout[-2000:]}\n{p.stderr[-2000:]}")
    return p


@pytest.fixture
def register_repo(tmp_path: Path) -> Path:
    """A register repository with two commits: base, then a changed grade and a new measure."""
    repo = tmp_path / "repo"
    shutil.copytree(BASE, repo)
    sh(["git", "init", "-q", "-b", "main"], repo)
    sh(["git", "add", "-A"], repo)
    sh(["git", "commit", "-qm", "2025 register"], repo)
    sh(["git", "tag", "v2025"], repo)
    p = repo / "units/county-amr/measures.yaml"
    p.write_text(p.read_text(encoding="utf-8") + "  - id: M-009\n    risks: [R-003]\n    kind: 监督检查\n"
                 "    description: 每季度抽查许可案卷。\n    owner: P-deputy-admin\n    due: 2027-03-31\n"
                 "    status: 计划\n    effect: 未评估\n", encoding="utf-8")
    sh(["git", "commit", "-qam", "2026 review"], repo)
    sh(["git", "tag", "v2026"], repo)
    return repo


def test_pre_commit_hooks(register_repo: Path, tmp_path: Path) -> None:
    pre_commit = BIN / "pre-commit"
    if not pre_commit.exists():
        pytest.fail("pre-commit is not installed (it is in the dev extras)")
    sh([str(BIN / "lfk"), "schema", "--out", "schemas"], register_repo)
    sh(["git", "add", "-A"], register_repo)
    sh(["git", "commit", "-qm", "schemas"], register_repo)
    env = {"PRE_COMMIT_HOME": str(tmp_path / "pre-commit-home")}
    hooks = [h["id"] for h in yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))]
    assert hooks == ["lfk-lint", "lfk-grade-check", "lfk-schema-check"]
    for hook in hooks:
        p = sh([str(pre_commit), "try-repo", str(REPO), hook, "--all-files"], register_repo, env=env, check=False)
        assert p.returncode == 0, f"{hook}: {p.stdout[-3000:]}"
    risks = register_repo / "units/county-amr/risks.yaml"
    risks.write_text(risks.read_text(encoding="utf-8").replace("grade: 中", "grade: 低", 1), encoding="utf-8")
    (register_repo / "schemas" / "risks.schema.json").write_text("{}", encoding="utf-8")
    for hook in hooks:
        p = sh([str(pre_commit), "try-repo", str(REPO), hook, "--all-files"], register_repo, env=env, check=False)
        assert p.returncode == 1, f"{hook} should fail on a drifted register: {p.stdout[-2000:]}"


SHIMS = {
    # pip: the recipe installs lfk from the tools/lfk submodule (a clone of this checkout, at the commit the
    # register repository pins); lfk itself is already installed in the test's environment, so the shim
    # checks what would be installed and downloads nothing.
    "pip": ('echo "$@" >> "$SHIM_LOG"; [ "$1" = install ] && [ "$2" = ./tools/lfk ] && [ "$#" = 2 ] '
            '&& grep -q \'^name = "lfk"\' "$2/pyproject.toml" && git submodule status tools/lfk | grep -q "^ "'),
    "gh": 'echo "gh $*" >> "$SHIM_LOG"',
}


@pytest.fixture
def pr_repo(tmp_path: Path) -> Path:
    """A repository as CI checks it out: the register in ``registers/``, ``origin/main`` holding last
    year's register, HEAD a pull-request branch that adds measure M-009."""
    origin = tmp_path / "origin.git"
    sh(["git", "init", "-q", "--bare", "-b", "main", str(origin)], tmp_path)
    top = tmp_path / "work"
    shutil.copytree(BASE, top / "registers")
    sh(["git", "init", "-q", "-b", "main"], top)
    sh(["git", "remote", "add", "origin", str(origin)], top)
    # lfk's source as the recipes want it: a submodule at tools/lfk (what the checkout step brings)
    sh(["git", "clone", "-q", "--depth", "1", REPO.as_uri(), str(tmp_path / "lfk.git")], tmp_path)
    sh(["git", "-c", "protocol.file.allow=always", "submodule", "add", "-q", (tmp_path / "lfk.git").as_uri(),
        "tools/lfk"], top)
    sh(["git", "add", "-A"], top)
    sh(["git", "commit", "-qm", "2025 register"], top)
    sh(["git", "push", "-q", "origin", "main"], top)
    sh(["git", "checkout", "-qb", "pr"], top)
    p = top / "registers/units/county-amr/measures.yaml"
    p.write_text(p.read_text(encoding="utf-8") + "  - id: M-009\n    risks: [R-003]\n    kind: 监督检查\n"
                 "    description: 每季度抽查许可案卷。\n    owner: P-deputy-admin\n    due: 2027-03-31\n"
                 "    status: 计划\n    effect: 未评估\n", encoding="utf-8")
    sh(["git", "commit", "-qam", "2026 review"], top)
    sh(["git", "fetch", "-q", "origin"], top)
    return top


def _shim_env(top: Path) -> dict[str, str]:
    shims = top.parent / "shims"
    shims.mkdir(exist_ok=True)
    for name, body in SHIMS.items():
        f = shims / name
        f.write_text(f"#!/bin/bash\n{body}\n", encoding="utf-8")
        f.chmod(0o755)
    return {"PATH": f"{shims}:{BIN}:{os.environ.get('PATH', '')}", "SHIM_LOG": str(top.parent / "shim.log"),
            "LFK_CACHE_DIR": str(top.parent / "cache"), "LFK_LANG": "en"}


def _break_a_grade(top: Path) -> None:
    p = top / "registers/units/county-amr/risks.yaml"
    p.write_text(p.read_text(encoding="utf-8").replace("owner: P-director", "owner: P-nobody", 1), encoding="utf-8")
    sh(["git", "commit", "-qam", "a bad owner"], top)


def _gh_condition(expr: str | None, failed: bool, top: Path) -> bool:
    """The few expressions the recipe uses: always(), github.event_name == '...', hashFiles('f') != ''."""
    if not expr:
        return not failed
    ok = True
    mentions_always = False
    for part in (p.strip() for p in expr.split("&&")):
        if part == "always()":
            mentions_always = True
        elif m := re.fullmatch(r"github\.event_name == '(\w+)'", part):
            ok = ok and m.group(1) == "pull_request"
        elif m := re.fullmatch(r"hashFiles\('([^']+)'\) != ''", part):
            ok = ok and (top / m.group(1)).is_file()
        else:
            raise AssertionError(f"recipe condition the test runner does not know: {part!r}")
    return ok and (mentions_always or not failed)


def _run_github_job(top: Path) -> tuple[bool, dict[str, int | None]]:
    """Run the recipe's job as the Actions runner does: each `run:` step under `bash -e -o pipefail`,
    skipped after a failure unless its `if:` says always(); `uses:` steps are recorded, not run."""
    doc = yaml.safe_load((REPO / "docs/ci/github-actions.yml").read_text(encoding="utf-8"))
    env = {**{k: str(v) for k, v in doc.get("env", {}).items()}, **_shim_env(top), "GITHUB_ACTIONS": "true", "CI": "true"}
    subst = {"${{ github.base_ref }}": "main", "${{ github.event.pull_request.number }}": "7",
             "${{ github.token }}": "token"}
    (job,) = doc["jobs"].values()
    failed = False
    ran: dict[str, int | None] = {}
    for i, step in enumerate(job["steps"]):
        name = step.get("name") or step.get("uses") or f"step {i}"
        if not _gh_condition(step.get("if"), failed, top):
            ran[name] = None
            continue
        if "uses" in step:
            ran[name] = 0
            continue
        script = step["run"]
        step_env = {k: str(v) for k, v in step.get("env", {}).items()}
        for k, v in subst.items():
            script = script.replace(k, v)
            step_env = {a: b.replace(k, v) for a, b in step_env.items()}
        p = sh(["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", script], top, env={**env, **step_env}, check=False)
        ran[name] = p.returncode
        failed = failed or p.returncode != 0
    return failed, ran


def _run_gitlab_job(top: Path) -> subprocess.CompletedProcess[str]:
    """Run the recipe's script as GitLab's runner does: its lines in one `bash -e -o pipefail` shell."""
    doc = yaml.safe_load((REPO / "docs/ci/gitlab-ci.yml").read_text(encoding="utf-8"))
    job = doc["lfk"]
    env = {**{k: str(v) for k, v in job.get("variables", {}).items()}, **_shim_env(top), "GITLAB_CI": "true", "CI": "true",
           "CI_MERGE_REQUEST_TARGET_BRANCH_NAME": "main"}
    return sh(["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", "\n".join(job["script"])], top, env=env, check=False)


def test_github_actions_recipe(pr_repo: Path) -> None:
    failed, ran = _run_github_job(pr_repo)
    assert not failed, ran
    assert all(code == 0 for code in ran.values()), ran
    doc = json.loads((pr_repo / "lfk.sarif").read_text(encoding="utf-8"))
    assert doc["version"] == "2.1.0"
    assert "M-009" in (pr_repo / "lfk-diff.md").read_text(encoding="utf-8")
    log = (pr_repo.parent / "shim.log").read_text(encoding="utf-8")
    assert "gh pr comment 7 --body-file lfk-diff.md" in log


def test_github_actions_recipe_runs_every_check_after_a_failure(pr_repo: Path) -> None:
    from tests.sarif_github import github_sarif_problems

    _break_a_grade(pr_repo)
    failed, ran = _run_github_job(pr_repo)
    assert failed
    assert ran["lint (annotations on the pull request)"] == 1
    assert ran["lint as SARIF"] == 0 and ran["grade check"] is not None and ran["comment"] == 0, ran
    doc = json.loads((pr_repo / "lfk.sarif").read_text(encoding="utf-8"))
    assert doc["runs"][0]["results"] and github_sarif_problems(doc, pr_repo) == []


def test_gitlab_recipe(pr_repo: Path) -> None:
    p = _run_gitlab_job(pr_repo)
    assert p.returncode == 0, p.stdout[-2000:] + p.stderr[-2000:]
    suite = ET.parse(pr_repo / "lfk-junit.xml").getroot()
    assert suite.get("failures") == "0" and int(suite.get("tests", "0")) > 3
    assert all(c.get("name", "").startswith("registers/") for c in suite.iter("testcase"))
    assert "M-009" in (pr_repo / "lfk-diff.md").read_text(encoding="utf-8")


def test_gitlab_recipe_runs_every_check_after_a_failure(pr_repo: Path) -> None:
    _break_a_grade(pr_repo)
    p = _run_gitlab_job(pr_repo)
    assert p.returncode == 1, p.stderr[-2000:]
    suite = ET.parse(pr_repo / "lfk-junit.xml").getroot()
    assert suite.get("failures") == "1"
    assert "M-009" in (pr_repo / "lfk-diff.md").read_text(encoding="utf-8")  # the MR diff still ran


def test_github_format_is_automatic_under_actions(register_repo: Path) -> None:
    risks = register_repo / "units/county-amr/risks.yaml"
    risks.write_text(risks.read_text(encoding="utf-8").replace("owner: P-director", "owner: P-nobody", 1), encoding="utf-8")
    p = sh([str(BIN / "lfk"), "lint"], register_repo, env={"GITHUB_ACTIONS": "true"}, check=False)
    assert p.returncode == 1 and "::error file=units/county-amr/risks.yaml,line=" in p.stdout
