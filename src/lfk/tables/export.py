"""The register as the tables officers file: rows of 职权目录, 廉政风险防控登记表, 防控措施, 裁量基准, 岗位, 审定记录.

``build_tables`` gives the rows (plain cell values); ``lfk.tables.xlsx`` lays them out in a
workbook, ``write_csv`` writes one table as CSV, ``register_json`` gives the lossless JSON form.
Every field of the register items is in some column, so ``lfk import`` gives the same items back.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from dataclasses import dataclass, field
from typing import Any

from lfk.core.safe import csv_cell
from lfk.grading.engine import DEFAULT_FACTORS, factor_names, grade_risk
from lfk.model.config import Config
from lfk.model.items import Authority, Fine, Responsible, Risk, Tier
from lfk.model.text import fine_text, limit_text
from lfk.register import Register, UnitData
from lfk.tables import values as V
from lfk.tables.columns import (
    APPROVALS,
    AUTHORITIES,
    BENCHMARKS,
    MEASURES,
    POSTS,
    RISKS,
    TABLE_ORDER,
    Column,
    Table,
    extra_header,
    factor_header,
)
from lfk.tables.prose import fine_cell

GRADE_EXTRA = "风险等级"
"""The ``extra:`` key where import keeps a grade word as the table wrote it (一级, ★★★ …)."""

GRADE_COLUMN = "grade"


@dataclass
class TableData:
    """One table's columns and rows (cell values: text, numbers, dates, or None)."""

    table: Table
    columns: list[Column]
    rows: list[list[Any]] = field(default_factory=list)
    # each row's unit id, and its group (rows of one group may share merged cells in xlsx)
    unit_of_row: list[str] = field(default_factory=list)
    group_of_row: list[Any] = field(default_factory=list)
    # columns merged over consecutive rows of the same group (xlsx only)
    merge_keys: tuple[str, ...] = ("unit", "unit_id")
    # the grade words written in this table and the grade each stands for (grade colours in xlsx)
    grade_of_word: dict[str, str] = field(default_factory=dict)

    def index(self, key: str) -> int | None:
        """The position of the column carrying ``key``."""
        for i, c in enumerate(self.columns):
            if c.key == key:
                return i
        return None


def grade_of_word(cfg: Config, word: str) -> str | None:
    """The grade (高/中/低) a table's grade word stands for: the grade itself, a ``grading.labels`` or
    ``grading.aliases`` word of lfk.yaml, or one of import's built-in words (一级, ★★★ …); None otherwise."""
    return V.grade_of(V.grade_words(cfg.grading), word)


def grade_word(cfg: Config, risk: Risk) -> str | None:
    """The word export writes for a risk's grade, in the unit's own words.

    The word the imported table used (``extra.风险等级``) while it still stands for the grade in force; else
    the grade's ``grading.labels`` name; else the first of its ``grading.aliases``; else 高/中/低.
    """
    if not risk.grade:
        return None
    written = (risk.extra or {}).get(GRADE_EXTRA)
    if written and grade_of_word(cfg, written) == risk.grade:
        return written
    return grade_label(cfg, risk.grade)


def _residual_grade(cfg: Config, risk: Risk, authority: Authority | None) -> str | None:
    """The grade of the risk's residual factors (after its measures) in the register's words, or None."""
    if not risk.residual:
        return None
    graded = grade_risk(cfg, risk, authority).residual
    return grade_label(cfg, graded) if graded else None


def grade_label(cfg: Config, grade: str) -> str:
    """A grade in the register's words: its ``grading.labels`` name, else the first of its
    ``grading.aliases``, else 高/中/低 itself."""
    label = (cfg.grading.labels or {}).get(grade)  # type: ignore[call-overload]
    if label:
        return str(label)
    aliases = (cfg.grading.aliases or {}).get(grade)  # type: ignore[call-overload]
    return str(aliases[0]) if aliases else grade


