"""``lfk dispose``: record the disposal of a monitor warning in the unit's dispositions.yaml."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from lfk.cli.common import AsOfOpt, LangOpt, RootOpt, lang_for, open_register, parse_as_of, write_stdout
from lfk.core.errors import UsageError
from lfk.model.dispositions import DISPOSITION_RESULTS
from lfk.monitor import run_monitor
from lfk.monitor.dispose import parse_day, record_disposition


def register(app: typer.Typer) -> None:
    """Add ``dispose`` to ``app``."""

    @app.command("dispose")
    def dispose_cmd(
        target: Annotated[str, typer.Argument(help="The warning id lfk monitor printed (W-...), or a case id with --unit.")],
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
        root: RootOpt = None,
        lang: LangOpt = None,
        as_of: AsOfOpt = None,
    ) -> None:
        """Record what was done about a warning (预警处置): one record in units/<unit>/dispositions.yaml.

        A second call for the same warning updates its record (e.g. --result 整改完成); comments are kept.

        Example: lfk dispose W-0fdc1325 --events cases.csv --disposal 责令纠错 --by P-director --deadline 2026-12-31
        """
        reg = open_register(root)
        language = lang_for(lang, reg)
        if result is not None and result not in DISPOSITION_RESULTS:
            raise UsageError(f"--result {result!r}: use one of {', '.join(DISPOSITION_RESULTS)}")
        fields: dict[str, object] = {"code": code}
        asked = None
        if target.startswith("W-"):
            fields["warning"] = target
            if events:
                for e in events:
                    if not e.is_file():
                        raise UsageError(f"--events {e}: no such file / 文件不存在")
                found = [c for c in run_monitor(reg, events).cases if c["warning_id"] == target]
                if not found:
                    raise UsageError(f"{target}: no such warning in the logs / 事件记录中没有该预警")
                unit = unit or found[0]["unit"]
                fields["case"] = found[0]["case_id"]
                asked = found[0].get("disposal")
            elif unit is None:
                raise UsageError(f"{target}: give --events (to find the warning) or --unit / 请给出 --events 或 --unit")
        else:
            if unit is None:
                raise UsageError("a case id needs --unit / 案件编号需配合 --unit")
            fields["case"] = target
        if unit is None:
            raise UsageError("--unit is needed / 请给出 --unit")
        disposal = disposal or asked
        fields.update({"disposal": disposal, "date": parse_day(date, "--date"), "by": by, "to": to,
                       "deadline": parse_day(deadline, "--deadline"), "result": result,
                       "result_date": parse_day(result_date, "--result-date"), "ref": ref})
        path, added = record_disposition(reg, unit, fields, parse_as_of(as_of))
        rel = path.relative_to(reg.root).as_posix()
        zh = language == "zh"
        write_stdout((f"已登记处置记录：{rel}" if added else f"已更新处置记录：{rel}") if zh
                     else (f"recorded: {rel}" if added else f"updated: {rel}"))
