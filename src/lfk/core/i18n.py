"""Message language: a ``Text`` holds both Chinese and English; the language is chosen at output."""

from __future__ import annotations

import locale
import os
from typing import NamedTuple

LANGS = ("zh", "en")


class Text(NamedTuple):
    """A message in both languages."""

    zh: str
    en: str

    def get(self, lang: str) -> str:
        """The message in ``lang`` (``zh`` or ``en``)."""
        return self.zh if lang == "zh" else self.en

    def format(self, **kw: object) -> Text:
        """Both messages with ``str.format`` applied."""
        return Text(self.zh.format(**kw), self.en.format(**kw))

    def __add__(self, other: object) -> Text:  # type: ignore[override]
        if isinstance(other, Text):
            return Text(self.zh + other.zh, self.en + other.en)
        return NotImplemented


def T(zh: str, en: str) -> Text:  # noqa: N802 - short constructor used everywhere
    """Build a bilingual message."""
    return Text(zh, en)


def resolve_lang(option: str | None, config_lang: str | None = None, *, fallback: str | None = None) -> str:
    """The one language resolver: option, ``$LFK_LANG``, ``lang:`` in lfk.yaml, then ``fallback`` when
    given (the site's own wording defaults to ``zh``), else the locale, else en."""
    for candidate in (option, os.environ.get("LFK_LANG"), config_lang):
        if candidate:
            c = candidate.strip().lower()
            if c.startswith("zh"):
                return "zh"
            if c.startswith("en"):
                return "en"
    if fallback:
        return fallback
    for var in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = os.environ.get(var)
        if value:
            return "zh" if value.lower().startswith("zh") else "en"
    try:
        loc = locale.getlocale()[0] or ""
    except ValueError:
        loc = ""
    return "zh" if loc.lower().startswith("zh") else "en"
