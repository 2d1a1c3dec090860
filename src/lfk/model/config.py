"""``lfk.yaml``: the register's settings (grading, taxonomy, review, calendar, lint, disclosure, monitor)."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any, Literal

from pydantic import ValidationError, field_validator, model_validator

from lfk.core.decision import FAMILIES, SELECTOR_RE, normalize
from lfk.model.base import EscalationCounts, F, Grade, Model, TaxonomyPreset
from lfk.model.vocab import DEFAULT_TAXONOMY, GRADES, TAXONOMY_PRESETS


class Factor(Model):
    """A grading factor scored 1..5 on each risk (weighted method)."""

    weight: float | None = F("权重", "weight in the weighted score", None)
    label: str | None = F("名称", "label shown for the factor", None)


EventColumn = Literal["case_id", "unit", "authority", "step", "actor_post", "actor_person", "started_at",
                      "finished_at", "amount", "tier", "violation"]  # REGISTER.md "Event log", and violation

MATRIX_SIZE = 5  # grading.matrix: rows probability 1..5, columns harm 1..5


class Floor(Model):
    """A condition under which a risk's grade is never lower than ``grade``."""

    key_area: str | None = F("重点领域", "when the risk's power has this key area", None)
    factor: str | None = F("因素", "when this factor ...", None)
    at_least: float | None = F("不低于", "... is at least this value", None)
    category: str | None = F("风险类别", "when the risk is of this category", None)
    kind: str | None = F("风险类型", "when the risk is of this kind", None)
    grade: Grade = F("最低等级", "the lowest grade allowed then")


class Grading(Model):
    """Clause 6: how risks are graded 高/中/低."""

    method: Literal["weighted", "matrix", "lec", "criteria"] = F("评定方法", "grading method", "weighted")
    factors: dict[str, Factor] | None = F("评定因素", "factors (weighted)", None)
    thresholds: dict[str, float] | None = F("等级阈值", "score thresholds of 高 and 中", None)
    floors: list[Floor] = F("保底等级", "floors: conditions that raise a grade", [])
    matrix: list[list[Grade]] | None = F("风险矩阵", "5x5 matrix: rows probability 1..5, columns harm 1..5", None)
    levels: dict[str, dict[str, float]] | None = F("LEC 等级取值", "L and C levels with their values (lec)", None)
    criteria: list[str] | None = F("判定标准", "yes/no criteria (criteria method)", None)
    labels: dict[Grade, str] | None = F("等级显示名", "display names of 高/中/低", None)
    aliases: dict[Grade, list[str]] | None = F("等级别名", "other words a table uses for 高/中/低 (一级风险, 较高, ★★★); "
                                                 "read by import", None)

    @field_validator("matrix")
    @classmethod
    def _five_by_five(cls, v: list[list[str]] | None) -> list[list[str]] | None:
        if v is not None and (len(v) != MATRIX_SIZE or any(len(row) != MATRIX_SIZE for row in v)):
            shape = f"{len(v)}×{max((len(r) for r in v), default=0)}"
            raise ValueError(f"the matrix must be {MATRIX_SIZE} rows (probability 1..{MATRIX_SIZE}) of "
                             f"{MATRIX_SIZE} grades (harm 1..{MATRIX_SIZE}), not {shape}")
        return v

    @field_validator("thresholds")
    @classmethod
    def _ordered_thresholds(cls, v: dict[str, float] | None) -> dict[str, float] | None:
        if v is None:
            return v
        graded = GRADES[:-1]  # every grade but the lowest has a threshold
        unknown = [k for k in v if k not in graded]
        if unknown:
            raise ValueError(f"thresholds are given for {', '.join(graded)} only, not {', '.join(unknown)}")
        if any(x != x or x in (float("inf"), float("-inf")) for x in v.values()):
            raise ValueError("thresholds must be finite numbers")
        given = [v[g] for g in graded if g in v]
        if any(a <= b for a, b in zip(given, given[1:], strict=False)):
            raise ValueError(f"thresholds must fall from {graded[0]} to {graded[-1]} "
                             f"({', '.join(f'{g}: {v[g]:g}' for g in graded if g in v)})")
        return v

    @model_validator(mode="after")
    def _method_has_its_table(self) -> Grading:
        if self.method == "matrix" and self.matrix is None:
            raise ValueError(f"method: matrix needs grading.matrix ({MATRIX_SIZE} rows of {MATRIX_SIZE} grades)")
        if self.method == "lec":
            levels = self.levels or {}
            empty = [k for k in ("L", "C") if not levels.get(k)]
            if empty:
                raise ValueError(f"method: lec needs grading.levels with the levels of {' and '.join(empty)} "
                                 "(e.g. L: {很可能: 6, 可能: 3}); without them no risk can be graded")
        return self


