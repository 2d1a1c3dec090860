"""Turning a ``DiffResult`` into text (plain or rich), markdown, JSON or a standalone HTML report.

Every output is grouped by unit (register-level changes first), then by kind, then item; each
item shows its field changes and, for risks, the grade movement and its cause.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from lfk.core.i18n import T, Text
from lfk.core.safe import md_text, printable
from lfk.core.templating import environment
from lfk.diff.compare import FieldChange
from lfk.diff.result import CHANGES, KINDS, MATRIX_KEYS, Change, DiffResult, GradeMove
from lfk.model import Authority, Benchmark, Config, Flow, Measure, Risk, Unit
from lfk.model.items import Approval, Post

FORMATS = ("text", "markdown", "json", "html")

KIND_LABEL: dict[str, Text] = {
    "config": T("登记册设置（lfk.yaml）", "register settings (lfk.yaml)"),
    "units": T("单位", "unit"),
    "posts": T("岗位", "posts"),
    "approvals": T("集体审定记录", "approvals"),
    "authorities": T("职权", "powers"),
    "flows": T("权力运行流程图", "flows"),
    "risks": T("廉政风险点", "risks"),
    "measures": T("防控措施", "measures"),
    "benchmarks": T("行政裁量权基准", "discretion benchmarks"),
}
CHANGE_LABEL: dict[str, Text] = {
    "added": T("新增", "added"),
    "removed": T("删除", "removed"),
    "changed": T("修改", "changed"),
    "renamed": T("疑似改编号", "likely renamed"),
    "regraded": T("重新评级", "regraded"),
}
RETIRED = T("撤销", "retired")
SYMBOL = {"added": "+", "removed": "-", "changed": "~", "renamed": ">", "regraded": "!"}
STYLE = {"added": "green", "removed": "red", "changed": "yellow", "renamed": "cyan", "regraded": "magenta"}
CAUSE_LABEL: dict[str, Text] = {
    "factors": T("评定因素变化", "the risk's factors changed"),
    "rubric": T("评定标准（lfk.yaml grading）变化", "the rubric (lfk.yaml grading) changed"),
    "authority": T("所在职权的重点领域变化", "its power's key areas changed"),
    "declared": T("仅调整审定等级", "only the approved grade changed"),
}
MOVE_LABEL: dict[str, Text] = {
    "raised": T("升级 ↑", "raised ↑"),
    "lowered": T("降级 ↓", "lowered ↓"),
    "unchanged": T("不变", "unchanged"),
}


def _field_titles() -> dict[str, dict[str, str]]:
    out: dict[str, dict[str, str]] = {}
    for kind, cls in (("config", Config), ("units", Unit), ("posts", Post), ("approvals", Approval),
                      ("authorities", Authority), ("flows", Flow), ("risks", Risk), ("measures", Measure),
                      ("benchmarks", Benchmark)):
        out[kind] = {name: f.title or name for name, f in cls.model_fields.items()}
    out["flows"]["start"] = "起始环节"
    return out


_TITLES: dict[str, dict[str, str]] | None = None


def change_label(c: Change, lang: str) -> str:
    """``added`` … in ``lang`` (a removed measure is *retired*)."""
    if c.kind == "measures" and c.change == "removed":
        return RETIRED.get(lang)
    return CHANGE_LABEL[c.change].get(lang)


def field_label(kind: str, path: str, lang: str) -> str:
    """A field path for people: in zh the first key gets its Chinese title, e.g. ``风险等级(grade)``."""
    global _TITLES
    if lang != "zh" or not path:
        return path
    if _TITLES is None:
        _TITLES = _field_titles()
    head, sep, rest = path.partition(".")
    bracket = head.find("[")
    key, tail = (head[:bracket], head[bracket:]) if bracket > 0 else (head, "")
    title = _TITLES.get(kind, {}).get(key)
    if not title or title == key:
        return path
    return f"{title}({key}){tail}{sep}{rest}"


def fmt_value(v: Any, lang: str, *, limit: int = 80) -> str:
    """A value in a few words: lists joined, mappings as ``k: v``, nothing as ``—``."""
    if v is None:
        return "—"
    if isinstance(v, bool):
        return ("是" if v else "否") if lang == "zh" else ("yes" if v else "no")
    if isinstance(v, float) and v.is_integer():
        v = int(v)
    if isinstance(v, list):
        sep = "、" if lang == "zh" else ", "
        text = "[" + sep.join(fmt_value(x, lang, limit=limit) for x in v) + "]"
    elif isinstance(v, dict):
        name = next((v[k] for k in ("name", "title", "level", "violation", "law", "to") if v.get(k)), None)
        if name is not None and len(v) > 3:
            text = str(name)
        else:
            text = "{" + ", ".join(f"{k}: {fmt_value(x, lang, limit=limit)}" for k, x in v.items()
                                   if x not in (None, [], {}, False)) + "}"
    else:
        text = str(v)
    text = text.replace("\n", " ")
    return text if len(text) <= limit else text[: limit - 1] + "…"


def field_text(kind: str, f: FieldChange, lang: str) -> str:
    """One field change as a line: ``key: old → new``, ``key: +a −b``, ``steps[S6]: added``."""
    label = field_label(kind, f.field, lang)
    if f.added is not None or f.removed is not None:
        parts = [f"+{fmt_value(x, lang)}" for x in f.added or []] + [f"−{fmt_value(x, lang)}" for x in f.removed or []]
        return f"{label}: {' '.join(parts)}"
    if f.old is None and isinstance(f.new, dict) and f.field.endswith("]"):
        return f"{label}: {CHANGE_LABEL['added'].get(lang)} {fmt_value(f.new, lang)}"
    if f.new is None and isinstance(f.old, dict) and f.field.endswith("]"):
        return f"{label}: {CHANGE_LABEL['removed'].get(lang)} {fmt_value(f.old, lang)}"
    return f"{label}: {fmt_value(f.old, lang)} → {fmt_value(f.new, lang)}"


def grade_text(c: Change, lang: str, labels: dict[str, str] | None = None) -> str | None:
    """The grade line of a risk record (None when there is nothing to say)."""
    g = c.grade
    if g is None:
        return None
    lab = labels or {}

    def gl(x: str | None) -> str:
        return lab.get(x, x) if x else "—"

    zh = lang == "zh"
    if c.change == "added":
        text = (f"等级 {gl(g.declared_new)}" if zh else f"grade {gl(g.declared_new)}")
        if g.computed_new and g.computed_new != g.declared_new:
            text += f"（计算等级 {gl(g.computed_new)}）" if zh else f" (computed {gl(g.computed_new)})"
        return text
    if c.change == "removed":
        return (f"等级 {gl(g.declared_old)}" if zh else f"grade {gl(g.declared_old)}")
    parts = []
    if g.declared_old != g.declared_new:
        mv = MOVE_LABEL.get(g.movement or "", T("", "")).get(lang)
        parts.append((f"审定等级 {gl(g.declared_old)} → {gl(g.declared_new)} {mv}" if zh else
                      f"declared grade {gl(g.declared_old)} → {gl(g.declared_new)} {mv}").rstrip())
    if g.computed_old != g.computed_new:
        mv = MOVE_LABEL.get(g.computed_movement or "", T("", "")).get(lang)
        parts.append((f"计算等级 {gl(g.computed_old)} → {gl(g.computed_new)} {mv}" if zh else
                      f"computed grade {gl(g.computed_old)} → {gl(g.computed_new)} {mv}").rstrip())
    if not parts:
        return None
    text = "；".join(parts) if zh else "; ".join(parts)
    if g.cause:
        causes = [CAUSE_LABEL[x].get(lang) for x in g.cause.split("+") if x in CAUSE_LABEL]
        joined = ("、".join(causes)) if zh else " and ".join(causes)
        text += f"（原因：{joined}）" if zh else f" (cause: {joined})"
        if "rubric" in g.cause.split("+") and g.old_under_new_rubric and c.change != "regraded":
            text += (f"；原风险按新标准为 {gl(g.old_under_new_rubric)}" if zh else
                     f"; the old risk under the new rubric: {gl(g.old_under_new_rubric)}")
    return text


def item_head(c: Change, lang: str) -> str:
    """``R-001 调查取证…`` or ``R-001 → R-101 …`` for renames."""
    ident = f"{c.old_id} → {c.id}" if c.change == "renamed" else c.id
    head = ident
    if c.title and c.title != c.id:
        head += f" {c.title}"
    if c.change == "renamed" and c.similarity is not None and c.similarity < 1:
        head += f"（相似度 {c.similarity:.0%}）" if lang == "zh" else f" (similarity {c.similarity:.0%})"
    return head


def item_details(c: Change, lang: str, labels: dict[str, str] | None = None) -> list[str]:
    """The detail lines under an item: its field changes, then its grade line."""
    lines = [field_text(c.kind, f, lang) for f in c.fields]
    g = grade_text(c, lang, labels)
    if g:
        lines.append(g)
    return lines


def unit_heading(result: DiffResult, unit: str | None, lang: str) -> str:
    """``示例县市场监督管理局 (county-amr)`` or the register-level heading."""
    if unit is None:
        return "登记册（全局）" if lang == "zh" else "Register (global)"
    name = result.unit_names.get(unit)
    return f"{name} ({unit})" if name and name != unit else unit


def side_label(result: DiffResult, side: str, lang: str) -> str:
    """A side's label (the working tree in ``lang``) with a short commit id."""
    info = result.a if side == "a" else result.b
    if info.commit is None:
        return "工作区" if lang == "zh" else "working tree"
    label = info.label
    short = info.commit[:10]
    return label if label.startswith(short[:7]) else f"{label} ({short})"


