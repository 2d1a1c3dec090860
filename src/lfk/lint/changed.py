"""``lfk lint --changed-since REV``: which units to lint after a change, read from git.

What changed is every file that differs between REV and the working tree (committed, staged,
unstaged and untracked). The units to lint are those with a changed file, plus whatever refers to a
changed thing: a changed ``lfk.yaml`` means every unit; a changed standard flow means every unit
whose 职权目录 names it; a changed or removed ``unit.yaml`` means its child units too.
"""

from __future__ import annotations

from pathlib import Path

from lfk.core.cache import Cache
from lfk.core.errors import InputError, UsageError
from lfk.core.git import GitRepo
from lfk.register import Register


def changed_files(root: Path, rev: str, cache: Cache | None = None, files: list[str] | None = None) -> list[str]:
    """Register-relative paths that differ between ``rev`` and the working tree (untracked and ignored
    files included), through ``lfk.core.git.GitRepo`` (git runs under configuration that runs no program);
    with ``cache``, unchanged files are not read again (their blob ids kept by stat); ``files``: the
    register's files as ``Register.all_files`` lists them (the working tree is not walked again)."""
    if not rev or rev.startswith("-"):
        raise UsageError(f"--changed-since {rev!r}: not a git revision / 不是 git 版本")
    try:
        repo = GitRepo(root)
    except InputError:
        raise InputError(f"{root}: not inside a git repository / 不在 git 仓库中",
                         hint="--changed-since needs the register in git") from None
    with repo:
        try:
            commit = repo.commit(rev)
        except UsageError:
            raise UsageError(f"--changed-since {rev!r}: no such revision / 找不到该版本",
                             hint="try a tag, a branch or HEAD~1") from None
        return sorted(repo.changed_paths(commit, None, repo.prefix, cache, files))


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
