#!/usr/bin/env bash
# The main job (README): installs what is missing, builds streamform, validates the reference
# project in stacks/ for stage dev and prints its dependency graph, then starts the embedded
# engine and pushes the sample events through a stream (AWS CLI, streamform put and tail), then
# archives what it read in a bucket with `aws s3` and reads it back.
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
echo "== the engine: a stream, the sample events through it"
engine_dir="$here/build/main-engine"
rm -rf "$engine_dir"
"$sf" engine start --data-dir "$engine_dir" --port 0
trap '"$sf" engine stop --data-dir "$engine_dir" >/dev/null 2>&1 || true' EXIT
# The engine requires SigV4: `streamform env` exports its credentials (created on first start)
# and endpoint. Debian's AWS CLI (2.9) predates AWS_ENDPOINT_URL, hence --endpoint-url.
eval "$("$sf" env --data-dir "$engine_dir")"
AWS_PAGER="" AWS_CONFIG_FILE=/dev/null AWS_SHARED_CREDENTIALS_FILE=/dev/null \
  /usr/bin/aws --endpoint-url "$STREAMFORM_ENDPOINT_URL" kinesis create-stream \
  --stream-name sample-events --shard-count 2
"$sf" put sample-events stacks/sample-events.jsonl --key taxi_id --data-dir "$engine_dir"
"$sf" tail sample-events --show json --data-dir "$engine_dir" > "$engine_dir/tail.jsonl"
echo "read back $(wc -l < "$engine_dir/tail.jsonl") record(s); the first three, as JSON:"
head -n 3 "$engine_dir/tail.jsonl"
echo "records per shard:"
curl -s "$STREAMFORM_ENDPOINT_URL/metrics" | grep '^streamform_kinesis_incoming_records_total{stream="sample-events",shard'

echo "== a bucket: what was read lands in S3, and comes back byte for byte"
aws_cli() {
  AWS_PAGER="" AWS_CONFIG_FILE=/dev/null AWS_SHARED_CREDENTIALS_FILE=/dev/null \
    /usr/bin/aws --endpoint-url "$STREAMFORM_ENDPOINT_URL" "$@"
}
aws_cli s3 mb s3://sample-events-archive
aws_cli s3 cp --no-progress "$engine_dir/tail.jsonl" s3://sample-events-archive/dev/tail.jsonl
aws_cli s3 ls --recursive s3://sample-events-archive
aws_cli s3 cp --no-progress s3://sample-events-archive/dev/tail.jsonl "$engine_dir/tail.back.jsonl"
cmp "$engine_dir/tail.jsonl" "$engine_dir/tail.back.jsonl"
curl -s "$STREAMFORM_ENDPOINT_URL/metrics" | grep '^streamform_s3_objects{bucket="sample-events-archive"}'
"$sf" engine stop --data-dir "$engine_dir"
trap - EXIT
