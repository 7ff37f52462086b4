#!/usr/bin/env bash
# Runs the template fuzzer for a bounded time: run.sh FUZZER SECONDS CORPUS_DIR
# The seed corpus is copied so that new inputs the fuzzer finds stay out of the repo.
set -euo pipefail
fuzzer=$1 seconds=$2 seeds=$3
if [ ! -x "$fuzzer" ]; then
  echo "fuzzer not built: $fuzzer (ci/test.sh builds it with clang)" >&2
  exit 1
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/corpus"
find "$seeds" -type f \( -name '*.yaml' -o -name '*.json' -o -name '*.bin' \) -exec cp {} "$work/corpus/" \; 2>/dev/null || true
"$fuzzer" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
  -artifact_prefix="$work/" "$work/corpus" 2>"$work/log" || {
  tail -n 60 "$work/log" >&2
  for crash in "$work"/crash-* "$work"/timeout-* "$work"/leak-* "$work"/oom-*; do
    [ -f "$crash" ] && { echo "reproducer $crash:" >&2; base64 "$crash" >&2; }
  done
  exit 1
}
grep -E '^stat::(number_of_executed_units|peak_rss_mb)' "$work/log"
