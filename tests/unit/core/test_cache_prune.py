"""Cache folders of other lfk versions do not pile up: a new one prunes all but the most recently used."""

from __future__ import annotations

import os
from pathlib import Path

from lfk.core.cache import KEEP_OTHERS, Cache, prune_others


def _old(base: Path, name: str, age_days: float) -> Path:
    d = base / name
    (d / "parse" / "ab").mkdir(parents=True)
    (d / "parse" / "ab" / "entry").write_bytes(b"x")
    t = 1_700_000_000 - age_days * 86400
    for p in (d / "parse" / "ab", d / "parse", d):
        os.utime(p, (t, t))
    return d


def test_a_new_version_folder_prunes_all_but_the_most_recent_others(tmp_path: Path) -> None:
    """Regression: every lfk upgrade (and every source edit while developing) left its cache folder behind."""
    base = tmp_path / ".lfk-cache"
    base.mkdir()
    names = [f"v1-lfk0.0.{i}-py311-{i:012x}" for i in range(5)]
    for i, n in enumerate(names):
        _old(base, n, age_days=10 - i)  # names[4] most recent
    (base / "notes.txt").write_text("mine", encoding="utf-8")
    (base / "v1-lfk9-py311-000000000009").symlink_to(tmp_path)  # a link named like one: left alone
    (base / "mine").mkdir()

    cache = Cache(base)
    cache.put("parse", "cd" * 32, b"payload")
    left = sorted(p.name for p in base.iterdir())
    kept = names[-KEEP_OTHERS:]
    assert left == sorted([*kept, cache.folder.name, "notes.txt", "mine", ".gitignore", "v1-lfk9-py311-000000000009"])
    assert cache.get("parse", "cd" * 32) == b"payload"
    assert (tmp_path / ".lfk-cache").exists() and (tmp_path / ".lfk-cache" / "mine").is_dir()

    cache.put("parse", "ef" * 32, b"again")  # the folder exists now: nothing more is pruned
    assert sorted(p.name for p in base.iterdir()) == left


def test_prune_keeps_what_is_in_use(tmp_path: Path) -> None:
    a, b = _old(tmp_path, "v1-lfk0.1-py311-aaaaaaaaaaaa", 30), _old(tmp_path, "v1-lfk0.2-py311-bbbbbbbbbbbb", 1)
    os.utime(a / "parse", None)  # a is used now (a shard was added): it is the most recent
    assert prune_others(tmp_path, "v1-lfk0.3-py311-cccccccccccc", keep=1) == [b.name]
    assert a.is_dir() and not b.exists()
    assert prune_others(tmp_path / "absent", "x") == []
