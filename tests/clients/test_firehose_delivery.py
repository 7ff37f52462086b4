"""Delivery into buckets as a Firehose client sees it, on the engine's virtual clock: objects at
the reference project's keys once the buffering interval passes and as soon as the size limit is
reached, records concatenated as put, GZIP objects that decompress, a missing bucket (the data
kept, DeliveryToS3.Success 0, delivered once the bucket exists), a role that may not write the
bucket (likewise, until its policy allows it), acknowledged records surviving
SIGKILL, the engine's flush route, and the reference project's forwarding handler
(stacks/functions/forward_to_delivery/app.py) calling put_record_batch through the engine."""
import base64
import datetime
import gzip
import json
import time
import unittest

from engine_fixture import ACCOUNT, REGION, ROOT, make_zip, start_engine

ROLE_ARN = f"arn:aws:iam::{ACCOUNT}:role/delivery"
PREFIX = "delivery/!{timestamp:yyyy/MM/dd/HH}/"
ERROR_PREFIX = "delivery-errors/!{firehose:error-output-type}/!{timestamp:yyyy/MM/dd}/"
HANDLER = ROOT / "stacks" / "functions" / "forward_to_delivery" / "app.py"


def stream_arn(name):
    return f"arn:aws:firehose:{REGION}:{ACCOUNT}:deliverystream/{name}"


class DeliveryCase(unittest.TestCase):
    def prepare(self, engine):
        self.engine = engine
        self.firehose = engine.client("firehose")
        self.s3 = engine.client("s3")
        engine.create_delivery_role()
        self.addCleanup(self.firehose.close)
        self.addCleanup(self.s3.close)

    def create(self, name, bucket="out", size_mb=5, interval_s=60, compression="UNCOMPRESSED"):
        self.firehose.create_delivery_stream(
            DeliveryStreamName=name, DeliveryStreamType="DirectPut",
            ExtendedS3DestinationConfiguration={
                "BucketARN": f"arn:aws:s3:::{bucket}", "RoleARN": ROLE_ARN,
                "BufferingHints": {"SizeInMBs": size_mb, "IntervalInSeconds": interval_s},
                "CompressionFormat": compression, "Prefix": PREFIX, "ErrorOutputPrefix": ERROR_PREFIX})

    def put(self, name, records):
        response = self.firehose.put_record_batch(DeliveryStreamName=name,
                                                  Records=[{"Data": r} for r in records])
        self.assertEqual(response["FailedPutCount"], 0, response)

    def keys(self, bucket="out", prefix=""):
        listed = self.s3.list_objects_v2(Bucket=bucket, Prefix=prefix)
        return [o["Key"] for o in listed.get("Contents", [])]

    def body(self, key, bucket="out"):
        return self.s3.get_object(Bucket=bucket, Key=key)["Body"].read()

    def wait_keys(self, count, bucket="out", prefix="", containing="", timeout=20.0):
        """The keys under `prefix` that contain `containing`, once there are `count` (or time is up)."""
        deadline = time.monotonic() + timeout
        while True:
            keys = [k for k in self.keys(bucket, prefix) if containing in k]
            if len(keys) >= count or time.monotonic() > deadline:
                return keys
            time.sleep(0.05)

    def metric(self, name, stream):
        status, _, body = self.engine.request("GET", "/metrics")
        self.assertEqual(status, 200)
        for line in body.decode().splitlines():
            if line.startswith(f'{name}{{delivery_stream="{stream}"}} '):
                return int(line.split()[-1])
        return None

    def expected_prefix(self, stream, version=1, at_ms=None):
        """delivery/yyyy/MM/dd/HH/<stream>-<version>-yyyy-MM-dd-HH-: the reference keys, up to the minute."""
        when = datetime.datetime.fromtimestamp((at_ms or self.engine.now_ms()) / 1000, datetime.timezone.utc)
        return when.strftime(f"delivery/%Y/%m/%d/%H/{stream}-{version}-%Y-%m-%d-%H-")


