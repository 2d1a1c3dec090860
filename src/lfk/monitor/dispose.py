"""``lfk dispose``: write one 预警处置 record into a unit's ``dispositions.yaml`` (surgical, atomic).

``record_disposition(register, unit, fields)`` validates the record against the model, then either
updates the unit's record of the same warning (same ``warning`` id, or same ``case`` and ``code``)
value by value, or appends a new one; comments and the rest of the file are kept byte for byte
(``lfk.loader.roundtrip``). Returns the file written and whether it was a new record.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from lfk.core.errors import UsageError
from lfk.loader.roundtrip import append_item, set_values
from lfk.model.dispositions import Disposition
from lfk.register import Register

HEADER = "预警处置记录（指导意见第十二条）：lfk dispose 写入；可手工补充。"


def _same(rec: Disposition, new: Disposition) -> bool:
    if new.warning and rec.warning:
        return rec.warning == new.warning
    return bool(new.case) and rec.case == new.case and rec.code == new.code


def _valid(data: dict[str, Any]) -> Disposition:
    try:
        return Disposition.model_validate(data)
    except ValidationError as e:
        err = e.errors()[0]
        raise UsageError(f"{'.'.join(map(str, err['loc']))}: {err['msg']} / 处置记录无效") from None


def record_disposition(register: Register, unit: str, fields: dict[str, Any],
                       today: dt.date | None = None) -> tuple[Path, bool]:
    """Write the record ``fields`` into ``units/<unit>/dispositions.yaml``; (path, appended?).

    A new record without ``date`` gets ``today``; an update changes only the fields given.
    """
    if unit not in register.unit_dirs:
        raise UsageError(f"no unit {unit!r} / 没有该单位", hint="units: " + ", ".join(register.unit_ids))
    clean = {k: v for k, v in fields.items() if v is not None}
    new = _valid({"date": today or dt.date.today(), "disposal": "-"} | clean)
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
    for item in ud.dispositions:
        if _same(item.model, new):
            _valid(item.model.model_dump(exclude_none=True) | clean)
            edits = [(("dispositions", item.path[1], k), v) for k, v in clean.items()]
            set_values(path, edits)
            return path, False
    if "disposal" not in clean:
        raise UsageError("--disposal is needed / 请写明处置方式")
    clean.setdefault("date", new.date)
    ordered = {k: clean[k] for k in Disposition.model_fields if k in clean}
    append_item(path, "dispositions", ordered, header=HEADER)
    return path, True


def parse_day(value: str | None, option: str) -> dt.date | None:
    """A ``YYYY-MM-DD`` option value (None stays None); ``UsageError`` otherwise."""
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise UsageError(f"{option} {value!r}: use YYYY-MM-DD / 日期格式应为 YYYY-MM-DD") from None
