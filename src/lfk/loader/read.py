"""Fast, safe reading of YAML files into plain data, with each node's line and column kept beside it.

PyYAML's C composer (libyaml) builds nodes that carry marks; a small walker turns them into dicts,
lists and scalars and records positions by *path* (a tuple of keys and indexes from the document
root). Tags are never constructed: any tag outside YAML's core schema is refused (LFK004). Alias
expansion is bounded by the file's size, so a "billion laughs" file is refused at once. Duplicate
keys are reported at the duplicate (LFK002).
"""

from __future__ import annotations

import gc
import marshal
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from yaml.constructor import SafeConstructor
from yaml.nodes import MappingNode, ScalarNode, SequenceNode

from lfk.core.finding import Finding, Severity
from lfk.core.i18n import T, Text
from lfk.loader import fast

try:  # the C composer; pure Python only where libyaml is missing
    from yaml import CSafeLoader as _Loader

    HAVE_LIBYAML = True
except ImportError:  # pragma: no cover - every supported platform ships the wheel with libyaml
    from yaml import SafeLoader as _Loader  # type: ignore[assignment]

    HAVE_LIBYAML = False

Path_ = tuple[Any, ...]
Pos = tuple[int, int]

MAX_DEPTH = 200
_CORE = "tag:yaml.org,2002:"
_STR, _INT, _FLOAT, _BOOL, _NULL = (_CORE + t for t in ("str", "int", "float", "bool", "null"))
_TIMESTAMP, _MAP, _SEQ, _MERGE = (_CORE + t for t in ("timestamp", "map", "seq", "merge"))
_SCALAR_TAGS = {_STR, _INT, _FLOAT, _BOOL, _NULL, _TIMESTAMP}
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\x80-\x84\x86-\x9f]")
_IGNORE = re.compile(r"#\s*lfk:\s*ignore\[([^\]]*)\]\s*(.*?)\s*$")
_IGNORE_START = re.compile(r"#\s*lfk:\s*ignore\[")
# control characters a text value may hold once YAML escapes ("\e", "\a", "\r", "\x85"...) are decoded:
# all of C0 but tab and line feed, DEL, C1, and the Unicode line and paragraph separators (LFK008)
_CONTROL_TEXT = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029]")
_constructor = SafeConstructor()
_SCALAR_BUILDERS = {
    _INT: _constructor.construct_yaml_int,
    _FLOAT: _constructor.construct_yaml_float,
    _BOOL: _constructor.construct_yaml_bool,
    _NULL: _constructor.construct_yaml_null,
    _TIMESTAMP: _constructor.construct_yaml_timestamp,
}


@dataclass(slots=True)
class Suppression:
    """An ``# lfk: ignore[CODE,...] reason`` comment applying to ``line``."""

    line: int
    column: int
    codes: tuple[str, ...]
    reason: str
    used: bool = False


UNREADABLE = frozenset({"LFK001", "LFK003", "LFK004", "LFK006"})
"""Reading errors after which a file has no data at all (cannot read, bad YAML, refused tag or depth, too big)."""


@dataclass(slots=True)
class LoadedFile:
    """One parsed file: its data, the position of every node, and what went wrong reading it.

    ``data`` is ``None`` when the file could not be parsed. ``pos[path]`` is the (line, column) of the
    value at ``path``; ``keypos[path]`` that of its key in the parent mapping (1-based).
    """

    rel: str
    data: Any = None
    pos: dict[Path_, Pos] = field(default_factory=dict)
    keypos: dict[Path_, Pos] = field(default_factory=dict)
    findings: list[Finding] = field(default_factory=list)
    suppressions: dict[int, list[Suppression]] = field(default_factory=dict)
    size: int = 0
    dates: list[Path_] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """True when the file parsed into data."""
        return self.data is not None and not any(f.severity is Severity.ERROR for f in self.findings)

    @property
    def unreadable(self) -> bool:
        """True when the file could not be parsed at all (no data and a reading error: ``UNREADABLE``)."""
        return self.data is None and any(f.code in UNREADABLE for f in self.findings)

    def for_lines_later(self) -> LoadedFile | None:
        """What to keep for looking lines up later, without the data: this file's positions while they are
        still to be computed (the fast path keeps only the bytes); None when they are at hand (look up now)."""
        if isinstance(self.pos, fast.Positions) and self.pos.pending:
            return LoadedFile(self.rel, None, self.pos, self.keypos, size=self.size)
        return None

    def loc(self, path: Path_ = (), *, key: bool = True) -> Pos:
        """Where ``path`` is in the file: its key when ``key`` and it has one, else its value.

        A path that does not exist (a missing field) falls back to its nearest existing parent.
        """
        p = tuple(path)
        while True:
            if key and p in self.keypos:
                return self.keypos[p]
            if p in self.pos:
                return self.pos[p]
            if not p:
                return (1, 1)
            p = p[:-1]

    def get(self, path: Path_, default: Any = None) -> Any:
        """The raw value at ``path`` or ``default``."""
        cur = self.data
        for part in path:
            try:
                cur = cur[part]
            except (KeyError, IndexError, TypeError):
                return default
        return cur

    def error(self, code: str, line: int, column: int, message: Text, hint: Text | None = None) -> None:
        """Record a reading error."""
        self.findings.append(Finding(code, Severity.ERROR, self.rel, line, column, message, hint))


