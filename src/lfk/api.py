"""lfk from Python: one function per command, plain arguments in, the engines' result objects out.

Every ``lfk`` command is ``parse options → lfk.api → report``: ``lfk/cli/<command>.py`` parses and
checks its options, calls the function here, and prints what it returns. These functions print
nothing, never call ``sys.exit`` and raise ``lfk.core.errors`` subclasses (``UsageError``,
``InputError``, ``ConfigError``, ``WriteError``; their messages name the command-line option a bad
argument came from). A ``register`` argument is an open :class:`lfk.register.Register`, or its root
folder (``str`` / ``Path``; ``None`` finds it as the commands do: ``$LFK_ROOT``, the nearest
``lfk.yaml`` up, ``./registers``), opened with the parse cache::

    from lfk import api
    result = api.lint("registers", as_of=datetime.date(2026, 12, 1))
    print(result.exit_code, len(result.active))

Start-up: ``lfk lint`` in a commit hook imports this module, so it imports at module level only what
``lfk lint`` loads anyway (the register, the lint engine, the monitor's disposal states, the
formatters). The engines of the other commands pull openpyxl, jinja2, ruamel.yaml, graphviz or the
site, tables, render, diff and score packages: each function imports its engine when called (as
``lfk.cli.main`` imports a command's module only when it runs); ``tests/meta/test_imports.py``
allows function-level lfk imports in this module for that reason alone.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from lfk.core.cache import Cache, default_dir
from lfk.core.decision import for_register, split, unknown
from lfk.core.errors import ConfigError, InputError, LfkError, UsageError
from lfk.core.finding import Finding
from lfk.core.fsutil import OutputTree
from lfk.history import register_at
from lfk.lint import REGISTRY, LintOptions, LintResult, lint_register
from lfk.lint.changed import affected_units, changed_files
from lfk.lint.engine import default_jobs
from lfk.model.disclosure import INTERNAL, PUBLIC
from lfk.model.dispositions import DISPOSITION_RESULTS
from lfk.monitor import CODES as MON_CODES
from lfk.monitor import run_monitor
from lfk.register import Register, find_root

if TYPE_CHECKING:
    from lfk.baseline import BaselineDiff, Explanation
    from lfk.canonical import FileChange as FormatChange
    from lfk.canonical import FmtResult
    from lfk.diff.result import DiffResult
    from lfk.due import DueItem
    from lfk.grading.report import ApproveResult, GradeReport, RiskRow
    from lfk.grading.report import Change as GradeChange
    from lfk.history.log import History
    from lfk.history.trend import TrendRow
    from lfk.impact import Citation
    from lfk.lint.registry import Rule
    from lfk.monitor.result import MonitorResult
    from lfk.render import RenderedFlow
    from lfk.score.card import ScoreResult
    from lfk.site.build import SiteReport
    from lfk.site.verify import Verification
    from lfk.tables.importer import ImportResult

RegisterLike = Register | str | Path | None
Progress = Callable[[int, int], None]
DEFAULT_MAX_BYTES = 10 * 1024 * 1024  # lfk fmt's file size limit when lfk.yaml cannot say (lint.max_file_mb)


# --- the register ------------------------------------------------------------------------------------

def open_register(root: str | Path | None = None, *, no_cache: bool = False, rev: str | None = None,
                  at: str | None = None, on_broken: str = "fail",
                  on_skip: Callable[[Finding], None] | None = None) -> Register:
    """Find and read the register (lfk.yaml, standard flows, unit headers), with the parse cache unless ``no_cache``.

    With ``rev`` / ``at`` the register is read from that git revision (``lfk.history.register_at``).
    An unusable lfk.yaml is a ``ConfigError`` (its file:line and a fix). ``on_broken="fail"`` stops on a
    file that cannot be read or validated (``BrokenFile``) when it is reached; ``"skip"`` leaves it out
    and calls ``on_skip`` with its finding.
    """
    root_dir = find_root(Path(root) if root is not None else None)
    cache = None if no_cache else Cache(default_dir(root_dir))
    policy: dict[str, Any] = {"on_broken": on_broken, "on_skip": on_skip}
    if rev is not None or at is not None:
        return require_config(register_at(root_dir, rev, at, cache, **policy)[0])
    return require_config(Register(root_dir, cache=cache, **policy))


def require_config(register: Register) -> Register:
    """``register`` when its lfk.yaml is valid; else a ``ConfigError`` naming the first problem."""
    if register.config_ok:
        return register
    problems = [f for f in register.config_file.findings if f.severity.value == "error"]
    first = problems[0] if problems else None
    where = f"{register.root / 'lfk.yaml'}:{first.line}:{first.column}" if first else str(register.root / "lfk.yaml")
    what = f"{first.code} {first.text('en')} / {first.message.zh}" if first else "lfk.yaml is not usable / lfk.yaml 无法使用"
    raise ConfigError(what, location=where, hint="fix lfk.yaml (`lfk lint` lists every problem) / 请先修正 lfk.yaml")


def _open(register: RegisterLike) -> Register:
    """``register`` itself, or the register at that root (``open_register``)."""
    return register if isinstance(register, Register) else open_register(register)


def check_units(register: Register, units: Iterable[str] | None, *, commas: bool = True) -> list[str]:
    """The unit ids asked for (comma-separated lists split unless not ``commas``), each checked to exist; [] when none."""
    out: list[str] = []
    for u in units or []:
        for part in u.split(",") if commas else [u]:
            part = part.strip()
            if not part:
                continue
            if part not in register.unit_ids:
                raise UsageError(f"no unit {part!r} / 没有该单位", hint="units: " + ", ".join(register.unit_ids))
            out.append(part)
    return out


def check_files(paths: Iterable[str | Path] | None, option: str = "--events") -> list[Path]:
    """``paths`` as ``Path``s, each an existing file (else a ``UsageError`` naming ``option``)."""
    out = [Path(p) for p in paths or []]
    for p in out:
        if not p.is_file():
            raise UsageError(f"{option} {p}: no such file / 文件不存在")
    return out


def check_event_files(paths: Iterable[str | Path] | None, register: Register | None = None) -> list[Path]:
    """``check_files`` for ``--events``, and each log gives rows: a log that is empty or lacks the required
    columns is an ``InputError`` (file:line, the columns missing), not a run that quietly saw no case."""
    from lfk.monitor.events import first_unreadable

    out = check_files(paths)
    columns = register.config.monitor.columns if register is not None else None
    bad = first_unreadable([str(p) for p in out], columns) if out else None
    if bad is not None:
        path, line, msg = bad
        raise InputError(f"{path}:{line}: --events: {msg.en.split(';')[0]} / {msg.zh.split('；')[0]}",
                         hint="export the log with the columns of REGISTER.md's event log / 请按事件日志的列导出")
    return out


# --- lint --------------------------------------------------------------------------------------------

def check_codes(*code_lists: Iterable[str] | None) -> None:
    """A ``UsageError`` when a code or prefix names no lint rule."""
    import lfk.lint.rules  # noqa: F401  - the rule list

    bad = unknown([c for codes in code_lists for c in split(codes)], REGISTRY.codes())
    if bad:
        raise UsageError(f"unknown rule code(s): {', '.join(bad)} / 未知的规则代码", hint="see `lfk rules`")


def resolve_paths(root: Path, paths: Iterable[str] | None) -> list[str] | None:
    """Paths (files, folders, unit ids) as register-relative prefixes; None when none are given."""
    paths = list(paths or [])
    if not paths:
        return None
    out = []
    for p in paths:
        cand = Path(p)
        full = cand if cand.is_absolute() else (Path.cwd() / cand)
        if full.exists():
            try:
                rel = full.resolve().relative_to(root.resolve()).as_posix()
            except ValueError:
                raise UsageError(f"{p}: not inside the register {root} / 不在登记册内") from None
            out.append("" if rel == "." else rel)
        elif (root / "units" / p).is_dir():
            out.append(f"units/{p}")
        elif (root / p).exists():
            out.append(p.strip("/"))
        else:
            raise UsageError(f"{p}: no such file, folder or unit / 找不到该文件、文件夹或单位")
    return out


def lint_register_at(root: str | Path | None = None, *, no_cache: bool = False) -> Register:
    """The register as ``lfk lint`` reads it: an unusable lfk.yaml or a broken file becomes findings, not an error;
    each unit.yaml is read when a unit or the register-level rules need it (``lazy_headers``)."""
    root_dir = find_root(Path(root) if root is not None else None)
    return Register(root_dir, cache=None if no_cache else Cache(default_dir(root_dir)), lazy_headers=True)


def lint_options(register: Register, paths: Iterable[str] | None = None, *, select: Iterable[str] | None = None,
                 ignore: Iterable[str] | None = None, strict: bool = False, changed_since: str | None = None,
                 jobs: int | None = None, events: Iterable[str | Path] | None = None,
                 as_of: dt.date | None = None) -> LintOptions:
    """What ``lint`` checks: rule codes checked, paths made register-relative, ``changed_since`` turned into
    the units it affects, event logs checked to exist; ``jobs`` defaults to the machine's cores."""
    check_codes(select, ignore)
    units = None
    if changed_since is not None:
        units = affected_units(register, changed_files(register.root, changed_since, register.cache, register.all_files))
    logs = [Path(e) for e in events or []]
    opts = LintOptions(as_of=as_of or dt.date.today(), select=split(select) or None,
                       ignore=split(ignore) or None, strict=strict, paths=resolve_paths(register.root, paths),
                       units=units, jobs=jobs or default_jobs(), events=[str(e) for e in logs] or None)
    check_event_files(logs, register)
    return opts


