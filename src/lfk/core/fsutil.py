"""Safe file writing: every write goes to a temporary file in the same folder, then is renamed."""

from __future__ import annotations

import errno
import os
import secrets
import stat
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

from lfk.core.errors import RootNotFound, UsageError, WriteError


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
    writable, or the file is read-only. A single file the user named; a tree of files below an output
    folder goes through ``OutputTree``, which never follows a link.
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
            raise _read_only(path)
        dfd = _open_folder(folder)
    except OSError as e:  # permissions, /proc and /sys, a read-only or full file system
        raise WriteError(f"{path}: cannot write here ({e.strerror or e}) / 无法写入", hint="check the folder and its permissions") from None
    try:
        _commit(str(folder), dfd, path.name, raw, mode, durable, path)
    finally:
        if dfd is not None:
            os.close(dfd)


_DIR_FD = all(f in os.supports_dir_fd for f in (os.open, os.mkdir, os.unlink, os.rmdir, os.stat, os.chmod, os.rename))
_DIRECTORY = getattr(os, "O_DIRECTORY", 0)
_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)


def _open_folder(folder: Path) -> int | None:
    """``folder`` open for ``dir_fd`` use (links followed: atomic_write's folder is the user's), or None where
    there is no ``dir_fd`` or the folder may be written but not read (then names are taken by path)."""
    if not _DIR_FD:
        return None
    try:
        return os.open(folder, os.O_RDONLY | _DIRECTORY)
    except PermissionError:
        return None


def _read_only(path: Path) -> WriteError:
    return WriteError(f"{path}: the file is read-only / 文件只读", hint="make it writable (chmod u+w) and run again")


def _at(folder: str, dfd: int | None, name: str) -> str:
    """How to name ``name`` of ``folder``: bare under an open folder (``dir_fd``), else by its path."""
    return name if dfd is not None else os.path.join(folder, name)


def _commit(folder: str, dfd: int | None, name: str, raw: bytes, mode: int | None, durable: bool, shown: Path) -> None:
    """Write ``raw`` to a new temporary file beside ``name`` (in the open folder ``dfd``, or ``folder``) and
    rename it over ``name``: the one write-then-rename of ``atomic_write`` and ``OutputTree``."""
    for _ in range(100):
        tmp = f".{name}.{secrets.token_hex(4)}.tmp"
        try:
            fd = os.open(_at(folder, dfd, tmp), os.O_WRONLY | os.O_CREAT | os.O_EXCL | _NOFOLLOW | getattr(os, "O_BINARY", 0),
                         0o600, dir_fd=dfd)
            break
        except FileExistsError:
            continue
        except OSError as e:
            raise WriteError(f"{shown}: cannot write here ({e.strerror or e}) / 无法写入",
                             hint="check the folder and its permissions") from None
    else:
        raise WriteError(f"{shown}: cannot make a temporary file / 无法创建临时文件")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(raw)
            fh.flush()
            if durable:
                os.fsync(fh.fileno())
        os.chmod(_at(folder, dfd, tmp), mode if mode is not None else _umask_mode(), dir_fd=dfd)
        _before_replace(Path(folder, tmp), shown)
        os.replace(_at(folder, dfd, tmp), _at(folder, dfd, name), src_dir_fd=dfd, dst_dir_fd=dfd)
    except BaseException as e:
        try:
            os.unlink(_at(folder, dfd, tmp), dir_fd=dfd)
        except OSError:
            pass
        if isinstance(e, OSError):
            raise WriteError(f"{shown}: cannot write ({e.strerror}) / 写入失败，原文件未改动") from None
        raise


def _before_replace(tmp: Path, target: Path) -> None:
    """Hook called between writing the temporary file and the rename (tests inject failures here)."""


