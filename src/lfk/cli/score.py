"""``lfk score``: the assessment card of clause 16 for each unit."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from lfk import api
from lfk.cli.common import Shared, open_register, shared_options, write_stdout
from lfk.core.errors import UsageError
from lfk.score.card import describe_criteria, explain, format_markdown, format_text

FORMATS = ("text", "json", "markdown")


@shared_options("root", "skip_broken", "lang", "as_of", "rev", "at")
def score_cmd(
    units: Annotated[list[str] | None, typer.Argument(metavar="UNIT", help="Units to score (default: all).")] = None,
    fmt: Annotated[str, typer.Option("--format", "-f", help="text | json | markdown.")] = "text",
    explain_unit: Annotated[str | None, typer.Option("--explain", help="Show how each point of UNIT was earned or lost.")] = None,
    events: Annotated[list[Path] | None, typer.Option("--events", help="Event logs for the monitor criterion (CSV or JSON Lines).")] = None,
    criteria: Annotated[bool, typer.Option("--criteria", help="List the criteria with their points and documentation, and exit.")] = False,
    also: Annotated[list[Path] | None, typer.Option("--also", help="Roll-up: more register roots (e.g. each unit's own repository) scored into the same table; repeatable.")] = None,
    opts: Shared = Shared(),
) -> None:
    """Score each unit's 廉政风险防控 work out of 100 (clause 16): coverage, grading, approval, measures, lint.

    Weights and bands come from `assessment:` in lfk.yaml (default bands: ≥90 优秀, ≥80 达标, <80 不达标).

    Example: lfk score --as-of 2026-12-01 --explain county-amr
    """
    if fmt not in FORMATS:
        raise UsageError(f"--format {fmt!r}: use one of {', '.join(FORMATS)}")
    day = opts.day()
    reg = opts.register()
    language = opts.language(reg)
    if criteria:
        write_stdout(describe_criteria(reg.config, language, fmt))
        return
    api.check_units(reg, units, commas=False)
    if explain_unit is not None and explain_unit not in reg.unit_ids:
        raise UsageError(f"--explain {explain_unit!r}: no such unit / 没有该单位", hint="units: " + ", ".join(reg.unit_ids))
    others = [open_register(extra, rev=opts.rev, at=opts.at) for extra in also or []]
    res = api.score(reg, units, as_of=day, events=events, also=others)
    if explain_unit is not None:
        card = res.card(explain_unit)
        if card is None:
            raise UsageError(f"--explain {explain_unit!r}: not among the units scored / 不在本次考核的单位中")
        if fmt == "json":
            write_stdout(json.dumps(card.to_dict(language), ensure_ascii=False, indent=2))
        else:
            write_stdout(explain(card, language, markdown=fmt == "markdown"))
        return
    if fmt == "json":
        write_stdout(json.dumps(res.to_dict(language), ensure_ascii=False, indent=2))
    elif fmt == "markdown":
        write_stdout(format_markdown(res, language))
    else:
        write_stdout(format_text(res, language))


def register(app: typer.Typer) -> None:
    """Add ``score`` to ``app``."""
    app.command("score")(score_cmd)
