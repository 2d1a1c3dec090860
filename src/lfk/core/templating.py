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
        if value.isprintable() and type(value) in (str, Markup):
            return value  # every character ``printable`` replaces is one ``isprintable`` refuses
        out = printable(value, newlines=True)
        return Markup(out) if isinstance(value, Markup) else out
    return value


def environment(subdir: str, *, autoescape: bool = True) -> jinja2.Environment:
    """A jinja2 environment over ``templates/<subdir>`` with autoescape on, strict undefined; with
    autoescape (HTML), every value printed is free of control characters."""
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(templates_dir() / subdir)),
        autoescape=autoescape,
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
        finalize=_no_controls if autoescape else None,
    )
