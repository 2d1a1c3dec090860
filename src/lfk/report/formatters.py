"""One registry of finding formatters; each returns a string (the CLI prints it).

- ``text``: grouped by file, ``path:line:col: CODE severity message``, then a summary line
  (with ``color`` the same as rich markup).
- ``json``: ``{"findings": [...], "summary": {...}}`` (CLI.md).
- ``github``: workflow commands ``::error file=…,line=…,col=…,title=…::…``.
- ``sarif``: SARIF 2.1.0 with rule metadata in ``tool.driver.rules``.
- ``junit``: JUnit XML, one test case per file, a failure per error.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from itertools import groupby
from typing import Any
from xml.sax.saxutils import escape, quoteattr

from lfk import __version__
from lfk.core.finding import Finding, Severity
from lfk.core.i18n import Text
from lfk.core.safe import clean, printable

INFO_URI = "https://github.com/lfk-project/lfk"


@dataclass(frozen=True)
class RuleMeta:
    """What formatters need to know of a rule (or check) code."""

    code: str
    title: Text
    severity: Severity
    clause: str = ""
    doc: str = ""


Formatter = Callable[..., str]
FORMATTERS: dict[str, Formatter] = {}


def formatter(name: str) -> Callable[[Formatter], Formatter]:
    """Register a formatter under ``name``."""

    def deco(fn: Formatter) -> Formatter:
        if name in FORMATTERS:
            raise ValueError(f"formatter {name} registered twice")
        FORMATTERS[name] = fn
        return fn

    return deco


def _summary_line(summary: dict[str, Any], lang: str) -> str:
    e, w = summary.get("errors", 0), summary.get("warnings", 0)
    s, n = summary.get("suppressed", 0), summary.get("files", 0)
    if lang == "zh":
        text = f"{e} 个错误，{w} 个警告（检查了 {n} 个文件"
        text += f"，{s} 项已忽略）" if s else "）"
        if not e and not w:
            text = f"没有发现问题（检查了 {n} 个文件" + (f"，{s} 项已忽略）" if s else "）")
        return text
    text = f"{e} error{'s' if e != 1 else ''}, {w} warning{'s' if w != 1 else ''} in {n} files"
    if s:
        text += f" ({s} suppressed)"
    if not e and not w:
        text = f"no problems found in {n} files" + (f" ({s} suppressed)" if s else "")
    return text


@formatter("text")
def format_text(findings: list[Finding], summary: dict[str, Any], *, lang: str = "en", color: bool = False,
                rules: Iterable[RuleMeta] = (), **_: Any) -> str:
    """Human output grouped by file; rich markup when ``color``."""
    if color:  # rich only for a terminal: plain output (hooks, CI) does not import it
        from rich.markup import escape as rescape

    lines: list[str] = []
    style = {"error": "bold red", "warning": "yellow", "info": "cyan"}
    for path, group in groupby(findings, key=lambda f: f.path):
        items = list(group)
        if color:
            lines.append(f"[bold underline]{rescape(path)}[/]")
        for f in items:
            sev = f.severity.value
            tag = " (suppressed)" if f.suppressed and lang != "zh" else (" （已忽略）" if f.suppressed else "")
            if color:
                lines.append(f"  [dim]{f.line}:{f.column}[/]  [{style[sev]}]{f.code} {sev}[/]  "
                             f"{rescape(f.text(lang))}{tag}")
            else:
                lines.append(f"{f.path}:{f.line}:{f.column}: {f.code} {sev} {f.text(lang)}{tag}")
        if color:
            lines.append("")
    line = _summary_line(summary, lang)
    if color:
        line = f"[bold {'red' if summary.get('errors') else 'green'}]{rescape(line)}[/]"
    lines.append(line)
    return "\n".join(lines) + "\n"


@formatter("json")
def format_json(findings: list[Finding], summary: dict[str, Any], *, lang: str = "en", **_: Any) -> str:
    """``{"findings": [...], "summary": {...}}``, stable keys, UTF-8."""
    doc = {"findings": [f.to_dict(lang) for f in findings], "summary": summary}
    return json.dumps(doc, ensure_ascii=False, indent=2) + "\n"


def _gh_escape(value: str, prop: bool = False) -> str:
    value = value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    if prop:
        value = value.replace(":", "%3A").replace(",", "%2C")
    return value


@formatter("github")
def format_github(findings: list[Finding], summary: dict[str, Any], *, lang: str = "en", root_prefix: str = "",
                  **_: Any) -> str:
    """GitHub Actions workflow commands (annotations on the pull request)."""
    out = []
    level = {"error": "error", "warning": "warning", "info": "notice"}
    for f in findings:
        if f.suppressed:
            continue
        path = f"{root_prefix}{f.path}"
        out.append(
            f"::{level[f.severity.value]} file={_gh_escape(path, True)},line={f.line},col={f.column},"
            f"title={_gh_escape(f.code, True)}::{_gh_escape(f'{f.code} {f.text(lang)}')}"
        )
    out.append(_summary_line(summary, lang))
    return "\n".join(out) + "\n"


@formatter("sarif")
def format_sarif(findings: list[Finding], summary: dict[str, Any], *, lang: str = "en",
                 rules: Iterable[RuleMeta] = (), root_uri: str | None = None, **_: Any) -> str:
    """SARIF 2.1.0 log; every finding's rule described in ``tool.driver.rules``."""
    metas = {r.code: r for r in rules}
    for f in findings:
        if f.code not in metas:
            metas[f.code] = RuleMeta(f.code, Text(f.code, f.code), f.severity)
    ordered = sorted(metas)
    index = {c: i for i, c in enumerate(ordered)}
    level = {"error": "error", "warning": "warning", "info": "note"}
    driver_rules = []
    for c in ordered:
        m = metas[c]
        rule: dict[str, Any] = {
            "id": c,
            "name": c,
            "shortDescription": {"text": m.title.get(lang)},
            "fullDescription": {"text": (m.doc.split("\n\n")[0] if m.doc else m.title.get(lang))},
            "defaultConfiguration": {"level": level[m.severity.value]},
            "helpUri": f"{INFO_URI}#rules",
            "properties": {"clause": m.clause} if m.clause else {},
        }
        if m.doc:
            rule["help"] = {"text": m.doc}
        driver_rules.append(rule)
    results = []
    for f in findings:
        res: dict[str, Any] = {
            "ruleId": f.code,
            "ruleIndex": index[f.code],
            "level": level[f.severity.value],
            "message": {"text": f.text(lang)},
            "locations": [{
                "physicalLocation": {
                    "artifactLocation": {"uri": f.path, "uriBaseId": "REGISTER_ROOT"},
                    "region": {"startLine": max(1, f.line), "startColumn": max(1, f.column)},
                }
            }],
        }
        if f.suppressed:
            res["suppressions"] = [{"kind": "inSource", "justification": f.suppress_reason or ""}]
        results.append(res)
    run: dict[str, Any] = {
        "tool": {"driver": {"name": "lfk", "version": __version__, "informationUri": INFO_URI, "rules": driver_rules}},
        "results": results,
        "columnKind": "unicodeCodePoints",
    }
    if root_uri:
        run["originalUriBaseIds"] = {"REGISTER_ROOT": {"uri": root_uri}}
    doc = {
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [run],
    }
    return json.dumps(doc, ensure_ascii=False, indent=2) + "\n"


