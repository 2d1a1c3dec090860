"""``lfk trend``: grade counts and scores per tagged revision (the yearly trend)."""

from __future__ import annotations

import json
from typing import Annotated

import typer

from lfk import api
from lfk.cli.common import Shared, TextJsonOpt, shared_options, write_stdout
from lfk.core.errors import UsageError


@shared_options("root", "lang")
def trend_cmd(
    units: Annotated[list[str] | None, typer.Argument(metavar="UNIT", help="Units to score (default: all).")] = None,
    rev: Annotated[list[str] | None, typer.Option("--rev", help="Revisions to compare (repeat); default: every tag.")] = None,
    fmt: TextJsonOpt = "text",
    no_cache: Annotated[bool, typer.Option("--no-cache", help="Neither read nor write the parse cache.")] = False,
    opts: Shared = Shared(),
) -> None:
    """Grade counts (高/中/低) and scores of the register at each tag, oldest first, each read from git
    and scored as of its tag's commit date.

    Example: lfk trend county-amr --format json
    """
    from lfk.history.trend import format_text

    if fmt not in ("text", "json"):
        raise UsageError(f"--format {fmt!r}: use text or json")
    rows = api.trend(opts.root, rev, units, no_cache=no_cache)
    language = opts.language()
    if fmt == "json":
        write_stdout(json.dumps({"format": "lfk-trend/1", "revisions": [r.to_json() for r in rows]},
                                ensure_ascii=False, indent=2))
    else:
        write_stdout(format_text(rows, language))


def register(app: typer.Typer) -> None:
    """Add ``trend`` to ``app``."""
    app.command("trend")(trend_cmd)
