"""The site build pipeline, in named phases (as mkdocs' ``commands/build.py``): prepare (the request, the
earlier build, the site settings) → plan (each page's context; the disclosure lint) → select (the pages
whose inputs changed) → render flowcharts (one batch) → render pages (to bytes) → write at the end (pages,
stale files removed, manifests). ``build_site`` is that sequence; ``_Build`` carries the state between them.

Incremental: ``OUT/.lfk-site.json`` (the manifest) keeps, for every page, the SHA-256 of its inputs
(template set, audience, site settings including the language, and the page's context, which holds
the flowchart's DOT) and of its output. A page whose input digest is unchanged and whose file still has the recorded output
digest is neither rendered nor written. Files of an earlier build that are no longer produced (a
removed power, a switch from internal to public) are deleted; nothing else in ``OUT`` is touched.

Reproducible: no clock is read. The only date shown comes from ``git log -1 --format=%cI`` in the
register's root (else "unknown"); the internal site's stale/overdue checks use ``as_of`` (default: that
commit date, else 31 December of ``year`` in lfk.yaml).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import re
import subprocess
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

from markupsafe import Markup

from lfk import __version__
from lfk.core.errors import LfkError, UsageError, WriteError
from lfk.core.finding import Finding, Severity
from lfk.core.fsutil import OutputTree
from lfk.core.templating import environment, templates_dir
from lfk.lint import LintOptions, LintResult, lint_register
from lfk.lint.engine import UnitLinter, default_jobs, few_collections
from lfk.model.disclosure import INTERNAL, PUBLIC
from lfk.monitor import run_monitor
from lfk.register import Register, UnitData
from lfk.render import RenderCache
from lfk.site import flowchart
from lfk.site.charts import throughput_svg
from lfk.site.pages import Page, Planner
from lfk.site.publication import PUBLICATION, PUBLICATION_JS, publication_manifest, publication_script, unit_items
from lfk.site.words import HTML_LANG, FoldWords, check_lang, pick, t

MANIFEST = ".lfk-site.json"
MANIFEST_VERSION = 1
STATIC = ("site.css", "site.js", "verify.js", "favicon.svg")


class PublicationBlocked(LfkError):
    """LFK7xx lint errors stop a public build (exit 1); ``findings`` holds them."""

    exit_code = 1

    def __init__(self, findings: list[Finding]) -> None:
        super().__init__(f"{len(findings)} disclosure error(s) (LFK7xx) stop the public build / 公开前须修正 LFK7xx 错误")
        self.findings = findings


@dataclass
class SiteReport:
    """What a build did: pages written (rendered) and skipped (unchanged), files removed, warnings."""

    out: Path
    audience: str
    written: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    flowcharts: int = 0  # flowcharts on the pages rendered now
    flowcharts_cached: int = 0  # distinct flowcharts taken from the render cache (an earlier build drew them)
    seconds: float = 0.0

    @property
    def pages(self) -> list[str]:
        """Every file of the site, sorted."""
        return sorted(self.written + self.skipped)


def commit_date(root: Path, commit: str | None = None) -> str | None:
    """The ISO commit date of ``commit`` (default: the last commit) in the register's git repository (None without git)."""
    try:
        res = subprocess.run(["git", "log", "-1", "--format=%cI", *([commit] if commit else [])], cwd=root, capture_output=True, text=True,
                             timeout=30, check=False, env={**os.environ, "GIT_TERMINAL_PROMPT": "0"})
    except (OSError, subprocess.TimeoutExpired):
        return None
    out = res.stdout.strip()
    return (out or None) if res.returncode == 0 else None


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def templates_digest() -> str:
    """SHA-256 over every file of ``templates/site`` (a template change re-renders everything)."""
    h = hashlib.sha256()
    folder = templates_dir() / "site"
    for p in sorted(folder.rglob("*")):
        if p.is_file():
            h.update(p.relative_to(folder).as_posix().encode() + b"\0" + p.read_bytes() + b"\0")
    return h.hexdigest()


def _check_rel(rel: str) -> str:
    p = PurePosixPath(rel)
    if p.is_absolute() or ".." in p.parts or any(part.startswith(".") for part in p.parts) or "\\" in rel:
        raise LfkError(f"refusing to write outside the site folder: {rel!r}")
    return rel


