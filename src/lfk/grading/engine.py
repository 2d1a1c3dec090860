"""The grading engine (clause 6): a risk's grade from the register's rubric, and its approval digest.

Pure library code shared by lint (LFK401/LFK402), ``lfk grade``, ``lfk diff``, ``lfk site`` and
``lfk score``. The four methods of REGISTER.md are supported:

- ``weighted``: score = Σ weight × factor (factors 1..5), then the thresholds;
- ``matrix``: the cell of the 5×5 ``matrix`` at (``probability`` row, ``harm`` column);
- ``lec``: D = L × C (× E when the levels name it), each factor a level name (or its value), then
  the thresholds;
- ``criteria``: how many of the named criteria the risk meets, then the thresholds.

Floors (``grading.floors``) then raise the grade. Arithmetic is exact (``Decimal`` built from the
decimal text of each number), so a score exactly on a threshold gets that threshold's grade.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from lfk.core.i18n import T, Text
from lfk.model import Config
from lfk.model.config import Floor, Grading
from lfk.model.items import Authority, Risk
from lfk.model.vocab import grade_rank

__all__ = [
    "CONSISTENT", "DEFAULT_FACTORS", "DEFAULT_THRESHOLDS", "DRIFT", "MISSING", "zone_grade",
    "GradeResult", "Problem", "factor_problems", "factors_schema", "fmt_number", "grade_risk", "max_grade",
    "residual_risk", "risk_digest",
]

CONSISTENT, DRIFT, MISSING = "一致", "偏差", "缺失"
DEFAULT_FACTORS: dict[str, tuple[str, str]] = {
    "importance": ("0.3", "权力重要程度"),
    "discretion": ("0.3", "自由裁量权大小"),
    "probability": ("0.2", "发生概率"),
    "harm": ("0.2", "危害程度"),
}
DEFAULT_THRESHOLDS: dict[str, dict[str, str]] = {
    "weighted": {"高": "3.5", "中": "2.5"},
    "lec": {"高": "240", "中": "90"},
    "criteria": {"高": "3", "中": "2"},
}
MATRIX_FACTORS = ("probability", "harm")
FACTOR_MIN, FACTOR_MAX = Decimal(1), Decimal(5)
MATERIAL_FIELDS = ("title", "category", "kind", "authority", "steps", "post", "factors", "grade", "grade_reason", "owner")


@dataclass
class GradeResult:
    """A risk's grade by the rubric, beside its declared grade.

    ``score``: the weighted score, the lec D or the number of criteria met (None for the matrix
    method or when factors are missing). ``base``: the rubric's grade before floors; ``computed``:
    after floors (None when it cannot be computed); ``floor``: which floor raised it. ``status``:
    一致 (declared = computed), 偏差 (they differ), 缺失 (no declared grade, or none computable).
    ``excused``: a 偏差 explained by ``grade_reason`` and an ``approval`` (not drift then).
    """

    risk_id: str
    method: str
    score: Decimal | None
    base: str | None
    computed: str | None
    floor: Text | None
    declared: str | None
    status: str
    problems: list[Text] = field(default_factory=list)
    explanation: list[Text] = field(default_factory=list)
    excused: bool = False
    residual: str | None = None            # the grade of the residual factors (after floors), None without them
    residual_score: Decimal | None = None
    residual_problems: list[Problem] = field(default_factory=list)

    @property
    def has_residual(self) -> bool:
        """Whether the risk gives residual factors."""
        return self.residual is not None or bool(self.residual_problems)

    @property
    def drift(self) -> bool:
        """A 偏差 not explained by a grade_reason with an approval."""
        return self.status == DRIFT and not self.excused

    @property
    def failing(self) -> bool:
        """What ``lfk grade --check`` fails on: unexcused drift, or a grade missing or not computable."""
        return self.drift or self.status == MISSING

    @property
    def shown_grade(self) -> str | None:
        """The grade in force: the declared one, else the computed one."""
        return self.declared or self.computed


@dataclass(frozen=True)
class Problem:
    """A factor problem: where (path inside the risk) and what."""

    path: tuple[Any, ...]
    message: Text


_FMT_CACHE: dict[tuple[type, str], str] = {}  # registers repeat a few numbers (factors 1..5, weights)


def fmt_number(d: Decimal | float | int | None) -> str:
    """A number without exponent or trailing zeros (3.50 → 3.5, 1E+2 → 100)."""
    if d is None:
        return "—"
    key = (d.__class__, str(d))  # by its text: equal values may print apart (-0 and 0)
    hit = _FMT_CACHE.get(key)
    if hit is None:
        hit = _fmt_number(d)
        if len(_FMT_CACHE) < 10_000:
            _FMT_CACHE[key] = hit
    return hit


def _fmt_number(d: Decimal | float | int) -> str:
    if not isinstance(d, Decimal):
        d = _dec(d) or Decimal(0)
    try:
        if d == d.to_integral_value():
            return str(d.quantize(Decimal(1)))
        return format(d.normalize(), "f")
    except InvalidOperation:  # beyond the context's precision: show it as it is
        return format(d, "f")


def max_grade(a: str | None, b: str | None) -> str | None:
    """The higher of two grades (None counts as lowest)."""
    if a is None:
        return b
    if b is None:
        return a
    return a if grade_rank(a) >= grade_rank(b) else b


_SMALL_INTS = {i: Decimal(i) for i in range(-10, 101)}  # factors 1..5, scores, counts: Decimal(str(i)) == Decimal(i)


def _dec(x: Any) -> Decimal | None:
    """``x`` as an exact Decimal of its decimal text (0.3 → Decimal('0.3')); None when not a number."""
    if x.__class__ is int and x in _SMALL_INTS:
        return _SMALL_INTS[x]
    if isinstance(x, bool) or x is None:
        return None
    if isinstance(x, Decimal):
        return x
    if isinstance(x, (int, float)):
        try:
            d = Decimal(str(x))
        except InvalidOperation:
            return None
        return d if d.is_finite() else None
    return None


_LAST_WEIGHTS: list[Any] = [None, None, None]  # (grading, its factors, weights): one rubric per run, asked per risk


def _weights(grading: Grading) -> list[tuple[str, Decimal, str]]:
    """(factor, weight, label) of the weighted method; defaults per REGISTER.md (kept for the last rubric asked)."""
    if _LAST_WEIGHTS[0] is grading and _LAST_WEIGHTS[1] is grading.factors:
        return _LAST_WEIGHTS[2]  # type: ignore[no-any-return]
    out = _compute_weights(grading)
    _LAST_WEIGHTS[:] = [grading, grading.factors, out]
    return out


def _compute_weights(grading: Grading) -> list[tuple[str, Decimal, str]]:
    if not grading.factors:
        return [(k, Decimal(w), lbl) for k, (w, lbl) in DEFAULT_FACTORS.items()]
    items = list(grading.factors.items())
    if all(f.weight is None for _, f in items):
        share = Decimal(1) / Decimal(len(items))
        return [(k, share, f.label or k) for k, f in items]
    return [(k, _dec(f.weight) or Decimal(0), f.label or k) for k, f in items]


_LAST_THRESHOLDS: list[Any] = [None, None, None, None]  # (grading, its thresholds, its method, result), as _LAST_WEIGHTS


def _thresholds(grading: Grading) -> list[tuple[str, Decimal]]:
    """(grade, threshold) from the highest grade down (kept for the last rubric asked)."""
    last = _LAST_THRESHOLDS
    if last[0] is grading and last[1] is grading.thresholds and last[2] == grading.method:
        return last[3]  # type: ignore[no-any-return]
    out = _compute_thresholds(grading)
    _LAST_THRESHOLDS[:] = [grading, grading.thresholds, grading.method, out]
    return out


def _compute_thresholds(grading: Grading) -> list[tuple[str, Decimal]]:
    raw: dict[str, Any] = dict(grading.thresholds or DEFAULT_THRESHOLDS.get(grading.method, {}))
    out = []
    for g in ("高", "中"):
        if g in raw:
            d = _dec(raw[g]) if not isinstance(raw[g], str) else Decimal(raw[g])
            if d is not None:
                out.append((g, d))
    return out


def zone_grade(grading: Grading, score: float | int | Decimal) -> str | None:
    """The grade the method's thresholds (lfk.yaml's, else the method's defaults) give ``score``; None
    when the method has no thresholds."""
    thresholds = _thresholds(grading)
    if not thresholds:
        return None
    return _by_threshold(Decimal(str(score)), thresholds, [])


def factor_names(config: Config) -> list[str]:
    """The factors a risk must carry under the register's method (empty for ``criteria``)."""
    g = config.grading
    if g.method == "weighted":
        return [k for k, _, _ in _weights(g)]
    if g.method == "matrix":
        return list(MATRIX_FACTORS)
    if g.method == "lec":
        return list((g.levels or {}).keys()) or ["L", "C"]
    return []


