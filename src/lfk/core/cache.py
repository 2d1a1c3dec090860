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
"""

from __future__ import annotations

import functools
import hashlib
import hmac
import marshal
import os
import secrets
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from lfk import __version__
from lfk.core.errors import WriteError
from lfk.core.fsutil import atomic_write

FORMAT = "1"


def _secret() -> bytes:
    env = os.environ.get("LFK_CACHE_SECRET")
    if env:
        return env.encode("utf-8")
    base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "lfk"
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


@functools.cache
def code_fingerprint() -> str:
    """A digest of lfk's own source, so a changed rule (even in an editable install) never reuses old results."""
    h = hashlib.sha256()
    pkg = Path(__file__).resolve().parents[1]
    for p in sorted(pkg.rglob("*.py")):
        h.update(p.relative_to(pkg).as_posix().encode())
        h.update(p.read_bytes())
    return h.hexdigest()[:12]


def default_dir(root: Path) -> Path:
    """``$LFK_CACHE_DIR`` or ``<root>/.lfk-cache``."""
    env = os.environ.get("LFK_CACHE_DIR")
    return Path(env) if env else Path(root) / ".lfk-cache"


class Cache:
    """A content-addressed, authenticated cache folder."""

    def __init__(self, folder: Path) -> None:
        tag = f"v{FORMAT}-lfk{__version__}-py{sys.version_info[0]}{sys.version_info[1]}-{code_fingerprint()}"
        self.folder = Path(folder) / tag
        self.key = _secret()
        self.hits = 0
        self.misses = 0
        self.writable = True
        self._dirs: set[Path] = set()

    def _path(self, kind: str, key: str) -> Path:
        return self.folder / kind / key[:2] / key

    def get(self, kind: str, key: str) -> bytes | None:
        """The payload stored under (kind, key), if present and authentic."""
        try:
            raw = self._path(kind, key).read_bytes()
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
                path.parent.mkdir(parents=True, exist_ok=True)
                gitignore = self.folder.parent / ".gitignore"
                if not gitignore.exists():
                    atomic_write(gitignore, "*\n")
                self._dirs.add(path.parent)
            fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
            with os.fdopen(fd, "wb") as fh:
                fh.write(hmac.new(self.key, payload, hashlib.sha256).digest() + payload)
            os.replace(tmp, path)
        except (OSError, WriteError):
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
