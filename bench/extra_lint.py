"""Bench: warm lint (cache), lint with --jobs, and lint after changing one unit (--changed-since)."""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

ENV_GIT = {"GIT_AUTHOR_NAME": "bench", "GIT_AUTHOR_EMAIL": "bench@example.invalid",
           "GIT_COMMITTER_NAME": "bench", "GIT_COMMITTER_EMAIL": "bench@example.invalid"}


def _lint(root: Path, opts: str, cache: Path | None, changed: str | None = None) -> str:
    cache_arg = f"cache_dir=Path({str(cache)!r})" if cache else "cache_dir=None"
    units = ""
    if changed:
        units = (f"from lfk.lint.changed import affected_units, changed_files\n"
                 f"reg = Register(Path({str(root)!r}), cache=Cache(Path({str(cache)!r})) if {cache is not None} else None)\n"
                 f"units = affected_units(reg, changed_files(reg.root, {changed!r}))\n")
    return f"""
        import datetime
        from pathlib import Path
        from lfk.core.cache import Cache
        from lfk.register import Register
        from lfk.lint import LintOptions, lint_register
        from lfk.lint.engine import run
        {units.replace(chr(10), chr(10) + '        ')}
        opts = LintOptions(as_of=datetime.date(2026, 12, 1){opts}{', units=units' if changed else ''})
        if {bool(changed)}:
            r = lint_register(reg, opts)
        else:
            r = run({str(root)!r}, opts, {cache_arg})
        extra = {{**r.summary(), "cached_units": r.cached_units}}
    """


def measure(registers: dict[str, Path], child, row) -> list[dict]:  # type: ignore[no-untyped-def]
    """Rows for the bench table."""
    root = registers["gen1000"]
    out = []
    with tempfile.TemporaryDirectory() as tmp:
        cache = Path(tmp) / "cache"
        out.append(row("gen1000: cold lint, jobs=2", child(_lint(root, ", jobs=2", None))))
        out.append(row("gen1000: cold lint filling the cache", child(_lint(root, "", cache))))
        out.append(row("gen1000: warm lint (cache)", child(_lint(root, "", cache))))
        repo = Path(tmp) / "repo"
        shutil.copytree(root, repo)
        env = {**ENV_GIT}
        git = ["git", "-C", str(repo), "-c", "user.name=bench", "-c", "user.email=bench@example.invalid"]
        subprocess.run([*git, "init", "-q"], check=True)
        subprocess.run([*git, "add", "-A"], check=True)
        subprocess.run([*git, "commit", "-qm", "base"], check=True, env={**__import__("os").environ, **env})
        p = repo / "units" / "unit-00500" / "risks.yaml"
        p.write_text(p.read_text(encoding="utf-8").replace("受人情干扰", "受人情因素干扰", 1), encoding="utf-8")
        out.append(row("gen1000: lint after changing one unit (--changed-since, no cache)",
                       child(_lint(repo, "", None, changed="HEAD"))))
        out.append(row("gen1000: lint after changing one unit (--changed-since, cache of an earlier run)",
                       child(_lint(repo, "", cache, changed="HEAD"))))
    return out
