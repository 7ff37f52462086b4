"""Event-source mappings through the controller: a SAM function with a Kinesis event (the
transform makes the AWS::Lambda::EventSourceMapping and the role) on a stream of the same stack,
planned, applied, fed with boto3, planned again (empty), changed in place (BatchSize), replaced
(StartingPosition, with the checkpoint warning), and destroyed."""
import json
import os
import subprocess
import tempfile
import time
import unittest

from engine_fixture import BIN, start_engine, wait_active

PROJECT = """\
project: maps
defaults: {stage: dev, region: us-east-1, account: "000000000000"}
stacks:
  - {name: app, template: app.yaml}
stages:
  dev: {}
"""

TEMPLATE = """\
Transform: AWS::Serverless-2016-10-31
Parameters:
  BatchSize: {Type: Number, Default: 100}
  Position: {Type: String, Default: TRIM_HORIZON}
Resources:
  Clicks:
    Type: AWS::Kinesis::Stream
    Properties: {Name: maps-dev-clicks, ShardCount: 2}
  Archive:
    Type: AWS::S3::Bucket
    Properties: {BucketName: maps-dev-archive}
  Archiver:
    Type: AWS::Serverless::Function
    Properties:
      FunctionName: maps-dev-archiver
      CodeUri: code/
      Handler: app.lambda_handler
      Runtime: python3.11
      Environment:
        Variables: {BUCKET: !Ref Archive}
      Policies:
        - Version: "2012-10-17"
          Statement:
            - Effect: Allow
              Action: s3:PutObject
              Resource: !Sub "arn:aws:s3:::${Archive}/*"
      Events:
        FromClicks:
          Type: Kinesis
          Properties:
            Stream: !GetAtt Clicks.Arn
            StartingPosition: !Ref Position
            BatchSize: !Ref BatchSize
            BisectBatchOnFunctionError: true
            FunctionResponseTypes: [ReportBatchItemFailures]
"""

HANDLER = """\
import base64
import os

import boto3

s3 = boto3.client("s3")


def lambda_handler(event, context):
    for record in event["Records"]:
        s3.put_object(Bucket=os.environ["BUCKET"], Key="clicks/" + record["kinesis"]["sequenceNumber"],
                      Body=base64.b64decode(record["kinesis"]["data"]))
    return {"batchItemFailures": []}
"""


class Mappings(unittest.TestCase):
    def setUp(self):
        self.engine = start_engine(self)
        self.project = tempfile.mkdtemp(prefix="sf-maps-", dir=self.engine.tmp)
        os.makedirs(os.path.join(self.project, "code"))
        for name, text in (("streamform.yaml", PROJECT), ("app.yaml", TEMPLATE), ("code/app.py", HANDLER)):
            with open(os.path.join(self.project, name), "w") as f:
                f.write(text)
        self.lam = self.engine.client("lambda")
        self.s3 = self.engine.client("s3")
        self.kinesis = self.engine.client("kinesis")
        for client in (self.lam, self.s3, self.kinesis):
            self.addCleanup(client.close)

    def sf(self, *args):
        return subprocess.run([BIN, "--project", self.project, *args, "--data-dir", self.engine.data_dir],
                              capture_output=True, text=True, timeout=120, stdin=subprocess.DEVNULL)

    def set_parameters(self, **parameters):
        text = PROJECT.replace("dev: {}", "dev:\n    parameters:\n      app: " + json.dumps(parameters))
        with open(os.path.join(self.project, "streamform.yaml"), "w") as f:
            f.write(text)

    def archived(self):
        return len(self.s3.list_objects_v2(Bucket="maps-dev-archive", Prefix="clicks/").get("Contents", []))

    def wait_archived(self, count):
        deadline = time.monotonic() + 30
        while self.archived() < count and time.monotonic() < deadline:
            time.sleep(0.05)
        self.assertEqual(self.archived(), count, self.engine.log_tail())

    def mapping(self):
        mappings = self.lam.list_event_source_mappings(FunctionName="maps-dev-archiver")["EventSourceMappings"]
        self.assertEqual(len(mappings), 1)
        return mappings[0]

    def put(self, start, count):
        response = self.kinesis.put_records(StreamName="maps-dev-clicks", Records=[
            {"Data": b"click-%d" % i, "PartitionKey": "user-%d" % i} for i in range(start, start + count)])
        self.assertEqual(response["FailedRecordCount"], 0)

    def test_apply_feed_plan_again_change_replace_destroy(self):
        applied = self.sf("apply", "--yes")
        self.assertEqual(applied.returncode, 0, applied.stdout + applied.stderr)
        first = self.mapping()
        self.assertEqual(first["StartingPosition"], "TRIM_HORIZON")
        self.assertTrue(first["BisectBatchOnFunctionError"])
        self.assertEqual(first["FunctionResponseTypes"], ["ReportBatchItemFailures"])
        wait_active(self.kinesis, "maps-dev-clicks")
        self.put(0, 30)
        self.wait_archived(30)

        again = self.sf("plan", "--detailed-exitcode")
        self.assertEqual(again.returncode, 0, again.stdout + again.stderr)

        self.set_parameters(BatchSize=10)
        planned = self.sf("--output", "json", "plan")
        self.assertEqual(planned.returncode, 0, planned.stderr)
        changes = {r["logicalId"]: r for s in json.loads(planned.stdout)["stacks"] for r in s["resources"]}
        self.assertEqual(changes["ArchiverFromClicks"]["action"], "Modify")
        self.assertEqual(self.sf("apply", "--yes").returncode, 0)
        self.assertEqual(self.mapping()["UUID"], first["UUID"])  # updated in place: checkpoints kept
        self.assertEqual(self.mapping()["BatchSize"], 10)
        self.put(30, 5)
        self.wait_archived(35)  # resumed at the checkpoint: nothing archived twice or skipped

        self.set_parameters(BatchSize=10, Position="LATEST")
        planned = self.sf("plan")
        self.assertIn("ArchiverFromClicks", planned.stdout)
        self.assertIn("checkpoint", planned.stdout.lower())  # the data-impact note of a replacement
        applied = self.sf("apply", "--yes")
        self.assertEqual(applied.returncode, 0, applied.stdout + applied.stderr)
        replaced = self.mapping()
        self.assertNotEqual(replaced["UUID"], first["UUID"])
        self.assertEqual(replaced["StartingPosition"], "LATEST")
        self.assertEqual(self.sf("plan", "--detailed-exitcode").returncode, 0)

        destroyed = self.sf("destroy", "--yes", "--empty-buckets")
        self.assertEqual(destroyed.returncode, 0, destroyed.stdout + destroyed.stderr)
        self.assertEqual(self.lam.list_event_source_mappings()["EventSourceMappings"], [])


if __name__ == "__main__":
    unittest.main()
