"""In-place edits of YAML files that change nothing but the values asked for.

ruamel.yaml's round-trip parser gives the exact line and column of every key and value; the edit
itself is a surgical text change on the original text (the value token replaced, or a new
``key: value`` inserted after the mapping's last entry, or inside a flow mapping before its ``}``).
Comments, key order, quoting of other values, flow style, blank lines, CRLF line endings and a
UTF-8 BOM are therefore kept byte for byte. The result is parsed again (by ruamel.yaml and by the
reader lint uses) and must equal the original data with exactly the edits applied; otherwise a
``WriteError`` is raised and the file is left untouched. Files are written atomically.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import yaml as _pyyaml
from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import YAMLError as _RuamelError

from lfk.core.errors import WriteError
from lfk.core.fsutil import atomic_write
from lfk.loader.read import load_bytes

__all__ = ["Edit", "append_item", "append_item_text", "emit_scalar", "set_values", "set_values_text"]

Edit = tuple[tuple[Any, ...], object]
BOM = "\ufeff"
_BREAK = re.compile(r"\r\n|\r|\n|\x85|\u2028|\u2029")
_NULL_TOKENS = ("~", "null", "Null", "NULL")
_PLAIN_BAD_START = set("-?:,[]{}#&*!|>'\"%@`")


def _rt() -> YAML:
    y = YAML(typ="rt")
    y.allow_duplicate_keys = False
    return y


def set_values(path: Path, edits: Sequence[Edit]) -> bool:
    """Set scalar values at YAML paths in ``path`` (e.g. ``(("risks", 3, "grade"), "中")``).

    An existing value is replaced in place; a missing key is inserted after the mapping's last key
    (block mappings) or before the closing brace (flow mappings). Nothing else of the file changes.
    Returns False, without touching the file, when every value is already as asked. Raises
    ``WriteError`` (file untouched) when the file cannot be read, parsed or safely edited.
    """
    path = Path(path)
    try:
        raw = path.read_bytes()
    except OSError as e:
        raise WriteError(f"{path}: cannot read ({e.strerror}) / 无法读取") from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise WriteError(f"{path}: not UTF-8 / 不是 UTF-8 编码，未改动") from None
    new = set_values_text(text, edits, name=str(path))
    if new is None:
        return False
    atomic_write(path, new.encode("utf-8"))
    return True


def _parse_for_edit(text: str, name: str) -> tuple[str, str, Any]:
    """(BOM, body, ruamel data) of a file about to be edited; invalid YAML is a WriteError, nothing written."""
    bom = BOM if text.startswith(BOM) else ""
    body = text[len(bom):]
    try:
        return bom, body, _rt().load(body)
    except _RuamelError as e:
        raise WriteError(f"{name}: not valid YAML, nothing written / YAML 无效，未改动 ({str(e).splitlines()[0]})") from None


def set_values_text(text: str, edits: Sequence[Edit], *, name: str = "<text>") -> str | None:
    """``text`` with ``edits`` applied (see ``set_values``), or None when nothing changes."""
    bom, body, data = _parse_for_edit(text, name)
    wanted: dict[tuple[Any, ...], object] = {}
    for p, v in edits:
        wanted[tuple(p)] = v
    doc = _Doc(body)
    changes: list[tuple[int, int, str, int]] = []
    for seq, (p, value) in enumerate(wanted.items()):
        ch = doc.plan(data, p, value, name)
        if ch is not None:
            changes.append((ch[0], ch[1], ch[2], seq))
    if not changes:
        return None
    out = body
    # apply from the end; inserts at the same offset keep the order of the edits
    by_start: dict[tuple[int, int], list[tuple[str, int]]] = {}
    for start, end, repl, seq in changes:
        by_start.setdefault((start, end), []).append((repl, seq))
    for (start, end) in sorted(by_start, reverse=True):
        repl = "".join(r for r, _ in sorted(by_start[(start, end)], key=lambda x: x[1]))
        out = out[:start] + repl + out[end:]
    _verify(body, out, wanted, name)
    return bom + out


def append_item(path: Path, list_key: str, item: dict[str, object], *, header: str | None = None) -> None:
    """Append the mapping ``item`` (scalar values) to the top-level block list ``list_key`` of ``path``.

    The rest of the file is kept byte for byte; a missing file (or key) is started, with ``header``
    as comment lines. The result is parsed again and must equal the old data plus the item, otherwise
    ``WriteError`` (file untouched). Written atomically.
    """
    path = Path(path)
    try:
        text = path.read_bytes().decode("utf-8") if path.exists() else ""
    except (OSError, UnicodeDecodeError) as e:
        raise WriteError(f"{path}: cannot read as UTF-8 ({e}) / 无法读取，未改动") from None
    if not text and header:
        text = "".join(f"# {line}".rstrip() + "\n" for line in header.splitlines())
    atomic_write(path, append_item_text(text, list_key, item, name=str(path)).encode("utf-8"))


def append_item_text(text: str, list_key: str, item: dict[str, object], *, name: str = "<text>") -> str:
    """``text`` with ``item`` appended to its top-level list ``list_key`` (see ``append_item``)."""
    bom, body, data = _parse_for_edit(text, name)
    doc = _Doc(body)
    nl = doc.newline
    if data is None:
        data = CommentedMap()
    if not isinstance(data, CommentedMap):
        raise WriteError(f"{name}: the top level is not a mapping, nothing written / 顶层不是映射，未改动")
    seq = data.get(list_key)
    if list_key in data and not (isinstance(seq, CommentedSeq) and not _is_flow(seq)) and seq is not None:
        raise WriteError(f"{name}: `{list_key}` is not a block list, nothing written / 不是块状列表，未改动")
    indent = "  "
    if isinstance(seq, CommentedSeq) and len(seq):
        first = doc.line_text(seq.lc.item(0)[0])
        indent = first[:len(first) - len(first.lstrip())]
    lines = []
    for i, (k, v) in enumerate(item.items()):
        lead = indent + ("- " if i == 0 else "  ")
        lines.append(f"{lead}{_emit_key(k)}: {emit_scalar(v)}{nl}")
    block = "".join(lines)
    keys = list(data.keys())
    if list_key not in data:
        out = body + ("" if not body or body.endswith(("\n", "\r")) else nl) + f"{list_key}:{nl}" + block
    else:
        pos = keys.index(list_key)
        if pos + 1 < len(keys):
            at = doc.off(data.lc.key(keys[pos + 1])[0], 0)
        else:
            at = len(body)
        head = body[:at]
        if not head.endswith(("\n", "\r")):
            head += nl
        if seq is None:  # `key:` with no items yet
            head = head.rstrip() + nl if head.rstrip().endswith(":") else head
        out = head + block + body[at:]
    old = _plain(data)
    want = dict(old) if isinstance(old, dict) else {}
    want[list_key] = [*(want.get(list_key) or []), {k: _plain(v) for k, v in item.items()}]
    try:
        got = _plain(_rt().load(out))
    except _RuamelError:
        got = None
    if got != want:
        raise WriteError(f"{name}: the new record could not be added safely, nothing written / 无法安全写入，未改动")
    return bom + out


# -- planning one edit -------------------------------------------------------------------------------

class _Doc:
    """The text with a table of line starts (line breaks as ruamel.yaml counts them)."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.starts = [0] + [m.end() for m in _BREAK.finditer(text)]
        m = _BREAK.search(text)
        self.newline = m.group() if m else "\n"

    def off(self, line: int, col: int) -> int:
        """Absolute offset of 0-based (line, col)."""
        return self.starts[line] + col

    def line_end(self, line: int) -> int:
        """Offset of the end of ``line`` (before its line break)."""
        if line + 1 < len(self.starts):
            m = _BREAK.search(self.text, self.starts[line])
            return m.start() if m else len(self.text)
        return len(self.text)

    def line_text(self, line: int) -> str:
        return self.text[self.starts[line]:self.line_end(line)]

    def plan(self, data: Any, p: tuple[Any, ...], value: object, name: str) -> tuple[int, int, str] | None:
        if not p:
            raise WriteError(f"{name}: cannot replace the whole document / 不能替换整个文档")
        parent = data
        flow = False
        for part in p[:-1]:
            flow = flow or _is_flow(parent)
            try:
                parent = parent[part]
            except (KeyError, IndexError, TypeError):
                raise WriteError(f"{name}: no {'/'.join(map(str, p[:-1]))} to write into / 找不到写入位置") from None
        flow = flow or _is_flow(parent)
        key = p[-1]
        if isinstance(value, (dict, list, tuple)):
            raise WriteError(f"{name}: only scalar values can be written / 只能写入标量值")
        if isinstance(parent, CommentedMap):
            if key in parent:
                current = parent[key]
                if isinstance(current, (CommentedMap, CommentedSeq)):
                    raise WriteError(f"{name}: {'/'.join(map(str, p))} is not a scalar / 不是标量，未改动")
                if _same(current, value):
                    return None
                if current is None:
                    return self._fill_null(parent, key, value, flow, name)
                line, col = parent.lc.value(key)
                return self._replace(self.off(line, col), value, flow, name)
            if not len(parent):
                raise WriteError(f"{name}: cannot add a key to an empty mapping / 不能写入空映射")
            if _is_flow(parent):
                return self._insert_flow(parent, key, value, name)
            return self._insert_block(parent, key, value, name)
        if isinstance(parent, CommentedSeq) and isinstance(key, int) and 0 <= key < len(parent):
            current = parent[key]
            if isinstance(current, (CommentedMap, CommentedSeq)):
                raise WriteError(f"{name}: {'/'.join(map(str, p))} is not a scalar / 不是标量，未改动")
            if _same(current, value):
                return None
            line, col = parent.lc.item(key)
            return self._replace(self.off(line, col), value, flow or _is_flow(parent), name)
        raise WriteError(f"{name}: cannot write {'/'.join(map(str, p))} / 无法写入该位置")

    def _replace(self, start: int, value: object, flow: bool, name: str) -> tuple[int, int, str]:
        end, style = _token_end(self.text, start, flow)
        if end is None:
            raise WriteError(f"{name}: the value at offset {start} is not a one-line scalar / 不是单行标量，未改动")
        return start, end, emit_scalar(value, flow=flow, prefer=style)

    def _fill_null(self, parent: CommentedMap, key: Any, value: object, flow: bool, name: str) -> tuple[int, int, str]:
        kline, kcol = parent.lc.key(key)
        start = self.off(kline, kcol)
        kend, _ = _token_end(self.text, start, True, key=True)
        if kend is None:
            raise WriteError(f"{name}: cannot find the key `{key}` / 找不到键")
        i = kend
        while i < len(self.text) and self.text[i] in " \t":
            i += 1
        if i >= len(self.text) or self.text[i] != ":":
            raise WriteError(f"{name}: cannot find the colon after `{key}` / 找不到冒号")
        colon = i
        j = colon + 1
        while j < len(self.text) and self.text[j] in " \t":
            j += 1
        for tok in _NULL_TOKENS:
            after = j + len(tok)
            if self.text.startswith(tok, j) and (after >= len(self.text) or self.text[after] in " \t\r\n,}]#\x85\u2028\u2029"):
                return j, after, emit_scalar(value, flow=flow)
        return colon + 1, colon + 1, " " + emit_scalar(value, flow=flow)

    def _insert_block(self, parent: CommentedMap, key: Any, value: object, name: str) -> tuple[int, int, str]:
        keys = list(parent.keys())
        first_line, col = parent.lc.key(keys[0])
        last_line = parent.lc.key(keys[-1])[0]
        end = last_line
        for j in range(last_line + 1, len(self.starts)):
            lt = self.line_text(j)
            s = lt.strip()
            if not s or s.startswith("#"):
                continue
            indent = len(lt) - len(lt.lstrip(" "))
            if indent > col or (indent == col and s.startswith("- ") and isinstance(parent[keys[-1]], CommentedSeq)):
                end = j
            else:
                break
        newline = self.newline
        pos = self.line_end(end)
        line = " " * col + _emit_key(key) + ": " + emit_scalar(value, flow=False)
        if pos >= len(self.text) and end + 1 >= len(self.starts):  # last line, no trailing break
            return pos, pos, newline + line
        brk = _BREAK.match(self.text, pos)
        nl = brk.group() if brk else newline
        after = pos + len(nl)
        return after, after, line + nl

    def _insert_flow(self, parent: CommentedMap, key: Any, value: object, name: str) -> tuple[int, int, str]:
        start = self.off(parent.lc.line, parent.lc.col)
        if self.text[start:start + 1] != "{":
            raise WriteError(f"{name}: cannot find the flow mapping's brace / 找不到花括号")
        close = _matching_close(self.text, start)
        if close is None:
            raise WriteError(f"{name}: unbalanced flow mapping / 花括号不配对")
        i = close - 1
        while i > start and self.text[i] in " \t\r\n":
            i -= 1
        entry = _emit_key(key) + ": " + emit_scalar(value, flow=True)
        if self.text[i] == ",":
            return i + 1, i + 1, " " + entry
        return i + 1, i + 1, ", " + entry


