"""lfk.api: the README example runs and agrees with the commands; the functions print nothing and raise LfkError."""

from __future__ import annotations

import contextlib
import datetime as dt
import io
import json
import re
from pathlib import Path

import pytest

from lfk import api
from lfk.core.errors import LfkError, UsageError
from lfk.register import Register
from tests.conftest import AS_OF, DEMO, REPO, invoke


def readme_example() -> str:
    """The Python block of README's "Use lfk from Python" section."""
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    found = re.search(r"^## Use lfk from Python\n.*?^```python\n(.*?)^```", readme, re.S | re.M)
    assert found, "README has no Python example under 'Use lfk from Python'"
    return found.group(1)


def test_readme_example_prints_what_the_commands_report(runner, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.chdir(DEMO.parent)
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        exec(compile(readme_example(), "README.md", "exec"), {})  # noqa: S102 - the documented example itself
    lines = out.getvalue().splitlines()

    lint = json.loads(invoke(runner, "lint", "--root", str(DEMO), "--as-of", AS_OF, "--format", "json").stdout)
    active = [f for f in lint["findings"] if not f.get("suppressed")]
    assert lines[0] == f"lint: {lint['summary']['exit_code']} {len(active)} findings"
    grade = json.loads(invoke(runner, "grade", "county-amr", "--root", str(DEMO), "--format", "json").stdout)
    assert lines[1] == f"grade: {grade['summary']['exit_code']} {grade['counts']}"
    score = json.loads(invoke(runner, "score", "--root", str(DEMO), "--as-of", AS_OF, "--format", "json").stdout)
    assert lines[2:] == [f"score: {u['unit']} {u['total']} {u['band']}" for u in score["units"]]
    assert len(lines) == 2 + len(score["units"]) > 2


def test_a_root_folder_or_an_open_register(capsys: pytest.CaptureFixture[str]) -> None:
    day = dt.date.fromisoformat(AS_OF)
    by_path = api.lint(DEMO, as_of=day)
    by_register = api.lint(Register(DEMO), as_of=day)
    assert [f.sort_key() for f in by_path.findings] == [f.sort_key() for f in by_register.findings]
    assert by_path.files == by_register.files > 0
    assert api.open_register(str(DEMO)).root == Path(DEMO)
    assert capsys.readouterr() == ("", "")  # the api prints nothing


@pytest.mark.parametrize(("call", "message"), [
    (lambda: api.lint(DEMO, select=["LFK9999"]), "unknown rule code(s): LFK9999"),
    (lambda: api.lint(DEMO, events=["no-such.csv"]), "--events no-such.csv: no such file"),
    (lambda: api.lint(DEMO, ["no-such-unit"]), "no-such-unit: no such file, folder or unit"),
    (lambda: api.score(DEMO, ["no-such-unit"]), "no unit 'no-such-unit'"),
    (lambda: api.export_tables(DEMO, ["county-amr,nope"]), "no unit 'nope'"),
    (lambda: api.diff(DEMO, kinds=["risks,bogus"]), "--kind bogus"),
    (lambda: api.impact(DEMO, "《》"), "give a law's name"),
    (lambda: api.log(DEMO, "county-amr/"), "give an id"),
    (lambda: api.rules("LFK0000"), "unknown rule 'LFK0000'"),
    (lambda: api.site(DEMO, Path("unused"), "everyone"), "--audience 'everyone'"),
    (lambda: api.site(DEMO, Path("unused"), lint=False), "--no-lint is refused for a public build"),
    (lambda: api.monitor(DEMO, [], as_of="someday"), "--as-of 'someday' is not a date or time"),
    (lambda: api.dispose(DEMO, "C-1"), "a case id needs --unit"),
])
def test_bad_arguments_raise_usage_errors(call, message: str) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(UsageError) as e:
        call()
    assert message in str(e.value)


def test_a_missing_register_is_an_lfk_error(tmp_path: Path) -> None:
    with pytest.raises(LfkError):
        api.grade(tmp_path / "nothing-here")


def test_render_writes_only_what_changed(tmp_path: Path) -> None:
    first = api.render(DEMO, ["county-amr"], out=tmp_path, fmt="dot")
    assert first.flows and first.written == len(first.flows) and first.skipped == []
    assert sorted(p.relative_to(tmp_path).as_posix() for p in tmp_path.rglob("*.dot")) == \
        sorted(f"{f.unit_id}/{f.flow_id}.dot" for f in first.flows)
    again = api.render(DEMO, ["county-amr"], out=tmp_path, fmt="dot")
    assert again.written == 0 and len(again.flows) == len(first.flows)
