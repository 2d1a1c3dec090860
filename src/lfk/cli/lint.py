"""``lfk lint``: all rules over the register (or the files/units named)."""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import Annotated

import typer

from lfk.cli import replay
from lfk.cli.common import (
    AsOfOpt,
    LangOpt,
    RootOpt,
    err_console,
    is_terminal,
    lang_for,
    out_console,
    parse_as_of,
    progress_bar,
    terminal_width,
    write_stdout,
)
from lfk.core.cache import Cache, default_dir
from lfk.core.errors import UsageError
from lfk.core.fsutil import atomic_write
from lfk.core.i18n import T
from lfk.lint import REGISTRY, LintOptions, lint_register
from lfk.lint.changed import affected_units, changed_files
from lfk.lint.engine import default_jobs
from lfk.register import Register, find_root
from lfk.report import FORMATTERS, RuleMeta, format_findings

FORMATS = ("text", "json", "github", "sarif", "junit")


def rule_metas() -> list[RuleMeta]:
    """Metadata of every lint rule, for SARIF."""
    return [RuleMeta(r.code, r.title, r.severity, r.clause, r.doc) for r in REGISTRY]


def split_codes(values: list[str] | None) -> list[str]:
    """``--select A,B --select C`` as [A, B, C]."""
    out: list[str] = []
    for v in values or []:
        out.extend(c.strip().upper() for c in v.split(",") if c.strip())
    return out


def resolve_paths(root: Path, paths: list[str] | None) -> list[str] | None:
    """PATH arguments (files, folders, unit ids) as register-relative prefixes."""
    if not paths:
        return None
    out = []
    for p in paths:
        cand = Path(p)
        full = cand if cand.is_absolute() else (Path.cwd() / cand)
        if full.exists():
            try:
                rel = full.resolve().relative_to(root.resolve()).as_posix()
            except ValueError:
                raise UsageError(f"{p}: not inside the register {root} / 不在登记册内") from None
            out.append("" if rel == "." else rel)
        elif (root / "units" / p).is_dir():
            out.append(f"units/{p}")
        elif (root / p).exists():
            out.append(p.strip("/"))
        else:
            raise UsageError(f"{p}: no such file, folder or unit / 找不到该文件、文件夹或单位")
    return out


def repo_paths(root: Path, path_prefix: str | None) -> tuple[Path, str]:
    """(folder CI paths are relative to, prefix from there to the register) for github/sarif/junit output.

    ``--path-prefix`` wins (relative to the register's parent chain as given); else the git work tree
    holding the register; else the register itself (no prefix).
    """
    from lfk.core.git import work_tree_of

    if path_prefix is not None:
        prefix = path_prefix.strip().strip("/")
        prefix = prefix + "/" if prefix else ""
        base = root
        for _ in prefix.strip("/").split("/") if prefix else ():
            base = base.parent
        return base, prefix
    tree = work_tree_of(root)
    return tree if tree is not None else (root, "")


def checked_files(reg: Register, opts: LintOptions) -> list[str]:
    """The register files a lint run checks (for JUnit's one test case per file)."""
    wanted = set(opts.units) if opts.units is not None else None
    out = []
    for rel in reg.all_files:
        parts = rel.split("/")
        if not rel.endswith(".yaml"):
            continue
        if parts[0] == "units" and len(parts) >= 3:
            if wanted is not None and parts[1] not in wanted:
                continue
        elif not (rel == "lfk.yaml" or (parts[0] == "flows" and len(parts) == 2)):
            continue
        if opts.paths and not any(p in ("", ".") or rel == p or rel.startswith(p.rstrip("/") + "/") for p in opts.paths):
            continue
        out.append(rel)
    return out


def apply_fixes(root: Path, paths: list[str] | None, grades: bool) -> None:
    """``--fix``: canonical formatting of the files linted; ``--fix-grades``: computed grades written. Says what changed on stderr."""
    from lfk.canonical import format_paths
    from lfk.grading.report import grade_register, write_grades

    console = err_console()
    files = None if not paths else [str(root / p) for p in paths if p]
    res = format_paths(root, files, max_bytes=Register(root).max_bytes)
    for ch in res.changed:
        console.print(f"fixed: {ch.rel}: formatting / 已规范格式", markup=False)
    if grades:
        reg = Register(root)
        for ch in write_grades(reg, grade_register(reg)):
            console.print(f"fixed: {ch.rel}:{ch.line}: {ch.risk} grade {ch.old} → {ch.new} / 已按评定标准改写等级",
                          markup=False)


