"""Data-driven score tests: one case file per criterion in tests/unit/score/cases/<key>.yaml (as rules have).

Each case edits a copy of tests/fixtures/base (``edits``/``add``/``delete`` as in rule cases), optionally gives
``as_of`` and ``events`` (files of tests/fixtures/events), and says what the criterion of ``unit`` (default
county-amr) must show: ``points`` (rounded to 2 places), ``ok``, ``total``, ``applicable``, and texts that
``lost`` or ``note`` must contain (zh).
"""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest
import yaml

from lfk.register import Register
from lfk.score.card import score_register
from lfk.score.criteria import CRITERIA
from tests.conftest import AS_OF, BASE, HERE, apply_case_edits

CASES_DIR = HERE / "unit" / "score" / "cases"
EVENTS = HERE / "fixtures" / "events"


def _cases() -> list[tuple[str, dict]]:
    out = []
    for f in sorted(CASES_DIR.glob("*.yaml")):
        doc = yaml.safe_load(f.read_text(encoding="utf-8"))
        assert doc["criterion"] == f.stem, f"{f.name} names {doc['criterion']}"
        for case in doc["cases"]:
            out.append((f"{f.stem}: {case['name']}", {**case, "criterion": doc["criterion"]}))
    return out


@pytest.mark.parametrize(("name", "case"), _cases(), ids=[c[0] for c in _cases()])
def test_score_case(name: str, case: dict, tmp_path: Path) -> None:
    root = tmp_path / "r"
    shutil.copytree(BASE, root)
    apply_case_edits(root, case, name)
    events = [EVENTS / e for e in case.get("events", [])] or None
    res = score_register(Register(root), as_of=dt.date.fromisoformat(case.get("as_of", AS_OF)), events=events)
    card = res.card(case.get("unit", "county-amr"))
    assert card is not None
    c = card.criterion(case["criterion"])
    assert c is not None, f"{name}: no criterion {case['criterion']} on the card"
    want = case["expect"]
    if "points" in want:
        assert c.points is not None and round(c.points, 2) == want["points"], (name, c.points)
    for key in ("ok", "total"):
        if key in want:
            assert getattr(c, key) == want[key], (name, key, getattr(c, key))
    if "applicable" in want:
        assert c.applicable is want["applicable"], (name, c.points)
    if "lost" in want:
        assert any(want["lost"] in t.zh for t in c.lost), (name, [t.zh for t in c.lost])
    if "note" in want:
        assert c.note is not None and want["note"] in c.note.zh, (name, c.note)


@pytest.mark.parametrize("key", list(CRITERIA))
def test_criterion_is_documented_and_has_cases(key: str) -> None:
    """A criterion is one decorated function: a summary, a zh and an en paragraph, and a case file."""
    doc = CRITERIA[key].doc
    assert doc.splitlines()[0].strip(), key
    assert "\nzh:" in doc and "\nen:" in doc, f"{key}: the docstring needs zh: and en: paragraphs"
    assert (CASES_DIR / f"{key}.yaml").is_file(), f"tests/unit/score/cases/{key}.yaml is missing"


def test_score_criteria_lists_every_criterion_with_its_points(runner) -> None:  # type: ignore[no-untyped-def]
    from tests.conftest import invoke

    r = invoke(runner, "score", "--root", str(BASE), "--criteria", "--lang", "en", "--format", "json")
    assert r.exit_code == 0, r.output
    import json

    rows = json.loads(r.stdout)
    assert [x["key"] for x in rows] == list(CRITERIA)
    assert all(x["doc"] and x["points"] >= 0 for x in rows)
    assert next(x for x in rows if x["key"] == "approved")["points"] == 15
