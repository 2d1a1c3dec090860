"""JSON Schemas of every file kind, generated from the models (for editors: completion and hover text).

``generate()`` without a register gives the generic schemas (lfk's own ``schemas/``); with the register's
``Config`` they are register-aware: ``category`` and ``kind`` of a risk are enums of the register's taxonomy
(a kind limited to the kinds of its category), ``factors`` has the rubric's keys and ranges (the schema
fragment comes from the grading engine, ``lfk.grading.engine.factors_schema``), grades carry their
labels, and a benchmark tier's ``level`` is one of the register's levels.

Written for editors as yaml-language-server reads them: an optional field is its type alone (no ``null``
alternative, so completion offers no ``null`` and hover titles the field once). A field's title is its
Chinese name (the hover heading); its description "中文名 — English" is what completion shows.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from lfk.core.decision import Decision
from lfk.model import FILE_KINDS
from lfk.model.config import Config
from lfk.model.vocab import DEFAULT_BENCHMARK_LEVELS, GRADE_EN, GRADES

SCHEMA_ID = "https://lfk.example/schemas/{kind}.schema.json"
_NULL = {"type": "null"}


def generate(config: Config | None = None, factors: dict[str, Any] | None = None) -> dict[str, str]:
    """``{file name: JSON text}`` for every file kind, deterministic.

    ``config``: the register's settings, for register-aware schemas (None: generic). ``factors``: the
    JSON Schema of a risk's ``factors`` under the register's rubric (``{}`` or None: any factors).
    """
    out: dict[str, str] = {}
    for kind, model in FILE_KINDS.items():
        schema = model.model_json_schema()
        _for_editors(schema)
        if config is not None:
            _register_aware(kind, schema, config, factors or {})
        schema = {"$schema": "https://json-schema.org/draft/2020-12/schema", "$id": SCHEMA_ID.format(kind=kind), **schema}
        out[f"{kind}.schema.json"] = json.dumps(schema, ensure_ascii=False, indent=2, sort_keys=False) + "\n"
    return out


def stale(folder: Path, config: Config | None = None, factors: dict[str, Any] | None = None) -> list[str]:
    """Names of schema files in ``folder`` that are missing or differ from ``generate(config, factors)``."""
    return [name for name, text in generate(config, factors).items()
            if not (folder / name).is_file() or (folder / name).read_text(encoding="utf-8") != text]


def default_folder() -> Path:
    """``schemas/`` of the checkout (next to ``src/``), else ``./schemas``."""
    repo = Path(__file__).resolve().parents[3]
    if (repo / "pyproject.toml").is_file():
        return repo / "schemas"
    return Path.cwd() / "schemas"


def _for_editors(node: Any) -> None:
    """Drop the ``null`` alternative (and ``default: null``) of optional fields everywhere in ``node`` (in
    place): yaml-language-server offered ``null`` and a ``Default value`` of null in completion, and its
    hover titled such a field twice (``风险类型 || 风险类型``, one per alternative)."""
    if isinstance(node, list):
        for x in node:
            _for_editors(x)
        return
    if not isinstance(node, dict):
        return
    alts = node.get("anyOf")
    if isinstance(alts, list) and _NULL in alts and node.get("default", 0) is None:
        rest = [a for a in alts if a != _NULL]
        del node["anyOf"], node["default"]
        if len(rest) == 1:
            for k, v in rest[0].items():
                node.setdefault(k, v)
        else:
            node["anyOf"] = rest
    for v in node.values():
        _for_editors(v)


def _register_aware(kind: str, schema: dict[str, Any], config: Config, factors: dict[str, Any]) -> None:
    """Narrow the generic ``schema`` of file kind ``kind`` to the register's settings (in place)."""
    defs = schema.get("$defs", {})
    grades = defs.get("Risk", {}).get("properties", {}).get("grade")
    if kind == "risks":
        risk = defs["Risk"]
        props = risk["properties"]
        cats = config.categories()
        props["category"].update(enum=list(cats), enumDescriptions=[
            f"风险类型：{'、'.join(c.kinds)}" + (f"；对应措施：{'、'.join(c.measures)}" if c.measures else "")
            for c in cats.values()])
        home: dict[str, str] = {}
        for name, c in cats.items():
            for k in c.kinds:
                home.setdefault(k, name)
        # kind: the kinds of the risk's category (completion offers those only), any kind of the
        # taxonomy while the category is not one of it
        risk["allOf"] = [{"if": {"properties": {"category": {"const": name}}, "required": ["category"]},
                          "then": {"properties": {"kind": {"enum": list(c.kinds)}}}} for name, c in cats.items()]
        risk["allOf"].append({"if": {"properties": {"category": {"enum": list(cats)}}, "required": ["category"]},
                              "else": {"properties": {"kind": {"enum": list(home), "enumDescriptions": [
                                  f"{c}类 — of {c}" for c in home.values()]}}}})
        if factors:
            props["factors"] = {"title": props["factors"]["title"], "description": props["factors"]["description"],
                                **factors}
            if Decision(["LFK401"], settings=config.lint).on("LFK401"):
                risk["required"] = [*risk.get("required", []), "factors"]
        else:
            props["factors"].pop("default", None)
        if config.grading.method == "criteria" and config.grading.criteria:
            props["criteria"]["items"] = {"type": "string", "enum": list(config.grading.criteria)}
        if grades is not None:
            grades["enumDescriptions"] = [
                (config.grade_label(g) + " — " if config.grade_label(g) != g else "") + GRADE_EN[g] for g in GRADES]
    if kind == "benchmark":
        level = defs["Tier"]["properties"]["level"]
        level["enum"] = list(config.benchmark_levels or DEFAULT_BENCHMARK_LEVELS)