class DeliveryOnAVirtualClock(DeliveryCase):
    @classmethod
    def setUpClass(cls):
        cls.shared = start_engine(cls, "--virtual-clock")
        s3 = cls.shared.client("s3")
        s3.create_bucket(Bucket="out")
        s3.close()

    def setUp(self):
        self.prepare(self.shared)

    def test_an_object_once_the_interval_passes(self):
        self.create("interval")
        started = self.engine.now_ms()
        expected = self.expected_prefix("interval", at_ms=started)
        self.put("interval", [b'{"n":1}\n', b'{"n":2}\n'])
        self.engine.advance_clock(30_000)
        self.put("interval", [b'{"n":3}\n'])
        self.assertEqual([k for k in self.keys(prefix="delivery/") if "/interval-" in k], [])
        self.assertEqual(self.metric("streamform_firehose_buffered_records", "interval"), 3)
        self.assertEqual(self.metric("streamform_firehose_delivery_to_s3_data_freshness_seconds", "interval"), 30)
        self.engine.advance_clock(30_000)  # 60 s after the oldest record: written before the answer
        keys = [k for k in self.keys(prefix="delivery/") if "/interval-" in k]
        self.assertEqual(len(keys), 1, keys)
        self.assertTrue(keys[0].startswith(expected), (keys[0], expected))
        self.assertRegex(keys[0], r"-\d\d-[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$")
        self.assertEqual(self.body(keys[0]), b'{"n":1}\n{"n":2}\n{"n":3}\n')
        self.assertEqual(self.metric("streamform_firehose_delivery_to_s3_records_total", "interval"), 3)
        self.assertEqual(self.metric("streamform_firehose_delivery_to_s3_bytes_total", "interval"), 24)
        self.assertEqual(self.metric("streamform_firehose_delivery_to_s3_success", "interval"), 1)
        self.assertEqual(self.metric("streamform_firehose_buffered_records", "interval"), 0)

    def test_objects_as_soon_as_the_size_is_reached(self):
        self.create("sized", size_mb=1, interval_s=900)
        record = b"s" * (400 * 1024)
        self.put("sized", [record, record, record])  # the third would pass 1 MiB: two go now
        keys = self.wait_keys(1, prefix="delivery/", containing="/sized-")
        self.assertEqual(len(keys), 1, keys)
        self.assertEqual(self.body(keys[0]), record * 2)
        self.assertEqual(self.metric("streamform_firehose_buffered_records", "sized"), 1)
        self.engine.advance_clock(900_000)
        keys = [k for k in self.keys(prefix="delivery/") if "/sized-" in k]
        self.assertEqual(len(keys), 2, keys)

    def test_gzip_objects_decompress(self):
        self.create("zipped", compression="GZIP")
        lines = [json.dumps({"trip": i, "fare": i * 1.5}).encode() + b"\n" for i in range(2000)]
        self.put("zipped", lines[:500])
        self.put("zipped", lines[500:1000])
        self.put("zipped", lines[1000:1500])
        self.put("zipped", lines[1500:])
        self.engine.advance_clock(60_000)
        keys = [k for k in self.keys(prefix="delivery/") if "/zipped-" in k]
        self.assertEqual(len(keys), 1, keys)
        self.assertTrue(keys[0].endswith(".gz"), keys[0])
        compressed = self.body(keys[0])
        self.assertLess(len(compressed), len(b"".join(lines)) // 3)
        self.assertEqual(gzip.decompress(compressed), b"".join(lines))

    def test_a_missing_bucket_keeps_the_data_until_it_exists(self):
        self.create("patient", bucket="later")
        self.put("patient", [b"kept\n"])
        self.engine.advance_clock(60_000)
        self.assertEqual(self.metric("streamform_firehose_delivery_to_s3_success", "patient"), 0)
        self.assertGreaterEqual(self.metric("streamform_firehose_delivery_to_s3_failures_total", "patient"), 1)
        self.assertEqual(self.metric("streamform_firehose_buffered_records", "patient"), 1)
        status, _, body = self.engine.request("POST", "/_streamform/delivery-streams/patient/flush",
                                              service="streamform")
        self.assertEqual(status, 503, body)
        self.assertIn("later", json.loads(body)["message"])
        self.s3.create_bucket(Bucket="later")
        self.engine.advance_clock(120_000)  # past the retry backoff
        keys = self.keys(bucket="later")
        self.assertEqual(len(keys), 1, keys)
        self.assertEqual(self.body(keys[0], bucket="later"), b"kept\n")
        self.assertEqual(self.metric("streamform_firehose_delivery_to_s3_success", "patient"), 1)

    def test_a_role_that_may_not_write_keeps_the_data_until_it_may(self):
        # Firehose may assume the role, but its policy covers another bucket only.
        only_other = {"Version": "2012-10-17", "Statement": [
            {"Effect": "Allow", "Action": "s3:PutObject", "Resource": "arn:aws:s3:::other/*"}]}
        role = self.engine.create_delivery_role("narrow", policy=only_other)
        self.firehose.create_delivery_stream(
            DeliveryStreamName="denied", DeliveryStreamType="DirectPut",
            ExtendedS3DestinationConfiguration={"BucketARN": "arn:aws:s3:::out", "RoleARN": role,
                                                "Prefix": "denied/"})
        self.put("denied", [b"kept\n"])
        self.engine.advance_clock(300_000)
        self.assertEqual(self.keys(prefix="denied/"), [])
        self.assertEqual(self.metric("streamform_firehose_delivery_to_s3_success", "denied"), 0)
        self.assertGreaterEqual(self.metric("streamform_firehose_delivery_to_s3_failures_total", "denied"), 1)
        self.assertEqual(self.metric("streamform_firehose_buffered_records", "denied"), 1)
        status, _, body = self.engine.request("POST", "/_streamform/delivery-streams/denied/flush",
                                              service="streamform")
        self.assertEqual(status, 503, body)
        self.assertIn("S3.AccessDenied", json.loads(body)["message"])
        # Granted: the next retry writes what was kept.
        iam = self.engine.client("iam")
        self.addCleanup(iam.close)
        iam.put_role_policy(RoleName="narrow", PolicyName="write", PolicyDocument=json.dumps(
            {"Version": "2012-10-17", "Statement": [
                {"Effect": "Allow", "Action": "s3:PutObject", "Resource": "arn:aws:s3:::out/denied/*"}]}))
        self.engine.advance_clock(120_000)
        keys = self.keys(prefix="denied/")
        self.assertEqual(len(keys), 1, keys)
        self.assertEqual(self.body(keys[0]), b"kept\n")

    def test_the_engine_routes_tell_and_flush_what_is_buffered(self):
        self.create("held")
        self.put("held", [b"a\n", b"bb\n"])
        status, _, body = self.engine.request("GET", "/_streamform/delivery-streams/held", service="streamform")
        self.assertEqual(status, 200, body)
        held = json.loads(body)
        self.assertEqual((held["bufferedRecords"], held["bufferedBytes"]), (2, 5))
        status, _, body = self.engine.request("POST", "/_streamform/delivery-streams/held/flush",
                                              service="streamform")
        self.assertEqual(status, 200, body)
        flushed = json.loads(body)
        self.assertEqual(flushed["deliveredRecords"], 2)
        self.assertEqual(self.body(flushed["keys"][0]), b"a\nbb\n")
        status, _, _ = self.engine.request("GET", "/_streamform/delivery-streams/held", service="s3")
        self.assertNotEqual(status, 200)  # signed for another service: refused


class DeliverySurvivesSigkill(DeliveryCase):
    """Its own engine: killed with records acknowledged and not yet written."""

    def setUp(self):
        self.prepare(start_engine(self, "--virtual-clock"))
        self.s3.create_bucket(Bucket="out")

    def test_acknowledged_records_are_delivered_after_a_restart(self):
        self.create("durable")
        self.put("durable", [f"{i}\n".encode() for i in range(300)])
        self.firehose.put_record(DeliveryStreamName="durable", Record={"Data": b"last\n"})
        self.engine.kill()
        self.engine.start()
        self.prepare(self.engine)  # new connections to the new process
        self.assertEqual(self.metric("streamform_firehose_buffered_records", "durable"), 301)
        self.assertEqual(self.keys(prefix="delivery/"), [])
        self.engine.advance_clock(60_000)
        keys = self.keys(prefix="delivery/")
        self.assertEqual(len(keys), 1, keys)
        self.assertEqual(self.body(keys[0]), "".join(f"{i}\n" for i in range(300)).encode() + b"last\n")



class ForwardingHandler(DeliveryCase):
    """The reference project's forward_to_delivery handler, unmodified, on a real-clock engine."""

    def setUp(self):
        self.prepare(start_engine(self))
        self.s3.create_bucket(Bucket="out")
        self.lam = self.engine.client("lambda", read_timeout=60)
        self.addCleanup(self.lam.close)

    def test_put_record_batch_from_a_handler(self):
        self.create("forwarded")
        policy = {"Version": "2012-10-17", "Statement": [
            {"Effect": "Allow", "Action": ["firehose:PutRecord", "firehose:PutRecordBatch"],
             "Resource": stream_arn("forwarded")}]}
        role = self.engine.create_role("forwarder", {"put-to-delivery-stream": policy})
        self.lam.create_function(
            FunctionName="forward", Runtime="python3.11", Role=role, Handler="app.lambda_handler",
            Code={"ZipFile": make_zip({"app.py": HANDLER.read_text()})}, Timeout=30,
            Environment={"Variables": {"DELIVERY_STREAM_NAME": "forwarded"}})
        trips = [{"trip": i, "taxi_id": f"t{i % 3}"} for i in range(5)]
        event = {"Records": [{"kinesis": {"data": base64.b64encode(json.dumps(t).encode()).decode(),
                                          "sequenceNumber": str(1000 + i)}} for i, t in enumerate(trips)]}
        response = self.lam.invoke(FunctionName="forward", Payload=json.dumps(event).encode(), LogType="Tail")
        payload = json.loads(response["Payload"].read())
        log = base64.b64decode(response.get("LogResult", "")).decode(errors="replace")
        self.assertNotIn("FunctionError", response, f"{payload}\n{log}")
        self.assertEqual(payload, {"batchItemFailures": []}, log)
        self.assertEqual(self.metric("streamform_firehose_incoming_records_total", "forwarded"), 5)
        status, _, body = self.engine.request("POST", "/_streamform/delivery-streams/forwarded/flush",
                                              service="streamform")
        self.assertEqual(status, 200, body)
        key = json.loads(body)["keys"][0]
        lines = self.body(key).decode().splitlines()
        self.assertEqual([json.loads(line) for line in lines], trips)  # one JSON line per record

        # A role without firehose:PutRecordBatch: the handler's put is refused and it says so.
        self.engine.create_role("mute", {"nothing": {"Version": "2012-10-17", "Statement": [
            {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}]}})
        self.lam.update_function_configuration(FunctionName="forward",
                                               Role=f"arn:aws:iam::{ACCOUNT}:role/mute")
        deadline = time.monotonic() + 30
        while self.lam.get_function(FunctionName="forward")["Configuration"].get("LastUpdateStatus") not in (
                None, "Successful") and time.monotonic() < deadline:
            time.sleep(0.1)
        response = self.lam.invoke(FunctionName="forward", Payload=json.dumps(event).encode())
        self.assertEqual(response.get("FunctionError"), "Unhandled")
        self.assertIn("AccessDeniedException", response["Payload"].read().decode())


if __name__ == "__main__":
    unittest.main()
