"""``lfk import``: tables (xlsx, csv, json) into a unit's YAML.

Reading (``lfk.tables.layout``): a sheet's tables are found by their header rows (the first among the
first rows, then every row that reads as a header: several tables may share a sheet); each header is
matched with the column it names (``import.columns`` of lfk.yaml and ``--map`` first, then the exported
header, then common variants). Section rows set the post or category of the rows below; a sheet without
a header row gets its columns from their content (IMP108); ``--as`` says the kind of every sheet. A
column that matches nothing is reported (IMP101) and kept in ``extra:``, never silently dropped.

Converting: every row becomes an item; a row that cannot be read is reported with its sheet and
row number (IMP102) and left out; grades, categories and the other enumerated values must be the
register's own vocabulary (grade labels of ``grading.labels`` included) — anything else is a
finding (IMP103), never a guess.

Merging (decided): items are matched by id. A new id is appended; an id the unit already has with
the same content is left alone; an id the unit already has with *different* content is a conflict
(IMP104, error) unless ``replace=True``, which replaces the item where it stands. Error findings
stop the import: nothing is written (``force`` writes the readable rows anyway).

Reporting (decided): lfk.yaml's ``lint.ignore``/``lint.severity`` and ``--select``/``--ignore`` (the one
decision engine, ``lfk.core.decision``) change which IMP findings are reported, at which severity, and so
the exit code — never what is written. Whether the import writes is decided by the importer's own
errors (``ImportResult.held``): an IMP104 switched off still stops the import (exit 1, and the summary
says how many errors the settings hide); an IMP106 raised to error is reported and fails the run, but
what was read is still written. Nothing the user brings is lost to a setting.

Codes: IMP100 sheet not recognised · IMP101 unmapped column · IMP102 unreadable row or value ·
IMP103 value outside the vocabulary · IMP104 id conflict with the unit · IMP105 unresolved name ·
IMP106 a value assumed (reported so it can be checked) · IMP107 an id repeated in the input ·
IMP108 a sheet without a header row, its columns inferred · IMP109 a post cell naming people (kept in extra,
no post named after a person).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import difflib
import json
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, get_args

from pydantic import BaseModel, ValidationError

from lfk.canonical import check_writable
from lfk.core.decision import Decision, for_register
from lfk.core.errors import ConfigError, InputError, UsageError
from lfk.core.finding import Finding, Severity
from lfk.core.fsutil import register_lock
from lfk.core.i18n import T, Text
from lfk.grading.engine import DEFAULT_FACTORS, factor_names
from lfk.loader.emit import canonicalize, dump_new, dump_rt, load_rt, to_node
from lfk.loader.guard import register_target, write_register_file
from lfk.loader.read import load_file
from lfk.loader.sheets import Sheet, read_any
from lfk.model import AuthoritiesFile, Benchmark, MeasuresFile, RisksFile, Unit
from lfk.model.base import EducationForm, MeasureEffect, MeasureKind, MeasurePhase, MeasureStatus
from lfk.model.items import Approval, Authority, Flow, Measure, Post, Risk
from lfk.model.vocab import (
    DEFAULT_BENCHMARK_LEVELS,
    EXTERNAL_CATEGORIES,
    GRADES,
    INTERNAL_CATEGORIES,
    UNCATEGORISED,
    valid_id,
)
from lfk.register import Register
from lfk.tables import flows as FL
from lfk.tables import layout as L
from lfk.tables import prose
from lfk.tables import values as V
from lfk.tables.codes import CODES
from lfk.tables.columns import IMPORT_ONLY, TABLES, Column, Table, extra_key, import_fields, names_posts

LIST_FIELDS = {"authorities": AuthoritiesFile, "risks": RisksFile, "measures": MeasuresFile}
KEEP_EXPLICIT = {"measures": ("status", "effect")}
MEASURE_KINDS: tuple[str, ...] = get_args(MeasureKind)
MEASURE_STATUS: tuple[str, ...] = get_args(MeasureStatus)
MEASURE_EFFECT: tuple[str, ...] = get_args(MeasureEffect)
MEASURE_PHASES: tuple[str, ...] = get_args(MeasurePhase)
EDUCATION: tuple[str, ...] = get_args(EducationForm)
EXTRA = "__extra__"
KINDS = ("risks", "authorities", "measures", "benchmarks", "flows")  # what --as may say
SECTION_KINDS = ("risks", "authorities", "measures", "benchmarks")  # the tables whose items take a section row


@dataclass
class PlannedFile:
    """A file the import writes: its register-relative path, old text (None: new file) and new text."""

    rel: str
    old: str | None
    new: str

    def diff(self) -> str:
        """A unified diff from the old to the new text."""
        old = (self.old or "").splitlines(keepends=True)
        return "".join(difflib.unified_diff(old, self.new.splitlines(keepends=True),
                                            f"a/{self.rel}" if self.old is not None else "/dev/null", f"b/{self.rel}"))


@dataclass
class ImportResult:
    """What an import found and would write."""

    findings: list[Finding] = field(default_factory=list)
    files: list[PlannedFile] = field(default_factory=list)
    counts: dict[str, dict[str, int]] = field(default_factory=dict)
    written: bool = False
    columns: list[dict[str, Any]] = field(default_factory=list)  # the column report: source column → field
    held: int = 0  # the importer's own error findings (before the settings): they stop the import
    hidden: int = 0  # of those, the ones the settings switch off or report below error
    forced: bool = False  # --force: written in spite of them

    @property
    def errors(self) -> int:
        """Error findings (as reported)."""
        return sum(1 for f in self.findings if f.severity is Severity.ERROR)

    @property
    def stopped(self) -> bool:
        """Whether the importer's own errors stop (or, in a dry run, would stop) the import."""
        return bool(self.held) and not self.forced

    @property
    def hidden_errors(self) -> int:
        """Errors that stop the import but are not reported as errors (switched off or lowered by the settings)."""
        return self.hidden if self.stopped else 0

    @property
    def exit_code(self) -> int:
        """1 when an error is reported, or the import's own errors stopped (or would stop) it."""
        return 1 if self.errors or self.stopped else 0


@dataclass
class Items:
    """Items read from the input, by kind, each with where it came from (sheet, row)."""

    authorities: list[tuple[Authority, tuple[str, int]]] = field(default_factory=list)
    risks: list[tuple[Risk, tuple[str, int]]] = field(default_factory=list)
    measures: list[tuple[Measure, tuple[str, int]]] = field(default_factory=list)
    benchmarks: list[tuple[Benchmark, tuple[str, int]]] = field(default_factory=list)
    posts: list[tuple[Post, tuple[str, int]]] = field(default_factory=list)
    approvals: list[tuple[Approval, tuple[str, int]]] = field(default_factory=list)
    flows: list[tuple[dict[str, Any], tuple[str, int]]] = field(default_factory=list)
    titles: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # notes and sign-off rows at a table's foot (注：…, 制表人：…)
    sheet_source: dict[str, str] = field(default_factory=dict)
    columns: list[dict[str, Any]] = field(default_factory=list)


class _Ctx:
    """Shared state of one import: findings, the register's vocabulary, name→id lookups."""

    def __init__(self, register: Register, unit_id: str, source: str, *, kind: str | None = None,
                 columns: dict[str, str] | None = None) -> None:
        self.register = register
        self.kind = kind  # --as: the kind every sheet is read as
        self.user_cols: dict[str, str] = {**register.config.import_.columns, **(columns or {})}
        self.unit_id = unit_id
        self.source = source
        self.findings: list[Finding] = []
        self._said: dict[tuple[Any, ...], tuple[int, list[int]]] = {}  # a warning's key → (its place, further rows)
        cfg = register.config
        self.categories = cfg.categories()
        self.grade_words = V.grade_words(cfg.grading)
        own = [str(label) for label in (cfg.grading.labels or {}).values()] + [
            str(w) for words in (cfg.grading.aliases or {}).values() for w in words]
        self.own_grade_words = set(GRADES) | {V.grade_forms(w)[0] for w in own}
        self.extra: dict[str, str] = {}  # values of the row being read that no field takes (→ extra:)
        # the unit's measures by description, with the risks they answer (re-import by content)
        self.measure_by_text: dict[str, list[tuple[str, tuple[str, ...]]]] = {}
        self.risk_by_text: dict[tuple[str, str], list[str]] = {}  # the unit's risks by (title, description)
        self.risks_matched: set[str] = set()  # of those, the ones this import's rows took already
        self.unit_auth_by_name: dict[str, str] = {}  # the unit's powers by name (re-import by content)
        self.new_posts: list[tuple[Post, tuple[str, int]]] = []  # posts named by section rows (院党委)
        self.grade_seen: dict[str, dict[str, tuple[str, int]]] = {}  # a table's own grade words → grade
        # 岗位/职权 cells naming no power, kept in extra beside a department post: (sheet, column) → rows, said once
        self.where_kept: dict[tuple[str, int], dict[int, str]] = {}
        self.no_category: set[str] = set()  # sheets whose risk table has no 风险类别 column (said once)
        self.where_header: str | None = None  # the risk table's 岗位/职权 header when it names posts (岗位类别)
        # post cells naming people (徐千, 王建国（科长）): (sheet, column, field) → rows; kept in extra, said once
        self.persons: dict[tuple[str, int, str], set[int]] = {}
        self.columns: list[dict[str, Any]] = []
        self.flows: list[tuple[dict[str, Any], tuple[str, int]]] = []
        self.titles: list[str] = []  # captions above the header rows (kept in the written files' header comment)
        self.notes: list[str] = []  # notes and sign-off rows below them (kept there too)
        self.posts_by_name: dict[str, set[str]] = {}
        self.post_ids: set[str] = set()
        self.approval_ids: set[str] = set()
        self.approval_by_text: dict[str, str] = {}
        self.auth_by_name: dict[str, str] = {}
        self.auth_ids: set[str] = set()
        self.sheet_source: dict[str, str] = {}
        self.missing_columns: set[tuple[str, str]] = set()  # (sheet, field) said to have no column

    def add(self, code: str, sev: Severity, where: tuple[str, int], col: int, msg: Text, hint: Text | None = None) -> None:
        """A finding at ``where`` (sheet, row). A warning or note that says the very same of another row of the
        sheet (风险类别「岗位职责风险」… on rows 2, 4, 5) is one finding naming the rows, not one per row."""
        sheet, row = where
        key = (code, sev, sheet, msg.zh, hint.zh if hint is not None else None)
        if sev is not Severity.ERROR and row and key in self._said:
            at, rows = self._said[key]
            rows.append(row)
            first = self.findings[at]
            also = "、".join(str(r) for r in rows[:10]) + ("…" if len(rows) > 10 else "")
            self.findings[at] = dataclasses.replace(first, message=T(
                f"工作表「{sheet}」第 {first.line} 行（同样的还有第 {also} 行，共 {len(rows) + 1} 行）：{msg.zh}",
                f"sheet {sheet!r} row {first.line} (and rows {', '.join(str(r) for r in rows[:10])}"
                f"{', …' if len(rows) > 10 else ''}: {len(rows) + 1} rows): {msg.en}"))
            return
        prefix = T(f"工作表「{sheet}」第 {row} 行：", f"sheet {sheet!r} row {row}: ") if row else T(
            f"工作表「{sheet}」：", f"sheet {sheet!r}: ")
        if sev is not Severity.ERROR and row:
            self._said[key] = (len(self.findings), [])
        self.findings.append(Finding(code, sev, self.sheet_source.get(sheet, self.source), row or 1, col or 1,
                                     prefix + msg, hint, extra={"sheet": sheet}))

    def section_post(self, name: str, where: tuple[str, int]) -> str | None:
        """The post a section row names (院党委): the unit's post of that name or id, else a new post P-001 …;
        none for a row naming a person (李寿国; 李寿国（校长）: the post 校长), kept in the rows' extra."""
        if name in self.post_ids:
            return name
        name = self.unperson(name, where, 1, "分组") or ""
        if not name:
            return None
        ids = self.posts_by_name.get(name)
        if ids:
            return sorted(ids)[0]
        return self.new_post(name, where, 1, lambda pid: T(
            f"分组行「{name}」作为下方各行的岗位，新增岗位 {pid}", f"the section row {name!r} is the post of the rows "
            f"below: new post {pid}"))

    def new_post(self, name: str, where: tuple[str, int], col: int, why: Callable[[str], Text]) -> str:
        """A new post of the unit named ``name`` (P-001 …), written to unit.yaml with the import; ``why`` says
        (given its id) what named it."""
        n = 1
        while f"P-{n:03d}" in self.post_ids:
            n += 1
        pid = f"P-{n:03d}"
        self.new_posts.append((Post(id=pid, name=name), where))
        self.learn_post(pid, name)
        self.add("IMP106", Severity.INFO, where, col, why(pid),
                 T("请在 unit.yaml 中核对该岗位（名称、是否领导岗位）", "check the post in unit.yaml (name, leader)"))
        return pid

    def learn_post(self, pid: str, name: str | None) -> None:
        self.post_ids.add(pid)
        if name:
            self.posts_by_name.setdefault(name, set()).add(pid)

    def split_posts(self, value: Any) -> list[str]:
        """A cell naming several posts: one per line, or separated by 、 , ; (a known name may hold 、)."""
        s = V.text(value)
        if not s:
            return []
        out: list[str] = []
        for line in s.split("\n"):
            line = line.strip()
            if not line:
                continue
            if line in self.post_ids or line in self.posts_by_name:
                out.append(line)
            else:
                out.extend(V.split_list(line))
        return out

    def unperson(self, value: str, where: tuple[str, int], col: int, field_zh: str) -> str | None:
        """A post cell without the people it names: a cell of personal names (徐千, 张三、李四) gives no post, a post
        with its holder (王建国（科长）) the post (科长); the cell is then kept in ``extra`` (internal, never
        published) and counted for one IMP109 per column (``_persons_finding``). Personal data never names a post."""
        pair = V.post_and_person(value)
        if V.person_names(value) is None and pair is None:
            return value
        have = self.extra.get(field_zh)  # a cell split into several posts (承办岗位 张三、李四): each part kept
        self.extra[field_zh] = value if not have or value in have.split("、") else f"{have}、{value}"
        self.persons.setdefault((where[0], col, field_zh), set()).add(where[1])
        return pair[0] if pair else None

    def post(self, value: str | None, where: tuple[str, int], col: int, field_zh: str) -> str | None:
        """A post cell (an id or a name) as the post id. A name the unit has no post of (科室负责人, the role a
        published table names) becomes a new post of that name; a cell naming several posts is kept in the row's
        ``extra`` (the field stays empty: lint asks for the post); personal names never make a post (``unperson``)."""
        if not value:
            return None
        if value in self.post_ids:
            return value
        value = self.unperson(value, where, col, field_zh)
        if not value:
            return None
        if value in self.post_ids:
            return value
        if not valid_id(value) and value not in self.posts_by_name:
            name = V.post_name(value)
            if name is None:
                self.extra.setdefault(field_zh, value)
                self.add("IMP105", Severity.WARNING, where, col,
                         T(f"{field_zh}「{value.replace(chr(10), '、')}」不是一个岗位名称（写了几个岗位或一段文字），"
                           "原文保留在 extra 中", f"{field_zh} {value!r} names no single post; kept in extra"),
                         T(f"请在 unit.yaml 的 posts 中定义负责的岗位，并把其编号写入{field_zh}",
                           "define the post in unit.yaml and write its id in the field"))
                return None
            value = name
            if value not in self.posts_by_name:
                return self.new_post(value, where, col, lambda pid: T(
                    f"{field_zh}「{name}」不是本单位已有的岗位，新增岗位 {pid}（名称「{name}」）",
                    f"{field_zh} {name!r} is no post of the unit: new post {pid}"))
        ids = self.posts_by_name.get(value)
        if ids and len(ids) == 1:
            return next(iter(ids))
        if ids:
            self.add("IMP105", Severity.ERROR, where, col,
                     T(f"{field_zh}「{value}」对应多个岗位：{'、'.join(sorted(ids))}",
                       f"{field_zh} {value!r} names several posts: {', '.join(sorted(ids))}"),
                     T("请改填岗位编号", "write the post id instead"))
            return None
        self.add("IMP105", Severity.WARNING, where, col,
                 T(f"{field_zh}「{value}」不是本单位的岗位（编号或名称），原样写入", f"{field_zh} {value!r} is no post of "
                   "the unit (id or name); written as is"),
                 T("请在 unit.yaml 的 posts 中添加该岗位，或在“岗位”表中列出", "add the post to unit.yaml (posts) "
                   "or list it in the 岗位 sheet"))
        return value


