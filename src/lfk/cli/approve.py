"""``lfk approve AP-ID [RISK...]``: record a collective approval on risks (clause 6)."""

from __future__ import annotations

import json
from typing import Annotated

import typer

from lfk import api
from lfk.cli.common import Shared, shared_options, write_stdout


@shared_options("root", "skip_broken", "lang", "as_of")
def approve_cmd(
    approval_id: Annotated[str, typer.Argument(metavar="AP-ID", help="The approval record (unit.yaml approvals).")],
    risks: Annotated[list[str] | None, typer.Argument(metavar="RISK", help="Risk ids (default: every risk whose digest is missing or stale).")] = None,
    unit: Annotated[str | None, typer.Option("--unit", "-u", help="The unit (needed when the register has several).")] = None,
    fmt: Annotated[str, typer.Option("--format", "-f", help="text | json")] = "text",
    opts: Shared = Shared(),
) -> None:
    """Record that the leadership approved the risks as they now stand: writes approval and approved_digest.

    A later change of a material field (title, category, kind, authority, steps, post, factors,
    grade, grade_reason, owner) makes lint report LFK411 (需重新集体审定).

    Example: lfk approve AP-2026-03 --unit county-amr
    """
    day = opts.day()
    reg = opts.register()
    language = opts.language(reg)
    res = api.approve(reg, approval_id, risks, unit, as_of=day)
    if fmt == "json":
        write_stdout(json.dumps({
            "unit": res.unit, "approval": res.approval,
            "changes": [{"path": c.rel, "line": c.line, "risk": c.risk, "field": c.field, "old": c.old, "new": c.new}
                        for c in res.changes],
            "unchanged": res.unchanged,
        }, ensure_ascii=False, indent=2))
        return
    lines = [c.text(language) for c in res.changes]
    risks_done = sorted({c.risk for c in res.changes})
    if risks_done:
        lines.append(f"{res.unit}: 已记录集体审定 {res.approval}：{'、'.join(risks_done)}" if language == "zh"
                     else f"{res.unit}: recorded the approval {res.approval} on {', '.join(risks_done)}")
    else:
        lines.append(f"{res.unit}: 无需修改，未写入任何文件" if language == "zh"
                     else f"{res.unit}: nothing to change; no file written")
    write_stdout("\n".join(lines))


def register(app: typer.Typer) -> None:
    """Add ``approve`` to ``app``."""
    app.command("approve")(approve_cmd)
