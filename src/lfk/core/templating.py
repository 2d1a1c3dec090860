"""Where the jinja2 templates are (``templates/`` in a checkout, ``lfk/templates`` in the wheel)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import jinja2
from markupsafe import Markup

from lfk.core.safe import printable


def templates_dir() -> Path:
    """The templates folder: packaged inside the wheel, else the repository's ``templates/``."""
    packaged = Path(__file__).resolve().parents[1] / "templates"
    if packaged.is_dir():
        return packaged
    repo = Path(__file__).resolve().parents[3] / "templates"
    return repo


def _no_controls(value: Any) -> Any:
    """Every text a page shows without control characters (``lfk.core.safe.printable``, line breaks
    kept): register text with a YAML-escaped ESC or BEL (LFK008) reaches no HTML page as such."""
    if isinstance(value, str):
        if type(value) in (str, Markup) and (value.isprintable() or value.replace("\n", "").replace("\u3000", "").isprintable()):
            # every character ``printable`` replaces is one ``isprintable`` refuses; of the characters it
            # refuses, a line break and the ideographic space (in nearly every Chinese title, and an SVG
            # is many lines) are kept by ``printable``: a second, still linear, test instead of the regex
            return value
        out = printable(value, newlines=True)
        return Markup(out) if isinstance(value, Markup) else out
    return value


_DICT_ATTRS = frozenset(dir(dict))


class _Environment(jinja2.Environment):
    """jinja2's environment with ``x.name`` on a plain dict (page contexts are JSON-like data) looked up
    as the key at once. jinja2 tries the attribute first and pays a raised ``AttributeError`` per lookup;
    a dict has no attribute of any other name, so the value is the same."""

    def getattr(self, obj: Any, attribute: str) -> Any:
        """``obj[attribute]`` for a dict (unless a dict attribute has that name), else jinja2's lookup."""
        if type(obj) is dict and attribute not in _DICT_ATTRS:
            try:
                return obj[attribute]
            except KeyError:
                return self.undefined(obj=obj, name=attribute)
        return super().getattr(obj, attribute)


def environment(subdir: str, *, autoescape: bool = True) -> jinja2.Environment:
    """A jinja2 environment over ``templates/<subdir>`` with autoescape on, strict undefined; with
    autoescape (HTML), every value printed is free of control characters."""
    return _Environment(
        loader=jinja2.FileSystemLoader(str(templates_dir() / subdir)),
        autoescape=autoescape,
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
        finalize=_no_controls if autoescape else None,
    )
