"""IAM enforced by the engine on requests signed with a role session's credentials (from
sts:AssumeRole, or a function's workers): the Kinesis, S3 and Lambda APIs allow what the role's
policies allow and refuse the rest exactly as AWS words it; an explicit Deny wins; a policy change
applies to the next request; session tokens are checked; handlers run with their role's
credentials, and a handler whose role may not write gets AccessDenied in its log."""
import base64
import json
import time
import unittest
import urllib.request
from urllib.error import HTTPError

from botocore.exceptions import ClientError

from engine_fixture import ACCOUNT, LAMBDA_TRUST, start_engine, wait_active
from test_lambda_api import make_zip

STREAM_ARN = f"arn:aws:kinesis:us-east-1:{ACCOUNT}:stream/"
ORDERS = STREAM_ARN + "orders"


def allow(actions, resources, effect="Allow"):
    return {"Version": "2012-10-17", "Statement": [{"Effect": effect, "Action": actions, "Resource": resources}]}


def denial(role, session, action, resource, explicit=False):
    """AWS's sentence for a refused request (S3 quotes the resource itself)."""
    reason = ("with an explicit deny in an identity-based policy" if explicit
              else f"because no identity-based policy allows the {action} action")
    return (f"User: arn:aws:sts::{ACCOUNT}:assumed-role/{role}/{session} is not authorized to perform: "
            f"{action} on resource: {resource} {reason}")


WRITER = """\
import os

import boto3

s3 = boto3.client("s3")
sts = boto3.client("sts")


def lambda_handler(event, context):
    s3.put_object(Bucket=event["bucket"], Key=event["key"], Body=b"written by the handler")
    return {"arn": sts.get_caller_identity()["Arn"], "token": bool(os.environ.get("AWS_SESSION_TOKEN")),
            "key": os.environ["AWS_ACCESS_KEY_ID"][:4]}
"""


