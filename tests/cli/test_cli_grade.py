"""``lfk grade``: table, counts, --check, --explain, formats and --write."""

from __future__ import annotations

import csv
import difflib
import io
import json
import os
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tests.conftest import BASE, invoke

RISKS = "units/county-amr/risks.yaml"


@pytest.fixture
def reg(base_register: Path) -> Path:
    """The base register, writable (``base_register`` is a writable copy)."""
    return base_register


def drift(root: Path) -> None:
    """R-003 (score 3 → 中) declared 低, R-005 (score 2.4 → 低) declared 中."""
    p = root / RISKS
    text = p.read_text(encoding="utf-8")
    text = text.replace("    grade: 中\n    owner: P-deputy-admin", "    grade: 低\n    owner: P-deputy-admin", 1)
    text = text.replace("    grade: 低\n    owner: P-deputy-law", "    grade: 中\n    owner: P-deputy-law", 1)
    p.write_text(text, encoding="utf-8")


def test_check_passes_on_base(runner: CliRunner) -> None:
    r = invoke(runner, "grade", "--root", str(BASE), "--check", "--lang", "en")
    assert r.exit_code == 0, r.output
    assert "6 risks: 6 consistent" in r.stdout


def test_table_and_counts(runner: CliRunner) -> None:
    r = invoke(runner, "grade", "--root", str(BASE), "--lang", "zh")
    assert r.exit_code == 0
    assert "R-006" in r.stdout and "2.5" in r.stdout and "一致" in r.stdout
    assert "等级分布：高 3 · 中 2 · 低 1" in r.stdout
    assert "合计：高 3 · 中 2 · 低 1" in r.stdout


def test_check_fails_on_drift(runner: CliRunner, reg: Path) -> None:
    drift(reg)
    r = invoke(runner, "grade", "--root", str(reg), "--check", "--lang", "en")
    assert r.exit_code == 1
    assert "R-003" in r.stdout and "R-005" in r.stdout and "R-001" not in r.stdout
    assert "2 drift" in r.stdout


def test_check_fails_on_missing_grade(runner: CliRunner, reg: Path) -> None:
    p = reg / RISKS
    p.write_text(p.read_text(encoding="utf-8").replace("    grade: 低\n", "", 1), encoding="utf-8")
    r = invoke(runner, "grade", "--root", str(reg), "--check", "--format", "json")
    assert r.exit_code == 1
    doc = json.loads(r.stdout)
    assert doc["summary"]["missing"] == 1
    assert [x["risk"] for x in doc["units"][0]["risks"]] == ["R-005"]


def test_grade_reason_with_approval_is_not_drift(runner: CliRunner, reg: Path) -> None:
    p = reg / RISKS
    p.write_text(p.read_text(encoding="utf-8").replace(
        "    grade: 中\n    owner: P-deputy-admin", "    grade: 低\n    grade_reason: 经集体审定降为低\n    owner: P-deputy-admin", 1),
        encoding="utf-8")
    r = invoke(runner, "grade", "--root", str(reg), "--check", "--format", "json")
    assert r.exit_code == 0
    assert json.loads(r.stdout)["summary"]["excused"] == 1