def lint(register: RegisterLike = None, paths: Iterable[str] | None = None, *, select: Iterable[str] | None = None,
         ignore: Iterable[str] | None = None, strict: bool = False, changed_since: str | None = None,
         jobs: int | None = None, events: Iterable[str | Path] | None = None, as_of: dt.date | None = None,
         options: LintOptions | None = None, progress: Progress | None = None) -> LintResult:
    """``lfk lint``: every rule over the register (or the files, folders and units in ``paths``).

    ``options`` (from ``lint_options``) replaces the keyword arguments. The result's ``findings``
    include suppressed ones (``active`` leaves them out); ``exit_code`` is 1 on an error (or, with
    ``strict``, a warning).
    """
    reg = register if isinstance(register, Register) else lint_register_at(register)
    opts = options or lint_options(reg, paths, select=select, ignore=ignore, strict=strict,
                                   changed_since=changed_since, jobs=jobs, events=events, as_of=as_of)
    if progress is not None:
        opts.progress = progress
    return lint_register(reg, opts)


@dataclass
class FixResult:
    """What ``fix`` changed: files reformatted, grades rewritten."""

    formatted: list[FormatChange] = field(default_factory=list)
    grades: list[GradeChange] = field(default_factory=list)


def fix(root: str | Path | None = None, paths: Iterable[str] | None = None, *, grades: bool = False) -> FixResult:
    """``lfk lint --fix``: the canonical formatting of the files ``paths`` names (default: all); with
    ``grades``, the computed grades written where they drift (``--fix-grades``)."""
    from lfk.canonical import format_paths
    from lfk.grading.report import grade_register, write_grades

    root_dir = find_root(Path(root) if root is not None else None)
    rel = resolve_paths(root_dir, paths)
    files = None if not rel else [str(root_dir / p) for p in rel if p]
    out = FixResult(list(format_paths(root_dir, files, max_bytes=Register(root_dir).max_bytes).changed))
    if grades:
        reg = Register(root_dir)
        out.grades = write_grades(reg, grade_register(reg))
    return out


