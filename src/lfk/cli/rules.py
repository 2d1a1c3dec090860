"""``lfk rules [CODE]``: the rule catalog (with the MON and IMP codes), or one code's documentation."""

from __future__ import annotations

import json
from typing import Annotated

import typer

from lfk import api
from lfk.cli.common import LangOpt, RootOpt, lang_for, out_console, write_stdout
from lfk.register import Register, find_root


def rules_cmd(
    code: Annotated[str | None, typer.Argument(metavar="CODE", help="A rule code, e.g. LFK402.")] = None,
    fmt: Annotated[str, typer.Option("--format", "-f", help="text | json")] = "text",
    lang: LangOpt = None,
    root: RootOpt = None,
) -> None:
    """List the lint rules and the MON (monitor) and IMP (import) codes, or explain one (clause, severity, examples).

    With --root (as every command takes it), the messages are in the language of that register's lfk.yaml.

    Example: lfk rules LFK305
    """
    language = lang_for(lang, Register(find_root(root), lazy=True) if root is not None else None)
    others = api.other_codes()
    if code and code.strip().upper() in others:
        o = others[code.strip().upper()]
        if fmt == "json":
            write_stdout(json.dumps({**o, "title": o["title"].get(language)}, ensure_ascii=False, indent=2))
            return
        write_stdout(f"{o['code']} ({o['severity']}) — {o['title'].get(language)}\n\n{o['doc']}\n")
        return
    if code:
        [r] = api.rules(code)
        if fmt == "json":
            write_stdout(json.dumps({"code": r.code, "severity": r.severity.value, "clause": r.clause,
                                     "title": r.title.get(language), "doc": r.doc}, ensure_ascii=False, indent=2))
            return
        clause = f"指导意见第{r.clause}条" if language == "zh" else f"guideline clause {r.clause}"
        head = f"{r.code} ({r.severity.value}) — {r.title.get(language)}"
        if r.clause not in ("", "—"):
            head += f" [{clause}]"
        write_stdout(head + "\n\n" + r.doc + "\n")
        return
    rules = api.rules()
    if fmt == "json":
        write_stdout(json.dumps([{"code": r.code, "severity": r.severity.value, "clause": r.clause,
                                  "title": r.title.get(language)} for r in rules]
                                + [{k: o[k] for k in ("code", "severity", "clause")} | {"title": o["title"].get(language)}
                                   for o in others.values()], ensure_ascii=False, indent=2))
        return
    lines = [f"{r.code}  {r.severity.value:<7}  {r.title.get(language)}" for r in rules]
    lines += [f"{o['code']}  {o['severity']:<7}  {o['title'].get(language)}" for o in others.values()]
    out_console().print("\n".join(lines), markup=False)


def register(app: typer.Typer) -> None:
    """Add ``rules`` to ``app``."""
    app.command("rules")(rules_cmd)
