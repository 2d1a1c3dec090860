"""Writing YAML: the canonical layout of register files, through ruamel.yaml's round-trip mode.

The canonical layout (``lfk fmt``, ``lfk import``):

- keys in the order REGISTER.md gives them (the order of the model's fields); keys the model does
  not know keep their relative order after the known ones; free mappings (``factors``, ``thresholds``)
  keep the author's order;
- two-space indentation, sequences indented under their key (``  - id: ...``);
- flow style for short value objects and short lists of scalars (``{days: 5, kind: 工作日}``,
  ``[P-case, P-legal]``, ``- {law: ..., article: ...}``), block style for register items
  (authorities, steps, risks, measures, tiers, approvals) and for anything that would not fit on
  a line of ``MAX_FLOW_WIDTH`` display columns;
- comments, blank lines and the quoting of scalars are kept. A collection holding comments keeps
  its style (flow style cannot hold them). Reordering moves each key's trailing comment with it.

Everything is idempotent: formatting formatted text gives the same text.
"""

from __future__ import annotations

import copy
import datetime as dt
import io
import types
import typing
import unicodedata
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel
from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import CommentMark, YAMLError
from ruamel.yaml.scalarstring import DoubleQuotedScalarString, LiteralScalarString
from ruamel.yaml.tokens import CommentToken

from lfk.core.errors import InputError
from lfk.core.fsutil import atomic_write
from lfk.model import AuthoritiesFile, Benchmark, Config, DispositionsFile, Flow, MeasuresFile, RisksFile, Unit
from lfk.model.base import TimeLimit
from lfk.model.config import Band, Escalation, Factor, Floor, Grading, LintSettings, Penalties, TaxonomyCategory
from lfk.model.items import Edge, Fine, LegalBasis, Post, Risk, Step

__all__ = [
    "MAX_FLOW_WIDTH", "canonicalize", "dump_new", "dump_rt", "format_text", "load_rt", "model_for_path",
    "quote_scalar", "to_node", "write_text",
]

MAX_FLOW_WIDTH = 110
# value objects written in flow style when short
FLOW_MODELS: tuple[type[BaseModel], ...] = (TimeLimit, Fine, LegalBasis, Post, Edge, Factor, Floor, Escalation,
                                            TaxonomyCategory, Band, Penalties)
# free mappings of scalars written in flow style when short: (model, field)
FLOW_DICT_FIELDS = {(Risk, "factors"), (Grading, "thresholds"), (LintSettings, "severity"), (Grading, "labels")}
FLOW_LIST_FIELDS = {(Step, "next")}
# key orders of REGISTER.md where they differ from the models' field order
KEY_ORDER: dict[type[BaseModel], tuple[str, ...]] = {
    Step: ("id", "name", "actor", "duty", "collective", "conditions", "time_limit", "promised", "supervision",
           "next", "end"),
}

_PATH_MODELS: dict[str, type[BaseModel]] = {
    "unit.yaml": Unit, "authorities.yaml": AuthoritiesFile, "risks.yaml": RisksFile, "measures.yaml": MeasuresFile,
    "dispositions.yaml": DispositionsFile,
}


def model_for_path(rel: str) -> type[BaseModel] | None:
    """The model of a register file from its path relative to the root (None: not a register file)."""
    parts = rel.replace("\\", "/").split("/")
    if parts == ["lfk.yaml"]:
        return Config
    if len(parts) == 2 and parts[0] == "flows" and parts[1].endswith(".yaml"):
        return Flow
    if len(parts) >= 3 and parts[0] == "units":
        sub = parts[2:]
        if len(sub) == 1:
            return _PATH_MODELS.get(sub[0])
        if len(sub) == 2 and sub[1].endswith(".yaml"):
            return {"flows": Flow, "benchmarks": Benchmark}.get(sub[0])
    return None


# -- ruamel set-up ----------------------------------------------------------------------------------
def _yaml() -> YAML:
    y = YAML(typ="rt")
    y.indent(mapping=2, sequence=4, offset=2)
    y.preserve_quotes = True
    y.width = 4096
    y.allow_unicode = True
    y.explicit_start = False
    return y


