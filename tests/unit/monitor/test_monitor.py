"""``lfk monitor``: reading event logs, every check, the calendar, warnings and escalation, the CLI."""

from __future__ import annotations

import csv
import datetime as dt
import json
import random
from pathlib import Path

import pytest

from lfk.monitor import run_monitor
from lfk.monitor.calendar import WorkCalendar
from lfk.register import Register
from lfk.testing.synth import Synth, generate_events, write_csv, write_jsonl
from tests.conftest import HERE, invoke

EVENTS = HERE / "fixtures" / "events"
AS_OF = "2026-06-30"

CALENDAR = """
calendar:
  holidays: [2026-01-01, 2026-10-01, 2026-10-02, 2026-10-03, 2026-10-04, 2026-10-05, 2026-10-06, 2026-10-07]
  workdays: [2026-09-27, 2026-10-10]
"""
POLICY = """
monitor:
  yellow_at: 0.8
  red_at: 1.0
  disposal: {黄牌: 风险提示, 红牌: 责令纠错}
  escalate:
    - {count: 3, within_days: 365, disposal: 诫勉谈话}
"""


@pytest.fixture
def reg_root(base_register: Path) -> Path:
    """The base register with a holiday calendar (国庆 2026, 调休 on 09-27 and 10-10) and an escalation rule."""
    cfg = base_register / "lfk.yaml"
    cfg.write_text(cfg.read_text(encoding="utf-8") + CALENDAR + POLICY, encoding="utf-8")
    return base_register


def by_case(result) -> dict[str, set[str]]:  # type: ignore[no-untyped-def]
    out: dict[str, set[str]] = {}
    for f in result.findings:
        if "case_id" in f.extra:
            out.setdefault(f.extra["case_id"], set()).add(f.code)
    return out


def codes(result) -> list[str]:  # type: ignore[no-untyped-def]
    return sorted(f.code for f in result.findings)


# -- calendar ----------------------------------------------------------------------------------------
def test_calendar_holidays_and_tiaoxiu_workdays() -> None:
    cal = WorkCalendar([dt.date(2026, 10, d) for d in range(1, 8)], [dt.date(2026, 10, 10)])
    assert not cal.is_workday(dt.date(2026, 10, 1))
    assert cal.is_workday(dt.date(2026, 10, 10))  # a Saturday worked (调休)
    assert not cal.is_workday(dt.date(2026, 10, 11))
    # the start day is not counted; 09-30, 10-08, 10-09, 10-10 and half of 10-12
    assert cal.used(dt.datetime(2026, 9, 29, 13), dt.datetime(2026, 10, 12, 12), natural=False) == pytest.approx(4.5)
    plain = WorkCalendar()
    assert plain.used(dt.datetime(2026, 9, 29, 13), dt.datetime(2026, 10, 12, 12), natural=False) == pytest.approx(8.5)
    assert cal.used(dt.datetime(2026, 3, 2, 9), dt.datetime(2026, 3, 2, 17), natural=False) == 0.0
    assert cal.workdays_between(dt.date(2026, 9, 28), dt.date(2026, 10, 12)) == 6  # 28, 29, 30, 10-08, 10-09, 10-10
    # a natural-day limit ending on a non-working day runs to the next working day
    assert cal.effective_limit(dt.datetime(2026, 9, 25, 9), 8, natural=True) == 13  # 10-03 → 10-08
    assert cal.effective_limit(dt.datetime(2026, 9, 25, 9), 5, natural=True) == 5
    # add() is the inverse of used()
    for days in (0.25, 1, 3.5, 12):
        t = cal.add(dt.datetime(2026, 9, 28, 10), days, natural=False)
        assert cal.used(dt.datetime(2026, 9, 28, 10), t, natural=False) == pytest.approx(days, abs=1e-4)


def test_calendar_from_register_config(reg_root: Path) -> None:
    r = run_monitor(Register(reg_root), [EVENTS / "license.csv"], AS_OF)
    found = by_case(r)
    # 4.5 working days with 国庆 counted as holidays: no warning; without the calendar it would be 8.5 (黄牌)
    assert "L-HOLIDAY" not in found
    # the Saturday 10-10 is a working day: S1 (1 working day) finished on Sunday is late
    assert found["L-TIAOXIU"] == {"MON301"}


def test_calendar_without_holidays_changes_the_result(base_register: Path) -> None:
    r = run_monitor(Register(base_register), [EVENTS / "license.csv"], AS_OF)
    found = by_case(r)
    assert found["L-HOLIDAY"] == {"MON302"}
    assert "L-TIAOXIU" not in found


# -- the checks ------------------------------------------------------------------------------------
def test_every_check_on_the_penalty_log(reg_root: Path) -> None:
    r = run_monitor(Register(reg_root), [EVENTS / "penalty.csv"], AS_OF)
    assert by_case(r) == {
        "P-SKIP": {"MON102"}, "P-START": {"MON101"}, "P-ACTOR": {"MON201"}, "P-SOD": {"MON202"},
        "P-LATE": {"MON301"}, "P-YELLOW": {"MON302"}, "P-TIER": {"MON401"}, "P-STAT": {"MON402"},
        "P-UNK": {"MON403"}, "P-CASELATE": {"MON304"}, "P-OPEN": {"MON306"}, "P-AFTER": {"MON103"},
    }
    assert r.summary["cases"] == 14 and r.summary["open_cases"] == 1
    assert r.mode == "buffered"  # the case ids are not sorted: every case kept to the end


def test_skipped_step_message_in_domain_terms(reg_root: Path) -> None:
    r = run_monitor(Register(reg_root), [EVENTS / "penalty.csv"], AS_OF)
    f = next(f for f in r.findings if f.extra.get("case_id") == "P-SKIP")
    assert f.message.en == "case P-SKIP: 法制审核 was skipped: 调查取证 was followed by 集体讨论决定"
    assert f.message.zh == "案件 P-SKIP：法制审核 被跳过：调查取证 之后直接办理了 集体讨论决定"
    assert f.path.endswith("penalty.csv") and f.line == 9
    assert f.extra["skipped"] == ["S3"] and f.extra["warning"] == "红牌" and f.extra["disposal"] == "责令纠错"
    assert f.extra["step"] == "S4" and f.extra["unit"] == "county-amr" and f.extra["authority"] == "CF-001"


def test_finding_extras_and_extra_columns(reg_root: Path) -> None:
    r = run_monitor(Register(reg_root), [EVENTS / "penalty.csv"], AS_OF)
    f = next(f for f in r.findings if f.extra.get("case_id") == "P-LATE")
    assert f.code == "MON301" and f.extra["post"] == "P-legal" and f.extra["person"] == "李四"
    assert f.extra["used_days"] == pytest.approx(6.42, abs=0.01) and f.extra["limit_days"] == 5
    assert "法制审核" in f.message.zh and "法定时限" in f.message.zh
    g = next(f for f in r.findings if f.extra.get("case_id") == "P-ACTOR")
    assert g.extra["columns"] == {"经办科室": "执法一科"}
    assert "R-005" in g.extra["risks"]  # the post risk of P-case
    tier = next(f for f in r.findings if f.code == "MON401")
    assert tier.extra["amount"] == 90000 and "R-002" in tier.extra["risks"]
    stat = next(f for f in r.findings if f.code == "MON402")
    assert stat.extra["amount"] == 200000  # "200,000" read as a number


def test_loops_allowed_by_the_flow_are_not_deviations(reg_root: Path) -> None:
    r = run_monitor(Register(reg_root), [EVENTS / "penalty.csv"], AS_OF)
    assert "P-LOOP" not in by_case(r) and "P-OK" not in by_case(r)


