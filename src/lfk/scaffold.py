"""``lfk init`` and ``lfk new unit``: a new register or unit from ``templates/scaffold``.

``init_register`` writes ``lfk.yaml`` (the guideline's defaults, with Chinese comments) and one example
unit whose every file lints without error; ``new_unit`` adds an empty unit (no posts yet, empty
职权目录/风险点/措施, each with a commented example). Both refuse to overwrite anything.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
from pathlib import Path
from typing import Any

from lfk.core.errors import LfkError, UsageError, WriteError
from lfk.core.fsutil import OutputTree, register_lock
from lfk.core.templating import environment, templates_dir
from lfk.loader import load_bytes
from lfk.loader.emit import format_text, model_for_path, quote_scalar
from lfk.loader.guard import register_target, write_register_file
from lfk.model.validate import validate
from lfk.model.vocab import TAXONOMY_PRESETS, UNIT_TYPE_OF, UNIT_TYPES, valid_unit_id

TAXONOMY_TITLES: dict[str, str] = {
    "guideline": "指导意见的三类风险（权力行使、制度机制、思想道德）",
    "five-type": "五类风险（思想道德、岗位职责、业务流程、制度机制、外部环境）",
}
"""The comment ``lfk init --taxonomy`` writes above ``taxonomy:`` for each preset."""


def _env() -> Any:
    env = environment("scaffold", autoescape=False)
    env.filters["yq"] = quote_scalar
    return env


def _render_tree(sub: str, target: Path, context: dict[str, Any], rel_base: str = "") -> list[tuple[Path, str]]:
    """Render every ``*.j2`` under ``templates/scaffold/<sub>`` into (target path, text) pairs (nothing written)."""
    env = _env()
    src = templates_dir() / "scaffold" / sub
    out = []
    for tpl in sorted(src.rglob("*.j2")):
        rel = tpl.relative_to(src).as_posix()[:-3]
        rel = rel.replace("units/example/", f"units/{context.get('unit_id', 'example')}/")
        text = env.get_template(f"{sub}/{tpl.relative_to(src).as_posix()}").render(**context)
        full = f"{rel_base}{rel}"
        _check(full, text)
        text = format_text(text, full, model_for_path(full))  # the layout `lfk fmt` gives (e.g. the taxonomy's flow style)
        out.append((target / rel, text))
    return out


def _check(rel: str, text: str) -> None:
    """A rendered file must parse and validate (a template bug must never reach the user's disk)."""
    lf = load_bytes(text.encode("utf-8"), rel)
    model = model_for_path(rel)
    if lf.ok and model is not None:
        validate(lf, model)
    bad = [f for f in lf.findings if f.severity.value == "error"]
    if bad:
        raise WriteError(f"template {rel} renders invalid YAML: {bad[0].message.en} / 模板生成的文件无效")


def _write_all(files: list[tuple[Path, str]], root: Path, *, register: bool = False) -> list[Path]:
    """Write the new ``files`` below ``root``: all of them or, when one fails, none (what was made is
    removed again). Refused before anything is written: a file that exists, and a link on the way —
    ``lfk init``'s folder is an output tree (``OutputTree``: no link at all); ``lfk new unit`` writes
    register files (``lfk.loader.guard``, under the register's write lock, as import does)."""
    rels = [path.relative_to(root).as_posix() for path, _ in files]
    tree = OutputTree(root)
    if register:
        for rel in rels:
            register_target(root, rel)
    else:
        tree.check(rels)
    for path, _ in files:
        if os.path.lexists(path):
            raise UsageError(f"{path}: already exists; nothing written / 文件已存在，未写入任何文件")
    missing = [d for d in (root, *root.parents) if not os.path.lexists(d)]  # folders made for init's root
    done: list[Path] = []
    try:
        with register_lock(root) if register else contextlib.nullcontext():
            for rel, (path, text) in zip(rels, files, strict=True):
                if register:
                    write_register_file(root, rel, text, make_parents=True)
                else:
                    tree.write(rel, text, durable=True)
                done.append(path)
    except LfkError:
        for path in reversed(done):  # nothing half-made: a new register or unit is all there or not at all
            _undo(path, root)
        for d in missing:
            try:
                d.rmdir()
            except OSError:
                break
        raise
    return [p for p, _ in files]


def _undo(path: Path, root: Path) -> None:
    """Remove a file just written and the folders below ``root`` it leaves empty (best effort)."""
    try:
        path.unlink()
    except OSError:
        return
    folder = path.parent
    while folder != root and root in folder.parents:
        try:
            folder.rmdir()
        except OSError:
            return
        folder = folder.parent


def check_unit_id(unit_id: str) -> None:
    """Unit ids: lower-case letters, digits and -, starting with a letter or digit (REGISTER.md)."""
    if not valid_unit_id(unit_id):
        raise UsageError(f"unit id {unit_id!r} is not valid / 单位编号不合规",
                         hint="lower-case letters, digits and -, e.g. county-amr / 小写字母、数字和 -")


def taxonomy_preset(preset: str) -> dict[str, dict[str, list[str]]]:
    """The categories of a ``--taxonomy`` preset (``guideline`` | ``five-type``); UsageError otherwise."""
    if preset not in TAXONOMY_PRESETS:
        raise UsageError(f"--taxonomy {preset!r} is not a preset / 不是预设的风险分类",
                         hint="one of " + " | ".join(TAXONOMY_PRESETS))
    return TAXONOMY_PRESETS[preset]


def init_register(target: Path, *, name: str | None = None, year: int | None = None, today: dt.date | None = None,
                  unit_id: str = "example", unit_name: str = "示例单位", taxonomy: str = "guideline") -> list[Path]:
    """Create a register in ``target``: lfk.yaml and one example unit. Refuses when lfk.yaml exists.

    ``taxonomy`` names the preset written into ``taxonomy:`` of lfk.yaml (its categories, kinds and the
    measure kinds that answer each); the example unit's risks take the categories of that preset.
    """
    day = today or dt.date.today()
    check_unit_id(unit_id)
    cats = taxonomy_preset(taxonomy)
    target = Path(target)
    if (target / "lfk.yaml").exists():
        raise UsageError(f"{target}: a register is already here (lfk.yaml exists) / 此处已有登记册")
    if target.exists() and not target.is_dir():
        raise UsageError(f"{target}: not a folder / 不是文件夹")
    ctx = {"name": name or "廉政风险防控登记册", "year": year or day.year, "today": day, "unit_id": unit_id,
           "unit_name": unit_name, "taxonomy": cats, "taxonomy_title": TAXONOMY_TITLES[taxonomy],
           "cat_of": {k: c for c, spec in cats.items() for k in spec["kinds"]}}
    files = _render_tree("register", target, ctx)
    return _write_all(files, target)


def new_unit(root: Path, unit_id: str, *, name: str, unit_type: str, parent: str | None = None,
             today: dt.date | None = None, categories: dict[str, list[str]] | None = None) -> list[Path]:
    """Add ``units/<unit_id>/`` to the register at ``root``. Refuses when the unit exists.

    ``categories`` (category → kinds, default: the guideline's) fills the commented risk example.
    """
    check_unit_id(unit_id)
    if unit_type not in UNIT_TYPES:
        known = UNIT_TYPE_OF.get(unit_type)
        raise UsageError(f"--type {unit_type!r} is not a unit type / 不是单位类型",
                         hint=(f"{unit_type} is a {known} (街道办事处 a 派出机关, 乡镇人民政府 the basic-level government) / "
                               f"{unit_type}属于{known}：--type {known}") if known else "one of " + " | ".join(UNIT_TYPES))
    if not name.strip():
        raise UsageError("--name is empty / 单位名称为空")
    if parent is not None:
        check_unit_id(parent)
    folder = Path(root) / "units" / unit_id
    if folder.exists():
        raise UsageError(f"{folder}: the unit already exists; nothing written / 单位已存在，未写入任何文件")
    cats = categories or {c: spec["kinds"] for c, spec in TAXONOMY_PRESETS["guideline"].items()}
    first = next(iter(cats.items()))
    ctx = {"unit_id": unit_id, "unit_name": name.strip(), "unit_type": unit_type, "parent": parent,
           "today": today or dt.date.today(), "taxonomy": list(cats), "example_category": first[0],
           "example_kind": first[1][0] if first[1] else ""}
    files = _render_tree("unit", folder, ctx, rel_base=f"units/{unit_id}/")
    return _write_all(files, Path(root), register=True)
