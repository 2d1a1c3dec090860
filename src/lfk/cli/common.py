"""Options and helpers every command shares: root, language, as-of date, consoles, error exits."""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import inspect
import os
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, TypeVar

import typer

from lfk import api
from lfk.cli import replay
from lfk.cli.plain import lang_for, parse_as_of
from lfk.core.errors import WriteError
from lfk.core.finding import Finding
from lfk.core.i18n import Text, resolve_lang
from lfk.register import Register

if TYPE_CHECKING:  # rich is imported only when something is drawn (lfk lint in a hook never needs it)
    from rich.console import Console

RootOpt = Annotated[
    Path | None,
    typer.Option("--root", help="Register root (folder with lfk.yaml); else $LFK_ROOT, the nearest lfk.yaml up, ./registers.",
                 show_default=False),
]
LangOpt = Annotated[str | None, typer.Option("--lang", help="Message language: zh | en (else $LFK_LANG, lfk.yaml, locale).")]
AsOfOpt = Annotated[str | None, typer.Option("--as-of", help="Date the run is for (YYYY-MM-DD); default: today.")]
# For a command whose output does not depend on the date: taken (and checked) so every command line can
# carry the same --as-of, and said so in its help.
AsOfNoEffectOpt = Annotated[str | None, typer.Option(
    "--as-of", help="Accepted so every lfk command takes the same options; this command's output does not depend "
                    "on the date (a bad date is still refused).")]
RevOpt = Annotated[str | None, typer.Option("--rev", help="Read the register as it was at this git revision (tag, branch, commit); nothing is checked out.")]
AtOpt = Annotated[str | None, typer.Option("--at", help="Read the register as it stood on this date (YYYY-MM-DD): the last commit on or before it.")]
SkipBrokenOpt = Annotated[
    bool,
    typer.Option("--skip-broken", help="Leave out files that cannot be read or validated (each is named on stderr) "
                 "instead of stopping with exit 2.", show_default=False),
]
DebugOpt = Annotated[bool, typer.Option("--debug", help="Show a Python traceback on internal errors.", hidden=True)]
# Options several commands take with the same help.
NoCacheOpt = Annotated[bool, typer.Option("--no-cache", help="Neither read nor write the parse cache (.lfk-cache/ or $LFK_CACHE_DIR).")]
QuietOpt = Annotated[bool, typer.Option("--quiet", "-q", help="No progress bar.")]
TextJsonOpt = Annotated[str, typer.Option("--format", "-f", help="text | json.")]
UnitsOpt = Annotated[list[str] | None, typer.Option("--unit", "-u", help="Only these units (repeat or comma-separate).")]
UnitArgs = Annotated[list[str] | None, typer.Argument(metavar="UNIT", help="Units (default: all).")]
ItemIdArg = Annotated[str, typer.Argument(metavar="[UNIT/]ID", help="A power, risk, measure, flow or benchmark id.")]


@dataclass
class Shared:
    """The options every command shares (``--root``, ``--skip-broken``, ``--lang``, ``--as-of``, ``--rev``,
    ``--at``), as ``shared_options`` collects them; an option the command does not take is None/False."""

    root: Path | None = None
    skip_broken: bool = False
    lang: str | None = None
    as_of: str | None = None
    rev: str | None = None
    at: str | None = None

    def register(self, *, no_cache: bool = False) -> Register:
        """The register these options name (``open_register``)."""
        return open_register(self.root, no_cache=no_cache, rev=self.rev, at=self.at, skip_broken=self.skip_broken)

    def day(self) -> dt.date:
        """``--as-of`` as a date (today when not given); a bad value is a usage error."""
        return parse_as_of(self.as_of)

    def language(self, register: Register | None = None) -> str:
        """The message language (``lang_for``)."""
        return lang_for(self.lang, register)


# shared_options names → (parameter, its typer type, default); help lists them in the order a command names them
SHARED_OPTIONS: dict[str, tuple[str, Any, Any]] = {
    "root": ("root", RootOpt, None), "skip_broken": ("skip_broken", SkipBrokenOpt, False),
    "lang": ("lang", LangOpt, None), "as_of": ("as_of", AsOfOpt, None),
    "as_of_no_effect": ("as_of", AsOfNoEffectOpt, None), "rev": ("rev", RevOpt, None), "at": ("at", AtOpt, None),
}
CommandFn = TypeVar("CommandFn", bound=Callable[..., Any])


def shared_options(*names: str) -> Callable[[CommandFn], CommandFn]:
    """Decorator: the command takes the shared options ``names`` (keys of ``SHARED_OPTIONS``) where its
    ``opts: Shared`` parameter stands, and gets them as that one ``Shared`` argument.

    ``@shared_options("root", "lang", "rev", "at")`` on ``def explain_cmd(ident, fmt, opts: Shared)`` gives
    ``lfk explain ID [--format] [--root] [--lang] [--rev] [--at]``: the same options, help and order as
    writing the four parameters out in every command.
    """
    def decorate(fn: CommandFn) -> CommandFn:
        sig = inspect.signature(fn, eval_str=True)
        params: list[inspect.Parameter] = []
        for p in sig.parameters.values():
            if p.name != "opts":
                params.append(p.replace(kind=inspect.Parameter.KEYWORD_ONLY))
                continue
            for n in names:
                name, kind, default = SHARED_OPTIONS[n]
                params.append(inspect.Parameter(name, inspect.Parameter.KEYWORD_ONLY, annotation=kind, default=default))
        taken = [SHARED_OPTIONS[n][0] for n in names]

        @functools.wraps(fn)
        def command(**kwargs: Any) -> Any:
            opts = Shared(**{n: kwargs.pop(n) for n in taken})
            return fn(**kwargs, opts=opts)

        command.__signature__ = sig.replace(parameters=params)  # type: ignore[attr-defined]
        return command  # type: ignore[return-value]

    return decorate


