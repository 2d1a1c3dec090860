"""The fast path of the reader: yaml-rs (a Rust YAML parser) where its result is certainly PyYAML's.

yaml-rs builds plain Python data about 8x faster than PyYAML's C composer and lfk's walker, but it keeps
no line/column marks and types scalars by YAML 1.2 rules (``yes`` is text, ``017`` is 17, ``1e3`` a
float), where lfk reads YAML 1.1 as PyYAML's SafeLoader does. So it is used only where the result
cannot differ, and ``None`` sends the caller back to the PyYAML path:

- the text holds nothing the fast path does not handle (``_RISKY``: anchors, aliases, tags, merge keys,
  directives and document markers, ``lfk:`` comments, tabs, carriage returns, backslashes, YAML 1.1 line
  breaks, complex keys, deep indentation);
- every plain scalar that starts like a number is one of the forms both parsers read alike
  (``_UNSAFE`` / ``_SAFE_NUMBER``: ``-12``, ``3.5``, ``2026-03-15``), and no quoted scalar starts with a
  digit (yaml-rs makes a quoted ``"2026-03-15"`` a date);
- in the result, every key is text, no text value is one PyYAML would type (bool, int, float, null,
  timestamp: a quoted ``"yes"`` cannot be told from a plain one), no text holds a control character
  (LFK008 needs its position), there is no datetime, time, infinity or NaN, and nesting is shallow;
- yaml-rs raised nothing (a duplicate key, a syntax error: the PyYAML path reports them).

Positions are computed only when asked for (``LoadedFile.loc``): ``Positions`` re-reads the file with
the PyYAML composer the first time one is looked up. ``LFK_PARSER=pyyaml`` in the environment, or
yaml-rs missing, turns the fast path off.
"""

from __future__ import annotations

import datetime as dt
import gc
import os
import re
from collections.abc import Callable
from typing import Any

from yaml.resolver import Resolver

try:  # optional: pip install 'lfk[fast]'
    import yaml_rs
except ImportError:  # pragma: no cover - exercised where the extra is not installed
    yaml_rs = None

ENABLED = yaml_rs is not None and os.environ.get("LFK_PARSER", "").strip().lower() != "pyyaml"
MAX_DEPTH = 64

_RISKY = re.compile(r"[&*!\\\t\r\x85\u2028\u2029\ufeff\ufffe\uffff@`|>]")  # anchors, aliases, tags, escapes,
# YAML 1.1 line breaks, reserved indicators, block scalars; then, where a cheap test finds a hint of one:
_MARKERS = re.compile(r"^(?:---|\.\.\.|%)", re.M)  # document markers, directives
_COMPLEX_KEY = re.compile(r"(?:^|[\s\[{,])\?(?:\s|$)", re.M)
_DEEP = re.compile(r"^[ -]{100}", re.M)  # deep block nesting (yaml-rs recurses on the C stack)
# a plain scalar that may start like a number (or an infinity or NaN) must be one both parsers read
# alike (an int, a decimal, a date, hex text such as a digest with a letter no number holds), ending
# there (or going on as plain text: a non-ASCII letter); _UNSAFE finds one that is not
_SAFE_NUMBER = (
    r"(?:-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?|[0-9]{4}-[0-9]{2}-[0-9]{2}|[0-9][0-9a-f]*[a-df][0-9a-f]*)"
    r"(?:[ ]*(?:$|[,\]}])|[ ]+#|:(?:[ ]|$)|[^\x00-\x7f])"
)
_UNSAFE = re.compile(r"[\s\[{,:](?=[-+._0-9iInN])(?!" + _SAFE_NUMBER + r")[-+._]*(?:[0-9]|[iI][nN][fF]|[nN][aA][nN])",
                     re.M)
_NUMERIC_START = frozenset("-+._0123456789iInN")
# yaml-rs reads a quoted "2026-03-15" as a date too (PyYAML: text): a quoted scalar starting with a digit
_QUOTED_DIGIT = re.compile(r"[\"']\s*[0-9]")
# control characters a text value may hold once escapes are decoded (as read.py's LFK008)
_CONTROL_TEXT = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029]")
# PyYAML's own implicit resolvers for everything but text, by first character
_TYPED: dict[str, list[re.Pattern[str]]] = {}
for _first, _resolvers in Resolver.yaml_implicit_resolvers.items():
    if _first:
        _TYPED[_first] = [rx for tag, rx in _resolvers if tag != "tag:yaml.org,2002:str"]
_DATE, _INF = dt.date, float("inf")


def might_differ(text: str) -> bool:
    """True when ``text`` holds something for which yaml-rs and PyYAML might build different data."""
    if _RISKY.search(text) or "<<" in text or "lfk:" in text:
        return True
    if ("---" in text or "..." in text or "%" in text) and _MARKERS.search(text):
        return True
    if ("? " in text or "?\n" in text or text.endswith("?")) and _COMPLEX_KEY.search(text):
        return True
    if (" " * 32 in text or "- - " in text) and _DEEP.search(text):
        return True
    if _UNSAFE.search(text) or _QUOTED_DIGIT.search(text):
        return True
    return text[:1] in _NUMERIC_START and _UNSAFE.match("\n" + text.split("\n", 1)[0]) is not None


