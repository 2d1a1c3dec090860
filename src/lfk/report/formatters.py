"""One registry of finding formatters; each returns a string (the CLI prints it).

- ``text``: ``path:line:col: CODE severity message`` per finding, then a summary line; on a terminal
  wrapped at its width with a hanging indent (``width``), with ``color`` as rich markup.
- ``json``: ``{"findings": [...], "summary": {...}}`` (CLI.md).
- ``github``: workflow commands ``::error file=…,line=…,col=…,title=…::…``.
- ``sarif``: SARIF 2.1.0 with rule metadata in ``tool.driver.rules`` and the properties GitHub code
  scanning documents (partialFingerprints, region end, help text/markdown, precision, problem.severity).
- ``junit``: JUnit XML, one test case per file checked, one failure per failing file.

``github``, ``sarif`` and ``junit`` name files by ``path_prefix`` + the register-relative path, so that
paths are relative to the repository (the git work tree) when the register sits in a subfolder.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import json
import socket
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from itertools import groupby
from typing import Any
from urllib.parse import quote

from lfk import __version__
from lfk.core.finding import Finding, Severity
from lfk.core.i18n import Text
from lfk.core.safe import clean, printable
from lfk.core.text import wrap

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
MANY = 20  # findings from which the text summary names the per-code count (``hint_many``)
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
                width: int | None = None, rules: Iterable[RuleMeta] = (), tail: bool = True,
                hint_many: str | None = None, **_: Any) -> str:
    """Human output: ``path:line:col: CODE severity message`` per finding, then a summary line.

    With ``width`` (a terminal's columns) each finding wraps at that width with a hanging indent, its
    ``path:line:col:`` kept whole at the head of the line (terminals make it a link), CJK characters
    counted two columns, and a blank line between files; without it, one line per finding (for grep and
    CI logs). ``color``: the same as rich markup. ``tail=False`` leaves out the summary line (a command that
    prints its own, as ``lfk import`` does). ``hint_many``: the command that counts findings per code, named in
    the summary line when there are ``MANY`` findings or more.
    """
    if color:  # rich only for a terminal: plain output (hooks, CI) does not import it
        from rich.markup import escape as rescape

    lines: list[str] = []
    style = {"error": "bold red", "warning": "yellow", "info": "cyan"}
    for n, (_path, group) in enumerate(groupby(findings, key=lambda f: f.path)):
        if width is not None and n:
            lines.append("")
        for f in group:
            sev = f.severity.value
            tag = " (suppressed)" if f.suppressed and lang != "zh" else (" （已忽略）" if f.suppressed else "")
            loc, what = f"{f.path}:{f.line}:{f.column}:", f"{f.code} {sev}"
            body = f"{f.text(lang)}{tag}"
            wrapped = wrap(body, width, head=f"{loc} {what} ") if width is not None else [f"{loc} {what} {body}"]
            if color:
                first = wrapped[0]
                rest = first[len(loc):].lstrip(" ")
                rest = rest[len(what):] if rest.startswith(what) else rest
                wrapped = [f"[bold]{rescape(loc)}[/] [{style[sev]}]{what}[/]{rescape(rest)}",
                           *(rescape(x) for x in wrapped[1:])]
            lines.extend(wrapped)
    if not tail:
        return "".join(x + "\n" for x in lines)
    line = _summary_line(summary, lang)
    if hint_many and len(findings) >= MANY:
        line += f"；按代码汇总：{hint_many}" if lang == "zh" else f"; a count per code: {hint_many}"
    if width is not None and findings:
        lines.append("")
    if color:
        line = f"[bold {'red' if summary.get('errors') else 'green'}]{rescape(line)}[/]"
    lines.append(line)
    return "\n".join(lines) + "\n"


@formatter("statistics")
def format_statistics(findings: list[Finding], summary: dict[str, Any], *, lang: str = "en",
                      rules: Iterable[RuleMeta] = (), **_: Any) -> str:
    """How many findings of each code, most first (as ``ruff --statistics``): ``count  CODE  severity  title``,
    then the summary line — what an officer facing a long first report fixes first."""
    titles = {r.code: r.title for r in rules}
    counts: dict[str, list[Any]] = {}
    for f in findings:
        entry = counts.setdefault(f.code, [0, f.severity.value, f])
        entry[0] += 1
    width = len(str(max((c[0] for c in counts.values()), default=0)))
    lines = []
    for code, (n, sev, first) in sorted(counts.items(), key=lambda kv: (-kv[1][0], kv[0])):
        title = titles[code].get(lang) if code in titles else first.text(lang).split("；", 1)[0]
        lines.append(f"{n:>{width}}  {code}  {sev:<7}  {title}")
    lines.append(_summary_line(summary, lang))
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
def format_github(findings: list[Finding], summary: dict[str, Any], *, lang: str = "en", path_prefix: str = "",
                  **_: Any) -> str:
    """GitHub Actions workflow commands (annotations on the pull request)."""
    out = []
    level = {"error": "error", "warning": "warning", "info": "notice"}
    for f in findings:
        if f.suppressed:
            continue
        path = f"{path_prefix}{f.path}"
        out.append(
            f"::{level[f.severity.value]} file={_gh_escape(path, True)},line={f.line},col={f.column},"
            f"title={_gh_escape(f.code, True)}::{_gh_escape(f'{f.code} {f.text(lang)}')}"
        )
    out.append(_summary_line(summary, lang))
    return "\n".join(out) + "\n"


PROBLEM_SEVERITY = {"error": "error", "warning": "warning", "info": "recommendation"}


def _rule_name(title: str) -> str:
    """A rule ``name`` as SARIF wants it: an identifier-like PascalCase form of the English title."""
    words = [w for w in "".join(ch if ch.isalnum() else " " for ch in title).split() if w.isascii()]
    return "".join(w[:1].upper() + w[1:] for w in words) or "Rule"


def _plain(doc: str) -> str:
    """``doc`` without Markdown code fences (for ``help.text``, shown as plain text)."""
    return "\n".join(line for line in doc.splitlines() if not line.strip().startswith("```")).replace("`", "")


def _fingerprint(f: Finding, uri: str) -> str:
    """A stable id of a finding across runs: its code, file and message (not its line, which moves)."""
    return hashlib.sha256(f"{f.code}\0{uri}\0{f.message.en}".encode()).hexdigest()[:32]


@formatter("sarif")
def format_sarif(findings: list[Finding], summary: dict[str, Any], *, lang: str = "en",
                 rules: Iterable[RuleMeta] = (), root_uri: str | None = None, path_prefix: str = "",
                 **_: Any) -> str:
    """SARIF 2.1.0 log; every finding's rule described in ``tool.driver.rules``.

    ``root_uri`` is the ``file:`` URI of the folder paths are relative to (``%SRCROOT%``: the git work
    tree, or the register root when it is not in one); ``path_prefix`` leads from there to the register.
    """
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
        title = m.title.get(lang)
        props: dict[str, Any] = {"precision": "very-high", "problem.severity": PROBLEM_SEVERITY[m.severity.value],
                                 "tags": ["lfk", c[:4] + "xx"]}
        if m.clause:
            props["clause"] = m.clause
        doc = m.doc or title
        rule: dict[str, Any] = {
            "id": c,
            "name": _rule_name(m.title.en if m.title.en != c else c),
            "shortDescription": {"text": title},
            "fullDescription": {"text": doc.split("\n\n")[0]},
            "defaultConfiguration": {"level": level[m.severity.value]},
            "helpUri": f"{INFO_URI}#rules",
            "help": {"text": _plain(doc), "markdown": f"**{c}** {title}\n\n{doc}"},
            "properties": props,
        }
        driver_rules.append(rule)
    results = []
    for f in findings:
        line, col = max(1, f.line), max(1, f.column)
        uri = f"{path_prefix}{f.path}"
        res: dict[str, Any] = {
            "ruleId": f.code,
            "ruleIndex": index[f.code],
            "level": level[f.severity.value],
            "message": {"text": f.text(lang)},
            "locations": [{
                "physicalLocation": {
                    "artifactLocation": {"uri": quote(uri, safe="/"), "uriBaseId": "%SRCROOT%"},
                    "region": {"startLine": line, "startColumn": col, "endLine": line, "endColumn": col + 1},
                }
            }],
            "partialFingerprints": {"lfkFinding/v1": _fingerprint(f, uri)},
        }
        if f.suppressed:
            # an acceptance in accepted.yaml (lfk.lint.acceptance) is kept outside the file: SARIF's "external"
            kind = "external" if (f.suppress_reason or "").startswith("accepted ") else "inSource"
            res["suppressions"] = [{"kind": kind, "justification": f.suppress_reason or ""}]
        results.append(res)
    run: dict[str, Any] = {
        "tool": {"driver": {"name": "lfk", "version": __version__, "informationUri": INFO_URI, "rules": driver_rules}},
        "results": results,
        "columnKind": "unicodeCodePoints",
    }
    if root_uri:
        run["originalUriBaseIds"] = {"%SRCROOT%": {"uri": root_uri}}
    doc = {
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [run],
    }
    return json.dumps(doc, ensure_ascii=False, indent=2) + "\n"


@formatter("junit")
def format_junit(findings: list[Finding], summary: dict[str, Any], *, lang: str = "en", name: str = "lfk lint",
                 files: Iterable[str] = (), path_prefix: str = "", elapsed: float = 0.0,
                 timestamp: dt.datetime | None = None, hostname: str | None = None, **_: Any) -> str:
    """JUnit XML valid against Ant's JUnit XSD and Jenkins' junit-10.xsd (tests/fixtures/junit).

    One ``<testcase>`` per file checked (``files``, passing ones too; named ``path_prefix`` + path), with
    one ``<failure>`` listing its errors when it has any, so ``tests``/``failures`` count files; warnings
    and notes go to the suite's ``<system-out>``. ``time`` is the run's ``elapsed`` seconds.
    """
    from xml.sax.saxutils import escape, quoteattr  # only JUnit needs it (it pulls in urllib)

    by_file: dict[str, list[Finding]] = {p: [] for p in files}
    for f in findings:
        if not f.suppressed:
            by_file.setdefault(f.path, []).append(f)
    cases: list[str] = []
    failures = 0
    others: list[str] = []
    for path in sorted(by_file):
        shown = f"{path_prefix}{path}"
        items = by_file[path]
        errors = [f for f in items if f.severity is Severity.ERROR]
        others.extend(f"{path_prefix}{f.path}:{f.line}:{f.column}: {f.code} {f.severity.value} {f.text(lang)}"
                      for f in items if f.severity is not Severity.ERROR)
        head = f"    <testcase name={quoteattr(shown)} classname={quoteattr(name)} time=\"0\""
        if not errors:
            cases.append(head + "/>")
            continue
        failures += 1
        lines = [f"{path_prefix}{f.path}:{f.line}:{f.column}: {f.code} {f.text(lang)}" for f in errors]
        msg = lines[0] if len(errors) == 1 else f"{len(errors)} errors; first: {lines[0]}"
        cases.append(f"{head}>\n      <failure type={quoteattr(errors[0].code)} message={quoteattr(msg)}>"
                     f"{escape(chr(10).join(lines))}</failure>\n    </testcase>")
    stamp = (timestamp or dt.datetime.now()).replace(microsecond=0, tzinfo=None).isoformat()
    host = hostname or socket.gethostname() or "localhost"
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f"<testsuite name={quoteattr(name)} timestamp=\"{stamp}\" hostname={quoteattr(host)} tests=\"{len(cases)}\" "
        f"failures=\"{failures}\" errors=\"0\" time=\"{elapsed:.3f}\">\n"
        f"  <properties>\n    <property name=\"lfk.version\" value={quoteattr(__version__)}/>\n  </properties>\n"
        + "".join(c + "\n" for c in cases)
        + f"  <system-out>{escape(chr(10).join(others))}</system-out>\n  <system-err></system-err>\n</testsuite>\n"
    )


def format_findings(fmt: str, findings: list[Finding], summary: dict[str, Any], **kw: Any) -> str:
    """Format with the registered formatter ``fmt``; every text goes through ``lfk.core.safe.printable``
    first (no control character from a register or a file name reaches a terminal, log or XML)."""
    if kw.get("files") is not None:
        kw["files"] = [printable(p) for p in kw["files"]]
    return FORMATTERS[fmt]([_printable(f) for f in findings], summary, **kw)


def _printable(f: Finding) -> Finding:
    def txt(t: Text | None) -> Text | None:
        return None if t is None else Text(printable(t.zh), printable(t.en))

    return dataclasses.replace(f, path=printable(f.path), message=txt(f.message), hint=txt(f.hint),
                               suppress_reason=None if f.suppress_reason is None else printable(f.suppress_reason),
                               extra=clean(f.extra))
