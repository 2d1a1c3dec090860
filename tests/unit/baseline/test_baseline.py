"""Baselines and tailoring: resolution in the loading pipeline, lfk explain, lfk baseline diff (issue 18)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from typer.testing import CliRunner

from lfk.baseline import baseline_diff, explain
from lfk.register import Register
from tests.conftest import AS_OF, REPO, invoke

BASELINE = REPO / "registers-baseline"
TOWN = REPO / "registers-town"
UNIT = "county-amr-town"


def _git(cwd: Path, *args: str) -> None:
    env = {**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.invalid", "GIT_COMMITTER_NAME": "t",
           "GIT_COMMITTER_EMAIL": "t@example.invalid", "GIT_CONFIG_NOSYSTEM": "1", "HOME": str(cwd)}
    subprocess.run(["git", *args], cwd=cwd, env=env, check=True, capture_output=True)


@pytest.fixture
def town(tmp_path: Path) -> Path:
    """A writable copy of the demo unit register and its baseline side by side (baseline unpinned)."""
    shutil.copytree(BASELINE, tmp_path / "registers-baseline")
    shutil.copytree(TOWN, tmp_path / "registers-town")
    return tmp_path / "registers-town"


@pytest.fixture
def pinned(tmp_path: Path) -> Path:
    """The town register pinned to tag v1 of a baseline repository that moved on to v2.

    v2 removes CF-02 (the town drops it), changes JC-01's time_limit (the town changes it too) and its
    name, and adds a risk.
    """
    repo = tmp_path / "baseline-repo"
    shutil.copytree(BASELINE, repo)
    _git(repo, "init", "-q")
    _git(repo, "add", "-A")
    _git(repo, "commit", "-qm", "v1")
    _git(repo, "tag", "v1")
    auth = repo / "units/amr-std/authorities.yaml"
    text = auth.read_text(encoding="utf-8")
    start = text.index("  - id: CF-02\n")
    end = text.index("  - id: JC-01\n")
    text = text[:start] + text[end:]
    text = text.replace("time_limit: {days: 15, kind: 工作日}", "time_limit: {days: 12, kind: 工作日}")
    text = text.replace("name: 食品经营安全监督检查", "name: 食品经营安全监督检查（双随机）")
    auth.write_text(text, encoding="utf-8")
    risks = repo / "units/amr-std/risks.yaml"
    risks.write_text(risks.read_text(encoding="utf-8") + (
        "  - id: R-09\n    title: 抽样检验结果选择性上报\n    category: 权力行使\n    kind: 运行程序不规范\n"
        "    authority: JC-01\n    description: 检验不合格结果不上报或迟报。\n    sources: [案例分析]\n"
        "    factors: {importance: 3, discretion: 3, probability: 2, harm: 3}\n    grade: 中\n    owner: P-deputy-law\n"
        "    approval: AP-2026-09\n    reviewed: 2026-08-28\n"), encoding="utf-8")
    _git(repo, "commit", "-qam", "v2")
    _git(repo, "tag", "v2")
    town = tmp_path / "town"
    shutil.copytree(TOWN, town)
    cfg = town / "lfk.yaml"
    cfg.write_text(cfg.read_text(encoding="utf-8").replace("  path: ../registers-baseline\n",
                                                           "  path: ../baseline-repo\n  rev: v1\n"), encoding="utf-8")
    return town


def test_the_unit_sees_the_resolved_baseline(town: Path) -> None:
    reg = Register(town)
    ud = reg.unit(UNIT)
    assert ud.adopted == ["amr-std"]
    powers = {a.model.id: a for a in ud.authorities}
    assert sorted(powers) == ["CF-01", "JC-01", "XK-01"]  # CF-02 dropped
    assert "R-03" not in {r.model.id for r in ud.risks} and "R-04" not in {r.model.id for r in ud.risks}
    assert "CF-02" not in {b.model.authority for b in ud.benchmarks}
    assert powers["JC-01"].model.time_limit.days == 10  # changed by the tailoring
    m04 = next(m for m in ud.measures if m.model.id == "M-04")
    assert m04.model.risks == ["R-02"]  # R-03 left with CF-02
    assert powers["JC-01"].where("time_limit")[0] == f"units/{UNIT}/unit.yaml"
    assert powers["JC-01"].where("name")[0] == "../registers-baseline/units/amr-std/authorities.yaml"
    assert [r.status for r in ud.tailorings] == ["applied", "applied"]
    assert set(ud.flows) == {"F-inspection", "F-license", "F-penalty"}


def test_only_some_kinds_are_resolved_the_same_way(town: Path) -> None:
    reg = Register(town)
    part = reg.unit(UNIT, kinds=frozenset({"risks"}))
    full = reg.unit(UNIT)
    assert [r.model.id for r in part.risks] == [r.model.id for r in full.risks]
    assert part.authorities == []


@pytest.mark.parametrize("command", [
    ("lint", "--as-of", AS_OF),
    ("grade", "--as-of", AS_OF),
    ("score", "--as-of", AS_OF),
])
def test_commands_work_on_the_resolved_register(runner: CliRunner, town: Path, command: tuple[str, ...]) -> None:
    r = invoke(runner, *command, "--root", str(town))
    assert r.exit_code == 0, r.output
    if command[0] == "grade":
        assert "R-02" in r.output and "R-03" not in r.output


def test_site_and_export_show_the_tailored_values(runner: CliRunner, town: Path, tmp_path: Path) -> None:
    out = tmp_path / "site"
    r = invoke(runner, "site", str(out), "--root", str(town), "--audience", "public", "--as-of", AS_OF, "--quiet")
    assert r.exit_code == 0, r.output
    pages = {p.name for p in out.rglob("*.html")}
    assert "JC-01.html" in pages and "CF-02.html" not in pages
    r = invoke(runner, "export", "--root", str(town), "--format", "json")
    assert r.exit_code == 0, r.output
    unit = json.loads(r.output)["units"][0]
    powers = {a["id"]: a for a in unit["authorities"]}
    assert "CF-02" not in powers and powers["JC-01"]["time_limit"]["days"] == 10
    assert unit["unit"]["tailor"][0]["drop"] == "CF-02"  # the tailoring itself is part of the record


def test_lint_points_a_finding_on_a_baseline_field_at_the_baseline_file(runner: CliRunner, town: Path) -> None:
    base = town.parent / "registers-baseline" / "units/amr-std/authorities.yaml"
    base.write_text(base.read_text(encoding="utf-8").replace("posts: [P-inspect-chief, P-case]",
                                                             "posts: [P-inspect-chief, P-nobody]"), encoding="utf-8")
    r = invoke(runner, "lint", "--root", str(town), "--as-of", AS_OF, "--format", "json", "--no-cache")
    found = [f for f in json.loads(r.output)["findings"] if f["code"] == "LFK104"]
    assert found and found[0]["path"] == "../registers-baseline/units/amr-std/authorities.yaml"


def test_lint_cache_sees_a_baseline_change(runner: CliRunner, town: Path) -> None:
    assert invoke(runner, "lint", "--root", str(town), "--as-of", AS_OF).exit_code == 0
    base = town.parent / "registers-baseline" / "units/amr-std/authorities.yaml"
    base.write_text(base.read_text(encoding="utf-8").replace("posts: [P-inspect-chief, P-case]",
                                                             "posts: [P-inspect-chief, P-nobody]"), encoding="utf-8")
    r = invoke(runner, "lint", "--root", str(town), "--as-of", AS_OF)
    assert r.exit_code == 1 and "LFK104" in r.output


def test_explain_text_and_json(runner: CliRunner, town: Path) -> None:
    r = invoke(runner, "explain", f"{UNIT}/JC-01", "--root", str(town))
    assert r.exit_code == 0, r.output
    assert "采用基准并剪裁" in r.output and f"units/{UNIT}/unit.yaml:" in r.output and "剪裁 #2" in r.output
    assert "../registers-baseline/units/amr-std/authorities.yaml:" in r.output
    r = invoke(runner, "explain", "JC-01", "--root", str(town), "--format", "json", "--lang", "en")
    doc = json.loads(r.output)
    assert doc["format"] == "lfk-explain/1" and doc["baseline"]["path"] == "../registers-baseline"
    item = doc["items"][0]
    assert item["status"] == "tailored" and item["baseline_unit"] == "amr-std"
    fields = {f["field"]: f for f in item["fields"]}
    assert fields["time_limit"]["from"] == "tailoring" and fields["time_limit"]["tailoring"] == 1
    assert fields["time_limit"]["value"] == {"days": 10, "kind": "工作日"} and fields["time_limit"]["reason"]
    assert fields["name"]["from"] == "baseline" and fields["name"]["line"] > 1


def test_explain_a_dropped_item_and_an_own_one(runner: CliRunner, town: Path) -> None:
    r = invoke(runner, "explain", "R-04", "--root", str(town), "--lang", "en")
    assert r.exit_code == 0 and "dropped" in r.output and "reason" in r.output
    ex = explain(Register(town), "CF-02")
    assert [(e.status, e.kind, e.dropped_by) for e in ex] == [("dropped", "authority", 0), ("dropped", "benchmark", 0)]
    r = invoke(runner, "explain", "R-01", "--root", str(REPO / "registers"), "--format", "json")
    assert json.loads(r.output)["items"][0]["status"] == "own"


@pytest.mark.parametrize("ident", ["NOPE-1", "no-unit/R-01"])
def test_explain_of_nothing_is_a_usage_error(runner: CliRunner, town: Path, ident: str) -> None:
    r = invoke(runner, "explain", ident, "--root", str(town))
    assert r.exit_code == 2 and "Traceback" not in r.output


def test_baseline_diff_lists_upstream_changes_and_conflicts(runner: CliRunner, pinned: Path) -> None:
    reg = Register(pinned)
    assert reg.unit(UNIT).authorities[0].rel == "../baseline-repo/units/amr-std/authorities.yaml"
    d = baseline_diff(reg, "v2")
    got = {(c.kind, c.id, c.change) for c in d.changes}
    assert ("authority", "CF-02", "removed") in got and ("risk", "R-09", "added") in got
    assert ("authority", "JC-01", "changed") in got
    jc = next(c for c in d.changes if c.id == "JC-01" and c.kind == "authority")
    assert set(jc.fields) == {"name", "time_limit"}
    conflicts = {(k.tailoring, k.problem) for k in d.conflicts}
    assert conflicts == {(0, "gone"), (1, "field-changed-upstream")}
    r = invoke(runner, "baseline", "diff", "--to", "v2", "--root", str(pinned))
    assert r.exit_code == 1
    assert "R-09" in r.output and "2 条剪裁与新版本冲突" in r.output and f"units/{UNIT}/unit.yaml:" in r.output
    r = invoke(runner, "baseline", "diff", "--to", "v2", "--root", str(pinned), "--format", "json")
    doc = json.loads(r.output)
    assert doc["format"] == "lfk-baseline-diff/1" and doc["from"]["rev"] == "v1" and len(doc["conflicts"]) == 2
    r = invoke(runner, "baseline", "diff", "--to", "v1", "--root", str(pinned), "--lang", "en")
    assert r.exit_code == 0 and "nothing changed upstream" in r.output and "no tailoring conflicts" in r.output


def test_the_pinned_revision_is_read_not_the_working_tree(pinned: Path) -> None:
    # v2 removed CF-02 from the work tree, but the register is pinned to v1: nothing changes
    ud = Register(pinned).unit(UNIT)
    assert "JC-01" in {a.model.id for a in ud.authorities}
    assert next(a for a in ud.authorities if a.model.id == "JC-01").model.name == "食品经营安全监督检查"


@pytest.mark.parametrize(("edit", "message"), [
    (("  path: ../registers-baseline\n", "  path: ../nowhere\n"), "no such folder"),
    (("  path: ../registers-baseline\n", "  path: ../registers-baseline\n  rev: v9\n"), "git work tree"),
    (("  path: ../registers-baseline\n", "  url: https://example.invalid/b.git\n"), "never fetches"),
])
def test_a_bad_baseline_is_one_line_exit_2(runner: CliRunner, town: Path, edit: tuple[str, str], message: str) -> None:
    cfg = town / "lfk.yaml"
    cfg.write_text(cfg.read_text(encoding="utf-8").replace(*edit), encoding="utf-8")
    r = invoke(runner, "grade", "--root", str(town))
    assert r.exit_code == 2 and message in r.output and "lfk.yaml:" in r.output


def test_baseline_diff_needs_a_pinned_baseline(runner: CliRunner, town: Path) -> None:
    r = invoke(runner, "baseline", "diff", "--root", str(town))
    assert r.exit_code == 2 and "not pinned" in r.output
    r = invoke(runner, "baseline", "diff", "--root", str(REPO / "registers"))
    assert r.exit_code == 2 and "no baseline" in r.output


def test_a_bad_pinned_revision_is_exit_2(runner: CliRunner, pinned: Path) -> None:
    cfg = pinned / "lfk.yaml"
    cfg.write_text(cfg.read_text(encoding="utf-8").replace("rev: v1", "rev: v7"), encoding="utf-8")
    r = invoke(runner, "grade", "--root", str(pinned))
    assert r.exit_code == 2 and "bad revision" in r.output
    cfg.write_text(cfg.read_text(encoding="utf-8").replace("rev: v7", "rev: v1"), encoding="utf-8")
    r = invoke(runner, "baseline", "diff", "--to", "--nope", "--root", str(pinned))
    assert r.exit_code == 2


# -- roll-up over several registers ------------------------------------------------------------------
def test_export_rolls_several_registers_into_one_table(runner: CliRunner, town: Path, tmp_path: Path) -> None:
    demo = REPO / "registers"
    r = invoke(runner, "export", "--root", str(demo), "--also", str(town), "--format", "json")
    assert r.exit_code == 0, r.output
    doc = json.loads(r.output)
    assert [x["root"] for x in doc["registers"]] == ["registers", "registers-town"]
    assert doc["units"][-1]["id"] == UNIT and doc["units"][-1]["register"] == "示范县城关市场监管所廉政风险防控登记册"
    r = invoke(runner, "export", "--root", str(demo), "--also", str(town), "--format", "csv", "--table", "authorities")
    rows = [line for line in r.output.splitlines() if line[:1].isdigit()]
    alone = invoke(runner, "export", "--root", str(demo), "--format", "csv", "--table", "authorities").output
    n_demo = len([line for line in alone.splitlines() if line[:1].isdigit()])
    assert len(rows) == n_demo + 3  # the town's three powers after the county's, numbered on
    assert rows[-1].startswith(f"{n_demo + 3},示范县市场监督管理局城关市场监管所,JC-01,")
    out = tmp_path / "all.xlsx"
    r = invoke(runner, "export", "--root", str(demo), "--also", str(town), "--format", "xlsx", "--out", str(out))
    assert r.exit_code == 0 and out.stat().st_size > 0


def test_score_rolls_a_register_built_on_a_baseline_into_the_ranking(runner: CliRunner, town: Path) -> None:
    r = invoke(runner, "score", "--root", str(REPO / "registers"), "--also", str(town), "--as-of", AS_OF,
               "--format", "json")
    assert r.exit_code == 0, r.output
    units = [c["unit"] for c in json.loads(r.output)["units"]]
    assert UNIT in units and "county-amr" in units


def test_writing_commands_never_write_into_the_baseline(runner: CliRunner, town: Path) -> None:
    base = town.parent / "registers-baseline"
    before = {p: p.read_bytes() for p in base.rglob("*.yaml")}
    r = invoke(runner, "approve", "AP-2026-09", "--unit", UNIT, "--root", str(town))
    assert r.exit_code == 2 and "outside the register" in r.output
    assert {p: p.read_bytes() for p in base.rglob("*.yaml")} == before


def test_the_publication_manifest_names_the_pinned_baseline(runner: CliRunner, pinned: Path, tmp_path: Path) -> None:
    out = tmp_path / "site"
    r = invoke(runner, "site", str(out), "--root", str(pinned), "--audience", "public", "--as-of", AS_OF, "--quiet")
    assert r.exit_code == 0, r.output
    doc = json.loads((out / "lfk-publication.json").read_text(encoding="utf-8"))
    commit = subprocess.run(["git", "rev-parse", "v1^{commit}"], cwd=pinned.parent / "baseline-repo",
                            capture_output=True, text=True, check=True).stdout.strip()
    assert doc["baseline"] == {"path": "../baseline-repo", "rev": "v1", "commit": commit}


# -- damage: a broken tailoring or baseline is a finding or one line, never a traceback -----------------
@pytest.mark.parametrize("seed", range(12))
def test_random_damage_of_the_unit_and_its_baseline_never_crashes(runner: CliRunner, tmp_path: Path, seed: int) -> None:
    import random

    from lfk.testing.fuzz import mutate, read_tree

    rng = random.Random(seed)
    for name in ("registers-baseline", "registers-town"):
        files = read_tree(REPO / name)
        damaged = mutate(files, rng, edits=1 + seed % 3)
        for rel, data in damaged.items():
            p = tmp_path / name / rel
            p.parent.mkdir(parents=True, exist_ok=True)
            p.write_bytes(data)
    root = str(tmp_path / "registers-town")
    for args in (("lint", "--as-of", AS_OF, "--no-cache"), ("grade",), ("explain", "JC-01"), ("explain", "CF-02"),
                 ("export", "--format", "json")):
        r = invoke(runner, *args, "--root", root)
        assert r.exit_code in (0, 1, 2), (args, r.output)
        assert "internal error" not in r.output and "Traceback" not in r.output, (args, r.output)
