"""``lfk accept``: record an approved acceptance (经审批接受的偏离或豁免) in the unit's accepted.yaml."""

from __future__ import annotations

from typing import Annotated

import typer

from lfk import api
from lfk.cli.common import Shared, shared_options, write_stdout


@shared_options("root", "lang", "as_of")
def accept_cmd(
    unit: Annotated[str, typer.Option("--unit", help="The unit.")],
    ident: Annotated[str | None, typer.Argument(metavar="ID", help="The acceptance id (default for a new one: the next A-<year>-NN); an existing id is updated.")] = None,
    code: Annotated[str | None, typer.Option("--code", help="The MON code of a deviation (MON201) or the LFK code of a finding.")] = None,
    case: Annotated[str | None, typer.Option("--case", help="(deviation) only this case.")] = None,
    authority: Annotated[str | None, typer.Option("--authority", help="(deviation) only cases of this power.")] = None,
    step: Annotated[str | None, typer.Option("--step", help="(deviation) only at this step.")] = None,
    post: Annotated[str | None, typer.Option("--post", help="(deviation) only when this post acted.")] = None,
    item: Annotated[str | None, typer.Option("--item", help="(finding) the risk, measure, power or flow it is about.")] = None,
    file: Annotated[str | None, typer.Option("--file", help="(finding) the file inside the unit folder, e.g. risks.yaml.")] = None,
    risk: Annotated[str | None, typer.Option("--risk", help="A 高 risk accepted without its minimum measures.")] = None,
    reason: Annotated[str | None, typer.Option("--reason", help="Why it is accepted.")] = None,
    approval: Annotated[str | None, typer.Option("--approval", help="The approval of unit.yaml that decided it (集体审定).")] = None,
    ref: Annotated[str | None, typer.Option("--ref", help="Reference of the decision (文号).")] = None,
    since: Annotated[str | None, typer.Option("--since", help="First day it applies (YYYY-MM-DD).")] = None,
    until: Annotated[str | None, typer.Option("--until", help="Last day it applies (YYYY-MM-DD): it expires then.")] = None,
    opts: Shared = Shared(),
) -> None:
    """Record an approved acceptance (经审批接受): a monitor deviation, a lint finding or a risk, until a date.

    Until it expires the deviation raises no 黄牌/红牌 and the finding is not reported; lint reminds of it
    before it expires (LFK807) and reports it again after (LFK806). A second call with the same id updates
    it (e.g. a new --until); comments are kept.

    Example: lfk accept --unit county-amr --code MON201 --authority XK-01 --step S2 --post P-legal --reason 岗位空缺期间代为审查 --approval AP-2026-09 --until 2026-12-31
    """
    reg = opts.register()
    language = opts.language(reg)
    path, ident, added = api.accept(reg, unit, ident, code=code, case=case, authority=authority, step=step, post=post,
                                    item=item, file=file, risk=risk, reason=reason, approval=approval, ref=ref,
                                    since=since, until=until, as_of=opts.day())
    rel = path.relative_to(reg.root).as_posix()
    zh = language == "zh"
    write_stdout((f"已登记接受记录 {ident}：{rel}" if added else f"已更新接受记录 {ident}：{rel}") if zh
                 else (f"recorded {ident}: {rel}" if added else f"updated {ident}: {rel}"))


def register(app: typer.Typer) -> None:
    """Add ``accept`` to ``app``."""
    app.command("accept")(accept_cmd)