def rules(code: str | None = None) -> list[Rule]:
    """``lfk rules``: every lint rule, or (``code``) the one rule with that code."""
    import lfk.lint.rules  # noqa: F401  - the rule list

    if code is None:
        return list(REGISTRY)
    r = REGISTRY.get(code)
    if r is None:
        raise UsageError(f"unknown rule {code!r} / 未知规则", hint="run `lfk rules` for the list")
    return [r]


def other_codes() -> dict[str, dict[str, Any]]:
    """``lfk rules``: the codes of ``lfk monitor`` (MON) and ``lfk import`` (IMP): code, severity, clause,
    title (a ``Text``) and a short doc (their long documentation is docs/monitor.md and docs/output.md)."""
    from lfk.monitor.codes import CODES as MON_CODES
    from lfk.monitor.codes import severity_of
    from lfk.tables.codes import CODES as IMP_CODES

    out: dict[str, dict[str, Any]] = {}
    for c, (title, level) in MON_CODES.items():
        warn = f"warning: {level}; " if level else ""
        out[c] = {"code": c, "severity": severity_of(c, level).value, "clause": "11-12", "title": title,
                  "doc": f"{warn}lfk monitor — docs/monitor.md. Switch off or re-level it in lfk.yaml "
                         f"(lint.ignore / lint.severity) or with lfk monitor --ignore {c}."}
    for c, (title, sev) in IMP_CODES.items():
        out[c] = {"code": c, "severity": sev.value, "clause": "—", "title": title,
                  "doc": f"lfk import — docs/output.md (a finding's severity may differ from the usual one shown). "
                         f"lint.ignore / lint.severity or lfk import --ignore {c} change what is reported, never "
                         "what is written."}
    return out


