"""``lfk verify-site DIR``: check a published site against its manifest and its register revision."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from lfk import api
from lfk.cli.common import Shared, err_console, shared_options, write_stdout
from lfk.core.errors import UsageError
from lfk.report import format_findings

FORMATS = ("text", "json", "github", "sarif", "junit")


@shared_options("root", "lang")
def verify_cmd(
    site: Annotated[Path, typer.Argument(metavar="SITE", help="The published site's folder (a copy of what is online).")],
    offline: Annotated[bool, typer.Option("--offline", help="Only check the files against the manifest's digests.")] = False,
    tag: Annotated[str | None, typer.Option("--tag", help="A signed tag that must point at the manifest's revision (git verify-tag).")] = None,
    fmt: Annotated[str, typer.Option("--format", "-f", help="text | json | github | sarif | junit.")] = "text",
    opts: Shared = Shared(),
) -> None:
    """Verify that a published site is exactly what its register revision produces.

    Offline: every file matches the SHA-256 in lfk-publication.json, none added or missing. Then the
    site is rebuilt from the git objects of the revision the manifest names and compared file by file.
    Exit 0 verified, 1 not, 2 usage.

    Example: lfk verify-site public-copy/ --root registers --tag v2026
    """
    if fmt not in FORMATS:
        raise UsageError(f"--format {fmt!r}: use one of {', '.join(FORMATS)}")
    ver = api.verify_site(site, opts.root, offline=offline, tag=tag)
    language = opts.language()
    write_stdout(format_findings(fmt, sorted(ver.findings, key=lambda f: f.sort_key()), ver.summary(), lang=language))
    if fmt == "text":
        rev = ver.revision or {}
        zh = language == "zh"
        if ver.verified:
            what = ("与版本一致" if zh else "matches revision") + f" {rev.get('rev', '?')} ({str(rev.get('commit', ''))[:10]})"
            if not ver.rebuilt:
                what = "文件与清单摘要一致（未重建）" if zh else "files match the manifest's digests (not rebuilt)"
        else:
            what = "核验未通过" if zh else "NOT verified"
        sig = f", {'签名有效' if zh else 'signature good'}" if ver.signature == "good" else ""
        err_console().print(f"{site}: {what}{sig}; manifest sha256 {ver.manifest_sha256}", markup=False)
    raise typer.Exit(0 if ver.verified else 1)


def register(app: typer.Typer) -> None:
    """Add ``verify-site`` to ``app``."""
    app.command("verify-site")(verify_cmd)