def factors_schema(config: Config) -> dict[str, Any]:
    """The JSON Schema of a risk's ``factors`` under the register's rubric (for ``lfk schema``): the
    method's factor keys, each with its label and the range ``factor_problems`` accepts (1..5; whole
    numbers for the matrix; a level name or value for lec), all required. ``{}`` for ``criteria``."""
    g = config.grading
    labels = {k: (f.label or k) for k, f in (g.factors or {}).items()}
    props: dict[str, Any] = {}
    if g.method == "weighted":
        for name, w, label in _weights(g):
            props[name] = {"title": label, "type": "number", "minimum": 1, "maximum": 5,
                           "description": f"1..5，权重 {fmt_number(w)} — 1..5, weight {fmt_number(w)}"}
    elif g.method == "matrix":
        for name in MATRIX_FACTORS:
            label = labels.get(name) or DEFAULT_FACTORS[name][1]
            what = "矩阵的行 — the matrix row" if name == "probability" else "矩阵的列 — the matrix column"
            props[name] = {"title": label, "type": "integer", "minimum": 1, "maximum": 5,
                           "description": f"1..5 的整数，{what} (a whole number 1..5)"}
    elif g.method == "lec":
        for name in factor_names(config):
            levels = (g.levels or {}).get(name, {})
            values = [_number(v) for v in levels.values()]
            props[name] = {"title": labels.get(name, name), "enum": [*levels, *values],
                           "enumDescriptions": [*(f"= {fmt_number(_dec(v))}" for v in levels.values()), *levels],
                           "description": "等级名称或其取值 — a level name or its value"}
    else:
        return {}
    return {"type": "object", "properties": props, "required": list(props)}


