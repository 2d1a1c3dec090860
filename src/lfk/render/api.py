"""Rendering a whole register (or some units/flows of it): DOT per flow, then graphviz with a cache."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from lfk.core.errors import UsageError
from lfk.register import Register
from lfk.render.dot import flow_dot, iter_flows
from lfk.render.engine import FORMATS, RenderCache, render_dots


@dataclass
class RenderedFlow:
    """One drawn flow: which unit, flow and power; its DOT text; its rendered bytes (DOT text for ``dot``)."""

    unit_id: str
    flow_id: str
    authority_id: str | None
    name: str
    dot: str
    data: bytes = b""
    cached: bool = False
    standard: bool = False


@dataclass
class Target:
    """A parsed ``UNIT`` or ``UNIT/FLOW`` argument."""

    unit: str
    flow: str | None = None
    used: bool = field(default=False, compare=False)


def parse_targets(register: Register, targets: Iterable[str] | None) -> list[Target] | None:
    """``UNIT`` / ``UNIT/FLOW`` strings checked against the register (unknown ones are a usage error)."""
    if not targets:
        return None
    out = []
    for t in targets:
        unit, _, flow = str(t).strip().strip("/").partition("/")
        if unit not in register.unit_ids:
            raise UsageError(f"{t}: no such unit / 没有该单位", hint="units: " + ", ".join(register.unit_ids[:20]))
        out.append(Target(unit, flow or None))
    return out


def collect_dots(register: Register, targets: Iterable[str] | None = None, layout: str = "flow",
                 lang: str = "zh", public: bool = False, skipped: list[str] | None = None) -> list[RenderedFlow]:
    """A ``RenderedFlow`` with DOT text (no bytes yet) for every flow of the targets (default: all).

    Flow files that are not valid (see ``lfk lint``) cannot be drawn; their paths are appended to
    ``skipped`` when given.
    """
    if layout not in ("flow", "columns"):
        raise UsageError(f"--layout {layout!r}: use flow or columns / 请用 flow 或 columns")
    wanted = parse_targets(register, targets)
    units = sorted({t.unit for t in wanted}) if wanted is not None else register.unit_ids
    out: list[RenderedFlow] = []
    for uid in units:
        ud = register.unit(uid)
        if skipped is not None:
            skipped.extend(lf.rel for fid, lf in sorted(ud.flow_files.items()) if fid not in ud.flows)
            used = {a.model.flow_id for a in ud.authorities}
            skipped.extend(lf.rel for fid, lf in sorted(register.std_flow_files.items())
                           if fid in used and fid not in ud.flow_files and fid not in register.std_flows)
        for fid, item, auth, std in iter_flows(register, ud, public):
            if wanted is not None:
                hits = [t for t in wanted if t.unit == uid and (t.flow is None or t.flow == fid)]
                if not hits:
                    continue
                for t in hits:
                    t.used = True
            dot = flow_dot(register, ud, item, auth, layout=layout, lang=lang, public=public)
            out.append(RenderedFlow(uid, fid, auth.model.id if auth else None, item.model.name, dot, standard=std))
    if wanted is not None:
        for t in wanted:
            if t.flow is not None and not t.used:
                raise UsageError(f"{t.unit}/{t.flow}: unit {t.unit} has no such flow (or it is invalid; run lfk lint) "
                                 f"/ 该单位没有此流程或流程文件无效")
    return out


def render_register(register: Register, targets: Iterable[str] | None = None, fmt: str = "svg",
                    layout: str = "flow", cache_dir: str | os.PathLike[str] | None = None, *, lang: str = "zh",
                    public: bool = False, jobs: int | None = None,
                    progress: Callable[[int, int], None] | None = None,
                    skipped: list[str] | None = None) -> list[RenderedFlow]:
    """Draw every flow of the register (or of ``targets``: ``UNIT`` / ``UNIT/FLOW``) in ``fmt``.

    ``fmt`` is svg, png, pdf or dot (``data`` is then the DOT text, no graphviz needed). With
    ``cache_dir``, output of unchanged DOT text is taken from the cache. Nothing is written elsewhere.
    ``public=True``: only what may be published (see ``flow_dot``).
    """
    if fmt not in (*FORMATS, "dot"):
        raise UsageError(f"--format {fmt!r}: use svg, png, pdf or dot / 格式应为 svg、png、pdf 或 dot")
    flows = collect_dots(register, targets, layout, lang, public, skipped)
    if fmt == "dot":
        for f in flows:
            f.data = f.dot.encode("utf-8")
        return flows
    cache = RenderCache(cache_dir) if cache_dir is not None else None
    todo: list[RenderedFlow] = []
    for f in flows:
        hit = cache.get(f.dot, fmt) if cache is not None else None
        if hit is not None:
            f.data, f.cached = hit, True
        else:
            todo.append(f)
    if progress is not None:
        progress(len(flows) - len(todo), len(flows))
    if todo:
        step = 200 if progress is not None else len(todo)
        for i in range(0, len(todo), step):
            chunk = todo[i:i + step]
            for f, data in zip(chunk, render_dots([f.dot for f in chunk], fmt, jobs=jobs), strict=True):
                f.data = data
                if cache is not None:
                    cache.put(f.dot, fmt, data)
            if progress is not None:
                progress(len(flows) - len(todo) + i + len(chunk), len(flows))
    return flows