class _Abort(Exception):
    """Stops the walk after a fatal finding (LFK004) has been recorded."""


def load_file(path: Path, rel: str, *, max_bytes: int | None = None) -> LoadedFile:
    """Read and parse ``path``; ``rel`` is how findings name it. Never raises for bad content."""
    try:
        raw = path.read_bytes()
    except OSError as e:
        lf = LoadedFile(rel)
        lf.error("LFK001", 1, 1, T(f"无法读取文件：{e.strerror}", f"cannot read the file: {e.strerror}"))
        return lf
    return load_bytes(raw, rel, max_bytes=max_bytes)


def load_bytes(raw: bytes, rel: str, *, max_bytes: int | None = None) -> LoadedFile:
    """Parse YAML ``raw`` bytes (see module doc). ``max_bytes`` bounds the size (LFK006)."""
    lf = LoadedFile(rel, size=len(raw))
    if max_bytes is not None and len(raw) > max_bytes:
        lf.error(
            "LFK006", 1, 1,
            T(f"文件过大：{len(raw) / 1048576:.1f} MiB，超过上限 {max_bytes / 1048576:g} MiB",
              f"the file is {len(raw) / 1048576:.1f} MiB, over the bound of {max_bytes / 1048576:g} MiB"),
            T("请拆分文件，或在 lfk.yaml 的 lint.max_file_mb 中调整上限",
              "split the file, or raise lint.max_file_mb in lfk.yaml"),
        )
        return lf
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as e:
        _report_encoding(lf, raw, e)
        return lf
    m = _CONTROL.search(text)
    if m:
        line = text.count("\n", 0, m.start()) + 1
        col = m.start() - (text.rfind("\n", 0, m.start()) + 1) + 1
        lf.error(
            "LFK003", line, col,
            T(f"文件含有控制字符 U+{ord(m.group()):04X}", f"the file holds the control character U+{ord(m.group()):04X}"),
            T("请删除该字符（常见于从其他系统复制粘贴的文本）", "delete it (it often comes with text pasted from other systems)"),
        )
        return lf
    if fast.ENABLED:  # (a file with "lfk:" comments, as any it cannot be sure of, goes to PyYAML's path)
        data = fast.load(text)
        if data is not fast.MISS:  # positions only when one is looked up (a finding): by the PyYAML path
            lf.data, lf.dates = data, fast.Dates(data)
            lf.pos, lf.keypos = fast.lazy_positions(raw, _positions)
            return lf
    return _compose(lf, raw, text)


def _positions(raw: bytes) -> tuple[dict[Path_, Pos], dict[Path_, Pos]]:
    """(pos, keypos) of ``raw`` (UTF-8 without a BOM) by the PyYAML path."""
    lf = _compose(LoadedFile(""), raw, raw.decode("utf-8"))
    return lf.pos, lf.keypos


