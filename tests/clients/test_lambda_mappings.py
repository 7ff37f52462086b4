"""Event-source mappings against a real engine: boto3's and the AWS CLI's lambda clients create,
read, update and delete them; real Python handlers (boto3 clients made at import time, logging)
receive AWS's Kinesis event for records put with boto3, and write what they got to a bucket; bad
handlers are retried, bisected and sent on failure; and an engine killed mid-batch loses nothing."""
import json
import time
import unittest

from botocore.exceptions import ClientError

from engine_fixture import make_zip, start_engine, wait_active

S3_AND_KINESIS = {"Version": "2012-10-17", "Statement": [
    {"Effect": "Allow", "Action": ["s3:*", "kinesis:*"], "Resource": "*"}]}

# Writes each batch's records to the bucket, one object per record keyed by sequence number
# and request id, so a test can tell a record processed twice from one processed once; also
# keeps the first event whole.
RECORDER = """\
import base64
import json
import logging
import os
import time

import boto3

logger = logging.getLogger()
logger.setLevel(logging.INFO)
s3 = boto3.client("s3")
BUCKET = os.environ["BUCKET"]
DELAY = float(os.environ.get("DELAY", "0"))


def lambda_handler(event, context):
    records = event["Records"]
    if not s3.list_objects_v2(Bucket=BUCKET, Prefix="events/", MaxKeys=1).get("KeyCount"):
        s3.put_object(Bucket=BUCKET, Key="events/first.json", Body=json.dumps(event).encode())
    time.sleep(DELAY)
    for record in records:
        data = base64.b64decode(record["kinesis"]["data"]).decode()
        if data == "poison":
            raise ValueError("cannot take poison")
        key = "seen/%s/%s" % (record["kinesis"]["sequenceNumber"], context.aws_request_id)
        s3.put_object(Bucket=BUCKET, Key=key, Body=data.encode())
    logger.info("processed %d records from %s", len(records), records[0]["eventID"] if records else "-")
    return {"batchItemFailures": []}
"""



class MappingsFeedHandlers(unittest.TestCase):
    def setUp(self):
        self.engine = start_engine(self)
        self.lam = self.engine.client("lambda", read_timeout=60)
        self.s3 = self.engine.client("s3")
        self.kinesis = self.engine.client("kinesis")
        self.role = self.engine.create_role("mapping-consumer", policies={"data": S3_AND_KINESIS})
        for client in (self.lam, self.s3, self.kinesis):
            self.addCleanup(client.close)

    def deploy(self, name, bucket, **variables):
        self.s3.create_bucket(Bucket=bucket)
        self.lam.create_function(
            FunctionName=name, Runtime="python3.11", Role=self.role, Handler="handler.lambda_handler",
            Code={"ZipFile": make_zip({"handler.py": RECORDER})}, Timeout=30,
            Environment={"Variables": {"BUCKET": bucket, **variables}})

    def stream(self, name, shards=1):
        self.kinesis.create_stream(StreamName=name, ShardCount=shards)
        return wait_active(self.kinesis, name)["StreamARN"]

    def put(self, stream, values, key=None):
        sequences = []
        for start in range(0, len(values), 500):
            chunk = values[start:start + 500]
            response = self.kinesis.put_records(StreamName=stream, Records=[
                {"Data": value.encode(), "PartitionKey": key or "key-%d" % (start + i)}
                for i, value in enumerate(chunk)])
            self.assertEqual(response["FailedRecordCount"], 0)
            sequences += [r["SequenceNumber"] for r in response["Records"]]
        return sequences

    def seen(self, bucket):
        """{sequence number: [request ids]} from the recorder's objects."""
        seen, token = {}, None
        while True:
            kwargs = {"Bucket": bucket, "Prefix": "seen/"}
            if token:
                kwargs["ContinuationToken"] = token
            page = self.s3.list_objects_v2(**kwargs)
            for item in page.get("Contents", []):
                _, sequence, request = item["Key"].split("/")
                seen.setdefault(sequence, []).append(request)
            token = page.get("NextContinuationToken")
            if not token:
                return seen

    def wait_for(self, predicate, timeout=30.0, what="the condition"):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if predicate():
                return
            time.sleep(0.05)
        self.fail(f"{what} did not hold within {timeout} s\n{self.engine.log_tail()}")

    def function_log(self, name):
        status, _, body = self.engine.request("GET", f"/_streamform/functions/{name}/log", service="streamform")
        self.assertEqual(status, 200)
        return body.decode(errors="replace")

    def test_boto3_mapping_delivers_the_kinesis_event_to_a_python_handler(self):
        arn = self.stream("orders", shards=2)
        self.deploy("recorder", "seen-orders")
        created = self.lam.create_event_source_mapping(
            FunctionName="recorder", EventSourceArn=arn, StartingPosition="TRIM_HORIZON", BatchSize=50,
            BisectBatchOnFunctionError=True, MaximumRetryAttempts=2,
            FunctionResponseTypes=["ReportBatchItemFailures"])
        self.assertEqual(created["State"], "Creating")
        self.assertEqual(created["EventSourceArn"], arn)
        self.assertTrue(created["FunctionArn"].endswith(":function:recorder"))
        self.assertEqual(created["FunctionResponseTypes"], ["ReportBatchItemFailures"])
        sequences = self.put("orders", ["order-%d" % i for i in range(120)])
        self.wait_for(lambda: len(self.seen("seen-orders")) == 120, what="all 120 records processed")
        self.assertEqual(set(self.seen("seen-orders")), set(sequences))
        event = json.loads(self.s3.get_object(Bucket="seen-orders", Key="events/first.json")["Body"].read())
        record = event["Records"][0]
        self.assertEqual(set(record), {"kinesis", "eventSource", "eventVersion", "eventID", "eventName",
                                       "invokeIdentityArn", "awsRegion", "eventSourceARN"})
        self.assertEqual(set(record["kinesis"]), {"kinesisSchemaVersion", "partitionKey", "sequenceNumber",
                                                  "data", "approximateArrivalTimestamp"})
        self.assertEqual(record["eventSourceARN"], arn)
        self.assertEqual(record["invokeIdentityArn"], self.role)
        self.assertEqual(record["eventName"], "aws:kinesis:record")
        self.assertTrue(record["eventID"].startswith("shardId-"))
        self.assertLessEqual(len(event["Records"]), 50)
        got = self.lam.get_event_source_mapping(UUID=created["UUID"])
        self.assertEqual(got["State"], "Enabled")
        self.assertEqual(got["LastProcessingResult"], "OK")
        listed = self.lam.list_event_source_mappings(FunctionName="recorder")["EventSourceMappings"]
        self.assertEqual([m["UUID"] for m in listed], [created["UUID"]])
        metrics = self.engine.request("GET", "/metrics")[2].decode()
        self.assertIn('streamform_mapping_records_delivered_total{function="recorder",stream="orders",'
                      f'uuid="{created["UUID"]}"}} 120', metrics)
        updated = self.lam.update_event_source_mapping(UUID=created["UUID"], BatchSize=10, Enabled=False)
        self.assertEqual((updated["BatchSize"], updated["State"]), (10, "Disabling"))
        deleted = self.lam.delete_event_source_mapping(UUID=created["UUID"])
        self.assertEqual(deleted["State"], "Deleting")
        with self.assertRaises(ClientError) as caught:
            self.lam.get_event_source_mapping(UUID=created["UUID"])
        self.assertEqual(caught.exception.response["Error"]["Code"], "ResourceNotFoundException")

    def test_aws_cli_manages_mappings(self):
        arn = self.stream("clicks")
        self.deploy("cli-recorder", "seen-clicks")
        created = self.engine.aws("lambda", "create-event-source-mapping", "--function-name", "cli-recorder",
                                  "--event-source-arn", arn, "--starting-position", "LATEST",
                                  "--maximum-batching-window-in-seconds", "1")
        self.assertEqual(created.returncode, 0, created.stderr)
        uuid = created.json["UUID"]
        self.assertEqual(created.json["MaximumBatchingWindowInSeconds"], 1)
        listed = self.engine.aws("lambda", "list-event-source-mappings", "--event-source-arn", arn)
        self.assertEqual([m["UUID"] for m in listed.json["EventSourceMappings"]], [uuid])
        sequences = self.put("clicks", ["click-%d" % i for i in range(5)])
        self.wait_for(lambda: len(self.seen("seen-clicks")) == 5, what="five clicks processed")
        self.assertEqual(set(self.seen("seen-clicks")), set(sequences))
        deleted = self.engine.aws("lambda", "delete-event-source-mapping", "--uuid", uuid)
        self.assertEqual(deleted.returncode, 0, deleted.stderr)

    def test_bad_requests_are_refused_as_lambda_refuses_them(self):
        arn = self.stream("bad")
        self.deploy("bad-recorder", "seen-bad")
        cases = [
            (dict(FunctionName="bad-recorder", EventSourceArn=arn, StartingPosition="LATEST", BatchSize=0),
             "ValidationException"),
            (dict(FunctionName="nobody", EventSourceArn=arn, StartingPosition="LATEST"),
             "ResourceNotFoundException"),
            (dict(FunctionName="bad-recorder", EventSourceArn=arn.replace("stream/bad", "stream/none"),
                  StartingPosition="LATEST"), "InvalidParameterValueException"),
            (dict(FunctionName="bad-recorder", EventSourceArn="arn:aws:sqs:us-east-1:000000000000:queue",
                  StartingPosition="LATEST"), "InvalidParameterValueException"),
            (dict(FunctionName="bad-recorder", EventSourceArn=arn, StartingPosition="LATEST",
                  MaximumRecordAgeInSeconds=10), "InvalidParameterValueException"),
        ]
        unchecked = self.engine.client("lambda", parameter_validation=False)  # the engine must check
        self.addCleanup(unchecked.close)
        for request, code in cases:
            with self.subTest(request=request):
                with self.assertRaises(ClientError) as caught:
                    unchecked.create_event_source_mapping(**request)
                self.assertEqual(caught.exception.response["Error"]["Code"], code)
        self.lam.create_event_source_mapping(FunctionName="bad-recorder", EventSourceArn=arn,
                                             StartingPosition="LATEST")
        with self.assertRaises(ClientError) as caught:
            self.lam.create_event_source_mapping(FunctionName="bad-recorder", EventSourceArn=arn,
                                                 StartingPosition="LATEST")
        self.assertEqual(caught.exception.response["Error"]["Code"], "ResourceConflictException")

    def test_a_poison_record_is_bisected_out_and_sent_to_the_on_failure_bucket(self):
        arn = self.stream("payments")
        self.deploy("payments", "seen-payments")
        self.s3.create_bucket(Bucket="payments-failed")
        created = self.lam.create_event_source_mapping(
            FunctionName="payments", EventSourceArn=arn, StartingPosition="TRIM_HORIZON", BatchSize=8,
            BisectBatchOnFunctionError=True, MaximumRetryAttempts=0,
            DestinationConfig={"OnFailure": {"Destination": "arn:aws:s3:::payments-failed"}})
        values = ["pay-%d" % i for i in range(8)]
        values[5] = "poison"
        sequences = self.put("payments", values, key="one-key")

        def failures():
            return self.s3.list_objects_v2(Bucket="payments-failed").get("Contents", [])

        self.wait_for(lambda: len(failures()) == 1, what="an on-failure record")
        key = failures()[0]["Key"]
        self.assertTrue(key.startswith(f"aws/lambda/{created['UUID']}/shardId-000000000000/"), key)
        record = json.loads(self.s3.get_object(Bucket="payments-failed", Key=key)["Body"].read())
        self.assertEqual(record["requestContext"]["condition"], "RetryAttemptsExhausted")
        self.assertEqual(record["responseContext"]["functionError"], "Unhandled")
        self.assertEqual(record["KinesisBatchInfo"]["startSequenceNumber"], sequences[5])
        self.assertEqual(record["KinesisBatchInfo"]["batchSize"], 1)
        self.wait_for(lambda: len(self.seen("seen-payments")) == 7, what="the seven good records")
        self.assertNotIn(sequences[5], self.seen("seen-payments"))
        log = self.function_log("payments")
        self.assertIn("cannot take poison", log)
        self.assertIn("bisecting", log)
        self.assertIn("retries exhausted", log)

    def test_an_engine_killed_mid_batch_loses_nothing(self):
        arn = self.stream("ledger", shards=2)
        self.deploy("ledger", "seen-ledger", DELAY="0.3")
        self.lam.create_event_source_mapping(FunctionName="ledger", EventSourceArn=arn,
                                             StartingPosition="TRIM_HORIZON", BatchSize=20)
        sequences = self.put("ledger", ["entry-%d" % i for i in range(300)])
        self.wait_for(lambda: len(self.seen("seen-ledger")) >= 60, what="some records processed")
        self.engine.restart(hard=True)  # SIGKILL with batches in flight
        self.lam = self.engine.client("lambda", read_timeout=60)
        self.s3 = self.engine.client("s3")
        self.wait_for(lambda: len(self.seen("seen-ledger")) == 300, timeout=60,
                      what="every record processed after the restart")
        seen = self.seen("seen-ledger")
        self.assertEqual(set(seen), set(sequences))
        # At least once: a record is processed again only if its batch was not checkpointed
        # when the engine died -- at most one batch per shard.
        again = [s for s, requests in seen.items() if len(requests) > 1]
        self.assertLessEqual(len(again), 2 * 20, f"{self.function_log('ledger')[-3000:]}\n{self.engine.log_tail(60)}")


if __name__ == "__main__":
    unittest.main()