# -- recognising sheets and headers ----------------------------------------------------------------
def _columns_for(table: Table, factor_cols: list[Column]) -> list[Column]:
    cols = list(table.columns) + list(IMPORT_ONLY.get(table.key, ()))
    return cols + factor_cols if table.key == "risks" else cols


def _factor_columns(register: Register) -> list[Column]:
    cfg = register.config
    out = []
    names = list(factor_names(cfg))
    for k in list((cfg.grading.factors or {}).keys()) + list(DEFAULT_FACTORS):
        if k not in names:
            names.append(k)
    for k in names:
        variants = [k]
        f = (cfg.grading.factors or {}).get(k)
        if f is not None and f.label:
            variants.append(f.label)
        if k in DEFAULT_FACTORS:
            variants.append(DEFAULT_FACTORS[k][1])
        out.append(Column(f"factor:{k}", variants[-1] if len(variants) > 1 else k, tuple(variants), data=True))
    return out


@dataclass
class _Table:
    table: Table
    sheet: Sheet
    mapping: dict[int, Column]
    header_row: int
    rows: list[tuple[int, dict[str, Any], dict[str, int]]]


def _matchers(ctx: _Ctx, user: dict[str, str] | None = None) -> list[L.Matcher]:
    """One matcher per table kind (only the kind of ``--as``, when given)."""
    factor_cols = _factor_columns(ctx.register)
    tables = [t for t in TABLES.values() if ctx.kind in (None, t.key)]
    return [L.Matcher(t, _columns_for(t, factor_cols), user if user is not None else ctx.user_cols) for t in tables]


def _recognise(ctx: _Ctx, sheets: list[Sheet]) -> list[_Table]:
    """Every table of every sheet: each header row starts one (several tables may share a sheet)."""
    out: list[_Table] = []
    for sheet in sheets:
        if not any(any(v not in (None, "") for v in cells) for _, cells in sheet.rows):
            continue
        out.extend(_sheet_tables(ctx, sheet))
    return out


NOTE_SHEET_TEXTS = 20  # a sheet no table is found in, of this many texts or fewer, is kept as notes


def _sheet_tables(ctx: _Ctx, sheet: Sheet) -> list[_Table]:
    """The tables of one sheet (by its header rows; else a 责任清单 flow, a key–value sheet, or columns
    inferred from the content); IMP100 when none reads."""
    matchers = _matchers(ctx)
    min_hits = 2 if ctx.kind else 3
    segs = L.header_rows(sheet, matchers, min_hits) if ctx.kind != "flows" else []
    if segs:  # a two-row header (风险等级 over 高 | 中 | 低) folded into one
        folded = L.fold_sub_headers(sheet, [s.idx for s in segs], lambda v: _grade_of(ctx, v) is not None,
                                    lambda h: any(m.match(h) is not None for m in matchers))
        if folded.rows != sheet.rows:
            sheet, segs = folded, L.header_rows(folded, matchers, min_hits)
    if not segs and ctx.kind in (None, "flows") and _read_flow(ctx, sheet):
        return []
    if not segs and ctx.kind != "flows":
        flipped = _transposed(sheet)
        if flipped is not None and (segs := L.header_rows(flipped, matchers, min_hits)):
            sheet = flipped
        else:
            sheet, segs = _headerless(ctx, sheet)
    if not segs:
        texts = list(dict.fromkeys(t for _, cells in sheet.rows for v in cells if (t := V.text(v))))
        note = 0 < len(texts) <= NOTE_SHEET_TEXTS  # a sheet of a few lines (填表说明, 本表由办公室填报): kept as notes
        if note:
            ctx.notes.extend(f"{sheet.name}：{t}" for t in texts)
        ctx.add("IMP100", Severity.WARNING, (sheet.name, 0), 1,
                T("不认识这张表（找不到职权目录、风险点登记表、防控措施、裁量基准、岗位或审定记录的表头），未导入"
                  + ("为条目；其文字作为表注（# 表注：）保留在写入的文件中" if note else ""),
                  "not recognised as any table (no header of 职权目录, 风险点登记表, 防控措施, 裁量基准, 岗位 or "
                  "审定记录 found); not imported" + (" as items; its text is kept as notes (# 表注：) in the files "
                                                  "written" if note else "")),
                T("请检查表头名称，或用 --as risks|authorities|measures|benchmarks|flows 指明表的种类、在 lfk.yaml 的 "
                  "import.columns（或 --map 文件）中指定列对应",
                  "check the header names, or say the kind with --as, or map the columns in import.columns "
                  "(lfk.yaml) or a --map file"))
        return []
    maps = [_map_header(ctx, sheet, s) for s in segs]
    _split_rows(ctx, sheet, segs, maps)
    for s in segs:
        if not s.rows:
            ctx.add("IMP100", Severity.WARNING, (sheet.name, sheet.rows[s.idx][0]), 1,
                    T("表头下没有数据行，这张表没有导入任何条目", "no rows under the header: nothing of this table imported"),
                    T("每条一行写在表头下方；数据若在表头上方或左侧（表格被转置），请调整后重新导入",
                      "write one item per row below the header; if the data stand above or beside it (a transposed "
                      "table), rearrange it and import again"))
    return [_Table(s.matcher.table, sheet, m, sheet.rows[s.idx][0], _records(s, m, x, sheet))
            for s, (m, x) in zip(segs, maps, strict=True)]


def _read_flow(ctx: _Ctx, sheet: Sheet) -> bool:
    """A 责任清单 sheet (运行环节 / 责任事项) read as a flow."""
    flow = FL.read_flow(sheet)
    if flow is None or not flow["steps"]:
        return False
    ctx.flows.append((flow, (sheet.name, flow["steps"][0]["rows"][0])))
    for label, fld in flow["columns"]:
        ctx.columns.append({"sheet": sheet.name, "row": 0, "column": 0, "header": label, "field": fld})
    return True


def _headerless(ctx: _Ctx, sheet: Sheet) -> tuple[Sheet, list[L.Segment]]:
    """A sheet with no header row: its columns inferred from content (IMP108), as a header row 第N列."""
    if ctx.kind not in (None, "risks"):
        return sheet, []
    inferred = L.infer_columns(sheet, lambda v: _grade_of(ctx, v) is not None) or {}
    by_position = any(re.fullmatch(r"第\d+列", k) for k in ctx.user_cols)  # the user's mapping names 第N列
    if not inferred and not by_position:
        return sheet, []
    width = max(len(c) for _, c in sheet.rows)
    names = [f"第{j + 1}列" for j in range(width)]
    user = {names[j]: key for j, key in inferred.items()} | ctx.user_cols
    # the header goes just above the first row of data: a title above it stays a title
    k = next((i for i, (_, cells) in enumerate(sheet.rows) if len({V.text(v) for v in cells if V.text(v)}) >= 3), 0)
    flat = Sheet(sheet.name, [*sheet.rows[:k], (0, list(names)), *sheet.rows[k:]], sheet.encoding, sheet.merged)
    matcher = next(m for m in _matchers(ctx, user) if m.table.key == "risks")
    seg = L.Segment(k, matcher, len(flat.rows))
    cols = [(n, c) for n in names if (c := matcher.match(n)) is not None]
    shown, shown_en = "、".join(f"{n}→{c.header}" for n, c in cols), ", ".join(f"{n}→{c.key}" for n, c in cols)
    ctx.add("IMP108", Severity.WARNING, (sheet.name, 0), 1,
            T(f"没有表头行：按内容推断各列为风险点登记表：{shown}；其余列保留在 extra 中",
              f"no header row: columns inferred from their content as a risk table: {shown_en}; other columns kept "
              "in extra"),
            T("请核对；如有误，在 lfk.yaml 的 import.columns（或 --map 文件）中按「第N列」指定对应字段",
              "check them; if wrong, map 第N列 to a field in import.columns (lfk.yaml) or a --map file"))
    return flat, [seg]


def _transposed(sheet: Sheet) -> Sheet | None:
    """A key–value sheet (column A the field names, column B the values: one item) as a header row and a row;
    a wider one read as a form of label–value pairs (``layout.form_rows``)."""
    width = max((len(c) for _, c in sheet.rows), default=0)
    if 4 <= width <= 8:
        return L.form_rows(sheet)
    if width < 2 or width > 3 or len(sheet.rows) < 3:
        return None
    keys = [cells[0] if cells else None for _, cells in sheet.rows]  # a row may be empty
    values = [next((v for v in cells[1:] if v not in (None, "")), None) for _, cells in sheet.rows]
    for (_, cells), key, value in zip(sheet.rows, list(keys), list(values), strict=True):
        for j, v in enumerate(cells[2:], 3):  # a third column (a note beside the value): kept under its own name
            if v not in (None, "", value):
                keys.append(f"{key or ''}（第{j}列）")
                values.append(v)
    return Sheet(sheet.name, [(sheet.rows[0][0], keys), (sheet.rows[0][0], values)], sheet.encoding)


def _header_text(h: Any) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", V.visible(str(h))))