def test_open_case_and_closed_option(reg_root: Path) -> None:
    reg = Register(reg_root)
    r = run_monitor(reg, [EVENTS / "penalty.csv"], "2026-03-11")
    assert "P-OPEN" not in by_case(r)  # on 03-11 the pending 法制审核 has just begun
    r = run_monitor(reg, [EVENTS / "penalty.csv"], dt.datetime(2026, 3, 18, 12))
    f = next(f for f in r.findings if f.extra.get("case_id") == "P-OPEN")
    assert f.code == "MON306" and f.extra["warning"] == "红牌" and f.extra["post"] == "P-legal"
    assert f.line == 56 and "法制审核" in f.message.zh
    r = run_monitor(reg, [EVENTS / "penalty.csv"], dt.datetime(2026, 3, 17, 12))
    f = next(f for f in r.findings if f.extra.get("case_id") == "P-OPEN")
    assert f.extra["warning"] == "黄牌"  # 4.5 of 5 working days
    r = run_monitor(reg, [EVENTS / "penalty.csv"], dt.datetime(2026, 3, 16, 12))
    assert "P-OPEN" not in by_case(r)  # 3.5 of 5
    r = run_monitor(reg, [EVENTS / "penalty.csv"], AS_OF, closed=True)
    assert by_case(r)["P-OPEN"] == {"MON104"}


def test_case_limits_and_promised_limits(reg_root: Path) -> None:
    r = run_monitor(Register(reg_root), [EVENTS / "license.csv"], AS_OF)
    found = by_case(r)
    assert found["L-PROMISED"] == {"MON303"}
    assert found["L-CASEYELLOW"] == {"MON305"}
    assert "L-OK" not in found


def test_multiples_cannot_be_checked_said_once(reg_root: Path) -> None:
    bm = reg_root / "units" / "county-amr" / "benchmarks" / "CF-001.yaml"
    text = bm.read_text(encoding="utf-8").replace("fine: {min: 50000, max: 70000, unit: 元}",
                                                  "fine: {min_times: 1, max_times: 2, of: 货值金额}")
    bm.write_text(text, encoding="utf-8")
    r = run_monitor(Register(reg_root), [EVENTS / "penalty.csv"], AS_OF)
    notes = [f for f in r.findings if f.code == "MON010"]
    assert len(notes) == 1 and "货值金额" in notes[0].message.zh
    assert "P-TIER" not in by_case(r)  # 90000 in a multiple tier: not checkable, not a deviation


# -- input -----------------------------------------------------------------------------------------
@pytest.mark.parametrize("form", ["{y}年{m}月{d}日 {H}时{M}分", "{y}年{m:02d}月{d:02d}日{H:02d}:{M:02d}:00",
                                  "{y}.{m}.{d} {H}:{M:02d}", "{y}/{m}/{d} {H}:{M:02d}"])
def test_times_as_officers_systems_write_them(reg_root: Path, tmp_path: Path, form: str) -> None:
    """2026年3月2日 9时00分, 2026.3.2 9:00 …: the same findings as the ISO times of the same log (nothing MON007)."""
    import re

    def write(m: re.Match[str]) -> str:
        y, mo, d, h, mi = (int(g) for g in m.groups())
        return form.format(y=y, m=mo, d=d, H=h, M=mi)

    log = tmp_path / "案件.csv"
    log.write_text(re.sub(r"(\d{4})-(\d\d)-(\d\d)T(\d\d):(\d\d)", write,
                          (EVENTS / "license.csv").read_text(encoding="utf-8")), encoding="utf-8")
    want = run_monitor(Register(reg_root), [EVENTS / "license.csv"], AS_OF)
    got = run_monitor(Register(reg_root), [log], AS_OF)
    assert not [f for f in got.findings if f.code == "MON007"]
    assert [(f.code, f.line, f.message.zh) for f in got.findings] == [(f.code, f.line, f.message.zh) for f in want.findings]


@pytest.mark.parametrize(("form", "read"), [("{w}万元", True), ("￥{n:,}", True), ("人民币{n}元", True),
                                           ("{n}.00元", True), ("nan", False), ("inf", False), ("{n}美元", False)])
def test_amounts_as_officers_write_them(reg_root: Path, tmp_path: Path, form: str, read: bool) -> None:
    """6万元, ￥60,000, 人民币60000元: the amount in 元, the same findings as the plain number; nan, inf and other
    currencies are not amounts (MON007 with the row)."""
    import re

    log = tmp_path / "处罚.csv"
    log.write_text(re.sub(r",(\d{4,}),", lambda m: "," + '"' + form.format(n=int(m.group(1)), w=int(m.group(1)) / 10000)
                          .replace(".0万", "万") + '"' + ",", (EVENTS / "penalty.csv").read_text(encoding="utf-8")),
                   encoding="utf-8")
    want = run_monitor(Register(reg_root), [EVENTS / "penalty.csv"], AS_OF)
    got = run_monitor(Register(reg_root), [log], AS_OF)
    bad = [f for f in got.findings if f.code == "MON007"]
    if read:
        assert not bad
        assert [(f.code, f.line) for f in got.findings] == [(f.code, f.line) for f in want.findings]
    else:
        assert bad and "金额" in bad[0].message.zh


PENALTY_STEPS = {"S1": "立案", "S2": "调查取证", "S3": "法制审核", "S4": "集体讨论决定", "S5": "送达执行"}
POWERS = {"CF-001": "对未取得食品经营许可从事食品经营活动的处罚"}
POSTS = {"P-case": "执法办案人员", "P-legal": "法制审核员", "P-director": "局长", "P-deputy-law": "分管执法副局长"}

NAMES = {"step": PENALTY_STEPS, "actor_post": POSTS, "unit": {"county-amr": "示例县市场监督管理局"}, "authority": POWERS}


def _by_name(head: list[str], rows: list[list[str]], columns: list[str]) -> list[list[str]]:
    """The rows with the ids of ``columns`` written by their names (a name the map lacks stays as written)."""
    out = []
    for row in rows:
        row = list(row)
        for col in columns:
            k = head.index(col)
            row[k] = NAMES[col].get(row[k], row[k])
        out.append(row)
    return out


@pytest.mark.parametrize("named", ["steps", "posts", "both", "unit", "power", "all"])
def test_steps_and_posts_written_by_their_names(reg_root: Path, tmp_path: Path, named: str) -> None:
    """An e-supervision system's log names the step (立案), the post (执法办案人员), the unit and the power: read as
    their ids, the same findings as the log written with ids."""
    rows = list(csv.reader((EVENTS / "penalty.csv").read_text(encoding="utf-8").splitlines()))
    columns = {"steps": ["step"], "posts": ["actor_post"], "both": ["step", "actor_post"], "unit": ["unit"],
               "power": ["authority"], "all": list(NAMES)}[named]
    log = tmp_path / "监察日志.csv"
    with log.open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerows([rows[0], *_by_name(rows[0], rows[1:], columns)])
    want = run_monitor(Register(reg_root), [EVENTS / "penalty.csv"], AS_OF)
    got = run_monitor(Register(reg_root), [log], AS_OF)
    assert [(f.code, f.line, f.message.zh) for f in got.findings] == [(f.code, f.line, f.message.zh) for f in want.findings]
    assert any(f.code == "MON201" for f in got.findings)  # the actor check still bites


