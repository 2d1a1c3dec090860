"""The fast path of the reader: yaml-rs (a Rust YAML parser) where its result is certainly PyYAML's.

yaml-rs builds plain Python data about 8x faster than PyYAML's C composer and lfk's walker, but it keeps
no line/column marks and types scalars by YAML 1.2 rules (``yes`` is text, ``017`` is 17, ``1e3`` a
float), where lfk reads YAML 1.1 as PyYAML's SafeLoader does. So it is used only where the result
cannot differ, and ``None`` sends the caller back to the PyYAML path:

- the text holds nothing the fast path does not handle (``_RISKY_CHARS``, one ``in`` test each: anchors,
  aliases, tags, merge keys, directives and document markers, ``lfk:`` comments, tabs, carriage returns, backslashes, YAML 1.1 line
  breaks, complex keys, deep indentation);
- every plain scalar that starts like a number is one of the forms both parsers read alike
  (``_UNSAFE`` / ``_SAFE_NUMBER``: ``-12``, ``3.5``, ``2026-03-15``), and no quoted scalar starts with a
  digit (yaml-rs makes a quoted ``"2026-03-15"`` a date);
- no whole plain scalar is one YAML 1.1 types and YAML 1.2 does not (``yes``, ``off``; ``=``), no plain
  key is one yaml-rs would make a bool or null (lfk's keys are their text), no key is empty, and there
  are few brackets (nesting stays far below lfk's bound of 200); with no backslash, no text can hold a
  control character (LFK008), so the data needs no walk;
- yaml-rs raised nothing (a duplicate key, a syntax error: the PyYAML path reports them).

Positions are computed only when asked for (``LoadedFile.loc``): ``Positions`` re-reads the file with
the PyYAML composer the first time one is looked up; ``Dates`` finds the dates' paths (for the parse
cache) the first time they are used. ``LFK_PARSER=pyyaml`` in the environment, or
yaml-rs missing, turns the fast path off.
"""

from __future__ import annotations

import datetime as dt
import gc
import os
import re
from collections.abc import Callable
from typing import Any

try:  # optional: pip install 'lfk[fast]'
    import yaml_rs
except ImportError:  # pragma: no cover - exercised where the extra is not installed
    yaml_rs = None

ENABLED = yaml_rs is not None and os.environ.get("LFK_PARSER", "").strip().lower() != "pyyaml"

