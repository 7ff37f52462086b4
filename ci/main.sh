#!/usr/bin/env bash
# The main job (README): installs what is missing, builds streamform, validates the reference
# project in stacks/ for stage dev and prints its dependency graph, starts the embedded engine
# if it is not running, plans and applies the stacks it can run (a second plan must be empty),
# puts the sample events into the applied stream and shows where they land: the objects the
# write-to-bucket function writes through its event-source mapping, and the objects the delivery
# stream writes for the forward-to-delivery function.
# The engine's data (build/main-engine) is kept between runs, so a second run of this job
# finds the stacks applied: its plan is empty and its apply has nothing to do.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
cd "$here"

ci/setup.sh --build-dir build
sf="$here/build/src/streamform"

echo
echo "== streamform validate --stage dev"
"$sf" --project stacks --stage dev validate

echo
echo "== streamform graph --stacks (stack order from exports and imports)"
"$sf" --project stacks --stage dev graph --stacks

echo
echo "== streamform graph (resources)"
"$sf" --project stacks --stage dev graph
"$sf" --project stacks --stage dev graph --format dot > build/stacks-dev.dot
echo "(Graphviz DOT written to build/stacks-dev.dot)"

echo
echo "== the engine (started if it is not running)"
engine_dir="$here/build/main-engine"
started=0
if ! "$sf" engine status --data-dir "$engine_dir" >/dev/null 2>&1; then
  "$sf" engine start --data-dir "$engine_dir" --port 0
  started=1
  trap '"$sf" engine stop --data-dir "$engine_dir" >/dev/null 2>&1 || true' EXIT
fi
sfp() { "$sf" --project stacks --stage dev "$@" --data-dir "$engine_dir"; }
# The stacks the engine runs: data-sources (buckets), delivery (a role and a delivery stream
# into the output bucket) and stream (a stream, two functions built from stacks/functions/ with
# their roles, and their event-source mappings). alarms needs CloudWatch alarms, which the
# engine does not have yet; a stack is applied whole or not at all, so it is not planned here.
stacks=(data-sources delivery stream)
echo
echo "== streamform plan ${stacks[*]} (stage dev)"
sfp plan "${stacks[@]}"
echo
echo "== streamform apply ${stacks[*]}"
sfp apply "${stacks[@]}" --yes
echo
echo "== a second plan is empty (exit 0 with --detailed-exitcode)"
sfp plan "${stacks[@]}" --detailed-exitcode
echo
echo "== streamform outputs"
for stack in "${stacks[@]}"; do sfp outputs "$stack"; done
# The engine requires SigV4: `streamform env` exports its credentials (created on first start)
# and endpoint. Debian's AWS CLI (2.9) predates AWS_ENDPOINT_URL, hence --endpoint-url.
eval "$("$sf" env --data-dir "$engine_dir")"
aws_cli() {
  AWS_PAGER="" AWS_CONFIG_FILE=/dev/null AWS_SHARED_CREDENTIALS_FILE=/dev/null \
    /usr/bin/aws --endpoint-url "$STREAMFORM_ENDPOINT_URL" "$@"
}
stream=streaming-pipeline-dev-stream
bucket=streaming-pipeline-dev-output
events=$(wc -l < stacks/sample-events.jsonl)
echo
echo "== the sample events through the pipeline: $events events into $stream"
# What is in the bucket now (a second run of this job finds the first run's objects).
/usr/bin/python3 ci/wait_for_lines.py --bucket "$bucket" --prefix raw/ --baseline "$engine_dir/raw.before"
/usr/bin/python3 ci/wait_for_lines.py --bucket "$bucket" --prefix delivery/ --baseline "$engine_dir/delivery.before"
"$sf" put "$stream" stacks/sample-events.jsonl --key taxi_id --data-dir "$engine_dir"
echo "records per shard:"
curl -s "$STREAMFORM_ENDPOINT_URL/metrics" | grep "^streamform_kinesis_incoming_records_total{stream=\"$stream\",shard"
echo
echo "== write-to-bucket: each batch the mapping delivers becomes one JSON-lines object under raw/"
/usr/bin/python3 ci/wait_for_lines.py --bucket "$bucket" --prefix raw/ --baseline "$engine_dir/raw.before" \
  --lines "$events" --timeout 60
echo "its log (streamform logs), last lines:"
sfp logs streaming-pipeline-dev-write-to-bucket | tail -n 6
echo
echo "== forward-to-delivery: the records go through the delivery stream, which buffers them"
echo "   (up to 5 MB or 60 s) into objects under delivery/"
/usr/bin/python3 ci/wait_for_lines.py --bucket "$bucket" --prefix delivery/ \
  --baseline "$engine_dir/delivery.before" --lines "$events" --timeout 120
echo
echo "== the mappings and functions, as the engine counts them"
curl -s "$STREAMFORM_ENDPOINT_URL/metrics" |
  grep -E '^streamform_(mapping_records_delivered_total|lambda_invocations_total|lambda_errors_total)' |
  grep streaming-pipeline-dev
echo
echo "== the event log of the apply"
sfp events stream
if [ "$started" = 1 ]; then
  "$sf" engine stop --data-dir "$engine_dir"
  trap - EXIT
fi