def _map_header(ctx: _Ctx, sheet: Sheet, seg: L.Segment) -> tuple[dict[int, Column], dict[int, str]]:
    """Header cells → columns; a column lfk has no field for goes to ``extra`` (never dropped), reported."""
    idx, matcher = seg.idx, seg.matcher
    # the table's rows; one text merged across a row (a caption or a section) says nothing of the columns
    body = [(n, c) for n, c in sheet.rows[idx + 1:seg.end]
            if not (sum(1 for v in c if V.text(v)) > 1 and len({V.text(v) for v in c if V.text(v)}) == 1)]
    hrow, header = sheet.rows[idx]
    cols = matcher.cols
    mapping: dict[int, Column] = {}
    extra_cols: dict[int, str] = {}
    listed: int | None = None  # the column whose IMP101 lists the fields
    width = max((len(cells) for _, cells in [sheet.rows[idx], *body]), default=0)
    matched = [matcher.match(header[j] if j < len(header) else None) for j in range(width)]
    seq = next((c for c in cols if c.key == "seq"), None)
    if seq is not None and seq not in matched:  # 恭城: the 序号 column's header cell left blank over 1, 2, 3 …
        for j in range(width):
            vals = [t for _, cells in body if j < len(cells) and (t := V.text(cells[j]))]
            if (header[j] if j < len(header) else None) in (None, "") and vals and L.is_numbering(vals):
                matched[j] = seq
                ctx.add("IMP108", Severity.INFO, (sheet.name, hrow), j + 1,
                        T(f"第{j + 1}列没有表头，各格是递增的整数：按序号读", f"column {j + 1} has no header and counts "
                          "up in whole numbers: read as 序号"))
                break
    chosen = _chosen_columns(matched, [c for _, c in body])
    for j in range(width):
        h = header[j] if j < len(header) else None
        c = matched[j]
        entry = {"sheet": sheet.name, "row": hrow, "column": j + 1, "header": _header_text(h) if h not in (None, "")
                 else f"第{j + 1}列"}
        if c is not None and c is not L.EXTRA_COL and chosen[c.key] == j:
            mapping[j] = c
            ctx.columns.append({**entry, "field": c.key})
            continue
        if not any(j < len(cells) and cells[j] not in (None, "") for _, cells in body):
            if h not in (None, ""):  # a header over an empty column: reported, nothing to keep
                ctx.columns.append({**entry, "field": None})
            continue
        name = extra_key(h) or entry["header"]  # an exported extra column: its key exactly as the item had it
        while name in extra_cols.values():
            name += "'"
        extra_cols[j] = name
        ctx.columns.append({**entry, "header": name, "field": f"extra.{name}"})
        if c is L.EXTRA_COL:
            continue  # the user's mapping keeps it in extra: nothing to report
        if c is not None:  # a second column naming a field another column of the table holds
            won = _header_text(header[chosen[c.key]])
            by_content = _FITS.get(c.key) is not None and chosen[c.key] > j
            ctx.add("IMP101", Severity.INFO, (sheet.name, hrow), j + 1,
                    T(f"列「{name}」与列「{won}」都对应{c.header}（{c.key}）：取「{won}」"
                      + ("（其各格写的是处罚或罚款）" if by_content else "（在前）") + f"，「{name}」的内容保留在各项的 extra 中",
                      f"columns {name!r} and {won!r} both name {c.key}: {won!r} taken"
                      + (" (its cells state the penalty or fine)" if by_content else " (the first)")
                      + f", {name!r} kept in each item's extra"),
                    T(f"如应取「{name}」，在 lfk.yaml 的 import.columns（或 --map 文件）中写「{name}: {c.key}」"
                      f"「{won}: extra」", f"to take {name!r}, map \"{name}: {c.key}\" and \"{won}: extra\" in "
                      "import.columns (lfk.yaml) or a --map file"))
            continue
        first = listed is None  # the fields are listed once per header row: a wide sheet says them once
        listed = listed or j + 1
        fields_zh = ("，可用的字段：" + "、".join(f"{c.key}（{c.header}）" for c in cols if not c.derived) + "、extra"
                     if first else f"（可用的字段见第 {listed} 列的提示）")
        fields_en = ("; fields: " + ", ".join(c.key for c in cols if not c.derived) + ", extra" if first
                     else f" (fields: see column {listed})")
        ctx.add("IMP101", Severity.INFO, (sheet.name, hrow), j + 1,
                T(f"列「{name}」没有对应的字段，内容保留在各项的 extra 中", f"column {name!r} matches no field; its "
                  "values are kept in each item's extra"),
                T(f"可在 lfk.yaml 的 import.columns（或 --map 文件）中写「{name}: 字段」{fields_zh}",
                  f"map it in import.columns (lfk.yaml) or a --map file as \"{name}: <field>\"{fields_en}"))
    return mapping, extra_cols


# fields whose column is chosen by content when two headers of a table name it (裁量幅度 and 裁量标准 both → fine)
_FITS: dict[str, Callable[[Any], bool]] = {"fine": V.names_penalty}


def _chosen_columns(matched: list[Column | None], body: list[list[Any]]) -> dict[str, int]:
    """The column each field is read from: the first that names it, or, for a field of ``_FITS``, the one whose
    cells fit it best (裁量标准 "处以罚款1000元" over 裁量幅度 "情节轻微"); the others are kept in extra."""
    by_key: dict[str, list[int]] = {}
    for j, c in enumerate(matched):
        if c is not None and c is not L.EXTRA_COL:
            by_key.setdefault(c.key, []).append(j)
    fits = {key: _FITS.get(key) for key in by_key}
    return {key: max(js, key=lambda j: (sum(1 for cells in body if j < len(cells) and V.text(cells[j])
                                            and (fit := fits[key]) is not None and fit(cells[j])), -j))
            for key, js in by_key.items()}


def _split_rows(ctx: _Ctx, sheet: Sheet, segs: list[L.Segment], maps: list[tuple[dict[int, Column], dict[int, str]]],
                ) -> None:
    """Each row of the sheet into its segment's rows, a caption (``ctx.titles``) or a section row; a section
    row applies to the rows below it (across segments), as their post or category; one that no row takes
    (at the foot of the sheet, or above a table that has no use for it) is kept as a caption."""
    starts = {s.idx: k for k, s in enumerate(segs)}
    current: int | None = None
    section: str | None = None
    unused: str | None = None  # the section row's text while no row has taken it
    first = True
    nonblank = [i for i, (_, cells) in enumerate(sheet.rows) if any(V.text(v) for v in cells)]
    following = {a: b for a, b in zip(nonblank, nonblank[1:], strict=False)}
    for i in nonblank:
        if i in starts:
            current, first = starts[i], False
            continue
        cells = sheet.rows[i][1]
        if current is not None and L.foot_row(cells):  # 注：… / 制表人：张三 | 日期：…: kept as a note, not an item
            ctx.notes.append(" ".join(dict.fromkeys(str(v).strip() for v in cells if V.text(v))))
            continue
        mapping = maps[current][0] if current is not None else None
        if mapping and all(mapping.get(j) is not None and mapping[j].key == "seq" and V.is_seq(t)
                           for j, v in enumerate(cells) if (t := V.text(v))):
            continue  # a numbered line left blank (a template's 序号 filled in ahead): no item, no section
        width = len(maps[current][0]) + len(maps[current][1]) if current is not None else len(cells)
        text = L.single_text(cells, mapping, width)
        if text is not None:
            if L.section_text(text) in ctx.categories or not L.is_caption(
                    text, first=first, before_header=current is None, header_follows=following.get(i) in starts):
                if unused:
                    ctx.titles.append(unused)
                section, unused = L.section_text(text), text  # 一、岗位职责风险 / 院党委: applies to the rows below
            else:
                ctx.titles.append(text)
            first = False
            continue
        first = False
        if current is None:  # a caption row above the first header (填报单位 … 日期 …)
            ctx.titles.extend(str(v).strip() for v in dict.fromkeys(c for c in cells if V.text(c)))
            continue
        segs[current].rows.append((sheet.rows[i][0], cells, section))
        if segs[current].matcher.table.key in SECTION_KINDS:
            unused = None
    if unused:
        ctx.titles.append(unused)


def _records(seg: L.Segment, mapping: dict[int, Column], extra: dict[int, str], sheet: Sheet,
             ) -> list[tuple[int, dict[str, Any], dict[str, int]]]:
    """A segment's rows as records: field values by key, other cells in ``rec[EXTRA]``, the section in
    ``rec["section"]``, merge origins in ``rec["__merged__"]``."""
    out = []
    for rnum, cells, section in seg.rows:
        rec: dict[str, Any] = {}
        cols_at: dict[str, int] = {}
        merged: dict[str, tuple[int, int]] = {}
        for j, c in mapping.items():
            cols_at[c.key] = j + 1  # the table has the column, even where a short row has no cell in it
            if j < len(cells):
                rec[c.key] = V.unstack(cells[j])
                if (rnum, j + 1) in sheet.merged:
                    merged[c.key] = sheet.merged[(rnum, j + 1)]
        kept = {name: t for j, name in extra.items() if j < len(cells) and (t := V.text(V.unstack(cells[j])))}
        kept.update({c.header: t for j, c in mapping.items() if c.key == "seq" and j < len(cells)
                     and (t := V.text(cells[j])) and not V.is_seq(t)})  # a 序号 cell of text: kept, not dropped
        if kept:
            rec[EXTRA] = kept
        if section:
            rec["section"] = section
        rec["__merged__"] = merged
        out.append((rnum, rec, cols_at))
    return out


def _filter_unit(ctx: _Ctx, tables: list[_Table], from_unit: str | None) -> None:
    """Keep the rows of the wanted unit when the input holds several of the register's units.

    A row's unit is its 单位编号, else its 单位 when that names a unit of the register (by id or name).
    """
    known: dict[str, str] = {}
    for uid in ctx.register.unit_ids:
        known[uid] = uid
        model = ctx.register.unit_model(uid)
        if model is not None:
            known.setdefault(model.name, uid)

    def unit_of(rec: dict[str, Any]) -> str | None:
        uid = V.text(rec.get("unit_id"))
        if uid:
            return uid
        name = V.text(rec.get("unit"))
        return known.get(name) if name else None

    for t in tables:  # a blank unit cell (a merge flattened by a CSV export) continues the unit above
        last: str | None = None
        for _, rec, _ in t.rows:
            u = unit_of(rec)
            if u:
                last = u
            elif last:
                rec["unit_id"] = last
    ids = {u for t in tables for _, rec, _ in t.rows if (u := unit_of(rec))}
    if len(ids) <= 1 and not from_unit:
        return
    wanted = from_unit or ctx.unit_id
    if wanted not in ids:
        raise UsageError(f"the input holds several units ({', '.join(sorted(ids))}); none is {wanted} "
                         "/ 输入含多个单位，没有指定的单位", hint="choose one with --from-unit ID")
    for t in tables:
        t.rows = [(n, rec, at) for n, rec, at in t.rows if unit_of(rec) in (wanted, None)]


# -- converting rows ---------------------------------------------------------------------------------
def _validate(ctx: _Ctx, model: type[BaseModel], data: dict[str, Any], where: tuple[str, int],
              cols_at: dict[str, int], table: Table) -> Any | None:
    try:
        extra = {**(data.get("extra") or {})}
        if ctx.extra:
            extra.update({k: v for k, v in ctx.extra.items() if k not in extra})
        if extra:
            data = {**data, "extra": extra}
        return model.model_validate(data)
    except ValidationError as e:
        for err in e.errors(include_url=False):
            loc = [p for p in err["loc"] if isinstance(p, str)]
            key = loc[0] if loc else ""
            col = table.column(key)
            name = col.header if col else key
            hint = None
            if err["type"] == "missing" and cols_at and key not in cols_at:  # the table has no such column
                if (where[0], key) in ctx.missing_columns:
                    continue  # said once per sheet: the first row's error stops the import all the same
                ctx.missing_columns.add((where[0], key))
                msg = T(f"表中没有「{name}」列，各行", f"the table has no {name} column: its rows")
                hint = T(f"在表头中加上「{name}」列，或在 lfk.yaml 的 import.columns（或 --map 文件）中写「<列名>: {key}」",
                         f"add a {name} column, or map one in import.columns (lfk.yaml) or a --map file as "
                         f"\"<header>: {key}\"")
            elif err["type"] == "missing":
                msg = T(f"「{name}」为空", f"{name} is empty")
                hint = T("填写该格，或用 --force 只写入其余可读的行", "fill it in, or write the readable rows with --force")
            else:
                shown = err.get("input")
                msg = T(f"「{name}」的值 `{shown}` 无效：{err['msg']}", f"{name}: `{shown}` is invalid: {err['msg']}")
            ctx.add("IMP102", Severity.ERROR, where, cols_at.get(key, 1),
                    msg + (T("都未导入", " are not imported") if hint and key not in cols_at
                           else T("，该行未导入", "; row not imported")), hint)
        return None


def _vocab(ctx: _Ctx, value: str | None, allowed: tuple[str, ...] | list[str], where: tuple[str, int], col: int,
           name_zh: str, name_en: str) -> tuple[str | None, bool]:
    """``value`` if in ``allowed`` (ok=True), else an IMP103 finding (ok=False)."""
    if value is None or value in allowed:
        return value, True
    setting = {"风险等级": "grading.aliases", "风险类别": "taxonomy"}.get(name_zh.split("（")[0])
    fix_zh = f"；或在 lfk.yaml 的 {setting} 中加入该词" if setting else ""
    fix_en = f", or add the word to {setting} in lfk.yaml" if setting else ""
    ctx.add("IMP103", Severity.WARNING, where, col,
            T(f"{name_zh}「{value}」不在登记册的取值范围内，原文保留在 extra 中",
              f"{name_en} {value!r} is outside the register's vocabulary; kept as written in extra"),
            T("允许的值：" + "、".join(allowed) + fix_zh, "allowed: " + ", ".join(allowed) + fix_en))
    ctx.extra[name_zh.split("（")[0]] = value
    return None, True


def _cell(ctx: _Ctx, rec: dict[str, Any], key: str, conv: Any, where: tuple[str, int], at: dict[str, int],
          table: Table) -> tuple[Any, bool]:
    try:
        return conv(rec.get(key)), True
    except V.BadValue as e:
        col = table.column(key)
        name = col.header if col else key
        ctx.add("IMP102", Severity.WARNING, where, at.get(key, 1),
                T(f"「{name}」：{e.zh}；原文保留在 extra 中", f"{name}: {e.en}; kept as written in extra"))
        ctx.extra[name] = V.text(rec.get(key)) or ""
        return None, True


def _clean(d: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in d.items() if v is not None and v != [] and v != {}}


