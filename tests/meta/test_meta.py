"""Meta-tests: every rule and command is documented and tested; schemas are current; ruff is clean."""

from __future__ import annotations

import ast
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import lfk.lint.rules  # noqa: F401
from lfk.lint import REGISTRY
from lfk.lint.registry import Rule, RuleRegistry
from lfk.model.schemas import stale
from tests.conftest import REPO, SHARED, invoke

RULES_MD = SHARED / "spec" / "RULES.md"


def spec_codes() -> list[str]:
    return sorted(set(re.findall(r"^\| (LFK\d{3}) \|", RULES_MD.read_text(encoding="utf-8"), re.M)))


@pytest.mark.skipif(not RULES_MD.exists(), reason="../shared/spec is absent (only in the project's workspace)")
def test_every_rule_of_the_spec_exists() -> None:
    missing = [c for c in spec_codes() if c not in REGISTRY]
    assert not missing, f"rules of RULES.md without an implementation: {missing}"


@pytest.mark.parametrize("rule", list(REGISTRY), ids=lambda r: r.code)
def test_rule_is_documented(rule: Rule) -> None:
    doc = rule.doc
    assert rule.summary, rule.code
    assert "Failing:" in doc and "Passing:" in doc, f"{rule.code}: docstring needs Failing: and Passing: examples"
    assert doc.count("```yaml") >= 2, f"{rule.code}: examples must be YAML blocks"
    assert re.search(r"[\u4e00-\u9fff]", doc) and re.search(r"[a-z]{4}", doc), f"{rule.code}: zh and en text"
    assert rule.title.zh and rule.title.en


@pytest.mark.parametrize("rule", list(REGISTRY), ids=lambda r: r.code)
def test_rule_has_a_case_file(rule: Rule) -> None:
    case = REPO / "tests" / "rules" / "cases" / f"{rule.code}.yaml"
    loader_rules = {"LFK001", "LFK002", "LFK003", "LFK004", "LFK006"}  # tested byte-exactly in test_loader.py
    if rule.code in loader_rules:
        assert (REPO / "tests" / "unit" / "loader" / "test_loader.py").read_text(encoding="utf-8").count(rule.code) >= 1
        return
    assert case.exists(), f"tests/rules/cases/{rule.code}.yaml is missing"
    text = case.read_text(encoding="utf-8")
    assert "expect:" in text and ("absent:" in text or "clean:" in text), f"{rule.code}: a failing and a passing case"


def test_registry_rejects_duplicates() -> None:
    reg = RuleRegistry()
    rule = next(iter(REGISTRY))
    reg.add(rule)
    with pytest.raises(ValueError):
        reg.add(rule)


def commands() -> list[str]:
    from lfk.cli.main import COMMANDS

    return sorted(COMMANDS)


@pytest.mark.parametrize("name", commands())
def test_command_help_has_an_example(runner, name: str) -> None:  # type: ignore[no-untyped-def]
    r = invoke(runner, name, "--help")
    assert r.exit_code == 0
    assert "Example" in r.stdout or "example" in r.stdout, f"lfk {name} --help shows no example"


@pytest.mark.parametrize("name", commands())
def test_usage_names_arguments_as_the_docs_do(runner, name: str) -> None:  # type: ignore[no-untyped-def]
    """Regression: typer printed an argument without a metavar by its Python name (`lfk site {out}`,
    `lfk lint [paths]...`); CLI.md and README write them in capitals (OUT, PATH)."""
    import re

    for args in ([name], *([name, sub] for sub in ("unit",) if name == "new")):
        usage = next(x for x in invoke(runner, *args, "--help").stdout.splitlines() if x.startswith("Usage:"))
        assert not re.search(r"[\[{][a-z_]+[\]}]", usage), usage


@pytest.mark.parametrize("name", commands())
def test_command_in_readme(name: str) -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    assert f"lfk {name}" in readme, f"README does not document `lfk {name}`"


def test_formats_in_readme() -> None:
    from lfk.report import FORMATTERS

    readme = (REPO / "README.md").read_text(encoding="utf-8")
    for fmt in FORMATTERS:
        assert f"`{fmt}`" in readme, f"README does not document the {fmt} format"