def factor_columns(register: Register) -> list[Column]:
    """One column per grading factor: the rubric's factors, then any other a risk carries."""
    cfg = register.config
    names = list(factor_names(cfg))
    for ud in register.units():
        for r in ud.risks:
            for k in r.model.factors:
                if k not in names:
                    names.append(k)
    labels = {k: (f.label or None) for k, f in (cfg.grading.factors or {}).items()}
    out = []
    for k in names:
        label = labels.get(k) or (DEFAULT_FACTORS[k][1] if k in DEFAULT_FACTORS and cfg.grading.method == "weighted"
                                  else None)
        out.append(Column(f"factor:{k}", factor_header(k, label), (k,), 8, data=True, center=True))
    return out


def risk_columns(register: Register) -> list[Column]:
    """The columns of the risk table with the factor columns in place."""
    cols: list[Column] = []
    for c in RISKS.columns:
        if c.key == "criteria":
            cols.extend(factor_columns(register))
        cols.append(c)
    return cols


def with_extra(columns: list[Column], extras: list[dict[str, str]]) -> list[Column]:
    """``columns`` with one column per ``extra:`` key the items carry (in the order first met), headed
    ``key〔原表〕`` (``extra_header``), placed after the officers' columns (before the data-only ones at the end)."""
    found: list[str] = []
    for e in extras:  # each key before the next key of its item already placed: every item's keys read in its order
        for i, k in enumerate(e):
            if k not in found:
                after = next((x for x in list(e)[i + 1:] if x in found), None)
                found.insert(found.index(after) if after is not None else len(found), k)
    if not found:
        return columns
    cols = [Column(f"extra:{k}", extra_header(k), (), 16, wrap=True) for k in found]
    at = max((i for i, c in enumerate(columns) if not c.data), default=len(columns) - 1) + 1
    return [*columns[:at], *cols, *columns[at:]]


def _extra_cells(extra: dict[str, str]) -> dict[str, str]:
    return {f"extra:{k}": v for k, v in extra.items()}


def _fine_cell(t: Tier) -> str | None:
    """A tier's 罚款幅度 cell: its standard as written (处以罚款300元) when import reads the same fines from it again,
    else its fine."""
    if t.standard:
        found, standard = fine_cell(t.standard)
        fines = [x.model_dump(exclude_none=True) for x in ([t.fine] if t.fine else []) + t.fines]
        if standard == t.standard and [Fine.model_validate(x).model_dump(exclude_none=True) for x in found] == fines:
            return t.standard
    return fine_text(t.fine)


def _post_name(ud: UnitData, pid: str | None) -> str:
    if not pid:
        return ""
    p = ud.posts.get(pid)
    return p.name if p else pid


def _where(ud: UnitData, r: Risk, auth_names: dict[str, str], flow_steps: dict[str, dict[str, str]]) -> str:
    parts = []
    if r.authority:
        name = auth_names.get(r.authority, r.authority)
        steps = flow_steps.get(r.authority, {})
        if r.steps:
            parts.append(f"{name}（{'、'.join(steps.get(s, s) for s in r.steps)}环节）")
        else:
            parts.append(name)
    if r.post:
        parts.append(_post_name(ud, r.post))
    return "\n".join(parts)


def _approval_text(ud: UnitData, aid: str | None) -> str:
    if not aid:
        return ""
    for a in ud.unit.approvals if ud.unit else []:
        if a.id == aid:
            return f"{a.meeting}\n{a.date.isoformat()}（{aid}）"
    return aid


def _leader(ud: UnitData, r: Risk, measure_owners: list[str]) -> str:
    posts = ud.posts
    for pid in [r.owner, *measure_owners]:
        if pid and pid in posts and posts[pid].leader:
            return posts[pid].name
    return ""


