"""An invalid lfk.yaml keeps its valid settings: one bad value does not switch off the good ones beside it."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml
from typer.testing import CliRunner

from lfk.model.config import Config
from tests.conftest import invoke

CASES: list[tuple[dict[str, Any], dict[str, Any]]] = [
    # (lfk.yaml data, expected settings: dotted attribute -> value)
    ({"lint": {"max_file_mb": -1, "ignore": ["LFK402"]}}, {"lint.ignore": ["LFK402"], "lint.max_file_mb": 10}),
    ({"lint": {"ignore": ["not-a-code"], "severity": {"LFK7": "off"}}},
     {"lint.ignore": [], "lint.severity": {"LFK7": "off"}}),
    ({"review": {"cycle_days": 0, "min_measures_high": 3}}, {"review.cycle_days": 365, "review.min_measures_high": 3}),
    ({"grading": "nonsense", "review": {"cycle_days": 30}}, {"grading.method": "weighted", "review.cycle_days": 30}),
    ({"laws": [{"name": "行政许可法"}, {"revised": "not a date"}]}, {"laws.0.name": "行政许可法", "laws.len": 1}),
    ({"name": ""}, {"name": "register"}),
    ({"name": 5, "year": "twenty"}, {"name": "5", "year": None}),
    ({1: 2, "lint": None}, {"name": "x", "lint.ignore": []}),
]


def _get(cfg: Config, dotted: str) -> Any:
    value: Any = cfg
    for part in dotted.split("."):
        if part == "len":
            return len(value)
        value = value[int(part)] if part.isdigit() else getattr(value, part)
    return value


@pytest.mark.parametrize(("data", "expected"), CASES)
def test_salvage_keeps_the_valid_settings(data: dict[str, Any], expected: dict[str, Any]) -> None:
    cfg = Config.salvage({"name": "x", **data} if "name" not in data else data)
    for dotted, value in expected.items():
        assert _get(cfg, dotted) == value, dotted


def test_a_bad_lint_value_leaves_lint_ignore_in_force(runner: CliRunner, base_register: Path) -> None:
    """Regression: a bad `max_file_mb` made the whole `lint:` section fall back to defaults, so a code the
    register switches off was reported again beside the LFK101 about the bad value."""
    (base_register / "units" / "notes.txt").write_text("stray\n", encoding="utf-8")  # LFK005
    p = base_register / "lfk.yaml"
    data = yaml.safe_load(p.read_text(encoding="utf-8"))

    def codes(lint: dict[str, Any]) -> set[str]:
        p.write_text(yaml.safe_dump({**data, "lint": lint}, allow_unicode=True, sort_keys=False), encoding="utf-8")
        r = invoke(runner, "lint", "--root", str(base_register), "--format", "json")
        assert r.exit_code in (0, 1), r.output
        return {f["code"] for f in json.loads(r.stdout)["findings"]}

    assert codes({"max_file_mb": -1}) == {"LFK005", "LFK101"}
    assert codes({"max_file_mb": -1, "ignore": ["LFK005"]}) == {"LFK101"}
    assert codes({"ignore": ["LFK005"]}) == set()