def _number(v: Any) -> int | float:
    d = _dec(v)
    return v if d is None else (int(d) if d == d.to_integral_value() else float(d))


def factor_problems(config: Config, risk: Risk) -> list[Problem]:
    """Missing or out-of-range factors (LFK401), each with its path inside the risk."""
    g = config.grading
    out: list[Problem] = []
    factors = risk.factors or {}
    if g.method == "criteria":
        known = list(g.criteria or [])
        for i, c in enumerate(risk.criteria):
            if known and c not in known:
                out.append(Problem(("criteria", i), T(
                    f"判定标准 `{c}` 不在 lfk.yaml 的 grading.criteria 中（{'、'.join(known)}）",
                    f"the criterion `{c}` is not in grading.criteria of lfk.yaml ({', '.join(known)})")))
        return out
    names = factor_names(config)
    missing = [n for n in names if n not in factors or factors[n] is None]
    if missing:
        out.append(Problem(("factors",), T(f"缺少评定因素：{'、'.join(missing)}", f"grading factors missing: {', '.join(missing)}")))
    for name in names:
        if name not in factors or factors[name] is None:
            continue
        v = factors[name]
        if g.method == "lec":
            levels = (g.levels or {}).get(name, {})
            if _lec_value(levels, v) is None:
                names = "、".join(levels)
                out.append(Problem(("factors", name), T(
                    f"因素 {name} 的取值 `{v}` 不是已定义的等级（{names}）",
                    f"the factor {name} is `{v}`, not one of its levels ({', '.join(levels)})")))
            continue
        d = _dec(v)
        if d is None or not (FACTOR_MIN <= d <= FACTOR_MAX) or (g.method == "matrix" and d != d.to_integral_value()):
            what = "1..5 的整数" if g.method == "matrix" else "1..5 之间的数"
            what_en = "a whole number 1..5" if g.method == "matrix" else "a number from 1 to 5"
            out.append(Problem(("factors", name), T(f"因素 {name} 的取值 `{v}` 应为{what}",
                                                    f"the factor {name} is `{v}`, it must be {what_en}")))
    return out


def _lec_value(levels: dict[str, Any], v: Any) -> Decimal | None:
    if isinstance(v, str) and v in levels:
        return _dec(levels[v])
    d = _dec(v)
    if d is not None and any(_dec(x) == d for x in levels.values()):
        return d
    return None


def _by_threshold(score: Decimal, thresholds: list[tuple[str, Decimal]], expl: list[Text]) -> str:
    for g, th in thresholds:
        if score >= th:
            expl.append(T(f"{fmt_number(score)} ≥ {fmt_number(th)}（{g}的阈值）→ {g}",
                          f"{fmt_number(score)} ≥ {fmt_number(th)} (threshold of {g}) → {g}"))
            return g
    if thresholds:
        low = thresholds[-1][1]
        expl.append(T(f"{fmt_number(score)} < {fmt_number(low)} → 低", f"{fmt_number(score)} < {fmt_number(low)} → 低"))
    return "低"


