"""Working-day calendar for time limits: weekends, public holidays and 调休 workdays, in O(1) per question.

How time is counted (the rule of 《行政处罚法》《行政许可法》: 期限开始的当日不计算在内):

- A limit runs from the end of the day on which the step (or case) started; the start day is not counted.
- ``工作日``: the *working-day measure* of an instant is the number of working days before its date plus
  the elapsed share of its own date when that date is a working day. Time used = measure(finish) -
  measure(midnight after the start date), never below 0. So a step started on Monday and finished on
  Wednesday at 12:00 used 1.5 working days; Saturday and Sunday (and holidays) add nothing.
- ``自然日``: time used = (finish - midnight after the start date) in days. When the last day of a natural-day
  limit falls on a non-working day, the limit runs to the end of the next working day.
- Past a limit (红牌) means time used > the limit, or = the limit while the finish falls on a non-working
  day after it (the deadline day is over).

Prefix sums of working days over 1900..2200 (built once, about 30 ms) make every question a few
array look-ups; dates outside that range raise ``ValueError`` (the reader reports such rows).
"""

from __future__ import annotations

import bisect
import datetime as dt
import math
from collections.abc import Iterable

MIN_ORD = dt.date(1900, 1, 1).toordinal()
MAX_ORD = dt.date(2200, 12, 31).toordinal()
_DAY = 86400.0


class WorkCalendar:
    """Working days: Monday..Friday except ``holidays``, plus weekend ``workdays`` (调休)."""

    def __init__(self, holidays: Iterable[dt.date] = (), workdays: Iterable[dt.date] = ()) -> None:
        self.holidays = {d.toordinal() for d in holidays}
        self.workdays = {d.toordinal() for d in workdays}
        self._lo = 0
        self._hi = -1
        self._flags = bytearray()
        self._cum: list[int] = [0]
        self._next: list[int] = []

    @classmethod
    def from_config(cls, calendar: object) -> WorkCalendar:
        """Build from ``Config.calendar`` (``holidays``, ``workdays``)."""
        return cls(getattr(calendar, "holidays", ()) or (), getattr(calendar, "workdays", ()) or ())

    # -- the prefix tables ---------------------------------------------------------------------
    def _build(self) -> None:
        lo, hi = MIN_ORD, MAX_ORD
        hol, work = self.holidays, self.workdays
        flags = bytearray(hi - lo + 1)
        for i in range(hi - lo + 1):
            o = lo + i
            flags[i] = 1 if (o in work or ((o - 1) % 7 < 5 and o not in hol)) else 0
        cum = [0] * (len(flags) + 1)
        total = 0
        for i, f in enumerate(flags):
            total += f
            cum[i + 1] = total
        nxt = [0] * (len(flags) + 1)
        nxt[len(flags)] = hi + 1
        for i in range(len(flags) - 1, -1, -1):
            nxt[i] = lo + i if flags[i] else nxt[i + 1]
        self._lo, self._hi, self._flags, self._cum, self._next = lo, hi, flags, cum, nxt

    def _idx(self, o: int) -> int:
        if not (self._lo <= o <= self._hi):
            if not self._flags:
                self._build()
            if not (MIN_ORD <= o <= MAX_ORD):
                raise ValueError("date outside 1900..2200")
        return o - self._lo

    def prefix(self) -> tuple[list[int], bytearray, int]:
        """(cumulative working days, working-day flags, ordinal of index 0), built on first use."""
        self._idx(dt.date(2000, 1, 1).toordinal())
        return self._cum, self._flags, self._lo

    # -- questions -----------------------------------------------------------------------------
    def is_workday(self, day: dt.date) -> bool:
        """Whether ``day`` is a working day."""
        i = self._idx(day.toordinal())
        return bool(self._flags[i])

    def workdays_between(self, a: dt.date, b: dt.date) -> int:
        """Working days in [a, b) (0 when b <= a)."""
        if b <= a:
            return 0
        ia, ib = self._idx(a.toordinal()), self._idx(b.toordinal())
        return self._cum[ib] - self._cum[ia]

    def measure(self, t: dt.datetime) -> float:
        """Working-day measure of instant ``t`` (working days since the table's origin, fractional)."""
        i = self._idx(t.toordinal())
        m = float(self._cum[i])
        if self._flags[i]:
            m += (t.hour * 3600 + t.minute * 60 + t.second) / _DAY
        return m

    def used(self, start: dt.datetime, finish: dt.datetime, natural: bool) -> float:
        """Days used from ``start`` to ``finish``; the start day is not counted (see the module doc)."""
        o = start.toordinal() + 1
        if natural:
            u = (finish.toordinal() - o) + (finish.hour * 3600 + finish.minute * 60 + finish.second) / _DAY
        else:
            i = self._idx(o)
            u = self.measure(finish) - self._cum[i]
        return u if u > 0.0 else 0.0

    def effective_limit(self, start: dt.datetime, days: float, natural: bool) -> float:
        """A natural-day limit extended when its last day is not a working day; working days unchanged."""
        if not natural or days <= 0:
            return days
        o = start.toordinal()
        last = o + math.ceil(days)
        i = self._idx(last)
        if self._flags[i]:
            return days
        return days + (self._next[i] - last)

    def past(self, used: float, limit: float, finish: dt.datetime) -> bool:
        """Whether ``used`` days are past ``limit`` (finishing on a non-working day right after it counts)."""
        if used > limit:
            return True
        i = self._idx(finish.toordinal())
        return used >= limit > 0 and not self._flags[i]

    def add(self, start: dt.datetime, days: float, natural: bool) -> dt.datetime:
        """The instant at which ``days`` have been used since ``start`` (inverse of ``used``; for the generator)."""
        base = dt.datetime.combine(start.date() + dt.timedelta(days=1), dt.time())
        if natural:
            return base + dt.timedelta(days=days)
        i = self._idx(base.toordinal())
        target = self._cum[i] + days
        whole = math.floor(target)
        frac = target - whole
        # the date holding working day number whole+1 (its cum is `whole` and it is a working day)
        j = bisect.bisect_right(self._cum, whole)
        day = self._lo + j - 1
        return dt.datetime.combine(dt.date.fromordinal(day), dt.time()) + dt.timedelta(seconds=round(frac * _DAY))
