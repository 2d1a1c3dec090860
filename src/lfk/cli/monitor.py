"""``lfk monitor EVENTS...``: e-supervision of case event logs against the register (clauses 11-12)."""

from __future__ import annotations

import csv
import io
import json
import os
import sys
from pathlib import Path
from typing import Annotated, Any

import typer

from lfk import api
from lfk.cli.common import Shared, err_console, is_terminal, out_console, shared_options, stderr_bar, write_stdout
from lfk.core.errors import UsageError
from lfk.core.fsutil import atomic_write
from lfk.core.safe import csv_row, printable
from lfk.core.text import Cell, box_table
from lfk.model.text import days_text

CI_FORMATS = ("github", "sarif", "junit")
FORMATS = ("text", "json", "csv", *CI_FORMATS)
FAIL_ON = {"黄牌": "黄牌", "yellow": "黄牌", "红牌": "红牌", "red": "红牌"}
CSV_COLUMNS = ("code", "severity", "warning", "disposal", "path", "line", "case_id", "unit", "authority", "step",
               "post", "person", "message", "columns")
DIM_TITLES = {
    "unit": ("按单位", "by unit"), "authority": ("按职权", "by power"), "step": ("按环节", "by step"),
    "post": ("按岗位", "by post"), "risk": ("按风险点", "by risk point"),
}


def format_csv(result: Any, lang: str) -> str:
    """One row per finding (``CSV_COLUMNS``); extra event columns as a JSON object in ``columns``."""
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(CSV_COLUMNS)
    for f in result.findings:
        x = f.extra
        w.writerow(csv_row([f.code, f.severity.value, x.get("warning") or "", x.get("disposal") or "", f.path, f.line,
                    x.get("case_id", ""), x.get("unit", ""), x.get("authority", ""), x.get("step", ""),
                    x.get("post") or "", x.get("person") or "", f.text(lang),
                    json.dumps(x["columns"], ensure_ascii=False) if x.get("columns") else ""]))
    return buf.getvalue()


def format_ci(result: Any, fmt: str, lang: str, logs: list[str]) -> str:
    """GitHub annotations, SARIF or JUnit through the one formatter registry (as ``lfk lint`` prints them).

    Paths of event logs inside the git work tree of the current folder (else the current folder) are
    made relative to it, so annotations and code-scanning alerts land on the log's file in the repository.
    """
    import dataclasses

    from lfk.core.git import work_tree_of
    from lfk.monitor.codes import CODES, severity_of
    from lfk.report import RuleMeta, format_findings

    tree = work_tree_of(Path.cwd())
    base = tree[0] if tree else Path.cwd()

    def rel(path: str) -> str:
        try:
            return Path(path).resolve().relative_to(base.resolve()).as_posix()
        except (ValueError, OSError):
            return path

    findings = [dataclasses.replace(f, path=rel(f.path)) for f in result.findings]
    rules = [RuleMeta(code, title, severity_of(code, level)) for code, (title, level) in CODES.items()]
    return format_findings(fmt, findings, result.summary, lang=lang, rules=rules, root_uri=base.as_uri() + "/",
                           path_prefix="", files=[rel(p) for p in logs], name="lfk monitor")


def _d(x: float | None) -> str:
    return "—" if x is None else f"{x:g}"


RED, YELLOW = "1;31", "33"  # SGR colours of 红牌 and 黄牌 cells (on a terminal)
WARNING_STYLE = {"红牌": RED, "黄牌": YELLOW}


def explain_tables(powers: list[dict[str, Any]], zh: bool, color: bool) -> list[str]:
    """Per power: the share of cases with each deviation and the median throughput with/without it; then
    throughput per power and per step (median, P90) against the limits (``lfk.monitor.explain``); the
    register's names made printable."""
    if not powers:
        return []
    kinds = (("skipped", "跳过", "skipped"), ("extra", "多余环节", "extra"), ("out_of_order", "顺序错误", "out of order"),
             ("repeated", "重复办理", "repeated"), ("any", "任一偏离", "any"))
    rows: list[list[Cell]] = []
    for p in powers:
        cells: list[Cell] = [printable(f"{p['unit']}/{p['authority']} {p['name']}"), str(p["cases"])]
        for k, _z, _e in kinds:
            d = p["deviations"][k]
            cells.append(f"{d['cases']} ({100 * (d['share'] or 0):.0f}%) {_d(d['median_with'])}/{_d(d['median_without'])}"
                         if d["cases"] else "0")
        rows.append(cells)
    out = box_table("偏离流程的案件占比 · 办理时长中位数（有 / 无该偏离，天）" if zh else
                    "Cases deviating from the flow · median throughput with / without (days)",
                    ["职权" if zh else "power", "案件" if zh else "cases", *(z if zh else e for _k, z, e in kinds)],
                    rows, right=frozenset(range(1, 2 + len(kinds))), color=color)
    rows = []
    for p in powers:
        spans = [(f"{p['unit']}/{p['authority']} {p['name']}" + ("（全案）" if zh else " (case)"), p["throughput"])]
        spans += [(f"  {s['step']} {s['name']}", s) for s in p["steps"]]
        for label, s in spans:
            lim = "—" if s["limit"] is None else days_text(s["limit"], s["kind"], "zh" if zh else "en")
            over = str(s["over_limit"]) if s["limit"] is not None else "—"
            rows.append([printable(label), str(s["n"]), _d(s["median"]), _d(s["p90"]), _d(s["max"]), lim,
                         (over, RED) if s["over_limit"] else over])
    out += box_table("办理时长与时限（天）" if zh else "Throughput time against the limits (days)",
                     [h[0] if zh else h[1] for h in (("职权 · 环节", "power · step"), ("件数", "n"), ("中位数", "median"),
                                                     ("P90", "P90"), ("最长", "max"), ("时限", "limit"),
                                                     ("超时限", "over"))],
                     rows, right=frozenset(range(1, 7)), color=color)
    return out


