"""``lfk diff`` library: matching by id, every kind of change, grade attribution, renames, git reading."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from lfk.core.git import GitRepo, GitSource
from lfk.diff import KINDS, diff_revisions, diff_values, match_renames
from lfk.diff.render import format_html, format_json, format_markdown, format_text
from lfk.register import Register
from tests.conftest import HERE

BASE = HERE / "fixtures" / "base"
UNIT = "units/county-amr"


# -- a real git repository in tmp_path -------------------------------------------------------------
class Repo:
    """A git repository with the base register in ``registers/`` (or at the top), committed and tagged."""

    def __init__(self, top: Path, subdir: str = "registers") -> None:
        self.top = top
        self.subdir = subdir
        self.root = top / subdir if subdir else top
        self.n = 0
        top.mkdir(parents=True, exist_ok=True)
        self.git("init", "-q")
        shutil.copytree(BASE, self.root, dirs_exist_ok=True)
        (top / "README.md").write_text("a repository with a register\n", encoding="utf-8")

    def env(self) -> dict[str, str]:
        env = dict(os.environ)
        stamp = f"2026-01-{self.n + 1:02d}T12:00:00+08:00"
        env.update({
            "GIT_AUTHOR_NAME": "Tester", "GIT_AUTHOR_EMAIL": "tester@example.com",
            "GIT_COMMITTER_NAME": "Tester", "GIT_COMMITTER_EMAIL": "tester@example.com",
            "GIT_AUTHOR_DATE": stamp, "GIT_COMMITTER_DATE": stamp, "GIT_CONFIG_NOSYSTEM": "1",
        })
        return env

    def git(self, *args: str) -> str:
        proc = subprocess.run(
            ["git", "-c", "user.name=Tester", "-c", "user.email=tester@example.com", "-c", "commit.gpgsign=false",
             "-c", "tag.gpgsign=false", "-c", "init.defaultBranch=main", "-c", "core.autocrlf=false", *args],
            cwd=self.top, env=self.env(), capture_output=True, text=True, check=True)
        return proc.stdout

    def commit(self, tag: str | None = None, message: str = "revision") -> str:
        self.git("add", "-A")
        self.git("commit", "-q", "--allow-empty", "-m", message)
        if tag:
            self.git("tag", tag)
        self.n += 1
        return self.git("rev-parse", "HEAD").strip()

    def path(self, rel: str) -> Path:
        return self.root / rel

    def read(self, rel: str) -> str:
        return self.path(rel).read_text(encoding="utf-8")

    def write(self, rel: str, text: str) -> None:
        p = self.path(rel)
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(text, encoding="utf-8")

    def sub(self, rel: str, old: str, new: str, count: int = 1) -> None:
        text = self.read(rel)
        assert text.count(old) >= 1, f"{old!r} not in {rel}"
        self.write(rel, text.replace(old, new, count))

    def state(self) -> tuple[str, str, bytes]:
        """HEAD, the porcelain status and the index bytes: all must stay as they were."""
        index = (self.top / ".git" / "index").read_bytes()
        return self.git("rev-parse", "HEAD"), self.git("status", "--porcelain", "--untracked-files=all"), index


def risk_block(text: str, rid: str) -> str:
    """The YAML block of one risk in risks.yaml (from ``  - id: RID`` to the next item)."""
    start = text.index(f"  - id: {rid}\n")
    nxt = text.find("\n  - id: ", start + 1)
    return text[start:] if nxt < 0 else text[start:nxt + 1]


def by(result, kind: str, ident: str, unit: str | None = "county-amr"):  # type: ignore[no-untyped-def]
    found = [c for c in result.changes if c.kind == kind and c.id == ident and c.unit == unit]
    assert len(found) == 1, [(c.kind, c.id, c.change) for c in result.changes]
    return found[0]


def fields(change) -> dict[str, tuple[object, object]]:  # type: ignore[no-untyped-def]
    return {f.field: (f.old, f.new) for f in change.fields}


@pytest.fixture
def repo(tmp_path: Path) -> Repo:
    r = Repo(tmp_path / "repo")
    r.commit("v2025")
    return r


# -- comparing plain values ------------------------------------------------------------------------
def test_diff_values_ignores_order_and_matches_by_key() -> None:
    a = {"steps": [{"id": "S1", "actor": "P-a", "next": [{"to": "S2", "when": None}]}, {"id": "S2", "actor": "P-b"}],
         "key_areas": ["行政处罚", "食品药品安全"], "factors": {"harm": 4, "importance": 3}}
    b = {"factors": {"importance": 3, "harm": 4.0}, "key_areas": ["食品药品安全", "行政处罚"],
         "steps": [{"id": "S2", "actor": "P-b"}, {"id": "S1", "next": [{"to": "S2", "when": None}], "actor": "P-a"}]}
    assert diff_values(a, b) == []
    b["steps"][1]["actor"] = "P-c"
    b["key_areas"].append("三重一大")
    changes = {f.field: f for f in diff_values(a, b)}
    assert changes["steps[S1].actor"].old == "P-a" and changes["steps[S1].actor"].new == "P-c"
    assert changes["key_areas"].added == ["三重一大"] and changes["key_areas"].removed == []


def test_match_renames_exact_and_near() -> None:
    removed = {"R-1": {"id": "R-1", "title": "接受管理服务对象吃请和礼品", "category": "思想道德", "factors": {"harm": 3}},
               "R-2": {"id": "R-2", "title": "完全不同的风险", "category": "制度机制", "factors": {"harm": 1}}}
    added = {"R-9": {"id": "R-9", "title": "接受管理服务对象吃请和礼品礼金", "category": "思想道德", "factors": {"harm": 3}},
             "R-8": {"id": "R-8", "title": "另一个新风险点", "category": "权力行使", "factors": {"harm": 5}}}
    pairs = match_renames(removed, added)
    assert [(a, b) for a, b, _ in pairs] == [("R-1", "R-9")]
    assert 0.85 <= pairs[0][2] < 1


# -- reading git -----------------------------------------------------------------------------------
def test_gitsource_reads_a_revision_without_checkout(repo: Repo) -> None:
    repo.sub(f"{UNIT}/risks.yaml", "grade: 中", "grade: 低")
    repo.commit("v2026")
    before = repo.state()
    gr = GitRepo(repo.root)
    assert gr.prefix == "registers"
    with GitSource(repo.top, "v2025", "registers") as src:
        assert "lfk.yaml" in src.files() and f"{UNIT}/risks.yaml" in src.files()
        assert "README.md" not in src.files()
        old = src.read(f"{UNIT}/risks.yaml").decode()
        assert "grade: 中" in old
        reg = Register(repo.root, source=src)
        assert reg.unit_ids == ["county-amr"]
        assert len(reg.unit("county-amr").risks) == 6
        many = src.read_many([f"{UNIT}/risks.yaml", "lfk.yaml", "missing.yaml"])
        assert set(many) == {f"{UNIT}/risks.yaml", "lfk.yaml"}
    with GitSource(repo.top, "v2026", "registers") as new:
        assert new.read(f"{UNIT}/risks.yaml").decode().count("grade: 低") == 2
        assert gr.changed_paths(gr.commit("v2025"), gr.commit("v2026"), "registers") == {f"{UNIT}/risks.yaml"}
    gr.close()
    assert repo.state() == before


# -- reordering is no change -----------------------------------------------------------------------
def test_reordering_is_no_change(repo: Repo) -> None:
    text = repo.read(f"{UNIT}/risks.yaml")
    blocks = [risk_block(text, f"R-00{i}") for i in range(1, 7)]
    repo.write(f"{UNIT}/risks.yaml", "risks:\n" + "".join(reversed([b if b.endswith("\n") else b + "\n" for b in blocks])))
    # key order, flow vs block style, quoting and comments
    repo.sub(f"{UNIT}/measures.yaml", "    status: 已落实\n    effect: 有效\n", "    effect: \"有效\"  # 年度评估\n    status: 已落实\n")
    repo.sub(f"{UNIT}/authorities.yaml", "key_areas: [食品药品安全, 行政处罚]", "key_areas:\n      - 行政处罚\n      - 食品药品安全")
    # steps after the first one swapped; edges listed in another order
    flow = repo.read(f"{UNIT}/flows/F-license.yaml")
    s4 = flow[flow.index("  - id: S4"):flow.index("  - id: S5")]
    s5 = flow[flow.index("  - id: S5"):]
    flow = flow.replace(s4 + s5, s5 + ("" if s5.endswith("\n") else "\n") + s4)
    flow = flow.replace("next: [{to: S3, when: 符合条件}, {to: S1, when: 需补正材料}, {to: S5, when: 不符合条件}]",
                        "next: [{to: S5, when: 不符合条件}, {when: 符合条件, to: S3}, {to: S1, when: 需补正材料}]")
    repo.write(f"{UNIT}/flows/F-license.yaml", flow)
    repo.sub(f"{UNIT}/unit.yaml", "  - {id: P-finance, name: 财务人员}\n  - {id: P-procure, name: 采购经办人}\n",
             "  - {id: P-procure, name: 采购经办人}\n  - {id: P-finance, name: 财务人员}\n")
    repo.commit("v2026")
    result = diff_revisions(repo.root, "v2025", "v2026")
    assert result.stats["changed_files"] == 5
    assert result.changes == []
    assert not result.changed
    assert "no changes" in format_text(result, "en")


# -- every kind of change --------------------------------------------------------------------------
def test_every_kind_of_change(repo: Repo) -> None:
    # powers: one changed, one removed, one added
    repo.sub(f"{UNIT}/authorities.yaml", "name: 食品经营许可\n", "name: 食品经营许可（含仅销售预包装食品备案）\n")
    repo.sub(f"{UNIT}/authorities.yaml", "time_limit: {days: 20, kind: 工作日}", "time_limit: {days: 15, kind: 工作日}")
    auth = repo.read(f"{UNIT}/authorities.yaml")
    auth = auth + """  - id: JC-001
    name: 食品安全监督检查
    category: 行政检查
    legal_basis:
      - {law: 《中华人民共和国食品安全法》, article: 第一百一十条}
    posts: [P-case]
    flow: F-penalty