def _compose(lf: LoadedFile, raw: bytes, text: str) -> LoadedFile:
    """The PyYAML path: compose ``raw`` with libyaml, walk the nodes into ``lf`` with positions."""
    candidates = _suppression_candidates(text) if "lfk:" in text else []
    enabled = gc.isenabled()
    gc.disable()
    try:
        node = yaml.compose(raw, Loader=_Loader)
    except yaml.MarkedYAMLError as e:
        _scan_suppressions(lf, text, candidates, set())
        mark = e.problem_mark or e.context_mark
        line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        problem = " ".join(str(x) for x in (e.context, e.problem) if x)
        lf.error("LFK001", line, col, T(f"YAML 语法错误：{problem}", f"invalid YAML: {problem}"),
                 T("请检查该处的缩进、冒号、引号和括号是否成对", "check indentation, colons, quotes and brackets there"))
        return lf
    except yaml.YAMLError as e:
        _scan_suppressions(lf, text, candidates, set())
        lf.error("LFK001", 1, 1, T(f"YAML 语法错误：{e}", f"invalid YAML: {e}"))
        return lf
    except RecursionError:
        lf.error("LFK004", 1, 1, T("YAML 嵌套过深", "YAML nested too deeply"))
        return lf
    finally:
        if enabled:
            gc.enable()
    if node is None:
        _scan_suppressions(lf, text, candidates, set())
        lf.data = None
        return lf
    if enabled:
        gc.disable()
    walker = _Walker(lf, budget=len(raw) + 1000, watch=candidates)
    try:
        lf.data = walker.walk(node)
    except _Abort:
        lf.data = None
    finally:
        if enabled:
            gc.enable()
    _scan_suppressions(lf, text, candidates, walker.inside)
    return lf


def _report_encoding(lf: LoadedFile, raw: bytes, e: UnicodeDecodeError) -> None:
    line = raw.count(b"\n", 0, e.start) + 1
    col = e.start - (raw.rfind(b"\n", 0, e.start) + 1) + 1
    try:
        raw.decode("gb18030")
        looks_gbk = True
    except UnicodeDecodeError:
        looks_gbk = False
    if looks_gbk:
        hint = T("文件看起来是 GBK/GB18030 编码（Excel 导出常见），请用“另存为 UTF-8”重新保存，"
                 "或运行 iconv -f GBK -t UTF-8",
                 "the file looks GBK/GB18030-encoded (common in Excel exports): save it again as UTF-8, "
                 "e.g. iconv -f GBK -t UTF-8")
    else:
        hint = T("请将文件另存为 UTF-8 编码", "save the file as UTF-8")
    if looks_gbk:
        msg = T("文件不是 UTF-8 编码（看起来是 GBK/GB18030）", "the file is not UTF-8 (it looks GBK/GB18030-encoded)")
    else:
        msg = T("文件不是 UTF-8 编码", "the file is not UTF-8")
    lf.error("LFK003", line, col, msg, hint)


def _suppression_candidates(text: str) -> list[tuple[int, int]]:
    """(line, column), 0-based, of every ``# lfk: ignore[`` in ``text``: comments, or text inside a value."""
    out = []
    for i, line in enumerate(text.splitlines()):
        if "lfk:" in line:
            out += [(i, m.start()) for m in _IGNORE_START.finditer(line)]
    return out


def _scan_suppressions(lf: LoadedFile, text: str, candidates: list[tuple[int, int]],
                       inside: set[tuple[int, int]]) -> None:
    """Record the suppression comments: ``candidates`` except those ``inside`` a scalar (quoted text,
    block scalars, plain text with a ``#`` not after a space): data, never a comment."""
    if not candidates:
        return
    first: dict[int, int] = {}
    for line0, col0 in candidates:
        if (line0, col0) not in inside and line0 not in first:
            first[line0] = col0
    pending: list[Suppression] = []
    for i, line in enumerate(text.splitlines(), start=1):
        col0 = first.get(i - 1)
        m = _IGNORE.match(line, col0) if col0 is not None else None
        stripped = line.strip()
        if m:
            codes = tuple(c.strip().upper() for c in m.group(1).split(",") if c.strip())
            sup = Suppression(i, m.start() + 1, codes, m.group(2).strip())
            lf.suppressions.setdefault(i, []).append(sup)
            if stripped.startswith("#"):
                pending.append(sup)  # a comment on its own line applies to the next line too
                continue
        if pending and stripped and not stripped.startswith("#"):
            lf.suppressions.setdefault(i, []).extend(pending)
            pending = []


