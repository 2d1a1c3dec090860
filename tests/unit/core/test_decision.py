"""``lfk.core.decision``: the decision table (on/off, prefixes, select+ignore overlap, severity, off), the
checks of entries and suppression comments — one case per row."""

from __future__ import annotations

from dataclasses import dataclass, field

import pytest

from lfk.core.decision import (
    Decision,
    checked,
    family,
    settings_problems,
    split,
    suppression,
    unknown,
    valid_codes_text,
)
from lfk.core.errors import ConfigError, UsageError
from lfk.core.finding import Severity

KNOWN = ["MON101", "MON102", "MON201", "MON301", "MON302", "MON303", "MON501"]


@dataclass
class S:
    """lfk.yaml's ``lint`` settings as the engine reads them."""

    ignore: list[str] = field(default_factory=list)
    severity: dict[str, str] = field(default_factory=dict)


# (case, --select, --ignore, lint.ignore, lint.severity, codes on)
ON_CASES = [
    ("nothing given: all on", [], [], [], {}, KNOWN),
    ("select a prefix", ["MON3"], [], [], {}, ["MON301", "MON302", "MON303"]),
    ("select a code and a prefix", ["MON101", "MON2"], [], [], {}, ["MON101", "MON201"]),
    ("select a family", ["MON"], [], [], {}, KNOWN),
    ("ignore a prefix", [], ["MON3"], [], {}, ["MON101", "MON102", "MON201", "MON501"]),
    ("lower case and blanks", [" mon3 "], ["mon302"], [], {}, ["MON301", "MON303"]),
    ("longer ignore wins over select", ["MON3"], ["MON302"], [], {}, ["MON301", "MON303"]),
    ("longer select wins over ignore", ["MON302"], ["MON3"], [], {}, ["MON302"]),
    ("equal length: off wins", ["MON3"], ["MON3"], [], {}, []),
    ("select beats a shorter settings ignore", ["MON301"], [], ["MON3"], {}, ["MON301"]),
    ("settings ignore beats an implicit selection", [], [], ["MON3", "MON501"], {}, ["MON101", "MON102", "MON201"]),
    ("a code no --select names is off whatever the settings", ["MON1"], [], [], {"MON301": "error"}, ["MON101", "MON102"]),
    ("severity off switches off", [], [], [], {"MON302": "off"}, [c for c in KNOWN if c != "MON302"]),
    ("severity off of a prefix", [], [], [], {"MON3": "off"}, ["MON101", "MON102", "MON201", "MON501"]),
    ("a longer severity level re-enables within an ignored prefix", [], [], ["MON3"], {"MON301": "error"},
     ["MON101", "MON102", "MON201", "MON301", "MON501"]),
    ("a longer ignore beats a severity of the prefix", [], [], ["MON301"], {"MON3": "info"},
     [c for c in KNOWN if c != "MON301"]),
    ("same entry ignored and given a level: off wins", [], [], ["MON301"], {"MON301": "error"},
     [c for c in KNOWN if c != "MON301"]),
    ("cli ignore beats a shorter severity level", [], ["MON301"], [], {"MON3": "error"},
     [c for c in KNOWN if c != "MON301"]),
    ("--select the exact code a severity switched off: equal length, off wins", ["MON302"], [], [], {"MON302": "off"}, []),
    ("entries of another family change nothing", [], ["LFK3"], ["IMP1"], {"LFK402": "off"}, KNOWN),
]


@pytest.mark.parametrize(("select", "ignore", "s_ignore", "s_severity", "expected"),
                         [c[1:] for c in ON_CASES], ids=[c[0] for c in ON_CASES])
def test_which_codes_are_on(select: list[str], ignore: list[str], s_ignore: list[str], s_severity: dict[str, str],
                            expected: list[str]) -> None:
    d = Decision(KNOWN, select=select, ignore=ignore, settings=S(s_ignore, s_severity))
    assert sorted(d.enabled) == sorted(expected)
    assert [c for c in KNOWN if d.on(c)] == [c for c in KNOWN if c in expected]
    assert all((d.decide(c, Severity.INFO) is None) == (c not in expected) for c in KNOWN)


