"""Writing one record into a unit's list file (``dispositions.yaml``, ``accepted.yaml``): validated against
its model, merged with the record it updates, surgical and atomic.

``write_record`` either updates the unit's record the caller found, value by value, or appends a new
one; comments and the rest of the file are kept byte for byte (``lfk.loader.roundtrip``). ``lfk dispose``
(``lfk.monitor.dispose``) and ``lfk accept`` (``lfk.accept``) write through it.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from lfk.core.errors import UsageError
from lfk.loader.roundtrip import append_item, set_values
from lfk.register import Item

M = TypeVar("M", bound=BaseModel)


def valid(model: type[M], data: dict[str, Any], what: str) -> M:
    """``data`` as ``model``, or a ``UsageError`` naming the first bad field (``what``: the record's name in zh)."""
    try:
        return model.model_validate(data)
    except ValidationError as e:
        err = e.errors()[0]
        raise UsageError(f"{'.'.join(map(str, err['loc']))}: {err['msg']} / {what}无效") from None


def write_record(path: Path, list_key: str, model: type[M], existing: Item[M] | None, fields: dict[str, Any], *,
                 header: str, what: str) -> bool:
    """Update the record ``existing`` with ``fields`` (the values given), or, with none, append ``fields`` as a
    new record (in the model's field order); True when appended."""
    if existing is not None:
        valid(model, existing.model.model_dump(exclude_none=True) | fields, what)
        set_values(path, [((list_key, existing.path[1], k), v) for k, v in fields.items()])
        return False
    ordered = {k: fields[k] for k in model.model_fields if k in fields}
    append_item(path, list_key, ordered, header=header)
    return True


def parse_day(value: str | None, option: str) -> dt.date | None:
    """A ``YYYY-MM-DD`` option value (None stays None); ``UsageError`` otherwise."""
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise UsageError(f"{option} {value!r}: use YYYY-MM-DD / 日期格式应为 YYYY-MM-DD") from None
