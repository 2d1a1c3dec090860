"""``lfk fmt``: every YAML file of the register in the one canonical layout (``lfk.loader.emit``).

Comments, blank lines and quoting are kept; key order follows REGISTER.md; short value objects and
lists are written in flow style. The result is idempotent. A file is written only when its data,
read back the way every lfk command reads it, is exactly the data it held before (so formatting can
never change a register's meaning); a file that cannot be parsed is reported and left alone.
Each write is atomic.
"""

from __future__ import annotations

import difflib
import os
from dataclasses import dataclass, field
from pathlib import Path

from lfk.core.errors import InputError, UsageError, WriteError
from lfk.core.fsutil import inside, read_confined, register_lock
from lfk.loader import load_bytes
from lfk.loader.emit import format_text
from lfk.loader.guard import register_target, write_register_file
from lfk.model.validate import EMPTY_FILE


@dataclass
class FileChange:
    """A file whose layout is (or was) not canonical."""

    rel: str
    old: str
    new: str

    def diff(self) -> str:
        """Unified diff from the current to the canonical text."""
        return "".join(difflib.unified_diff(self.old.splitlines(keepends=True), self.new.splitlines(keepends=True),
                                            f"a/{self.rel}", f"b/{self.rel}"))


@dataclass
class FmtResult:
    """What ``format_paths`` found: files changed (or to change with ``check``), files it could not format."""

    changed: list[FileChange] = field(default_factory=list)
    errors: list[tuple[str, str]] = field(default_factory=list)
    checked: int = 0
    written: bool = False

    @property
    def exit_code(self) -> int:
        """2 when a file could not be formatted; with check, 1 when a file would change; else 0."""
        if self.errors:
            return 2
        if self.changed and not self.written:
            return 1
        return 0


def collect(root: Path, paths: list[str] | None) -> list[tuple[Path, str]]:
    """The register files to format: (absolute path, path relative to the root).

    A file named explicitly must pass ``lfk.loader.guard.register_target`` (a register file of a known
    kind under the root, not a link), else ``UsageError`` before anything is read; folders contribute
    only the register files in them.
    """
    root = root.resolve()
    targets: list[Path] = []
    if not paths:
        targets = [root]
    else:
        for p in paths:
            cand = Path(p)
            if cand.is_symlink() or cand.is_file():
                targets.append(register_target(root, cand)[0])
            elif cand.is_dir():
                if not inside(root, cand):
                    raise UsageError(f"{p}: outside the register ({root}); not touched / 不在登记册内，未改动")
                targets.append(cand.resolve())
            elif (root / "units" / p).is_dir():
                targets.append(root / "units" / p)
            elif (root / p).is_symlink() or (root / p).is_file():
                targets.append(register_target(root, p)[0])
            elif (root / p).is_dir() and inside(root, root / p):
                targets.append(root / p)
            elif cand.exists() or (root / p).exists():
                raise UsageError(f"{p}: not a register file or folder; not touched / 不是登记册文件，未改动")
            else:
                raise UsageError(f"{p}: no such file, folder or unit / 找不到该文件、文件夹或单位")
    out: dict[Path, str] = {}
    for t in targets:
        if t.is_file():
            path, rel = register_target(root, t)
            out.setdefault(path, rel)
            continue
        for f in sorted(t.rglob("*.yaml")):
            if any(part.startswith(".") for part in f.relative_to(t).parts):
                continue
            try:
                path, rel = register_target(root, f)
            except UsageError:
                continue  # not a register file (or a link): a folder walk leaves it alone
            out.setdefault(path, rel)
    return sorted(out.items(), key=lambda x: x[1])


def format_file(path: Path, rel: str, raw: bytes | None = None, max_bytes: int | None = None) -> tuple[str, str]:
    """(current text, canonical text) of one file; ``InputError`` when it cannot be formatted safely.

    ``max_bytes`` (``lint.max_file_mb``): a larger file is not formatted (LFK006).
    """
    if raw is None:
        try:
            raw = read_confined(path.parent, path.name)
        except OSError as e:
            raise InputError(f"cannot read ({e.strerror or e}) / 无法读取") from None
    before = load_bytes(raw, rel, max_bytes=max_bytes)
    if not before.ok:
        bad = next((f for f in before.findings if f.severity.value == "error"), None)
        what = (f"{bad.code} line {bad.line}: {bad.message.en}" if bad else
                f"LFK009 line 1: {EMPTY_FILE.en}" if before.data is None else "unreadable")
        raise InputError(f"not formatted: {what} / 文件有错误，未格式化")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise InputError("not UTF-8 / 不是 UTF-8 编码") from None
    new = format_text(text, rel)
    after = load_bytes(new.encode("utf-8"), rel)
    if not after.ok or after.data != before.data:
        raise InputError("formatting would change the data; left as is (please report) / 格式化会改变数据，未改动")
    return text, new


def format_paths(root: Path, paths: list[str] | None = None, *, check: bool = False,
                 max_bytes: int | None = None) -> FmtResult:
    """Format the register's YAML files (or ``paths``); with ``check`` nothing is written (library entry point).

    Writes hold the register's write lock, and a file that changed since it was read is left alone
    (reported, exit 2).
    """
    res = FmtResult()
    raws: dict[str, bytes] = {}
    for path, rel in collect(root, paths):
        res.checked += 1
        try:
            raw = read_confined(root, rel)
        except OSError as e:
            res.errors.append((rel, f"cannot read ({e.strerror or e}) / 无法读取"))
            continue
        try:
            old, new = format_file(path, rel, raw, max_bytes)
        except InputError as e:
            res.errors.append((rel, e.message))
            continue
        if new.encode("utf-8") != raw:
            res.changed.append(FileChange(rel, old, new))
            raws[rel] = raw
    if not check:
        check_writable([root / ch.rel for ch in res.changed])
        with register_lock(root):
            for ch in list(res.changed):
                try:
                    write_register_file(root, ch.rel, ch.new, expect=raws[ch.rel])
                except WriteError as e:
                    if "changed since" not in e.message:
                        raise
                    res.changed.remove(ch)
                    res.errors.append((ch.rel, e.message))
        res.written = True
    return res


def check_writable(paths: list[Path]) -> None:
    """Refuse before writing anything when one of ``paths`` (or its folder) cannot be written."""
    for p in paths:
        folder = p.parent
        if p.exists() and (not os.access(p, os.W_OK) or not p.stat().st_mode & 0o222):
            raise WriteError(f"{p}: the file is read-only; nothing written / 文件只读，未写入任何文件",
                             hint="make it writable (chmod u+w) and run again")
        if folder.exists() and not os.access(folder, os.W_OK):
            raise WriteError(f"{folder}: the folder is not writable; nothing written / 文件夹不可写，未写入任何文件")