def _is_flow(node: Any) -> bool:
    if isinstance(node, (CommentedMap, CommentedSeq)):
        try:
            return bool(node.fa.flow_style())
        except AttributeError:  # pragma: no cover
            return False
    return False


def _same(current: Any, value: object) -> bool:
    if isinstance(current, bool) or isinstance(value, bool):
        return type(current) is type(value) and current == value
    if isinstance(current, str) or isinstance(value, str):
        return isinstance(current, str) and isinstance(value, str) and str(current) == str(value)
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return isinstance(current, dt.date) and not isinstance(current, dt.datetime) and current == value
    return current is None and value is None or (current is not None and value is not None and current == value)


def _token_end(text: str, start: int, flow: bool, *, key: bool = False) -> tuple[int | None, str]:
    """End offset of the one-line scalar token at ``start`` and its style (plain, ' or ")."""
    n = len(text)
    if start >= n:
        return None, "plain"
    ch = text[start]
    if ch == "'":
        i = start + 1
        while i < n:
            c = text[i]
            if c == "'":
                if i + 1 < n and text[i + 1] == "'":
                    i += 2
                    continue
                return i + 1, "'"
            if c in "\r\n\x85\u2028\u2029":
                return None, "'"
            i += 1
        return None, "'"
    if ch == '"':
        i = start + 1
        while i < n:
            c = text[i]
            if c == "\\":
                i += 2
                continue
            if c == '"':
                return i + 1, '"'
            if c in "\r\n\x85\u2028\u2029":
                return None, '"'
            i += 1
        return None, '"'
    if ch in "|>[{&*!":
        return None, "plain"
    i = start
    last = start
    while i < n:
        c = text[i]
        if c in "\r\n\x85\u2028\u2029":
            break
        if c == "#" and i > start and text[i - 1] in " \t":
            break
        if c == ":" and (i + 1 >= n or text[i + 1] in " \t\r\n" or (flow and text[i + 1] in ",}]")):
            if key:
                return last, "plain"
            break
        if flow and c in ",}]":
            break
        if c not in " \t":
            last = i + 1
        i += 1
    return (last if last > start else None), "plain"


