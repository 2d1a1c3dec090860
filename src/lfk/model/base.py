"""Shared pieces of the register models: the base class, enumerations and small value types."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from lfk.model import vocab as V

# The models' enumerations, built from the one vocabulary (lfk.model.vocab).
Grade = Literal[V.GRADES]  # type: ignore[valid-type]
DayKind = Literal[V.DAY_KINDS]  # type: ignore[valid-type]
Disclosure = Literal[V.DISCLOSURES]  # type: ignore[valid-type]
UnitType = Literal[V.UNIT_TYPES]  # type: ignore[valid-type]
Duty = Literal[V.DUTIES]  # type: ignore[valid-type]
AuthorityCategory = Literal[V.AUTHORITY_CATEGORIES]  # type: ignore[valid-type]
KeyArea = Literal[V.KEY_AREAS]  # type: ignore[valid-type]
RiskSource = Literal[V.RISK_SOURCES]  # type: ignore[valid-type]
MeasureKind = Literal[V.MEASURE_KINDS]  # type: ignore[valid-type]
EducationForm = Literal[V.EDUCATION_FORMS]  # type: ignore[valid-type]
MeasureStatus = Literal[V.MEASURE_STATUSES]  # type: ignore[valid-type]
MeasureEffect = Literal[V.MEASURE_EFFECTS]  # type: ignore[valid-type]
MeasurePhase = Literal[V.MEASURE_PHASES]  # type: ignore[valid-type]
TaxonomyPreset = Literal[tuple(V.TAXONOMY_PRESETS)]  # type: ignore[valid-type]
TailorKind = Literal[V.TAILOR_KINDS]  # type: ignore[valid-type]
EscalationCounts = Literal[V.ESCALATION_COUNTS]  # type: ignore[valid-type]


class Model(BaseModel):
    """Base of every register model: unknown keys are refused; numbers are accepted as text."""

    model_config = ConfigDict(extra="forbid", coerce_numbers_to_str=True, populate_by_name=True, defer_build=True)


def F(zh: str, en: str, default: object = ..., **kw: object) -> object:  # noqa: N802
    """A field with a bilingual title (zh) and description (en) for schemas and editor hover text."""
    if "default_factory" in kw:
        return Field(title=zh, description=f"{zh} — {en}", **kw)  # type: ignore[call-overload]
    if (default.__class__ is list or default.__class__ is dict) and not default:
        # a fresh empty list/dict per model: pydantic would deep-copy the shared default each time (slow);
        # the schema still says default [] / {}
        return Field(default_factory=default.__class__, title=zh, description=f"{zh} — {en}",  # type: ignore[call-overload]
                     json_schema_extra={"default": default.__class__()}, **kw)
    return Field(default, title=zh, description=f"{zh} — {en}", **kw)  # type: ignore[call-overload]


class TimeLimit(Model):
    """A time limit: a number of days, working (工作日) or natural (自然日)."""

    days: int | float = F("天数", "number of days", ge=0, le=36500, allow_inf_nan=False)
    kind: DayKind = F("日类型（工作日/自然日）", "kind of day: 工作日 (working) or 自然日 (natural)", "工作日")
