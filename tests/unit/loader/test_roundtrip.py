"""lfk.loader.roundtrip: in-place edits that change nothing but the values asked for."""

from __future__ import annotations

import difflib
import os
from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from lfk.core.errors import WriteError
from lfk.loader.roundtrip import emit_scalar, set_values, set_values_text
from tests.conftest import BASE

RISKS = "units/county-amr/risks.yaml"


def changed_lines(before: str, after: str) -> list[str]:
    """The lines removed and added (a unified diff without context)."""
    return [ln for ln in difflib.unified_diff(before.splitlines(), after.splitlines(), lineterm="", n=0)
            if ln[:1] in "+-" and not ln.startswith(("+++", "---"))]


def test_replace_in_block_mapping_changes_only_that_line(tmp_path: Path) -> None:
    f = tmp_path / "risks.yaml"
    f.write_bytes((BASE / RISKS).read_bytes())
    before = f.read_text(encoding="utf-8")
    assert set_values(f, [(("risks", 2, "grade"), "低"), (("risks", 4, "grade"), "中")])
    after = f.read_text(encoding="utf-8")
    assert changed_lines(before, after) == ["-    grade: 中", "+    grade: 低", "-    grade: 低", "+    grade: 中"]
    assert len(before.splitlines()) == len(after.splitlines())
    data = yaml.safe_load(after)
    assert data["risks"][2]["grade"] == "低" and data["risks"][4]["grade"] == "中"


def test_nothing_changes_file_untouched(tmp_path: Path) -> None:
    f = tmp_path / "risks.yaml"
    f.write_bytes((BASE / RISKS).read_bytes())
    os.utime(f, (1_000_000, 1_000_000))
    before = f.read_bytes()
    assert set_values(f, [(("risks", 0, "grade"), "高"), (("risks", 2, "grade"), "中")]) is False
    assert f.stat().st_mtime == 1_000_000
    assert f.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["risks.yaml"]  # no temporary file left


def test_crlf_bom_comments_quotes_and_flow_kept() -> None:
    text = ("\ufeff# 风险点 — comment kept\r\n"
            "risks:\r\n"
            "  - id: R-1   # first\r\n"
            "    title: \"调查取证\"\r\n"
            "    grade: '低'   # quoted: style kept\r\n"
            "    factors: {importance: 4, discretion: 3}\r\n"
            "\r\n"
            "  - {id: R-2, title: 'x, y', grade: 低}\r\n"
            "  - id: R-3\r\n"
            "    grade: \"低\"\r\n")
    out = set_values_text(text, [(("risks", 0, "grade"), "高"), (("risks", 1, "grade"), "中"),
                                 (("risks", 2, "grade"), "高")])
    assert out is not None
    assert out.startswith("\ufeff") and "\n" not in out.replace("\r\n", "")
    assert out == text.replace("grade: '低'", "grade: '高'").replace("grade: 低}", "grade: 中}").replace(
        'grade: "低"', 'grade: "高"')


def test_insert_missing_keys_block_and_flow() -> None:
    text = ("risks:\n"
            "  - id: R-1\n"
            "    factors:\n"
            "      importance: 4\n"
            "    # a comment between items stays where it is\n"
            "  - {id: R-2, grade: 低}\n"
            "  - id: R-3\n"
            "    description: |\n"
            "      line one\n"
            "\n"
            "      line two\n"
            "other: 1\n")
    out = set_values_text(text, [
        (("risks", 0, "approval"), "AP-2026-03"), (("risks", 0, "approved_digest"), "0123456789ab"),
        (("risks", 1, "approval"), "AP-2026-03"), (("risks", 2, "grade"), "中"),
    ])
    assert out == ("risks:\n"
                   "  - id: R-1\n"
                   "    factors:\n"
                   "      importance: 4\n"
                   "    approval: AP-2026-03\n"
                   "    approved_digest: 0123456789ab\n"
                   "    # a comment between items stays where it is\n"
                   "  - {id: R-2, grade: 低, approval: AP-2026-03}\n"
                   "  - id: R-3\n"
                   "    description: |\n"
                   "      line one\n"
                   "\n"
                   "      line two\n"
                   "    grade: 中\n"
                   "other: 1\n")