def _root_prefix(rel: str) -> str:
    """The way from the page ``rel`` up to the site's root: one ``../`` a folder (as pathlib counts them)."""
    if "//" in rel or "/./" in rel or rel.startswith("./") or rel.endswith(("/", "/.")):
        return "../" * (len(PurePosixPath(rel).parts) - 1)
    return "../" * rel.count("/")  # (a plain path: its folders are its slashes; 14,000 calls a big site)


def _read_manifest(out: Path) -> dict[str, Any] | None:
    p = out / MANIFEST
    if not p.is_file():
        return None
    try:
        data = json.loads(p.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(data, dict) or data.get("version") != MANIFEST_VERSION or not isinstance(data.get("pages"), dict):
        return None
    return data


def _read(register: Register, rel: str) -> bytes:
    try:
        return register.source.read(rel)
    except OSError:
        return b""


def disclosure_options(as_of: dt.date | None) -> LintOptions:
    """The lint options of the disclosure gate: LFK7xx and the disclosure key codes only."""
    sel = ["LFK7", *DISCLOSURE_KEY_CODES]
    return LintOptions(select=sel) if as_of is None else LintOptions(as_of=as_of, select=sel)


def disclosure_errors(result: LintResult) -> list[Finding]:
    """The findings of a disclosure lint that stop a public build."""
    return [f for f in result.active if f.severity is Severity.ERROR and (
        f.code.startswith("LFK7") or (f.code in DISCLOSURE_KEY_CODES and _DISCLOSURE_KEY.search(f.message.en)))]


def lint_disclosure(register: Register, as_of: dt.date | None, units: list[str] | None = None) -> list[Finding]:
    """Unsuppressed errors that stop a public build: LFK7xx, and a repeated or invalid ``internal`` /
    ``disclosure`` key (LFK002, LFK101: readers disagree on which value holds). ``units``: only these
    units (and lfk.yaml)."""
    opts = disclosure_options(as_of)
    opts.units = units
    opts.jobs = default_jobs()
    return disclosure_errors(lint_register(register, opts))


DISCLOSURE_KEY_CODES = ("LFK002", "LFK101")
_DISCLOSURE_KEY = re.compile(r"`(internal|disclosure)`")


@dataclass
class _Build:
    """The state of one build, handed from phase to phase."""

    register: Register
    out: Path
    audience: str
    lang: str
    old: dict[str, Any] | None  # the earlier build's manifest (None: no lfk site there yet)
    sweep: bool  # every file of the site's layout that this build does not write goes
    site: dict[str, Any]  # the site settings every template sees as ``site``
    as_of: dt.date | None
    monitor: Page | None
    report: SiteReport
    tdig: str = ""  # templates_digest()
    linted: bool = False
    pages: list[Page] = field(default_factory=list)
    env: Any = None  # the jinja2 environment of templates/site
    unit_records: dict[str, dict[str, Any]] = field(default_factory=dict)  # the planner's, for the manifest
    entries: dict[str, dict[str, str]] = field(default_factory=dict)  # the new manifest's pages
    items: dict[str, list[dict[str, str]]] = field(default_factory=dict)  # published items of the units read

    @property
    def old_pages(self) -> dict[str, Any]:
        """The earlier manifest's entry of every page (empty without one)."""
        return (self.old or {}).get("pages", {})

    def unchanged(self, rel: str, entry: Any) -> bool:
        """The file ``rel`` in OUT is still the output recorded in the manifest ``entry``."""
        target = self.out / rel
        if not isinstance(entry, dict) or not target.is_file():
            return False
        current = _file_digest(target)
        return current is not None and current == entry.get("out")


def build_site(
    register: Register,
    out_dir: Path | str,
    audience: str = PUBLIC,
    base_url: str | None = None,
    *,
    as_of: dt.date | None = None,
    lint: bool = True,
    force: bool = False,
    events: list[Path | str] | None = None,
    progress: Callable[[int, int], None] | None = None,
    lang: str = "zh",
) -> SiteReport:
    """Build the static site of ``register`` into ``out_dir`` for ``audience`` (public | internal).

    ``lang`` (zh | en) is the language of the site's own wording (headings, labels, flowchart legends);
    register text is shown as written.

    Raises ``PublicationBlocked`` when a public build meets LFK7xx errors (with ``lint``), ``UsageError``
    when ``out_dir`` holds files that are not an lfk site (unless ``force``), ``WriteError`` when it
    cannot write.

    The phases: prepare (request, earlier build, settings) → plan (pages, disclosure lint) → select
    (pages whose inputs changed) → flowcharts (one batch) → render → write (pages, stale files,
    manifests).
    """
    import time

    t0 = time.perf_counter()
    b = _prepare(register, out_dir, audience, base_url, as_of=as_of, force=force, events=events, lang=lang)
    with few_collections():  # planning and rendering make many objects and few cycles
        _plan(b, lint)
        todo = _select(b)
        charts = _render_flowcharts(b, todo)
        rendered = _render_pages(b, todo, charts, progress)
    _write_output(b, rendered)
    b.report.written.sort()
    b.report.skipped.sort()
    b.report.seconds = time.perf_counter() - t0
    return b.report


def _prepare(register: Register, out_dir: Path | str, audience: str, base_url: str | None, *,
             as_of: dt.date | None, force: bool, events: list[Path | str] | None, lang: str) -> _Build:
    """Phase 1: check the request, read the earlier build in ``out_dir``, settle the site settings and
    the 电子监察 page."""
    if audience not in (PUBLIC, INTERNAL):
        raise UsageError(f"--audience {audience!r}: use public or internal / 请用 public 或 internal")
    if events and audience != INTERNAL:
        raise UsageError("--events only goes with --audience internal (event logs name people) / 电子监察结果只能放在内部版本")
    lang = check_lang(lang)
    out = Path(out_dir)
    old = _earlier_build(out, force)
    # a public build over a folder it cannot vouch for (no readable manifest, built over with --force)
    # or over an internal site: every file in the site's own layout that this build does not write goes,
    # since it may be an internal page (an earlier internal build whose manifest was lost)
    sweep = audience == PUBLIC and out.is_dir() and (old is None or old.get("audience") != PUBLIC)
    site, as_of = _site_settings(register, audience, base_url, as_of, lang)
    monitor = _monitor_page(register, events, lang) if events else None
    site["monitor"] = monitor is not None
    if audience == INTERNAL:
        cfg = register.config
        site["as_of"] = as_of.isoformat() if as_of else None
        site["cycle_days"] = cfg.review.cycle_days
        site["method"] = cfg.grading.method
    return _Build(register, out, audience, lang, old, sweep, site, as_of, monitor, SiteReport(out, audience))


def _earlier_build(out: Path, force: bool) -> dict[str, Any] | None:
    """The manifest of the lfk site already in ``out`` (None: none there); refuses a folder that holds
    other files (unless ``force``)."""
    OutputTree(out).check([MANIFEST])  # a link as the folder or its manifest: refused before anything is read
    old = _read_manifest(out) if out.is_dir() else None
    if out.is_dir() and old is None and not force:
        visible = sorted(p.name for p in out.iterdir() if not p.name.startswith("."))
        if visible:
            raise UsageError(f"{out}: the folder is not empty and holds no lfk site / 目标文件夹非空且不是 lfk 生成的网站",
                             hint="choose an empty or new folder, or pass --force to build over it")
    return old


def _site_settings(register: Register, audience: str, base_url: str | None, as_of: dt.date | None,
                   lang: str) -> tuple[dict[str, Any], dt.date | None]:
    """The site settings of lfk.yaml and the request, and the date of the stale/overdue checks (internal:
    default the last commit's date, else 31 December of ``year``)."""
    cfg = register.config
    committed = commit_date(register.root, getattr(register.source, "commit", None))
    data_date = committed[:10] if committed else None
    if as_of is None and audience == INTERNAL:
        if data_date:
            as_of = dt.date.fromisoformat(data_date)
        elif cfg.year:
            as_of = dt.date(cfg.year, 12, 31)
    site: dict[str, Any] = {
        "title": cfg.disclosure.site_title or cfg.name,
        "register": cfg.name,
        "contact": cfg.disclosure.contact,
        "footer": cfg.disclosure.footer,
        "year": cfg.year,
        "data_date": data_date,
        "internal": audience == INTERNAL,
        "audience": audience,
        "base_url": base_url.rstrip("/") + "/" if base_url else None,
        "lang": lang,
        "html_lang": HTML_LANG[lang],
    }
    return site, as_of


def _plan(b: _Build, lint: bool) -> None:
    """Phase 2: plan every page (unchanged units reuse their manifest entries), stop a public build on
    disclosure errors, add the monitor page, the static assets and the sitemap."""
    register = b.register
    b.tdig = templates_digest()
    salt = _sha(json.dumps({"site": b.site, "tpl": b.tdig, "v": __version__, "cfg": _sha(_read(register, "lfk.yaml")),
                            "std": {k: _sha(_read(register, lf.rel)) for k, lf in sorted(register.std_flow_files.items())}},
                           sort_keys=True, ensure_ascii=False).encode("utf-8"))
    old = b.old
    prior = old if old is not None and old.get("audience") == b.audience else None
    planner = Planner(register, b.audience, site=b.site, as_of=b.as_of, salt=salt, prior=prior, check=b.unchanged,
                      lang=b.lang)
    gate: UnitLinter | None = None
    to_lint: set[str] = set()
    if b.audience == PUBLIC and lint:
        # units unchanged since a build that passed this same lint need no second look
        changed = planner.changed_units() if prior is not None and prior.get("linted") else None
        gate = UnitLinter(register, disclosure_options(b.as_of))
        to_lint = {u for u in (register.unit_ids if changed is None else changed) if u in register.unit_dirs}
    items: dict[str, list[dict[str, str]]] = {}

    def read(ud: UnitData) -> None:
        # each unit is read once: the disclosure lint, the pages and the published items share it
        if gate is not None and ud.id in to_lint:
            gate.add(ud)
        items[ud.id] = unit_items(register, ud, b.audience == INTERNAL)

    planner.on_unit = read
    pages = planner.plan()
    if gate is not None:
        for uid in register.unit_ids:  # units the planner did not read (reused pages): read for the lint
            if uid in to_lint and not gate.done(uid):
                gate.add(register.unit(uid))
        blocked = disclosure_errors(gate.result())
        if blocked:
            raise PublicationBlocked(blocked)
        b.linted = True
    register.save_caches()  # the stat index learnt while reading (a no-op without a cache)
    b.items = items
    if b.monitor is not None:
        pages.append(b.monitor)
    env = environment("site")
    env.auto_reload = False  # one build: no template file is looked at again (a stat per page and template)
    env.globals["t"] = t
    env.extend(site_lang=b.lang)  # every page of this build is in b.lang: FoldWords resolves t("…", "…") once
    env.add_extension(FoldWords)
    for name in STATIC:
        src, _, _ = env.loader.get_source(env, name)  # type: ignore[union-attr]
        pages.append(Page(f"assets/{name}", None, raw=src.encode("utf-8")))
    if b.site["base_url"]:
        pages.append(_sitemap(pages, b.site["base_url"]))
    b.pages = pages
    b.env = env
    b.report.warnings = list(planner.warnings)
    b.unit_records = planner.unit_records


def _select(b: _Build) -> list[tuple[Page, str]]:
    """Phase 3: the pages to render, each with its input digest; a page whose inputs and file are as
    the earlier build left them is skipped (its manifest entry kept)."""
    report = b.report
    todo: list[tuple[Page, str]] = []
    seen: set[str] = set()
    for page in b.pages:
        rel = _check_rel(page.path)
        if rel.lower() in seen:
            report.warnings.append(f"{rel}: two pages with one file name; the second is skipped")
            continue
        seen.add(rel.lower())
        if page.reuse is not None:
            b.entries[rel] = dict(page.reuse)
            report.skipped.append(rel)
            continue
        ident = _page_digest(b, page, rel)
        prev = b.old_pages.get(rel)
        target = b.out / rel
        if isinstance(prev, dict) and prev.get("in") == ident and target.is_file():
            current = _file_digest(target)
            if current == prev.get("out"):
                b.entries[rel] = {"in": ident, "out": current}  # type: ignore[dict-item]
                report.skipped.append(rel)
                continue
        todo.append((page, ident))
    return todo


def _page_digest(b: _Build, page: Page, rel: str) -> str:
    """The SHA-256 of a page's inputs: its bytes, or its template, context and the site settings."""
    if page.raw is not None:
        return _sha(page.raw)
    blob = json.dumps({"t": page.template, "ctx": page.context, "site": b.site, "tpl": b.tdig,
                       "v": __version__, "root": _root_prefix(rel)},
                      ensure_ascii=False, sort_keys=True, default=str)
    return _sha(blob.encode("utf-8"))


def _file_digest(path: Path) -> str | None:
    """The SHA-256 of a file's bytes (None when it cannot be read)."""
    try:
        return _sha(path.read_bytes())
    except OSError:
        return None


def _render_flowcharts(b: _Build, todo: list[tuple[Page, str]]) -> dict[int, dict[str, Any]]:
    """Phase 4: the flowcharts of the pages to render, drawn in one batch: ``id(page)`` → context key →
    inline SVG (None where graphviz drew nothing)."""
    dots = [(page, key, dot, label) for page, _ in todo for key, dot, label in page.dots]
    store = b.register.cache
    cache = RenderCache(store.folder.parent) if store is not None and store.enabled else None
    svgs, b.report.flowcharts_cached = flowchart.render_svgs_counted([d for _, _, d, _ in dots], cache)
    b.report.flowcharts = sum(1 for s in svgs if s)
    charts: dict[int, dict[str, Any]] = {}
    for (page, key, _, label), svg in zip(dots, svgs, strict=True):
        charts.setdefault(id(page), {})[key] = Markup(flowchart.inline_svg(svg, label)) if svg else None
    return charts


def _render_pages(b: _Build, todo: list[tuple[Page, str]], charts: dict[int, dict[str, Any]],
                  progress: Callable[[int, int], None] | None) -> list[tuple[str, bytes]]:
    """Phase 5: render the pages to bytes (in memory; nothing is written yet) and record their digests."""
    rendered: list[tuple[str, bytes]] = []
    for done, (page, ident) in enumerate(todo, start=1):
        if progress is not None:
            progress(done, len(todo))
        rel = page.path
        if page.raw is not None:
            data = page.raw
        else:
            ctx = _page_context(b, page, charts.get(id(page), {}))
            data = b.env.get_template(page.template).render(ctx).encode("utf-8")
        rendered.append((rel, data))
        b.entries[rel] = {"in": ident, "out": _sha(data)}
    return rendered


def _page_context(b: _Build, page: Page, charts: dict[str, Any]) -> dict[str, Any]:
    """A page's template context: its own, the site settings, its path and root, its flowcharts and
    canonical address."""
    rel = page.path
    ctx = dict(page.context)
    ctx.update({"site": b.site, "root": _root_prefix(rel), "path": rel, "lang": b.lang})
    for key, _, _ in page.dots:
        ctx.setdefault(key, None)
    ctx.update(charts)
    if b.site["base_url"]:
        ctx["canonical"] = b.site["base_url"] + rel
    else:
        ctx["canonical"] = None
    return ctx


def _write_output(b: _Build, rendered: list[tuple[str, bytes]]) -> None:
    """Phase 6, at the end: write the rendered pages, delete stale files, write the manifests.

    Everything goes through one ``OutputTree``: a link anywhere on the way to a page, a stale file or a
    manifest is refused before the first write. Pages are written without ``fsync``: a page lost in a
    crash no longer has the digest the manifest records, so the next build writes it again; the
    manifests, written last, are durable. Into a new folder the pages are created in place
    (``OutputTree.create``: no temporary file and rename per page)."""
    tree = OutputTree(b.out)
    stale = _stale(b)
    try:
        tree.check([*b.entries, *(rel for rel, _ in rendered), *stale, MANIFEST, PUBLICATION, PUBLICATION_JS])
        if not stale and tree.create(rendered):
            b.report.written.extend(rel for rel, _ in rendered)
        else:
            for rel, data in rendered:
                tree.write(rel, data)
                b.report.written.append(rel)
            for rel in stale:
                if tree.remove(rel):
                    b.report.removed.append(rel)
        _write_manifests(b, tree)
    except OSError as e:
        raise WriteError(f"{b.out}: cannot write the site ({e.strerror or e}) / 无法写入网站") from None


def _stale(b: _Build) -> list[str]:
    """The files to delete (with the folders they leave empty): the pages of the earlier build this one
    no longer produces and, with ``sweep``, every file of the site's layout it does not write."""
    out: list[str] = []
    for rel in sorted(set(b.old_pages) - set(b.entries)):
        try:
            out.append(_check_rel(rel))
        except LfkError:
            continue
    if b.sweep and b.out.is_dir():
        out += [rel for rel in sorted(set(_layout_files(b.out)) - set(b.entries)) if rel not in out]
    return out


def _write_manifests(b: _Build, tree: OutputTree) -> None:
    """Write ``.lfk-site.json`` (the incremental build's memory) and the publication manifest
    ``lfk-publication.json`` with its script twin (for verify.html from file://), after the pages (the
    revision it names is that of a working tree which may hold them)."""
    manifest: dict[str, Any] = {"version": MANIFEST_VERSION, "audience": b.audience,
                                "pages": dict(sorted(b.entries.items()))}
    if b.linted:
        manifest["linted"] = True
    if b.unit_records:
        manifest["units"] = dict(sorted(b.unit_records.items()))
    text = json.dumps(manifest, ensure_ascii=False, indent=1, sort_keys=True)
    text = text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    tree.write(MANIFEST, text + "\n", durable=True)
    published = publication_manifest(b.register, b.site, {r: e["out"] for r, e in b.entries.items()}, b.items)
    tree.write(PUBLICATION, published, durable=True)
    tree.write(PUBLICATION_JS, publication_script(published), durable=True)


def _monitor_page(register: Register, events: list[Path | str], lang: str = "zh") -> Page:
    """The internal page of e-supervision results (clauses 11-12) from ``lfk.monitor``."""
    data = run_monitor(register, [str(p) for p in events]).to_dict(lang)
    counts = data.get("counts", {})
    names = {row["key"]: row.get("name") or row["key"] for rows in counts.values() for row in rows}
    units = {uid: (register.unit_model(uid).name if register.unit_model(uid) else uid) for uid in register.unit_ids}
    cases = [{**c, "unit_name": units.get(c.get("unit"), c.get("unit")),
              "authority_name": names.get(f"{c.get('unit')}/{c.get('authority')}", c.get("authority")),
              "how": ((c.get("alignment") or {}).get("text") or {}).get("en" if lang == "en" else "zh")}
             for c in data.get("cases", [])]
    findings = [{k: f.get(k) for k in ("code", "severity", "message", "case_id", "warning", "disposal")}
                for f in data.get("findings", [])[:1000]]
    explained = data.get("explain", {}).get("powers", [])
    yellow_at = register.config.monitor.yellow_at
    return Page("monitor.html", "monitor.html", {
        "title": pick(lang, "电子监察预警", "E-supervision warnings"), "as_of": data.get("as_of"), "summary": data.get("summary", {}),
        "counts": counts, "cases": cases, "escalations": data.get("escalations", []), "findings": findings,
        "more_findings": max(0, len(data.get("findings", [])) - len(findings)),
        "explain": explained,
        "chart": throughput_svg(explained, lang, yellow_at, steps=False, ident="tp-all", unit_names=units),
        "step_charts": [({**p, "unit_name": units.get(p["unit"], p["unit"])}, throughput_svg([p], lang, yellow_at, ident=f"tp-{i}"))
                        for i, p in enumerate(explained)],
        "crumbs": [[pick(lang, "首页", "Home"), "index.html"]],
    })


LAYOUT_DIRS = ("units", "assets")  # folders only lfk's pages live in
LAYOUT_TOP = (".html", ".xml")  # top-level pages and sitemap.xml


def _layout_files(out: Path) -> list[str]:
    """Files (and links, never followed) in the site's own layout under ``out``: top-level pages and
    everything under ``units/`` and ``assets/``; other files (a README, a CNAME) are not lfk's."""
    found: list[str] = []
    for p in out.iterdir():
        if p.name.endswith(LAYOUT_TOP) and (p.is_symlink() or p.is_file()):
            found.append(p.name)
    for top in LAYOUT_DIRS:
        d = out / top
        if d.is_symlink() or not d.is_dir():
            continue
        for folder, dirs, files in os.walk(d):
            base = Path(folder)
            dirs[:] = [x for x in dirs if not (base / x).is_symlink()]
            found += [(base / f).relative_to(out).as_posix() for f in files]
    return found


def _sitemap(pages: list[Page], base: str) -> Page:
    from markupsafe import escape

    urls = sorted(p.path for p in pages if p.path.endswith(".html"))
    body = "".join(f"  <url><loc>{escape(base + u)}</loc></url>\n" for u in urls)
    xml = ('<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n'
           f"{body}</urlset>\n")
    return Page("sitemap.xml", None, raw=xml.encode("utf-8"))
