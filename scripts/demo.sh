#!/usr/bin/env bash
# `make demo`: run lfk over the demo register in registers/ and leave things to look at in build/demo/.
set -uo pipefail
lfk="$1"; out="$2"
root=registers
rm -rf "$out"; mkdir -p "$out"
status=0
step() { echo; echo "\$ lfk $*"; "$lfk" "$@" || { rc=$?; [ $rc -ne 0 ] && status=$rc; }; }
step lint --root "$root" --as-of 2026-12-01
step lint --root "$root" --as-of 2026-12-01 --format json --output "$out/lint.json"
if "$lfk" grade --help >/dev/null 2>&1; then
  step grade --root "$root" --as-of 2026-12-01
  "$lfk" grade --root "$root" --format markdown > "$out/grades.md" 2>/dev/null || true
fi
if "$lfk" render --help >/dev/null 2>&1; then
  step render --root "$root" --out "$out/flows" --format svg
  "$lfk" render --root "$root" --out "$out/flows-png" --format png >/dev/null 2>&1 || true
fi
py="$(dirname "$lfk")/python"
echo; echo "\$ python -m lfk.testing.synth registers 400 7 $out/events.csv   # a generated case log (电子监察 demo data)"
# plus scripts/demo-recent-cases.csv: a case of last week, so that a warning is still 待处置 (within its deadline)
recent=scripts/demo-recent-cases.csv
"$py" -m lfk.testing.synth "$root" 400 7 "$out/events.csv" >/dev/null && {
  step monitor "$out/events.csv" "$recent" --root "$root"
  "$lfk" monitor "$out/events.csv" "$recent" --root "$root" --format json --output "$out/monitor.json" >/dev/null 2>&1 || true
  # 预警处置: warnings past their deadline without a record in dispositions.yaml fail lint (LFK804)
  # (exit 1 expected here: the demo keeps some warnings undisposed on purpose, so it does not fail make demo)
  echo; echo "\$ lfk lint --root $root --as-of 2026-11-30 --events $out/events.csv --events $recent --select LFK8"
  "$lfk" lint --root "$root" --as-of 2026-11-30 --events "$out/events.csv" --events "$recent" --select LFK8 || true
  # lfk dispose on a scratch copy: record the disposal of the overdue 红牌 W-bee5d920, then its 整改
  rm -rf "$out/dispose-demo" && cp -r "$root" "$out/dispose-demo"
  step dispose W-bee5d920 --root "$out/dispose-demo" --events "$out/events.csv" --by P-disc --date 2026-11-30 --deadline 2026-12-31 --ref 城投纪〔2026〕15号
  step dispose W-bee5d920 --root "$out/dispose-demo" --unit county-cti --result 整改完成 --result-date 2026-12-01
  # review reminders: what falls due in the next 30 days per unit and owner, and a calendar file to import
  step due --root "$root" --as-of 2026-12-01 --within 30 --events "$out/events.csv" --events "$recent"
  "$lfk" due --root "$root" --as-of 2026-12-01 --within 90 --events "$out/events.csv" --events "$recent" \
    --format ics --output "$out/due.ics" >/dev/null 2>&1 || true
}
step site "$out/site-public" --root "$root" --audience public --as-of 2026-12-01
step site "$out/site-internal" --root "$root" --audience internal --as-of 2026-12-01 --events "$out/events.csv" --events "$recent"
# the yearly review (动态管理): two tagged revisions of the register in a scratch repository
review="$out/review-repo"
rm -rf "$review" && mkdir -p "$review" && cp -r "$root" "$review/registers"
export GIT_AUTHOR_NAME=demo GIT_AUTHOR_EMAIL=demo@example.invalid GIT_COMMITTER_NAME=demo GIT_COMMITTER_EMAIL=demo@example.invalid
( cd "$review" && git init -q && git add -A && GIT_AUTHOR_DATE=2025-12-01T10:00:00+08:00 GIT_COMMITTER_DATE=2025-12-01T10:00:00+08:00 \
  git commit -qm "2025 register" && git tag v2025 ) >/dev/null
"$py" - "$review/registers" <<'PYEOF'
import pathlib, sys
root = pathlib.Path(sys.argv[1]) / "units" / "county-amr"
risks = root / "risks.yaml"
text = risks.read_text(encoding="utf-8")
risks.write_text(text.replace("harm: 3}", "harm: 4}", 1), encoding="utf-8")
measures = root / "measures.yaml"
measures.write_text(measures.read_text(encoding="utf-8") + (
    "  - id: M-99\n    risks: [R-01]\n    kind: 监督检查\n    description: 每季度抽查许可案卷，结果在局务会通报。\n"
    "    owner: P-deputy-admin\n    due: 2027-03-31\n    status: 计划\n    effect: 未评估\n"), encoding="utf-8")
PYEOF
( cd "$review" && GIT_AUTHOR_DATE=2026-12-01T10:00:00+08:00 GIT_COMMITTER_DATE=2026-12-01T10:00:00+08:00 \
  git commit -qam "2026 review" && git tag v2026 ) >/dev/null
