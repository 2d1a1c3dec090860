"""``MonitorResult``: findings, warned cases, escalations, counts per unit/power/step/post/risk point, summary.

``to_dict(lang)`` gives a JSON-ready dict (the ``--format json`` document, and what the internal site
page reads): ``{"as_of", "mode", "summary", "findings", "cases", "escalations", "counts", "explain"}``;
``explain`` (``lfk.monitor.explain``) has the per-power deviation shares and throughput times.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from lfk.core.finding import Finding, Severity
from lfk.monitor.codes import LEVEL_RANK, RED, YELLOW

if TYPE_CHECKING:
    from lfk.monitor.engine import Monitor

DIMENSIONS = ("unit", "authority", "step", "post", "risk")


@dataclass
class MonitorResult:
    """What ``run_monitor`` returns."""

    findings: list[Finding]
    cases: list[dict[str, Any]]
    escalations: list[dict[str, Any]]
    counts: dict[str, dict[str, dict[str, Any]]]
    summary: dict[str, Any]
    as_of: dt.datetime | None = None
    mode: str = "streaming"
    labels: dict[str, dict[str, str]] = field(default_factory=dict)
    explain: list[dict[str, Any]] = field(default_factory=list)

    @classmethod
    def build(cls, mon: Monitor, as_of: dt.datetime | None, mode: str,
              escalations: list[dict[str, Any]]) -> MonitorResult:
        """Assemble the result of a finished run."""
        counts: dict[str, dict[str, dict[str, Any]]] = {d: {} for d in DIMENSIONS}
        labels: dict[str, dict[str, str]] = {d: {} for d in DIMENSIONS}

        def bump(dim: str, key: str, level: str, cid: str) -> None:
            c = counts[dim].setdefault(key, {YELLOW: 0, RED: 0, "cases": set()})
            c[level] += 1
            c["cases"].add(cid)

        cases: list[dict[str, Any]] = []
        for w in sorted(mon.case_warnings, key=lambda w: (w["case_id"], w["unit"])):
            unit, aid, cid = w["unit"], w["authority"], w["case_id"]
            tbl = mon.tables.get(unit, aid)
            for _code, level, step, post, risks in w["deviations"]:
                bump("unit", unit, level, cid)
                bump("authority", f"{unit}/{aid}", level, cid)
                bump("step", f"{unit}/{aid}/{step}", level, cid)
                if post:
                    bump("post", f"{unit}/{post}", level, cid)
                for r in risks:
                    bump("risk", f"{unit}/{r}", level, cid)
                if not isinstance(tbl, tuple):
                    labels["unit"][unit] = tbl.unit_name
                    labels["authority"][f"{unit}/{aid}"] = tbl.authority.name
                    if step in tbl.index:
                        labels["step"][f"{unit}/{aid}/{step}"] = f"{tbl.authority.name} · {tbl.names[tbl.index[step]]}"
                    if post:
                        labels["post"][f"{unit}/{post}"] = tbl.post_name(post)
            cases.append({k: (v.isoformat() if isinstance(v, dt.datetime) else v)
                          for k, v in w.items() if k not in ("deviations", "first")}
                         | {"path": w["first"].path, "line": w["first"].line,
                            "alignment": mon.explain.alignment(None if isinstance(tbl, tuple) else tbl, (cid, unit))})
        for r_key in counts["risk"]:
            unit, rid = r_key.split("/", 1)
            ud = mon.tables.unit(unit)
            if ud is not None:
                for r in ud.risks:
                    if r.model.id == rid:
                        labels["risk"][r_key] = f"{r.model.title}（{r.model.grade or '—'}）"
        for dim in counts:
            for c in counts[dim].values():
                c["cases"] = len(c["cases"])
        by_level = Counter(w["warning"] for w in mon.case_warnings)
        by_code = Counter(f.code for f in mon.findings)
        sev = Counter(f.severity for f in mon.findings)
        summary = {
            "files": len(mon.paths),
            "skipped_files": len(getattr(mon, "skipped_files", ())),
            "rows": getattr(mon, "rows_read", 0),
            "events": mon.n_events,
            "bad_rows": mon.n_bad,
            "cases": mon.n_cases,
            "closed_cases": mon.n_closed,
            "open_cases": mon.n_open,
            "warned_cases": len(mon.case_warnings),
            YELLOW: by_level.get(YELLOW, 0),
            RED: by_level.get(RED, 0),
            "escalations": len(escalations),
            "accepted": getattr(mon, "n_accepted", 0),
            "by_code": dict(sorted(by_code.items())),
            "errors": sev.get(Severity.ERROR, 0),
            "warnings": sev.get(Severity.WARNING, 0),
            "infos": sev.get(Severity.INFO, 0),
        }
        return cls(mon.findings, cases, escalations, counts, summary, as_of, mode, labels, mon.explain.summary())

    def worst(self) -> str | None:
        """The highest warning of any case (红牌 > 黄牌), or None."""
        best: str | None = None
        for c in self.cases:
            if LEVEL_RANK[c["warning"]] > LEVEL_RANK[best]:
                best = c["warning"]
        return best

    def unreadable(self) -> bool:
        """Whether no file given could be read at all: each is empty or lacks required columns (MON003/MON002).
        There is nothing to judge, and that is no success (exit 2); a file with a header and no rows is read."""
        return 0 < self.summary["files"] == self.summary.get("skipped_files", 0)

    def exit_code(self, fail_on: str | None) -> int:
        """2 when no file could be read (``unreadable``); else 1 when a warning at or above ``fail_on``
        (黄牌 | 红牌) exists, else 0 (always 0 without it)."""
        if self.unreadable():
            return 2
        if fail_on is None:
            return 0
        return 1 if LEVEL_RANK[self.worst()] >= LEVEL_RANK[fail_on] > 0 else 0

    def count_rows(self, dim: str) -> list[dict[str, Any]]:
        """The counts of one dimension as rows, most warnings first."""
        rows = []
        for key, c in self.counts.get(dim, {}).items():
            rows.append({"key": key, "name": self.labels.get(dim, {}).get(key, key), YELLOW: c[YELLOW], RED: c[RED],
                         "cases": c["cases"]})
        rows.sort(key=lambda r: (-r[RED], -r[YELLOW], r["key"]))
        return rows

    def to_dict(self, lang: str = "zh") -> dict[str, Any]:
        """A JSON-ready dict of everything (messages in ``lang``)."""
        return {
            "as_of": self.as_of.isoformat() if self.as_of else None,
            "mode": self.mode,
            "summary": self.summary,
            "findings": [f.to_dict(lang) for f in self.findings],
            "cases": self.cases,
            "escalations": self.escalations,
            "counts": {dim: self.count_rows(dim) for dim in DIMENSIONS},
            "explain": {"powers": self.explain},
        }
