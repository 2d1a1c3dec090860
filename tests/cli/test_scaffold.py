"""``lfk init`` and ``lfk new unit``: the results lint with no error."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from lfk.model.vocab import DEFAULT_TAXONOMY, MEASURE_KINDS, TAXONOMY_PRESETS
from lfk.register import Register
from tests.conftest import AS_OF, invoke, writable

TODAY = dt.date(2026, 11, 1)


def _lint(runner, root: Path, as_of: str = AS_OF) -> dict:  # type: ignore[no-untyped-def,type-arg]
    r = invoke(runner, "lint", "--root", str(root), "--as-of", as_of, "--format", "json", "--strict")
    return json.loads(r.stdout) | {"exit": r.exit_code}


def test_init_lints_clean(runner, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    root = tmp_path / "reg"
    r = invoke(runner, "init", str(root), "--name", "测试县廉政风险防控登记册", "--as-of", TODAY.isoformat())
    assert r.exit_code == 0, r.output
    assert (root / "lfk.yaml").is_file() and (root / "units/example/flows/F-license.yaml").is_file()
    text = (root / "lfk.yaml").read_text(encoding="utf-8")
    assert "name: 测试县廉政风险防控登记册" in text and "# 风险等级评定（第6条）" in text and "assessment:" in text
    doc = _lint(runner, root, TODAY.isoformat())
    assert doc["findings"] == [] and doc["exit"] == 0  # not even a warning, with --strict
    reg = Register(root)
    assert reg.config_ok and reg.config.year == 2026
    ud = reg.unit("example")
    assert len(ud.authorities) == 1 and len(ud.risks) == 2 and len(ud.measures) == 3
    assert [a.date for a in ud.unit.approvals] == [TODAY]  # type: ignore[union-attr]
    r = invoke(runner, "score", "--root", str(root), "--as-of", TODAY.isoformat(), "--format", "json")
    assert json.loads(r.stdout)["units"][0]["band"] == "优秀"


def test_init_refuses_an_existing_register(runner, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    root = tmp_path / "reg"
    assert invoke(runner, "init", str(root)).exit_code == 0
    before = (root / "lfk.yaml").read_bytes()
    r = invoke(runner, "init", str(root), "--name", "另一个")
    assert r.exit_code == 2
    assert (root / "lfk.yaml").read_bytes() == before


def test_new_unit_lints_clean(runner, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    root = tmp_path / "reg"
    assert invoke(runner, "init", str(root), "--as-of", TODAY.isoformat()).exit_code == 0
    writable(root)
    r = invoke(runner, "new", "unit", "county-amr", "--name", "示例县市场监督管理局: 本级", "--type", "行政机关",
               "--parent", "example", "--root", str(root))
    assert r.exit_code == 0, r.output
    unit = Register(root).unit("county-amr")
    assert unit.unit is not None and unit.unit.name == "示例县市场监督管理局: 本级" and unit.unit.parent == "example"
    assert unit.authorities == [] and unit.risks == [] and unit.measures == []
    assert "# " in (root / "units/county-amr/authorities.yaml").read_text(encoding="utf-8")  # a commented example
    doc = _lint(runner, root, TODAY.isoformat())
    assert not [f for f in doc["findings"] if f["severity"] == "error"], doc["findings"]


def test_new_unit_refusals(runner, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    root = tmp_path / "reg"
    assert invoke(runner, "init", str(root)).exit_code == 0
    assert invoke(runner, "new", "unit", "example", "--name", "重复", "--type", "其他", "--root", str(root)).exit_code == 2
    assert invoke(runner, "new", "unit", "Bad_Id", "--name", "x", "--type", "其他", "--root", str(root)).exit_code == 2
    assert invoke(runner, "new", "unit", "../up", "--name", "x", "--type", "其他", "--root", str(root)).exit_code == 2
    r = invoke(runner, "new", "unit", "ok-id", "--name", "x", "--type", "机关", "--root", str(root))
    assert r.exit_code == 2 and not (root / "units/ok-id").exists()
    assert invoke(runner, "new", "unit", "ok-id", "--name", "x", "--type", "其他", "--root", str(tmp_path / "none")).exit_code == 2


@pytest.mark.parametrize(("given", "said"), [
    ("街道", "--type 行政机关"), ("街道办事处", "--type 行政机关"), ("乡镇人民政府", "--type 行政机关"), ("镇", "--type 行政机关"),
    ("机关", "one of 党的机关 | 行政机关 | 国有企业 | 事业单位 | 其他"),
])
def test_a_body_named_for_a_unit_type_gets_its_type(runner, tmp_path: Path, given: str, said: str) -> None:  # type: ignore[no-untyped-def]
    """REGISTER.md's unit types are closed: a 街道(办事处) is the government's 派出机关 and a 乡镇人民政府 the basic-level
    government — both 行政机关, which the refusal of --type 街道 and lint of ``type: 街道`` say."""
    root = tmp_path / "reg"
    assert invoke(runner, "init", str(root)).exit_code == 0
    r = invoke(runner, "new", "unit", "jd", "--name", "某街道办事处", "--type", given, "--root", str(root))
    assert r.exit_code == 2 and said in r.output and not (root / "units/jd").exists()
    unit_yaml = root / "units/example/unit.yaml"
    unit_yaml.write_text(unit_yaml.read_text(encoding="utf-8").replace("type: 行政机关", f"type: {given}", 1),
                         encoding="utf-8")
    found = [f for f in _lint(runner, root)["findings"] if f["path"].endswith("unit.yaml") and f["code"] == "LFK101"]
    assert len(found) == 1 and (("写 type: 行政机关" in found[0]["message"]) == (given != "机关")), found


def test_scaffolded_files_are_already_canonical(runner, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    root = tmp_path / "reg"
    assert invoke(runner, "init", str(root)).exit_code == 0
    assert invoke(runner, "new", "unit", "u1", "--name", "单位一", "--type", "其他", "--root", str(root)).exit_code == 0
    r = invoke(runner, "fmt", "--check", "--root", str(root))
    assert r.exit_code == 0, r.stdout


PRESETS = ("guideline", "five-type")


@pytest.mark.parametrize("preset", PRESETS)
def test_every_taxonomy_preset_lints_clean(runner, tmp_path: Path, preset: str) -> None:  # type: ignore[no-untyped-def]
    """`lfk init --taxonomy P`: lfk.yaml carries the preset (categories, kinds, measure pairings) as data, and the
    example unit's risks use its categories: lint --strict finds nothing, fmt nothing to change, score 优秀."""
    root = tmp_path / "reg"
    r = invoke(runner, "init", str(root), "--taxonomy", preset, "--as-of", TODAY.isoformat())
    assert r.exit_code == 0, r.output
    doc = _lint(runner, root, TODAY.isoformat())
    assert doc["findings"] == [] and doc["exit"] == 0
    assert invoke(runner, "fmt", "--check", "--root", str(root)).exit_code == 0
    reg = Register(root)
    assert reg.config.taxonomy is not None
    written = {c: {"kinds": tc.kinds, "measures": tc.measures} for c, tc in reg.config.taxonomy.categories.items()}
    assert written == TAXONOMY_PRESETS[preset]
    assert {r.model.category for r in reg.unit("example").risks} <= set(written)
    r = invoke(runner, "score", "--root", str(root), "--as-of", TODAY.isoformat(), "--format", "json")
    assert json.loads(r.stdout)["units"][0]["band"] == "优秀"
    # a new unit's commented example names the register's own categories
    writable(root)
    assert invoke(runner, "new", "unit", "school", "--name", "某小学", "--type", "事业单位", "--root", str(root)).exit_code == 0
    comment = (root / "units/school/risks.yaml").read_text(encoding="utf-8")
    assert " | ".join(written) in comment


