"""Safe output file names: page names come from ids only after checking the id pattern."""

from __future__ import annotations

import hashlib
import re

from lfk.model import base

UNIT_ID_RE = base.UNIT_ID_RE
ITEM_ID_RE = base.ID_RE
WINDOWS_RESERVED = {"con", "prn", "aux", "nul", *(f"com{i}" for i in range(1, 10)), *(f"lpt{i}" for i in range(1, 10))}


def _ok(ident: str, pattern: re.Pattern[str]) -> bool:
    return (
        bool(pattern.match(ident))
        and ".." not in ident
        and not ident.endswith(".")
        and ident.split(".")[0].lower() not in WINDOWS_RESERVED
    )


def _fallback(kind: str, ident: str) -> str:
    return f"{kind}-{hashlib.sha256(ident.encode('utf-8')).hexdigest()[:16]}"


def unit_slug(uid: str) -> str:
    """The folder name of a unit's pages: its id when it is a valid unit id, else a digest of it."""
    return uid if _ok(uid, UNIT_ID_RE) else _fallback("u", uid)


def item_slug(ident: str) -> str:
    """The file stem of an item's page: its id when it matches the id pattern, else a digest of it.

    Ids that differ only by case would collide on case-insensitive file systems; ``assign_slugs``
    resolves that.
    """
    return ident if _ok(ident, ITEM_ID_RE) else _fallback("x", ident)


def assign_slugs(idents: list[str]) -> dict[str, str]:
    """Slugs for a list of ids of one folder, unique even on case-insensitive file systems."""
    out: dict[str, str] = {}
    seen: set[str] = set()
    for ident in idents:
        slug = item_slug(ident)
        if slug.lower() in seen:
            slug = _fallback("x", ident)
        seen.add(slug.lower())
        out[ident] = slug
    return out
