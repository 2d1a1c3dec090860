"""``lfk explain ID``: where each field of an item came from (the unit's own files, the baseline, a tailoring)."""

from __future__ import annotations

import json

import typer

from lfk import api
from lfk.cli.common import ItemIdArg, Shared, TextJsonOpt, shared_options, write_stdout
from lfk.core.errors import UsageError


@shared_options("root", "lang", "rev", "at")
def explain_cmd(ident: ItemIdArg, fmt: TextJsonOpt = "text", opts: Shared = Shared()) -> None:
    """Where each field of an item came from: the unit's own file, the baseline (file:line) or a tailoring.

    Items a unit adopts from the baseline (unit.yaml adopts:) and changes (tailor:) show the
    baseline's file:line for every field they keep and unit.yaml's for every field a tailoring set;
    a dropped item shows the tailoring and its reason. Exit 0; 2 when nothing has that id.

    Example: lfk explain county-amr-town/JC-01
    """
    from lfk.baseline import format_explain

    if fmt not in ("text", "json"):
        raise UsageError(f"--format {fmt!r}: use text or json")
    reg = opts.register()
    found, info = api.explain(reg, ident)
    if fmt == "json":
        write_stdout(json.dumps({"format": "lfk-explain/1", "id": ident, "baseline": info,
                                 "items": [e.to_json() for e in found]}, ensure_ascii=False, indent=2))
    else:
        write_stdout(format_explain(found, info, opts.language(reg)))


def register(app: typer.Typer) -> None:
    """Add ``explain`` to ``app``."""
    app.command("explain")(explain_cmd)