@formatter("junit")
def format_junit(findings: list[Finding], summary: dict[str, Any], *, lang: str = "en", name: str = "lfk lint",
                 files: Iterable[str] = (), **_: Any) -> str:
    """JUnit XML: a test suite, a test case per file, a failure per error (warnings as system-out)."""
    by_file: dict[str, list[Finding]] = {}
    for p in files:
        by_file.setdefault(p, [])
    for f in findings:
        if not f.suppressed:
            by_file.setdefault(f.path, []).append(f)
    cases = []
    failures = 0
    for path in sorted(by_file):
        items = by_file[path]
        errors = [f for f in items if f.severity is Severity.ERROR]
        others = [f for f in items if f.severity is not Severity.ERROR]
        body = []
        for f in errors:
            failures += 1
            msg = f"{f.path}:{f.line}:{f.column}: {f.code} {f.text(lang)}"
            body.append(f"      <failure type={quoteattr(f.code)} message={quoteattr(msg)}>{escape(msg)}</failure>")
        if others:
            text = "\n".join(f"{f.path}:{f.line}:{f.column}: {f.code} {f.severity.value} {f.text(lang)}" for f in others)
            body.append(f"      <system-out>{escape(text)}</system-out>")
        inner = ("\n" + "\n".join(body) + "\n    ") if body else ""
        cases.append(f"    <testcase classname={quoteattr(name)} name={quoteattr(path)}>{inner}</testcase>")
    if not cases:
        cases.append(f"    <testcase classname={quoteattr(name)} name={quoteattr('register')}></testcase>")
    total = len(cases)
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f"<testsuites name={quoteattr(name)} tests=\"{total}\" failures=\"{failures}\">\n"
        f"  <testsuite name={quoteattr(name)} tests=\"{total}\" failures=\"{failures}\" errors=\"0\" skipped=\"0\">\n"
        + "\n".join(cases)
        + "\n  </testsuite>\n</testsuites>\n"
    )


def format_findings(fmt: str, findings: list[Finding], summary: dict[str, Any], **kw: Any) -> str:
    """Format with the registered formatter ``fmt``; every text goes through ``lfk.core.safe.printable``
    first (no control character from a register or a file name reaches a terminal, log or XML)."""
    return FORMATTERS[fmt]([_printable(f) for f in findings], summary, **kw)


def _printable(f: Finding) -> Finding:
    def txt(t: Text | None) -> Text | None:
        return None if t is None else Text(printable(t.zh), printable(t.en))

    return dataclasses.replace(f, path=printable(f.path), message=txt(f.message), hint=txt(f.hint),
                               suppress_reason=None if f.suppress_reason is None else printable(f.suppress_reason),
                               extra=clean(f.extra))