def _authority(ctx: _Ctx, rec: dict[str, Any], where: tuple[str, int], at: dict[str, int], t: Table) -> Authority | None:
    ok = True
    ctx.extra = {}
    section = rec.get("section")
    if section and section.removesuffix("类") in EXTERNAL_CATEGORIES + INTERNAL_CATEGORIES:
        if not V.text(rec.get("category")):  # 一、行政许可类: the category of the powers below
            rec = {**rec, "category": section.removesuffix("类")}
        rec = {**rec, "section": None}
    cat, good = _vocab(ctx, V.text(rec.get("category")), EXTERNAL_CATEGORIES + INTERNAL_CATEGORIES, where,
                       at.get("category", 1), "职权类别", "power category")
    ok &= good
    if cat is None:
        cat = _guess_category(V.text(rec.get("name")) or "")
        ctx.add("IMP106", Severity.WARNING, where, at.get("category", 1),
                T(f"没有职权类别，按名称暂定为「{cat}」", f"no power category; taken as {cat!r} from the name"),
                T("请核对 category", "check category"))
    tl, good = _cell(ctx, rec, "time_limit", V.time_limit, where, at, t)
    ok &= good
    pr, good = _cell(ctx, rec, "promised", V.time_limit, where, at, t)
    ok &= good
    internal, good = _cell(ctx, rec, "internal", V.boolean, where, at, t)
    ok &= good
    disc, good = _cell(ctx, rec, "disclosure", V.disclosure, where, at, t)
    ok &= good
    for val, key in ((tl, "time_limit"), (pr, "promised")):
        if val and val[1]:
            ctx.add("IMP106", Severity.WARNING, where, at.get(key, 1),
                    T(f"「{V.text(rec.get(key))}」未写明工作日或自然日，按工作日导入",
                      f"{V.text(rec.get(key))!r} does not say 工作日 or 自然日; imported as 工作日"),
                    T("请核对", "check it"))
    if not ok:
        return None
    posts = [ctx.post(p, where, at.get("posts", 1), "承办岗位") for p in ctx.split_posts(rec.get("posts"))]
    if not posts and rec.get("section"):  # a section row (院党委) above the 权力目录: the post that holds it
        posts = [ctx.section_post(rec["section"], where)]
    data = _clean({
        "id": V.text(rec.get("id")), "name": V.text(rec.get("name")), "category": cat,
        "content": V.text(rec.get("content")), "subject": V.text(rec.get("subject")),
        "legal_basis": V.legal_basis(rec.get("legal_basis")), "posts": [p for p in posts if p],
        "flow": V.text(rec.get("flow")), "time_limit": tl[0] if tl else None, "promised": pr[0] if pr else None,
        "key_areas": V.split_list(rec.get("key_areas")), "internal": internal, "disclosure": disc,
    })
    data["extra"] = rec.get(EXTRA) or {}
    return _validate(ctx, Authority, data, where, at, t)


def _guess_category(name: str) -> str:
    """A power's category from its name (对……的处罚 → 行政处罚), else 其他行政权力."""
    for word, cat in (("处罚", "行政处罚"), ("许可", "行政许可"), ("强制", "行政强制"), ("征收", "行政征收"),
                      ("给付", "行政给付"), ("检查", "行政检查"), ("确认", "行政确认"), ("奖励", "行政奖励"),
                      ("裁决", "行政裁决"), ("审批", "行政许可")):
        if word in name:
            return cat
    return "其他行政权力"


def _grade_of(ctx: _Ctx, value: str) -> str | None:
    """The grade (高/中/低) a grade word stands for (一级风险, Ⅰ级, 1, 较高 …), or None."""
    return V.grade_of(ctx.grade_words, value)


def _grade(ctx: _Ctx, value: str | None, where: tuple[str, int], col: int) -> tuple[str | None, bool]:
    if value is None:
        return None, True
    g = _grade_of(ctx, value)
    if g is None and prose.grade_counts(value):  # 1中2低: the row's risks counted by grade, none named
        ctx.add("IMP103", Severity.WARNING, where, col,
                T(f"风险等级「{value.strip()}」按等级统计本行的多个风险点，未写明每个风险点的等级，原文保留在 extra 中",
                  f"the grade {value.strip()!r} counts the row's risks by grade without naming each one's; kept as "
                  "written in extra"),
                T("请在 risks.yaml 中为每个风险点写 grade（高、中、低）", "give each risk its grade (高, 中, 低) in risks.yaml"))
        ctx.extra["风险等级"] = value.strip()
        return None, True
    if g is None:
        return _vocab(ctx, value.strip(), list(GRADES), where, col, "风险等级", "grade")
    if not ctx.own_grade_words & set(V.grade_forms(value)[:4]):  # a word of the table's own (一级风险): kept as written
        ctx.extra["风险等级"] = value.strip()
        ctx.grade_seen.setdefault(g, {}).setdefault(value.strip(), where)
    return g, True


def _where_kept_finding(ctx: _Ctx) -> None:
    """One IMP105 (info) per 岗位/职权 column for its cells that name no power of the unit (kept in extra, the
    risk on its department's post): how many rows, the first few (a big table said them once per row)."""
    for (sheet, col), rows in ctx.where_kept.items():
        header = next((c["header"] for c in ctx.columns if (c["sheet"], c["column"], c["field"]) == (sheet, col, "where")),
                      "岗位/职权")
        first = sorted(rows)[:3]
        shown = "、".join(f"第 {n} 行「{' '.join(rows[n].split())}」" for n in first)
        shown_en = ", ".join(f"row {n} {' '.join(rows[n].split())!r}" for n in first)
        more, more_en = (f"等 {len(rows)} 行", f" and {len(rows) - len(first)} more") if len(rows) > len(first) else ("", "")
        ctx.add("IMP105", Severity.INFO, (sheet, first[0]), col,
                T(f"「{header}」列有 {len(rows)} 行不是本单位的职权：{shown}{more}；原文保留在各风险点的 extra 中，"
                  "风险点按责任科室关联岗位",
                  f"{header} names no power of the unit on {len(rows)} row(s): {shown_en}{more_en}; kept in each "
                  "risk's extra, the risk lies on its department's post"),
                T("职权目录中有这些职权时，请补充职权编码", "add the power ids (职权编码) when the 职权目录 lists them"))
    ctx.where_kept.clear()


def _persons_finding(ctx: _Ctx) -> None:
    """One IMP109 per post column whose cells name people (徐千; 王建国（科长）): the rows (never the names), that the
    names were kept in extra (internal) and made no post — the public site shows posts, never personal data."""
    for (sheet, col, field_zh), rows in ctx.persons.items():
        first = sorted(rows)
        shown = "、".join(str(n) for n in first[:5]) + ("…" if len(first) > 5 else "")
        ctx.add("IMP109", Severity.WARNING, (sheet, first[0]), col,
                T(f"「{field_zh}」有 {len(first)} 行写的是人员姓名（第 {shown} 行）：姓名不作为岗位（公开网站显示岗位），"
                  "原文保留在 extra 中（内部，不公开）；只写姓名的行未关联岗位",
                  f"{field_zh} names people on {len(first)} row(s) (rows {shown.replace('、', ', ')}): no post is named "
                  "after a person (the public site shows posts); kept in extra (internal, never published); a row "
                  "naming only people has no post"),
                T(f"请在 unit.yaml 的 posts 中定义负责的岗位（如 科长、分管领导），把岗位编号写入{field_zh}",
                  "define the posts in unit.yaml (科长, 分管领导 …) and write their ids in the field"))
    ctx.persons.clear()


def _grade_words_finding(ctx: _Ctx) -> None:
    """One IMP106 for the grade words of the table's own (Ⅰ级 → 高): how to keep them (grading.aliases)."""
    if not ctx.grade_seen:
        return
    pairs = [(g, w) for g in GRADES for w in ctx.grade_seen.get(g, {})]
    where = min((w for g in ctx.grade_seen.values() for w in g.values()), key=lambda x: x[1])
    shown = "、".join(f"{w}→{g}" for g, w in pairs)
    setting = "{" + ", ".join(f"{g}: [{', '.join(w for gg, w in pairs if gg == g)}]" for g in GRADES
                              if g in ctx.grade_seen) + "}"
    ctx.add("IMP106", Severity.INFO, (where[0], 0), 1,
            T(f"表中的等级用词按顺序对应：{shown}（原词保留在 extra 的「风险等级」）",
              f"the table's grade words taken in order: {shown} (the words kept in extra 风险等级)"),
            T(f"若要检查和导出沿用本单位的用词，在 lfk.yaml 中写 grading: {{aliases: {setting}}}",
              f"to keep the unit's words, set grading: {{aliases: {setting}}} in lfk.yaml"))


def _where_cell(ctx: _Ctx, value: str | None) -> tuple[str | None, str | None]:
    """Parse a 岗位/职权 cell: (authority id, post id) when a line names one, else (None, None)."""
    auth = post = None
    for line in (value or "").split("\n"):
        line = line.strip()
        base = line.split("（")[0].split("(")[0].strip()
        for cand in (line, base):
            if not auth and (cand in ctx.auth_ids or cand in ctx.auth_by_name):
                auth = cand if cand in ctx.auth_ids else ctx.auth_by_name[cand]
                break
            if not post and (cand in ctx.post_ids or len(ctx.posts_by_name.get(cand, ())) == 1):
                post = cand if cand in ctx.post_ids else next(iter(ctx.posts_by_name[cand]))
                break
    return auth, post


def _approval(ctx: _Ctx, value: str | None) -> str | None:
    """An 审定 cell as the approval id: a known id written in it, else a known meeting, else the first word."""
    if not value:
        return None
    for aid in sorted(ctx.approval_ids, key=len, reverse=True):
        if aid in value:
            return aid
    first = value.split("\n")[0].strip()
    for cand in (value.strip(), first):
        if cand in ctx.approval_by_text:
            return ctx.approval_by_text[cand]
    token = first.split()[0] if first.split() else first
    return token.split("（")[0].split("(")[0]


def _risk(ctx: _Ctx, rec: dict[str, Any], where: tuple[str, int], at: dict[str, int], t: Table) -> Risk | None:
    ok = True
    ctx.extra = {}
    rec, section, from_section = _risk_section(ctx, rec)
    if not V.text(rec.get("title")) and V.text(rec.get("description")):
        rec = {**rec, "title": rec["description"], "description": None}
    title = V.text(rec.get("title"))
    if title:  # a sequence number written inside the risk (1、…, 1.…) is numbering, not part of it
        rec = {**rec, "title": prose.strip_number(title)}
    cat = V.text(rec.get("category"))
    cat = UNCATEGORISED if cat is None else L.section_text(cat) if L.SECTION_RE.match(cat) else cat
    if cat == UNCATEGORISED and "category" not in at and where[0] in ctx.no_category:
        pass  # the table has no 风险类别 column: said at its first risk
    elif cat == UNCATEGORISED and cat not in ctx.categories and not V.text(rec.get("category")):
        if "category" not in at:
            ctx.no_category.add(where[0])
        ctx.add("IMP103", Severity.WARNING, where, at.get("category", 1),
                T(("表中没有风险类别列" if "category" not in at else "风险类别为空") + f"，暂记为「{cat}」（lfk lint 会提示）",
                  ("the table has no risk category column" if "category" not in at else "the risk category is empty")
                  + f"; written as {cat!r} (lfk lint reports it)"),
                T("请按分类体系填写风险类别：" + "、".join(ctx.categories), "write the risk category, one of: "
                  + ", ".join(ctx.categories)))
    elif cat not in ctx.categories:
        ctx.add("IMP103", Severity.WARNING, where, at.get("category", 1),
                T(f"风险类别「{cat}」不在分类体系中，按原文写入（lfk lint 会提示）",
                  f"the risk category {cat!r} is not in the taxonomy; written as is (lfk lint reports it)"),
                T("在 lfk.yaml 的 taxonomy 中加入该类别（或写预设名 taxonomy: five-type / guideline），或改为：" + "、".join(ctx.categories),
                  "add the category to taxonomy in lfk.yaml (or name a preset: taxonomy: five-type / guideline), "
                  "or use one of: " + ", ".join(ctx.categories)))
    kind = V.text(rec.get("kind"))
    if cat in ctx.categories and kind is not None:
        kind, good = _vocab(ctx, kind, ctx.categories[cat].kinds, where, at.get("kind", 1), f"风险类型（{cat}）",
                            f"kind of risk ({cat})")
        ok &= good
    grade, good = _grade(ctx, V.text(rec.get("grade")), where, at.get("grade", 1))
    ok &= good
    reviewed, good = _cell(ctx, rec, "reviewed", V.date, where, at, t)
    ok &= good
    disc, good = _cell(ctx, rec, "disclosure", V.disclosure, where, at, t)
    ok &= good
    if not ok:
        return None
    authority = V.text(rec.get("authority"))
    post = ctx.post(V.text(rec.get("post")), where, at.get("post", 1), "所在岗位")
    if authority is None and post is None and V.text(rec.get("where")):
        authority, post = _where_cell(ctx, V.text(rec.get("where")))
    if authority is None and post is None and V.text(rec.get("department")):
        post = _department_post(ctx, V.text(rec.get("department")) or "", where, at.get("department", 1), "责任科室")
        if post and V.text(rec.get("where")):
            ctx.extra.setdefault("岗位/职权", V.text(rec.get("where")) or "")
            rows = ctx.where_kept.setdefault((where[0], at.get("where", 1)), {})
            rows.setdefault(where[1], V.text(rec.get("where")) or "")
    if authority is None and post is None and V.text(rec.get("where")):
        if from_section:
            post = ctx.section_post(V.text(rec.get("where")) or "", where)
        elif ctx.where_header:  # 岗位类别 / 工作岗位 (merged down the rows it spans, or on each): the post
            post = _department_post(ctx, V.text(rec.get("where")) or "", where, at.get("where", 1), ctx.where_header)
        elif authority is None and post is None:
            ctx.extra.setdefault("岗位/职权", V.text(rec.get("where")) or "")
            ctx.add("IMP105", Severity.WARNING, where, at.get("where", 1),
                    T(f"「岗位/职权」「{V.text(rec.get('where'))}」既不是本单位的职权也不是岗位，风险点未关联职权或岗位",
                      f"岗位/职权 {V.text(rec.get('where'))!r} names no power or post of the unit; the risk is written "
                      "without one"),
                    T("请补充职权编码或所在岗位", "add the power id (职权编码) or the post (所在岗位)"))
    if section and post is None:
        post = ctx.section_post(section, where)
    elif section:
        ctx.extra["分组"] = section
    factors = {}
    for key, val in rec.items():
        if key.startswith("factor:"):
            sv = V.scalar(val)
            if sv is not None:
                factors[key[7:]] = sv
    data = _clean({
        "id": V.text(rec.get("id")), "title": V.text(rec.get("title")), "category": cat, "kind": kind,
        "authority": authority, "steps": V.split_list(rec.get("steps")), "post": post,
        "description": V.text(rec.get("description")), "sources": V.split_list(rec.get("sources")),
        "factors": factors, "criteria": V.split_list(rec.get("criteria")), "grade": grade,
        "grade_reason": V.text(rec.get("grade_reason")),
        "residual": {k: V.scalar(v) for k, _, v in (x.partition("=") for x in (V.text(rec.get("residual")) or "").split())
                     if k and v},
        "owner": ctx.post(V.text(rec.get("owner")), where, at.get("owner", 1), "责任人"),
        "approval": _approval(ctx, V.text(rec.get("approval"))), "approved_digest": V.text(rec.get("approved_digest")),
        "reviewed": reviewed, "disclosure": disc,
        "indicators": prose.split_numbered(rec.get("indicators")),
        "responsible": _clean({"leader": _leader_cell(ctx, V.text(rec.get("leader")), bool(at.get("id"))),
                               "department_head": V.text(rec.get("department_head")),
                               "person": V.text(rec.get("person"))}) or None,
        "extra": rec.get(EXTRA) or {},
    })
    if cat == UNCATEGORISED and "category" not in at:
        data["category"] = cat
    return _validate(ctx, Risk, data, where, at, t)


