"""The shared conformance corpus (../shared/conformance) run against the installed ``lfk``."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import SHARED

CHECK = SHARED / "conformance" / "check.py"


def _lfk() -> str:
    exe = Path(sys.executable).parent / "lfk"
    return str(exe) if exe.exists() else (shutil.which("lfk") or "lfk")


@pytest.mark.skipif(not CHECK.exists(), reason="../shared/conformance is absent (only in the project's workspace)")
def test_conformance_corpus(tmp_path: Path) -> None:
    env = {**os.environ, "LFK_CACHE_DIR": str(tmp_path / "cache")}
    p = subprocess.run([sys.executable, str(CHECK), "--lfk", _lfk()], capture_output=True, text=True, timeout=900, env=env)
    assert p.returncode == 0, p.stdout[-4000:] + p.stderr[-2000:]
    assert p.stdout.strip().splitlines()[-1].endswith("0 failed")
