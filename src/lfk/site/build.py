"""The site build pipeline: gather the register, build each page's context, render the changed pages
to strings, then write them at the end.

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
from lfk.core.fsutil import atomic_write
from lfk.core.templating import environment, templates_dir
from lfk.lint import LintOptions, lint_register
from lfk.lint.engine import default_jobs
from lfk.model.disclosure import INTERNAL, PUBLIC
from lfk.monitor import run_monitor
from lfk.register import Register
from lfk.site import flowchart
from lfk.site.charts import throughput_svg
from lfk.site.pages import Page, Planner
from lfk.site.publication import PUBLICATION, PUBLICATION_JS, publication_manifest, publication_script
from lfk.site.words import HTML_LANG, check_lang, pick, t

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
    flowcharts: int = 0
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
    return "../" * (len(PurePosixPath(rel).parts) - 1)


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


def _write(path: Path, data: bytes) -> None:
    """Write via a temporary file and a rename (readers never see half a page)."""
    atomic_write(path, data, make_parents=True)


def lint_disclosure(register: Register, as_of: dt.date | None, units: list[str] | None = None) -> list[Finding]:
    """Unsuppressed errors that stop a public build: LFK7xx, and a repeated or invalid ``internal`` /
    ``disclosure`` key (LFK002, LFK101: readers disagree on which value holds). ``units``: only these
    units (and lfk.yaml)."""
    sel = ["LFK7", *DISCLOSURE_KEY_CODES]
    opts = LintOptions(select=sel) if as_of is None else LintOptions(as_of=as_of, select=sel)
    opts.units = units
    opts.jobs = default_jobs()
    result = lint_register(register, opts)
    return [f for f in result.active if f.severity is Severity.ERROR and (
        f.code.startswith("LFK7") or (f.code in DISCLOSURE_KEY_CODES and _DISCLOSURE_KEY.search(f.message.en)))]


DISCLOSURE_KEY_CODES = ("LFK002", "LFK101")
_DISCLOSURE_KEY = re.compile(r"`(internal|disclosure)`")


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
    """
    import time

    t0 = time.perf_counter()
    if audience not in (PUBLIC, INTERNAL):
        raise UsageError(f"--audience {audience!r}: use public or internal / 请用 public 或 internal")
    if events and audience != INTERNAL:
        raise UsageError("--events only goes with --audience internal (event logs name people) / 电子监察结果只能放在内部版本")
    lang = check_lang(lang)
    out = Path(out_dir)
    if out.exists() and not out.is_dir():
        raise UsageError(f"{out}: not a folder / 不是文件夹")
    old = _read_manifest(out) if out.is_dir() else None
    if out.is_dir() and old is None and not force:
        visible = sorted(p.name for p in out.iterdir() if not p.name.startswith("."))
        if visible:
            raise UsageError(f"{out}: the folder is not empty and holds no lfk site / 目标文件夹非空且不是 lfk 生成的网站",
                             hint="choose an empty or new folder, or pass --force to build over it")
    # a public build over a folder it cannot vouch for (no readable manifest, built over with --force)
    # or over an internal site: every file in the site's own layout that this build does not write goes,
    # since it may be an internal page (an earlier internal build whose manifest was lost)
    sweep = audience == PUBLIC and out.is_dir() and (old is None or old.get("audience") != PUBLIC)
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
    monitor = _monitor_page(register, events, lang) if events else None
    site["monitor"] = monitor is not None
    if audience == INTERNAL:
        site["as_of"] = as_of.isoformat() if as_of else None
        site["cycle_days"] = cfg.review.cycle_days
        site["method"] = cfg.grading.method

    tdig = templates_digest()
    old_pages: dict[str, Any] = (old or {}).get("pages", {})
    salt = _sha(json.dumps({"site": site, "tpl": tdig, "v": __version__, "cfg": _sha(_read(register, "lfk.yaml")),
                            "std": {k: _sha(_read(register, lf.rel)) for k, lf in sorted(register.std_flow_files.items())}},
                           sort_keys=True, ensure_ascii=False).encode("utf-8"))

    def unchanged(rel: str, entry: Any) -> bool:
        target = out / rel
        if not isinstance(entry, dict) or not target.is_file():
            return False
        try:
            return _sha(target.read_bytes()) == entry.get("out")
        except OSError:
            return False

    prior = old if old is not None and old.get("audience") == audience else None
    planner = Planner(register, audience, site=site, as_of=as_of, salt=salt, prior=prior, check=unchanged, lang=lang)
    linted = False
    if audience == PUBLIC and lint:
        # units unchanged since a build that passed this same lint need no second look
        changed = planner.changed_units() if prior is not None and prior.get("linted") else None
        blocked = lint_disclosure(register, as_of, changed)
        if blocked:
            raise PublicationBlocked(blocked)
        linted = True
    pages = planner.plan()
    if monitor is not None:
        pages.append(monitor)
    env = environment("site")
    env.globals["t"] = t
    for name in STATIC:
        src, _, _ = env.loader.get_source(env, name)  # type: ignore[union-attr]
        pages.append(Page(f"assets/{name}", None, raw=src.encode("utf-8")))
    if base_url:
        pages.append(_sitemap(pages, site["base_url"]))

    report = SiteReport(out, audience, warnings=list(planner.warnings))
    entries: dict[str, dict[str, str]] = {}
    todo: list[tuple[Page, str]] = []
    seen: set[str] = set()
    for page in pages:
        rel = _check_rel(page.path)
        if rel.lower() in seen:
            report.warnings.append(f"{rel}: two pages with one file name; the second is skipped")
            continue
        seen.add(rel.lower())
        if page.reuse is not None:
            entries[rel] = dict(page.reuse)
            report.skipped.append(rel)
            continue
        if page.raw is not None:
            ident = _sha(page.raw)
        else:
            blob = json.dumps({"t": page.template, "ctx": page.context, "site": site, "tpl": tdig,
                               "v": __version__, "root": _root_prefix(rel)},
                              ensure_ascii=False, sort_keys=True, default=str)
            ident = _sha(blob.encode("utf-8"))
        prev = old_pages.get(rel)
        target = out / rel
        if isinstance(prev, dict) and prev.get("in") == ident and target.is_file():
            try:
                current = _sha(target.read_bytes())
            except OSError:
                current = None
            if current == prev.get("out"):
                entries[rel] = {"in": ident, "out": current}
                report.skipped.append(rel)
                continue
        todo.append((page, ident))

    # flowcharts of the pages to render, drawn in one batch
    dots = [(page, key, dot, label) for page, _ in todo for key, dot, label in page.dots]
    svgs = flowchart.render_svgs([d for _, _, d, _ in dots])
    report.flowcharts = sum(1 for s in svgs if s)
    extra: dict[int, dict[str, Any]] = {}
    for (page, key, _, label), svg in zip(dots, svgs, strict=True):
        extra.setdefault(id(page), {})[key] = Markup(flowchart.inline_svg(svg, label)) if svg else None

    rendered: list[tuple[str, bytes]] = []
    for done, (page, ident) in enumerate(todo, start=1):
        if progress is not None:
            progress(done, len(todo))
        rel = page.path
        if page.raw is not None:
            data = page.raw
        else:
            ctx = dict(page.context)
            ctx.update({"site": site, "root": _root_prefix(rel), "path": rel, "lang": lang})
            for key, _, _ in page.dots:
                ctx.setdefault(key, None)
            ctx.update(extra.get(id(page), {}))
            if site["base_url"]:
                ctx["canonical"] = site["base_url"] + rel
            else:
                ctx["canonical"] = None
            data = env.get_template(page.template).render(ctx).encode("utf-8")  # type: ignore[arg-type]
        rendered.append((rel, data))
        entries[rel] = {"in": ident, "out": _sha(data)}

    # write at the end
    try:
        out.mkdir(parents=True, exist_ok=True)
        for rel, data in rendered:
            _write(out / rel, data)
            report.written.append(rel)
        for rel in sorted(set(old_pages) - set(entries)):
            try:
                _check_rel(rel)
            except LfkError:
                continue
            p = out / rel
            if p.is_file():
                p.unlink()
                report.removed.append(rel)
                _prune(p.parent, out)
        if sweep:
            for rel in sorted(set(_layout_files(out)) - set(entries)):
                p = out / rel
                p.unlink()
                report.removed.append(rel)
                _prune(p.parent, out)
        manifest: dict[str, Any] = {"version": MANIFEST_VERSION, "audience": audience,
                                    "pages": dict(sorted(entries.items()))}
        if linted:
            manifest["linted"] = True
        if planner.unit_records:
            manifest["units"] = dict(sorted(planner.unit_records.items()))
        text = json.dumps(manifest, ensure_ascii=False, indent=1, sort_keys=True)
        text = text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
        atomic_write(out / MANIFEST, text + "\n")
        published = publication_manifest(register, site, {r: e["out"] for r, e in entries.items()})
        atomic_write(out / PUBLICATION, published)
        atomic_write(out / PUBLICATION_JS, publication_script(published))  # for verify.html from file://
    except OSError as e:
        raise WriteError(f"{out}: cannot write the site ({e.strerror or e}) / 无法写入网站") from None
    report.written.sort()
    report.skipped.sort()
    report.seconds = time.perf_counter() - t0
    return report


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


def _prune(folder: Path, top: Path) -> None:
    while folder != top and top in folder.parents:
        try:
            folder.rmdir()
        except OSError:
            return
        folder = folder.parent


def _sitemap(pages: list[Page], base: str) -> Page:
    from markupsafe import escape

    urls = sorted(p.path for p in pages if p.path.endswith(".html"))
    body = "".join(f"  <url><loc>{escape(base + u)}</loc></url>\n" for u in urls)
    xml = ('<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n'
           f"{body}</urlset>\n")
    return Page("sitemap.xml", None, raw=xml.encode("utf-8"))
