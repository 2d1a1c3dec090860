"""``lfk export`` and ``lfk import``: the register as the tables officers file, and back."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import typer

from lfk import api
from lfk.cli.common import (
    Shared,
    UnitsOpt,
    err_console,
    is_terminal,
    open_register,
    shared_options,
    terminal_width,
    write_stdout,
    write_stdout_bytes,
)
from lfk.core.errors import UsageError
from lfk.core.finding import Severity
from lfk.core.fsutil import OutputTree, atomic_write
from lfk.core.text import wrap
from lfk.register import Register
from lfk.report import format_findings
from lfk.tables import TABLE_ORDER, workbook_bytes, write_csv
from lfk.tables.importer import ImportResult

EXPORT_FORMATS = ("xlsx", "csv", "json")
TABLE_NAMES = {"authorities": "职权目录", "risks": "廉政风险防控登记表", "measures": "防控措施", "benchmarks": "裁量基准",
               "posts": "岗位", "approvals": "审定记录"}


def _import_text(res: ImportResult, language: str, *, dry_run: bool, wrote: bool, unit: str = "") -> str:
    """The text report of ``lfk import``: findings (through the formatter registry, as lint prints them;
    wrapped on a terminal), the diff (dry run), the column report, the counts; after a write, the next step
    (``lfk lint UNIT``: what the tables did not hold and the register needs)."""
    findings, planned, counts = res.findings, res.files, res.counts
    width = {"width": terminal_width()} if is_terminal() else {}
    out_lines = format_findings("text", findings, {}, lang=language, tail=False, **width).splitlines()
    if dry_run:
        for p in planned:
            out_lines.append(p.diff().rstrip("\n"))
    zh = language == "zh"
    for sheet, row in dict.fromkeys((c["sheet"], c.get("row", 0)) for c in res.columns):
        cols = [c for c in res.columns if c["sheet"] == sheet and c.get("row", 0) == row]
        at = (f" 第{row}行" if zh else f" row {row}") if row else ""
        lead = ("列对应" if zh else "columns") + f" [{sheet}{at}]: "
        text = ", ".join(f"{c['header']}→{c['field'] or ('（空列）' if zh else '(empty)')}" for c in cols)
        out_lines.extend(wrap(text, width["width"], head=lead) if width else [lead + text])
    parts = []
    for k, c in counts.items():
        if any(c.values()):
            label = TABLE_NAMES.get(k, k) if zh else k
            parts.append(f"{label}: +{c['added']} ~{c['replaced']} ={c['unchanged']}")
    summary = "; ".join(parts) or ("无可导入的内容" if zh else "nothing to import")
    if dry_run:
        head = "试运行，未写入" if zh else "dry run, nothing written"
        if res.stopped:
            head += "（有错误：实际导入同样不写入）" if zh else " (errors: the real run writes nothing either)"
    elif wrote:
        head = f"已写入 {len(planned)} 个文件" if zh else f"wrote {len(planned)} file(s)"
    else:
        head = "有错误，未写入任何文件（可用 --force 只写入可读的行）" if zh else \
            "errors found: nothing written (--force writes the readable rows)"
    if res.hidden_errors:
        n = res.hidden_errors
        head += (f"（其中 {n} 个错误按 lint.ignore/lint.severity 或 --ignore 未列出，仍阻止写入）" if zh else
                 f" ({n} error(s) not listed as errors by lint.ignore/lint.severity or --ignore still stop it)")
    out_lines.append(f"{head} — {summary} (+{'新增' if zh else 'added'} ~{'替换' if zh else 'replaced'} "
                     f"={'未变' if zh else 'unchanged'})")
    if not dry_run and wrote:
        out_lines.extend(f"  {p.rel}" for p in planned)
        if planned:
            out_lines.append(f"下一步：lfk lint {unit} 列出表格中没有、登记册还需补充的内容（评定因素、责任人、集体审定等；"
                             "--format statistics 按代码汇总）" if zh else
                             f"next: lfk lint {unit} lists what the tables did not hold and the register still needs "
                             "(grading factors, owners, approvals …; --format statistics counts them per code)")
    return "\n".join(out_lines)


@shared_options("root", "skip_broken", "lang", "as_of", "rev", "at")
def export_cmd(
    fmt: Annotated[str, typer.Option("--format", "-f", help="xlsx | csv | json.")] = "xlsx",
    unit: UnitsOpt = None,
    out: Annotated[Path | None, typer.Option("--out", "-o", help="Output file (xlsx default: lfk-export.xlsx; csv/json default: stdout). "
                                             "With --table all, a folder for one CSV per table.")] = None,
    table: Annotated[str, typer.Option("--table", "-t", help="CSV: authorities | risks | measures | benchmarks | posts | approvals | all.")] = "risks",
    encoding: Annotated[str, typer.Option("--encoding", help="CSV encoding: utf-8-sig (opens right in Excel) | utf-8 | gbk.")] = "utf-8-sig",
    also: Annotated[list[Path] | None, typer.Option("--also", help="Roll-up: more register roots (e.g. each unit's own repository) exported into the same tables; repeatable.")] = None,
    opts: Shared = Shared(),
) -> None:
    """Export the register as the tables officers file (职权目录, 廉政风险防控登记表, 防控措施, 裁量基准, 岗位, 审定记录).

    --also ROOT (repeatable) rolls several registers (a county's units in separate repositories)
    into the same tables.

    Example: lfk export --format xlsx --unit county-amr --out amr.xlsx
    """
    if fmt not in EXPORT_FORMATS:
        raise UsageError(f"--format {fmt!r}: use one of {', '.join(EXPORT_FORMATS)}")
    day = opts.day()
    reg = opts.register()
    opts.language(reg)
    api.check_units(reg, unit)
    others = [open_register(extra, rev=opts.rev, at=opts.at, skip_broken=opts.skip_broken) for extra in also or []]
    if fmt == "json":
        _export_json(api.export_json(reg, unit, also=others), out)
        return
    tables, uids = api.export_tables(reg, unit, also=others)
    if fmt == "xlsx":
        _export_xlsx(reg, uids, tables, out, day)
        return
    _export_csv(tables, table, encoding, out)


def _export_json(doc: dict[str, Any], out: Path | None) -> None:
    """``lfk export --format json``: the register's tables as one JSON document to ``out`` or stdout."""
    text = json.dumps(doc, ensure_ascii=False, indent=2) + "\n"
    if out is None:
        write_stdout(text)
    else:
        atomic_write(out, text)
        err_console().print(f"wrote {out}")


def _export_xlsx(reg: Register, uids: list[str], tables: dict[str, Any], out: Path | None, day: Any) -> None:
    """``lfk export --format xlsx``: one workbook, a sheet per table (default file lfk-export.xlsx)."""
    target = out or Path("lfk-export.xlsx")
    scope = reg.unit(uids[0]).name if len(uids) == 1 else f"全部 {len(uids)} 个单位"
    data = workbook_bytes(tables, register_name=reg.config.name, scope=scope,
                          grade_labels=dict(reg.config.grading.labels or {}), today=day)
    atomic_write(target, data)
    err_console().print(f"wrote {target} ({', '.join(f'{t.table.title} {len(t.rows)}' for t in tables.values())})")


def _export_csv(tables: dict[str, Any], table: str, encoding: str, out: Path | None) -> None:
    """``lfk export --format csv``: one table to ``out`` or stdout, or (``--table all``) a CSV per table
    into the folder ``out``."""
    enc = encoding.lower()
    if enc not in ("utf-8-sig", "utf-8", "gbk", "gb18030"):
        raise UsageError(f"--encoding {encoding!r}: use utf-8-sig, utf-8 or gbk")
    names = list(TABLE_ORDER) if table == "all" else [table]
    for n in names:
        if n not in tables:
            raise UsageError(f"--table {n!r}: use one of {', '.join(TABLE_ORDER)} or all")
    try:
        blobs = {n: write_csv(tables[n], enc) for n in names}
    except UnicodeEncodeError as e:
        raise UsageError(f"a value cannot be written in {encoding}: {e.object[e.start:e.end]!r} / 无法用该编码写出",
                         hint="use --encoding utf-8-sig") from None
    if table == "all":
        if out is None:
            raise UsageError("--table all writes one CSV per table: give a folder with --out DIR / 请用 --out 指定文件夹")
        tree = OutputTree(out)  # never through a link: refused before the first file is written
        tree.check([f"{n}.csv" for n in blobs])
        for n, blob in blobs.items():
            tree.write(f"{n}.csv", blob, durable=True)
        err_console().print(f"wrote {len(blobs)} CSV files to {out}")
        return
    blob = blobs[names[0]]
    if out is None:
        write_stdout_bytes(blob)
    else:
        atomic_write(out, blob)
        err_console().print(f"wrote {out}")


@shared_options("root", "skip_broken", "lang", "as_of")
def import_cmd(
    files: Annotated[list[Path], typer.Argument(metavar="FILE", help="xlsx, xls, docx (every Word table), html (every table of a web page), csv (UTF-8 or GBK) or json files (lfk export's, or the unit's own tables).")],
    unit: Annotated[str, typer.Option("--unit", "-u", help="The unit to import into (it must exist: lfk new unit).")],
    dry_run: Annotated[bool, typer.Option("--dry-run", "-n", help="Show what would be written (a diff); write nothing.")] = False,
    replace: Annotated[bool, typer.Option("--replace", help="Items whose id the unit has already are replaced (default: refused).")] = False,
    force: Annotated[bool, typer.Option("--force", help="Write the readable rows even when some rows have errors.")] = False,
    from_unit: Annotated[str | None, typer.Option("--from-unit", help="When the input holds several units: which one to take.")] = None,
    as_kind: Annotated[str | None, typer.Option("--as", help="Read every sheet as this table: risks | authorities | measures | benchmarks | flows.")] = None,
    map_file: Annotated[Path | None, typer.Option("--map", help="YAML column mapping, as import: in lfk.yaml: import: {columns: {<source header>: <field or extra>}}.")] = None,
    fmt: Annotated[str, typer.Option("--format", "-f", help="Findings as text | json.")] = "text",
    select: Annotated[list[str] | None, typer.Option("--select", help="Report only these IMP codes or prefixes (IMP1, IMP106); the most specific entry wins.")] = None,
    ignore: Annotated[list[str] | None, typer.Option("--ignore", help="Do not report these IMP codes or prefixes (what is written stays the same).")] = None,
    opts: Shared = Shared(),
) -> None:
    """Import Excel/Word/CSV tables (风险点登记表, 职权目录, 防控措施, 裁量基准) into a unit's YAML.

    Reads .xlsx, the old .xls, .docx (each Word table is a sheet named by the paragraph above it), .html
    (each table of a web page; also a web page saved as .xls or .doc, as web systems export), .csv
    (UTF-8 or GBK) and lfk's own .json export; merged cells count as in Excel. Word 97 .doc, .wps, .rtf,
    .odt and .ods are converted by LibreOffice when it is installed, else refused with the advice to save
    them as .docx or .xlsx.

    Items are merged by id: new ids are added; an id the unit already has is left alone when its
    content is the same and refused (IMP104) when it differs, unless --replace. Unmapped columns
    (IMP101), unreadable rows (IMP102, with sheet and row) and values outside the register's
    vocabulary (IMP103) are reported; error findings stop the import (exit 1, nothing written).
    A sheet's kind comes from its columns (--as says it); headers still not recognised are mapped
    in lfk.yaml (import: {columns: {<source header>: <field>}}) or a --map file of the same shape.
    The column report lists each source column and the field it went to (or extra). --select/--ignore and
    lfk.yaml's lint.ignore/lint.severity change which IMP findings are reported and the exit code, never
    what is written: an import its errors stop stays stopped, even with those errors hidden.

    Example: lfk import 风险点登记表.xlsx --unit county-amr --dry-run
    """
    if fmt not in ("text", "json"):
        raise UsageError(f"--format {fmt!r}: use text or json")
    day = opts.day()
    reg = opts.register()
    language = opts.language(reg)
    res = api.import_tables(reg, unit, files, replace=replace, dry_run=dry_run, force=force, from_unit=from_unit,
                            kind=as_kind, map_file=map_file, as_of=day,
                            select=select, ignore=ignore)
    findings, planned, counts, code = res.findings, res.files, res.counts, res.exit_code
    wrote = res.written
    if fmt == "json":
        summary = {"errors": sum(1 for x in findings if x.severity is Severity.ERROR),
                   "warnings": sum(1 for x in findings if x.severity is Severity.WARNING),
                   "written": wrote, "dry_run": dry_run, "counts": counts,
                   "files": [p.rel for p in planned], "exit_code": code, "columns": res.columns}
        if res.hidden_errors:
            summary["hidden_errors"] = res.hidden_errors
        doc = {"findings": [x.to_dict(language) for x in findings], "summary": summary}
        if dry_run:
            doc["diff"] = "".join(p.diff() for p in planned)
        write_stdout(json.dumps(doc, ensure_ascii=False, indent=2))
        raise typer.Exit(code)
    write_stdout(_import_text(res, language, dry_run=dry_run, wrote=wrote, unit=unit))
    raise typer.Exit(code)


def register(app: typer.Typer) -> None:
    """Add ``export`` and ``import`` to ``app``."""
    app.command("export")(export_cmd)
    app.command("import")(import_cmd)
