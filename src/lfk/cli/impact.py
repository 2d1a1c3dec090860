"""``lfk impact 《LAW》``: what a law change touches, per unit, with file:line (clause 13)."""

from __future__ import annotations

import json
from typing import Annotated

import typer

from lfk import api
from lfk.cli.common import Shared, TextJsonOpt, shared_options, write_stdout
from lfk.core.errors import UsageError


@shared_options("root", "lang", "rev", "at")
def impact_cmd(
    law: Annotated[str, typer.Argument(metavar="《LAW》", help="The law's name, with or without 《》.")],
    article: Annotated[str | None, typer.Option("--article", help="Only this article (and its clauses), e.g. 第六十条.")] = None,
    since: Annotated[str | None, typer.Option("--since", help="Only citations added or changed since this git revision.")] = None,
    fmt: TextJsonOpt = "text",
    opts: Shared = Shared(),
) -> None:
    """Every power, flow step, benchmark item and measure citing a law, per unit, with file:line.

    Exit 0 (a list is not a finding); 2 on a bad revision.

    Example: lfk impact 《中华人民共和国行政处罚法》 --article 第六十条
    """
    from lfk.impact import format_text

    if fmt not in ("text", "json"):
        raise UsageError(f"--format {fmt!r}: use text or json")
    if not law.strip("《》 "):
        raise UsageError("give a law's name, e.g. 《中华人民共和国行政处罚法》 / 请给出法律名称")
    reg = opts.register()
    language = opts.language(reg)
    found = api.impact(reg, law, article, since=since)
    if fmt == "json":
        units: dict[str, int] = {}
        for c in found:
            units[c.unit] = units.get(c.unit, 0) + 1
        write_stdout(json.dumps({"format": "lfk-impact/1", "law": law, "article": article, "since": since,
                                 "citations": [c.to_json() for c in found], "units": units},
                                ensure_ascii=False, indent=2))
    else:
        write_stdout(format_text(found, law, article, language))


def register(app: typer.Typer) -> None:
    """Add ``impact`` to ``app``."""
    app.command("impact")(impact_cmd)