class TaxonomyCategory(Model):
    """A risk category: its kinds and the measure kinds that answer it (clause 7)."""

    kinds: list[str] = F("风险类型", "kinds of risk in this category")
    measures: list[str] = F("对应措施类别", "measure kinds that answer this category", [])


class Taxonomy(Model):
    """The risk taxonomy (default: the guideline's three categories)."""

    categories: dict[str, TaxonomyCategory] = F("风险类别", "risk categories")


class Review(Model):
    """Clause 13 (dynamic review) and clause 7 (measures of 高 risks)."""

    cycle_days: int = F("复核周期（天）", "a risk not reviewed for longer is stale", 365, ge=1, le=36500)
    min_measures_high: int = F("高风险最少措施数", "measures a 高 risk needs at least", 2, ge=0)


class Calendar(Model):
    """Working-day calendar: public holidays and weekend days worked (调休)."""

    holidays: list[dt.date] = F("法定节假日", "public holidays", [])
    workdays: list[dt.date] = F("调休工作日", "weekend days that are workdays", [])


class LintSettings(Model):
    """Lint settings, and which codes of lint (LFK), monitor (MON) and import (IMP) are reported, how.

    Each entry of ``ignore`` and ``severity`` is a code or a prefix (``MON3``); the most specific entry wins
    (``lfk.core.decision``). For MON and IMP codes they change what is reported and the exit code, never
    what is checked or imported.
    """

    ignore: list[str] = F("忽略的代码", "codes or prefixes switched off (LFK…, MON…, IMP…)", [])
    severity: dict[str, Literal["error", "warning", "info", "off"]] = F(
        "代码级别", "severity per code or prefix (LFK…, MON…, IMP…); off switches it off", {})
    max_file_mb: float = F("单文件大小上限（MiB）", "largest file accepted (LFK006)", 10, gt=0, le=1024,
                          allow_inf_nan=False)
    accept_warn_days: int = F("接受到期提醒（天）", "days before an acceptance expires when LFK807 reminds", 30,
                              ge=0, le=3650)

    @field_validator("ignore")
    @classmethod
    def _ignore_entries(cls, v: list[str]) -> list[str]:
        _check_selectors(v)
        return v

    @field_validator("severity")
    @classmethod
    def _severity_entries(cls, v: dict[str, str]) -> dict[str, str]:
        _check_selectors(list(v))
        return v


def _check_selectors(entries: list[str]) -> None:
    """Entries of ``lint.ignore``/``lint.severity`` must be codes or prefixes of a code family."""
    bad = [e for e in entries if not SELECTOR_RE.match(normalize(e))]
    if bad:
        raise ValueError(f"{', '.join(bad)}: not a code or prefix; write one of {', '.join(FAMILIES)} and up to "
                         "three digits (LFK402, MON3, IMP); `lfk rules` lists the codes")


class DisclosureSettings(Model):
    """Clause 10: the public site."""

    site_title: str | None = F("网站标题", "title of the disclosure site", None)
    contact: str | None = F("监督举报方式", "supervision contact (a hotline, not a person)", None)
    footer: str | None = F("页脚", "footer text", None)


class Escalation(Model):
    """Repeated warnings on the same post within a window call for a stronger disposal."""

    count: int = F("次数", "number of warnings", ge=1)
    within_days: int = F("时间窗口（天）", "window in days", 365, ge=1, le=36500)
    disposal: str = F("处置方式", "disposal, e.g. 诫勉谈话")
    counts: EscalationCounts = F("计数范围", "which warnings count: undisposed_or_repeated (a warning with a disposal "
                                 "record counts only when the post had the same MON code again within the window) "
                                 "or all", "undisposed_or_repeated")


class MonitorSettings(Model):
    """Clauses 11-12: e-supervision warnings and disposal."""

    yellow_at: float = F("黄牌阈值", "share of a limit that raises 黄牌", 0.8, gt=0)
    red_at: float = F("红牌阈值", "share of a limit that raises 红牌", 1.0, gt=0)
    disposal: dict[str, str] = F("处置方式", "disposal per warning", {"黄牌": "风险提示", "红牌": "责令纠错"})
    escalate: list[Escalation] = F("升级处置", "escalation on repetition", [])
    dispose_within_days: dict[str, int] = F("处置期限（天）", "days to dispose of a warning, per warning",
                                            {"黄牌": 10, "红牌": 5})
    columns: dict[str, EventColumn] = F(
        "事件日志列对应", "headers of the units' event logs and the event-log column each holds (案件编号: case_id)", {})


