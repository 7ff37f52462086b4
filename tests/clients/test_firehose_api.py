"""The Firehose API as boto3 1.26 and Debian's AWS CLI v2 use it against a streamform engine:
delivery streams (create, describe, list, update the destination, tag, delete), records
(PutRecord, PutRecordBatch), Firehose's refusals and wording (oversized records, 501 records,
unknown streams, bad prefixes, sources and compressions the engine does not run, roles Firehose
cannot assume), role sessions
held to firehose:* policies, and the delivery series in /metrics. Requests are JSON 1.1 with
X-Amz-Target Firehose_20150804.<Operation>, signed for service "firehose"."""
import base64
import json
import unittest

from botocore.exceptions import ClientError

from engine_fixture import ACCOUNT, REGION, start_engine

# The reference project's delivery stream (stacks/delivery.yaml), bucket aside.
REFERENCE = {
    "RoleARN": f"arn:aws:iam::{ACCOUNT}:role/delivery",
    "BufferingHints": {"SizeInMBs": 5, "IntervalInSeconds": 60},
    "CompressionFormat": "UNCOMPRESSED",
    "Prefix": "delivery/!{timestamp:yyyy/MM/dd/HH}/",
    "ErrorOutputPrefix": "delivery-errors/!{firehose:error-output-type}/!{timestamp:yyyy/MM/dd}/",
}


def stream_arn(name):
    return f"arn:aws:firehose:{REGION}:{ACCOUNT}:deliverystream/{name}"


def destination(bucket="out", **overrides):
    config = dict(REFERENCE, BucketARN=f"arn:aws:s3:::{bucket}")
    config.update(overrides)
    return config


