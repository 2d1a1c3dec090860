"""``lfk fmt``: canonical layout, comments kept, idempotent, atomic, never a change of meaning."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

import lfk.core.fsutil
from lfk.loader import load_bytes
from lfk.loader.emit import format_text
from tests.conftest import BASE, DEMO, invoke, writable


def _data(root: Path) -> dict[str, object]:
    return {p.relative_to(root).as_posix(): load_bytes(p.read_bytes(), p.name).data for p in sorted(root.rglob("*.yaml"))}


def _bytes(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*.yaml"))}


@pytest.mark.parametrize("src", [BASE, DEMO], ids=["base", "demo"])
def test_fmt_keeps_meaning_and_is_idempotent(runner, tmp_path: Path, src: Path) -> None:  # type: ignore[no-untyped-def]
    if not (src / "lfk.yaml").is_file():
        pytest.skip("register not there")
    root = writable(Path(shutil.copytree(src, tmp_path / "r")))
    before = _data(root)
    r = invoke(runner, "fmt", "--root", str(root))
    assert r.exit_code == 0, r.stdout
    assert _data(root) == before  # the data every command reads is unchanged
    once = _bytes(root)
    r = invoke(runner, "fmt", "--root", str(root), "--check")
    assert r.exit_code == 0, r.stdout  # fmt twice changes nothing
    r = invoke(runner, "fmt", "--root", str(root))
    assert _bytes(root) == once
    comments = sum(t.count(b"#") for t in _bytes(Path(src)).values())
    assert sum(t.count(b"#") for t in once.values()) == comments  # every comment kept


MESSY = """\
# 风险点（顺序被打乱的示例）
risks:
- title: 调查取证中选择性取证   # 行尾注释
  id: R-001
  # 关于等级的说明
  grade: 高
  category: 权力行使
  kind: 自由裁量幅度过大
  authority: CF-001
  steps:
  - S2
  factors:
    importance: 4
    discretion: 4
    probability: 3
    harm: 4
  owner: P-deputy-law
  sources: ['自己查找']
  approval: AP-2026-03
  reviewed: 2026-03-15
"""


def test_canonical_layout_with_comments() -> None:
    out = format_text(MESSY, "units/u/risks.yaml")
    assert out == """\
# 风险点（顺序被打乱的示例）
risks:
  - id: R-001
    title: 调查取证中选择性取证 # 行尾注释
    category: 权力行使
    kind: 自由裁量幅度过大
    authority: CF-001
    steps: [S2]
    sources: ['自己查找']
    factors: {importance: 4, discretion: 4, probability: 3, harm: 4}
    # 关于等级的说明
    grade: 高
    owner: P-deputy-law
    approval: AP-2026-03
    reviewed: 2026-03-15
"""
    assert format_text(out, "units/u/risks.yaml") == out
    assert load_bytes(out.encode(), "x").data == load_bytes(MESSY.encode(), "x").data


def test_long_lists_go_block_and_commented_lists_stay() -> None:
    text = ("id: F-x\nname: 流程\nsteps:\n  - id: S1\n    name: 一\n    supervision: [" + ", ".join(f"很长的监督方式{i}" for i in range(12))
            + "]\n    next:\n      - S2  # 注释\n      - S3\n")
    out = format_text(text, "units/u/flows/F-x.yaml")
    assert "    supervision:\n      - 很长的监督方式0\n" in out
    assert "      - S2  # 注释\n" in out  # a list holding a comment keeps its block style
    assert format_text(out, "units/u/flows/F-x.yaml") == out


def test_check_lists_and_writes_nothing(runner, base_register: Path) -> None:  # type: ignore[no-untyped-def]
    root = writable(base_register)
    risks = root / "units/county-amr/risks.yaml"
    risks.write_text(MESSY.replace("CF-001", "CF-001"), encoding="utf-8")
    before = _bytes(root)
    r = invoke(runner, "fmt", "--root", str(root), "--check", "--diff")
    assert r.exit_code == 1
    assert "units/county-amr/risks.yaml" in r.stdout and "+  - id: R-001" in r.stdout
    assert _bytes(root) == before
    r = invoke(runner, "fmt", "--root", str(root), "county-amr")
    assert r.exit_code == 0 and risks.read_bytes() != before["units/county-amr/risks.yaml"]


def test_unparsable_file_is_left_alone(runner, base_register: Path) -> None:  # type: ignore[no-untyped-def]
    root = writable(base_register)
    bad = root / "units/county-amr/measures.yaml"
    bad.write_text("measures:\n  - id: M-1\n    kind: [unclosed\n", encoding="utf-8")
    dup = root / "units/county-amr/unit.yaml"
    dup.write_text(dup.read_text(encoding="utf-8") + "name: again\n", encoding="utf-8")
    before = _bytes(root)
    r = invoke(runner, "fmt", "--root", str(root))
    assert r.exit_code == 2
    assert "measures.yaml" in r.stdout and "unit.yaml" in r.stdout
    assert bad.read_bytes() == before["units/county-amr/measures.yaml"]
    assert dup.read_bytes() == before["units/county-amr/unit.yaml"]


def test_write_is_atomic(runner, base_register: Path, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    root = writable(base_register)
    risks = root / "units/county-amr/risks.yaml"
    risks.write_text(MESSY, encoding="utf-8")

    def boom(tmp: Path, target: Path) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(lfk.core.fsutil, "_before_replace", boom)
    r = invoke(runner, "fmt", "--root", str(root))
    assert r.exit_code == 2
    assert risks.read_text(encoding="utf-8") == MESSY
    assert not [p for p in risks.parent.iterdir() if p.name.endswith(".tmp")]


def test_fmt_bad_path(runner) -> None:  # type: ignore[no-untyped-def]
    assert invoke(runner, "fmt", "--root", str(BASE), "--check", "no-such-unit").exit_code == 2


def test_read_only_file_means_nothing_written(runner, base_register: Path) -> None:  # type: ignore[no-untyped-def]
    root = writable(base_register)
    (root / "units/county-amr/risks.yaml").write_text(MESSY, encoding="utf-8")
    measures = root / "units/county-amr/measures.yaml"
    measures.write_text(measures.read_text(encoding="utf-8").replace("    risks: [R-001]\n", "    risks:\n      - R-001\n", 1),
                        encoding="utf-8")
    measures.chmod(0o444)
    before = _bytes(root)
    r = invoke(runner, "fmt", "--root", str(root))
    assert r.exit_code == 2
    assert _bytes(root) == before