def summary_text(result: DiffResult, lang: str) -> str:
    """One line: how many changes in how many units, and grade movements."""
    s = result.summary()
    zh = lang == "zh"
    if not s["changes"]:
        return "没有变化" if zh else "no changes"
    parts = []
    for kind, counts in s["by_kind"].items():
        bits = [f"{CHANGE_LABEL[ch].get(lang) if not (kind == 'measures' and ch == 'removed') else RETIRED.get(lang)} {n}"
                for ch, n in counts.items() if n]
        parts.append(f"{KIND_LABEL[kind].get(lang)} " + ("、".join(bits) if zh else ", ".join(bits)))
    head = (f"共 {s['changes']} 处变化，涉及 {s['units_touched']} 个单位" if zh else
            f"{s['changes']} change{'s' if s['changes'] != 1 else ''} in {s['units_touched']} "
            f"unit{'s' if s['units_touched'] != 1 else ''}")
    g = s["grades"]
    grades = (f"等级升级 {g['raised']}、降级 {g['lowered']}" if zh else f"grades raised {g['raised']}, lowered {g['lowered']}")
    return head + ("：" if zh else ": ") + ("；".join(parts) if zh else "; ".join(parts)) + ("。" if zh else ". ") + grades


def _grouped(result: DiffResult) -> list[tuple[str | None, list[tuple[str, list[Change]]]]]:
    out = []
    for unit, changes in result.by_unit():
        kinds: list[tuple[str, list[Change]]] = []
        for c in changes:
            if not kinds or kinds[-1][0] != c.kind:
                kinds.append((c.kind, []))
            kinds[-1][1].append(c)
        out.append((unit, kinds))
    return out


