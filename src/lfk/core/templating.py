"""Where the jinja2 templates are (``templates/`` in a checkout, ``lfk/templates`` in the wheel)."""

from __future__ import annotations

from pathlib import Path

import jinja2


def templates_dir() -> Path:
    """The templates folder: packaged inside the wheel, else the repository's ``templates/``."""
    packaged = Path(__file__).resolve().parents[1] / "templates"
    if packaged.is_dir():
        return packaged
    repo = Path(__file__).resolve().parents[3] / "templates"
    return repo


def environment(subdir: str, *, autoescape: bool = True) -> jinja2.Environment:
    """A jinja2 environment over ``templates/<subdir>`` with autoescape on, strict undefined."""
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(templates_dir() / subdir)),
        autoescape=autoescape,
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )
