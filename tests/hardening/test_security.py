"""Security claims of docs/security.md, each backed here (or in the test named beside the claim there)."""

from __future__ import annotations

import html
import re
import socket
from pathlib import Path

import pytest

from lfk.loader import load_bytes
from tests.conftest import AS_OF, REPO, invoke


@pytest.fixture
def no_network(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Make every attempt to open a network connection fail loudly, and record it."""
    attempts: list[str] = []

    def refuse(*args, **kwargs):  # type: ignore[no-untyped-def]
        attempts.append(repr(args))
        raise OSError("network access attempted")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket.socket, "connect_ex", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    return attempts


COMMANDS = [
    ["lint", "--format", "json"],
    ["grade", "--format", "json"],
    ["render", "--format", "dot", "--out", "{tmp}/flows"],
    ["site", "{tmp}/site", "--audience", "public"],
    ["site", "{tmp}/site-int", "--audience", "internal"],
    ["score", "--format", "json"],
    ["export", "--format", "json", "--out", "{tmp}/export.json"],
    ["schema", "--check", "--out", str(REPO / "schemas")],
]


@pytest.mark.parametrize("cmd", COMMANDS, ids=lambda c: " ".join(c[:2]))
def test_no_command_touches_the_network(runner, demo_register: Path, tmp_path: Path, no_network: list[str], cmd: list[str]) -> None:  # type: ignore[no-untyped-def]
    args = [c.replace("{tmp}", str(tmp_path)) for c in cmd]
    r = invoke(runner, *args, "--root", str(demo_register), *(["--as-of", AS_OF] if args[0] not in ("schema", "render", "export") else []))
    assert r.exit_code in (0, 1), r.output
    assert no_network == []


def test_yaml_tags_never_run_code(tmp_path: Path) -> None:
    marker = tmp_path / "pwned"
    for payload in (f'!!python/object/apply:os.system ["touch {marker}"]', f'!!python/object/new:os.system ["touch {marker}"]',
                    "!!python/name:os.system", f'!!python/object/apply:subprocess.call [["touch", "{marker}"]]'):
        lf = load_bytes(f"a: {payload}\n".encode(), "x.yaml")
        assert [f.code for f in lf.findings] == ["LFK004"]
    assert not marker.exists()


def test_register_text_is_never_a_template(runner, base_register: Path, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    p = base_register / "units/county-amr/authorities.yaml"
    p.write_text(p.read_text(encoding="utf-8").replace("name: 食品经营许可", "name: '{{ 7*7 }}{% raw %}x'", 1), encoding="utf-8")
    r = invoke(runner, "site", str(tmp_path / "site"), "--root", str(base_register), "--audience", "public", "--as-of", AS_OF)
    assert r.exit_code == 0, r.output
    pages = "".join(f.read_text(encoding="utf-8") for f in (tmp_path / "site").rglob("*.html"))
    text = re.sub(r"<svg.*?</svg>", "", pages, flags=re.S)  # graphviz coordinates may hold any number
    assert "{{ 7*7 }}{% raw %}x" in html.unescape(text)
    assert "49" not in text


def test_paths_are_never_built_from_bad_ids(runner, base_register: Path, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    p = base_register / "units/county-amr/authorities.yaml"
    p.write_text(p.read_text(encoding="utf-8").replace("id: XK-001", "id: ../../../escape", 1), encoding="utf-8")
    out = tmp_path / "site"
    invoke(runner, "site", str(out), "--root", str(base_register), "--audience", "public", "--as-of", AS_OF)
    invoke(runner, "render", "--root", str(base_register), "--out", str(tmp_path / "flows"), "--format", "dot")
    written = [q for q in tmp_path.rglob("*") if q.is_file()]
    assert all(str(q.resolve()).startswith(str(tmp_path.resolve())) for q in written)
    assert not any("escape" in q.name for q in written)
    assert not (tmp_path.parent / "escape").exists()
