#!/usr/bin/env bash
# `npm test`: the test stages one after another (npm has run scripts/test-prerequisites.sh
# first, as `pretest`). Every stage runs even when one before it failed, so that a failing
# unit test does not hide what the fault and browser suites would say; a table of results
# and durations ends the run, and it exits non-zero if any stage failed.
set -euo pipefail
cd "$(dirname "$0")/.."

# One command runs several stages, so there is no one place for arguments to go.
if [ $# -gt 0 ]; then
  echo "npm test takes no arguments; to run one project with them: npm run test:unit -- $*" >&2
  exit 2
fi

results=()
failed=0
stage() { # stage NAME COMMAND...
  local name=$1 start=$SECONDS status=0
  shift
  echo "== $name: $*"
  "$@" || status=$?
  [ "$status" = 0 ] || failed=1
  results+=("$(printf '%-16s %-7s %7d' "$name" "$([ "$status" = 0 ] && echo passed || echo FAILED)" $((SECONDS - start)))")
}
summary() {
  printf '\n%-16s %-7s %7s\n' Stage Result Seconds
  if [ ${#results[@]} -gt 0 ]; then printf '%s\n' "${results[@]}"; fi
}
# Ctrl-C stops the whole run rather than moving on to the next stage.
trap 'summary; echo interrupted; exit 130' INT TERM

# Three workers on any machine: these tests wait on PostgreSQL, Redis and timers more than
# on a core, so three halve the stage on two cores, and more would crowd PostgreSQL's
# default 100 connections (each test app opens pools of its own).
stage 'unit medium e2e' npx jest --selectProjects unit medium e2e --maxWorkers=3
# The fault and browser suites together, two files at a time: most of a fault file is waiting
# (for a restart, an expiry, a failover), and the timing bounds they assert hold with a
# neighbour on the other core. `npm run test:faults` and `test:browser` run each alone.
stage 'faults browser' npx jest --selectProjects faults browser --maxWorkers=2

summary
exit "$failed"