_RISKY_CHARS = "&*!\\\t\r\x85\u2028\u2029\ufeff\ufffe\uffff@`|><"  # anchors, aliases, tags, escapes,
# YAML 1.1 line breaks, reserved indicators, block scalars, merge keys (<<); where a cheap test finds a hint:
_MARKERS = re.compile(r"^(?:---|\.\.\.|%)", re.M)  # document markers, directives
_COMPLEX_KEY = re.compile(r"(?:^|[\s\[{,])\?(?:\s|$)", re.M)
_DEEP = re.compile(r"^[ -]{48}", re.M)  # deep block nesting (yaml-rs recurses on the C stack; LFK004 past 200)
_SPACES = " " * 32
MAX_FLOW = 150  # more "[" and "{" than this: PyYAML's path (which refuses nesting past 200 levels)
# a plain scalar that may start like a number (or an infinity or NaN) must be one both parsers read
# alike (an int, a decimal, a date, hex text such as a digest with a letter no number holds), ending
# there (or going on as plain text: a non-ASCII letter); _UNSAFE finds one that is not
_SAFE_NUMBER = (
    r"(?:-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?|[0-9]{4}-[0-9]{2}-[0-9]{2}|[0-9][0-9a-f]*[a-df][0-9a-f]*)"
    r"(?:[ ]*(?:$|[,\]}])|[ ]+#|[^\x00-\x7f])"
)
# one pass finds either: a plain scalar starting like a number that is not a safe one, or a whole plain
# scalar YAML 1.1 types and YAML 1.2 does not (yes/no/on/off; "=" is PyYAML's value tag), or a plain key
# yaml-rs makes a bool or null (lfk's keys are their text, as written), or an empty key
_UNSAFE = re.compile(
    r"[\s\[{,:](?=[-+._0-9iInNyYoOtTfF~=:])(?:"
    r"(?!" + _SAFE_NUMBER + r")[-+._]*(?:[0-9]|[iI][nN][fF]|[nN][aA][nN])"
    r"|(?:[yY]es|YES|[nN]o|NO|[oO]n|ON|[oO]ff|OFF|=)(?:[ ]*(?:$|[,\]}:])|[ ]+#)"
    r"|(?:[tT]rue|TRUE|[fF]alse|FALSE|[nN]ull|NULL|~)[ ]*:(?:[ ]|$)"
    r"|(?<![:]):(?:[ ,\]}]|$))",
    re.M,
)
# a flow mapping must be simple: `{key: value, ...}`, no nesting, quotes or comments, every entry a pair
# (in `{k: 1, 2}` the key 2 is a number to yaml-rs; lfk keeps keys as text)
_FLOW_ENTRY = r"[^\s{}\[\],:#'\"][^{}\[\],:#'\"\n]*:[ ]+[^\s{}\[\],:#'\"][^{}\[\],:#'\"\n]*"
_FLOW_MAP = re.compile(r"\{[ ]*(?:" + _FLOW_ENTRY + r"[ ]*,[ ]*)*(?:" + _FLOW_ENTRY + r")?[ ]*\}")
# yaml-rs reads a quoted "2026-03-15" as a date too (PyYAML: text): a quoted scalar starting with a digit
_QUOTED_DIGIT = re.compile(r"[\"']\s*[0-9]")
_DATE = dt.date


def might_differ(text: str) -> bool:
    """True when ``text`` holds something for which yaml-rs and PyYAML might build different data."""
    if any(c in text for c in _RISKY_CHARS) or "lfk:" in text:
        return True
    if ("---" in text or "..." in text or "%" in text) and _MARKERS.search(text):
        return True
    if "?" in text and _COMPLEX_KEY.search(text):
        return True
    if (_SPACES in text or "- - " in text) and _DEEP.search(text):
        return True
    if (('"' in text or "'" in text) and _QUOTED_DIGIT.search(text)) or _unsafe_lines(text):
        return True
    maps = text.count("{")
    if maps + text.count("[") > MAX_FLOW or (maps and len(_FLOW_MAP.findall(text)) != maps):
        return True
    return False


_SAFE_LINES: set[str] = set()  # lines _UNSAFE found nothing in (its matches never span a line break)
MAX_SAFE_LINES = 50_000
MAX_LINE = 80


def _unsafe_lines(text: str) -> bool:
    """Whether a line of ``text`` holds what ``_UNSAFE`` looks for; lines seen safe before are not scanned again
    (a register repeats most of its lines: keys with their usual values)."""
    lines = set(text.split("\n"))
    lines.difference_update(_SAFE_LINES)
    if not lines:
        return False
    if _UNSAFE.search("\n" + "\n".join(lines)):  # "\n" first: a line's first scalar follows a line break
        return True
    if len(_SAFE_LINES) < MAX_SAFE_LINES:
        _SAFE_LINES.update(line for line in lines if len(line) <= MAX_LINE)  # long lines are text, rarely repeated
    return False


def load(text: str) -> Any:
    """The data of ``text`` by yaml-rs, or ``MISS`` where the PyYAML path must read it."""
    if yaml_rs is None or might_differ(text):
        return MISS
    enabled = gc.isenabled()
    gc.disable()  # many new objects at once: no collection can free any of them
    try:
        return yaml_rs.loads(text, parse_datetime=True)
    except Exception:  # noqa: BLE001 - any complaint: the PyYAML path reports it with its position
        return MISS
    except BaseException as e:  # a Rust panic (pyo3's PanicException is a BaseException)
        if isinstance(e, (KeyboardInterrupt, SystemExit, GeneratorExit)):
            raise
        return MISS
    finally:
        if enabled:
            gc.enable()


