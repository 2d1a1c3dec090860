"""Per-power look-up tables built once from the register: steps by index, allowed transitions,
limits, duties, benchmark tiers and the risk points sitting on each step."""

from __future__ import annotations

from collections import Counter, deque
from collections.abc import Iterable
from dataclasses import dataclass, field

from lfk.core.i18n import T, Text
from lfk.model.items import Authority, Benchmark, Fine, Flow
from lfk.model.text import days_text
from lfk.register import Register, UnitData

Limit = tuple[float, bool]  # (days, natural)


def _limit(tl: object) -> Limit | None:
    if tl is None:
        return None
    return (float(tl.days), tl.kind == "自然日")  # type: ignore[attr-defined]


def limit_text(limit: Limit) -> Text:
    """"5 个工作日" / "5 working days"."""
    days, natural = limit
    kind = "自然日" if natural else "工作日"
    return T(days_text(days, kind, "zh"), days_text(days, kind, "en"))


@dataclass
class TierInfo:
    """One tier of one benchmark item."""

    item: int
    violation: str
    level: str
    fine: Fine | None
    statutory: Fine | None


@dataclass
class PowerTable:
    """Everything the checks need about one (unit, power)."""

    unit: str
    unit_name: str
    authority: Authority
    flow: Flow
    ids: list[str]
    names: list[str]
    index: dict[str, int]
    actors: list[str | None]
    duties: list[str | None]
    ends: list[bool]
    succ: list[frozenset[int]]
    limits: list[Limit | None]
    promised: list[Limit | None]
    case_limit: Limit | None
    case_promised: Limit | None
    posts: dict[str, str]                      # post id -> name
    tiers: dict[str, list[TierInfo]] | None     # level -> tiers (None: no benchmark)
    risks: list[list[str]]                      # risk ids per step index
    post_risks: dict[str, list[str]] = field(default_factory=dict)  # post -> risk ids (岗位风险)
    post_alias: dict[str, str] = field(default_factory=dict)  # a post's name -> its id (logs that name posts)
    thr: list[float] | None = None   # per step: days used below which no time finding is possible (set by the engine)
    _paths: dict[tuple[int, int], list[int] | None] = field(default_factory=dict)

    @property
    def key(self) -> str:
        """``unit/authority``."""
        return f"{self.unit}/{self.authority.id}"

    def post_name(self, post: str) -> str:
        """The post's name, else its id."""
        return self.posts.get(post, post)

    def path(self, a: int, b: int) -> list[int] | None:
        """Steps strictly between ``a`` and ``b`` on a shortest path a → b (None: b not reachable)."""
        key = (a, b)
        if key in self._paths:
            return self._paths[key]
        prev: dict[int, int] = {a: -1}
        q = deque([a])
        found = False
        while q:
            x = q.popleft()
            for y in sorted(self.succ[x]):
                if y in prev:
                    continue
                prev[y] = x
                if y == b:
                    found = True
                    q.clear()
                    break
                q.append(y)
        out: list[int] | None = None
        if found:
            out = []
            x = prev[b]
            while x != a and x != -1:
                out.append(x)
                x = prev[x]
            out.reverse()
        self._paths[key] = out
        return out


def by_name(ids: Iterable[str], names: list[str | None]) -> dict[str, int]:
    """{name: its place} of each name unique among ``names`` that is no id: how a log that writes a step (受理)
    or a post (窗口受理岗) by its name, as e-supervision systems do, is read as the id."""
    taken = set(ids)
    count = Counter(n.strip() for n in names if n)
    return {n.strip(): i for i, n in enumerate(names) if n and count[n.strip()] == 1 and n.strip() not in taken}


