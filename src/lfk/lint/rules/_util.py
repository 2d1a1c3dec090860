"""Small helpers shared by rule modules."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from lfk.core.i18n import Text
from lfk.lint.registry import Report
from lfk.loader import LoadedFile

ID_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}\Z")
UNIT_ID_RE = re.compile(r"^[a-z0-9][a-z0-9-]{0,62}\Z")


def valid_id(value: Any) -> bool:
    """Whether ``value`` is a well-formed id (never a path)."""
    return isinstance(value, str) and bool(ID_RE.match(value)) and ".." not in value


def from_loader(lf: LoadedFile, code: str) -> Iterator[Report]:
    """Reports for the findings of ``code`` the loader or the validator recorded on ``lf``."""
    for f in lf.findings:
        if f.code == code:
            yield Report(lf, (), f.message, f.hint, line=f.line, column=f.column)


def at(lf: LoadedFile, path: tuple[Any, ...], message: Text, hint: Text | None = None, *, key: bool = True) -> Report:
    """A report at ``path`` of ``lf``."""
    return Report(lf, path, message, hint, key=key)
