"""``lfk grade`` and ``lfk approve`` as library functions: data in, data out (the CLI only prints).

- ``grade_register``: every risk of the units asked for, graded by ``lfk.grading.engine``, with per-unit and
  total 高/中/低 counts;
- ``format_grades``: that report as text, json, csv or markdown;
- ``explain``: the arithmetic of one risk (every unit that has it);
- ``write_grades``: the computed grade written into risks.yaml in place (a risk with
  ``grade_reason`` keeps its declared grade);
- ``approve``: ``approval`` and ``approved_digest`` written on risks (REGISTER.md: Approval bound to
  content).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from lfk.core.errors import UsageError, WriteError
from lfk.core.fsutil import read_confined, register_lock
from lfk.core.i18n import T, Text
from lfk.core.safe import csv_row
from lfk.core.text import columns
from lfk.grading.engine import CONSISTENT, DRIFT, MISSING, GradeResult, fmt_number, grade_risk, risk_digest
from lfk.loader import load_bytes
from lfk.loader.guard import register_target, write_register_file
from lfk.loader.roundtrip import set_values_text
from lfk.model import Config
from lfk.model.items import Risk
from lfk.model.vocab import GRADES
from lfk.register import DirSource, Item, Register, UnitData

__all__ = [
    "ApproveResult", "Change", "GradeReport", "RiskRow", "UnitGrades", "approve", "explain", "format_explain",
    "format_grades", "grade_register", "write_grades",
]

FORMATS = ("text", "json", "csv", "markdown")


@dataclass
class RiskRow:
    """One risk's line of the grade table."""

    unit: str
    item: Item[Risk]
    result: GradeResult

    @property
    def risk(self) -> Risk:
        """The risk model."""
        return self.item.model

    @property
    def rel(self) -> str:
        """risks.yaml relative to the root."""
        return self.item.rel

    @property
    def line(self) -> int:
        """Line of the risk's grade (or of the risk)."""
        return self.item.loc("grade")[0]


@dataclass
class UnitGrades:
    """The grade table of one unit."""

    unit: str
    name: str
    rows: list[RiskRow] = field(default_factory=list)

    @property
    def counts(self) -> dict[str, int]:
        """高/中/低 counts of the grades in force (declared, else computed)."""
        out = dict.fromkeys(GRADES, 0)
        for r in self.rows:
            g = r.result.shown_grade
            if g in out:
                out[g] += 1
        return out


@dataclass
class GradeReport:
    """Grades of the units asked for."""

    config: Config
    units: list[UnitGrades]

    @property
    def rows(self) -> list[RiskRow]:
        """Every row of every unit."""
        return [r for u in self.units for r in u.rows]

    @property
    def counts(self) -> dict[str, int]:
        """高/中/低 counts over every unit."""
        out = dict.fromkeys(GRADES, 0)
        for u in self.units:
            for g, n in u.counts.items():
                out[g] += n
        return out

    def status_counts(self) -> dict[str, int]:
        """How many risks are 一致, 偏差 (unexcused), 偏差 with a reason, 缺失."""
        out = {"consistent": 0, "drift": 0, "excused": 0, "missing": 0}
        for r in self.rows:
            s = r.result
            if s.status == CONSISTENT:
                out["consistent"] += 1
            elif s.status == MISSING:
                out["missing"] += 1
            elif s.excused:
                out["excused"] += 1
            else:
                out["drift"] += 1
        return out

    @property
    def failing(self) -> list[RiskRow]:
        """Rows with unexcused drift or a missing grade."""
        return [r for r in self.rows if r.result.failing]

    @property
    def exit_code(self) -> int:
        """1 on drift or missing grades, else 0."""
        return 1 if self.failing else 0


def _unit_ids(register: Register, units: list[str] | None) -> list[str]:
    if not units:
        return list(register.unit_ids)
    unknown = [u for u in units if u not in register.unit_ids]
    if unknown:
        raise UsageError(f"no such unit: {', '.join(unknown)} / 没有这个单位",
                         hint=f"units: {', '.join(register.unit_ids) or '(none)'}")
    return list(dict.fromkeys(units))


def grade_unit(register: Register, ud: UnitData) -> UnitGrades:
    """The grade table of one unit."""
    auths = {}
    for a in ud.authorities:
        auths.setdefault(a.model.id, a.model)
    ug = UnitGrades(ud.id, ud.name)
    for item in ud.risks:
        res = grade_risk(register.config, item.model, auths.get(item.model.authority or ""))
        ug.rows.append(RiskRow(ud.id, item, res))
    return ug


