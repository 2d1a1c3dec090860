"""No test asserts on how long something took: speed is measured by `make bench` (ratios in one run), never by
timed tests, which fail on a loaded machine and pass on a fast one whatever the code does."""

from __future__ import annotations

import re
from pathlib import Path

TESTS = Path(__file__).resolve().parents[1]
TIMED = re.compile(r"assert[^\n]*\b(?:perf_counter|process_time|monotonic|time)\(\)\s*-")


def test_no_test_asserts_on_elapsed_time() -> None:
    timed = [f"{p.relative_to(TESTS)}:{text.count(chr(10), 0, m.start()) + 1}"
             for p in sorted(TESTS.rglob("*.py")) if p.name != Path(__file__).name
             for text in [p.read_text(encoding="utf-8")] for m in TIMED.finditer(text)]
    assert timed == [], f"timed assertions (count work instead, or measure in bench/): {timed}"
