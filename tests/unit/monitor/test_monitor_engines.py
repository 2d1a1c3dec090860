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


def test_duckdb_draws_no_progress_bar_on_stdout() -> None:
    """DuckDB draws a progress bar on stdout once a query takes ~2 s (a 1M-event log on a busy machine), inside
    ``--format json`` or SARIF: lfk's connection turns it off."""
    from lfk.monitor.sql.engine import _Duck

    duck = _Duck()
    try:
        assert duck.rows("SELECT current_setting('enable_progress_bar')") == [(False,)]
    finally:
        duck.close()


def test_the_sql_is_portable() -> None:
    """The one definition stays in the subset both engines run (no DuckDB-only or Spark-only syntax)."""
    stmts = statements()
    assert len(stmts) > 10 and all(s.startswith("CREATE OR REPLACE TEMPORARY VIEW") for s in stmts)
    text = "\n".join(stmts).upper()
    for construct in ("::", "QUALIFY", "ILIKE", " EXCLUDE", "LIST(", "STRUCT_PACK", "DATE_DIFF", "EPOCH"):
        assert construct not in text, construct



# -- DuckDB reads the files itself (lfk.monitor.sql.scan) when it sees what lfk's reader sees ------------------
def _license() -> str:
    return (EVENTS / "license.csv").read_text(encoding="utf-8")


def _penalty() -> str:
    return (EVENTS / "penalty.csv").read_text(encoding="utf-8")


def _quote_all(text: str) -> str:
    return "\n".join(",".join(f'"{c}"' for c in line.split(",")) for line in text.splitlines()) + "\n"


def _columns(text: str, order: list[int]) -> str:
    return "\n".join(",".join(line.split(",")[i] for i in order) for line in text.splitlines()) + "\n"


def _line(text: str, n: int, new: str) -> str:
    lines = text.splitlines()
    lines[n] = new
    return "\n".join(lines) + "\n"


