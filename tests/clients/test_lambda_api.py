"""The Lambda API as boto3 1.26 and Debian's AWS CLI v2 use it against a streamform engine:
create-function from a zip (inline and from an engine bucket), get-function, list (paged),
update code and configuration, concurrency, delete, and invoke (RequestResponse with a real
python handler, Event, DryRun, LogType Tail, handler errors), with the model's error codes.
Lambda requests are recognised by their signing service, so the same paths signed for S3 stay
S3's."""
import base64
import io
import json
import os
import tempfile
import unittest
import zipfile

from botocore.exceptions import ClientError

from engine_fixture import start_engine

ROLE = "arn:aws:iam::000000000000:role/lambda-role"
ECHO = """\
import logging
logger = logging.getLogger()
logger.setLevel(logging.INFO)

def lambda_handler(event, context):
    print("got", json_dumps(event))
    if isinstance(event, dict) and event.get("fail"):
        raise ValueError("asked to fail")
    return {"echo": event, "function": context.function_name, "version": context.function_version}

def json_dumps(value):
    import json
    return json.dumps(value, sort_keys=True)
"""


def make_zip(files):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, (content, mode) in files.items():
            info = zipfile.ZipInfo(name)
            info.external_attr = (0o100000 | mode) << 16
            archive.writestr(info, content)
    return buffer.getvalue()


def python_zip(marker=""):
    return make_zip({"handler.py": (ECHO + f"# {marker}\n", 0o644)})