def _leader_cell(ctx: _Ctx, value: str | None, exported: bool) -> str | None:
    """The 责任领导 a row names. In lfk export's table (it has 风险编号) a cell naming a post of the unit is the
    leader export worked out from the posts, not one the register holds: left out."""
    if exported and value is not None and value in ctx.posts_by_name:
        return None
    return value


def _department_post(ctx: _Ctx, value: str, where: tuple[str, int], col: int, field_zh: str) -> str | None:
    """The post of a 责任主体/责任科室 cell (the department the risk lies in, clause 5's 岗位) or of a 岗位类别/岗位
    column (``field_zh`` its header): the unit's post of that name, else a new post (IMP106, to be checked); a
    cell naming several is kept in ``extra`` (IMP105)."""
    name = V.post_name(value)
    if name is not None and (bare := ctx.unperson(name, where, col, field_zh)) != name:
        return ctx.post(bare, where, col, field_zh)  # 王建国（办公室主任）: the post; 徐千: none
    if name is not None and name not in ctx.post_ids and name not in ctx.posts_by_name:
        return ctx.new_post(name, where, col, lambda pid: T(
            f"{field_zh}「{name}」作为风险点所在岗位，新增岗位 {pid}", f"{field_zh} {name!r} is the risk's post: "
            f"new post {pid}"))
    return ctx.post(value, where, col, field_zh)


def _risk_section(ctx: _Ctx, rec: dict[str, Any]) -> tuple[dict[str, Any], str | None, bool]:
    """A section row above a risk row: its category when it names one of the taxonomy, else its 岗位/职权
    when the row has none (``from_section``), else left for its post (``section``)."""
    section = rec.get("section")
    if not section:
        return rec, None, False
    if not V.text(rec.get("category")) and section in ctx.categories:
        return {**rec, "category": section}, None, False
    if not V.text(rec.get("where")) and not V.text(rec.get("post")):
        return {**rec, "where": section}, None, True
    return rec, section, False


def _measure(ctx: _Ctx, rec: dict[str, Any], where: tuple[str, int], at: dict[str, int], t: Table) -> Measure | None:
    ok = True
    ctx.extra = {}
    kind, good = _vocab(ctx, V.text(rec.get("kind")), MEASURE_KINDS, where, at.get("kind", 1), "措施类别", "measure kind")
    ok &= good
    edu, good = _vocab(ctx, V.text(rec.get("education")), EDUCATION, where, at.get("education", 1), "教育形式",
                       "education form")
    ok &= good
    status, good = _vocab(ctx, V.text(rec.get("status")), MEASURE_STATUS, where, at.get("status", 1), "落实情况", "status")
    ok &= good
    effect, good = _vocab(ctx, V.text(rec.get("effect")), MEASURE_EFFECT, where, at.get("effect", 1), "实施效果", "effect")
    ok &= good
    phase, good = _vocab(ctx, V.text(rec.get("phase")), MEASURE_PHASES, where, at.get("phase", 1), "防控阶段", "phase")
    ok &= good
    due, good = _cell(ctx, rec, "due", V.date, where, at, t)
    ok &= good
    disc, good = _cell(ctx, rec, "disclosure", V.disclosure, where, at, t)
    ok &= good
    if not ok:
        return None
    data = _clean({
        "id": V.text(rec.get("id")), "risks": V.split_list(rec.get("risks")), "kind": kind, "education": edu,
        "description": V.text(rec.get("description")),
        "owner": ctx.post(V.text(rec.get("owner")), where, at.get("owner", 1), "责任岗位"),
        "due": due, "status": status, "effect": effect, "disclosure": disc,
        "phase": phase, "extra": {**(rec.get(EXTRA) or {}), **({"分组": rec["section"]} if rec.get("section") else {})},
    })
    data.setdefault("kind", "程序规范")
    return _validate(ctx, Measure, data, where, at, t)


def _benchmarks(ctx: _Ctx, tb: _Table) -> list[tuple[Benchmark, tuple[str, int]]]:
    out: dict[str, tuple[dict[str, Any], tuple[str, int]]] = {}
    last_key: dict[str, tuple[Any, ...]] = {}
    n = 0
    stand_in: list[str] = []  # ids made up for want of a 职权编码 column (序号 1, B-001): the unit must name the power
    bare: dict[int, tuple[dict[str, Any], tuple[str, int], int]] = {}  # items whose line gives no tier (cut off)
    for rnum, rec, at in tb.rows:
        where = (tb.sheet.name, rnum)
        ctx.extra = {}
        auth = V.text(rec.get("authority"))
        row_key = (V.text(rec.get("violation")), V.text(rec.get("basis")), V.text(rec.get("statutory")))
        if not auth and row_key[0] in ctx.auth_by_name:  # no 职权编码: the power of that name (对…的处罚)
            auth = ctx.auth_by_name[row_key[0] or ""]
        elif not auth:  # no 职权编码 column: the item's 序号 (1-1) when it is a valid id, else B-001 …
            seq = V.text(rec.get("seq"))
            if seq and valid_id(seq):
                auth = seq
            elif not seq and last_key and row_key[0] and last_key.get(prev := list(last_key)[-1]) == row_key:
                auth = prev  # a further tier line of the violation above (its cell merged or repeated)
            else:
                n += 1
                auth = f"B-{n:03d}" if not seq else (last_key and list(last_key)[-1]) or f"B-{n:03d}"
            if auth not in stand_in:
                stand_in.append(auth)
        if not valid_id(auth):  # it names the file benchmarks/<id>.yaml: never a path
            ctx.add("IMP102", Severity.ERROR, where, at.get("authority", 1),
                    T(f"职权编码「{auth}」不符合编号规则（字母数字开头，只含字母、数字、. _ -），该行未导入",
                      f"the power id {auth!r} breaks the id rules (letters, digits, . _ -); row not imported"))
            continue
        stat = _prose_fine(rec.get("statutory")) if rec.get("statutory") else None
        if stat is None:
            found = prose.fines(rec.get("basis"))
            stat = found[0] if found else None
        tier_fines, standard = prose.fine_cell(rec.get("fine"))
        bm, _ = out.setdefault(auth, ({"authority": auth, "items": []}, where))
        key = row_key
        if last_key.get(auth) != key or not bm["items"]:
            extra = dict(rec.get(EXTRA) or {})
            if rec.get("section"):
                extra["分组"] = rec["section"]
            bm["items"].append(_clean({"violation": key[0] or auth, "basis": key[1], "statutory": stat, "tiers": [],
                                       "remarks": V.text(rec.get("remarks")), "extra": extra}))
            bm["items"][-1].setdefault("tiers", [])
            last_key[auth] = key
        else:  # a further tier line: a cell of a column without a field that differs from the item's is kept too
            _more_extra(bm["items"][-1], rec.get(EXTRA) or {})
        item = bm["items"][-1]
        level = V.text(rec.get("level")) or "一般"
        circ = V.text(rec.get("circumstances"))
        tier = _clean({
            "level": level, "circumstances": circ, "penalty": V.split_short_list(rec.get("penalty")),
            "fine": tier_fines[0] if tier_fines else None, "fines": tier_fines[1:], "standard": standard,
        })
        tiers = item["tiers"]
        if not V.text(rec.get("level")) and not any(tier.get(k) for k in ("circumstances", "penalty", "fine", "fines",
                                                                           "standard")):
            bare.setdefault(id(item), (item, where, at.get("violation", 1)))  # no tier on this line: none made up
            continue
        if tiers and all(tiers[-1].get(k) == tier.get(k) for k in ("level", "standard", "fine", "fines", "penalty")):
            if circ:  # several 裁量情节 sharing one tier (its 类别 and 裁量标准 merged over them)
                tiers[-1]["circumstances"] = "\n".join(x for x in (tiers[-1].get("circumstances"), circ) if x)
            continue
        tiers.append(tier)
    if not any(c.key == "level" for c in tb.mapping.values()) and any(
            len(it["tiers"]) > 1 for data, _ in out.values() for it in data["items"]):
        ctx.add("IMP106", Severity.WARNING, (tb.sheet.name, tb.header_row), 1,
                T("表中没有裁量阶次列：各行按「一般」导入（按违法数量等情形分行的，各行的阶次未写明）",
                  "the table has no 裁量阶次 column: every line imported as 一般 (lines split by quantity or "
                  "circumstance say no level)"),
                T("请在各裁量基准文件中为每一行写明 level（从轻处罚、一般、从重处罚，或 lfk.yaml 的 benchmark_levels "
                  "中本单位的阶次）", "give each line its level (从轻处罚, 一般, 从重处罚, or the unit's own "
                  "benchmark_levels in lfk.yaml)"))
    if stand_in:
        shown = "、".join(stand_in[:5]) + ("…" if len(stand_in) > 5 else "")
        col = any(c.key == "authority" for c in tb.mapping.values())
        ctx.add("IMP106", Severity.WARNING, (tb.sheet.name, tb.header_row), 1,
                T(("职权编码为空" if col else "表中没有职权编码列") + f"，违法行为也不是本单位职权的名称：裁量基准暂以序号"
                  f"等编为 {shown}（benchmarks/{stand_in[0]}.yaml …），不是职权目录中的编码",
                  ("the 职权编码 is empty" if col else "the table has no 职权编码 column") + " and no violation is the "
                  f"name of a power of the unit: the benchmarks are numbered {shown} (benchmarks/{stand_in[0]}.yaml …), "
                  "not ids of the 职权目录"),
                T("请把各文件的 authority 改为职权目录中对应行政处罚职权的编码（lfk lint 的 LFK605 列出未对应的）",
                  "set each file's authority to the id of its 行政处罚 power in the 职权目录 (lfk lint LFK605 "
                  "lists those that name none)"))
    for item, where, col in bare.values():
        if not item["tiers"]:
            name = item["violation"].split("\n")[0]
            name = name if len(name) <= 30 else name[:29] + "…"
            ctx.add("IMP106", Severity.WARNING, where, col,
                    T(f"违法行为「{name}」没有裁量阶次、适用情形或裁量标准（表中此处空白或截断）：导入为没有阶次的一项",
                      f"the violation {name!r} has no level, circumstance or standard (blank or cut off in the table): "
                      "imported with no tiers"),
                    T("请在该裁量基准文件中补写 tiers（每个阶次的 level、circumstances、fine）",
                      "add its tiers (level, circumstances, fine of each) in the benchmark file"))
    _level_words_finding(ctx, tb, [t["level"] for data, _ in out.values() for it in data["items"] for t in it["tiers"]])
    result = []
    for data, where in out.values():
        model = _validate(ctx, Benchmark, data, where, {}, tb.table)
        if model is not None:
            result.append((model, where))
    return result


def levels_with(own: list[str], levels: list[str]) -> list[str]:
    """The unit's levels (lightest first) with a table's own tier words put in: each after the word the table lists
    before it, else before the next word the table lists after it that the levels hold, else last."""
    merged = list(levels)
    order = list(dict.fromkeys(own))
    for i, word in enumerate(order):
        if word in merged:
            continue
        before = next((w for w in reversed(order[:i]) if w in merged), None)
        after = next((w for w in order[i + 1:] if w in merged), None)
        at = merged.index(before) + 1 if before else merged.index(after) if after else len(merged)
        merged.insert(at, word)
    return merged