def _where(c: Change) -> str:
    if c.path is None:
        return ""
    return f"{c.path}:{c.line}" if c.line else c.path


# -- text ------------------------------------------------------------------------------------------
def format_text(result: DiffResult, lang: str = "en") -> str:
    """Plain text (no colour): a header, a summary line, then units, kinds and items indented."""
    labels = result.grade_labels
    lines = [_title_line(result, lang), summary_text(result, lang)]
    lines += [f"! {p.path} ({p.side}): {p.text(lang)}" for p in result.problems]
    for unit, kinds in _grouped(result):
        lines.append("")
        lines.append(f"== {unit_heading(result, unit, lang)} ==")
        for kind, changes in kinds:
            lines.append(f"  {KIND_LABEL[kind].get(lang)}")
            for c in changes:
                where = _where(c)
                lines.append(f"    {SYMBOL[c.change]} [{change_label(c, lang)}] {item_head(c, lang)}"
                             + (f"  ({where})" if where else ""))
                lines += [f"        {d}" for d in item_details(c, lang, labels)]
    return "\n".join(lines) + "\n"


def _title_line(result: DiffResult, lang: str) -> str:
    where = f" [{result.root}]" if result.root else ""
    return f"lfk diff {side_label(result, 'a', lang)} → {side_label(result, 'b', lang)}{where}"


