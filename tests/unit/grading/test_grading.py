"""The grading engine: the four methods, floors, labels, exact thresholds, and the approval digest."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from lfk.grading.engine import CONSISTENT, DRIFT, MISSING, fmt_number, grade_risk, risk_digest
from lfk.model import Config
from lfk.model.items import Authority, Risk
from lfk.model.vocab import grade_rank

WEIGHTED = {
    "method": "weighted",
    "factors": {
        "importance": {"weight": 0.3, "label": "权力重要程度"},
        "discretion": {"weight": 0.3, "label": "自由裁量权大小"},
        "probability": {"weight": 0.2, "label": "发生概率"},
        "harm": {"weight": 0.2, "label": "危害程度"},
    },
    "thresholds": {"高": 3.5, "中": 2.5},
}
MATRIX = [
    ["低", "低", "低", "中", "中"],
    ["低", "低", "中", "中", "高"],
    ["低", "中", "中", "高", "高"],
    ["中", "中", "高", "高", "高"],
    ["中", "高", "高", "高", "高"],
]
LEC = {
    "method": "lec",
    "levels": {"L": {"完全可能": 10, "可能性较大": 6, "可能性一般": 3, "可能性小": 1},
               "C": {"重大": 100, "较大": 40, "一般": 15, "较轻": 7}},
    "thresholds": {"高": 240, "中": 90},
}
CRITERIA = {
    "method": "criteria",
    "criteria": ["可能构成犯罪", "涉及人财物", "涉及重大决策", "群众反映强烈"],
    "thresholds": {"高": 3, "中": 2},
}


def config(grading: dict[str, Any], **kw: Any) -> Config:
    return Config.model_validate({"name": "t", "grading": grading, **kw})


def risk(**kw: Any) -> Risk:
    base: dict[str, Any] = {"id": "R-1", "title": "t", "category": "权力行使", "kind": "自由裁量幅度过大",
                            "authority": "CF-001"}
    base.update(kw)
    return Risk.model_validate(base)


def factors(i: int, d: int, p: int, h: int) -> dict[str, int]:
    return {"importance": i, "discretion": d, "probability": p, "harm": h}


# -- weighted -------------------------------------------------------------------------------------------

def test_weighted_exact_threshold() -> None:
    # 0.3·4 + 0.3·3 + 0.2·4 + 0.2·3 = 3.5 exactly (binary floats give 3.4999…)
    res = grade_risk(config(WEIGHTED), risk(factors=factors(4, 3, 4, 3), grade="高"))
    assert res.score == Decimal("3.5")
    assert res.base == res.computed == "高"
    assert res.status == CONSISTENT
    assert any("3.5" in t.en for t in res.explanation)


@pytest.mark.parametrize(("f", "score", "grade"), [
    (factors(3, 2, 2, 3), "2.5", "中"),
    (factors(2, 2, 3, 3), "2.4", "低"),
    (factors(5, 5, 5, 5), "5", "高"),
    (factors(1, 1, 1, 1), "1", "低"),
    (factors(4, 4, 3, 4), "3.8", "高"),
])
def test_weighted_scores(f: dict[str, int], score: str, grade: str) -> None:
    res = grade_risk(config(WEIGHTED), risk(factors=f))
    assert res.score == Decimal(score)
    assert res.computed == grade
    assert res.status == MISSING  # no declared grade


def test_weighted_default_factors_and_thresholds() -> None:
    res = grade_risk(config({"method": "weighted"}), risk(factors=factors(4, 3, 4, 3)))
    assert res.score == Decimal("3.5") and res.computed == "高"


def test_missing_and_out_of_range_factors() -> None:
    res = grade_risk(config(WEIGHTED), risk(factors={"importance": 4, "discretion": 9, "probability": 3}, grade="高"))
    assert res.computed is None and res.score is None
    assert res.status == MISSING
    text = " ".join(p.en for p in res.problems)
    assert "harm" in text and "discretion" in text


def test_bool_factor_is_not_a_number() -> None:
    res = grade_risk(config(WEIGHTED), risk(factors={**factors(3, 3, 3, 3), "harm": True}))
    assert res.problems and res.computed is None


def test_drift_and_reason() -> None:
    cfg = config(WEIGHTED)
    drift = grade_risk(cfg, risk(factors=factors(3, 3, 3, 3), grade="低"))
    assert drift.status == DRIFT and drift.drift and drift.failing
    no_approval = grade_risk(cfg, risk(factors=factors(3, 3, 3, 3), grade="低", grade_reason="理由"))
    assert no_approval.status == DRIFT and not no_approval.excused
    excused = grade_risk(cfg, risk(factors=factors(3, 3, 3, 3), grade="低", grade_reason="理由", approval="AP-1"))
    assert excused.status == DRIFT and excused.excused and not excused.failing
    blank = grade_risk(cfg, risk(factors=factors(3, 3, 3, 3), grade="低", grade_reason="  ", approval="AP-1"))
    assert not blank.excused


# -- floors ---------------------------------------------------------------------------------------------

def test_floor_key_area() -> None:
    cfg = config({**WEIGHTED, "floors": [{"key_area": "三重一大", "grade": "中"}]})
    auth = Authority.model_validate({"id": "CF-001", "name": "采购", "category": "采购管理", "internal": True,
                                     "key_areas": ["政府采购", "三重一大"]})
    r = risk(factors=factors(1, 1, 1, 1), grade="中")
    res = grade_risk(cfg, r, auth)
    assert res.base == "低" and res.computed == "中" and res.floor is not None
    assert "三重一大" in res.floor.zh
    assert res.status == CONSISTENT
    assert grade_risk(cfg, r).computed == "低"  # no authority given: the floor cannot hold


def test_floor_factor_category_kind_and_highest_wins() -> None:
    cfg = config({**WEIGHTED, "floors": [
        {"factor": "harm", "at_least": 5, "grade": "高"},
        {"category": "权力行使", "grade": "中"},
        {"kind": "权力过于集中", "category": "权力行使", "grade": "高"},
    ]})
    assert grade_risk(cfg, risk(factors=factors(1, 1, 1, 5))).computed == "高"
    assert grade_risk(cfg, risk(factors=factors(1, 1, 1, 4))).computed == "中"
    assert grade_risk(cfg, risk(factors=factors(1, 1, 1, 1), kind="权力过于集中")).computed == "高"
    other = risk(factors=factors(1, 1, 1, 1), category="思想道德", kind="职业道德不牢固")
    assert grade_risk(cfg, other).computed == "低"


def test_floor_never_lowers() -> None:
    cfg = config({**WEIGHTED, "floors": [{"category": "权力行使", "grade": "低"}]})
    res = grade_risk(cfg, risk(factors=factors(5, 5, 5, 5)))
    assert res.computed == "高" and res.floor is None


# -- matrix, lec, criteria --------------------------------------------------------------------------------

def test_matrix() -> None:
    cfg = config({"method": "matrix", "matrix": MATRIX})
    res = grade_risk(cfg, risk(factors={"probability": 2, "harm": 5}, grade="高"))
    assert res.score is None and res.computed == "高" and res.status == CONSISTENT
    assert grade_risk(cfg, risk(factors={"probability": 1, "harm": 1})).computed == "低"
    assert grade_risk(cfg, risk(factors={"probability": 3, "harm": 2})).computed == "中"
    bad = grade_risk(cfg, risk(factors={"probability": 2.5, "harm": 1}))
    assert bad.problems and bad.computed is None


def test_lec() -> None:
    cfg = config(LEC)
    res = grade_risk(cfg, risk(factors={"L": "可能性较大", "C": "较大"}))
    assert res.score == Decimal(240) and res.computed == "高"  # exactly on the threshold
    assert grade_risk(cfg, risk(factors={"L": "可能性一般", "C": "较大"})).computed == "中"  # 120
    assert grade_risk(cfg, risk(factors={"L": "可能性小", "C": "重大"})).computed == "中"  # 100
    assert grade_risk(cfg, risk(factors={"L": "可能性小", "C": "较轻"})).computed == "低"  # 7
    assert grade_risk(cfg, risk(factors={"L": 6, "C": 40})).score == Decimal(240)  # values accepted too
    bad = grade_risk(cfg, risk(factors={"L": "很可能", "C": "较大"}))
    assert bad.computed is None and "很可能" in bad.problems[0].zh


def test_criteria() -> None:
    cfg = config(CRITERIA)
    assert grade_risk(cfg, risk(criteria=["可能构成犯罪", "涉及人财物", "涉及重大决策"])).computed == "高"
    res = grade_risk(cfg, risk(criteria=["可能构成犯罪", "涉及人财物"]))
    assert res.score == 2 and res.computed == "中"
    assert grade_risk(cfg, risk()).computed == "低"
    bad = grade_risk(cfg, risk(criteria=["不存在的标准"]))
    assert bad.problems


def test_labels() -> None:
    cfg = config({**WEIGHTED, "labels": {"高": "一级", "中": "二级", "低": "三级"}})
    assert cfg.grade_label("高") == "一级" and cfg.grade_label("低") == "三级"
    assert grade_risk(cfg, risk(factors=factors(5, 5, 5, 5))).computed == "高"  # YAML values stay 高/中/低


def test_fmt_number() -> None:
    assert fmt_number(Decimal("3.50")) == "3.5"
    assert fmt_number(Decimal("1E+2")) == "100"
    assert fmt_number(Decimal("3.0")) == "3"
    assert fmt_number(None) == "—"


# -- properties -------------------------------------------------------------------------------------------

FACTOR = st.integers(min_value=1, max_value=5)
FACTORS4 = st.tuples(FACTOR, FACTOR, FACTOR, FACTOR)


@given(FACTORS4, st.integers(min_value=0, max_value=3), st.integers(min_value=1, max_value=4))
def test_weighted_monotonic_in_every_factor(fs: tuple[int, int, int, int], which: int, up: int) -> None:
    cfg = config(WEIGHTED)
    raised = list(fs)
    raised[which] = min(5, raised[which] + up)
    a = grade_risk(cfg, risk(factors=factors(*fs)))
    b = grade_risk(cfg, risk(factors=factors(*raised)))
    assert a.score is not None and b.score is not None and b.score >= a.score
    assert grade_rank(b.computed) >= grade_rank(a.computed)


@given(FACTORS4)
def test_weighted_thresholds_exact(fs: tuple[int, int, int, int]) -> None:
    res = grade_risk(config(WEIGHTED), risk(factors=factors(*fs)))
    exact = sum(Decimal(w) * f for w, f in zip(("0.3", "0.3", "0.2", "0.2"), fs, strict=True))
    assert res.score == exact
    expected = "高" if exact >= Decimal("3.5") else "中" if exact >= Decimal("2.5") else "低"
    assert res.computed == expected


@given(st.integers(min_value=1, max_value=5), st.integers(min_value=1, max_value=5),
       st.integers(min_value=1, max_value=5), st.integers(min_value=1, max_value=5))
def test_matrix_monotonic(p: int, h: int, p2: int, h2: int) -> None:
    cfg = config({"method": "matrix", "matrix": MATRIX})
    lo = grade_risk(cfg, risk(factors={"probability": min(p, p2), "harm": min(h, h2)})).computed
    hi = grade_risk(cfg, risk(factors={"probability": max(p, p2), "harm": max(h, h2)})).computed
    assert grade_rank(hi) >= grade_rank(lo)


LEVEL_L = st.sampled_from(list(LEC["levels"]["L"]))
LEVEL_C = st.sampled_from(list(LEC["levels"]["C"]))


@given(LEVEL_L, LEVEL_C, LEVEL_L, LEVEL_C)
def test_lec_monotonic_and_exact(l1: str, c1: str, l2: str, c2: str) -> None:
    cfg = config(LEC)
    vals_l, vals_c = LEC["levels"]["L"], LEC["levels"]["C"]
    a = grade_risk(cfg, risk(factors={"L": l1, "C": c1}))
    assert a.score == Decimal(vals_l[l1] * vals_c[c1])
    expected = "高" if a.score >= 240 else "中" if a.score >= 90 else "低"
    assert a.computed == expected
    if vals_l[l2] >= vals_l[l1] and vals_c[c2] >= vals_c[c1]:
        b = grade_risk(cfg, risk(factors={"L": l2, "C": c2}))
        assert grade_rank(b.computed) >= grade_rank(a.computed)


@given(st.sets(st.sampled_from(CRITERIA["criteria"])), st.sets(st.sampled_from(CRITERIA["criteria"])))
def test_criteria_monotonic(a: set[str], b: set[str]) -> None:
    cfg = config(CRITERIA)
    small = grade_risk(cfg, risk(criteria=sorted(a)))
    big = grade_risk(cfg, risk(criteria=sorted(a | b)))
    assert small.score == len(a)
    assert grade_rank(big.computed) >= grade_rank(small.computed)


@given(st.decimals(min_value=1, max_value=5, places=1))
def test_weights_exact_decimal_text(v: Decimal) -> None:
    # a weight of 0.1 is the decimal 0.1, not the binary float nearest to it
    cfg = config({"method": "weighted", "factors": {"a": {"weight": 0.1}, "b": {"weight": 0.9}},
                  "thresholds": {"高": 3.5, "中": 2.5}})
    res = grade_risk(cfg, risk(factors={"a": float(v), "b": float(v)}))
    assert res.score == Decimal("0.1") * v + Decimal("0.9") * v


# -- digest -----------------------------------------------------------------------------------------------

def test_digest_is_12_hex_and_stable() -> None:
    r = risk(factors=factors(4, 3, 4, 3), grade="高", owner="P-1")
    d = risk_digest(r)
    assert len(d) == 12 and all(c in "0123456789abcdef" for c in d)
    assert risk_digest(risk(factors={"harm": 3.0, "probability": 4, "discretion": 3, "importance": 4.0},
                            grade="高", owner="P-1")) == d
    assert risk_digest(risk(factors=factors(4, 3, 4, 3), grade="高", owner="P-1", grade_reason="")) == d
    # non-material fields do not count
    assert risk_digest(risk(factors=factors(4, 3, 4, 3), grade="高", owner="P-1", description="x",
                            reviewed="2026-01-01", approval="AP-1", approved_digest="abc")) == d


@pytest.mark.parametrize("change", [
    {"title": "t2"}, {"category": "制度机制"}, {"kind": "权力过于集中"}, {"authority": "CF-002"},
    {"steps": ["S1"]}, {"post": "P-2"}, {"factors": factors(4, 3, 4, 4)}, {"grade": "中"},
    {"grade_reason": "理由"}, {"owner": "P-2"},
])
def test_digest_changes_with_each_material_field(change: dict[str, Any]) -> None:
    fields: dict[str, Any] = {"factors": factors(4, 3, 4, 3), "grade": "高", "owner": "P-1"}
    assert risk_digest(risk(**{**fields, **change})) != risk_digest(risk(**fields))


SCALARS = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=True, allow_infinity=True),
                    st.text(max_size=5), st.lists(st.integers(), max_size=2))


@given(st.dictionaries(st.sampled_from(["importance", "discretion", "probability", "harm", "L", "C", "x"]), SCALARS),
       st.sampled_from([WEIGHTED, {"method": "matrix", "matrix": MATRIX}, LEC, CRITERIA]),
       st.one_of(st.none(), st.sampled_from(["高", "中", "低"])))
def test_never_raises_on_odd_factors(fs: dict[str, Any], grading: dict[str, Any], declared: str | None) -> None:
    # (a matrix method without its 5×5 matrix is no valid lfk.yaml any more: LFK101, test_broken_inputs.py)
    res = grade_risk(config(grading), risk(factors=fs, grade=declared))
    assert res.status in (CONSISTENT, DRIFT, MISSING)
    if res.computed is None or declared is None:
        assert res.status == MISSING
    else:
        assert res.status == (CONSISTENT if res.computed == declared else DRIFT)
    assert len(risk_digest(risk(factors=fs))) == 12


@given(st.decimals(allow_nan=False, allow_infinity=False))
def test_fmt_number_total(d: Decimal) -> None:
    assert fmt_number(d)
