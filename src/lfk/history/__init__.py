"""The register as it stood: a revision (``--rev``) or a date (``--at``) resolved to one commit, and the
register read from that commit's git objects through ``lfk.core.git.GitSource`` (nothing checked out).

``lfk.history.log`` follows one item field by field through the commits; ``lfk.history.trend`` gives
grade counts and scores per tag.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from lfk.core.cache import Cache
from lfk.core.errors import UsageError
from lfk.core.git import GitRepo, GitSource, run_git
from lfk.register import Register


@dataclass(frozen=True, slots=True)
class Revision:
    """One commit: its id, the revision the user named, and who made it when."""

    commit: str
    label: str
    date: str
    author: str
    subject: str

    @property
    def short(self) -> str:
        """The first 10 hex digits."""
        return self.commit[:10]

    def to_json(self) -> dict[str, str]:
        """The JSON record (keys: commit, rev, date, author, subject)."""
        return {"commit": self.commit, "rev": self.label, "date": self.date, "author": self.author,
                "subject": self.subject}


def parse_at(value: str) -> dt.date:
    """``--at`` as a date; a bad value is a usage error."""
    try:
        return dt.date.fromisoformat(value.strip()[:10])
    except ValueError:
        raise UsageError(f"--at {value!r} is not a date / 不是日期", hint="write YYYY-MM-DD, e.g. 2025-12-31") from None


def revision_info(repo: GitRepo, commit: str, label: str | None = None) -> Revision:
    """Date (ISO, committer), author and subject of ``commit`` (a full id)."""
    proc = run_git(repo.top, "show", "-s", "--format=%cI%x1f%an%x1f%s", commit)
    date, author, subject = (proc.stdout.decode("utf-8", "replace").rstrip("\n").split("\x1f") + ["", "", ""])[:3]
    return Revision(commit, label or commit[:10], date, author, subject)


def resolve(repo: GitRepo, rev: str | None, at: str | None) -> Revision:
    """The commit of ``rev`` (default HEAD), or with ``at`` the last commit of it on or before that date.

    ``at`` is a date (YYYY-MM-DD): the register as it stood at the end of that day (committer date).
    """
    base = repo.commit(rev or "HEAD")
    if at is None:
        return revision_info(repo, base, rev or "HEAD")
    day = parse_at(at)
    proc = run_git(repo.top, "rev-list", "-1", f"--before={day.isoformat()}T23:59:59", base)
    sha = proc.stdout.decode("ascii", "replace").strip()
    if not sha:
        raise UsageError(f"--at {day}: no commit on or before that date / 该日期前没有提交",
                         hint="`git log --reverse` shows the first commit's date")
    return revision_info(repo, sha, f"{rev or 'HEAD'}@{day.isoformat()}")


def register_at(root: Path, rev: str | None, at: str | None, cache: Cache | None = None,
                **register_options: Any) -> tuple[Register, Revision]:
    """The register under ``root`` as it stood at ``rev`` / ``at``, read from git objects only."""
    repo = GitRepo(root)
    revision = resolve(repo, rev, at)
    source = GitSource(repo.top, revision.commit, repo.prefix, repo=repo)
    source.rev = revision.label
    if "lfk.yaml" not in source.blob_ids:
        raise UsageError(f"{revision.label} ({revision.short}): no lfk.yaml in {repo.prefix or '.'} at that revision "
                         "/ 该版本中没有登记册", hint="choose a later revision")
    return Register(root, source=source, cache=cache, **register_options), revision
