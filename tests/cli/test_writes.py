"""Every writing command goes through the atomic write: an interrupted write leaves the user's file
intact (exit 2, one line, no traceback); read-only files and missing folders give exit 2 and a sentence."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from typer.testing import CliRunner

import lfk.core.fsutil as fsutil
from tests.conftest import AS_OF, invoke

RISKS = "units/county-amr/risks.yaml"


def drift(root: Path) -> None:
    p = root / RISKS
    p.write_text(p.read_text(encoding="utf-8").replace("    grade: 中\n", "    grade: 低\n", 1), encoding="utf-8")


def unformat(root: Path) -> None:
    p = root / RISKS
    p.write_text(p.read_text(encoding="utf-8").replace("steps: [S2]", "steps:\n      - S2", 1), encoding="utf-8")


def exported(root: Path, tmp: Path) -> list[str]:
    """Export the unit, empty its measures, and return the import command that brings them back."""
    out = tmp / "export.json"
    fsutil.atomic_write(out, "")
    r = invoke(CliRunner(), "export", "--root", str(root), "--format", "json", "--out", str(out))
    assert r.exit_code == 0, r.output
    (root / "units/county-amr/measures.yaml").write_text("measures: []\n", encoding="utf-8")
    return ["import", str(out), "--unit", "county-amr", "--root", str(root)]


WRITERS = {
    "grade --write": (drift, lambda root, tmp: ["grade", "--write", "--root", str(root)], RISKS),
    "approve": (None, lambda root, tmp: ["approve", "AP-2026-03", "--unit", "county-amr", "--root", str(root), "--as-of", AS_OF], RISKS),
    "fmt": (unformat, lambda root, tmp: ["fmt", "--root", str(root)], RISKS),
    "lint --fix": (unformat, lambda root, tmp: ["lint", "--fix", "--root", str(root), "--as-of", AS_OF], RISKS),
    "import": (None, exported, "units/county-amr/measures.yaml"),
}


@pytest.mark.parametrize("name", list(WRITERS))
def test_interrupted_write_keeps_the_original(runner, base_register: Path, tmp_path: Path,  # type: ignore[no-untyped-def]
                                              monkeypatch: pytest.MonkeyPatch, name: str) -> None:
    prepare, command, target = WRITERS[name]
    if prepare:
        prepare(base_register)
    args = command(base_register, tmp_path)
    before = (base_register / target).read_bytes()
    seen: list[Path] = []

    def crash(tmp: Path, dest: Path) -> None:
        seen.append(dest)
        assert tmp.exists() and tmp.parent == dest.parent
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(fsutil, "_before_replace", crash)
    r = invoke(runner, *args)
    assert seen, f"{name} did not write through fsutil.atomic_write"
    assert r.exit_code == 2, r.output
    assert "Traceback" not in r.output and r.stderr.strip()
    assert (base_register / target).read_bytes() == before
    assert not [p for p in (base_register / target).parent.iterdir() if p.name.endswith(".tmp")]


def test_read_only_file_is_exit_2_with_a_sentence(runner, base_register: Path) -> None:  # type: ignore[no-untyped-def]
    drift(base_register)
    p = base_register / RISKS
    before = p.read_bytes()
    os.chmod(p, 0o444)
    try:
        r = invoke(runner, "grade", "--write", "--root", str(base_register))
    finally:
        os.chmod(p, 0o644)
    assert r.exit_code == 2 and "read-only" in r.stderr and "Traceback" not in r.output
    assert p.read_bytes() == before


def test_missing_output_folder_is_exit_2(runner, base_register: Path, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    r = invoke(runner, "export", "--root", str(base_register), "--format", "json", "--out", str(tmp_path / "no" / "such" / "x.json"))
    assert r.exit_code == 2 and "Traceback" not in r.output and r.stderr.strip()


def test_debug_shows_a_traceback_only_when_asked(runner, base_register: Path, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    import lfk.lint.engine as engine

    def boom(*a, **k):  # type: ignore[no-untyped-def]
        raise RuntimeError("simulated bug")

    monkeypatch.setattr(engine, "lint_register", boom)
    monkeypatch.setattr("lfk.api.lint_register", boom)
    r = invoke(runner, "lint", "--root", str(base_register))
    assert r.exit_code == 2 and "internal error" in r.stderr and "Traceback" not in r.output
    assert len(r.stderr.strip().splitlines()) == 1
    monkeypatch.setenv("LFK_DEBUG", "1")
    r = invoke(runner, "lint", "--root", str(base_register))
    assert r.exit_code == 2 and "Traceback" in r.stderr
