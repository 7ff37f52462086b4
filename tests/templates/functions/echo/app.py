"""Minimal stream consumer used by the SAM templates in tests/templates/valid/."""
import base64
import logging

logger = logging.getLogger()
logger.setLevel(logging.INFO)


def lambda_handler(event, context):
    for record in event.get("Records", []):
        logger.info("%s", base64.b64decode(record["kinesis"]["data"]).decode("utf-8", "replace"))
    return {"batchItemFailures": []}
