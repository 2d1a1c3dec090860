"""Safe file writing: every write goes to a temporary file in the same folder, then is renamed."""

from __future__ import annotations

import errno
import os
import stat
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from lfk.core.errors import RootNotFound, WriteError


def _umask_mode() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return 0o666 & ~mask


def atomic_write(path: Path, data: bytes | str, *, encoding: str = "utf-8", make_parents: bool = False,
                 durable: bool = True) -> None:
    """Write ``data`` to ``path`` atomically: the old content stays whole until the rename.

    ``durable``: the bytes reach the disk before the rename (``fsync``). Files that are checked and
    rebuilt anyway (a site's pages, against the digests of its manifest) may skip that.

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
    except OSError as e:  # permissions, /proc and /sys, a read-only or full file system
        raise WriteError(f"{path}: cannot write here ({e.strerror or e}) / 无法写入", hint="check the folder and its permissions") from None
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(raw)
            fh.flush()
            if durable:
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


# -- reading and locking inside a register --------------------------------------------------------------
READ_CAP = 1 << 30  # no register file is read beyond 1 GiB, whatever it claims to be


def inside(root: Path, path: Path) -> bool:
    """``path`` (every link in it followed) lies under ``root`` (links followed too)."""
    try:
        Path(os.path.realpath(path)).relative_to(os.path.realpath(root))
    except ValueError:
        return False
    return True


class Confined:
    """Reads regular files below one root, never through a link that leads outside it.

    The real path of each folder is looked up once per reader (a register has few folders and many
    files) and the file itself is opened with ``O_NOFOLLOW``: only a file that is itself a link pays a
    full ``realpath``. ``read_confined`` is the one-shot form.
    """

    def __init__(self, root: Path | str) -> None:
        self.root = Path(root)
        self.real_root = os.path.realpath(self.root)
        self._dirs: dict[str, bool] = {}

    def trust(self, folder: str) -> None:
        """Record ``folder`` (reached from the root without following a link) as inside the root."""
        self._dirs[folder] = True

    def _dir_inside(self, folder: str) -> bool:
        ok = self._dirs.get(folder)
        if ok is None:
            real = os.path.realpath(folder)
            ok = real == self.real_root or real.startswith(self.real_root.rstrip(os.sep) + os.sep)
            self._dirs[folder] = ok
        return ok

    def read(self, rel: str, cap: int = READ_CAP) -> bytes:
        """The bytes of the regular file ``root/rel``; ``OSError`` (with a sentence) when it is a link that
        leads outside the root, not a regular file (FIFO, device, folder), or larger than ``cap``.

        Opened without blocking, so a FIFO never hangs; read at most ``cap`` bytes, so ``/dev/zero`` never
        runs without bound.
        """
        path = os.path.join(self.root, rel)
        outside = OSError(f"{rel}: a link that leads outside the register; not read / 链接指向登记册之外，未读取")
        if not self._dir_inside(os.path.dirname(path) or "."):
            raise outside
        flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0)
        try:
            fd = os.open(path, flags | getattr(os, "O_NOFOLLOW", 0))
        except OSError as e:
            if e.errno != errno.ELOOP:
                raise
            if not inside(self.root, Path(path)):  # the file is a link: where does it lead?
                raise outside from None
            fd = os.open(path, flags)
        return _read_fd(fd, rel, cap)


def _read_fd(fd: int, rel: str, cap: int) -> bytes:
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            raise OSError(f"{rel}: not a regular file; not read / 不是普通文件，未读取")
        if st.st_size > cap:
            raise OSError(f"{rel}: larger than {cap >> 20} MB; not read / 文件过大，未读取")
        chunks, total = [], 0
        while total <= cap:
            block = os.read(fd, min(1 << 20, cap + 1 - total))
            if not block:
                break
            chunks.append(block)
            total += len(block)
        if total > cap:
            raise OSError(f"{rel}: larger than {cap >> 20} MB; not read / 文件过大，未读取")
        return b"".join(chunks)
    finally:
        os.close(fd)


def read_confined(root: Path, rel: str, cap: int = READ_CAP) -> bytes:
    """The bytes of the regular file ``root/rel``, never through a link leading outside ``root``
    (see ``Confined.read``)."""
    return Confined(root).read(rel, cap)


LOCK_WAIT_S = 120.0


@contextmanager
def register_lock(root: Path, wait: float = LOCK_WAIT_S) -> Iterator[None]:
    """Hold the register's write lock (an exclusive ``flock`` on the root folder: no file is created).

    Every command that writes register files holds it around its read-compare-write, so two lfk writers
    never interleave. Waits up to ``wait`` seconds for another writer, then ``WriteError``.
    """
    try:
        import fcntl
    except ImportError:  # not POSIX: no advisory locks; the changed-file check still refuses lost edits
        yield
        return
    try:
        fd = os.open(root, os.O_RDONLY)
    except OSError as e:
        raise WriteError(f"{root}: cannot open the register folder ({e.strerror}) / 无法打开登记册文件夹") from None
    try:
        deadline = time.monotonic() + wait
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() > deadline:
                    raise WriteError("another lfk command is writing this register; nothing written / "
                                     "另一个 lfk 命令正在写入登记册，未写入", hint="run again when it has finished") from None
                time.sleep(0.02)
        yield
    finally:
        os.close(fd)  # releases the lock


def find_root(option: str | os.PathLike[str] | None = None, cwd: Path | None = None) -> Path:
    """The register root: ``option``, ``$LFK_ROOT``, the nearest folder up with lfk.yaml, ``./registers``."""
    explicit = option or os.environ.get("LFK_ROOT")
    if explicit:
        root = Path(explicit).expanduser()
        if not (root / "lfk.yaml").is_file():
            raise RootNotFound(
                f"{root}: no lfk.yaml here / 此处没有 lfk.yaml",
                hint="point --root at the folder that holds lfk.yaml, or run `lfk init DIR` / 请指向含 lfk.yaml 的文件夹",
            )
        return root.resolve()
    here = (cwd or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        if (folder / "lfk.yaml").is_file():
            return folder
    if (here / "registers" / "lfk.yaml").is_file():
        return here / "registers"
    raise RootNotFound(
        "no register found: no lfk.yaml in this folder or above, nor in ./registers / 找不到登记册（lfk.yaml）",
        hint="use --root DIR or set LFK_ROOT, or create one with `lfk init DIR`",
    )


def walk_tree(root: str) -> Iterator[tuple[str, str, list[str], list[str]]]:
    """(folder, its path relative to ``root`` with ``/``, sub-folder names, file names) of ``root`` and every
    folder below it except dot-folders (.git, .lfk-cache ...), in sorted order; links to folders are
    listed among the sub-folders but not followed. The one walk of a register folder."""
    skip = len(os.path.join(root, ""))  # os.walk names each folder root + os.sep + its path below root
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        rel_dir = dirpath[skip:].replace(os.sep, "/") if len(dirpath) > len(root) else ""
        yield dirpath, rel_dir + "/" if rel_dir else "", dirnames, filenames
