"""CI output as real consumers read it (issue 15, points 3-5): paths relative to the git work tree (or
``--path-prefix``), SARIF against GitHub's documented properties, JUnit against Ant's and Jenkins' XSDs."""

from __future__ import annotations

import json
import shutil
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
import xmlschema

from tests.conftest import AS_OF, BASE, HERE
from tests.sarif_github import github_sarif_problems

XSDS = {name: xmlschema.XMLSchema(str(HERE / "fixtures" / "junit" / name))
        for name in ("ant-junit.xsd", "jenkins-junit-10.xsd")}


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """A git work tree with the register in ``registers/`` and one invalid grade (LFK101)."""
    top = tmp_path / "repo"
    shutil.copytree(BASE, top / "registers")
    risks = top / "registers/units/county-amr/risks.yaml"
    risks.write_text(risks.read_text(encoding="utf-8").replace("grade: 高", "grade: 很高", 1), encoding="utf-8")
    subprocess.run(["git", "init", "-q"], cwd=top, check=True)
    return top


def _lint(top: Path, fmt: str, *extra: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    import os
    import sys

    lfk = Path(sys.executable).parent / "lfk"
    env = {**os.environ, "LFK_CACHE_DIR": str(top.parent / "cache")}
    env.pop("GITHUB_ACTIONS", None)
    return subprocess.run([str(lfk), "lint", "--root", str(top / "registers"), "--as-of", AS_OF, "-f", fmt, *extra],
                          cwd=cwd or top / "registers", capture_output=True, text=True, env=env, check=False)


def test_github_paths_are_relative_to_the_repository(repo: Path) -> None:
    p = _lint(repo, "github")
    assert p.returncode == 1
    assert "::error file=registers/units/county-amr/risks.yaml,line=" in p.stdout
    assert "file=units/" not in p.stdout


def test_path_prefix_option(repo: Path) -> None:
    p = _lint(repo, "github", "--path-prefix", "deploy/reg")
    assert "::error file=deploy/reg/units/county-amr/risks.yaml," in p.stdout
    p = _lint(repo, "github", "--path-prefix", "")
    assert "::error file=units/county-amr/risks.yaml," in p.stdout


def test_sarif_meets_githubs_documented_properties(repo: Path) -> None:
    p = _lint(repo, "sarif")
    doc = json.loads(p.stdout)
    assert github_sarif_problems(doc, repo) == []
    run = doc["runs"][0]
    assert run["originalUriBaseIds"]["%SRCROOT%"]["uri"] == repo.resolve().as_uri() + "/"
    res = next(r for r in run["results"] if r["ruleId"] == "LFK101")
    assert res["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "registers/units/county-amr/risks.yaml"
    names = {r["name"] for r in run["tool"]["driver"]["rules"]}
    assert len(names) > 10 and not any(n.startswith("LFK") for n in names)


def test_sarif_uris_are_percent_encoded(repo: Path) -> None:
    """Regression: a path with CJK characters or a space went into artifactLocation.uri as written; SARIF
    wants a URI (RFC 3986), and GitHub decodes it back to the file. Fingerprints stay those of the path."""
    (repo / "registers/units/备注 说明.txt").write_text("x\n", encoding="utf-8")  # LFK005: a stray file
    doc = json.loads(_lint(repo, "sarif").stdout)
    assert github_sarif_problems(doc, repo) == []
    uris = {r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in doc["runs"][0]["results"]}
    assert "registers/units/%E5%A4%87%E6%B3%A8%20%E8%AF%B4%E6%98%8E.txt" in uris


def test_sarif_checker_catches_the_old_shape() -> None:
    """The checker itself: the SARIF lfk wrote before (rule name = id, no fingerprints, no region end,
    register-relative uri under REGISTER_ROOT) fails it."""
    old = {"$schema": "x", "version": "2.1.0", "runs": [{
        "tool": {"driver": {"name": "lfk", "version": "0", "rules": [{
            "id": "LFK101", "name": "LFK101", "shortDescription": {"text": "t"}, "fullDescription": {"text": "t"},
            "defaultConfiguration": {"level": "error"}, "help": {"text": "```yaml\nx\n```"}, "properties": {}}]}},
        "results": [{"ruleId": "LFK101", "ruleIndex": 0, "level": "error", "message": {"text": "m"},
                     "locations": [{"physicalLocation": {"artifactLocation": {"uri": "units/a.yaml", "uriBaseId": "REGISTER_ROOT"},
                                                         "region": {"startLine": 1, "startColumn": 1}}}]}],
        "originalUriBaseIds": {"REGISTER_ROOT": {"uri": "file:///r/registers/"}}}]}
    problems = github_sarif_problems(old, Path("/nonexistent"))
    for what in ("name missing or same as id", "partialFingerprints", "endLine/endColumn", "help.markdown",
                 "Markdown fences", "precision", "problem.severity", "does not exist"):
        assert any(what in p for p in problems), what


def test_sarif_fingerprints_are_stable_across_line_moves(repo: Path) -> None:
    first = json.loads(_lint(repo, "sarif").stdout)["runs"][0]["results"]
    risks = repo / "registers/units/county-amr/risks.yaml"
    risks.write_text("# a comment that moves every line down\n" + risks.read_text(encoding="utf-8"), encoding="utf-8")
    second = json.loads(_lint(repo, "sarif").stdout)["runs"][0]["results"]
    fp = {r["partialFingerprints"]["lfkFinding/v1"] for r in first}
    assert fp == {r["partialFingerprints"]["lfkFinding/v1"] for r in second}


@pytest.mark.parametrize("xsd", sorted(XSDS))
def test_junit_valid_against_xsd(repo: Path, xsd: str) -> None:
    p = _lint(repo, "junit")
    XSDS[xsd].validate(p.stdout)


def test_junit_one_testcase_per_file_checked(repo: Path) -> None:
    p = _lint(repo, "junit")
    suite = ET.fromstring(p.stdout.encode())
    cases = suite.findall("testcase")
    names = [c.get("name") for c in cases]
    yaml_files = sorted(str(f.relative_to(repo)) for f in (repo / "registers").rglob("*.yaml"))
    assert names == yaml_files
    failing = [c for c in cases if c.find("failure") is not None]
    assert [c.get("name") for c in failing] == ["registers/units/county-amr/risks.yaml"]
    assert suite.get("tests") == str(len(cases)) and suite.get("failures") == str(len(failing))
    assert suite.get("hostname") and float(suite.get("time", "x")) >= 0 and suite.get("timestamp")


def test_junit_clean_register_lists_passing_files(tmp_path: Path) -> None:
    top = tmp_path / "repo"
    shutil.copytree(BASE, top / "registers")
    subprocess.run(["git", "init", "-q"], cwd=top, check=True)
    suite = ET.fromstring(_lint(top, "junit").stdout.encode())
    assert suite.get("failures") == "0" and int(suite.get("tests", "0")) > 3
    XSDS["ant-junit.xsd"].validate(ET.tostring(suite, encoding="unicode"))


def test_schema_without_root_writes_into_the_register(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """`lfk schema` finds the register as every command does (it used to write into lfk's own checkout)."""
    from typer.testing import CliRunner

    from lfk.model.schemas import default_folder
    from tests.conftest import invoke

    top = tmp_path / "repo"
    shutil.copytree(BASE, top / "registers")
    monkeypatch.chdir(top)
    before = {p.name: p.stat().st_mtime_ns for p in default_folder().glob("*.json")}
    res = invoke(CliRunner(), "schema")
    assert res.exit_code == 0, res.output
    assert (top / "registers" / "schemas" / "risks.schema.json").is_file()
    assert {p.name: p.stat().st_mtime_ns for p in default_folder().glob("*.json")} == before


def test_readme_schema_lines_reach_the_schemas(tmp_path: Path) -> None:
    """Each `$schema=` path README gives resolves from where that kind of file lives."""
    import re

    from tests.conftest import REPO

    text = (REPO / "README.md").read_text(encoding="utf-8")
    where = {"risks": "units/u/risks.yaml", "flow": "units/u/flows/F.yaml", "benchmark": "units/u/benchmarks/B.yaml"}
    found = re.findall(r"(?:\$schema=)?((?:\.\./)+schemas/(\w+)\.schema\.json)", text)
    assert {kind for _, kind in found} >= set(where)
    reg = tmp_path / "reg"
    for rel, kind in found:
        if kind == "flow" and rel.startswith("../schemas"):
            start = reg / "flows/F.yaml"
        else:
            start = reg / where.get(kind, f"units/u/{kind}.yaml")
        assert (start.parent / rel).resolve() == (reg / "schemas" / f"{kind}.schema.json").resolve(), rel


def test_monitor_prints_ci_formats_through_the_formatter_registry(tmp_path: Path) -> None:
    """#14: `lfk monitor --format sarif|github|junit`: the monitor's findings as lint's are printed."""
    import os
    import sys

    top = tmp_path / "repo"
    shutil.copytree(BASE, top / "registers")
    (top / "logs").mkdir()
    shutil.copy(HERE / "fixtures" / "events" / "penalty.csv", top / "logs" / "penalty.csv")
    subprocess.run(["git", "init", "-q"], cwd=top, check=True)
    lfk = Path(sys.executable).parent / "lfk"
    env = {**os.environ, "LFK_CACHE_DIR": str(tmp_path / "cache")}

    def monitor(fmt: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([str(lfk), "monitor", "--root", "registers", "logs/penalty.csv", "--as-of", AS_OF,
                               "-f", fmt, "--fail-on", "红牌"], cwd=top, capture_output=True, text=True, env=env,
                              check=False)

    sarif = monitor("sarif")
    assert sarif.returncode == 1, sarif.stderr
    doc = json.loads(sarif.stdout)
    assert github_sarif_problems(doc, top) == []
    results = doc["runs"][0]["results"]
    assert {r["ruleId"] for r in results} >= {"MON101", "MON102", "MON301"}
    assert {r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in results} == {"logs/penalty.csv"}
    gh = monitor("github")
    assert "::error file=logs/penalty.csv,line=9,col=1,title=MON102::" in gh.stdout
    junit = monitor("junit")
    for xsd in XSDS.values():
        xsd.validate(junit.stdout)
    suite = ET.fromstring(junit.stdout)
    assert [c.get("name") for c in suite.iter("testcase")] == ["logs/penalty.csv"]
