"""Validation of parsed data against the models, turning pydantic errors into LFK101/LFK102 findings.

A file that fails validation is validated again item by item (for list files), so one bad item does
not hide the rest of the file from the domain rules.
"""

from __future__ import annotations

import copy
import difflib
import re
import types
import typing
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from lfk.core.finding import Finding, Severity
from lfk.core.i18n import T
from lfk.loader import LoadedFile
from lfk.model.vocab import GRADES, UNIT_TYPE_OF, UNIT_TYPES

M = TypeVar("M", bound=BaseModel)

_TYPE_WORDS = {
    "string_type": ("文字", "text"),
    "int_type": ("整数", "a whole number"),
    "int_parsing": ("整数", "a whole number"),
    "int_from_float": ("整数", "a whole number"),
    "float_type": ("数字", "a number"),
    "float_parsing": ("数字", "a number"),
    "bool_type": ("true 或 false", "true or false"),
    "bool_parsing": ("true 或 false", "true or false"),
    "list_type": ("列表", "a list"),
    "dict_type": ("映射（键: 值）", "a mapping (key: value)"),
    "model_type": ("映射（键: 值）", "a mapping (key: value)"),
    "model_attributes_type": ("映射（键: 值）", "a mapping (key: value)"),
    "date_type": ("日期（YYYY-MM-DD）", "a date (YYYY-MM-DD)"),
    "date_parsing": ("日期（YYYY-MM-DD）", "a date (YYYY-MM-DD)"),
    "date_from_datetime_parsing": ("日期（YYYY-MM-DD）", "a date (YYYY-MM-DD)"),
    "date_from_datetime_inexact": ("日期（YYYY-MM-DD）", "a date (YYYY-MM-DD)"),
}


def _unwrap(tp: Any) -> list[Any]:
    """The concrete types inside Optional/Union/Annotated."""
    origin = typing.get_origin(tp)
    if origin in (typing.Union, types.UnionType):
        out: list[Any] = []
        for a in typing.get_args(tp):
            out.extend(_unwrap(a))
        return out
    if origin is typing.Annotated:
        return _unwrap(typing.get_args(tp)[0])
    return [tp]


def _model_at(model: type[BaseModel], loc: tuple[Any, ...]) -> type[BaseModel] | None:
    """The model class that holds the last part of ``loc`` (for key suggestions)."""
    current: list[Any] = [model]
    for part in loc:
        nxt: list[Any] = []
        for tp in current:
            if isinstance(tp, type) and issubclass(tp, BaseModel) and isinstance(part, str):
                f = tp.model_fields.get(part) or next(
                    (x for x in tp.model_fields.values() if x.alias == part), None)
                if f is not None:
                    nxt.extend(_unwrap(f.annotation))
            else:
                origin = typing.get_origin(tp)
                if origin in (list, tuple) and isinstance(part, int):
                    nxt.extend(_unwrap(typing.get_args(tp)[0]))
                elif origin is dict and isinstance(part, str):
                    nxt.extend(_unwrap(typing.get_args(tp)[1]))
        current = nxt
    for tp in current:
        if isinstance(tp, type) and issubclass(tp, BaseModel):
            return tp
    return None


def _clean_loc(data: Any, loc: tuple[Any, ...]) -> tuple[tuple[Any, ...], bool]:
    """Drop pydantic's union tags from ``loc``; return (data path, whether the whole path exists)."""
    out: list[Any] = []
    cur = data
    exists = True
    for i, part in enumerate(loc):
        if isinstance(cur, dict) and isinstance(part, str) and part in cur:
            out.append(part)
            cur = cur[part]
        elif isinstance(cur, list) and isinstance(part, int) and 0 <= part < len(cur):
            out.append(part)
            cur = cur[part]
        elif isinstance(cur, dict) and isinstance(part, str) and i == len(loc) - 1:
            out.append(part)  # a missing field: the last part is the field's name
            exists = False
        elif isinstance(part, str) and (part[:1].isupper() or "[" in part or part in ("str", "int", "float", "bool")):
            continue  # a union member's tag
        else:
            out.append(part)
            exists = False
            break
    return tuple(out), exists


def _fmt_path(path: tuple[Any, ...]) -> str:
    s = ""
    for p in path:
        s += f"[{p}]" if isinstance(p, int) else (f".{p}" if s else str(p))
    return s or "/"


