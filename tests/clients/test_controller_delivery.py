"""The reference project's delivery stack (stacks/delivery.yaml) through the controller: planned,
applied on top of data-sources (the role, then the DirectPut delivery stream into the output
bucket), an empty second plan, records delivered at the stack's keys on the engine's virtual
clock, a replacement whose plan tells the records still buffered, a change in place of the
buffering hints, and destroy."""
import json
import os
import shutil
import subprocess
import tempfile
import unittest

from engine_fixture import ACCOUNT, BIN, REGION, ROOT, start_engine

STREAM = "streaming-pipeline-dev-delivery"
BUCKET = "streaming-pipeline-dev-output"


class ControllerDelivery(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.engine = start_engine(cls, "--virtual-clock")
        cls.firehose = cls.engine.client("firehose")
        cls.s3 = cls.engine.client("s3")
        cls.addClassCleanup(cls.firehose.close)
        cls.addClassCleanup(cls.s3.close)
        cls.project = tempfile.mkdtemp(prefix="sf-delivery-", dir=cls.engine.tmp)
        shutil.copytree(ROOT / "stacks", cls.project, dirs_exist_ok=True)  # the whole project

    def sf(self, *args):
        return subprocess.run([BIN, "--project", self.project, "--stage", "dev", *args,
                               "--data-dir", self.engine.data_dir],
                              capture_output=True, text=True, timeout=120, stdin=subprocess.DEVNULL)

    def rows(self, *stacks):
        planned = self.sf("--output", "json", "plan", *stacks)
        self.assertIn(planned.returncode, (0, 2), planned.stdout + planned.stderr)
        return {r["logicalId"]: r for s in json.loads(planned.stdout)["stacks"] for r in s["resources"]}

    def edit(self, old, new):
        path = os.path.join(self.project, "delivery.yaml")
        with open(path) as f:
            text = f.read()
        self.assertIn(old, text)
        with open(path, "w") as f:
            f.write(text.replace(old, new))

    def test_plan_apply_deliver_change_destroy(self):
        applied = self.sf("apply", "data-sources", "--yes")
        self.assertEqual(applied.returncode, 0, applied.stdout + applied.stderr)
        rows = self.rows("delivery")
        self.assertEqual(rows["DeliveryStream"]["type"], "AWS::KinesisFirehose::DeliveryStream")
        self.assertEqual(rows["DeliveryStream"]["action"], "Add")
        applied = self.sf("apply", "delivery", "--yes")
        self.assertEqual(applied.returncode, 0, applied.stdout + applied.stderr)
        again = self.sf("plan", "delivery", "--detailed-exitcode")
        self.assertEqual(again.returncode, 0, again.stdout + again.stderr)

        d = self.firehose.describe_delivery_stream(DeliveryStreamName=STREAM)["DeliveryStreamDescription"]
        extended = d["Destinations"][0]["ExtendedS3DestinationDescription"]
        self.assertEqual(extended["BucketARN"], f"arn:aws:s3:::{BUCKET}")
        self.assertEqual(extended["BufferingHints"], {"SizeInMBs": 5, "IntervalInSeconds": 60})
        self.assertEqual(extended["Prefix"], "delivery/!{timestamp:yyyy/MM/dd/HH}/")
        outputs = self.sf("--output", "json", "outputs", "delivery")
        self.assertEqual(outputs.returncode, 0, outputs.stderr)
        self.assertIn(f"arn:aws:firehose:{REGION}:{ACCOUNT}:deliverystream/{STREAM}", outputs.stdout)

        put = self.firehose.put_record_batch(DeliveryStreamName=STREAM,
                                             Records=[{"Data": b'{"trip":1}\n'}, {"Data": b'{"trip":2}\n'}])
        self.assertEqual(put["FailedPutCount"], 0)
        self.engine.advance_clock(60_000)
        keys = [o["Key"] for o in self.s3.list_objects_v2(Bucket=BUCKET, Prefix="delivery/").get("Contents", [])]
        self.assertEqual(len(keys), 1, keys)
        self.assertIn(f"/{STREAM}-1-", keys[0])
        self.assertEqual(self.s3.get_object(Bucket=BUCKET, Key=keys[0])["Body"].read(),
                         b'{"trip":1}\n{"trip":2}\n')

        # Records buffered are data: a replacement's plan says so.
        self.firehose.put_record(DeliveryStreamName=STREAM, Record={"Data": b'{"trip":3}\n'})
        self.edit('DeliveryStreamName: !Sub "streaming-pipeline-${Stage}-delivery"',
                  'DeliveryStreamName: !Sub "streaming-pipeline-${Stage}-delivery-v2"')
        row = self.rows("delivery")["DeliveryStream"]
        self.assertEqual(row["action"], "Replace", row)
        self.assertEqual(row["dataImpact"], "the deliverystream holds 1 record (11 bytes)")
        self.edit("-delivery-v2", "-delivery")

        # Buffering hints change in place, and the version goes up.
        self.edit("IntervalInSeconds: 60", "IntervalInSeconds: 120")
        row = self.rows("delivery")["DeliveryStream"]
        self.assertEqual(row["action"], "Modify", row)
        applied = self.sf("apply", "delivery", "--yes")
        self.assertEqual(applied.returncode, 0, applied.stdout + applied.stderr)
        self.assertEqual(self.sf("plan", "delivery", "--detailed-exitcode").returncode, 0)
        d = self.firehose.describe_delivery_stream(DeliveryStreamName=STREAM)["DeliveryStreamDescription"]
        self.assertEqual(d["VersionId"], "2")
        hints = d["Destinations"][0]["ExtendedS3DestinationDescription"]["BufferingHints"]
        self.assertEqual(hints, {"SizeInMBs": 5, "IntervalInSeconds": 120})

        destroyed = self.sf("destroy", "delivery", "--yes")
        self.assertEqual(destroyed.returncode, 0, destroyed.stdout + destroyed.stderr)
        self.assertNotIn(STREAM, self.firehose.list_delivery_streams()["DeliveryStreamNames"])


if __name__ == "__main__":
    unittest.main()
