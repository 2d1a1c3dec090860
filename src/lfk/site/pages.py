"""Gather the register and build each page's context (plain JSON-able data, filtered for the audience).

Public contexts are built only from what may be published: public powers (not ``internal: true`` and
not ``disclosure: internal``), their flows with public posts only, their benchmarks, the units' names
and contacts, the register's disclosure settings. Risks, measures, internal posts and approvals are
only ever read for the internal audience.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from lfk.core.errors import LfkError
from lfk.grading.engine import grade_risk
from lfk.model.disclosure import INTERNAL, Audience
from lfk.model.disclosure import power_is_public as is_public_power
from lfk.model.items import Authority, Flow, Measure, Risk
from lfk.model.vocab import GRADES
from lfk.register import Item, Register, UnitData
from lfk.render.dot import flow_dot
from lfk.site.fmt import fine, limit, snippet
from lfk.site.heatmap import heatmap
from lfk.site.names import assign_slugs, unit_slug
from lfk.site.words import grade_text, pick, status_text


@dataclass
class Page:
    """One output file: a template and its context, or raw bytes; flowcharts to draw (key, dot, label)."""

    path: str
    template: str | None
    context: dict[str, Any] = field(default_factory=dict)
    raw: bytes | None = None
    dots: list[tuple[str, str, str]] = field(default_factory=list)
    unit: str | None = None
    reuse: dict[str, str] | None = None  # the manifest entry of an unchanged page kept as it is


@dataclass
class StepView:
    """What a row of the step table shows (already filtered for the audience)."""

    id: str
    name: str
    actor: str | None = None
    duty: str | None = None
    time_limit: str | None = None
    promised: str | None = None
    supervision: list[str] = field(default_factory=list)
    collective: bool = False
    end: bool = False
    edges: list[tuple[str, str | None]] = field(default_factory=list)  # (to step id, when)
    risks: list[tuple[str, str | None]] = field(default_factory=list)  # (risk id, grade) - internal only


def grader() -> Any:
    """``lfk.grading.engine.grade_risk``."""
    return grade_risk


class Planner:
    """Builds the pages of one site build."""

    def __init__(self, register: Register, audience: str, *, site: dict[str, Any], as_of: dt.date | None,
                 salt: str = "", prior: dict[str, Any] | None = None, check: Any = None, lang: str = "zh") -> None:
        self.reg = register
        self.lang = lang
        self.salt = salt
        self.prior = prior or {}
        self.check = check  # check(rel, entry) -> bool: the file in OUT is still that entry's output
        self.on_unit: Callable[[UnitData], None] | None = None  # called with each unit read for its pages
        self.unit_records: dict[str, dict[str, Any]] = {}
        self._digests: dict[str, str] = {}
        self.audience = audience
        self.internal = audience == INTERNAL
        self.site = site
        self.as_of = as_of
        self.cfg = register.config
        self.grade_risk = grader() if self.internal else None
        self.policy = Audience(audience)  # the one disclosure policy (lfk.model.disclosure)
        self.warnings: list[str] = []
        self.pages: list[Page] = []
        self.index: list[dict[str, Any]] = []
        self.units_summary: list[dict[str, Any]] = []
        self.all_risks: list[Risk] = []
        self.stale: list[dict[str, Any]] = []
        self.overdue: list[dict[str, Any]] = []

    # -- helpers -----------------------------------------------------------------------------
    def t(self, zh: str, en: str) -> str:
        """The site's own wording in the build's language."""
        return pick(self.lang, zh, en)

    def home_crumb(self) -> list[str]:
        """The breadcrumb of the home page."""
        return [self.t("首页", "Home"), "index.html"]

    def grade_label(self, g: str | None) -> str:
        """The display name of a grade (``grading.labels``; High/Medium/Low in English without them)."""
        return grade_text(self.cfg, g, self.lang)

    def post_name(self, ud: UnitData, pid: str | None) -> str | None:
        """A post's name, or None when it must not be shown to this audience."""
        return self.policy.post(ud.posts.get(pid) if pid else None, pid)

    # -- plan --------------------------------------------------------------------------------
    def plan(self) -> list[Page]:
        """Every page of the site (units, powers, home, search and its index; internal: risks)."""
        used_slugs: set[str] = set()
        for uid in self.reg.unit_ids:
            slug = unit_slug(uid)
            if slug.lower() in used_slugs:
                self.warnings.append(f"units/{uid}: unit folder name collides with another unit; skipped")
                continue
            used_slugs.add(slug.lower())
            digest = self.unit_digest(uid) if not self.internal else None
            if digest is not None and self.reuse_unit(uid, digest):
                continue
            start, n_index = len(self.pages), len(self.index)
            ud = self.reg.unit(uid)
            if self.on_unit is not None:
                self.on_unit(ud)
            self.plan_unit(ud, slug)
            if digest is not None:
                self.unit_records[uid] = {
                    "digest": digest, "pages": sorted(p.path for p in self.pages[start:]),
                    "summary": self.units_summary[-1], "index": self.index[n_index:],
                }
        self.pages.append(Page("index.html", "index.html", {
            "title": self.site["title"], "units": self.units_summary,
            "totals": {"units": len(self.units_summary),
                       "powers": sum(u["powers"] for u in self.units_summary),
                       "benchmarks": sum(u["benchmarks"] for u in self.units_summary)},
            "crumbs": [],
        }))
        self.pages.append(Page("search.html", "search.html", {"title": self.t("职权检索", "Search powers"),
                                                             "crumbs": [self.home_crumb()]}))
        self.pages.append(Page("verify.html", "verify.html", {"title": self.t("核验本网站", "Verify this site"),
                                                             "crumbs": [self.home_crumb()]}))
        data = json.dumps({"powers": self.index}, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
        safe = data.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
        safe = safe.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")
        self.pages.append(Page("assets/search-index.json", None, raw=(safe + "\n").encode("utf-8")))
        self.pages.append(Page("assets/search-index.js", None,
                               raw=f"window.LFK_INDEX = {safe};\n".encode()))
        if self.internal:
            self.pages.append(self.overview_page())
        return self.pages

    def unit_digest(self, uid: str) -> str:
        """SHA-256 of everything a unit's public pages depend on: its files, its parent's unit.yaml, and
        the build-wide inputs (``salt``: lfk.yaml, root flows, templates, site settings, version)."""
        if uid in self._digests:
            return self._digests[uid]
        h = hashlib.sha256(self.salt.encode())
        rels = list(self.reg.unit_dirs.get(uid, []))
        unit = self.reg.unit_model(uid)
        if unit is not None and unit.parent and unit.parent in self.reg.unit_dirs:
            rels.append(f"units/{unit.parent}/unit.yaml")
        for rel in rels:  # the register's digest of each file: read once, then parsed from those bytes' digest
            h.update(rel.encode("utf-8", "surrogateescape") + b"\0" + self.reg.file_digest(rel).encode() + b"\0")
        self._digests[uid] = h.hexdigest()
        return self._digests[uid]

    def changed_units(self) -> list[str] | None:
        """Units whose inputs differ from the earlier build's (None: no usable earlier build)."""
        known = self.prior.get("units")
        if self.internal or not isinstance(known, dict):
            return None
        return [u for u in self.reg.unit_ids
                if not isinstance(known.get(u), dict) or known[u].get("digest") != self.unit_digest(u)]

    def reuse_unit(self, uid: str, digest: str) -> bool:
        """Keep an unchanged unit's pages (public builds): its summary and index entries come from the
        manifest, its files stay as they are when they still hold what was written."""
        rec = self.prior.get("units", {}).get(uid)
        pages = self.prior.get("pages", {})
        if not isinstance(rec, dict) or rec.get("digest") != digest or self.check is None:
            return False
        try:
            entries = [(rel, pages[rel]) for rel in rec["pages"]]
            summary, index = dict(rec["summary"]), list(rec["index"])
        except (KeyError, TypeError):
            return False
        if not all(self.check(rel, entry) for rel, entry in entries):
            return False
        for rel, entry in entries:
            self.pages.append(Page(rel, None, unit=uid, reuse=entry))
        self.units_summary.append(summary)
        self.index.extend(index)
        self.unit_records[uid] = rec
        return True

    def plan_unit(self, ud: UnitData, slug: str) -> None:
        """The pages of one unit: its 职权目录, its powers and (internal) its risk register."""
        unit = ud.unit
        base = f"units/{slug}/"
        seen: set[str] = set()
        powers: list[Item[Authority]] = []
        for a in ud.authorities:
            if not (self.internal or is_public_power(a.model)):
                continue
            if a.model.id in seen:
                self.warnings.append(f"{a.rel}: power id {a.model.id} appears twice; only the first has a page")
                continue
            seen.add(a.model.id)
            powers.append(a)
        slugs = assign_slugs([a.model.id for a in powers])
        bms = {b.model.authority: b.model for b in ud.benchmarks}
        risks = [r.model for r in ud.risks] if self.internal else []
        measures = [m.model for m in ud.measures] if self.internal else []
        auth_by_id = {a.model.id: a.model for a in ud.authorities}
        power_href = {a.model.id: f"{base}powers/{slugs[a.model.id]}.html" for a in powers}
        risk_views = [self.risk_view(ud, r, measures, auth_by_id, power_href, base) for r in risks]
        parent = unit.parent if unit else None
        parent_ref = None
        if parent and parent in self.reg.unit_headers:
            pm = self.reg.unit_model(parent)
            parent_ref = {"name": pm.name if pm else parent, "href": f"units/{unit_slug(parent)}/index.html"}
        unit_info = {
            "id": ud.id, "name": ud.name, "type": unit.type if unit else None,
            "contact": unit.contact if unit else None, "href": f"{base}index.html", "parent": parent_ref,
        }
        rows = []
        for a in powers:
            m = a.model
            href = power_href[m.id]
            rows.append({
                "id": m.id, "name": m.name, "category": m.category, "areas": list(m.key_areas),
                "time_limit": limit(m.time_limit, self.lang), "href": href, "internal": not is_public_power(m),
                "benchmark": m.id in bms, "text": " ".join([m.id, m.name, m.content or "", m.subject or ""]),
            })
            self.index.append({"id": m.id, "n": m.name, "u": ud.name, "c": m.category, "a": list(m.key_areas),
                               "t": snippet(m.content), "h": href, **({"i": 1} if rows[-1]["internal"] else {})})
            self.pages.append(self.power_page(ud, a, unit_info, bms.get(m.id), href,
                                              [rv for rv in risk_views if rv["authority"] == m.id]))
        cats = sorted(Counter(r["category"] for r in rows).items())
        areas = sorted({x for r in rows for x in r["areas"]})
        grade_counts = self.grade_counts(risk_views)
        unit_ctx: dict[str, Any] = {
            "title": ud.name, "unit": unit_info, "powers": rows, "categories": cats, "areas": areas,
            "crumbs": [self.home_crumb()],
        }
        if self.internal:
            unit_ctx["grades"] = grade_counts
            unit_ctx["risks_href"] = f"{base}risks.html"
            unit_ctx["risk_total"] = len(risk_views)
        self.pages.append(Page(f"{base}index.html", "unit.html", unit_ctx, unit=ud.id))
        summary = {"name": ud.name, "type": unit_info["type"], "href": unit_info["href"], "powers": len(rows),
                   "benchmarks": sum(1 for r in rows if r["benchmark"]),
                   "categories": cats}
        if self.internal:
            stale = [rv for rv in risk_views if rv["stale"]]
            overdue = [m for rv in risk_views for m in rv["measures"] if m["overdue"]]
            overdue = list({m["id"]: m for m in overdue}.values())
            summary.update({"risks": len(risk_views), "grades": grade_counts, "risks_href": f"{base}risks.html",
                            "stale": len(stale), "overdue": len(overdue)})
            for rv in stale:
                self.stale.append({"unit": ud.name, **rv})
            for m in overdue:
                self.overdue.append({"unit": ud.name, "risks_href": f"{base}risks.html", **m})
            self.all_risks.extend(risks)
            approvals = [{"id": ap.id, "date": ap.date.isoformat(), "meeting": ap.meeting, "minutes": ap.minutes}
                         for ap in (unit.approvals if unit else [])]
            self.pages.append(Page(f"{base}risks.html", "risks.html", {
                "title": self.t(f"{ud.name} 廉政风险防控登记表", f"{ud.name}: integrity risk register"),
                "unit": unit_info, "risks": risk_views, "grades": grade_counts,
                "heat": heatmap(self.cfg, risks, self.t(f"{ud.name} 风险热力图", f"Risk heat map of {ud.name}"), self.lang),
                "stale": stale, "overdue": overdue, "approvals": approvals,
                "crumbs": [self.home_crumb(), [ud.name, unit_info["href"]]],
            }, unit=ud.id))
        self.units_summary.append(summary)

    def grade_counts(self, risk_views: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """高/中/低 (and 未定级) counts of the risks."""
        c = Counter(rv["grade"] for rv in risk_views)
        out = [{"grade": g, "label": self.grade_label(g), "count": c.get(g, 0)} for g in GRADES]
        if c.get(None):
            out.append({"grade": None, "label": self.grade_label(None), "count": c[None]})
        return out

    # -- power page --------------------------------------------------------------------------
    def power_page(self, ud: UnitData, a: Item[Authority], unit_info: dict[str, Any], bm: Any, href: str,
                   risk_views: list[dict[str, Any]]) -> Page:
        """A power's page: content, legal basis, flowchart and step table, benchmark (internal: risks)."""
        m = a.model
        flow_item, is_std = self.reg.flow_for(ud, m.flow_id)
        ctx: dict[str, Any] = {
            "title": m.name,
            "unit": unit_info,
            "power": {
                "id": m.id, "name": m.name, "category": m.category, "content": m.content, "subject": m.subject,
                "legal_basis": [{"law": lb.law, "article": lb.article} for lb in m.legal_basis],
                "posts": [n for n in (self.post_name(ud, p) for p in m.posts) if n],
                "time_limit": limit(m.time_limit, self.lang), "promised": limit(m.promised, self.lang),
                "areas": list(m.key_areas),
                "internal": not is_public_power(m),
            },
            "crumbs": [self.home_crumb(), [ud.name, unit_info["href"]]],
            "flow": None,
            "benchmark": self.benchmark_view(bm),
            "risks": risk_views if self.internal else [],
        }
        page = Page(href, "power.html", ctx, unit=ud.id)
        if flow_item is not None:
            flow = flow_item.model
            steps = self.step_views(ud, flow, risk_views)
            ctx["flow"] = {
                "id": flow.id, "name": flow.name, "description": flow.description, "standard": is_std,
                "steps": self.step_rows(flow, steps),
            }
            label = self.t(f"{m.name}：{flow.name} 权力运行流程图", f"{m.name}: {flow.name} flowchart")
            dot = self.flow_dot(ud, flow_item, a)
            ctx["flow"]["legend"] = True  # lfk.render draws its legend inside the chart
            if dot:
                ctx["flow"]["dot"] = dot
                page.dots.append(("flow_svg", dot, label))
        return page

    def flow_dot(self, ud: UnitData, flow_item: Item[Flow], a: Item[Authority]) -> str | None:
        """The flowchart's DOT through the one builder (``lfk.render``) for this audience; None when the
        flow cannot be drawn (the page then shows the step table)."""
        try:
            return flow_dot(self.reg, ud, flow_item, a, layout="flow", lang=self.lang, public=not self.internal)
        except (LfkError, ValueError, KeyError, TypeError, AttributeError):
            return None

    def step_views(self, ud: UnitData, flow: Flow, risk_views: list[dict[str, Any]]) -> list[StepView]:
        """What each step shows on the flowchart, filtered for the audience."""
        out = []
        for s in flow.steps:
            on_step = [(rv["id"], rv["grade"]) for rv in risk_views if s.id in rv["steps"]] if self.internal else []
            out.append(StepView(
                id=s.id, name=s.name, actor=self.post_name(ud, s.actor), duty=s.duty,
                time_limit=limit(s.time_limit, self.lang), promised=limit(s.promised, self.lang),
                supervision=list(s.supervision),
                collective=s.collective, end=s.end, edges=[(e.to, e.when) for e in s.edges()], risks=on_step,
            ))
        return out

    def step_rows(self, flow: Flow, steps: list[StepView]) -> list[dict[str, Any]]:
        """The rows of the step table under the flowchart."""
        names = {s.id: s.name for s in flow.steps}
        conds = {s.id: s.conditions for s in flow.steps}
        rows = []
        for i, s in enumerate(steps, 1):
            rows.append({
                "no": i, "id": s.id, "name": s.name, "actor": s.actor, "duty": s.duty, "conditions": conds[s.id],
                "time_limit": s.time_limit, "promised": s.promised, "supervision": s.supervision,
                "collective": s.collective, "end": s.end,
                "next": [(names.get(to, to) + (self.t(f"（{when}）", f" ({when})") if when else "")) for to, when in s.edges],
                "risks": [{"id": rid, "grade": g} for rid, g in s.risks],
            })
        return rows

    def benchmark_view(self, bm: Any) -> list[dict[str, Any]] | None:
        """The discretion benchmark's items and tiers as text."""
        if bm is None:
            return None
        return [{
            "violation": it.violation, "basis": it.basis, "statutory": fine(it.statutory, self.lang),
            "tiers": [{"level": t.level, "circumstances": t.circumstances, "penalty": list(t.penalty),
                       "fine": fine(t.fine, self.lang)} for t in it.tiers],
        } for it in bm.items]

    # -- internal: risks ---------------------------------------------------------------------
    def risk_view(self, ud: UnitData, r: Risk, measures: list[Measure], auth_by_id: dict[str, Authority],
                  power_href: dict[str, str], base: str) -> dict[str, Any]:
        """One risk for the internal register: grade, rubric check, review and measures."""
        auth = auth_by_id.get(r.authority) if r.authority else None
        computed = status = score = residual = None
        excused = False
        if self.grade_risk is not None:
            res = self.grade_risk(self.cfg, r, auth)
            residual = getattr(res, "residual", None)
            computed = getattr(res, "computed", None)
            status = getattr(res, "status", None)
            score = getattr(res, "score", None)
            excused = bool(getattr(res, "excused", False))
        stale = False
        if self.as_of is not None:
            stale = r.reviewed is None or (self.as_of - r.reviewed).days > self.cfg.review.cycle_days
        ms = []
        for m in measures:
            if r.id not in m.risks:
                continue
            overdue = bool(self.as_of and m.due and m.due < self.as_of and m.status != "已落实")
            ms.append({"id": m.id, "kind": m.kind, "education": m.education, "description": m.description,
                       "owner": self.post_name(ud, m.owner), "due": m.due.isoformat() if m.due else None,
                       "status": m.status, "effect": m.effect, "overdue": overdue, "risk": r.id})
        return {
            "id": r.id, "anchor": f"risk-{r.id}", "title": r.title, "description": r.description,
            "category": r.category, "kind": r.kind, "authority": r.authority,
            "authority_name": auth.name if auth else None, "authority_href": power_href.get(r.authority or ""),
            "steps": list(r.steps), "post": self.post_name(ud, r.post), "sources": list(r.sources),
            "grade": r.grade, "grade_label": self.grade_label(r.grade),
            "computed": computed, "computed_label": self.grade_label(computed) if computed else None,
            "status": str(status) if status is not None else None,
            "status_label": status_text(str(status), self.lang) if status is not None else None,
            "score": f"{float(score):.2f}".rstrip("0").rstrip(".") if score is not None else None,
            "excused": excused,
            "residual": residual, "residual_label": self.grade_label(residual) if residual else None,
            "accepted": [{"id": a.model.id, "until": a.model.until.isoformat(), "reason": a.model.reason,
                          "code": a.model.code, "expired": bool(self.as_of and a.model.until < self.as_of)}
                         for a in ud.accepted if r.id in (a.model.risk, a.model.item)],
            "grade_reason": r.grade_reason, "owner": self.post_name(ud, r.owner), "approval": r.approval,
            "reviewed": r.reviewed.isoformat() if r.reviewed else None, "stale": stale, "measures": ms,
            "risks_href": f"{base}risks.html",
        }

    def overview_page(self) -> Page:
        """The internal overview: grade counts per unit, heat map, stale reviews, overdue measures."""
        totals = Counter()
        for u in self.units_summary:
            for g in u["grades"]:
                totals[g["grade"]] += g["count"]
        grades = [{"grade": g, "label": self.grade_label(g), "count": totals.get(g, 0)} for g in GRADES]
        return Page("risks.html", "overview.html", {
            "title": self.t("廉政风险总览", "Integrity risk overview"), "units": self.units_summary, "grades": grades,
            "heat": heatmap(self.cfg, self.all_risks, self.t("全部单位风险热力图", "Risk heat map of all units"), self.lang),
            "stale": self.stale, "overdue": self.overdue, "crumbs": [self.home_crumb()],
        })
