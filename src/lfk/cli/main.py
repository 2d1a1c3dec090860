"""The ``lfk`` program: the typer app, its commands, and error handling (no tracebacks)."""

from __future__ import annotations

import importlib
import os
import sys
import traceback
from typing import Annotated, Any

import typer
from typer.core import TyperGroup
from typer.exceptions import TyperException

from lfk import __version__
from lfk.core.errors import LfkError

# Each module defines ``register(app)`` adding its command(s).
COMMAND_MODULES = (
    "lint", "rules", "grade", "approve", "render", "diff", "site", "monitor",
    "score", "tables", "scaffold", "fmt", "schema", "dispose",
)


def _debug() -> bool:
    return os.environ.get("LFK_DEBUG", "") not in ("", "0") or "--debug" in sys.argv


class LfkGroup(TyperGroup):
    """Turns every error into one line on stderr and an exit code (``--debug`` shows the trace)."""

    def invoke(self, ctx: typer.Context) -> Any:
        """Run the command, mapping errors to CLI.md's exit codes."""
        try:
            return super().invoke(ctx)
        except (typer.Exit, typer.Abort, TyperException):
            raise
        except LfkError as e:
            if _debug():
                traceback.print_exc()
            typer.echo(f"lfk: {e}", err=True)
            raise typer.Exit(e.exit_code) from None
        except KeyboardInterrupt:
            typer.echo("lfk: interrupted / 已中断", err=True)
            raise typer.Exit(130) from None
        except BrokenPipeError:
            raise typer.Exit(0) from None
        except Exception as e:  # noqa: BLE001 - the promise: never a traceback
            if _debug():
                traceback.print_exc()
            where = ""
            tb = e.__traceback__
            while tb is not None and tb.tb_next is not None:
                tb = tb.tb_next
            if tb is not None:
                where = f" [{os.path.basename(tb.tb_frame.f_code.co_filename)}:{tb.tb_lineno}]"
            typer.echo(f"lfk: internal error: {type(e).__name__}: {e}{where} — please report it; "
                       "run with --debug for the trace / 内部错误，请加 --debug 查看详情并报告", err=True)
            raise typer.Exit(2) from None


app = typer.Typer(
    name="lfk",
    cls=LfkGroup,
    help="lfk (廉防控): lint, grade, draw, compare, monitor and publish 廉政风险防控 registers.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 110},
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"lfk {__version__}")
        raise typer.Exit(0)


@app.callback()
def _root(
    version: Annotated[bool, typer.Option("--version", callback=_version, is_eager=True, help="Show the version.")] = False,
    debug: Annotated[bool, typer.Option("--debug", help="Show Python tracebacks of internal errors.")] = False,
) -> None:
    """lfk (廉防控): keep 廉政风险防控 registers as YAML in git; lint, grade, render, diff, publish, monitor.

    Example: lfk lint --root registers
    """
    if debug:
        os.environ["LFK_DEBUG"] = "1"


for _name in COMMAND_MODULES:
    try:
        _mod = importlib.import_module(f"lfk.cli.{_name}")
    except ModuleNotFoundError as _e:  # a command module not written yet
        if _e.name != f"lfk.cli.{_name}":
            raise
        continue
    _mod.register(app)


def main(argv: list[str] | None = None) -> int:
    """Console-script entry point; returns the exit code."""
    try:
        app(args=argv, prog_name="lfk", standalone_mode=True)
    except SystemExit as e:
        code = e.code
        if code is None:
            return 0
        if isinstance(code, int):
            return code
        typer.echo(str(code), err=True)
        return 2
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