step diff v2025 v2026 --root "$review/registers"
"$lfk" diff v2025 v2026 --root "$review/registers" --format html --out "$out/review-2026.html" >/dev/null 2>&1 || true
# the register as it stood: one risk's history, and the county's score at last year's tag next to this year's
step log county-amr/R-01 --root "$review/registers"
step trend county-amr --root "$review/registers"
step score county-amr --root "$review/registers" --at 2025-12-31 --as-of 2025-12-31
# law-change impact (clause 13): everything citing 行政处罚法 第六十条, and what changed since last year
step impact 《中华人民共和国行政处罚法》 --article 第六十条 --root "$root"
step impact 《中华人民共和国行政处罚法》 --since v2025 --root "$review/registers"
# verifiable publication: a public site built from the v2026 tag verifies; a tampered copy does not
step site "$out/site-v2026" --root "$review/registers" --rev v2026 --audience public --quiet
step verify-site "$out/site-v2026" --root "$review/registers"
rm -rf "$out/site-tampered" && cp -r "$out/site-v2026" "$out/site-tampered"
"$py" - "$out/site-tampered" <<'PYEOF'
import pathlib, sys
page = sorted(pathlib.Path(sys.argv[1]).glob("units/*/powers/*.html"))[0]
page.write_text(page.read_text(encoding="utf-8").replace("罚款", "警告", 1), encoding="utf-8")
print(f"(tampered with {page})")
PYEOF
echo; echo "\$ lfk verify-site $out/site-tampered --root $review/registers   # must fail"
if "$lfk" verify-site "$out/site-tampered" --root "$review/registers"; then echo "ERROR: a tampered site verified"; status=1; fi
# baselines (#18): 城关市场监管所 (registers-town/) adopts the city's standard unit amr-std (registers-baseline/)
# and tailors it twice: CF-02 dropped with its reason, JC-01's time limit changed
town=registers-town
step lint --root "$town" --as-of 2026-12-01
step explain county-amr-town/JC-01 --root "$town"
step explain county-amr-town/CF-02 --root "$town"
# the baseline in git: the unit pins tag v2026; upstream then tags v2027 (CF-02 removed, JC-01's limit changed)
bl="$out/baseline-repo"; pinned="$out/town-pinned"
rm -rf "$bl" "$pinned" && cp -r registers-baseline "$bl" && cp -r "$town" "$pinned"
( cd "$bl" && git init -q && git add -A && GIT_AUTHOR_DATE=2026-01-10T10:00:00+08:00 GIT_COMMITTER_DATE=2026-01-10T10:00:00+08:00 \
  git commit -qm "2026 baseline" && git tag v2026 ) >/dev/null
"$py" - "$bl" "$pinned" <<'PYEOF'
import pathlib, sys
auth = pathlib.Path(sys.argv[1]) / "units" / "amr-std" / "authorities.yaml"
text = auth.read_text(encoding="utf-8")
text = text[:text.index("  - id: CF-02\n")] + text[text.index("  - id: JC-01\n"):]
auth.write_text(text.replace("time_limit: {days: 15, kind: 工作日}", "time_limit: {days: 12, kind: 工作日}"), encoding="utf-8")
cfg = pathlib.Path(sys.argv[2]) / "lfk.yaml"
cfg.write_text(cfg.read_text(encoding="utf-8").replace("  path: ../registers-baseline\n",
               "  path: ../baseline-repo\n  rev: v2026\n"), encoding="utf-8")
PYEOF
( cd "$bl" && GIT_AUTHOR_DATE=2027-01-10T10:00:00+08:00 GIT_COMMITTER_DATE=2027-01-10T10:00:00+08:00 \
  git commit -qam "2027 baseline" && git tag v2027 ) >/dev/null
echo; echo "\$ lfk baseline diff --to v2027 --root $pinned   # exit 1: both tailorings now conflict"
"$lfk" baseline diff --to v2027 --root "$pinned" || true
# roll-up: the county's register and the town's (a separate repository) in one ranking and one table
step score --root "$root" --also "$town" --as-of 2026-12-01
step export --root "$root" --also "$town" --format xlsx --out "$out/county-rollup.xlsx"
if "$lfk" score --help >/dev/null 2>&1; then
  step score --root "$root" --as-of 2026-12-01
  [ -f "$out/events.csv" ] && step score --root "$root" --as-of 2026-12-01 --events "$out/events.csv" --events "$recent"
fi
if "$lfk" export --help >/dev/null 2>&1; then
  step export --root "$root" --format xlsx --out "$out/register.xlsx"
fi
echo
echo "Done. Look at:"
[ -d "$out/site-public" ] && echo "  $out/site-public/index.html    (the public disclosure site; open it in a browser)"
[ -d "$out/site-internal" ] && echo "  $out/site-internal/index.html  (the internal site: risks, grades, heat map)"
[ -d "$out/flows" ] && echo "  $out/flows/                     (权力运行流程图 as SVG; PNG in $out/flows-png/)"
[ -f "$out/register.xlsx" ] && echo "  $out/register.xlsx              (the tables officers file)"
[ -f "$out/review-2026.html" ] && echo "  $out/review-2026.html           (年度动态调整报告: what changed between two revisions)"
[ -f "$out/due.ics" ] && echo "  $out/due.ics                    (lfk due: reviews, measures, disposal and 整改 deadlines, expiries as iCalendar)"
[ -f "$out/monitor.json" ] && echo "  $out/monitor.json               (电子监察: warnings on the generated case log)"
[ -d "$out/site-v2026" ] && echo "  $out/site-v2026/                (public site of tag v2026 with lfk-publication.json; lfk verify-site checks it)"
[ -f "$out/site-v2026/verify.html" ] && echo "  $out/site-v2026/verify.html     (核验本网站: checks the site's digests in the browser, offline; try site-tampered/ too)"
[ -f "$out/county-rollup.xlsx" ] && echo "  $out/county-rollup.xlsx         (roll-up: the county's register and registers-town/ in one workbook)"
echo "  $out/lint.json                  (lint findings as JSON)"
exit $status
