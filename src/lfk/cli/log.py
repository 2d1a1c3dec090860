"""``lfk log ID``: the history of one power, flow, risk, measure or benchmark, field by field."""

from __future__ import annotations

import json
from typing import Annotated

import typer

from lfk import api
from lfk.cli.common import Shared, TextJsonOpt, shared_options, write_stdout
from lfk.core.errors import UsageError


@shared_options("root", "lang")
def log_cmd(
    ident: Annotated[str, typer.Argument(metavar="[UNIT/]ID", help="The item's id, e.g. R-01 or county-amr/R-01.")],
    kind: Annotated[str | None, typer.Option("--kind", "-k", help="authorities | flows | risks | measures | benchmarks.")] = None,
    rev: Annotated[str, typer.Option("--rev", help="Follow the history up to this revision.")] = "HEAD",
    fmt: TextJsonOpt = "text",
    opts: Shared = Shared(),
) -> None:
    """The history of one item commit by commit: each field changed, with commit, date and author.

    Follows the item when its file, its unit or (with nearly the same content) its id changes.
    Exit 0; exit 1 when the item never existed.

    Example: lfk log county-amr/R-01 --format json
    """
    from lfk.history.log import format_text

    if fmt not in ("text", "json"):
        raise UsageError(f"--format {fmt!r}: use text or json")
    history = api.log(opts.root, ident, kind=kind, rev=rev)
    language = opts.language()
    if fmt == "json":
        write_stdout(json.dumps(history.to_json(), ensure_ascii=False, indent=2))
    else:
        write_stdout(format_text(history, language))
    raise typer.Exit(0 if history.events else 1)


def register(app: typer.Typer) -> None:
    """Add ``log`` to ``app``."""
    app.command("log")(log_cmd)