def load(text: str) -> tuple[Any, list[tuple[Any, ...]]] | None:
    """(data, paths of dates) of ``text`` by yaml-rs, or None where the PyYAML path must read it."""
    if yaml_rs is None or might_differ(text):
        return None
    enabled = gc.isenabled()
    gc.disable()  # many new objects at once: no collection can free any of them
    try:
        data = yaml_rs.loads(text, parse_datetime=True)
    except Exception:  # noqa: BLE001 - any complaint: the PyYAML path reports it with its position
        return None
    except BaseException as e:  # a Rust panic (pyo3's PanicException is a BaseException)
        if isinstance(e, (KeyboardInterrupt, SystemExit, GeneratorExit)):
            raise
        return None
    finally:
        if enabled:
            gc.enable()
    dates: list[tuple[Any, ...]] = []
    if not _check(data, (), dates, 0):
        return None
    return data, dates


def _text_ok(value: str) -> bool:
    """A text value PyYAML would also leave text (whatever its quoting) and that needs no LFK008."""
    if value:
        typed = _TYPED.get(value[0])
        if typed is not None and any(rx.match(value) for rx in typed):
            return False
        if not value.isprintable() and _CONTROL_TEXT.search(value):
            return False
    return True


def _check(value: Any, path: tuple[Any, ...], dates: list[tuple[Any, ...]], depth: int) -> bool:
    """Whether ``value`` (yaml-rs's result) is certainly PyYAML's; collects the paths of dates."""
    t = type(value)
    if t is str:
        return _text_ok(value)
    if t is dict:
        if depth > MAX_DEPTH:
            return False
        for k, v in value.items():
            if type(k) is not str or k == "=" or (not k.isprintable() and _CONTROL_TEXT.search(k)):  # PyYAML: = is a tag
                return False
            tv = type(v)
            if tv is str:
                if not _text_ok(v):
                    return False
            elif tv is int or tv is bool or v is None:
                continue
            elif not _check(v, (*path, k), dates, depth + 1):
                return False
        return True
    if t is list:
        if depth > MAX_DEPTH:
            return False
        for i, v in enumerate(value):
            if type(v) is str:
                if not _text_ok(v):
                    return False
            elif not _check(v, (*path, i), dates, depth + 1):
                return False
        return True
    if t is int or t is bool or value is None:
        return True
    if t is float:
        return value == value and value not in (_INF, -_INF)
    if t is _DATE:
        dates.append(path)
        return True
    return False  # datetime, time, anything else: PyYAML's own path


class Positions(dict):  # type: ignore[type-arg]
    """``pos`` or ``keypos`` of a file read by the fast path: filled in place on first use.

    ``fill`` re-reads the file with the PyYAML composer and fills both tables at once; afterwards
    this is an ordinary dict.
    """

    __slots__ = ("fill", "source")

    def __init__(self, fill: Callable[[], None] | None = None, source: bytes = b"") -> None:
        super().__init__()
        self.fill = fill
        self.source = source  # the file's bytes, for the cache while not filled

    def _ready(self) -> None:
        fill = self.fill
        if fill is not None:
            fill()

    def __contains__(self, key: object) -> bool:
        self._ready()
        return dict.__contains__(self, key)

    def __getitem__(self, key: Any) -> Any:
        self._ready()
        return dict.__getitem__(self, key)

    def __iter__(self):  # type: ignore[no-untyped-def]
        self._ready()
        return dict.__iter__(self)

    def __len__(self) -> int:
        self._ready()
        return dict.__len__(self)

    def __eq__(self, other: object) -> bool:
        self._ready()
        if isinstance(other, Positions):
            other._ready()
        return dict.__eq__(self, other)

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        self._ready()
        return dict.__repr__(self)

    def get(self, key: Any, default: Any = None) -> Any:
        """As ``dict.get``, after filling."""
        self._ready()
        return dict.get(self, key, default)

    def keys(self):  # type: ignore[no-untyped-def]
        """As ``dict.keys``, after filling."""
        self._ready()
        return dict.keys(self)

    def values(self):  # type: ignore[no-untyped-def]
        """As ``dict.values``, after filling."""
        self._ready()
        return dict.values(self)

    def items(self):  # type: ignore[no-untyped-def]
        """As ``dict.items``, after filling."""
        self._ready()
        return dict.items(self)

    def copy(self) -> dict[Any, Any]:
        """A plain dict copy, after filling."""
        self._ready()
        return dict(dict.items(self))

    def plain(self) -> dict[Any, Any]:
        """The filled table as a plain dict (for marshal)."""
        return self.copy()


def lazy_positions(source: bytes, compute: Callable[[bytes], tuple[dict[Any, Any], dict[Any, Any]]]
                   ) -> tuple[Positions, Positions]:
    """A (pos, keypos) pair filled together by ``compute(source)`` on first use of either."""
    pos, keypos = Positions(source=source), Positions(source=source)

    def fill() -> None:
        pos.fill = keypos.fill = None
        pos.source = keypos.source = b""
        p, k = compute(source)
        dict.update(pos, p)
        dict.update(keypos, k)

    pos.fill = keypos.fill = fill
    return pos, keypos
