"""``lfk fmt``: the canonical layout of the register's YAML files, comments kept."""

from __future__ import annotations

from typing import Annotated

import typer

from lfk import api
from lfk.cli.common import Shared, shared_options, write_stdout


@shared_options("root", "lang", "as_of_no_effect")
def fmt_cmd(
    paths: Annotated[list[str] | None, typer.Argument(metavar="PATH", help="Files, folders or unit ids (default: the whole register).")] = None,
    check: Annotated[bool, typer.Option("--check", help="Write nothing; list the files that would change and exit 1 if any.")] = False,
    diff: Annotated[bool, typer.Option("--diff", help="With --check: show the changes as a diff.")] = False,
    opts: Shared = Shared(),
) -> None:
    """Rewrite the YAML in the canonical layout (key order of REGISTER.md, 2-space indent, short lists in flow style).

    Comments are kept, the data never changes (checked before each write), writes are atomic,
    and running it twice changes nothing.

    Example: lfk fmt --check
    """
    opts.day()
    zh = opts.language() == "zh"
    res = api.fmt(opts.root, paths, check=check)
    lines = []
    for ch in res.changed:
        if check:
            lines.append(f"{ch.rel}: {'需要格式化' if zh else 'would reformat'}")
            if diff:
                lines.append(ch.diff().rstrip("\n"))
        else:
            lines.append(f"{ch.rel}: {'已格式化' if zh else 'reformatted'}")
    for rel, msg in res.errors:
        lines.append(f"{rel}: {msg}")
    n = len(res.changed)
    if check:
        lines.append(f"{n} 个文件需要格式化，共检查 {res.checked} 个" if zh else
                     f"{n} of {res.checked} files would be reformatted")
    else:
        lines.append(f"格式化了 {n} 个文件，共 {res.checked} 个" if zh else f"reformatted {n} of {res.checked} files")
    write_stdout("\n".join(lines))
    raise typer.Exit(res.exit_code)


def register(app: typer.Typer) -> None:
    """Add ``fmt`` to ``app``."""
    app.command("fmt")(fmt_cmd)
