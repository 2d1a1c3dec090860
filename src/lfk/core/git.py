"""Reading a register at a git revision through git plumbing, without a checkout.

``GitSource(repo_dir, rev, subdir)`` implements the ``lfk.register.Source`` protocol over the tree of
one commit: ``files()`` comes from one ``git ls-tree -r -z``, ``read(rel)`` from ONE long-lived
``git cat-file --batch`` process shared by every source of the same ``GitRepo``. Nothing here checks
out, writes the index or touches the working tree; every git process runs with
``GIT_OPTIONAL_LOCKS=0`` and ``--literal-pathspecs``.

Revision strings from users are only ever passed to ``git rev-parse --verify --quiet
--end-of-options REV^{commit}``, so one starting with ``-`` is never taken as an option; after that
only the full commit id is used.
"""

from __future__ import annotations

import hashlib
import os
import stat
import subprocess
import threading
from collections.abc import Iterable
from pathlib import Path
from typing import IO

from lfk.core.cache import Cache, StatIndex, digest, stat_key
from lfk.core.errors import InputError, UsageError
from lfk.core.fsutil import walk_tree

_GIT_ENV = {
    "GIT_OPTIONAL_LOCKS": "0",  # never refresh or write the index as a side effect
    "GIT_TERMINAL_PROMPT": "0",
    "GIT_PAGER": "cat",
    "LC_ALL": "C",
}


# Configuration under which git can run no program a repository names: no fsmonitor hook, no hooks, no
# external diff or textconv, no pager, no credential helper or ssh command. Clean/smudge filters in
# ``.gitattributes`` never run because lfk never asks git to read the working tree (see ``worktree_blobs``).
SAFE_CONFIG: tuple[str, ...] = (
    "-c", "core.fsmonitor=false", "-c", "core.hooksPath=/dev/null", "-c", "diff.external=",
    "-c", "core.pager=cat", "-c", "credential.helper=", "-c", "core.sshCommand=false",
    "-c", "core.untrackedCache=false", "-c", "protocol.allow=never",
)


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env.update(_GIT_ENV)
    env["GIT_CONFIG_NOSYSTEM"] = "1"
    env.pop("GIT_EXTERNAL_DIFF", None)
    env.pop("GIT_SSH_COMMAND", None)
    return env


def blob_id(data: bytes, object_format: str = "sha1") -> str:
    """git's id of a blob holding ``data`` (computed here: no git process, no filter)."""
    h = hashlib.sha256() if object_format == "sha256" else hashlib.sha1()  # noqa: S324 - git's object id
    h.update(b"blob %d\0" % len(data))
    h.update(data)
    return h.hexdigest()


def run_git(cwd: Path, *args: str, check: bool = True) -> subprocess.CompletedProcess[bytes]:
    """Run ``git --literal-pathspecs ARGS`` in ``cwd``; raise ``InputError`` on failure when ``check``."""
    try:
        proc = subprocess.run(
            ["git", *SAFE_CONFIG, "--literal-pathspecs", "--no-pager", *args],
            cwd=str(cwd), env=_env(), stdin=subprocess.DEVNULL, capture_output=True, check=False,
        )
    except FileNotFoundError:
        raise InputError("git is not installed or not on PATH / 找不到 git 程序") from None
    if check and proc.returncode != 0:
        msg = proc.stderr.decode("utf-8", "replace").strip().splitlines()
        raise InputError(f"git {args[0]} failed: {msg[-1] if msg else proc.returncode} / git 命令失败")
    return proc


