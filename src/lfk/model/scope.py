"""Whether a unit's power criteria apply: a register of powers, of post risks only, or a 职权目录 still missing.

One decision, read by ``lfk score`` (power criteria 不适用) and by lint (LFK207):

- ``powers``: the unit lists powers (``authorities.yaml`` is not empty) — power criteria apply.
- ``posts``: no powers, at least one risk, every risk on a post (``post``, no ``authority``), the unit is not of a
  type that exercises public power (``POWER_UNIT_TYPES``: 党的机关, 行政机关), and no risk names an external power
  category (行政处罚, 行政许可 …) in its title, description or kind. A school's or a hospital's 岗位廉政风险 list, a
  company's post risks: power criteria are 不适用 (left out of the total).
- ``missing``: no powers where some are expected — a 党的机关 / 行政机关, a unit whose risks name an external power
  (e.g. a 事业单位 entrusted with 行政处罚), a risk naming an ``authority``, or a unit with no risk at all yet.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal

from lfk.model.items import Authority, Risk
from lfk.model.vocab import EXTERNAL_CATEGORIES, POWER_UNIT_TYPES

PowerScope = Literal["powers", "posts", "missing"]
_NAMED_POWERS = tuple(c for c in EXTERNAL_CATEGORIES if c != "其他行政权力")


def external_power_named(risk: Risk) -> str | None:
    """The external power category (行政处罚 …) a risk's title, description or kind names, if any."""
    text = " ".join(x for x in (risk.title, risk.description, risk.kind) if x)
    return next((c for c in _NAMED_POWERS if c in text), None)


def power_scope(unit_type: str | None, authorities: Sequence[Authority], risks: Sequence[Risk]) -> PowerScope:
    """``powers``, ``posts`` or ``missing`` for a unit (see the module docstring)."""
    if authorities:
        return "powers"
    if unit_type in POWER_UNIT_TYPES or not risks:
        return "missing"
    if any(r.authority or not r.post or external_power_named(r) for r in risks):
        return "missing"
    return "posts"
