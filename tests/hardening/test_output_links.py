"""No command writes outside its output folder through a symbolic link (``lfk.core.fsutil.OutputTree``).

A link as the output folder, or anywhere on the way to a file lfk writes or deletes, is refused with one
line and exit 2, before anything is written; the link and what it points at stay as they were. Parents of
the output folder may be links (``/tmp`` is one on macOS). Register files go through ``lfk.loader.guard``.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from typer.testing import CliRunner

from lfk.core.errors import UsageError
from lfk.core.fsutil import OutputTree
from tests.conftest import AS_OF, invoke

BAIT = "not lfk's\n"


def _outside(tmp: Path) -> Path:
    """A folder outside every output, holding a file a site would also have (index.html)."""
    out = tmp / "outside"
    (out / "units").mkdir(parents=True)
    (out / "index.html").write_text(BAIT, encoding="utf-8")
    (out / "units" / "county-amr").mkdir()
    (out / "units" / "county-amr" / "index.html").write_text(BAIT, encoding="utf-8")
    return out


def _snapshot(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


def _site(runner: CliRunner, root: Path, out: Path, *extra: str):  # type: ignore[no-untyped-def]
    return invoke(runner, "site", str(out), "--root", str(root), "--as-of", AS_OF, *extra)


def _one_line_refusal(res, link: Path) -> None:  # type: ignore[no-untyped-def]
    assert res.exit_code == 2, res.output
    assert len(res.output.strip().splitlines()) == 1, res.output
    assert f"{link}: a symbolic link" in res.output and "Traceback" not in res.output, res.output


def test_site_refuses_an_output_folder_that_is_a_link(runner: CliRunner, base_register: Path, tmp_path: Path) -> None:
    outside = _outside(tmp_path)
    before = _snapshot(outside)
    link = tmp_path / "site"
    link.symlink_to(outside)
    _one_line_refusal(_site(runner, base_register, link, "--force"), link)
    assert _snapshot(outside) == before and link.is_symlink()


@pytest.mark.parametrize("inner", ["units", "assets", "index.html", "units/county-amr", "units/county-amr/index.html",
                                   ".lfk-site.json"])
def test_a_site_rebuild_refuses_a_link_inside_the_output(runner: CliRunner, base_register: Path, tmp_path: Path,
                                                         inner: str) -> None:
    """Regression: a link planted in the output folder (units/ → elsewhere) was written through."""
    out = tmp_path / "site"
    assert _site(runner, base_register, out).exit_code == 0
    outside = _outside(tmp_path)
    before, site_before = _snapshot(outside), _snapshot(out)
    target = out / inner
    assert target.exists(), inner
    if target.is_dir():
        site_before = {k: v for k, v in site_before.items() if not k.startswith(inner + "/")}
        for p in sorted(target.rglob("*"), reverse=True):
            p.rmdir() if p.is_dir() else p.unlink()
        target.rmdir()
        target.symlink_to(outside / ("units" if inner == "units" else "units/county-amr" if "/" in inner else ""))
    else:
        site_before.pop(inner)
        target.unlink()
        target.symlink_to(outside / ("units/county-amr/index.html" if "/" in inner else "index.html"))
    (base_register / "units/county-amr/unit.yaml").write_text(
        (base_register / "units/county-amr/unit.yaml").read_text(encoding="utf-8").replace("示例县", "示例市", 1),
        encoding="utf-8")  # every page changes: the build would write them all
    _one_line_refusal(_site(runner, base_register, out), target)
    assert _snapshot(outside) == before
    assert target.is_symlink() and _snapshot(out) == {**site_before, **{k: v for k, v in _snapshot(out).items()
                                                                          if k.startswith(inner)}}


def test_stale_pages_are_never_deleted_through_a_link(runner: CliRunner, base_register: Path, tmp_path: Path) -> None:
    """The earlier build's pages that this one no longer makes are deleted: never through a link."""
    out = tmp_path / "site"
    assert _site(runner, base_register, out, "--audience", "internal").exit_code == 0
    outside = _outside(tmp_path)
    for p in sorted((out / "units").rglob("*"), reverse=True):
        p.rmdir() if p.is_dir() else p.unlink()
    (out / "units").rmdir()
    (out / "units").symlink_to(outside / "units")
    before = _snapshot(outside)
    (base_register / "units/county-amr/risks.yaml").write_text("risks: []\n", encoding="utf-8")
    _one_line_refusal(_site(runner, base_register, out, "--audience", "internal"), out / "units")
    assert _snapshot(outside) == before


