"""Meta test: which codes are on, at which severity and whether a comment suppresses a finding is decided in
one module, ``lfk.core.decision`` (issue 14); every producer (lint, monitor, import, the schemas) asks it."""

from __future__ import annotations

import re

import pytest

from tests.conftest import REPO

SRC = REPO / "src" / "lfk"
DECISION = SRC / "core" / "decision.py"

# what deciding looks like outside the decision module
DECIDING = {
    "reads lint.ignore / lint.severity itself": re.compile(r"\.lint\.(ignore|severity)\b|\bcfg\.(ignore|severity)\b"),
    "looks a code's level up in a severity map": re.compile(r"\bseverity\.get\("),
    "matches codes against --select/--ignore": re.compile(
        r"startswith\(\s*(s|sel|ign|select|ignore|prefix)\s*\)\s*for\s+\w+\s+in\s+\w*(sel|ign|select|ignore)"),
    "has a select_codes of its own": re.compile(r"\bdef\s+select_codes\b|\bselect_codes\("),
    "matches a finding against an ignore comment": re.compile(r"\bin\s+\w+\.codes\b\s+and\s+\w+\.reason"),
    "compares a level with \"off\"": re.compile(r"""==\s*["']off["']"""),
}


def _sources() -> list[tuple[str, list[str]]]:
    return [(p.relative_to(SRC).as_posix(), p.read_text(encoding="utf-8").splitlines())
            for p in sorted(SRC.rglob("*.py")) if p != DECISION]


@pytest.mark.parametrize("what", list(DECIDING))
def test_only_the_decision_module_decides(what: str) -> None:
    pattern = DECIDING[what]
    hits = [f"{rel}:{i}: {line.strip()}" for rel, lines in _sources() for i, line in enumerate(lines, 1)
            if pattern.search(line)]
    assert not hits, f"code selection decided outside lfk/core/decision.py ({what}):\n" + "\n".join(hits)


def test_the_patterns_find_what_they_look_for() -> None:
    """Each pattern finds the code it guards against (the old lint engine's lines), so an empty result means something."""
    old = {
        "reads lint.ignore / lint.severity itself": "return code in config.lint.ignore",
        "looks a code's level up in a severity map": "level = cfg.severity.get(rule.code)",
        "matches codes against --select/--ignore": "if sel and not any(c.startswith(s) for s in sel):",
        "has a select_codes of its own": "enabled = select_codes(REGISTRY.codes(), opts.select, ignore)",
        "matches a finding against an ignore comment": "if f.code in sup.codes and sup.reason:",
        "compares a level with \"off\"": 'if level == "off":',
    }
    assert old.keys() == DECIDING.keys()
    assert all(DECIDING[k].search(v) for k, v in old.items())


def test_every_producer_asks_the_decision_module() -> None:
    users = {rel for rel, lines in _sources() if any("lfk.core.decision import" in ln for ln in lines)}
    assert {"lint/engine.py", "model/schemas.py", "monitor/engine.py", "tables/importer.py"} <= users


def test_imp_and_mon_catalogues_hold_every_code_their_producers_use() -> None:
    """The catalogues the decision checks entries against (and ``lfk rules`` lists) are complete."""
    from lfk.monitor.codes import CODES as MON
    from lfk.tables.codes import CODES as IMP

    for folder, catalogue, prefix in (("tables", IMP, "IMP"), ("monitor", MON, "MON")):
        used = {m for p in (SRC / folder).rglob("*.py") for m in re.findall(rf'"({prefix}\d{{3}})', p.read_text("utf-8"))}
        assert used <= set(catalogue), (folder, sorted(used - set(catalogue)))
