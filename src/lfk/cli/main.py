"""The ``lfk`` program: the typer app, its commands, and error handling (no tracebacks)."""

from __future__ import annotations

import errno
import importlib
import os
import sys
from functools import cache
from typing import Annotated, Any

import typer
from typer.core import TyperGroup
from typer.exceptions import TyperException

from lfk import __version__
from lfk.core.errors import LfkError

# Command name → the lfk.cli module whose ``register(app)`` adds it. A module is imported only when
# its command runs (or help lists it), so ``lfk lint`` never imports openpyxl, jinja2 or the site.
COMMANDS = {
    "lint": "lint", "rules": "rules", "grade": "grade", "approve": "approve", "render": "render",
    "diff": "diff", "site": "site", "monitor": "monitor", "score": "score", "export": "tables",
    "import": "tables", "init": "scaffold", "new": "scaffold", "fmt": "fmt", "schema": "schema",
    "log": "log", "trend": "trend", "verify-site": "verify", "impact": "impact",
    "dispose": "dispose", "accept": "accept", "explain": "explain", "baseline": "baseline", "due": "due",
}


@cache
def _module_commands(module: str) -> dict[str, Any]:
    """The click commands that ``lfk.cli.<module>`` registers, built on a throw-away typer app."""
    sub = typer.Typer(rich_markup_mode=None, add_completion=False)

    @sub.callback()
    def _group() -> None:  # a callback makes typer build a group even for one command
        """Commands of one module."""

    importlib.import_module(f"lfk.cli.{module}").register(sub)
    group = typer.main.get_group(sub)
    return dict(group.commands)


def _debug() -> bool:
    return os.environ.get("LFK_DEBUG", "") not in ("", "0") or "--debug" in sys.argv


class LfkGroup(TyperGroup):
    """Loads each command's module on demand; turns every error into one line and an exit code."""

    def list_commands(self, ctx: typer.Context) -> list[str]:
        """Every command name, without importing any command module."""
        return list(COMMANDS)

    def get_command(self, ctx: typer.Context, cmd_name: str) -> Any:
        """Import the module of ``cmd_name`` only now."""
        module = COMMANDS.get(cmd_name)
        return None if module is None else _module_commands(module).get(cmd_name)

    def parse_args(self, ctx: typer.Context, args: list[str]) -> list[str]:
        """Parse ``lfk``'s own options; a usage error is one line (``usage_error``)."""
        try:
            return super().parse_args(ctx, args)
        except ClickUsageError as e:
            raise usage_error(e) from None

    def invoke(self, ctx: typer.Context) -> Any:
        """Run the command, mapping errors to CLI.md's exit codes."""
        try:
            return super().invoke(ctx)
        except ClickUsageError as e:
            raise usage_error(e) from None
        except (typer.Exit, typer.Abort, TyperException):
            raise
        except LfkError as e:
            if _debug():
                import traceback

                traceback.print_exc()
            typer.echo(f"lfk: {e}", err=True)
            raise typer.Exit(e.exit_code) from None
        except KeyboardInterrupt:
            typer.echo("lfk: interrupted / 已中断", err=True)
            raise typer.Exit(130) from None
        except BrokenPipeError:
            raise typer.Exit(0) from None
        except OSError as e:
            if e.errno not in WRITE_ERRNOS:
                raise _internal(e) from None
            # a write no command wrapped (a full disk under a rich console, a quota): one line, exit 2
            typer.echo(f"lfk: {e.filename or 'output'}: cannot write ({e.strerror}) / 写入失败", err=True)
            raise typer.Exit(2) from None
        except Exception as e:  # noqa: BLE001 - the promise: never a traceback
            raise _internal(e) from None


ClickUsageError: type[Exception] = typer.BadParameter.__bases__[0]  # click's UsageError (typer vendors click)


def usage_error(e: Any) -> typer.Exit:
    """Print a usage error (unknown option or command, missing or bad argument) as one line, like every
    other error: ``lfk: <message> (try 'lfk lint -h')``; the exit (2) to raise."""
    ctx = getattr(e, "ctx", None)
    where = f" (try '{ctx.command_path} -h')" if ctx is not None else ""
    message = " ".join(str(e.format_message()).split())
    zh = _usage_zh(e, message)
    typer.echo(f"lfk: {message}{' / ' + zh if zh else ''}{where}", err=True)
    return typer.Exit(2)


def _usage_zh(e: Any, message: str) -> str:
    """The Chinese of click's usage errors (its messages are English only): every other error of lfk says
    both, and the officers who run it read Chinese."""
    kind = type(e).__name__
    if kind == "MissingParameter":
        what = "参数" if getattr(getattr(e, "param", None), "param_type_name", "") == "argument" else "选项"
        named = message.split("'")[1] if message.count("'") >= 2 else ""  # Missing option '--name'.
        return f"缺少{what} {named}".rstrip()
    if kind == "NoSuchOption":
        return f"没有选项 {getattr(e, 'option_name', '')}".rstrip()
    if kind == "BadParameter":
        return "取值无效"
    if kind in ("BadOptionUsage", "BadArgumentUsage"):
        return "用法有误"
    if message.startswith("No such command"):
        return "没有这个命令"
    if message.startswith("Got unexpected extra argument"):
        return "多余的参数"
    return ""


WRITE_ERRNOS = frozenset({errno.ENOSPC, errno.EDQUOT, errno.EFBIG, errno.EROFS, errno.EIO})


def _internal(e: BaseException) -> typer.Exit:
    """Print the one line of an internal error (the trace with --debug); the exit to raise."""
    if _debug():
        import traceback

        traceback.print_exception(e)
    where = ""
    tb = e.__traceback__
    while tb is not None and tb.tb_next is not None:
        tb = tb.tb_next
    if tb is not None:
        where = f" [{os.path.basename(tb.tb_frame.f_code.co_filename)}:{tb.tb_lineno}]"
    typer.echo(f"lfk: internal error: {type(e).__name__}: {e}{where} — please report it; "
               "run with --debug for the trace / 内部错误，请加 --debug 查看详情并报告", err=True)
    return typer.Exit(2)


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
