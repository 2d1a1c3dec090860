"""The loader: positions, duplicates, encodings, tags, alias bombs, size, suppressions, nesting."""

from __future__ import annotations

import datetime as dt
import time
import tracemalloc

from lfk.loader import load_bytes


def codes(lf):  # type: ignore[no-untyped-def]
    return [(f.code, f.line) for f in lf.findings]


def test_positions_of_keys_and_values() -> None:
    lf = load_bytes("risks:\n  - id: R-1\n    grade: 高\n    steps: [S1, S2]\n".encode(), "risks.yaml")
    assert lf.data == {"risks": [{"id": "R-1", "grade": "高", "steps": ["S1", "S2"]}]}
    assert lf.loc(("risks", 0)) == (2, 5)
    assert lf.loc(("risks", 0, "grade")) == (3, 5)
    assert lf.loc(("risks", 0, "grade"), key=False) == (3, 12)
    assert lf.loc(("risks", 0, "steps", 1)) == (4, 17)
    assert lf.loc(("risks", 0, "missing")) == (2, 5)  # falls back to the nearest parent


def test_scalars_are_typed_and_keys_are_text() -> None:
    lf = load_bytes(b"a: 1\nb: 0.3\nc: true\nd: 2026-03-15\ne: null\n1: x\nyes: y\n", "x.yaml")
    assert lf.data == {"a": 1, "b": 0.3, "c": True, "d": dt.date(2026, 3, 15), "e": None, "1": "x", "yes": "y"}


def test_duplicate_key_reported_at_the_duplicate() -> None:
    lf = load_bytes(b"a: 1\nb: 2\na: 3\n", "x.yaml")
    assert codes(lf) == [("LFK002", 3)]
    assert lf.data["a"] == 1


def test_gbk_gets_a_hint() -> None:
    lf = load_bytes("kind: 程序规范\n".encode("gbk"), "m.yaml")
    assert codes(lf) == [("LFK003", 1)]
    assert "GBK" in lf.findings[0].text("en")


def test_control_character() -> None:
    lf = load_bytes(b"a: x\nb: y\x07z\n", "x.yaml")
    assert codes(lf) == [("LFK003", 2)]


def test_bom_and_crlf_accepted() -> None:
    lf = load_bytes(b"\xef\xbb\xbfa: 1\r\nb: 2\r\n", "x.yaml")
    assert lf.findings == [] and lf.data == {"a": 1, "b": 2}
    assert lf.loc(("b",)) == (2, 1)


def test_python_tag_never_constructed() -> None:
    lf = load_bytes(b'a: ok\nb: !!python/object/apply:os.system ["touch /tmp/lfk-pwned"]\n', "x.yaml")
    assert codes(lf) == [("LFK004", 2)]
    assert lf.data is None


def test_unknown_tag_refused() -> None:
    lf = load_bytes(b"a: !custom 1\n", "x.yaml")
    assert codes(lf) == [("LFK004", 1)]


def test_billion_laughs_refused_fast_and_small() -> None:
    lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for prev, name in zip("abcdefgh", "bcdefghi", strict=True):
        lines.append(f"{name}: &{name} [" + ",".join([f"*{prev}"] * 9) + "]")
    tracemalloc.start()
    t = time.perf_counter()
    lf = load_bytes("\n".join(lines).encode(), "bomb.yaml")
    took = time.perf_counter() - t
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert [c for c, _ in codes(lf)] == ["LFK004"]
    assert took < 0.5
    assert peak < 20 * 1024 * 1024


def test_oversize_file() -> None:
    lf = load_bytes(b"a: " + b"x" * 2000 + b"\n", "big.yaml", max_bytes=1000)
    assert codes(lf) == [("LFK006", 1)]


def test_syntax_error_position() -> None:
    lf = load_bytes(b"a: 1\nb: [x\nc: 2\n", "x.yaml")
    assert [c for c, _ in codes(lf)] == ["LFK001"]


def test_deep_nesting_never_crashes() -> None:
    for n in (150, 500, 5000, 100000):
        lf = load_bytes(("[" * n + "]" * n).encode(), "deep.yaml")
        assert lf.data is not None or lf.findings
    lf = load_bytes(("[" * 300 + "]" * 300).encode(), "deep.yaml")
    assert [c for c, _ in codes(lf)] == ["LFK004"]


def test_suppression_comments() -> None:
    text = "a: 1  # lfk: ignore[LFK307] 小单位仅一名执法人员\n# lfk: ignore[LFK402,LFK403] 待复核\nb: 2\nc: 3 # lfk: ignore[LFK101]\n"
    lf = load_bytes(text.encode(), "x.yaml")
    assert lf.suppressions[1][0].codes == ("LFK307",)
    assert lf.suppressions[1][0].reason == "小单位仅一名执法人员"
    assert lf.suppressions[3][0].codes == ("LFK402", "LFK403")
    assert lf.suppressions[4][0].reason == ""


def test_merge_keys() -> None:
    lf = load_bytes(b"base: &b {x: 1, y: 2}\nitem:\n  <<: *b\n  y: 3\n", "x.yaml")
    assert lf.data["item"] == {"x": 1, "y": 3}


def test_empty_and_scalar_documents() -> None:
    assert load_bytes(b"", "e.yaml").data is None
    assert load_bytes(b"just text\n", "s.yaml").data == "just text"
    assert [c for c, _ in codes(load_bytes(b"a: 1\n---\nb: 2\n", "m.yaml"))] == ["LFK001"]
