"""Server-side SVG charts for the internal monitor page: throughput time against the limits.

``throughput_svg(powers, lang, yellow_at)`` draws, for each power of ``MonitorResult.explain`` and for each
of its steps, the median (bar) and the P90 (whisker) as a share of the limit, with the limit (100 %) and the
``yellow_at`` share marked; rows without a limit show their days as text only. Every text from the
register is escaped; colours come from site.css classes (``tp-*``), so the SVG has no style of its own.
"""

from __future__ import annotations

from typing import Any

from markupsafe import Markup, escape

from lfk.model.text import days_text
from lfk.site.words import pick

ROW = 24
HEAD = 30
LABEL_W = 250
BAR_W = 380
TEXT_W = 370
WIDTH = LABEL_W + BAR_W + TEXT_W
TOP = 34
MAX_SHARE = 2.0  # the bar area ends at 200 % of the limit; longer is drawn to the edge with an arrow


def _level(p90: float | None, limit: float | None, yellow_at: float) -> str:
    if p90 is None or not limit:
        return "none"
    if p90 > limit:
        return "over"
    if p90 >= yellow_at * limit:
        return "near"
    return "ok"


def _num(x: float | None) -> str:
    return "—" if x is None else f"{x:g}"


def _cut(text: str, n: int = 24) -> str:
    return text if len(text) <= n else text[: n - 1] + "…"


def throughput_svg(powers: list[dict[str, Any]], lang: str = "zh", yellow_at: float = 0.8, *, steps: bool = True,
                   ident: str = "tp", unit_names: dict[str, str] | None = None) -> Markup | None:
    """The chart as inline SVG markup, or None when there is nothing to draw. ``steps=False``: one row per
    power (its whole cases) under a heading per unit (``unit_names``); ``ident`` makes the ids of the SVG's
    title and desc unique."""
    rows: list[tuple[str, str, dict[str, Any] | None]] = []  # (kind, label, stats)
    unit = None
    for p in powers:
        if not steps:
            if p["unit"] != unit:
                unit = p["unit"]
                rows.append(("head", (unit_names or {}).get(unit, unit) + pick(lang, "：全案办理时长", ": whole cases"), None))
            rows.append(("step", f"{p['authority']} {p['name']}", p["throughput"]))
            continue
        rows.append(("head", f"{p['name']}（{p['authority']}）" if lang == "zh" else f"{p['name']} ({p['authority']})", None))
        rows.append(("case", pick(lang, "全案办理", "whole case"), p["throughput"]))
        for s in p["steps"]:
            rows.append(("step", f"{s['step']} {s['name']}", s))
    if not any(s and s["n"] for _k, _l, s in rows):
        return None
    scale = BAR_W / MAX_SHARE
    x0 = LABEL_W
    y = TOP
    body: list[str] = []
    spans: list[list[float]] = []  # per power: [first row's top, last row's bottom], where the scale lines run
    n_over = 0
    for kind, label, s in rows:
        if kind == "head":
            y += 6
            body.append(f'<text class="tp-head" x="4" y="{y + 16}">{escape(_cut(label, 60))}</text>')
            y += HEAD - 6
            spans.append([y, y])
            continue
        assert s is not None
        cy = y + ROW / 2
        cls = "tp-label tp-case" if kind == "case" else "tp-label"
        short = _cut(label, 18)
        tip = f"<title>{escape(label)}</title>" if short != label else ""
        body.append(f'<text class="{cls}" x="{16 if kind == "step" else 8}" y="{cy + 5:.1f}">{tip}{escape(short)}</text>')
        lim = s.get("limit")
        med, p90 = s.get("median"), s.get("p90")
        level = _level(p90, lim, yellow_at)
        body.append(f'<rect class="tp-track" x="{x0}" y="{y + 4}" width="{BAR_W}" height="{ROW - 8}" rx="2"/>')
        if lim and med is not None and p90 is not None:
            wm = min(med / lim, MAX_SHARE) * scale
            wp = min(p90 / lim, MAX_SHARE) * scale
            body.append(f'<rect class="tp-bar tp-{level}" x="{x0}" y="{y + 6}" width="{max(wm, 1.5):.1f}" height="{ROW - 12}" rx="2"/>')
            body.append(f'<line class="tp-whisker tp-{level}" x1="{x0 + wm:.1f}" y1="{cy:.1f}" x2="{x0 + wp:.1f}" y2="{cy:.1f}"/>')
            body.append(f'<line class="tp-whisker tp-{level}" x1="{x0 + wp:.1f}" y1="{y + 7}" x2="{x0 + wp:.1f}" y2="{y + ROW - 7}"/>')
            if p90 / lim > MAX_SHARE:
                body.append(f'<text class="tp-more" x="{x0 + BAR_W - 12}" y="{cy + 4:.1f}">»</text>')
            kind_text = days_text(lim, s["kind"], lang)
            text = pick(lang, f"中位 {_num(med)} · P90 {_num(p90)} · 时限 {kind_text}",
                        f"median {_num(med)} · P90 {_num(p90)} · limit {kind_text}")
            if s.get("over_limit"):
                n_over += s["over_limit"]
                text += pick(lang, f" · 超时 {s['over_limit']} 件", f" · {s['over_limit']} over")
        elif med is not None:
            text = pick(lang, f"无时限 · 中位 {_num(med)} 天 · P90 {_num(p90)} 天", f"no limit · median {_num(med)} d · P90 {_num(p90)} d")
        else:
            text = pick(lang, "无办理记录", "no events")
        body.append(f'<text class="tp-value tp-v-{level}" x="{x0 + BAR_W + 10}" y="{cy + 5:.1f}">{escape(text)}</text>')
        y += ROW
        spans[-1][1] = y
    height = y + 12
    # the scale: 0, yellow_at, 100 %, 200 % of the limit, drawn over every row
    marks = [(0.0, "tp-axis", "0"), (yellow_at, "tp-near-line", f"{yellow_at * 100:g}%"), (1.0, "tp-limit", pick(lang, "时限", "limit")),
             (MAX_SHARE, "tp-axis", f"{MAX_SHARE * 100:g}%")]
    grid = []
    for share, cls, lbl in marks:
        x = x0 + share * scale
        for top, bottom in spans:
            grid.append(f'<line class="{cls}" x1="{x:.1f}" y1="{top:.1f}" x2="{x:.1f}" y2="{bottom:.1f}"/>')
        grid.append(f'<text class="tp-tick" x="{x:.1f}" y="{TOP - 4}" text-anchor="middle">{escape(lbl)}</text>')
    title = pick(lang, "办理时长与时限：中位数（条）与 P90（须线），按时限的百分比",
                 "Throughput time against the limits: median (bar) and P90 (whisker) as a share of the limit")
    desc = pick(lang, f"{len(powers)} 项职权；超过时限的办理共 {n_over} 件。",
                f"{len(powers)} power(s); {n_over} step or case run(s) over the limit.")
    return Markup(
        f'<svg class="tp-chart" role="img" aria-labelledby="{ident}-title {ident}-desc" viewBox="0 0 {WIDTH} {height}" '
        f'width="{WIDTH}" height="{height}" focusable="false"><title id="{ident}-title">{escape(title)}</title>'
        f'<desc id="{ident}-desc">{escape(desc)}</desc>' + "".join(body) + "".join(grid) + "</svg>")
