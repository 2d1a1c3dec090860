"""``lfk trend``: grade counts and assessment scores of the register at each tag (one row per year's tag).

Each tag is read from git objects (``lfk.history.register_at``) and graded and scored as of its own
commit date, so a row says what the register was worth on the day it was tagged.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from lfk.core.cache import Cache
from lfk.core.errors import UsageError
from lfk.core.git import GitRepo
from lfk.core.text import columns
from lfk.grading.report import grade_register
from lfk.history import Revision, register_at
from lfk.model.vocab import GRADES
from lfk.score.card import score_register


@dataclass(slots=True)
class TrendRow:
    """The register at one tag: 高/中/低 counts, each unit's score and their mean."""

    revision: Revision
    counts: dict[str, int]
    scores: dict[str, float]

    @property
    def mean(self) -> float | None:
        """The mean of the units' scores (None without units)."""
        return round(sum(self.scores.values()) / len(self.scores), 1) if self.scores else None

    def to_json(self) -> dict[str, Any]:
        """The JSON record (see docs/output.md, ``lfk trend``)."""
        return {**self.revision.to_json(), "counts": self.counts, "scores": self.scores, "mean": self.mean}


def trend(root: Path, revs: list[str] | None = None, units: list[str] | None = None,
          cache: Cache | None = None) -> list[TrendRow]:
    """One row per revision in ``revs`` (default: every tag reachable from HEAD), oldest first."""
    repo = GitRepo(root)
    if revs:
        labels = list(revs)
    else:
        labels = list(reversed(repo.tags_newest_first()))
        if not labels:
            raise UsageError("no tags: tag each year's register (git tag v2025) or name revisions with --rev "
                             "/ 没有标签：请为每年的登记册打标签", hint="git tag -s v2026 -m '2026 register'")
    rows: list[TrendRow] = []
    for label in labels:
        reg, revision = register_at(root, label, None, cache)
        wanted = [u for u in units or reg.unit_ids if u in reg.unit_ids]
        day = dt.date.fromisoformat(revision.date[:10]) if revision.date else None
        counts = grade_register(reg, wanted).counts if wanted else dict.fromkeys(GRADES, 0)
        scores = {c.unit: c.total for c in score_register(reg, as_of=day, units=wanted).cards} if wanted else {}
        rows.append(TrendRow(revision, dict(counts), dict(sorted(scores.items()))))
    rows.sort(key=lambda r: r.revision.date)
    return rows


def format_text(rows: list[TrendRow], lang: str) -> str:
    """A table: revision, date, 高/中/低 counts, mean score, then each unit's score."""
    zh = lang == "zh"
    units = sorted({u for r in rows for u in r.scores})
    head = ["版本" if zh else "revision", "日期" if zh else "date", *GRADES, "平均分" if zh else "mean", *units]
    body = [[r.revision.label, r.revision.date[:10], *(str(r.counts.get(g, 0)) for g in GRADES),
             "—" if r.mean is None else f"{r.mean:.1f}", *(f"{r.scores[u]:.1f}" if u in r.scores else "—" for u in units)]
            for r in rows]
    return _table([head, *body])


def _table(rows: list[list[str]]) -> str:
    return "\n".join(columns(rows, rule_after=0)) + "\n"
