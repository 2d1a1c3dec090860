"""A cold public build reads each file of a unit once: the unit digest of the incremental build takes
the register's file digest (which the parse cache's key uses too), and the parse takes the bytes that
digest read (each file was read twice before, three times before that)."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from pathlib import Path

import pytest

from lfk.core.cache import Cache
from lfk.register import Register
from lfk.site import build_site


def _count_reads(reg: Register) -> Counter[str]:
    """The reads of each file through the register's source, counted from now on."""
    reads: Counter[str] = Counter()
    source_read = reg.source.read

    def counted(rel: str) -> bytes:
        reads[rel] += 1
        return source_read(rel)

    reg.source.read = counted  # type: ignore[method-assign]
    return reads


@pytest.mark.parametrize("register_fixture", ["base_register", "demo_register"])
def test_cold_build_reads_each_unit_file_once(register_fixture: str, request: pytest.FixtureRequest,
                                             tmp_path: Path) -> None:
    root: Path = request.getfixturevalue(register_fixture)
    reg = Register(root, cache=Cache(tmp_path / "cache"))
    reads = _count_reads(reg)
    rep = build_site(reg, tmp_path / "site", "public", as_of=dt.date(2026, 12, 1))
    unit_files = [rel for rel in reads if rel.startswith("units/")]
    assert rep.written and unit_files
    # the bytes hashed for the unit's digest are the bytes parsed (the parse cache was in use)
    assert {rel: n for rel, n in reads.items() if rel in unit_files and n != 1} == {}


@pytest.mark.parametrize("register_fixture", ["base_register", "demo_register"])
def test_cold_build_without_a_cache_reads_each_unit_file_once(register_fixture: str, request: pytest.FixtureRequest,
                                                             tmp_path: Path) -> None:
    root: Path = request.getfixturevalue(register_fixture)
    reg = Register(root)  # as the bench builds it: no parse cache, no stat index
    reads = _count_reads(reg)
    rep = build_site(reg, tmp_path / "site", "public", as_of=dt.date(2026, 12, 1))
    unit_files = [rel for rel in reads if rel.startswith("units/") and not rel.endswith("/unit.yaml")]
    assert rep.written and unit_files
    # unit.yaml was parsed before the build (the register's set-up) and is read again for its digest
    assert {rel: n for rel, n in reads.items() if rel in unit_files and n != 1} == {}
