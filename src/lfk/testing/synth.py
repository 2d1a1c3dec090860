"""A deterministic event-log generator: normal cases plus injected deviations, with the truth beside it.

``generate_events(register, n_cases, seed)`` yields event dicts (REGISTER.md columns) case by case, case
ids ascending. ``Synth`` gives the same with ``truth``: case id → the MON codes injected (one deviation
per deviating case). Normal cases follow their flow (loops included), use 5-30 % of each limit and stay
within every case limit, so a correct monitor flags exactly the injected cases (with ``as_of=synth.as_of``).
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import random
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from lfk.monitor.calendar import WorkCalendar
from lfk.monitor.events import COLUMNS
from lfk.monitor.tables import PowerTable, Tables
from lfk.register import Register

KINDS = ("MON101", "MON102", "MON201", "MON202", "MON301", "MON302", "MON303", "MON304", "MON305",
         "MON306", "MON401", "MON402", "MON403")
DUTY_SLOT = {"受理": 0, "审查": 1, "决定": 2, "执行": 3, "监督": 4, "其他": 5, None: 6}


class Synth:
    """Generator state: ``events()`` yields the rows; ``truth`` fills as they are generated."""

    def __init__(self, register: Register, n_cases: int, seed: int = 1, *, rate: float = 0.03,
                 open_rate: float = 0.02, start: dt.date = dt.date(2025, 1, 6),
                 as_of: dt.datetime = dt.datetime(2026, 11, 30, 18, 0), kinds: tuple[str, ...] = KINDS) -> None:
        self.register = register
        self.n_cases = n_cases
        self.rng = random.Random(seed)
        self.rate = rate
        self.open_rate = open_rate
        self.start = start
        self.as_of = as_of
        self.kinds = kinds
        self.cal = WorkCalendar.from_config(register.config.calendar)
        self.yellow = float(register.config.monitor.yellow_at)
        self.red = float(register.config.monitor.red_at)
        self.truth: dict[str, set[str]] = {}
        tables = Tables(register)
        self.powers: list[PowerTable] = []
        for uid in register.unit_ids:
            ud = tables.unit(uid)
            if ud is None:
                continue
            for a in ud.authorities:
                t = tables.get(uid, a.model.id)
                if not isinstance(t, tuple) and any(t.ends):
                    self.powers.append(t)
        if not self.powers:
            raise ValueError("the register has no power with a usable flow")
        self.posts = {p.unit: sorted(p.posts) for p in self.powers}

    # -- building blocks -------------------------------------------------------------------------
    def _path(self, t: PowerTable) -> list[int]:
        rng = self.rng
        path, seen = [0], {0: 1}
        while not t.ends[path[-1]] and len(path) < 30:
            succ = sorted(t.succ[path[-1]])
            if not succ:
                break
            forward = [s for s in succ if seen.get(s, 0) == 0]
            choice = forward[0] if forward and rng.random() < 0.9 else rng.choice(succ)
            if seen.get(choice, 0) >= 2:
                choice = forward[0] if forward else succ[0]
            path.append(choice)
            seen[choice] = seen.get(choice, 0) + 1
        return path

    def _person(self, t: PowerTable, si: int, post: str) -> str:
        return f"{post}-{DUTY_SLOT.get(t.duties[si], 6) * 2 + self.rng.randrange(2)}"

    def _first_start(self, lo: dt.date, hi: dt.date) -> dt.datetime:
        span = max(1, (hi - lo).days)
        d = lo + dt.timedelta(days=self.rng.randrange(span))
        while not self.cal.is_workday(d):
            d += dt.timedelta(days=1)
        return dt.datetime.combine(d, dt.time(8, 30)) + dt.timedelta(minutes=self.rng.randrange(180))

    def _step_time(self, t: PowerTable, si: int, start: dt.datetime, kind: str | None) -> dt.datetime:
        rng, cal = self.rng, self.cal
        lim, prom = t.limits[si], t.promised[si]
        if lim is None:
            if kind == "MON303" and prom is not None:
                days, nat = prom
                return cal.add(start, days + rng.uniform(0.2, 1.0), nat)
            return start + dt.timedelta(hours=rng.uniform(1, 14))
        days, nat = lim
        if kind == "MON301":
            u = cal.effective_limit(start, days, nat) * self.red + rng.uniform(0.3, 1.5)
        elif kind == "MON302":
            u = days * (self.yellow + rng.uniform(0.03, 0.9 * (min(1.0, self.red) - self.yellow)))
        elif kind == "MON303" and prom is not None:
            u = prom[0] + (self.yellow * days - prom[0]) * rng.uniform(0.25, 0.75)
            return cal.add(start, u, prom[1])
        else:
            u = days * rng.uniform(0.05, 0.3)
            if prom is not None:
                u = min(u, prom[0] * 0.8)
        return cal.add(start, u, nat)

    def _applicable(self, t: PowerTable, path: list[int]) -> list[str]:
        out = []
        for k in self.kinds:
            if k == "MON101" and len(path) >= 2:
                out.append(k)
            elif k == "MON102" and self._skippable(t, path):
                out.append(k)
            elif k == "MON201" and any(t.actors[i] for i in path) and len(self.posts[t.unit]) > 1:
                out.append(k)
            elif k == "MON202" and self._sod_pair(t, path) is not None:
                out.append(k)
            elif k in ("MON301", "MON302") and any(t.limits[i] for i in path):
                out.append(k)
            elif k == "MON303" and any(t.promised[i] and (t.limits[i] is None or
                                       t.promised[i][0] < self.yellow * t.limits[i][0] - 0.5) for i in path):
                out.append(k)
            elif k in ("MON304", "MON305", "MON306") and t.case_limit is not None:
                out.append(k)
            elif k in ("MON401", "MON402", "MON403") and self._money_tiers(t):
                out.append(k)
        return out

    @staticmethod
    def _skippable(t: PowerTable, path: list[int]) -> list[int]:
        return [k for k in range(1, len(path) - 1) if path[k + 1] not in t.succ[path[k - 1]]]

    @staticmethod
    def _sod_pair(t: PowerTable, path: list[int]) -> tuple[int, int] | None:
        for a, b in (("审查", "决定"), ("决定", "监督")):
            ia = next((k for k, i in enumerate(path) if t.duties[i] == a), None)
            ib = next((k for k, i in enumerate(path) if t.duties[i] == b), None)
            if ia is not None and ib is not None:
                return ia, ib
        return None

    @staticmethod
    def _money_tiers(t: PowerTable) -> list[Any]:
        if not t.tiers:
            return []
        return [ti for ts in t.tiers.values() for ti in ts
                if ti.fine is not None and ti.fine.min is not None and ti.fine.max is not None
                and ti.item == 0 and (ti.fine.unit or "元") == "元"]

    # -- one case ----------------------------------------------------------------------------------
    def _case(self, cid: str) -> list[dict[str, Any]]:
        rng = self.rng
        t = rng.choice(self.powers)
        path = self._path(t)
        kind: str | None = None
        is_open = rng.random() < self.open_rate
        if rng.random() < self.rate:
            kinds = self._applicable(t, path)
            if kinds:
                kind = rng.choice(kinds)
        if kind == "MON306":
            is_open = True
        elif kind is not None:
            is_open = False
        for _ in range(50):
            rows = self._try_case(cid, t, list(path), kind, is_open)
            if rows is not None:
                if kind is not None:
                    self.truth[cid] = {kind}
                return rows
            path = self._path(t)
        # give up the deviation (never happens with the registers in the repository)
        rows = self._try_case(cid, t, path, None, False) or []
        return rows

    def _try_case(self, cid: str, t: PowerTable, path: list[int], kind: str | None,
                  is_open: bool) -> list[dict[str, Any]] | None:
        rng, cal = self.rng, self.cal
        if is_open:
            if kind == "MON306":
                big = 2 * max([lim[0] for lim in t.limits if lim] + [t.case_limit[0] if t.case_limit else 0]) + 150
                first = self._first_start(self.as_of.date() - dt.timedelta(days=int(big) + 60),
                                          self.as_of.date() - dt.timedelta(days=int(big)))
                cut = [k for k in range(1, len(path)) if not t.ends[path[k - 1]]]
                path = path[: rng.choice(cut)] if cut else path[:1]
                if t.ends[path[-1]]:
                    return None
            else:
                first = self.as_of - dt.timedelta(hours=5)
                path = path[:1]
                if t.ends[path[0]]:
                    return None
        else:
            first = self._first_start(self.start, self.as_of.date() - dt.timedelta(days=200))
        target_k = None
        if kind in ("MON301", "MON302", "MON303"):
            if kind == "MON303":
                cands = [k for k, i in enumerate(path) if t.promised[i] and (
                    t.limits[i] is None or t.promised[i][0] < self.yellow * t.limits[i][0] - 0.5)]
            else:
                cands = [k for k, i in enumerate(path) if t.limits[i]]
            target_k = rng.choice(cands)
        times: list[tuple[dt.datetime, dt.datetime]] = []
        start = first
        for k, si in enumerate(path):
            if kind in ("MON304", "MON305") and k == len(path) - 1:
                assert t.case_limit is not None
                days, nat = t.case_limit
                eff = cal.effective_limit(first, days, nat)
                if kind == "MON304":
                    target = eff * self.red + rng.uniform(0.5, 3.0)
                else:
                    target = days * self.yellow + (days * min(1.0, self.red) - days * self.yellow) * rng.uniform(0.2, 0.8)
                end = cal.add(first, target, nat)
                start = end - dt.timedelta(minutes=30)
                if start <= times[-1][1]:
                    return None
                times.append((start, end))
                break
            if is_open and kind is None:
                finish = start + dt.timedelta(minutes=rng.randrange(20, 90))
            else:
                finish = self._step_time(t, si, start, kind if k == target_k else None)
            times.append((start, finish))
            start = finish + dt.timedelta(minutes=rng.randrange(5, 90))
        if is_open and times[-1][1] >= self.as_of:
            return None
        if not is_open and t.case_limit is not None and kind not in ("MON304", "MON305"):
            days, nat = t.case_limit
            used = cal.used(times[0][0], times[-1][1], nat)
            if used >= self.yellow * days:
                return None
        if not is_open and t.case_promised is not None:
            days, nat = t.case_promised
            if cal.past(cal.used(times[0][0], times[-1][1], nat), cal.effective_limit(times[0][0], days, nat),
                        times[-1][1]):
                return None
        rows: list[dict[str, Any]] = []
        for k, si in enumerate(path):
            post = t.actors[si] or self.posts[t.unit][0]
            rows.append({"case_id": cid, "unit": t.unit, "authority": t.authority.id, "step": t.ids[si],
                         "actor_post": post, "actor_person": self._person(t, si, post),
                         "started_at": times[k][0].isoformat(timespec="seconds"),
                         "finished_at": times[k][1].isoformat(timespec="seconds"), "amount": "", "tier": ""})
        money = self._money_tiers(t)
        if money:
            k = next((k for k, si in enumerate(path) if t.duties[si] == "决定"), len(path) - 1)
            tier = rng.choice(money)
            amount = round(rng.uniform(tier.fine.min, tier.fine.max) / 100) * 100
            amount = min(max(amount, tier.fine.min), tier.fine.max)
            level = tier.level
            stat = tier.statutory
            smin = stat.min if stat is not None and stat.min is not None else tier.fine.min
            smax = stat.max if stat is not None and stat.max is not None else tier.fine.max
            if kind == "MON401":
                outside = [m for m in money if m.level != tier.level and not (
                    m.fine.min >= tier.fine.min and m.fine.max <= tier.fine.max)]
                if not outside:
                    return None
                other = rng.choice(outside)
                lo = max(other.fine.min, smin)
                hi = min(other.fine.max, smax)
                for _ in range(20):
                    amount = round(rng.uniform(lo, hi) / 100) * 100
                    if not (tier.fine.min <= amount <= tier.fine.max) and smin <= amount <= smax:
                        break
                else:
                    return None
            elif kind == "MON402":
                amount = round(smax * rng.uniform(1.2, 2.0) / 100) * 100
            elif kind == "MON403":
                level = "特别从重处罚"
            rows[k]["amount"] = f"{amount:g}"
            rows[k]["tier"] = level
        if kind == "MON101":
            rows.pop(0)
        elif kind == "MON102":
            rows.pop(rng.choice(self._skippable(t, path)))
        elif kind == "MON201":
            k = rng.choice([k for k, si in enumerate(path) if t.actors[si]])
            others = [p for p in self.posts[t.unit] if p != t.actors[path[k]]]
            rows[k]["actor_post"] = rng.choice(others)
        elif kind == "MON202":
            pair = self._sod_pair(t, path)
            assert pair is not None
            rows[pair[1]]["actor_person"] = rows[pair[0]]["actor_person"]
        return rows

    def events(self) -> Iterator[dict[str, Any]]:
        """Every event, case by case (case ids ascending, rows of a case by start time)."""
        width = max(7, len(str(self.n_cases)))
        for n in range(1, self.n_cases + 1):
            yield from self._case(f"C{n:0{width}d}")


def generate_events(register: Register, n_cases: int, seed: int = 1, **kw: Any) -> Iterator[dict[str, Any]]:
    """Events of ``n_cases`` cases (see ``Synth`` for the options and the truth)."""
    return Synth(register, n_cases, seed, **kw).events()


def write_csv(path: str | Path, events: Iterator[dict[str, Any]], *, encoding: str = "utf-8") -> int:
    """Write events as CSV with REGISTER.md's header (extra keys as extra columns); returns the row count."""
    n = 0
    with open(path, "w", encoding=encoding, newline="") as fh:
        w: Any = None
        for ev in events:
            if w is None:
                fields = list(COLUMNS) + [k for k in ev if k not in COLUMNS]
                w = csv.DictWriter(fh, fieldnames=fields, extrasaction="ignore")
                w.writeheader()
            w.writerow(ev)
            n += 1
        if w is None:
            fh.write(",".join(COLUMNS) + "\n")
    return n