class _Walker:
    """Turns composed nodes into plain data, recording positions; bounded in nodes and depth."""

    __slots__ = ("lf", "budget", "pos", "keypos", "watch", "inside", "controls")

    def __init__(self, lf: LoadedFile, budget: int, watch: list[tuple[int, int]] | None = None) -> None:
        self.lf = lf
        self.budget = budget
        self.pos = lf.pos
        self.keypos = lf.keypos
        self.watch = watch or []  # positions of "# lfk: ignore[" to test against scalar spans
        self.inside: set[tuple[int, int]] = set()
        self.controls = 0

    def _text(self, node: Any, value: str) -> None:
        """Checks on a text scalar (value or key): a suppression look-alike inside it, control characters."""
        if self.watch:
            sm, em = node.start_mark, node.end_mark
            start, end = (sm.line, sm.column), (em.line, em.column)
            for p in self.watch:
                if start <= p < end:
                    self.inside.add(p)
        if self.controls < 20:  # one finding per value, at most 20 a file
            m = _CONTROL_TEXT.search(value)
            if m:
                self.controls += 1
                mark = node.start_mark
                # recorded as a warning, so the file still serves every command (its text is shown
                # escaped); lint reports it at the rule's severity (error)
                self.lf.findings.append(Finding(
                    "LFK008", Severity.WARNING, self.lf.rel, mark.line + 1, mark.column + 1,
                    T(f"文字中含有控制字符 U+{ord(m.group()):04X}（由 YAML 转义写成）",
                      f"the text holds the control character U+{ord(m.group()):04X} (written as a YAML escape)"),
                    T("请删除该转义（如 \\e、\\a、\\r、\\x1b）；换行请用块标量 |",
                      "delete the escape (such as \\e, \\a, \\r, \\x1b); for line breaks use a block scalar |")))

    def fatal(self, node: Any, message: Text, hint: Text | None = None) -> None:
        mark = node.start_mark
        self.lf.error("LFK004", mark.line + 1, mark.column + 1, message, hint)
        raise _Abort

    def walk(self, node: Any) -> Any:
        return self._node(node, (), 0)

    def _node(self, node: Any, path: Path_, depth: int) -> Any:
        self.budget -= 1
        if self.budget < 0:
            self.fatal(node, T("别名（alias）展开超过上限，疑似“billion laughs”攻击，已拒绝读取",
                               "alias expansion exceeds the bound (a \"billion laughs\" file); refused"),
                       T("请不要用锚点和别名（& 和 *）重复大量内容", "do not repeat content through anchors and aliases (& and *)"))
        mark = node.start_mark
        self.pos[path] = (mark.line + 1, mark.column + 1)
        cls = node.__class__
        tag = node.tag
        if cls is ScalarNode:
            if tag == _STR:
                value = node.value
                if self.watch or not value.isprintable():
                    self._text(node, value)
                return value
            builder = _SCALAR_BUILDERS.get(tag)
            if builder is None:
                self._bad_tag(node)
            try:
                value = builder(node)
            except (ValueError, OverflowError, yaml.YAMLError):
                return node.value
            if tag == _TIMESTAMP:
                self.lf.dates.append(path)
            return value
        if depth > MAX_DEPTH:
            self.fatal(node, T(f"YAML 嵌套超过 {MAX_DEPTH} 层", f"YAML nested deeper than {MAX_DEPTH} levels"))
        if cls is SequenceNode:
            if tag != _SEQ:
                self._bad_tag(node)
            out = []
            append = out.append
            for i, child in enumerate(node.value):
                append(self._node(child, path + (i,), depth + 1))
            return out
        if cls is MappingNode:
            if tag != _MAP:
                self._bad_tag(node)
            return self._mapping(node, path, depth)
        self._bad_tag(node)  # pragma: no cover

    def _mapping(self, node: Any, path: Path_, depth: int) -> dict[str, Any]:
        out: dict[str, Any] = {}
        merges = []
        for knode, vnode in node.value:
            if knode.__class__ is not ScalarNode:
                mark = knode.start_mark
                self.lf.error("LFK001", mark.line + 1, mark.column + 1,
                              T("键必须是简单的文字，不能是列表或映射", "a key must be plain text, not a list or mapping"))
                continue
            if knode.tag == _MERGE:
                merges.append(vnode)
                continue
            if knode.tag not in _SCALAR_TAGS:
                self._bad_tag(knode)
            key = knode.value
            if self.watch or not key.isprintable():
                self._text(knode, key)
            kmark = knode.start_mark
            if key in out:
                first = self.keypos.get(path + (key,), (0, 0))[0]
                self.lf.error(
                    "LFK002", kmark.line + 1, kmark.column + 1,
                    T(f"键 `{key}` 重复（第 {first} 行已有）", f"the key `{key}` repeats (first on line {first})"),
                    T("请删除或合并重复的键；YAML 只保留其中一个值", "delete or merge one of them: YAML keeps only one value"),
                )
                continue
            sub = path + (key,)
            self.keypos[sub] = (kmark.line + 1, kmark.column + 1)
            out[key] = self._node(vnode, sub, depth + 1)
        for m in merges:  # YAML merge keys (<<): explicit keys win
            sources = m.value if m.__class__ is SequenceNode else [m]
            for src in sources:
                if src.__class__ is not MappingNode:
                    self.fatal(src, T("合并键 << 只能合并映射", "a merge key << takes mappings only"))
                self._merge(src, path, depth, out)
        return out

    def _merge(self, src: Any, path: Path_, depth: int, out: dict[str, Any]) -> None:
        """Merge the mapping ``src`` into ``out``: only keys not there yet, with their positions and
        dates (so an explicit key keeps its own position, and every recorded date path holds a date)."""
        lf = self.lf
        saved = (self.pos, self.keypos, lf.dates)
        self.pos, self.keypos, lf.dates = {}, {}, []
        try:
            sub = self._mapping(src, path, depth + 1)
        finally:
            pos, keypos, dates = self.pos, self.keypos, lf.dates
            self.pos, self.keypos, lf.dates = saved
        n = len(path)
        taken = {k for k in sub if k not in out}
        for k in taken:
            out[k] = sub[k]
        for new, table in ((pos, self.pos), (keypos, self.keypos)):
            for p, v in new.items():
                if p[n] in taken:
                    table[p] = v
        lf.dates.extend(p for p in dates if p[n] in taken)

    def _bad_tag(self, node: Any) -> None:
        tag = str(node.tag)
        shown = "!!" + tag[len(_CORE):] if tag.startswith(_CORE) else tag
        self.fatal(node, T(f"不安全或未知的 YAML 标签 `{shown}`，已拒绝（不会执行）",
                           f"unsafe or unknown YAML tag `{shown}` refused (never executed)"),
                   T("请删除该标签，只写普通的文字、数字、列表和映射",
                     "remove the tag: registers hold plain text, numbers, lists and mappings"))


