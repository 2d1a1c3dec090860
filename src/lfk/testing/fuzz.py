"""Random damage to a register's files, for ``make fuzz`` and the property tests (issue: no traceback, ever).

``mutate(files, rng)`` returns a copy of ``{rel: bytes}`` with one random edit: a deleted line, a junk
value, wrong indentation, a truncated file, odd Unicode, a huge number, a duplicated key, a stray
tag or alias, a swapped list item... ``MemorySource`` serves such a dict to ``Register``.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from pathlib import Path

JUNK = ["", "~", "null", "[]", "{}", "- x", "9" * 40, "1e999", "-1", "0x1F", "2026-13-45", "!!binary aGVsbG8=",
        "*undefined", "&a x", "'unterminated", '"\\uD800"', "\u202e\u0000", "高\u200b", "🙂" * 30, "a: b: c", "[", "}",
        "\t", "yes", "\\", "<script>alert(1)</script>", "../../etc/passwd", "{{ 7*7 }}", "0" * 3000]


class MemorySource:
    """Register files held in memory (``{rel: bytes}``)."""

    def __init__(self, files: dict[str, bytes]) -> None:
        self._files = files

    def files(self) -> list[str]:
        """Every file, sorted."""
        return sorted(self._files)

    def read(self, rel: str) -> bytes:
        """A file's bytes (``FileNotFoundError`` when absent, as on disk)."""
        try:
            return self._files[rel]
        except KeyError:
            raise FileNotFoundError(2, "No such file", rel) from None


def read_tree(root: Path) -> dict[str, bytes]:
    """Every file under ``root`` as ``{rel: bytes}`` (dot-folders skipped)."""
    out = {}
    for p in sorted(root.rglob("*")):
        if p.is_file() and not any(part.startswith(".") for part in p.relative_to(root).parts):
            out[p.relative_to(root).as_posix()] = p.read_bytes()
    return out


def _lines(data: bytes) -> list[bytes]:
    return data.split(b"\n")


def _delete_line(d: bytes, r: random.Random) -> bytes:
    ls = _lines(d)
    del ls[r.randrange(len(ls))]
    return b"\n".join(ls)


def _junk_value(d: bytes, r: random.Random) -> bytes:
    ls = _lines(d)
    i = r.randrange(len(ls))
    if b":" in ls[i]:
        k = ls[i].split(b":", 1)[0]
        ls[i] = k + b": " + r.choice(JUNK).encode("utf-8", "surrogatepass")
    return b"\n".join(ls)


def _indent(d: bytes, r: random.Random) -> bytes:
    ls = _lines(d)
    i = r.randrange(len(ls))
    ls[i] = b" " * r.choice([1, 3, 7, 20]) + ls[i] if r.random() < 0.6 else ls[i].lstrip()
    return b"\n".join(ls)


def _truncate(d: bytes, r: random.Random) -> bytes:
    return d[: r.randrange(len(d) + 1)]


def _unicode(d: bytes, r: random.Random) -> bytes:
    pos = r.randrange(len(d) + 1)
    return d[:pos] + r.choice(["\u0085", "\u2028", "\ufeff", "\U0001f600", "\x07", "é", "\u00a0", "\r"]).encode() + d[pos:]


def _huge(d: bytes, r: random.Random) -> bytes:
    import re

    nums = list(re.finditer(rb"\b\d+\b", d))
    if not nums:
        return d
    m = r.choice(nums)
    return d[: m.start()] + r.choice([b"9" * 30, b"-5", b"0", b"1e308", b"3.999999999999999999"]) + d[m.end():]


def _dup_line(d: bytes, r: random.Random) -> bytes:
    ls = _lines(d)
    i = r.randrange(len(ls))
    ls.insert(i, ls[i])
    return b"\n".join(ls)


def _bad_bytes(d: bytes, r: random.Random) -> bytes:
    pos = r.randrange(len(d) + 1)
    return d[:pos] + bytes([r.randrange(128, 256) for _ in range(r.randint(1, 4))]) + d[pos:]


def _swap_ids(d: bytes, r: random.Random) -> bytes:
    import re

    ids = re.findall(rb"\b(?:[A-Z]{1,2}-[\w-]+|S\d+)\b", d)
    if len(ids) < 2:
        return d
    a, b = r.sample(ids, 2)
    return d.replace(a, b, 1)


# the attack classes of issue #19: hostile ids (paths, newlines), control characters, formulas, Markdown
HOSTILE = ["../../../../X", "a/../../b", "/etc/passwd", "R-01\n", "x\x00y", r'"\e]0;t\a\e[2K"', r'"\r- [x] y\r---"',
           "=HYPERLINK(\"http://x\")", "+1+1", "@SUM(A1)", "-2+3", "@octocat", "\u202egnp.exe", "<<: *base",
           # issue 19, items 6, 11, 12, 15: personal data in other notations, an ignore look-alike inside a
           # value, dates through a merge key, offsets at the calendar's edges, odd rubric values
           '"王 +86 138-1234-5678 ＠ １３８１２３４５６７８"', '"x # lfk: ignore[LFK701] data"',
           "{<<: {d: 2026-01-01}, e: 0001-01-01}", "0001-01-01T00:00:00+14:00", "9999-12-31T23:59:59-12:00",
           "[[高]]", "{高: 1, 中: 2}", '"\x85\u2028\x9b"']


def _hostile_id(d: bytes, r: random.Random) -> bytes:
    import re

    ids = re.findall(rb"\b(?:[A-Z]{1,2}-[\w-]+|S\d+)\b", d)
    if not ids:
        return d
    return d.replace(r.choice(ids), r.choice(HOSTILE).encode("utf-8"), 1)


def _hostile_value(d: bytes, r: random.Random) -> bytes:
    lines = _lines(d)
    cands = [i for i, ln in enumerate(lines) if b": " in ln and not ln.rstrip().endswith(b":")]
    if not cands:
        return d
    i = r.choice(cands)
    key = lines[i].split(b": ", 1)[0]
    lines[i] = key + b": " + r.choice(HOSTILE).encode("utf-8") + b"\n"
    return b"".join(lines)


MUTATIONS: list[Callable[[bytes, random.Random], bytes]] = [
    _delete_line, _junk_value, _indent, _truncate, _unicode, _huge, _dup_line, _bad_bytes, _swap_ids,
    _hostile_id, _hostile_value,
]


def mutate(files: dict[str, bytes], rng: random.Random, edits: int = 1) -> dict[str, bytes]:
    """A copy of ``files`` with ``edits`` random edits (sometimes a file deleted or added)."""
    out = dict(files)
    names = [n for n in out if n.endswith(".yaml")]
    for _ in range(edits):
        roll = rng.random()
        if roll < 0.03 and names:
            out.pop(rng.choice(names), None)
            names = [n for n in out if n.endswith(".yaml")]
            continue
        if roll < 0.06:
            out[f"units/{rng.choice(['x', 'county-amr', '..', 'Bad Unit'])}/{rng.choice(['notes.txt', 'unit.yaml', 'flows/a b.yaml'])}"] = rng.choice(JUNK).encode()
            continue
        name = rng.choice(names)
        data = out[name] or b"x"
        out[name] = rng.choice(MUTATIONS)(data, rng)
    return out
