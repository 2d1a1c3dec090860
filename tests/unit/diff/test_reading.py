"""How ``lfk diff`` and ``lfk log`` read revisions: through ``lfk.register.Register`` (issue 14).

A ``lazy`` register reads only lfk.yaml up front; ``file_items`` reads one file's items as written;
two registers with one ``SharedReads`` parse an unchanged file once. Regressions of the reading diff
did itself: an invalid lfk.yaml, the same broken bytes at two paths. And the documented choice:
diff compares what a register writes, so items a unit adopts from a baseline are not shown.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from lfk.core.git import GitRepo, GitSource
from lfk.diff import diff_revisions
from lfk.history.log import item_history
from lfk.register import Register, SharedReads
from tests.conftest import REPO
from tests.unit.diff.test_diff import UNIT, Repo, by

RISKS = f"{UNIT}/risks.yaml"


def _revision(repo: Repo, rev: str, shared: SharedReads) -> Register:
    git = GitRepo(repo.root)
    src = GitSource(git.top, rev, git.prefix, repo=git)
    return Register(repo.root, src, lazy=True, shared=shared, content_key=src.blob_ids.get)


def test_a_lazy_register_reads_lfk_yaml_only_and_shares_unchanged_files(tmp_path: Path) -> None:
    repo = Repo(tmp_path / "repo")
    repo.commit("v1")
    repo.sub(f"{UNIT}/measures.yaml", "status: 实施中", "status: 已落实")
    repo.commit("v2")
    shared = SharedReads()
    a, b = _revision(repo, "v1", shared), _revision(repo, "v2", shared)
    assert shared.parsed == 1  # lfk.yaml, the same blob at both revisions
    assert a.config_file is b.config_file and a.unit_headers == {} and a.std_flows == {}
    ra, rb = a.file_items(RISKS), b.file_items(RISKS)
    assert ra is rb and shared.parsed == 2  # unchanged: parsed and validated once for both
    ma, mb = a.file_items(f"{UNIT}/measures.yaml"), b.file_items(f"{UNIT}/measures.yaml")
    assert ma is not None and mb is not None and ma.file is not mb.file and shared.parsed == 4
    assert a.unit_header("county-amr")[1] is not None and a.unit_model("county-amr") is not None
    assert a.file_items("units/county-amr/nothing.yaml") is None and a.unit_header("nobody") == (None, None)


def test_file_items_are_as_written_where_lint_sees_them_repaired(tmp_path: Path) -> None:
    repo = Repo(tmp_path / "repo")
    repo.sub(RISKS, "grade: 低", "grade: 极低")  # a value no model takes
    repo.commit("v1")
    reg = _revision(repo, "v1", SharedReads())
    fi = reg.file_items(RISKS)
    assert fi is not None and fi.kind == "risks" and fi.model is not None  # the file validates once pruned
    ids = {i: it.model.id for i, it in fi.items.items()}
    assert "R-005" not in ids.values() and len(ids) == len(fi.raw) - 1
    assert any(x.get("id") == "R-005" and x.get("grade") == "极低" for x in fi.raw)
    assert fi.file.findings and fi.file.findings[0].code == "LFK101"
    lint_view = Register(repo.root).unit("county-amr")
    assert "R-005" in {r.model.id for r in lint_view.risks}  # lint's models: the bad grade pruned


def test_an_invalid_lfk_yaml_keeps_its_valid_sections(tmp_path: Path) -> None:
    """Regression: diff read an lfk.yaml it could not repair as all defaults, so the rubric seemed changed."""
    repo = Repo(tmp_path / "repo")
    repo.commit("v2025")
    repo.write("lfk.yaml", repo.read("lfk.yaml") + "laws:\n  - [not, a, law]\n")
    repo.commit("v2026")
    r = diff_revisions(repo.root, "v2025", "v2026")
    assert not r.rubric_changed
    assert not [c for c in r.changes if c.change == "regraded"]
    assert [(p.side, p.path) for p in r.problems] == [("b", "lfk.yaml")]
    assert by(r, "config", "laws", unit=None).change == "changed"


def test_the_same_broken_bytes_at_two_paths_are_reported_for_both(tmp_path: Path) -> None:
    """Regression: files were shared by content alone, so the second path's problem was lost."""
    repo = Repo(tmp_path / "repo")
    for uid in ("u1", "u2"):
        shutil.copytree(repo.path(UNIT), repo.path(f"units/{uid}"))
        repo.sub(f"units/{uid}/unit.yaml", "id: county-amr", f"id: {uid}")
    repo.commit("v1")
    for uid in ("u1", "u2"):
        repo.sub(f"units/{uid}/measures.yaml", "status: 实施中", "status: 已完成")
    repo.commit("v2")
    r = diff_revisions(repo.root, "v1", "v2")
    assert sorted((p.side, p.path) for p in r.problems) == [("b", "units/u1/measures.yaml"),
                                                           ("b", "units/u2/measures.yaml")]
    assert [(c.unit, c.id) for c in r.changes] == [("u1", "M-008"), ("u2", "M-008")]
    assert all(c.path == f"units/{c.unit}/measures.yaml" and c.line == 58 for c in r.changes)
    assert r.stats["parsed_files"] == 5  # lfk.yaml; measures.yaml once a side (same bytes at both paths); 2 unit.yaml


def test_adopted_items_are_not_shown(tmp_path: Path) -> None:
    """The choice (issue 14): diff compares what this register writes. A unit's ``adopts``/``tailor`` are
    fields of the unit; the adopted items are the baseline's (``lfk baseline diff``)."""
    repo = Repo(tmp_path / "repo", subdir="registers-town")
    shutil.rmtree(repo.root)
    shutil.copytree(REPO / "registers-town", repo.root)
    shutil.copytree(REPO / "registers-baseline", repo.top / "registers-baseline")
    repo.commit("v1")
    unit = "units/county-amr-town/unit.yaml"
    repo.sub(unit, "      time_limit: {days: 10, kind: 工作日}", "      time_limit: {days: 8, kind: 工作日}")
    base_risks = sorted((repo.top / "registers-baseline" / "units").rglob("risks.yaml"))[0]
    base_risks.write_text(base_risks.read_text(encoding="utf-8").replace("grade: 中", "grade: 高", 1), encoding="utf-8")
    repo.commit("v2")
    r = diff_revisions(repo.root, "v1", "v2")
    assert [(c.unit, c.kind, c.change) for c in r.changes] == [("county-amr-town", "units", "changed")]
    (tailor,) = r.changes[0].fields
    assert tailor.field == "tailor" and "'days': 8" in str(tailor.added) and "'days': 10" in str(tailor.removed)


def test_log_reads_through_the_register_as_written(tmp_path: Path) -> None:
    repo = Repo(tmp_path / "repo")
    repo.commit("v1")
    repo.sub(RISKS, "grade: 低", "grade: 极低")
    repo.commit("v2")
    events = item_history(repo.root, "R-005").events
    assert [(e.action, e.line) for e in events] == [("added", 54), ("changed", 54)]
    assert [(c.field, c.old, c.new) for c in events[1].changes] == [("grade", "低", "极低")]