# --- grades and approvals ----------------------------------------------------------------------------

def grade(register: RegisterLike = None, units: Sequence[str] | None = None, *,
          progress: Progress | None = None) -> GradeReport:
    """``lfk grade``: each risk's computed grade beside its declared one (一致 / 偏差 / 缺失)."""
    from lfk.grading.report import grade_register

    return grade_register(_open(register), list(units) if units else None, progress)


def write_grades(register: RegisterLike = None, report: GradeReport | None = None) -> list[GradeChange]:
    """``lfk grade --write``: computed grades written into risks.yaml (risks with grade_reason keep theirs)."""
    from lfk.grading.report import write_grades as write

    reg = _open(register)
    return write(reg, report if report is not None else grade(reg))


def explain_grade(register: RegisterLike, risk: str, units: Sequence[str] | None = None) -> list[RiskRow]:
    """``lfk grade --explain RISK``: the arithmetic (and floor) of one risk, a row per unit that has it."""
    from lfk.grading.report import explain

    return explain(_open(register), risk, list(units) if units else None)


def approve(register: RegisterLike, approval_id: str, risks: Sequence[str] | None = None, unit: str | None = None,
            *, as_of: dt.date | None = None) -> ApproveResult:
    """``lfk approve``: record the collective approval ``approval_id`` on ``risks`` (default: every risk
    whose digest is missing or stale)."""
    from lfk.grading.report import approve as record

    return record(_open(register), approval_id, list(risks) if risks else None, unit, as_of=as_of or dt.date.today())


def score(register: RegisterLike = None, units: Iterable[str] | None = None, *, as_of: dt.date | None = None,
          events: Iterable[str | Path] | None = None, also: Iterable[RegisterLike] = ()) -> ScoreResult:
    """``lfk score``: the clause-16 card of each unit; ``also`` rolls more registers into the same table."""
    from lfk.score.card import rollup, score_register

    reg = _open(register)
    day = as_of or dt.date.today()
    wanted = check_units(reg, units, commas=False)
    logs = check_event_files(events, reg)
    res = score_register(reg, as_of=day, units=wanted or None, events=logs or None)
    others = [_open(o) for o in also]
    if not others:
        return res
    return rollup([(reg.root.name, res), *((o.root.name, score_register(o, as_of=day)) for o in others)])


# --- drawing and publishing --------------------------------------------------------------------------

@dataclass
class RenderOutput:
    """What ``render`` drew: the flows, how many files changed, the flow files too broken to draw."""

    flows: list[RenderedFlow]
    written: int = 0
    skipped: list[str] = field(default_factory=list)

    @property
    def cached(self) -> int:
        """Flows taken from the render cache."""
        return sum(f.cached for f in self.flows)


def flow_rel(flow: RenderedFlow, ext: str) -> str:
    """``<unit>/<flow>.<ext>`` below the output folder (ids are file names already; anything odd is replaced)."""
    def safe(s: str) -> str:
        s = "".join(c if (c.isalnum() or c in "._-") else "_" for c in s)
        return s.lstrip(".") or "_"
    return f"{safe(flow.unit_id)}/{safe(flow.flow_id)}.{ext}"


def render(register: RegisterLike = None, targets: Sequence[str] | None = None, *, out: Path | None = None,
           fmt: str = "svg", layout: str = "flow", cache_dir: Path | None = None, no_cache: bool = False,
           lang: str = "zh", public: bool = False, progress: Progress | None = None) -> RenderOutput:
    """``lfk render``: 权力运行流程图 of every flow (or the ``UNIT`` / ``UNIT/FLOW`` targets), written as
    ``<out>/<unit>/<flow>.<fmt>`` when ``out`` is given (files already holding the drawing are left alone)."""
    from lfk.render import render_register

    reg = _open(register)
    cache = None if (no_cache or fmt == "dot") else (cache_dir or default_dir(reg.root))
    skipped: list[str] = []
    flows = render_register(reg, targets, fmt=fmt, layout=layout, cache_dir=cache, lang=lang, public=public,
                            progress=progress, skipped=skipped)
    written = 0
    if out is not None:
        tree = OutputTree(out)  # never through a link: refused before the first file is written
        tree.check([flow_rel(f, fmt) for f in flows])
        written = sum(tree.write(flow_rel(f, fmt), f.data, durable=True, only_if_changed=True) for f in flows)
    return RenderOutput(flows, written, skipped)


