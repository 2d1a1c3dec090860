"""LFK210 — citations of a repealed or superseded law revision (clause 13), from ``laws:`` in lfk.yaml."""

from __future__ import annotations

import re
from collections.abc import Iterator

from lfk.core.i18n import T
from lfk.lint.context import UnitContext
from lfk.lint.registry import Report, rule
from lfk.model.config import Law

norm_law = Law.key

_EDITION = re.compile(r"[（(]\s*(\d{4})\s*年?\s*(?:修正|修订|版|文本)?\s*[)）]")


def _split(text: str) -> tuple[str, int | None]:
    """(the law's name without its edition, the edition year named in the citation, if any)."""
    m = _EDITION.search(text)
    year = int(m.group(1)) if m else None
    return norm_law(_EDITION.sub("", text)), year


def _problem(law: Law, year: int | None, as_of_year: int, day: str) -> tuple[str, str] | None:
    if law.repealed is not None and law.repealed.isoformat() <= day:
        to = f"，已由{law.replaced_by}替代" if law.replaced_by else ""
        to_en = f", replaced by {law.replaced_by}" if law.replaced_by else ""
        return (f"{law.name}已于 {law.repealed} 废止{to}", f"{law.name} was repealed on {law.repealed}{to_en}")
    if year is not None and law.revised is not None and year < law.revised.year <= as_of_year:
        return (f"引用的是 {year} 年版本，现行版本为 {law.revised} 修订",
                f"cites the {year} edition; the edition in force was revised on {law.revised}")
    return None


@rule("LFK210", severity="warning", scope="unit", clause="13",
      title_zh="引用已废止或已修订的法律版本", title_en="a citation of a repealed or superseded law revision")
def outdated_citation(ctx: UnitContext) -> Iterator[Report]:
    """A legal basis citing a law that `laws:` in lfk.yaml marks repealed, or an older edition than the one in force. / 法律依据引用了已废止的法规或旧版本。

    Clause 13 (动态管理) asks the register to follow changes of the law. `laws:` in lfk.yaml lists
    the laws with the date of the revision in force (`revised`) and, for a repealed law, `repealed`
    and `replaced_by`. A power's `legal_basis` or a benchmark item's `basis` citing a repealed law, or
    naming an edition (（2017年修正）) older than `revised`, is flagged for review (`lfk impact`
    lists every citation).
    指导意见第13条要求法律法规变化时及时调整；lfk.yaml 的 `laws:` 记录各法规现行版本日期与废止情况，
    引用已废止法规或旧版本的法律依据需要复核。

    Failing:
    ```yaml
    # lfk.yaml
    laws:
      - {name: 《中华人民共和国行政处罚法》, revised: 2021-07-15}
    # authorities.yaml
    legal_basis:
      - {law: 《中华人民共和国行政处罚法》（2017年修正）, article: 第三十六条}
    ```
    Passing:
    ```yaml
    legal_basis:
      - {law: 《中华人民共和国行政处罚法》, article: 第六十条}
    ```
    """
    catalogue = {norm_law(law.name): law for law in ctx.config.laws}
    if not catalogue:
        return
    day = ctx.as_of.isoformat()
    for a in ctx.unit.authorities:
        for i, lb in enumerate(a.model.legal_basis):
            name, year = _split(lb.law)
            law = catalogue.get(name)
            found = _problem(law, year, ctx.as_of.year, day) if law else None
            if found:
                yield Report(a.file, a.path + ("legal_basis", i),
                             T(f"职权 `{a.model.id}` 的法律依据：{found[0]}", f"power `{a.model.id}`'s legal basis: {found[1]}"),
                             T("请按现行法规核对并更新 legal_basis（lfk impact 列出所有引用）",
                               "check against the law in force and update legal_basis (lfk impact lists every citation)"))
    for b in ctx.unit.benchmarks:
        for k, item in enumerate(b.model.items):
            if not item.basis:
                continue
            for key, law in catalogue.items():
                flat, year = _split(item.basis)
                if key in flat:
                    found = _problem(law, year, ctx.as_of.year, day)
                    if found:
                        yield Report(b.file, b.path + ("items", k, "basis"),
                                     T(f"裁量基准 `{b.model.authority}` 的处罚依据：{found[0]}",
                                       f"benchmark `{b.model.authority}`'s basis: {found[1]}"),
                                     T("请按现行法规更新 basis", "update basis to the law in force"))
                    break
