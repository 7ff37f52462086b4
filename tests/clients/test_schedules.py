"""Schedules against a real engine on a virtual clock: a real Python handler invoked by a
scheduled rule gets EventBridge's Scheduled Event (or the target's Input), once per occurrence,
also across a restart; a function whose resource-based policy does not allow
events.amazonaws.com (for that rule) is not invoked, and the miss is logged and counted in
/metrics. Also the Lambda permission API (AddPermission, GetPolicy, RemovePermission) with
boto3 and the AWS CLI, and its errors."""
import io
import json
import time
import unittest
import zipfile

from botocore.exceptions import ClientError

from engine_fixture import ACCOUNT, REGION, start_engine

TRUST = {"Version": "2012-10-17",
         "Statement": [{"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"},
                        "Action": "sts:AssumeRole"}]}
MINUTE_MS = 60_000
HANDLER = """\
import json

def handler(event, context):
    print("EVENT " + json.dumps(event, sort_keys=True))
    return {"ok": True}
"""


def function_zip():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("app.py", HANDLER)
    return buffer.getvalue()


def rule_arn(name):
    return f"arn:aws:events:{REGION}:{ACCOUNT}:rule/{name}"


def function_arn(name):
    return f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:{name}"


def create_role(engine):
    """A role Lambda may assume: the engine refuses functions whose role it cannot."""
    iam = engine.client("iam")
    try:
        return iam.create_role(RoleName="scheduled", AssumeRolePolicyDocument=json.dumps(TRUST))["Role"]["Arn"]
    finally:
        iam.close()


def function_log(engine, name):
    status, _, body = engine.request("GET", f"/_streamform/functions/{name}/log?offset=0", service="streamform")
    return body.decode(errors="replace") if status == 200 else ""


def events_received(engine, name, count, timeout=30.0):
    """The events the handler printed, once there are `count` of them (or the timeout passed)."""
    deadline = time.monotonic() + timeout
    while True:
        lines = [line for line in function_log(engine, name).splitlines() if "EVENT " in line]
        if len(lines) >= count or time.monotonic() > deadline:
            return [json.loads(line.split("EVENT ", 1)[1]) for line in lines]
        time.sleep(0.1)


