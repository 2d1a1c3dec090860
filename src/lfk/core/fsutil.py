"""Safe file writing: every write goes to a temporary file in the same folder, then is renamed."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from lfk.core.errors import WriteError


def _umask_mode() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return 0o666 & ~mask


def atomic_write(path: Path, data: bytes | str, *, encoding: str = "utf-8", make_parents: bool = False) -> None:
    """Write ``data`` to ``path`` atomically: the old content stays whole until the rename.

    Keeps an existing file's permission bits (a new file gets the usual umask mode). Raises
    ``WriteError`` (exit 2, nothing changed) when the folder is missing (unless ``make_parents``) or not
    writable, or the file is read-only.
    """
    path = Path(path)
    raw = data.encode(encoding) if isinstance(data, str) else data
    folder = path.parent
    if make_parents and not folder.is_dir():
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError as e:
            raise WriteError(f"{folder}: cannot create the folder ({e.strerror}) / 无法创建文件夹") from None
    if not folder.is_dir():
        raise WriteError(f"{folder}: no such folder / 文件夹不存在", hint="create it first, or check the path")
    try:
        mode = path.stat().st_mode & 0o7777 if path.exists() else None
        if mode is not None and (not mode & 0o222 or not os.access(path, os.W_OK)):
            raise WriteError(f"{path}: the file is read-only / 文件只读", hint="make it writable (chmod u+w) and run again")
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=folder)
    except PermissionError as e:
        raise WriteError(f"{path}: cannot write here ({e.strerror}) / 无法写入", hint="check the folder's permissions") from None
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(raw)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, mode if mode is not None else _umask_mode())
        _before_replace(Path(tmp), path)
        os.replace(tmp, path)
    except BaseException as e:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        if isinstance(e, OSError):
            raise WriteError(f"{path}: cannot write ({e.strerror}) / 写入失败，原文件未改动") from None
        raise


def _before_replace(tmp: Path, target: Path) -> None:
    """Hook called between writing the temporary file and the rename (tests inject failures here)."""