def build_tables(register: Register, units: list[str] | None = None) -> dict[str, TableData]:
    """Every table for ``units`` (default: all units), rows in register order."""
    uids = units or register.unit_ids
    uds = [register.unit(uid) for uid in uids]
    out = {
        "authorities": TableData(AUTHORITIES, with_extra(list(AUTHORITIES.columns),
                                                         [a.model.extra for ud in uds for a in ud.authorities])),
        "risks": TableData(RISKS, with_extra(risk_columns(register), [r.model.extra for ud in uds for r in ud.risks])),
        "measures": TableData(MEASURES, with_extra(list(MEASURES.columns),
                                                   [m.model.extra for ud in uds for m in ud.measures])),
        "benchmarks": TableData(BENCHMARKS, with_extra(list(BENCHMARKS.columns),
                                                       [i.extra for ud in uds for b in ud.benchmarks
                                                        for i in b.model.items])),
        "posts": TableData(POSTS, list(POSTS.columns)),
        "approvals": TableData(APPROVALS, list(APPROVALS.columns)),
    }
    seq = {k: 0 for k in out}

    out["benchmarks"].merge_keys = ("unit", "unit_id", "seq", "authority", "violation", "basis", "statutory", "remarks",
                                    *(c.key for c in out["benchmarks"].columns if c.key.startswith("extra:")))

    def add(key: str, ud: UnitData, cells: dict[str, Any], group: Any = None) -> None:
        td = out[key]
        if group is None or not td.group_of_row or td.group_of_row[-1] != group:
            seq[key] += 1
        cells = {"seq": seq[key], "unit": ud.name, "unit_id": ud.id, **cells}
        td.rows.append([cells.get(c.key) for c in td.columns])
        td.unit_of_row.append(ud.id)
        td.group_of_row.append(group if group is not None else (ud.id, len(td.rows)))

    for ud in uds:
        auth_names = {a.model.id: a.model.name for a in ud.authorities}
        auths = {a.model.id: a.model for a in ud.authorities}
        flow_steps: dict[str, dict[str, str]] = {}
        for a in ud.authorities:
            fl, _ = register.flow_for(ud, a.model.flow_id)
            if fl is not None:
                flow_steps[a.model.id] = {s.id: s.name for s in fl.model.steps}
        for it in ud.authorities:
            a = it.model
            add("authorities", ud, {
                "id": a.id, "name": a.name, "category": a.category, "content": a.content, "subject": a.subject,
                "legal_basis": V.basis_text(a.legal_basis), "posts": V.join_names([_post_name(ud, p) for p in a.posts]),
                "time_limit": limit_text(a.time_limit), "disclosure": V.disclosure_text(a.disclosure, a.is_public),
                "flow": a.flow,
                "promised": limit_text(a.promised), "key_areas": V.join_list(a.key_areas),
                "internal": "是" if a.internal else "否", **_extra_cells(a.extra),
            })
        by_risk: dict[str, list[Any]] = {}
        for m in ud.measures:
            for rid in m.model.risks:
                by_risk.setdefault(rid, []).append(m.model)
        for it in ud.risks:
            r = it.model
            ms = by_risk.get(r.id, [])
            resp = r.responsible or Responsible()
            word = grade_word(register.config, r)
            if word is not None and r.grade:
                out["risks"].grade_of_word[word] = r.grade
            cells: dict[str, Any] = {
                "where": _where(ud, r, auth_names, flow_steps), "category": r.category, "title": r.title,
                "description": r.description, "grade": word,
                "measures_text": "\n".join(f"{i}. {m.description or m.kind}" for i, m in enumerate(ms, 1)),
                "owner": _post_name(ud, r.owner),
                "leader": resp.leader or _leader(ud, r, [m.owner for m in ms if m.owner]),
                "department_head": resp.department_head, "person": resp.person,
                "indicators": "\n".join(r.indicators) or None,
                "approval": _approval_text(ud, r.approval), "reviewed": r.reviewed,
                "id": r.id, "authority": r.authority, "steps": V.join_list(r.steps), "post": r.post, "kind": r.kind,
                "sources": V.join_list(r.sources), "criteria": V.join_list(r.criteria),
                "grade_reason": r.grade_reason, "approved_digest": r.approved_digest,
                "residual": " ".join(f"{k}={v}" for k, v in r.residual.items()) or None,
                "residual_grade": _residual_grade(register.config, r, auths.get(r.authority or "")),
                "disclosure": V.disclosure_text(r.disclosure, False), **_extra_cells(r.extra),
            }
            for k, v in r.factors.items():
                cells[f"factor:{k}"] = v
            add("risks", ud, cells)
        for it in ud.measures:
            m = it.model
            add("measures", ud, {
                "id": m.id, "risks": V.join_list(m.risks), "kind": m.kind, "education": m.education,
                "description": m.description, "owner": _post_name(ud, m.owner), "due": m.due, "status": m.status,
                "effect": m.effect, "phase": m.phase, "disclosure": V.disclosure_text(m.disclosure, False),
                **_extra_cells(m.extra),
            })
        for it in sorted(ud.benchmarks, key=lambda b: b.model.authority):
            b = it.model
            for n, item in enumerate(b.items):
                tiers = item.tiers or [None]
                for t in tiers:
                    add("benchmarks", ud, group=(ud.id, b.authority, n), cells={
                        "authority": b.authority, "violation": item.violation, "basis": item.basis,
                        "statutory": fine_text(item.statutory), "remarks": item.remarks, **_extra_cells(item.extra),
                        "level": t.level if t else None, "circumstances": t.circumstances if t else None,
                        # the standard as the table wrote it (处以罚款300元) gives back its fines on import
                        "penalty": V.join_list(t.penalty) if t else None,
                        "fine": _fine_cell(t) if t else None,
                    })
        for p in ud.unit.posts if ud.unit else []:
            add("posts", ud, {"id": p.id, "name": p.name, "leader": "是" if p.leader else "否",
                              "internal": "是" if p.internal else "否"})
        for ap in ud.unit.approvals if ud.unit else []:
            add("approvals", ud, {"id": ap.id, "date": ap.date, "meeting": ap.meeting, "minutes": ap.minutes})
    return {k: out[k] for k in TABLE_ORDER}


