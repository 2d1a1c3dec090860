"""The file-format reference (docs/format.md), generated from the models: every field of every file kind.

Each field gets its key, Chinese name, meaning, type and default; fields REGISTER.md does not define (lfk's
additions to the contract) are marked, so the reference is also the list of what lfk adds. ``markdown(spec)``
takes REGISTER.md's text to tell them apart (``None``: nothing marked). ``make docs`` writes the file; a meta
test keeps it current.
"""

from __future__ import annotations

import re
import types
import typing
from typing import Any

from pydantic import BaseModel

from lfk.model import FILE_KINDS

FILE_NAMES = {
    "lfk": "lfk.yaml", "unit": "units/<id>/unit.yaml", "authorities": "units/<id>/authorities.yaml",
    "flow": "flows/<id>.yaml, units/<id>/flows/<id>.yaml", "risks": "units/<id>/risks.yaml",
    "measures": "units/<id>/measures.yaml", "benchmark": "units/<id>/benchmarks/<authority>.yaml",
    "dispositions": "units/<id>/dispositions.yaml",
}


def _type_name(tp: Any) -> str:
    origin = typing.get_origin(tp)
    args = typing.get_args(tp)
    if origin is typing.Literal:
        return " | ".join(str(a) for a in args)
    if origin in (typing.Union, types.UnionType):
        parts = [_type_name(a) for a in args if a is not type(None)]
        return " or ".join(parts)
    if origin in (list, tuple, set):
        return f"list of {_type_name(args[0])}" if args else "list"
    if origin is dict:
        return f"map {_type_name(args[0])} → {_type_name(args[1])}" if args else "map"
    if isinstance(tp, type) and issubclass(tp, BaseModel):
        return tp.__name__
    return getattr(tp, "__name__", str(tp))


def _models(root: type[BaseModel]) -> list[type[BaseModel]]:
    """``root`` and every model its fields use, in first-use order."""
    seen: list[type[BaseModel]] = []

    def visit(tp: Any) -> None:
        if isinstance(tp, type) and issubclass(tp, BaseModel):
            if tp in seen:
                return
            seen.append(tp)
            for f in tp.model_fields.values():
                visit(f.annotation)
            return
        for a in typing.get_args(tp):
            visit(a)

    visit(root)
    return seen


def _in_spec(key: str, spec: str) -> bool:
    return re.search(rf"(?<![\w-]){re.escape(key)}(?=\s*:|`)", spec) is not None


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def markdown(spec: str | None) -> str:
    """The reference as Markdown; fields not in ``spec`` (REGISTER.md's text) are marked **lfk**."""
    out = ["# File format reference", "",
           "Generated from lfk's models (`make docs`); the contract is REGISTER.md. A field marked **lfk** is",
           "an addition of lfk's to REGISTER.md: it is optional, and a register without it means what",
           "REGISTER.md says. 生成自 lfk 的模型；标 **lfk** 的字段是 lfk 对 REGISTER.md 的扩充（可选）。", ""]
    done: set[type[BaseModel]] = set()
    for kind, model in FILE_KINDS.items():
        out += [f"## {FILE_NAMES.get(kind, kind)}", ""]
        for m in _models(model):
            if m in done:
                continue
            done.add(m)
            doc = (m.__doc__ or "").strip().splitlines()[0] if m.__doc__ else ""
            out += [f"### {m.__name__}", "", _cell(doc), "", "| key | 名称 | meaning | type | default | |",
                    "| --- | --- | --- | --- | --- | --- |"]
            for name, f in m.model_fields.items():
                key = f.alias or name
                zh = f.title or ""
                en = (f.description or "").split(" — ", 1)[-1]
                default = "" if f.is_required() else ("[]" if f.default_factory is list else
                                                      "{}" if f.default_factory is dict else
                                                      "" if f.default_factory is not None else repr(f.default))
                mark = "" if spec is None or _in_spec(key, spec) else "**lfk**"
                out.append(f"| `{key}` | {_cell(zh)} | {_cell(en)} | {_cell(_type_name(f.annotation))} | "
                           f"{_cell(default)} | {mark} |")
            out.append("")
    return "\n".join(out).rstrip() + "\n"