def test_a_name_two_steps_share_is_not_read_as_either(reg_root: Path, tmp_path: Path) -> None:
    """A name that is not unique in the flow (or is another step's id) stays unknown: MON006, never a guess."""
    flow = reg_root / "units" / "county-amr" / "flows" / "F-license.yaml"
    flow.write_text(flow.read_text(encoding="utf-8").replace("name: 制证送达", "name: 审查", 1), encoding="utf-8")
    log = tmp_path / "log.csv"
    log.write_text((EVENTS / "license.csv").read_text(encoding="utf-8").replace(",S2,", ",审查,", 1), encoding="utf-8")
    got = run_monitor(Register(reg_root), [log], AS_OF)
    assert any(f.code == "MON006" and "审查" in f.message.zh for f in got.findings)


def test_bad_rows_are_findings_with_lines_and_the_rest_runs(reg_root: Path) -> None:
    r = run_monitor(Register(reg_root), [EVENTS / "bad.csv"], AS_OF)
    rows = {(f.code, f.line) for f in r.findings}
    assert {("MON004", 2), ("MON005", 3), ("MON006", 4), ("MON007", 5), ("MON008", 6), ("MON003", 7),
            ("MON003", 8), ("MON007", 9), ("MON009", 12)} <= rows
    assert all(f.path.endswith("bad.csv") for f in r.findings)
    assert r.summary["cases"] == 1 and r.summary["bad_rows"] == 9
    assert "B-OK" not in by_case(r)  # 2026/03/02 09:00 read too


def test_columns_in_any_order_and_optional_ones_missing(reg_root: Path, tmp_path: Path) -> None:
    src = list(csv.DictReader((EVENTS / "license.csv").read_text(encoding="utf-8").splitlines()))
    cols = ["finished_at", "step", "备注", "case_id", "started_at", "authority", "unit", "actor_post"]
    p = tmp_path / "reordered.csv"
    with open(p, "w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(cols)
        for row in src:
            w.writerow([row.get(c, "补") for c in cols])
    r = run_monitor(Register(reg_root), [p], AS_OF)
    assert by_case(r) == {"L-PROMISED": {"MON303"}, "L-TIAOXIU": {"MON301"}, "L-CASEYELLOW": {"MON305"}}
    assert next(iter(r.findings)).extra["columns"] == {"备注": "补"}
    empty = tmp_path / "empty.csv"
    empty.write_text("", encoding="utf-8")
    assert [f.code for f in run_monitor(Register(reg_root), [empty], AS_OF).findings] == ["MON003"]


def test_row_findings_are_capped_per_file_and_code(reg_root: Path, tmp_path: Path) -> None:
    p = tmp_path / "many.csv"
    rows = ["case_id,unit,authority,step,actor_post,actor_person,started_at,finished_at,amount,tier"]
    rows += [f"X{i},nowhere,XK-001,S1,,,2026-03-02T09:00,2026-03-02T10:00,," for i in range(60)]
    p.write_text("\n".join(rows) + "\n", encoding="utf-8")
    r = run_monitor(Register(reg_root), [p], AS_OF)
    assert len(r.findings) == 51 and r.summary["bad_rows"] == 60
    assert "10 more row(s)" in r.findings[0].message.en  # the count sits at line 1, before the rows


def test_synth_command_writes_log_and_truth(reg_root: Path, tmp_path: Path) -> None:
    from lfk.testing.synth import main

    out = tmp_path / "log.jsonl"
    assert main([str(reg_root), "200", "5", str(out), "--rate", "0.5"]) == 0
    truth = json.loads((tmp_path / "log.jsonl.truth.json").read_text(encoding="utf-8"))
    r = run_monitor(Register(reg_root), [out], truth["as_of"])
    found = {c: sorted(v - {"MON501"}) for c, v in by_case(r).items()}
    assert found == truth["cases"] and len(found) > 50


def test_garbage_never_crashes(reg_root: Path, tmp_path: Path) -> None:
    nul = tmp_path / "nul.csv"
    text = (EVENTS / "license.csv").read_bytes()
    nul.write_bytes(text.replace(b"L-OK,county-amr,XK-001,S3", b"L-OK,county-amr,XK-001,S\x003", 1)
                    .replace(b"L-OK,county-amr,XK-001,S4,P-window", b'L-OK,county-amr,XK-001,S4,"' + b"x" * 300_000 + b'"', 1))
    r = run_monitor(Register(reg_root), [nul], AS_OF)
    assert {(f.code, f.line) for f in r.findings if f.code.startswith("MON00")} == {("MON006", 4), ("MON003", 5)}
    assert by_case(r)["L-PROMISED"] == {"MON303"}
    rnd = random.Random(9)
    for i in range(20):
        junk = tmp_path / f"junk{i}.{'jsonl' if i % 2 else 'csv'}"
        head = b"case_id,unit,authority,step,started_at,finished_at\n" if i % 3 == 0 else b""
        junk.write_bytes(head + bytes(rnd.randrange(256) for _ in range(rnd.randrange(1, 3000))))
        res = run_monitor(Register(reg_root), [junk], AS_OF)
        assert res.summary["cases"] == 0 or res.findings is not None


def test_missing_columns_skip_the_file(reg_root: Path) -> None:
    r = run_monitor(Register(reg_root), [EVENTS / "missing-column.csv", EVENTS / "license.csv"], AS_OF)
    f = next(f for f in r.findings if f.code == "MON002")
    assert f.line == 1 and "started_at" in f.message.en
    assert r.summary["cases"] == 5


@pytest.mark.parametrize("delimiter", ["\t", ";", "|"])
def test_tab_semicolon_and_bar_separated_logs_read_as_the_comma_one(reg_root: Path, tmp_path: Path,
                                                                   delimiter: str) -> None:
    """Case systems export with other separators too (a tab from a pasted Excel sheet, ; in some locales):
    the same events, the same findings, at the same lines."""
    rows = list(csv.reader((EVENTS / "penalty.csv").open(encoding="utf-8", newline="")))
    rows[1][-1] = rows[1][-1] + ",含逗号"  # a cell with a comma stays one cell
    comma, other = tmp_path / "comma.csv", tmp_path / "other.csv"
    with comma.open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerows(rows)
    with other.open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh, delimiter=delimiter).writerows(rows)
    a = run_monitor(Register(reg_root), [comma], AS_OF)
    b = run_monitor(Register(reg_root), [other], AS_OF)
    assert a.summary["events"] > 0 and a.summary == b.summary
    assert [(f.code, f.line, f.message.en) for f in a.findings] == [(f.code, f.line, f.message.en) for f in b.findings]


def _as_workbook(src: Path, dst: Path, sheets: tuple[str, ...] = ("案件",), title: bool = True) -> None:
    """The CSV log as a workbook an officer's case system exports: a title row above the header, times as
    Excel date-times, numbers as numbers; one sheet per name in ``sheets`` (the rows dealt out in turn)."""
    import openpyxl

    rows = list(csv.reader(src.open(encoding="utf-8", newline="")))
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for k, name in enumerate(sheets):
        ws = wb.create_sheet(name)
        if title:
            ws.append(["案件环节导出（2026年）"])
        ws.append(rows[0])
        for r in rows[1:][k::len(sheets)]:
            cells: list[object] = []
            for h, v in zip(rows[0], r, strict=False):
                if h in ("started_at", "finished_at") and v:
                    try:
                        cells.append(dt.datetime.fromisoformat(v))
                        continue
                    except ValueError:
                        pass
                cells.append(float(v) if h == "amount" and v.replace(".", "", 1).isdigit() else v)
            ws.append(cells)
    wb.save(dst)