def _cell_text(v: Any) -> str:
    if v is None:
        return ""
    if isinstance(v, (dt.date, dt.datetime)):
        return v.isoformat()
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return str(v)


def write_csv(td: TableData, encoding: str = "utf-8-sig") -> bytes:
    """One table as CSV bytes: a header row, then one row per item (``utf-8-sig`` opens right in Excel)."""
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n")
    w.writerow([c.header for c in td.columns])
    for row in td.rows:  # a text starting = + - @ gets a leading ' (never a live formula; import drops it)
        w.writerow([csv_cell(_cell_text(v)) if isinstance(v, str) else _cell_text(v) for v in row])
    return buf.getvalue().encode(encoding, errors="strict")


def register_json(register: Register, units: list[str] | None = None) -> dict[str, Any]:
    """The lossless JSON form: each unit with its items as the models dump them."""
    out: dict[str, Any] = {"format": "lfk-register-tables/1", "register": register.config.name,
                           "year": register.config.year, "units": []}
    for uid in units or register.unit_ids:
        ud = register.unit(uid)
        out["units"].append({
            "id": ud.id,
            "unit": ud.unit.model_dump(mode="json", exclude_none=True) if ud.unit else None,
            "authorities": [a.model.model_dump(mode="json", exclude_none=True) for a in ud.authorities],
            "risks": [r.model.model_dump(mode="json", exclude_none=True) for r in ud.risks],
            "measures": [m.model.model_dump(mode="json", exclude_none=True) for m in ud.measures],
            "benchmarks": [b.model.model_dump(mode="json", exclude_none=True) for b in ud.benchmarks],
        })
    return out