DEFAULT_ASSESSMENT_WEIGHTS: dict[str, float] = {
    "flows": 10, "legal_basis": 10, "risks_identified": 10, "graded": 10, "approved": 15,
    "high_measures": 10, "measures_on_time": 10, "measures_effective": 10, "lint": 15, "monitor": 10,
}


class Band(Model):
    """A band of the total score: ``name`` from ``min`` points up."""

    name: str = F("等次", "name of the band, e.g. 优秀")
    min: float = F("最低分", "lowest total of the band", ge=0)


class Penalties(Model):
    """Points lost per lint finding and per monitor warning (within their criterion's weight)."""

    error: float = F("每个错误扣分", "points per lint error", 2, ge=0)
    warning: float = F("每个警告扣分", "points per lint warning", 0.5, ge=0)
    red: float = F("每张红牌扣分", "points per 红牌", 2, ge=0)
    yellow: float = F("每张黄牌扣分", "points per 黄牌", 0.5, ge=0)


class Law(Model):
    """An entry of the legal-basis catalogue (``laws:``): a law and its revisions (law-change impact, LFK210)."""

    name: str = F("法律法规", "the law's name, e.g. 《中华人民共和国行政处罚法》")
    revised: dt.date | None = F("现行版本", "date of the revision in force (施行 or 修订 date)", None)
    repealed: dt.date | None = F("废止日期", "date it was repealed (every citation is then flagged)", None)
    replaced_by: str | None = F("替代法规", "the law that replaces it", None)

    @staticmethod
    def key(name: str) -> str:
        """A law's name for comparison: without 《》, quotes, spaces and the level mark some tables put before it
        (【法律】《中华人民共和国公路法》, 【行政法规】…)."""
        return re.sub(r"[《》\s\"“”]", "", re.sub(r"^\s*【[^】]{1,8}】", "", name or ""))


class Assessment(Model):
    """Clause 16: the assessment card of ``lfk score`` — weights per criterion (points), bands, penalties.

    Criteria: flows, legal_basis, risks_identified, graded, approved, high_measures, measures_on_time,
    measures_effective, lint, monitor. A criterion left out of ``weights`` keeps its default; weight 0
    switches it off. Criteria that do not apply (no 高 risks, no event log) are left out and the
    total is scaled to 100.
    """

    weights: dict[str, float] = F("权重（分值）", "points per criterion", default_factory=dict)
    bands: list[Band] = F("等次", "bands, highest first",
                          default_factory=lambda: [Band(name="优秀", min=90), Band(name="达标", min=80),
                                                   Band(name="不达标", min=0)])
    penalties: Penalties = F("扣分标准", "points lost per finding", default_factory=Penalties)

    @field_validator("weights")
    @classmethod
    def _known_criteria(cls, v: dict[str, float]) -> dict[str, float]:
        unknown = [k for k in v if k not in DEFAULT_ASSESSMENT_WEIGHTS]
        if unknown:
            raise ValueError(f"unknown criteria {', '.join(unknown)}; known: {', '.join(DEFAULT_ASSESSMENT_WEIGHTS)}")
        if any(x < 0 for x in v.values()):
            raise ValueError("weights are points, 0 or more")
        return v

    def weight(self, key: str) -> float:
        """The points of criterion ``key``."""
        return float(self.weights.get(key, DEFAULT_ASSESSMENT_WEIGHTS.get(key, 0)))

    def band(self, total: float) -> str:
        """The band of a total (bands are checked highest ``min`` first)."""
        for b in sorted(self.bands, key=lambda b: -b.min):
            if total >= b.min:
                return b.name
        return self.bands[-1].name if self.bands else ""


class Baseline(Model):
    """``baseline:`` in lfk.yaml: the register of the department above whose units this register's units adopt."""

    path: str | None = F("路径", "folder of the baseline register (relative to lfk.yaml), or of its git work tree", None)
    url: str | None = F("地址", "a git URL: file:// or a local path only (lfk never fetches; clone it and give path)", None)
    rev: str | None = F("版本", "git revision the baseline is pinned to (tag or commit); without it the folder as it is", None)


class ImportSettings(Model):
    """``lfk import``: what the tables of this register's units call their columns.

    ``columns`` maps a source header (as the table writes it; compared without spaces, line breaks or
    full/half-width differences) to the field it holds (``title``, ``description``, ``grade``,
    ``measures_text``, ``where``, ``owner`` …, see ``lfk import --help``) or to ``extra`` (kept in each
    item's ``extra:``). A sheet without a header row names its columns 第1列, 第2列 ….
    """

    columns: dict[str, str] = F("列对应", "source header → field (or extra)", default_factory=dict)
    split_measures: list[str] = F("措施分隔符", "separators that split an unnumbered 防控措施 cell into one measure "
                                  "each, e.g. [；, ;] (default: none — the cell is one measure, as published)",
                                  default_factory=list)


