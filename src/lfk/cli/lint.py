"""``lfk lint``: all rules over the register (or the files/units named)."""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import Annotated

import typer

from lfk import api
from lfk.cli import replay
from lfk.cli.common import (
    QuietOpt,
    Shared,
    err_console,
    is_terminal,
    out_console,
    progress_bar,
    shared_options,
    terminal_width,
    write_stdout,
)
from lfk.cli.lintrun import FORMATS, report
from lfk.core.errors import UsageError
from lfk.core.fsutil import atomic_write
from lfk.core.i18n import T
from lfk.register import find_root
from lfk.report import FORMATTERS


def report_fixes(fixed: api.FixResult) -> None:
    """Say on stderr what ``--fix`` (formatting) and ``--fix-grades`` (computed grades) changed."""
    console = err_console()
    for ch in fixed.formatted:
        console.print(f"fixed: {ch.rel}: formatting / 已规范格式", markup=False)
    for g in fixed.grades:
        console.print(f"fixed: {g.rel}:{g.line}: {g.risk} grade {g.old} → {g.new} / 已按评定标准改写等级",
                      markup=False)


@shared_options("root", "lang", "as_of")
def lint_cmd(
    paths: Annotated[list[str] | None, typer.Argument(metavar="PATH", help="Files, folders or unit ids to report on (default: all).")] = None,
    fmt: Annotated[str | None, typer.Option("--format", "-f", help="text | json | github | sarif | junit (github under GitHub Actions) | statistics (a count per code).")] = None,
    strict: Annotated[bool, typer.Option("--strict", help="Warnings fail too (exit 1).")] = False,
    select: Annotated[list[str] | None, typer.Option("--select", help="Only these codes or prefixes (LFK3, LFK402).")] = None,
    ignore: Annotated[list[str] | None, typer.Option("--ignore", help="Skip these codes or prefixes.")] = None,
    show_suppressed: Annotated[bool, typer.Option("--show-suppressed", help="List suppressed findings too.")] = False,
    changed_since: Annotated[str | None, typer.Option("--changed-since", help="Lint only what changed since this git revision, plus what refers to it.")] = None,
    jobs: Annotated[int | None, typer.Option("--jobs", "-j", help="Processes for cold parsing (default: the machine's cores; at most 64).", min=1, max=64)] = None,
    no_cache: Annotated[bool, typer.Option("--no-cache", help="Neither read nor write the cache (.lfk-cache/ or $LFK_CACHE_DIR).")] = False,
    quiet: QuietOpt = False,
    fix: Annotated[bool, typer.Option("--fix", help="First apply the fixes that are certain: canonical formatting (as lfk fmt).")] = False,
    fix_grades: Annotated[bool, typer.Option("--fix-grades", help="With --fix: also write computed grades where they drift (LFK402; risks with grade_reason keep theirs).")] = False,
    output: Annotated[Path | None, typer.Option("--output", "-o", help="Write the report to this file instead of stdout.")] = None,
    path_prefix: Annotated[str | None, typer.Option("--path-prefix", help="Put this before register-relative paths in github, sarif and junit output (default: the register's folder in its git work tree).")] = None,
    events: Annotated[list[Path] | None, typer.Option("--events", help="Case event logs: warnings past their disposal deadline (LFK804).")] = None,
    opts: Shared = Shared(),
) -> None:
    """Check the register against every rule of RULES.md.

    Example: lfk lint --format json --as-of 2026-12-01
    """
    if fmt is None:
        fmt = "github" if os.environ.get("GITHUB_ACTIONS") == "true" else "text"
    if fmt not in FORMATS:
        raise UsageError(f"--format {fmt!r}: use one of {', '.join(FORMATS)}")
    api.check_codes(select, ignore)
    day = opts.day()
    root_dir = find_root(opts.root)
    if fix_grades and not fix:
        raise UsageError("--fix-grades goes with --fix / --fix-grades 需与 --fix 一起使用")
    if fix:
        report_fixes(api.fix(root_dir, paths, grades=fix_grades))
    recorder = replay.Recorder.start(root_dir, eligible=fmt in ("text", "json") and output is None and not (
        no_cache or fix or events or changed_since is not None))
    reg = api.lint_register_at(root_dir, no_cache=no_cache)
    language = opts.language(reg)
    options = api.lint_options(reg, paths, select=select, ignore=ignore, strict=strict, changed_since=changed_since,
                               jobs=jobs, events=events, as_of=day)
    started = time.monotonic()
    with progress_bar(quiet, T("检查", "linting")) as bar:
        result = api.lint(reg, options=options, progress=bar)
    elapsed = time.monotonic() - started
    on_terminal = fmt == "text" and output is None and is_terminal()
    color = on_terminal and "NO_COLOR" not in os.environ
    text = report(reg, options, result, fmt, language=language, show_suppressed=show_suppressed,
                  path_prefix=path_prefix, color=color, width=terminal_width() if on_terminal else None,
                  elapsed=elapsed)
    if output is not None:
        atomic_write(output, text)
        err_console().print(text.splitlines()[-1] if fmt == "text" else f"wrote {output}")
    elif color:
        out_console().print(text, end="")
    else:
        write_stdout(text)
        if recorder is not None:
            recorder.save(reg.cache, replay.baseline_folders(reg), text, result.exit_code)
    raise typer.Exit(result.exit_code)


def register(app: typer.Typer) -> None:
    """Add ``lint`` to ``app``."""
    app.command("lint")(lint_cmd)
    assert FORMATTERS  # formatters registered on import
