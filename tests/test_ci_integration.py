"""CI integration: the pre-commit hooks against a temporary register repository, and the commands of the
documented GitHub Actions and GitLab CI recipes, run as written against a real git repository."""

from __future__ import annotations

import json
import os
import re
import shlex
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


def _lfk_commands(path: Path) -> list[str]:
    doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    runs: list[str] = []
    if "jobs" in doc:
        for job in doc["jobs"].values():
            runs += [s["run"] for s in job["steps"] if "run" in s]
    else:
        for job in doc.values():
            if isinstance(job, dict) and "script" in job:
                runs += job["script"]
    out = []
    for run in runs:
        for part in re.split(r";|&&|\|\|", run):
            part = part.strip()
            m = re.search(r"(^|\s)(lfk \S.*)$", part)
            if m:
                out.append(m.group(2).split(">")[0].strip().rstrip(";").strip())
    return out


def _run_recipe(path: Path, repo: Path, subst: dict[str, str]) -> dict[str, subprocess.CompletedProcess[str]]:
    results = {}
    for cmd in _lfk_commands(path):
        for k, v in subst.items():
            cmd = cmd.replace(k, v)
        args = shlex.split(cmd)
        results[" ".join(args[:2])] = sh([str(BIN / args[0]), *args[1:]], repo, env={"LFK_CACHE_DIR": str(repo.parent / "c")},
                                         check=False)
    return results


def test_github_actions_recipe(register_repo: Path) -> None:
    sh(["git", "branch", "base", "v2025"], register_repo)
    res = _run_recipe(REPO / "docs/ci/github-actions.yml", register_repo,
                      {'"origin/${{ github.base_ref }}"': "base", "${{ github.base_ref }}": "base"})
    lint = res["lfk lint"]
    assert lint.returncode == 0, lint.stdout + lint.stderr
    assert json.loads((register_repo / "lfk.sarif").read_text(encoding="utf-8"))["version"] == "2.1.0"
    assert res["lfk grade"].returncode == 0, res["lfk grade"].stdout
    diff = res["lfk diff"]
    assert diff.returncode == 0, diff.stderr
    assert "M-009" in diff.stdout


def test_gitlab_recipe(register_repo: Path) -> None:
    res = _run_recipe(REPO / "docs/ci/gitlab-ci.yml", register_repo, {'"origin/$CI_MERGE_REQUEST_TARGET_BRANCH_NAME"': "v2025"})
    assert res["lfk lint"].returncode == 0
    tree = ET.parse(register_repo / "lfk-junit.xml")
    assert tree.getroot().tag == "testsuites" and tree.getroot().get("failures") == "0"
    assert "M-009" in res["lfk diff"].stdout


def test_github_format_is_automatic_under_actions(register_repo: Path) -> None:
    risks = register_repo / "units/county-amr/risks.yaml"
    risks.write_text(risks.read_text(encoding="utf-8").replace("owner: P-director", "owner: P-nobody", 1), encoding="utf-8")
    p = sh([str(BIN / "lfk"), "lint"], register_repo, env={"GITHUB_ACTIONS": "true"}, check=False)
    assert p.returncode == 1 and "::error file=units/county-amr/risks.yaml,line=" in p.stdout