class Tables:
    """Lazily built ``PowerTable`` per (unit, authority); failures remembered as (code, message)."""

    def __init__(self, register: Register) -> None:
        self.register = register
        self._units: dict[str, UnitData | None] = {}
        self._cache: dict[tuple[str, str], PowerTable | tuple[str, Text]] = {}
        self._unit_names: dict[str, str] | None = None

    def unit(self, uid: str) -> UnitData | None:
        """The unit's data, or None when the register does not have it."""
        if uid not in self._units:
            self._units[uid] = self.register.unit(uid, keep=True) if uid in self.register.unit_ids else None
        return self._units[uid]

    def get(self, unit: str, authority: str) -> PowerTable | tuple[str, Text]:
        """The table, or (code, message) saying why there is none."""
        key = (unit, authority)
        hit = self._cache.get(key)
        if hit is None:
            hit = self._build(unit, authority)
            if not isinstance(hit, tuple) and (hit.unit, hit.authority.id) != key:  # named: one table per power
                hit = self._cache.setdefault((hit.unit, hit.authority.id), hit)
            self._cache[key] = hit
        return hit

    def unit_by_name(self, name: str) -> str | None:
        """The id of the unit whose name is ``name`` (unique, and no unit's id), else None."""
        if self._unit_names is None:
            heads = [(uid, u.name if u is not None else None) for uid, (_, u) in self.register.unit_headers.items()]
            self._unit_names = {n: heads[i][0] for n, i in by_name([h[0] for h in heads], [h[1] for h in heads]).items()}
        return self._unit_names.get(name.strip())

    def _build(self, unit: str, authority: str) -> PowerTable | tuple[str, Text]:
        ud = self.unit(unit)
        if ud is None and unit not in self.register.unit_ids:  # a log that writes the unit's name
            uid = self.unit_by_name(unit)
            ud = self.unit(uid) if uid is not None else None
        if ud is None:
            return ("MON004", T(f"登记册中没有单位 {unit}", f"the register has no unit {unit}"))
        auth = next((a.model for a in ud.authorities if a.model.id == authority), None)
        if auth is None:  # the power's name, when it is unique in the unit's 职权目录 and no id
            named = by_name([a.model.id for a in ud.authorities], [a.model.name for a in ud.authorities])
            auth = ud.authorities[named[authority.strip()]].model if authority.strip() in named else None
        if auth is None:
            return ("MON005", T(f"单位 {unit} 的职权目录中没有职权 {authority}",
                                f"unit {unit} has no power {authority} in its 职权目录"))
        item, _ = self.register.flow_for(ud, auth.flow_id)
        if item is None or not item.model.steps:
            return ("MON005", T(f"职权 {authority} 的流程图 {auth.flow_id} 不存在或无效",
                                f"the flow {auth.flow_id} of power {authority} is missing or invalid"))
        flow = item.model
        ids = [s.id for s in flow.steps]
        index = {sid: i for i, sid in enumerate(ids)}
        succ = [frozenset(index[e.to] for e in s.edges() if e.to in index) for s in flow.steps]
        risks: list[list[str]] = [[] for _ in ids]
        post_risks: dict[str, list[str]] = {}
        for r in ud.risks:
            m = r.model
            if m.authority == auth.id:
                targets = [index[s] for s in m.steps if s in index] if m.steps else list(range(len(ids)))
                for i in targets:
                    risks[i].append(m.id)
            elif m.authority is None and m.post:
                post_risks.setdefault(m.post, []).append(m.id)
        bench: Benchmark | None = next((b.model for b in ud.benchmarks if b.model.authority == auth.id), None)
        tiers: dict[str, list[TierInfo]] | None = None
        if bench is not None:
            tiers = {}
            for n, it in enumerate(bench.items):
                for t in it.tiers:
                    tiers.setdefault(t.level, []).append(TierInfo(n, it.violation, t.level, t.fine, it.statutory))
        posts = ud.posts and {p: v.name for p, v in ud.posts.items()}
        post_ids = list(posts) if posts else []
        return PowerTable(
            unit=ud.id, unit_name=ud.name, authority=auth, flow=flow, ids=ids,
            names=[s.name for s in flow.steps], index={**index, **by_name(ids, [s.name for s in flow.steps])},
            actors=[s.actor for s in flow.steps], duties=[s.duty for s in flow.steps],
            ends=[s.end for s in flow.steps], succ=succ,
            limits=[_limit(s.time_limit) for s in flow.steps], promised=[_limit(s.promised) for s in flow.steps],
            case_limit=_limit(auth.time_limit), case_promised=_limit(auth.promised),
            posts=posts, tiers=tiers, risks=risks, post_risks=post_risks,
            post_alias={name: post_ids[i] for name, i in by_name(post_ids, list(posts.values())).items()} if posts else {},
        )