def site_lang(option: str | None, register: Register) -> str:
    """The site's language: ``option``, else $LFK_LANG, else ``lang:`` in lfk.yaml, else zh (never the locale)."""
    from lfk.core.i18n import resolve_lang

    return resolve_lang(option, register.config.lang, fallback="zh")


def check_site(audience: str, *, lint: bool = True, base_url: str | None = None) -> None:
    """A ``UsageError`` unless ``audience`` is public or internal, lint is skipped only for internal, and
    ``base_url`` (when given) is an http(s) address."""
    if audience not in (PUBLIC, INTERNAL):
        raise UsageError(f"--audience {audience!r}: use public or internal / 请用 public 或 internal")
    if not lint and audience == PUBLIC:
        raise UsageError("--no-lint is refused for a public build / 公开版本必须先通过 LFK7xx 检查")
    if base_url is not None and not base_url.lower().startswith(("https://", "http://")):
        raise UsageError(f"--base-url {base_url!r}: give an http(s) address / 请给出 http(s) 地址")


def site(register: RegisterLike, out: Path, audience: str = PUBLIC, *, base_url: str | None = None,
         as_of: dt.date | None = None, lint: bool = True, force: bool = False,
         events: Sequence[str | Path] | None = None, lang: str | None = None,
         progress: Progress | None = None) -> SiteReport:
    """``lfk site``: the static website into ``out``, ``public`` or ``internal``; a public build stops with
    ``PublicationBlocked`` (its ``findings``) on LFK7xx errors. ``lang`` as ``site_lang``."""
    from lfk.site import build_site

    check_site(audience, lint=lint, base_url=base_url)
    reg = _open(register)
    return build_site(reg, Path(out), audience, base_url, as_of=as_of, lint=lint, force=force,
                      events=check_event_files(events, reg) or None, progress=progress,
                      lang=site_lang(lang, reg))


def verify_site(site_dir: str | Path, root: str | Path | None = None, *, offline: bool = False,
                tag: str | None = None) -> Verification:
    """``lfk verify-site``: a published site against its manifest and (unless ``offline``) a rebuild of the
    register revision it names; ``tag`` must be a signed tag on that revision."""
    from lfk.site.verify import verify_site as verify

    root_dir = None if offline else find_root(Path(root) if root is not None else None)
    return verify(Path(site_dir), root_dir, offline=offline, tag=tag)


# --- history -----------------------------------------------------------------------------------------

def split_list(values: Iterable[str] | None) -> list[str] | None:
    """``["a,b", "c"]`` as [a, b, c]; None when empty."""
    out: list[str] = []
    for v in values or []:
        out.extend(x.strip() for x in v.split(",") if x.strip())
    return out or None


def check_kinds(kinds: Iterable[str] | None) -> list[str] | None:
    """The item kinds ``diff`` compares (comma-separated lists split; None: all), each checked."""
    from lfk.diff import KINDS

    wanted = split_list(kinds)
    bad = [k for k in wanted or [] if k not in KINDS]
    if bad:
        raise UsageError(f"--kind {', '.join(bad)}: use {'|'.join(KINDS)} / 类别无效")
    return wanted


def diff(root: str | Path | None = None, rev_a: str | None = None, rev_b: str | None = None, *,
         units: Iterable[str] | None = None, kinds: Iterable[str] | None = None,
         progress: Progress | None = None) -> DiffResult:
    """``lfk diff``: the item-by-item difference between two git revisions (default: the last two tags,
    else HEAD~1 and the working tree); ``units`` and ``kinds`` may be comma-separated."""
    from lfk.diff import diff_revisions

    wanted = check_kinds(kinds)
    reg_root = find_root(Path(root) if root is not None else None)
    return diff_revisions(reg_root, rev_a, rev_b, units=split_list(units), kinds=wanted, progress=progress)


def log(root: str | Path | None, ident: str, *, kind: str | None = None, rev: str = "HEAD") -> History:
    """``lfk log``: the history of one item (``ID`` or ``UNIT/ID``) commit by commit."""
    from lfk.history.log import item_history

    unit, _, item = ident.rpartition("/")
    if not item:
        raise UsageError(f"{ident!r}: give an id, e.g. R-01 or county-amr/R-01 / 请给出编号")
    root_dir = find_root(Path(root) if root is not None else None)
    return item_history(root_dir, item, unit=unit or None, kind=kind, rev=rev)


