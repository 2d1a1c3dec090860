"""Cell values both ways: register fields as cell text, and cell text back into fields."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from typing import Any

from lfk.model.config import Grading
from lfk.model.items import LegalBasis
from lfk.model.vocab import GRADES

LIST_SPLIT = re.compile(r"[、,，;；\n]+")
_NUMBERING = re.compile(r"^\s*(?:\d+\s*[.．、)）]|[（(]\s*\d+\s*[)）]|[①-⑳])\s*")
_TIME = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(?:个)?\s*(工作日|自然日|日|天)?\s*$")
_DATE = re.compile(r"^\s*(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?\s*$")
_RANGE = re.compile(r"^\s*(-?[\d,.]*)\s*(?:[-~～—–至到])\s*(-?[\d,.]*)\s*(.*?)\s*$")
_TIMES = re.compile(r"^\s*([\d.]*)\s*(?:[-~～—–至到])\s*([\d.]*)\s*倍\s*(.*?)\s*$")
TRUE_WORDS = {"是", "true", "yes", "y", "√", "✓", "1", "内部", "领导"}
FALSE_WORDS = {"否", "false", "no", "n", "×", "0", ""}
DISCLOSURE_WORDS = {"public": "public", "公开": "public", "对外公开": "public", "主动公开": "public", "社会公开": "public",
                    "internal": "internal", "内部": "internal", "内部公开": "internal", "不公开": "internal"}


# words real tables use for the three grades (grading.aliases in lfk.yaml adds the unit's own)
GRADE_ALIASES: dict[str, tuple[str, ...]] = {
    "高": ("一级", "1级", "Ⅰ级", "I级", "1", "一", "I", "A", "A级", "★★★", "高风险", "高级", "重大", "重大风险", "红",
          "较高", "三星", "3星", "☆☆☆", "●●●"),
    "中": ("二级", "2级", "Ⅱ级", "II级", "2", "二", "II", "B", "B级", "★★", "中风险", "中级", "中等", "一般风险", "黄",
          "橙", "一般", "二星", "2星", "☆☆", "●●"),
    "低": ("三级", "3级", "Ⅲ级", "III级", "3", "三", "III", "C", "C级", "★", "低风险", "低级", "较低", "蓝", "绿", "一星",
          "1星", "☆"),
}


def grade_forms(value: str) -> tuple[str, ...]:
    """The forms a grade word is looked up by: NFKC-folded without spaces, then without 风险 / 等级 / 级, upper-cased."""
    v = unicodedata.normalize("NFKC", value).replace(" ", "").strip()
    return v, v.removesuffix("风险"), v.removesuffix("等级"), v.removesuffix("级"), v.upper()


def grade_words(grading: Grading) -> dict[str, str]:
    """Every word that stands for a grade (folded): 高/中/低, the built-in words, ``grading.labels``, ``grading.aliases``."""
    words: dict[str, str] = {g: g for g in GRADES}
    for g, ws in GRADE_ALIASES.items():
        words.update({grade_forms(w)[0]: g for w in ws})
    words.update({grade_forms(str(w))[0]: g for g, w in (grading.labels or {}).items()})
    for g, ws in (grading.aliases or {}).items():
        words.update({grade_forms(str(w))[0]: g for w in ws})
    return words


def grade_of(words: dict[str, str], value: str) -> str | None:
    """The grade (高/中/低) ``value`` stands for among ``words`` (``grade_words``), or None."""
    return next((words[c] for c in grade_forms(value) if c in words), None)


class BadValue(ValueError):
    """A cell that cannot be read as the field it is in: what is wrong in Chinese (``zh``) and English (``en``)."""

    def __init__(self, zh: str, en: str) -> None:
        super().__init__(f"{zh} / {en}")
        self.zh, self.en = zh, en


# -- to cells --------------------------------------------------------------------------------------
def join_list(items: list[Any] | None) -> str:
    """A list as one cell: items joined with 、."""
    return "、".join(str(x) for x in items or [])


def join_names(names: list[str]) -> str:
    """Names in one cell: joined with 、, or one per line when a name holds a separator itself."""
    if any(LIST_SPLIT.search(n) for n in names):
        return "\n".join(names)
    return "、".join(names)


def number_text(x: float | int | None, *, grouped: bool = False) -> str:
    """A number without a trailing .0 (``grouped``: thousands separated, 150,000)."""
    if x is None:
        return ""
    if isinstance(x, float) and x.is_integer():
        x = int(x)
    if grouped and isinstance(x, int) and abs(x) >= 10000:
        return f"{x:,}"
    return str(x)


def disclosure_text(value: str | None, public_by_default: bool) -> str:
    """公开 / 内部; an unset value shows what applies, marked （默认）."""
    if value is None:
        return "公开（默认）" if public_by_default else "内部（默认）"
    return "公开" if value == "public" else "内部"


def basis_text(items: list[LegalBasis]) -> str:
    """Legal bases one per line: ``《法》第三条`` (``law｜article`` when the law has no 《》)."""
    lines = []
    for b in items:
        rev = f"（{b.revision}）" if b.revision else ""
        if not b.article:
            line = b.law + rev
        elif b.law.endswith("》"):
            line = b.law + rev + b.article
        else:
            line = f"{b.law}｜{rev}{b.article}"
        lines.append(line + (f"：{b.text}" if b.text else ""))
    return "\n".join(lines)


# -- from cells ------------------------------------------------------------------------------------
# characters that show nothing (zero-width space and joiners, word joiner, a BOM inside text, soft hyphen): pasted
# from web pages, they would keep 风险点 from matching its header and 高 from being a grade
_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad"))


def visible(s: str) -> str:
    """``s`` without the characters that show nothing (what the officer sees in the cell)."""
    return s.translate(_INVISIBLE)


_SEQ = re.compile(r"[\d一二三四五六七八九十百零〇]{1,6}(?:[.．\-—_、]\d{1,4}){0,3}[.．、]?|[（(][\d一二三四五六七八九十]{1,3}[)）]|"
                  r"第[\d一二三四五六七八九十百]{1,5}[项条号]?|[①-⑳]|[A-Za-z]\d{0,3}")


def is_seq(value: str) -> bool:
    """Whether a 序号 cell holds a sequence number (1, 1-1, 2.3, （一）, 第3项, ①), not text of its own."""
    return bool(_SEQ.fullmatch(unicodedata.normalize("NFKC", value).replace(" ", "")))


def text(v: Any) -> str | None:
    """A cell as stripped text, without characters that show nothing (None when empty)."""
    if v is None:
        return None
    if isinstance(v, float) and v.is_integer():
        v = int(v)
    if isinstance(v, dt.datetime):
        v = v.date() if v.time() == dt.time() else v
    if isinstance(v, dt.date):
        return v.isoformat()
    s = visible(str(v)).replace("\r\n", "\n").replace("\r", "\n").strip()
    return s or None


def unstack(v: Any) -> Any:
    """Vertical text of a narrow (often merged) cell, one character a line (领⏎导⏎班⏎子⏎成⏎员), as one line
    (领导班子成员); any other value as it is."""
    if isinstance(v, str) and "\n" in v:
        lines = [x.strip() for x in v.strip().split("\n") if x.strip()]
        if len(lines) > 1 and all(len(x) == 1 for x in lines):
            return "".join(lines)
    return v


def split_list(v: Any) -> list[str]:
    """A cell holding several values (、 , ; or one per line)."""
    s = text(v)
    if not s:
        return []
    return [x.strip() for x in LIST_SPLIT.split(s) if x.strip()]


# a post's name ends in one of these (科室负责人, 分管领导, 科长, 主任, 书记, 会计 …); a line ending otherwise is a
# narrow cell's wrap inside one name (科室⏎负责人)
_ROLE_END = tuple("人长员任记导理师岗计纳手官")
_NAME_BREAK = re.compile(r"[、,，;；/／\s]")


def post_name(v: Any) -> str | None:
    """A cell naming one post, as its name: the lines of a narrow cell's wrap joined (科室⏎负责人 → 科室负责人);
    None when the cell names several posts (分管领导人⏎科室负责人, 甲、乙) or is no name (a sentence)."""
    s = text(v)
    if not s:
        return None
    names = [""]
    for line in (x.strip() for x in s.split("\n")):
        if not line:
            continue
        names[-1] += line
        if line.endswith(_ROLE_END):
            names.append("")
    names = [n for n in names if n]
    if len(names) != 1 or _NAME_BREAK.search(names[0]) or len(names[0]) > 24 or re.search(r"[。：:！？]", names[0]):
        return None
    return names[0]


# a word of a post or a department (科长, 主任, 办公室, 财务 …): a cell holding one is no personal name
_POST_WORDS = re.compile(r"主任|书记|领导|负责|经理|会计|出纳|主管|干部|专干|助理|秘书|总监|总工|老师|教师|主席|干事|文书|"
                         r"司机|库管|监理|审计|财务|后勤|保安|门卫|班子|成员|支部|小组|窗口|中心|委员|职工|员工|统计|"
                         r"综合|人事|党建|宣传|组织|纪检|监察|信访|档案|采购|基建|招生|教务|法规|政工|工会|行政|业务|"
                         r"全体|相关|分管|各|副|岗")
_PERSON_NAME = re.compile(r"[\u4e00-\u9fff]{2,4}")
_UNIT_END = tuple("科室处部办局委组队所站股院校厅司馆社厂村镇乡县市省")


def person_names(v: Any) -> list[str] | None:
    """A cell naming people (徐千, 李寿国, 张三、李四 — 2 to 4 Han characters each, no word of a post or a
    department: 科长, 主任, 副…, 办公室) as the names; None when any part is not such a name. Personal data
    never becomes a post (the public site shows posts)."""
    s = text(v)
    if not s:
        return None
    parts = [x.strip() for x in re.split(r"[、,，;；/／\s]+", s) if x.strip()]
    return parts if parts and all(_is_name(x) for x in parts) else None


def _is_name(x: str) -> bool:
    return bool(_PERSON_NAME.fullmatch(x)) and not _POST_WORDS.search(x) and not x.endswith(_ROLE_END + _UNIT_END)


def post_and_person(v: Any) -> tuple[str, str] | None:
    """A post cell that also names its holder (王建国（科长）, 科长：王建国, 科长 王建国): (post, name); None otherwise."""
    s = text(v)
    if not s:
        return None
    m = (re.fullmatch(r"(?P<name>\S{2,4})\s*[（(](?P<post>[^）)]+)[)）]", s)
         or re.fullmatch(r"(?P<post>\S+?)\s*(?:[:：]|\s)\s*(?P<name>\S{2,4})", s))
    if m is None or not _is_name(m["name"]) or _is_name(m["post"]) or post_name(m["post"]) is None:
        return None
    return m["post"].strip(), m["name"]


_PENALTY_START = re.compile(r"^(?:警告|通报批评|罚款|没收|暂扣|吊销|责令|限期|降低|限制|拘留|行政拘留|取消|撤销|不予|禁止|"
                            r"列入|停止|停产|停业|关闭|注销|处以?|并处|"
                            r"[一二三四五六七八九十\d]+(?:至[一二三四五六七八九十\d]+)?(?:年|个月|日)内)")


def names_penalty(v: Any) -> bool:
    """A cell that states a penalty or a fine (处以罚款1000元, 责令限期改正, 违法所得2倍), not a degree of the
    circumstances (情节轻微, 情节较轻) that some tables put in a column headed 裁量幅度."""
    s = text(v) or ""
    return bool(re.search(r"\d\s*(?:万?元|倍)|罚款|处罚", s)) or any(
        _PENALTY_START.match(p) for p in re.split(r"[，,；;。\n]+", s) if p.strip())


def split_short_list(v: Any) -> list[str]:
    """``split_list`` for a cell of penalties (警告、罚款、没收违法所得): split at 、 and commas only when
    each part is a penalty of its own; a phrase such as 没收违法买卖的证件、文件和违法所得 is one value
    (only lines and ；/; split it)."""
    parts = split_list(v)
    if all(_PENALTY_START.match(x) for x in parts):
        return parts
    s = text(v) or ""
    return [x.strip() for x in re.split(r"[;；\n]+", s) if x.strip()]


def boolean(v: Any) -> bool | None:
    """是/否, true/false, √/× ... (None when empty)."""
    if isinstance(v, bool):
        return v
    s = (text(v) or "").lower()
    if s in ("",):
        return None
    if s in TRUE_WORDS:
        return True
    if s in FALSE_WORDS:
        return False
    raise BadValue(f"`{s}` 不是 是/否", f"`{s}` is not yes/no (是/否)")


def date(v: Any) -> dt.date | None:
    """A date cell or text (2026-03-15, 2026/3/15, 2026年3月15日)."""
    if v is None or v == "":
        return None
    if isinstance(v, dt.datetime):
        return v.date()
    if isinstance(v, dt.date):
        return v
    s = text(v) or ""
    m = _DATE.match(s)
    if m:
        try:
            return dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
        except ValueError:
            pass
    raise BadValue(f"`{s}` 不是日期", f"`{s}` is not a date (YYYY-MM-DD)")


def number(s: str) -> int | float:
    """``50,000`` → 50000; ``2.5`` → 2.5."""
    s = s.replace(",", "").strip()
    x = float(s)
    return int(x) if x.is_integer() else x


def _opt_number(s: str) -> int | float | None:
    return number(s) if s.strip() else None


def time_limit(v: Any) -> tuple[dict[str, Any] | None, bool]:
    """``20个工作日`` → ({days, kind}, assumed) — ``assumed`` when the kind of day was not written."""
    s = text(v)
    if not s:
        return None, False
    m = _TIME.match(s)
    if not m:
        raise BadValue(f"`{s}` 不是时限（如 20个工作日）", f"`{s}` is not a time limit (e.g. 20个工作日)")
    kind = m.group(2)
    days = number(m.group(1))
    if kind in ("工作日", "自然日"):
        return {"days": days, "kind": kind}, False
    return {"days": days, "kind": "工作日"}, True


def fine(v: Any) -> dict[str, Any] | None:
    """``50000–150000元`` → {min, max, unit}; ``5–10倍货值金额`` → {min_times, max_times, of}."""
    s = text(v)
    if not s:
        return None
    for word, form in (("不超过", "–{}"), ("不低于", "{}–")):  # how lfk.model.text writes an open range
        if s.startswith(word):
            s = form.format(s[len(word):].strip())
    m = _TIMES.match(s)
    if m and (m.group(1) or m.group(2)):
        try:
            out: dict[str, Any] = {"min_times": _opt_number(m.group(1)), "max_times": _opt_number(m.group(2))}
        except ValueError:
            raise BadValue(f"`{s}` 不是倍数幅度", f"`{s}` is not a range of multiples") from None
        if m.group(3):
            out["of"] = m.group(3)
        return {k: v for k, v in out.items() if v is not None}
    m = _RANGE.match(s)
    if m and (m.group(1) or m.group(2)):
        try:
            out = {"min": _opt_number(m.group(1)), "max": _opt_number(m.group(2))}
            out = {k: v for k, v in out.items() if v is not None}
        except ValueError:
            raise BadValue(f"`{s}` 不是金额幅度", f"`{s}` is not a range of amounts") from None
        if m.group(3):
            out["unit"] = m.group(3)
        return out
    raise BadValue(f"`{s}` 不是幅度（如 50000–150000元 或 5–10倍货值金额）",
                   f"`{s}` is not a range (e.g. 50000–150000元 or 5–10倍货值金额)")


_N = r"[\d一二三四五六七八九十百千零〇]+"
_ARTICLE = re.compile(rf"^\s*(第{_N}条(?:之{_N})?(?:第{_N}款)?(?:第{_N}项)?)(\s*)(.*)$")


def _article_text(art: str) -> tuple[str, str] | None:
    """``第三十九条 在国家提倡…`` / ``第四十九条已经领取…`` → (article, its text); None when what follows the
    article number is not its text (``第三条、第五条``, ``第十条规定``)."""
    m = _ARTICLE.match(art)
    if not m or not m.group(3):
        return None
    rest = m.group(3)
    if m.group(2) or (len(rest) >= 8 and not re.match(r"[、,，和及与至或第（(]", rest)):
        return m.group(1), rest.strip()
    return None
_REVISION = re.compile(r"^\s*([（(][^）)]{1,80}[）)])\s*")
_REVISION_WORDS = re.compile(r"\d{4}\s*年|修正|修订|公布|施行|实施|通过|令")
# a sentence of a basis line ending where the next law's 《…》 begins: 《公路法》…悬挂明显标志。《公路安全保护条例》(…)
_NEXT_LAW = re.compile(r"(?<=[。；;])\s*(?=(?:【[^】]{1,8}】)?《)")


def legal_basis(v: Any) -> list[dict[str, Any]]:
    """One basis per line: ``《法》第三条`` → {law: 《法》, article: 第三条}; ``《法》（2018年修订）第三十一条：<text>``
    → {law, revision: 2018年修订, article: 第三十一条, text}; a line without 《》 after a basis continues its text."""
    s = text(v)
    if not s:
        return []
    out: list[dict[str, Any]] = []
    for line in (part for whole in s.split("\n") for part in _NEXT_LAW.split(whole)):
        line = _NUMBERING.sub("", line).strip()
        if not line:
            continue
        if "｜" in line:
            law, art = line.split("｜", 1)
        elif "《" in line and "》" in line and line.index("《") < line.index("》"):
            i = line.index("》") + 1
            law, art = line[:i], line[i:]
        elif out and _ARTICLE.match(line):  # 第四十九条…: a further article of the same law
            law, art = out[-1]["law"], line
        elif out:  # the article's text on its own line
            prev = out[-1]
            prev["text"] = (prev["text"] + "\n" + line) if prev.get("text") else line
            continue
        else:
            law, art = line, ""
        item: dict[str, Any] = {"law": law.strip()}
        art = art.strip()
        m = _REVISION.match(art)
        if m and (len(m.group(1)) <= 32 or _REVISION_WORDS.search(m.group(1))):  # (2018年修订), (…主席令…第二次修正)
            item["revision"] = m.group(1).strip()[1:-1].strip()
            art = art[m.end():]
        cut = re.search(r"[：:]", art)
        article, body = (art[:cut.start()], art[cut.end():]) if cut else (art, "")
        if not cut and (found := _article_text(art)):  # 第三十九条 在国家提倡…: the article's text after it
            article, body = found
        if article.strip():
            item["article"] = article.strip()
        if body.strip():
            item["text"] = body.strip()
        out.append(item)
    return out


def disclosure(v: Any) -> str | None:
    """public / internal (公开 / 内部 accepted)."""
    s = text(v)
    if not s or "默认" in s or "default" in s.lower():
        return None
    got = DISCLOSURE_WORDS.get(s.lower())
    if got is None:
        raise BadValue(f"`{s}` 不是 public/internal（公开/内部）", f"`{s}` is not public or internal")
    return got


def scalar(v: Any) -> Any:
    """A factor cell: a whole number as int, a number as float, else text."""
    if isinstance(v, bool):
        return v
    if isinstance(v, int):
        return v
    if isinstance(v, float):
        return int(v) if v.is_integer() else v
    s = text(v)
    if s is None:
        return None
    try:
        return number(s)
    except ValueError:
        return s
