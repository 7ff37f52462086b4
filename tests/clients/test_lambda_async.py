"""Asynchronous invocation (InvocationType Event), event-invoke configs, tags and the functions'
metrics, as boto3 1.26 and Debian's AWS CLI v2 see them against a streamform engine on a virtual
clock: a failing event is retried after one and then two more minutes with the request id the
Invoke call returned, then dropped; MaximumRetryAttempts changes that; an accepted event survives
a SIGKILL of the engine; GET /metrics counts every attempt."""
import json
import re
import time
import unittest

from botocore.exceptions import ClientError

from engine_fixture import start_engine
from test_lambda_api import make_zip

TRUST = {"Version": "2012-10-17",
         "Statement": [{"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"},
                        "Action": "sts:AssumeRole"}]}
HANDLER = """\
def lambda_handler(event, context):
    print("attempt", context.aws_request_id, event.get("n"))
    if event.get("fail"):
        raise RuntimeError("asked to fail")
    return "ok"
"""


class AsyncCase(unittest.TestCase):
    """Helpers over self.engine (on a virtual clock), self.lam and self.role."""

    @staticmethod
    def prepare(case, engine):
        case.engine = engine
        case.lam = engine.client("lambda", read_timeout=60)
        if isinstance(case, type):
            case.addClassCleanup(case.lam.close)
        else:
            case.addCleanup(case.lam.close)
        iam = engine.client("iam")
        case.role = iam.create_role(RoleName="async-fn",
                                    AssumeRolePolicyDocument=json.dumps(TRUST))["Role"]["Arn"]
        iam.close()

    def create(self, name, **overrides):
        args = dict(FunctionName=name, Runtime="python3.11", Role=self.role, Handler="app.lambda_handler",
                    Code={"ZipFile": make_zip({"app.py": (HANDLER, 0o644)})}, Timeout=10)
        args.update(overrides)
        created = self.lam.create_function(**args)
        self.addCleanup(self.delete_quietly, name)
        return created

    def delete_quietly(self, name):
        try:
            self.lam.delete_function(FunctionName=name)
        except ClientError:
            pass

    def function_log(self, name):
        status, _, body = self.engine.request("GET", f"/_streamform/functions/{name}/log", service="streamform")
        return body.decode() if status == 200 else ""

    def attempts(self, name, request_id):
        return len(re.findall(r"attempt " + re.escape(request_id) + r"\b", self.function_log(name)))

    def wait_attempts(self, name, request_id, count, timeout=20.0):
        deadline = time.monotonic() + timeout
        while self.attempts(name, request_id) < count:
            if time.monotonic() > deadline:
                self.fail(f"{count} attempts of {request_id} not seen in {timeout} s:\n{self.function_log(name)}")
            time.sleep(0.1)

    def settles(self, name, request_id, count):
        time.sleep(1.0)  # the queue rereads the clock every 200 ms
        self.assertEqual(self.attempts(name, request_id), count, self.function_log(name))

    def metric(self, series, function):
        status, _, body = self.engine.request("GET", "/metrics")
        self.assertEqual(status, 200)
        match = re.search("^" + re.escape(f'{series}{{function="{function}"}}') + r" (\S+)$", body.decode(), re.M)
        return float(match.group(1)) if match else None

    def invoke_event(self, name, payload):
        response = self.lam.invoke(FunctionName=name, InvocationType="Event", Payload=json.dumps(payload).encode())
        self.assertEqual(response["StatusCode"], 202)
        return response["ResponseMetadata"]["RequestId"]