def trend(root: str | Path | None = None, revs: Sequence[str] | None = None, units: Sequence[str] | None = None,
          *, no_cache: bool = False) -> list[TrendRow]:
    """``lfk trend``: grade counts and scores at each revision (default: every tag), oldest first."""
    from lfk.history.trend import trend as rows

    root_dir = find_root(Path(root) if root is not None else None)
    return rows(root_dir, list(revs or []) or None, list(units or []) or None,
                None if no_cache else Cache(default_dir(root_dir)))


def impact(register: RegisterLike, law: str, article: str | None = None, *, since: str | None = None) -> list[Citation]:
    """``lfk impact``: every power, flow step, benchmark item and measure citing ``law`` (``article``)."""
    from lfk.impact import impact as citations

    if not law.strip("《》 "):
        raise UsageError("give a law's name, e.g. 《中华人民共和国行政处罚法》 / 请给出法律名称")
    return citations(_open(register), law, article, since=since)


# --- baselines ---------------------------------------------------------------------------------------

def explain(register: RegisterLike, ident: str) -> tuple[list[Explanation], dict[str, Any] | None]:
    """``lfk explain``: where each field of the items with id ``[UNIT/]ID`` came from, and the register's
    baseline (None without one)."""
    from lfk.baseline import baseline_info
    from lfk.baseline import explain as origins

    reg = _open(register)
    return origins(reg, ident), baseline_info(reg)


def baseline_diff(register: RegisterLike = None, to: str | None = None) -> BaselineDiff:
    """``lfk baseline diff``: upstream changes since the pinned baseline revision, and conflicting tailorings."""
    from lfk.baseline import baseline_diff as compare

    return compare(_open(register), to)


# --- monitoring --------------------------------------------------------------------------------------

def monitor_time(as_of: str | dt.date | dt.datetime | None) -> dt.date | dt.datetime | None:
    """When ``monitor`` judges open cases: a date (its end) or a datetime, from ISO text too; None: the newest
    time in the logs."""
    from lfk.monitor import parse_as_of as parse_when

    if not isinstance(as_of, str):
        return as_of
    try:
        return parse_when(as_of)
    except ValueError:
        raise UsageError(f"--as-of {as_of!r} is not a date or time / 不是日期或时间",
                         hint="write YYYY-MM-DD or YYYY-MM-DDTHH:MM") from None


def monitor_engine(engine: str | None) -> str:
    """The engine ``monitor`` runs on (python, duckdb or spark; default python), checked to be installed."""
    from lfk.monitor import default_engine
    from lfk.monitor.sql.engine import require

    engine = engine or default_engine()
    require(engine)
    return engine


def monitor(register: RegisterLike, events: Sequence[str | Path], *, as_of: str | dt.date | dt.datetime | None = None,
            closed: bool = False, engine: str | None = None, explain: bool = True,
            select: Iterable[str] | None = None, ignore: Iterable[str] | None = None,
            progress: Progress | None = None) -> MonitorResult:
    """``lfk monitor``: case event logs checked against the flows, limits and benchmarks; warnings (黄牌/红牌).

    ``as_of`` as ``monitor_time``; ``engine`` as ``monitor_engine``; ``select``/``ignore`` (MON codes or
    prefixes) with lfk.yaml's ``lint.ignore``/``lint.severity`` decide what is reported (``lfk.core.decision``).
    """
    when = monitor_time(as_of)
    engine = monitor_engine(engine)
    reg = _open(register)
    decision = for_register(reg, MON_CODES, "MON", select, ignore)
    return run_monitor(reg, [str(p) for p in events], when, closed=closed, progress=progress, engine=engine,
                       explain=explain, decision=decision)


def _parse_day(value: str | None, option: str) -> dt.date | None:
    from lfk.records import parse_day

    return parse_day(value, option)