class LambdaApi(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.engine = start_engine(cls)
        cls.engine.create_role("lambda-role")  # ROLE: the engine refuses roles it cannot assume
        cls.lam = cls.engine.client("lambda", read_timeout=60)
        cls.addClassCleanup(cls.lam.close)

    def create(self, name, **overrides):
        args = dict(FunctionName=name, Runtime="python3.11", Role=ROLE, Handler="handler.lambda_handler",
                    Code={"ZipFile": python_zip(name)}, Timeout=10)
        args.update(overrides)
        response = self.lam.create_function(**args)
        self.addCleanup(self.delete_quietly, name)
        return response

    def delete_quietly(self, name):
        try:
            self.lam.delete_function(FunctionName=name)
        except ClientError:
            pass

    def client_error(self, code, status, call, *args, **kwargs):
        with self.assertRaises(ClientError) as raised:
            call(*args, **kwargs)
        error = raised.exception.response
        self.assertEqual(error["Error"]["Code"], code, error)
        self.assertEqual(error["ResponseMetadata"]["HTTPStatusCode"], status, error)
        return error

    # --- control plane ------------------------------------------------------------------------

    def test_lifecycle_with_boto3(self):
        created = self.create("life", Environment={"Variables": {"STAGE": "dev"}}, MemorySize=256)
        self.assertEqual(created["ResponseMetadata"]["HTTPStatusCode"], 201)
        self.assertEqual(created["FunctionArn"], "arn:aws:lambda:us-east-1:000000000000:function:life")
        self.assertEqual(created["State"], "Active")
        self.assertEqual(created["MemorySize"], 256)
        self.assertEqual(created["Environment"]["Variables"], {"STAGE": "dev"})
        got = self.lam.get_function(FunctionName="life")
        self.assertEqual(got["Configuration"]["CodeSha256"], created["CodeSha256"])
        self.assertEqual(got["Configuration"]["RevisionId"], created["RevisionId"])
        by_arn = self.lam.get_function_configuration(FunctionName=created["FunctionArn"])
        self.assertEqual(by_arn["FunctionName"], "life")

        updated = self.lam.update_function_code(FunctionName="life", ZipFile=python_zip("v2"))
        self.assertNotEqual(updated["CodeSha256"], created["CodeSha256"])
        self.assertNotEqual(updated["RevisionId"], created["RevisionId"])
        configured = self.lam.update_function_configuration(FunctionName="life", Timeout=30,
                                                            RevisionId=updated["RevisionId"])
        self.assertEqual(configured["Timeout"], 30)
        self.client_error("PreconditionFailedException", 412, self.lam.update_function_configuration,
                          FunctionName="life", Timeout=31, RevisionId=updated["RevisionId"])

        self.lam.put_function_concurrency(FunctionName="life", ReservedConcurrentExecutions=2)
        self.assertEqual(self.lam.get_function(FunctionName="life")["Concurrency"],
                         {"ReservedConcurrentExecutions": 2})
        self.lam.delete_function_concurrency(FunctionName="life")

        deleted = self.lam.delete_function(FunctionName="life")
        self.assertEqual(deleted["ResponseMetadata"]["HTTPStatusCode"], 204)
        error = self.client_error("ResourceNotFoundException", 404, self.lam.get_function, FunctionName="life")
        self.assertIn("function:life", error["Error"]["Message"])

    def test_errors_follow_the_model(self):
        self.create("dup")
        self.client_error("ResourceConflictException", 409, self.create, "dup")
        self.client_error("InvalidParameterValueException", 400, self.create, "rt", Runtime="nodejs18.x")
        self.client_error("ValidationException", 400, self.create, "role", Role="not-an-arn")
        unknown = self.client_error("InvalidParameterValueException", 400, self.create, "role",
                                    Role="arn:aws:iam::000000000000:role/no-such-role")
        self.assertEqual(unknown["Error"]["Message"],
                         "The role defined for the function cannot be assumed by Lambda.")
        self.engine.create_role("firehose-only", trust={"Version": "2012-10-17", "Statement": [
            {"Effect": "Allow", "Principal": {"Service": "firehose.amazonaws.com"},
             "Action": "sts:AssumeRole"}]})
        self.client_error("InvalidParameterValueException", 400, self.create, "role",
                          Role="arn:aws:iam::000000000000:role/firehose-only")
        self.create("role-change")
        self.client_error("InvalidParameterValueException", 400,
                          self.lam.update_function_configuration, FunctionName="role-change",
                          Role="arn:aws:iam::000000000000:role/no-such-role")
        self.client_error("InvalidParameterValueException", 400, self.create, "slip",
                          Code={"ZipFile": make_zip({"../evil.py": ("x", 0o644)})})
        self.client_error("ResourceNotFoundException", 404, self.lam.delete_function, FunctionName="ghost")
        self.client_error("ResourceNotFoundException", 404, self.lam.invoke, FunctionName="ghost")

    def test_paged_listing(self):
        for name in ("page-a", "page-b", "page-c"):
            self.create(name)
        names = [f["FunctionName"] for page in self.lam.get_paginator("list_functions").paginate(
                 PaginationConfig={"PageSize": 2}) for f in page["Functions"]]
        self.assertEqual([n for n in names if n.startswith("page-")], ["page-a", "page-b", "page-c"])
        first = self.lam.list_functions(MaxItems=1)
        self.assertEqual(len(first["Functions"]), 1)
        self.assertIn("NextMarker", first)

    def test_code_from_an_engine_bucket(self):
        s3 = self.engine.client("s3")
        self.addCleanup(s3.close)
        s3.create_bucket(Bucket="lambda-code")
        s3.put_object(Bucket="lambda-code", Key="fn.zip", Body=python_zip("bucket"))
        created = self.create("from-bucket", Code={"S3Bucket": "lambda-code", "S3Key": "fn.zip"})
        self.assertEqual(created["CodeSize"], len(python_zip("bucket")))
        # the same path signed for S3 is still S3: a bucket may be named like Lambda's API version
        s3.create_bucket(Bucket="2015-03-31")
        s3.put_object(Bucket="2015-03-31", Key="functions", Body=b"s3 object")
        self.assertEqual(s3.get_object(Bucket="2015-03-31", Key="functions")["Body"].read(), b"s3 object")
        s3.delete_object(Bucket="2015-03-31", Key="functions")
        s3.delete_bucket(Bucket="2015-03-31")
        self.client_error("InvalidParameterValueException", 400, self.create, "no-key",
                          Code={"S3Bucket": "lambda-code", "S3Key": "missing.zip"})

    # --- invoke -------------------------------------------------------------------------------

    def test_invoke_types(self):
        self.create("inv")
        dry = self.lam.invoke(FunctionName="inv", InvocationType="DryRun")
        self.assertEqual(dry["StatusCode"], 204)
        event = self.lam.invoke(FunctionName="inv", InvocationType="Event", Payload=b'{"e": 1}')
        self.assertEqual(event["StatusCode"], 202)
        self.client_error("InvalidRequestContentException", 400, self.lam.invoke, FunctionName="inv",
                          Payload=b"not json")
        self.client_error("RequestTooLargeException", 413, self.lam.invoke, FunctionName="inv",
                          Payload=json.dumps("x" * (6 * 1024 * 1024)).encode())
        self.lam.put_function_concurrency(FunctionName="inv", ReservedConcurrentExecutions=0)
        error = self.client_error("TooManyRequestsException", 429, self.lam.invoke, FunctionName="inv")
        self.assertEqual(error["Reason"], "ReservedFunctionConcurrentInvocationLimitExceeded")

    def test_invoke_runs_the_handler(self):
        self.create("echo")
        response = self.lam.invoke(FunctionName="echo", Payload=b'{"hello": "world"}', LogType="Tail")
        self.assertEqual(response["StatusCode"], 200)
        self.assertEqual(response["ExecutedVersion"], "$LATEST")
        self.assertNotIn("FunctionError", response)
        body = json.loads(response["Payload"].read())
        self.assertEqual(body, {"echo": {"hello": "world"}, "function": "echo", "version": "$LATEST"})
        self.assertIn('got {"hello": "world"}', base64.b64decode(response["LogResult"]).decode())

        failed = self.lam.invoke(FunctionName="echo", Payload=b'{"fail": true}')
        self.assertEqual(failed["StatusCode"], 200)
        self.assertEqual(failed["FunctionError"], "Unhandled")
        error = json.loads(failed["Payload"].read())
        self.assertEqual(error["errorType"], "ValueError")
        self.assertEqual(error["errorMessage"], "asked to fail")

    # --- the AWS CLI v2 -----------------------------------------------------------------------

    def test_aws_cli(self):
        tmp = tempfile.mkdtemp(prefix="sf-lambda-cli-")
        zip_path = os.path.join(tmp, "fn.zip")
        with open(zip_path, "wb") as out:
            out.write(python_zip("cli"))
        self.addCleanup(self.delete_quietly, "cli-fn")
        created = self.engine.aws("lambda", "create-function", "--function-name", "cli-fn", "--runtime",
                                  "python3.11", "--role", ROLE, "--handler", "handler.lambda_handler",
                                  "--zip-file", f"fileb://{zip_path}")
        self.assertEqual(created.returncode, 0, created)
        self.assertEqual(created.json["FunctionName"], "cli-fn")
        got = self.engine.aws("lambda", "get-function", "--function-name", "cli-fn")
        self.assertEqual(got.returncode, 0, got)
        self.assertEqual(got.json["Configuration"]["CodeSha256"], created.json["CodeSha256"])
        listed = self.engine.aws("lambda", "list-functions")
        self.assertIn("cli-fn", [f["FunctionName"] for f in listed.json["Functions"]])
        updated = self.engine.aws("lambda", "update-function-configuration", "--function-name", "cli-fn",
                                  "--timeout", "20")
        self.assertEqual(updated.json["Timeout"], 20, updated)
        out_path = os.path.join(tmp, "out.json")
        invoked = self.engine.aws("lambda", "invoke", "--function-name", "cli-fn", "--cli-binary-format",
                                  "raw-in-base64-out", "--payload", '{"n": 1}', out_path)
        self.assertEqual(invoked.returncode, 0, invoked)
        self.assertEqual(invoked.json["StatusCode"], 200)
        with open(out_path) as result:
            self.assertEqual(json.load(result)["echo"], {"n": 1})
        dry = self.engine.aws("lambda", "invoke", "--function-name", "cli-fn", "--invocation-type", "DryRun",
                              out_path)
        self.assertEqual(dry.json["StatusCode"], 204, dry)
        missing = self.engine.aws("lambda", "get-function", "--function-name", "nope")
        self.assertEqual(missing.returncode, 254, missing)
        self.assertIn("ResourceNotFoundException", missing.stderr)
        deleted = self.engine.aws("lambda", "delete-function", "--function-name", "cli-fn")
        self.assertEqual(deleted.returncode, 0, deleted)


if __name__ == "__main__":
    unittest.main()
