"""The monitor: one streaming pass over the event logs, the per-case checks, warnings and escalation.

Engine. Rows are read with the csv module (or json for JSON Lines) and kept per case as small tuples.
When the input is sorted by case id (as the generator and most case-system exports write it), a case
is checked as soon as the next case begins, so memory does not grow with the number of closed cases;
only open cases (last step not an end) wait for the end of the input, since ``--as-of`` defaults to the
newest time in the logs. When a case id comes out of order, the run starts again in buffered mode
(every case kept until the end), so rows in any order, across several files, give the same result.
"Sorted" means case ids (then unit) never decrease from one case to the next, across the files in
the order given. The hot loop unpacks csv rows itself, parses times with ``datetime.fromisoformat``,
screens step times against a per-step threshold (natural days first, the working-day prefix sums
only near a limit) and switches the cyclic GC off for the pass. Measured on the generator's
1,015,932 events (205,000 cases, sorted): about 3.6 s CPU and 60 MB peak RSS in one process, where
reading the same CSV and parsing its times alone takes about 1.5 s; rows in random order: about 6-7 s
and 390 MB; JSON Lines: about 7 s. ``--as-of`` only judges open cases: rows are taken as given.

Cases. A case is ``(unit, case_id)``; its rows are sorted by start time (then finish time, file, line).
It is closed when it reached an end step (rows after one are MON103), or when ``closed=True`` (the export holds finished
cases only; a case that then stops at a step that is not an end is MON104). Otherwise it is open and
checked against its pending step and the power's limit at ``as_of`` (MON306).

Parallel branches (会签): the register's flows have none (a step lists alternative next steps), so a
case is a sequence and the checks replay it edge by edge; loops (补正, 退回) are followed as the edges
allow. A flow needing an AND-split would need a token replay; that is left for when the format has one.
"""

from __future__ import annotations

import csv
import datetime as dt
import gc
import math
import operator
import os
import re
import unicodedata
from collections import Counter, defaultdict, deque
from collections.abc import Callable, Iterable, Iterator
from sys import intern
from typing import Any

from lfk.core.decision import Decision, for_register
from lfk.core.finding import Finding, Severity
from lfk.core.i18n import T, Text
from lfk.model.acceptances import Acceptance
from lfk.monitor.calendar import WorkCalendar
from lfk.monitor.codes import CODES, LEVEL_RANK, RED, YELLOW, severity_of
from lfk.monitor.dispositions import join_dispositions
from lfk.monitor.events import EventReader
from lfk.monitor.explain import Explainer
from lfk.monitor.result import MonitorResult
from lfk.monitor.tables import Limit, PowerTable, Tables, limit_text
from lfk.register import Register

ROW_FINDINGS_PER_CODE = 50  # per file and code; the rest are counted in one finding

_fromiso = dt.datetime.fromisoformat
# The register's clock: 北京时间 (UTC+8). Times are compared as wall-clock times of this zone, since
# working days and their hours are local. A time with an offset (``+08:00``, ``Z``, ``-05:00``) is that
# instant in this zone; a time without one is taken as written, i.e. as 北京时间. So the same instants
# give the same verdicts in any notation, in any order of the rows.
LOCAL_TZ = dt.timezone(dt.timedelta(hours=8), "CST")
_FALLBACK_FORMATS = ("%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%d", "%Y%m%d%H%M%S", "%Y%m%d")

_ZH_TIME = re.compile(r"(\d{4})\s*[年.．]\s*(\d{1,2})\s*[月.．]\s*(\d{1,2})\s*[日号]?\s*"
                      r"(?:(\d{1,2})\s*[时:：点]\s*(\d{1,2})\s*分?\s*(?:[:：]?\s*(\d{1,2})\s*秒?)?)?")


def _zh_time(s: str) -> str:
    """A time as officers' systems write it (2026年3月5日 14时30分, 2026年03月05日14:30, 2026.3.5 9:05) in the form
    the fallback formats read; anything else unchanged (then unreadable: MON007)."""
    m = _ZH_TIME.fullmatch(s)
    if m is None:
        return s
    y, mo, d, h, mi, sec = m.groups()
    return f"{y}-{mo}-{d}" + (f" {h}:{mi}:{sec or '00'}" if h is not None else "")


def _amount_text(text: str) -> float | None:
    """An amount written with ¥/￥, 人民币, full-width digits or commas, or in 万 (6万, 6.5万元): its value in 元."""
    t = unicodedata.normalize("NFKC", text).replace(",", "").replace(" ", "")
    for prefix in ("人民币", "¥", "RMB"):  # NFKC made ￥ ¥
        t = t.removeprefix(prefix)
    scale = 10000.0 if t.endswith("万") else 1.0
    try:
        return float(t.removesuffix("万")) * scale
    except ValueError:
        return None


# event tuple fields
ST, FT, SI, POST, PERSON, AMT, TIER, FIDX, LINE, EXTRA = range(10)


_SOD_DUTIES = frozenset(("审查", "决定", "监督"))


class _Restart(Exception):
    """The input is not sorted by case: run again keeping every case until the end."""


class _Reading:
    """What one pass has read so far: rows (across the files) and the files' sizes (for ``progress``)."""

    __slots__ = ("rows", "sizes", "total")

    def __init__(self, sizes: list[int]) -> None:
        self.sizes = sizes
        self.total = sum(sizes)
        self.rows = 0


_BAD = object()  # an unreadable cell (reported already)


def _intern(v: Any) -> Any:
    """``v`` interned when it is a string (the repeated posts, people and tiers of a buffered pass)."""
    return intern(v) if v.__class__ is str else v


def local_time(t: dt.datetime) -> dt.datetime:
    """``t`` as a naive wall-clock time of ``LOCAL_TZ`` (an aware time converted, a naive one as is).

    ValueError when the conversion leaves the calendar (``0001-01-01T00:00+14:00``)."""
    if t.tzinfo is None:
        return t
    try:
        return t.astimezone(LOCAL_TZ).replace(tzinfo=None)
    except OverflowError as e:
        raise ValueError(f"{t.isoformat()} is out of range") from e