# -- writing a tree of files below one output folder -------------------------------------------------
class OutputTree:
    """The one confined-writer policy of every command that writes a folder tree (``lfk site``,
    ``lfk render --out``, ``lfk export --table all --out``, ``lfk init``): files are written and removed
    below one output folder and never through a symbolic link.

    The output folder itself must not be a link (its parents may be: ``/tmp``, ``/var`` on macOS), and no
    folder or file on the way to a file lfk writes or removes may be one: lfk refuses (``UsageError``,
    exit 2, naming the link and where it leads) rather than write through it or replace it, since a
    link in an output folder is either someone else's arrangement (not lfk's to undo) or an attempt to
    make lfk write elsewhere. ``check`` refuses before anything is written; ``write`` and ``remove``
    walk the path one open folder at a time with ``O_NOFOLLOW`` (on POSIX), so a link put in place
    during the build is refused too. A register's own files go through ``lfk.loader.guard`` instead
    (links inside a register that stay inside it are the user's layout).
    """

    def __init__(self, root: Path | str) -> None:
        self.root = Path(root)

    def _link(self, path: Path) -> UsageError:
        try:
            target = os.readlink(path)
        except OSError:
            target = "?"
        if path == self.root:
            hint = f"give the folder it leads to ({os.path.realpath(path)}) instead, or remove the link"
        else:
            hint = f"remove the link from {self.root} (lfk writes its own files there), or choose another folder"
        return UsageError(f"{path}: a symbolic link (→ {target}); lfk writes no output through a link, nothing written / "
                          "是符号链接，未写入任何文件", hint=hint)

    def _parts(self, rel: str) -> list[str]:
        parts = rel.replace("\\", "/").split("/")
        if not rel or rel.startswith("/") or any(p in ("", ".", "..") for p in parts):
            raise UsageError(f"{rel!r}: not a path inside {self.root}; nothing written / 不在输出文件夹内，未写入")
        return parts

    def check(self, rels: Iterable[str] = ()) -> None:
        """Refuse now (``UsageError``) what a later ``write`` or ``remove`` of ``rels`` would refuse: the output
        folder a link or not a folder, a link or a file in place of a folder on the way, a link or a folder
        in place of a file."""
        if os.path.islink(self.root):
            raise self._link(self.root)
        if self.root.exists() and not self.root.is_dir():
            raise UsageError(f"{self.root}: not a folder / 不是文件夹")
        for rel in rels:
            parts = self._parts(rel)
            cur = self.root
            for i, part in enumerate(parts):
                cur = cur / part
                try:
                    st = os.lstat(cur)
                except FileNotFoundError:
                    break
                except OSError as e:
                    raise UsageError(f"{cur}: cannot be examined ({e.strerror}) / 无法访问") from None
                if stat.S_ISLNK(st.st_mode):
                    raise self._link(cur)
                last = i == len(parts) - 1
                if last and stat.S_ISDIR(st.st_mode):
                    raise UsageError(f"{cur}: a folder where lfk writes a file; nothing written / 此处应为文件，却是文件夹")
                if not last and not stat.S_ISDIR(st.st_mode):
                    raise UsageError(f"{cur}: not a folder; nothing written / 不是文件夹，未写入")

    def _open(self, parts: list[str], create: bool) -> list[int] | None:
        """Open the root and ``parts`` one folder at a time, never through a link (made when ``create``);
        the open folders, root first (None: a part is missing and not ``create``)."""
        if create and not os.path.lexists(self.root):
            try:
                self.root.parent.mkdir(parents=True, exist_ok=True)
                os.mkdir(self.root)
            except FileExistsError:
                pass
            except OSError as e:
                raise WriteError(f"{self.root}: cannot create the folder ({e.strerror}) / 无法创建文件夹") from None
        fds: list[int] = []
        cur = self.root
        try:
            fds.append(self._open_dir(str(self.root), None, self.root))
            for part in parts:
                cur = cur / part
                try:
                    fds.append(self._open_dir(part, fds[-1], cur))
                except FileNotFoundError:
                    if not create:
                        self._close(fds)
                        return None
                    try:
                        os.mkdir(part, 0o777, dir_fd=fds[-1])
                    except FileExistsError:
                        pass
                    fds.append(self._open_dir(part, fds[-1], cur))
        except FileNotFoundError:
            self._close(fds)
            if create:
                raise WriteError(f"{cur}: cannot create the folder / 无法创建文件夹") from None
            return None
        except OSError as e:
            self._close(fds)
            raise WriteError(f"{cur}: cannot open the folder ({e.strerror or e}) / 无法打开文件夹") from None
        return fds

    def _open_dir(self, name: str, dfd: int | None, shown: Path) -> int:
        try:
            return os.open(name, os.O_RDONLY | _DIRECTORY | _NOFOLLOW, dir_fd=dfd)
        except OSError as e:
            if e.errno in (errno.ELOOP, errno.ENOTDIR) and os.path.islink(shown):
                raise self._link(shown) from None
            if e.errno == errno.ENOTDIR:
                raise UsageError(f"{shown}: not a folder; nothing written / 不是文件夹，未写入") from None
            raise

    @staticmethod
    def _close(fds: list[int]) -> None:
        for fd in fds:
            os.close(fd)

    def write(self, rel: str, data: bytes | str, *, durable: bool = False, only_if_changed: bool = False) -> bool:
        """Write ``data`` to ``root/rel`` atomically (folders made as needed); False when ``only_if_changed``
        and the file already holds exactly ``data``. ``UsageError`` on a link (see the class)."""
        raw = data.encode("utf-8") if isinstance(data, str) else data
        parts = self._parts(rel)
        shown = self.root / rel
        if not _DIR_FD:  # no dir_fd (Windows): the same refusals by path, then a plain atomic write
            self.check([rel])
            if only_if_changed and shown.is_file() and shown.read_bytes() == raw:
                return False
            atomic_write(shown, raw, make_parents=True, durable=durable)
            return True
        fds = self._open(parts[:-1], create=True)
        assert fds is not None
        try:
            name, dfd = parts[-1], fds[-1]
            try:
                st = os.stat(name, dir_fd=dfd, follow_symlinks=False)
            except FileNotFoundError:
                st = None
            except OSError as e:
                raise WriteError(f"{shown}: cannot write here ({e.strerror}) / 无法写入") from None
            mode = None
            if st is not None:
                if stat.S_ISLNK(st.st_mode):
                    raise self._link(shown)
                if not stat.S_ISREG(st.st_mode):
                    raise UsageError(f"{shown}: not a regular file; nothing written / 不是普通文件，未写入")
                mode = st.st_mode & 0o7777
                if not mode & 0o222 or not os.access(name, os.W_OK, dir_fd=dfd):
                    raise _read_only(shown)
                if only_if_changed and st.st_size == len(raw) and self._holds(name, dfd, raw):
                    return False
            _commit(str(shown.parent), dfd, name, raw, mode, durable, shown)
            return True
        finally:
            self._close(fds)

    def create(self, files: Iterable[tuple[str, bytes | str]]) -> bool:
        """Make the output folder, which must not exist yet, holding ``files`` (rel, data), without
        ``fsync``. False, with nothing written, when the folder exists already (or on a system without
        ``dir_fd``): then ``write`` each file.

        A new folder holds nothing to keep whole, so each file is created in place (``O_EXCL``, never
        through a link) instead of as a temporary file renamed over it: a build cut short leaves a folder
        without its manifest, as ``write`` file by file does. Every folder on the way is made by this call
        and opened with ``O_NOFOLLOW``; a link put in place meanwhile is refused (``UsageError``)."""
        if not _DIR_FD or os.path.lexists(self.root):
            return False
        try:
            self.root.parent.mkdir(parents=True, exist_ok=True)
            os.mkdir(self.root)
        except FileExistsError:
            return False
        except OSError as e:
            raise WriteError(f"{self.root}: cannot create the folder ({e.strerror}) / 无法创建文件夹") from None
        folders: dict[tuple[str, ...], int] = {}
        try:
            folders[()] = self._open_dir(str(self.root), None, self.root)
            for rel, data in files:
                parts = self._parts(rel)
                where = tuple(parts[:-1])
                for done in [k for k in folders if where[:len(k)] != k]:  # open: only the folders on the way
                    os.close(folders.pop(done))
                dfd = self._made(folders, where)
                raw = data.encode("utf-8") if isinstance(data, str) else data
                fd = os.open(parts[-1], os.O_WRONLY | os.O_CREAT | os.O_EXCL | _NOFOLLOW, 0o666, dir_fd=dfd)
                with os.fdopen(fd, "wb") as fh:
                    fh.write(raw)
        except OSError as e:
            raise WriteError(f"{self.root}: cannot write ({e.strerror or e}) / 写入失败") from None
        finally:
            self._close(list(folders.values()))
        return True

    def _made(self, folders: dict[tuple[str, ...], int], parts: tuple[str, ...]) -> int:
        """The open folder ``parts`` below the root during ``create``, made (or, made already, opened again) and
        kept open while files go into it."""
        got = folders.get(parts)
        if got is not None:
            return got
        parent = self._made(folders, parts[:-1])
        try:
            os.mkdir(parts[-1], 0o777, dir_fd=parent)
        except FileExistsError:
            pass  # made for an earlier file (or meanwhile by someone else): opened without following a link
        folders[parts] = fd = self._open_dir(parts[-1], parent, self.root.joinpath(*parts))
        return fd

    @staticmethod
    def _holds(name: str, dfd: int, raw: bytes) -> bool:
        try:
            fd = os.open(name, os.O_RDONLY | _NOFOLLOW | getattr(os, "O_NONBLOCK", 0), dir_fd=dfd)
        except OSError:
            return False
        with os.fdopen(fd, "rb") as fh:
            return fh.read(len(raw) + 1) == raw

    def remove(self, rel: str, *, prune: bool = True) -> bool:
        """Delete the file ``root/rel`` (and, with ``prune``, the folders it leaves empty, up to the root);
        False when it is not there. A link on the way, or as the file, is refused (``UsageError``)."""
        parts = self._parts(rel)
        shown = self.root / rel
        if not _DIR_FD:
            self.check([rel])
            if not shown.is_file():
                return False
            shown.unlink()
            folder = shown.parent
            while prune and folder != self.root and self.root in folder.parents:
                try:
                    folder.rmdir()
                except OSError:
                    break
                folder = folder.parent
            return True
        fds = self._open(parts[:-1], create=False)
        if fds is None:
            return False
        try:
            try:
                st = os.stat(parts[-1], dir_fd=fds[-1], follow_symlinks=False)
            except FileNotFoundError:
                return False
            if stat.S_ISLNK(st.st_mode):
                raise self._link(shown)
            if not stat.S_ISREG(st.st_mode):
                return False
            os.unlink(parts[-1], dir_fd=fds[-1])
            if prune:
                for i in range(len(parts) - 2, -1, -1):  # the folder parts[i] inside fds[i]
                    try:
                        os.rmdir(parts[i], dir_fd=fds[i])
                    except OSError:
                        break
            return True
        finally:
            self._close(fds)


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
    listed among the sub-folders but not followed. The one walk of a register folder.

    What ``os.walk`` (top-down, errors ignored) yields, by one ``scandir`` per folder: whether an entry
    is a link comes from the directory entry (no ``lstat`` per sub-folder) and no generator is nested
    per level (a 1,000-unit register has 3,000 folders)."""
    skip = len(os.path.join(root, ""))  # each folder is named root + os.sep + its path below root
    stack = [root]
    while stack:
        dirpath = stack.pop()
        dirnames: list[str] = []
        filenames: list[str] = []
        links: set[str] = set()
        try:
            with os.scandir(dirpath) as entries:
                for entry in entries:
                    try:
                        is_dir = entry.is_dir()  # follows a link, as os.walk does
                    except OSError:
                        is_dir = False
                    if not is_dir:
                        filenames.append(entry.name)
                    elif not entry.name.startswith("."):
                        dirnames.append(entry.name)
                        if entry.is_symlink():
                            links.add(entry.name)
        except OSError:
            continue
        dirnames.sort()
        rel_dir = dirpath[skip:].replace(os.sep, "/") if len(dirpath) > len(root) else ""
        yield dirpath, rel_dir + "/" if rel_dir else "", dirnames, filenames
        below = os.path.join(dirpath, "")
        stack.extend(below + d for d in reversed(dirnames) if d not in links)
