"""``lfk rules [CODE]``: the rule catalog, or one rule's documentation."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from lfk.cli.common import LangOpt, lang_for, out_console, write_stdout
from lfk.core.errors import UsageError
from lfk.lint import REGISTRY


def register(app: typer.Typer) -> None:
    """Add ``rules`` to ``app``."""

    @app.command("rules")
    def rules_cmd(
        code: Annotated[str | None, typer.Argument(help="A rule code, e.g. LFK402.")] = None,
        fmt: Annotated[str, typer.Option("--format", "-f", help="text | json")] = "text",
        lang: LangOpt = None,
    ) -> None:
        """List the lint rules and the MON (monitor) and IMP (import) codes, or explain one (clause, severity, examples).

        Example: lfk rules LFK305
        """
        import json

        import lfk.lint.rules  # noqa: F401

        language = lang_for(lang)
        others = other_codes()
        if code and code.strip().upper() in others:
            o = others[code.strip().upper()]
            if fmt == "json":
                write_stdout(json.dumps({**o, "title": o["title"].get(language)}, ensure_ascii=False, indent=2))
                return
            write_stdout(f"{o['code']} ({o['severity']}) — {o['title'].get(language)}\n\n{o['doc']}\n")
            return
        if code:
            r = REGISTRY.get(code)
            if r is None:
                raise UsageError(f"unknown rule {code!r} / 未知规则", hint="run `lfk rules` for the list")
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
        if fmt == "json":
            write_stdout(json.dumps([{"code": r.code, "severity": r.severity.value, "clause": r.clause,
                                      "title": r.title.get(language)} for r in REGISTRY]
                                    + [{k: o[k] for k in ("code", "severity", "clause")} | {"title": o["title"].get(language)}
                                       for o in others.values()], ensure_ascii=False, indent=2))
            return
        lines = [f"{r.code}  {r.severity.value:<7}  {r.title.get(language)}" for r in REGISTRY]
        lines += [f"{o['code']}  {o['severity']:<7}  {o['title'].get(language)}" for o in others.values()]
        out_console().print("\n".join(lines), markup=False)


def other_codes() -> dict[str, dict[str, Any]]:
    """The codes of ``lfk monitor`` (MON) and ``lfk import`` (IMP): code, severity, clause, title and a short doc
    (their long documentation is docs/monitor.md and docs/output.md)."""
    from lfk.monitor.codes import CODES as MON_CODES
    from lfk.monitor.codes import severity_of
    from lfk.tables.codes import CODES as IMP_CODES

    out: dict[str, dict[str, Any]] = {}
    for c, (title, level) in MON_CODES.items():
        warn = f"warning: {level}; " if level else ""
        out[c] = {"code": c, "severity": severity_of(c, level).value, "clause": "11-12", "title": title,
                  "doc": f"{warn}lfk monitor — docs/monitor.md. Switch off or re-level it in lfk.yaml "
                         f"(lint.ignore / lint.severity) or with lfk monitor --ignore {c}."}
    for c, (title, sev) in IMP_CODES.items():
        out[c] = {"code": c, "severity": sev.value, "clause": "—", "title": title,
                  "doc": f"lfk import — docs/output.md (a finding's severity may differ from the usual one shown). "
                         f"lint.ignore / lint.severity or lfk import --ignore {c} change what is reported, never "
                         "what is written."}
    return out