def _base(config: Config, risk: Risk, expl: list[Text]) -> tuple[Decimal | None, str | None]:
    g = config.grading
    factors = risk.factors or {}
    if g.method == "weighted":
        terms, total = [], Decimal(0)
        for name, w, _ in _weights(g):
            v = _dec(factors.get(name))
            if v is None:
                return None, None
            total += w * v
            terms.append(f"{fmt_number(w)}×{fmt_number(v)}")
        expl.append(T(f"加权得分 = {' + '.join(terms)} = {fmt_number(total)}",
                      f"weighted score = {' + '.join(terms)} = {fmt_number(total)}"))
        return total, _by_threshold(total, _thresholds(g), expl)
    if g.method == "matrix":
        p, h = _dec(factors.get("probability")), _dec(factors.get("harm"))
        if p is None or h is None:
            return None, None
        m = g.matrix or []
        try:
            cell = m[int(p) - 1][int(h) - 1]
        except (IndexError, TypeError):
            expl.append(T("lfk.yaml 的 grading.matrix 不是 5×5 的表", "grading.matrix of lfk.yaml is not a 5×5 table"))
            return None, None
        expl.append(T(f"风险矩阵：第 {int(p)} 行（probability）第 {int(h)} 列（harm）→ {cell}",
                      f"matrix: row {int(p)} (probability), column {int(h)} (harm) → {cell}"))
        return None, cell
    if g.method == "lec":
        levels = g.levels or {}
        product, terms = Decimal(1), []
        for name in factor_names(config):
            v = factors.get(name)
            d = _lec_value(levels.get(name, {}), v)
            if d is None:
                return None, None
            product *= d
            terms.append(f"{name}={fmt_number(d)}" + (f"（{v}）" if isinstance(v, str) else ""))
        expl.append(T(f"D = {' × '.join(terms)} = {fmt_number(product)}",
                      f"D = {' × '.join(terms)} = {fmt_number(product)}"))
        return product, _by_threshold(product, _thresholds(g), expl)
    known = list(g.criteria or [])
    met = [c for c in dict.fromkeys(risk.criteria) if not known or c in known]
    n = Decimal(len(met))
    expl.append(T(f"符合判定标准 {len(met)} 项：{'、'.join(met) or '无'}",
                  f"criteria met: {len(met)} ({', '.join(met) or 'none'})"))
    return n, _by_threshold(n, _thresholds(g), expl)


def _floor_holds(fl: Floor, risk: Risk, authority: Authority | None, config: Config) -> Text | None:
    """A description of the floor when all its conditions hold, else None."""
    conds_zh, conds_en = [], []
    if fl.key_area is None and fl.factor is None and fl.category is None and fl.kind is None:
        return None
    if fl.key_area is not None:
        if authority is None or fl.key_area not in authority.key_areas:
            return None
        conds_zh.append(f"所在职权属{fl.key_area}")
        conds_en.append(f"its power is in the key area {fl.key_area}")
    if fl.factor is not None:
        v = (risk.factors or {}).get(fl.factor)
        d = _dec(v)
        if d is None and config.grading.method == "lec":
            d = _lec_value((config.grading.levels or {}).get(fl.factor, {}), v)
        if d is None:
            return None
        if fl.at_least is not None:
            limit = _dec(fl.at_least)
            if limit is None or d < limit:
                return None
            conds_zh.append(f"{fl.factor} = {fmt_number(d)} ≥ {fmt_number(limit)}")
            conds_en.append(f"{fl.factor} = {fmt_number(d)} ≥ {fmt_number(limit)}")
    if fl.category is not None:
        if risk.category != fl.category:
            return None
        conds_zh.append(f"类别为{fl.category}")
        conds_en.append(f"category {fl.category}")
    if fl.kind is not None:
        if risk.kind != fl.kind:
            return None
        conds_zh.append(f"类型为{fl.kind}")
        conds_en.append(f"kind {fl.kind}")
    return T(f"保底等级：{'且'.join(conds_zh)} → 不低于{fl.grade}",
             f"floor: {' and '.join(conds_en)} → at least {fl.grade}")


def _rubric(config: Config, risk: Risk, authority: Authority | None,
            expl: list[Text]) -> tuple[list[Problem], Decimal | None, str | None, str | None, Text | None]:
    """(factor problems, score, base grade, grade after floors, the floor that raised it) of ``risk``."""
    found = factor_problems(config, risk)
    score: Decimal | None = None
    base: str | None = None
    if not found:
        score, base = _base(config, risk, expl)
    computed, floor = base, None
    if base is not None:
        for fl in config.grading.floors:
            why = _floor_holds(fl, risk, authority, config)
            if why is None:
                continue
            if grade_rank(fl.grade) > grade_rank(computed):
                computed, floor = fl.grade, why
        if floor is not None:
            expl.append(floor + T(f"：{base} → {computed}", f": {base} → {computed}"))
    return found, score, base, computed, floor


