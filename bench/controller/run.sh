#!/usr/bin/env bash
# bench/controller: the controller's plan and apply, timed as a user runs them.
#
#   bench/controller/run.sh        # about a minute; writes bench/controller/results.json
#
# What it measures (issue 5, "Performance"), each as wall time of the `streamform` CLI from
# spawn to exit (a fresh process per command, as in a terminal or a CI step), against engines
# it starts itself (`engine start --data-dir <temp> --port 0`, SigV4 on, default durability):
#
#  1. plan of a 1,000-resource stack the engine holds (target: 300 ms or less). gen_project.py
#     writes a project (streamform.yaml + stacks/load.yaml) of 500 single-shard Kinesis streams
#     and 500 S3 buckets wired with !Ref, !GetAtt and !Sub (each bucket named after its stream
#     and tagged with its Arn; names carry the stage). One `apply --yes` (timed, but not a
#     target), then 10 runs each (after one warm-up) of `plan --output json` (checked: no
#     changes, 1,000 unchanged), `plan --detailed-exitcode` (checked: exit 0), and the same two
#     with one ShardCount edited 1 -> 2 (checked: one Modify; exit 2). Median, p90, min, max.
#  2. apply of 100 new resources into an empty stage (target: 2 s or less): 50 streams + 50
#     buckets, `apply --yes` (its plan included), then `destroy --yes`, 5 times in a fresh
#     engine; both timed; the plan between them is checked to be empty. Then one apply and
#     destroy at 200 and 400 resources (SCALE_PAIRS), to show how apply grows.
#  3. resource limits: the engine's open files with 500 streams (by kind), its RLIMIT_NOFILE,
#     and what a lower soft limit (ulimit -Sn LOW_NOFILE) does: restarting the engine that
#     holds 500 streams, and creating LOW_NOFILE streams in a fresh engine.
#
# For every apply and destroy the JSON event lines are timestamped as they arrive, which
# splits the wall time into: before the first progress event (reading state, planning,
# locking), the operations, and after the last event (recording the result). CLI CPU (user +
# sys of the child) and engine CPU (/proc/PID/stat) are recorded next to each figure.
#
# The engine allows 500 shards per account (as AWS's default), so the apply runs use a second
# engine, not the one holding the 500 streams. There is no peer to compare with here:
# CloudFormation is not reachable from this machine, and no local CloudFormation-compatible
# tool is installed.
#
# Knobs (environment): PLAN_PAIRS (500), PLAN_RUNS (10), APPLY_PAIRS (50), APPLY_RUNS (5),
# SCALE_PAIRS ("100 200"; "" skips), LOW_NOFILE (256; 0 skips), STEP_TIMEOUT (300 s per
# command), BUILD_DIR, RESULTS. Needs python3 (standard library only) and findmnt.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)
build=${BUILD_DIR:-$root/build}
results=${RESULTS:-$here/results.json}
PY=${PYTHON:-python3}

log() { printf '[run.sh %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }

work=$(mktemp -d "${TMPDIR:-/tmp}/controller-bench.XXXXXX")
driver_pid=""
cleanup() {
  local status=$?
  if [[ -n "$driver_pid" ]]; then
    kill -TERM "$driver_pid" 2>/dev/null || true
    wait "$driver_pid" 2>/dev/null || true
  fi
  # Any engine the driver could not stop (it stops them itself on exit).
  for data in "$work"/engine-*; do
    [[ -f "$data/engine.json" && -x "$work/streamform" ]] &&
      "$work/streamform" engine stop --data-dir "$data" >/dev/null 2>&1 || true
  done
  rm -rf "$work"
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

if [[ ! -x "$build/src/streamform" ]]; then
  log "building streamform in $build"
  cmake --build "$build" --target streamform -j2 >"$work/build.log" 2>&1 || {
    tail -40 "$work/build.log" >&2
    exit 1
  }
fi
# A run copy: others may relink the shared build directory while this runs.
for attempt in $(seq 30); do
  cp "$build/src/streamform" "$work/streamform" 2>/dev/null && "$work/streamform" --version >/dev/null 2>&1 && break
  ((attempt < 30)) || { log "$build/src/streamform does not run (being rebuilt?)"; exit 1; }
  sleep 2
done
log "$("$work/streamform" --version), built $(date -u -r "$build/src/streamform" +%Y-%m-%dT%H:%M:%SZ); work dir $work"

"$PY" "$here/controller_bench.py" --bin "$work/streamform" --work "$work" --results "$results" \
  --plan-pairs "${PLAN_PAIRS:-500}" --plan-runs "${PLAN_RUNS:-10}" \
  --apply-pairs "${APPLY_PAIRS:-50}" --apply-runs "${APPLY_RUNS:-5}" \
  --scale-pairs "${SCALE_PAIRS-100 200}" --low-nofile "${LOW_NOFILE:-256}" \
  --step-timeout "${STEP_TIMEOUT:-300}" &
driver_pid=$!
wait "$driver_pid"
status=$?
driver_pid=""
exit "$status"
