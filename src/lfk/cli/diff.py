"""``lfk diff [A] [B]``: the semantic difference between two revisions of the register."""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Annotated

import typer

from lfk import api
from lfk.cli.common import Shared, UnitsOpt, err_console, is_terminal, out_console, shared_options, write_stdout
from lfk.core.errors import UsageError
from lfk.core.fsutil import atomic_write
from lfk.register import find_root


@shared_options("root", "lang", "as_of_no_effect")
def diff_cmd(
    rev_a: Annotated[str | None, typer.Argument(metavar="A", help="Old revision (tag, branch, commit). "
                                                "Default: the second newest tag, else HEAD~1 (HEAD in a repository of one commit).")] = None,
    rev_b: Annotated[str | None, typer.Argument(metavar="B", help="New revision. Default: the newest tag "
                                                "(when A is defaulted too), else the working tree.")] = None,
    fmt: Annotated[str, typer.Option("--format", "-f", help="text | markdown | json | html")] = "text",
    unit: UnitsOpt = None,
    kind: Annotated[list[str] | None, typer.Option(
        "--kind", "-k", help="Only these kinds: risks authorities flows measures benchmarks units posts approvals config.")] = None,
    exit_code: Annotated[bool, typer.Option("--exit-code", help="Exit 1 when anything changed.")] = False,
    out: Annotated[Path | None, typer.Option("--out", "-o", help="Write the report to this file (e.g. the html report).")] = None,
    opts: Shared = Shared(),
) -> None:
    """Compare two git revisions of the register item by item (clause 13, 动态管理).

    Items are matched by unit, kind and id, never by list position. Reports powers, flows,
    risks (grade raised or lowered, and why: factors or rubric), measures, benchmarks,
    approvals and units added, removed, renamed or changed. Nothing is checked out; put
    `--` before a revision that starts with `-` (it is then never read as an option).

    Example: lfk diff v2025 v2026 --format html --out 动态调整报告.html
    """
    from lfk.diff.render import FORMATS, render, rich_renderables

    if fmt not in FORMATS:
        raise UsageError(f"--format {fmt!r}: use one of {', '.join(FORMATS)} / 格式无效")
    api.check_kinds(kind)
    opts.day()  # accepted for every command; a diff does not depend on the date
    reg_root = find_root(opts.root)
    with _progress() as progress:
        result = api.diff(reg_root, rev_a, rev_b, units=unit, kinds=kind, progress=progress)
    opts.language()  # validates --lang
    language = _register_lang(reg_root, opts.lang)
    code = 1 if (exit_code and result.changed) else 0
    if out is not None:
        text = render(result, fmt, language)
        atomic_write(out, text)
        err_console().print(f"wrote {out}", markup=False, highlight=False)
    elif fmt == "text" and is_terminal() and "NO_COLOR" not in os.environ:
        console = out_console()
        for r in rich_renderables(result, language):
            console.print(r)
    else:
        write_stdout(render(result, fmt, language))
    raise typer.Exit(code)


@contextlib.contextmanager
def _progress() -> Iterator[Callable[[int, int], None] | None]:
    """A ``progress(done, total)`` callback drawing a bar on a terminal once a diff passes 200 items; else None."""
    if not (is_terminal() and err_console().is_terminal):
        yield None
        return
    from rich.progress import Progress

    bar = Progress(console=err_console(), transient=True)
    task = bar.add_task("diff", total=None)

    def progress(done: int, total: int) -> None:
        if total > 200:
            if not bar.live.is_started:
                bar.start()
            bar.update(task, completed=done, total=total)

    try:
        yield progress
    finally:
        if bar.live.is_started:
            bar.stop()


def register(app: typer.Typer) -> None:
    """Add ``diff`` to ``app``."""
    app.command("diff")(diff_cmd)


def _register_lang(root: Path, option: str | None) -> str:
    """The language: ``lang`` of the working tree's lfk.yaml when readable, else the locale."""
    from lfk.core.i18n import resolve_lang
    from lfk.loader import load_file

    lf = load_file(root / "lfk.yaml", "lfk.yaml")
    cfg_lang = lf.data.get("lang") if isinstance(lf.data, dict) else None
    return resolve_lang(option, cfg_lang if isinstance(cfg_lang, str) else None)
