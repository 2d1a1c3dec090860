"""Accepted lint findings (``accepted.yaml``): a finding an acceptance covers is suppressed until it expires.

``apply_acceptances(ud, findings, as_of)`` marks each finding of unit ``ud`` that an acceptance active at
``as_of`` covers as suppressed, with the acceptance's id, expiry and reason as the suppression reason
(shown like an inline ``# lfk: ignore`` with ``--show-suppressed``, and in SARIF). A finding acceptance
names ``code`` (LFK…) and optionally ``file`` (inside the unit folder) and ``item`` (the id of the risk,
measure, power or flow the finding is written at); a risk acceptance (``risk``) covers LFK406/LFK407
(or its ``code``) on that risk. Expired acceptances cover nothing: the finding is back, and LFK806 says why.
The acceptance rules' own findings (LFK805-LFK807) are never covered.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from lfk.core.finding import Finding
from lfk.model.acceptances import Acceptance

RISK_CODES = frozenset({"LFK406", "LFK407"})
OWN_CODES = frozenset({"LFK805", "LFK806", "LFK807"})


def item_at(ud: Any, rel: str, line: int) -> str | None:
    """The id of the item of unit ``ud`` that file ``rel`` holds at ``line`` (a list item, a flow or a benchmark)."""
    base = ud.rel_dir + "/"
    if not rel.startswith(base):
        return None
    sub = rel[len(base):]
    if sub.startswith(("flows/", "benchmarks/")) and sub.endswith(".yaml"):
        return sub.rsplit("/", 1)[-1][:-5]
    kind = {"authorities.yaml": "authorities", "risks.yaml": "risks", "measures.yaml": "measures"}.get(sub)
    if kind is None:
        return None
    best: tuple[int, str] | None = None
    for it in getattr(ud, kind):
        first = it.loc(key=False)[0]
        if first <= line and (best is None or first > best[0]):
            best = (first, str(it.model.id))
    return best[1] if best else None


def covers(acc: Acceptance, ud: Any, f: Finding) -> bool:
    """Whether ``acc`` covers the lint finding ``f`` of unit ``ud`` (dates aside)."""
    if f.code in OWN_CODES:
        return False
    kind = acc.kind()
    if kind == "risk":
        codes = {acc.code.upper()} if acc.code else RISK_CODES
        return f.code in codes and f.path == f"{ud.rel_dir}/risks.yaml" and item_at(ud, f.path, f.line) == acc.risk
    if kind != "finding" or f.code != (acc.code or "").upper():
        return False
    if acc.file and f.path != f"{ud.rel_dir}/{acc.file}":
        return False
    return not acc.item or item_at(ud, f.path, f.line) == acc.item


def apply_acceptances(ud: Any, findings: list[Finding], as_of: dt.date) -> list[Finding]:
    """Suppress the findings of unit ``ud`` covered by an acceptance active at ``as_of``; returns ``findings``."""
    active = [a.model for a in getattr(ud, "accepted", []) if a.model.active(as_of) and a.model.kind() in ("finding", "risk")]
    if not active:
        return findings
    for f in findings:
        if f.suppressed:
            continue
        for acc in active:
            if covers(acc, ud, f):
                f.suppressed = True
                f.suppress_reason = f"accepted {acc.id} until {acc.until.isoformat()} ({acc.approval}): {acc.reason}"
                break
    return findings
