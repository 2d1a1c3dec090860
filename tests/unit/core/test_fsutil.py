"""Atomic writes: an interrupted write leaves the original whole; read-only files and missing folders fail cleanly."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

import lfk.core.fsutil as fsutil
from lfk.core.errors import WriteError


def test_atomic_write_replaces_and_keeps_mode(tmp_path: Path) -> None:
    p = tmp_path / "risks.yaml"
    p.write_text("old\n", encoding="utf-8")
    os.chmod(p, 0o640)
    fsutil.atomic_write(p, "新内容\n")
    assert p.read_text(encoding="utf-8") == "新内容\n"
    assert p.stat().st_mode & 0o777 == 0o640
    assert [x.name for x in tmp_path.iterdir()] == ["risks.yaml"]


def test_interrupted_write_keeps_the_original(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    p = tmp_path / "risks.yaml"
    p.write_text("original\n", encoding="utf-8")

    def boom(tmp: Path, target: Path) -> None:
        assert tmp.read_text(encoding="utf-8") == "half-done\n"
        raise KeyboardInterrupt

    monkeypatch.setattr(fsutil, "_before_replace", boom)
    with pytest.raises(KeyboardInterrupt):
        fsutil.atomic_write(p, "half-done\n")
    assert p.read_text(encoding="utf-8") == "original\n"
    assert [x.name for x in tmp_path.iterdir()] == ["risks.yaml"], "the temporary file is cleaned up"


def test_missing_folder_is_a_write_error(tmp_path: Path) -> None:
    with pytest.raises(WriteError) as e:
        fsutil.atomic_write(tmp_path / "nope" / "x.yaml", "x")
    assert "no such folder" in str(e.value)


def test_read_only_file_is_a_write_error(tmp_path: Path) -> None:
    p = tmp_path / "x.yaml"
    p.write_text("a\n", encoding="utf-8")
    os.chmod(p, 0o444)
    with pytest.raises(WriteError):
        fsutil.atomic_write(p, "b\n")
    assert p.read_text(encoding="utf-8") == "a\n"


def test_unwritable_file_is_a_write_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    p = tmp_path / "x.yaml"
    p.write_text("a\n", encoding="utf-8")
    real = os.access
    monkeypatch.setattr(fsutil.os, "access", lambda path, mode: False if Path(path) == p else real(path, mode))
    with pytest.raises(WriteError) as e:
        fsutil.atomic_write(p, "b\n")
    assert "read-only" in str(e.value)
    assert p.read_text(encoding="utf-8") == "a\n"


def test_new_files_get_the_umask_mode_and_parents_on_request(tmp_path: Path) -> None:
    """Regression: new files came out 0600 (mkstemp's mode), unreadable for a web server."""
    old = os.umask(0o022)
    try:
        p = tmp_path / "a" / "b" / "page.html"
        with pytest.raises(WriteError):
            fsutil.atomic_write(p, "x")
        fsutil.atomic_write(p, "x", make_parents=True)
    finally:
        os.umask(old)
    assert p.read_text(encoding="utf-8") == "x"
    assert p.stat().st_mode & 0o777 == 0o644


@pytest.mark.parametrize("durable,syncs", [(True, 1), (False, 0)])
def test_durable_decides_the_fsync(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, durable: bool, syncs: int) -> None:
    calls: list[int] = []
    real = os.fsync
    monkeypatch.setattr(fsutil.os, "fsync", lambda fd: calls.append(fd) or real(fd))
    p = tmp_path / "page.html"
    fsutil.atomic_write(p, "<p>x</p>", durable=durable)
    assert p.read_text(encoding="utf-8") == "<p>x</p>" and len(calls) == syncs


def _os_walk_tree(root: str) -> list[tuple[str, str, list[str], list[str]]]:
    """What walk_tree yielded when it was built on os.walk (the reference it must keep matching)."""
    skip = len(os.path.join(root, ""))
    out = []
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        rel_dir = dirpath[skip:].replace(os.sep, "/") if len(dirpath) > len(root) else ""
        out.append((dirpath, rel_dir + "/" if rel_dir else "", list(dirnames), sorted(filenames)))
    return out


@pytest.mark.parametrize("suffix", ["", "/"])
def test_walk_tree_matches_os_walk(tmp_path: Path, suffix: str) -> None:
    """#16: the scandir walk yields what os.walk did: sorted folders top-down, dot-folders skipped, a link to
    a folder listed among the folders but not followed, links to files and dangling links among the files."""
    root = tmp_path / "reg"
    for rel in ("units/b/risks.yaml", "units/a/unit.yaml", "units/a/flows/f.yaml", ".git/HEAD", "units/a/.hidden/x",
                "lfk.yaml"):
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text("x: 1\n", encoding="utf-8")
    (root / "units/c").symlink_to(root / "units/a", target_is_directory=True)
    (root / "units/b/link.yaml").symlink_to(root / "lfk.yaml")
    (root / "units/b/dangling").symlink_to(root / "nowhere")
    got = [(d, r, list(ds), sorted(fs)) for d, r, ds, fs in fsutil.walk_tree(str(root) + suffix)]
    assert got == _os_walk_tree(str(root) + suffix)
    assert [r for _, r, _, _ in got] == ["", "units/", "units/a/", "units/a/flows/", "units/b/"]
    assert got[1][2] == ["a", "b", "c"] and "dangling" in got[-1][3] and "link.yaml" in got[-1][3]
    assert list(fsutil.walk_tree(str(tmp_path / "absent"))) == []
