"""``lfk baseline diff``: what changed upstream since the pinned baseline revision, and which tailorings conflict."""

from __future__ import annotations

import json
from typing import Annotated

import typer

from lfk.cli.common import LangOpt, RootOpt, lang_for, open_register, write_stdout
from lfk.core.errors import UsageError


def register(app: typer.Typer) -> None:
    """Add the ``baseline`` group (``baseline diff``) to ``app``."""
    group = typer.Typer(rich_markup_mode=None, add_completion=False,
                        help="The baseline register units adopt (lfk.yaml baseline:). Example: lfk baseline diff --to v2027")

    @group.command("diff")
    def diff_cmd(
        to: Annotated[str | None, typer.Option("--to", help="The baseline revision to compare with (default HEAD).")] = None,
        fmt: Annotated[str, typer.Option("--format", "-f", help="text | json.")] = "text",
        root: RootOpt = None,
        lang: LangOpt = None,
    ) -> None:
        """What changed in the adopted baseline units between the pinned rev and --to, and which tailorings conflict.

        A conflict is a tailoring whose item no longer exists upstream, or a change of a field the
        upstream changed too. Exit 0 without conflicts, 1 with, 2 when the baseline is not pinned.

        Example: lfk baseline diff --to v2027
        """
        from lfk.baseline import baseline_diff, format_baseline_diff

        if fmt not in ("text", "json"):
            raise UsageError(f"--format {fmt!r}: use text or json")
        reg = open_register(root)
        result = baseline_diff(reg, to)
        if fmt == "json":
            write_stdout(json.dumps(result.to_json(), ensure_ascii=False, indent=2))
        else:
            write_stdout(format_baseline_diff(result, lang_for(lang, reg)))
        if result.conflicts:
            raise typer.Exit(1)

    app.add_typer(group, name="baseline")
