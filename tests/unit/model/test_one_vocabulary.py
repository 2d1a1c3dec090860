"""Regression tests for divergences that came from copies of one concept (issue: one house)."""

from __future__ import annotations

import re
from pathlib import Path

from typer.testing import CliRunner

from lfk.grading.engine import zone_grade
from lfk.model.config import Config
from lfk.model.items import Fine
from lfk.model.vocab import GRADE_COLORS, GRADE_RANK, GRADES, valid_id, valid_unit_id
from lfk.site.heatmap import heatmap
from tests.conftest import REPO, invoke

SRC = REPO / "src" / "lfk"


def test_lec_heatmap_zones_follow_the_default_thresholds() -> None:
    """With `lec` and no `thresholds`, the heat map's zones are the grades `lfk grade` gives."""
    cfg = Config.model_validate({"name": "x", "grading": {"method": "lec", "levels": {
        "L": {"很可能": 6, "可能": 3, "不大可能": 1}, "C": {"一般": 1, "严重": 15, "很严重": 40}}}})
    hm = heatmap(cfg, [], "t")
    zones = {(c["row"], c["col"]): c["zone"] for c in hm["cells"]}
    assert zones[("很可能", "很严重")] == "高"      # 240 ≥ 240
    assert zones[("可能", "很严重")] == "中"        # 120 ≥ 90
    assert zones[("不大可能", "一般")] == "低"
    assert zone_grade(cfg.grading, 240) == "高"


def test_wan_yuan_compares_with_yuan() -> None:
    """20–30 万元 is 200000–300000 元: comparable with a range in 元, and outside 50000–150000 元."""
    tier = Fine(min=20, max=30, unit="万元")
    st = Fine(min=50000, max=150000, unit="元")
    assert tier.form() == st.form() == ("amount", "元")
    assert tier.comparable_bounds() == (200000, 300000)


def test_lfk603_sees_wan_yuan(runner: CliRunner, base_register: Path) -> None:
    bench = next((base_register / "units").glob("*/benchmarks/*.yaml"))
    text = bench.read_text(encoding="utf-8")
    new = re.sub(r"fine: \{min: (\d+), max: (\d+), unit: 元\}", "fine: {min: 20, max: 30, unit: 万元}", text, count=1)
    assert new != text
    bench.write_text(new, encoding="utf-8")
    r = invoke(runner, "lint", "--root", str(base_register), "--format", "json", "--select", "LFK603")
    assert '"LFK603"' in r.stdout


def test_one_grade_palette_and_order() -> None:
    assert GRADES == ("高", "中", "低")
    assert [GRADE_RANK[g] for g in GRADES] == [3, 2, 1]
    assert set(GRADE_COLORS) == set(GRADES)
    # no other module spells a grade colour or a grade order of its own
    offenders = []
    for p in SRC.rglob("*.py"):
        if p.name == "vocab.py":
            continue
        text = p.read_text(encoding="utf-8")
        for needle in ('"高": "#', '"高": 3', '"低": 0', '("高", "中", "低")', '"高中低"'):
            if needle in text:
                offenders.append(f"{p.relative_to(SRC)}: {needle}")
    assert offenders == []


def test_ids_match_whole() -> None:
    assert valid_id("R-01") and not valid_id("R-01\n") and not valid_id("../x") and not valid_id("a/b")
    assert valid_unit_id("county-amr") and not valid_unit_id("xy\n") and not valid_unit_id("XY")


def test_one_text_of_days_limits_and_fines() -> None:
    from lfk.model.base import TimeLimit
    from lfk.model.text import days_text, fine_text, limit_text

    assert limit_text(TimeLimit(days=20, kind="工作日")) == "20个工作日"
    assert limit_text(TimeLimit(days=1, kind="自然日"), "en") == "1 calendar day"
    assert days_text(29.6, "自然日", whole=True) == "约30个自然日"
    assert days_text(29.6, "自然日", "en", whole=True) == "~30 calendar days"
    assert fine_text(Fine(min=50000, max=150000, unit="元")) == "50,000–150,000元"
    assert fine_text(Fine(min_times=0.005, max_times=0.01, of="采购金额")) == "0.005–0.01倍采购金额"
    assert fine_text(Fine(max=2000, unit="元"), "en") == "up to 2000 元"
