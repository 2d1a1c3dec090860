"""``lfk accept``: write one 经审批接受的偏离或豁免 into a unit's ``accepted.yaml`` (surgical, atomic).

``record_acceptance(register, unit, fields)`` checks what a command can check at once — the approval
is one of unit.yaml's ``approvals`` (the leadership's collective decision), the code is a MON code that
raises a warning or an lfk rule code, the posts, powers and risks named exist, ``since`` is not after
``until`` — then updates the unit's acceptance of the same ``id`` value by value, or appends a new one
(``lfk.records``); ``lfk lint`` checks the rest (LFK805-LFK807). A new acceptance without an id gets the
next ``A-<year>-NN`` of the unit.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any

import lfk.lint.rules  # noqa: F401  - fills REGISTRY with the rule codes
from lfk.core.errors import UsageError
from lfk.lint.registry import REGISTRY
from lfk.model.acceptances import Acceptance
from lfk.monitor.codes import CODES
from lfk.records import valid, write_record
from lfk.register import Register

HEADER = "经审批接受的偏离与豁免：到期前不再预警，到期后重新预警；lfk accept 写入，可手工补充。"


def next_id(taken: set[str], year: int) -> str:
    """The first ``A-<year>-NN`` not in ``taken`` (after the highest of that year)."""
    nums = [int(m.group(1)) for t in taken if (m := re.fullmatch(rf"A-{year}-(\d+)", t))]
    return f"A-{year}-{max(nums, default=0) + 1:02d}"


def record_acceptance(register: Register, unit: str, fields: dict[str, Any],
                      today: dt.date | None = None) -> tuple[Path, str, bool]:
    """Write the acceptance ``fields`` into ``units/<unit>/accepted.yaml``; (path, its id, appended?)."""
    if unit not in register.unit_dirs:
        raise UsageError(f"no unit {unit!r} / 没有该单位", hint="units: " + ", ".join(register.unit_ids))
    clean = {k: v for k, v in fields.items() if v is not None}
    if "code" in clean:
        clean["code"] = str(clean["code"]).upper()
    ud = register.unit(unit, kinds=frozenset({"accepted", "authorities", "risks"}))
    existing = {a.model.id: a for a in ud.accepted}
    ident = clean.get("id") or next_id(set(existing), (today or dt.date.today()).year)
    clean["id"] = ident
    old = existing.get(ident)
    merged = (old.model.model_dump(exclude_none=True) if old is not None else {}) | clean
    missing = [k for k in ("reason", "approval", "until") if k not in merged]
    if missing:
        raise UsageError(f"--{', --'.join(missing)} needed for a new acceptance / 新的接受记录须写明理由、审定编号和有效期")
    rec = valid(Acceptance, merged, "接受记录")
    _check(register, unit, ud, rec)
    path = register.root / "units" / unit / "accepted.yaml"
    added = write_record(path, "accepted", Acceptance, old, clean, header=HEADER, what="接受记录")
    return path, ident, added


def _check(register: Register, unit: str, ud: Any, rec: Acceptance) -> None:
    """What a record must be before it is written (lint's LFK805 checks the same, and more, afterwards)."""
    kind = rec.kind()
    code = rec.code or ""
    if kind == "none":
        raise UsageError("name what is accepted: --code MON…/LFK… or --risk / 请写明所接受的偏离、检查问题或风险")
    if kind == "deviation" and (code not in CODES or CODES[code][1] is None):
        raise UsageError(f"--code {code}: not a MON code that raises a warning / 不是产生黄牌红牌的 MON 代码",
                         hint="lfk rules lists the codes")
    if kind in ("finding", "risk") and code and code not in set(REGISTRY.codes()):
        raise UsageError(f"--code {code}: not an lfk rule code / 不是 lfk 的规则代码", hint="lfk rules lists the codes")
    approvals = ud.raw_ids.get("approvals", set())
    if rec.approval not in approvals:
        raise UsageError(f"--approval {rec.approval}: not in units/{unit}/unit.yaml approvals / 审定编号不在 unit.yaml 中",
                         hint="record the collective approval in unit.yaml first"
                              + (": " + ", ".join(sorted(approvals)) if approvals else ""))
    if rec.post and rec.post not in ud.posts:
        raise UsageError(f"--post {rec.post}: not a post of {unit} / 不是本单位岗位", hint="posts: " + ", ".join(ud.posts))
    if rec.authority and rec.authority not in {a.model.id for a in ud.authorities}:
        raise UsageError(f"--authority {rec.authority}: not a power of {unit} / 不是本单位职权")
    if rec.risk and rec.risk not in {r.model.id for r in ud.risks}:
        raise UsageError(f"--risk {rec.risk}: not a risk of {unit} / 不是本单位风险")
    if rec.since and rec.since > rec.until:
        raise UsageError(f"--until {rec.until} is before --since {rec.since} / 有效期至早于起始日期")
