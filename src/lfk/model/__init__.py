"""Pydantic models of every file kind of the register (REGISTER.md); they never see YAML nodes."""

from lfk.model.acceptances import AcceptedFile
from lfk.model.config import Config
from lfk.model.dispositions import DispositionsFile
from lfk.model.items import (
    AuthoritiesFile,
    Authority,
    Benchmark,
    Flow,
    Measure,
    MeasuresFile,
    Risk,
    RisksFile,
    Step,
    Unit,
)

FILE_KINDS: dict[str, type] = {
    "lfk": Config,
    "unit": Unit,
    "authorities": AuthoritiesFile,
    "flow": Flow,
    "risks": RisksFile,
    "measures": MeasuresFile,
    "benchmark": Benchmark,
    "dispositions": DispositionsFile,
    "accepted": AcceptedFile,
}

UNIT_LIST_FILES: dict[str, str] = {"authorities.yaml": "authorities", "risks.yaml": "risks", "measures.yaml": "measures",
                                   "dispositions.yaml": "dispositions", "accepted.yaml": "accepted"}
"""A unit's list files and their kinds."""
UNIT_FOLDERS: dict[str, str] = {"flows": "flow", "benchmarks": "benchmark"}
"""A unit's folders of one-item files and their kinds."""


def file_kind(rel: str) -> str | None:
    """The kind (a key of ``FILE_KINDS``) of a register file from its path relative to the root, with
    ``/`` or ``\\`` separators; None when the path is not a register file of a known kind."""
    parts = rel.replace("\\", "/").split("/")
    if parts == ["lfk.yaml"]:
        return "lfk"
    if len(parts) == 2 and parts[0] == "flows" and parts[1].endswith(".yaml"):
        return "flow"
    if len(parts) >= 3 and parts[0] == "units":
        sub = parts[2:]
        if len(sub) == 1:
            return "unit" if sub[0] == "unit.yaml" else UNIT_LIST_FILES.get(sub[0])
        if len(sub) == 2 and sub[1].endswith(".yaml"):
            return UNIT_FOLDERS.get(sub[0])
    return None


__all__ = [
    "FILE_KINDS", "UNIT_FOLDERS", "UNIT_LIST_FILES", "file_kind", "AuthoritiesFile", "DispositionsFile", "Authority", "Benchmark", "Config", "Flow", "Measure", "MeasuresFile",
    "Risk", "RisksFile", "Step", "Unit",
]
