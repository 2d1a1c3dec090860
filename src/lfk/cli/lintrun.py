"""``lfk lint``'s report, without typer: what the typer command prints, and ``--changed-since`` run without typer.

``report`` turns a lint result into the text of one format (the typer command ``lfk.cli.lint`` prints
it). ``changed_since`` runs ``lfk lint --changed-since REV`` (the check after editing a few units, as
a hook or an editor runs it) without importing typer: it takes the command line only when every
argument is one of a few plain options (``--root``, ``--as-of``, ``--format``/``-f``, ``--changed-since``,
``--select``, ``--ignore``, ``--strict``, ``--show-suppressed``, ``--lang``, ``--path-prefix``,
``--jobs``/``-j``, ``--quiet``/``-q``), stdout is not a terminal and no progress bar could be drawn; it
then calls what the typer command calls, in the same order, and prints the same bytes with the same
exit code. Anything else, and any error before the report is printed, leaves the run to the typer
command (None), which says what went wrong as it always does.
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path
from typing import Any

from lfk import api
from lfk.cli import replay
from lfk.cli.plain import lang_for, parse_as_of
from lfk.core.errors import LfkError, UsageError
from lfk.lint import REGISTRY, LintOptions, LintResult
from lfk.register import Register, find_root
from lfk.report import RuleMeta, format_findings

FORMATS = ("text", "json", "github", "sarif", "junit", "statistics")
# the options ``changed_since`` takes: with a value (the last one given counts, as in the typer command)
VALUED = {"--root": "root", "--as-of": "as_of", "--format": "fmt", "-f": "fmt", "--changed-since": "changed_since",
          "--lang": "lang", "--path-prefix": "path_prefix", "--jobs": "jobs", "-j": "jobs"}
REPEATED = {"--select": "select", "--ignore": "ignore"}
FLAGS = {"--strict": "strict", "--show-suppressed": "show_suppressed", "--quiet": "quiet", "-q": "quiet"}


def rule_metas() -> list[RuleMeta]:
    """Metadata of every lint rule, for SARIF."""
    return [RuleMeta(r.code, r.title, r.severity, r.clause, r.doc) for r in REGISTRY]


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


def report(reg: Register, options: LintOptions, result: LintResult, fmt: str, *, language: str, show_suppressed: bool,
           path_prefix: str | None, color: bool, width: int | None, elapsed: float) -> str:
    """The report of ``result`` in ``fmt`` (``width``: the terminal's, for text on a terminal; else None)."""
    shown = result.findings if (show_suppressed or fmt == "sarif") else result.active
    extra: dict[str, object] = {"width": width} if width is not None else {}
    if fmt == "text":
        extra["hint_many"] = "lfk lint --format statistics"
    if fmt in ("github", "sarif", "junit"):
        base, prefix = repo_paths(reg.root, path_prefix)
        extra = {"root_uri": base.as_uri() + "/", "path_prefix": prefix, "elapsed": elapsed,
                 "files": checked_files(reg, options) if fmt == "junit" else ()}
    return format_findings(fmt, shown, result.summary(), lang=language, color=color, rules=rule_metas(), **extra)


def plain_options(argv: list[str]) -> dict[str, Any] | None:
    """The options of ``lfk lint ARGV`` when every argument is one ``changed_since`` takes (None otherwise)."""
    got: dict[str, Any] = {"select": [], "ignore": []}
    i = 0
    while i < len(argv):
        arg = argv[i]
        name, eq, value = arg.partition("=") if arg.startswith("--") else (arg, "", "")
        if name in FLAGS and not eq:
            got[FLAGS[name]] = True
        elif name in VALUED or name in REPEATED:
            if not eq:
                i += 1
                if i == len(argv):
                    return None
                value = argv[i]
            if not value or value.startswith("-"):
                return None
            if name in REPEATED:
                got[REPEATED[name]].append(value)
            else:
                got[VALUED[name]] = value
        else:
            return None  # paths, --fix, --output, --events, --no-cache, -h ...: the typer command
        i += 1
    if "changed_since" not in got or not got.get("jobs", "1").isdigit() or not 1 <= int(got.get("jobs", "1")) <= 64:
        return None
    return got


def changed_since(argv: list[str]) -> int | None:
    """Run ``lfk ARGV`` (``lint --changed-since REV`` with plain options) without typer: the exit code
    after printing the report; None (nothing printed) when the typer command is to run it."""
    if not argv or argv[0] != "lint" or sys.stdout.isatty():
        return None
    got = plain_options(argv[1:])
    if got is None or not (got.get("quiet") or not sys.stderr.isatty() or os.environ.get("CI")):
        return None  # a progress bar might be drawn: the typer command's
    try:
        text, code = _lint(got)
    except KeyboardInterrupt:
        sys.stderr.write("lfk: interrupted / 已中断\n")
        return 130
    except Exception:  # noqa: BLE001 - nothing printed yet: the typer command runs and says what went wrong
        return None
    try:
        replay.write_out(replay.stdout_data(text))
    except BrokenPipeError:
        return 0
    except LfkError as e:
        sys.stderr.write(f"lfk: {e}\n")
        return e.exit_code
    return code


def _lint(got: dict[str, Any]) -> tuple[str, int]:
    """What ``lfk.cli.lint.lint_cmd`` does for these options (no fix, no output file, not on a terminal)."""
    fmt = got.get("fmt") or ("github" if os.environ.get("GITHUB_ACTIONS") == "true" else "text")
    if fmt not in FORMATS:
        raise UsageError(f"--format {fmt!r}")
    select, ignore = got["select"] or None, got["ignore"] or None
    api.check_codes(select, ignore)
    day = parse_as_of(got.get("as_of"))
    root_dir = find_root(Path(got["root"]) if "root" in got else None)
    reg = api.lint_register_at(root_dir)
    language = lang_for(got.get("lang"), reg)
    options = api.lint_options(reg, None, select=select, ignore=ignore, strict=bool(got.get("strict")),
                               changed_since=got["changed_since"], jobs=int(got["jobs"]) if "jobs" in got else None,
                               as_of=day)
    started = time.monotonic()
    result = api.lint(reg, options=options)
    elapsed = time.monotonic() - started
    text = report(reg, options, result, fmt, language=language, show_suppressed=bool(got.get("show_suppressed")),
                  path_prefix=got.get("path_prefix"), color=False, width=None, elapsed=elapsed)
    return text, result.exit_code
