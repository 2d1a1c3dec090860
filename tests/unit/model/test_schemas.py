"""`lfk schema`: register-aware JSON Schemas, validated as check-jsonschema does (the `jsonschema` library).

The schemas follow the register's lfk.yaml (taxonomy, grading method, grade labels, discretion levels)
and are written for yaml-language-server: no `null` alternative of optional fields (it was offered in
completion, and hover titled such a field twice). scripts/lsp_trial.py drives the real server.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml

from lfk.grading.engine import factors_schema
from lfk.model import file_kind
from lfk.model.config import Config
from lfk.model.schemas import generate
from tests.conftest import DEMO, REPO, invoke


def _plain(x: Any) -> Any:
    """YAML data as check-jsonschema sees it: dates as their ISO text."""
    if isinstance(x, dict):
        return {str(k): _plain(v) for k, v in x.items()}
    if isinstance(x, list):
        return [_plain(v) for v in x]
    if isinstance(x, (dt.date, dt.datetime)):
        return x.isoformat()
    return x


def _config(root: Path) -> Config:
    return Config.model_validate(yaml.safe_load((root / "lfk.yaml").read_text(encoding="utf-8")))


def _validators(config: Config | None) -> dict[str, jsonschema.Draft202012Validator]:
    texts = generate(config, factors_schema(config) if config is not None else None)
    out = {}
    for name, text in texts.items():
        schema = json.loads(text)
        jsonschema.Draft202012Validator.check_schema(schema)
        out[name.removesuffix(".schema.json")] = jsonschema.Draft202012Validator(
            schema, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER)
    return out


def _errors(validator: jsonschema.Draft202012Validator, data: Any) -> list[tuple[str, str]]:
    """(JSON path, message) of each error, the deepest errors of any allOf/anyOf."""
    out = []
    for e in validator.iter_errors(_plain(data)):
        for leaf in (e.context or [e]):
            out.append((leaf.json_path, leaf.message))
    return sorted(out)


@pytest.mark.parametrize("root", [DEMO, REPO / "tests/fixtures/base"], ids=["demo", "base"])
@pytest.mark.parametrize("aware", [True, False], ids=["register", "generic"])
def test_every_file_of_a_clean_register_validates(root: Path, aware: bool) -> None:
    validators = _validators(_config(root) if aware else None)
    checked = 0
    for p in sorted(root.rglob("*.yaml")):
        kind = file_kind(p.relative_to(root).as_posix())
        if kind is None:
            continue
        assert _errors(validators[kind], yaml.safe_load(p.read_text(encoding="utf-8"))) == [], p
        checked += 1
    assert checked >= 9


RISK = {"id": "R-90", "title": "试验", "category": "权力行使", "kind": "运行程序不规范", "authority": "XK-01",
        "factors": {"importance": 3, "discretion": 3, "probability": 3, "harm": 3}, "grade": "中"}

DAMAGE = [
    ({"category": "权力滥用"}, "$.risks[0].category", "is not one of ['权力行使', '制度机制', '思想道德']"),
    ({"kind": "理想信念不坚定"}, "$.risks[0].kind", "is not one of ['权力过于集中', '运行程序不规范', '自由裁量幅度过大']"),
    ({"category": "权力滥用", "kind": "胡乱"}, "$.risks[0].kind", "is not one of ['权力过于集中'"),
    ({"factors": {"importance": 7, "discretion": 3, "probability": 3, "harm": 3}}, "$.risks[0].factors.importance",
     "7 is greater than the maximum of 5"),
    ({"factors": {"importance": 0.5, "discretion": 3, "probability": 3, "harm": 3}}, "$.risks[0].factors.importance",
     "0.5 is less than the minimum of 1"),
    ({"factors": {"importance": 3, "discretion": 3, "probability": 3, "harn": 3}}, "$.risks[0].factors",
     "'harm' is a required property"),
    ({"factors": None}, "$.risks[0]", "'factors' is a required property"),
    ({"grade": "很高"}, "$.risks[0].grade", "'很高' is not one of ['高', '中', '低']"),
    ({"owner": None}, "$.risks[0].owner", "None is not of type 'string'"),
]


@pytest.mark.parametrize(("change", "path", "message"), DAMAGE, ids=[d[1].split(".")[-1] + str(i) for i, d in enumerate(DAMAGE)])
def test_risks_schema_flags_what_lint_flags(change: dict[str, Any], path: str, message: str) -> None:
    risk = {**RISK, **change}
    risk = {k: v for k, v in risk.items() if not (v is None and k == "factors")}
    errors = _errors(_validators(_config(DEMO))["risks"], {"risks": [risk]})
    assert any(p == path and message in m for p, m in errors), errors


def test_generic_schemas_take_any_category_and_factors() -> None:
    risk = {**RISK, "category": "自定义类别", "kind": "任意", "factors": {"x": 9}}
    assert _errors(_validators(None)["risks"], {"risks": [risk]}) == []


def test_no_null_alternative_and_no_null_default_anywhere() -> None:
    """yaml-language-server offered `null` (and a null "Default value") and titled the field twice."""
    for config in (None, _config(DEMO)):
        for name, text in generate(config, factors_schema(config) if config else None).items():
            assert '"type": "null"' not in text, name
            assert '"default": null' not in text, name


def _custom(method: str, **grading: Any) -> Config:
    return Config.model_validate({
        "name": "测试", "grading": {"method": method, **grading}, "benchmark_levels": ["从轻", "一般", "从重"],
        "taxonomy": {"categories": {"甲类": {"kinds": ["甲一", "甲二"]}, "乙类": {"kinds": ["乙一"]}}}})


LEC = {"levels": {"L": {"可能": 6, "罕见": 1}, "C": {"严重": 15, "轻微": 1}}, "thresholds": {"高": 60, "中": 6}}


@pytest.mark.parametrize(("config", "risk", "bad"), [
    (_custom("matrix", matrix=[["低"] * 5] * 5), {"factors": {"probability": 2, "harm": 5}},
     {"factors": {"probability": 2.5, "harm": 5}}),
    (_custom("lec", **LEC), {"factors": {"L": "可能", "C": 15}}, {"factors": {"L": "经常", "C": 15}}),
    (_custom("criteria", criteria=["涉及资金", "涉及人事"]), {"criteria": ["涉及资金"]}, {"criteria": ["涉及土地"]}),
    (_custom("weighted", labels={"高": "一级风险"}), {"factors": {"importance": 1, "discretion": 1, "probability": 1,
                                                                  "harm": 1}}, {"category": "权力行使"}),
], ids=["matrix", "lec", "criteria", "custom-taxonomy"])
def test_schemas_follow_the_method_and_taxonomy(config: Config, risk: dict[str, Any], bad: dict[str, Any]) -> None:
    v = _validators(config)["risks"]
    good = {"id": "R-1", "title": "t", "category": "甲类", "kind": "甲二", "grade": "高", **risk}
    assert _errors(v, {"risks": [good]}) == []
    assert _errors(v, {"risks": [{**good, **bad}]}) != []
    assert _errors(v, {"risks": [{**good, "kind": "乙一"}]}) != []
    tier = {"authority": "CF-01", "items": [{"violation": "v", "tiers": [{"level": "从轻"}]}]}
    assert _errors(_validators(config)["benchmark"], tier) == []
    tier["items"][0]["tiers"][0]["level"] = "减轻处罚"
    assert _errors(_validators(config)["benchmark"], tier) != []


def test_grade_labels_and_factor_labels_reach_the_hover_text() -> None:
    config = _custom("weighted", labels={"高": "一级风险"}, factors={"importance": {"weight": 1, "label": "权力重要程度"}})
    risk = json.loads(generate(config, factors_schema(config))["risks.schema.json"])["$defs"]["Risk"]["properties"]
    assert risk["grade"]["enumDescriptions"][0] == "一级风险 — High"
    assert risk["factors"]["properties"]["importance"]["title"] == "权力重要程度"
    assert risk["category"]["enum"] == ["甲类", "乙类"]


def test_schema_check_follows_lfk_yaml(runner, base_register: Path) -> None:  # type: ignore[no-untyped-def]
    """`lfk schema --check` fails once lfk.yaml's taxonomy changed; `lfk schema` brings it up to date."""
    assert invoke(runner, "schema", "--root", str(base_register)).exit_code == 0
    assert invoke(runner, "schema", "--check", "--root", str(base_register)).exit_code == 0
    cfg = base_register / "lfk.yaml"
    cfg.write_text(cfg.read_text(encoding="utf-8") + "taxonomy:\n  categories:\n    甲类: {kinds: [甲一]}\n",
                   encoding="utf-8")
    assert invoke(runner, "schema", "--check", "--root", str(base_register)).exit_code == 1
    assert invoke(runner, "schema", "--root", str(base_register)).exit_code == 0
    risks = json.loads((base_register / "schemas/risks.schema.json").read_text(encoding="utf-8"))
    assert risks["$defs"]["Risk"]["properties"]["category"]["enum"] == ["甲类"]


