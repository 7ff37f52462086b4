"""Stream consumer: forwards records to the delivery stream, one JSON line per record.

The delivery stream concatenates records with no delimiter, so a newline is appended to each
record here; the objects it writes are then newline-delimited JSON.
"""
import base64
import logging
import os
import time

import boto3

logger = logging.getLogger()
logger.setLevel(os.environ.get("LOG_LEVEL", "INFO"))

firehose = boto3.client("firehose")
DELIVERY_STREAM_NAME = os.environ["DELIVERY_STREAM_NAME"]

MAX_RECORDS_PER_CALL = 500
MAX_BYTES_PER_CALL = 4 * 1024 * 1024
MAX_ATTEMPTS = 3


def lambda_handler(event, context):
    entries = []
    for record in event.get("Records", []):
        data = base64.b64decode(record["kinesis"]["data"])
        if not data.endswith(b"\n"):
            data += b"\n"
        entries.append((record["kinesis"]["sequenceNumber"], data))

    for chunk in chunks(entries):
        failed = put_with_retries(chunk)
        if failed:
            # The mapping retries from the lowest failed record, so later chunks would be
            # sent again anyway: stop here.
            logger.warning("%d records not delivered after %d attempts", len(failed), MAX_ATTEMPTS)
            return {"batchItemFailures": [{"itemIdentifier": seq} for seq, _ in failed]}

    logger.info("forwarded %d records to %s", len(entries), DELIVERY_STREAM_NAME)
    return {"batchItemFailures": []}


def chunks(entries):
    """Yields runs of entries within PutRecordBatch's limits (500 records, 4 MiB)."""
    chunk, size = [], 0
    for entry in entries:
        full = len(chunk) == MAX_RECORDS_PER_CALL or size + len(entry[1]) > MAX_BYTES_PER_CALL
        if chunk and full:
            yield chunk
            chunk, size = [], 0
        chunk.append(entry)
        size += len(entry[1])
    if chunk:
        yield chunk


def put_with_retries(entries):
    """Sends entries, resending those that come back with an ErrorCode; returns what is left."""
    for attempt in range(MAX_ATTEMPTS):
        if attempt:
            time.sleep(0.1 * 2**attempt)
        response = firehose.put_record_batch(
            DeliveryStreamName=DELIVERY_STREAM_NAME,
            Records=[{"Data": data} for _, data in entries],
        )
        if response["FailedPutCount"] == 0:
            return []
        entries = [
            entry
            for entry, result in zip(entries, response["RequestResponses"])
            if "ErrorCode" in result
        ]
        logger.info("attempt %d: %d records failed", attempt + 1, len(entries))
    return entries
