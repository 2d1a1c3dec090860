"""Option values every command reads the same way, without typer or rich: ``--as-of`` and ``--lang``.

``lfk.cli.common`` gives them to the typer commands; ``lfk.cli.lintrun`` uses them for ``lfk lint
--changed-since`` run without typer.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from lfk.core.errors import UsageError
from lfk.core.i18n import resolve_lang

if TYPE_CHECKING:
    from lfk.register import Register

AS_OF_YEARS = (1901, 2199)  # the span of dates --as-of takes (as the monitor's working-day calendar)


def parse_as_of(value: str | None) -> dt.date:
    """``--as-of`` as a date (today when not given); a bad value is a usage error."""
    if not value:
        return dt.date.today()
    try:
        day = dt.date.fromisoformat(value.strip()[:10])
    except ValueError:
        raise UsageError(f"--as-of {value!r} is not a date / 不是日期", hint="write YYYY-MM-DD, e.g. 2026-12-01") from None
    if not AS_OF_YEARS[0] <= day.year <= AS_OF_YEARS[1]:
        raise UsageError(f"--as-of {value!r} is outside the years {AS_OF_YEARS[0]}-{AS_OF_YEARS[1]} / 超出可用的年份范围",
                         hint="write a date of the register's time, e.g. 2026-12-01")
    return day


def lang_for(option: str | None, register: Register | None = None) -> str:
    """The message language for this run."""
    if option and option.lower() not in ("zh", "en") and not option.lower().startswith(("zh", "en")):
        raise UsageError(f"--lang {option!r}: use zh or en / 请用 zh 或 en")
    cfg_lang = register.config.lang if register is not None else None
    return resolve_lang(option, cfg_lang)
