"""Stream consumer: writes each batch of records to the output bucket as one JSON-lines object.

The object key depends only on the batch (shard, first sequence number, arrival date of the
first record), so a retried batch overwrites the same object instead of adding a duplicate.
"""
import base64
import json
import logging
import os
from datetime import datetime, timezone

import boto3

logger = logging.getLogger()
logger.setLevel(os.environ.get("LOG_LEVEL", "INFO"))

s3 = boto3.client("s3")
OUTPUT_BUCKET = os.environ["OUTPUT_BUCKET"]


def lambda_handler(event, context):
    records = event.get("Records", [])
    if not records:
        return {"batchItemFailures": []}

    lines = []
    failed_at = None
    for record in records:
        try:
            payload = base64.b64decode(record["kinesis"]["data"], validate=True)
            document = json.loads(payload)
            lines.append(json.dumps(document, separators=(",", ":"), ensure_ascii=False))
        except ValueError:
            logger.exception("cannot decode record %s", record["kinesis"]["sequenceNumber"])
            failed_at = record["kinesis"]["sequenceNumber"]
            break

    if lines:
        key = object_key(records[0])
        try:
            s3.put_object(
                Bucket=OUTPUT_BUCKET,
                Key=key,
                Body=("\n".join(lines) + "\n").encode("utf-8"),
                ContentType="application/x-ndjson",
            )
        except Exception:
            logger.exception("cannot write s3://%s/%s", OUTPUT_BUCKET, key)
            failed_at = records[0]["kinesis"]["sequenceNumber"]
        else:
            logger.info("wrote %d records to s3://%s/%s", len(lines), OUTPUT_BUCKET, key)

    # The mapping checkpoints before the failed record and retries from it.
    if failed_at is None:
        return {"batchItemFailures": []}
    return {"batchItemFailures": [{"itemIdentifier": failed_at}]}


def object_key(first_record):
    shard_id = first_record["eventID"].split(":", 1)[0]
    sequence_number = first_record["kinesis"]["sequenceNumber"]
    arrival = datetime.fromtimestamp(
        first_record["kinesis"]["approximateArrivalTimestamp"], tz=timezone.utc
    )
    return f"raw/{arrival:%Y/%m/%d}/{shard_id}-{sequence_number}.jsonl"