def test_an_excel_log_reads_as_its_csv(reg_root: Path, tmp_path: Path) -> None:
    """Officers live in Excel: a case system's .xlsx export (title row, Excel date-times, numbers) gives the
    findings of the same log as CSV, at the sheet's rows."""
    book = tmp_path / "cases.xlsx"
    _as_workbook(EVENTS / "penalty.csv", book)
    a = run_monitor(Register(reg_root), [EVENTS / "penalty.csv"], AS_OF)
    b = run_monitor(Register(reg_root), [book], AS_OF)
    assert a.summary["events"] > 0 and a.summary == b.summary
    assert [(f.code, f.line + 1, f.message.en) for f in a.findings] == [(f.code, f.line, f.message.en) for f in b.findings]
    assert {f.path for f in b.findings} == {str(book)}
    assert [c["warning_id"] for c in a.cases] == [c["warning_id"] for c in b.cases]


def test_a_workbook_with_a_log_on_each_sheet(reg_root: Path, tmp_path: Path) -> None:
    book = tmp_path / "cases.xlsx"
    _as_workbook(EVENTS / "license.csv", book, sheets=("一月", "二月"), title=False)
    a = run_monitor(Register(reg_root), [EVENTS / "license.csv"], AS_OF)
    b = run_monitor(Register(reg_root), [book], AS_OF)
    assert a.summary["events"] == b.summary["events"] and a.summary["cases"] == b.summary["cases"]
    assert {f.path for f in b.findings} <= {f"{book}[一月]", f"{book}[二月]"}


def test_a_workbook_without_a_log_is_skipped(reg_root: Path, tmp_path: Path) -> None:
    import openpyxl

    book = tmp_path / "notes.xlsx"
    wb = openpyxl.Workbook()
    wb.active.append(["案件编号", "环节"])
    wb.save(book)
    r = run_monitor(Register(reg_root), [book], AS_OF)
    assert [f.code for f in r.findings] == ["MON002"] and r.unreadable()
    page = tmp_path / "export.xls"  # a web system's "Excel export": an HTML table under an .xls name
    rows = list(csv.reader((EVENTS / "license.csv").open(encoding="utf-8", newline="")))
    page.write_text("<html><body><table>" + "".join(
        "<tr>" + "".join(f"<td>{c}</td>" for c in row) + "</tr>" for row in rows) + "</table></body></html>",
        encoding="utf-8")
    a = run_monitor(Register(reg_root), [EVENTS / "license.csv"], AS_OF)
    b = run_monitor(Register(reg_root), [page], AS_OF)
    assert a.summary == b.summary


ZH_HEADERS = {"case_id": "案件编号", "unit": "单位", "authority": "事项编码", "step": "环节", "actor_post": "经办岗位",
              "actor_person": "经办人", "started_at": "开始时间", "finished_at": "办结时间", "amount": "罚款金额",
              "tier": "裁量阶次"}


def _renamed_headers(src: Path, dst: Path, names: dict[str, str]) -> None:
    rows = list(csv.reader(src.open(encoding="utf-8", newline="")))
    rows[0] = [names.get(h, h) for h in rows[0]]
    with dst.open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerows(rows)


def test_chinese_headers_and_monitor_columns(reg_root: Path, tmp_path: Path) -> None:
    """A case system's export names its columns in Chinese (案件编号, 环节, 开始时间 ...): read as the event log's
    columns; a header of its own (流水号) is mapped by lfk.yaml's monitor.columns, which MON002 points to."""
    a = run_monitor(Register(reg_root), [EVENTS / "penalty.csv"], AS_OF)
    zh = tmp_path / "zh.csv"
    _renamed_headers(EVENTS / "penalty.csv", zh, ZH_HEADERS)
    b = run_monitor(Register(reg_root), [zh], AS_OF)
    assert a.summary == b.summary and [(f.code, f.line) for f in a.findings] == [(f.code, f.line) for f in b.findings]
    own = tmp_path / "own.csv"
    _renamed_headers(EVENTS / "penalty.csv", own, {**ZH_HEADERS, "case_id": "流水号"})
    c = run_monitor(Register(reg_root), [own], AS_OF)
    assert [f.code for f in c.findings] == ["MON002"] and "monitor.columns" in c.findings[0].message.en
    cfg = reg_root / "lfk.yaml"
    cfg.write_text(cfg.read_text(encoding="utf-8").replace("monitor:\n", "monitor:\n  columns: {流水号: case_id}\n", 1),
                   encoding="utf-8")
    d = run_monitor(Register(reg_root), [own], AS_OF)
    assert d.summary == a.summary
    lines = [json.dumps({ZH_HEADERS.get(k, k): v for k, v in row.items()}, ensure_ascii=False)
             for row in csv.DictReader((EVENTS / "penalty.csv").open(encoding="utf-8", newline=""))]
    jl = tmp_path / "zh.jsonl"
    jl.write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert run_monitor(Register(reg_root), [jl], AS_OF).summary["cases"] == a.summary["cases"]


def test_a_log_of_names_under_name_headers(reg_root: Path, tmp_path: Path) -> None:
    """单位名称, 事项名称, 环节名称, 岗位名称, 罚款金额（元）, with names in the cells, as e-supervision systems export:
    the same findings as the log of ids; a name column beside an id column (单位 and 单位名称) stays an extra column."""
    rows = list(csv.reader((EVENTS / "penalty.csv").read_text(encoding="utf-8").splitlines()))
    head = rows[0]
    names = {"case_id": "案件编号", "unit": "单位名称", "authority": "事项名称", "step": "环节名称",
             "actor_post": "岗位名称", "actor_person": "经办人员", "started_at": "开始时间", "finished_at": "办结时间",
             "amount": "罚款金额（元）", "tier": "裁量阶次"}
    out = [[names.get(h, h) for h in head], *_by_name(head, rows[1:], list(NAMES))]
    log = tmp_path / "电子监察导出.csv"
    with log.open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerows(out)
    want = run_monitor(Register(reg_root), [EVENTS / "penalty.csv"], AS_OF)
    got = run_monitor(Register(reg_root), [log], AS_OF)
    assert [(f.code, f.line, f.message.zh) for f in got.findings] == [(f.code, f.line, f.message.zh) for f in want.findings]
    both = tmp_path / "both.csv"
    with both.open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerows([[*head, "单位名称"]] + [[*r, "示例县市场监督管理局"] for r in rows[1:]])
    kept = run_monitor(Register(reg_root), [both], AS_OF)
    assert [(f.code, f.line) for f in kept.findings] == [(f.code, f.line) for f in want.findings]
    deviations = [f for f in kept.findings if "case_id" in f.extra]
    assert deviations and all(f.extra["columns"]["单位名称"] == "示例县市场监督管理局" for f in deviations)


def test_a_bad_monitor_columns_target_is_lfk101(runner, reg_root: Path) -> None:  # type: ignore[no-untyped-def]
    cfg = reg_root / "lfk.yaml"
    cfg.write_text(cfg.read_text(encoding="utf-8").replace("monitor:\n", "monitor:\n  columns: {流水号: caseid}\n", 1),
                   encoding="utf-8")
    r = invoke(runner, "lint", "--root", str(reg_root), "--format", "json")
    assert any(f["code"] == "LFK101" and f["path"] == "lfk.yaml" for f in json.loads(r.stdout)["findings"]), r.stdout


