"""Scheduled ingestion: puts one record on the stream each time the schedule fires."""
import json
import logging
import os

import boto3

logger = logging.getLogger()
logger.setLevel(logging.INFO)

kinesis = boto3.client("kinesis")
STREAM_NAME = os.environ["STREAM_NAME"]


def lambda_handler(event, context):
    logger.info("Received event: %s", json.dumps(event))
    response = kinesis.put_record(
        StreamName=STREAM_NAME,
        Data=json.dumps({"source": event.get("source"), "time": event.get("time")}).encode(),
        PartitionKey=event.get("id", "scheduled"),
    )
    body = {"message": "Data ingested successfully", "sequenceNumber": response["SequenceNumber"]}
    return {"statusCode": 200, "body": json.dumps(body)}