def test_five_type_preset_has_the_five_categories_and_pairings() -> None:
    five = TAXONOMY_PRESETS["five-type"]
    assert list(five) == ["思想道德风险", "岗位职责风险", "业务流程风险", "制度机制风险", "外部环境风险"]
    assert all(spec["measures"] and set(spec["measures"]) <= set(MEASURE_KINDS) for spec in five.values())
    assert TAXONOMY_PRESETS["guideline"] == DEFAULT_TAXONOMY


def test_five_type_pairing_is_used_by_lfk408(runner, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """The pairing written into lfk.yaml is data LFK408 reads: a 思想道德风险 answered only by 程序规范 is told."""
    root = tmp_path / "reg"
    assert invoke(runner, "init", str(root), "--taxonomy", "five-type", "--as-of", TODAY.isoformat()).exit_code == 0
    writable(root)
    m = root / "units/example/measures.yaml"
    m.write_text(m.read_text(encoding="utf-8").replace("kind: 廉政教育", "kind: 程序规范"), encoding="utf-8")
    doc = _lint(runner, root, TODAY.isoformat())
    hits = [f for f in doc["findings"] if f["code"] == "LFK408"]
    assert len(hits) == 1 and "思想道德风险" in hits[0]["message"] and "廉政教育" in hits[0]["message"]


def test_unknown_preset_is_refused(runner, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    r = invoke(runner, "init", str(tmp_path / "reg"), "--taxonomy", "seven-type")
    assert r.exit_code == 2 and "guideline | five-type" in r.output
    assert not (tmp_path / "reg" / "lfk.yaml").exists()


def test_unknown_category_and_grade_name_the_setting(runner, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """lint's messages for a category outside the taxonomy and a grade word outside 高/中/低 say what to set."""
    root = tmp_path / "reg"
    assert invoke(runner, "init", str(root), "--as-of", TODAY.isoformat()).exit_code == 0
    writable(root)
    p = root / "units/example/risks.yaml"
    text = p.read_text(encoding="utf-8").replace("category: 权力行使", "category: 岗位职责风险", 1)
    p.write_text(text.replace("grade: 高", "grade: 一级风险", 1), encoding="utf-8")
    doc = _lint(runner, root, TODAY.isoformat())
    msgs = [f["message"] for f in doc["findings"] if f["code"] == "LFK101"]
    cat = next(m for m in msgs if "岗位职责风险" in m)
    assert "taxonomy: categories" in cat and "taxonomy: five-type" in cat
    grade = next(m for m in msgs if "一级风险" in m)
    assert "grading.labels" in grade and "grading.aliases" in grade


def test_a_preset_named_in_lfk_yaml(runner, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """`taxonomy: five-type` in an existing register's lfk.yaml is that preset (the fix the category message names)."""
    root = tmp_path / "reg"
    assert invoke(runner, "init", str(root), "--taxonomy", "five-type", "--as-of", TODAY.isoformat()).exit_code == 0
    writable(root)
    cfg = root / "lfk.yaml"
    text = cfg.read_text(encoding="utf-8")
    start = text.index("taxonomy:\n")
    end = text.index("\n\n", start)
    cfg.write_text(text[:start] + "taxonomy: five-type" + text[end:], encoding="utf-8")
    assert Register(root).config.categories().keys() == TAXONOMY_PRESETS["five-type"].keys()
    assert _lint(runner, root, TODAY.isoformat())["findings"] == []
    cfg.write_text(text[:start] + "taxonomy: seven-type" + text[end:], encoding="utf-8")
    doc = _lint(runner, root, TODAY.isoformat())
    assert any(f["path"] == "lfk.yaml" and "five-type" in f["message"] for f in doc["findings"])
