"""The assessment card of clause 16 (检查考核): a score per unit, how each point was earned or lost.

The criteria are decorated functions in ``lfk.score.criteria`` (each docstring is its documentation, listed by
``lfk score --criteria``); weights come from ``assessment.weights`` in lfk.yaml. A criterion with nothing to judge
(no 高 risks, no measure due yet, no event log, the power criteria of a unit of post risks only) is 不适用: left
out, and the total is scaled to 100 over the others. Bands (default ≥90 优秀, ≥80 达标, else 不达标) and the rank
across units (1 = best; equal totals share a rank) complete the card.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from lfk.core.finding import Severity
from lfk.core.text import columns
from lfk.lint import LintOptions, lint_register
from lfk.model import Config
from lfk.model.scope import PowerScope
from lfk.monitor import run_monitor
from lfk.register import Register, UnitData
from lfk.score.criteria import CRITERIA, Criterion, UnitFacts, score_unit


@dataclass
class Card:
    """A unit's assessment card."""

    unit: str
    name: str
    criteria: list[Criterion]
    total: float = 0.0
    band: str = ""
    rank: int = 0
    lint_errors: int = 0
    lint_warnings: int = 0
    monitor: dict[str, int] | None = None
    power_scope: PowerScope = "powers"

    def criterion(self, key: str) -> Criterion | None:
        """The criterion ``key`` of this card."""
        for c in self.criteria:
            if c.key == key:
                return c
        return None

    def to_dict(self, lang: str) -> dict[str, Any]:
        """JSON shape of a card."""
        return {"unit": self.unit, "name": self.name, "total": self.total, "band": self.band, "rank": self.rank,
                "power_scope": self.power_scope,
                "lint": {"errors": self.lint_errors, "warnings": self.lint_warnings}, "monitor": self.monitor,
                "criteria": [c.to_dict(lang) for c in self.criteria]}


@dataclass
class ScoreResult:
    """Cards of every unit, ranked."""

    cards: list[Card]
    as_of: dt.date
    events: list[str] = field(default_factory=list)

    def card(self, uid: str) -> Card | None:
        """The card of unit ``uid``."""
        for c in self.cards:
            if c.unit == uid:
                return c
        return None

    def to_dict(self, lang: str) -> dict[str, Any]:
        """The ``--format json`` document."""
        return {"as_of": self.as_of.isoformat(), "events": self.events, "units": [c.to_dict(lang) for c in self.cards]}


def _unit_card(register: Register, ud: UnitData, as_of: dt.date, lint_counts: tuple[int, int],
               monitor: dict[str, int] | None) -> Card:
    facts = UnitFacts(register, ud, as_of, lint_counts, monitor)
    items = score_unit(facts)
    scored = [x for x in items if x.points is not None]
    possible = sum(x.weight for x in scored)
    earned = sum(x.points or 0 for x in scored)
    total = round(100.0 * earned / possible, 1) if possible else 0.0
    band = register.config.assessment.band(total)
    return Card(ud.id, ud.name, items, total, band, 0, lint_counts[0], lint_counts[1], monitor, facts.scope)


def _monitor_counts(register: Register, events: list[Path], as_of: dt.date) -> dict[str, dict[str, int]]:
    res = run_monitor(register, events, dt.datetime.combine(as_of, dt.time(23, 59, 59)))
    out: dict[str, dict[str, int]] = {}
    for case in res.cases:
        level = case.get("warning")
        if level:
            c = out.setdefault(str(case.get("unit")), {})
            c[level] = c.get(level, 0) + 1
            for key, hit in (("逾期未处置", case.get("state") == "逾期未处置"), ("已整改", case.get("state") == "已整改"),
                             ("按期处置", case.get("disposed_on_time", False))):
                if hit:
                    c[key] = c.get(key, 0) + 1
    return out


