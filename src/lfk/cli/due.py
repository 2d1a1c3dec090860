"""``lfk due [--within 30]``: what falls due per unit and owner, as text, JSON, CSV or an iCalendar file."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from lfk import api
from lfk.cli.common import Shared, UnitArgs, err_console, shared_options, write_stdout
from lfk.core.errors import UsageError
from lfk.core.fsutil import atomic_write
from lfk.core.safe import printable
from lfk.due import FORMATS, format_csv, format_ics, format_json, format_text


@shared_options("root", "skip_broken", "lang", "as_of")
def due_cmd(
    units: UnitArgs = None,
    within: Annotated[int, typer.Option("--within", help="Days ahead to look (overdue items are always listed).",
                                        min=0, max=3650)] = 30,
    fmt: Annotated[str, typer.Option("--format", "-f", help="text | json | csv | ics (iCalendar).")] = "text",
    events: Annotated[list[Path] | None, typer.Option("--events", help="Event logs: warnings still to dispose of.")] = None,
    output: Annotated[Path | None, typer.Option("--output", "-o", help="Write to this file (e.g. due.ics).")] = None,
    opts: Shared = Shared(),
) -> None:
    """What falls due (risk reviews, measure due dates, 整改 and disposal deadlines, acceptance expiries,
    approvals to renew) per unit and owner post, overdue first.

    Example: lfk due --within 30 --format ics -o due.ics
    """
    if fmt not in FORMATS:
        raise UsageError(f"--format {fmt!r}: use one of {', '.join(FORMATS)}")
    reg = opts.register()
    language = opts.language(reg)
    day = opts.day()
    items = api.due(reg, units, as_of=day, within=within, events=events)
    if fmt == "json":
        text = format_json(items, day, within)
    elif fmt == "csv":
        text = format_csv(items, language)
    elif fmt == "ics":
        text = format_ics(items, day, language, reg.config.name)
    else:
        text = printable(format_text(items, day, within, language), newlines=True)
    if output is not None:
        atomic_write(output, text.encode("utf-8"))
        err_console().print(f"wrote {output} ({len(items)})")
        return
    write_stdout(text)


def register(app: typer.Typer) -> None:
    """Add ``due`` to ``app``."""
    app.command("due")(due_cmd)
