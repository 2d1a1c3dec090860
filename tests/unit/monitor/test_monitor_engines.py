"""The monitor's engines agree: python (lfk.monitor.engine) and the SQL of lfk.monitor.sql on DuckDB (and Spark).

Every test of tests/unit/monitor/test_monitor.py runs here a second time with ``run_monitor`` replaced by a wrapper that
runs each call on every engine and asserts identical results (findings with messages in zh and en, cases,
escalations, counts, summary); then the fixtures, the generator's logs and bad input, engine by engine.
Spark joins when pyspark is installed and ``LFK_TEST_SPARK=1`` (``make test-spark``).
"""

from __future__ import annotations

import importlib.util
import json
import os
import random
from pathlib import Path
from typing import Any

import pytest

import lfk.monitor
import tests.unit.monitor.test_monitor as tm
from lfk.monitor.sql.engine import statements
from lfk.register import Register
from lfk.testing.synth import Synth, write_csv, write_jsonl
from tests.conftest import invoke
from tests.unit.monitor.test_monitor import *  # noqa: F403  (every monitor test again, through the comparing wrapper below)
from tests.unit.monitor.test_monitor import AS_OF, EVENTS

SQL_ENGINES = ["duckdb"] + (["spark"] if os.environ.get("LFK_TEST_SPARK") == "1"
                            and importlib.util.find_spec("pyspark") is not None else [])
_original = lfk.monitor.run_monitor


def _doc(result: Any) -> dict[str, Any]:
    return {lang: result.to_dict(lang) for lang in ("zh", "en")}


def assert_same(a: Any, b: Any, engine: str) -> None:
    da, db = _doc(a), _doc(b)
    for lang in da:
        for key in da[lang]:
            assert da[lang][key] == db[lang][key], f"{engine} differs from python in {key!r} ({lang})"
    assert [(f.code, f.path, f.line, f.severity, f.extra) for f in a.findings] == \
        [(f.code, f.path, f.line, f.severity, f.extra) for f in b.findings]


def _compare(register: Register, paths: Any, as_of: Any = None, **kw: Any) -> Any:
    kw.pop("engine", None)
    paths = list(paths)
    py = _original(register, paths, as_of, **kw)
    kw.pop("progress", None)
    for engine in SQL_ENGINES:
        assert_same(py, _original(Register(register.root), paths, as_of, engine=engine, **kw), engine)
    return py


@pytest.fixture(autouse=True)
def _every_call_on_every_engine(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(tm, "run_monitor", _compare)
    monkeypatch.setattr(lfk.monitor, "run_monitor", _compare)


def test_the_wrapper_is_in_place() -> None:
    assert tm.run_monitor is _compare and lfk.monitor.run_monitor is _compare


@pytest.mark.parametrize("name", sorted(p.name for p in EVENTS.iterdir()))
@pytest.mark.parametrize("closed", [False, True])
def test_fixture_logs_agree(reg_root: Path, name: str, closed: bool) -> None:
    reg = Register(reg_root)
    py = _original(reg, [EVENTS / name], AS_OF, closed=closed)
    for engine in SQL_ENGINES:
        assert_same(py, _original(Register(reg_root), [EVENTS / name], AS_OF, closed=closed, engine=engine), engine)


@pytest.mark.parametrize(("seed", "rate", "shuffle", "closed", "jsonl"), [
    (42, 0.25, False, False, False), (7, 0.5, True, False, False), (3, 0.3, False, True, False),
    (11, 0.2, False, False, True)])
def test_generator_logs_agree_and_find_the_truth(reg_root: Path, tmp_path: Path, seed: int, rate: float,
                                                 shuffle: bool, closed: bool, jsonl: bool) -> None:
    reg = Register(reg_root)
    s = Synth(reg, 600, seed=seed, rate=rate, open_rate=0.1)
    events = list(s.events())
    if shuffle:
        random.Random(seed).shuffle(events)
    p = tmp_path / ("s.jsonl" if jsonl else "s.csv")
    (write_jsonl if jsonl else write_csv)(p, iter(events))
    py = _original(reg, [p], s.as_of, closed=closed)
    for engine in SQL_ENGINES:
        sql = _original(Register(reg_root), [p], s.as_of, closed=closed, engine=engine)
        assert_same(py, sql, engine)
        if not closed:
            found: dict[str, set[str]] = {}
            for f in sql.findings:
                if "case_id" in f.extra and f.code != "MON501":
                    found.setdefault(f.extra["case_id"], set()).add(f.code)
            assert found == s.truth  # precision and recall 1.0 on the generator's truth


def test_bad_input_same_findings_and_exit_codes(runner, reg_root: Path, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    garbage = tmp_path / "garbage.csv"
    garbage.write_bytes(b"case_id,unit,authority,step,started_at,finished_at\n\x00\xff,\"x\n" + os.urandom(300))
    for paths in ([EVENTS / "bad.csv"], [EVENTS / "missing-column.csv"], [garbage], [EVENTS / "bad.csv", garbage]):
        py = _original(Register(reg_root), paths, AS_OF)
        for engine in SQL_ENGINES:
            assert_same(py, _original(Register(reg_root), paths, AS_OF, engine=engine), engine)
    base = ["monitor", "--root", str(reg_root), "--as-of", AS_OF, "--format", "json"]
    for args in ([str(EVENTS / "bad.csv")], [str(EVENTS / "penalty.csv"), "--fail-on", "红牌"],
                 [str(reg_root / "nope.csv")], [str(EVENTS / "license.csv"), "--fail-on", "黄牌"]):
        results = {e: invoke(runner, *base, *args, "--engine", e) for e in ["python", *SQL_ENGINES]}
        codes = {e: r.exit_code for e, r in results.items()}
        assert len(set(codes.values())) == 1, codes
        if codes["python"] != 2:
            docs = {e: json.loads(r.stdout) for e, r in results.items()}
            assert all(d == docs["python"] for d in docs.values())


def test_engine_option_errors(runner, reg_root: Path) -> None:  # type: ignore[no-untyped-def]
    res = invoke(runner, "monitor", "--root", str(reg_root), "--engine", "oracle", str(EVENTS / "penalty.csv"))
    assert res.exit_code == 2 and "--engine" in res.stderr


def test_missing_engine_is_a_one_line_error(runner, reg_root: Path, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec", lambda name, *a: None if name == "duckdb" else real(name, *a))
    res = invoke(runner, "monitor", "--root", str(reg_root), "--engine", "duckdb", str(EVENTS / "penalty.csv"))
    assert res.exit_code == 2 and "lfk[duckdb]" in res.stderr and "Traceback" not in res.stderr


def test_the_sql_is_portable() -> None:
    """The one definition stays in the subset both engines run (no DuckDB-only or Spark-only syntax)."""
    stmts = statements()
    assert len(stmts) > 10 and all(s.startswith("CREATE OR REPLACE TEMPORARY VIEW") for s in stmts)
    text = "\n".join(stmts).upper()
    for construct in ("::", "QUALIFY", "ILIKE", " EXCLUDE", "LIST(", "STRUCT_PACK", "DATE_DIFF", "EPOCH"):
        assert construct not in text, construct