class GitRepo:
    """A git work tree: its top folder and one lazily started ``git cat-file --batch`` process."""

    def __init__(self, path: Path) -> None:
        path = Path(path)
        if not path.is_dir():
            raise InputError(f"{path}: not a folder / 不是文件夹")
        proc = run_git(path, "rev-parse", "--show-toplevel", "--show-prefix", "--show-object-format", check=False)
        if proc.returncode != 0:  # not a repository, or a git older than 2.25 (no --show-object-format)
            proc = run_git(path, "rev-parse", "--show-toplevel", "--show-prefix", check=False)
        if proc.returncode != 0:
            raise InputError(f"{path}: not inside a git repository / 不在 git 仓库中",
                             hint="lfk diff compares git revisions: run `git init` and commit the register")
        lines = proc.stdout.decode("utf-8", "surrogateescape").split("\n")
        self.top = Path(lines[0])
        self.prefix = (lines[1] if len(lines) > 1 else "").strip("/")  # ``path`` relative to top, / form
        fmt = lines[2] if len(lines) > 2 else ""
        self._format = fmt if fmt in ("sha1", "sha256") else None  # asked again by ``object_format`` if unknown
        self._proc: subprocess.Popen[bytes] | None = None
        self._lock = threading.Lock()
        self._commits: dict[str, str] = {}

    # -- revisions ---------------------------------------------------------------------------------
    def commit(self, rev: str) -> str:
        """The full commit id of ``rev``; a bad revision is a ``UsageError`` (exit 2, one line)."""
        if rev in self._commits:
            return self._commits[rev]
        bad = UsageError(f"bad revision {rev!r}: not a commit of this repository / 无效的版本",
                         hint="use a tag, branch or commit id, e.g. v2025 or HEAD~1")
        if not rev or "\n" in rev or "\0" in rev:
            raise bad
        proc = run_git(self.top, "rev-parse", "--verify", "--quiet", "--end-of-options", f"{rev}^{{commit}}",
                       check=False)
        sha = proc.stdout.decode("ascii", "replace").strip()
        if proc.returncode != 0 or not sha or not all(c in "0123456789abcdef" for c in sha):
            raise bad
        self._commits[rev] = sha
        return sha

    def tags_newest_first(self) -> list[str]:
        """Tags reachable from HEAD that point at commits, newest first (by date, then by version)."""
        proc = run_git(self.top, "for-each-ref", "--merged=HEAD", "--sort=-v:refname", "--sort=-creatordate",
                       "--format=%(refname)", "refs/tags", check=False)
        if proc.returncode != 0:
            return []
        out = []
        for line in proc.stdout.decode("utf-8", "surrogateescape").splitlines():
            if line.startswith("refs/tags/"):
                out.append(line[len("refs/tags/"):])
        return out

    # -- trees -------------------------------------------------------------------------------------
    def tree(self, commit: str, subdir: str = "", cache: Cache | None = None) -> dict[str, str]:
        """``{path relative to subdir: blob id}`` of the regular files under ``subdir`` at ``commit``.

        Files inside dot-folders (as ``DirSource`` skips them), symlinks and submodules are left out.
        An empty dict when ``subdir`` does not exist at that commit. With ``cache`` and a full commit id
        (what ``commit()`` returns), the listing is kept: a commit's tree never changes.
        """
        key = digest("git-tree", commit, subdir) if cache is not None and _is_oid(commit) else None
        if key is not None:
            stored = cache.get_obj("git-tree", key)  # type: ignore[union-attr]
            if isinstance(stored, dict):
                return stored
        treeish = f"{commit}:{subdir}" if subdir else commit
        proc = run_git(self.top, "ls-tree", "-r", "-z", "--full-tree", treeish, check=False)
        if proc.returncode != 0:
            return {}
        out: dict[str, str] = {}
        for rec in proc.stdout.split(b"\0"):
            if not rec.startswith((b"100644 blob ", b"100755 blob ")):
                continue  # trees are not listed with -r; symlinks (120000) and submodules (160000) are skipped
            meta, _, raw_path = rec.partition(b"\t")
            path = raw_path.decode("utf-8", "surrogateescape")
            if path[0] == "." or "/." in path:
                if any(part.startswith(".") for part in path.split("/")[:-1]):
                    continue
            out[path] = meta[12:].decode("ascii")
        if key is not None:
            cache.put_obj("git-tree", key, out)  # type: ignore[union-attr]
        return out

    def changed_paths(self, a: str, b: str | None, subdir: str = "", cache: Cache | None = None,
                      files: Iterable[str] | None = None) -> set[str]:
        """Paths (relative to ``subdir``) that differ between commits ``a`` and ``b``.

        ``b`` None: between ``a`` and the working tree, compared here (``worktree_blobs``): git never
        reads the working tree, so no fsmonitor hook or clean filter can run, and untracked and ignored
        files count as changed too (as a full lint reads them). With ``cache``, blob ids of files whose
        ``lstat`` is unchanged come from a stat index (no read, no hash). ``files``: the working tree's
        paths below ``subdir`` when the caller has listed them (see ``worktree_blobs``).
        """
        if b is None:
            old = self.tree(a, subdir, cache)
            now = self.worktree_blobs(subdir, cache, files)
            return {p for p, _ in old.items() ^ now.items()}  # added, removed or with another blob
        spec = subdir or "."
        proc = run_git(self.top, "diff-tree", "-r", "--name-only", "-z", "--no-renames", a, b, "--", spec)
        prefix = f"{subdir}/" if subdir else ""
        out: set[str] = set()
        for raw in proc.stdout.split(b"\0"):
            if not raw:
                continue
            path = raw.decode("utf-8", "surrogateescape")
            if path.startswith(prefix):
                out.add(path[len(prefix):])
        return out

    def object_format(self) -> str:
        """``sha1`` or ``sha256``: how this repository names objects."""
        if self._format is not None:
            return self._format
        proc = run_git(self.top, "rev-parse", "--show-object-format", check=False)
        fmt = proc.stdout.decode("ascii", "replace").strip()
        return fmt if proc.returncode == 0 and fmt in ("sha1", "sha256") else "sha1"

    def worktree_blobs(self, subdir: str = "", cache: Cache | None = None,
                       files: Iterable[str] | None = None) -> dict[str, str]:
        """``{path relative to subdir: blob id}`` of the regular files under ``subdir`` in the working tree,
        as ``tree`` lists a commit (dot-folders and links left out), hashed in Python; with ``cache``, a
        file whose size, mtime, inode and ctime are unchanged keeps the blob id of an earlier run.
        ``files``: the paths below ``subdir`` when the caller has walked it already (``DirSource.files``,
        the same walk: ``lfk.core.fsutil.walk_tree``); else it is walked here."""
        fmt = self.object_format()
        base = self.top / subdir if subdir else self.top
        index = StatIndex(cache, f"git-blobs {fmt} {os.path.realpath(base)}") if cache is not None else None
        out: dict[str, str] = {}
        if files is None:
            files = [rel_dir + name for _, rel_dir, _, names in walk_tree(str(base)) for name in names]
        top = str(base) + os.sep
        entries = index.entries if index is not None else {}
        lstat = os.lstat
        for rel in files:  # the hot loop of --changed-since (16,000 files): no call but lstat when unchanged
            try:
                st = lstat(top + rel)
            except (OSError, ValueError):
                continue
            if st.st_mode & 0o170000 != stat.S_IFREG:  # not a regular file (S_ISREG without the call)
                continue
            e = entries.get(rel)
            if (e is not None and len(e) == 5 and e[0] == st.st_size and e[1] == st.st_mtime_ns
                    and e[2] == st.st_ino and e[3] == st.st_ctime_ns):
                oid = e[4]  # what ``StatIndex.get`` answers, without building the key
            else:
                try:
                    with open(top + rel, "rb") as fh:
                        data = fh.read()
                except OSError:
                    continue
                oid = blob_id(data, fmt)
                if index is not None:
                    index.put(rel, stat_key(st), oid)
            out[rel if rel.isascii() else rel.encode("utf-8", "surrogateescape").decode("utf-8", "replace")] = oid
        if index is not None:
            index.save()
        return out

    # -- blobs -------------------------------------------------------------------------------------
    def _batch(self) -> subprocess.Popen[bytes]:
        if self._proc is None or self._proc.poll() is not None:
            try:
                self._proc = subprocess.Popen(
                    ["git", *SAFE_CONFIG, "cat-file", "--batch"], cwd=str(self.top), env=_env(),
                    stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                )
            except FileNotFoundError:
                raise InputError("git is not installed or not on PATH / 找不到 git 程序") from None
        return self._proc

    def read_blob(self, oid: str) -> bytes:
        """The content of blob ``oid`` (through the shared ``cat-file --batch`` process)."""
        return self.read_blobs([oid])[oid]

    def read_blobs(self, oids: Iterable[str]) -> dict[str, bytes]:
        """Contents of many blobs, requests pipelined through the one ``cat-file --batch`` process."""
        wanted = list(dict.fromkeys(oids))
        if not wanted:
            return {}
        with self._lock:
            proc = self._batch()
            assert proc.stdin is not None and proc.stdout is not None
            out: dict[str, bytes] = {}
            writer = threading.Thread(target=_write_requests, args=(proc.stdin, wanted), daemon=True)
            writer.start()
            try:
                for oid in wanted:
                    out[oid] = _read_one(proc.stdout, oid)
            finally:
                writer.join()
            return out

    def close(self) -> None:
        """Stop the ``cat-file`` process."""
        proc, self._proc = self._proc, None
        if proc is None:
            return
        try:
            if proc.stdin:
                proc.stdin.close()
            proc.wait(timeout=5)
        except (OSError, subprocess.TimeoutExpired):
            proc.kill()
            proc.wait()
        finally:
            if proc.stdout:
                proc.stdout.close()

    def __enter__(self) -> GitRepo:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __del__(self) -> None:  # pragma: no cover - best effort
        try:
            self.close()
        except Exception:  # noqa: BLE001
            pass


