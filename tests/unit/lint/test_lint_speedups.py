"""The shortcuts taken for cold-lint speed (issue 16) change no answer: the personal-data pre-filter,
the number formatting cache, the rubric's weights kept per rubric."""

from __future__ import annotations

from decimal import Decimal

import pytest

from lfk.grading import engine
from lfk.grading.engine import fmt_number
from lfk.lint.rules import disclosure
from lfk.model import Config


def _unfiltered(text: str) -> list[tuple[str, str, str]]:
    """personal_data as it was: every pattern on every text."""
    saved = disclosure._MAYBE_PERSONAL
    try:
        disclosure._MAYBE_PERSONAL = type("Always", (), {"search": staticmethod(lambda _t: True)})()
        return disclosure.personal_data(text)
    finally:
        disclosure._MAYBE_PERSONAL = saved


@pytest.mark.parametrize("text", [
    "联系电话 13812345678", "+86 138-1234-5678", "(0086)13912345678", "１３８１２３４５６７８", "身份证 11010519491231002X",
    "110105194912310021", "222222222222222222", "张三@example.com", "mail: ｚｓ＠ｅｘａｍｐｌｅ．ｃｏｍ", "office@gov.cn",
    "举报电话 12388", "2026-03-15 前整改", "编号 R-001", "", "高风险", "①②③", "01012345678", "10086", "1" * 40,
])
def test_the_personal_data_prefilter_drops_no_hit(text: str) -> None:
    assert disclosure.personal_data(text) == _unfiltered(text)


@pytest.mark.parametrize("value", [Decimal("-0"), Decimal("0"), -0.0, 0.0, 0, True, False, Decimal("3.50"), Decimal("3.5"),
                                   Decimal("1E+2"), 100, 2.5, Decimal("0.30"), None])
def test_formatting_numbers_twice_gives_the_same_text(value: object) -> None:
    first = engine._fmt_number(value) if value is not None else "—"  # type: ignore[arg-type]
    assert fmt_number(value) == first and fmt_number(value) == first  # type: ignore[arg-type]


def test_a_new_rubric_gets_its_own_weights() -> None:
    a = Config.model_validate({"name": "t", "grading": {"method": "weighted", "factors": {"x": {"weight": 1}}}})
    b = Config.model_validate({"name": "t", "grading": {"method": "weighted", "factors": {"y": {"weight": 0.5}, "z": {"weight": 0.5}}}})
    assert [k for k, _, _ in engine._weights(a.grading)] == ["x"]
    assert [k for k, _, _ in engine._weights(b.grading)] == ["y", "z"]
    assert [k for k, _, _ in engine._weights(a.grading)] == ["x"]


def test_a_new_rubric_gets_its_own_thresholds() -> None:
    a = Config.model_validate({"name": "t", "grading": {"method": "weighted", "thresholds": {"高": 4, "中": 2}}})
    b = Config.model_validate({"name": "t", "grading": {"method": "weighted", "thresholds": {"高": 3.5, "中": 2.5}}})
    assert engine._thresholds(a.grading) == [("高", Decimal(4)), ("中", Decimal(2))]
    assert engine._thresholds(b.grading) == [("高", Decimal("3.5")), ("中", Decimal("2.5"))]
    assert engine._thresholds(a.grading) == [("高", Decimal(4)), ("中", Decimal(2))]


@pytest.mark.parametrize("value", [-11, -10, 0, 1, 5, 100, 101, 10**30, 2.5, True, None, "3"])
def test_small_whole_numbers_as_decimals(value: object) -> None:
    expected = None if isinstance(value, bool) or not isinstance(value, (int, float)) else Decimal(str(value))
    got = engine._dec(value)
    assert got == expected and (got is None or str(got) == str(expected))


@pytest.mark.parametrize("fields", [
    ["高风险", "联系 13812345678", "无"], ["e\u0301", "\u0301x", "１３９１２３４５６７８"], ["办公室", "office@gov.cn"],
    ["2026年", "第15项", ""], ["a", "b@example.com"], ["11010519491231002X"],
])
def test_one_prefilter_for_all_fields_drops_no_hit(fields: list[str]) -> None:
    from lfk.core.i18n import T
    from lfk.loader import load_bytes

    lf = load_bytes(b"a: 1\n", "x.yaml")
    got = [r.message.en for r in disclosure._scan(lf, [((i,), v) for i, v in enumerate(fields)], T("字段", "a field"))]
    expected = [ken for v in fields if v for _, ken, _ in _unfiltered(v)]
    assert len(got) == len(expected) and all(k in m for k, m in zip(expected, got, strict=True))
