"""``lfk dispose``: write one 预警处置 record into a unit's ``dispositions.yaml`` (surgical, atomic).

``record_disposition(register, unit, fields)`` validates the record against the model, then either
updates the unit's record of the same warning (same ``warning`` id, or same ``case`` and ``code``)
value by value, or appends a new one (``lfk.records``). Returns the file written and whether it was a
new record.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from lfk.core.errors import UsageError
from lfk.model.dispositions import Disposition
from lfk.records import valid, write_record
from lfk.register import Register

HEADER = "预警处置记录（指导意见第十二条）：lfk dispose 写入；可手工补充。"


def _same(rec: Disposition, new: Disposition) -> bool:
    if new.warning and rec.warning:
        return rec.warning == new.warning
    return bool(new.case) and rec.case == new.case and rec.code == new.code


def record_disposition(register: Register, unit: str, fields: dict[str, Any],
                       today: dt.date | None = None) -> tuple[Path, bool]:
    """Write the record ``fields`` into ``units/<unit>/dispositions.yaml``; (path, appended?).

    A new record without ``date`` gets ``today``; an update changes only the fields given.
    """
    if unit not in register.unit_dirs:
        raise UsageError(f"no unit {unit!r} / 没有该单位", hint="units: " + ", ".join(register.unit_ids))
    clean = {k: v for k, v in fields.items() if v is not None}
    new = valid(Disposition, {"date": today or dt.date.today(), "disposal": "-"} | clean, "处置记录")
    if not new.warning and not new.case:
        raise UsageError("name the warning id (W-...) or --case / 请写明预警编号或案件编号")
    ud = register.unit(unit, kinds=frozenset({"dispositions"}))
    posts = register.unit(unit, kinds=frozenset()).posts
    for key in ("by", "to"):
        post = getattr(new, key)
        if post and post not in posts:
            raise UsageError(f"--{key} {post!r}: not a post of {unit} / 不是本单位岗位",
                             hint="posts: " + ", ".join(posts))
    path = register.root / "units" / unit / "dispositions.yaml"
    old = next((d for d in ud.dispositions if _same(d.model, new)), None)
    if old is None:
        if "disposal" not in clean:
            raise UsageError("--disposal is needed / 请写明处置方式")
        clean.setdefault("date", new.date)
    return path, write_record(path, "dispositions", Disposition, old, clean, header=HEADER, what="处置记录")
