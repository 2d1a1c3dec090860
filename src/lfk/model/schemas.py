"""JSON Schemas of every file kind, generated from the models (for editors: completion and hover text)."""

from __future__ import annotations

import json
from pathlib import Path

from lfk.model import FILE_KINDS

SCHEMA_ID = "https://lfk.example/schemas/{kind}.schema.json"


def generate() -> dict[str, str]:
    """``{file name: JSON text}`` for every file kind, deterministic."""
    out: dict[str, str] = {}
    for kind, model in FILE_KINDS.items():
        schema = model.model_json_schema()
        schema = {"$schema": "https://json-schema.org/draft/2020-12/schema", "$id": SCHEMA_ID.format(kind=kind), **schema}
        out[f"{kind}.schema.json"] = json.dumps(schema, ensure_ascii=False, indent=2, sort_keys=False) + "\n"
    return out


def stale(folder: Path) -> list[str]:
    """Names of schema files in ``folder`` that are missing or differ from the models."""
    return [name for name, text in generate().items()
            if not (folder / name).is_file() or (folder / name).read_text(encoding="utf-8") != text]


def default_folder() -> Path:
    """``schemas/`` of the checkout (next to ``src/``), else ``./schemas``."""
    repo = Path(__file__).resolve().parents[3]
    if (repo / "pyproject.toml").is_file():
        return repo / "schemas"
    return Path.cwd() / "schemas"
