"""``lfk lint --changed-since REV``: which units to lint after a change, read from git.

What changed is every file that differs between REV and the working tree (committed, staged,
unstaged and untracked). The units to lint are those with a changed file, plus whatever refers to a
changed thing: a changed ``lfk.yaml`` means every unit; a changed standard flow means every unit
whose 职权目录 names it; a changed or removed ``unit.yaml`` means its child units too.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

from lfk.core.errors import InputError, UsageError
from lfk.register import Register


def _git(root: Path, *args: str) -> str:
    try:
        p = subprocess.run(["git", "-C", str(root), *args], capture_output=True, text=True, timeout=120)
    except FileNotFoundError:
        raise InputError("git is not installed / 未安装 git", hint="install git, or lint without --changed-since") from None
    if p.returncode != 0:
        raise InputError(f"git {args[0]}: {p.stderr.strip().splitlines()[-1] if p.stderr.strip() else 'failed'}")
    return p.stdout


def changed_files(root: Path, rev: str) -> list[str]:
    """Register-relative paths that differ between ``rev`` and the working tree."""
    if not rev or rev.startswith("-"):
        raise UsageError(f"--changed-since {rev!r}: not a git revision / 不是 git 版本")
    try:
        top = Path(_git(root, "rev-parse", "--show-toplevel").strip())
    except InputError:
        raise InputError(f"{root}: not inside a git repository / 不在 git 仓库中",
                         hint="--changed-since needs the register in git") from None
    p = subprocess.run(["git", "-C", str(root), "rev-parse", "--verify", "--quiet", "--end-of-options", f"{rev}^{{commit}}"],
                       capture_output=True, text=True)
    if p.returncode != 0:
        raise UsageError(f"--changed-since {rev!r}: no such revision / 找不到该版本", hint="try a tag, a branch or HEAD~1")
    commit = p.stdout.strip()
    prefix = root.resolve().relative_to(top.resolve()).as_posix()
    prefix = "" if prefix == "." else prefix + "/"
    names = _git(top, "diff", "--name-only", "-z", "--no-renames", commit, "--").split("\0")
    names += _git(top, "ls-files", "--others", "--exclude-standard", "-z").split("\0")
    out = sorted({n[len(prefix):] for n in names if n and n.startswith(prefix)})
    return out


def affected_units(register: Register, changed: list[str]) -> list[str] | None:
    """Unit ids to lint for ``changed`` files (None: every unit)."""
    units: set[str] = set()
    std_changed: set[str] = set()
    for rel in changed:
        parts = rel.split("/")
        if rel == "lfk.yaml":
            return None
        if parts[0] == "flows" and len(parts) == 2 and rel.endswith(".yaml"):
            std_changed.add(parts[1][:-5])
        elif parts[0] == "units" and len(parts) >= 3:
            units.add(parts[1])
            if parts[2] == "unit.yaml":
                units.update(uid for uid, (_, unit) in register.unit_headers.items() if unit and unit.parent == parts[1])
    if std_changed:
        for uid in register.unit_ids:
            rel = f"units/{uid}/authorities.yaml"
            if rel not in register.unit_dirs.get(uid, []):
                continue
            try:
                text = register.source.read(rel).decode("utf-8", "replace")
            except OSError:
                continue
            if any(fid in text for fid in std_changed):
                units.add(uid)
    return sorted(u for u in units if u in register.unit_dirs)