GRADE_KINDS = frozenset({"authorities", "risks"})  # what grading reads of a unit


def grade_register(register: Register, units: list[str] | None = None,
                   progress: Callable[[int, int], None] | None = None) -> GradeReport:
    """Grade every risk of ``units`` (default: all units); ``progress(done, total)`` is called per unit."""
    ids = _unit_ids(register, units)
    out = []
    for n, uid in enumerate(ids, start=1):
        out.append(grade_unit(register, register.unit(uid, kinds=GRADE_KINDS)))
        if progress is not None:
            progress(n, len(ids))
    return GradeReport(register.config, out)


# -- explain -----------------------------------------------------------------------------------------

def explain(register: Register, risk_id: str, units: list[str] | None = None) -> list[RiskRow]:
    """The rows of ``risk_id`` (in every unit asked for that has it); a UsageError when none has it."""
    rows = [r for r in grade_register(register, units).rows if r.risk.id == risk_id]
    if not rows:
        raise UsageError(f"no risk {risk_id!r} in the register / 找不到该风险", hint="see `lfk grade` for the risk ids")
    return rows


def _factor_lines(config: Config, risk: Risk) -> list[Text]:
    g = config.grading
    out = []
    if g.method == "criteria":
        return [T(f"判定标准：{'、'.join(risk.criteria) or '无'}", f"criteria: {', '.join(risk.criteria) or 'none'}")]
    labels = {k: (f.label or k) for k, f in (g.factors or {}).items()} if g.method == "weighted" else {}
    for k, v in (risk.factors or {}).items():
        lbl = labels.get(k)
        out.append(T(f"  {k}{f'（{lbl}）' if lbl else ''} = {v}", f"  {k}{f' ({lbl})' if lbl else ''} = {v}"))
    return out


def format_explain(rows: list[RiskRow], config: Config, lang: str, fmt: str = "text") -> str:
    """The arithmetic of each row, as text (or json)."""
    if fmt == "json":
        return json.dumps([_row_json(r, config, lang, explain=True) for r in rows], ensure_ascii=False, indent=2) + "\n"
    lines: list[str] = []
    for r in rows:
        res = r.result
        lines.append(f"{r.unit} {r.risk.id} {r.risk.title}")
        lines.append(T(f"评定方法：{res.method}", f"method: {res.method}").get(lang))
        lines.append(T("评定因素：", "factors:").get(lang))
        lines.extend(t.get(lang) for t in _factor_lines(config, r.risk))
        for p in res.problems:
            lines.append("  ! " + p.get(lang))
        lines.extend(t.get(lang) for t in res.explanation)
        if res.floor is None and res.computed is not None:
            lines.append(T("未触发保底等级", "no floor applied").get(lang))
        lines.append("")
    return "\n".join(lines).rstrip("\n") + "\n"


# -- formats -----------------------------------------------------------------------------------------

def _num(d: Decimal | None) -> Any:
    if d is None:
        return None
    return int(d) if d == d.to_integral_value() else float(fmt_number(d))


def _factors_text(config: Config, risk: Risk, *, labels: bool = False) -> str:
    """``key=value`` per factor; with ``labels`` (tables for people) the factor's label from lfk.yaml."""
    if config.grading.method == "criteria":
        return f"{len(risk.criteria)}: " + "、".join(risk.criteria) if risk.criteria else "0"
    defined = config.grading.factors or {}

    def name(k: str) -> str:
        f = defined.get(k)
        return f.label if labels and f is not None and f.label else k

    return " ".join(f"{name(k)}={v}" for k, v in (risk.factors or {}).items())


def _status_text(res: GradeResult, lang: str) -> str:
    if res.status == DRIFT and res.excused:
        return "偏差（有理由）" if lang == "zh" else "偏差 (explained)"
    return res.status


def _row_json(r: RiskRow, config: Config, lang: str, *, explain: bool = False) -> dict[str, Any]:
    res = r.result
    d: dict[str, Any] = {
        "unit": r.unit,
        "risk": r.risk.id,
        "title": r.risk.title,
        "path": r.rel,
        "line": r.line,
        "method": res.method,
        "factors": dict(r.risk.factors or {}),
        "score": _num(res.score),
        "base": res.base,
        "computed": res.computed,
        "floor": res.floor.get(lang) if res.floor else None,
        "declared": res.declared,
        "status": res.status,
        "excused": res.excused,
        "problems": [p.get(lang) for p in res.problems],
    }
    if config.grading.method == "criteria":
        d["criteria"] = list(r.risk.criteria)
    d["residual"] = None
    if res.has_residual:
        d["residual"] = {"factors": dict(r.risk.residual), "score": _num(res.residual_score), "grade": res.residual,
                         "problems": [p.message.get(lang) for p in res.residual_problems]}
    if explain:
        d["explanation"] = [t.get(lang) for t in res.explanation]
    return d