def test_schema_on_a_broken_lfk_yaml_stops_with_exit_2(runner, base_register: Path) -> None:  # type: ignore[no-untyped-def]
    (base_register / "lfk.yaml").write_text("name: x\ngrading: {method: magic}\n", encoding="utf-8")
    r = invoke(runner, "schema", "--root", str(base_register))
    assert r.exit_code == 2 and "lfk.yaml" in r.output
    assert not (base_register / "schemas").exists()


def test_generic_needs_out(runner, base_register: Path) -> None:  # type: ignore[no-untyped-def]
    r = invoke(runner, "schema", "--generic", "--root", str(base_register))
    assert r.exit_code == 2 and "--out" in r.output


@pytest.mark.parametrize(("lint", "required"), [
    ({}, True),
    ({"ignore": ["LFK401"]}, False),
    ({"ignore": ["LFK4"]}, False),  # a prefix (the decision engine's; before, only the exact code counted)
    ({"severity": {"LFK401": "off"}}, False),
    ({"severity": {"LFK401": "info"}}, True),
    ({"ignore": ["LFK4"], "severity": {"LFK401": "warning"}}, True),  # the more specific entry wins
    ({"ignore": ["MON3", "IMP1"]}, True),
], ids=["default", "ignored", "prefix", "off", "info", "re-enabled", "other-families"])
def test_factors_required_while_lfk401_is_on(lint: dict[str, Any], required: bool) -> None:
    cfg = Config.model_validate(yaml.safe_load((DEMO / "lfk.yaml").read_text(encoding="utf-8")) | {"lint": lint})
    risk = json.loads(generate(cfg, factors_schema(cfg))["risks.schema.json"])["$defs"]["Risk"]
    assert ("factors" in risk.get("required", [])) is required
