import base64
import logging

logger = logging.getLogger()
logger.setLevel(logging.INFO)


def lambda_handler(event, context):
    for record in event["Records"]:
        data = base64.b64decode(record["kinesis"]["data"]).decode("utf-8", "replace")
        logger.info("%s %s", record["kinesis"]["partitionKey"], data)
    return {"batchItemFailures": []}