def headers(lang: str, residual: bool = False) -> list[str]:
    """Column headers of the grade table (``residual``: the computed column shows inherent → residual)."""
    if lang == "zh":
        return ["风险编号", "风险点", "评定因素", "得分", "计算等级 → 剩余" if residual else "计算等级", "声明等级", "状态"]
    return ["risk", "title", "factors", "score", "computed → residual" if residual else "computed", "declared", "status"]


def has_residual(u: UnitGrades) -> bool:
    """Whether a risk of the unit gives residual factors (the table then shows inherent → residual)."""
    return any(r.result.has_residual for r in u.rows)


def table_rows(u: UnitGrades, config: Config, lang: str) -> list[list[str]]:
    """The cells of one unit's table (grades shown with their labels)."""
    lbl = config.grade_label
    out = []
    for r in u.rows:
        res = r.result
        computed = lbl(res.computed) if res.computed else "—"
        if res.has_residual:
            computed += " → " + (lbl(res.residual) if res.residual else "—")
        out.append([r.risk.id, r.risk.title, _factors_text(config, r.risk, labels=True), fmt_number(res.score) if res.score is not None else "—",
                    computed, lbl(res.declared) if res.declared else "—", _status_text(res, lang)])
    return out


def counts_text(counts: dict[str, int], config: Config, lang: str) -> str:
    """``高 3 · 中 2 · 低 1`` with the register's grade labels."""
    return " · ".join(f"{config.grade_label(g)} {counts[g]}" for g in GRADES)


def summary_text(report: GradeReport, lang: str) -> str:
    """The closing line: risks, consistent, drift, missing."""
    s = report.status_counts()
    n = len(report.rows)
    if lang == "zh":
        text = f"共 {n} 个风险：一致 {s['consistent']}，偏差 {s['drift']}，缺失 {s['missing']}"
        if s["excused"]:
            text += f"，有理由的偏差 {s['excused']}"
        return text
    text = f"{n} risks: {s['consistent']} consistent (一致), {s['drift']} drift (偏差), {s['missing']} missing (缺失)"
    if s["excused"]:
        text += f", {s['excused']} explained"
    return text


def format_grades(report: GradeReport, fmt: str, lang: str, *, only_failing: bool = False) -> str:
    """The report as text, json, csv or markdown."""
    cfg = report.config
    if fmt == "json":
        doc = {
            "method": cfg.grading.method,
            "units": [{"unit": u.unit, "name": u.name, "counts": u.counts,
                       "risks": [_row_json(r, cfg, lang) for r in u.rows if r.result.failing or not only_failing]}
                      for u in report.units],
            "counts": report.counts,
            "summary": {"risks": len(report.rows), **report.status_counts(), "exit_code": report.exit_code},
        }
        return json.dumps(doc, ensure_ascii=False, indent=2) + "\n"
    if fmt == "csv":
        buf = io.StringIO()
        w = csv.writer(buf, lineterminator="\n")
        w.writerow(["unit", "risk", "title", "factors", "score", "base", "computed", "floor", "declared", "status", "excused",
                    "residual_factors", "residual_score", "residual"])
        for r in report.rows:
            if only_failing and not r.result.failing:
                continue
            res = r.result
            w.writerow(csv_row([r.unit, r.risk.id, r.risk.title, _factors_text(cfg, r.risk),
                        fmt_number(res.score) if res.score is not None else "", res.base or "", res.computed or "",
                        res.floor.get(lang) if res.floor else "", res.declared or "", res.status,
                        "true" if res.excused else "false",
                        " ".join(f"{k}={v}" for k, v in r.risk.residual.items()),
                        fmt_number(res.residual_score) if res.residual_score is not None else "", res.residual or ""]))
        return buf.getvalue()
    if fmt == "markdown":
        lines: list[str] = []
        for u in report.units:
            lines.append(f"## {u.unit} {u.name}")
            lines.append("")
            lines.append("| " + " | ".join(headers(lang, has_residual(u))) + " |")
            lines.append("|" + "---|" * len(headers(lang)))
            for r, cells in zip(u.rows, table_rows(u, cfg, lang), strict=True):
                if only_failing and not r.result.failing:
                    continue
                lines.append("| " + " | ".join(c.replace("|", "\\|") for c in cells) + " |")
            lines.append("")
            lines.append(("等级分布：" if lang == "zh" else "grades: ") + counts_text(u.counts, cfg, lang))
            lines.append("")
        lines.append(("合计：" if lang == "zh" else "total: ") + counts_text(report.counts, cfg, lang))
        lines.append("")
        lines.append(summary_text(report, lang))
        return "\n".join(lines) + "\n"
    if fmt != "text":
        raise UsageError(f"--format {fmt!r}: use one of {', '.join(FORMATS)}")
    lines = []
    for u in report.units:
        lines.append(f"{u.unit}  {u.name}")
        rows = [c for r, c in zip(u.rows, table_rows(u, cfg, lang), strict=True) if r.result.failing or not only_failing]
        if rows:
            lines.extend(columns([headers(lang, has_residual(u)), *rows], indent="  "))
        lines.append("  " + ("等级分布：" if lang == "zh" else "grades: ") + counts_text(u.counts, cfg, lang))
        lines.append("")
    lines.append(("合计：" if lang == "zh" else "total: ") + counts_text(report.counts, cfg, lang))
    lines.append(summary_text(report, lang))
    return "\n".join(lines) + "\n"


