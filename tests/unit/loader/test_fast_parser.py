"""The fast read path (yaml-rs) gives exactly what the PyYAML path gives: data with its types, dates,
findings, positions (computed lazily), on every YAML file of the repository and on the fuzz corpus."""

from __future__ import annotations

import datetime as dt
import os
import random
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from lfk.loader import fast, load_bytes
from lfk.loader.read import LoadedFile, from_cache, to_cache
from lfk.testing.fuzz import mutate, read_tree

ROOT = Path(__file__).resolve().parents[3]
YAML_FILES = sorted(p for d in ("registers", "tests/fixtures", "tests/rules/cases")
                    for p in (ROOT / d).rglob("*") if p.suffix in (".yaml", ".yml") and p.is_file())
# plain scalars YAML 1.1 (PyYAML) and YAML 1.2 (yaml-rs) type differently, or alike
SCALARS = ["yes", "No", "ON", "off", "y", "n", "true", "False", "null", "Null", "~", "", "=", "017", "0o17", "0b101",
           "0x1F", "0X1F", "-0x1f", "1_000", "_1", "+_3", "1e3", "1.0e3", "1.0e+3", "5E-3", "+.2", "-.5", ".5", "1.",
           "-0", "-0.0", "+1", "12", "3.25", "-7", "1:30", "10:00:00", "190:20:30", ".inf", "-.inf", ".NaN", "inf",
           "nan", "Infinity", "2026-03-15", "2026-3-15", "2026-02-30", "2026-03-15 10:00", "2026-03-15T10:00:00Z",
           "2026-03-15 10:00:00 +8", "20260315", "9" * 40, "1e999", "6c01a06f9e0b", "12e45", "3个工作日", "3 个",
           "R-001", "第1-5项", "1, 2", "5 # c", "0", "00", "08", "09:30", "TRUE", "tRUE", "NULL", "nULL", "Yes", "yES",
           "高", "a b", "x:y", ":", "-", "- x", "3.5 天", "0.3", "100", "-1", "7个"]


def same(a: Any, b: Any) -> bool:
    """Equal with the same types all the way down (1 is not True, 1.0 is not 1, a date not a datetime)."""
    if type(a) is not type(b):
        return False
    if isinstance(a, dict):
        return list(a) == list(b) and all(same(a[k], b[k]) for k in a)
    if isinstance(a, list):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, float) and a != a:
        return b != b
    return bool(a == b)


def both(raw: bytes, monkeypatch: pytest.MonkeyPatch, rel: str = "x.yaml") -> tuple[LoadedFile, LoadedFile]:
    """(fast, PyYAML) readings of ``raw``."""
    with monkeypatch.context() as m:
        m.setattr(fast, "ENABLED", fast.yaml_rs is not None)
        quick = load_bytes(raw, rel)
    with monkeypatch.context() as m:
        m.setattr(fast, "ENABLED", False)
        slow = load_bytes(raw, rel)
    return quick, slow


def assert_same(quick: LoadedFile, slow: LoadedFile) -> None:
    """Everything a reader of LoadedFile can see is the same."""
    assert same(quick.data, slow.data), (quick.data, slow.data)
    assert quick.dates == slow.dates
    assert [(f.code, f.line, f.column, f.message) for f in quick.findings] == \
           [(f.code, f.line, f.column, f.message) for f in slow.findings]
    assert quick.ok == slow.ok and quick.size == slow.size
    assert {k: [(s.line, s.codes) for s in v] for k, v in quick.suppressions.items()} == \
           {k: [(s.line, s.codes) for s in v] for k, v in slow.suppressions.items()}
    assert dict(quick.pos.items()) == slow.pos and dict(quick.keypos.items()) == slow.keypos


def test_the_fast_parser_is_installed_by_make_install() -> None:
    assert fast.yaml_rs is not None
    assert "fast" in (ROOT / "Makefile").read_text(encoding="utf-8").split("pip install", 1)[1].split("\n", 1)[0]