def rich_renderables(result: DiffResult, lang: str = "en") -> list[Any]:
    """Rich renderables for a terminal: a summary table, a grade matrix, then a tree per unit."""
    from rich.markup import escape
    from rich.table import Table
    from rich.text import Text as RText
    from rich.tree import Tree

    labels = result.grade_labels
    out: list[Any] = [RText(_title_line(result, lang), style="bold"), RText(summary_text(result, lang))]
    for p in result.problems:
        out.append(RText(f"! {p.path} ({p.side}): {p.text(lang)}", style="red"))
    s = result.summary()
    if s["by_kind"]:
        table = Table(show_edge=False, pad_edge=False)
        table.add_column("类别" if lang == "zh" else "kind")
        for ch in CHANGES:
            table.add_column(CHANGE_LABEL[ch].get(lang), justify="right", style=STYLE[ch])
        for kind, counts in s["by_kind"].items():
            table.add_row(KIND_LABEL[kind].get(lang), *[str(counts[ch] or "") for ch in CHANGES])
        out.append(table)
    if any(c.kind == "risks" and c.grade for c in result.changes):
        out.append(_rich_matrix(result, lang))
    for unit, kinds in _grouped(result):
        tree = Tree(f"[bold]{escape(unit_heading(result, unit, lang))}[/]")
        for kind, changes in kinds:
            branch = tree.add(f"[bold]{escape(KIND_LABEL[kind].get(lang))}[/]")
            for c in changes:
                where = _where(c)
                node = branch.add(f"[{STYLE[c.change]}]{SYMBOL[c.change]} {escape(change_label(c, lang))}[/] "
                                  f"{escape(item_head(c, lang))}" + (f" [dim]{escape(where)}[/]" if where else ""))
                for d in item_details(c, lang, labels):
                    node.add(escape(d))
        out.append(tree)
    return out


def _rich_matrix(result: DiffResult, lang: str) -> Any:
    from rich.table import Table

    m = result.grade_matrix()
    lab = result.grade_labels
    t = Table(title="等级变动（原 → 新）" if lang == "zh" else "grade movement (old → new)", show_edge=False)
    t.add_column("原\\新" if lang == "zh" else "old\\new")
    for k in MATRIX_KEYS:
        t.add_column(lab.get(k, k), justify="right")
    for a in MATRIX_KEYS:
        t.add_row(lab.get(a, a), *[str(m[a][b] or "") for b in MATRIX_KEYS])
    return t


# -- markdown --------------------------------------------------------------------------------------
def md(text: str) -> str:
    """Text safe inside markdown (``lfk.core.safe.md_text``: no control characters or line breaks, special
    characters escaped, no @mentions)."""
    return md_text(text)


def format_markdown(result: DiffResult, lang: str = "en") -> str:
    """Markdown for a pull-request comment or the 年度动态调整报告."""
    zh = lang == "zh"
    labels = result.grade_labels
    out = [f"## {md(_title_line(result, lang))}", "", f"**{md(summary_text(result, lang))}**", ""]
    if result.problems:
        out.append("> " + ("部分文件无法完整读取：" if zh else "Some files could not be read in full:"))
        out += [f"> - `{md(p.path)}` ({p.side}): {md(p.text(lang))}" for p in result.problems]
        out.append("")
    s = result.summary()
    if s["by_kind"]:
        out.append("| " + ("类别" if zh else "kind") + " | " + " | ".join(CHANGE_LABEL[c].get(lang) for c in CHANGES) + " |")
        out.append("|---" + "|---:" * len(CHANGES) + "|")
        for kind, counts in s["by_kind"].items():
            out.append(f"| {md(KIND_LABEL[kind].get(lang))} | " + " | ".join(str(counts[c]) for c in CHANGES) + " |")
        out.append("")
    if any(c.kind == "risks" and c.grade for c in result.changes):
        m = result.grade_matrix()
        out.append("**" + ("风险等级变动（原 → 新，审定等级；— 表示新增或删除）" if zh else
                           "Grade movement (old → new, declared; — = added or removed)") + "**")
        out.append("")
        out.append("| " + ("原\\\\新" if zh else "old\\\\new") + " | " + " | ".join(md(labels.get(k, k)) for k in MATRIX_KEYS)
                   + " |")
        out.append("|---" + "|---:" * len(MATRIX_KEYS) + "|")
        for a in MATRIX_KEYS:
            out.append(f"| {md(labels.get(a, a))} | " + " | ".join(str(m[a][b]) for b in MATRIX_KEYS) + " |")
        out.append("")
    for unit, kinds in _grouped(result):
        out.append(f"### {md(unit_heading(result, unit, lang))}")
        out.append("")
        for kind, changes in kinds:
            out.append(f"#### {md(KIND_LABEL[kind].get(lang))}")
            out.append("")
            for c in changes:
                out.append(f"- **{md(change_label(c, lang))}** {md(item_head(c, lang))}")
                out += [f"  - {md(d)}" for d in item_details(c, lang, labels)]
            out.append("")
    if not result.changes:
        out.append("没有变化。" if zh else "No changes.")
    return "\n".join(out).rstrip("\n") + "\n"


