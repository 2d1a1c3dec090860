"""Law-change impact (clause 13): every power, flow step, benchmark item and measure citing a law.

A power cites a law through ``legal_basis`` (``law`` and ``article``); a benchmark item through its
``basis`` text; a flow step through its name or conditions; a measure through its description. Law
names are compared without the 《》 and spaces; an article matches itself and its sub-clauses
(第六十条 matches 第六十条第一款). ``since`` lists only citations that did not exist, word for word,
at that revision (read from git objects).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from lfk.history import register_at
from lfk.model.config import Law
from lfk.register import Register

KIND_LABEL = {"authorities": ("职权", "power"), "flows": ("流程环节", "flow step"),
              "benchmarks": ("裁量基准", "benchmark item"), "measures": ("防控措施", "measure")}


@dataclass(frozen=True, slots=True)
class Citation:
    """One place citing the law: unit, kind, item (and step or benchmark item), the text, file:line."""

    unit: str
    kind: str
    item: str
    part: str | None
    text: str
    file: str
    line: int

    @property
    def key(self) -> tuple[str, str, str, str | None, str]:
        """What identifies the citation across revisions (not its line)."""
        return (self.unit, self.kind, self.item, self.part, self.text)

    def to_json(self) -> dict[str, Any]:
        """The JSON record (see docs/output.md, ``lfk impact``)."""
        return {"unit": self.unit, "kind": self.kind, "item": self.item, "part": self.part, "text": self.text,
                "file": self.file, "line": self.line}


def norm_law(name: str) -> str:
    """A law's name without 《》, quotes and spaces (``lfk.model.config.Law.key``)."""
    return Law.key(name)


def _mentions(text: str | None, law: str, article: str | None) -> bool:
    if not text:
        return False
    flat = norm_law(text)
    short = law.removeprefix("中华人民共和国")
    pos = flat.find(law) if law in flat else flat.find(short) if short and short in flat else -1
    if pos < 0:
        return False
    return article is None or article in flat[pos:]


def citations(register: Register, law: str, article: str | None = None) -> list[Citation]:
    """Every citation of ``law`` (and ``article``) in the register, unit by unit, in file order."""
    name = norm_law(law)
    art = norm_law(article) if article else None
    out: list[Citation] = []
    for uid in register.unit_ids:
        ud = register.unit(uid, kinds=frozenset({"authorities", "flows", "benchmarks", "measures"}))
        for a in ud.authorities:
            for i, lb in enumerate(a.model.legal_basis):
                if norm_law(lb.law) == name and (art is None or norm_law(lb.article or "").startswith(art)):
                    text = f"{lb.law}{lb.article or ''}"
                    out.append(Citation(uid, "authorities", a.model.id, None, text, a.rel, a.loc("legal_basis", i)[0]))
        for fid, f in sorted(ud.flows.items()):
            for j, step in enumerate(f.model.steps):
                for piece in (step.name, step.conditions):
                    if _mentions(piece, name, art):
                        out.append(Citation(uid, "flows", fid, step.id, str(piece), f.rel, f.loc("steps", j)[0]))
                        break
        for b in ud.benchmarks:
            for k, bi in enumerate(b.model.items):
                if _mentions(bi.basis, name, art):
                    out.append(Citation(uid, "benchmarks", b.model.authority, bi.violation, str(bi.basis), b.rel,
                                        b.loc("items", k, "basis")[0]))
        for m in ud.measures:
            if _mentions(m.model.description, name, art):
                out.append(Citation(uid, "measures", m.model.id, None, str(m.model.description), m.rel, m.loc()[0]))
    return out


def impact(register: Register, law: str, article: str | None = None, *, since: str | None = None,
           root: Path | None = None) -> list[Citation]:
    """The citations of ``law``; with ``since``, only those added or changed after that revision."""
    found = citations(register, law, article)
    if since is None:
        return found
    old, _ = register_at(root or register.root, since, None)
    before = {c.key for c in citations(old, law, article)}
    return [c for c in found if c.key not in before]


def format_text(found: list[Citation], law: str, article: str | None, lang: str) -> str:
    """file:line, unit, kind, item and the cited text, one per line, then a count per unit."""
    zh = lang == "zh"
    lines = []
    for c in found:
        label = KIND_LABEL[c.kind][0 if zh else 1]
        part = f" {c.part}" if c.part else ""
        lines.append(f"{c.file}:{c.line}: {c.unit} {label} {c.item}{part}: {c.text}")
    units = sorted({c.unit for c in found})
    what = f"{law}{article or ''}"
    lines.append(f"{what}：{len(units)} 个单位 {len(found)} 处引用" if zh else
                 f"{what}: {len(found)} citation(s) in {len(units)} unit(s)")
    return "\n".join(lines) + "\n"