def test_no_readable_event_file_is_exit_2(reg_root: Path, tmp_path: Path) -> None:
    """Regression: logs that gave no event at all (required columns missing, empty) ended 0, as if every
    case were in order. Now they end 2 ("unreadable input", CLI.md) with one line saying why; a log with a
    header only (no cases this period) stays 0, and one good file beside a bad one is judged (MON002 says)."""
    empty, header_only = tmp_path / "empty.csv", tmp_path / "header.csv"
    empty.write_text("\n\n", encoding="utf-8")
    header_only.write_text("case_id,unit,authority,step,started_at,finished_at\n", encoding="utf-8")
    base = ["monitor", "--root", str(reg_root), "--as-of", AS_OF]
    from typer.testing import CliRunner

    runner = CliRunner()
    for files in ([EVENTS / "missing-column.csv"], [empty], [empty, EVENTS / "missing-column.csv"]):
        r = invoke(runner, *base, *map(str, files), "--format", "json")
        assert r.exit_code == 2, r.output
        assert json.loads(r.stdout)["summary"]["skipped_files"] == len(files)
        assert r.stderr.count("\n") == 1 and "MON002/MON003" in r.stderr
    for files in ([header_only], [EVENTS / "missing-column.csv", EVENTS / "license.csv"]):
        r = invoke(runner, *base, *map(str, files))
        assert r.exit_code == 0 and "no event could be read" not in r.stderr, r.output
    assert run_monitor(Register(reg_root), [empty, header_only], AS_OF).unreadable() is False


def test_jsonl_with_offsets_and_bad_lines(reg_root: Path) -> None:
    r = run_monitor(Register(reg_root), [EVENTS / "procure.jsonl"], AS_OF)
    assert by_case(r) == {"J-ACTOR": {"MON201"}}
    assert {(f.code, f.line) for f in r.findings if f.code == "MON003"} == {("MON003", 7), ("MON003", 14)}
    assert [f.code for f in r.findings].count("MON010") == 1  # amount on a power without benchmark, said once
    assert r.summary["bad_rows"] == 2 and r.summary["cases"] == 2 and r.summary["rows"] == 14
    actor = next(f for f in r.findings if f.code == "MON201")
    assert actor.extra["columns"] == {"项目": "车辆维修"} and actor.line == 8


def test_gbk_csv_is_read(reg_root: Path, tmp_path: Path) -> None:
    text = (EVENTS / "penalty.csv").read_text(encoding="utf-8")
    gbk = tmp_path / "penalty-gbk.csv"
    gbk.write_bytes(text.encode("gbk"))
    r = run_monitor(Register(reg_root), [gbk], AS_OF)
    assert any(f.code == "MON001" and "GB18030" in f.message.en for f in r.findings)
    assert by_case(r)["P-SKIP"] == {"MON102"}
    g = next(f for f in r.findings if f.extra.get("case_id") == "P-ACTOR")
    assert g.extra["columns"] == {"经办科室": "执法一科"}


def test_utf8_bom_is_read(reg_root: Path, tmp_path: Path) -> None:
    p = tmp_path / "bom.csv"
    p.write_bytes(b"\xef\xbb\xbf" + (EVENTS / "license.csv").read_bytes())
    r = run_monitor(Register(reg_root), [p], AS_OF)
    assert not [f for f in r.findings if f.code.startswith("MON00")]
    assert by_case(r)["L-PROMISED"] == {"MON303"}


def test_several_files_any_order_same_result(reg_root: Path, tmp_path: Path) -> None:
    reg = Register(reg_root)
    whole = run_monitor(reg, [EVENTS / "penalty.csv"], AS_OF)
    lines = (EVENTS / "penalty.csv").read_text(encoding="utf-8").splitlines()
    header, body = lines[0], lines[1:]
    random.Random(3).shuffle(body)
    a, b = tmp_path / "a.csv", tmp_path / "b.csv"
    a.write_text("\n".join([header, *body[:30]]) + "\n", encoding="utf-8")
    b.write_text("\n".join([header, *body[30:]]) + "\n", encoding="utf-8")
    split = run_monitor(reg, [a, b], AS_OF)
    assert by_case(split) == by_case(whole)


# -- warnings, escalation ----------------------------------------------------------------------------
def _late_legal_case(cid: str, day: int, legal: dt.timedelta = dt.timedelta(days=15)) -> list[str]:
    """A CF-001 case starting on 2026-05-``day`` whose 法制审核 (S3, 5 working days) ends ``legal`` after the start."""
    d = dt.date(2026, 5, day)
    start = dt.datetime.combine(d, dt.time(9))
    rows = [
        ("S1", "P-case", "张三", start, start + dt.timedelta(hours=3)),
        ("S2", "P-case", "张三", start + dt.timedelta(hours=4), start + dt.timedelta(hours=7)),
        ("S3", "P-legal", "李四", start + dt.timedelta(days=1), start + legal),
        ("S4", "P-director", "王五", start + dt.timedelta(days=15, hours=1), start + dt.timedelta(days=15, hours=4)),
        ("S5", "P-case", "张三", start + dt.timedelta(days=15, hours=5), start + dt.timedelta(days=15, hours=6)),
    ]
    return [f"{cid},county-amr,CF-001,{s},{p},{n},{a.isoformat()},{b.isoformat()},," for s, p, n, a, b in rows]


def test_escalation_on_repeated_warnings_of_one_post(reg_root: Path, tmp_path: Path) -> None:
    p = tmp_path / "esc.csv"
    rows = ["case_id,unit,authority,step,actor_post,actor_person,started_at,finished_at,amount,tier"]
    for i, day in enumerate((4, 11, 18)):
        rows += _late_legal_case(f"E{i}", day)
    p.write_text("\n".join(rows) + "\n", encoding="utf-8")
    r = run_monitor(Register(reg_root), [p], AS_OF)
    assert [f.code for f in r.findings].count("MON301") == 3
    esc = [f for f in r.findings if f.code == "MON501"]
    assert len(esc) == 1 and esc[0].extra["disposal"] == "诫勉谈话" and esc[0].extra["post"] == "P-legal"
    assert esc[0].extra["cases"] == ["E0", "E1", "E2"] and "法制审核员" in esc[0].message.zh
    assert r.escalations[0]["count"] == 3
    rows_post = {c["key"]: c for c in r.count_rows("post")}
    assert rows_post["county-amr/P-legal"]["红牌"] == 3
    risk_keys = {c["key"] for c in r.count_rows("risk")}
    assert risk_keys == set()  # no risk sits on 法制审核 (S3) of CF-001
    # two warnings only: no escalation
    p.write_text("\n".join(rows[:11]) + "\n", encoding="utf-8")
    assert not run_monitor(Register(reg_root), [p], AS_OF).escalations


ESC_ROWS = "case_id,unit,authority,step,actor_post,actor_person,started_at,finished_at,amount,tier"


