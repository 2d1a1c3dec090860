"""On-disk caches in ``.lfk-cache/`` (or ``$LFK_CACHE_DIR``): parsed files and per-unit lint results.

- Entries are keyed by content digests (SHA-256 of a file's bytes, or of everything a unit's lint
  result depends on), so an entry is never used for bytes that changed.
- Every entry starts with an HMAC-SHA256 of its payload under a secret kept outside the register
  (``$LFK_CACHE_SECRET``, else ``~/.cache/lfk/secret``, created on first use): a cache folder committed
  into a register repository, or tampered with, is ignored, never trusted.
- A warm run need not read a file to know its digest: ``StatIndex`` keeps each file's digest beside
  what ``lstat`` said of it (size, mtime, inode, ctime), and trusts it only while all four are the same
  and the file had not been touched in the two seconds before it was hashed (git's "racily clean" rule).
- Writes go to a temporary file and are renamed into place, so concurrent runs never see half an
  entry; the folder name holds a format version, so a newer lfk ignores an older cache.
- Each version of lfk (and of its source, while developing) has its own folder; when a new one is made,
  all but the ``KEEP_OTHERS`` most recently used others are removed (an upgrade leaves no dead weight;
  two versions in use side by side, say pre-commit's and the shell's, keep theirs).
"""

from __future__ import annotations

import functools
import hashlib
import hmac
import marshal
import os
import re
import secrets
import shutil
import stat
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from lfk import __version__

FORMAT = "1"
KEEP_OTHERS = 2  # folders of other lfk versions kept beside the current one
TAG_RE = re.compile(r"v\d+-lfk[\w.+-]*-py\d+-[0-9a-f]{12}")


def _user_dir() -> Path:
    """``$XDG_CACHE_HOME/lfk`` (else ``~/.cache/lfk``): the secret and the source fingerprint memo."""
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "lfk"


def _secret() -> bytes:
    env = os.environ.get("LFK_CACHE_SECRET")
    if env:
        return env.encode("utf-8")
    base = _user_dir()
    path = base / "secret"
    try:
        return path.read_bytes()
    except OSError:
        pass
    try:
        base.mkdir(parents=True, exist_ok=True)
        key = secrets.token_hex(32).encode()
        fd, tmp = tempfile.mkstemp(dir=base)
        with os.fdopen(fd, "wb") as fh:
            fh.write(key)
        os.chmod(tmp, 0o600)
        os.replace(tmp, path)
        return path.read_bytes()
    except OSError:
        return b"lfk-process-" + secrets.token_hex(16).encode()  # no home: a per-process cache


def source_files() -> list[tuple[str, StatKey]]:
    """Every ``.py`` file of lfk's own package (relative, sorted) with its ``lstat`` facts."""
    pkg = str(Path(__file__).resolve().parents[1])
    out: list[tuple[str, StatKey]] = []
    for dirpath, dirnames, filenames in os.walk(pkg):
        dirnames[:] = [d for d in dirnames if d != "__pycache__"]
        rel_dir = os.path.relpath(dirpath, pkg).replace(os.sep, "/")
        for name in filenames:
            if name.endswith(".py"):
                out.append((name if rel_dir == "." else f"{rel_dir}/{name}",
                            stat_key(os.lstat(os.path.join(dirpath, name)))))
    out.sort()
    return out


@functools.cache
def code_fingerprint() -> str:
    """A digest of lfk's own source, so a changed rule (even in an editable install) never reuses old results.

    Hashing every source file costs ~20 ms a run, so the digest is memoised in the user's cache folder
    (``fingerprint-<digest of the package's folder>``, authenticated like every cache entry) under the ``lstat`` facts of every source
    file; any file touched, added or removed means hashing again (and a file touched in the two seconds
    before is never memoised, as in ``StatIndex``)."""
    files = source_files()
    stats = digest(*(f"{rel}={st}" for rel, st in files))
    memo = _user_dir() / f"fingerprint-{digest(str(Path(__file__).resolve().parents[1]))[:16]}"  # one per install
    key = _secret()
    try:
        raw = memo.read_bytes()
        mac, payload = raw[:32], raw[32:]
        if hmac.compare_digest(mac, hmac.new(key, payload, hashlib.sha256).digest()):
            stored_stats, fingerprint = payload.decode("ascii").split(" ")
            if stored_stats == stats:
                return fingerprint
    except (OSError, ValueError, UnicodeDecodeError):
        pass
    h = hashlib.sha256()
    pkg = Path(__file__).resolve().parents[1]
    for rel, _ in files:
        h.update(rel.encode())
        h.update((pkg / rel).read_bytes())
    fingerprint = h.hexdigest()[:12]
    if all(time.time_ns() - st[1] >= SETTLE_NS for _, st in files):
        payload = f"{stats} {fingerprint}".encode("ascii")
        try:
            memo.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=memo.parent, prefix=".tmp-")
            with os.fdopen(fd, "wb") as fh:
                fh.write(hmac.new(key, payload, hashlib.sha256).digest() + payload)
            os.replace(tmp, memo)
        except OSError:
            pass
    return fingerprint