def _flow_word(word: str) -> str:
    """``word`` as an item of a YAML flow list that reads back as that text: quoted when it would be a number, a
    boolean or a date (类别 1, 2, 3), or holds a character a flow list gives meaning to."""
    plain = bool(word) and not re.search(r"[,\[\]{}:#&*!|>'\"%@`]|^[\s\-?]|\s$", word)
    if plain and not re.fullmatch(r"[-+.\d_:eExXoO]+|(?i:true|false|yes|no|on|off|null|y|n|~)", word):
        return word
    return json.dumps(word, ensure_ascii=False)  # a JSON string is a YAML double-quoted scalar


def _level_words_finding(ctx: _Ctx, tb: _Table, used: list[str]) -> None:
    """One IMP106 when the table's tier words (免予处罚, 显著轻微) are not the unit's levels: they are kept as
    written, lint will ask for them (LFK101); the ``benchmark_levels`` line that takes them, lightest first."""
    levels = list(ctx.register.config.benchmark_levels or DEFAULT_BENCHMARK_LEVELS)
    unknown = [w for w in dict.fromkeys(used) if w not in levels]
    if not unknown:
        return
    shown, have = "、".join(unknown), "、".join(levels)
    setting = "benchmark_levels: [" + ", ".join(_flow_word(w) for w in levels_with(used, levels)) + "]"
    ctx.add("IMP106", Severity.WARNING, (tb.sheet.name, tb.header_row), 1,
            T(f"裁量阶次「{shown}」不在本单位的阶次（{have}）中：原词照录，lfk lint 将逐条报 LFK101",
              f"the tier words {shown} are not the unit's levels ({have}): kept as written; lfk lint reports each "
              "(LFK101)"),
            T(f"若是本单位的阶次，在 lfk.yaml 中按从轻到重写 {setting}（表中先后已排入，请核对）",
              f"if they are the unit's levels, set {setting} in lfk.yaml, lightest first (placed by the table's "
              "order: check it)"))


def _more_extra(item: dict[str, Any], extra: dict[str, str]) -> None:
    """Cells of a tier line in columns no field holds, added to the item's ``extra`` when they differ from it
    (a merged cell repeats the item's value, of one line or several; a tier's own value is appended on a line of
    its own)."""
    mine = item.setdefault("extra", {})
    for name, value in extra.items():
        have = mine.get(name)
        if have is None:
            mine[name] = value
        elif f"\n{value}\n" not in f"\n{have}\n":
            mine[name] = f"{have}\n{value}"


def _prose_fine(value: Any) -> dict[str, Any] | None:
    """A fine cell: ``50000–150000元`` or prose (处二万元以上五万元以下罚款)."""
    try:
        return V.fine(value)
    except V.BadValue:
        found = prose.fines(value)
        return found[0] if found else None


def _measure_by_content(ctx: _Ctx, text: str, risk: str, used: set[str]) -> str | None:
    """The unit's measure with this text (answering this risk, if one does) not yet taken by this import."""
    free = [(mid, risks) for mid, risks in ctx.measure_by_text.get(text, []) if mid not in used]
    return next((mid for mid, risks in free if risk in risks), free[0][0] if free else None)


def _measures_from_cells(ctx: _Ctx, tb: _Table, risks: list[tuple[Risk, tuple[str, int]]],
                         taken: set[str], used_now: set[str]) -> list[tuple[Measure, tuple[str, int]]]:
    """Measures numbered in the risk table's 防控措施 cell (when no 防控措施 sheet is given); ``used_now``:
    the unit's measures this import has matched already."""
    out: list[tuple[Measure, tuple[str, int]]] = []
    by_row: dict[tuple[str, int], list[Risk]] = {}  # a row listing several risks gives each the row's measures
    for r, where in risks:
        by_row.setdefault(where, []).append(r)
    n = 0
    # a cell merged over several risk rows is one set of measures, each listing those risks
    from_origin: dict[tuple[int, int], list[dict[str, Any]]] = {}
    built: list[tuple[dict[str, Any], tuple[str, int]]] = []
    done: set[int] = set()
    for rnum, rec, at in tb.rows:
        row_risks = by_row.get((tb.sheet.name, rnum))
        if not row_risks or rnum in done:
            continue
        done.add(rnum)
        risk = row_risks[0]
        origin = (rec.get("__merged__") or {}).get("measures_text") or (rnum, at.get("measures_text", 0))
        if origin in from_origin:
            for data in from_origin[origin]:
                data["risks"].extend(r.id for r in row_risks if r.id not in data["risks"])
            continue
        group = from_origin.setdefault(origin, [])
        for line in prose.split_numbered(rec.get("measures_text"), ctx.register.config.import_.split_measures):
            mid = _measure_by_content(ctx, line, risk.id, used_now)
            if mid is None:
                n += 1
                mid = f"M-{n:03d}"
                while mid in taken:
                    n += 1
                    mid = f"M-{n:03d}"
            taken.add(mid)
            used_now.add(mid)
            pair = ctx.categories.get(risk.category)
            kind = pair.measures[0] if pair and pair.measures and pair.measures[0] in MEASURE_KINDS else "程序规范"
            data = {"id": mid, "risks": [r.id for r in row_risks], "kind": kind, "description": line}
            if risk.owner:
                data["owner"] = risk.owner
            group.append(data)
            built.append((data, (tb.sheet.name, rnum)))
    for data, where in built:
        out.append((Measure.model_validate(data), where))
    return out


def _assign_ids(ctx: _Ctx, items: list[tuple[Any, tuple[str, int]]], prefix: str, existing: set[str],
                seen: dict[str, tuple[str, int]] | None = None) -> list[Any]:
    """Give rows without an id one (R-001 ...; said once for the table, IMP106), report repeated ids (IMP107);
    ``seen`` is shared by the tables of one kind (several in one input)."""
    out = []
    seen = {} if seen is None else seen
    n = 0
    given: list[tuple[str, tuple[str, int]]] = []
    for data, where in items:
        if data.get("id") and not valid_id(data["id"]):  # an id names a file or a page: never a path
            data.setdefault(EXTRA, {})
            data[EXTRA] = {**data[EXTRA], "原编号": data["id"]}
            ctx.add("IMP102", Severity.WARNING, where, 1,
                    T(f"编号「{data['id']}」不符合编号规则（字母数字开头，只含字母、数字、. _ -），已重新编号，原编号保留在 extra",
                      f"the id {data['id']!r} breaks the id rules (letters, digits, . _ -); renumbered, the original "
                      "kept in extra"))
            data["id"] = None
        if not data.get("id"):
            n += 1
            while f"{prefix}-{n:03d}" in existing or f"{prefix}-{n:03d}" in seen:
                n += 1
            data["id"] = f"{prefix}-{n:03d}"
            given.append((data["id"], where))
        if data["id"] in seen:
            ctx.add("IMP107", Severity.ERROR, where, 1,
                    T(f"编号 {data['id']} 重复（第 {seen[data['id']][1]} 行已有）",
                      f"the id {data['id']} repeats (first on row {seen[data['id']][1]})"))
            continue
        seen[data["id"]] = where
        out.append((data, where))
    if given:
        ids = [i for i, _ in given]
        shown = "、".join(ids) if len(ids) <= 3 else f"{ids[0]}、{ids[1]} … {ids[-1]}"
        ctx.add("IMP106", Severity.INFO, given[0][1], 1,
                T(f"没有编号，编为 {shown}" + (f"（共 {len(ids)} 项）" if len(ids) > 1 else ""),
                  f"no id; numbered {shown.replace('、', ', ')}" + (f" ({len(ids)} items)" if len(ids) > 1 else "")))
    return out


# -- reading a whole input -----------------------------------------------------------------------------
def read_items(register: Register, unit_id: str, paths: list[Path], *, from_unit: str | None = None,
               kind: str | None = None, columns: dict[str, str] | None = None) -> tuple[Items, list[Finding]]:
    """The items of ``paths`` for ``unit_id`` (names resolved against the files and the unit), and findings.

    Several files are read as one input (e.g. the CSVs of ``lfk export --format csv --table all``).
    ``kind`` (``--as``) reads every sheet as that table; ``columns`` (``--map``) adds to ``import.columns``.
    """
    check_columns(register.config.import_.columns, "lfk.yaml import.columns")
    ctx = _Ctx(register, unit_id, str(paths[0]) if paths else "", kind=kind, columns=columns)
    ud = register.unit(unit_id) if unit_id in register.unit_ids else None
    if ud is not None:
        _learn_unit(ctx, ud)
    items = Items()
    sheets = _read_sources(ctx, paths, items, from_unit)
    items.sheet_source = ctx.sheet_source
    items.columns = ctx.columns
    if not sheets:
        return items, ctx.findings
    tables = _recognise(ctx, sheets)
    items.flows = ctx.flows
    items.titles = ctx.titles
    items.notes = ctx.notes
    if not tables and not ctx.flows:
        ctx.add("IMP100", Severity.ERROR, (sheets[0].name, 0), 1,
                T("没有可导入的表：没有一张表的表头能对应登记册的字段", "nothing to import: no sheet has headers lfk knows"),
                T("表头示例：风险点、风险等级、防控措施、职权名称、职权类别；或用 --as 指明表的种类、--map 指定列对应",
                  "e.g. headers 风险点, 风险等级, 防控措施, 职权名称; or say the kind with --as, the columns with --map"))
    _filter_unit(ctx, tables, from_unit)
    by_key: dict[str, list[_Table]] = {}
    for tb in tables:
        by_key.setdefault(tb.table.key, []).append(tb)
    # posts and approvals first: other tables name them
    _read_posts(ctx, by_key.get("posts", []), items)
    _read_approvals(ctx, by_key.get("approvals", []), items)
    existing = {k: set(ud.raw_ids.get(k, set()) if ud else set()) for k in ("authorities", "risks", "measures")}
    _read_authorities(ctx, by_key.get("authorities", []), items, existing["authorities"])
    _read_risks(ctx, by_key.get("risks", []), items, existing["risks"])
    _read_measures(ctx, by_key, items, existing["measures"])
    for tb in by_key.get("benchmarks", []):
        items.benchmarks.extend(_benchmarks(ctx, tb))
    items.posts.extend(ctx.new_posts)
    _where_kept_finding(ctx)
    _persons_finding(ctx)
    _grade_words_finding(ctx)
    return items, ctx.findings


def check_columns(columns: dict[str, str], where: str) -> None:
    """A column mapping names fields import knows (or ``extra``): else a one-line error naming them."""
    fields = import_fields()
    bad = {h: f for h, f in columns.items() if f != "extra" and f not in fields}
    if bad:
        allowed = ", ".join([*fields, "extra"])
        msg = (f"{where}: unknown field {', '.join(f'{f!r} (for {h!r})' for h, f in bad.items())} "
               f"/ 未知字段; allowed: {allowed}")
        if where.startswith("lfk.yaml"):
            raise ConfigError(msg)
        raise UsageError(msg)


def read_column_map(path: Path) -> dict[str, str]:
    """A ``--map`` file: YAML of the shape of lfk.yaml's ``import:`` (``import: {columns: {header: field}}``,
    or just ``columns: …``)."""
    lf = load_file(path, str(path), max_bytes=1024 * 1024)
    if lf.data is None:
        why = lf.findings[0].text("en") if lf.findings else "empty"
        raise UsageError(f"--map {path}: {why} / 无法读取列对应文件")
    data = lf.data.get("import", lf.data) if isinstance(lf.data, dict) else None
    cols = data.get("columns") if isinstance(data, dict) else None
    if not isinstance(cols, dict) or not all(isinstance(v, str) for v in cols.values()):
        raise UsageError(f"--map {path}: expected import: {{columns: {{<source header>: <field>}}}} "
                         "/ 格式应为 import: {columns: {表头: 字段}}")
    return {str(k): v for k, v in cols.items()}


def _learn_unit(ctx: _Ctx, ud: Any) -> None:
    """The unit's posts, approvals, measures, risks and powers: names resolve to them, re-imports match them."""
    for p in ud.posts.values():
        ctx.learn_post(p.id, p.name)
    for ap in ud.unit.approvals if ud.unit else []:
        ctx.approval_ids.add(ap.id)
        ctx.approval_by_text.setdefault(ap.meeting, ap.id)
    for m in ud.measures:
        if m.model.description:
            ctx.measure_by_text.setdefault(m.model.description, []).append((m.model.id, tuple(m.model.risks)))
    for r in ud.risks:
        ctx.risk_by_text.setdefault((r.model.title, r.model.description or ""), []).append(r.model.id)
    for a in ud.authorities:
        ctx.auth_ids.add(a.model.id)
        ctx.auth_by_name.setdefault(a.model.name, a.model.id)
        ctx.unit_auth_by_name.setdefault(a.model.name, a.model.id)