def dispose(register: RegisterLike, target: str, *, disposal: str | None = None, unit: str | None = None,
            events: Sequence[str | Path] | None = None, code: str | None = None, date: str | None = None,
            by: str | None = None, to: str | None = None, deadline: str | None = None, result: str | None = None,
            result_date: str | None = None, ref: str | None = None,
            as_of: dt.date | None = None) -> tuple[Path, bool]:
    """``lfk dispose``: record what was done about a warning (``W-…``, found in ``events`` or given with
    ``unit``) or a case id (with ``unit``) in the unit's dispositions.yaml; (the file, whether the record is new)."""
    from lfk.monitor.dispose import record_disposition

    reg = _open(register)
    if result is not None and result not in DISPOSITION_RESULTS:
        raise UsageError(f"--result {result!r}: use one of {', '.join(DISPOSITION_RESULTS)}")
    fields: dict[str, object] = {"code": code}
    asked = None
    if target.startswith("W-"):
        fields["warning"] = target
        if events:
            found = [c for c in run_monitor(reg, check_event_files(events, reg)).cases if c["warning_id"] == target]
            if not found:
                raise UsageError(f"{target}: no such warning in the logs / 事件记录中没有该预警")
            unit = unit or found[0]["unit"]
            fields["case"] = found[0]["case_id"]
            asked = found[0].get("disposal")
        elif unit is None:
            raise UsageError(f"{target}: give --events (to find the warning) or --unit / 请给出 --events 或 --unit")
    else:
        if unit is None:
            raise UsageError("a case id needs --unit / 案件编号需配合 --unit")
        fields["case"] = target
    if unit is None:
        raise UsageError("--unit is needed / 请给出 --unit")
    fields.update({"disposal": disposal or asked, "date": _parse_day(date, "--date"), "by": by, "to": to,
                   "deadline": _parse_day(deadline, "--deadline"), "result": result,
                   "result_date": _parse_day(result_date, "--result-date"), "ref": ref})
    return record_disposition(reg, unit, fields, as_of or dt.date.today())


def accept(register: RegisterLike, unit: str, ident: str | None = None, *, code: str | None = None,
           case: str | None = None, authority: str | None = None, step: str | None = None, post: str | None = None,
           item: str | None = None, file: str | None = None, risk: str | None = None, reason: str | None = None,
           approval: str | None = None, ref: str | None = None, since: str | None = None, until: str | None = None,
           as_of: dt.date | None = None) -> tuple[Path, str, bool]:
    """``lfk accept``: record an approved acceptance (a monitor deviation, a lint finding or a risk, until a
    date) in the unit's accepted.yaml, or update the one of id ``ident``; (the file, the id, whether new)."""
    from lfk.accept import record_acceptance

    reg = _open(register)
    fields: dict[str, object] = {"id": ident, "code": code, "case": case, "authority": authority, "step": step,
                                 "post": post, "item": item, "file": file, "risk": risk, "reason": reason,
                                 "approval": approval, "ref": ref, "since": _parse_day(since, "--since"),
                                 "until": _parse_day(until, "--until")}
    return record_acceptance(reg, unit, fields, as_of or dt.date.today())


def due(register: RegisterLike = None, units: Sequence[str] | None = None, *, as_of: dt.date | None = None,
        within: int = 30, events: Sequence[str | Path] | None = None) -> list[DueItem]:
    """``lfk due``: what falls due within ``within`` days of ``as_of`` (overdue first), per unit and owner."""
    from lfk.due import due_items

    reg = _open(register)
    logs = check_event_files(events, reg)
    for u in units or []:
        if u not in reg.unit_dirs:
            raise UsageError(f"no unit {u!r} / 没有该单位", hint="units: " + ", ".join(reg.unit_ids))
    return due_items(reg, as_of or dt.date.today(), within, [str(e) for e in logs] or None, list(units or []) or None)


# --- tables ------------------------------------------------------------------------------------------

def export_tables(register: RegisterLike = None, units: Iterable[str] | None = None, *,
                  also: Iterable[RegisterLike] = ()) -> tuple[dict[str, Any], list[str]]:
    """``lfk export``'s tables (职权目录, 廉政风险防控登记表 …) of ``units`` (default: all), rolled up with the
    registers ``also``; (the tables by name, the unit ids they hold)."""
    from lfk.tables import build_tables
    from lfk.tables.rollup import merge_tables

    reg = _open(register)
    uids = check_units(reg, units) or list(reg.unit_ids)
    others = [_open(o) for o in also]
    tables = build_tables(reg, uids)
    if not others:
        return tables, uids
    merged = merge_tables([(reg.root.name, tables), *((o.root.name, build_tables(o)) for o in others)])
    return merged, uids + [u for o in others for u in o.unit_ids]


def export_json(register: RegisterLike = None, units: Iterable[str] | None = None, *,
                also: Iterable[RegisterLike] = ()) -> dict[str, Any]:
    """``lfk export --format json``: the register's tables (rolled up with ``also``) as one JSON document."""
    from lfk.tables import register_json
    from lfk.tables.rollup import merge_json

    reg = _open(register)
    others = [_open(o) for o in also]
    doc = register_json(reg, check_units(reg, units) or list(reg.unit_ids))
    if not others:
        return doc
    return merge_json([(reg.root.name, doc), *((o.root.name, register_json(o)) for o in others)])


