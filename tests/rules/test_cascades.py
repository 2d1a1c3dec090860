"""Cascades (issue 15, point 2): one cause is reported once, first; what only follows from it is not."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tests.conftest import AS_OF, invoke

RISKS = "units/county-amr/risks.yaml"


def _edit(rel: str, old: str, new: str) -> Callable[[Path], None]:
    def go(root: Path) -> None:
        p = root / rel
        text = p.read_text(encoding="utf-8")
        assert old in text
        p.write_text(text.replace(old, new, 1), encoding="utf-8")
    return go


def _syntax_error(root: Path) -> None:
    p = root / RISKS
    lines = p.read_text(encoding="utf-8").splitlines()
    lines[2] += " : [unclosed"
    p.write_text("\n".join(lines) + "\n", encoding="utf-8")


def _no_unit_file(root: Path) -> None:
    (root / "units/county-amr/unit.yaml").unlink()


def _emptied(root: Path) -> None:
    (root / RISKS).write_bytes(b"")


CASES = {
    "syntax error in risks.yaml": (_syntax_error, [("LFK001", RISKS)]),
    "risks.yaml emptied (0 bytes)": (_emptied, [("LFK009", RISKS)]),
    "missing unit.yaml": (_no_unit_file, [("LFK101", "units/county-amr/unit.yaml")]),
    "grade not a grade label": (_edit(RISKS, "grade: 高", "grade: 很高"), [("LFK101", RISKS)]),
    "reviewed not a date": (_edit(RISKS, "reviewed: 2026-03-15", "reviewed: 2026-13-45"), [("LFK101", RISKS)]),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_one_cause_one_finding(base_register: Path, runner: CliRunner, case: str) -> None:
    breaker, expected = CASES[case]
    breaker(base_register)
    res = invoke(runner, "lint", "--root", str(base_register), "--as-of", AS_OF, "--format", "json", "--no-cache")
    found = [(f["code"], f["path"]) for f in json.loads(res.stdout)["findings"] if f["severity"] == "error"]
    assert found == expected, found


def test_cause_is_listed_first(base_register: Path, runner: CliRunner) -> None:
    _syntax_error(base_register)
    res = invoke(runner, "lint", "--root", str(base_register), "--as-of", AS_OF, "--format", "json", "--no-cache")
    findings = json.loads(res.stdout)["findings"]
    assert findings[0]["code"] == "LFK001" and findings[0]["path"] == RISKS


def test_other_findings_of_the_item_stay(base_register: Path, runner: CliRunner) -> None:
    """Only findings naming the invalid field go: an unknown owner on the same risk is still reported."""
    _edit(RISKS, "grade: 高", "grade: 很高")(base_register)
    _edit(RISKS, "owner: P-director", "owner: P-nobody")(base_register)
    res = invoke(runner, "lint", "--root", str(base_register), "--as-of", AS_OF, "--format", "json", "--no-cache")
    codes = [f["code"] for f in json.loads(res.stdout)["findings"]]
    assert "LFK101" in codes and "LFK104" in codes and "LFK402" not in codes
