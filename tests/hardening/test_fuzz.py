"""Property-based robustness: random damage to the demo register never gives a traceback, lint's JSON is
always valid, and the loader stays within its bounds on any bytes. (``make fuzz`` runs 1,000 iterations
through every command; this is the quick version for ``make test``.)"""

from __future__ import annotations

import datetime as dt
import json
import random

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lfk.lint import LintOptions, lint_register
from lfk.loader import load_bytes
from lfk.register import Register
from lfk.report import FORMATTERS, format_findings
from lfk.testing.fuzz import MemorySource, mutate, read_tree
from tests.conftest import DEMO

BASE_FILES = read_tree(DEMO)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(0, 2**32 - 1), edits=st.integers(1, 4))
def test_random_edits_never_crash_lint(seed: int, edits: int) -> None:
    files = mutate(BASE_FILES, random.Random(seed), edits=edits)
    result = lint_register(Register(DEMO, source=MemorySource(files)), LintOptions(as_of=dt.date(2026, 12, 1)))
    for fmt in FORMATTERS:
        text = format_findings(fmt, result.findings, result.summary(), lang="zh", rules=[])
        assert text
    doc = json.loads(format_findings("json", result.findings, result.summary(), lang="en"))
    assert doc["summary"]["exit_code"] in (0, 1)
    for f in doc["findings"]:
        assert f["line"] >= 1 and f["column"] >= 1 and f["path"] and f["message"]


@settings(max_examples=300, deadline=None)
@given(raw=st.binary(max_size=2000))
def test_loader_never_raises_on_any_bytes(raw: bytes) -> None:
    lf = load_bytes(raw, "x.yaml", max_bytes=1500)
    assert all(f.code in {"LFK001", "LFK002", "LFK003", "LFK004", "LFK006"} and f.line >= 1 and f.column >= 1
               for f in lf.findings)
    if lf.findings and any(f.code != "LFK002" for f in lf.findings):
        assert lf.data is None or all(f.code in ("LFK001", "LFK002") for f in lf.findings)


@settings(max_examples=200, deadline=None)
@given(text=st.text(max_size=400))
def test_loader_never_raises_on_any_text(text: str) -> None:
    lf = load_bytes(text.encode("utf-8", "surrogatepass"), "x.yaml")
    assert all(f.path == "x.yaml" and f.line >= 1 for f in lf.findings)


@settings(max_examples=30, deadline=None)
@given(width=st.integers(2, 12), depth=st.integers(2, 12))
def test_alias_expansion_is_bounded(width: int, depth: int) -> None:
    lines = ["a0: &a0 [" + ",".join(["x"] * width) + "]"]
    for i in range(1, depth):
        lines.append(f"a{i}: &a{i} [" + ",".join([f"*a{i - 1}"] * width) + "]")
    raw = "\n".join(lines).encode()
    lf = load_bytes(raw, "bomb.yaml")  # bounded: a blow-up is refused (LFK004), never expanded
    if width ** depth > len(raw) + 1000:
        assert [f.code for f in lf.findings] == ["LFK004"]
