"""Caches, --changed-since and --jobs give the same findings as a plain full lint."""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from lfk.core.cache import Cache
from lfk.lint import LintOptions, lint_register
from lfk.lint.changed import affected_units, changed_files
from lfk.register import Register
from tests.conftest import AS_OF, REPO, invoke

sys.path.insert(0, str(REPO / "bench"))
import gen  # noqa: E402

DAY = dt.date.fromisoformat(AS_OF)


def sig(result) -> list[tuple]:  # type: ignore[no-untyped-def]
    return [(f.code, f.path, f.line, f.column, f.message, f.suppressed) for f in result.findings]


def spoil(root: Path) -> None:
    """Put a few errors into a register made by bench/gen.py."""
    for uid, old, new in (("unit-00003", "grade: 中", "grade: 低"), ("unit-00007", "posts: [P-case", "posts: [P-nobody"),
                          ("unit-00011", "legal_basis:", "legal_bases:")):
        p = root / "units" / uid / ("risks.yaml" if "grade" in old else "authorities.yaml")
        p.write_text(p.read_text(encoding="utf-8").replace(old, new, 1), encoding="utf-8")


@pytest.fixture(scope="module")
def big(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = gen.generate(tmp_path_factory.mktemp("gen") / "reg", 48, copies=1)
    spoil(root)
    return root


def test_warm_lint_equals_cold(big: Path, tmp_path: Path) -> None:
    cold = lint_register(Register(big), LintOptions(as_of=DAY))
    assert cold.findings, "the spoiled register must have findings"
    first = lint_register(Register(big, cache=Cache(tmp_path)), LintOptions(as_of=DAY))
    warm = lint_register(Register(big, cache=Cache(tmp_path)), LintOptions(as_of=DAY))
    assert warm.cached_units == 48 and first.cached_units == 0
    assert sig(cold) == sig(first) == sig(warm)


def test_cache_never_trusted_for_changed_bytes(base_register: Path, tmp_path: Path) -> None:
    tmp_path = tmp_path / "c"
    lint_register(Register(base_register, cache=Cache(tmp_path)), LintOptions(as_of=DAY))
    p = base_register / "units/county-amr/authorities.yaml"
    p.write_text(p.read_text(encoding="utf-8").replace("legal_basis:", "legal_bases:", 1), encoding="utf-8")
    again = lint_register(Register(base_register, cache=Cache(tmp_path)), LintOptions(as_of=DAY))
    assert "LFK102" in [f.code for f in again.findings]


def test_tampered_cache_is_ignored(base_register: Path, tmp_path: Path) -> None:
    tmp_path = tmp_path / "c"
    lint_register(Register(base_register, cache=Cache(tmp_path)), LintOptions(as_of=DAY))
    entries = [p for p in tmp_path.rglob("*") if p.is_file() and p.name != ".gitignore"]
    assert entries
    for p in entries:
        raw = bytearray(p.read_bytes())
        raw[-1] ^= 0xFF
        p.write_bytes(bytes(raw))
    c = Cache(tmp_path)
    result = lint_register(Register(base_register, cache=c), LintOptions(as_of=DAY))
    assert result.cached_units == 0 and c.hits == 0 and result.findings == []


def test_parse_failures_are_cached_too(base_register: Path, tmp_path: Path) -> None:
    p = base_register / "units/county-amr/risks.yaml"
    p.write_text(p.read_text(encoding="utf-8").replace("description: 执法人员", "description: !!python/name:os.system 执法人员", 1),
                 encoding="utf-8")
    for _ in range(2):  # regression: a file that failed to parse (data None) broke the parse cache
        result = lint_register(Register(base_register, cache=Cache(tmp_path / "c")), LintOptions(as_of=DAY))
        assert "LFK004" in [f.code for f in result.findings]


def test_cache_folder_is_versioned_and_ignored_by_git(base_register: Path, tmp_path: Path) -> None:
    tmp_path = tmp_path / "c"
    lint_register(Register(base_register, cache=Cache(tmp_path)), LintOptions(as_of=DAY))
    assert (tmp_path / ".gitignore").read_text() == "*\n"
    assert [p.name for p in tmp_path.iterdir() if p.is_dir()][0].startswith("v1-lfk")


def test_no_cache_writes_nothing(runner, base_register: Path, tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("LFK_CACHE_DIR", str(tmp_path / "c"))
    assert invoke(runner, "lint", "--root", str(base_register), "--as-of", AS_OF, "--no-cache").exit_code == 0
    assert not (tmp_path / "c").exists()
    assert invoke(runner, "lint", "--root", str(base_register), "--as-of", AS_OF).exit_code == 0
    assert (tmp_path / "c").exists()


def test_jobs_give_the_same_findings(big: Path) -> None:
    one = lint_register(Register(big), LintOptions(as_of=DAY, jobs=1))
    two = lint_register(Register(big), LintOptions(as_of=DAY, jobs=2))
    assert sig(one) == sig(two)


def git(root: Path, *args: str) -> str:
    env = {**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.invalid",
           "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.invalid"}
    return subprocess.run(["git", "-C", str(root), *args], check=True, capture_output=True, text=True, env=env).stdout


@pytest.fixture
def repo(big: Path, tmp_path: Path) -> Path:
    import shutil

    top = tmp_path / "repo"
    shutil.copytree(big, top / "registers")
    git(top, "init", "-q")
    git(top, "add", "-A")
    git(top, "commit", "-qm", "base")
    return top / "registers"


def test_changed_since_matches_full_lint(repo: Path) -> None:
    p = repo / "units/unit-00020/risks.yaml"
    p.write_text(p.read_text(encoding="utf-8").replace("grade: 中", "grade: 高", 1), encoding="utf-8")
    (repo / "units/unit-00021/notes.txt").write_text("untracked", encoding="utf-8")
    reg = Register(repo)
    units = affected_units(reg, changed_files(repo, "HEAD"))
    assert units == ["unit-00020", "unit-00021"]
    part = lint_register(reg, LintOptions(as_of=DAY, units=units))
    full = lint_register(Register(repo), LintOptions(as_of=DAY))
    in_units = [f for f in full.findings if f.path.startswith(("units/unit-00020/", "units/unit-00021/"))]
    part_units = [f for f in part.findings if f.path.startswith("units/")]
    assert [(f.code, f.path, f.line) for f in part_units] == [(f.code, f.path, f.line) for f in in_units]
    assert any(f.code == "LFK005" for f in part_units)


def test_changed_since_follows_references(repo: Path) -> None:
    reg = Register(repo)
    assert affected_units(reg, ["lfk.yaml"]) is None
    child = repo / "units/unit-00005/unit.yaml"
    child.write_text(child.read_text(encoding="utf-8").replace("type: 行政机关\n", "type: 行政机关\nparent: unit-00004\n"),
                     encoding="utf-8")
    reg = Register(repo)
    assert affected_units(reg, ["units/unit-00004/unit.yaml"]) == ["unit-00004", "unit-00005"]
    (repo / "flows").mkdir()
    assert "unit-00001" in (affected_units(reg, ["flows/F-penalty-1.yaml"]) or [])


def test_changed_since_cli_and_bad_revisions(runner, repo: Path) -> None:  # type: ignore[no-untyped-def]
    r = invoke(runner, "lint", "--root", str(repo), "--as-of", AS_OF, "--changed-since", "HEAD", "--format", "json")
    assert r.exit_code == 0 and json.loads(r.stdout)["summary"]["units"] == 0
    for bad in ("no-such-rev", "--help", "-x"):
        r = invoke(runner, "lint", "--root", str(repo), f"--changed-since={bad}")
        assert r.exit_code == 2, (bad, r.output)
        assert "Traceback" not in r.output


def test_a_partial_run_keeps_the_other_units_results(big: Path, tmp_path: Path) -> None:
    cache = tmp_path / "c"
    lint_register(Register(big, cache=Cache(cache)), LintOptions(as_of=DAY))
    part = lint_register(Register(big, cache=Cache(cache)), LintOptions(as_of=DAY, units=["unit-00003"]))
    assert part.cached_units == 1
    p = big / "units/unit-00004/measures.yaml"
    original = p.read_text(encoding="utf-8")
    try:
        p.write_text(original + "\n", encoding="utf-8")
        again = lint_register(Register(big, cache=Cache(cache)), LintOptions(as_of=DAY))
        assert again.cached_units == 47  # only the changed unit was linted again
    finally:
        p.write_text(original, encoding="utf-8")


def _age(root: Path, seconds: int = 3600) -> None:
    """Set every file's mtime an hour back (as a checkout that has settled)."""
    for p in root.rglob("*"):
        if p.is_file():
            st = p.stat()
            os.utime(p, ns=(st.st_atime_ns, st.st_mtime_ns - seconds * 10**9))


def test_warm_lint_reads_no_unit_file(base_register: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """#16: a warm run takes digests from the stat index (size, mtime, inode, ctime) and opens no unit file."""
    from lfk.register import DirSource

    _age(base_register)
    cold = lint_register(Register(base_register, cache=Cache(tmp_path / "c")), LintOptions(as_of=DAY))
    reads: list[str] = []
    real_read = DirSource.read
    monkeypatch.setattr(DirSource, "read", lambda self, rel: reads.append(rel) or real_read(self, rel))
    warm = lint_register(Register(base_register, cache=Cache(tmp_path / "c")), LintOptions(as_of=DAY))
    assert warm.cached_units == warm.units > 0 and sig(warm) == sig(cold)
    assert not [rel for rel in reads if rel.startswith("units/")], reads


def test_stat_index_sees_an_edit_that_keeps_size_and_mtime(base_register: Path, tmp_path: Path) -> None:
    """An edit of the same length with the old mtime put back still changes ctime: the file is hashed again."""
    _age(base_register)
    lint_register(Register(base_register, cache=Cache(tmp_path / "c")), LintOptions(as_of=DAY))
    p = base_register / "units/county-amr/authorities.yaml"
    st = p.stat()
    text = p.read_text(encoding="utf-8")
    assert "legal_basis:" in text
    p.write_text(text.replace("legal_basis:", "legal_bas1s:", 1), encoding="utf-8")
    os.utime(p, ns=(st.st_atime_ns, st.st_mtime_ns))
    assert p.stat().st_size == st.st_size and p.stat().st_mtime_ns == st.st_mtime_ns
    again = lint_register(Register(base_register, cache=Cache(tmp_path / "c")), LintOptions(as_of=DAY))
    assert "LFK102" in [f.code for f in again.findings]


def test_stat_index_skips_racily_clean_files(tmp_path: Path) -> None:
    """A file touched within two seconds of being hashed is not trusted by its stat next time (git's rule)."""
    import time

    from lfk.core.cache import SETTLE_NS, StatIndex

    index = StatIndex(Cache(tmp_path), "root")
    now = time.time_ns()
    index.put("fresh.yaml", (10, now, 1, now), "d1")
    index.put("settled.yaml", (10, now - 2 * SETTLE_NS, 2, now), "d2")
    assert index.get("fresh.yaml", (10, now, 1, now)) is None
    assert index.get("settled.yaml", (10, now - 2 * SETTLE_NS, 2, now)) == "d2"
    assert index.get("settled.yaml", (11, now - 2 * SETTLE_NS, 2, now)) is None  # size changed
    index.save()
    assert StatIndex(Cache(tmp_path), "root").get("settled.yaml", (10, now - 2 * SETTLE_NS, 2, now)) == "d2"
    assert StatIndex(Cache(tmp_path), "other-root").entries == {}


def test_changed_since_with_a_cache_reads_only_what_changed(repo: Path, tmp_path: Path,
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    """#16: the blob ids of unchanged files come from a stat index: a second run opens only the edited file,
    and an edit of the same size with the old mtime put back is still seen (ctime)."""
    import lfk.core.git as gitmod

    _age(repo.parent)
    cache = Cache(tmp_path / "c")
    assert changed_files(repo, "HEAD", cache) == []
    p = repo / "units/unit-00020/risks.yaml"
    st = p.stat()
    p.write_text(p.read_text(encoding="utf-8").replace("grade: 中", "grade: 低", 1), encoding="utf-8")
    os.utime(p, ns=(st.st_atime_ns, st.st_mtime_ns))
    opened: list[str] = []
    real_open = open
    monkeypatch.setattr(gitmod, "open", lambda f, *a, **k: opened.append(str(f)) or real_open(f, *a, **k), raising=False)
    assert changed_files(repo, "HEAD", Cache(tmp_path / "c")) == ["units/unit-00020/risks.yaml"]
    assert [Path(f).name for f in opened] == ["risks.yaml"] and "unit-00020" in opened[0]
    assert changed_files(repo, "HEAD") == ["units/unit-00020/risks.yaml"]  # the same without a cache


def test_changed_since_with_a_cache_sees_files_added_removed_linked_and_racily_clean(repo: Path, tmp_path: Path) -> None:
    """#16: over the stat index of an earlier run, a removed file, a new one, a file turned into a link
    (left out, as a full lint leaves it) and a file edited again within git's racy window, same size and
    mtime (never trusted by its stat), are each seen; the answer equals that of a run without a cache."""
    _age(repo.parent)
    assert changed_files(repo, "HEAD", Cache(tmp_path / "c")) == []  # fills the stat index
    (repo / "units/unit-00001/risks.yaml").unlink()
    (repo / "units/unit-00002/extra.yaml").write_text("risks: []\n", encoding="utf-8")
    link = repo / "units/unit-00003/measures.yaml"
    link.unlink()
    link.symlink_to(repo / "units/unit-00004/measures.yaml")
    fresh = repo / "units/unit-00005/risks.yaml"
    text = fresh.read_text(encoding="utf-8")
    fresh.write_text(text.replace("grade: 中", "grade: 低", 1), encoding="utf-8")  # touched just now
    want = ["units/unit-00001/risks.yaml", "units/unit-00002/extra.yaml", "units/unit-00003/measures.yaml",
            "units/unit-00005/risks.yaml"]
    assert changed_files(repo, "HEAD", Cache(tmp_path / "c")) == want
    st = fresh.stat()
    fresh.write_text(text, encoding="utf-8")  # back as committed: same size; the mtime put back too
    os.utime(fresh, ns=(st.st_atime_ns, st.st_mtime_ns))
    assert changed_files(repo, "HEAD", Cache(tmp_path / "c")) == want[:3] == changed_files(repo, "HEAD")


def test_one_git_process_names_the_top_the_prefix_and_the_object_format(repo: Path,
                                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    """#16: ``GitRepo`` learns the object format with the work tree's top (no second ``rev-parse``)."""
    import lfk.core.git as gitmod

    calls: list[tuple[str, ...]] = []
    real = gitmod.run_git
    monkeypatch.setattr(gitmod, "run_git", lambda cwd, *a, **k: calls.append(a) or real(cwd, *a, **k))
    r = gitmod.GitRepo(repo)
    assert (r.prefix, r.object_format()) == ("registers", "sha1")
    assert len(calls) == 1 and "--show-object-format" in calls[0]


def test_a_commits_tree_listing_is_kept_by_its_id_and_a_moved_ref_lists_again(repo: Path, tmp_path: Path,
                                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    """#16: --changed-since lists the commit's tree once; later runs take it from the cache by the commit id
    (a commit never changes), while a ref (HEAD) that moved to a new commit is listed afresh."""
    import lfk.core.git as gitmod
    from lfk.core.git import GitRepo

    cache = Cache(tmp_path / "c")
    with GitRepo(repo) as g:
        head = g.commit("HEAD")
        listed = g.tree(head, g.prefix, cache)
        assert listed == g.tree(head, g.prefix) and "lfk.yaml" in listed
        calls: list[tuple[str, ...]] = []
        real = gitmod.run_git
        monkeypatch.setattr(gitmod, "run_git", lambda top, *a, **k: calls.append(a) or real(top, *a, **k))
        assert g.tree(head, g.prefix, Cache(tmp_path / "c")) == listed
        assert not [c for c in calls if c[0] == "ls-tree"]  # from the cache
        g.tree("HEAD", g.prefix, cache)
        assert [c for c in calls if c[0] == "ls-tree"]  # a ref is never a cache key
    (repo / "units/unit-00021/new.yaml").write_text("x: 1\n", encoding="utf-8")
    git(repo.parent, "add", "-A")
    git(repo.parent, "commit", "-qm", "second")
    monkeypatch.setattr(gitmod, "run_git", real)
    assert changed_files(repo, "HEAD", Cache(tmp_path / "c")) == []  # HEAD moved: its new tree, not the old one
    assert changed_files(repo, "HEAD~1", Cache(tmp_path / "c")) == ["units/unit-00021/new.yaml"]


def test_changed_since_over_the_registers_own_listing_matches_its_own_walk(repo: Path, tmp_path: Path) -> None:
    """#16: lfk lint hands the register's file list to --changed-since (one walk of the working tree, not two);
    edits, untracked files, removals and links come out the same as from git's own walk."""
    p = repo / "units/unit-00020/risks.yaml"
    p.write_text(p.read_text(encoding="utf-8").replace("grade: 中", "grade: 高", 1), encoding="utf-8")
    (repo / "units/unit-00021/notes.txt").write_text("untracked", encoding="utf-8")
    (repo / "units/unit-00022/measures.yaml").unlink()
    os.symlink(repo / "lfk.yaml", repo / "units/unit-00023/link.yaml")
    walked = changed_files(repo, "HEAD")
    assert changed_files(repo, "HEAD", Cache(tmp_path / "c"), Register(repo).all_files) == walked
    assert walked == ["units/unit-00020/risks.yaml", "units/unit-00021/notes.txt", "units/unit-00022/measures.yaml"]
