"""``lfk schema [--check]``: write or check the JSON Schemas of every file kind."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from lfk import api
from lfk.cli.common import Shared, err_console, shared_options, write_stdout
from lfk.core.errors import UsageError


@shared_options("root", "lang", "as_of_no_effect")
def schema_cmd(
    out: Annotated[Path | None, typer.Option("--out", help="Folder for the schema files (default: schemas/).")] = None,
    check: Annotated[bool, typer.Option("--check", help="Exit 1 when the files are missing or out of date; write nothing.")] = False,
    generic: Annotated[bool, typer.Option("--generic", help="Schemas of no register (lfk's own schemas/): "
                                          "any category, kind and factors.")] = False,
    opts: Shared = Shared(),
) -> None:
    """Write JSON Schemas of every file kind (lfk.yaml, unit, authorities, flow, risks, measures, benchmark).

    Editors use them for completion and Chinese hover text: put
    `# yaml-language-server: $schema=../../schemas/risks.schema.json` on the first line of a file.
    The schemas follow the register's lfk.yaml: risk categories and kinds of its taxonomy, the
    factors and ranges of its grading method, its grade labels and discretion levels — run it again
    (or `lfk schema --check` in CI) after changing lfk.yaml.

    Default folder: `--out`, else `schemas/` in the register (found as every command finds it:
    --root, $LFK_ROOT, the nearest lfk.yaml up, ./registers).

    Example: lfk schema --check
    """
    opts.language()
    opts.day()
    if generic:
        if out is None:
            raise UsageError("--generic needs --out FOLDER / --generic 须配合 --out 使用")
        folder, texts = out, api.schemas(generic=True)
    else:
        reg = opts.register(no_cache=True)
        folder = out or reg.root / "schemas"
        texts = api.schemas(reg)
    if check:
        bad = api.stale_schemas(folder, texts)
        if bad:
            write_stdout("\n".join(f"{folder / n}: out of date / 需要更新" for n in bad))
            err_console().print("run `lfk schema` (or `make schemas`) to regenerate", markup=False)
            raise typer.Exit(1)
        write_stdout(f"schemas up to date in {folder}")
        return
    write_stdout(f"wrote {api.write_schemas(folder, texts)} schemas to {folder}")


def register(app: typer.Typer) -> None:
    """Add ``schema`` to ``app``."""
    app.command("schema")(schema_cmd)