def parse_as_of(value: str | dt.date | dt.datetime | None) -> dt.datetime | None:
    """A date (taken as the end of that day) or a date and time; None stays None. ValueError if bad.

    A time with an offset is converted to the register's clock (``local_time``). Like the times of
    the logs, it must lie in the years 1901-2199 (the working-day calendar's span)."""
    if value is None:
        return value
    if isinstance(value, dt.datetime):
        t = local_time(value)
    elif isinstance(value, dt.date):
        t = dt.datetime.combine(value, dt.time(23, 59, 59))
    else:
        text = str(value).strip()
        if len(text) == 10:
            t = dt.datetime.combine(dt.date.fromisoformat(text), dt.time(23, 59, 59))
        else:
            t = local_time(dt.datetime.fromisoformat(text))
    if not 1901 <= t.year <= 2199:
        raise ValueError(f"{t.isoformat()} is outside the years 1901-2199")
    return t


class Monitor:
    """One run of the checks over some event files (see ``run_monitor``)."""

    def __init__(self, register: Register, paths: Iterable[str], as_of: Any = None, *, closed: bool = False,
                 calendar: WorkCalendar | None = None, progress: Callable[[int, int], None] | None = None) -> None:
        self.register = register
        self.paths = [str(p) for p in paths]
        self.closed = closed
        self.progress = progress
        cfg = register.config
        self.cal = calendar or WorkCalendar.from_config(cfg.calendar)
        pol = cfg.monitor
        self.yellow_at = float(pol.yellow_at)
        self.red_at = float(pol.red_at)
        self.disposal = dict(pol.disposal)
        self.escalate = list(pol.escalate)
        self._as_of_in = as_of
        self.tables = Tables(register)
        self._accepted: dict[str, list[Acceptance]] = {}
        self.explaining = True  # deviations explained and throughput times (lfk.monitor.explain); off: a bit faster
        self.decision: Decision = for_register(register, CODES, "MON", strict=False)  # what is reported, how
        self._prefix = self.cal.prefix()

    # -- helpers -----------------------------------------------------------------------------
    def _reset(self) -> None:
        self.findings: list[Finding] = []
        self.skipped_files: list[str] = []  # event files that gave no row (empty, required columns missing)
        self.names: list[str] = list(self.paths)  # what findings call each source: a workbook's sheets get theirs
        self.row_counts: Counter[tuple[str, str]] = Counter()
        self.once: set[tuple[Any, ...]] = set()
        self._plans: dict[tuple[Any, ...], tuple[Any, ...]] = {}
        self.case_warnings: list[dict[str, Any]] = []
        self.n_accepted = 0
        self.explain = Explainer(self._prefix, self.explaining)
        self.n_cases = self.n_closed = self.n_open = self.n_events = self.n_bad = 0
        self.max_time: dt.datetime | None = None
        self.pending_open: list[tuple[str, PowerTable, list[tuple[Any, ...]]]] = []

    def _time(self, v: Any) -> dt.datetime | None:
        if v is None:
            return None
        try:
            t = _fromiso(v)
        except (ValueError, TypeError):
            t = None
            s = str(v).strip().replace("/", "-").replace("T", " ")
            if not s[:4].isdigit() or s[4:5] != "-":
                s = _zh_time(s)  # 2026年3月5日 14时30分, 2026.03.05 14:30
            try:
                t = _fromiso(s)  # 2026/03/02 09:00+08:00
            except ValueError:
                for fmt in _FALLBACK_FORMATS:
                    try:
                        t = dt.datetime.strptime(s, fmt)
                        break
                    except ValueError:
                        continue
            if t is None:
                return None
        if t.tzinfo is not None:
            try:
                t = local_time(t)
            except ValueError:
                return None
        if not 1901 <= t.year <= 2199:
            return None
        return t

    def _row(self, code: str, path: str, line: int, msg: Text) -> None:
        """A finding about the input (a file or a row), capped per file and code."""
        if code not in ("MON001", "MON002", "MON010"):
            self.n_bad += 1
        sev = self.decision.decide(code, severity_of(code, None))
        if sev is None:  # switched off: the row is still bad, only not reported
            return
        self.row_counts[(path, code)] += 1
        if self.row_counts[(path, code)] > ROW_FINDINGS_PER_CODE:
            return
        self.findings.append(Finding(code, sev, path, line, 1, msg))

    def _dev(self, code: str, tbl: PowerTable, cid: str, ev: tuple[Any, ...], msg: Text, *,
             level: str | None = "", post: str | None = None, si: int | None = None,
             **extra: Any) -> dict[str, Any]:
        """A deviation of case ``cid`` at event ``ev``; returns its record for the warnings."""
        if level == "":
            level = CODES[code][1]
        si = ev[SI] if si is None else si
        if not self.decision.on(code):  # switched off: not reported, warns no case, counts towards no escalation
            return {"code": code, "level": None, "post": None, "si": si, "at": ev[FT], "finding": None, "risks": []}
        post = post if post is not None else (ev[POST] or tbl.actors[si])
        risks = list(tbl.risks[si]) + (tbl.post_risks.get(post, []) if post else [])
        acc = self._accepting(code, tbl, cid, tbl.ids[si], post, ev[FT].date()) if level else None
        if acc is not None:
            level = None
            extra["accepted"] = acc.id
            self.n_accepted += 1
            msg = msg + T(f"（已接受：{acc.id}，至 {acc.until.isoformat()}，{acc.reason}）",
                          f" (accepted: {acc.id}, until {acc.until.isoformat()}, {acc.reason})")
        data: dict[str, Any] = {
            "case_id": cid, "unit": tbl.unit, "authority": tbl.authority.id, "step": tbl.ids[si],
            "step_name": tbl.names[si], "post": post, "person": ev[PERSON], "warning": level,
            "disposal": self.disposal.get(level) if level else None, "risks": risks,
        }
        data.update(extra)
        if ev[EXTRA]:
            data["columns"] = dict(ev[EXTRA])
        sev = Severity.INFO if acc is not None else self.decision.severity(code, severity_of(code, level))
        f = Finding(code, sev, self.names[ev[FIDX]], ev[LINE], 1,
                    T(f"案件 {cid}：", f"case {cid}: ") + msg, extra=data)
        self.findings.append(f)
        return {"code": code, "level": level, "post": post, "si": si, "at": ev[FT], "finding": f, "risks": risks}

    def _accepting(self, code: str, tbl: PowerTable, cid: str, step: str, post: str | None,
                   day: dt.date) -> Acceptance | None:
        """The unit's acceptance (``accepted.yaml``) that covers this deviation on ``day``, or None."""
        accs = self._accepted.get(tbl.unit)
        if accs is None:
            accs = []
            if tbl.unit in self.register.unit_dirs:
                accs = [a.model for a in self.register.unit(tbl.unit, kinds=frozenset({"accepted"})).accepted
                        if a.model.kind() == "deviation"]
            self._accepted[tbl.unit] = accs
        for a in accs:
            if ((a.code or "").upper() == code and a.active(day) and a.case in (None, cid)
                    and a.authority in (None, tbl.authority.id) and a.step in (None, step) and a.post in (None, post)):
                return a
        return None

    # -- the pass ----------------------------------------------------------------------------
    def run(self) -> MonitorResult:
        """Read every file and check every case."""
        self._reset()
        mode = "streaming"
        # millions of small tuples, none in a cycle: the cyclic GC would only rescan them again and again
        gc_was_on = gc.isenabled()
        gc.disable()
        try:
            try:
                self._pass(streaming=True)
            except _Restart:
                self._reset()
                mode = "buffered"
                self._pass(streaming=False)
        finally:
            if gc_was_on:
                gc.enable()
        as_of = parse_as_of(self._as_of_in) if self._as_of_in is not None else self.max_time
        self._check_pending(as_of)
        for (path, code), n in sorted(self.row_counts.items()):
            if n > ROW_FINDINGS_PER_CODE:
                more = n - ROW_FINDINGS_PER_CODE
                self.findings.append(Finding(code, self.decision.severity(code, severity_of(code, None)), path, 1, 1, T(
                    f"另有 {more} 行同类问题未逐一列出（共 {n} 行）",
                    f"{more} more row(s) with this problem not listed one by one ({n} in all)")))
        join_dispositions(self.case_warnings, self.register, as_of)
        escalations = self._escalate()
        self.findings.sort(key=lambda f: (f.path, f.line, f.code))
        return MonitorResult.build(self, as_of, mode, escalations)

    def _check_pending(self, as_of: dt.datetime | None) -> None:
        """Check the open cases kept until the end of the input (the SQL engines check every case here)."""
        for cid, tbl, evs in self.pending_open:
            self._check_case(cid, tbl, evs, as_of)
        self.pending_open = []

    def _pass(self, streaming: bool) -> None:
        """One pass over the logs: rows become events (``_file_events``), events are grouped by case, and a
        case is closed (``_close``) as soon as the next one begins (streaming) or at the end."""
        cases: dict[tuple[str, str], list[Any]] = {}
        prev: tuple[str, str] | None = None
        max_time = self.max_time
        n_events = 0
        cur: list[Any] | None = None  # the events of the case of the previous row
        cur_cid = cur_unit = None
        reader = EventReader(self.paths, self._row, names=self.names, columns=self.register.config.monitor.columns)  # InputError: a file missing or unreadable
        reading = _Reading([os.path.getsize(p) for p in self.paths])
        for fr in reader.files():
            for cid, unit, auth, tbl, ev in self._file_events(fr, reading, streaming):
                ft = ev[FT]
                if cid == cur_cid and unit == cur_unit and cur is not None and cur[0] is tbl:
                    cur[1].append(ev)
                    n_events += 1
                    if ft > max_time:
                        max_time = ft
                    continue
                if cid.__class__ is not str:
                    cid = str(cid)
                key = (cid, unit)
                state = cases.get(key)
                if state is None:
                    if streaming and prev is not None:
                        if key < prev:
                            raise _Restart
                        self._close(prev, cases.pop(prev))
                    state = cases[key] = [tbl, []]
                    prev = key
                elif state[0] is not tbl:
                    self._row("MON009", self.names[ev[FIDX]], ev[LINE], T(
                        f"案件 {cid} 前面的行属于职权 {state[0].authority.id}，此行却是 {auth}",
                        f"case {cid}: earlier rows belong to power {state[0].authority.id}, this row to {auth}"))
                    continue
                state[1].append(ev)
                cur, cur_cid, cur_unit = state, cid, unit
                n_events += 1
                if max_time is None or ft > max_time:
                    max_time = ft
        if self.progress is not None:
            self.progress(reading.total, reading.total)
        for key, state in cases.items():
            self._close(key, state)
        self.max_time = max_time
        self.n_events = n_events
        self.skipped_files = reader.skipped
        self.rows_read = reading.rows

    def _file_events(self, fr: Any, reading: _Reading, streaming: bool,
                     ) -> Iterator[tuple[Any, Any, str, PowerTable, tuple[Any, ...]]]:
        """The events of one file as ``(case id, unit, authority, table, event)``; a row that is not one is
        reported (MON003-MON008) and left out: a csv.Error (NUL byte, huge field) too, and reading goes on."""
        fidx, path, pick, pad, rows, jr = fr.fidx, fr.path, fr.pick, fr.pad, fr.rows, fr.json
        get_table, fromiso, progress, tell = self.tables.get, _fromiso, self.progress, fr.tell
        done_before = sum(reading.sizes[:fidx])
        extra = None
        rows_read = rows_before = reading.rows
        last_auth = last_unit = tbl = t_unit = t_auth = None
        while True:
            try:
                for cells in rows:
                    rows_read += 1
                    line = rows.line_num
                    if not rows_read & 0xFFFF and progress is not None:
                        progress(done_before + tell(), reading.total)
                    try:
                        if pick is None:
                            cid, unit, auth, step, post, person, s, f, amount, tier = cells
                        else:
                            if pad:
                                cells.append("")
                            cid, unit, auth, step, post, person, s, f, amount, tier = pick(cells)
                    except (ValueError, IndexError):
                        rows_read -= self._short_row(cells, pad, path, line)
                        continue
                    if jr is not None:
                        extra = jr.extra
                    elif fr.extra_pos:
                        extra = {h: cells[i] for i, h in fr.extra_pos if i < len(cells) and cells[i] != ""} or None
                    if not (cid and unit and auth and step and s and f):
                        rows_read -= self._empty_cells(cells, pick, path, line, (cid, unit, auth, step, s, f))
                        continue
                    if auth != last_auth or unit != last_unit:  # else tbl is still the table of the row before
                        last_auth, last_unit, tbl = auth, unit, get_table(unit, auth)
                        if tbl.__class__ is not tuple:  # the ids, also when the row names the unit or power
                            t_unit, t_auth = tbl.unit, tbl.authority.id
                    if tbl.__class__ is tuple:
                        self._row(tbl[0], path, line, tbl[1])
                        continue
                    si = tbl.index.get(step)  # the step's id, or its name (受理)
                    if si is None:
                        self._no_step(tbl, auth, step, path, line)
                        continue
                    if post and post in tbl.post_alias:  # a post written by its name (窗口受理岗)
                        post = tbl.post_alias[post]
                    try:
                        st, ft = fromiso(s), fromiso(f)
                        if st.tzinfo is not None or ft.tzinfo is not None or st.year < 1901 or ft.year > 2199:
                            raise ValueError
                    except (ValueError, TypeError):
                        st, ft = self._slow_times(s, f, path, line)
                        if st is None:
                            continue
                    if ft < st:
                        self._row("MON008", path, line, T(f"结束时间 {f} 早于开始时间 {s}", f"finished at {f}, before it started at {s}"))
                        continue
                    amt = self._amount(amount, path, line) if amount or amount == 0 else None
                    if amt is _BAD:
                        continue
                    if not streaming:  # every case stays in memory: share the repeated strings
                        post, person, tier = _intern(post), _intern(person), _intern(tier)
                    yield cid, t_unit, t_auth, tbl, (st, ft, si, post or None, person or None, amt, tier or None, fidx, line,
                                                 extra)
                break
            except csv.Error as e:
                self._row("MON003", path, rows.line_num, T(f"无法读取此行：{e}", f"unreadable row: {e}"))
        reading.rows = rows_before + jr.rows if jr is not None else rows_read  # JSON lines that were not objects

    # -- the rows that are not events --------------------------------------------------------
    def _short_row(self, cells: list[Any], pad: bool, path: str, line: int) -> int:
        """A row with too few or too many cells: MON003 and 0, or 1 when it is blank (not counted as read)."""
        if not any(str(c).strip() for c in cells):
            return 1
        n = len(cells) - (1 if pad else 0)
        self._row("MON003", path, line, T(
            f"此行有 {n} 个单元格，与表头的列数不符", f"the row has {n} cells, which does not match the header"))
        return 0

    def _empty_cells(self, cells: list[Any], pick: Any, path: str, line: int, values: tuple[Any, ...]) -> int:
        """A row with an empty required cell: MON003 and 0, or 1 when it is blank (not counted as read)."""
        if pick is None and not any(cells):
            return 1
        names = [n for n, v in zip(("case_id", "unit", "authority", "step", "started_at", "finished_at"), values,
                                   strict=True) if not v]
        self._row("MON003", path, line, T(f"必填项为空：{', '.join(names)}", f"empty required cell(s): {', '.join(names)}"))
        return 0

    def _no_step(self, tbl: PowerTable, auth: str, step: str, path: str, line: int) -> None:
        """MON006: the row's step is not in the power's flow."""
        self._row("MON006", path, line, T(
            f"职权 {auth} 的流程 {tbl.flow.id} 中没有环节 {step}（有：{'、'.join(tbl.ids)}）",
            f"the flow {tbl.flow.id} of power {auth} has no step {step} (it has: {', '.join(tbl.ids)})"))

    def _slow_times(self, s: Any, f: Any, path: str, line: int) -> tuple[Any, Any]:
        """The start and finish times in any accepted notation (``_time``); (None, None) and MON007 when
        one cannot be read."""
        st = self._time(s)
        ft = self._time(f)
        if st is None or ft is None:
            bad = s if st is None else f
            self._row("MON007", path, line, T(
                f"无法识别的时间：{bad!r}（应为 ISO 8601，如 2026-03-01T09:30）",
                f"unreadable time {bad!r} (use ISO 8601, e.g. 2026-03-01T09:30)"))
            return None, None
        return st, ft

    def _amount(self, amount: Any, path: str, line: int) -> Any:
        """The amount in 元 (a number, or text as officers write it: thousands separators, 元, ¥/￥, 人民币, 6万元);
        ``_BAD`` and MON007 when it is not one (nan and inf are not amounts)."""
        if amount.__class__ is not str:
            value = float(amount)
        else:
            text = amount.replace(",", "").replace("元", "").strip()
            try:
                value = float(text)
            except ValueError:
                value = _amount_text(text)
        if value is None or not math.isfinite(value):
            self._row("MON007", path, line, T(f"无法识别的金额：{amount!r}", f"unreadable amount {amount!r}"))
            return _BAD
        return value

    def _close(self, key: tuple[str, str], state: list[Any]) -> None:
        tbl, evs = state
        self.n_cases += 1
        if len(evs) > 1:
            evs.sort(key=_EV_ORDER)
        ends = tbl.ends
        if ends[evs[-1][SI]] or self.closed or _reached_end(ends, evs):
            self.n_closed += 1
            self.explain.add(key, tbl, evs, True)
            self._check_case(key[0], tbl, evs, None)
        else:
            self.n_open += 1
            self.explain.add(key, tbl, evs, False)
            self.pending_open.append((key[0], tbl, evs))

    # -- the checks of one case --------------------------------------------------------------
    def _check_case(self, cid: str, tbl: PowerTable, evs: list[tuple[Any, ...]], as_of: dt.datetime | None) -> None:
        """The checks of one case: its steps one by one (order, actor, time, discretion), separation of
        duties over the case, then the case as a whole (closed: end and case limit; open: MON306)."""
        devs: list[dict[str, Any]] = []
        dec_evs, sod = self._check_steps(cid, tbl, evs, devs)
        if dec_evs and sod:
            self._separation_check(cid, tbl, dec_evs, sod, devs)
        if as_of is None:
            self._closed_check(cid, tbl, evs, devs)
        else:
            self._open_check(cid, tbl, evs, as_of, devs)
        if devs:
            self._case_warning(cid, tbl, devs)

    def _check_steps(self, cid: str, tbl: PowerTable, evs: list[tuple[Any, ...]], devs: list[dict[str, Any]],
                     ) -> tuple[list[tuple[Any, ...]], list[tuple[str, str, tuple[Any, ...]]]]:
        """Each event against the flow: order (MON101-MON103), actor (MON201), the step's time limits
        (MON301-MON303; a cheap screen on the days used, the full check only near a limit) and discretion
        (MON401-MON403). Returns the 决定 events and the (person, duty, event) of 审查 and 监督 that have a
        person, for the separation of duties."""
        names, limits = tbl.names, tbl.limits
        cum, flags, lo = self._prefix
        thr = tbl.thr
        if thr is None:
            thr = tbl.thr = [self._threshold(lim, p) for lim, p in zip(tbl.limits, tbl.promised, strict=True)]
        prev: tuple[Any, ...] | None = None
        sod: list[tuple[str, str, tuple[Any, ...]]] = []
        dec_evs: list[tuple[Any, ...]] = []
        succ, actors, duties, promised = tbl.succ, tbl.actors, tbl.duties, tbl.promised
        for ev in evs:
            st, ft, si, post, person, amt, tier, _fidx, _line, _extra = ev
            if prev is None:
                if si != 0:
                    devs.append(self._dev("MON101", tbl, cid, ev, late_start_message(tbl, names, si)))
            elif si not in succ[prev[SI]]:
                devs.append(self._order_dev(cid, tbl, prev[SI], ev))
            actor = actors[si]
            if post is not None and actor is not None and post != actor:
                devs.append(self._actor_dev(cid, tbl, ev, actor))
            if person is not None:  # separation of duties: remember each person's duties
                duty = duties[si]
                if duty in _SOD_DUTIES:
                    if duty == "决定":
                        dec_evs.append(ev)
                    else:
                        sod.append((person, duty, ev))
            lim = limits[si]
            if lim is not None:
                fo = ft.toordinal() - lo
                so = st.toordinal() + 1 - lo
                # days used (working or natural) < the natural days fo - so + 1: below the threshold, no finding
                if fo - so + 1 <= thr[si]:
                    check = False
                else:
                    frac = (ft.hour * 3600 + ft.minute * 60 + ft.second) / 86400.0
                    used = (fo - so) + frac if lim[1] else cum[fo] - cum[so] + (frac if flags[fo] else 0.0)
                    check = used >= thr[si]
            else:
                check = promised[si] is not None
            if check:
                d = self._time_check(st, ft, lim, promised[si])
                if d is not None:
                    code, used, limit = d
                    devs.append(self._dev(code, tbl, cid, ev, _time_msg(code, names[si], used, limit, self.yellow_at),
                                          used_days=round(used, 2), limit_days=limit[0]))
            if amt is not None or tier is not None:
                self._discretion(tbl, cid, ev, devs)
            prev = ev
        return dec_evs, sod

    def _order_dev(self, cid: str, tbl: PowerTable, a: int, ev: tuple[Any, ...]) -> dict[str, Any]:
        """MON103 (a step after an end step) or MON102 (steps skipped, or an order the flow does not allow):
        step ``ev`` followed step ``a`` though the flow has no such edge."""
        names, si = tbl.names, ev[SI]
        if tbl.ends[a]:
            return self._dev("MON103", tbl, cid, ev, T(
                f"{names[a]} 已是结束环节，之后又办理了 {names[si]}",
                f"{names[a]} is an end step, yet {names[si]} followed it"))
        skipped = tbl.path(a, si)
        if skipped:
            return self._dev("MON102", tbl, cid, ev, T(
                f"{'、'.join(names[i] for i in skipped)} 被跳过：{names[a]} 之后直接办理了 {names[si]}",
                f"{', '.join(names[i] for i in skipped)} {'was' if len(skipped) == 1 else 'were'} skipped: "
                f"{names[a]} was followed by {names[si]}"),
                skipped=[tbl.ids[i] for i in skipped])
        allowed = [names[i] for i in sorted(tbl.succ[a])]
        return self._dev("MON102", tbl, cid, ev, T(
            f"顺序错误：{names[a]} 之后不应办理 {names[si]}（流程图允许：{'、'.join(allowed) or '无'}）",
            f"wrong order: {names[si]} may not follow {names[a]} "
            f"(the flow allows: {', '.join(allowed) or 'nothing'})"))

    def _actor_dev(self, cid: str, tbl: PowerTable, ev: tuple[Any, ...], actor: str) -> dict[str, Any]:
        """MON201: step ``ev`` was done by another post than the flow's ``actor``."""
        names, si, post = tbl.names, ev[SI], ev[POST]
        return self._dev("MON201", tbl, cid, ev, T(
            f"{names[si]} 由 {tbl.post_name(post)}（{post}）办理，流程图规定由 {tbl.post_name(actor)}（{actor}）办理",
            f"{names[si]} was done by {tbl.post_name(post)} ({post}); the flow gives it to "
            f"{tbl.post_name(actor)} ({actor})"))

    def _separation_check(self, cid: str, tbl: PowerTable, dec_evs: list[tuple[Any, ...]],
                          sod: list[tuple[str, str, tuple[Any, ...]]], devs: list[dict[str, Any]]) -> None:
        """MON202 (separation of duties over the whole case): one person both 审查 and 决定, or both 决定
        and 监督."""
        if not any(d[PERSON] == p for d in dec_evs for p, _, _ in sod):
            return
        names = tbl.names
        for ev in dec_evs:
            sod.append((ev[PERSON], "决定", ev))
        sod.sort(key=lambda x: _EV_ORDER(x[2]))
        duty_ev: dict[str, dict[str, tuple[Any, ...]]] = {}
        for person, duty, ev in sod:
            duty_ev.setdefault(person, {}).setdefault(duty, ev)
        for person, duties_of in duty_ev.items():
            for pair in (("审查", "决定"), ("决定", "监督")):
                if pair[0] in duties_of and pair[1] in duties_of:
                    e1, e2 = duties_of[pair[0]], duties_of[pair[1]]
                    at = e2 if _ev_order(e2) > _ev_order(e1) else e1
                    dec = duties_of["决定"]
                    devs.append(self._dev("MON202", tbl, cid, at, T(
                        f"{person} 既办理了 {names[e1[SI]]}（{pair[0]}），又办理了 {names[e2[SI]]}（{pair[1]}）",
                        f"{person} did both {names[e1[SI]]} ({pair[0]}) and {names[e2[SI]]} ({pair[1]})"),
                        post=dec[POST] or tbl.actors[dec[SI]], duties=list(pair)))

    def _closed_check(self, cid: str, tbl: PowerTable, evs: list[tuple[Any, ...]], devs: list[dict[str, Any]]) -> None:
        """A closed case as a whole: it reached an end step (MON104) and kept the power's case limits
        (MON304 statutory, MON305 promised)."""
        names = tbl.names
        first, last = evs[0], evs[-1]
        if not tbl.ends[last[SI]] and not _reached_end(tbl.ends, evs):
            devs.append(self._dev("MON104", tbl, cid, last, T(
                f"案件在 {names[last[SI]]} 之后再无办理，该环节不是结束环节",
                f"the case stopped after {names[last[SI]]}, which is not an end step")))
        cl = tbl.case_limit
        if (cl is not None and last[FT].toordinal() - first[ST].toordinal() > cl[0] * min(self.yellow_at, self.red_at)) \
                or tbl.case_promised is not None:
            d = self._time_check(first[ST], last[FT], tbl.case_limit, tbl.case_promised)
            if d is not None:
                orig, used, limit = d
                code = "MON304" if orig == "MON301" else "MON305"
                devs.append(self._dev(code, tbl, cid, last, _time_msg(orig, tbl.authority.name, used, limit,
                                                                      self.yellow_at),
                                      used_days=round(used, 2), limit_days=limit[0]))

    def _threshold(self, lim: Limit | None, promised: Limit | None) -> float:
        """Days used below which a step with these limits cannot raise a time finding."""
        if lim is None:
            return 0.0
        t = min(lim[0] * self.yellow_at, lim[0] * self.red_at)
        if promised is not None:
            t = min(t, promised[0]) if promised[1] == lim[1] else 0.0
        return max(0.0, t - 1e-9)

    def _time_check(self, start: dt.datetime, finish: dt.datetime, lim: Limit | None,
                    promised: Limit | None) -> tuple[str, float, Limit] | None:
        """(MON301 | MON302 | MON303, days used, the limit) or None (the calendar's rules, inlined)."""
        cal = self.cal
        cum, flags, lo = self._prefix
        so = start.toordinal() + 1 - lo
        fo = finish.toordinal() - lo
        frac = (finish.hour * 3600 + finish.minute * 60 + finish.second) / 86400.0
        if lim is not None:
            days, nat = lim
            if nat:
                used = (fo - so) + frac
                eff = cal.effective_limit(start, days, nat) if used >= days * self.red_at else days
            else:
                used = cum[fo] - cum[so] + (frac if flags[fo] else 0.0)
                eff = days
            if used < 0.0:
                used = 0.0
            red = eff * self.red_at
            if used > red or (used >= red > 0 and not flags[fo]):
                return ("MON301", used, lim)
            if days > 0 and used >= self.yellow_at * days:
                return ("MON302", used, lim)
        if promised is not None:
            days, nat = promised
            used = cal.used(start, finish, nat)
            if cal.past(used, cal.effective_limit(start, days, nat), finish):
                return ("MON303", used, promised)
        return None

    def _open_check(self, cid: str, tbl: PowerTable, evs: list[tuple[Any, ...]], as_of: dt.datetime,
                    devs: list[dict[str, Any]]) -> None:
        first, last = evs[0], evs[-1]
        if as_of < last[FT]:
            return
        names = tbl.names
        results: list[tuple[int, Text, int | None, float, Limit]] = []
        nxt = sorted(tbl.succ[last[SI]])
        lims = [tbl.limits[i] for i in nxt]
        if nxt and all(lim is not None for lim in lims):
            j = max(range(len(nxt)), key=lambda k: lims[k][0])  # type: ignore[index]
            lim = lims[j]
            assert lim is not None
            d = self._time_check(last[FT], as_of, lim, None)
            if d is not None:
                level = 2 if d[0] == "MON301" else 1
                results.append((level, pending_step_text(names, nxt, last[SI], d[1], lim), nxt[j], d[1], lim))
        if tbl.case_limit is not None:
            d = self._time_check(first[ST], as_of, tbl.case_limit, None)
            if d is not None:
                level = 2 if d[0] == "MON301" else 1
                results.append((level, case_time_text(tbl, d[1], tbl.case_limit), None, d[1], tbl.case_limit))
        if not results:
            return
        level, msg = open_case_message(as_of, results)
        pend_si = results[0][2]
        post = None
        if pend_si is not None:
            post = tbl.actors[pend_si]
        devs.append(self._dev("MON306", tbl, cid, last, msg, level=level, post=post, as_of=as_of.isoformat(),
                              used_days=round(results[0][3], 2), limit_days=results[0][4][0]))

    def _discretion(self, tbl: PowerTable, cid: str, ev: tuple[Any, ...], devs: list[dict[str, Any]]) -> None:
        amt, tier = ev[AMT], ev[TIER]
        aid = tbl.authority.id
        if tbl.tiers is None:
            if amt is not None and ("nobench", tbl.key) not in self.once:
                self.once.add(("nobench", tbl.key))
                self._row("MON010", self.names[ev[FIDX]], ev[LINE], T(
                    f"职权 {aid} 没有裁量基准，罚款金额无法核对（只提示一次）",
                    f"power {aid} has no benchmark: amounts cannot be checked (said once)"))
            return
        violation = ev[EXTRA].get("violation") if ev[EXTRA] else None
        pkey = (tbl.key, tier, violation)
        plan = self._plans.get(pkey)
        if plan is None:
            plan = self._plans[pkey] = _plan(tbl, tier, violation)
        tier_known, levels, stat, money, times_tier = plan
        if tier is not None and not tier_known:
            devs.append(self._dev("MON403", tbl, cid, ev, T(
                f"裁量阶次“{tier}”不在 {aid} 的裁量基准中（有：{'、'.join(levels)}）",
                f"the tier {tier!r} is not in the benchmark of {aid} (it has: {', '.join(levels)})"), tier=tier))
        if amt is None:
            return
        if stat and not any(_inside(amt, f, k) for f, k in stat):
            f0, k0 = stat[0]
            devs.append(self._dev("MON402", tbl, cid, ev, T(
                f"罚款 {amt:g} 元超出法定幅度 {_range(f0, k0)}", f"the fine of {amt:g} 元 is outside the statutory "
                f"range {_range(f0, k0)}"), amount=amt, tier=tier))
            return
        if tier is None or not tier_known:
            return
        if times_tier is not None and ("times", tbl.key) not in self.once:
            self.once.add(("times", tbl.key))
            t = times_tier
            self._row("MON010", self.names[ev[FIDX]], ev[LINE], T(
                f"{aid} 的罚款（如“{t.level}”）按{t.fine.of or '基数'}的倍数计算，日志中没有基数，"
                "这些金额无法核对（每项职权只提示一次）",
                f"fines of {aid} (e.g. {t.level!r}) are multiples of {t.fine.of or 'a base'}, which the log "
                "does not give: such amounts cannot be checked (said once per power)"))
        if money and not any(_inside(amt, f, k) for f, k in money):
            f0, k0 = money[0]
            devs.append(self._dev("MON401", tbl, cid, ev, T(
                f"罚款 {amt:g} 元超出“{tier}”阶次的幅度 {_range(f0, k0)}",
                f"the fine of {amt:g} 元 is outside the {tier!r} tier's range {_range(f0, k0)}"), amount=amt, tier=tier))

    # -- warnings ----------------------------------------------------------------------------
    def _case_warning(self, cid: str, tbl: PowerTable, devs: list[dict[str, Any]]) -> None:
        warned = [d for d in devs if d["level"]]
        if not warned:
            return
        level = max((d["level"] for d in warned), key=LEVEL_RANK.__getitem__)
        posts: dict[str, str] = {}
        for d in warned:
            if d["post"]:
                p = d["post"]
                if LEVEL_RANK[d["level"]] > LEVEL_RANK[posts.get(p)]:
                    posts[p] = d["level"]
        self.case_warnings.append({
            "case_id": cid, "unit": tbl.unit, "authority": tbl.authority.id, "warning": level,
            "disposal": self.disposal.get(level), "codes": sorted({d["code"] for d in warned}),
            "posts": posts, "at": max(d["at"] for d in warned),
            "deviations": [(d["code"], d["level"], tbl.ids[d["si"]], d["post"], d["risks"]) for d in warned],
            "first": min(warned, key=lambda d: (d["finding"].path, d["finding"].line))["finding"],
        })

    def _escalate(self) -> list[dict[str, Any]]:
        """Escalation: ``count`` warnings on one post within ``within_days`` → the rule's disposal (none while
        MON501 is switched off)."""
        sev = self.decision.decide("MON501", severity_of("MON501", None))
        if not self.escalate or sev is None:
            return []
        by_post: dict[tuple[str, str], list[dict[str, Any]]] = defaultdict(list)
        for w in self.case_warnings:
            for p in w["posts"]:
                by_post[(w["unit"], p)].append(w)
        out: list[dict[str, Any]] = []
        for (unit, post), ws in sorted(by_post.items()):
            ws.sort(key=lambda w: (w["at"], w["case_id"]))
            for rule in self.escalate:
                window: deque[dict[str, Any]] = deque()
                span = dt.timedelta(days=rule.within_days)
                counted = ws if rule.counts == "all" else _undisposed_or_repeated(ws, post, span)
                for w in counted:
                    while window and w["at"] - window[0]["at"] >= span:
                        window.popleft()
                    window.append(w)
                    if len(window) >= rule.count:
                        cases = [x["case_id"] for x in window]
                        f0: Finding = w["first"]
                        data = {"unit": unit, "post": post, "count": len(window), "within_days": rule.within_days,
                                "disposal": rule.disposal, "cases": cases, "at": w["at"].isoformat(),
                                "counts": rule.counts, "warning": None}
                        pname = post
                        tbl_posts = self.tables.unit(unit)
                        if tbl_posts is not None:
                            pname = tbl_posts.posts.get(post).name if post in tbl_posts.posts else post
                        self.findings.append(Finding("MON501", sev, f0.path, f0.line, 1, T(
                            f"岗位 {pname}（{unit}/{post}）{rule.within_days} 天内被预警 {len(window)} 次"
                            f"（案件 {'、'.join(cases)}）：应{rule.disposal}",
                            f"post {pname} ({unit}/{post}) was warned {len(window)} times within {rule.within_days} "
                            f"days (cases {', '.join(cases)}): {rule.disposal} is due"), extra=data))
                        out.append(data)
                        window.clear()
        return out


