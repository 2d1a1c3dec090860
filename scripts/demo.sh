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
if "$lfk" site --help >/dev/null 2>&1; then
  step site "$out/site-public" --root "$root" --audience public --as-of 2026-12-01
  step site "$out/site-internal" --root "$root" --audience internal --as-of 2026-12-01
fi
if "$lfk" score --help >/dev/null 2>&1; then
  step score --root "$root" --as-of 2026-12-01
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
echo "  $out/lint.json                  (lint findings as JSON)"
exit $status
