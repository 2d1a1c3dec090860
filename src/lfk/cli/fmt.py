"""``lfk fmt``: the canonical layout of the register's YAML files, comments kept."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from lfk.canonical import format_paths
from lfk.cli.common import AsOfNoEffectOpt, LangOpt, RootOpt, lang_for, parse_as_of, write_stdout
from lfk.core.errors import LfkError
from lfk.register import Register, find_root

DEFAULT_MAX_BYTES = 10 * 1024 * 1024


def register(app: typer.Typer) -> None:
    """Add ``fmt`` to ``app``."""

    @app.command("fmt")
    def fmt_cmd(
        paths: Annotated[list[str] | None, typer.Argument(help="Files, folders or unit ids (default: the whole register).")] = None,
        check: Annotated[bool, typer.Option("--check", help="Write nothing; list the files that would change and exit 1 if any.")] = False,
        diff: Annotated[bool, typer.Option("--diff", help="With --check: show the changes as a diff.")] = False,
        root: RootOpt = None,
        lang: LangOpt = None,
        as_of: AsOfNoEffectOpt = None,
    ) -> None:
        """Rewrite the YAML in the canonical layout (key order of REGISTER.md, 2-space indent, short lists in flow style).

        Comments are kept, the data never changes (checked before each write), writes are atomic,
        and running it twice changes nothing.

        Example: lfk fmt --check
        """
        parse_as_of(as_of)
        reg_root = find_root(root)
        language = lang_for(lang)
        zh = language == "zh"
        try:  # files over lint.max_file_mb are not parsed (LFK006), here as everywhere
            max_bytes = Register(Path(reg_root)).max_bytes
        except LfkError:
            max_bytes = DEFAULT_MAX_BYTES
        res = format_paths(Path(reg_root), paths, check=check, max_bytes=max_bytes)
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
