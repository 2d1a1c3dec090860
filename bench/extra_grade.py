"""Bench: ``lfk grade`` over the 1,000-unit register (every risk graded by the rubric)."""

from __future__ import annotations

from pathlib import Path


def measure(registers: dict[str, Path], child, row) -> list[dict]:  # type: ignore[no-untyped-def]
    """Rows for the bench table."""
    root = registers["gen1000"]
    body = f"""
        from pathlib import Path
        from lfk.grading.report import grade_register
        from lfk.register import Register
        report = grade_register(Register(Path({str(root)!r})))
        extra = {{"exit_code": report.exit_code}}
    """
    return [row("gen1000: grade (all risks)", child(body))]
