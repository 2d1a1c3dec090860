"""``lfk init DIR`` and ``lfk new unit ID``: scaffold a register or a unit from templates/scaffold."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from lfk import api
from lfk.cli.common import Shared, shared_options, write_stdout
from lfk.register import find_root
from lfk.scaffold import TAXONOMY_PRESETS, UNIT_TYPES


@shared_options("root", "lang", "as_of")
def init_cmd(
    directory: Annotated[Path, typer.Argument(metavar="DIR", help="Folder of the new register (created if missing).")],
    name: Annotated[str | None, typer.Option("--name", help="Name of the register, e.g. 示例县廉政风险防控登记册.")] = None,
    year: Annotated[int | None, typer.Option("--year", help="Review year (default: this year).")] = None,
    unit: Annotated[str, typer.Option("--unit", help="Id of the example unit.")] = "example",
    taxonomy: Annotated[str, typer.Option(
        "--taxonomy", help="Risk taxonomy written into lfk.yaml: " + " | ".join(TAXONOMY_PRESETS)
        + " (guideline: 权力行使/制度机制/思想道德; five-type: 思想道德/岗位职责/业务流程/制度机制/外部环境风险)."
    )] = "guideline",
    opts: Shared = Shared(),
) -> None:
    """Create a register: lfk.yaml with the guideline's defaults (commented) and one example unit that lints clean.

    Example: lfk init my-register --name 示例县廉政风险防控登记册 --taxonomy five-type
    """
    day = opts.day()
    language = opts.language()
    paths = api.init(directory, name=name, year=year, as_of=day, unit=unit, taxonomy=taxonomy)
    zh = language == "zh"
    write_stdout("\n".join([
        (f"已在 {directory} 创建登记册（{len(paths)} 个文件）：" if zh else f"created a register in {directory} ({len(paths)} files):"),
        *[f"  {p.relative_to(directory).as_posix()}" for p in paths],
        (f"下一步：lfk lint --root {directory}" if zh else f"next: lfk lint --root {directory}"),
    ]))


@shared_options("root", "lang", "as_of")
def new_unit_cmd(
    unit_id: Annotated[str, typer.Argument(metavar="ID", help="Unit id: lower-case letters, digits and - (e.g. county-amr).")],
    name: Annotated[str, typer.Option("--name", help="Unit name, e.g. 示例县市场监督管理局.")],
    unit_type: Annotated[str, typer.Option("--type", help="Unit type: " + " | ".join(UNIT_TYPES) + ".")],
    parent: Annotated[str | None, typer.Option("--parent", help="Id of the unit above it.")] = None,
    opts: Shared = Shared(),
) -> None:
    """Add an empty unit (unit.yaml, 职权目录, 风险点, 措施 — each with a commented example), e.g. to import into.

    Example: lfk new unit county-amr --name 示例县市场监督管理局 --type 行政机关
    """
    day = opts.day()
    language = opts.language()
    reg_root = find_root(opts.root)
    paths = api.new_unit(reg_root, unit_id, name=name, unit_type=unit_type, parent=parent, as_of=day)
    zh = language == "zh"
    write_stdout("\n".join([
        (f"已创建单位 {unit_id}：" if zh else f"created unit {unit_id}:"),
        *[f"  {p.relative_to(reg_root).as_posix()}" for p in paths],
    ]))


def register(app: typer.Typer) -> None:
    """Add ``init`` and the ``new`` group (``new unit``) to ``app``."""
    app.command("init")(init_cmd)
    new_app = typer.Typer(help="Scaffold new parts of a register: `lfk new unit ID --name … --type …`.\n\n"
                          "Example: lfk new unit county-amr --name 示例县市场监督管理局 --type 行政机关",
                          no_args_is_help=True)
    new_app.command("unit")(new_unit_cmd)
    app.add_typer(new_app, name="new")
