#!/usr/bin/env bash
# bench/mapping: event-source mappings, from a put to the handler (issue 6, "Performance").
#
#   bench/mapping/run.sh        # about a minute; writes bench/mapping/results.json
#
# Measures, against an engine it starts itself (see mapping_bench.py for the method):
#   - latency from put to handler invocation at low load (one record every 20 ms), p50 and
#     p99 (targets: p50 <= 5 ms, p99 <= 25 ms);
#   - sustained records/s through a no-op python handler and a no-op `provided` handler,
#     BatchSize 1000, records loaded into the stream first.
# There is no peer to run in the same run: kinesalite has no Lambda, and LocalStack (whose
# poller waits about a second between polls) is not installable from this machine's registries.
#
# Knobs (environment): LATENCY_RECORDS (500), GAP_MS (20), RECORDS (200000), SHARDS (4),
# BUILD_DIR (build), RESULTS. Needs Debian's python3 with boto3.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)
build=${BUILD_DIR:-$root/build}
bin=$build/src/streamform
[[ -x $bin ]] || { echo "no $bin: build first (cmake --build $build)" >&2; exit 1; }
exec /usr/bin/python3 "$here/mapping_bench.py" --bin "$bin" \
  --results "${RESULTS:-$here/results.json}" \
  --latency-records "${LATENCY_RECORDS:-500}" --gap-ms "${GAP_MS:-20}" \
  --records "${RECORDS:-200000}" --shards "${SHARDS:-4}"