def open_register(root: Path | None, *, no_cache: bool = False, rev: str | None = None, at: str | None = None,
                  skip_broken: bool = False) -> Register:
    """``lfk.api.open_register`` with the command line's broken-file policy (``broken_policy``).

    An unusable lfk.yaml is a ``ConfigError`` (exit 2, its file:line and a fix); only ``lfk lint`` reports
    it as findings instead. Any other file that cannot be read or validated stops the command the same way
    (``BrokenFile``) when it is reached, unless ``skip_broken``: then it is left out and named on stderr.
    """
    return api.open_register(root, no_cache=no_cache, rev=rev, at=at, **broken_policy(skip_broken))  # type: ignore[arg-type]


def broken_policy(skip_broken: bool) -> dict[str, object]:
    """``Register`` keyword arguments for a command other than lint: stop on a broken file, or skip and say so."""
    if not skip_broken:
        return {"on_broken": "fail"}

    def say(f: Finding) -> None:
        err_console().print(f"skipped / 已跳过: {f.path}:{f.line}:{f.column}: {f.code} {f.message.get('en')} / {f.message.zh}"
                            " (--skip-broken)", markup=False)

    return {"on_broken": "skip", "on_skip": say}


def out_console() -> Console:
    """Console for normal output (stdout): colour only on a terminal, NO_COLOR honoured."""
    from rich.console import Console

    return Console(highlight=False, soft_wrap=True, no_color="NO_COLOR" in os.environ)


def err_console() -> Console:
    """Console for messages and progress (stderr)."""
    from rich.console import Console

    return Console(stderr=True, highlight=False, soft_wrap=True, no_color="NO_COLOR" in os.environ)


def is_terminal() -> bool:
    """Whether stdout is an interactive terminal."""
    return sys.stdout.isatty()


def terminal_width() -> int:
    """Columns of the terminal on stdout (``$COLUMNS`` first; 80 when it cannot be told)."""
    import shutil

    return shutil.get_terminal_size((80, 24)).columns or 80


def write_stdout(text: str) -> None:
    """Write machine output to stdout exactly (UTF-8, no colour). A full disk (or any other failed
    write) is a ``WriteError``: one line, exit 2."""
    replay.write_out(replay.stdout_data(text))


def write_stdout_bytes(data: bytes) -> None:
    """Write bytes (a CSV in its encoding) to stdout; a failed write is a ``WriteError``."""
    try:
        sys.stdout.flush()
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
    except BrokenPipeError:
        raise
    except OSError as e:
        raise WriteError(f"stdout: cannot write ({e.strerror or e}) / 无法写出到标准输出") from None


@contextlib.contextmanager
def progress_bar(quiet: bool, label: Text, *, min_total: int = 50) -> Iterator[Callable[[int, int], None] | None]:
    """A ``progress(done, total)`` callback drawing a rich bar on stderr — only on a terminal, not with ``--quiet``,
    and only once the work is large enough (``min_total`` items) to take a while. Yields None otherwise.
    """
    if quiet or not sys.stderr.isatty() or os.environ.get("CI"):
        yield None
        return
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    lang = resolve_lang(None)
    progress = Progress(TextColumn(label.get(lang)), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                        console=err_console(), transient=True)
    state: dict[str, int] = {}

    def update(done: int, total: int) -> None:
        if total < min_total:
            return
        if "task" not in state:
            progress.start()
            state["task"] = progress.add_task("", total=total)
        progress.update(state["task"], completed=done)  # type: ignore[arg-type]

    try:
        yield update
    finally:
        if "task" in state:
            progress.stop()


@contextlib.contextmanager
def stderr_bar(show: bool, label: str, *, sizes: bool = False) -> Iterator[Callable[[int, int], None] | None]:
    """A ``progress(done, total)`` callback drawing a transient rich bar labelled ``label`` on stderr when
    ``show``, else None; ``sizes``: done and total are bytes (shown as sizes, with the time left)."""
    if not show:
        yield None
        return
    from rich.progress import BarColumn, DownloadColumn, Progress, TimeRemainingColumn

    columns = ("[progress.description]{task.description}", BarColumn(), DownloadColumn(), TimeRemainingColumn()) \
        if sizes else ()
    with Progress(*columns, console=err_console(), transient=True) as bar:
        task = bar.add_task(label, total=None)

        def update(done: int, total: int) -> None:
            bar.update(task, completed=done, total=total)

        yield update
