"""责任清单 as flows: 运行环节 / 责任事项 rows, or stage heading lines (``1.受理环节``) each followed by its duties.

A flow read from a table has its steps in order (the first is the start, the last ends it), each step's
责任事项 in ``duties``; what the table lacks (actors, limits, supervision) lint asks for.
"""

from __future__ import annotations

import re
from typing import Any

from lfk.loader.sheets import Sheet
from lfk.tables import layout as L
from lfk.tables.columns import norm_header

STAGE_HEADERS = ("运行环节", "环节", "办理环节", "流程环节", "工作环节", "权力运行环节", "环节名称")
DUTY_HEADERS = ("责任事项", "具体职责", "职责", "责任内容", "工作职责", "责任事项内容")
_NUMBER = re.compile(r"^\s*(?:[（(]\s*[一二三四五六七八九十\d]{1,3}\s*[)）]|\d{1,2}\s*[.．、]|[一二三四五六七八九十]{1,3}\s*、)\s*")
_HEADING = re.compile(r"^\s*(?:[（(]\s*[一二三四五六七八九十\d]{1,3}\s*[)）]|\d{1,2}\s*[.．、]|[一二三四五六七八九十]{1,3}\s*、)"
                      r"\s*(\S{1,12}?)\s*(?:环节|阶段)\s*[:：]?\s*$")

DUTY_OF = {"受理": "受理", "立案": "受理", "审查": "审查", "调查": "审查", "审核": "审查", "告知": "审查",
           "决定": "决定", "审批": "决定", "执行": "执行", "送达": "执行", "监管": "监督", "事后监管": "监督", "监督": "监督"}


# a numbered stage heading inside a 权责清单's 责任事项 cell: 1.立案责任：… / 2、审查和决定阶段责任:… / （三）决定责任
_DUTY_HEADING = re.compile(r"^\s*(?:[（(]\s*[一二三四五六七八九十\d]{1,3}\s*[)）]|\d{1,2}\s*[.．、]|[一二三四五六七八九十]{1,3}\s*、)?"
                           r"\s*([^\s:：，,。；;、]{1,12}?)\s*(?:环节|阶段)?\s*责任\s*[:：]\s*(.*)$")
_NUMBERED = re.compile(r"^\s*(?:[（(]\s*[一二三四五六七八九十\d]{1,3}\s*[)）]|\d{1,2}\s*[.．、]|[一二三四五六七八九十]{1,3}\s*、)")


def duty_stages(text: Any) -> tuple[str | None, list[dict[str, Any]]] | None:
    """The stages a 责任事项 cell lists (``1.受理责任：公示…；\n2.审查责任：…``), as flow steps
    (``{label, name, duties, rows}``) with the lines before the first stage (一般程序：) as a description;
    None when the cell names fewer than two stages. A numbered line that names no stage (5.其他法律法规规定
    应履行的责任) is a step 其他 of its own; other lines are duties of the stage above them."""
    lines = [t.strip() for t in str(text or "").split("\n") if t.strip()]
    if sum(1 for t in lines if _DUTY_HEADING.match(t)) < 2:
        return None
    head: list[str] = []
    steps: list[dict[str, Any]] = []
    for t in lines:
        m = _DUTY_HEADING.match(t)
        if m:
            label = t[:m.start(2)].strip() if m.group(2) else t
            steps.append({"label": label, "name": stage_name(re.sub(r"(环节|阶段)?\s*责任\s*[:：]?$", "", label)),
                          "duties": [m.group(2).strip()] if m.group(2).strip() else [], "rows": []})
        elif steps and _NUMBERED.match(t):
            steps.append({"label": t, "name": "其他", "duties": [], "rows": []})
        elif steps:
            steps[-1]["duties"].append(t)
        else:
            head.append(t)
    return ("\n".join(head) or None), steps


def stage_name(label: str) -> str:
    """``（二）调查`` → ``调查``; ``1.受理环节`` → ``受理``."""
    name = _NUMBER.sub("", label).strip()
    name = re.sub(r"(环节|阶段)$", "", name).strip()
    return name or label.strip()