def lint_cmd(
    paths: Annotated[list[str] | None, typer.Argument(help="Files, folders or unit ids to report on (default: all).")] = None,
    fmt: Annotated[str | None, typer.Option("--format", "-f", help="text | json | github | sarif | junit (github under GitHub Actions).")] = None,
    strict: Annotated[bool, typer.Option("--strict", help="Warnings fail too (exit 1).")] = False,
    select: Annotated[list[str] | None, typer.Option("--select", help="Only these codes or prefixes (LFK3, LFK402).")] = None,
    ignore: Annotated[list[str] | None, typer.Option("--ignore", help="Skip these codes or prefixes.")] = None,
    show_suppressed: Annotated[bool, typer.Option("--show-suppressed", help="List suppressed findings too.")] = False,
    changed_since: Annotated[str | None, typer.Option("--changed-since", help="Lint only what changed since this git revision, plus what refers to it.")] = None,
    jobs: Annotated[int | None, typer.Option("--jobs", "-j", help="Processes for cold parsing (default: the machine's cores; at most 64).", min=1, max=64)] = None,
    no_cache: Annotated[bool, typer.Option("--no-cache", help="Neither read nor write the cache (.lfk-cache/ or $LFK_CACHE_DIR).")] = False,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress bar.")] = False,
    fix: Annotated[bool, typer.Option("--fix", help="First apply the fixes that are certain: canonical formatting (as lfk fmt).")] = False,
    fix_grades: Annotated[bool, typer.Option("--fix-grades", help="With --fix: also write computed grades where they drift (LFK402; risks with grade_reason keep theirs).")] = False,
    output: Annotated[Path | None, typer.Option("--output", "-o", help="Write the report to this file instead of stdout.")] = None,
    path_prefix: Annotated[str | None, typer.Option("--path-prefix", help="Put this before register-relative paths in github, sarif and junit output (default: the register's folder in its git work tree).")] = None,
    events: Annotated[list[Path] | None, typer.Option("--events", help="Case event logs: warnings past their disposal deadline (LFK804).")] = None,
    root: RootOpt = None,
    lang: LangOpt = None,
    as_of: AsOfOpt = None,
) -> None:
    """Check the register against every rule of RULES.md.

    Example: lfk lint --format json --as-of 2026-12-01
    """
    import lfk.lint.rules  # noqa: F401  - the rule list, for checking --select/--ignore

    if fmt is None:
        fmt = "github" if os.environ.get("GITHUB_ACTIONS") == "true" else "text"
    if fmt not in FORMATS:
        raise UsageError(f"--format {fmt!r}: use one of {', '.join(FORMATS)}")
    unknown = [c for c in split_codes(select) + split_codes(ignore) if not any(k.startswith(c) for k in REGISTRY.codes())]
    if unknown:
        raise UsageError(f"unknown rule code(s): {', '.join(unknown)} / 未知的规则代码", hint="see `lfk rules`")
    day = parse_as_of(as_of)
    root_dir = find_root(root)
    if fix_grades and not fix:
        raise UsageError("--fix-grades goes with --fix / --fix-grades 需与 --fix 一起使用")
    if fix:
        apply_fixes(root_dir, resolve_paths(root_dir, paths), fix_grades)
    recorder = replay.Recorder.start(root_dir, eligible=fmt in ("text", "json") and output is None and not (
        no_cache or fix or events or changed_since is not None))
    reg = Register(root_dir, cache=None if no_cache else Cache(default_dir(root_dir)))
    language = lang_for(lang, reg)
    units = None
    if changed_since is not None:
        units = affected_units(reg, changed_files(reg.root, changed_since, reg.cache, reg.all_files))
    opts = LintOptions(as_of=day, select=split_codes(select) or None, ignore=split_codes(ignore) or None,
                       strict=strict, paths=resolve_paths(reg.root, paths), units=units,
                       jobs=jobs or default_jobs(), events=[str(e) for e in events or []] or None)
    for e in events or []:
        if not e.is_file():
            raise UsageError(f"--events {e}: no such file / 文件不存在")
    started = time.monotonic()
    with progress_bar(quiet, T("检查", "linting")) as bar:
        opts.progress = bar
        result = lint_register(reg, opts)
    elapsed = time.monotonic() - started
    shown = result.findings if (show_suppressed or fmt == "sarif") else result.active
    summary = result.summary()
    on_terminal = fmt == "text" and output is None and is_terminal()
    color = on_terminal and "NO_COLOR" not in os.environ
    extra: dict[str, object] = {"width": terminal_width()} if on_terminal else {}
    if fmt in ("github", "sarif", "junit"):
        base, prefix = repo_paths(reg.root, path_prefix)
        extra = {"root_uri": base.as_uri() + "/", "path_prefix": prefix, "elapsed": elapsed,
                 "files": checked_files(reg, opts) if fmt == "junit" else ()}
    text = format_findings(fmt, shown, summary, lang=language, color=color, rules=rule_metas(), **extra)
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
