"""Old and foreign documents (.doc, .wps, .rtf, .odt; .ods) are read through LibreOffice when it is installed:
converted to .docx / .xlsx in a private folder, then read as those — the same sheets, cells and merges as the
document saved as .docx / .xlsx by hand. Without LibreOffice they are refused, one line, with the fix.

The documents are made here by LibreOffice itself from real fixtures (``make test`` installs it:
scripts/sysdeps.sh)."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from lfk.core.errors import InputError
from lfk.loader.sheets import read_any, soffice
from tests.conftest import HERE, invoke

REAL = HERE / "fixtures" / "real"
DOCX = next((REAL / "mingnan-street-power-responsibility-list").glob("*.docx"))
XLSX = next((REAL / "culture-penalty-discretion-grades").glob("*.xlsx"))
needs_soffice = pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice is not installed")


def _convert(src: Path, fmt: str, out: Path) -> Path:
    """``src`` saved by LibreOffice as ``fmt`` into ``out`` (a plain file name, as a unit's would be)."""
    work = out / "work"
    work.mkdir(parents=True, exist_ok=True)
    plain = work / f"t{src.suffix}"
    shutil.copyfile(src, plain)
    subprocess.run(["soffice", f"-env:UserInstallation=file://{work}/profile", "--headless", "--convert-to", fmt,
                    "--outdir", str(out), str(plain)], check=True, capture_output=True, timeout=180,
                   env={"HOME": str(work), "PATH": "/usr/bin:/bin"})
    made = out / f"t.{fmt}"
    assert made.is_file(), f"LibreOffice made no {fmt}"
    return made


def _same(a: list, b: list) -> None:
    assert [s.name for s in a] == [s.name for s in b]
    assert [s.rows for s in a] == [s.rows for s in b]
    assert [s.merged for s in a] == [s.merged for s in b]


@needs_soffice
@pytest.mark.parametrize("fmt", ["doc", "odt", "rtf"])
def test_word_documents_of_other_formats_read_as_their_docx(tmp_path: Path, fmt: str) -> None:
    made = _convert(DOCX, fmt, tmp_path)
    named = made.rename(tmp_path / f"明南街道 权力清单.{fmt}")  # the officer's own file name
    _same(read_any(named), read_any(DOCX))


@needs_soffice
def test_a_wps_document_is_read_as_the_doc_it_is(tmp_path: Path) -> None:
    """WPS Writer's .wps is Word's binary format under another name."""
    made = _convert(DOCX, "doc", tmp_path).rename(tmp_path / "清单.wps")
    _same(read_any(made), read_any(DOCX))


@needs_soffice
def test_an_ods_workbook_reads_as_its_xlsx(tmp_path: Path) -> None:
    made = _convert(XLSX, "ods", tmp_path)
    got, want = read_any(made), read_any(XLSX)
    assert [s.name for s in got] == [s.name for s in want]
    assert [[c for _, row in s.rows for c in row if c not in (None, "")] for s in got] == \
        [[c for _, row in s.rows for c in row if c not in (None, "")] for s in want]
    assert [s.merged for s in got] == [s.merged for s in want]


@needs_soffice
def test_import_of_a_doc_writes_what_its_docx_writes(runner, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    made = _convert(DOCX, "doc", tmp_path)
    written = []
    for i, table in enumerate((DOCX, made)):
        root = tmp_path / f"reg{i}"
        assert invoke(runner, "init", str(root)).exit_code == 0
        assert invoke(runner, "new", "unit", "u", "--root", str(root), "--name", "街道", "--type", "行政机关").exit_code == 0
        r = invoke(runner, "import", str(table), "--root", str(root), "--unit", "u")
        assert r.exit_code == 0, r.output
        written.append({p.relative_to(root).as_posix(): p.read_text(encoding="utf-8").split("\n", 1)[1]
                        for p in sorted((root / "units" / "u").rglob("*.yaml"))})  # the first line names the source
    assert written[0] == written[1]


@pytest.mark.parametrize(("name", "data"), [
    ("a.doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 2000),
    ("a.odt", b"PK\x03\x04" + b"\0" * 100),
    ("a.rtf", b"{\\rtf1 x}"),
    ("a.ods", b"PK\x03\x04" + b"\0" * 100),
])
def test_without_libreoffice_they_are_refused_with_the_fix(tmp_path: Path, monkeypatch, name: str,  # type: ignore[no-untyped-def]
                                                           data: bytes) -> None:
    monkeypatch.setenv("LFK_NO_LIBREOFFICE", "1")
    assert soffice() is None
    (tmp_path / name).write_bytes(data)
    with pytest.raises(InputError) as e:
        read_any(tmp_path / name)
    assert "不支持" in e.value.message and "LibreOffice" in (e.value.hint or "")


@pytest.mark.parametrize("name", ["a.doc", "a.wps", "a.odt", "a.rtf", "a.ods"])
def test_a_file_that_is_not_what_its_name_says_is_not_given_to_libreoffice(tmp_path: Path, name: str) -> None:
    """LibreOffice would open any bytes as plain text and convert them to an empty document."""
    (tmp_path / name).write_bytes("风险点 这不是文档".encode())
    with pytest.raises(InputError) as e:
        read_any(tmp_path / name)
    assert "不是" in e.value.message


@needs_soffice
def test_a_damaged_document_is_one_line(runner, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    bad = tmp_path / "坏.doc"
    bad.write_bytes(DOCX.read_bytes()[:0] + b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x07" * 4000)
    root = tmp_path / "reg"
    assert invoke(runner, "init", str(root)).exit_code == 0
    assert invoke(runner, "new", "unit", "u", "--root", str(root), "--name", "街道", "--type", "行政机关").exit_code == 0
    r = invoke(runner, "import", str(bad), "--root", str(root), "--unit", "u")
    assert r.exit_code == 2 and len(r.output.strip().splitlines()) == 1 and "Traceback" not in r.output, r.output