def _matching_close(text: str, start: int) -> int | None:
    """Offset of the bracket closing the flow collection opened at ``start``."""
    depth = 0
    i, n = start, len(text)
    while i < n:
        c = text[i]
        if c in "{[":
            depth += 1
        elif c in "}]":
            depth -= 1
            if depth == 0:
                return i
        elif c == "'" or c == '"':
            end, _ = _token_end(text, i, True)
            if end is None:
                return None
            i = end
            continue
        elif c == "#" and i > 0 and text[i - 1] in " \t\r\n":
            m = _BREAK.search(text, i)
            i = m.start() if m else n
            continue
        i += 1
    return None


# -- emitting scalars ---------------------------------------------------------------------------------

def _plain_ok(s: str, flow: bool) -> bool:
    """Whether ``s`` written plain reads back as the same string (YAML 1.1 and 1.2 readers alike)."""
    if not s or s != s.strip() or s[0] in _PLAIN_BAD_START:
        return False
    if any(c in s for c in "\r\n\t\x85\u2028\u2029\ufeff") or ": " in s or " #" in s or s.endswith(":"):
        return False
    if flow and any(c in s for c in ",[]{}"):
        return False
    if any(ord(c) < 0x20 or 0x7F <= ord(c) <= 0x9F for c in s):
        return False
    doc = ("{k: %s}" if flow else "k: %s") % s
    try:
        if _pyyaml.safe_load(doc) != {"k": s}:
            return False
        if dict(_rt().load(doc)) != {"k": s}:
            return False
    except Exception:  # noqa: BLE001 - anything odd: quote it
        return False
    return True


