"""``SortedDays`` (what the DuckDB engine fetches of a step's days) gives the summary the figures a full list gives."""

from __future__ import annotations

import bisect
import random

import pytest

from lfk.monitor.explain import SortedDays, _stats

CASES = [([], (2.0, True)), ([0.0], None), ([1.5, 0.2], (1.0, False)), ([3.0, 1.0, 2.0], (2.0, True))] + [
    ([round(random.Random(n).uniform(0, 9), 3) for _ in range(n)], (4.0, n % 2 == 0)) for n in (4, 9, 10, 11, 99, 1000)]


@pytest.mark.parametrize(("days", "limit"), CASES)
def test_sorted_days_give_the_same_stats(days: list[float], limit: tuple[float, bool] | None) -> None:
    s = sorted(days)
    over = len(s) - bisect.bisect_right(s, limit[0]) if limit else 0
    reduced = SortedDays(len(s), {i: s[i] for i in SortedDays.places(len(s))}, over)
    assert _stats(reduced, limit) == _stats(days, limit)
