"""``lfk baseline diff``: what changed upstream since the pinned baseline revision, and which tailorings conflict."""

from __future__ import annotations

import json
from typing import Annotated

import typer

from lfk import api
from lfk.cli.common import Shared, TextJsonOpt, shared_options, write_stdout
from lfk.core.errors import UsageError


@shared_options("root", "lang")
def diff_cmd(
    to: Annotated[str | None, typer.Option("--to", help="The baseline revision to compare with (default HEAD).")] = None,
    fmt: TextJsonOpt = "text",
    opts: Shared = Shared(),
) -> None:
    """What changed in the adopted baseline units between the pinned rev and --to, and which tailorings conflict.

    A conflict is a tailoring whose item no longer exists upstream, or a change of a field the
    upstream changed too. Exit 0 without conflicts, 1 with, 2 when the baseline is not pinned.

    Example: lfk baseline diff --to v2027
    """
    from lfk.baseline import format_baseline_diff

    if fmt not in ("text", "json"):
        raise UsageError(f"--format {fmt!r}: use text or json")
    reg = opts.register()
    result = api.baseline_diff(reg, to)
    if fmt == "json":
        write_stdout(json.dumps(result.to_json(), ensure_ascii=False, indent=2))
    else:
        write_stdout(format_baseline_diff(result, opts.language(reg)))
    if result.conflicts:
        raise typer.Exit(1)


def register(app: typer.Typer) -> None:
    """Add the ``baseline`` group (``baseline diff``) to ``app``."""
    group = typer.Typer(rich_markup_mode=None, add_completion=False,
                        help="The baseline register units adopt (lfk.yaml baseline:). Example: lfk baseline diff --to v2027")
    group.command("diff")(diff_cmd)
    app.add_typer(group, name="baseline")
