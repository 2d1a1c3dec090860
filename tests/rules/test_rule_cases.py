"""Data-driven rule tests: one case file per rule in tests/rules/cases/<CODE>.yaml.

Each case edits a copy of the base register (tests/fixtures/base, or ``base: demo``) by plain text
replacement and says which findings must appear (``expect``) or must not (``absent``).
Case file shape::

    rule: LFK201
    cases:
      - name: an external power without legal basis
        edits:
          - {file: units/county-amr/authorities.yaml, old: "...", new: "..."}
        add: {units/county-amr/notes.txt: "text"}        # optional: new files
        delete: [units/county-amr/flows/F-license.yaml]  # optional
        events: [events.csv]                             # optional: case event logs (lint --events)
        expect: [{code: LFK201, path: units/county-amr/authorities.yaml, line: 13}]
      - name: the base register passes
        absent: [LFK201]
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml

from lfk.lint import LintOptions, run
from tests.conftest import AS_OF, BASE, DEMO, HERE, apply_case_edits

CASES_DIR = HERE / "rules" / "cases"


def _cases() -> list[tuple[str, dict]]:
    out = []
    for f in sorted(CASES_DIR.glob("*.yaml")):
        doc = yaml.safe_load(f.read_text(encoding="utf-8"))
        for case in doc["cases"]:
            out.append((f"{f.stem}: {case['name']}", {**case, "rule": doc["rule"]}))
    return out


@pytest.mark.parametrize(("name", "case"), _cases(), ids=[c[0] for c in _cases()])
def test_rule_case(name: str, case: dict, tmp_path: Path) -> None:
    src = DEMO if case.get("base") == "demo" else BASE
    root = tmp_path / "r"
    shutil.copytree(src, root)
    apply_case_edits(root, case, name)
    events = [str(root / e) for e in case.get("events", [])] or None
    result = run(root, LintOptions(as_of=__import__("datetime").date.fromisoformat(case.get("as_of", AS_OF)),
                                   events=events))
    got = [(f.code, f.path, f.line) for f in result.active]
    for exp in case.get("expect", []):
        lines = exp.get("line")
        lines = [lines] if isinstance(lines, int) else lines
        ok = any(c == exp["code"] and p == exp["path"] and (lines is None or ln in lines) for c, p, ln in got)
        assert ok, f"{name}: expected {exp}, got {got}"
        if "message" in exp:
            msgs = [f.text("zh") + " " + f.text("en") for f in result.active if f.code == exp["code"]]
            assert any(exp["message"] in m for m in msgs), f"{name}: no message containing {exp['message']!r}: {msgs}"
    for code in case.get("absent", []):
        assert code not in [c for c, _, _ in got], f"{name}: {code} should not be reported, got {got}"
    if case.get("clean"):
        assert got == [], f"{name}: expected no finding, got {got}"
