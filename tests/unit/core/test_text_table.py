"""lfk.core.text.box_table: the boxed tables of ``lfk monitor``'s text report (rich's look, linear time)."""

from __future__ import annotations

import pytest

from lfk.core.text import box_table, width

CASES = [
    # (header, rows, right, limit, expected lines)
    (["a", "数"], [["x", "1"], ["长一点", "22"]], frozenset({1}), 140, [
        "T",
        "┏━━━━━━━━┳━━━━┓",
        "┃ a      ┃ 数 ┃",
        "┡━━━━━━━━╇━━━━┩",
        "│ x      │  1 │",
        "│ 长一点 │ 22 │",
        "└────────┴────┘"]),
    # too wide: the CJK column wraps (nothing cut off; no line starts with ，), the Latin word stays whole
    (["unit", "text"], [["county-hospital", "跳过：下达审核任务，集体讨论决定"]], frozenset(), 40, [
        "T",
        "┏━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━━━━━━━┓",
        "┃ unit            ┃ text               ┃",
        "┡━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━━━━━━━┩",
        "│ county-hospital │ 跳过：下达审核任   │",
        "│                 │ 务，集体讨论决定   │",
        "└─────────────────┴────────────────────┘"]),
]


@pytest.mark.parametrize(("header", "rows", "right", "limit", "expected"), CASES)
def test_box_table(header, rows, right, limit, expected) -> None:  # type: ignore[no-untyped-def]
    out = box_table("T", header, rows, right=right, limit=limit)
    assert out == expected, "\n".join(out)
    assert all(width(line) <= limit for line in out)


def test_box_table_colour_styles_only_styled_cells() -> None:
    out = box_table("", ["w", "x"], [[("红牌", "1;31"), "a"]], color=True)
    assert out[3] == "│ \x1b[1;31m红牌\x1b[0m │ a │" and out[1] == "┃ \x1b[1mw\x1b[0m    ┃ \x1b[1mx\x1b[0m ┃"
    assert box_table("", ["w"], [[("红牌", "1;31")]])[3] == "│ 红牌 │"


def test_box_table_is_linear(monkeypatch: pytest.MonkeyPatch) -> None:
    """Twice the rows cost twice the display-width measurements, not more (rich's Table was quadratic-ish,
    ~1 ms a row on the 5,000 warned cases of a 1M-event log). Counted, not timed: speed is `make bench`'s."""
    import lfk.core.text as text_mod

    calls = [0]
    real = text_mod.width

    def counted(s: str) -> int:
        calls[0] += 1
        return real(s)

    monkeypatch.setattr(text_mod, "width", counted)

    def cost(n: int) -> int:
        rows = [[f"C{i:08d}", "county-hospital", "NB-04", "红牌", "责令纠错", "MON202", "P-secretary", "W-56d0e526",
                 "逾期未处置", "2026-03-09", "跳过：下达审核任务" if i % 3 else ""] for i in range(n)]
        calls[0] = 0
        out = box_table("预警案件", [str(i) for i in range(11)], rows)
        assert len(out) >= n + 4 and all(real(line) <= 140 for line in out)
        return calls[0]

    small, large = cost(2500), cost(5000)
    assert large <= 2.05 * small, (small, large)
