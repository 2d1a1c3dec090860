"""Meta tests of lfk's imports: start-up imports only the command run; no optional-module fossils.

- ``lfk --version`` and ``lfk lint`` must not import openpyxl, jinja2, graphviz, rich or the site, tables,
  render, monitor and diff packages (checked in a fresh interpreter through ``sys.modules``);
- no ``except ImportError`` around an import of ``lfk.*`` and no ``hasattr``/``getattr`` probing an lfk module;
- no ``lfk`` import inside a function outside ``cli/`` and ``lfk.api`` (both load command code lazily on purpose).
"""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import REPO

SRC = REPO / "src" / "lfk"
DEMO = REPO / "registers"
# lfk.monitor is not in the list: the disposal rules (LFK801-804) read the monitor's disposal states.
HEAVY = ("openpyxl", "xlrd", "docx", "lxml", "jinja2", "graphviz", "rich", "ruamel", "duckdb", "pyspark", "lfk.site", "lfk.tables",
         "lfk.render", "lfk.diff", "lfk.score")
# standard-library modules that cost start-up time and that a single-process text lint never needs (#16)
SLOW_STDLIB = ("urllib.request", "http.client", "xml.sax", "multiprocessing")

PROBE = """
import json, sys
from lfk.cli import main
try:
    code = main(sys.argv[1:])
except SystemExit as e:
    code = e.code
sys.stdout.flush()
print("\\n" + json.dumps({"code": code, "modules": sorted(sys.modules)}))
"""


def imported_by(*args: str) -> tuple[int, set[str]]:
    """Exit code and the modules loaded by ``lfk ARGS`` in a fresh interpreter."""
    r = subprocess.run([sys.executable, "-c", PROBE, *args], capture_output=True, text=True, timeout=120,
                       cwd=DEMO.parent)
    data = json.loads(r.stdout.strip().splitlines()[-1])
    return data["code"], set(data["modules"])


def heavy(modules: set[str]) -> list[str]:
    """The modules of ``HEAVY`` (or below them) among ``modules``."""
    return sorted(m for m in modules if any(m == h or m.startswith(h + ".") for h in HEAVY))


def test_version_imports_neither_typer_nor_any_command() -> None:
    code, modules = imported_by("--version")
    assert code == 0
    assert heavy(modules) == []
    assert "typer" not in modules
    assert not any(m.startswith("lfk.cli.") for m in modules)


def test_lint_imports_only_what_lint_needs() -> None:
    code, modules = imported_by("lint", "--root", str(DEMO), "--format", "json")
    assert code in (0, 1)
    assert "lfk.lint" in modules  # the probe really ran lint
    assert heavy(modules) == []
    assert sorted(m for m in modules if m in SLOW_STDLIB) == []
    assert sorted(m for m in modules if m.startswith("lfk.cli.")) == ["lfk.cli.common", "lfk.cli.lint", "lfk.cli.lintrun",
                                                                       "lfk.cli.main", "lfk.cli.plain", "lfk.cli.replay"]


# what a replayed lint (the same command line over unchanged inputs: lfk.cli.replay) never imports
NOT_ON_REPLAY = ("typer", "click", "pydantic", "pydantic_core", "yaml", "yaml_rs", "ruamel", "rich", "lfk.model",
                 "lfk.register", "lfk.lint", "lfk.loader", "lfk.report", "lfk.cli.main", "lfk.cli.common")


def test_a_replayed_lint_imports_neither_typer_nor_pydantic_nor_the_models() -> None:
    args = ("lint", "--root", str(DEMO), "--format", "json", "--as-of", "2026-12-01")
    first_code, first = imported_by(*args)
    code, modules = imported_by(*args)
    assert "pydantic" in first  # the first run was a full one
    assert code == first_code
    assert sorted(m for m in modules if any(m == n or m.startswith(n + ".") for n in NOT_ON_REPLAY)) == []
    assert heavy(modules) == []


def test_help_still_lists_every_command() -> None:
    from lfk.cli.main import COMMANDS

    r = subprocess.run([sys.executable, "-m", "lfk.cli.main", "--help"], capture_output=True, text=True,
                       timeout=120)
    assert r.returncode == 0
    for name in COMMANDS:
        assert f"  {name} " in r.stdout, name