class Enforcement(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.engine = start_engine(cls)
        cls.kinesis = cls.engine.client("kinesis")
        cls.s3 = cls.engine.client("s3")
        cls.iam = cls.engine.client("iam")
        cls.lam = cls.engine.client("lambda", read_timeout=60)
        for client in (cls.kinesis, cls.s3, cls.iam, cls.lam):
            cls.addClassCleanup(client.close)
        for stream in ("orders", "audit"):
            cls.kinesis.create_stream(StreamName=stream, ShardCount=1)
            wait_active(cls.kinesis, stream)
        for bucket in ("raw-events", "other-bucket"):
            cls.s3.create_bucket(Bucket=bucket)
        cls.s3.put_object(Bucket="other-bucket", Key="k", Body=b"theirs")

    def session(self, role, policies=None, managed=()):
        """A role with these policies, assumed: (keys, client factory)."""
        arn = self.engine.create_role(role, policies, managed)
        keys = self.engine.assume_role(arn, "tester")

        def client(service, **config):
            made = self.engine.client(service, credentials=keys, **config)
            self.addCleanup(made.close)
            return made
        return keys, client

    def client_error(self, code, status, call, *args, **kwargs):
        with self.assertRaises(ClientError) as raised:
            call(*args, **kwargs)
        error = raised.exception.response
        self.assertEqual(error["Error"]["Code"], code, error)
        self.assertEqual(error["ResponseMetadata"]["HTTPStatusCode"], status, error)
        return error["Error"].get("Message", "")

    # --- Kinesis ------------------------------------------------------------------------------

    def test_kinesis_allows_what_the_role_allows(self):
        _, client = self.session("producer", {"put": allow(["kinesis:PutRecord", "kinesis:PutRecords"], ORDERS)})
        kinesis = client("kinesis")
        kinesis.put_record(StreamName="orders", Data=b"a", PartitionKey="k")
        kinesis.put_records(StreamName="orders", Records=[{"Data": b"b", "PartitionKey": "k"}])
        message = self.client_error("AccessDeniedException", 400, kinesis.put_record, StreamName="audit",
                                    Data=b"a", PartitionKey="k")
        self.assertEqual(message, denial("producer", "tester", "kinesis:PutRecord", STREAM_ARN + "audit"))
        message = self.client_error("AccessDeniedException", 400, kinesis.list_streams)
        self.assertEqual(message, denial("producer", "tester", "kinesis:ListStreams", "*"))
        self.client_error("AccessDeniedException", 400, kinesis.get_shard_iterator, StreamName="orders",
                          ShardId="shardId-000000000000", ShardIteratorType="TRIM_HORIZON")
        self.client_error("AccessDeniedException", 400, kinesis.delete_stream, StreamName="orders")
        self.assertEqual(self.kinesis.describe_stream_summary(StreamName="orders")[
            "StreamDescriptionSummary"]["StreamStatus"], "ACTIVE")

    def test_readers_read_only_their_streams(self):
        _, client = self.session("reader", {"read": allow(["kinesis:GetShardIterator", "kinesis:GetRecords"],
                                                          ORDERS)})
        kinesis = client("kinesis")
        iterator = kinesis.get_shard_iterator(StreamName="orders", ShardId="shardId-000000000000",
                                              ShardIteratorType="TRIM_HORIZON")["ShardIterator"]
        kinesis.get_records(ShardIterator=iterator)
        theirs = self.kinesis.get_shard_iterator(StreamName="audit", ShardId="shardId-000000000000",
                                                 ShardIteratorType="TRIM_HORIZON")["ShardIterator"]
        message = self.client_error("AccessDeniedException", 400, kinesis.get_records, ShardIterator=theirs)
        self.assertEqual(message, denial("reader", "tester", "kinesis:GetRecords", STREAM_ARN + "audit"))
        self.client_error("AccessDeniedException", 400, kinesis.put_record, StreamName="orders",
                          Data=b"a", PartitionKey="k")

    def test_explicit_deny_wins(self):
        _, client = self.session("guarded", {"no-delete": allow("kinesis:Delete*", ORDERS, effect="Deny")},
                                 managed=["arn:aws:iam::aws:policy/AmazonKinesisFullAccess"])
        kinesis = client("kinesis")
        kinesis.put_record(StreamName="orders", Data=b"a", PartitionKey="k")
        self.assertIn("orders", kinesis.list_streams()["StreamNames"])
        message = self.client_error("AccessDeniedException", 400, kinesis.delete_stream, StreamName="orders")
        self.assertEqual(message, denial("guarded", "tester", "kinesis:DeleteStream", ORDERS, explicit=True))

    def test_policy_changes_apply_to_the_next_request(self):
        _, client = self.session("changing")
        kinesis = client("kinesis")
        self.client_error("AccessDeniedException", 400, kinesis.put_record, StreamName="orders",
                          Data=b"a", PartitionKey="k")
        self.iam.put_role_policy(RoleName="changing", PolicyName="put",
                                 PolicyDocument=json.dumps(allow("kinesis:PutRecord", "*")))
        kinesis.put_record(StreamName="orders", Data=b"a", PartitionKey="k")
        self.iam.delete_role_policy(RoleName="changing", PolicyName="put")
        self.client_error("AccessDeniedException", 400, kinesis.put_record, StreamName="orders",
                          Data=b"a", PartitionKey="k")

    # --- S3 -----------------------------------------------------------------------------------

    def test_s3_allows_what_the_role_allows(self):
        keys, client = self.session("archiver", {"objects": allow(
            ["s3:GetObject", "s3:PutObject", "s3:DeleteObject"], "arn:aws:s3:::raw-events/incoming/*"),
            "list": allow("s3:ListBucket", "arn:aws:s3:::raw-events")})
        s3 = client("s3")
        s3.put_object(Bucket="raw-events", Key="incoming/a.json", Body=b"{}")
        self.assertEqual(s3.get_object(Bucket="raw-events", Key="incoming/a.json")["Body"].read(), b"{}")
        self.assertEqual(s3.list_objects_v2(Bucket="raw-events", Prefix="incoming/")["KeyCount"], 1)
        message = self.client_error("AccessDenied", 403, s3.put_object, Bucket="raw-events", Key="other/b",
                                    Body=b"x")
        self.assertEqual(message, denial("archiver", "tester", "s3:PutObject", '"arn:aws:s3:::raw-events/other/b"'))
        self.client_error("403", 403, s3.head_object, Bucket="other-bucket", Key="k")  # HEAD: no body
        self.client_error("AccessDenied", 403, s3.list_objects_v2, Bucket="other-bucket")
        self.client_error("AccessDenied", 403, s3.list_buckets)
        self.client_error("AccessDenied", 403, s3.create_bucket, Bucket="new-bucket")
        self.client_error("AccessDenied", 403, s3.copy_object, Bucket="raw-events", Key="incoming/copy",
                          CopySource={"Bucket": "other-bucket", "Key": "k"})
        upload = s3.create_multipart_upload(Bucket="raw-events", Key="incoming/big")  # s3:PutObject
        self.client_error("AccessDenied", 403, s3.abort_multipart_upload, Bucket="raw-events",
                          Key="incoming/big", UploadId=upload["UploadId"])
        self.client_error("AccessDenied", 403, s3.create_multipart_upload, Bucket="raw-events", Key="other/big")

        self.s3.put_object(Bucket="raw-events", Key="other/x", Body=b"x")
        deleted = s3.delete_objects(Bucket="raw-events", Delete={"Objects": [
            {"Key": "incoming/a.json"}, {"Key": "other/x"}]})
        self.assertEqual([d["Key"] for d in deleted["Deleted"]], ["incoming/a.json"])
        self.assertEqual([(e["Key"], e["Code"]) for e in deleted["Errors"]], [("other/x", "AccessDenied")])
        self.assertEqual(self.s3.get_object(Bucket="raw-events", Key="other/x")["Body"].read(), b"x")

        # Presigned URLs carry the session token and are held to the same policies.
        s3 = client("s3", signature_version="s3v4")
        s3.put_object(Bucket="raw-events", Key="incoming/shared", Body=b"shared")
        url = s3.generate_presigned_url("get_object", Params={"Bucket": "raw-events", "Key": "incoming/shared"})
        self.assertIn("X-Amz-Security-Token=", url)
        with urllib.request.urlopen(url, timeout=10) as response:
            self.assertEqual(response.read(), b"shared")
        url = s3.generate_presigned_url("get_object", Params={"Bucket": "other-bucket", "Key": "k"})
        with self.assertRaises(HTTPError) as refused:
            urllib.request.urlopen(url, timeout=10)
        self.assertEqual(refused.exception.code, 403)

        # The AWS CLI, with the session in its environment.
        cli = self.engine.aws("s3", "cp", "-", "s3://raw-events/other/cli.txt", input="hello",
                              env={"AWS_ACCESS_KEY_ID": keys[0], "AWS_SECRET_ACCESS_KEY": keys[1],
                                   "AWS_SESSION_TOKEN": keys[2]})
        self.assertEqual(cli.returncode, 1, cli)
        self.assertIn("AccessDenied", cli.stderr)

    # --- credentials --------------------------------------------------------------------------

    def test_session_tokens_are_checked(self):
        keys, _ = self.session("token-checked", managed=["arn:aws:iam::aws:policy/AdministratorAccess"])
        wrong = (keys[0], keys[1], keys[2][:-4] + "AAAA")
        kinesis = self.engine.client("kinesis", credentials=wrong)
        s3 = self.engine.client("s3", credentials=keys[:2])
        for client in (kinesis, s3):
            self.addCleanup(client.close)
        message = self.client_error("UnrecognizedClientException", 400, kinesis.list_streams)
        self.assertEqual(message, "The security token included in the request is invalid.")
        message = self.client_error("InvalidToken", 400, s3.list_buckets)
        self.assertEqual(message, "The provided token is malformed or otherwise invalid.")
        # Even AdministratorAccess does not open the engine's own routes.
        status, body = self.engine.control("/_streamform/throttling", {"stream": "orders", "enabled": None},
                                           credentials=keys)
        self.assertEqual(status, 403, body)
        self.assertIn(b"AccessDeniedException", body)

    # --- Lambda -------------------------------------------------------------------------------

    def deploy(self, name, role_arn, code=WRITER):
        self.lam.create_function(FunctionName=name, Runtime="python3.11", Role=role_arn,
                                 Handler="handler.lambda_handler", Timeout=20,
                                 Code={"ZipFile": make_zip({"handler.py": (code, 0o644)})})
        self.addCleanup(self.lam.delete_function, FunctionName=name)

    def function_log(self, name):
        status, _, body = self.engine.request("GET", f"/_streamform/functions/{name}/log?offset=0",
                                              service="streamform")
        self.assertEqual(status, 200, body)
        return body.decode(errors="replace")

    def test_handlers_run_with_their_roles_credentials(self):
        role = self.engine.create_role("writer-role", {"put": allow("s3:PutObject", "arn:aws:s3:::raw-events/*")})
        self.deploy("writer", role)
        result = self.lam.invoke(FunctionName="writer", Payload=json.dumps(
            {"bucket": "raw-events", "key": "from-writer"}).encode())
        payload = json.loads(result["Payload"].read())
        self.assertNotIn("FunctionError", result, payload)
        self.assertEqual(payload, {"arn": f"arn:aws:sts::{ACCOUNT}:assumed-role/writer-role/writer",
                                   "token": True, "key": "ASIA"})
        self.assertEqual(self.s3.get_object(Bucket="raw-events", Key="from-writer")["Body"].read(),
                         b"written by the handler")

    def test_a_handler_without_permission_gets_access_denied_in_its_log(self):
        role = self.engine.create_role("no-write-role",
                                       managed=["arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole"])
        self.deploy("no-write", role)
        result = self.lam.invoke(FunctionName="no-write", LogType="Tail", Payload=json.dumps(
            {"bucket": "raw-events", "key": "never"}).encode())
        self.assertEqual(result.get("FunctionError"), "Unhandled")
        payload = json.loads(result["Payload"].read())
        self.assertEqual(payload["errorType"], "ClientError")
        expected = denial("no-write-role", "no-write", "s3:PutObject", '"arn:aws:s3:::raw-events/never"')
        self.assertIn("AccessDenied", payload["errorMessage"])
        self.assertIn(expected, payload["errorMessage"])
        self.assertIn(expected, base64.b64decode(result["LogResult"]).decode())
        deadline = time.monotonic() + 10
        while expected not in self.function_log("no-write") and time.monotonic() < deadline:
            time.sleep(0.1)
        self.assertIn(expected, self.function_log("no-write"))
        self.client_error("NoSuchKey", 404, self.s3.get_object, Bucket="raw-events", Key="never")

        # Granting the permission lets the same (warm) workers write.
        self.iam.put_role_policy(RoleName="no-write-role", PolicyName="put",
                                 PolicyDocument=json.dumps(allow("s3:PutObject", "arn:aws:s3:::raw-events/*")))
        result = self.lam.invoke(FunctionName="no-write", Payload=json.dumps(
            {"bucket": "raw-events", "key": "now"}).encode())
        self.assertNotIn("FunctionError", result, result["Payload"].read())

    def test_a_function_whose_role_is_gone_cannot_run(self):
        role = self.engine.create_role("fleeting", {"put": allow("s3:PutObject", "*")})
        self.deploy("fleeting-fn", role)
        event = json.dumps({"bucket": "raw-events", "key": "fleeting"}).encode()
        self.assertNotIn("FunctionError", self.lam.invoke(FunctionName="fleeting-fn", Payload=event))
        self.iam.delete_role_policy(RoleName="fleeting", PolicyName="put")
        self.iam.delete_role(RoleName="fleeting")
        message = self.client_error("InvalidParameterValueException", 400, self.lam.invoke,
                                    FunctionName="fleeting-fn", Payload=event)
        self.assertEqual(message, "The role defined for the function cannot be assumed by Lambda.")
        # The same name again is a new role with new credentials; new workers get them.
        self.engine.create_role("fleeting", {"put": allow("s3:PutObject", "*")})
        result = self.lam.invoke(FunctionName="fleeting-fn", Payload=event)
        self.assertNotIn("FunctionError", result, result["Payload"].read())

    def test_the_lambda_api_for_roles(self):
        self.deploy("callable", self.engine.create_role("callable-role"))
        self.deploy("private", self.engine.create_role("private-role"))
        _, client = self.session("caller", {"invoke": allow(
            "lambda:InvokeFunction", f"arn:aws:lambda:us-east-1:{ACCOUNT}:function:callable")})
        lam = client("lambda", read_timeout=60)
        self.assertEqual(lam.invoke(FunctionName="callable", InvocationType="DryRun")["StatusCode"], 204)
        message = self.client_error("AccessDeniedException", 403, lam.invoke, FunctionName="private",
                                    InvocationType="DryRun")
        self.assertEqual(message, denial("caller", "tester", "lambda:InvokeFunction",
                                         f"arn:aws:lambda:us-east-1:{ACCOUNT}:function:private"))
        self.client_error("AccessDeniedException", 403, lam.list_functions)
        self.client_error("AccessDeniedException", 403, lam.delete_function, FunctionName="callable")


    # --- EventBridge --------------------------------------------------------------------------

    def test_eventbridge_allows_what_the_role_allows(self):
        rules = f"arn:aws:events:us-east-1:{ACCOUNT}:rule/"
        _, client = self.session("scheduler", {"rules": allow(
            ["events:PutRule", "events:DescribeRule", "events:PutTargets", "events:ListTargetsByRule",
             "events:TagResource", "events:ListTagsForResource"], rules + "nightly-*")})
        events = client("events")
        arn = events.put_rule(Name="nightly-export", ScheduleExpression="rate(1 day)")["RuleArn"]
        self.assertEqual(arn, rules + "nightly-export")
        self.assertEqual(events.describe_rule(Name="nightly-export")["State"], "ENABLED")
        events.tag_resource(ResourceARN=arn, Tags=[{"Key": "team", "Value": "data"}])
        self.assertEqual(events.list_tags_for_resource(ResourceARN=arn)["Tags"],
                         [{"Key": "team", "Value": "data"}])
        # Another rule, the operations the policy leaves out, and listing all rules: refused,
        # with nothing done.
        message = self.client_error("AccessDeniedException", 400, events.put_rule, Name="hourly",
                                    ScheduleExpression="rate(1 hour)")
        self.assertEqual(message, denial("scheduler", "tester", "events:PutRule", rules + "hourly"))
        message = self.client_error("AccessDeniedException", 400, events.delete_rule, Name="nightly-export")
        self.assertEqual(message, denial("scheduler", "tester", "events:DeleteRule", rules + "nightly-export"))
        self.client_error("AccessDeniedException", 400, events.disable_rule, Name="nightly-export")
        message = self.client_error("AccessDeniedException", 400, events.list_rules)
        self.assertEqual(message, denial("scheduler", "tester", "events:ListRules", rules + "*"))
        self.client_error("AccessDeniedException", 400, events.untag_resource, ResourceARN=arn,
                          TagKeys=["team"])
        admin = self.engine.client("events")
        self.addCleanup(admin.close)
        names = [r["Name"] for r in admin.list_rules()["Rules"]]
        self.assertIn("nightly-export", names)
        self.assertNotIn("hourly", names)
        self.assertEqual(admin.describe_rule(Name="nightly-export")["State"], "ENABLED")
        admin.delete_rule(Name="nightly-export")
        # "events:*" on "*" grants everything, ListRules included.
        _, client = self.session("events-admin", {"all": allow("events:*", "*")})
        self.assertIn("Rules", client("events").list_rules())

if __name__ == "__main__":
    unittest.main()
