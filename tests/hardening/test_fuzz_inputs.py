"""Property-based robustness of the other inputs people hand to lfk: case event logs (monitor) and
Excel/CSV tables (import). Any bytes give findings or a one-line error (LfkError), never a crash."""

from __future__ import annotations

import random
import shutil
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lfk.core.errors import LfkError
from lfk.monitor import run_monitor
from lfk.register import Register
from lfk.tables.importer import run_import
from tests.conftest import BASE, HERE, writable

EVENTS = (HERE / "fixtures" / "events" / "penalty.csv").read_bytes()
HEADER = "序号,风险点,风险类别,风险等级,风险描述,防控措施,责任人\n".encode()
FUZZ = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])


def damage(data: bytes, seed: int) -> bytes:
    rng = random.Random(seed)
    lines = data.split(b"\n")
    for _ in range(rng.randint(1, 5)):
        i = rng.randrange(len(lines))
        roll = rng.random()
        if roll < 0.25:
            del lines[i]
            lines = lines or [b""]
        elif roll < 0.5:
            cells = lines[i].split(b",")
            j = rng.randrange(len(cells))
            cells[j] = rng.choice([b"", b"x", b"-1", b"9" * 40, b"2026-02-30T25:61", "高".encode(), b'"', b"\xff\xfe",
                                   b"1e999", b"NaN", b"S99", b"county-x"])
            lines[i] = b",".join(cells)
        elif roll < 0.75:
            lines.insert(i, lines[i])
        else:
            lines[i] = lines[i][: rng.randrange(len(lines[i]) + 1)]
    return b"\n".join(lines)


@FUZZ
@given(seed=st.integers(0, 2**32 - 1))
def test_damaged_event_logs_never_crash_monitor(tmp_path_factory, seed: int) -> None:  # type: ignore[no-untyped-def]
    p = tmp_path_factory.mktemp("ev") / ("log.csv" if seed % 3 else "log.jsonl")
    p.write_bytes(damage(EVENTS, seed) if seed % 3 else damage(b'{"case_id": "C1", "unit": "county-amr"}\n' * 3, seed))
    try:
        result = run_monitor(Register(BASE), [p], as_of="2026-12-01")
    except LfkError as e:
        assert str(e)
        return
    assert all(f.line >= 1 and f.path for f in result.findings)
    assert isinstance(result.to_dict("en"), dict)


@FUZZ
@given(raw=st.binary(max_size=600))
def test_any_bytes_as_an_event_log(tmp_path_factory, raw: bytes) -> None:  # type: ignore[no-untyped-def]
    p = tmp_path_factory.mktemp("ev") / "log.csv"
    p.write_bytes(raw)
    try:
        run_monitor(Register(BASE), [p], as_of="2026-12-01")
    except LfkError as e:
        assert str(e)


def _writable_base(root: Path) -> Path:
    """A writable copy of the base register at ``root``."""
    shutil.copytree(BASE, root)
    return writable(root)


@FUZZ
@given(seed=st.integers(0, 2**32 - 1), body=st.text(max_size=300))
def test_damaged_tables_never_crash_import(tmp_path_factory, seed: int, body: str) -> None:  # type: ignore[no-untyped-def]
    root = _writable_base(tmp_path_factory.mktemp("reg") / "r")
    p = root.parent / "table.csv"
    p.write_bytes(damage(HEADER + body.encode("utf-8", "surrogatepass") + "\n1,R,权力行使,高,d,m,局长\n".encode(), seed))
    try:
        res = run_import(Register(root), "county-amr", [p], dry_run=True)
    except LfkError as e:
        assert str(e)
        return
    assert all(f.line >= 1 for f in res.findings)


def test_a_narrow_table_with_an_empty_row_imports_without_a_crash(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """Regression (found by the property test above, seed 23479): a 2-3 column sheet with an empty row made
    the key–value reading index an empty row."""
    root = _writable_base(tmp_path / "r")
    p = tmp_path / "table.csv"
    p.write_text("职权名称,行政处罚\n\n职权编码,CF-09\n实施主体,市场监管局\n", encoding="utf-8")
    try:
        res = run_import(Register(root), "county-amr", [p], dry_run=True)
    except LfkError as e:
        assert str(e)
        return
    assert all(f.line >= 1 for f in res.findings)
