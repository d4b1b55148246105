#!/usr/bin/env bash
# Runs xsr (Xen Scheduler Review) on the scheduler code of a merge request and
# reports only the findings the merge request adds: the scheduler folder is
# checked at the merge request's base and at its head, and the head's report
# is compared with the base's (`xsr check --baseline`: same code, same
# function, same message with line numbers left out). Meant for Xen's GitLab
# CI (docs/ci/xen-gitlab.md has the job); runs the same way on a laptop:
#
#   XSR=/path/to/xsr docs/ci/xsr-sched-check.sh [BASE]
#
# BASE is a commit (default: $CI_MERGE_REQUEST_DIFF_BASE_SHA, else the merge
# base with origin/$CI_DEFAULT_BRANCH, else HEAD~1). Run it at the top of a Xen
# checkout. Writes, in $XSR_OUT (default: the current folder):
#   gl-code-quality-report.json  the new findings, GitLab Code Quality
#   xsr.sarif                    the same, SARIF 2.1.0
#   xsr-base.json, xsr-head.json the full reports of both commits
# $XSR_CONFIG names an xsr configuration (extra lock helpers and attribute
# macros). Exit status: 0 when nothing new reaches $XSR_FAIL_ON (default:
# error), 1 when something does, 2 when the check could not run.
set -euo pipefail

XSR=${XSR:-xsr}
# A path (not a command on PATH) stays valid when the base commit is checked in another folder.
case $XSR in */*) XSR=$(realpath "$XSR") ;; esac
OUT=${XSR_OUT:-.}
FAIL_ON=${XSR_FAIL_ON:-error}
CONFIG=()
if [ -n "${XSR_CONFIG:-}" ]; then CONFIG=(--config "$(realpath "$XSR_CONFIG")"); fi
# The scheduler: today's folder, and before Xen 4.13 schedule.c and the sched_*.c of each scheduler.
PATHS=(xen/common/sched xen/common/schedule.c 'xen/common/sched_*')

die() {
  echo "xsr-sched-check: $*" >&2
  exit 2
}

git rev-parse --is-inside-work-tree >/dev/null 2>&1 || die "not inside a git checkout"
cd "$(git rev-parse --show-toplevel)"
mkdir -p "$OUT"

base=${1:-${CI_MERGE_REQUEST_DIFF_BASE_SHA:-}}
if [ -z "$base" ] && [ -n "${CI_DEFAULT_BRANCH:-}" ]; then
  base=$(git merge-base "origin/$CI_DEFAULT_BRANCH" HEAD 2>/dev/null || true)
fi
base=${base:-HEAD~1}
git rev-parse --verify --quiet "$base^{commit}" >/dev/null || die "no such commit: $base (fetch more history: GIT_DEPTH=0)"

# The scheduler paths that exist at a commit (the folder, or the files of the older layout).
present() {
  local commit=$1
  git cat-file -e "$commit:xen/common/sched" 2>/dev/null && echo xen/common/sched
  git ls-tree --name-only "$commit" xen/common/ | grep -E '^xen/common/sched(ule|_[^/]*)\.[ch]$' || true
}

changed=$(git diff --name-only "$base" HEAD -- "${PATHS[@]}" | grep -E '\.[ch]$' || true)
if [ -z "$changed" ]; then
  echo "xsr-sched-check: no scheduler file changed since $(git rev-parse --short "$base")"
  echo '[]' >"$OUT/gl-code-quality-report.json"
  exit 0
fi
echo "xsr-sched-check: scheduler files changed since $(git rev-parse --short "$base"):"
printf '%s\n' "$changed" | sed 's/^/  /'

# The base commit's scheduler code, in a scratch folder with the same layout, so
# that both reports name the same relative paths.
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
mapfile -t base_paths < <(present "$base")
mapfile -t head_paths < <(present HEAD)
[ "${#head_paths[@]}" -gt 0 ] || die "no scheduler code at HEAD"

status=0
if [ "${#base_paths[@]}" -gt 0 ]; then
  git archive "$base" -- "${base_paths[@]}" | tar -x -C "$scratch"
  (cd "$scratch" && "$XSR" check ${CONFIG[@]+"${CONFIG[@]}"} --format json --fail-on none "${base_paths[@]}") >"$OUT/xsr-base.json" || die "xsr failed on $base"
else
  echo '{ "version": 1, "files": [], "summary": { "files": 0, "functions": 0, "diagnostics": 0, "ms": 0 } }' >"$OUT/xsr-base.json"
fi
"$XSR" check ${CONFIG[@]+"${CONFIG[@]}"} --format json --fail-on none "${head_paths[@]}" >"$OUT/xsr-head.json" || die "xsr failed on HEAD"

# The new findings, in each format; the text goes to the job's log.
"$XSR" check ${CONFIG[@]+"${CONFIG[@]}"} --baseline "$OUT/xsr-base.json" --format codequality --fail-on none "${head_paths[@]}" \
  >"$OUT/gl-code-quality-report.json" 2>/dev/null || die "xsr failed writing the Code Quality report"
"$XSR" check ${CONFIG[@]+"${CONFIG[@]}"} --baseline "$OUT/xsr-base.json" --format sarif --fail-on none "${head_paths[@]}" \
  >"$OUT/xsr.sarif" 2>/dev/null || die "xsr failed writing SARIF"
"$XSR" check ${CONFIG[@]+"${CONFIG[@]}"} --baseline "$OUT/xsr-base.json" --no-color --fail-on "$FAIL_ON" "${head_paths[@]}" || status=$?
case $status in
  0 | 1) exit $status ;;
  *) die "xsr check exited with $status" ;;
esac
