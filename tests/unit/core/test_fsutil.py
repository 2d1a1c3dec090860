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