@pytest.mark.parametrize(("disposed", "counts", "escalated"), [
    ((), None, True),                       # nothing disposed: all three count
    (("E1",), None, False),                 # E1's 黄牌 (MON302, once) was disposed: no longer counted
    (("E0", "E2"), None, True),             # E0 and E2 repeat MON301: counted though disposed
    (("E1",), "all", True),                 # counts: all counts every warning
])
def test_escalation_counts_only_undisposed_or_repeated(reg_root: Path, tmp_path: Path, disposed: tuple[str, ...],
                                                       counts: str | None, escalated: bool) -> None:
    """Clause 12: a warning disposed of no longer counts towards escalation unless its MON code repeats on the post."""
    if counts:
        cfg = reg_root / "lfk.yaml"
        cfg.write_text(cfg.read_text(encoding="utf-8").replace(
            "disposal: 诫勉谈话}", f"disposal: 诫勉谈话, counts: {counts}}}"), encoding="utf-8")
    p = tmp_path / "esc.csv"
    rows = [ESC_ROWS, *_late_legal_case("E0", 4), *_late_legal_case("E1", 11, dt.timedelta(days=8, hours=3)),
            *_late_legal_case("E2", 18)]
    p.write_text("\n".join(rows) + "\n", encoding="utf-8")
    recs = "".join(f"  - {{case: {c}, disposal: 责令纠错, date: 2026-06-01}}\n" for c in disposed)
    (reg_root / "units" / "county-amr" / "dispositions.yaml").write_text("dispositions:\n" + recs if recs else
                                                                          "dispositions: []\n", encoding="utf-8")
    r = run_monitor(Register(reg_root), [p], AS_OF)
    assert by_case(r)["E1"] == {"MON302"} and by_case(r)["E0"] == by_case(r)["E2"] == {"MON301"}
    assert bool(r.escalations) is escalated
    if escalated:
        assert r.escalations[0]["counts"] == (counts or "undisposed_or_repeated")
        assert {c["case_id"] for c in r.cases if c["records"]} == set(disposed)


def test_accepted_deviation_stops_warning_until_it_expires(reg_root: Path, tmp_path: Path) -> None:
    """A MON201 accepted for a vacancy (accepted.yaml) is an info until ``until``; the same deviation after it warns."""
    (reg_root / "units" / "county-amr" / "accepted.yaml").write_text(
        "accepted:\n  - {id: A-1, code: MON201, post: P-director, reason: 法制审核员空缺期间由局长代行,\n"
        "     approval: AP-2026-03, since: 2026-05-01, until: 2026-05-31}\n", encoding="utf-8")
    p = tmp_path / "acc.csv"
    rows = [ESC_ROWS]
    for cid, day, legal in (("V1", 4, 1), ("V2", 29, 3)):
        rows += [r.replace(",S3,P-legal,李四,", ",S3,P-director,赵六,") for r in
                 _late_legal_case(cid, day, dt.timedelta(days=legal, hours=3))]
    p.write_text("\n".join(rows) + "\n", encoding="utf-8")
    r = run_monitor(Register(reg_root), [p], AS_OF)
    f201 = {f.extra["case_id"]: f for f in r.findings if f.code == "MON201"}
    assert f201["V1"].extra["accepted"] == "A-1" and f201["V1"].extra["warning"] is None
    assert f201["V1"].severity.value == "info" and "A-1" in f201["V1"].message.zh
    assert f201["V2"].extra["warning"] == "黄牌" and "accepted" not in f201["V2"].extra  # S3 finished on 06-01: expired
    assert [c["case_id"] for c in r.cases] == ["V2"] and r.summary["accepted"] == 1


def _seq_rows(cid: str, power: str, steps: str) -> list[str]:
    """A case of ``power`` doing ``steps`` (space-separated ids) one hour each from 2026-05-04 09:00."""
    t = dt.datetime(2026, 5, 4, 9)
    out = []
    for i, s in enumerate(steps.split()):
        a, b = t + dt.timedelta(hours=i), t + dt.timedelta(hours=i + 1)
        out.append(f"{cid},county-amr,{power},{s},,,{a.isoformat()},{b.isoformat()},,")
    return out


@pytest.mark.parametrize(("power", "steps", "expected"), [
    ("CF-001", "S2 S3 S4 S5", {"skipped": ["S1"]}),
    ("CF-001", "S1 S2 S4 S5", {"skipped": ["S3"]}),
    ("CF-001", "S1 S2 S3 S4 S4 S5", {"repeated": ["S4"]}),
    ("CF-001", "S1 S2 S3 S2 S3 S4 S5", None),                     # 退回补充调查: a loop the flow allows
    ("XK-001", "S1 S2 S3 S5 S4", {"extra": ["S5"]}),
    ("XK-001", "S1 S3 S2 S4", {"out_of_order": ["S3"]}),
])
def test_deviating_case_is_aligned_with_its_flow(reg_root: Path, tmp_path: Path, power: str, steps: str,
                                                 expected: dict[str, list[str]] | None) -> None:
    """Each deviating case says how it deviates: skipped, extra, out of order, repeated, with the step names."""
    p = tmp_path / "seq.csv"
    p.write_text("\n".join([ESC_ROWS, *_seq_rows("A1", power, steps)]) + "\n", encoding="utf-8")
    r = run_monitor(Register(reg_root), [p], AS_OF, closed=True)
    case = next((c for c in r.cases if c["case_id"] == "A1"), None)
    al = case["alignment"] if case else None
    if expected is None:
        assert al is None
        return
    assert al is not None
    assert {k: al[k] for k in ("skipped", "extra", "out_of_order", "repeated") if al[k]} == expected
    kind, ids = next(iter(expected.items()))
    names = {m["step"]: m["name"] for m in al["moves"]}
    assert names[ids[0]] in al["text"]["zh"] and kind.replace("_", " ") in al["text"]["en"]
    row = next(x for x in r.to_dict()["explain"]["powers"] if x["authority"] == power)
    assert row["deviations"][kind]["cases"] == 1 and row["deviations"][kind]["share"] == 1.0
    assert row["deviations"][kind]["median_without"] is None and row["deviations"][kind]["median_with"] is not None


def test_throughput_per_power_and_step_against_limits(reg_root: Path, tmp_path: Path) -> None:
    """Median and P90 of throughput time per power and per step, over the limit counted; with/without deviation."""
    p = tmp_path / "tp.csv"
    rows = [ESC_ROWS, *_late_legal_case("T0", 4), *_late_legal_case("T1", 11, dt.timedelta(days=2)),
            *_seq_rows("T2", "CF-001", "S1 S2 S4 S5")]
    p.write_text("\n".join(rows) + "\n", encoding="utf-8")
    r = run_monitor(Register(reg_root), [p], AS_OF)
    row = next(x for x in r.to_dict()["explain"]["powers"] if x["authority"] == "CF-001")
    assert row["cases"] == row["closed"] == 3
    s3 = next(s for s in row["steps"] if s["step"] == "S3")
    assert s3["n"] == 2 and s3["limit"] == 5.0 and s3["kind"] == "工作日" and s3["over_limit"] == 1
    assert s3["p90"] == s3["max"] == 10.0 and s3["median"] == 5.5  # 1 and 10 working days
    tp = row["throughput"]
    assert tp["n"] == 3 and tp["limit"] == 90.0 and tp["kind"] == "自然日" and tp["over_limit"] == 0
    sk = row["deviations"]["skipped"]
    assert sk["cases"] == 1 and sk["median_with"] < sk["median_without"]


def test_progress_is_reported(reg_root: Path) -> None:
    calls: list[tuple[int, int]] = []
    run_monitor(Register(reg_root), [EVENTS / "license.csv"], AS_OF, progress=lambda d, t: calls.append((d, t)))
    size = (EVENTS / "license.csv").stat().st_size
    assert calls and calls[-1] == (size, size)


def test_counts_and_to_dict(reg_root: Path) -> None:
    r = run_monitor(Register(reg_root), [EVENTS / "penalty.csv", EVENTS / "license.csv"], AS_OF)
    d = r.to_dict("en")
    json.dumps(d, ensure_ascii=False)
    assert set(d) == {"as_of", "mode", "summary", "findings", "cases", "escalations", "counts", "explain"}
    assert set(d["counts"]) == {"unit", "authority", "step", "post", "risk"}
    unit = d["counts"]["unit"][0]
    assert unit["key"] == "county-amr" and unit["name"] == "示例县市场监督管理局"
    assert d["summary"]["红牌"] + d["summary"]["黄牌"] == d["summary"]["warned_cases"] == len(d["cases"])
    risks = {c["key"]: c for c in d["counts"]["risk"]}
    assert risks["county-amr/R-002"]["黄牌"] >= 1  # the tier deviation sits on 集体讨论决定 (S4)
    case = next(c for c in d["cases"] if c["case_id"] == "P-LATE")
    assert case["warning"] == "红牌" and case["disposal"] == "责令纠错" and case["codes"] == ["MON301"]


