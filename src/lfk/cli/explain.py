"""``lfk explain ID``: where each field of an item came from (the unit's own files, the baseline, a tailoring)."""

from __future__ import annotations

import json
from typing import Annotated

import typer

from lfk.cli.common import AtOpt, LangOpt, RevOpt, RootOpt, lang_for, open_register, write_stdout
from lfk.core.errors import UsageError


def register(app: typer.Typer) -> None:
    """Add ``explain`` to ``app``."""

    @app.command("explain")
    def explain_cmd(
        ident: Annotated[str, typer.Argument(metavar="[UNIT/]ID", help="A power, risk, measure, flow or benchmark id.")],
        fmt: Annotated[str, typer.Option("--format", "-f", help="text | json.")] = "text",
        root: RootOpt = None,
        lang: LangOpt = None,
        rev: RevOpt = None,
        at: AtOpt = None,
    ) -> None:
        """Where each field of an item came from: the unit's own file, the baseline (file:line) or a tailoring.

        Items a unit adopts from the baseline (unit.yaml adopts:) and changes (tailor:) show the
        baseline's file:line for every field they keep and unit.yaml's for every field a tailoring set;
        a dropped item shows the tailoring and its reason. Exit 0; 2 when nothing has that id.

        Example: lfk explain county-amr-town/JC-01
        """
        from lfk.baseline import baseline_info, explain, format_explain

        if fmt not in ("text", "json"):
            raise UsageError(f"--format {fmt!r}: use text or json")
        reg = open_register(root, rev=rev, at=at)
        found = explain(reg, ident)
        info = baseline_info(reg)
        if fmt == "json":
            write_stdout(json.dumps({"format": "lfk-explain/1", "id": ident, "baseline": info,
                                     "items": [e.to_json() for e in found]}, ensure_ascii=False, indent=2))
        else:
            write_stdout(format_explain(found, info, lang_for(lang, reg)))
