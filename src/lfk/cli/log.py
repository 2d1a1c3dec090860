"""``lfk log ID``: the history of one power, flow, risk, measure or benchmark, field by field."""

from __future__ import annotations

import json
from typing import Annotated

import typer

from lfk.cli.common import LangOpt, RootOpt, lang_for, write_stdout
from lfk.core.errors import UsageError
from lfk.register import find_root


def register(app: typer.Typer) -> None:
    """Add ``log`` to ``app``."""

    @app.command("log")
    def log_cmd(
        ident: Annotated[str, typer.Argument(metavar="[UNIT/]ID", help="The item's id, e.g. R-01 or county-amr/R-01.")],
        kind: Annotated[str | None, typer.Option("--kind", "-k", help="authorities | flows | risks | measures | benchmarks.")] = None,
        rev: Annotated[str, typer.Option("--rev", help="Follow the history up to this revision.")] = "HEAD",
        fmt: Annotated[str, typer.Option("--format", "-f", help="text | json.")] = "text",
        root: RootOpt = None,
        lang: LangOpt = None,
    ) -> None:
        """The history of one item commit by commit: each field changed, with commit, date and author.

        Follows the item when its file, its unit or (with nearly the same content) its id changes.
        Exit 0; exit 1 when the item never existed.

        Example: lfk log county-amr/R-01 --format json
        """
        from lfk.history.log import format_text, item_history

        if fmt not in ("text", "json"):
            raise UsageError(f"--format {fmt!r}: use text or json")
        unit, _, item = ident.rpartition("/")
        if not item:
            raise UsageError(f"{ident!r}: give an id, e.g. R-01 or county-amr/R-01 / 请给出编号")
        root_dir = find_root(root)
        history = item_history(root_dir, item, unit=unit or None, kind=kind, rev=rev)
        language = lang_for(lang)
        if fmt == "json":
            write_stdout(json.dumps(history.to_json(), ensure_ascii=False, indent=2))
        else:
            write_stdout(format_text(history, language))
        raise typer.Exit(0 if history.events else 1)