def _text(v: Any) -> str | None:
    s = str(v).strip() if v is not None else ""
    return s or None


def read_flow(sheet: Sheet) -> dict[str, Any] | None:
    """The flow a 责任清单 sheet gives (``{name, description, steps: [{label, name, duties, rows}]}``), or None."""
    for idx, (_, cells) in enumerate(sheet.rows[:12]):
        keys = [norm_header(c) for c in cells]
        stage_col = next((j for j, k in enumerate(keys) if k in {norm_header(h) for h in STAGE_HEADERS}), None)
        duty_col = next((j for j, k in enumerate(keys) if k in {norm_header(h) for h in DUTY_HEADERS}), None)
        if stage_col is None or duty_col is None:
            continue
        steps: list[dict[str, Any]] = []
        others: list[str] = []
        for rnum, row in sheet.rows[idx + 1:]:
            label = _text(row[stage_col]) if stage_col < len(row) else None
            duty = _text(row[duty_col]) if duty_col < len(row) else None
            if L.foot_row(row) or (label is None and duty is None):  # a note (注：…, 制表人：…) or text beside
                others.extend(str(v).strip() for v in dict.fromkeys(row) if v not in (None, "")
                              and not str(v).strip().isdigit())
                continue
            label = label or (steps[-1]["label"] if steps else "")
            if not steps or steps[-1]["label"] != label:
                steps.append({"label": label, "name": stage_name(label), "duties": [], "rows": []})
            if duty:
                steps[-1]["duties"].append(duty)
            steps[-1]["rows"].append(rnum)
            others.extend(str(v).strip() for j, v in enumerate(row)
                          if j not in (stage_col, duty_col) and v not in (None, "") and not str(v).strip().isdigit())
        head = [str(v).strip() for _, cells in sheet.rows[:idx] for v in dict.fromkeys(cells) if v not in (None, "")]
        columns = [(str(cells[stage_col]).strip(), "flow.steps.name"), (str(cells[duty_col]).strip(), "flow.steps.duties")]
        columns += [(str(c).strip(), "flow.description") for j, c in enumerate(cells)
                    if j not in (stage_col, duty_col) and c not in (None, "")]
        return {"name": head[0] if head else sheet.name, "description": "\n".join(head[1:] + others) or None,
                "steps": steps, "columns": columns, "titled": bool(head)}
    # one column: heading lines "1.受理环节" each followed by its duty paragraphs
    lines = [(rnum, str(v).strip()) for rnum, cells in sheet.rows for v in dict.fromkeys(cells) if v not in (None, "")]
    if sum(1 for _, t in lines if _HEADING.match(t)) < 2:
        return None
    head: list[str] = []
    steps = []
    for rnum, t in lines:
        if _HEADING.match(t):
            steps.append({"label": t, "name": stage_name(t), "duties": [], "rows": [rnum]})
        elif steps:
            steps[-1]["duties"].append(t)
            steps[-1]["rows"].append(rnum)
        else:
            head.append(t)
    return {"name": head[0] if head else sheet.name, "description": "\n".join(head[1:]) or None, "steps": steps,
            "columns": [], "titled": bool(head)}


def flow_data(flow: dict[str, Any], flow_id: str) -> dict[str, Any]:
    """The ``flows/<id>.yaml`` content of a read flow: steps S1, S2 … in order, each leading to the next."""
    steps = []
    n = len(flow["steps"])
    for i, st in enumerate(flow["steps"], 1):
        step: dict[str, Any] = {"id": f"S{i}", "name": st["name"]}
        duty = DUTY_OF.get(st["name"]) or next((d for w, d in DUTY_OF.items() if st["name"].startswith(w)), None)
        if duty:
            step["duty"] = duty
        if st["duties"]:
            step["duties"] = st["duties"]
        if st["label"] != st["name"]:
            step["label"] = st["label"]
        if i < n:
            step["next"] = [f"S{i + 1}"]
        else:
            step["end"] = True
        steps.append(step)
    out: dict[str, Any] = {"id": flow_id, "name": flow["name"]}
    if flow.get("description"):
        out["description"] = flow["description"]
    out["steps"] = steps
    return out
