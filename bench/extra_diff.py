"""Bench: ``lfk diff`` between revisions of the 1,000-unit register with 5 % and 100 % of its units
changed, beside the time to parse just the changed files (the target: 5 % diff within 3× of that)."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

HERE = Path(__file__).resolve().parent
ENV = {"GIT_AUTHOR_NAME": "bench", "GIT_AUTHOR_EMAIL": "bench@example.invalid",
       "GIT_COMMITTER_NAME": "bench", "GIT_COMMITTER_EMAIL": "bench@example.invalid"}
EDITS = [("risks.yaml", "factors: {importance: 3, discretion: 3, probability: 3, harm: 3}\n    grade: 中",
          "factors: {importance: 4, discretion: 4, probability: 3, harm: 4}\n    grade: 高"),
         ("measures.yaml", "status: 实施中", "status: 已落实"),
         ("flows/F-penalty-1.yaml", "{days: 30, kind: 工作日}", "{days: 20, kind: 工作日}"),
         ("authorities.yaml", "name: 食品经营许可\n", "name: 食品经营许可证核发\n")]


def _git(top: Path, *args: str) -> None:
    subprocess.run(["git", "-C", str(top), *args], check=True, capture_output=True, env={**os.environ, **ENV})


def _mutate(root: Path, uids: list[str]) -> None:
    for uid in uids:
        for rel, a, b in EDITS:
            p = root / "units" / uid / rel
            p.write_text(p.read_text(encoding="utf-8").replace(a, b, 1), encoding="utf-8")


def prepare(source: Path) -> Path:
    """A git repository with tags v1 (the register), v2 (5 % of units changed), v3 (100 %)."""
    top = HERE / "out" / "diffrepo"
    stamp = top / ".bench-ready"
    if stamp.exists():
        return top / "registers"
    shutil.rmtree(top, ignore_errors=True)
    top.mkdir(parents=True)
    root = top / "registers"
    shutil.copytree(source, root)
    _git(top, "init", "-q")
    _git(top, "add", "-A")
    _git(top, "commit", "-qm", "v1")
    _git(top, "tag", "v1")
    uids = sorted(os.listdir(root / "units"))
    _mutate(root, uids[::20])
    _git(top, "commit", "-qam", "v2")
    _git(top, "tag", "v2")
    _git(top, "checkout", "-q", "v1", "--", "registers")
    _mutate(root, uids)
    _git(top, "commit", "-qam", "v3")
    _git(top, "tag", "v3")
    _git(top, "checkout", "-q", "v1", "--", "registers")
    _git(top, "commit", "-qam", "back to v1")
    stamp.write_text("ok\n", encoding="utf-8")
    return root


def _parse_changed(root: Path, a: str, b: str) -> str:
    return f"""
        from pathlib import Path
        from lfk.core.git import GitRepo
        from lfk.loader import load_bytes
        repo = GitRepo(Path({str(root)!r}))
        ca, cb = repo.commit({a!r}), repo.commit({b!r})
        ta, tb = repo.tree(ca, repo.prefix), repo.tree(cb, repo.prefix)
        changed = sorted(p for p in set(ta) | set(tb) if ta.get(p) != tb.get(p))
        oids = sorted({{t[p] for p in changed for t in (ta, tb) if p in t}})
        blobs = repo.read_blobs(oids)
        repo.close()
        import time
        t0 = time.perf_counter()
        for oid in oids:
            load_bytes(blobs[oid], oid)
        extra = {{"changed_files": len(changed), "blobs": len(oids)}}
    """


def _diff(root: Path, a: str, b: str) -> str:
    return f"""
        from pathlib import Path
        from lfk.diff import diff_revisions
        res = diff_revisions(Path({str(root)!r}), {a!r}, {b!r})
        extra = {{"changes": len(res.changes)}}
    """


def measure(registers: dict[str, Path], child, row) -> list[dict]:  # type: ignore[no-untyped-def]
    """Rows for the bench table; the ratio is added as a row of its own."""
    root = prepare(registers["gen1000"])
    out = []
    for label, b in (("5 %", "v2"), ("100 %", "v3")):
        parse = child(_parse_changed(root, "v1", b))
        diff = child(_diff(root, "v1", b))
        out.append(row(f"gen1000: parse only the changed files ({label})", parse))
        out.append(row(f"gen1000: diff, {label} of units changed", diff))
        if "seconds" in parse and "seconds" in diff:
            out.append({"name": f"gen1000: diff {label} ÷ parse of changed files", "ratio": round(diff["seconds"] / parse["seconds"], 2)})
    return out