# -- writing -----------------------------------------------------------------------------------------

@dataclass
class Change:
    """A value written into a file."""

    rel: str
    line: int
    unit: str
    risk: str
    field: str
    old: Any
    new: Any

    def text(self, lang: str) -> str:
        """``units/u/risks.yaml:37: R-003 grade 低 → 中``."""
        old = "—" if self.old in (None, "") else self.old
        return f"{self.rel}:{self.line}: {self.risk} {self.field} {old} → {self.new}"


def _writable(register: Register) -> None:
    if not isinstance(register.source, DirSource):
        raise UsageError("cannot write into a git revision / 不能写入 git 历史版本")


Edits = dict[str, list[tuple[Item[Risk], str, object]]]  # rel -> (risk as read, field, new value)
# what another writer may change meanwhile without spoiling an edit (a grade does not depend on approvals)
_FREE_FOR = {"grade": frozenset({"approval", "approved_digest"})}


def _apply(register: Register, changes: list[Change], edits: Edits) -> list[Change]:
    """Write the edits under the register's write lock, each addressed by the risk's id in the file as it
    is now (another writer may have moved or inserted risks). A risk that is gone, or whose content
    changed since lfk read it (beyond fields the edit does not depend on), refuses the whole write
    (``WriteError``, nothing written). Every file is edited in memory first, then written atomically.
    """
    with register_lock(register.root):
        planned: list[tuple[str, str, bytes]] = []
        for rel, e in edits.items():
            register_target(register.root, rel)
            try:
                raw = read_confined(register.root, rel)
                text = raw.decode("utf-8")
            except (OSError, UnicodeDecodeError) as err:
                raise WriteError(f"{rel}: cannot read ({err}) / 无法读取，未改动") from None
            now = load_bytes(raw, rel).data
            listed = now.get("risks") if isinstance(now, dict) else None
            listed = listed if isinstance(listed, list) else []
            by_id: dict[str, list[int]] = {}
            for i, x in enumerate(listed):
                if isinstance(x, dict) and isinstance(x.get("id"), str):
                    by_id.setdefault(x["id"], []).append(i)
            paths = []
            for item, fld, value in e:
                rid = item.model.id
                where = by_id.get(rid, [])
                if len(where) != 1:
                    raise WriteError(f"{rel}: {rid} is no longer (once) in the file; nothing written / "
                                     "风险点已被移除或重复，未写入", hint="run the command again")
                before = item.file.data
                for k in item.path:
                    before = before[k]
                free = _FREE_FOR.get(fld, frozenset())
                if _strip(listed[where[0]], free) != _strip(before, free):
                    raise WriteError(f"{rel}: {rid} changed since lfk read it; nothing written / "
                                     "风险点在读取后被修改，未写入", hint="run the command again")
                paths.append((("risks", where[0], fld), value))
            new = set_values_text(text, paths, name=rel)
            if new is not None:
                planned.append((rel, new, raw))
        for rel, new, raw in planned:
            write_register_file(register.root, rel, new.encode("utf-8"), expect=raw)
    written = {rel for rel, _, _ in planned}
    return [c for c in changes if c.rel in written]


def _strip(d: Any, free: frozenset[str]) -> Any:
    return {k: v for k, v in d.items() if k not in free} if isinstance(d, dict) else d