"""
    repo.write(f"{UNIT}/authorities.yaml", auth)
    # flows: a step added, an actor and a time limit changed, an edge added
    repo.sub(f"{UNIT}/flows/F-penalty.yaml", "    time_limit: {days: 30, kind: 工作日}", "    time_limit: {days: 20, kind: 工作日}")
    repo.sub(f"{UNIT}/flows/F-penalty.yaml", "    actor: P-legal\n", "    actor: P-deputy-law\n")
    repo.sub(f"{UNIT}/flows/F-penalty.yaml", "    name: 送达执行\n    actor: P-case\n    duty: 执行\n    end: true\n",
             "    name: 送达执行\n    actor: P-case\n    duty: 执行\n    next: [S6]\n  - id: S6\n    name: 结案归档\n"
             "    actor: P-case\n    duty: 其他\n    end: true\n")
    # risks: grade raised, one removed, one added
    repo.sub(f"{UNIT}/risks.yaml", risk_block(repo.read(f"{UNIT}/risks.yaml"), "R-006"), "")
    repo.sub(f"{UNIT}/risks.yaml", "factors: {importance: 3, discretion: 3, probability: 3, harm: 3}\n    grade: 中",
             "factors: {importance: 4, discretion: 4, probability: 3, harm: 4}\n    grade: 高")
    repo.write(f"{UNIT}/risks.yaml", repo.read(f"{UNIT}/risks.yaml") + """  - id: R-007
    title: 监督检查中选择性执法
    category: 权力行使
    kind: 自由裁量幅度过大
    authority: JC-001
    sources: [群众评议]
    factors: {importance: 3, discretion: 4, probability: 3, harm: 3}
    grade: 中
    owner: P-deputy-law