def load_rt(text: str, name: str = "<text>") -> Any:
    """Parse ``text`` in round-trip mode (comments kept); ``InputError`` when it is not valid YAML."""
    try:
        return _yaml().load(text)
    except YAMLError as e:
        raise InputError(f"{name}: not valid YAML / 不是有效的 YAML: {str(e).splitlines()[0] if str(e) else e}") from None
    except Exception as e:  # noqa: BLE001 - ruamel raises assorted errors on odd input
        raise InputError(f"{name}: cannot parse / 无法解析: {type(e).__name__}: {e}") from None


def dump_rt(doc: Any) -> str:
    """Serialise a round-trip document with the canonical settings."""
    buf = io.StringIO()
    _yaml().dump(doc, buf)
    text = buf.getvalue()
    if not text.endswith("\n"):
        text += "\n"
    return text


# -- types -----------------------------------------------------------------------------------------
def _unwrap(tp: Any) -> list[Any]:
    origin = typing.get_origin(tp)
    if origin in (typing.Union, types.UnionType):
        out: list[Any] = []
        for a in typing.get_args(tp):
            if a is not type(None):
                out.extend(_unwrap(a))
        return out
    if origin is typing.Annotated:
        return _unwrap(typing.get_args(tp)[0])
    return [tp]


def _model_in(tp: Any) -> type[BaseModel] | None:
    for t in _unwrap(tp):
        if isinstance(t, type) and issubclass(t, BaseModel):
            return t
    return None


def _container(tp: Any, kind: type) -> Any | None:
    """The item type of ``list[X]`` (kind=list) or the value type of ``dict[K, X]`` (kind=dict) in ``tp``."""
    for t in _unwrap(tp):
        origin = typing.get_origin(t)
        if origin is kind:
            args = typing.get_args(t)
            if not args:
                return Any
            return args[0] if kind is list else args[-1]
    return None


# -- comments and widths ---------------------------------------------------------------------------
def _has_comments(node: Any) -> bool:
    if isinstance(node, (CommentedMap, CommentedSeq)):
        ca = node.ca
        if ca.comment and any(ca.comment):
            return True
        if any(any(x is not None for x in (v or [])) for v in ca.items.values()):
            return True
        if getattr(ca, "end", None):
            return True
        values = node.values() if isinstance(node, CommentedMap) else node
        return any(_has_comments(v) for v in values)
    return False


def _width(s: str) -> int:
    return sum(2 if unicodedata.east_asian_width(c) in ("W", "F") else 1 for c in s)


def _scalar_text(v: Any) -> str:
    if v is None:
        return "null"
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, (dt.date, dt.datetime)):
        return v.isoformat()
    s = str(v)
    if isinstance(v, str) and (s == "" or any(c in s for c in ",[]{}:#") or s != s.strip()):
        return '"' + s + '"'
    return s


def _flow_text(node: Any) -> str | None:
    """The one-line flow rendering of ``node`` (approximate), or None when it cannot be one line."""
    if isinstance(node, dict):
        parts = []
        for k, v in node.items():
            t = _flow_text(v)
            if t is None:
                return None
            parts.append(f"{k}: {t}")
        return "{" + ", ".join(parts) + "}"
    if isinstance(node, list):
        parts = []
        for v in node:
            t = _flow_text(v)
            if t is None:
                return None
            parts.append(t)
        return "[" + ", ".join(parts) + "]"
    if isinstance(node, str) and "\n" in node:
        return None
    return _scalar_text(node)


def _is_scalar(v: Any) -> bool:
    return not isinstance(v, (dict, list))


# -- canonical layout ------------------------------------------------------------------------------
def canonicalize(node: Any, model: type[BaseModel] | None) -> Any:
    """Reorder keys and set collection styles of ``node`` (a round-trip document) in place; returns it."""
    _walk(node, model, None, indent=0)
    return node


def _split_token(m: CommentedMap, key: Any) -> tuple[Any, str, str] | None:
    """(token, end-of-line part, following full-line comments) of a scalar value's trailing comment."""
    entry = m.ca.items.get(key)
    if not entry or len(entry) < 3 or entry[2] is None or isinstance(m[key], (CommentedMap, CommentedSeq)):
        return None
    if any(x is not None for i, x in enumerate(entry) if i != 2):
        return None
    tok = entry[2]
    value = getattr(tok, "value", None)
    if not isinstance(value, str) or "\n" not in value:
        return None
    i = value.index("\n") + 1
    return tok, value[:i], value[i:]


