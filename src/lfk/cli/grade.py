"""``lfk grade [UNIT...]``: each risk's computed grade beside its declared one (clause 6)."""

from __future__ import annotations

import os
from typing import Annotated

import typer

from lfk import api
from lfk.cli.common import (
    NoCacheOpt,
    QuietOpt,
    Shared,
    err_console,
    is_terminal,
    out_console,
    progress_bar,
    shared_options,
    write_stdout,
)
from lfk.core.errors import UsageError
from lfk.core.i18n import T
from lfk.grading.report import (
    FORMATS,
    Change,
    GradeReport,
    counts_text,
    format_explain,
    format_grades,
    has_residual,
    headers,
    summary_text,
    table_rows,
)
from lfk.register import Register, find_root


def _rich_text(report, lang: str, only_failing: bool) -> None:  # type: ignore[no-untyped-def]
    from rich.table import Table

    con = out_console()
    cfg = report.config
    colours = {"一致": "green", "偏差": "red", "缺失": "yellow"}
    from rich import box
    from rich.cells import cell_len

    defined = cfg.grading.factors or {}
    weighted = cfg.grading.method != "criteria" and bool(defined)
    for u in report.units:
        table = Table(title=f"{u.unit}  {u.name}", title_justify="left", show_lines=False, box=box.SIMPLE_HEAD,
                      show_edge=False, pad_edge=False, collapse_padding=True)
        rows = table_rows(u, cfg, lang)
        if weighted:  # factor values in lfk.yaml's order, their labels named once under the table
            for r, cells in zip(u.rows, rows, strict=True):
                cells[2] = "·".join(str((r.risk.factors or {}).get(k, "—")) for k in defined)
        heads = headers(lang, has_residual(u))
        natural = [max([cell_len(c[i]) for c in rows] + [cell_len(h)]) for i, h in enumerate(heads)]
        others = sum(w for i, w in enumerate(natural) if i != 1) + 2 * (len(heads) - 1)
        title_width = max(8, min(natural[1], con.width - others))
        for i, h in enumerate(heads):
            # 风险点 gets the width it needs (what the other columns leave) and folds rather than being cut off
            table.add_column(h, min_width=title_width if i == 1 else None, overflow="fold",
                             no_wrap=i in (0, 3, 4, 5, 6))
        if weighted:
            names = "·".join(f.label or k for k, f in defined.items())
            table.caption = ("评定因素：" if lang == "zh" else "factors: ") + names
            table.caption_justify = "left"
        for r, cells in zip(u.rows, rows, strict=True):
            if only_failing and not r.result.failing:
                continue
            style = colours.get(r.result.status, "")
            if r.result.excused:
                style = "cyan"
            table.add_row(*cells[:-1], f"[{style}]{cells[-1]}[/]" if style else cells[-1])
        con.print(table)
        con.print(("  等级分布：" if lang == "zh" else "  grades: ") + counts_text(u.counts, cfg, lang), markup=False)
    con.print(("合计：" if lang == "zh" else "total: ") + counts_text(report.counts, cfg, lang), markup=False)
    con.print(summary_text(report, lang), markup=False)


@shared_options("root", "skip_broken", "lang", "as_of_no_effect", "rev", "at")
def grade_cmd(
    units: Annotated[list[str] | None, typer.Argument(metavar="UNIT", help="Unit ids (default: every unit).")] = None,
    fmt: Annotated[str, typer.Option("--format", "-f", help="text | json | csv | markdown")] = "text",
    check: Annotated[bool, typer.Option("--check", help="Show only drifted or missing grades; exit 1 when any.")] = False,
    explain_id: Annotated[str | None, typer.Option("--explain", metavar="RISK", help="Show the arithmetic (and floor) of one risk.")] = None,
    write: Annotated[bool, typer.Option("--write", help="Write computed grades into risks.yaml (risks with grade_reason keep theirs).")] = False,
    no_cache: NoCacheOpt = False,
    quiet: QuietOpt = False,
    opts: Shared = Shared(),
) -> None:
    """Grade each risk by the register's rubric and compare with its declared grade (一致 / 偏差 / 缺失).

    Exit 1 when a grade drifts without grade_reason and approval, or is missing; 0 otherwise.

    Example: lfk grade county-amr --explain R-002
    """
    if fmt not in FORMATS:
        raise UsageError(f"--format {fmt!r}: use one of {', '.join(FORMATS)}")
    opts.day()
    if write and (opts.rev or opts.at):
        raise UsageError("--write does not go with --rev/--at (a past revision is read-only) / 历史版本只读")
    opts.root = find_root(opts.root)

    def graded(reg: Register) -> GradeReport:
        with progress_bar(quiet, T("评定", "grading")) as bar:
            return api.grade(reg, units, progress=bar)

    reg = opts.register(no_cache=no_cache)
    language = opts.language(reg)
    if explain_id:
        if write:
            raise UsageError("--explain and --write do not go together / 不能同时使用")
        rows = api.explain_grade(reg, explain_id, units)
        text = format_explain(rows, reg.config, language, "json" if fmt == "json" else "text")
        write_stdout(text)
        raise typer.Exit(1 if any(r.result.failing for r in rows) else 0)
    report = graded(reg)
    if write and _report_writes(api.write_grades(reg, report), fmt, language):
        report = graded(opts.register(no_cache=no_cache))
    if fmt == "text" and is_terminal() and "NO_COLOR" not in os.environ:
        _rich_text(report, language, check)
    else:
        write_stdout(format_grades(report, fmt, language, only_failing=check))
    raise typer.Exit(report.exit_code)


def _report_writes(changes: list[Change], fmt: str, language: str) -> bool:
    """Say which grades ``--write`` changed (on stdout for text, else on stderr, keeping machine output
    clean); whether any was."""
    def say(line: str) -> None:
        if fmt == "text":
            write_stdout(line)
        else:
            err_console().print(line, markup=False)

    for c in changes:
        say(c.text(language))
    if not changes:
        say("无需修改，未写入任何文件" if language == "zh" else "nothing to change; no file written")
        return False
    n = len({c.rel for c in changes})
    say(f"已写入 {len(changes)} 个等级（{n} 个文件）\n" if language == "zh"
        else f"wrote {len(changes)} grade(s) in {n} file(s)\n")
    return True


def register(app: typer.Typer) -> None:
    """Add ``grade`` to ``app``."""
    app.command("grade")(grade_cmd)
