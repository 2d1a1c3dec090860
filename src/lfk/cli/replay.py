"""Replaying ``lfk lint`` (issue #16): the same command line over the same inputs prints the same report.

A lint run whose report goes to a pipe or file as plain text or json, with the cache on, records the
report and its exit code in the register's cache (``lint-run``, one entry per command line and working
folder). The next ``lfk lint`` with that command line prints the stored report without importing
typer, pydantic, the models or the rules and without reading a register file, when every input a lint
result depends on is as it was:

- the command line, every option included (--as-of, --select/--ignore, --strict, --format, --lang, paths),
  and the working folder (the root is found from them as the full run finds it);
- every file below the register root and below each baseline register lfk.yaml names (a folder): the
  list of names and each file's ``lstat`` facts (size, mtime_ns, inode, ctime_ns; the ``StatIndex``
  key), so lfk.yaml (rule settings, ``lang:``, ``baseline:``), standard flows, units, accepted.yaml
  and a file added, removed, renamed, edited or touched;
- today's date (the default --as-of; the rules read no other clock);
- the environment that shapes findings or output: ``LFK_*`` (the cache secret only as a digest), the
  locale (``LANG``, ``LANGUAGE``, ``LC_*``), ``NO_COLOR``, ``FORCE_COLOR``, ``TERM``, ``COLUMNS``, ``CI``,
  ``GITHUB_ACTIONS``, ``TZ``, ``PYTHONIOENCODING``, ``PYTHONUTF8``, whether stdout is a terminal, its encoding;
- lfk's version and source, the Python version (the cache folder's tag: ``Cache``), the interpreter
  (``sys.version``, ``sys.executable``) and the installed distributions (names and versions).

Never recorded (the full run happens): ``--no-cache``, ``--fix``, ``--output``, ``--events`` (a log
outside the register), ``--changed-since`` (git decides its units), the github, sarif and junit formats
(they carry the run's time and the git work tree's location), output to a terminal, a baseline pinned
to a git revision, a register holding a link, and a run in which some input file had been changed less
than two seconds before it started (git's "racily clean" rule: a later change could keep the same facts).

This module imports neither typer nor the register, so a replay costs the interpreter, the stat walk
and one cache read.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import marshal
import os
import stat
import sys
import time
from pathlib import Path
from typing import Any

from lfk.core.cache import SETTLE_NS, Cache, default_dir, digest, stat_key
from lfk.core.errors import LfkError, WriteError
from lfk.core.fsutil import find_root, walk_tree

KIND = "lint-run"
ENV_NAMES = ("LANG", "LANGUAGE", "NO_COLOR", "FORCE_COLOR", "TERM", "COLUMNS", "CI", "GITHUB_ACTIONS", "TZ",
             "PYTHONIOENCODING", "PYTHONUTF8")
# options after which no run is recorded: a replay is not tried (a cheap pre-check; the record decides)
NEVER = frozenset({"--no-cache", "--fix", "--fix-grades", "--output", "-o", "--events", "--changed-since",
                   "-h", "--help"})

_argv: tuple[str, ...] | None = None  # the command line of the run in progress (set by lfk.cli.main)
_before: tuple[list[str], str, bool] | None = None  # (roots, inputs, settled) found by a replay that missed


def stdout_data(text: str) -> str:
    """What is written to stdout for ``text``: the text, with a final newline."""
    return text if text.endswith("\n") or not text else text + "\n"


def write_out(data: str) -> None:
    """Write ``data`` to stdout exactly (UTF-8 when the console's encoding cannot take it); a failed write
    is a ``WriteError``, a closed pipe a ``BrokenPipeError``."""
    try:
        try:
            sys.stdout.write(data)
            sys.stdout.flush()
        except UnicodeEncodeError:
            sys.stdout.buffer.write(data.encode("utf-8"))
            sys.stdout.flush()
    except BrokenPipeError:
        raise
    except OSError as e:
        raise WriteError(f"stdout: cannot write ({e.strerror or e}) / 无法写出到标准输出") from None


def _slot(argv: tuple[str, ...]) -> str:
    return digest(KIND, os.getcwd(), *argv)


def _today() -> str:
    return dt.date.today().isoformat()


def _environment() -> list[str]:
    env = os.environ
    names = sorted(k for k in env if k.startswith(("LFK_", "LC_")) or k in ENV_NAMES)
    out = [f"{k}={digest(env[k]) if k == 'LFK_CACHE_SECRET' else env[k]}" for k in names]
    out += [f"today={_today()}", f"python={sys.version}", f"exe={sys.executable}",
            f"tty={sys.stdout.isatty()}", f"encoding={getattr(sys.stdout, 'encoding', None)}"]
    for p in sys.path:
        if p.endswith(("site-packages", "dist-packages")) and os.path.isdir(p):
            out.append(p + ":" + ",".join(sorted(n for n in os.listdir(p) if n.endswith((".dist-info", ".egg-info", ".pth")))))
    return out


def tree_facts(root: str, settled_before: int) -> tuple[bytes, bool]:
    """A digest of the names and ``lstat`` facts of every file below ``root`` (as ``DirSource.files`` lists
    them), and whether they can be trusted: no file changed (mtime or ctime) at or after ``settled_before``
    (ns), no link and nothing but regular files."""
    rows: list[tuple[str, tuple[int, int, int, int]]] = []
    settled = True
    for dirpath, rel_dir, dirnames, filenames in walk_tree(root):
        if settled and any(os.path.islink(os.path.join(dirpath, d)) for d in dirnames):
            settled = False
        for name in filenames:
            st = os.lstat(os.path.join(dirpath, name))
            if settled and (not stat.S_ISREG(st.st_mode) or max(st.st_mtime_ns, st.st_ctime_ns) >= settled_before):
                settled = False
            rows.append((rel_dir + name, stat_key(st)))
    rows.sort()
    return hashlib.sha256(marshal.dumps(rows)).digest(), settled


def _inputs(roots: list[str], settled_before: int) -> tuple[str, bool]:
    """The digest of every input of a lint run over ``roots`` (see the module's docstring), and whether
    the files' facts can be trusted (``tree_facts``)."""
    facts = [tree_facts(r, settled_before) for r in roots]
    inputs = digest(*_environment(), *(r.encode("utf-8", "surrogateescape") + b"\0" + f for r, (f, _) in zip(roots, facts, strict=True)))
    return inputs, all(ok for _, ok in facts)


def _naive_root(args: list[str]) -> str | None:
    root = None
    for i, a in enumerate(args):
        if a == "--":
            break
        if a == "--root" and i + 1 < len(args):
            root = args[i + 1]
        elif a.startswith("--root="):
            root = a[len("--root="):]
    return root


def replay(argv: list[str]) -> int | None:
    """The exit code after printing the report recorded for ``lfk ARGV``, when every input is as it was
    then; None (nothing printed) otherwise."""
    if not argv or argv[0] != "lint" or any(a in NEVER for a in argv) or sys.stdout.isatty():
        return None
    try:
        root = str(find_root(_naive_root(argv[1:])))
        record = Cache(default_dir(Path(root))).get_obj(KIND, _slot(tuple(argv)))
        if not isinstance(record, dict) or record.get("argv") != list(argv) or record.get("root") != root:
            return None
        roots, data, code = record["roots"], record["data"], record["code"]
        inputs, settled = _inputs(roots, time.time_ns() - SETTLE_NS)
        if record.get("inputs") != inputs:
            global _before
            _before = (list(roots), inputs, settled)  # the facts before this run reads anything: its record's
            return None
    except (LfkError, OSError, KeyError, TypeError, ValueError):
        return None
    try:
        write_out(data)
    except BrokenPipeError:
        return 0
    except LfkError as e:
        sys.stderr.write(f"lfk: {e}\n")
        return e.exit_code
    return int(code)


def begin(argv: list[str]) -> None:
    """Remember the command line of this run (a full run may record its report under it)."""
    global _argv
    _argv = tuple(argv)


def end() -> None:
    """Forget the command line and the facts found before the run (the run is over)."""
    global _argv, _before
    _argv = _before = None


class Recorder:
    """Records one run's report once it is printed: made before the register is read (``start``).

    The inputs recorded are the facts taken before the run read a file: those a replay that missed
    found just before (``_before``), else the facts after the run, trusted only when no file changed
    since two seconds before the run began (so no file read during the run can differ from them)."""

    def __init__(self, argv: tuple[str, ...], root: Path) -> None:
        self.argv = argv
        self.root = str(root)
        self.started = time.time_ns() - SETTLE_NS
        self.before = _before

    @classmethod
    def start(cls, root: Path, eligible: bool) -> Recorder | None:
        """A recorder for this run when it was started by ``lfk.cli.main`` with a command line and ``eligible``."""
        if _argv is None or not eligible or sys.stdout.isatty():
            return None
        return cls(_argv, root)

    def save(self, cache: Cache | None, baselines: list[str] | None, text: str, code: int) -> None:
        """Store the report ``text`` (as printed) and exit ``code`` for the command line; ``baselines``:
        the folders of the baseline registers read (None: a baseline that cannot be recorded)."""
        if cache is None or baselines is None:
            return
        roots = [self.root, *baselines]
        try:
            if self.before is not None and self.before[0] == roots:
                _, inputs, settled = self.before
            else:
                inputs, settled = _inputs(roots, self.started)
        except OSError:
            return
        if settled:
            cache.put_obj(KIND, _slot(self.argv), {"argv": list(self.argv), "root": self.root, "roots": roots,
                                                   "inputs": inputs, "data": stdout_data(text), "code": code})


def baseline_folders(register: Any) -> list[str] | None:
    """The folders of ``register``'s chain of baseline registers (each a folder on disk), or None when one
    is pinned to a git revision or cannot be opened."""
    from lfk.register import DirSource  # the caller has read the register: no import cost here

    out: list[str] = []
    reg = register
    try:
        while reg.config.baseline is not None:
            reg = reg.baseline
            if reg is None:
                break
            if not isinstance(reg.source, DirSource):
                return None
            out.append(str(reg.root))
    except LfkError:
        return None
    return out