def write_jsonl(path: str | Path, events: Iterator[dict[str, Any]]) -> int:
    """Write events as JSON Lines; returns the row count."""
    n = 0
    with open(path, "w", encoding="utf-8") as fh:
        for ev in events:
            fh.write(json.dumps(ev, ensure_ascii=False) + "\n")
            n += 1
    return n


def main(argv: list[str] | None = None) -> int:
    """``python -m lfk.testing.synth ROOT N_CASES SEED OUT [--rate R]``: write a log (CSV, or JSON Lines for
    ``.jsonl``) and the truth beside it (``OUT.truth.json``: case id → injected codes)."""
    import argparse

    ap = argparse.ArgumentParser(prog="python -m lfk.testing.synth", description=main.__doc__)
    ap.add_argument("root")
    ap.add_argument("n_cases", type=int)
    ap.add_argument("seed", type=int)
    ap.add_argument("out")
    ap.add_argument("--rate", type=float, default=0.03, help="share of cases with an injected deviation")
    ns = ap.parse_args(argv)
    s = Synth(Register(Path(ns.root)), ns.n_cases, ns.seed, rate=ns.rate)
    writer = write_jsonl if ns.out.endswith(".jsonl") else write_csv
    n = writer(ns.out, s.events())
    Path(ns.out + ".truth.json").write_text(
        json.dumps({"as_of": s.as_of.isoformat(), "cases": {k: sorted(v) for k, v in sorted(s.truth.items())}},
                   ensure_ascii=False, indent=1), encoding="utf-8")
    print(f"{n} events, {ns.n_cases} cases, {len(s.truth)} with a deviation -> {ns.out}")
    return 0


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