""")
    # measures: one retired, one added, status and effect changed
    repo.sub(f"{UNIT}/measures.yaml", "    status: 实施中\n    effect: 未评估\n", "    status: 已落实\n    effect: 有效\n")
    m = repo.read(f"{UNIT}/measures.yaml")
    start = m.index("  - id: M-007")
    end = m.index("  - id: M-008")
    repo.write(f"{UNIT}/measures.yaml", m[:start] + m[end:] + """  - id: M-009
    risks: [R-007]
    kind: 监督检查
    description: 检查对象随机抽取、检查人员随机选派，结果公开。
    owner: P-deputy-law
""")
    # benchmarks: a range changed, a penalty added
    repo.sub(f"{UNIT}/benchmarks/CF-001.yaml", "fine: {min: 110000, max: 150000, unit: 元}", "fine: {min: 110000, max: 140000, unit: 元}")
    repo.sub(f"{UNIT}/benchmarks/CF-001.yaml", "        penalty: [没收违法所得, 罚款]\n        fine: {min: 110000",
             "        penalty: [没收违法所得, 罚款, 吊销许可证]\n        fine: {min: 110000")
    # approvals and posts
    repo.sub(f"{UNIT}/unit.yaml", "    minutes: 会议纪要〔2026〕3号\n",
             "    minutes: 会议纪要〔2026〕3号\n  - id: AP-2027-01\n    date: 2027-01-10\n    meeting: 局党组会议（2027年第1次）\n")
    repo.sub(f"{UNIT}/unit.yaml", "  - {id: P-procure, name: 采购经办人}\n",
             "  - {id: P-procure, name: 采购经办人}\n  - {id: P-archive, name: 档案管理员}\n")
    # a new unit
    shutil.copytree(repo.path(UNIT), repo.path("units/county-tax"))
    repo.sub("units/county-tax/unit.yaml", "id: county-amr\nname: 示例县市场监督管理局", "id: county-tax\nname: 示例县税务局")
    repo.commit("v2026")

    r = diff_revisions(repo.root, "v2025", "v2026")
    a = by(r, "authorities", "XK-001")
    assert a.change == "changed"
    assert fields(a)["name"] == ("食品经营许可", "食品经营许可（含仅销售预包装食品备案）")
    assert fields(a)["time_limit.days"] == (20, 15)
    assert by(r, "authorities", "JC-001").change == "added"
    f = by(r, "flows", "F-penalty")
    ff = fields(f)
    assert ff["steps[S2].time_limit.days"] == (30, 20)
    assert ff["steps[S3].actor"] == ("P-legal", "P-deputy-law")
    assert ff["steps[S6]"][0] is None and ff["steps[S6]"][1]["name"] == "结案归档"
    edges = [x for x in f.fields if x.field == "steps[S5].next[S6]" or x.field == "steps[S5].next"]
    assert edges, [x.field for x in f.fields]
    assert ff["steps[S5].end"] == (True, False)
    rk = by(r, "risks", "R-003")
    assert rk.change == "changed" and rk.grade is not None
    assert (rk.grade.declared_old, rk.grade.declared_new, rk.grade.movement) == ("中", "高", "raised")
    assert rk.grade.cause == "factors"
    assert by(r, "risks", "R-006").change == "removed"
    added = by(r, "risks", "R-007")
    assert added.change == "added" and added.grade is not None and added.grade.declared_new == "中"
    assert by(r, "measures", "M-007").change == "removed"
    assert by(r, "measures", "M-009").change == "added"
    assert fields(by(r, "measures", "M-008")) == {"status": ("实施中", "已落实"), "effect": ("未评估", "有效")}
    b = by(r, "benchmarks", "CF-001")
    bf = {x.field: x for x in b.fields}
    assert bf["items[未取得食品经营许可从事食品经营活动].tiers[从重处罚].fine.max"].new == 140000
    assert bf["items[未取得食品经营许可从事食品经营活动].tiers[从重处罚].penalty"].added == ["吊销许可证"]
    assert by(r, "approvals", "AP-2027-01").change == "added"
    assert by(r, "posts", "P-archive").change == "added"
    unit_added = by(r, "units", "county-tax", unit="county-tax")
    assert unit_added.change == "added" and unit_added.title == "示例县税务局"
    assert len([c for c in r.changes if c.unit == "county-tax" and c.kind == "risks"]) == 6
    s = r.summary()
    assert s["units_added"] == 1 and s["grades"]["raised"] >= 1
    assert s["by_kind"]["measures"]["removed"] == 1
    assert r.grade_matrix()["中"]["高"] == 1 and r.grade_matrix()["中"]["—"] == 1  # R-003 raised, R-006 removed

    # renderers mention what changed
    md = format_markdown(r, "zh")
    assert "### 示例县市场监督管理局 (county-amr)" in md and "撤销" in md and "升级" in md
    text = format_text(r, "en")
    assert "R-003" in text and "retired" in text and "cause: the risk's factors changed" in text

    # a unit removed later
    shutil.rmtree(repo.path("units/county-tax"))
    repo.commit("v2027")
    r2 = diff_revisions(repo.root, "v2026", "v2027")
    assert by(r2, "units", "county-tax", unit="county-tax").change == "removed"
    assert {c.unit for c in r2.changes} == {"county-tax"}


# -- grade attribution: factors or rubric ----------------------------------------------------------
def test_rubric_change_is_told_from_factor_change(repo: Repo) -> None:
    # v2026: only the rubric changes; R-003 (score 3.0) becomes 高 under the new thresholds
    repo.sub("lfk.yaml", "thresholds: {高: 3.5, 中: 2.5}", "thresholds: {高: 3.0, 中: 2.5}")
    repo.commit("v2026")
    r = diff_revisions(repo.root, "v2025", "v2026")
    assert r.rubric_changed
    cfg = by(r, "config", "grading", unit=None)
    assert fields(cfg)["grading.thresholds.高"] == (3.5, 3.0)
    reg = by(r, "risks", "R-003")
    assert reg.change == "regraded" and reg.fields == []
    assert reg.grade is not None
    assert (reg.grade.computed_old, reg.grade.computed_new, reg.grade.cause) == ("中", "高", "rubric")
    assert reg.grade.old_under_new_rubric == "高"
    assert [c.id for c in r.changes if c.kind == "risks"] == ["R-003"]

    # v2027: the leadership approves 高 for R-003: the declared grade moved because of the rubric
    repo.sub(f"{UNIT}/risks.yaml", "factors: {importance: 3, discretion: 3, probability: 3, harm: 3}\n    grade: 中",
             "factors: {importance: 3, discretion: 3, probability: 3, harm: 3}\n    grade: 高")
    repo.commit("v2027")
    r = diff_revisions(repo.root, "v2025", "v2027")
    ch = by(r, "risks", "R-003")
    assert ch.change == "changed" and fields(ch) == {"grade": ("中", "高")}
    assert ch.grade is not None and ch.grade.movement == "raised" and ch.grade.cause == "rubric"

    # factors only (same rubric): R-005's harm goes up; declared follows
    repo.sub(f"{UNIT}/risks.yaml", "factors: {importance: 2, discretion: 2, probability: 3, harm: 3}\n    grade: 低",
             "factors: {importance: 3, discretion: 3, probability: 3, harm: 3}\n    grade: 高")
    repo.commit("v2028")
    r = diff_revisions(repo.root, "v2027", "v2028")
    ch = by(r, "risks", "R-005")
    assert ch.grade is not None
    assert (ch.grade.computed_old, ch.grade.computed_new, ch.grade.cause) == ("低", "高", "factors")
    assert ch.grade.old_under_new_rubric == "低" and not r.rubric_changed

    # both at once: rubric back to 3.5, and R-006's factors raised so it lands on 高 either way
    repo.sub("lfk.yaml", "thresholds: {高: 3.0, 中: 2.5}", "thresholds: {高: 3.5, 中: 3.0}")
    repo.sub(f"{UNIT}/risks.yaml", "factors: {importance: 3, discretion: 2, probability: 2, harm: 3}",
             "factors: {importance: 5, discretion: 4, probability: 3, harm: 4}")
    repo.commit("v2029")
    r = diff_revisions(repo.root, "v2028", "v2029")
    ch = by(r, "risks", "R-006")
    assert ch.grade is not None
    # old R-006 (2.5): 中 under old, 低 under new (中 needs 3.0) but floored to 中 by 三重一大; new factors: 高
    assert (ch.grade.computed_old, ch.grade.computed_new) == ("中", "高")
    assert ch.grade.cause == "factors"
    # R-003 (3.0): 高 under 3.0, 中 under 3.5 → regraded by the rubric; declared stays 高
    rg = by(r, "risks", "R-003")
    assert rg.change == "regraded" and rg.grade is not None
    assert (rg.grade.computed_old, rg.grade.computed_new, rg.grade.cause) == ("高", "中", "rubric")
    assert "rubric" in format_markdown(r, "en")


def test_rubric_and_factors_both(repo: Repo) -> None:
    # R-005 (2.4 → 低): the rubric lowers 中 to 2.0 and its factors rise to 2.6
    repo.sub("lfk.yaml", "thresholds: {高: 3.5, 中: 2.5}", "thresholds: {高: 2.6, 中: 2.0}")
    repo.sub(f"{UNIT}/risks.yaml", "factors: {importance: 2, discretion: 2, probability: 3, harm: 3}",
             "factors: {importance: 2, discretion: 3, probability: 3, harm: 3}")
    repo.commit("v2026")
    ch = by(diff_revisions(repo.root, "v2025", "v2026"), "risks", "R-005")
    assert ch.grade is not None
    assert (ch.grade.computed_old, ch.grade.old_under_new_rubric, ch.grade.computed_new) == ("低", "中", "高")
    assert ch.grade.cause == "rubric+factors"


def test_key_area_change_regrades_risks_on_the_power(repo: Repo) -> None:
    repo.sub(f"{UNIT}/risks.yaml", "factors: {importance: 3, discretion: 3, probability: 3, harm: 3}\n    grade: 中",
             "factors: {importance: 1, discretion: 1, probability: 1, harm: 1}\n    grade: 低")
    repo.commit("v2026")
    repo.sub(f"{UNIT}/authorities.yaml", "key_areas: [行政审批, 食品药品安全]", "key_areas: [行政审批, 食品药品安全, 三重一大]")
    repo.commit("v2027")
    r = diff_revisions(repo.root, "v2026", "v2027")
    assert fields(by(r, "authorities", "XK-001"))["key_areas"] == (["行政审批", "食品药品安全"], ["行政审批", "食品药品安全", "三重一大"])
    rg = by(r, "risks", "R-003")
    assert rg.change == "regraded" and rg.grade is not None
    assert (rg.grade.computed_old, rg.grade.computed_new, rg.grade.cause) == ("低", "中", "authority")


# -- renames ---------------------------------------------------------------------------------------
def test_likely_renames(repo: Repo) -> None:
    repo.sub(f"{UNIT}/risks.yaml", "  - id: R-002\n", "  - id: R-012\n")
    repo.sub(f"{UNIT}/measures.yaml", "  - id: M-003\n    risks: [R-002]\n", "  - id: M-013\n    risks: [R-012]\n")
    repo.sub(f"{UNIT}/measures.yaml", "risks: [R-001, R-002]", "risks: [R-001, R-012]")
    repo.sub(f"{UNIT}/measures.yaml", "严格执行行政处罚裁量权基准，决定书载明裁量理由。", "严格执行行政处罚裁量权基准，处罚决定书载明裁量理由。")
    flow = repo.read(f"{UNIT}/flows/F-procure.yaml").replace("id: F-procure", "id: F-purchase")
    repo.path(f"{UNIT}/flows/F-procure.yaml").unlink()
    repo.write(f"{UNIT}/flows/F-purchase.yaml", flow)
    repo.sub(f"{UNIT}/authorities.yaml", "flow: F-procure", "flow: F-purchase")
    repo.commit("v2026")
    r = diff_revisions(repo.root, "v2025", "v2026")
    risk = by(r, "risks", "R-012")
    assert (risk.change, risk.old_id, risk.similarity, risk.fields) == ("renamed", "R-002", 1.0, [])
    assert risk.grade is not None and risk.grade.cause is None
    m = by(r, "measures", "M-013")
    assert m.change == "renamed" and m.old_id == "M-003" and m.similarity is not None and m.similarity < 1
    assert {f.field for f in m.fields} == {"risks", "description"}
    fl = by(r, "flows", "F-purchase")
    assert fl.change == "renamed" and fl.old_id == "F-procure"
    assert not [c for c in r.changes if c.change in ("added", "removed")]
    assert "R-002 → R-012" in format_text(r, "en")


def _rename_unit(repo: Repo, old: str, new: str) -> None:
    src, dst = repo.path(f"units/{old}"), repo.path(f"units/{new}")
    shutil.move(src, dst)
    repo.sub(f"units/{new}/unit.yaml", f"id: {old}\n", f"id: {new}\n")


def test_a_renamed_unit_is_one_change_and_its_items_are_compared(repo: Repo) -> None:
    """A unit folder renamed (机构改革: a bureau merged or renamed) is one `renamed` unit, and only what
    changed inside it is reported — not every post, power, risk and measure removed and added again
    (regression: 64 changes for one renamed folder and one renamed power)."""
    _rename_unit(repo, "county-amr", "county-samr")
    repo.sub("units/county-samr/authorities.yaml", "name: 食品经营许可\n", "name: 食品经营许可证核发\n")
    repo.sub("units/county-samr/risks.yaml", "grade: 中", "grade: 高")
    repo.commit("v2026")
    r = diff_revisions(repo.root, "v2025", "v2026")
    unit = by(r, "units", "county-samr", unit="county-samr")
    assert (unit.change, unit.old_id, unit.similarity) == ("renamed", "county-amr", 1.0)
    assert [f.field for f in unit.fields] == []
    assert {(c.kind, c.change) for c in r.changes} == {("units", "renamed"), ("authorities", "changed"),
                                                       ("risks", "changed")}
    risk = next(c for c in r.changes if c.kind == "risks")
    assert risk.unit == "county-samr" and risk.grade is not None and risk.grade.movement == "raised"
    summary = r.summary()
    assert (summary["units_added"], summary["units_removed"], summary["units_touched"]) == (0, 0, 1)
    text = format_text(r, "zh")
    assert "county-amr → county-samr" in text and "删除" not in text.split("\n", 1)[1]
    for fmt in (format_json, format_markdown, format_html):
        assert "county-samr" in fmt(r, "zh")


def test_a_renamed_unit_is_regraded_under_a_new_rubric(repo: Repo) -> None:
    _rename_unit(repo, "county-amr", "county-samr")
    repo.sub("lfk.yaml", "thresholds: {高: 3.5, 中: 2.5}", "thresholds: {高: 3.0, 中: 2.5}")
    repo.commit("v2026")
    r = diff_revisions(repo.root, "v2025", "v2026")
    reg = by(r, "risks", "R-003", unit="county-samr")
    assert reg.change == "regraded" and reg.grade is not None and reg.grade.cause == "rubric"


def test_unit_rename_with_a_removed_and_an_unrelated_new_unit(repo: Repo) -> None:
    """Only units holding the same items pair up: a unit removed and an unrelated one added stay so."""
    _rename_unit(repo, "county-amr", "county-samr")
    risks = repo.read("units/county-samr/risks.yaml")
    repo.write("units/county-samr/risks.yaml", risks.replace(risk_block(risks, "R-002"), ""))
    other = repo.path("units/new-office")
    other.mkdir(parents=True)
    (other / "unit.yaml").write_text("id: new-office\nname: 新设办公室\ntype: 行政机关\n", encoding="utf-8")
    repo.commit("v2026")
    r = diff_revisions(repo.root, "v2025", "v2026")
    assert by(r, "units", "county-samr", unit="county-samr").change == "renamed"
    assert by(r, "units", "new-office", unit="new-office").change == "added"
    assert by(r, "risks", "R-002", unit="county-samr").change == "removed"
    assert not [c for c in r.changes if c.unit == "county-amr"]


def test_a_removed_unit_and_a_new_one_with_other_items_are_not_a_rename(repo: Repo) -> None:
    shutil.rmtree(repo.path("units/county-amr"))
    other = repo.path("units/new-office")
    other.mkdir(parents=True)
    (other / "unit.yaml").write_text("id: new-office\nname: 新设办公室\ntype: 行政机关\n", encoding="utf-8")
    repo.commit("v2026")
    r = diff_revisions(repo.root, "v2025", "v2026")
    assert by(r, "units", "county-amr").change == "removed"
    assert by(r, "units", "new-office", unit="new-office").change == "added"
    assert not [c for c in r.changes if c.change == "renamed"]


# -- the register at the top of the repository, partial reading, filters ---------------------------
def test_top_level_register_and_only_changed_files_parsed(tmp_path: Path) -> None:
    repo = Repo(tmp_path / "top", subdir="")
    for i in range(1, 4):
        shutil.copytree(repo.path(UNIT), repo.path(f"units/u{i}"))
        repo.sub(f"units/u{i}/unit.yaml", "id: county-amr", f"id: u{i}")
    repo.commit("v1")
    repo.sub("units/u2/measures.yaml", "status: 实施中", "status: 已落实")
    repo.commit("v2")
    r = diff_revisions(repo.root, "v1", "v2")
    assert r.root == ""
    assert [(c.unit, c.kind, c.id) for c in r.changes] == [("u2", "measures", "M-008")]
    # lfk.yaml (same blob: once), measures.yaml twice, unit.yaml of u2 for its name
    assert r.stats["changed_files"] == 1 and r.stats["parsed_files"] == 4
    assert r.unit_names["u2"] == "示例县市场监督管理局"
    assert diff_revisions(repo.root, "v1", "v2", units=["u1"]).changes == []
    assert diff_revisions(repo.root, "v1", "v2", kinds=["risks"]).changes == []
    assert len(diff_revisions(repo.root, "v1", "v2", kinds=["measures"]).changes) == 1


def test_working_tree_side_and_nothing_touched(repo: Repo) -> None:
    repo.sub(f"{UNIT}/measures.yaml", "status: 实施中", "status: 已落实")
    repo.commit("v2026")
    # uncommitted edits: a modified file, a deleted file and an untracked flow
    repo.sub(f"{UNIT}/risks.yaml", "grade: 低", "grade: 中")
    repo.path(f"{UNIT}/benchmarks/CF-001.yaml").unlink()
    repo.write(f"{UNIT}/flows/F-new.yaml", "id: F-new\nname: 新流程\nsteps:\n  - {id: S1, name: 办理, actor: P-case, end: true}\n")
    before = repo.state()
    r = diff_revisions(repo.root, "HEAD")
    assert r.b.commit is None and r.b.label == "working tree"
    got = {(c.kind, c.id, c.change) for c in r.changes}
    assert got == {("risks", "R-005", "changed"), ("benchmarks", "CF-001", "removed"), ("flows", "F-new", "added")}
    r2 = diff_revisions(repo.root, "v2025", "v2026")
    assert {(c.kind, c.id) for c in r2.changes} == {("measures", "M-008")}
    assert repo.state() == before


def test_invalid_yaml_in_a_revision_is_a_problem_not_a_crash(repo: Repo) -> None:
    repo.write(f"{UNIT}/measures.yaml", repo.read(f"{UNIT}/measures.yaml") + "  - id: [unclosed\n")
    repo.sub(f"{UNIT}/risks.yaml", "grade: 低", "grade: 极低")
    repo.commit("v2026")
    r = diff_revisions(repo.root, "v2025", "v2026")
    assert {p.path for p in r.problems} == {f"{UNIT}/measures.yaml", f"{UNIT}/risks.yaml"}
    ch = by(r, "risks", "R-005")
    assert fields(ch) == {"grade": ("低", "极低")}
    assert format_json(r)  # renders


# -- output formats --------------------------------------------------------------------------------
def test_json_shape_is_stable(repo: Repo) -> None:
    repo.sub(f"{UNIT}/risks.yaml", "grade: 低", "grade: 中")
    repo.commit("v2026")
    import json

    data = json.loads(format_json(diff_revisions(repo.root, "v2025", "v2026")))
    assert list(data) == ["schema", "a", "b", "root", "filters", "rubric_changed", "summary", "grade_matrix",
                          "changes", "problems", "stats"]
    assert data["schema"] == "lfk.diff/1" and data["a"]["rev"] == "v2025" and len(data["a"]["commit"]) == 40
    rec = data["changes"][0]
    assert list(rec) == ["unit", "kind", "id", "change", "old_id", "title", "path", "line", "fields", "similarity", "grade"]
    assert list(rec["fields"][0]) == ["field", "old", "new", "added", "removed"]
    assert list(rec["grade"]) == ["declared_old", "declared_new", "computed_old", "computed_new", "old_under_new_rubric",
                                  "movement", "computed_movement", "cause"]
    assert rec["grade"]["cause"] == "declared" and rec["line"] == 54
    assert data["grade_matrix"]["低"]["中"] == 1
    assert set(data["summary"]["by_kind"]) <= set(KINDS)


def test_html_report_is_standalone_and_escaped(repo: Repo) -> None:
    repo.sub(f"{UNIT}/risks.yaml", "title: 接受管理服务对象吃请和礼品", "title: <script>alert(1)</script>吃请")
    repo.sub(f"{UNIT}/risks.yaml", "grade: 中", "grade: 高")
    repo.commit("v2026")
    html = format_html(diff_revisions(repo.root, "v2025", "v2026"), "zh")
    assert html.startswith("<!DOCTYPE html>") and "</html>" in html
    assert "<script>" not in html and "&lt;script&gt;" in html
    for external in ("http://", "https://", "src=", "<link", "@import"):
        assert external not in html
    assert "风险等级变动" in html and "class=\"matrix\"" in html and "示例县市场监督管理局" in html


def test_register_level_changes(repo: Repo) -> None:
    repo.sub("lfk.yaml", "cycle_days: 365", "cycle_days: 180")
    repo.write("flows/F-std.yaml", "id: F-std\nname: 标准流程\nsteps:\n  - {id: S1, name: 办理, actor: P-case, end: true}\n")
    repo.commit("v2026")
    r = diff_revisions(repo.root, "v2025", "v2026")
    assert [(c.unit, c.kind, c.id, c.change) for c in r.changes] == [
        (None, "config", "review", "changed"), (None, "flows", "F-std", "added")]
    assert fields(r.changes[0]) == {"review.cycle_days": (365, 180)}
    assert not r.rubric_changed
    assert "Register (global)" in format_text(r, "en")
    assert diff_revisions(repo.root, "v2025", "v2026", units=["county-amr"]).changes == []


def test_revision_without_the_register_is_an_input_error(tmp_path: Path) -> None:
    from lfk.core.errors import InputError

    repo = Repo(tmp_path / "late")
    shutil.move(str(repo.root), str(tmp_path / "aside"))
    repo.commit("v0")
    shutil.move(str(tmp_path / "aside"), str(repo.root))
    repo.commit("v1")
    with pytest.raises(InputError, match="no lfk.yaml"):
        diff_revisions(repo.root, "v0", "v1")


def test_match_renames_stays_fast_on_many_items(monkeypatch: pytest.MonkeyPatch) -> None:
    """300 removed × 300 added: equal content pairs by hash, and no near-match comparison at all beyond
    ``max_pairs`` (counted, not timed: speed is `make bench`'s)."""
    import lfk.diff.compare as compare

    compared = [0]
    real = compare.similarity

    def counted(a: object, b: object) -> float:
        compared[0] += 1
        return real(a, b)  # type: ignore[arg-type]

    monkeypatch.setattr(compare, "similarity", counted)
    removed = {f"R-{i}": {"id": f"R-{i}", "title": f"风险点第{i}号：" + "说明" * 40, "factors": {"harm": i % 5}}
               for i in range(300)}
    added = {f"N-{i}": {"id": f"N-{i}", "title": f"新风险点第{i}号：" + "描述" * 40, "factors": {"harm": i % 5}}
             for i in range(300)}
    added["N-moved"] = dict(removed["R-7"], id="N-moved")
    pairs = match_renames(removed, added)
    assert pairs == [("R-7", "N-moved", 1.0)]
    assert compared[0] == 0  # 299 × 300 left over is more than max_pairs: no quadratic comparison


def test_kind_filter_reads_only_what_it_needs(repo: Repo) -> None:
    repo.sub(f"{UNIT}/unit.yaml", "  - {id: P-procure, name: 采购经办人}\n",
             "  - {id: P-procure, name: 采购经办人}\n  - {id: P-archive, name: 档案管理员}\n")
    repo.sub(f"{UNIT}/risks.yaml", "grade: 低", "grade: 中")
    repo.commit("v2026")
    r = diff_revisions(repo.root, "v2025", "v2026", kinds=["posts"])
    assert [(c.kind, c.id, c.change) for c in r.changes] == [("posts", "P-archive", "added")]
    assert r.stats["parsed_files"] == 3  # lfk.yaml once (same blob), unit.yaml at each side; not risks.yaml
    assert diff_revisions(repo.root, "v2025", "v2026", kinds=["units", "approvals"]).changes == []


def test_an_invalid_lfk_yaml_is_compared_as_written(repo: Repo) -> None:
    """Regression: with lfk.yaml invalid on one side, its raw data was compared with the other side's model
    dump, so every section it did not write (defaults) showed as changed."""
    repo.sub("lfk.yaml", "thresholds: {高: 3.5, 中: 2.5}", "thresholds: {高: 3.5, 中: 很高}")
    repo.commit("v2026")
    r = diff_revisions(repo.root, "v2025", "v2026")
    cfg = [c for c in r.changes if c.kind == "config"]
    assert [c.id for c in cfg] == ["grading"], [(c.id, [f.field for f in c.fields]) for c in cfg]
    assert [(f.field, f.old) for f in cfg[0].fields] == [("grading.thresholds.中", 2.5)]  # the bad value: a problem
    assert any(p.path == "lfk.yaml" for p in r.problems)
