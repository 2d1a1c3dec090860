"""Property tests of issue #19's classes: paths given to writing commands, control characters, formulas."""

from __future__ import annotations

from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lfk.core.errors import UsageError
from lfk.core.safe import csv_cell, md_text, printable
from lfk.loader.emit import model_for_path
from lfk.loader.guard import register_target
from tests.conftest import BASE

PARTS = st.sampled_from(["units", "county-amr", "flows", "benchmarks", "risks.yaml", "..", ".", ".git", "x.yaml",
                         "lfk.yaml", "/", "/etc", "passwd", "unit.yaml", "a\nb", "\x1b"])


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(PARTS, min_size=1, max_size=6))
def test_register_target_never_lets_a_path_out(parts: list[str]) -> None:
    path = "/".join(parts)
    try:
        full, rel = register_target(BASE, path)
    except UsageError:
        return
    assert Path(full).resolve().is_relative_to(BASE.resolve())
    assert model_for_path(rel) is not None and ".." not in rel.split("/")


@given(st.text())
def test_printable_leaves_no_control_character(s: str) -> None:
    out = printable(s)
    assert not any(ord(c) < 0x20 or 0x7f <= ord(c) <= 0x9f or c in "\u202e\u2028" for c in out)
    assert "\n" not in md_text(s) and "@" not in md_text(s).replace("@\u200b", "")


@given(st.text())
def test_csv_cells_are_never_formulas(s: str) -> None:
    out = csv_cell(s)
    assert not out or out[0] not in "=+-@\t\r"


FULL = str.maketrans("0123456789", "０１２３４５６７８９")


@given(st.sampled_from(["", "+86", "+86 ", "0086", "0086-", "(+86)", "（＋86）", "86-"]),
       st.sampled_from(["", "-", " ", ".", "—"]), st.booleans(), st.sampled_from(["", "电话", "联系人王科长", "x"]),
       st.integers(3, 9), st.integers(0, 999_999_999))
def test_a_mobile_number_is_found_in_any_notation(prefix: str, sep: str, full: bool, before: str, second: int,
                                                  rest: int) -> None:
    """LFK701 finds a mainland mobile number whatever its country code, separators and digit width."""
    from lfk.lint.rules.disclosure import personal_data

    digits = f"1{second}{rest:09d}"
    number = prefix + sep.join((digits[:3], digits[3:7], digits[7:]))
    text = before + (number.translate(FULL) if full else number) + "。"
    found = personal_data(text)
    assert [m for _, _, m in found] == [digits[:3] + "****" + digits[7:]], text


@given(st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc", "Zl", "Zp"), blacklist_characters="\ufeff"),
               max_size=30))
def test_an_ignore_inside_a_quoted_value_never_suppresses(s: str) -> None:
    """Whatever a double-quoted value holds around it, `# lfk: ignore[...]` inside it is data."""
    import json

    from lfk.loader import load_bytes

    value = json.dumps(s + " # lfk: ignore[LFK701] data " + s, ensure_ascii=False)
    lf = load_bytes(f"a: {value}\n".encode(), "x.yaml")
    assert lf.data == {"a": s + " # lfk: ignore[LFK701] data " + s} and not lf.suppressions
