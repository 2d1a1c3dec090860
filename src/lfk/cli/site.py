"""``lfk site``: the static disclosure website (clause 10), public or internal."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from lfk import api
from lfk.cli.common import NoCacheOpt, Shared, err_console, out_console, progress_bar, shared_options, write_stdout
from lfk.core.i18n import T
from lfk.report import format_findings
from lfk.site import PUBLIC, PublicationBlocked


@shared_options("root", "skip_broken", "lang", "as_of", "rev", "at")
def site_cmd(
    out: Annotated[Path, typer.Argument(metavar="OUT", help="Folder to write the site into (created; an earlier lfk site there is updated).")],
    audience: Annotated[str, typer.Option("--audience", "-a", help="public (职权目录, 流程图, 裁量基准) | internal (adds risks, grades, measures).")] = PUBLIC,
    base_url: Annotated[str | None, typer.Option("--base-url", help="Public address of the site: adds canonical links and sitemap.xml.")] = None,
    force: Annotated[bool, typer.Option("--force", help="Build into a non-empty folder that holds no lfk site.")] = False,
    no_lint: Annotated[bool, typer.Option("--no-lint", help="Internal builds only: lint is never skipped for public.", hidden=True)] = False,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="Print nothing on success.")] = False,
    events: Annotated[list[Path] | None, typer.Option("--events", help="Internal only: event logs (CSV / JSON Lines) for an 电子监察 page; repeatable.")] = None,
    no_cache: NoCacheOpt = False,
    opts: Shared = Shared(),
) -> None:
    """Build the static website: public disclosure (clause 10) or the internal risk register.

    Works from file:// and any static host; no request to another host. A public build stops
    (exit 1) on LFK7xx lint errors. Only pages whose inputs changed are rewritten.
    --as-of (internal) dates the stale-review and overdue-measure checks; default: the
    register's last git commit date.

    The site's own wording (headings, labels, flowchart legends) follows --lang, else $LFK_LANG,
    else lang: in lfk.yaml, else zh; register text is shown as written.

    Example: lfk site build/site --audience public --root registers
    """
    api.check_site(audience, lint=not no_lint, base_url=base_url)
    day = opts.day() if opts.as_of else None
    reg = opts.register(no_cache=no_cache)
    language = opts.language(reg)
    try:
        with progress_bar(quiet, T("生成网站", "building the site"), min_total=200) as bar:
            report = api.site(reg, out, audience, base_url=base_url, as_of=day, lint=not no_lint, force=force,
                              events=events, progress=bar, lang=opts.lang)
    except PublicationBlocked as e:
        text = format_findings("text", e.findings, {"errors": len(e.findings), "warnings": 0, "infos": 0,
                                                    "suppressed": 0, "files": 0, "units": 0, "exit_code": 1},
                               lang=language, color=False)
        write_stdout(text)
        err_console().print(str(e))
        raise typer.Exit(1) from None
    err = err_console()
    for w in report.warnings:
        err.print(f"warning: {w}")
    if not quiet:
        zh = language == "zh"
        msg = (f"{out}：写入 {len(report.written)} 个文件，{len(report.skipped)} 个未变，删除 {len(report.removed)} 个"
               f"（{report.audience}，{report.seconds:.2f} 秒）→ {out / 'index.html'}" if zh else
               f"{out}: wrote {len(report.written)} files, {len(report.skipped)} unchanged, removed "
               f"{len(report.removed)} ({report.audience}, {report.seconds:.2f} s) → {out / 'index.html'}")
        out_console().print(msg)
    raise typer.Exit(0)


def register(app: typer.Typer) -> None:
    """Add ``site`` to ``app``."""
    app.command("site")(site_cmd)