def write_grades(register: Register, report: GradeReport) -> list[Change]:
    """Write each drifted or missing grade's computed value (risks with grade_reason keep theirs)."""
    _writable(register)
    changes: list[Change] = []
    edits: Edits = {}
    for r in report.rows:
        res = r.result
        if res.computed is None or res.declared == res.computed or (r.risk.grade_reason or "").strip():
            continue
        changes.append(Change(r.rel, r.line, r.unit, r.risk.id, "grade", res.declared, res.computed))
        edits.setdefault(r.rel, []).append((r.item, "grade", res.computed))
    return _apply(register, changes, edits)


@dataclass
class ApproveResult:
    """What ``approve`` did: values written, and risks that already carried this approval."""

    unit: str
    approval: str
    changes: list[Change]
    unchanged: list[str]


def approve(register: Register, approval_id: str, risk_ids: list[str] | None = None,
            unit: str | None = None, as_of: dt.date | None = None) -> ApproveResult:
    """Record the collective approval ``approval_id`` on risks: writes ``approval`` and ``approved_digest``.

    ``risk_ids`` default to every risk of ``unit`` whose digest is missing or stale. ``unit`` may be
    left out when the register has one unit, or when the named risks are found in exactly one unit.
    With ``as_of``, an approval record dated after it (a meeting not yet held) is refused.
    """
    _writable(register)
    uid = _approve_unit(register, approval_id, risk_ids, unit)
    ud = register.unit(uid)
    records = {a.id for a in ud.unit.approvals} if ud.unit else set()
    if approval_id not in records:
        known = ", ".join(sorted(records)) or "none"
        raise UsageError(f"the approval record {approval_id} is not in units/{uid}/unit.yaml / 审定记录不存在",
                         hint=f"add it under approvals (id, date, meeting, minutes) first; recorded: {known}")
    record = next(a for a in ud.unit.approvals if a.id == approval_id)  # type: ignore[union-attr]
    held = record.date
    if as_of is not None and held > as_of:
        raise UsageError(f"the approval {approval_id} is dated {held}, after {as_of}: the meeting has not been held "
                         f"/ 审定会议日期 {held} 晚于 {as_of}，尚未召开",
                         hint="record it on or after the meeting date, or give --as-of that date")
    items = {}
    for it in ud.risks:
        items.setdefault(it.model.id, it)
    if risk_ids:
        missing = [r for r in risk_ids if r not in items]
        if missing:
            raise UsageError(f"no risk {', '.join(missing)} in unit {uid} / 该单位没有这些风险")
        chosen = [items[r] for r in dict.fromkeys(risk_ids)]
    else:
        chosen = [it for it in items.values() if it.model.approved_digest != risk_digest(it.model)]
    changes: list[Change] = []
    edits: Edits = {}
    unchanged = []
    for it in chosen:
        m = it.model
        digest = risk_digest(m)
        if m.approval == approval_id and m.approved_digest == digest:
            unchanged.append(m.id)
            continue
        line = it.loc()[0]
        if m.approval != approval_id:
            changes.append(Change(it.rel, it.loc("approval")[0] if m.approval else line, uid, m.id, "approval",
                                  m.approval, approval_id))
        if m.approved_digest != digest:
            changes.append(Change(it.rel, it.loc("approved_digest")[0] if m.approved_digest else line, uid, m.id,
                                  "approved_digest", m.approved_digest, digest))
        edits.setdefault(it.rel, []).extend([(it, "approval", approval_id), (it, "approved_digest", digest)])
    return ApproveResult(uid, approval_id, _apply(register, changes, edits), unchanged)


def _approve_unit(register: Register, approval_id: str, risk_ids: list[str] | None, unit: str | None) -> str:
    if unit:
        if unit not in register.unit_ids:
            raise UsageError(f"no such unit: {unit} / 没有这个单位", hint=f"units: {', '.join(register.unit_ids)}")
        return unit
    if len(register.unit_ids) == 1:
        return register.unit_ids[0]
    if risk_ids:
        found = [uid for uid in register.unit_ids
                 if any(r.model.id in risk_ids for r in register.unit(uid).risks)]
        if len(found) == 1:
            return found[0]
        if len(found) > 1:
            raise UsageError(f"the risks are in several units ({', '.join(found)}) / 多个单位都有这些风险", hint="name one with --unit")
    with_record = [uid for uid in register.unit_ids
                   if (m := register.unit_model(uid)) is not None and any(a.id == approval_id for a in m.approvals)]
    if len(with_record) == 1 and not risk_ids:
        return with_record[0]
    raise UsageError("which unit? / 请指定单位", hint="name it with --unit U")