class FirehoseApi(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.engine = start_engine(cls, "--virtual-clock")
        cls.firehose = cls.engine.client("firehose")
        cls.s3 = cls.engine.client("s3")
        cls.addClassCleanup(cls.firehose.close)
        cls.addClassCleanup(cls.s3.close)
        cls.s3.create_bucket(Bucket="out")
        cls.engine.create_delivery_role()

    def create(self, name, **kwargs):
        kwargs.setdefault("ExtendedS3DestinationConfiguration", destination())
        response = self.firehose.create_delivery_stream(DeliveryStreamName=name, **kwargs)
        self.addCleanup(self.delete_quietly, name)
        return response

    def delete_quietly(self, name):
        try:
            self.firehose.delete_delivery_stream(DeliveryStreamName=name)
        except ClientError:
            pass

    def client_error(self, code, call, *args, status=400, **kwargs):
        with self.assertRaises(ClientError) as raised:
            call(*args, **kwargs)
        error = raised.exception.response
        self.assertEqual(error["Error"]["Code"], code, error)
        self.assertEqual(error["ResponseMetadata"]["HTTPStatusCode"], status, error)
        return error["Error"]["Message"]

    def metrics(self):
        status, _, body = self.engine.request("GET", "/metrics")
        self.assertEqual(status, 200)
        return body.decode()

    # --- delivery streams -----------------------------------------------------------------------

    def test_lifecycle(self):
        created = self.create("life", Tags=[{"Key": "team", "Value": "data"}])
        self.assertEqual(created["DeliveryStreamARN"], stream_arn("life"))
        described = self.firehose.describe_delivery_stream(DeliveryStreamName="life")
        d = described["DeliveryStreamDescription"]
        self.assertEqual(d["DeliveryStreamName"], "life")
        self.assertEqual(d["DeliveryStreamARN"], stream_arn("life"))
        self.assertEqual(d["DeliveryStreamStatus"], "ACTIVE")
        self.assertEqual(d["DeliveryStreamType"], "DirectPut")
        self.assertEqual(d["VersionId"], "1")
        self.assertFalse(d["HasMoreDestinations"])
        self.assertEqual(len(d["Destinations"]), 1)
        self.assertEqual(d["Destinations"][0]["DestinationId"], "destinationId-000000000001")
        extended = d["Destinations"][0]["ExtendedS3DestinationDescription"]
        self.assertEqual(extended["BucketARN"], "arn:aws:s3:::out")
        self.assertEqual(extended["Prefix"], REFERENCE["Prefix"])
        self.assertEqual(extended["ErrorOutputPrefix"], REFERENCE["ErrorOutputPrefix"])
        self.assertEqual(extended["BufferingHints"], {"SizeInMBs": 5, "IntervalInSeconds": 60})
        self.assertEqual(extended["CompressionFormat"], "UNCOMPRESSED")
        self.assertEqual(extended["EncryptionConfiguration"], {"NoEncryptionConfig": "NoEncryption"})
        self.assertIn("S3DestinationDescription", d["Destinations"][0])

        names = self.firehose.list_delivery_streams()
        self.assertIn("life", names["DeliveryStreamNames"])
        self.assertFalse(names["HasMoreDeliveryStreams"])
        tags = self.firehose.list_tags_for_delivery_stream(DeliveryStreamName="life")
        self.assertEqual(tags["Tags"], [{"Key": "team", "Value": "data"}])
        self.firehose.tag_delivery_stream(DeliveryStreamName="life", Tags=[{"Key": "stage", "Value": "dev"}])
        self.firehose.untag_delivery_stream(DeliveryStreamName="life", TagKeys=["team"])
        tags = self.firehose.list_tags_for_delivery_stream(DeliveryStreamName="life")
        self.assertEqual(tags, {"Tags": [{"Key": "stage", "Value": "dev"}], "HasMoreTags": False,
                                "ResponseMetadata": tags["ResponseMetadata"]})

        self.firehose.delete_delivery_stream(DeliveryStreamName="life")
        message = self.client_error("ResourceNotFoundException", self.firehose.describe_delivery_stream,
                                    DeliveryStreamName="life")
        self.assertEqual(message, f"Firehose life under account {ACCOUNT} not found.")

    def test_list_pages_and_types(self):
        for name in ("page-a", "page-b", "page-c"):
            self.create(name)
        first = self.firehose.list_delivery_streams(Limit=2, ExclusiveStartDeliveryStreamName="page-")
        self.assertEqual(first["DeliveryStreamNames"], ["page-a", "page-b"])
        self.assertTrue(first["HasMoreDeliveryStreams"])
        rest = self.firehose.list_delivery_streams(Limit=2, ExclusiveStartDeliveryStreamName="page-b")
        self.assertEqual(rest["DeliveryStreamNames"][:1], ["page-c"])
        direct = self.firehose.list_delivery_streams(DeliveryStreamType="KinesisStreamAsSource")
        self.assertEqual(direct["DeliveryStreamNames"], [])

    def test_plain_s3_destination(self):
        self.firehose.create_delivery_stream(
            DeliveryStreamName="plain",
            S3DestinationConfiguration={"BucketARN": "arn:aws:s3:::out", "RoleARN": REFERENCE["RoleARN"]})
        self.addCleanup(self.delete_quietly, "plain")
        d = self.firehose.describe_delivery_stream(DeliveryStreamName="plain")["DeliveryStreamDescription"]
        plain = d["Destinations"][0]["S3DestinationDescription"]
        self.assertEqual(plain["BufferingHints"], {"SizeInMBs": 5, "IntervalInSeconds": 300})
        self.assertEqual(plain["CompressionFormat"], "UNCOMPRESSED")
        self.assertNotIn("Prefix", plain)

    def test_update_destination(self):
        self.create("upd")
        self.firehose.update_destination(
            DeliveryStreamName="upd", CurrentDeliveryStreamVersionId="1",
            DestinationId="destinationId-000000000001",
            ExtendedS3DestinationUpdate={"BufferingHints": {"SizeInMBs": 64}, "CompressionFormat": "GZIP",
                                         "Prefix": "moved/", "ErrorOutputPrefix": ""})
        d = self.firehose.describe_delivery_stream(DeliveryStreamName="upd")["DeliveryStreamDescription"]
        self.assertEqual(d["VersionId"], "2")
        extended = d["Destinations"][0]["ExtendedS3DestinationDescription"]
        self.assertEqual(extended["BufferingHints"], {"SizeInMBs": 64, "IntervalInSeconds": 60})  # merged
        self.assertEqual(extended["CompressionFormat"], "GZIP")
        self.assertEqual(extended["Prefix"], "moved/")
        self.assertNotIn("ErrorOutputPrefix", extended)
        message = self.client_error(
            "ConcurrentModificationException", self.firehose.update_destination, DeliveryStreamName="upd",
            CurrentDeliveryStreamVersionId="1", DestinationId="destinationId-000000000001",
            ExtendedS3DestinationUpdate={"Prefix": "x/"})
        self.assertIn("current version id: 2", message)
        message = self.client_error(
            "InvalidArgumentException", self.firehose.update_destination, DeliveryStreamName="upd",
            CurrentDeliveryStreamVersionId="2", DestinationId="destinationId-000000000001",
            ExtendedS3DestinationUpdate={"Prefix": "p/!{timestamp:yyyy}/"})
        self.assertEqual(message, "Ths supplied prefix(es) do not satisfy the following constraint: "
                                  "ErrorOutputPrefix cannot be null or empty when Prefix contains expressions")

    # --- records --------------------------------------------------------------------------------

    def test_put_record_and_batch(self):
        self.create("puts")
        single = self.firehose.put_record(DeliveryStreamName="puts", Record={"Data": b"one\n"})
        self.assertEqual(len(single["RecordId"]), 112)
        self.assertFalse(single["Encrypted"])
        batch = self.firehose.put_record_batch(
            DeliveryStreamName="puts", Records=[{"Data": f"{i}\n".encode()} for i in range(500)])
        self.assertEqual(batch["FailedPutCount"], 0)
        self.assertEqual(len(batch["RequestResponses"]), 500)
        ids = [r["RecordId"] for r in batch["RequestResponses"]]
        self.assertEqual(len(set(ids)), 500)
        metrics = self.metrics()
        self.assertIn('streamform_firehose_incoming_records_total{delivery_stream="puts"} 501', metrics)
        self.assertIn('streamform_firehose_buffered_records{delivery_stream="puts"} 501', metrics)
        self.assertIn('streamform_firehose_delivery_to_s3_success{delivery_stream="puts"} 1', metrics)

    def test_bad_records(self):
        self.create("bad-records")
        message = self.client_error("ValidationException", self.firehose.put_record,
                                    DeliveryStreamName="bad-records", Record={"Data": b"x" * 1024001})
        self.assertEqual(message, "1 validation error detected: Value 'java.nio.HeapByteBuffer[pos=0 "
                                  "lim=1024001 cap=1024001]' at 'record.data' failed to satisfy constraint: "
                                  "Member must have length less than or equal to 1024000")
        self.firehose.put_record(DeliveryStreamName="bad-records", Record={"Data": b"x" * 1024000})
        message = self.client_error("ValidationException", self.firehose.put_record_batch,
                                    DeliveryStreamName="bad-records",
                                    Records=[{"Data": b"r"} for _ in range(501)])
        self.assertEqual(message, "1 validation error detected: Value '[...]' at 'records' failed to satisfy "
                                  "constraint: Member must have length less than or equal to 500")
        message = self.client_error("InvalidArgumentException", self.firehose.put_record_batch,
                                    DeliveryStreamName="bad-records",
                                    Records=[{"Data": b"y" * 1000000} for _ in range(5)])
        self.assertEqual(message, "Records size exceeds 4 MB limit")
        message = self.client_error("ResourceNotFoundException", self.firehose.put_record_batch,
                                    DeliveryStreamName="nowhere", Records=[{"Data": b"r"}])
        self.assertEqual(message, f"Firehose nowhere under account {ACCOUNT} not found.")
        raw = json.dumps({"DeliveryStreamName": "bad-records", "Record": {"Data": "not base64!"}}).encode()
        status, _, body = self.engine.request(
            "POST", "/", raw, {"X-Amz-Target": "Firehose_20150804.PutRecord",
                               "Content-Type": "application/x-amz-json-1.1"}, service="firehose")
        self.assertEqual(status, 400)
        self.assertEqual(json.loads(body)["__type"], "SerializationException")

    # --- refusals -------------------------------------------------------------------------------

    def test_refused_streams(self):
        message = self.client_error("InvalidArgumentException", self.firehose.create_delivery_stream,
                                    DeliveryStreamName="bad-prefix",
                                    ExtendedS3DestinationConfiguration=destination(ErrorOutputPrefix=""))
        self.assertEqual(message, "Ths supplied prefix(es) do not satisfy the following constraint: "
                                  "ErrorOutputPrefix cannot be null or empty when Prefix contains expressions")
        message = self.client_error("InvalidArgumentException", self.firehose.create_delivery_stream,
                                    DeliveryStreamName="bad-pattern",
                                    ExtendedS3DestinationConfiguration=destination(
                                        Prefix="d/!{timestamp:yyyy-bb}/"))
        self.assertIn("Unknown pattern letter: b", message)
        message = self.client_error("InvalidArgumentException", self.firehose.create_delivery_stream,
                                    DeliveryStreamName="zip", ExtendedS3DestinationConfiguration=destination(
                                        CompressionFormat="ZIP"))
        self.assertEqual(message, "CompressionFormat ZIP is not supported by the engine: use UNCOMPRESSED or GZIP")
        message = self.client_error(
            "InvalidArgumentException", self.firehose.create_delivery_stream, DeliveryStreamName="from-kinesis",
            DeliveryStreamType="KinesisStreamAsSource",
            KinesisStreamSourceConfiguration={"KinesisStreamARN": f"arn:aws:kinesis:{REGION}:{ACCOUNT}:stream/s",
                                              "RoleARN": REFERENCE["RoleARN"]},
            ExtendedS3DestinationConfiguration=destination())
        self.assertIn("KinesisStreamAsSource is not supported by the engine", message)
        message = self.client_error("InvalidArgumentException", self.firehose.create_delivery_stream,
                                    DeliveryStreamName="nowhere")
        self.assertEqual(message, "Exactly one destination configuration is supported for a Firehose")
        message = self.client_error("ValidationException", self.firehose.create_delivery_stream,
                                    DeliveryStreamName="bad name!",
                                    ExtendedS3DestinationConfiguration=destination())
        self.assertIn("at 'deliveryStreamName' failed to satisfy constraint: Member must satisfy regular "
                      "expression pattern: [a-zA-Z0-9_.-]+", message)
        message = self.client_error("ValidationException", self.firehose.create_delivery_stream,
                                    DeliveryStreamName="big",
                                    ExtendedS3DestinationConfiguration=destination(
                                        BufferingHints={"SizeInMBs": 129, "IntervalInSeconds": 60}))
        self.assertIn("Value '129' at 'extendedS3DestinationConfiguration.bufferingHints.sizeInMBs' failed to "
                      "satisfy constraint: Member must have value less than or equal to 128", message)
        self.create("twice")
        message = self.client_error("ResourceInUseException", self.firehose.create_delivery_stream,
                                    DeliveryStreamName="twice", ExtendedS3DestinationConfiguration=destination())
        self.assertEqual(message, f"Firehose twice under accountId {ACCOUNT} already exists")

    # --- IAM ------------------------------------------------------------------------------------

    def test_roles_firehose_cannot_assume_are_refused(self):
        def refused(role_arn):
            return f"Firehose is unable to assume role {role_arn}. Please check the role provided."
        lambda_only = self.engine.create_role("lambda-only")
        other_account = self.engine.create_role("other-external-id", trust={
            "Version": "2012-10-17", "Statement": [
                {"Effect": "Allow", "Principal": {"Service": "firehose.amazonaws.com"},
                 "Action": "sts:AssumeRole", "Condition": {"StringEquals": {"sts:ExternalId": "111111111111"}}}]})
        for role in (f"arn:aws:iam::{ACCOUNT}:role/nobody", lambda_only, other_account):
            with self.assertRaises(ClientError) as raised:
                self.firehose.create_delivery_stream(DeliveryStreamName="unassumable",
                                                     ExtendedS3DestinationConfiguration=destination(RoleARN=role))
            error = raised.exception.response["Error"]
            self.assertEqual((error["Code"], error["Message"]), ("InvalidArgumentException", refused(role)))
        self.assertNotIn("unassumable", self.firehose.list_delivery_streams()["DeliveryStreamNames"])
        # An update to such a role is refused too, and changes nothing.
        self.create("keeps-its-role")
        described = self.firehose.describe_delivery_stream(DeliveryStreamName="keeps-its-role")
        description = described["DeliveryStreamDescription"]
        with self.assertRaises(ClientError) as raised:
            self.firehose.update_destination(
                DeliveryStreamName="keeps-its-role", CurrentDeliveryStreamVersionId=description["VersionId"],
                DestinationId=description["Destinations"][0]["DestinationId"],
                ExtendedS3DestinationUpdate={"RoleARN": lambda_only})
        self.assertEqual(raised.exception.response["Error"]["Code"], "InvalidArgumentException")
        after = self.firehose.describe_delivery_stream(DeliveryStreamName="keeps-its-role")["DeliveryStreamDescription"]
        self.assertEqual(after["VersionId"], description["VersionId"])
        self.assertEqual(after["Destinations"][0]["ExtendedS3DestinationDescription"]["RoleARN"],
                         REFERENCE["RoleARN"])

    def test_role_sessions_are_held_to_their_policies(self):
        self.create("allowed")
        self.create("other")
        policy = {"Version": "2012-10-17", "Statement": [
            {"Effect": "Allow", "Action": ["firehose:PutRecord", "firehose:PutRecordBatch"],
             "Resource": stream_arn("allowed")}]}
        role = self.engine.create_role("producer", {"put": policy})
        session = self.engine.client("firehose", credentials=self.engine.assume_role(role))
        self.addCleanup(session.close)
        put = session.put_record_batch(DeliveryStreamName="allowed", Records=[{"Data": b"ok"}])
        self.assertEqual(put["FailedPutCount"], 0)
        message = self.client_error("AccessDeniedException", session.put_record_batch,
                                    DeliveryStreamName="other", Records=[{"Data": b"no"}])
        self.assertIn("is not authorized to perform: firehose:PutRecordBatch on resource: "
                      f"{stream_arn('other')}", message)
        message = self.client_error("AccessDeniedException", session.delete_delivery_stream,
                                    DeliveryStreamName="allowed")
        self.assertIn("firehose:DeleteDeliveryStream", message)

    # --- the AWS CLI ----------------------------------------------------------------------------

    def test_aws_cli(self):
        config = json.dumps(destination())
        created = self.engine.aws("firehose", "create-delivery-stream", "--delivery-stream-name", "cli",
                                  "--extended-s3-destination-configuration", config)
        self.assertEqual(created.returncode, 0, created)
        self.addCleanup(self.delete_quietly, "cli")
        self.assertEqual(created.json["DeliveryStreamARN"], stream_arn("cli"))
        records = json.dumps([{"Data": base64.b64encode(f"{i}\n".encode()).decode()} for i in range(3)])
        put = self.engine.aws("firehose", "put-record-batch", "--delivery-stream-name", "cli",
                              "--records", records)
        self.assertEqual(put.returncode, 0, put)
        self.assertEqual(put.json["FailedPutCount"], 0)
        single = self.engine.aws("firehose", "put-record", "--delivery-stream-name", "cli",
                                 "--record", "Data=" + base64.b64encode(b"3\n").decode())
        self.assertEqual(single.returncode, 0, single)
        described = self.engine.aws("firehose", "describe-delivery-stream", "--delivery-stream-name", "cli")
        self.assertEqual(described.json["DeliveryStreamDescription"]["DeliveryStreamStatus"], "ACTIVE")
        listed = self.engine.aws("firehose", "list-delivery-streams")
        self.assertIn("cli", listed.json["DeliveryStreamNames"])
        missing = self.engine.aws("firehose", "describe-delivery-stream", "--delivery-stream-name", "absent")
        self.assertEqual(missing.returncode, 254, missing)
        self.assertIn("ResourceNotFoundException", missing.stderr)
        self.assertIn(f"Firehose absent under account {ACCOUNT} not found.", missing.stderr)
        deleted = self.engine.aws("firehose", "delete-delivery-stream", "--delivery-stream-name", "cli")
        self.assertEqual(deleted.returncode, 0, deleted)


if __name__ == "__main__":
    unittest.main()