def _double_quoted(s: str) -> str:
    """A YAML double-quoted scalar; every non-printable character escaped."""
    out = []
    for c in s:
        o = ord(c)
        if c == "\\" or c == '"':
            out.append("\\" + c)
        elif c == "\n":
            out.append("\\n")
        elif c == "\t":
            out.append("\\t")
        elif o < 0x20 or 0x7F <= o <= 0x9F or c in "\u2028\u2029\ufeff" or 0xD800 <= o <= 0xDFFF:
            out.append(f"\\x{o:02x}" if o <= 0xFF else f"\\u{o:04x}")
        else:
            out.append(c)
    return '"' + "".join(out) + '"'


def emit_scalar(value: object, *, flow: bool = False, prefer: str = "plain") -> str:
    """``value`` as a YAML scalar token, quoted only when needed (or in the ``prefer``-ed quote style)."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    s = str(value)
    single_ok = all(0x20 <= ord(c) and not 0x7F <= ord(c) <= 0x9F and c not in "\u2028\u2029\ufeff"
                    and not 0xD800 <= ord(c) <= 0xDFFF for c in s)
    if prefer == "'" and single_ok:
        return "'" + s.replace("'", "''") + "'"
    if prefer == '"':
        return _double_quoted(s)
    if _plain_ok(s, flow):
        return s
    if single_ok:
        return "'" + s.replace("'", "''") + "'"
    return _double_quoted(s)


def _emit_key(key: Any) -> str:
    if isinstance(key, str) and re.fullmatch(r"[A-Za-z_][A-Za-z0-9_-]*", key) and _plain_ok(key, True):
        return key
    return emit_scalar(key, flow=True, prefer="'")


# -- verification -------------------------------------------------------------------------------------

def _plain(x: Any) -> Any:
    if isinstance(x, dict):
        return {k: _plain(v) for k, v in x.items()}
    if isinstance(x, list):
        return [_plain(v) for v in x]
    return x


def _assign(data: Any, p: tuple[Any, ...], value: object) -> None:
    cur = data
    for part in p[:-1]:
        cur = cur[part]
    cur[p[-1]] = value


def _verify(before: str, after: str, edits: dict[tuple[Any, ...], object], name: str) -> None:
    """The edited text must read (ruamel.yaml and lfk's reader) as the original with the edits applied."""
    try:
        old_rt, new_rt = _plain(_rt().load(before)), _plain(_rt().load(after))
    except _RuamelError as e:
        raise WriteError(f"{name}: the edit would break the YAML, nothing written / 修改会破坏 YAML，未改动 ({e})") from None
    old_rd = load_bytes(before.encode("utf-8"), name).data
    new_rd = load_bytes(after.encode("utf-8"), name).data
    for p, v in edits.items():
        for d in (old_rt, old_rd):
            try:
                _assign(d, p, v)
            except (KeyError, IndexError, TypeError):
                raise WriteError(f"{name}: cannot apply the edit {p} / 无法写入") from None
    if new_rt != old_rt or new_rd != old_rd:
        raise WriteError(f"{name}: the edit did not read back as intended, nothing written / 写入结果校验失败，未改动",
                         hint="the value may be a multi-line scalar or an alias; edit it by hand")