# name -> (files as (suffix, bytes), who reads them)
DIRECT: dict[str, tuple[list[tuple[str, bytes]], str]] = {
    "plain": ([(".csv", _license().encode())], "duckdb"),
    "crlf": ([(".csv", _license().replace("\n", "\r\n").encode())], "duckdb"),
    "bom": ([(".csv", b"\xef\xbb\xbf" + _license().encode())], "duckdb"),
    "no final newline": ([(".csv", _license().rstrip("\n").encode())], "duckdb"),
    "space and seconds": ([(".csv", _license().replace("T09:00", " 09:00:30").encode())], "duckdb"),
    "date only": ([(".csv", _license().replace(",2026-03-02T09:00,", ",2026-03-02,", 1).encode())], "duckdb"),
    "every cell quoted": ([(".csv", _quote_all(_license()).encode())], "duckdb"),
    "quoted amount with comma and 元": ([(".csv", _penalty().replace(',60000,', ',"60,000元",').encode())], "duckdb"),
    "extra column": ([(".csv", _penalty().encode())], "duckdb"),
    "violation column": ([(".csv", _penalty().replace("经办科室", "Violation").encode())], "duckdb"),
    "columns reordered": ([(".csv", _columns(_license(), [3, 0, 2, 1, 7, 6, 4, 5, 9, 8]).encode())], "duckdb"),
    "optional columns missing": ([(".csv", _columns(_license(), [0, 1, 2, 3, 6, 7]).encode())], "duckdb"),
    "rows in reverse (buffered)": ([(".csv", ("\n".join([_license().splitlines()[0], *_license().splitlines()[:0:-1]])
                                              + "\n").encode())], "duckdb"),
    "two files": ([(".csv", "\n".join(_license().splitlines()[:12]).encode()),
                   (".csv", "\n".join([_license().splitlines()[0], *_license().splitlines()[12:]]).encode())], "duckdb"),
    "header only": ([(".csv", _license().splitlines()[0].encode())], "duckdb"),
    "header only, and a log": ([(".csv", _license().splitlines()[0].encode()), (".csv", _penalty().encode())], "duckdb"),
    "blank line": ([(".csv", _line(_license(), 3, "").encode())], "lfk"),
    "blank line, crlf": ([(".csv", _line(_license(), 3, "").replace("\n", "\r\n").encode())], "lfk"),
    "blank before the header": ([(".csv", ("\n" + _license()).encode())], "lfk"),
    "blank before a quote": ([(".csv", _quote_all(_license()).replace(',"P-window"', ', "P-window"').encode())], "lfk"),
    "cell over two lines": ([(".csv", _quote_all(_license()).replace('"赵六"', '"赵\n六"', 1).encode())], "lfk"),
    "lone carriage return": ([(".csv", _license().replace("赵六", "赵\r六", 1).encode())], "lfk"),
    "NUL byte": ([(".csv", _license().replace("赵六", "赵\x00六", 1).encode())], "lfk"),
    "hour 24": ([(".csv", _license().replace("T11:00", "T24:00", 1).encode())], "lfk"),
    "minute 60": ([(".csv", _license().replace("T11:00", "T11:60", 1).encode())], "lfk"),
    "second 60": ([(".csv", _license().replace("T11:00", "T11:00:60", 1).encode())], "lfk"),
    "fractional seconds": ([(".csv", _license().replace("T11:00", "T11:00:00.5", 1).encode())], "lfk"),
    "a zone offset": ([(".csv", _license().replace("T11:00", "T11:00:00+08:00", 1).encode())], "lfk"),
    "one-digit month": ([(".csv", _license().replace("2026-03-02T09:00", "2026-3-02T09:00", 1).encode())], "lfk"),
    "T and seconds": ([(".csv", _license().replace("T11:00", "T11:00:59").encode())], "duckdb"),
    "slashes in a date": ([(".csv", _license().replace("2026-03-02T09:00", "2026/03/02 09:00", 1).encode())], "lfk"),
    "a Chinese date and time": ([(".csv", _license().replace("2026-03-02T09:00", "2026年3月2日 9时00分", 1).encode())],
                                "lfk"),
    "a Chinese date, seconds": ([(".csv", _license().replace("2026-03-02T09:00", "2026年03月02日09:00:59", 1).encode())],
                                "lfk"),
    "a dotted date": ([(".csv", _license().replace("2026-03-02T09:00", "2026.3.2 09:00", 1).encode())], "lfk"),
    "steps by their names": ([(".csv", _license().replace(",S1,", ",受理,").replace(",S2,", ",审查,").encode())],
                             "duckdb"),
    "the unit by its name": ([(".csv", _license().replace(",county-amr,", ",示例县市场监督管理局,").encode())], "lfk"),
    "the power by its name": ([(".csv", _license().replace(",XK-001,", ",食品经营许可,", 3).encode())], "lfk"),
    "posts by their names": ([(".csv", _license().replace(",P-window,", ",行政审批窗口,").encode())], "lfk"),
    "blank around an amount": ([(".csv", _penalty().replace(",60000,", ", 60000,", 1).encode())], "lfk"),
    "a row too long": ([(".csv", _line(_license(), 2, _license().splitlines()[2] + ",x").encode())], "lfk"),
    "a row too short": ([(".csv", _line(_license(), 2, "L-OK,county-amr,XK-001,S1").encode())], "lfk"),
    "unknown step": ([(".csv", _license().replace(",S2,", ",S9,", 1).encode())], "lfk"),
    "one case, two powers": ([(".csv", _license().replace("L-OK,county-amr,XK-001,S2", "L-OK,county-amr,CF-001,S2", 1)
                              .encode())], "lfk"),
    "duplicate column": ([(".csv", _license().replace("tier", "case_id", 1).encode())], "lfk"),
    "GB18030": ([(".csv", _license().encode("gb18030"))], "lfk"),
    "JSON Lines": ([(".jsonl", (EVENTS / "procure.jsonl").read_bytes())], "lfk"),
    "bad rows": ([(".csv", (EVENTS / "bad.csv").read_bytes())], "lfk"),
}


@pytest.mark.parametrize("name", list(DIRECT))
@pytest.mark.parametrize("closed", [False, True])
def test_duckdb_reads_plain_csv_itself_and_agrees(reg_root: Path, tmp_path: Path, name: str, closed: bool) -> None:
    from lfk.monitor.dispositions import apply_dispositions
    from lfk.monitor.sql.engine import SqlMonitor

    files, reader = DIRECT[name]
    paths = []
    for i, (suffix, data) in enumerate(files):
        p = tmp_path / f"events{i}{suffix}"
        p.write_bytes(data)
        paths.append(p)
    py = _original(Register(reg_root), paths, AS_OF, closed=closed)
    reg = Register(reg_root)
    mon = SqlMonitor(reg, [str(p) for p in paths], AS_OF, closed=closed, engine="duckdb")
    assert_same(py, apply_dispositions(mon.run(), reg), "duckdb")
    assert mon.read_by == reader
