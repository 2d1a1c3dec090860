"""``lfk due [--within 30]``: what falls due per unit and owner, as text, JSON, CSV or an iCalendar file."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from lfk.cli.common import (
    AsOfOpt,
    LangOpt,
    RootOpt,
    SkipBrokenOpt,
    err_console,
    lang_for,
    open_register,
    parse_as_of,
    write_stdout,
)
from lfk.core.errors import UsageError
from lfk.core.fsutil import atomic_write
from lfk.core.safe import printable
from lfk.due import FORMATS, due_items, format_csv, format_ics, format_json, format_text


def register(app: typer.Typer) -> None:
    """Add ``due`` to ``app``."""

    @app.command("due")
    def due_cmd(
        units: Annotated[list[str] | None, typer.Argument(help="Units (default: all).")] = None,
        within: Annotated[int, typer.Option("--within", help="Days ahead to look (overdue items are always listed).",
                                            min=0, max=3650)] = 30,
        fmt: Annotated[str, typer.Option("--format", "-f", help="text | json | csv | ics (iCalendar).")] = "text",
        events: Annotated[list[Path] | None, typer.Option("--events", help="Event logs: warnings still to dispose of.")] = None,
        output: Annotated[Path | None, typer.Option("--output", "-o", help="Write to this file (e.g. due.ics).")] = None,
        root: RootOpt = None,
        skip_broken: SkipBrokenOpt = False,
        lang: LangOpt = None,
        as_of: AsOfOpt = None,
    ) -> None:
        """What falls due (risk reviews, measure due dates, 整改 and disposal deadlines, acceptance expiries,
        approvals to renew) per unit and owner post, overdue first.

        Example: lfk due --within 30 --format ics -o due.ics
        """
        if fmt not in FORMATS:
            raise UsageError(f"--format {fmt!r}: use one of {', '.join(FORMATS)}")
        reg = open_register(root, skip_broken=skip_broken)
        language = lang_for(lang, reg)
        for e in events or []:
            if not e.is_file():
                raise UsageError(f"--events {e}: no such file / 文件不存在")
        for u in units or []:
            if u not in reg.unit_dirs:
                raise UsageError(f"no unit {u!r} / 没有该单位", hint="units: " + ", ".join(reg.unit_ids))
        day = parse_as_of(as_of)
        items = due_items(reg, day, within, [str(e) for e in events or []] or None, list(units or []) or None)
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