def _read_sources(ctx: _Ctx, paths: list[Path], items: Items, from_unit: str | None) -> list[Sheet]:
    """The sheets of every input file (a JSON export is read into ``items`` at once)."""
    sheets: list[Sheet] = []
    for path in paths:
        raw = read_any(path)
        if not isinstance(raw, list):
            ctx.source = str(path)
            for kind in ("authorities", "risks", "measures", "benchmarks", "posts", "approvals"):
                ctx.sheet_source[f"json:{kind}"] = str(path)
            _json_items(ctx, raw, items, from_unit)
            continue
        for sh in raw:
            if ctx.sheet_source.get(sh.name, str(path)) != str(path):  # Sheet1 of another file: findings name theirs
                sh.name = f"{sh.name}（{path.name}）"
            ctx.sheet_source[sh.name] = str(path)
            _uncalculated(ctx, sh)
            if sh.hidden and sh.rows:
                ctx.add("IMP106", Severity.WARNING, (sh.name, 0), 1,
                        T("这是隐藏的工作表，其内容照样导入", "a hidden worksheet: imported like the others"),
                        T("隐藏表若是旧版本或下拉选项，请删除该表（或取消隐藏核对）后重新导入",
                          "if it is an old copy or a list of choices, delete it (or unhide it to check) and import "
                          "again"))
        sheets.extend(raw)
    return sheets


def _uncalculated(ctx: _Ctx, sheet: Sheet) -> None:
    """Say once per sheet that formulas came without their results (kept as their text ``=…``)."""
    if not sheet.formulas:
        return
    from openpyxl.utils import get_column_letter

    (r, c), text = min(sheet.formulas.items())
    n = len(sheet.formulas)
    ctx.add("IMP102", Severity.WARNING, (sheet.name, r), c,
            T(f"{n} 个单元格是没有计算结果的公式（如 {get_column_letter(c)}{r}「{text}」），按公式原文导入",
              f"{n} cells are formulas saved without their results (e.g. {get_column_letter(c)}{r} {text!r}); "
              "imported as the formula text"),
            T("该文件由程序生成、未经 Excel 计算；请用 Excel 或 WPS 打开并保存后重新导入",
              "the file was written by a program and never calculated: open and save it in Excel or WPS, then "
              "import it again"))


def _read_posts(ctx: _Ctx, tables: list[_Table], items: Items) -> None:
    for tb in tables:
        for rnum, rec, at in tb.rows:
            where = (tb.sheet.name, rnum)
            leader, ok1 = _cell(ctx, rec, "leader", V.boolean, where, at, tb.table)
            internal, ok2 = _cell(ctx, rec, "internal", V.boolean, where, at, tb.table)
            if not (ok1 and ok2):
                continue
            post = _validate(ctx, Post, _clean({"id": V.text(rec.get("id")), "name": V.text(rec.get("name")),
                                                "leader": leader, "internal": internal}), where, at, tb.table)
            if post is not None:
                items.posts.append((post, where))
                ctx.learn_post(post.id, post.name)


def _read_approvals(ctx: _Ctx, tables: list[_Table], items: Items) -> None:
    for tb in tables:
        for rnum, rec, at in tb.rows:
            where = (tb.sheet.name, rnum)
            day, ok = _cell(ctx, rec, "date", V.date, where, at, tb.table)
            if not ok:
                continue
            ap = _validate(ctx, Approval, _clean({"id": V.text(rec.get("id")), "date": day,
                                                  "meeting": V.text(rec.get("meeting")),
                                                  "minutes": V.text(rec.get("minutes"))}), where, at, tb.table)
            if ap is not None:
                items.approvals.append((ap, where))
                ctx.approval_ids.add(ap.id)
                ctx.approval_by_text.setdefault(ap.meeting, ap.id)


def _read_authorities(ctx: _Ctx, tables: list[_Table], items: Items, existing: set[str]) -> None:
    seen: dict[str, tuple[str, int]] = {}
    matched: set[str] = set()

    def by_name(rec: dict[str, Any]) -> str | None:  # re-import of a 权力目录 without ids: the unit's power
        found = ctx.unit_auth_by_name.get(V.text(rec.get("name")) or "")
        if found is None or found in matched:
            return None
        matched.add(found)
        return found

    for tb in tables:
        rows = _assign_ids(ctx, [({**rec, "id": V.text(rec.get("id")) or by_name(rec)}, (tb.sheet.name, n))
                                 for n, rec, _ in tb.rows], "QL", existing, seen)
        existing.update(seen)
        ats = {n: at for n, _, at in tb.rows}
        for rec, _where in rows:  # names first, so risks can name a power of this file
            name = V.text(rec.get("name"))
            ctx.auth_ids.add(rec["id"])
            if name:
                ctx.auth_by_name.setdefault(name, rec["id"])
        for rec, where in rows:
            a = _authority(ctx, rec, where, ats[where[1]], tb.table)
            if a is not None:
                items.authorities.append((_duty_flow(ctx, a, rec.get("duties"), where), where))


def _duty_flow(ctx: _Ctx, a: Authority, duties: Any, where: tuple[str, int]) -> Authority:
    """A power's 责任事项 cell (1.受理责任：… 2.审查责任：…): the power's flow, one step per stage (linked in
    ``_duty_flow_authorities``); a cell that lists no stages is kept in the power's extra."""
    text = V.text(duties)
    if not text:
        return a
    found = FL.duty_stages(text)
    if found is None or a.flow:
        return a.model_copy(update={"extra": {**a.extra, "责任事项": text}})
    description, steps = found
    ctx.flows.append(({"name": a.name, "description": description, "steps": steps, "columns": [], "titled": False,
                       "authority": a.id}, where))
    return a


def _several_risks(tb: _Table) -> list[tuple[int, dict[str, Any], dict[str, int]]]:
    """A risk table without a 风险点 column whose 表现形式 cell lists several labelled risks (1.受理风险:… 2.审查风险:…,
    often beside a 风险点数量 column): one record per listed risk, its label the title, its text the description;
    a grade cell counting them all of one grade (3低) gives each that grade."""
    if any(c.key == "title" for c in tb.mapping.values()):
        return tb.rows
    out = []
    for rnum, rec, at in tb.rows:
        found = prose.labelled_items(rec.get("description"))
        if not found:
            out.append((rnum, rec, at))
            continue
        count = prose.grade_count(rec.get("grade"))
        grade = count[1] if count and count[0] == len(found) else rec.get("grade")
        out.extend((rnum, {**rec, "title": label, "description": text, "grade": grade}, at) for label, text in found)
    return out


def _listed_risks(tb: _Table) -> list[tuple[int, dict[str, Any], dict[str, int]]]:
    """A 风险点 cell listing several risks (``1.…2.…``, ``1、…；2、…``, ``（1）…（2）…``, one per line): one record
    per item (the row's other cells shared: its measures then answer each), never one risk titled with the whole
    list. A long item's title is its first clause (``prose.short_title``), its full text the description; a
    风险描述 cell listing as many items gives each risk its own, else each the whole description. A row with a
    风险编号 is one risk (the register's own, as ``lfk export`` wrote it)."""
    out = []
    for rnum, rec, at in tb.rows:
        title, desc = V.text(rec.get("title")), V.text(rec.get("description"))
        found = prose.list_items(title or desc) if not V.text(rec.get("id")) else None  # an id: one risk as held
        if not found:
            out.append((rnum, rec, at))
            continue
        if not title:  # no 风险点: the description stands for it (as in ``_risk``)
            desc = None
        descs = prose.list_items(desc) or []
        for k, item in enumerate(found):
            own = descs[k] if len(descs) == len(found) else desc
            short = prose.short_title(item)
            full = "\n".join(x for x in (item if short != item else None, own) if x) or None
            out.append((rnum, {**rec, "title": short, "description": full}, at))
    return out


def _read_risks(ctx: _Ctx, tables: list[_Table], items: Items, existing: set[str]) -> None:
    seen: dict[str, tuple[str, int]] = {}
    for tb in tables:
        tb.rows = _several_risks(tb)
        tb.rows = _listed_risks(tb)
        rows = _assign_ids(ctx, [({**rec, "id": V.text(rec.get("id")) or _risk_by_content(ctx, rec)},
                                  (tb.sheet.name, n)) for n, rec, _ in tb.rows], "R", existing, seen)
        existing.update(seen)
        ats = {n: at for n, _, at in tb.rows}
        ctx.where_header = next((c["header"] for c in ctx.columns if c["field"] == "where" and names_posts(c["header"])
                                 and (c["sheet"], c["row"]) == (tb.sheet.name, tb.header_row)), None)
        for rec, where in rows:
            r = _risk(ctx, rec, where, ats[where[1]], tb.table)
            if r is not None:
                items.risks.append((r, where))
        grade_col = next((j for j, c in tb.mapping.items() if c.key == "grade"), None)
        if grade_col is not None and tb.rows and not any(V.text(rec.get("grade")) for _, rec, _ in tb.rows):
            ctx.add("IMP106", Severity.WARNING, (tb.sheet.name, tb.header_row), grade_col + 1,
                    T("「风险等级」列每一行都是空的：导入的风险都没有等级（不是导入丢失，表中未定级）",
                      "the 风险等级 column is empty on every row: no imported risk has a grade (none was given)"),
                    T("请按 lfk.yaml 的 grading 为每个风险填写评定因素 factors（或等级 grade），经集体审定",
                      "give each risk its grading factors (or grade) per lfk.yaml's grading, approved collectively"))


def _read_measures(ctx: _Ctx, by_key: dict[str, list[_Table]], items: Items, existing: set[str]) -> None:
    """The 防控措施 tables; without one, the measures written in the risk tables' 防控措施 cells."""
    if by_key.get("measures"):
        seen: dict[str, tuple[str, int]] = {}
        for tb in by_key["measures"]:
            rows = _assign_ids(ctx, [({**rec, "id": V.text(rec.get("id"))}, (tb.sheet.name, n))
                                     for n, rec, _ in tb.rows], "M", existing, seen)
            existing.update(seen)
            ats = {n: at for n, _, at in tb.rows}
            for rec, where in rows:
                m = _measure(ctx, rec, where, ats[where[1]], tb.table)
                if m is not None:
                    items.measures.append((m, where))
        return
    assumed: dict[str, int] = {}
    used: set[str] = set()
    for tb in by_key.get("risks", []):
        if any(c.key == "measures_text" for c in tb.mapping.values()):
            got = _measures_from_cells(ctx, tb, items.risks, existing, used)
            items.measures.extend(got)
            assumed[tb.sheet.name] = assumed.get(tb.sheet.name, 0) + len(got)
    for sheet, n in assumed.items():
        if n:
            ctx.add("IMP106", Severity.WARNING, (sheet, 0), 1,
                    T(f"没有“防控措施”表：从「防控措施」列拆出 {n} 项措施，措施类别按风险类别暂定、落实情况为“计划”",
                      f"no 防控措施 sheet: {n} measures split from the 防控措施 column; their kind follows the risk's "
                      "category and their status is 计划"),
                    T("请在 measures.yaml 中核对措施类别、责任岗位、完成时限", "check kind, owner and due in measures.yaml"))


def _risk_by_content(ctx: _Ctx, rec: dict[str, Any]) -> str | None:
    """The id of the unit's risk with this row's title and description not yet taken by another row (re-import
    of a table without ids; rows of the same text, 申请人提供了虚假资料 under several powers, each their own)."""
    title, desc = V.text(rec.get("title")), V.text(rec.get("description"))
    if not title:
        title, desc = desc, None
    ids = ctx.risk_by_text.get((prose.strip_number(title) if title else "", desc or ""), [])
    found = next((rid for rid in ids if rid not in ctx.risks_matched), None)
    if found:
        ctx.risks_matched.add(found)
    return found


def _json_items(ctx: _Ctx, data: Any, items: Items, from_unit: str | None) -> None:
    units = data.get("units") if isinstance(data, dict) else None
    if not isinstance(units, list) or not units:
        raise InputError(f"{ctx.source}: not an lfk export (no \"units\") / 不是 lfk 导出的 JSON")
    wanted = from_unit or ctx.unit_id
    pick = [u for u in units if isinstance(u, dict) and u.get("id") == wanted]
    if not pick:
        if len(units) == 1 and not from_unit:
            pick = units
        else:
            ids = ", ".join(str(u.get("id")) for u in units if isinstance(u, dict))
            raise UsageError(f"the JSON holds units {ids}; none is {wanted} / JSON 中没有该单位",
                             hint="choose one with --from-unit ID")
    u = pick[0]
    sheet = "json"
    kinds: list[tuple[str, type[BaseModel]]] = [("authorities", Authority), ("risks", Risk), ("measures", Measure),
                                                 ("benchmarks", Benchmark)]
    for key, model in kinds:
        for i, raw in enumerate(u.get(key) or [], 1):
            m = _validate(ctx, model, raw if isinstance(raw, dict) else {}, (f"{sheet}:{key}", i), {}, TABLES[key])
            if m is not None:
                getattr(items, key).append((m, (f"{sheet}:{key}", i)))
    unit = u.get("unit") or {}
    for i, raw in enumerate(unit.get("posts") or [], 1):
        m = _validate(ctx, Post, raw, (f"{sheet}:posts", i), {}, TABLES["posts"])
        if m is not None:
            items.posts.append((m, (f"{sheet}:posts", i)))
    for i, raw in enumerate(unit.get("approvals") or [], 1):
        m = _validate(ctx, Approval, raw, (f"{sheet}:approvals", i), {}, TABLES["approvals"])
        if m is not None:
            items.approvals.append((m, (f"{sheet}:approvals", i)))


# -- vocabulary checks on models that came from JSON too -------------------------------------------------
def _check_vocab(ctx: _Ctx, items: Items) -> None:
    for r, where in items.risks:
        if not where[0].startswith("json:"):
            continue  # table rows were checked as they were read
        if r.category not in ctx.categories:
            _vocab(ctx, r.category, list(ctx.categories), where, 1, "风险类别", "risk category")
        elif r.kind and r.kind not in ctx.categories[r.category].kinds:
            _vocab(ctx, r.kind, ctx.categories[r.category].kinds, where, 1, f"风险类型（{r.category}）",
                   f"kind of risk ({r.category})")