def default_dir(root: Path) -> Path:
    """``$LFK_CACHE_DIR`` or ``<root>/.lfk-cache``."""
    env = os.environ.get("LFK_CACHE_DIR")
    return Path(env) if env else Path(root) / ".lfk-cache"


def _real_dir_or_absent(p: Path) -> bool:
    """Whether ``p`` is a real folder (not a link to one) or does not exist at all (not even as a
    dangling link)."""
    try:
        st = os.lstat(p)
    except FileNotFoundError:
        return True
    except OSError:
        return False
    return stat.S_ISDIR(st.st_mode)


class Cache:
    """A content-addressed, authenticated cache folder.

    The cache never reads or writes through a symbolic link: when the cache folder (``.lfk-cache``) or
    any folder or entry inside it is a link — pointing out of the register, dangling, or at a device —
    that part of the cache is not used (``enabled`` is False when the folder itself is one)."""

    def __init__(self, folder: Path) -> None:
        tag = f"v{FORMAT}-lfk{__version__}-py{sys.version_info[0]}{sys.version_info[1]}-{code_fingerprint()}"
        self.folder = Path(folder) / tag
        self.key = _secret()
        self.hits = 0
        self.misses = 0
        self.enabled = _real_dir_or_absent(Path(folder)) and _real_dir_or_absent(self.folder)
        self.writable = self.enabled
        self._dirs: set[Path] = set()

    def _path(self, kind: str, key: str) -> Path:
        return self.folder / kind / key[:2] / key

    def _dir_ok(self, d: Path) -> bool:
        """Whether ``d`` (inside the cache folder) and the folders between are real folders or absent."""
        if d in self._dirs:
            return True
        cur = self.folder
        for part in d.relative_to(self.folder).parts:
            cur = cur / part
            if not _real_dir_or_absent(cur):
                return False
        return True

    def get(self, kind: str, key: str) -> bytes | None:
        """The payload stored under (kind, key), if present and authentic."""
        path = self._path(kind, key)
        if not self.enabled or not self._dir_ok(path.parent):
            self.misses += 1
            return None
        try:
            fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0))
        except OSError:
            self.misses += 1
            return None
        try:
            with os.fdopen(fd, "rb") as fh:
                if not stat.S_ISREG(os.fstat(fh.fileno()).st_mode):
                    self.misses += 1
                    return None
                raw = fh.read()
        except OSError:
            self.misses += 1
            return None
        mac, payload = raw[:32], raw[32:]
        if len(mac) != 32 or not hmac.compare_digest(mac, hmac.new(self.key, payload, hashlib.sha256).digest()):
            self.misses += 1
            return None
        self.hits += 1
        return payload

    def put(self, kind: str, key: str, payload: bytes) -> None:
        """Store ``payload`` atomically (best effort: a read-only cache is silently skipped)."""
        if not self.writable:
            return
        path = self._path(kind, key)
        try:
            if path.parent not in self._dirs:
                if not self._dir_ok(path.parent):
                    self.writable = False
                    return
                base = self.folder.parent
                if not os.path.lexists(base):
                    base.mkdir(parents=True, exist_ok=True)
                dirs = [base, self.folder]
                for part in path.parent.relative_to(self.folder).parts:
                    dirs.append(dirs[-1] / part)
                for d in dirs:
                    try:
                        os.mkdir(d)  # one level at a time: never through a link
                    except FileExistsError:
                        if not _real_dir_or_absent(d):
                            self.writable = False
                            return
                    else:
                        if d == self.folder:
                            prune_others(base, self.folder.name)
                _write_new(self.folder.parent / ".gitignore", b"*\n")
                self._dirs.add(path.parent)
            fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
            with os.fdopen(fd, "wb") as fh:
                fh.write(hmac.new(self.key, payload, hashlib.sha256).digest() + payload)
            os.replace(tmp, path)
        except OSError:
            self.writable = False

    def get_obj(self, kind: str, key: str) -> Any:
        """A marshalled object, or None."""
        payload = self.get(kind, key)
        if payload is None:
            return None
        try:
            return marshal.loads(payload)
        except (EOFError, ValueError, TypeError):
            return None

    def put_obj(self, kind: str, key: str, obj: Any) -> None:
        """Store a marshallable object."""
        try:
            payload = marshal.dumps(obj)
        except ValueError:
            return
        self.put(kind, key, payload)


