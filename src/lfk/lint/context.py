"""What a rule sees: the register, the unit (or file) at hand, the as-of date and handy indexes."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from lfk.loader import LoadedFile
from lfk.model import Config
from lfk.model.items import Authority, Flow, Measure, Risk
from lfk.register import Item, Register, UnitData


@dataclass
class RegisterContext:
    """Context of register-scope rules (run once per lint)."""

    register: Register
    as_of: dt.date
    events: list[str] = field(default_factory=list)  # event logs (lfk lint --events) for LFK804, LFK808
    cache: dict[str, Any] = field(default_factory=dict)  # shared by the register rules of one run

    @property
    def config(self) -> Config:
        """The register's lfk.yaml."""
        return self.register.config


@dataclass
class FileContext:
    """Context of file-scope rules (run once per file read)."""

    register: Register
    file: LoadedFile
    as_of: dt.date
    known_codes: frozenset[str] = frozenset()


@dataclass
class UnitContext:
    """Context of unit-scope rules (run once per unit)."""

    register: Register
    unit: UnitData
    as_of: dt.date
    cache: dict[str, Any] = field(default_factory=dict)

    @property
    def config(self) -> Config:
        """The register's lfk.yaml."""
        return self.register.config

    @cached_property
    def authorities_by_id(self) -> dict[str, Item[Authority]]:
        """The unit's powers by id (the first of duplicates)."""
        out: dict[str, Item[Authority]] = {}
        for a in self.unit.authorities:
            out.setdefault(a.model.id, a)
        return out

    @cached_property
    def measures_by_risk(self) -> dict[str, list[Item[Measure]]]:
        """Measures answering each risk id."""
        out: dict[str, list[Item[Measure]]] = defaultdict(list)
        for m in self.unit.measures:
            for rid in m.model.risks:
                out[rid].append(m)
        return out

    @cached_property
    def risks_by_authority(self) -> dict[str, list[Item[Risk]]]:
        """Risks sitting on each power id."""
        out: dict[str, list[Item[Risk]]] = defaultdict(list)
        for r in self.unit.risks:
            if r.model.authority:
                out[r.model.authority].append(r)
        return out

    def flow_of(self, authority: Authority) -> tuple[Item[Flow] | None, bool]:
        """The flow a power runs on, as (item, is_standard_flow)."""
        return self.register.flow_for(self.unit, authority.flow_id)

    def flows_in_use(self) -> list[tuple[Item[Flow], Item[Authority] | None, bool]]:
        """Flows to check for this unit: (flow, the power using it or None, is_standard).

        The unit's own flows are checked once each (with the first power using them, if any); a
        standard flow from the root ``flows/`` is checked once per power of this unit that uses it.
        """
        out: list[tuple[Item[Flow], Item[Authority] | None, bool]] = []
        users: dict[str, Item[Authority]] = {}
        for a in self.unit.authorities:
            users.setdefault(a.model.flow_id, a)
        for fid, item in sorted(self.unit.flows.items()):
            out.append((item, users.get(fid), False))
        seen: set[str] = set()
        for a in self.unit.authorities:
            fid = a.model.flow_id
            if fid in self.unit.flows or fid not in self.register.std_flows or fid in seen:
                continue
            seen.add(fid)
            out.append((self.register.std_flows[fid], a, True))
        return out
