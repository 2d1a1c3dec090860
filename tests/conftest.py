"""Shared fixtures: a copy of the base register, a CLI runner, the demo register's path."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings
from typer.testing import CliRunner

# Property tests judge what the code does, never how fast a loaded CI machine generates inputs or runs an
# example: no deadline and no too-slow health check (speed is `make bench`'s, tests/meta/test_no_timed_tests.py).
settings.register_profile("lfk", deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile("lfk")

HERE = Path(__file__).parent
REPO = HERE.parent
BASE = HERE / "fixtures" / "base"
DEMO = REPO / "registers"
SHARED = REPO.parent / "shared"
AS_OF = "2026-12-01"


@pytest.fixture
def base_register(tmp_path: Path) -> Path:
    """A fresh, writable copy of the small clean register (a market-regulation bureau)."""
    dst = tmp_path / "register"
    shutil.copytree(BASE, dst)
    writable(dst)
    return dst


def writable(root: Path) -> Path:
    """Give the owner write permission on a copied tree (sources may be read-only, as shared/ is); ``root``."""
    for p in [root, *root.rglob("*")]:
        p.chmod(p.stat().st_mode | 0o200)
    return root


@pytest.fixture
def demo_register(tmp_path: Path) -> Path:
    """A fresh, writable copy of the demo register in registers/."""
    dst = tmp_path / "demo"
    shutil.copytree(DEMO, dst)
    writable(dst)
    return dst


@pytest.fixture
def runner() -> CliRunner:
    """Typer's CLI runner (stdout and stderr kept apart)."""
    return CliRunner()


def invoke(runner: CliRunner, *args: str):  # type: ignore[no-untyped-def]
    """Run ``lfk ARGS`` through the typer app."""
    from lfk.cli.main import app

    return runner.invoke(app, list(args), catch_exceptions=False)


@pytest.fixture(autouse=True)
def _private_cache(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    """Every test gets its own lint cache folder, so nothing is written next to fixtures."""
    monkeypatch.setenv("LFK_CACHE_DIR", str(tmp_path_factory.mktemp("lfk-cache")))


def apply_case_edits(root: Path, case: dict, name: str = "") -> None:
    """Apply a case file's ``edits`` (plain text replacement, once), ``add`` (new files) and ``delete`` to ``root``
    (the shape of tests/rules/cases and tests/unit/score/cases)."""
    for edit in case.get("edits", []):
        p = root / edit["file"]
        text = p.read_text(encoding="utf-8")
        assert edit["old"] in text, f"{name}: edit target not found in {edit['file']}: {edit['old']!r}"
        p.write_text(text.replace(edit["old"], edit["new"], 1), encoding="utf-8")
    for rel, content in (case.get("add") or {}).items():
        p = root / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, str):
            p.write_text(content, encoding="utf-8")
    for rel in case.get("delete", []):
        target = root / rel
        if target.is_dir():
            shutil.rmtree(target)
        else:
            target.unlink()