# -- the generator: precision and recall ---------------------------------------------------------------
@pytest.mark.parametrize("shuffle", [False, True])
def test_generator_truth_is_found_exactly(reg_root: Path, tmp_path: Path, shuffle: bool) -> None:
    reg = Register(reg_root)
    s = Synth(reg, 1500, seed=42, rate=0.25)
    events = list(s.events())
    if shuffle:
        random.Random(1).shuffle(events)
    p = tmp_path / "synth.csv"
    write_csv(p, iter(events))
    r = run_monitor(reg, [p], s.as_of)
    assert r.mode == ("buffered" if shuffle else "streaming")
    found = {c: v - {"MON501"} for c, v in by_case(r).items()}
    assert found == s.truth
    assert {k for v in s.truth.values() for k in v} >= {"MON101", "MON102", "MON201", "MON202", "MON301", "MON302",
                                                        "MON303", "MON304", "MON305", "MON306", "MON401", "MON402",
                                                        "MON403"}


def test_generator_is_deterministic_and_jsonl_equals_csv(reg_root: Path, tmp_path: Path) -> None:
    reg = Register(reg_root)
    a = list(generate_events(reg, 50, 7))
    assert a == list(generate_events(reg, 50, 7)) and a != list(generate_events(reg, 50, 8))
    write_csv(tmp_path / "g.csv", iter(a))
    write_jsonl(tmp_path / "g.jsonl", iter(a))
    r1 = run_monitor(reg, [tmp_path / "g.csv"], "2026-11-30T18:00")
    r2 = run_monitor(reg, [tmp_path / "g.jsonl"], "2026-11-30T18:00")
    assert by_case(r1) == by_case(r2)


# -- CLI -------------------------------------------------------------------------------------------
def test_cli_fail_on_exit_codes(runner, reg_root: Path) -> None:  # type: ignore[no-untyped-def]
    lic = str(EVENTS / "license.csv")
    base = ["monitor", "--root", str(reg_root), "--as-of", AS_OF]
    assert invoke(runner, *base, lic).exit_code == 0
    assert invoke(runner, *base, lic, "--fail-on", "红牌").exit_code == 1  # L-TIAOXIU
    ok = EVENTS / "license.csv"
    only_yellow = [line for line in ok.read_text(encoding="utf-8").splitlines() if "L-TIAOXIU" not in line]
    p = reg_root / "yellow.csv"
    p.write_text("\n".join(only_yellow) + "\n", encoding="utf-8")
    assert invoke(runner, *base, str(p), "--fail-on", "红牌").exit_code == 0
    assert invoke(runner, *base, str(p), "--fail-on", "黄牌").exit_code == 1
    assert invoke(runner, *base, str(p), "--fail-on", "yellow").exit_code == 1
    bad = invoke(runner, *base, str(p), "--fail-on", "橙牌")
    assert bad.exit_code == 2 and "--fail-on" in bad.stderr


def test_cli_json_and_csv(runner, reg_root: Path) -> None:  # type: ignore[no-untyped-def]
    pen = str(EVENTS / "penalty.csv")
    res = invoke(runner, "monitor", "--root", str(reg_root), "--as-of", AS_OF, "--format", "json", "--lang", "en", pen)
    assert res.exit_code == 0
    doc = json.loads(res.stdout)
    f = next(f for f in doc["findings"] if f["case_id"] == "P-SKIP")
    assert f["code"] == "MON102" and f["line"] == 9 and f["warning"] == "红牌"
    assert "法制审核 was skipped" in f["message"]
    assert doc["as_of"] == "2026-06-30T23:59:59"
    res = invoke(runner, "monitor", "--root", str(reg_root), "--as-of", "2026-06-30T08:00", "-f", "csv", pen)
    rows = list(csv.DictReader(res.stdout.splitlines()))
    assert rows and set(rows[0]) >= {"code", "warning", "disposal", "path", "line", "case_id", "step", "message"}
    actor = next(r for r in rows if r["case_id"] == "P-ACTOR")
    assert actor["code"] == "MON201" and json.loads(actor["columns"]) == {"经办科室": "执法一科"}


def test_cli_explains_deviations_in_text_and_json(runner, reg_root: Path) -> None:  # type: ignore[no-untyped-def]
    """Text: the warned-cases table says how a case deviated, and the throughput tables follow; --no-explain drops them."""
    pen = str(EVENTS / "penalty.csv")
    res = invoke(runner, "monitor", "--root", str(reg_root), "--as-of", AS_OF, "--lang", "en", pen)
    assert res.exit_code == 0
    assert "skipped: 法制审核" in res.stdout and "Throughput time against the limits" in res.stdout
    assert "5 working days" in res.stdout and "Cases deviating from the flow" in res.stdout
    res = invoke(runner, "monitor", "--root", str(reg_root), "--as-of", AS_OF, "-f", "json", "--no-explain", pen)
    doc = json.loads(res.stdout)
    assert doc["explain"] == {"powers": []} and all(c["alignment"] is None for c in doc["cases"])
    res = invoke(runner, "monitor", "--root", str(reg_root), "--as-of", AS_OF, "--lang", "en", "--no-explain", pen)
    assert "Throughput time" not in res.stdout and "skipped: 法制审核" not in res.stdout


def test_cli_text_and_errors(runner, reg_root: Path) -> None:  # type: ignore[no-untyped-def]
    pen = str(EVENTS / "penalty.csv")
    res = invoke(runner, "monitor", "--root", str(reg_root), "--as-of", AS_OF, "--lang", "zh", pen)
    assert res.exit_code == 0
    assert "预警案件" in res.stdout and "按风险点" in res.stdout and "法制审核 被跳过" in res.stdout
    assert "14 个案件" in res.stdout
    missing = invoke(runner, "monitor", "--root", str(reg_root), str(reg_root / "nope.csv"))
    assert missing.exit_code == 2 and "nope.csv" in missing.stderr
    bad = invoke(runner, "monitor", "--root", str(reg_root), "--as-of", "soon", pen)
    assert bad.exit_code == 2
    fmt = invoke(runner, "monitor", "--root", str(reg_root), "--format", "xml", pen)
    assert fmt.exit_code == 2
    helptext = invoke(runner, "monitor", "--help")
    assert "Example:" in helptext.stdout


def test_text_report_colour_and_control_characters(reg_root: Path, tmp_path: Path) -> None:
    """On a terminal the warnings are coloured (the SGR codes were escaped with the rest of the text, so a
    terminal showed "\\x1b[1;31m"); a control character from the log is still shown escaped, coloured or not."""
    from lfk.cli.monitor import format_text
    from lfk.core.safe import printable

    src = (EVENTS / "penalty.csv").read_text(encoding="utf-8")
    log = tmp_path / "ctl.csv"
    log.write_text(src.replace("P-SKIP", "P-SK\x1b]0;IP", 1), encoding="utf-8")
    result = run_monitor(Register(reg_root), [str(log)], AS_OF)
    coloured = format_text(result, "zh", True)
    assert "\x1b[1;31m红牌\x1b[0m" in coloured and "\x1b]" not in coloured and "P-SK\\x1b]0;IP" in coloured
    plain = printable(format_text(result, "zh", False), newlines=True)
    assert "\x1b" not in plain and "P-SK\\x1b]0;IP" in plain and "┃ 案件" in plain