def _undisposed_or_repeated(ws: list[dict[str, Any]], post: str, span: dt.timedelta) -> list[dict[str, Any]]:
    """The warnings of ``post`` (sorted by time) an escalation rule counts: those with no disposal record,
    and those that repeat (another warning of the post with one of the same MON codes within ``span``)."""
    repeated: set[int] = set()
    by_code: dict[str, list[int]] = defaultdict(list)  # code -> positions in ws (in time order)
    for i, w in enumerate(ws):
        for code in sorted({d[0] for d in w["deviations"] if d[3] == post}):
            by_code[code].append(i)
    for idx in by_code.values():
        for a, b in zip(idx, idx[1:], strict=False):  # neighbours in time: the nearest other warning of that code
            if ws[b]["at"] - ws[a]["at"] < span:
                repeated.update((a, b))
    return [w for i, w in enumerate(ws) if not w.get("records") or i in repeated]


_EV_ORDER = operator.itemgetter(ST, FT, FIDX, LINE)


def _ev_order(ev: tuple[Any, ...]) -> tuple[Any, ...]:
    return _EV_ORDER(ev)


def _plan(tbl: PowerTable, tier: str | None, violation: str | None) -> tuple[Any, ...]:
    """What to check for an amount with ``tier`` (and ``violation``) on ``tbl``: (tier known, levels,
    statutory ranges, the tier's money ranges, a tier whose fine is a multiple or None)."""
    assert tbl.tiers is not None
    cands = [t for ts in tbl.tiers.values() for t in ts]
    if violation:
        cands = [t for t in cands if t.violation == violation] or cands
    levels = list(dict.fromkeys(t.level for t in cands))
    known = True
    if tier is not None:
        chosen = [t for t in cands if t.level == tier]
        known = bool(chosen)
        cands = chosen or cands
    stat = [(t.statutory, _scale(t.statutory)) for t in cands
            if t.statutory is not None and t.statutory.min_times is None and t.statutory.max_times is None]
    money: list[tuple[Any, float]] = []
    times_tier = None
    for t in cands:
        if t.fine is None:
            continue
        if t.fine.min_times is not None or t.fine.max_times is not None:
            times_tier = times_tier or t
            continue
        money.append((t.fine, _scale(t.fine)))
    return known, levels, stat, money, times_tier


