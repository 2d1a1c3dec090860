"""Pydantic models of every file kind of the register (REGISTER.md); they never see YAML nodes."""

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
}

__all__ = [
    "FILE_KINDS", "AuthoritiesFile", "DispositionsFile", "Authority", "Benchmark", "Config", "Flow", "Measure", "MeasuresFile",
    "Risk", "RisksFile", "Step", "Unit",
]
