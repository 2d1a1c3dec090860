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
}
step site "$out/site-public" --root "$root" --audience public --as-of 2026-12-01
step site "$out/site-internal" --root "$root" --audience internal --as-of 2026-12-01 --events "$out/events.csv" --events "$recent"
# the yearly review (动态管理): two tagged revisions of the register in a scratch repository
review="$out/review-repo"
rm -rf "$review" && mkdir -p "$review" && cp -r "$root" "$review/registers"
export GIT_AUTHOR_NAME=demo GIT_AUTHOR_EMAIL=demo@example.invalid GIT_COMMITTER_NAME=demo GIT_COMMITTER_EMAIL=demo@example.invalid
( cd "$review" && git init -q && git add -A && git commit -qm "2025 register" && git tag v2025 ) >/dev/null
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
( cd "$review" && git commit -qam "2026 review" && git tag v2026 ) >/dev/null
step diff v2025 v2026 --root "$review/registers"
"$lfk" diff v2025 v2026 --root "$review/registers" --format html --out "$out/review-2026.html" >/dev/null 2>&1 || true
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
[ -f "$out/monitor.json" ] && echo "  $out/monitor.json               (电子监察: warnings on the generated case log)"
echo "  $out/lint.json                  (lint findings as JSON)"
exit $status