def _write_requests(stdin: IO[bytes], oids: list[str]) -> None:
    try:
        stdin.write(b"".join(o.encode("ascii") + b"\n" for o in oids))
        stdin.flush()
    except (BrokenPipeError, OSError):
        pass


def _read_one(stdout: IO[bytes], oid: str) -> bytes:
    header = stdout.readline()
    if not header:
        raise InputError(f"git cat-file stopped while reading {oid} / 读取 git 对象失败")
    parts = header.split()
    if len(parts) == 2 and parts[1] == b"missing":
        raise InputError(f"git object {oid} is missing / git 对象缺失")
    if len(parts) != 3:
        raise InputError(f"unexpected answer from git cat-file: {header[:80]!r}")
    size = int(parts[2])
    data = _read_exact(stdout, size)
    _read_exact(stdout, 1)  # the newline after the content
    return data


def _read_exact(stdout: IO[bytes], size: int) -> bytes:
    chunks = []
    left = size
    while left > 0:
        chunk = stdout.read(left)
        if not chunk:
            raise InputError("git cat-file ended early / 读取 git 对象失败")
        chunks.append(chunk)
        left -= len(chunk)
    return b"".join(chunks)


class GitSource:
    """The register files under ``subdir`` at revision ``rev`` of the repository at ``repo_dir``.

    Implements ``lfk.register.Source``: ``files()`` and ``read(rel)`` (paths relative to ``subdir``).
    ``blob_ids`` maps each file to its blob id, so two revisions can be compared without reading.
    Pass ``repo`` to share one ``cat-file`` process between sources.
    """

    def __init__(self, repo_dir: Path | str, rev: str, subdir: str = "", *, repo: GitRepo | None = None) -> None:
        self.repo = repo or GitRepo(Path(repo_dir))
        self._own_repo = repo is None
        self.rev = rev
        self.commit = self.repo.commit(rev)
        self.subdir = subdir.strip("/")
        self.blob_ids: dict[str, str] = self.repo.tree(self.commit, self.subdir)

    def files(self) -> list[str]:
        """Every regular file under the subdir at this revision, ``/``-separated, sorted."""
        return sorted(self.blob_ids)

    def read(self, rel: str) -> bytes:
        """The bytes of one file at this revision (``FileNotFoundError`` when it is not there)."""
        oid = self.blob_ids.get(rel)
        if oid is None:
            raise FileNotFoundError(rel)
        return self.repo.read_blob(oid)

    def read_many(self, rels: Iterable[str]) -> dict[str, bytes]:
        """The bytes of many files at once (one pipelined round trip)."""
        pairs = [(rel, self.blob_ids[rel]) for rel in rels if rel in self.blob_ids]
        blobs = self.repo.read_blobs(oid for _, oid in pairs)
        return {rel: blobs[oid] for rel, oid in pairs}

    def close(self) -> None:
        """Stop the ``cat-file`` process if this source started it."""
        if self._own_repo:
            self.repo.close()

    def __enter__(self) -> GitSource:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def work_tree_of(path: Path) -> tuple[Path, str] | None:
    """(top folder, ``path`` relative to it with a trailing ``/`` or "") of the git work tree holding ``path``.

    None when ``path`` is not in a git work tree (or git is not installed).
    """
    try:
        proc = run_git(Path(path), "rev-parse", "--show-toplevel", "--show-prefix", check=False)
    except InputError:
        return None
    if proc.returncode != 0:
        return None
    lines = proc.stdout.decode("utf-8", "surrogateescape").split("\n")
    prefix = (lines[1] if len(lines) > 1 else "").strip("/")
    return Path(lines[0]), (prefix + "/" if prefix else "")


def _is_oid(name: str) -> bool:
    """Whether ``name`` is a full object id (40 or 64 lower-case hex digits), not a ref that can move."""
    return len(name) in (40, 64) and all(c in "0123456789abcdef" for c in name)