def score_register(register: Register, *, as_of: dt.date | None = None, units: list[str] | None = None,
                   events: list[Path] | None = None) -> ScoreResult:
    """The cards of ``units`` (default: all), ranked by total (library entry point of ``lfk score``)."""
    day = as_of or dt.date.today()
    uids = units or register.unit_ids
    lint = lint_register(register, LintOptions(as_of=day, units=list(uids)))
    counts: dict[str, list[int]] = {u: [0, 0] for u in uids}
    for f in lint.active:
        parts = f.path.split("/")
        if len(parts) >= 2 and parts[0] == "units" and parts[1] in counts:
            if f.severity is Severity.ERROR:
                counts[parts[1]][0] += 1
            elif f.severity is Severity.WARNING:
                counts[parts[1]][1] += 1
    mon = _monitor_counts(register, events, day) if events else None
    cards = [_unit_card(register, register.unit(u), day, (counts[u][0], counts[u][1]),
                        (mon.get(u, {}) if mon is not None else None)) for u in uids]
    rank_cards(cards)
    return ScoreResult(cards, day, [str(e) for e in events or []])


def rank_cards(cards: list[Card]) -> None:
    """Sort ``cards`` by total (best first) and number their ranks in place (equal totals share a rank)."""
    cards.sort(key=lambda c: (-c.total, c.unit))
    rank = 0
    prev: float | None = None
    for i, c in enumerate(cards, 1):
        if c.total != prev:
            rank = i
            prev = c.total
        c.rank = rank


def rollup(results: list[tuple[str, ScoreResult]]) -> ScoreResult:
    """The cards of several registers (``(label, result)``) in one ranking; a unit id that two registers
    use is written ``label/unit``."""
    seen: dict[str, int] = {}
    for _, res in results:
        for c in res.cards:
            seen[c.unit] = seen.get(c.unit, 0) + 1
    cards: list[Card] = []
    for label, res in results:
        for c in res.cards:
            if seen[c.unit] > 1:
                c.unit = f"{label}/{c.unit}"
            cards.append(c)
    rank_cards(cards)
    first = results[0][1]
    return ScoreResult(cards, first.as_of, [e for _, r in results for e in r.events])


def describe_criteria(config: Config, lang: str, fmt: str = "text") -> str:
    """``lfk score --criteria``: each criterion's key, name, points (this register's weights) and documentation."""
    rows = []
    for key, spec in CRITERIA.items():
        summary, _, rest = spec.doc.partition("\n")
        body = [line.strip() for line in rest.strip().splitlines()]
        rows.append({"key": key, "title": spec.title.get(lang), "points": config.assessment.weight(key),
                     "summary": summary.strip(), "doc": _doc_in(body, lang)})
    if fmt == "json":
        return json.dumps(rows, ensure_ascii=False, indent=2)
    out = []
    for r in rows:
        if fmt == "markdown":
            out.append(f"- **{r['key']}** {r['title']} ({r['points']:g}): {r['doc'] or r['summary']}")
        else:
            out.append(f"{r['key']}  {r['title']}  ({r['points']:g})")
            out.append(f"    {r['doc'] or r['summary']}")
    return "\n".join(out)


def _doc_in(lines: list[str], lang: str) -> str:
    """The ``zh:`` or ``en:`` paragraph of a criterion's docstring (continuation lines joined)."""
    out: list[str] = []
    on = False
    for line in lines:
        if line.startswith(("zh:", "en:")):
            on = line.startswith(f"{lang}:")
            line = line[3:].strip()
        if on and line:
            out.append(line)
    return ("" if lang == "zh" else " ").join(out)


# -- output ----------------------------------------------------------------------------------------------------
def _pts(c: Criterion) -> str:
    if c.points is None:
        return "—"
    return f"{c.points:.1f}".rstrip("0").rstrip(".")


def _cell(c: Criterion | None, lang: str, sep: str = "/") -> str:
    """A criterion's cell in the tables: points / weight, or 不适用 (n/a)."""
    if c is None:
        return "—"
    if c.points is None:
        return "不适用" if lang == "zh" else "n/a"
    return f"{_pts(c)}{sep}{c.weight:g}"


