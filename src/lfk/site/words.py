"""The site's own wording in Chinese and English (register text is never translated).

Templates call ``t(zh, en)`` (a jinja2 global reading ``lang`` from the render context); Python code
building page contexts calls ``pick(lang, zh, en)``. ``FoldWords`` resolves each ``t("…", "…")`` of two
literals when a template is compiled (a site build has one language), so a page render makes no call for it.
"""

from __future__ import annotations

from typing import Any

import jinja2
import jinja2.ext
from jinja2.lexer import Token, TokenStream

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


class FoldWords(jinja2.ext.Extension):
    """``t("zh", "en")`` with two string literals becomes the one string of the environment's ``site_lang``
    at compile time (the same text ``t`` would return at render time: a build renders every page in one
    language); any other use of ``t`` stays a call."""

    def filter_stream(self, stream: TokenStream) -> TokenStream:
        """The template's tokens with each literal ``t(…, …)`` replaced by a string token."""
        lang = getattr(self.environment, "site_lang", None)
        if lang not in LANGS:
            return stream
        toks = list(stream)
        out: list[Token] = []
        i = 0
        shape = ("name", "lparen", "string", "comma", "string", "rparen")
        while i < len(toks):
            tok = toks[i]
            window = toks[i:i + 6]
            if (tok.type == "name" and tok.value == "t" and len(window) == 6
                    and tuple(x.type for x in window) == shape
                    and not (out and out[-1].type in ("dot", "name"))):  # not x.t(…) nor a keyword like ``for t``
                out.append(Token(tok.lineno, "string", pick(lang, window[2].value, window[4].value)))
                i += 6
                continue
            out.append(tok)
            i += 1
        return TokenStream(iter(out), stream.name, stream.filename)


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