def format_text(result: Any, lang: str, color: bool) -> str:
    """Findings, the warned cases, escalations, counts per dimension and a summary (boxed tables).

    With ``color`` (a terminal) the warnings are coloured and every text from the register or the logs is
    made printable here; without, the caller makes the whole text printable."""
    zh = lang == "zh"
    safe = printable if color else str
    out: list[str] = []
    for f in result.findings:
        level = f.extra.get("warning")
        tag = level or f.severity.value
        disp = f.extra.get("disposal")
        tail = (f"（处置：{disp}）" if zh else f" (disposal: {disp})") if disp else ""
        cols = f.extra.get("columns")
        if cols:
            tail += " [" + ", ".join(f"{k}={v}" for k, v in cols.items()) + "]"
        if not color:
            out.append(f"{f.path}:{f.line}: {f.code} {tag} {f.text(lang)}{tail}")
            continue
        out.append(f"\x1b[2m{safe(f.path)}:{f.line}:\x1b[0m \x1b[{WARNING_STYLE.get(level, '36')}m{f.code} {tag}\x1b[0m "
                   f"{safe(f.text(lang) + tail)}")
    if result.cases:
        rows: list[list[Cell]] = []
        for c in result.cases:
            al = c.get("alignment")
            rows.append([safe(c["case_id"]), safe(c["unit"]), safe(c["authority"]),
                         (c["warning"], WARNING_STYLE[c["warning"]]), safe(c["disposal"] or ""), " ".join(c["codes"]),
                         safe(" ".join(c["posts"])), c.get("warning_id", ""), c.get("state", ""), c.get("dispose_by", ""),
                         safe(al["text"][lang if zh else "en"]) if al else ""])
        out += box_table("预警案件" if zh else "Warned cases",
                         [h[0] if zh else h[1] for h in (
                             ("案件", "case"), ("单位", "unit"), ("职权", "power"), ("预警", "warning"),
                             ("处置", "disposal"), ("问题", "codes"), ("岗位", "posts"), ("预警编号", "warning id"),
                             ("处置状态", "state"), ("处置期限", "dispose by"), ("偏离流程", "against the flow"))],
                         rows, color=color)
    out += explain_tables(result.explain, zh, color)
    if result.escalations:
        out += box_table("升级处置" if zh else "Escalations",
                         [h[0] if zh else h[1] for h in (("单位", "unit"), ("岗位", "post"), ("次数", "count"),
                                                         ("窗口（天）", "within days"), ("处置", "disposal"),
                                                         ("案件", "cases"))],
                         [[safe(e["unit"]), safe(e["post"]), str(e["count"]), str(e["within_days"]), safe(e["disposal"]),
                           safe(" ".join(e["cases"]))] for e in result.escalations], color=color)
    for dim, (tz, te) in DIM_TITLES.items():
        crows = result.count_rows(dim)
        if not crows:
            continue
        out += box_table(("预警统计 · " + tz) if zh else ("Warnings " + te),
                         ["编号" if zh else "id", "名称" if zh else "name", "黄牌", "红牌", "案件" if zh else "cases"],
                         [[safe(r["key"]), safe(r["name"]), str(r["黄牌"]), str(r["红牌"]), str(r["cases"])] for r in crows],
                         right=frozenset({2, 3, 4}), color=color)
    s = result.summary
    when = result.as_of.strftime("%Y-%m-%d %H:%M") if result.as_of else "—"
    if zh:
        line = (f"{s['files']} 个文件，{s['events']} 个事件，{s['cases']} 个案件（已办结 {s['closed_cases']}，"
                f"未办结 {s['open_cases']}，截至 {when}）；预警案件 {s['warned_cases']} 件：黄牌 {s['黄牌']}，"
                f"红牌 {s['红牌']}；升级处置 {s['escalations']} 次；问题行 {s['bad_rows']}")
    else:
        line = (f"{s['files']} file(s), {s['events']} events, {s['cases']} cases ({s['closed_cases']} closed, "
                f"{s['open_cases']} open as of {when}); {s['warned_cases']} warned: 黄牌 {s['黄牌']}, "
                f"红牌 {s['红牌']}; {s['escalations']} escalation(s); {s['bad_rows']} bad row(s)")
    disp = s.get("dispositions")
    if disp:
        states = "，".join(f"{k} {disp[k]}" for k in ("待处置", "处置中", "已整改", "逾期未处置"))
        line += (f"；处置：{states}；按期处置 {disp['on_time']}" if zh
                 else f"; disposal: {states}; disposed on time {disp['on_time']}")
    if s.get("accepted"):
        line += (f"；已接受的偏离 {s['accepted']} 处（accepted.yaml）" if zh
                 else f"; {s['accepted']} accepted deviation(s) (accepted.yaml)")
    out.append(f"\x1b[1m{line}\x1b[0m" if color else line)
    return "\n".join(out) + "\n"


