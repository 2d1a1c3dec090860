"""``lfk score``: the assessment card of clause 16."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from lfk.register import Register
from lfk.score.card import score_register
from tests.conftest import AS_OF, BASE, DEMO, HERE, invoke, writable

EVENTS = HERE / "fixtures" / "events" / "penalty.csv"


@pytest.fixture
def base(base_register: Path) -> Path:
    return writable(base_register)


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_clean_register_scores_high(runner) -> None:  # type: ignore[no-untyped-def]
    r = invoke(runner, "score", "--root", str(BASE), "--as-of", AS_OF, "--format", "json")
    assert r.exit_code == 0
    doc = json.loads(r.stdout)
    card = doc["units"][0]
    assert card["unit"] == "county-amr" and card["rank"] == 1
    assert card["band"] == "优秀" and 90 <= card["total"] <= 100
    crit = {c["key"]: c for c in card["criteria"]}
    assert crit["flows"]["points"] == 10 and crit["flows"]["ok"] == crit["flows"]["total"] == 3
    assert crit["monitor"]["points"] is None  # no event log: not counted
    # measures_effective: 有效 counts 1, 部分有效 half, 未评估 nothing
    assert crit["measures_effective"]["ok"] == 5.5 and crit["measures_effective"]["total"] == 7
    assert card["lint"] == {"errors": 0, "warnings": 0}


def test_points_lost_are_explained(runner, base: Path) -> None:  # type: ignore[no-untyped-def]
    unit = base / "units/county-amr"
    _edit(unit / "risks.yaml", "    grade: 中\n    owner: P-deputy-admin\n    approval: AP-2026-03\n    reviewed: 2026-03-15\n"
          "  - id: R-004", "    grade: 低\n    owner: P-deputy-admin\n    approval: AP-2026-03\n    reviewed: 2025-01-15\n"
          "  - id: R-004")
    _edit(unit / "authorities.yaml", "    flow: F-license\n", "    flow: F-nowhere\n")
    r = invoke(runner, "score", "--root", str(base), "--as-of", AS_OF, "--explain", "county-amr", "--lang", "zh")
    assert r.exit_code == 0
    out = r.stdout
    assert "XK-001 食品经营许可：没有流程图 F-nowhere" in out
    assert "R-003：声明等级 低 ≠ 计算等级 中" in out
    assert "R-003：复核已过期" in out
    assert "个检查错误" in out
    card = score_register(Register(base), as_of=__import__("datetime").date(2026, 12, 1)).cards[0]
    assert card.total < 90 and card.band in ("达标", "不达标")
    assert card.lint_errors >= 2  # LFK202 and LFK402 at least
    r = invoke(runner, "score", "--root", str(base), "--as-of", AS_OF, "--explain", "county-amr", "--lang", "en")
    assert "XK-001 食品经营许可: no flowchart F-nowhere" in r.stdout


def test_weights_and_bands_from_lfk_yaml(runner, base: Path) -> None:  # type: ignore[no-untyped-def]
    cfg = base / "lfk.yaml"
    cfg.write_text(cfg.read_text(encoding="utf-8") + "assessment:\n  weights: {measures_effective: 0, lint: 30}\n"
                   "  bands:\n    - {name: 甲, min: 99}\n    - {name: 乙, min: 0}\n", encoding="utf-8")
    r = invoke(runner, "score", "--root", str(base), "--as-of", AS_OF, "--format", "json")
    card = json.loads(r.stdout)["units"][0]
    keys = [c["key"] for c in card["criteria"]]
    assert "measures_effective" not in keys
    assert {c["key"]: c["weight"] for c in card["criteria"]}["lint"] == 30
    assert card["total"] == 100.0 and card["band"] == "甲"
    cfg.write_text(cfg.read_text(encoding="utf-8").replace("lint: 30", "nonsense: 3"), encoding="utf-8")
    r = invoke(runner, "lint", "--root", str(base), "--as-of", AS_OF, "--format", "json")
    assert any(f["code"] == "LFK101" and f["path"] == "lfk.yaml" for f in json.loads(r.stdout)["findings"])


def test_rank_and_formats_on_demo(runner) -> None:  # type: ignore[no-untyped-def]
    if not (DEMO / "lfk.yaml").is_file():
        pytest.skip("the demo register is not there")
    r = invoke(runner, "score", "--root", str(DEMO), "--as-of", AS_OF, "--format", "json")
    assert r.exit_code == 0
    cards = json.loads(r.stdout)["units"]
    assert len(cards) == len(Register(DEMO).unit_ids)
    totals = [c["total"] for c in cards]
    assert totals == sorted(totals, reverse=True)
    for prev, cur in zip(cards, cards[1:], strict=False):
        assert cur["rank"] == prev["rank"] if cur["total"] == prev["total"] else cur["rank"] > prev["rank"]
    md = invoke(runner, "score", "--root", str(DEMO), "--as-of", AS_OF, "--format", "markdown").stdout
    assert md.startswith("# ") and md.count("\n| ") == len(cards) + 2  # header, rule, one row per unit
    text = invoke(runner, "score", "--root", str(DEMO), "--as-of", AS_OF, "--lang", "zh").stdout
    assert "排名" in text and "总分" in text and cards[0]["name"] in text


def test_empty_unit_does_not_pass(runner, base: Path) -> None:  # type: ignore[no-untyped-def]
    assert invoke(runner, "new", "unit", "empty", "--name", "空单位", "--type", "其他", "--root", str(base)).exit_code == 0
    r = invoke(runner, "score", "--root", str(base), "--as-of", AS_OF, "--format", "json", "empty")
    card = json.loads(r.stdout)["units"][0]
    assert card["band"] == "不达标" and card["total"] < 50
    assert "职权目录为空" in {c["key"]: c for c in card["criteria"]}["flows"]["lost"]


def test_monitor_warnings_count_with_events(runner) -> None:  # type: ignore[no-untyped-def]
    pytest.importorskip("lfk.monitor")
    r = invoke(runner, "score", "--root", str(BASE), "--as-of", AS_OF, "--events", str(EVENTS), "--format", "json")
    assert r.exit_code == 0, r.output
    card = json.loads(r.stdout)["units"][0]
    mon = {c["key"]: c for c in card["criteria"]}["monitor"]
    assert mon["points"] is not None and mon["points"] < mon["weight"] and mon["lost"]
    assert card["monitor"] and card["monitor"].get("红牌", 0) > 0


def test_bad_usage(runner) -> None:  # type: ignore[no-untyped-def]
    assert invoke(runner, "score", "--root", str(BASE), "--format", "xml").exit_code == 2
    assert invoke(runner, "score", "--root", str(BASE), "--explain", "nope").exit_code == 2
    assert invoke(runner, "score", "--root", str(BASE), "nope").exit_code == 2
    assert invoke(runner, "score", "--root", str(BASE), "--events", "/nonexistent.csv").exit_code == 2


def _post_only(runner, tmp_path: Path, unit_type: str, title: str | None = None) -> Path:  # type: ignore[no-untyped-def]
    """The example register of `lfk init` turned into a unit of ``unit_type`` with no 职权目录 and post risks only."""
    root = tmp_path / "reg"
    assert invoke(runner, "init", str(root), "--as-of", AS_OF).exit_code == 0
    writable(root)
    u = root / "units" / "example"
    _edit(u / "unit.yaml", "type: 行政机关", f"type: {unit_type}")
    (u / "authorities.yaml").write_text("authorities: []\n", encoding="utf-8")
    (u / "flows" / "F-license.yaml").unlink()
    _edit(u / "risks.yaml", "    authority: XK-01\n    steps: [S2]\n", "    post: P-review\n")
    if title:
        _edit(u / "risks.yaml", "审查环节降低或提高审查标准", title)
    return root


POWER_CRITERIA = ("flows", "legal_basis", "risks_identified")


def test_post_only_unit_power_criteria_do_not_apply(runner, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """A school (事业单位) whose risks sit on posts: the power criteria are 不适用, not 0 — in JSON, text, explain."""
    root = _post_only(runner, tmp_path, "事业单位")
    lint = json.loads(invoke(runner, "lint", "--root", str(root), "--as-of", AS_OF, "--format", "json").stdout)
    assert lint["findings"] == []  # no LFK207: a post-only register may have no 职权目录
    r = invoke(runner, "score", "--root", str(root), "--as-of", AS_OF, "--format", "json")
    card = json.loads(r.stdout)["units"][0]
    crit = {c["key"]: c for c in card["criteria"]}
    assert card["power_scope"] == "posts"
    for k in POWER_CRITERIA:
        assert crit[k]["applicable"] is False and crit[k]["points"] is None and crit[k]["lost"] == []
        assert "风险点都在岗位上" in crit[k]["note"]
    assert crit["graded"]["applicable"] is True
    assert card["total"] >= 90 and card["band"] == "优秀"  # left out of the denominator, not scored 0
    text = invoke(runner, "score", "--root", str(root), "--as-of", AS_OF, "--lang", "zh").stdout
    assert "不适用" in text and "职权目录为空" not in text
    assert "n/a" in invoke(runner, "score", "--root", str(root), "--as-of", AS_OF, "--lang", "en").stdout
    ex = invoke(runner, "score", "--root", str(root), "--as-of", AS_OF, "--lang", "zh", "--explain", "example").stdout
    assert "职权有运行流程图: 不适用（没有职权目录，风险点都在岗位上，不计）" in ex


@pytest.mark.parametrize(("unit_type", "title", "why"), [
    ("行政机关", None, "行政机关须列出职权"),
    ("事业单位", "行政处罚案件审查中降低标准", "风险点涉及行政处罚"),
])
def test_unit_that_should_list_powers_is_told(runner, tmp_path: Path, unit_type: str, title: str | None,
                                              why: str) -> None:  # type: ignore[no-untyped-def]
    """A 行政机关, or a unit whose risks name an external power, still scores 0 on power criteria and lint says why."""
    root = _post_only(runner, tmp_path, unit_type, title)
    card = json.loads(invoke(runner, "score", "--root", str(root), "--as-of", AS_OF, "--format", "json").stdout)["units"][0]
    crit = {c["key"]: c for c in card["criteria"]}
    assert card["power_scope"] == "missing"
    for k in POWER_CRITERIA:
        assert crit[k]["applicable"] is True and crit[k]["points"] == 0 and "职权目录为空" in crit[k]["lost"]
    lint = json.loads(invoke(runner, "lint", "--root", str(root), "--as-of", AS_OF, "--format", "json").stdout)
    hits = [f for f in lint["findings"] if f["code"] == "LFK207"]
    assert len(hits) == 1 and why in hits[0]["message"] and hits[0]["path"] == "units/example/authorities.yaml"
    assert [f["code"] for f in lint["findings"]] == ["LFK207"]