def test_schemas_are_current() -> None:
    assert stale(REPO / "schemas") == [], "schemas/ is stale: run `make schemas`"


def test_ruff_clean() -> None:
    ruff = Path(sys.executable).parent / "ruff"
    exe = str(ruff) if ruff.exists() else shutil.which("ruff")
    if exe is None:
        pytest.fail("ruff is not installed (it is in the dev extras)")
    p = subprocess.run([exe, "check", "src", "tests", "bench"], cwd=REPO, capture_output=True, text=True)
    assert p.returncode == 0, p.stdout[-3000:]


def test_only_loader_imports_yaml_libraries() -> None:
    offenders = []
    for py in (REPO / "src" / "lfk").rglob("*.py"):
        if "loader" in py.parts:
            continue
        text = py.read_text(encoding="utf-8")
        if re.search(r"^\s*(import|from)\s+(yaml|ruamel)\b", text, re.M):
            offenders.append(str(py.relative_to(REPO)))
    assert not offenders, f"only lfk.loader may import a YAML library: {offenders}"


def test_only_cli_imports_typer() -> None:
    offenders = []
    for py in (REPO / "src" / "lfk").rglob("*.py"):
        if "cli" in py.parts:
            continue
        if re.search(r"^\s*(import|from)\s+typer\b", py.read_text(encoding="utf-8"), re.M):
            offenders.append(str(py.relative_to(REPO)))
    assert not offenders, f"only lfk.cli may import typer: {offenders}"


def test_templates_ship_inside_the_wheel(tmp_path: Path) -> None:
    import zipfile

    p = subprocess.run([sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "-w", str(tmp_path), str(REPO)],
                       capture_output=True, text=True, timeout=600)
    assert p.returncode == 0, p.stderr[-2000:]
    wheel = next(tmp_path.glob("lfk-*.whl"))
    names = zipfile.ZipFile(wheel).namelist()
    for tpl in (REPO / "templates").rglob("*"):
        if tpl.is_file():
            assert f"lfk/templates/{tpl.relative_to(REPO / 'templates').as_posix()}" in names
    assert "lfk/cli/main.py" in names


# -- architecture guards (issue 14): one DOT builder, one writer, one printer -----------------------------
SRC_LFK = REPO / "src" / "lfk"
# Files that may open files for writing themselves, each for a reason:
OWN_WRITERS = {
    "core/fsutil.py": "atomic_write itself",
    "core/cache.py": "the cache's authenticated entries: mkstemp + os.replace, like atomic_write",
    "render/engine.py": "DOT sources in a private temporary folder for graphviz",
    "monitor/sql/engine.py": "CSV for DuckDB in a private temporary folder",
    "testing/synth.py": "a developer's generator of synthetic case logs (bench and tests)",
}


def _calls(tree: ast.AST) -> list[ast.Call]:
    return [n for n in ast.walk(tree) if isinstance(n, ast.Call)]


def _writes(call: ast.Call) -> bool:
    """``x.write_text(...)``, ``x.write_bytes(...)``, or ``open(..., "w"/"a"/"x")`` / ``os.fdopen(fd, "w…")``."""
    f = call.func
    if isinstance(f, ast.Attribute) and f.attr in ("write_text", "write_bytes"):
        return True
    name = f.id if isinstance(f, ast.Name) else f.attr if isinstance(f, ast.Attribute) else ""
    if name in ("open", "fdopen"):
        modes = [a for a in call.args[1:2]] + [k.value for k in call.keywords if k.arg == "mode"]
        return any(isinstance(m, ast.Constant) and isinstance(m.value, str) and set(m.value) & set("wax+")
                   for m in modes)
    return False


def test_every_write_goes_through_atomic_write() -> None:
    """Register files, reports, sites and exports are written by lfk.core.fsutil.atomic_write only."""
    bad = []
    for path in sorted(SRC_LFK.rglob("*.py")):
        rel = path.relative_to(SRC_LFK).as_posix()
        if rel in OWN_WRITERS:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        bad += [f"{rel}:{c.lineno}" for c in _calls(tree) if _writes(c)]
    assert bad == [], "write through lfk.core.fsutil.atomic_write"