def import_tables(register: RegisterLike, unit: str, files: Sequence[str | Path], *, replace: bool = False,
                  dry_run: bool = False, force: bool = False, from_unit: str | None = None, kind: str | None = None,
                  map_file: str | Path | None = None, as_of: dt.date | None = None,
                  select: Iterable[str] | None = None, ignore: Iterable[str] | None = None) -> ImportResult:
    """``lfk import``: Excel/Word/CSV/HTML/JSON tables merged by id into ``unit``'s YAML (nothing written when
    ``dry_run``, or on an error finding unless ``force``); ``map_file`` maps unrecognised headers.
    ``select``/``ignore`` (IMP codes or prefixes) with lfk.yaml's ``lint.ignore``/``lint.severity`` change what
    is reported and the exit code, never what is written (``lfk.core.decision``)."""
    from lfk.tables import run_import
    from lfk.tables.codes import CODES as IMP_CODES
    from lfk.tables.importer import read_column_map

    reg = _open(register)
    columns = read_column_map(Path(map_file)) if map_file is not None else None
    decision = for_register(reg, IMP_CODES, "IMP", select, ignore)
    return run_import(reg, unit, [Path(f) for f in files], replace=replace, dry_run=dry_run, force=force,
                      from_unit=from_unit, today=as_of or dt.date.today(), kind=kind, columns=columns,
                      decision=decision)


# --- files -------------------------------------------------------------------------------------------

def fmt(root: str | Path | None = None, paths: Sequence[str] | None = None, *, check: bool = False) -> FmtResult:
    """``lfk fmt``: the canonical layout of the register's YAML (``check``: nothing written)."""
    from lfk.canonical import format_paths

    reg_root = find_root(Path(root) if root is not None else None)
    try:  # files over lint.max_file_mb are not parsed (LFK006), here as everywhere
        max_bytes = Register(reg_root).max_bytes
    except LfkError:
        max_bytes = DEFAULT_MAX_BYTES
    return format_paths(reg_root, list(paths) if paths else None, check=check, max_bytes=max_bytes)


def schemas(register: RegisterLike = None, *, generic: bool = False) -> dict[str, str]:
    """``lfk schema``: the JSON Schema of every file kind by file name, following the register's lfk.yaml
    (taxonomy, grading factors, grade labels) unless ``generic``."""
    from lfk.grading.engine import factors_schema
    from lfk.model.schemas import generate

    if generic:
        return generate()
    reg = register if isinstance(register, Register) else open_register(register, no_cache=True)
    return generate(reg.config, factors_schema(reg.config))


def stale_schemas(folder: Path, texts: dict[str, str]) -> list[str]:
    """The schema files of ``texts`` missing in ``folder`` or different there (``lfk schema --check``)."""
    return [n for n, t in texts.items() if not (folder / n).is_file() or (folder / n).read_text(encoding="utf-8") != t]


def write_schemas(folder: Path, texts: dict[str, str]) -> int:
    """Write the schema files that differ into ``folder`` (created; never through a link); the number of schemas."""
    tree = OutputTree(folder)
    stale = stale_schemas(folder, texts)
    tree.check(stale)
    for name in stale:
        tree.write(name, texts[name])
    return len(texts)


def init(directory: str | Path, *, name: str | None = None, year: int | None = None, unit: str = "example",
         taxonomy: str = "guideline", as_of: dt.date | None = None) -> list[Path]:
    """``lfk init``: a new register in ``directory`` (lfk.yaml and an example unit that lints clean); the files."""
    from lfk.scaffold import init_register

    return init_register(Path(directory), name=name, year=year, today=as_of or dt.date.today(), unit_id=unit,
                         taxonomy=taxonomy)


def new_unit(root: str | Path | None, unit_id: str, *, name: str, unit_type: str, parent: str | None = None,
             as_of: dt.date | None = None) -> list[Path]:
    """``lfk new unit``: an empty unit (with commented examples) in the register; the files written."""
    from lfk.scaffold import new_unit as scaffold

    reg_root = find_root(Path(root) if root is not None else None)
    reg = Register(reg_root)
    cats = {c: tc.kinds for c, tc in reg.config.categories().items()} if reg.config_ok else None
    return scaffold(reg_root, unit_id, name=name, unit_type=unit_type, parent=parent, today=as_of or dt.date.today(),
                    categories=cats)