# (case, lint.severity, code, producer's severity, reported severity)
SEVERITY_CASES = [
    ("no setting: the producer's", {}, "MON301", Severity.ERROR, Severity.ERROR),
    ("a code's own level", {"MON302": "error"}, "MON302", Severity.WARNING, Severity.ERROR),
    ("a prefix's level", {"MON3": "info"}, "MON303", Severity.WARNING, Severity.INFO),
    ("the longer entry wins", {"MON3": "info", "MON30": "warning", "MON301": "error"}, "MON301", Severity.INFO,
     Severity.ERROR),
    ("the longer prefix wins", {"MON3": "info", "MON30": "warning"}, "MON303", Severity.ERROR, Severity.WARNING),
    ("another code's level changes nothing", {"MON301": "info"}, "MON302", Severity.WARNING, Severity.WARNING),
    ("a longer off does not lend a level to the others", {"MON3": "info", "MON301": "off"}, "MON302",
     Severity.WARNING, Severity.INFO),
    ("lower-case key", {"mon302": "error"}, "MON302", Severity.WARNING, Severity.ERROR),
]


@pytest.mark.parametrize(("levels", "code", "default", "expected"), [c[1:] for c in SEVERITY_CASES],
                         ids=[c[0] for c in SEVERITY_CASES])
def test_severity(levels: dict[str, str], code: str, default: Severity, expected: Severity) -> None:
    d = Decision(KNOWN, settings=S([], levels))
    assert d.severity(code, default) is expected
    assert d.decide(code, default) is expected


def test_decide_is_none_when_off_and_the_cache_answers_the_same() -> None:
    d = Decision(KNOWN, ignore=["MON302"], settings=S([], {"MON301": "info"}))
    assert d.decide("MON302", Severity.WARNING) is None
    assert d.decide("MON301", Severity.ERROR) is Severity.INFO
    assert [d.on("MON302"), d.on("mon302"), d.on("MON302")] == [False, False, False]


@pytest.mark.parametrize(("values", "expected"), [
    (None, []), ([], []), (["MON3,mon2", " MON501 "], ["MON3", "MON2", "MON501"]), (["a,,b", ""], ["A", "B"]),
])
def test_split(values: list[str] | None, expected: list[str]) -> None:
    assert split(values) == expected


@pytest.mark.parametrize(("entries", "expected"), [
    (["MON", "MON3", "mon301", "MON5"], []),
    (["MON4", "MON3019", "LFK1", "MON9"], ["MON4", "MON3019", "LFK1", "MON9"]),
])
def test_unknown_entries(entries: list[str], expected: list[str]) -> None:
    assert unknown(entries, KNOWN) == expected


@pytest.mark.parametrize(("entry", "fam"), [("LFK402", "LFK"), ("mon3", "MON"), ("IMP", "IMP"), ("XYZ1", None)])
def test_family(entry: str, fam: str | None) -> None:
    assert family(entry) == fam


def test_valid_codes_text_groups_runs() -> None:
    assert valid_codes_text(KNOWN) == "MON101…MON102, MON201, MON301…MON303, MON501"


def test_settings_problems_name_the_entry_and_where_it_is() -> None:
    s = S(["MON9", "LFK999", "MON3"], {"MON777": "off", "MON301": "error"})
    assert settings_problems(s, KNOWN, "MON") == [
        (("lint", "ignore", 0), "lint.ignore", "MON9"), (("lint", "severity", "MON777"), "lint.severity", "MON777")]
    assert settings_problems(S(["MON3"], {"MON301": "info"}), KNOWN, "MON") == []


def test_checked_refuses_unknown_cli_entries_naming_the_valid_codes() -> None:
    with pytest.raises(UsageError) as e:
        checked(KNOWN, "MON", select=["MON3,MON9"])
    assert "MON9" in e.value.message and "MON301…MON303" in e.value.message


def test_checked_refuses_unknown_settings_entries_at_their_line() -> None:
    with pytest.raises(ConfigError) as e:
        checked(KNOWN, "MON", settings=S([], {"MON777": "off"}), where=lambda path: f"lfk.yaml:{len(path)}")
    assert e.value.location == "lfk.yaml:3" and "MON777" in e.value.message and "MON501" in e.value.message
    d = checked(KNOWN, "MON", ignore=["mon3"], settings=S(["LFK999"], {}))  # another family's typo: lint's business
    assert not d.on("MON301") and d.on("MON101")


@dataclass
class Comment:
    codes: tuple[str, ...]
    reason: str


@pytest.mark.parametrize(("code", "comments", "expected"), [
    ("LFK307", [Comment(("LFK307",), "一人岗位")], "一人岗位"),
    ("LFK307", [Comment(("LFK307",), "")], None),  # no reason: no suppression (LFK007 says so)
    ("LFK307", [Comment(("LFK306",), "x"), Comment(("LFK305", "LFK307"), "y")], "y"),
    ("LFK307", [Comment(("LFK3",), "a prefix is not a code")], None),
    ("LFK007", [Comment(("LFK007",), "never")], None),
    ("LFK307", [], None),
])
def test_suppression(code: str, comments: list[Comment], expected: str | None) -> None:
    assert suppression(code, comments) == expected