def modules() -> list[Path]:
    return sorted(SRC.rglob("*.py"))


def _imports_lfk(node: ast.AST) -> bool:
    for n in ast.walk(node):
        if isinstance(n, ast.ImportFrom) and (n.module or "").split(".")[0] == "lfk" and n.level == 0:
            return True
        if isinstance(n, ast.ImportFrom) and n.level > 0:
            return True
        if isinstance(n, ast.Import) and any(a.name.split(".")[0] == "lfk" for a in n.names):
            return True
    return False


def _catches_import_error(handler: ast.ExceptHandler) -> bool:
    names = [handler.type] if not isinstance(handler.type, ast.Tuple) else list(handler.type.elts)
    return handler.type is None or any(isinstance(n, ast.Name) and n.id in ("ImportError", "ModuleNotFoundError")
                                       for n in names)


@pytest.mark.parametrize("path", modules(), ids=lambda p: str(p.relative_to(SRC)))
def test_no_optional_module_fossils(path: Path) -> None:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    bad: list[str] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Try) and any(_catches_import_error(h) for h in node.handlers):
            if any(_imports_lfk(s) for s in node.body):
                bad.append(f"{node.lineno}: except ImportError around an lfk import")
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in ("hasattr", "getattr"):
            target = node.args[0] if node.args else None
            if isinstance(target, ast.Name) and target.id in _lfk_module_names(tree):
                bad.append(f"{node.lineno}: {node.func.id}() probing the lfk module {target.id}")
    assert bad == []


def _lfk_module_names(tree: ast.Module) -> set[str]:
    """Local names bound to lfk modules (``from lfk import render``, ``from lfk.lint import engine``)."""
    names: set[str] = set()
    for n in ast.walk(tree):
        if isinstance(n, ast.ImportFrom) and (n.module or "").startswith("lfk"):
            for a in n.names:
                if (SRC.parent / (n.module or "").replace(".", "/") / a.name).with_suffix(".py").exists() or \
                        (SRC.parent / (n.module or "").replace(".", "/") / a.name / "__init__.py").exists():
                    names.add(a.asname or a.name)
        if isinstance(n, ast.Import):
            names.update((a.asname or a.name).split(".")[0] for a in n.names if a.name.startswith("lfk"))
    return names


# lfk.api is the commands' facade: ``lfk lint`` imports it, so each function imports its own engine when
# called (openpyxl, jinja2, the site, tables ...), as cli/main.py imports a command's module only when it runs.
LAZY = ("api.py",)


@pytest.mark.parametrize("path", [p for p in modules() if "cli" not in p.relative_to(SRC).parts
                                  and p.relative_to(SRC).as_posix() not in LAZY],
                         ids=lambda p: str(p.relative_to(SRC)))
def test_no_lfk_import_inside_a_function(path: Path) -> None:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    bad = [f"{fn.name} (line {fn.lineno})" for fn in ast.walk(tree)
           if isinstance(fn, ast.FunctionDef | ast.AsyncFunctionDef) and any(_imports_lfk(s) for s in fn.body)]
    assert bad == [], "import at module level (fix the cycle instead)"


def command_modules() -> list[Path]:
    from lfk.cli.main import COMMANDS

    return [SRC / "cli" / f"{m}.py" for m in dict.fromkeys(COMMANDS.values())]


@pytest.mark.parametrize("path", command_modules(), ids=lambda p: p.name)
def test_a_command_module_is_options_then_lfk_api_then_output(path: Path) -> None:
    """Each command stands at module level (``register(app)`` only adds it) and runs through lfk.api (#14)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    register = next(n for n in tree.body if isinstance(n, ast.FunctionDef) and n.name == "register")
    nested = [n.name for n in ast.walk(register) if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef) and n is not register]
    assert nested == [], "define commands at module level; register(app) adds them"
    assert any(isinstance(n, ast.ImportFrom) and n.module == "lfk" and any(a.name == "api" for a in n.names)
               for n in tree.body), "a command calls lfk.api instead of composing the engines itself"