def _reorder(m: CommentedMap, model: type[BaseModel], indent: int = 0) -> None:
    """Put the keys of ``m`` in the model's order; comments on their own lines stay before the key they precede."""
    order = KEY_ORDER.get(model, ())
    fields = list(order) + [f for f in model.model_fields if f not in order]
    rank = {k: i for i, k in enumerate(fields)}
    keys = list(m.keys())
    wanted = sorted(keys, key=lambda k: (rank.get(k, len(fields)), keys.index(k)))
    if wanted == keys:
        return
    # comment lines after key i's value stand before key i+1 (or at the end of the mapping)
    leads: list[tuple[Any, str, Any]] = []  # (key that precedes it now, lead text, key it precedes / None: end)
    for i, k in enumerate(keys):
        got = _split_token(m, k)
        if got is None or not got[2]:
            continue
        tok, eol, lead = got
        leads.append((k, lead, keys[i + 1] if i + 1 < len(keys) else None))
        tok.value = eol
    saved = dict(m.ca.items)
    lookup = {k: m[k] for k in keys}
    for k in keys:
        m.pop(k)
    for k in wanted:
        m[k] = lookup[k]
    m.ca.items.clear()
    m.ca.items.update(saved)
    for owner, lead, before in leads:
        if before is not None and wanted.index(before) > 0:
            # a comment standing before a key that is not first: the key's own "before" slot
            lines = [line.strip() for line in lead.split("\n")[:-1]]
            body = "".join(((" " * indent if i else "") + line if line else "") + "\n" for i, line in enumerate(lines))
            tok = CommentToken(body, CommentMark(indent))
            entry = m.ca.items.setdefault(before, [None, None, None, None])
            entry[1] = (entry[1] or []) + [tok]
            continue
        target = wanted[-1] if before is None else owner
        if isinstance(m[target], (CommentedMap, CommentedSeq)) or (
                target in m.ca.items and m.ca.items[target][2] is not None and _split_token(m, target) is None):
            target = owner  # nowhere better: the comment stays with the key it followed
        entry = m.ca.items.get(target)
        if entry is not None and len(entry) > 2 and entry[2] is not None:
            entry[2].value = entry[2].value + lead
        else:
            tok = copy.copy(saved[owner][2])
            tok.value = "\n" + lead
            m.ca.items[target] = [None, None, tok, None]
    for k in keys:  # drop tokens left holding nothing
        entry = m.ca.items.get(k)
        if entry is not None and len(entry) > 2 and entry[2] is not None and entry[2].value == "\n" and not any(
                x is not None for i, x in enumerate(entry) if i != 2):
            del m.ca.items[k]


def _set_style(node: CommentedMap | CommentedSeq, flow: bool, indent: int, key_width: int) -> None:
    """Flow style when ``flow`` and it fits and holds no comments; block style otherwise."""
    if _has_comments(node):
        return  # comments pin the author's layout
    if flow:
        text = _flow_text(node)
        if text is not None and indent + key_width + _width(text) <= MAX_FLOW_WIDTH:
            node.fa.set_flow_style()
            return
    if len(node) == 0:
        node.fa.set_flow_style()  # an empty collection is written [] / {}
        return
    node.fa.set_block_style()


