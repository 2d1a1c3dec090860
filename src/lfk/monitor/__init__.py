"""``lfk monitor``: e-supervision of real cases against the register (guideline clauses 11-12).

``run_monitor(register, paths, as_of=None, closed=False) -> MonitorResult`` reads CSV / JSON Lines
event logs (REGISTER.md "Event log"), checks every case against its power's flow, time limits and
discretion benchmark, and turns deviations into warnings (黄牌/红牌) with the disposal of the
register's ``monitor:`` policy, escalated on repetition. Every deviation is a ``Finding`` with a MON
code (table in ``lfk.monitor.codes``) whose ``extra`` holds case_id, unit, authority, step, post,
person, warning, disposal and risks. ``lfk.testing.synth`` writes deterministic logs with known
deviations for tests and benchmarks.

Decisions:
- ``as_of`` (a date = the end of that day, or a date and time) is when open cases are judged; by
  default the newest finish time in the logs (so a run is reproducible).
- A case is closed when it reached an end step (rows after it are MON103); with ``closed=True`` (``--closed``) every case
  is taken as finished, and one that stopped elsewhere is MON104. Open cases are judged at ``as_of``.
- Times with an offset are converted to the offset of the first such time seen, then compared with
  local times as they are.
- Exit: 0 unless ``--fail-on 黄牌|红牌`` is given and a case has a warning at or above it (then 1).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from pathlib import Path

from lfk.core.decision import Decision
from lfk.monitor.calendar import WorkCalendar
from lfk.monitor.codes import CODES, RED, YELLOW
from lfk.monitor.dispositions import apply_dispositions
from lfk.monitor.engine import Monitor, parse_as_of
from lfk.monitor.result import MonitorResult
from lfk.monitor.sql.engine import ENGINES, SqlMonitor, default_engine
from lfk.register import Register

__all__ = ["CODES", "ENGINES", "RED", "YELLOW", "MonitorResult", "WorkCalendar", "default_engine", "parse_as_of",
           "run_monitor"]


def run_monitor(register: Register, paths: Iterable[str | Path], as_of: str | dt.date | dt.datetime | None = None,
                *, closed: bool = False, progress: Callable[[int, int], None] | None = None,
                engine: str = "python", explain: bool = True, decision: Decision | None = None) -> MonitorResult:
    """Check the event logs ``paths`` against ``register``; see the module doc.

    ``progress(bytes_read, bytes_total)`` is called now and then while the files are read. ``engine``:
    ``python`` (this package's engine), ``duckdb`` or ``spark`` (the same checks as SQL, ``lfk.monitor.sql``;
    ``UsageError`` when the engine's package is not installed). ``explain=False`` leaves out the alignments
    of deviating cases and the throughput times (``lfk.monitor.explain``; about a quarter less CPU).
    ``decision``: which MON codes are reported and at which severity (``lfk.core.decision.for_register``:
    ``--select``/``--ignore`` with lfk.yaml's ``lint.ignore``/``lint.severity``; default: the settings
    alone); a code switched off warns no case and counts towards no escalation.
    """
    if engine == "python":
        mon: Monitor = Monitor(register, [str(p) for p in paths], as_of, closed=closed, progress=progress)
    else:
        mon = SqlMonitor(register, [str(p) for p in paths], as_of, closed=closed, engine=engine, progress=progress)
    mon.explaining = explain
    if decision is not None:
        mon.decision = decision
    result = mon.run()
    return apply_dispositions(result, register)