def error_findings(lf: LoadedFile, model: type[BaseModel], err: ValidationError, prefix: tuple[Any, ...] = ()) -> list[Finding]:
    """LFK101/LFK102 findings for every error of ``err`` (``prefix``: where the validated data sits)."""
    out: list[Finding] = []
    data = lf.get(prefix)
    for e in err.errors(include_url=False):
        loc, exists = _clean_loc(data, tuple(e["loc"]))
        path = prefix + loc
        field = str(loc[-1]) if loc else ""
        etype = e["type"]
        if etype == "extra_forbidden":
            holder = _model_at(model, loc[:-1])
            known = sorted(f.alias or k for k, f in holder.model_fields.items()) if holder else []
            near = difflib.get_close_matches(field, known, n=1, cutoff=0.5)
            msg = T(f"未知的键 `{field}`", f"unknown key `{field}`")
            if near:
                hint = T(f"是不是 `{near[0]}`？", f"did you mean `{near[0]}`?")
            else:
                hint = T("允许的键：" + "、".join(known), "allowed keys: " + ", ".join(known)) if known else None
            line, col = lf.loc(path)
            out.append(Finding("LFK102", Severity.ERROR, lf.rel, line, col, msg, hint))
            continue
        if etype == "missing" or not exists:
            line, col = lf.loc(path[:-1], key=False) if not exists else lf.loc(path)
            where = _fmt_path(loc[:-1])
            msg = T(f"缺少必填字段 `{field}`（位于 {where}）", f"the required field `{field}` is missing (in {where})")
            out.append(Finding("LFK101", Severity.ERROR, lf.rel, line, col, msg,
                               T(f"请补充 `{field}:`", f"add `{field}:`")))
            continue
        line, col = lf.loc(path, key=False)
        value = e.get("input")
        shown = value if isinstance(value, (str, int, float, bool)) or value is None else type(value).__name__
        if etype in ("literal_error", "enum"):
            expected = str((e.get("ctx") or {}).get("expected", ""))
            msg = T(f"`{field}` 的值 `{shown}` 不在允许范围内", f"`{field}` is `{shown}`, which is not allowed")
            hint = T(f"允许的值：{expected.replace(' or ', ', ')}", f"allowed values: {expected}")
            if set(re.findall(r"'([^']*)'", expected)) == set(GRADES):
                hint += T("；本单位自己的等级用词（如 一级风险）写在 lfk.yaml 的 grading.labels（显示、导出的名称）或 "
                          "grading.aliases（导入时识别的词）中，这里仍写 " + "/".join(GRADES),
                          "; the unit's own grade words (e.g. 一级风险) go in grading.labels (shown and exported) or "
                          "grading.aliases (read by import) in lfk.yaml, while this field stays " + "/".join(GRADES))
            elif set(re.findall(r"'([^']*)'", expected)) == set(UNIT_TYPES) and shown in UNIT_TYPE_OF:
                known = UNIT_TYPE_OF[str(shown)]  # 街道: a 派出机关 of the government, so 行政机关
                hint = T(f"{shown}属于{known}（街道办事处是人民政府的派出机关，乡镇人民政府是基层政府）：写 type: {known}",
                         f"a {shown} is a {known} (街道办事处: the government's 派出机关; 乡镇人民政府: the basic-level "
                         f"government): write type: {known}")
        elif etype in _TYPE_WORDS:
            zh, en = _TYPE_WORDS[etype]
            msg = T(f"`{field}` 应为{zh}，实际是 `{shown}`", f"`{field}` should be {en}, not `{shown}`")
            hint = None
        else:
            msg = T(f"`{field}` 的值 `{shown}` 无效：{e['msg']}", f"`{field}` = `{shown}` is invalid: {e['msg']}")
            hint = None
        out.append(Finding("LFK101", Severity.ERROR, lf.rel, line, col, msg, hint))
    return out