@shared_options("root", "skip_broken", "lang")
def monitor_cmd(
    events: Annotated[list[Path], typer.Argument(metavar="EVENTS", help="Event logs: CSV (UTF-8 or GBK) or JSON Lines.")],
    fmt: Annotated[str, typer.Option("--format", "-f", help="text | json | csv | github | sarif | junit")] = "text",
    fail_on: Annotated[str | None, typer.Option("--fail-on", help="Exit 1 when a case has a warning at or above "
                                                 "this: 黄牌 | 红牌 (default: always exit 0).")] = None,
    closed: Annotated[bool, typer.Option("--closed", help="Every case in the logs is finished: one that stopped "
                                         "at a step that is not an end is reported (MON104).")] = False,
    output: Annotated[Path | None, typer.Option("--output", "-o", help="Write the report to this file.")] = None,
    opts: Shared = Shared(),
    as_of: Annotated[str | None, typer.Option("--as-of", help="When open cases are judged: a date (its end) or a "
                                              "date and time; default: the newest time in the logs.")] = None,
    no_explain: Annotated[bool, typer.Option("--no-explain", help="Leave out the alignments of deviating cases and "
                                             "the throughput times (faster on very large logs).")] = False,
    engine: Annotated[str | None, typer.Option("--engine", help="python | duckdb | spark: where the checks run "
                                               "(the same results); default: python. "
                                               "Spark: LFK_SPARK_MASTER (default local[2]).")] = None,
    select: Annotated[list[str] | None, typer.Option("--select", help="Report only these MON codes or prefixes "
                                                     "(MON3, MON202); the most specific entry wins.")] = None,
    ignore: Annotated[list[str] | None, typer.Option("--ignore", help="Do not report these MON codes or prefixes: "
                                                     "they warn no case (lfk.yaml: lint.ignore / lint.severity).")] = None,
) -> None:
    """Check case event logs against the flows, time limits and discretion benchmarks; warn (黄牌/红牌).

    Example: lfk monitor cases-2026.csv --as-of 2026-12-01 --fail-on 红牌 --ignore MON302 --format json
    """
    if fmt not in FORMATS:
        raise UsageError(f"--format {fmt!r}: use one of {', '.join(FORMATS)}")
    level = None
    if fail_on is not None:
        level = FAIL_ON.get(fail_on.strip().lower())
        if level is None:
            raise UsageError(f"--fail-on {fail_on!r}: use 黄牌 or 红牌 / 请用 黄牌 或 红牌")
    when = api.monitor_time(as_of)
    engine = api.monitor_engine(engine)
    reg = opts.register()
    language = opts.language(reg)
    paths = [str(p) for p in events]
    large = sys.stderr.isatty() and sum(p.stat().st_size for p in events if p.is_file()) > 8 << 20
    with stderr_bar(large, "monitor", sizes=True) as tick:
        result = api.monitor(reg, events, as_of=when, closed=closed, engine=engine, explain=not no_explain,
                             select=select, ignore=ignore, progress=tick)
    if fmt == "json":
        text = json.dumps(result.to_dict(language), ensure_ascii=False, indent=2) + "\n"
    elif fmt == "csv":
        text = format_csv(result, language)
    elif fmt in CI_FORMATS:
        text = format_ci(result, fmt, language, paths)
    else:
        color = output is None and is_terminal() and "NO_COLOR" not in os.environ
        text = format_text(result, language, color)
        if not color:  # with colour, format_text made each text from the register or the logs printable
            text = printable(text, newlines=True)
    if output is not None:
        atomic_write(output, text)
        err_console().print(f"wrote {output}")
    elif fmt == "text" and is_terminal():
        out_console().file.write(text)
    else:
        write_stdout(text)
    if result.unreadable():
        err_console().print("lfk: no event could be read (MON002/MON003 above): export the log with the columns of "
                            "REGISTER.md's event log / 未能读取任何事件（见上方 MON002/MON003）：请按事件日志的列导出",
                            markup=False, highlight=False)
    raise typer.Exit(result.exit_code(level))


def register(app: typer.Typer) -> None:
    """Add ``monitor`` to ``app``."""
    app.command("monitor")(monitor_cmd)