MISS = object()


def date_paths(value: Any, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """The paths of the dates in ``value``, in document order (as the PyYAML walker records them)."""
    t = type(value)
    if t is dict:
        out = []
        for k, v in value.items():
            if type(v) in _CONTAINERS:
                out += date_paths(v, (*path, k))
        return out
    if t is list:
        out = []
        for i, v in enumerate(value):
            if type(v) in _CONTAINERS:
                out += date_paths(v, (*path, i))
        return out
    return [path] if t is _DATE else []


_CONTAINERS = frozenset((dict, list, _DATE))


class Dates(list):  # type: ignore[type-arg]
    """``dates`` of a file read by the fast path: the paths are found in the data on first use (only
    the parse cache uses them)."""

    __slots__ = ("data", "pending")

    def __init__(self, data: Any) -> None:
        super().__init__()
        self.data = data
        self.pending = True

    def _ready(self) -> None:
        if self.pending:
            self.pending = False
            list.extend(self, date_paths(self.data))
            self.data = None

    def __iter__(self):  # type: ignore[no-untyped-def]
        self._ready()
        return list.__iter__(self)

    def __len__(self) -> int:
        self._ready()
        return list.__len__(self)

    def __getitem__(self, i: Any) -> Any:
        self._ready()
        return list.__getitem__(self, i)

    def __contains__(self, x: object) -> bool:
        self._ready()
        return list.__contains__(self, x)

    def __eq__(self, other: object) -> bool:
        self._ready()
        return list.__eq__(self, other)

    def __ne__(self, other: object) -> bool:
        return not self == other

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        self._ready()
        return list.__repr__(self)

    def append(self, x: Any) -> None:
        """As ``list.append``, after finding the paths."""
        self._ready()
        list.append(self, x)

    def extend(self, xs: Any) -> None:
        """As ``list.extend``, after finding the paths."""
        self._ready()
        list.extend(self, xs)

    def clear(self) -> None:
        """As ``list.clear`` (nothing left to find)."""
        self.pending = False
        self.data = None
        list.clear(self)


class Positions(dict):  # type: ignore[type-arg]
    """``pos`` or ``keypos`` of a file read by the fast path: filled in place on first use.

    ``pos`` holds the file's bytes and ``compute``, which re-reads them with the PyYAML composer and
    gives both tables; ``keypos`` holds only ``partner`` (``pos``) and takes its table from it. No
    reference cycle, so a file's tables go with it (no wait for the garbage collector).
    """

    __slots__ = ("source", "compute", "partner", "spare")

    def __init__(self) -> None:
        super().__init__()
        self.source = b""  # the file's bytes while not filled (also what the parse cache stores)
        self.compute: Callable[[bytes], tuple[dict[Any, Any], dict[Any, Any]]] | None = None
        self.partner: Positions | None = None
        self.spare: dict[Any, Any] | None = None  # keypos's table, computed with pos's, not yet taken

    @property
    def pending(self) -> bool:
        """Whether the table is still to be computed."""
        return self.compute is not None or self.partner is not None

    def _ready(self) -> None:
        if self.compute is not None:
            compute, self.compute = self.compute, None
            p, self.spare = compute(self.source)
            self.source = b""
            dict.update(self, p)
        elif self.partner is not None:
            partner, self.partner = self.partner, None
            partner._ready()
            dict.update(self, partner.spare or {})
            partner.spare = None
            self.source = b""

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

    def __ne__(self, other: object) -> bool:
        return not self == other

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
    pos, keypos = Positions(), Positions()
    pos.source = keypos.source = source
    pos.compute = compute
    keypos.partner = pos
    return pos, keypos
