"""Python handlers written the way AWS Lambda handlers are (boto3 clients created at import time,
no endpoint anywhere in the code) reach the engine unmodified, under Debian's botocore 1.29, which
predates AWS_ENDPOINT_URL[_<SERVICE>]: the bootstrap makes botocore honour the variables the engine
sets (see python_bootstrap.py). Functions are deployed with boto3's lambda client from zips and
invoked; what they wrote is read back with the test's own clients. An endpoint_url the handler
passes still wins; a handler that does not use boto3 never imports botocore; a botocore that reads
the variables itself is left alone."""
import base64
import http.server
import json
import threading
import unittest

from botocore.exceptions import ClientError

from engine_fixture import make_zip, start_engine, wait_active

ROLE = "arn:aws:iam::000000000000:role/lambda-role"

WRITER = """\
import json
import logging
import os

import boto3

logger = logging.getLogger()
logger.setLevel(logging.INFO)

s3 = boto3.client("s3")
kinesis = boto3.client("kinesis")
BUCKET = os.environ["BUCKET"]
STREAM = os.environ["STREAM"]


def lambda_handler(event, context):
    key = "orders/%s.json" % event["id"]
    body = json.dumps(event, sort_keys=True)
    s3.put_object(Bucket=BUCKET, Key=key, Body=body.encode(), ContentType="application/json")
    put = kinesis.put_record(StreamName=STREAM, Data=body.encode(), PartitionKey=str(event["id"]))
    logger.info("wrote %s and %s", key, put["SequenceNumber"])
    # a resource and a client made inside the handler go to the engine as well
    back = boto3.resource("s3").Object(BUCKET, key).get()["Body"].read().decode()
    return {
        "bucket": BUCKET, "key": key, "body": body, "read_back": back,
        "stream": STREAM, "shard_id": put["ShardId"], "sequence_number": put["SequenceNumber"],
        "endpoints": {"s3": s3.meta.endpoint_url, "kinesis": kinesis.meta.endpoint_url,
                      "lambda": boto3.client("lambda").meta.endpoint_url},
    }
"""

EXPLICIT = """\
import boto3

s3 = boto3.client("s3")  # the engine's


def lambda_handler(event, context):
    kinesis = boto3.client("kinesis", endpoint_url=event["endpoint"])
    streams = kinesis.list_streams()["StreamNames"]
    elsewhere = boto3.client("s3", endpoint_url=event["endpoint"])
    elsewhere.put_object(Bucket="elsewhere", Key="k.txt", Body=b"not for the engine")
    s3.put_object(Bucket=event["bucket"], Key="explicit.txt", Body=b"for the engine")
    return {"kinesis": kinesis.meta.endpoint_url, "s3": elsewhere.meta.endpoint_url,
            "default_s3": s3.meta.endpoint_url, "streams": streams}
"""

PLAIN = """\
import json
import sys

import helper


def lambda_handler(event, context):
    return {"doubled": helper.double(event["n"]),
            "aws_modules": sorted(m for m in sys.modules if m.split(".")[0] in ("boto3", "botocore")),
            "json": json.dumps([1])}
"""

# A botocore of its own in the zip that reads AWS_ENDPOINT_URL itself (as botocore >= 1.31 does):
# the bootstrap must leave its create_client alone.
NATIVE_BOTOCORE = {
    "botocore/__init__.py": "__version__ = '9.0.0'\n",
    "botocore/configprovider.py": "class ConfiguredEndpointProvider:\n    pass\n",
    "botocore/session.py": """\
import botocore.configprovider


class Session:
    def create_client(self, service_name, region_name=None, api_version=None, use_ssl=True,
                      verify=None, endpoint_url=None, **kwargs):
        return {"service": service_name, "endpoint_url": endpoint_url}
""",
    "handler.py": """\
import botocore
import botocore.session

client = botocore.session.Session().create_client("kinesis")


def lambda_handler(event, context):
    return {"client": client, "botocore": botocore.__file__,
            "patched": getattr(botocore.session.Session.create_client, "_streamform_endpoints", False)}
""",
}



class Recorder(http.server.ThreadingHTTPServer):
    """Another endpoint on loopback: records each request and answers ListStreams and PutObject."""

    daemon_threads = True

    def __init__(self):
        self.requests = []
        recorder = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):
                pass

            def answer(self, body=b"", content_type="application/x-amz-json-1.1", headers=None):
                self.send_response(200)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(body)))
                for name, value in (headers or {}).items():
                    self.send_header(name, value)
                self.end_headers()
                self.wfile.write(body)

            def handle_one(self):
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                recorder.requests.append({"method": self.command, "path": self.path,
                                          "target": self.headers.get("X-Amz-Target"), "body": body})
                if self.command == "POST":
                    self.answer(json.dumps({"StreamNames": ["recorded"], "HasMoreStreams": False}).encode())
                else:
                    self.answer(headers={"ETag": '"0123456789abcdef0123456789abcdef"'},
                                content_type="application/xml")

            do_POST = do_PUT = handle_one

        super().__init__(("127.0.0.1", 0), Handler)

    @property
    def endpoint(self):
        return "http://127.0.0.1:%d" % self.server_address[1]


