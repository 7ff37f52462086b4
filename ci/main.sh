#!/usr/bin/env bash
# The main job (README): installs what is missing, builds streamform, validates the reference
# project in stacks/ for stage dev and prints its dependency graph, starts the embedded engine
# if it is not running, plans and applies the stacks it can run (a second plan must be empty),
# pushes the sample events through a stream (AWS CLI, streamform put and tail), and archives
# what it read in the applied output bucket with `aws s3`, reading it back byte for byte.
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

# The stacks the engine can run so far: data-sources (buckets). stream, delivery and alarms
# need functions, delivery streams and alarms (issue 6 and later); a stack is applied whole or
# not at all, so they are planned only once their types have providers.
echo
echo "== streamform plan data-sources (stage dev)"
sfp plan data-sources
echo
echo "== streamform apply data-sources"
sfp apply data-sources --yes
echo
echo "== a second plan is empty (exit 0 with --detailed-exitcode)"
sfp plan data-sources --detailed-exitcode
echo
echo "== streamform outputs"
sfp outputs data-sources
echo
echo "== a stream, the sample events through it"
# The engine requires SigV4: `streamform env` exports its credentials (created on first start)
# and endpoint. Debian's AWS CLI (2.9) predates AWS_ENDPOINT_URL, hence --endpoint-url.
eval "$("$sf" env --data-dir "$engine_dir")"
aws_cli() {
  AWS_PAGER="" AWS_CONFIG_FILE=/dev/null AWS_SHARED_CREDENTIALS_FILE=/dev/null \
    /usr/bin/aws --endpoint-url "$STREAMFORM_ENDPOINT_URL" "$@"
}
# Not part of any stack yet (the stream stack needs functions): made here, deleted at the end.
aws_cli kinesis delete-stream --stream-name sample-events >/dev/null 2>&1 || true
aws_cli kinesis create-stream --stream-name sample-events --shard-count 2
"$sf" put sample-events stacks/sample-events.jsonl --key taxi_id --data-dir "$engine_dir"
"$sf" tail sample-events --show json --data-dir "$engine_dir" > "$engine_dir/tail.jsonl"
echo "read back $(wc -l < "$engine_dir/tail.jsonl") record(s); the first three, as JSON:"
head -n 3 "$engine_dir/tail.jsonl"
echo "records per shard:"
curl -s "$STREAMFORM_ENDPOINT_URL/metrics" | grep '^streamform_kinesis_incoming_records_total{stream="sample-events",shard'

echo "== the stack's output bucket: what was read lands in S3, and comes back byte for byte"
bucket=streaming-pipeline-dev-output
aws_cli s3 cp --no-progress "$engine_dir/tail.jsonl" "s3://$bucket/raw/tail.jsonl"
aws_cli s3 ls --recursive "s3://$bucket"
aws_cli s3 cp --no-progress "s3://$bucket/raw/tail.jsonl" "$engine_dir/tail.back.jsonl"
cmp "$engine_dir/tail.jsonl" "$engine_dir/tail.back.jsonl"
curl -s "$STREAMFORM_ENDPOINT_URL/metrics" | grep "^streamform_s3_objects{bucket=\"$bucket\"}"
echo
echo "== the event log of the apply"
sfp events data-sources
aws_cli kinesis delete-stream --stream-name sample-events
if [ "$started" = 1 ]; then
  "$sf" engine stop --data-dir "$engine_dir"
  trap - EXIT
fi