class LambdaAsync(AsyncCase):
    @classmethod
    def setUpClass(cls):
        cls.prepare(cls, start_engine(cls, "--virtual-clock"))

    def test_a_failing_event_is_retried_after_one_then_two_minutes_then_dropped(self):
        self.create("flaky")
        request_id = self.invoke_event("flaky", {"fail": True, "n": 1})
        self.wait_attempts("flaky", request_id, 1)
        self.engine.advance_clock(59_000)
        self.settles("flaky", request_id, 1)
        self.engine.advance_clock(1_000)
        self.wait_attempts("flaky", request_id, 2)
        self.engine.advance_clock(120_000)
        self.wait_attempts("flaky", request_id, 3)
        self.engine.advance_clock(3_600_000)
        self.settles("flaky", request_id, 3)
        self.assertEqual(self.metric("streamform_function_invocations_total", "flaky"), 3)
        self.assertEqual(self.metric("streamform_function_errors_total", "flaky"), 3)
        self.assertEqual(self.metric("streamform_function_async_events_received_total", "flaky"), 1)
        self.assertEqual(self.metric("streamform_function_async_events_dropped_total", "flaky"), 1)
        self.assertEqual(self.metric("streamform_function_duration_milliseconds_count", "flaky"), 3)
        self.assertEqual(self.metric("streamform_function_concurrent_executions", "flaky"), 0)
        self.assertIn('asynchronous event dropped', self.engine.log())

    def test_event_invoke_config_with_boto3_and_its_effect(self):
        self.create("once")
        arn = "arn:aws:lambda:us-east-1:000000000000:function:once"
        with self.assertRaises(ClientError) as missing:
            self.lam.get_function_event_invoke_config(FunctionName="once")
        self.assertEqual(missing.exception.response["Error"]["Code"], "ResourceNotFoundException")
        put = self.lam.put_function_event_invoke_config(FunctionName="once", MaximumRetryAttempts=0)
        self.assertEqual(put["FunctionArn"], arn + ":$LATEST")
        self.assertEqual(put["MaximumRetryAttempts"], 0)
        self.assertIn("LastModified", put)
        updated = self.lam.update_function_event_invoke_config(FunctionName="once", MaximumEventAgeInSeconds=300)
        self.assertEqual((updated["MaximumRetryAttempts"], updated["MaximumEventAgeInSeconds"]), (0, 300))
        listed = self.lam.list_function_event_invoke_configs(FunctionName="once")["FunctionEventInvokeConfigs"]
        self.assertEqual([c["MaximumRetryAttempts"] for c in listed], [0])
        # botocore refuses this itself: the engine's answer, raw
        status, headers, _ = self.engine.request(
            "PUT", "/2019-09-25/functions/once/event-invoke-config", b'{"MaximumEventAgeInSeconds": 30}',
            {"Content-Type": "application/json"}, service="lambda")
        self.assertEqual((status, headers.get("x-amzn-errortype")), (400, "ValidationException"))

        request_id = self.invoke_event("once", {"fail": True})
        self.wait_attempts("once", request_id, 1)
        self.engine.advance_clock(600_000)
        self.settles("once", request_id, 1)  # no retry
        self.assertEqual(self.metric("streamform_function_async_events_dropped_total", "once"), 1)

        self.lam.delete_function_event_invoke_config(FunctionName="once")
        self.assertEqual(self.lam.list_function_event_invoke_configs(FunctionName="once")["FunctionEventInvokeConfigs"], [])
        cli = self.engine.aws("lambda", "put-function-event-invoke-config", "--function-name", "once",
                              "--maximum-retry-attempts", "1")
        self.assertEqual(cli.returncode, 0, cli)
        self.assertEqual(cli.json["MaximumRetryAttempts"], 1)

    def test_tags_with_boto3(self):
        arn = self.create("tagged", Tags={"team": "data"})["FunctionArn"]
        self.lam.tag_resource(Resource=arn, Tags={"stage": "dev"})
        self.assertEqual(self.lam.list_tags(Resource=arn)["Tags"], {"team": "data", "stage": "dev"})
        self.lam.untag_resource(Resource=arn, TagKeys=["team"])
        self.assertEqual(self.lam.get_function(FunctionName="tagged")["Tags"], {"stage": "dev"})
        listed = self.engine.aws("lambda", "list-tags", "--resource", arn)
        self.assertEqual(listed.json, {"Tags": {"stage": "dev"}}, listed)


class LambdaAsyncDurable(AsyncCase):
    """Its own engine: a restarted virtual clock starts again from the real time."""

    def setUp(self):
        self.prepare(self, start_engine(self, "--virtual-clock"))

    def test_an_accepted_event_survives_a_sigkill(self):
        self.create("durable")
        self.lam.put_function_concurrency(FunctionName="durable", ReservedConcurrentExecutions=0)
        request_id = self.invoke_event("durable", {"n": 7})  # throttled: it waits in the queue
        deadline = time.monotonic() + 10
        while self.metric("streamform_function_throttles_total", "durable") != 1:
            self.assertLess(time.monotonic(), deadline, "the event was not throttled")
            time.sleep(0.1)
        self.engine.kill()
        self.engine.start()
        self.lam.delete_function_concurrency(FunctionName="durable")
        self.engine.advance_clock(300_000)  # past any throttle backoff
        self.wait_attempts("durable", request_id, 1)
        self.assertIn(f"attempt {request_id} 7", self.function_log("durable"))


if __name__ == "__main__":
    unittest.main()