def test_insert_at_end_of_file_without_newline() -> None:
    out = set_values_text("risks:\n  - id: R-1\n    grade: 低", [(("risks", 0, "owner"), "P-1")])
    assert out == "risks:\n  - id: R-1\n    grade: 低\n    owner: P-1"


def test_fill_empty_and_null_values() -> None:
    text = "a:\nb: ~   # none yet\nc: {x: 1, y: }\n"
    out = set_values_text(text, [(("a",), "高"), (("b",), "中"), (("c", "y"), "低")])
    assert out is not None
    assert yaml.safe_load(out) == {"a": "高", "b": "中", "c": {"x": 1, "y": "低"}}
    assert "# none yet" in out


@pytest.mark.parametrize(("value", "token"), [
    ("高", "高"), ("yes", "'yes'"), ("0123456789", "'0123456789'"), ("12e45", "'12e45'"), ("a: b", "'a: b'"),
    ("- x", "'- x'"), ("", "''"), ("it's", "it's"), ("null", "'null'"), ("2026-03-15", "'2026-03-15'"),
    ("a\nb", '"a\\nb"'), ("\x85", '"\\x85"'), ("\x7f", '"\\x7f"'), ("a\u2028b", '"a\\u2028b"'), (3, "3"), (True, "true"),
])
def test_emit_scalar_quotes_only_when_needed(value: object, token: str) -> None:
    assert emit_scalar(value) == token
    assert yaml.safe_load(f"k: {token}") == {"k": value}


def test_digest_strings_read_back_as_strings() -> None:
    out = set_values_text("r:\n  id: R-1\n", [(("r", "approved_digest"), "123456789012"),
                                               (("r", "approval"), "1e3")])
    assert out is not None
    assert yaml.safe_load(out) == {"r": {"id": "R-1", "approved_digest": "123456789012", "approval": "1e3"}}


def test_flow_context_quotes_commas() -> None:
    out = set_values_text("- {id: R-1, grade: 低}\n", [((0, "title"), "甲, 乙")])
    assert out == "- {id: R-1, grade: 低, title: '甲, 乙'}\n"


def test_refuses_multiline_values_and_leaves_file(tmp_path: Path) -> None:
    f = tmp_path / "x.yaml"
    f.write_text("a: |\n  one\n  two\nb: 1\n", encoding="utf-8")
    before = f.read_bytes()
    with pytest.raises(WriteError):
        set_values(f, [(("a",), "x")])
    with pytest.raises(WriteError):
        set_values(f, [(("missing", "deeper"), "x")])
    assert f.read_bytes() == before


def test_invalid_yaml_is_a_write_error(tmp_path: Path) -> None:
    f = tmp_path / "x.yaml"
    f.write_text("a: [1, 2\n", encoding="utf-8")
    with pytest.raises(WriteError):
        set_values(f, [(("a",), "x")])
    assert f.read_text(encoding="utf-8") == "a: [1, 2\n"


def test_sequence_item_and_root_key() -> None:
    out = set_values_text("steps: [S1, S2]\nname: x  # n\n", [(("steps", 1), "S3"), (("name",), "y")])
    assert out == "steps: [S1, S3]\nname: y  # n\n"


def test_block_sequence_at_key_indent_is_part_of_the_last_key() -> None:
    out = set_values_text("a: 1\nlist:\n- x\n- y\n", [(("b",), 2)])
    assert out == "a: 1\nlist:\n- x\n- y\nb: 2\n"


@settings(max_examples=150, deadline=None)
@given(st.integers(min_value=0, max_value=5),
       st.sampled_from(["title", "grade", "owner", "approved_digest", "new_key"]),
       st.one_of(st.text(max_size=12), st.integers(), st.booleans(), st.none()))
def test_any_scalar_reads_back_exactly(i: int, key: str, value: object) -> None:
    text = (BASE / RISKS).read_text(encoding="utf-8")
    try:
        out = set_values_text(text, [(("risks", i, key), value)])
    except WriteError:
        return  # refused: acceptable, the file would stay untouched
    expected = yaml.safe_load(text)
    expected["risks"][i][key] = value
    if out is None:
        assert yaml.safe_load(text) == expected
        return
    assert yaml.safe_load(out) == expected
    before, after = text.splitlines(), out.splitlines()
    assert len(after) - len(before) in (0, 1)
    assert sum(1 for a, b in zip(before, after, strict=False) if a != b) <= 1 or len(after) > len(before)
