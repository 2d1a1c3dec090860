"""``lfk init`` and ``lfk new unit``: the results lint with no error."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from lfk.register import Register
from tests.conftest import AS_OF, invoke
from tests.test_tables import writable

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


def test_scaffolded_files_are_already_canonical(runner, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    root = tmp_path / "reg"
    assert invoke(runner, "init", str(root)).exit_code == 0
    assert invoke(runner, "new", "unit", "u1", "--name", "单位一", "--type", "其他", "--root", str(root)).exit_code == 0
    r = invoke(runner, "fmt", "--check", "--root", str(root))
    assert r.exit_code == 0, r.stdout
