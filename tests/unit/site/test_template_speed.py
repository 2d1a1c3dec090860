"""The template speed-ups give the text jinja2 gave without them: ``FoldWords`` (``t("…", "…")`` of two
literals resolved at compile time), the dict-key lookup of ``x.name``, and the control-character test of
``finalize`` for a line break and an ideographic space."""

from __future__ import annotations

from typing import Any

import jinja2
import pytest
from markupsafe import Markup

from lfk.core.safe import printable
from lfk.core.templating import _no_controls, environment
from lfk.site.words import FoldWords, t

CASES = [
    ('{{ t("职权", "Powers") }}', {}),
    ("{{ t('：', ' — ') ~ title }}", {"title": "<b>标题</b>"}),
    ('<p title="{{ t("检索", "Search") }}">{{ t("共 ", "") }}{{ n }}{{ t(" 项", " powers") }}</p>', {"n": 3}),
    ('{{ t(name ~ "的", name ~ "\'s") }}', {"name": "单位&"}),  # not two literals: stays a call
    ('{{ t("a" ~ x, "b") }}', {"x": "1"}),
    ('{{ d.t("x", "y") }}', {"d": {"t": lambda a, b: a + b}}),  # an attribute named t is not the global
    ('{% for t in ["<i>"] %}{{ t }}{% endfor %}{{ t("否", "no") }}', {}),
    ("{{ {'高': t('高', 'High')}['高'] }}", {}),
    ("{{ d.name }} {{ d.items()|list|length }} {{ d.count }} {{ d.keys }}", {"d": {"name": "名", "count": 2, "keys": "k"}}),
    ("{{ s }}", {"s": "第1号单位\u3000对…的处罚\n<svg>\x1b[31m"}),
    ("{{ s }}", {"s": Markup("<svg>\n<text>示例\u3000单位</text>\n</svg>")}),
    ("{{ s }}", {"s": "a\u2028b\u200ec\ufeff\u3000\n"}),
]


def _env(fold: bool, lang: str, *, plain: bool = False) -> jinja2.Environment:
    env = jinja2.Environment(autoescape=True, undefined=jinja2.StrictUndefined,
                             finalize=_no_controls) if plain else environment("site")
    env.globals["t"] = t
    if fold:
        env.extend(site_lang=lang)
        env.add_extension(FoldWords)
    return env


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize(("source", "ctx"), CASES)
def test_same_text_as_plain_jinja(source: str, ctx: dict[str, Any], lang: str) -> None:
    want = _env(False, lang, plain=True).from_string(source).render(lang=lang, **ctx)
    got = _env(True, lang).from_string(source).render(lang=lang, **ctx)
    assert got == want


def test_literal_pairs_make_no_call() -> None:
    env = _env(True, "en")
    code = env.compile('{{ t("职权", "Powers") }}{{ t(x, "b") }}', raw=True)
    assert code.count("context.call(") == 1  # only the call with a variable is left
    assert "Powers" in code and "职权" not in code


@pytest.mark.parametrize("text", ["abc", "a\nb", "示例\u3000单位", "a\x1bb", "a\u200eb\n", "\u3000\u2029", "x\ud800", "\t\n"])
def test_finalize_is_printable(text: str) -> None:
    assert _no_controls(text) == printable(text, newlines=True)