class Config(Model):
    """``lfk.yaml``: the register settings; its presence marks the register root."""

    name: str = F("登记册名称", "name of the register")
    year: int | None = F("年度", "review year this revision describes", None)
    lang: Literal["zh", "en"] | None = F("语言", "language of messages and the site", None)
    grading: Grading = F("风险等级评定", "grading (clause 6)", default_factory=Grading)
    taxonomy: Taxonomy | TaxonomyPreset | None = F(
        "风险分类", "risk taxonomy: its categories, or the name of a preset (guideline | five-type)", None)
    review: Review = F("动态管理", "review settings (clause 13)", default_factory=Review)
    calendar: Calendar = F("工作日历", "working-day calendar", default_factory=Calendar)
    lint: LintSettings = F("检查设置", "lint settings", default_factory=LintSettings)
    disclosure: DisclosureSettings = F("公开设置", "disclosure settings", default_factory=DisclosureSettings)
    benchmark_levels: list[str] | None = F("裁量阶次", "ordered discretion levels, lightest first", None)
    monitor: MonitorSettings = F("电子监察", "monitoring policy", default_factory=MonitorSettings)
    assessment: Assessment = F("检查考核", "assessment card settings (clause 16)", default_factory=Assessment)
    laws: list[Law] = F("法律依据目录", "legal-basis catalogue: laws with their revision dates (LFK210)", [])
    baseline: Baseline | None = F("基准登记册", "the baseline register units adopt (path or git URL, pinned rev)", None)
    import_: ImportSettings = F("导入设置", "lfk import: column mapping of the units' own tables",
                                default_factory=ImportSettings, alias="import")

    @classmethod
    def salvage(cls, data: dict[str, Any]) -> Config:
        """The settings of an invalid ``lfk.yaml`` that are valid, the defaults for the rest.

        Each error drops the smallest part around it that pydantic names: one entry of a section
        (``lint.max_file_mb: -1`` leaves ``lint.ignore`` in force), one element of a list, or the whole
        section when the error is about the section as a whole. The errors themselves are LFK101 findings
        of the validation; this only keeps one bad value from switching off the good ones beside it.
        """
        data = {k: v for k, v in data.items() if isinstance(k, str)}
        if not isinstance(data.get("name"), str) or not data["name"].strip():
            data["name"] = str(data.get("name") or "register")
        for _ in range(64):  # each round removes at least one part; a file has few sections
            try:
                return cls.model_validate(data)
            except ValidationError as err:
                drops: dict[str, set[Any]] = {}
                for e in err.errors():
                    loc = e["loc"]
                    if loc and isinstance(loc[0], str):
                        drops.setdefault(loc[0], set()).add(loc[1] if len(loc) > 1 else None)
                if not drops:
                    break
                for key, parts in drops.items():
                    kept = _without(data.get(key), parts)
                    if kept is _DROP:
                        data.pop(key, None)
                    else:
                        data[key] = kept
                data.setdefault("name", "register")
        return cls.model_validate({"name": "register"})

    def categories(self) -> dict[str, TaxonomyCategory]:
        """The taxonomy in force: the register's own, a preset named by ``taxonomy: five-type``, or the guideline's."""
        if isinstance(self.taxonomy, Taxonomy):
            return self.taxonomy.categories
        preset = TAXONOMY_PRESETS[self.taxonomy] if isinstance(self.taxonomy, str) else DEFAULT_TAXONOMY
        return {k: TaxonomyCategory(**v) for k, v in preset.items()}

    def grade_label(self, grade: str) -> str:
        """The display name of a grade (``grading.labels``), else the grade itself."""
        labels = self.grading.labels or {}
        return labels.get(grade, grade)  # type: ignore[call-overload]


_DROP = object()


def _without(value: Any, parts: set[Any]) -> Any:
    """``value`` without the entries named in ``parts`` (keys of a mapping, indexes of a list); ``_DROP``
    when the whole value must go (an error about the value itself, or about an entry it does not hold)."""
    if None in parts:
        return _DROP
    if isinstance(value, dict) and parts <= value.keys():
        return {k: v for k, v in value.items() if k not in parts}
    if isinstance(value, list) and all(isinstance(i, int) and 0 <= i < len(value) for i in parts):
        return [v for i, v in enumerate(value) if i not in parts]
    return _DROP
