"""``lfk trend``: grade counts and scores per tagged revision (the yearly trend)."""

from __future__ import annotations

import json
from typing import Annotated

import typer

from lfk.cli.common import LangOpt, RootOpt, lang_for, write_stdout
from lfk.core.errors import UsageError
from lfk.register import find_root


def register(app: typer.Typer) -> None:
    """Add ``trend`` to ``app``."""

    @app.command("trend")
    def trend_cmd(
        units: Annotated[list[str] | None, typer.Argument(help="Units to score (default: all).")] = None,
        rev: Annotated[list[str] | None, typer.Option("--rev", help="Revisions to compare (repeat); default: every tag.")] = None,
        fmt: Annotated[str, typer.Option("--format", "-f", help="text | json.")] = "text",
        no_cache: Annotated[bool, typer.Option("--no-cache", help="Neither read nor write the parse cache.")] = False,
        root: RootOpt = None,
        lang: LangOpt = None,
    ) -> None:
        """Grade counts (高/中/低) and scores of the register at each tag, oldest first, each read from git
        and scored as of its tag's commit date.

        Example: lfk trend county-amr --format json
        """
        from lfk.core.cache import Cache, default_dir
        from lfk.history.trend import format_text, trend

        if fmt not in ("text", "json"):
            raise UsageError(f"--format {fmt!r}: use text or json")
        root_dir = find_root(root)
        rows = trend(root_dir, list(rev or []) or None, list(units or []) or None,
                     None if no_cache else Cache(default_dir(root_dir)))
        language = lang_for(lang)
        if fmt == "json":
            write_stdout(json.dumps({"format": "lfk-trend/1", "revisions": [r.to_json() for r in rows]},
                                    ensure_ascii=False, indent=2))
        else:
            write_stdout(format_text(rows, language))