# -- planning the writes -------------------------------------------------------------------------------------
def _dump_item(model: BaseModel, kind: str) -> dict[str, Any]:
    data = model.model_dump(mode="python", exclude_none=True, exclude_defaults=True)
    full = model.model_dump(mode="python")
    out = {k: full[k] for k in type(model).model_fields if k in data or k in KEEP_EXPLICIT.get(kind, ())}
    return out


def _same(a: BaseModel, b: BaseModel) -> bool:
    return a.model_dump(mode="json") == b.model_dump(mode="json")


def plan_import(register: Register, unit_id: str, items: Items, *, replace: bool = False, source: str = "",
                findings: list[Finding] | None = None, today: dt.date | None = None) -> ImportResult:
    """The files an import of ``items`` into ``unit_id`` writes (merge by id; see the module doc)."""
    res = ImportResult(findings=list(findings or []), columns=list(items.columns))
    ctx = _Ctx(register, unit_id, source)
    _check_vocab(ctx, items)
    res.findings.extend(ctx.findings)
    plan = _Plan(res, register, unit_id, items, replace, source, _file_header(source, today, items.titles,
                                                                                       items.notes))
    _flow_ids(register, unit_id, items)
    _titled_flow_authorities(plan.ud, items)
    _duty_flow_authorities(items)
    plan.merge_list("authorities", items.authorities, {a.model.id: a.model for a in plan.ud.authorities})
    plan.merge_list("risks", items.risks, {r.model.id: r.model for r in plan.ud.risks})
    plan.merge_list("measures", items.measures, {m.model.id: m.model for m in plan.ud.measures})
    plan.merge_unit_yaml()
    _plan_flows(res, register, unit_id, items, plan.header)
    plan.benchmarks()
    res.files = [f for f in res.files if f.old != f.new]
    return res


def _file_header(source: str, today: dt.date | None, titles: list[str], notes: list[str]) -> str:
    """The comment on top of a file import writes: where it came from, when, the tables' captions and the
    notes at their foot."""
    header = f"由 lfk import 自 {Path(source).name} 导入（{(today or dt.date.today()).isoformat()}）"
    for label, texts in (("表题", titles), ("表注", notes)):
        for text in dict.fromkeys(texts):
            header += f"\n{label}：" + " ".join(text.split())
    return header


def _titled_flow_authorities(ud: Any, items: Items) -> None:
    """A titled 责任清单 is the list of one power: the power (QL-001 …) runs on the flow read from it."""
    names = {a.model.name: a.model.id for a in ud.authorities} | {a.name: a.id for a, _ in items.authorities}
    for flow, where in items.flows:
        if flow.get("titled") and flow["name"] not in names:
            n = 1
            while f"QL-{n:03d}" in {a.model.id for a in ud.authorities} | {a.id for a, _ in items.authorities}:
                n += 1
            items.authorities.append((Authority.model_validate({
                "id": f"QL-{n:03d}", "name": flow["name"], "category": _guess_category(flow["name"]),
                "flow": flow["id"]}), where))


def _duty_flow_authorities(items: Items) -> None:
    """A power whose 责任事项 cell gave a flow runs on it (the flow's id known now)."""
    flow_of = {flow["authority"]: flow["id"] for flow, _ in items.flows if flow.get("authority")}
    items.authorities = [(a.model_copy(update={"flow": flow_of[a.id]}) if a.id in flow_of and not a.flow else a, w)
                         for a, w in items.authorities]


@dataclass
class _Plan:
    """Planning the writes of one import: merges each kind of item into the unit's files."""

    res: ImportResult
    register: Register
    unit_id: str
    items: Items
    replace: bool
    source: str
    header: str

    def __post_init__(self) -> None:
        self.ud = self.register.unit(self.unit_id)
        self.base = f"units/{self.unit_id}"

    def conflict(self, ident: str, where: tuple[str, int]) -> None:
        """IMP104: an id the unit has with other content (not overwritten without --replace)."""
        sheet, row = where
        self.res.findings.append(Finding(
            "IMP104", Severity.ERROR, self.items.sheet_source.get(sheet, self.source), row or 1, 1,
            T(f"工作表「{sheet}」第 {row} 行：{ident} 在本单位已存在且内容不同，未覆盖",
              f"sheet {sheet!r} row {row}: {ident} already exists in the unit with other content; not overwritten"),
            T("确认要以导入内容为准时加 --replace", "add --replace to take the imported content"), extra={"sheet": sheet}))

    def _merge_seq(self, key: str, seq: Any, new_items: list[tuple[BaseModel, tuple[str, int]]],
                   current: dict[str, BaseModel]) -> bool:
        """Merge ``new_items`` into the YAML sequence ``seq`` by id; whether anything changed."""
        counts = self.res.counts.setdefault(key, {"added": 0, "replaced": 0, "unchanged": 0})
        index = {str(n.get("id")): i for i, n in enumerate(seq) if isinstance(n, dict)}
        changed = False
        for model, where in new_items:
            ident = model.id  # type: ignore[attr-defined]
            cur = current.get(ident)
            if cur is not None and _same(cur, model):
                counts["unchanged"] += 1
                continue
            if ident in index or ident in current:
                if not self.replace:
                    self.conflict(ident, where)
                    continue
            if ident in index:
                seq[index[ident]] = to_node(_dump_item(model, key))
                counts["replaced"] += 1
            else:
                seq.append(to_node(_dump_item(model, key)))
                index[ident] = len(seq) - 1
                counts["added"] += 1
            changed = True
        return changed

    def merge_list(self, kind: str, new_items: list[Any], current: dict[str, BaseModel]) -> None:
        """authorities.yaml, risks.yaml, measures.yaml: items merged by id."""
        self.res.counts.setdefault(kind, {"added": 0, "replaced": 0, "unchanged": 0})
        if not new_items:
            return
        rel = f"{self.base}/{kind}.yaml"
        path = self.register.root / rel
        old = path.read_text(encoding="utf-8") if path.is_file() else None
        doc = load_rt(old, rel) if old else None
        if doc is None or not isinstance(doc, dict):
            doc = to_node({kind: []})
        if doc.get(kind) is None or not isinstance(doc.get(kind), list):
            doc[kind] = to_node([])
        if not self._merge_seq(kind, doc[kind], new_items, current):
            return
        canonicalize(doc, LIST_FIELDS[kind])
        text = dump_rt(doc)
        if old is None:
            text = "".join(f"# {line}\n" for line in self.header.splitlines()) + text
        else:  # a caption of the table (表题) not yet in the file: kept as a comment on top
            text = "".join(f"# {line}\n" for line in self.header.splitlines()[1:] if f"# {line}\n" not in text) + text
        self.res.files.append(PlannedFile(rel, old, text))

    def merge_unit_yaml(self) -> None:
        """unit.yaml: posts and approvals the unit does not have yet."""
        items, ud = self.items, self.ud
        if not (items.posts or items.approvals):
            return
        rel = f"{self.base}/unit.yaml"
        old = (self.register.root / rel).read_text(encoding="utf-8")
        doc = load_rt(old, rel)
        changed = False
        for key, new, current in (("posts", items.posts, ud.posts),
                                  ("approvals", items.approvals,
                                   {a.id: a for a in (ud.unit.approvals if ud.unit else [])})):
            self.res.counts.setdefault(key, {"added": 0, "replaced": 0, "unchanged": 0})
            if not new:
                continue
            if doc.get(key) is None:
                doc[key] = to_node([])
            changed |= self._merge_seq(key, doc[key], new, current)
        if changed:
            canonicalize(doc, Unit)
            self.res.files.append(PlannedFile(rel, old, dump_rt(doc)))

    def benchmarks(self) -> None:
        """benchmarks/<power>.yaml: one file per power."""
        counts = self.res.counts.setdefault("benchmarks", {"added": 0, "replaced": 0, "unchanged": 0})
        current_bm = {b.model.authority: b.model for b in self.ud.benchmarks}
        for bm, where in self.items.benchmarks:
            rel = f"{self.base}/benchmarks/{bm.authority}.yaml"
            path = self.register.root / rel
            old = path.read_text(encoding="utf-8") if path.is_file() else None
            cur = current_bm.get(bm.authority)
            if cur is not None and _same(cur, bm):
                counts["unchanged"] += 1
                continue
            if old is not None and not self.replace:
                self.conflict(bm.authority, where)
                continue
            counts["replaced" if old is not None else "added"] += 1
            self.res.files.append(PlannedFile(rel, old, dump_new(_dump_item(bm, "benchmarks"), Benchmark,
                                                                 header=self.header)))


def _flow_ids(register: Register, unit_id: str, items: Items) -> None:
    """Ids of the flows read from 责任清单 tables: the unit's flow of the same name, else F-001 …"""
    ud = register.unit(unit_id)
    by_name = {f.model.name: f.model.id for f in ud.flows.values()}
    used = set(ud.flows)
    n = 0
    for flow, _where in items.flows:
        fid = by_name.get(flow["name"])
        if fid is None:
            n += 1
            while f"F-{n:03d}" in used:
                n += 1
            fid = f"F-{n:03d}"
        used.add(fid)
        flow["id"] = fid


def _plan_flows(res: ImportResult, register: Register, unit_id: str, items: Items, header: str) -> None:
    """Flows read from 责任清单 tables (ids from ``_flow_ids``)."""
    if not items.flows:
        return
    counts = res.counts.setdefault("flows", {"added": 0, "replaced": 0, "unchanged": 0})
    ud = register.unit(unit_id)
    for flow, _where in items.flows:
        fid = flow["id"]
        cur = ud.flows[fid].model if fid in ud.flows else None
        model = Flow.model_validate(FL.flow_data(flow, fid))
        if cur is not None and _same(cur, model):
            counts["unchanged"] += 1
            continue
        rel = f"units/{unit_id}/flows/{fid}.yaml"
        old = (register.root / rel).read_text(encoding="utf-8") if (register.root / rel).is_file() else None
        counts["replaced" if old is not None else "added"] += 1
        res.files.append(PlannedFile(rel, old, dump_new(_dump_item(model, "flows"), Flow, header=header)))


def apply(register: Register, result: ImportResult) -> None:
    """Write the planned files (atomically, each; folders created as needed) under the register's write
    lock, each through ``lfk.loader.guard`` like every other writer: a register file of a known kind,
    under the root, not a link."""
    root = register.root.resolve()
    for pf in result.files:  # every write stays under the root, inside the unit's folder
        parts = Path(pf.rel).parts
        target = (register.root / pf.rel).resolve()
        if ".." in parts or Path(pf.rel).is_absolute() or not target.is_relative_to(root) or parts[:1] != ("units",):
            raise InputError(f"{pf.rel}: outside the register / 不在登记册内，拒绝写入")
        register_target(register.root, pf.rel)
    check_writable([register.root / pf.rel for pf in result.files])
    with register_lock(register.root):
        for pf in result.files:
            write_register_file(register.root, pf.rel, pf.new, make_parents=True)
    result.written = True


def run_import(register: Register, unit_id: str, paths: list[Path] | Path, *, replace: bool = False,
               dry_run: bool = False, force: bool = False, from_unit: str | None = None,
               today: dt.date | None = None, kind: str | None = None,
               columns: dict[str, str] | None = None, decision: Decision | None = None) -> ImportResult:
    """Read ``paths`` and merge them into ``unit_id`` (library entry point of ``lfk import``).

    Nothing is written with ``dry_run``, nor when an error finding of the importer remains (unless
    ``force``). ``kind`` (``--as``) reads every sheet as that table; ``columns`` (``--map``) maps source
    headers to fields. ``decision``: which IMP findings are reported, at which severity (default: lfk.yaml's
    ``lint`` settings; ``lfk.core.decision.for_register``); it never changes what is written.
    """
    if kind is not None and kind not in KINDS:
        raise UsageError(f"--as {kind!r}: use one of {', '.join(KINDS)} / 未知的表种类")
    check_columns(columns or {}, "--map")
    if unit_id not in register.unit_ids or register.unit_model(unit_id) is None:
        raise UsageError(f"unit {unit_id!r} does not exist (or its unit.yaml is invalid) / 单位不存在",
                         hint=f"create it first: lfk new unit {unit_id} --name 单位名称 --type 行政机关")
    paths = [paths] if isinstance(paths, Path) else list(paths)
    if not paths:
        raise UsageError("no input file / 没有输入文件")
    shown = ", ".join(p.name for p in paths)
    items, findings = read_items(register, unit_id, paths, from_unit=from_unit, kind=kind, columns=columns)
    res = plan_import(register, unit_id, items, replace=replace, source=shown, findings=findings, today=today)
    res.findings.sort(key=lambda f: (f.line, f.column, f.code))
    decision = decision or for_register(register, CODES, "IMP", strict=False)
    reported = [(f, decision.decide(f.code, f.severity)) for f in res.findings]
    res.held = sum(1 for f, _ in reported if f.severity is Severity.ERROR)
    res.hidden = sum(1 for f, sev in reported if f.severity is Severity.ERROR and sev is not Severity.ERROR)
    res.forced = force
    res.findings = [dataclasses.replace(f, severity=sev) for f, sev in reported if sev is not None]
    if dry_run or res.stopped:
        return res
    apply(register, res)
    return res