def prune_others(base: Path, current: str, keep: int = KEEP_OTHERS) -> list[str]:
    """Remove the cache folders of other lfk versions in ``base`` but the ``keep`` most recently used
    (newest change to the folder or a folder in it); the names removed. Only real folders named as
    ``Cache`` names them are touched; a link or a file is left alone, and so is whatever cannot be removed."""
    found: list[tuple[float, str]] = []
    try:
        entries = list(os.scandir(base))
    except OSError:
        return []
    for e in entries:
        if e.name == current or not TAG_RE.fullmatch(e.name) or not e.is_dir(follow_symlinks=False):
            continue
        try:
            used = max([e.stat(follow_symlinks=False).st_mtime]
                       + [c.stat(follow_symlinks=False).st_mtime for c in os.scandir(e.path)])
        except OSError:
            continue
        found.append((used, e.name))
    removed = []
    for _, name in sorted(found, reverse=True)[keep:]:
        shutil.rmtree(base / name, ignore_errors=True)
        if not os.path.lexists(base / name):
            removed.append(name)
    return removed


def _write_new(path: Path, data: bytes) -> None:
    """Create ``path`` with ``data`` unless something (a file, a link) is already there."""
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0), 0o644)
    except FileExistsError:
        return
    with os.fdopen(fd, "wb") as fh:
        fh.write(data)


def digest(*parts: bytes | str) -> str:
    """SHA-256 hex of the parts (length-prefixed, so parts cannot run into each other)."""
    h = hashlib.sha256()
    for p in parts:
        b = p.encode("utf-8", "surrogateescape") if isinstance(p, str) else p  # file names may not be UTF-8
        h.update(len(b).to_bytes(8, "little"))
        h.update(b)
    return h.hexdigest()


StatKey = tuple[int, int, int, int]  # size, mtime_ns, inode, ctime_ns (of lstat)
SETTLE_NS = 2_000_000_000  # a file touched this recently when hashed is hashed again next time


def stat_key(st: os.stat_result) -> StatKey:
    """What a ``StatIndex`` keys a file by: size, mtime, inode and ctime of its ``lstat``."""
    return (st.st_size, st.st_mtime_ns, st.st_ino, st.st_ctime_ns)


class StatIndex:
    """File digests keyed by their ``lstat`` facts, kept in the cache between runs (one entry per root)."""

    def __init__(self, cache: Cache, name: str) -> None:
        self.cache = cache
        self.key = digest("stat-index", name)
        stored = cache.get_obj("stat-index", self.key)
        self.entries: dict[str, tuple[int, int, int, int, str]] = stored if isinstance(stored, dict) else {}
        self.dirty = False

    def get(self, rel: str, st: StatKey) -> str | None:
        """The digest stored for ``rel`` if the file's stat facts are still ``st``."""
        entry = self.entries.get(rel)
        if entry is not None and len(entry) == 5 and tuple(entry[:4]) == st:
            return entry[4]
        return None

    def put(self, rel: str, st: StatKey, dig: str) -> None:
        """Remember ``dig`` for ``rel`` as it was when ``st`` was read (unless it was touched just before)."""
        if time.time_ns() - st[1] < SETTLE_NS:
            return
        if self.entries.get(rel) != (*st, dig):
            self.entries[rel] = (*st, dig)
            self.dirty = True

    def save(self) -> None:
        """Write the index back when it changed."""
        if self.dirty:
            self.cache.put_obj("stat-index", self.key, self.entries)
            self.dirty = False
