"""The pages' finalize step: no control character reaches a page, and its fast path changes nothing."""

from __future__ import annotations

import pytest
from markupsafe import Markup

from lfk.core.safe import printable
from lfk.core.templating import _no_controls


def test_every_character_printable_changes_is_not_isprintable() -> None:
    """The fast path (``str.isprintable``) only skips texts ``printable`` would leave as they are."""
    changed = [c for c in map(chr, range(0x110000)) if printable(c, newlines=True) != c]
    assert changed and not [c for c in changed if c.isprintable()]


@pytest.mark.parametrize("value", ["职权目录", "a\x1bb", "line\nbreak", "\u202eevil", Markup("<b>x</b>"), Markup("\x07"), 3, None])
def test_no_controls_equals_printable(value: object) -> None:
    got = _no_controls(value)
    if isinstance(value, str):
        assert got == printable(value, newlines=True)
        assert isinstance(got, Markup) == isinstance(value, Markup)
    else:
        assert got is value