def test_revisions_are_read_through_the_register() -> None:
    """One loading pipeline (issue 14): lfk diff and lfk log read revisions through lfk.register.Register.

    Neither package imports the loader or the validation, nor parses or validates a file itself.
    """
    bad = []
    for path in sorted([*(SRC_LFK / "diff").rglob("*.py"), *(SRC_LFK / "history").rglob("*.py")]):
        rel = path.relative_to(SRC_LFK).as_posix()
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            names = [node.module or ""] if isinstance(node, ast.ImportFrom) else (
                [a.name for a in node.names] if isinstance(node, ast.Import) else [])
            bad += [f"{rel}:{node.lineno} imports {n}" for n in names
                    if n == "yaml" or n.startswith(("lfk.loader", "lfk.model.validate"))]
        for c in _calls(tree):
            f = c.func
            name = f.id if isinstance(f, ast.Name) else f.attr if isinstance(f, ast.Attribute) else ""
            if name in ("load_bytes", "load_file", "model_validate", "validate"):
                bad.append(f"{rel}:{c.lineno} calls {name}")
    assert bad == [], "read revisions through lfk.register.Register (file_items, unit_header)"


def test_only_render_builds_dot() -> None:
    """One DOT builder: no other package spells a graph for graphviz."""
    bad = []
    for path in sorted(SRC_LFK.rglob("*.py")):
        rel = path.relative_to(SRC_LFK).as_posix()
        if rel.startswith("render/"):
            continue
        text = path.read_text(encoding="utf-8")
        if re.search(r"\b(?:di)?graph\s*[\w\"]*\s*\{|\brankdir\b|->\s*\"?n\d", text):
            bad.append(rel)
    assert bad == [], "build DOT through lfk.render"


def test_one_display_width() -> None:
    """One East-Asian width helper: terminal columns of CJK text are measured only by lfk.core.text."""
    bad = [path.relative_to(SRC_LFK).as_posix() for path in sorted(SRC_LFK.rglob("*.py"))
           if path.relative_to(SRC_LFK).as_posix() != "core/text.py"
           and "east_asian_width" in path.read_text(encoding="utf-8")]
    assert bad == [], "measure display width with lfk.core.text.width / columns"


def test_only_cli_prints() -> None:
    """The core returns data; only lfk.cli prints (print, sys.stdout/stderr writes)."""
    bad = []
    for path in sorted(SRC_LFK.rglob("*.py")):
        rel = path.relative_to(SRC_LFK).as_posix()
        if rel.startswith("cli/") or rel == "testing/synth.py":
            continue
        for c in _calls(ast.parse(path.read_text(encoding="utf-8"))):
            f = c.func
            if isinstance(f, ast.Name) and f.id == "print":
                bad.append(f"{rel}:{c.lineno}")
            if isinstance(f, ast.Attribute) and f.attr == "write" and isinstance(f.value, ast.Attribute) and \
                    f.value.attr in ("stdout", "stderr"):
                bad.append(f"{rel}:{c.lineno}")
    assert bad == []


def test_bench_names_sources_that_exist() -> None:
    """Regression: `make bench` broke when the synthetic-log generator moved (bench keys its log on these files)."""
    sys.path.insert(0, str(REPO / "bench"))
    try:
        import monitor_log
    finally:
        sys.path.remove(str(REPO / "bench"))
    assert [s for s in monitor_log._SOURCES if not (REPO / "src" / "lfk" / s).is_file()] == []


def test_format_reference_is_current() -> None:
    """docs/format.md is what the models say (run `make docs`); without ../shared, the marks are not compared."""
    from lfk.model.reference import markdown

    doc = (REPO / "docs" / "format.md").read_text(encoding="utf-8")
    spec = SHARED / "spec" / "REGISTER.md"
    if spec.exists():
        assert doc == markdown(spec.read_text(encoding="utf-8")), "docs/format.md is stale: run `make docs`"
    else:
        assert doc.replace("| **lfk** |", "|  |") == markdown(None), "docs/format.md is stale: run `make docs`"
    assert "| `extra` |" in doc and "| `responsible` |" in doc