@pytest.mark.parametrize("path", YAML_FILES, ids=lambda p: p.relative_to(ROOT).as_posix())
def test_every_yaml_file_of_the_repository(path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert_same(*both(path.read_bytes(), monkeypatch, path.name))


@pytest.mark.parametrize("seed", range(60))
def test_the_fuzz_corpus(seed: int, monkeypatch: pytest.MonkeyPatch) -> None:
    base = read_tree(ROOT / "registers")
    files = mutate(base, random.Random(seed), edits=3)
    for rel, raw in files.items():
        if rel.endswith(".yaml") and raw != base.get(rel):
            assert_same(*both(raw, monkeypatch, rel))


@pytest.mark.parametrize("scalar", SCALARS)
@pytest.mark.parametrize("shape", ["a: {s}\n", "a: [x, {s}, y]\n", "- {s}\n", "{s}: v\n", "a: {{k: {s}}}\n",
                                   "a: '{s}'\n", 'a: "{s}"\n', "a: {{{s}: 1}}\n", "'{s}': v\n", "[{s}]\n", "a: [{s}]\n", "a: |\n  {s}\n", "a: x\n  {s}\n", "{s}\n",
                                   "a:\n  - b: {s}\n    c: 1\n"])
def test_scalars_typed_as_pyyaml_types_them(scalar: str, shape: str, monkeypatch: pytest.MonkeyPatch) -> None:
    assert_same(*both(shape.format(s=scalar).encode(), monkeypatch))


def test_the_fast_path_is_taken_for_ordinary_files_and_positions_come_when_asked(monkeypatch: pytest.MonkeyPatch) -> None:
    raw = "risks:\n  - id: R-1\n    grade: 高\n    due: 2026-03-15\n    steps: [S1, S2]\n".encode()
    quick, slow = both(raw, monkeypatch)
    assert isinstance(quick.pos, fast.Positions) and quick.pos.pending  # nothing computed yet
    assert quick.data == {"risks": [{"id": "R-1", "grade": "高", "due": dt.date(2026, 3, 15), "steps": ["S1", "S2"]}]}
    assert isinstance(quick.dates, fast.Dates) and quick.dates.pending  # found only when used
    assert quick.dates == [("risks", 0, "due")] and not quick.dates != slow.dates
    assert quick.loc(("risks", 0, "steps", 1)) == slow.loc(("risks", 0, "steps", 1)) == (5, 17)
    assert not quick.pos.pending and not quick.keypos.pending  # filled together, once


@pytest.mark.parametrize("raw", [b"a: &x 1\nb: *x\n", b"a: !!python/object x\n", b"a: 1\na: 2\n", b"<<: {a: 1}\nb: 2\n",
                                 b"a: 1 # lfk: ignore[LFK101] why\n", b"a:\tb\n", b"---\na: 1\n---\nb: 2\n",
                                 b'a: "\\x1b"\n', b"a: [\n", b"? [a]\n: b\n", b"a: 017\n", b"a: yes\n",
                                 (" " * 120 + "a: 1\n").encode()])
def test_what_the_fast_path_leaves_to_pyyaml(raw: bytes, monkeypatch: pytest.MonkeyPatch) -> None:
    quick, slow = both(raw, monkeypatch)
    assert not isinstance(quick.pos, fast.Positions)
    assert_same(quick, slow)


@pytest.mark.parametrize("touch", [False, True])
def test_a_lazy_file_survives_the_cache(touch: bool, monkeypatch: pytest.MonkeyPatch) -> None:
    raw = b"a:\n  b: [1, 2]\n  c: 2026-01-02\n"
    quick, slow = both(raw, monkeypatch)
    if touch:
        quick.loc(("a",))
    back = from_cache(to_cache(quick) or b"", "x.yaml")
    assert back is not None
    assert same(back.data, slow.data) and back.dates == slow.dates
    assert back.loc(("a", "b", 1)) == slow.loc(("a", "b", 1)) == (2, 10)


def test_deep_nesting_is_refused_without_a_crash(monkeypatch: pytest.MonkeyPatch) -> None:
    raw = "".join(" " * i + "a:\n" for i in range(3000)).encode()
    quick, slow = both(raw, monkeypatch)
    assert not isinstance(quick.pos, fast.Positions)
    assert_same(quick, slow)
    assert quick.findings and quick.data is None


def test_lfk_parser_pyyaml_turns_the_fast_path_off() -> None:
    code = "from lfk.loader import fast; print(fast.ENABLED)"
    env = {**os.environ, "LFK_PARSER": "pyyaml"}
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True)
    assert out.stdout.strip() == "False"