def _reached_end(ends: list[bool], evs: list[tuple[Any, ...]]) -> bool:
    for e in evs:
        if ends[e[SI]]:
            return True
    return False


def pending_step_text(names: list[str], nxt: list[int], last_si: int, used: float, lim: Limit) -> Text:
    """MON306's part for an open case's pending step(s) ``nxt`` after step ``last_si`` (both engines)."""
    pend = "、".join(names[i] for i in nxt)
    uz, ue = _day_words(lim)
    return T(f"待办环节 {pend} 自 {names[last_si]} 办结后已过 {used:.1f} 个{uz}（时限 ",
             f"the pending step {pend} has waited {used:.1f} {ue} days since {names[last_si]} finished (limit ") \
        + limit_text(lim) + T("）", ")")


def case_time_text(tbl: PowerTable, used: float, lim: Limit) -> Text:
    """MON306's part for an open case that ran ``used`` days against the power's limit (both engines)."""
    uz, ue = _day_words(lim)
    return T(f"案件已用时 {used:.1f} 个{uz}（{tbl.authority.name} 法定时限 ",
             f"the case has run {used:.1f} {ue} days ({tbl.authority.name} has a limit of ") + limit_text(lim) + T("）", ")")


def open_case_message(as_of: dt.datetime, parts: list[tuple[Any, ...]]) -> tuple[str, Text]:
    """MON306's level and message from its parts ``(level 1|2, text, ...)``, sorted worst first in place."""
    parts.sort(key=lambda r: -r[0])
    level = RED if parts[0][0] == 2 else YELLOW
    word = T("已超期", "past a limit") if level == RED else T("临近期限", "near a limit")
    msg = T(f"截至 {as_of:%Y-%m-%d %H:%M} 尚未办结，", f"still open at {as_of:%Y-%m-%d %H:%M} and ") + word + T("：", ": ")
    msg = msg + parts[0][1]
    for r in parts[1:]:
        msg = msg + T("；", "; ") + r[1]
    return level, msg