def _walk(node: Any, model: type[BaseModel] | None, hint: Any, indent: int, flow_pref: bool | None = None,
          key_width: int = 0) -> None:
    """Canonicalise ``node`` given its model (or raw type ``hint``)."""
    if isinstance(node, CommentedMap):
        if model is not None:
            _reorder(node, model, indent)
            for k, v in node.items():
                f = model.model_fields.get(k) if isinstance(k, str) else None
                if f is None:
                    continue  # unknown key: leave it as the author wrote it
                sub_model = _model_in(f.annotation)
                inner_flow = None
                if isinstance(v, CommentedMap) and (model, k) in FLOW_DICT_FIELDS:
                    inner_flow = True
                elif isinstance(v, CommentedSeq) and (model, k) in FLOW_LIST_FIELDS:
                    inner_flow = True
                _walk(v, sub_model if isinstance(v, CommentedMap) else None, f.annotation, indent + 2, inner_flow,
                      _width(str(k)) + 2)
            flow = model in FLOW_MODELS if flow_pref is None else flow_pref
            if indent > 0 or flow:
                _set_style(node, flow and all(_is_scalar(v) or isinstance(v, list) for v in node.values()),
                           indent, key_width)
            return
        if hint is not None:
            vt = _container(hint, dict)
            if vt is not None:
                sub_model = _model_in(vt)
                for k, v in node.items():
                    if isinstance(v, (CommentedMap, CommentedSeq)):
                        _walk(v, sub_model if isinstance(v, CommentedMap) else None, vt, indent + 2,
                              True if (sub_model is None and isinstance(v, CommentedMap)) else None,
                              _width(str(k)) + 2)
                if flow_pref:
                    _set_style(node, all(_is_scalar(v) for v in node.values()), indent, key_width)
                elif indent > 0:
                    _set_style(node, False, indent, key_width)
        return
    if isinstance(node, CommentedSeq):
        item_tp = _container(hint, list) if hint is not None else None
        if item_tp is None:
            return  # unknown list: as written
        item_model = _model_in(item_tp)
        for v in node:
            if isinstance(v, CommentedMap):
                _walk(v, item_model, item_tp, indent + 2, True if flow_pref else None, 2)
            elif isinstance(v, CommentedSeq):
                _walk(v, None, item_tp, indent + 2, None, 2)
        scalars = all(_is_scalar(v) for v in node)
        if flow_pref:
            can = all(_is_scalar(v) or (isinstance(v, CommentedMap) and all(_is_scalar(x) for x in v.values()))
                      for v in node)
            _set_style(node, can, indent, key_width)
        else:
            _set_style(node, scalars, indent, key_width)


def format_text(text: str, rel: str, model: type[BaseModel] | None = None) -> str:
    """``text`` in the canonical layout (the model is chosen from ``rel`` unless given)."""
    doc = load_rt(text, rel)
    if doc is None:
        return text
    canonicalize(doc, model if model is not None else model_for_path(rel))
    return dump_rt(doc)


# -- new content -----------------------------------------------------------------------------------
_PYYAML_RESOLVER = yaml.resolver.Resolver()


def _plain_is_str(s: str) -> bool:
    """Whether PyYAML (the reader of every lfk command) reads ``s`` written plain as text."""
    tag = _PYYAML_RESOLVER.resolve(yaml.nodes.ScalarNode, s, (True, False))
    return tag == "tag:yaml.org,2002:str"


def _scalar_node(v: Any) -> Any:
    if isinstance(v, str):
        if "\n" in v.strip("\n") and not any(line != line.rstrip() for line in v.split("\n")):
            return LiteralScalarString(v)
        if not _plain_is_str(v) or v != v.strip() or v == "" or "\n" in v:
            return DoubleQuotedScalarString(v)
        return v
    if isinstance(v, float) and v.is_integer() and abs(v) < 1e15:
        return int(v)
    return v


def quote_scalar(value: Any) -> str:
    """``value`` as a YAML scalar for a template: plain when PyYAML reads it back as the same text, else quoted."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return str(value)
    s = str(value)
    if (s and s == s.strip() and "\n" not in s and _plain_is_str(s) and not any(c in s for c in ":#{}[],&*!|>'\"%@`")
            and not s.startswith(("-", "?"))):
        return s
    import json

    return json.dumps(s, ensure_ascii=False)


def to_node(data: Any) -> Any:
    """Plain data (dicts, lists, scalars) as round-trip nodes ready to canonicalise and dump."""
    if isinstance(data, BaseModel):
        data = data.model_dump(mode="python", exclude_defaults=True)
    if isinstance(data, dict):
        m = CommentedMap()
        for k, v in data.items():
            if v is None:
                continue
            m[k] = to_node(v)
        return m
    if isinstance(data, (list, tuple)):
        s = CommentedSeq()
        for v in data:
            s.append(to_node(v))
        return s
    return _scalar_node(data)


def dump_new(data: Any, model: type[BaseModel] | None, header: str | None = None) -> str:
    """A new file from plain data in the canonical layout; ``header`` becomes leading ``#`` comment lines."""
    node = to_node(data)
    canonicalize(node, model)
    text = dump_rt(node)
    if header:
        lines = "".join(f"# {line}".rstrip() + "\n" for line in header.splitlines())
        text = lines + text
    return text


def write_text(path: Path, text: str) -> None:
    """Write YAML text atomically (UTF-8)."""
    atomic_write(Path(path), text)
