"""Schedules through the controller: a SAM function with a Schedule event (which SAM expands into
an AWS::Events::Rule and an AWS::Lambda::Permission) and a plain CloudFormation rule and
permission, planned, applied (then an empty plan), fired on the engine's virtual clock, changed
and destroyed."""
import json
import os
import subprocess
import tempfile
import time
import unittest

from engine_fixture import ACCOUNT, BIN, REGION, start_engine

PROJECT = """\
project: sched
defaults: {stage: dev, region: us-east-1, account: "000000000000"}
stacks:
  - {name: app, template: app.yaml}
stages:
  dev: {}
"""

TEMPLATE = """\
Transform: AWS::Serverless-2016-10-31
Resources:
  Ticker:
    Type: AWS::Serverless::Function
    Properties:
      FunctionName: sched-dev-ticker
      Runtime: python3.11
      Handler: index.handler
      Role: ROLE_ARN
      InlineCode: |
        import json
        def handler(event, context):
            print("EVENT " + json.dumps(event, sort_keys=True))
      Events:
        Every:
          Type: Schedule
          Properties:
            Schedule: rate(5 minutes)
            Name: sched-dev-every
  Reporter:
    Type: AWS::Lambda::Function
    Properties:
      FunctionName: sched-dev-reporter
      Runtime: python3.11
      Handler: index.handler
      Role: ROLE_ARN
      Code:
        ZipFile: |
          import json
          def handler(event, context):
              print("EVENT " + json.dumps(event, sort_keys=True))
  Hourly:
    Type: AWS::Events::Rule
    Properties:
      ScheduleExpression: cron(0 * * * ? *)
      State: ENABLED
      Targets:
        - Id: reporter
          Arn: !GetAtt Reporter.Arn
          Input: '{"report": "hourly"}'
  HourlyPermission:
    Type: AWS::Lambda::Permission
    Properties:
      Action: lambda:InvokeFunction
      FunctionName: !GetAtt Reporter.Arn
      Principal: events.amazonaws.com
      SourceArn: !GetAtt Hourly.Arn
Outputs:
  HourlyRule:
    Value: !Ref Hourly
"""

TRUST = {"Version": "2012-10-17",
         "Statement": [{"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"},
                        "Action": "sts:AssumeRole"}]}


class ControllerSchedules(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.engine = start_engine(cls, "--virtual-clock")
        cls.events = cls.engine.client("events")
        cls.lam = cls.engine.client("lambda")
        cls.addClassCleanup(cls.events.close)
        cls.addClassCleanup(cls.lam.close)
        iam = cls.engine.client("iam")
        cls.role = iam.create_role(RoleName="sched", AssumeRolePolicyDocument=json.dumps(TRUST))["Role"]["Arn"]
        iam.close()
        cls.project = tempfile.mkdtemp(prefix="sf-sched-", dir=cls.engine.tmp)
        cls.write("streamform.yaml", PROJECT)
        cls.write("app.yaml", TEMPLATE.replace("ROLE_ARN", cls.role))

    @classmethod
    def write(cls, name, text):
        with open(os.path.join(cls.project, name), "w") as f:
            f.write(text)

    def sf(self, *args):
        return subprocess.run([BIN, "--project", self.project, *args, "--data-dir", self.engine.data_dir],
                              capture_output=True, text=True, timeout=120, stdin=subprocess.DEVNULL)

    def received(self, function, count, timeout=30.0):
        deadline = time.monotonic() + timeout
        while True:
            status, _, body = self.engine.request("GET", f"/_streamform/functions/{function}/log",
                                                  service="streamform")
            lines = [line for line in body.decode().splitlines() if "EVENT " in line] if status == 200 else []
            if len(lines) >= count or time.monotonic() > deadline:
                return [json.loads(line.split("EVENT ", 1)[1]) for line in lines]
            time.sleep(0.1)

    def test_plan_apply_fire_change_destroy(self):
        planned = self.sf("--output", "json", "plan")
        self.assertEqual(planned.returncode, 0, planned.stderr)
        rows = {r["logicalId"]: r for s in json.loads(planned.stdout)["stacks"] for r in s["resources"]}
        self.assertEqual(sorted(rows), ["Hourly", "HourlyPermission", "Reporter", "Ticker", "TickerEvery",
                                        "TickerEveryPermission"])
        self.assertEqual(rows["TickerEvery"]["type"], "AWS::Events::Rule")
        self.assertEqual(rows["TickerEveryPermission"]["type"], "AWS::Lambda::Permission")

        applied = self.sf("apply", "--yes")
        self.assertEqual(applied.returncode, 0, applied.stdout + applied.stderr)
        again = self.sf("plan", "--detailed-exitcode")
        self.assertEqual(again.returncode, 0, again.stdout + again.stderr)

        every = self.events.describe_rule(Name="sched-dev-every")
        self.assertEqual(every["ScheduleExpression"], "rate(5 minutes)")
        targets = self.events.list_targets_by_rule(Rule="sched-dev-every")["Targets"]
        self.assertEqual(targets, [{"Id": "TickerEveryLambdaTarget",
                                    "Arn": f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:sched-dev-ticker"}])
        policy = json.loads(self.lam.get_policy(FunctionName="sched-dev-ticker")["Policy"])
        self.assertEqual(policy["Statement"][0]["Condition"]["ArnLike"]["AWS:SourceArn"], every["Arn"])
        outputs = self.sf("--output", "json", "outputs")
        self.assertEqual(outputs.returncode, 0, outputs.stderr)
        hourly = [r for r in self.events.list_rules()["Rules"] if r["Name"] != "sched-dev-every"]
        self.assertEqual(len(hourly), 1)
        self.assertIn(hourly[0]["Name"], outputs.stdout)

        self.engine.advance_clock(60 * 60 * 1000)
        ticks = self.received("sched-dev-ticker", 12)
        self.assertEqual(len(ticks), 12)
        self.assertEqual({t["detail-type"] for t in ticks}, {"Scheduled Event"})
        self.assertEqual(self.received("sched-dev-reporter", 1), [{"report": "hourly"}])

        # A new schedule is an update in place of the rule alone.
        self.write("app.yaml", TEMPLATE.replace("ROLE_ARN", self.role)
                   .replace("rate(5 minutes)", "rate(10 minutes)"))
        changed = self.sf("--output", "json", "plan")
        rows = [r for s in json.loads(changed.stdout)["stacks"] for r in s["resources"]]
        self.assertEqual([(r["logicalId"], r["action"]) for r in rows], [("TickerEvery", "Modify")])
        self.assertEqual(self.sf("apply", "--yes").returncode, 0)
        self.assertEqual(self.events.describe_rule(Name="sched-dev-every")["ScheduleExpression"],
                         "rate(10 minutes)")
        self.assertEqual(self.sf("plan", "--detailed-exitcode").returncode, 0)

        destroyed = self.sf("destroy", "--yes")
        self.assertEqual(destroyed.returncode, 0, destroyed.stdout + destroyed.stderr)
        self.assertEqual(self.events.list_rules()["Rules"], [])
        self.assertEqual(self.lam.list_functions()["Functions"], [])


if __name__ == "__main__":
    unittest.main()