def wait_queue_idle(engine, name, timeout=30.0):
    """Waits until Lambda's event queue holds nothing waiting or running for the function."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        _, _, body = engine.request("GET", "/metrics")
        busy = [line for line in body.decode().splitlines()
                if line.startswith("streamform_function_async_events_") and f'"{name}"' in line
                and "_total" not in line and not line.endswith(" 0")]
        if not busy:
            return
        time.sleep(0.1)
    raise AssertionError(f"the event queue of {name} did not drain")


class Schedules(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.engine = start_engine(cls, "--virtual-clock")
        cls.role = create_role(cls.engine)
        cls.lam = cls.engine.client("lambda", read_timeout=60)
        cls.events = cls.engine.client("events")
        cls.addClassCleanup(cls.lam.close)
        cls.addClassCleanup(cls.events.close)

    # --- helpers ------------------------------------------------------------------------------

    def create_function(self, name):
        self.lam.create_function(FunctionName=name, Runtime="python3.11", Role=self.role, Handler="app.handler",
                                 Code={"ZipFile": function_zip()}, Timeout=10)
        self.addCleanup(self.quietly, self.lam.delete_function, FunctionName=name)

    def schedule(self, rule, function, expression="rate(5 minutes)", **target):
        self.events.put_rule(Name=rule, ScheduleExpression=expression)
        self.events.put_targets(Rule=rule, Targets=[{"Id": "fn", "Arn": function_arn(function), **target}])
        self.addCleanup(self.quietly, self.events.delete_rule, Name=rule)
        self.addCleanup(self.quietly, self.events.remove_targets, Rule=rule, Ids=["fn"])

    def allow_events(self, function, rule, sid="events"):
        return self.lam.add_permission(FunctionName=function, StatementId=sid, Action="lambda:InvokeFunction",
                                       Principal="events.amazonaws.com", SourceArn=rule_arn(rule))

    @staticmethod
    def quietly(call, **kwargs):
        try:
            call(**kwargs)
        except ClientError:
            pass

    def function_log(self, name):
        return function_log(self.engine, name)

    def events_received(self, name, count, timeout=30.0):
        return events_received(self.engine, name, count, timeout)

    def metric(self, name, rule):
        status, _, body = self.engine.request("GET", "/metrics")
        self.assertEqual(status, 200)
        prefix = f'{name}{{rule="{rule}"}} '
        for line in body.decode().splitlines():
            if line.startswith(prefix):
                return int(line[len(prefix):])
        return 0

    def client_error(self, code, status, call, **kwargs):
        with self.assertRaises(ClientError) as raised:
            call(**kwargs)
        error = raised.exception.response
        self.assertEqual(error["Error"]["Code"], code, error)
        self.assertEqual(error["ResponseMetadata"]["HTTPStatusCode"], status, error)
        return error["Error"]["Message"]

    # --- scheduled invocations ----------------------------------------------------------------

    def test_a_schedule_invokes_a_real_handler_with_the_scheduled_event(self):
        self.create_function("ticker")
        self.allow_events("ticker", "every-five")
        self.schedule("every-five", "ticker")
        self.engine.advance_clock(15 * MINUTE_MS)
        received = self.events_received("ticker", 3)
        self.assertEqual(len(received), 3, self.function_log("ticker"))
        for event in received:
            self.assertEqual(set(event), {"version", "id", "detail-type", "source", "account", "time", "region",
                                          "resources", "detail"})
            self.assertEqual(event["version"], "0")
            self.assertEqual(event["detail-type"], "Scheduled Event")
            self.assertEqual(event["source"], "aws.events")
            self.assertEqual(event["account"], ACCOUNT)
            self.assertEqual(event["region"], REGION)
            self.assertEqual(event["resources"], [rule_arn("every-five")])
            self.assertEqual(event["detail"], {})
            self.assertRegex(event["time"], r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$")
        self.assertEqual(len({event["id"] for event in received}), 3)
        times = sorted(event["time"] for event in received)
        self.assertEqual(len(set(times)), 3)
        self.assertEqual(self.metric("streamform_events_triggered_rules_total", "every-five"), 3)
        self.assertEqual(self.metric("streamform_events_invocations_total", "every-five"), 3)
        self.assertEqual(self.metric("streamform_events_failed_invocations_total", "every-five"), 0)

        # Disabled, it does not fire; enabled again, it does not make up for the pause.
        self.events.disable_rule(Name="every-five")
        self.engine.advance_clock(10 * MINUTE_MS)
        self.events.enable_rule(Name="every-five")
        self.engine.advance_clock(5 * MINUTE_MS)
        self.assertEqual(len(self.events_received("ticker", 4)), 4)
        self.assertEqual(self.metric("streamform_events_triggered_rules_total", "every-five"), 4)

    def test_a_target_input_replaces_the_event(self):
        self.create_function("reporter")
        self.allow_events("reporter", "hourly-report")
        self.schedule("hourly-report", "reporter", "cron(0 * * * ? *)", Input='{"report": "hourly"}')
        self.engine.advance_clock(60 * MINUTE_MS)
        self.assertEqual(self.events_received("reporter", 1), [{"report": "hourly"}])

    def test_without_permission_the_function_is_not_invoked_and_the_miss_is_counted(self):
        self.create_function("guarded")
        self.schedule("unpermitted", "guarded", "rate(1 minute)")
        self.engine.advance_clock(MINUTE_MS)
        self.assertEqual(self.metric("streamform_events_failed_invocations_total", "unpermitted"), 1)
        self.assertEqual(self.metric("streamform_events_invocations_total", "unpermitted"), 0)
        self.assertIn("scheduled invocation not delivered", self.engine.log())
        self.assertIn('"reason":"permission"', self.engine.log().replace(" ", ""))

        # A permission for another rule does not do either.
        self.allow_events("guarded", "some-other-rule", sid="other")
        self.engine.advance_clock(MINUTE_MS)
        self.assertEqual(self.metric("streamform_events_failed_invocations_total", "unpermitted"), 2)

        # One for this rule does.
        self.allow_events("guarded", "unpermitted", sid="this")
        self.engine.advance_clock(MINUTE_MS)
        self.assertEqual(self.metric("streamform_events_invocations_total", "unpermitted"), 1)
        received = self.events_received("guarded", 1)
        self.assertEqual(len(received), 1)
        self.assertEqual(received[0]["resources"], [rule_arn("unpermitted")])

    # --- the permission API -------------------------------------------------------------------

    def test_permission_api_with_boto3(self):
        self.create_function("policed")
        added = self.allow_events("policed", "nightly")
        self.assertEqual(added["ResponseMetadata"]["HTTPStatusCode"], 201)
        statement = json.loads(added["Statement"])
        self.assertEqual(statement, {
            "Sid": "events", "Effect": "Allow", "Principal": {"Service": "events.amazonaws.com"},
            "Action": "lambda:InvokeFunction", "Resource": function_arn("policed"),
            "Condition": {"ArnLike": {"AWS:SourceArn": rule_arn("nightly")}}})
        self.lam.add_permission(FunctionName=function_arn("policed"), StatementId="account",
                                Action="lambda:InvokeFunction", Principal="123456789012",
                                SourceAccount="123456789012")
        got = self.lam.get_policy(FunctionName="policed")
        policy = json.loads(got["Policy"])
        self.assertEqual(policy["Version"], "2012-10-17")
        self.assertEqual([s["Sid"] for s in policy["Statement"]], ["events", "account"])
        self.assertEqual(policy["Statement"][1]["Principal"], {"AWS": "arn:aws:iam::123456789012:root"})
        self.assertEqual(policy["Statement"][1]["Condition"],
                         {"StringEquals": {"AWS:SourceAccount": "123456789012"}})
        revision = got["RevisionId"]

        message = self.client_error("ResourceConflictException", 409, self.allow_events, function="policed",
                                    rule="nightly")
        self.assertIn("already exists", message)
        self.client_error("PreconditionFailedException", 412, self.lam.add_permission, FunctionName="policed",
                          StatementId="stale", Action="lambda:InvokeFunction", Principal="s3.amazonaws.com",
                          RevisionId="not-the-revision")
        self.client_error("ValidationException", 400, self.lam.add_permission, FunctionName="policed",
                          StatementId="bad id!", Action="lambda:InvokeFunction", Principal="s3.amazonaws.com")
        self.client_error("ResourceNotFoundException", 404, self.lam.remove_permission, FunctionName="policed",
                          StatementId="nope")
        self.client_error("ResourceNotFoundException", 404, self.lam.add_permission, FunctionName="missing",
                          StatementId="x", Action="lambda:InvokeFunction", Principal="s3.amazonaws.com")

        removed = self.lam.remove_permission(FunctionName="policed", StatementId="account", RevisionId=revision)
        self.assertEqual(removed["ResponseMetadata"]["HTTPStatusCode"], 204)
        self.lam.remove_permission(FunctionName="policed", StatementId="events")
        self.client_error("ResourceNotFoundException", 404, self.lam.get_policy, FunctionName="policed")

        # Deleting a function drops its policy: a new function of the same name starts with none.
        self.allow_events("policed", "nightly")
        self.lam.delete_function(FunctionName="policed")
        self.create_function("policed")
        self.client_error("ResourceNotFoundException", 404, self.lam.get_policy, FunctionName="policed")

    def test_permission_api_with_the_aws_cli(self):
        self.create_function("cli-policed")
        added = self.engine.aws("lambda", "add-permission", "--function-name", "cli-policed", "--statement-id",
                                "cli", "--action", "lambda:InvokeFunction", "--principal", "events.amazonaws.com",
                                "--source-arn", rule_arn("cli-rule"))
        self.assertEqual(added.returncode, 0, added)
        self.assertEqual(json.loads(added.json["Statement"])["Sid"], "cli")
        got = self.engine.aws("lambda", "get-policy", "--function-name", "cli-policed")
        self.assertEqual(got.returncode, 0, got)
        self.assertEqual(json.loads(got.json["Policy"])["Statement"][0]["Condition"]["ArnLike"]["AWS:SourceArn"],
                         rule_arn("cli-rule"))
        duplicate = self.engine.aws("lambda", "add-permission", "--function-name", "cli-policed", "--statement-id",
                                    "cli", "--action", "lambda:InvokeFunction", "--principal", "events.amazonaws.com")
        self.assertNotEqual(duplicate.returncode, 0)
        self.assertIn("ResourceConflictException", duplicate.stderr)
        removed = self.engine.aws("lambda", "remove-permission", "--function-name", "cli-policed",
                                  "--statement-id", "cli")
        self.assertEqual(removed.returncode, 0, removed)


class ScheduleRestart(unittest.TestCase):
    """A restart neither repeats an occurrence already fired nor back-fills the ones missed."""

    def test_restart_does_not_fire_an_occurrence_twice(self):
        engine = start_engine(self, "--virtual-clock")
        lam, events = engine.client("lambda", read_timeout=60), engine.client("events")
        lam.create_function(FunctionName="durable", Runtime="python3.11", Role=create_role(engine),
                            Handler="app.handler",
                            Code={"ZipFile": function_zip()}, Timeout=10)
        lam.add_permission(FunctionName="durable", StatementId="events", Action="lambda:InvokeFunction",
                           Principal="events.amazonaws.com", SourceArn=rule_arn("durable"))
        events.put_rule(Name="durable", ScheduleExpression="rate(5 minutes)")
        events.put_targets(Rule="durable", Targets=[{"Id": "fn", "Arn": function_arn("durable")}])
        engine.advance_clock(10 * MINUTE_MS)
        self.assertEqual(len(events_received(engine, "durable", 2)), 2)
        wait_queue_idle(engine, "durable")  # what ran is off the queue, so only the schedule could repeat it
        lam.close()
        events.close()

        # The virtual clock starts again at the real time, before the fires already made.
        engine.restart(hard=True)
        engine.advance_clock(10 * MINUTE_MS)
        time.sleep(1.0)  # what would have been invoked by now
        self.assertEqual(len(events_received(engine, "durable", 3, timeout=0)), 2)
        engine.advance_clock(5 * MINUTE_MS)
        received = events_received(engine, "durable", 3)
        self.assertEqual(len(received), 3)
        self.assertEqual(len({event["time"] for event in received}), 3)


if __name__ == "__main__":
    unittest.main()