def format_text(res: ScoreResult, lang: str) -> str:
    """The cards as a plain-text table, one line per unit."""
    zh = lang == "zh"
    keys = [k for k in CRITERIA if any(c.criterion(k) for c in res.cards)]
    head = ["排名" if zh else "rank", "单位" if zh else "unit", "总分" if zh else "total", "等次" if zh else "band"]
    head += [f"{CRITERIA[k].short.get(lang)}" for k in keys]
    rows = []
    for card in res.cards:
        row = [str(card.rank), card.name if zh else card.unit, f"{card.total:.1f}", card.band]
        for k in keys:
            row.append(_cell(card.criterion(k), lang))
        rows.append(row)
    lines = columns([head, *rows], rule_after=0)
    foot = (f"考核日 {res.as_of}；满分 100，不适用的项不计、按比例折算；用 --explain 单位 查看得失分明细"
            if zh else f"as of {res.as_of}; out of 100, criteria that do not apply are left out and the total "
            "scaled; --explain UNIT shows each point")
    return "\n".join([*lines, "", foot]) + "\n"


def format_markdown(res: ScoreResult, lang: str) -> str:
    """The cards as a Markdown table."""
    zh = lang == "zh"
    keys = [k for k in CRITERIA if any(c.criterion(k) for c in res.cards)]
    head = ["排名" if zh else "Rank", "单位" if zh else "Unit", "总分" if zh else "Total", "等次" if zh else "Band"]
    head += [f"{CRITERIA[k].title.get(lang)}" for k in keys]
    out = [f"# {'廉政风险防控检查考核' if zh else 'Assessment cards'}（{res.as_of}）" if zh else
           f"# Assessment cards ({res.as_of})", "", "| " + " | ".join(head) + " |",
           "|" + "|".join(" --- " for _ in head) + "|"]
    for card in res.cards:
        row = [str(card.rank), f"{card.name} (`{card.unit}`)", f"**{card.total:.1f}**", card.band]
        for k in keys:
            row.append(_cell(card.criterion(k), lang, " / "))
        out.append("| " + " | ".join(x.replace("|", "\\|") for x in row) + " |")
    return "\n".join(out) + "\n"


def explain(card: Card, lang: str, *, markdown: bool = False) -> str:
    """How each point of ``card`` was earned or lost."""
    zh = lang == "zh"
    out = []
    title = (f"{card.name}（{card.unit}）：{card.total:.1f} 分，{card.band}，第 {card.rank} 名" if zh else
             f"{card.name} ({card.unit}): {card.total:.1f}, {card.band}, rank {card.rank}")
    out.append(("## " if markdown else "") + title)
    out.append("")
    possible = sum(c.weight for c in card.criteria if c.points is not None)
    for c in card.criteria:
        if c.points is None:
            line = f"{c.title.get(lang)}: {_cell(c, lang)}" + (f"（{c.note.get(lang)}）" if zh and c.note else
                                                               f" ({c.note.get(lang)})" if c.note else "")
        else:
            frac = ""
            if c.key not in ("lint", "monitor") and c.total:
                frac = (f"，{c.ok:g}/{c.total} 项达标" if zh else f", {c.ok:g} of {c.total} met")
            line = f"{c.title.get(lang)}: {_pts(c)} / {c.weight:g}{frac}"
        out.append(("- " if markdown else "") + line)
        for lost in c.lost:
            out.append(("  - " if markdown else "    - ") + lost.get(lang))
    out.append("")
    if possible and possible != 100:
        out.append(f"合计 {sum(c.points or 0 for c in card.criteria if c.points is not None):.1f} / {possible:g}，"
                   f"折算为百分制 {card.total:.1f}" if zh else
                   f"sum {sum(c.points or 0 for c in card.criteria if c.points is not None):.1f} of {possible:g}, "
                   f"scaled to {card.total:.1f} of 100")
    return "\n".join(out).rstrip("\n") + "\n"