# -- cache form ------------------------------------------------------------------------------------
def to_cache(lf: LoadedFile) -> bytes | None:
    """``lf`` as marshal bytes (dates as ISO text, findings and suppressions as tuples); None if it cannot be."""
    data = lf.data
    saved = []
    if data is None:
        lf.dates.clear()
    for p in lf.dates:
        parent = data
        for part in p[:-1]:
            parent = parent[part]
        value = parent[p[-1]]
        saved.append((p, value))
        parent[p[-1]] = value.isoformat()
    try:
        findings = [(f.code, f.severity.value, f.line, f.column, f.message.zh, f.message.en,
                     f.hint.zh if f.hint else None, f.hint.en if f.hint else None) for f in lf.findings]
        sups = [(line, s.line, s.column, s.codes, s.reason) for line, items in lf.suppressions.items() for s in items]
        pos: Any = lf.pos
        keypos: Any = lf.keypos
        if isinstance(pos, fast.Positions):  # fast path: the source stands for positions not computed yet
            pos, keypos = (pos.source, None) if pos.pending else (pos.plain(), keypos.plain())
        return marshal.dumps((data, pos, keypos, findings, sups, lf.size,
                              [(p, type(v).__name__) for p, v in saved]))
    except ValueError:
        return None
    finally:
        for p, value in saved:
            parent = data
            for part in p[:-1]:
                parent = parent[part]
            parent[p[-1]] = value


def from_cache(payload: bytes, rel: str) -> LoadedFile | None:
    """Rebuild a ``LoadedFile`` from ``to_cache`` bytes (None when they do not fit)."""
    import datetime as dt

    try:
        data, pos, keypos, findings, sups, size, dates = marshal.loads(payload)
    except (EOFError, ValueError, TypeError):
        return None
    if isinstance(pos, bytes):
        pos, keypos = fast.lazy_positions(pos, _positions)
    lf = LoadedFile(rel, data, pos, keypos, size=size)
    for p, kind in dates:
        parent = data
        for part in p[:-1]:
            parent = parent[part]
        text = parent[p[-1]]
        parent[p[-1]] = dt.datetime.fromisoformat(text) if kind == "datetime" else dt.date.fromisoformat(text)
        lf.dates.append(p)
    for code, sev, line, col, zh, en, hzh, hen in findings:
        lf.findings.append(Finding(code, Severity(sev), rel, line, col, Text(zh, en), Text(hzh, hen) if hzh is not None else None))
    by_id: dict[tuple[int, int], Suppression] = {}
    for applies, line, col, codes, reason in sups:
        sup = by_id.setdefault((line, col), Suppression(line, col, tuple(codes), reason))
        lf.suppressions.setdefault(applies, []).append(sup)
    return lf
