"""The risk heat map's data: counts of risks in the grading method's own grid.

``weighted`` and ``matrix``: probability (rows, 5 at the top) × harm (columns 1..5).
``lec``: the L levels (rows, highest value at the top) × the C levels (columns, lowest first).
``criteria``: one row, a column per number of criteria met.
Each cell carries its count and the zone grade when the method defines one for the cell.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from lfk.grading.engine import zone_grade
from lfk.model.config import Config
from lfk.model.items import Risk
from lfk.site.words import pick

CELL = 54


def _as_int(v: Any) -> int | None:
    try:
        i = int(v)
    except (TypeError, ValueError):
        return None
    return i if 1 <= i <= 5 and float(v) == i else None


def heatmap(config: Config, risks: Iterable[Risk], title: str, lang: str = "zh") -> dict[str, Any]:
    """Rows, columns and cells (count, zone) of the heat map for ``risks``; JSON-able. The axis titles
    are in ``lang`` unless lfk.yaml names the factors."""
    g = config.grading
    risks = list(risks)
    unplaced = 0
    if g.method in ("weighted", "matrix"):
        rows = [str(i) for i in range(5, 0, -1)]
        cols = [str(i) for i in range(1, 6)]
        labels = g.factors or {}
        row_title = (labels.get("probability").label if labels.get("probability") else None) or pick(lang, "发生概率", "Probability")
        col_title = (labels.get("harm").label if labels.get("harm") else None) or pick(lang, "危害程度", "Harm")
        counts: dict[tuple[str, str], int] = {}
        for r in risks:
            p, h = _as_int(r.factors.get("probability")), _as_int(r.factors.get("harm"))
            if p is None or h is None:
                unplaced += 1
                continue
            counts[(str(p), str(h))] = counts.get((str(p), str(h)), 0) + 1

        def zone(row: str, col: str) -> str | None:
            if g.method == "matrix" and g.matrix:
                try:
                    return g.matrix[int(row) - 1][int(col) - 1]
                except IndexError:
                    return None
            return None
    elif g.method == "lec":
        levels = g.levels or {}
        lv = sorted((levels.get("L") or {}).items(), key=lambda kv: (-kv[1], kv[0]))
        cv = sorted((levels.get("C") or {}).items(), key=lambda kv: (kv[1], kv[0]))
        rows = [k for k, _ in lv]
        cols = [k for k, _ in cv]
        lval, cval = dict(lv), dict(cv)
        row_title = pick(lang, "L 事件发生的可能性", "L likelihood of the event")
        col_title = pick(lang, "C 发生后果的严重程度", "C severity of the consequences")
        counts = {}
        for r in risks:
            lk, ck = r.factors.get("L"), r.factors.get("C")
            if lk not in lval or ck not in cval:
                unplaced += 1
                continue
            counts[(lk, ck)] = counts.get((lk, ck), 0) + 1

        def zone(row: str, col: str) -> str | None:
            return zone_grade(g, lval[row] * cval[col])
    else:  # criteria
        n = len(g.criteria or [])
        only = pick(lang, "风险点", "Risks")
        rows = [only]
        cols = [str(i) for i in range(0, n + 1)]
        row_title, col_title = "", pick(lang, "符合的判定标准数", "Criteria met")
        counts = {}
        known = set(g.criteria or [])
        for r in risks:
            k = str(len([c for c in set(r.criteria) if c in known]))
            counts[(only, k)] = counts.get((only, k), 0) + 1

        def zone(row: str, col: str) -> str | None:
            return zone_grade(g, int(col))
    cells = []
    top = max(counts.values(), default=0)
    for ri, row in enumerate(rows):
        for ci, col in enumerate(cols):
            c = counts.get((row, col), 0)
            cells.append({
                "row": row, "col": col, "x": ci, "y": ri, "count": c,
                "zone": zone(row, col),
                "heat": 0 if not top or not c else min(4, 1 + (c * 4 - 1) // top),
            })
    left, topm = 96, 12
    return {
        "title": title,
        "method": g.method,
        "rows": rows,
        "cols": cols,
        "row_title": row_title,
        "col_title": col_title,
        "cells": cells,
        "unplaced": unplaced,
        "total": len(risks),
        "cell": CELL,
        "left": left,
        "top": topm,
        "width": left + CELL * len(cols) + 12,
        "height": topm + CELL * len(rows) + 56,
    }