def test_json_csv_markdown(runner: CliRunner) -> None:
    r = invoke(runner, "grade", "--root", str(BASE), "--format", "json")
    doc = json.loads(r.stdout)
    row = {x["risk"]: x for x in doc["units"][0]["risks"]}["R-006"]
    assert row["score"] == 2.5 and row["computed"] == "中" and row["status"] == "一致"
    assert doc["counts"] == {"高": 3, "中": 2, "低": 1}
    r = invoke(runner, "grade", "--root", str(BASE), "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(r.stdout)))
    assert len(rows) == 6 and rows[0]["risk"] == "R-001" and rows[0]["score"] == "3.8"
    r = invoke(runner, "grade", "--root", str(BASE), "--format", "markdown", "--lang", "en")
    assert "| R-001 |" in r.stdout and r.stdout.startswith("## county-amr")


def test_labels_shown(runner: CliRunner, reg: Path) -> None:
    cfg = reg / "lfk.yaml"
    cfg.write_text(cfg.read_text(encoding="utf-8").replace(
        "  thresholds:", "  labels: {高: 一级, 中: 二级, 低: 三级}\n  thresholds:"), encoding="utf-8")
    r = invoke(runner, "grade", "--root", str(reg), "--lang", "zh")
    assert "一级 3 · 二级 2 · 三级 1" in r.stdout


def test_explain(runner: CliRunner, reg: Path) -> None:
    r = invoke(runner, "grade", "--root", str(BASE), "--explain", "R-006", "--lang", "en")
    assert r.exit_code == 0
    assert "0.3×3 + 0.3×2 + 0.2×2 + 0.2×3 = 2.5" in r.stdout
    assert "2.5 ≥ 2.5" in r.stdout
    # a floor: R-006 sits on NB-001 (三重一大) → at least 中
    p = reg / RISKS
    p.write_text(p.read_text(encoding="utf-8").replace(
        "{importance: 3, discretion: 2, probability: 2, harm: 3}", "{importance: 2, discretion: 2, probability: 2, harm: 3}"),
        encoding="utf-8")
    r = invoke(runner, "grade", "--root", str(reg), "--explain", "R-006", "--lang", "en")
    assert r.exit_code == 0
    assert "= 2.2" in r.stdout and "三重一大" in r.stdout and "低 → 中" in r.stdout
    r = invoke(runner, "grade", "--root", str(BASE), "--explain", "R-404")
    assert r.exit_code == 2


def test_write_changes_exactly_the_grade_lines(runner: CliRunner, reg: Path) -> None:
    drift(reg)
    p = reg / RISKS
    before = p.read_text(encoding="utf-8")
    r = invoke(runner, "grade", "--root", str(reg), "--write", "--lang", "en")
    assert r.exit_code == 0, r.output
    assert "R-003 grade 低 → 中" in r.stdout and "R-005 grade 中 → 低" in r.stdout
    after = p.read_text(encoding="utf-8")
    diff = [ln for ln in difflib.unified_diff(before.splitlines(), after.splitlines(), lineterm="", n=0)
            if ln[:1] in "+-" and not ln.startswith(("+++", "---"))]
    assert diff == ["-    grade: 低", "+    grade: 中", "-    grade: 中", "+    grade: 低"]
    assert after == (BASE / RISKS).read_text(encoding="utf-8")
    # a second run has nothing to do and touches no file
    os.utime(p, (1_000_000, 1_000_000))
    r = invoke(runner, "grade", "--root", str(reg), "--write", "--lang", "en")
    assert r.exit_code == 0 and "nothing to change" in r.stdout
    assert p.stat().st_mtime == 1_000_000


def test_write_keeps_grade_reason(runner: CliRunner, reg: Path) -> None:
    p = reg / RISKS
    p.write_text(p.read_text(encoding="utf-8").replace(
        "    grade: 中\n    owner: P-deputy-admin", "    grade: 低\n    grade_reason: 理由待审定\n    owner: P-deputy-admin", 1)
        .replace("    approval: AP-2026-03\n    reviewed: 2026-03-15\n  - id: R-004", "    reviewed: 2026-03-15\n  - id: R-004"),
        encoding="utf-8")
    before = p.read_bytes()
    r = invoke(runner, "grade", "--root", str(reg), "--write")
    assert p.read_bytes() == before
    assert r.exit_code == 1  # still drift: a reason without an approval


def test_write_keeps_crlf_and_comments(runner: CliRunner, reg: Path) -> None:
    drift(reg)
    p = reg / RISKS
    text = p.read_text(encoding="utf-8").replace("risks:\n", "# 风险点登记表\nrisks:\n", 1)
    p.write_bytes(text.replace("\n", "\r\n").encode("utf-8"))
    r = invoke(runner, "grade", "--root", str(reg), "--write")
    assert r.exit_code == 0
    raw = p.read_bytes()
    assert b"\r\n" in raw and b"\n" not in raw.replace(b"\r\n", b"")
    assert raw.decode("utf-8").startswith("# 风险点登记表\r\n")


def test_unknown_unit_and_format(runner: CliRunner) -> None:
    assert invoke(runner, "grade", "--root", str(BASE), "nowhere").exit_code == 2
    assert invoke(runner, "grade", "--root", str(BASE), "--format", "xml").exit_code == 2


def test_residual_risk_graded_by_the_same_rubric_and_shown(runner: CliRunner, reg: Path) -> None:
    """``residual:`` factors (after the measures) are graded like ``factors``: grade text/JSON/CSV show inherent → residual."""
    p = reg / RISKS
    p.write_text(p.read_text(encoding="utf-8").replace(
        "    factors: {importance: 3, discretion: 3, probability: 3, harm: 3}\n",
        "    factors: {importance: 3, discretion: 3, probability: 3, harm: 3}\n"
        "    residual: {importance: 3, discretion: 2, probability: 2, harm: 2}\n", 1), encoding="utf-8")
    doc = json.loads(invoke(runner, "grade", "--root", str(reg), "--format", "json").stdout)
    rows = {x["risk"]: x for x in doc["units"][0]["risks"]}
    assert rows["R-003"]["computed"] == "中"
    assert rows["R-003"]["residual"] == {"factors": {"importance": 3, "discretion": 2, "probability": 2, "harm": 2},
                                         "score": 2.3, "grade": "低", "problems": []}
    assert rows["R-001"]["residual"] is None
    text = invoke(runner, "grade", "--root", str(reg), "--lang", "en", "--format", "text").stdout
    assert "computed → residual" in text and "中 → 低" in text
    csv_rows = {r["risk"]: r for r in csv.DictReader(io.StringIO(
        invoke(runner, "grade", "--root", str(reg), "--format", "csv").stdout))}
    assert csv_rows["R-003"]["residual"] == "低" and csv_rows["R-003"]["residual_score"] == "2.3"
    assert csv_rows["R-001"]["residual"] == ""
    r = invoke(runner, "grade", "--root", str(reg), "--explain", "R-003", "--lang", "en")
    assert "residual risk (after measures): 2.3 → 低" in r.stdout
