"""``lfk dispose``: record the disposal of a monitor warning in the unit's dispositions.yaml."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from lfk import api
from lfk.cli.common import Shared, shared_options, write_stdout


@shared_options("root", "lang", "as_of")
def dispose_cmd(
    target: Annotated[str, typer.Argument(metavar="TARGET", help="The warning id lfk monitor printed (W-...), or a case id with --unit.")],
    disposal: Annotated[str | None, typer.Option("--disposal", help="风险提示 / 诫勉谈话 / 责令纠错 / the policy's words (default: the policy's for the warning).")] = None,
    unit: Annotated[str | None, typer.Option("--unit", help="The unit (needed unless --events finds the warning).")] = None,
    events: Annotated[list[Path] | None, typer.Option("--events", help="Event logs to find the warning id in.")] = None,
    code: Annotated[str | None, typer.Option("--code", help="The MON code disposed of (optional).")] = None,
    date: Annotated[str | None, typer.Option("--date", help="Date of the disposal (default: --as-of, else today).")] = None,
    by: Annotated[str | None, typer.Option("--by", help="Post that disposed (post id).")] = None,
    to: Annotated[str | None, typer.Option("--to", help="Post the disposal was for (post id).")] = None,
    deadline: Annotated[str | None, typer.Option("--deadline", help="整改 deadline (YYYY-MM-DD).")] = None,
    result: Annotated[str | None, typer.Option("--result", help="整改完成 / 逾期 / 说明理由.")] = None,
    result_date: Annotated[str | None, typer.Option("--result-date", help="Date of the result.")] = None,
    ref: Annotated[str | None, typer.Option("--ref", help="Reference of the record (文号).")] = None,
    opts: Shared = Shared(),
) -> None:
    """Record what was done about a warning (预警处置): one record in units/<unit>/dispositions.yaml.

    A second call for the same warning updates its record (e.g. --result 整改完成); comments are kept.

    Example: lfk dispose W-0fdc1325 --events cases.csv --disposal 责令纠错 --by P-director --deadline 2026-12-31
    """
    reg = opts.register()
    language = opts.language(reg)
    path, added = api.dispose(reg, target, disposal=disposal, unit=unit, events=events, code=code, date=date, by=by,
                              to=to, deadline=deadline, result=result, result_date=result_date, ref=ref,
                              as_of=opts.day())
    rel = path.relative_to(reg.root).as_posix()
    zh = language == "zh"
    write_stdout((f"已登记处置记录：{rel}" if added else f"已更新处置记录：{rel}") if zh
                 else (f"recorded: {rel}" if added else f"updated: {rel}"))


def register(app: typer.Typer) -> None:
    """Add ``dispose`` to ``app``."""
    app.command("dispose")(dispose_cmd)