def test_a_linked_parent_of_the_output_folder_is_fine(runner: CliRunner, base_register: Path, tmp_path: Path) -> None:
    real = tmp_path / "real"
    real.mkdir()
    (tmp_path / "via").symlink_to(real)
    res = _site(runner, base_register, tmp_path / "via" / "site")
    assert res.exit_code == 0, res.output
    assert (real / "site" / "index.html").is_file()


def test_init_refuses_a_link_as_the_folder_or_inside_it(runner: CliRunner, tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    link = tmp_path / "reg"
    link.symlink_to(outside)
    _one_line_refusal(invoke(runner, "init", str(link)), link)
    link.unlink()
    link.mkdir()
    (link / "units").symlink_to(outside)
    _one_line_refusal(invoke(runner, "init", str(link)), link / "units")
    assert list(outside.iterdir()) == [] and sorted(p.name for p in link.iterdir()) == ["units"]


def test_new_unit_refuses_a_units_folder_that_leads_outside(runner: CliRunner, base_register: Path,
                                                           tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    (base_register / "units").rename(tmp_path / "kept")
    (base_register / "units").symlink_to(outside)
    res = invoke(runner, "new", "unit", "town-a", "--name", "城关所", "--type", "行政机关", "--root", str(base_register))
    assert res.exit_code == 2 and len(res.output.strip().splitlines()) == 1, res.output
    assert "outside the register" in res.output and list(outside.iterdir()) == []


def test_import_refuses_a_unit_folder_that_leads_outside(runner: CliRunner, base_register: Path,
                                                         tmp_path: Path) -> None:
    csv_path = tmp_path / "r.csv"
    csv_path.write_text("风险编号,风险点,风险类别,风险等级\nR-900,新的风险,权力行使,高\n", encoding="utf-8")
    outside = tmp_path / "outside"
    (base_register / "units/county-amr").rename(outside)
    (base_register / "units/county-amr").symlink_to(outside)
    before = _snapshot(outside)
    res = invoke(runner, "import", str(csv_path), "--root", str(base_register), "--unit", "county-amr")
    assert res.exit_code == 2 and len(res.output.strip().splitlines()) == 1, res.output
    assert _snapshot(outside) == before


# -- the policy itself ---------------------------------------------------------------------------------
def test_output_tree_writes_removes_and_prunes(tmp_path: Path) -> None:
    tree = OutputTree(tmp_path / "out")
    assert tree.write("a/b/c.html", "x") and not tree.write("a/b/c.html", "x", only_if_changed=True)
    assert tree.write("a/b/c.html", "y", only_if_changed=True)
    assert (tmp_path / "out/a/b/c.html").read_text(encoding="utf-8") == "y"
    assert [p.name for p in (tmp_path / "out/a/b").iterdir()] == ["c.html"], "no temporary file left"
    os.chmod(tmp_path / "out/a/b/c.html", 0o640)
    tree.write("a/b/c.html", "z")
    assert (tmp_path / "out/a/b/c.html").stat().st_mode & 0o777 == 0o640
    assert tree.remove("a/b/c.html") and not (tmp_path / "out/a").exists() and (tmp_path / "out").is_dir()
    assert not tree.remove("a/b/c.html")
    for bad in ("../x", "/etc/passwd", "a//b", "a/./b", ""):
        with pytest.raises(UsageError):
            tree.write(bad, "x")


def test_output_tree_refuses_a_link_put_in_place_after_the_check(tmp_path: Path) -> None:
    """write/remove walk one folder at a time without following links: a link made after ``check`` is refused too."""
    outside = _outside(tmp_path)
    before = _snapshot(outside)
    tree = OutputTree(tmp_path / "out")
    tree.check(["units/county-amr/index.html"])
    (tmp_path / "out").mkdir()
    (tmp_path / "out/units").symlink_to(outside / "units")
    for act in (lambda: tree.write("units/county-amr/index.html", "evil"),
                lambda: tree.remove("units/county-amr/index.html"),
                lambda: tree.write("units/new/x.html", "evil")):
        with pytest.raises(UsageError, match="symbolic link"):
            act()
    (tmp_path / "out/page.html").symlink_to(outside / "index.html")
    with pytest.raises(UsageError, match="symbolic link"):
        tree.write("page.html", "evil")
    with pytest.raises(UsageError, match="symbolic link"):
        tree.remove("page.html")
    assert _snapshot(outside) == before


def test_output_tree_check_names_the_first_link_or_misplaced_file(tmp_path: Path) -> None:
    out = tmp_path / "out"
    (out / "units").mkdir(parents=True)
    (out / "units" / "x.html").mkdir()
    (out / "file").write_text("x", encoding="utf-8")
    tree = OutputTree(out)
    tree.check(["units/y.html", "new/deep/z.html"])
    with pytest.raises(UsageError, match="a folder where lfk writes a file"):
        tree.check(["units/x.html"])
    with pytest.raises(UsageError, match="not a folder"):
        tree.check(["file/x.html"])
    with pytest.raises(UsageError, match="not a folder"):
        OutputTree(out / "file").check()


def test_without_dir_fd_the_same_refusals_hold(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Where ``os`` has no ``dir_fd`` (Windows), names are taken by path: the same writes, the same refusals."""
    import lfk.core.fsutil as fsutil

    monkeypatch.setattr(fsutil, "_DIR_FD", False)
    fsutil.atomic_write(tmp_path / "one.txt", "1")
    assert (tmp_path / "one.txt").read_text(encoding="utf-8") == "1"
    tree = OutputTree(tmp_path / "out")
    assert tree.write("a/b.html", "x") and not tree.write("a/b.html", "x", only_if_changed=True)
    assert tree.remove("a/b.html") and not (tmp_path / "out/a").exists()
    outside = _outside(tmp_path)
    before = _snapshot(outside)
    (tmp_path / "out/units").symlink_to(outside / "units")
    for act in (lambda: tree.write("units/county-amr/index.html", "evil"),
                lambda: tree.remove("units/county-amr/index.html")):
        with pytest.raises(UsageError, match="symbolic link"):
            act()
    assert _snapshot(outside) == before and [p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")] == []


def test_output_tree_create_makes_a_new_folder_whole(tmp_path: Path) -> None:
    """``create`` (a fresh site build: files made in place, no temporary file each) writes every file with
    the mode ``write`` gives, and declines a folder that exists (even empty) or a link in its place."""
    tree = OutputTree(tmp_path / "deep" / "out")
    files = [("index.html", "i"), ("units/a/index.html", b"a"), ("units/a/powers/p.html", "p"),
             ("units/b/index.html", "b"), ("units/a/risks.html", "r"), ("assets/site.css", "c")]
    assert tree.create(files)
    assert _snapshot(tmp_path / "deep" / "out") == {rel: (d.encode() if isinstance(d, str) else d) for rel, d in files}
    OutputTree(tmp_path / "by-write").write("x.html", "x")
    assert (tmp_path / "deep/out/index.html").stat().st_mode & 0o777 == (tmp_path / "by-write/x.html").stat().st_mode & 0o777
    assert (tmp_path / "deep/out/units").stat().st_mode & 0o777 == (tmp_path / "by-write").stat().st_mode & 0o777
    assert not tree.create([("index.html", "again")]) and (tmp_path / "deep/out/index.html").read_text(encoding="utf-8") == "i"
    (tmp_path / "empty").mkdir()
    assert not OutputTree(tmp_path / "empty").create([("x.html", "x")]) and not list((tmp_path / "empty").iterdir())
    outside = _outside(tmp_path)
    before = _snapshot(outside)
    (tmp_path / "link").symlink_to(outside)
    assert not OutputTree(tmp_path / "link").create([("index.html", "evil")])
    assert _snapshot(outside) == before
    with pytest.raises(UsageError):
        OutputTree(tmp_path / "bad").create([("../x.html", "x")])


def test_output_tree_create_refuses_a_link_put_in_its_new_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A link planted in the folder ``create`` is making (between two of its files) is never written through."""
    import lfk.core.fsutil as fsutil

    outside = _outside(tmp_path)
    before = _snapshot(outside)
    out = tmp_path / "out"
    real_mkdir = os.mkdir

    def plant(path, mode=0o777, *, dir_fd=None):  # type: ignore[no-untyped-def]
        if path == "units" and dir_fd is not None:
            (out / "units").symlink_to(outside / "units")
        return real_mkdir(path, mode, dir_fd=dir_fd)

    monkeypatch.setattr(fsutil.os, "mkdir", plant)
    with pytest.raises(UsageError, match="symbolic link"):
        OutputTree(out).create([("index.html", "i"), ("units/county-amr/index.html", "evil")])
    assert _snapshot(outside) == before