# -- json ------------------------------------------------------------------------------------------
def format_json(result: DiffResult, lang: str = "en") -> str:
    """The stable JSON form (``lfk.diff.result``), indented, UTF-8 text."""
    return json.dumps(result.to_json(lang), ensure_ascii=False, indent=2) + "\n"


# -- html ------------------------------------------------------------------------------------------
def format_html(result: DiffResult, lang: str = "en", *, generated: dt.datetime | None = None) -> str:
    """A standalone printable HTML report (``templates/diff/report.html``; no external resources)."""

    env = environment("diff")
    labels = result.grade_labels
    zh = lang == "zh"
    groups = []
    for unit, kinds in _grouped(result):
        groups.append({
            "heading": unit_heading(result, unit, lang),
            "kinds": [{
                "label": KIND_LABEL[kind].get(lang),
                "entries": [{
                    "change": c.change,
                    "change_label": change_label(c, lang),
                    "symbol": SYMBOL[c.change],
                    "head": item_head(c, lang),
                    "where": _where(c),
                    "details": [field_text(c.kind, f, lang) for f in c.fields],
                    "grade": grade_text(c, lang, labels),
                    "movement": _html_movement(c.grade, c.change),
                } for c in changes],
            } for kind, changes in kinds],
        })
    s = result.summary()
    ctx = {
        "lang": lang,
        "zh": zh,
        "title": ("廉政风险防控登记册动态调整报告" if zh else "Register changes (dynamic review)"),
        "a": side_label(result, "a", lang),
        "b": side_label(result, "b", lang),
        "root": result.root,
        "summary_line": summary_text(result, lang),
        "summary": s,
        "kinds": [{"label": KIND_LABEL[k].get(lang), "counts": [s["by_kind"][k][c] for c in CHANGES]}
                  for k in KINDS if k in s["by_kind"]],
        "change_labels": [CHANGE_LABEL[c].get(lang) for c in CHANGES],
        "matrix_keys": [labels.get(k, k) for k in MATRIX_KEYS],
        "matrix": [[result.grade_matrix()[a][b] for b in MATRIX_KEYS] for a in MATRIX_KEYS],
        "groups": groups,
        "problems": [{"path": p.path, "side": p.side, "message": p.text(lang)} for p in result.problems],
        "rubric_changed": result.rubric_changed,
        "generated": (generated or dt.datetime.now()).strftime("%Y-%m-%d %H:%M"),
        "t": {
            "summary": "概况" if zh else "Summary",
            "kind": "类别" if zh else "Kind",
            "matrix": "风险等级变动（审定等级，原 → 新）" if zh else "Grade movement (declared, old → new)",
            "matrix_note": ("行为原等级，列为新等级；— 表示新增或删除的风险点。仅统计有变化的风险点。" if zh else
                            "Rows: old grade; columns: new grade; — marks risks added or removed. "
                            "Only risks with a change are counted."),
            "old_new": "原 \\ 新" if zh else "old \\ new",
            "changes": "变化明细" if zh else "Changes",
            "none": "两个版本之间没有变化。" if zh else "No changes between the two revisions.",
            "problems": "无法完整读取的文件" if zh else "Files that could not be read in full",
            "rubric": ("注意：评定标准（lfk.yaml grading）已调整，风险点已按新旧标准分别重新计算等级。" if zh else
                       "Note: the rubric (lfk.yaml grading) changed; risks were graded under both rubrics."),
            "generated": "生成时间" if zh else "Generated",
            "from": "原版本" if zh else "From",
            "to": "新版本" if zh else "To",
        },
    }
    return env.get_template("report.html").render(**ctx)


def _html_movement(g: GradeMove | None, change: str) -> str | None:
    if g is None:
        return None
    mv = g.computed_movement if change == "regraded" else g.movement
    return mv if mv in ("raised", "lowered") else None


def render(result: DiffResult, fmt: str, lang: str = "en") -> str:
    """The result in ``fmt`` (text, markdown, json, html)."""
    if fmt == "text":
        return printable(format_text(result, lang), newlines=True)
    if fmt == "markdown":
        return format_markdown(result, lang)
    if fmt == "json":
        return format_json(result, lang)
    if fmt == "html":
        return format_html(result, lang)
    raise ValueError(fmt)