def _repair(model: type[BaseModel], data: Any, err: ValidationError) -> bool:
    """Remove what ``err`` complains of from ``data`` (in place) so the rest can be validated.

    Extra keys and bad optional values are deleted; a bad or missing required text gets ``""``.
    List items are never removed, so indexes (and so positions) stay right. False when stuck.
    """
    changed = False
    for e in err.errors(include_url=False):
        loc, exists = _clean_loc(data, tuple(e["loc"]))
        if not loc:
            return False
        parent = data
        for part in loc[:-1]:
            try:
                parent = parent[part]
            except (KeyError, IndexError, TypeError):
                return False
        last = loc[-1]
        holder = _model_at(model, loc[:-1])
        fld = holder.model_fields.get(last) if holder is not None and isinstance(last, str) else None
        if isinstance(parent, dict) and isinstance(last, str):
            if e["type"] != "extra_forbidden" and fld is not None and fld.is_required():
                if str not in _unwrap(fld.annotation):
                    return False
                parent[last] = ""
            elif last in parent:
                del parent[last]
            else:
                return False
            changed = True
        elif isinstance(parent, list) and isinstance(last, int) and exists:
            value = parent[last]
            if isinstance(value, (int, float, bool)) or value is None:
                parent[last] = str(value)
                changed = True
            else:
                return False
        else:
            return False
    return changed


EMPTY_FILE = T("文件是空的（没有内容，或只有空白和注释）", "the file is empty (no content, or only blanks and comments)")


def empty_file_finding(rel: str, model: type[BaseModel], list_key: str | None = None) -> Finding:
    """LFK009 for a file that holds no YAML document (0 bytes, only blanks or comments).

    An empty file is never read as "nothing": it cannot be told from a truncated save, a failed
    ``>`` redirect or an emptied merge, and reading it as no items would let every command go on
    with the unit's items lost. "None yet" is written ``risks: []`` (what ``lfk new unit`` writes),
    or by having no file; the hint says which keys to write.
    """
    restore = f"git checkout -- {rel}"
    if list_key is not None:
        hint = T(f"尚无条目时写 `{list_key}: []`；内容丢失时从 git 恢复（{restore}）",
                 f"write `{list_key}: []` if there are none yet; if its content was lost, restore it ({restore})")
    else:
        keys = [f.alias or k for k, f in model.model_fields.items() if f.is_required()]
        shown = "、".join(f"`{k}:`" for k in keys)
        hint = T(f"请写入内容（至少 {shown}），或从 git 恢复（{restore}）",
                 f"write its content (at least {', '.join(f'`{k}:`' for k in keys)}), or restore it ({restore})")
    return Finding("LFK009", Severity.ERROR, rel, 1, 1, EMPTY_FILE, hint)


def validate(lf: LoadedFile, model: type[M], list_key: str | None = None) -> tuple[M | None, list[tuple[int, Any]]]:
    """Validate ``lf.data`` as ``model``; errors go to ``lf.findings`` as LFK101/LFK102.

    On errors the offending values are pruned from a copy of the data and the rest validated again,
    so one bad value does not hide the file from the domain rules. Returns (the model or None,
    [(index, item model)...] of the valid items of ``list_key`` when no whole model could be made).
    """
    data = lf.data
    if lf.unreadable:
        return None, []  # the file could not be read: its reading error says it all
    if data is None:  # no document at all: 0 bytes, or only blanks and comments (LFK009)
        lf.findings.append(empty_file_finding(lf.rel, model, list_key))
        return None, []
    if not isinstance(data, dict):
        line, col = lf.loc(())
        lf.findings.append(Finding("LFK101", Severity.ERROR, lf.rel, line, col,
                                   T("文件顶层应为映射（键: 值）", "the file's top level should be a mapping (key: value)")))
        return None, []
    try:
        return model.model_validate(data), []
    except ValidationError as err:
        lf.findings.extend(error_findings(lf, model, err))
        first = err
    work = copy.deepcopy(data)
    err = first
    for _ in range(6):
        if not _repair(model, work, err):
            break
        try:
            return model.model_validate(work), []
        except ValidationError as again:
            err = again
    if list_key is None or not isinstance(data.get(list_key), list):
        return None, []
    field = model.model_fields[list_key]
    item_type = _unwrap(typing.get_args(field.annotation)[0])[0]
    good: list[tuple[int, Any]] = []
    for i, item in enumerate(work.get(list_key) or []):
        try:
            good.append((i, item_type.model_validate(item)))
        except ValidationError:
            pass
    return None, good
