"""The EventBridge API as boto3 1.26 and Debian's AWS CLI v2 use it against a streamform engine:
rules (put, describe, list with prefixes and pages, enable, disable, delete), targets (put,
list in pages, remove), tags, and EventBridge's errors and wording. Requests are JSON 1.1 with
X-Amz-Target AWSEvents.<Operation>, signed for service "events"."""
import json
import unittest

from botocore.exceptions import ClientError

from engine_fixture import ACCOUNT, REGION, start_engine

FUNCTION_ARN = f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:consumer"


def rule_arn(name):
    return f"arn:aws:events:{REGION}:{ACCOUNT}:rule/{name}"


class EventsApi(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.engine = start_engine(cls, "--virtual-clock")
        cls.events = cls.engine.client("events")
        cls.addClassCleanup(cls.events.close)

    def put_rule(self, name, **overrides):
        args = dict(Name=name, ScheduleExpression="rate(5 minutes)")
        args.update(overrides)
        response = self.events.put_rule(**args)
        self.addCleanup(self.delete_quietly, name)
        return response

    def delete_quietly(self, name):
        try:
            targets = self.events.list_targets_by_rule(Rule=name)["Targets"]
            if targets:
                self.events.remove_targets(Rule=name, Ids=[t["Id"] for t in targets])
            self.events.delete_rule(Name=name)
        except ClientError:
            pass

    def client_error(self, code, call, *args, **kwargs):
        with self.assertRaises(ClientError) as raised:
            call(*args, **kwargs)
        error = raised.exception.response
        self.assertEqual(error["Error"]["Code"], code, error)
        self.assertEqual(error["ResponseMetadata"]["HTTPStatusCode"], 400, error)
        return error["Error"]["Message"]

    # --- rules --------------------------------------------------------------------------------

    def test_rule_lifecycle(self):
        created = self.put_rule("life", Description="every five minutes")
        self.assertEqual(created["RuleArn"], rule_arn("life"))
        described = self.events.describe_rule(Name="life")
        self.assertEqual(described["Name"], "life")
        self.assertEqual(described["Arn"], rule_arn("life"))
        self.assertEqual(described["ScheduleExpression"], "rate(5 minutes)")
        self.assertEqual(described["State"], "ENABLED")
        self.assertEqual(described["Description"], "every five minutes")
        self.assertEqual(described["EventBusName"], "default")
        self.assertEqual(described["CreatedBy"], ACCOUNT)

        self.events.disable_rule(Name="life")
        self.assertEqual(self.events.describe_rule(Name="life")["State"], "DISABLED")
        self.events.enable_rule(Name="life")
        self.assertEqual(self.events.describe_rule(Name="life")["State"], "ENABLED")

        # PutRule replaces the rule: what it omits is gone, as in EventBridge.
        self.events.put_rule(Name="life", ScheduleExpression="cron(0 12 * * ? *)", State="DISABLED")
        described = self.events.describe_rule(Name="life")
        self.assertEqual(described["ScheduleExpression"], "cron(0 12 * * ? *)")
        self.assertEqual(described["State"], "DISABLED")
        self.assertNotIn("Description", described)

        self.events.delete_rule(Name="life")
        message = self.client_error("ResourceNotFoundException", self.events.describe_rule, Name="life")
        self.assertEqual(message, "Rule life does not exist on EventBus default.")
        self.events.delete_rule(Name="life")  # deleting an absent rule succeeds, as in EventBridge

    def test_list_rules_by_prefix_and_page(self):
        for name in ("page-a", "page-b", "page-c", "other"):
            self.put_rule(name)
        first = self.events.list_rules(NamePrefix="page-", Limit=2)
        self.assertEqual([r["Name"] for r in first["Rules"]], ["page-a", "page-b"])
        self.assertIn("NextToken", first)
        second = self.events.list_rules(NamePrefix="page-", Limit=2, NextToken=first["NextToken"])
        self.assertEqual([r["Name"] for r in second["Rules"]], ["page-c"])
        self.assertNotIn("NextToken", second)
        paged = self.events.get_paginator("list_rules").paginate(NamePrefix="page-",
                                                                 PaginationConfig={"PageSize": 1})
        self.assertEqual([r["Name"] for page in paged for r in page["Rules"]], ["page-a", "page-b", "page-c"])
        rule = first["Rules"][0]
        self.assertEqual(rule["Arn"], rule_arn("page-a"))
        self.assertEqual(rule["State"], "ENABLED")
        self.assertEqual(rule["ScheduleExpression"], "rate(5 minutes)")

    def test_schedule_expressions_are_checked_as_eventbridge_does(self):
        for good in ("rate(1 minute)", "rate(2 hours)", "rate(1 day)", "cron(0/15 * * * ? *)",
                     "cron(0 9 ? * MON-FRI *)", "cron(0 0 L * ? *)", "cron(0 0 15W * ? *)",
                     "cron(0 9 ? * 2#1 *)", "cron(15 10 ? * 6L 2022-2030)"):
            self.put_rule("good", ScheduleExpression=good)
        for bad in ("rate(1 minutes)", "rate(5 minute)", "rate(0 minutes)", "rate(10 seconds)",
                    "cron(0 12 * * * *)", "cron(0 12 * * ?)", "cron(60 * * * ? *)", "cron(0 0 ? * 9 *)",
                    "at(2026-01-01T00:00:00)", "every 5 minutes"):
            message = self.client_error("ValidationException", self.events.put_rule, Name="bad",
                                        ScheduleExpression=bad)
            self.assertEqual(message, "Parameter ScheduleExpression is not valid.", bad)
        message = self.client_error("ValidationException", self.events.put_rule, Name="neither")
        self.assertEqual(message, "Parameter(s) EventPattern or ScheduleExpression must be specified.")
        self.client_error("ResourceNotFoundException", self.events.describe_rule, Name="bad")

    def test_event_patterns_are_kept_but_must_be_objects(self):
        pattern = json.dumps({"source": ["my.app"]})
        self.put_rule("pattern", ScheduleExpression="", EventPattern=pattern)
        self.assertEqual(self.events.describe_rule(Name="pattern")["EventPattern"], pattern)
        self.client_error("InvalidEventPatternException", self.events.put_rule, Name="pattern2",
                          EventPattern="[1, 2]")

    def test_model_constraints(self):
        message = self.client_error("ValidationException", self.events.put_rule, Name="bad name!",
                                    ScheduleExpression="rate(1 day)")
        self.assertIn("1 validation error detected", message)
        self.assertIn("'name'", message)
        message = self.client_error("ValidationException", self.events.put_rule, Name="x" * 65,
                                    ScheduleExpression="rate(1 day)")
        self.assertIn("Member must have length less than or equal to 64", message)
        self.client_error("ResourceNotFoundException", self.events.put_rule, Name="bus",
                          ScheduleExpression="rate(1 day)", EventBusName="custom")

    # --- targets ------------------------------------------------------------------------------

    def test_targets(self):
        self.put_rule("targeted")
        put = self.events.put_targets(Rule="targeted", Targets=[
            {"Id": "plain", "Arn": FUNCTION_ARN},
            {"Id": "constant", "Arn": FUNCTION_ARN, "Input": '{"report": "hourly"}'},
            {"Id": "path", "Arn": FUNCTION_ARN, "InputPath": "$.detail"},
            {"Id": "retry", "Arn": FUNCTION_ARN, "RetryPolicy": {"MaximumRetryAttempts": 2}},
        ])
        self.assertEqual(put["FailedEntryCount"], 0)
        self.assertEqual(put["FailedEntries"], [])
        targets = self.events.list_targets_by_rule(Rule="targeted")["Targets"]
        self.assertEqual([t["Id"] for t in targets], ["plain", "constant", "path", "retry"])
        self.assertEqual(targets[1]["Input"], '{"report": "hourly"}')
        self.assertEqual(targets[2]["InputPath"], "$.detail")
        self.assertEqual(targets[3]["RetryPolicy"], {"MaximumRetryAttempts": 2})
        page = self.events.list_targets_by_rule(Rule="targeted", Limit=3)
        self.assertEqual(len(page["Targets"]), 3)
        rest = self.events.list_targets_by_rule(Rule="targeted", Limit=3, NextToken=page["NextToken"])
        self.assertEqual([t["Id"] for t in rest["Targets"]], ["retry"])

        message = self.client_error("ValidationException", self.events.delete_rule, Name="targeted")
        self.assertEqual(message, "Rule can't be deleted since it has targets.")
        self.client_error("LimitExceededException", self.events.put_targets, Rule="targeted",
                          Targets=[{"Id": "fifth", "Arn": FUNCTION_ARN}, {"Id": "sixth", "Arn": FUNCTION_ARN}])
        message = self.client_error("ValidationException", self.events.put_targets, Rule="targeted",
                                    Targets=[{"Id": "json", "Arn": FUNCTION_ARN, "Input": "{not json"}])
        self.assertEqual(message, "Input for target json is not a valid JSON text.")
        self.client_error("ResourceNotFoundException", self.events.put_targets, Rule="missing",
                          Targets=[{"Id": "a", "Arn": FUNCTION_ARN}])

        removed = self.events.remove_targets(Rule="targeted", Ids=["plain", "constant", "path", "retry"])
        self.assertEqual(removed["FailedEntryCount"], 0)
        self.assertEqual(self.events.list_targets_by_rule(Rule="targeted")["Targets"], [])
        self.events.delete_rule(Name="targeted")

    # --- tags ---------------------------------------------------------------------------------

    def test_tags(self):
        self.put_rule("tagged", Tags=[{"Key": "team", "Value": "data"}])
        arn = rule_arn("tagged")
        self.assertEqual(self.events.list_tags_for_resource(ResourceARN=arn)["Tags"],
                         [{"Key": "team", "Value": "data"}])
        self.events.tag_resource(ResourceARN=arn, Tags=[{"Key": "stage", "Value": "dev"}])
        self.events.untag_resource(ResourceARN=arn, TagKeys=["team"])
        self.assertEqual(self.events.list_tags_for_resource(ResourceARN=arn)["Tags"],
                         [{"Key": "stage", "Value": "dev"}])
        self.client_error("ResourceNotFoundException", self.events.list_tags_for_resource,
                          ResourceARN=rule_arn("untagged-missing"))

    # --- signing ------------------------------------------------------------------------------

    def test_requests_must_be_signed_for_events(self):
        body = json.dumps({"Name": "x"}).encode()
        headers = {"X-Amz-Target": "AWSEvents.DescribeRule", "Content-Type": "application/x-amz-json-1.1"}
        status, _, data = self.engine.request("POST", "/", body, headers)
        self.assertEqual((status, json.loads(data)["__type"]), (400, "MissingAuthenticationTokenException"))
        status, _, data = self.engine.request("POST", "/", body, headers, service="kinesis")
        self.assertEqual(status, 400)
        self.assertIn(json.loads(data)["__type"], ("InvalidSignatureException", "IncompleteSignatureException"))
        status, _, data = self.engine.request("POST", "/", body, headers, service="events")
        self.assertEqual(status, 400, data)
        self.assertEqual(json.loads(data)["__type"], "ResourceNotFoundException")

    # --- the AWS CLI --------------------------------------------------------------------------

    def test_aws_cli(self):
        self.addCleanup(self.delete_quietly, "cli-rule")
        put = self.engine.aws("events", "put-rule", "--name", "cli-rule", "--schedule-expression",
                              "cron(0 12 * * ? *)", "--state", "DISABLED")
        self.assertEqual(put.returncode, 0, put)
        self.assertEqual(put.json["RuleArn"], rule_arn("cli-rule"))
        described = self.engine.aws("events", "describe-rule", "--name", "cli-rule")
        self.assertEqual(described.json["State"], "DISABLED")
        targets = self.engine.aws("events", "put-targets", "--rule", "cli-rule", "--targets",
                                  f"Id=1,Arn={FUNCTION_ARN}")
        self.assertEqual(targets.returncode, 0, targets)
        self.assertEqual(targets.json["FailedEntryCount"], 0)
        listed = self.engine.aws("events", "list-targets-by-rule", "--rule", "cli-rule")
        self.assertEqual(listed.json["Targets"], [{"Id": "1", "Arn": FUNCTION_ARN}])
        refused = self.engine.aws("events", "delete-rule", "--name", "cli-rule")
        self.assertNotEqual(refused.returncode, 0)
        self.assertIn("Rule can't be deleted since it has targets.", refused.stderr)
        self.assertEqual(self.engine.aws("events", "remove-targets", "--rule", "cli-rule", "--ids", "1").returncode, 0)
        self.assertEqual(self.engine.aws("events", "enable-rule", "--name", "cli-rule").returncode, 0)
        rules = self.engine.aws("events", "list-rules", "--name-prefix", "cli-")
        self.assertEqual([r["Name"] for r in rules.json["Rules"]], ["cli-rule"])
        self.assertEqual(rules.json["Rules"][0]["State"], "ENABLED")
        self.assertEqual(self.engine.aws("events", "delete-rule", "--name", "cli-rule").returncode, 0)
        bad = self.engine.aws("events", "put-rule", "--name", "cli-bad", "--schedule-expression", "rate(1 minutes)")
        self.assertNotEqual(bad.returncode, 0)
        self.assertIn("Parameter ScheduleExpression is not valid.", bad.stderr)


if __name__ == "__main__":
    unittest.main()