_PIECES = ["高风险", "a", "b c", "'q'", '"d"', "'it''s'", '"a: b"', "'a, b'", "1", "-3", "2.5", "2026-03-15", "true", "null",
           "~", "", "R-001", "第1-5项", "3个工作日", "k:v", "a#b", "a #c", "🙂", "「引号」", "x  ", "[a, b]", "[]", "{}",
           "{a: 1}", "[a, [b, c]]", "{a: 1, b: x}", "'multi\n  line'", '"dq\n  line"', "plain\n  cont", "e9f0c1a2", "-0.5",
           "yes", "017", "1e3", "[1, 2, 3]", "{k: 1, 2}"]
_KEYS = ["a", "b", "名称", "key with space", "'q k'", '"dq"', "x-y", "id", "steps", "a.b", "1", "true"]


def _random_block(rng: random.Random, depth: int, ind: int) -> list[str]:
    """Lines of a random block mapping: scalars, nested mappings, sequences of scalars and of mappings."""
    out = []
    for _ in range(rng.randint(1, 4)):
        roll, key = rng.random(), rng.choice(_KEYS)
        if roll < 0.5 or depth > 3:
            out.append(" " * ind + f"{key}: " + rng.choice(_PIECES).replace("\n", "\n" + " " * ind) + rng.choice(["", " # c"]))
            continue
        out.append(" " * ind + f"{key}:")
        if roll < 0.75:
            out += _random_block(rng, depth + 1, ind + rng.choice([2, 4]))
            continue
        for _ in range(rng.randint(1, 3)):
            if rng.random() < 0.5:
                out.append(" " * (ind + 2) + "- " + rng.choice(_PIECES).replace("\n", "\n" + " " * (ind + 4)))
            else:
                sub = _random_block(rng, depth + 1, ind + 4)
                out += [" " * (ind + 2) + "- " + sub[0].lstrip(), *sub[1:]]
    return out


@pytest.mark.parametrize("seed", range(8))
def test_random_documents(seed: int, monkeypatch: pytest.MonkeyPatch) -> None:
    rng = random.Random(seed)
    taken = 0
    for _ in range(80):
        lines = _random_block(rng, 0, 0)
        if rng.random() < 0.2:
            rng.shuffle(lines)  # broken indentation: both paths must report the same
        quick, slow = both(("\n".join(lines) + rng.choice(["\n", "", "\n\n"])).encode(), monkeypatch)
        taken += isinstance(quick.pos, fast.Positions)
        assert_same(quick, slow)
    assert taken > 0  # the fast path was exercised


def test_the_line_cache_changes_no_answer(monkeypatch: pytest.MonkeyPatch) -> None:
    texts = [p.read_bytes().decode("utf-8", "replace") for p in YAML_FILES]
    rng = random.Random(5)
    texts += [_random_block(rng, 0, 0)[0] for _ in range(200)] + ["\n".join(_random_block(rng, 0, 0)) for _ in range(200)]
    monkeypatch.setattr(fast, "_SAFE_LINES", set())
    cold = [fast._unsafe_lines(t) for t in texts]
    warm = [fast._unsafe_lines(t) for t in texts]
    whole = [fast._UNSAFE.search("\n" + t) is not None for t in texts]  # the scan of the whole text, no cache
    assert cold == warm == whole
    assert any(whole) and not all(whole)


def test_the_quick_character_tests_are_the_patterns() -> None:
    """``might_differ`` tests its risky characters one ``in`` each and looks for a quoted digit only where a
    quote is: on random text (all its risky characters, quotes, digits), the answer the patterns give."""
    risky = re.compile(r"[&*!\\\t\r\x85\u2028\u2029\ufeff\ufffe\uffff@`|><]")
    alpha = [*fast._RISKY_CHARS, '"', "'", " ", "1", "a", "中", ": ", "\n", "- "]
    rng = random.Random(20261202)
    for _ in range(20000):
        text = "".join(rng.choice(alpha) for _ in range(rng.randint(0, 12)))
        assert any(c in text for c in fast._RISKY_CHARS) == (risky.search(text) is not None), repr(text)
        quoted = ('"' in text or "'" in text) and fast._QUOTED_DIGIT.search(text) is not None
        assert quoted == (fast._QUOTED_DIGIT.search(text) is not None), repr(text)