def residual_risk(risk: Risk) -> Risk | None:
    """The risk as its residual factors describe it (after its measures), or None without ``residual``."""
    if not risk.residual:
        return None
    res = dict(risk.residual)
    crit = res.pop("criteria", None)
    update: dict[str, Any] = {"factors": res}
    if isinstance(crit, list):
        update["criteria"] = [str(c) for c in crit]
    return risk.model_copy(update=update)


def grade_risk(config: Config, risk: Risk, authority: Authority | None = None) -> GradeResult:
    """Grade ``risk`` by the register's rubric (``authority``: the power it sits on, for key-area floors).

    With ``residual`` factors, the residual risk is graded by the same rubric (floors included):
    ``residual``, ``residual_score`` and ``residual_problems`` (paths inside ``residual``) of the result.
    """
    method = config.grading.method
    expl: list[Text] = []
    found, score, base, computed, floor = _rubric(config, risk, authority, expl)
    problems = [p.message for p in found]
    declared = risk.grade
    reason = (risk.grade_reason or "").strip()
    excused = False
    if declared is None or computed is None:
        status = MISSING
        if declared is None:
            expl.append(T("未填写风险等级（grade）", "no declared grade"))
        if computed is None:
            expl.append(T("无法按评定方法计算等级", "the rubric cannot grade it") + (
                T("：" + "；".join(p.zh for p in problems), ": " + "; ".join(p.en for p in problems)) if problems else T("", "")))
    elif declared == computed:
        status = CONSISTENT
        expl.append(T(f"声明等级 {declared} = 计算等级 {computed} → {CONSISTENT}",
                      f"declared {declared} = computed {computed} → consistent ({CONSISTENT})"))
    else:
        status = DRIFT
        excused = bool(reason) and bool(risk.approval)
        if excused:
            expl.append(T(f"声明等级 {declared} ≠ 计算等级 {computed}，已说明理由（{reason}）并经 {risk.approval} 审定",
                          f"declared {declared} ≠ computed {computed}, explained ({reason}) and approved by {risk.approval}"))
        else:
            expl.append(T(f"声明等级 {declared} ≠ 计算等级 {computed} → {DRIFT}",
                          f"declared {declared} ≠ computed {computed} → drift ({DRIFT})"))
    result = GradeResult(risk.id, method, score, base, computed, floor, declared, status, problems, expl, excused)
    rr = residual_risk(risk)
    if rr is not None:
        r_expl: list[Text] = []
        r_found, result.residual_score, _b, result.residual, _f = _rubric(config, rr, authority, r_expl)
        result.residual_problems = [Problem(("residual", *(p.path if p.path[0] == "criteria" else p.path[1:])), p.message)
                                    for p in r_found]
        if result.residual is not None:
            expl.append(T(f"剩余风险（措施后）：{fmt_number(result.residual_score)} → {result.residual}",
                          f"residual risk (after measures): {fmt_number(result.residual_score)} → {result.residual}"))
    return result


# -- approval digest --------------------------------------------------------------------------------

def _canon(x: Any) -> Any:
    """A canonical form: dict keys sorted (by json), equal numbers equal (4 == 4.0), empty = absent."""
    if isinstance(x, bool) or x is None:
        return x
    if isinstance(x, (int, float, Decimal)):
        d = _dec(x)
        if d is None:
            return str(x)
        if d == d.to_integral_value():
            return int(d)
        return format(d.normalize(), "f")  # a string: exact, and float-repr independent
    if isinstance(x, str):
        return x.strip()
    if isinstance(x, dict):
        return {str(k): _canon(v) for k, v in x.items() if not _empty(v)}
    if isinstance(x, (list, tuple)):
        return [_canon(v) for v in x]
    if hasattr(x, "isoformat"):
        return x.isoformat()
    return str(x)


def _empty(v: Any) -> bool:
    return v is None or (isinstance(v, (str, list, tuple, dict)) and not (v.strip() if isinstance(v, str) else v))


def risk_digest(risk: Risk) -> str:
    """A short SHA-256 (12 hex digits) of the risk's material fields (REGISTER.md: Approval bound to content).

    Independent of key order, quoting, comments and int-vs-float of equal numbers; an empty field is
    the same as an absent one.
    """
    data = {k: _canon(getattr(risk, k)) for k in MATERIAL_FIELDS if not _empty(getattr(risk, k))}
    text = "lfk-digest-v1\n" + json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:12]