# -- time-zone notation (issue 19, item 12): the same instants give the same verdicts -------------------
def _renotate(src: Path, dst: Path, how: str, first: str | None = None) -> Path:
    """``src`` with every time moved 9 hours earlier (so that steps cross midnight in UTC) and written
    naive (北京时间), as +08:00, as Z, or alternately as both."""
    cst = dt.timezone(dt.timedelta(hours=8))
    lines = src.read_text(encoding="utf-8").splitlines()
    out = [lines[0]] + ([first] if first else [])
    for n, line in enumerate(lines[1:]):
        cells = line.split(",")
        for k in (6, 7):
            t = (dt.datetime.fromisoformat(cells[k]) - dt.timedelta(hours=9)).replace(tzinfo=cst)
            use_z = how == "Z" or (how == "mixed" and (n + k) % 2)
            if how == "naive":
                cells[k] = t.replace(tzinfo=None).isoformat()
            else:
                cells[k] = t.astimezone(dt.UTC).isoformat().replace("+00:00", "Z") if use_z else t.isoformat()
        out.append(",".join(cells))
    dst.write_text("\n".join(out) + "\n", encoding="utf-8")
    return dst


def _verdicts(result) -> dict[str, list[tuple[str, str | None]]]:  # type: ignore[no-untyped-def]
    out: dict[str, list[tuple[str, str | None]]] = {}
    for f in result.findings:
        if "case_id" in f.extra:
            out.setdefault(f.extra["case_id"], []).append((f.code, f.extra.get("warning")))
    return {k: sorted(v, key=str) for k, v in out.items()}


@pytest.mark.parametrize("log", ["license.csv", "penalty.csv"])
def test_verdicts_do_not_depend_on_the_time_zone_notation(reg_root: Path, tmp_path: Path, log: str) -> None:
    reg = Register(reg_root)
    plain = _verdicts(run_monitor(reg, [_renotate(EVENTS / log, tmp_path / "naive.csv", "naive")], AS_OF))
    assert plain
    for how in ("+08:00", "Z", "mixed"):
        r = run_monitor(reg, [_renotate(EVENTS / log, tmp_path / f"{how}.csv", how)], AS_OF)
        assert _verdicts(r) == plain, how
    # an unrelated case written in UTC first changes no other case
    other = "AAA-UTC,county-amr,XK-001,S1,P-window,赵六,2026-03-01T23:30:00Z,2026-03-02T00:30:00Z,,"
    r = run_monitor(reg, [_renotate(EVENTS / log, tmp_path / "first.csv", "+08:00", other)], AS_OF)
    assert {k: v for k, v in _verdicts(r).items() if k != "AAA-UTC"} == plain


def test_slashed_times_with_an_offset_are_the_same_instants(reg_root: Path, tmp_path: Path) -> None:
    reg = Register(reg_root)
    plain = _verdicts(run_monitor(reg, [EVENTS / "license.csv"], AS_OF))
    lines = (EVENTS / "license.csv").read_text(encoding="utf-8").splitlines()
    out = [lines[0]]
    for line in lines[1:]:
        cells = line.split(",")
        for k in (6, 7):
            t = dt.datetime.fromisoformat(cells[k]).replace(tzinfo=dt.timezone(dt.timedelta(hours=8)))
            cells[k] = t.astimezone(dt.UTC).strftime("%Y/%m/%d %H:%M:%S+00:00")
        out.append(",".join(cells))
    p = tmp_path / "slashed.csv"
    p.write_text("\n".join(out) + "\n", encoding="utf-8")
    assert _verdicts(run_monitor(reg, [p], AS_OF)) == plain


def test_as_of_with_an_offset_is_the_same_instant(reg_root: Path) -> None:
    reg = Register(reg_root)
    a = _verdicts(run_monitor(reg, [EVENTS / "penalty.csv"], "2026-06-30T23:59:59+08:00"))
    b = _verdicts(run_monitor(reg, [EVENTS / "penalty.csv"], "2026-06-30T15:59:59Z"))
    c = _verdicts(run_monitor(reg, [EVENTS / "penalty.csv"], "2026-06-30"))
    assert a == b == c


@pytest.mark.parametrize("stamp", ["0001-01-01T00:00:00+14:00", "9999-12-31T23:59:59-12:00", "2026-03-02T09:00+23:59"])
def test_a_time_offset_that_overflows_is_a_bad_row(reg_root: Path, tmp_path: Path, stamp: str) -> None:
    p = tmp_path / "odd.csv"
    p.write_text("case_id,unit,authority,step,actor_post,actor_person,started_at,finished_at,amount,tier\n"
                 f"X-1,county-amr,XK-001,S1,P-window,赵六,{stamp},2026-03-02T11:00,,\n", encoding="utf-8")
    r = run_monitor(Register(reg_root), [p], AS_OF)
    assert r.summary["rows"] == 1
    if "+23:59" not in stamp:
        assert [f.code for f in r.findings] == ["MON007"]


@pytest.mark.parametrize("as_of", ["9999-12-31T23:59:59+14:00", "0001-01-01T00:00:00-12:00", "9999-12-31",
                                   "0001-01-01"])
def test_an_extreme_as_of_is_one_line_exit_2(runner, reg_root: Path, as_of: str) -> None:  # type: ignore[no-untyped-def]
    r = invoke(runner, "monitor", str(EVENTS / "license.csv"), "--root", str(reg_root), "--as-of", as_of)
    assert r.exit_code == 2 and len(r.output.strip().splitlines()) == 1 and "--as-of" in r.output, r.output


def test_a_deeply_nested_json_line_is_a_bad_row(reg_root: Path, tmp_path: Path) -> None:
    p = tmp_path / "deep.jsonl"
    good = ('{"case_id":"J-2","unit":"county-amr","authority":"XK-001","step":"S1","started_at":"2026-03-02T09:00",'
            '"finished_at":"2026-03-02T10:00","备注":' + '{"a":' * 900 + "1" + "}" * 900 + "}")
    p.write_text("[" * 100000 + "]" * 100000 + "\n" + '{"case_id": "J-1", "x": ' + "[" * 5000 + "]" * 5000 + "}\n"
                 + good + "\n", encoding="utf-8")
    r = run_monitor(Register(reg_root), [p], AS_OF)
    assert [(f.code, f.line) for f in r.findings if f.code == "MON003"] == [("MON003", 1), ("MON003", 2)]
    assert r.summary["cases"] == 1
    json.dumps(r.to_dict("en"))  # the nested extra column is one text cell


def test_a_very_long_deviating_case_is_not_aligned(reg_root: Path, tmp_path: Path) -> None:
    """A case of more than MAX_ALIGN events keeps its findings but gets no alignment (the search would grow)."""
    from lfk.monitor.explain import MAX_ALIGN

    p = tmp_path / "long.csv"
    p.write_text("\n".join([ESC_ROWS, *_seq_rows("LONG", "CF-001", " ".join(["S1"] + ["S2"] * MAX_ALIGN + ["S4", "S5"]))])
                 + "\n", encoding="utf-8")
    r = run_monitor(Register(reg_root), [p], AS_OF)
    case = next(c for c in r.cases if c["case_id"] == "LONG")
    assert "MON102" in case["codes"] and case["alignment"] is None
