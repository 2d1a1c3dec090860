"""Small helpers shared by rule modules."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from lfk.core.i18n import Text
from lfk.lint.registry import Report
from lfk.loader import LoadedFile
from lfk.model.vocab import ID_RE, UNIT_ID_RE, valid_id, valid_unit_id

__all__ = ["ID_RE", "UNIT_ID_RE", "at", "from_loader", "valid_id", "valid_unit_id"]


def from_loader(lf: LoadedFile, code: str) -> Iterator[Report]:
    """Reports for the findings of ``code`` the loader or the validator recorded on ``lf``."""
    for f in lf.findings:
        if f.code == code:
            yield Report(lf, (), f.message, f.hint, line=f.line, column=f.column)


def at(lf: LoadedFile, path: tuple[Any, ...], message: Text, hint: Text | None = None, *, key: bool = True) -> Report:
    """A report at ``path`` of ``lf``."""
    return Report(lf, path, message, hint, key=key)