def late_start_message(tbl: PowerTable, names: list[str], si: int) -> Text:
    """MON101's message: the steps skipped before the case's first step ``si`` (or that it did not start at
    the first step, when no path leads there)."""
    skipped = tbl.path(0, si)
    if skipped is None:
        return T(f"案件未从首个环节 {names[0]} 开始，而是从 {names[si]} 开始",
                 f"the case did not start at the first step {names[0]}: it started at {names[si]}")
    gone = "、".join(names[i] for i in [0, *skipped])
    gone_en = ", ".join(names[i] for i in [0, *skipped])
    return T(f"{gone} 被跳过：案件从 {names[si]} 开始",
             f"{gone_en} {'was' if len(skipped) == 0 else 'were'} skipped: the case started at {names[si]}")


def _scale(f: Any) -> float:
    return 10000.0 if (f.unit or "").strip() == "万元" else 1.0


def _inside(amt: float, f: Any, k: float) -> bool:
    lo, hi = f.min, f.max
    return (lo is None or amt >= lo * k - 1e-9) and (hi is None or amt <= hi * k + 1e-9)


def _range(f: Any, k: float) -> str:
    lo = "—" if f.min is None else f"{f.min * k:g}"
    hi = "—" if f.max is None else f"{f.max * k:g}"
    return f"{lo}–{hi} 元"


def _day_words(limit: Limit) -> tuple[str, str]:
    return ("自然日", "natural") if limit[1] else ("工作日", "working")


def _time_msg(code: str, what: str, used: float, limit: Limit, yellow_at: float) -> Text:
    days, natural = limit
    unit_zh = "自然日" if natural else "工作日"
    unit_en = "natural" if natural else "working"
    lt = limit_text(limit)
    if code == "MON301":
        return T(f"{what} 用时 {used:.1f} 个{unit_zh}，超过法定时限 ", f"{what} took {used:.1f} {unit_en} days, past its "
                 "statutory limit of ") + lt
    if code == "MON302" and days > 0:
        pct = round(100 * used / days)
        return T(f"{what} 用时 {used:.1f} 个{unit_zh}，已达法定时限 ", f"{what} took {used:.1f} {unit_en} days, "
                 f"{pct} % of its statutory limit of ") + lt + T(f" 的 {pct}%", "")
    return T(f"{what} 用时 {used:.1f} 个{unit_zh}，超过承诺时限 ", f"{what} took {used:.1f} {unit_en} days, past its "
             "promised limit (承诺时限) of ") + lt
