"""The site's own wording in Chinese and English (register text is never translated).

Templates call ``t(zh, en)`` (a jinja2 global reading ``lang`` from the render context); Python code
building page contexts calls ``pick(lang, zh, en)``.
"""

from __future__ import annotations

from typing import Any

import jinja2

from lfk.core.errors import UsageError
from lfk.model.config import Config
from lfk.model.vocab import GRADE_EN

LANGS = ("zh", "en")
HTML_LANG = {"zh": "zh-CN", "en": "en"}
STATUS_EN = {"一致": "consistent", "偏差": "differs", "缺失": "missing"}


def check_lang(lang: str) -> str:
    """``zh`` or ``en``; anything else is a ``UsageError``."""
    if lang not in LANGS:
        raise UsageError(f"site language {lang!r}: use zh or en / 请用 zh 或 en")
    return lang


def pick(lang: str, zh: str, en: str) -> str:
    """``en`` for English, else ``zh``."""
    return en if lang == "en" else zh


@jinja2.pass_context
def t(ctx: Any, zh: str, en: str) -> str:
    """The template form of ``pick``: ``{{ t("职权目录", "Powers") }}``."""
    return en if ctx.get("lang") == "en" else zh


def grade_text(config: Config, grade: str | None, lang: str) -> str:
    """A grade's display name: ``grading.labels`` when set, else 高/中/低 (High/Medium/Low in English)."""
    if not grade:
        return pick(lang, "未定级", "Ungraded")
    if config.grading.labels:
        return config.grade_label(grade)
    return GRADE_EN.get(grade, grade) if lang == "en" else grade


def status_text(status: str | None, lang: str) -> str | None:
    """The rubric check (一致/偏差/缺失) in ``lang``."""
    if status is None or lang != "en":
        return status
    return STATUS_EN.get(status, status)