class LambdaHandlersReachTheEngine(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.engine = start_engine(cls)
        # ROLE: the handlers' role, allowed what they do (its credentials are the ones they sign with).
        cls.engine.create_role("lambda-role", managed=["arn:aws:iam::aws:policy/AmazonS3FullAccess",
                                                       "arn:aws:iam::aws:policy/AmazonKinesisFullAccess"])
        cls.lam = cls.engine.client("lambda", read_timeout=60)
        cls.s3 = cls.engine.client("s3")
        cls.kinesis = cls.engine.client("kinesis")
        for client in (cls.lam, cls.s3, cls.kinesis):
            cls.addClassCleanup(client.close)

    def deploy(self, name, files, variables=None):
        response = self.lam.create_function(
            FunctionName=name, Runtime="python3.11", Role=ROLE, Handler="handler.lambda_handler",
            Code={"ZipFile": make_zip(files)}, Timeout=20,
            Environment={"Variables": variables or {}})
        self.addCleanup(self.delete_quietly, name)
        self.assertEqual(response["State"], "Active")

    def delete_quietly(self, name):
        try:
            self.lam.delete_function(FunctionName=name)
        except ClientError:
            pass

    def invoke(self, name, event):
        response = self.lam.invoke(FunctionName=name, Payload=json.dumps(event).encode(), LogType="Tail")
        self.assertEqual(response["StatusCode"], 200)
        payload = json.loads(response["Payload"].read())
        log = base64.b64decode(response.get("LogResult", "")).decode(errors="replace")
        self.assertNotIn("FunctionError", response, f"{payload}\n{log}")
        return payload, log

    def test_import_time_clients_write_to_the_engine(self):
        self.s3.create_bucket(Bucket="orders-out")
        self.kinesis.create_stream(StreamName="orders", ShardCount=1)
        wait_active(self.kinesis, "orders")
        self.deploy("writer", {"handler.py": WRITER}, {"BUCKET": "orders-out", "STREAM": "orders"})

        written = []
        for order_id in (7, 8):  # the second one on the warm worker, with the same clients
            event = {"id": order_id, "items": ["tea", "cake"][:order_id - 6]}
            out, log = self.invoke("writer", event)
            self.assertEqual(out["body"], json.dumps(event, sort_keys=True))
            self.assertEqual(out["read_back"], out["body"])
            self.assertEqual(out["endpoints"], {"s3": self.engine.endpoint, "kinesis": self.engine.endpoint,
                                                "lambda": self.engine.endpoint})
            self.assertIn(f"wrote orders/{order_id}.json", log)
            written.append(out)

        for out in written:
            obj = self.s3.get_object(Bucket="orders-out", Key=out["key"])
            self.assertEqual(obj["Body"].read().decode(), out["body"])
            self.assertEqual(obj["ContentType"], "application/json")
        iterator = self.kinesis.get_shard_iterator(
            StreamName="orders", ShardId=written[0]["shard_id"], ShardIteratorType="AT_SEQUENCE_NUMBER",
            StartingSequenceNumber=written[0]["sequence_number"])["ShardIterator"]
        records = self.kinesis.get_records(ShardIterator=iterator)["Records"]
        self.assertEqual([(r["SequenceNumber"], r["Data"].decode(), r["PartitionKey"]) for r in records],
                         [(out["sequence_number"], out["body"], str(json.loads(out["body"])["id"]))
                          for out in written])

    def test_an_explicit_endpoint_url_wins(self):
        recorder = Recorder()
        thread = threading.Thread(target=recorder.serve_forever, daemon=True)
        thread.start()
        self.addCleanup(thread.join, 10)
        self.addCleanup(recorder.shutdown)
        self.addCleanup(recorder.server_close)
        self.s3.create_bucket(Bucket="explicit-out")
        self.deploy("explicit", {"handler.py": EXPLICIT})

        out, _ = self.invoke("explicit", {"endpoint": recorder.endpoint, "bucket": "explicit-out"})
        self.assertEqual(out, {"kinesis": recorder.endpoint, "s3": recorder.endpoint,
                               "default_s3": self.engine.endpoint, "streams": ["recorded"]})
        self.assertEqual([(r["method"], r["path"], r["target"]) for r in recorder.requests],
                         [("POST", "/", "Kinesis_20131202.ListStreams"),
                          ("PUT", "/elsewhere/k.txt", None)])  # path-style against an IP endpoint
        self.assertEqual(recorder.requests[1]["body"], b"not for the engine")
        self.assertEqual(self.s3.get_object(Bucket="explicit-out", Key="explicit.txt")["Body"].read(),
                         b"for the engine")
        self.client_error_404(Bucket="elsewhere", Key="k.txt")

    def client_error_404(self, **where):
        with self.assertRaises(ClientError) as raised:
            self.s3.get_object(**where)
        self.assertEqual(raised.exception.response["ResponseMetadata"]["HTTPStatusCode"], 404)

    def test_a_handler_without_boto3_is_unaffected(self):
        self.deploy("plain", {"handler.py": PLAIN, "helper.py": "def double(n):\n    return 2 * n\n"})
        for n in (1, 2):
            out, _ = self.invoke("plain", {"n": n})
            self.assertEqual(out, {"doubled": 2 * n, "aws_modules": [], "json": "[1]"})

    def test_a_botocore_that_reads_the_variables_itself_is_left_alone(self):
        self.deploy("native", NATIVE_BOTOCORE)
        out, _ = self.invoke("native", {})
        self.assertTrue(out["botocore"].endswith("/botocore/__init__.py"), out)
        self.assertNotIn("dist-packages", out["botocore"])  # the zip's own
        self.assertEqual(out["client"], {"service": "kinesis", "endpoint_url": None})
        self.assertFalse(out["patched"])


if __name__ == "__main__":
    unittest.main()
