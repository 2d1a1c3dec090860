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
from lfk.loader import load_bytes
from lfk.loader.emit import format_text, write_text


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
    """The YAML files to format: (absolute path, path relative to the root or as given)."""
    root = root.resolve()
    targets: list[Path] = []
    if not paths:
        targets = [root]
    else:
        for p in paths:
            cand = Path(p)
            if cand.exists():
                targets.append(cand.resolve())
            elif (root / "units" / p).is_dir():
                targets.append(root / "units" / p)
            elif (root / p).exists():
                targets.append(root / p)
            else:
                raise UsageError(f"{p}: no such file, folder or unit / 找不到该文件、文件夹或单位")
    out: dict[Path, str] = {}
    for t in targets:
        files = [t] if t.is_file() else sorted(
            f for f in t.rglob("*.yaml") if not any(part.startswith(".") for part in f.relative_to(t).parts))
        for f in files:
            try:
                rel = f.relative_to(root).as_posix()
            except ValueError:
                rel = f.as_posix()
            out.setdefault(f, rel)
    return sorted(out.items(), key=lambda x: x[1])


def format_file(path: Path, rel: str) -> tuple[str, str]:
    """(current text, canonical text) of one file; ``InputError`` when it cannot be formatted safely."""
    try:
        raw = path.read_bytes()
    except OSError as e:
        raise InputError(f"cannot read ({e.strerror}) / 无法读取") from None
    before = load_bytes(raw, rel)
    if not before.ok:
        bad = next((f for f in before.findings if f.severity.value == "error"), None)
        what = f"{bad.code} line {bad.line}: {bad.message.en}" if bad else "unreadable"
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


def format_paths(root: Path, paths: list[str] | None = None, *, check: bool = False) -> FmtResult:
    """Format the register's YAML files (or ``paths``); with ``check`` nothing is written (library entry point)."""
    res = FmtResult()
    for path, rel in collect(root, paths):
        res.checked += 1
        try:
            old, new = format_file(path, rel)
        except InputError as e:
            res.errors.append((rel, e.message))
            continue
        raw_old = path.read_bytes()
        if new.encode("utf-8") != raw_old:
            res.changed.append(FileChange(rel, old, new))
    if not check:
        targets = [root / ch.rel if not Path(ch.rel).is_absolute() else Path(ch.rel) for ch in res.changed]
        check_writable(targets)
        for path, ch in zip(targets, res.changed, strict=True):
            write_text(path, ch.new)
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
