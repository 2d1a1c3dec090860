"""The one check before any register file is written: a file of a known kind, under the root, not a link.

Every writing command (``fmt``, ``lint --fix``, ``grade --write``, ``approve``, ``import``) passes each
target through ``register_target`` before reading it, and writes through ``write_register_file`` while
holding ``lfk.core.fsutil.register_lock``; a file that changed since it was read is never overwritten.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

from lfk.core.errors import UsageError, WriteError
from lfk.core.fsutil import atomic_write, inside
from lfk.loader.emit import model_for_path

KINDS = "lfk.yaml, flows/*.yaml, units/U/{unit,authorities,risks,measures}.yaml, units/U/{flows,benchmarks}/*.yaml"


def register_target(root: Path, path: str | os.PathLike[str]) -> tuple[Path, str]:
    """(absolute path, register-relative path) of a file lfk may write; ``UsageError`` (exit 2) otherwise.

    Refused, before anything is read: a path outside the root (``..``, absolute elsewhere, or through a
    link that leads out), a link, anything but a regular file, and a file that is not of a known kind
    (``lfk.loader.emit.model_for_path``), e.g. ``/etc/passwd`` or ``units/U/notes.yaml``.
    """
    root = Path(root)
    real_root = Path(os.path.realpath(root))
    p = Path(path)
    if not p.is_absolute():
        p = root / p
    p = Path(os.path.abspath(p))  # ``..`` resolved by text: units/U/../../x is outside
    try:
        rel = p.relative_to(Path(os.path.abspath(root))).as_posix()
    except ValueError:
        try:
            rel = p.relative_to(real_root).as_posix()
        except ValueError:
            raise UsageError(f"{path}: outside the register ({root}); not touched / 不在登记册内，未改动",
                             hint="lfk writes only the register's own files") from None
    if not inside(root, p.parent) or any(part.startswith(".") for part in rel.split("/")):
        raise UsageError(f"{path}: outside the register (a link or hidden folder); not touched / 不在登记册内，未改动")
    if model_for_path(rel) is None:
        raise UsageError(f"{rel}: not a register file of a known kind; not touched / 不是登记册文件，未改动",
                         hint=f"lfk writes only {KINDS}")
    try:
        st = os.lstat(p)
    except FileNotFoundError:
        return p, rel
    except OSError as e:
        raise UsageError(f"{rel}: cannot be examined ({e.strerror}) / 无法访问") from None
    if stat.S_ISLNK(st.st_mode):
        raise UsageError(f"{rel}: a symbolic link; lfk does not write through links / 是符号链接，未改动",
                         hint="replace the link by the file itself")
    if not stat.S_ISREG(st.st_mode):
        raise UsageError(f"{rel}: not a regular file; not touched / 不是普通文件，未改动")
    return p, rel


def write_register_file(root: Path, rel: str, data: bytes | str, *, expect: bytes | None = None,
                        make_parents: bool = False) -> None:
    """Write one register file atomically after ``register_target``; with ``expect``, only when the file
    still holds exactly those bytes (else ``WriteError``: someone changed it since lfk read it).

    Call it while holding ``register_lock(root)``.
    """
    path, rel = register_target(root, rel)
    if expect is not None:
        try:
            now = path.read_bytes()
        except OSError:
            now = None
        if now != expect:
            raise WriteError(f"{rel}: changed since lfk read it; nothing written to it / 文件在读取后被修改，未写入",
                             hint="run the command again")
    atomic_write(path, data, make_parents=make_parents)
