"""streamform plan / apply / destroy / outputs / events against a real engine, checked with boto3.

Each test class starts its own engine (on a virtual clock, so lock expiry can be forced) and
writes a small project into a temporary directory: a `data` stack (two buckets and a stream,
exporting the stream's ARN and a bucket's name) and a `consumer` stack that imports them.
Faults are injected with STREAMFORM_TEST_FAULTS (see tests/README.md).
"""
import json
import os
import signal
import subprocess
import tempfile
import textwrap
import unittest

from engine_fixture import BIN, start_engine

PROJECT = """\
project: ctl
defaults: {stage: dev, region: us-east-1, account: "000000000000"}
stacks:
  - {name: data, template: data.yaml}
  - {name: consumer, template: consumer.yaml}
stages:
  dev:
    commonParameters: {Stage: dev}
    parameters:
      data: {ShardCount: 1}
  prod:
    protected: true
    commonParameters: {Stage: prod}
"""

DATA = """\
Parameters:
  Stage: {Type: String}
  ShardCount: {Type: Number, Default: 1}
Resources:
  Events:
    Type: AWS::Kinesis::Stream
    Properties:
      Name: !Sub "ctl-${Stage}-events"
      ShardCount: !Ref ShardCount
      Tags: [{Key: stage, Value: !Ref Stage}]
  Archive:
    Type: AWS::S3::Bucket
    Properties:
      BucketName: !Sub "ctl-${Stage}-archive"
  Keep:
    Type: AWS::S3::Bucket
    DeletionPolicy: Retain
    Properties:
      BucketName: !Sub "ctl-${Stage}-keep"
Outputs:
  EventsArn:
    Value: !GetAtt Events.Arn
    Export: {Name: !Sub "ctl-${Stage}-EventsArn"}
  ArchiveName:
    Value: !Ref Archive
    Export: {Name: !Sub "ctl-${Stage}-ArchiveName"}
"""

CONSUMER = """\
Parameters:
  Stage: {Type: String}
Resources:
  Copies:
    Type: AWS::S3::Bucket
    Properties:
      BucketName: !Sub "ctl-${Stage}-copies"
      Tags:
        - {Key: source, Value: !ImportValue {"Fn::Sub": "ctl-${Stage}-ArchiveName"}}
        - {Key: events, Value: !ImportValue {"Fn::Sub": "ctl-${Stage}-EventsArn"}}
"""


class ControllerCase(unittest.TestCase):
    """One engine and one project directory per test class."""

    @classmethod
    def setUpClass(cls):
        cls.engine = start_engine(cls, "--virtual-clock")
        cls.kinesis = cls.engine.client()
        cls.s3 = cls.engine.client("s3")
        cls.addClassCleanup(cls.kinesis.close)
        cls.addClassCleanup(cls.s3.close)
        cls.project = tempfile.mkdtemp(prefix="sf-ctl-", dir=cls.engine.tmp)
        cls.write("streamform.yaml", PROJECT)
        cls.write("data.yaml", DATA)
        cls.write("consumer.yaml", CONSUMER)

    @classmethod
    def write(cls, name, text):
        with open(os.path.join(cls.project, name), "w") as f:
            f.write(textwrap.dedent(text))

    def sf(self, *args, faults=None, stage=None, timeout=60, engine=True):
        env = dict(os.environ)
        env.pop("STREAMFORM_TEST_FAULTS", None)
        if faults:
            env["STREAMFORM_TEST_FAULTS"] = faults
        argv = [BIN, "--project", self.project]
        if stage:
            argv += ["--stage", stage]
        argv += [*args, "--data-dir", self.engine.data_dir] if engine else list(args)
        return subprocess.run(argv, cwd=self.project, env=env, capture_output=True, text=True,
                              timeout=timeout, stdin=subprocess.DEVNULL)

    def sf_json(self, *args, **kwargs):
        result = self.sf("--output", "json", *args, **kwargs)
        return result, json.loads(result.stdout) if result.stdout.strip().startswith("{") else None

    def buckets(self):
        return sorted(b["Name"] for b in self.s3.list_buckets()["Buckets"])

    def streams(self):
        return sorted(self.kinesis.list_streams()["StreamNames"])

    def plan(self, *args):
        result = self.sf("--output", "json", "plan", *args)
        self.assertEqual(result.returncode, 0, result.stderr)
        return json.loads(result.stdout)

    def actions(self, changeset):
        return sorted((r["stack"], r["logicalId"], r["action"])
                      for s in changeset["stacks"] for r in s["resources"])

    def apply_all(self):
        result = self.sf("apply", "--yes")
        self.assertEqual(result.returncode, 0, result.stdout + result.stderr)
        return result

    def destroy_all(self, *extra):
        result = self.sf("destroy", "--yes", "--empty-buckets", *extra)
        self.assertEqual(result.returncode, 0, result.stdout + result.stderr)
        for name in self.buckets():  # what Retain kept
            self.s3.delete_bucket(Bucket=name)

    def advance_clock(self, ms):
        self.engine.control("/_streamform/clock", {"advanceMs": ms})


class PlanApply(ControllerCase):
    def tearDown(self):
        self.destroy_all()

    def test_plan_apply_then_an_empty_plan(self):
        changes = self.plan()
        self.assertEqual(self.actions(changes), [
            ("consumer", "Copies", "Add"), ("data", "Archive", "Add"), ("data", "Events", "Add"),
            ("data", "Keep", "Add")])
        detailed = self.sf("plan", "--detailed-exitcode")
        self.assertEqual(detailed.returncode, 2, detailed.stderr)
        self.assertIn("to add", detailed.stdout)

        self.apply_all()
        self.assertEqual(self.buckets(), ["ctl-dev-archive", "ctl-dev-copies", "ctl-dev-keep"])
        self.assertEqual(self.streams(), ["ctl-dev-events"])
        tags = self.kinesis.list_tags_for_stream(StreamName="ctl-dev-events")["Tags"]
        self.assertEqual(tags, [{"Key": "stage", "Value": "dev"}])

        again = self.sf("plan", "--detailed-exitcode")
        self.assertEqual(again.returncode, 0, again.stdout + again.stderr)
        nothing = self.sf("apply", "--yes")
        self.assertEqual(nothing.returncode, 0, nothing.stderr)
        self.assertIn("Nothing to apply", nothing.stdout)

        outputs = json.loads(self.sf("--output", "json", "outputs").stdout)
        arn = self.kinesis.describe_stream_summary(StreamName="ctl-dev-events")[
            "StreamDescriptionSummary"]["StreamARN"]
        self.assertEqual(outputs["data"]["EventsArn"]["value"], arn)
        self.assertEqual(outputs["data"]["ArchiveName"]["importers"], ["ctl-dev-consumer"])

        events = self.sf("events", "data")
        self.assertEqual(events.returncode, 0, events.stderr)
        self.assertIn("CREATE_COMPLETE", events.stdout)

    def test_drift_is_shown_three_way_and_reverted(self):
        self.apply_all()
        self.kinesis.update_shard_count(StreamName="ctl-dev-events", TargetShardCount=2,
                                        ScalingType="UNIFORM_SCALING")
        self.kinesis.add_tags_to_stream(StreamName="ctl-dev-events", Tags={"owner": "someone"})
        changes = self.plan()
        drift = {(row["logicalId"], row["path"]): row for row in changes["drift"]}
        self.assertIn(("Events", "/ShardCount"), drift)
        row = drift[("Events", "/ShardCount")]
        self.assertEqual((row["template"], row["applied"], row["live"]), (1, 1, 2))
        self.apply_all()
        summary = self.kinesis.describe_stream_summary(StreamName="ctl-dev-events")
        self.assertEqual(summary["StreamDescriptionSummary"]["OpenShardCount"], 1)
        self.assertEqual(self.sf("plan", "--detailed-exitcode").returncode, 0)

    def test_a_saved_plan_refuses_when_what_it_touches_changed(self):
        self.apply_all()
        self.write("data.yaml", DATA.replace("ShardCount: !Ref ShardCount", "ShardCount: 2"))
        try:
            plan_file = os.path.join(self.project, "plan.json")
            saved = self.sf("plan", "-o", plan_file)
            self.assertEqual(saved.returncode, 0, saved.stderr)
            shown = self.sf("show", plan_file, engine=False)
            self.assertEqual(shown.returncode, 0, shown.stderr)
            self.assertIn("ShardCount", shown.stdout)
            # Live state the plan touches changes: refused, naming it.
            self.kinesis.add_tags_to_stream(StreamName="ctl-dev-events", Tags={"x": "y"})
            stale = self.sf("apply", plan_file, "--yes")
            self.assertEqual(stale.returncode, 4, stale.stdout + stale.stderr)
            self.assertIn("Events", stale.stderr)
            # A fresh plan applies; a template edited after it is refused, naming the file.
            self.assertEqual(self.sf("plan", "-o", plan_file).returncode, 0)
            self.write("data.yaml", DATA.replace("ShardCount: !Ref ShardCount", "ShardCount: 3"))
            edited = self.sf("apply", plan_file, "--yes")
            self.assertEqual(edited.returncode, 4, edited.stdout + edited.stderr)
            self.assertIn("data.yaml", edited.stderr)
            # A hand-edited plan file is refused too.
            with open(plan_file) as f:
                text = f.read()
            with open(plan_file, "w") as f:
                f.write(text.replace('"Add"', '"Remove"').replace('"Modify"', '"Remove"'))
            tampered = self.sf("apply", plan_file, "--yes")
            self.assertEqual(tampered.returncode, 4, tampered.stderr)
        finally:
            self.write("data.yaml", DATA)

    def test_drift_outside_a_saved_plan_does_not_block_it_and_imports_come_from_live_exports(self):
        self.apply_all()
        # The consumer alone: its imports resolve from the data stack's live exports.
        self.assertEqual(self.sf("plan", "consumer", "--detailed-exitcode").returncode, 0)
        self.write("consumer.yaml", CONSUMER.replace(
            "        - {Key: source,", "        - {Key: owner, Value: team}\n        - {Key: source,"))
        try:
            plan_file = os.path.join(self.project, "consumer-plan.json")
            saved = self.sf("plan", "consumer", "-o", plan_file)
            self.assertEqual(saved.returncode, 0, saved.stderr)
            # Drift in a resource the plan does not touch.
            self.kinesis.update_shard_count(StreamName="ctl-dev-events", TargetShardCount=2,
                                            ScalingType="UNIFORM_SCALING")
            applied = self.sf("apply", plan_file, "--yes")
            self.assertEqual(applied.returncode, 0, applied.stdout + applied.stderr)
            self.assertEqual(self.sf("plan", "consumer", "--detailed-exitcode").returncode, 0)
            self.assertEqual(self.sf("plan", "data", "--detailed-exitcode").returncode, 2)
        finally:
            self.write("consumer.yaml", CONSUMER)

    def test_a_failed_create_rolls_back_to_where_it_was(self):
        before = (self.buckets(), self.streams())
        failed = self.sf("apply", "--yes", faults="create:Archive:fail-after")
        self.assertEqual(failed.returncode, 6, failed.stdout + failed.stderr)
        self.assertIn("rolled back", failed.stdout)
        self.assertEqual((self.buckets(), self.streams()), before)
        self.apply_all()

    def test_no_rollback_keeps_what_completed_and_the_next_plan_shows_the_rest(self):
        kept = self.sf("apply", "--yes", "--no-rollback", "data", faults="create:Archive:fail-before")
        self.assertEqual(kept.returncode, 7, kept.stdout + kept.stderr)
        self.assertIn("ctl-dev-events", self.streams())
        rest = self.plan("data")
        self.assertEqual(self.actions(rest), [("data", "Archive", "Add")])
        self.apply_all()

    def test_without_a_terminal_apply_needs_yes(self):
        refused = self.sf("apply")
        self.assertEqual(refused.returncode, 8, refused.stderr)
        self.assertIn("--yes", refused.stderr)
        self.assertEqual(self.buckets(), [])


class Interruptions(ControllerCase):
    def tearDown(self):
        self.destroy_all()

    def test_a_second_apply_is_refused_while_one_runs_and_a_crashed_one_is_recovered(self):
        env = dict(os.environ, STREAMFORM_TEST_FAULTS="create:Archive:crash-after")
        argv = [BIN, "--project", self.project, "apply", "--yes", "data", "--data-dir",
                self.engine.data_dir, "--parallelism", "1"]
        crashed = subprocess.run(argv, env=env, capture_output=True, text=True, timeout=60,
                                 stdin=subprocess.DEVNULL)
        self.assertEqual(crashed.returncode, 137, crashed.stdout + crashed.stderr)
        # The crashed apply still holds the lock: a second apply is refused, naming the holder.
        locked = self.sf("apply", "--yes")
        self.assertEqual(locked.returncode, 5, locked.stdout + locked.stderr)
        self.assertIn("locked by", locked.stderr)
        # Once the lock expires, apply settles what the crash left and carries on, creating
        # nothing twice.
        self.advance_clock(5 * 60 * 1000)
        resumed = self.sf("apply", "--yes")
        self.assertEqual(resumed.returncode, 0, resumed.stdout + resumed.stderr)
        self.assertIn("did not finish", resumed.stderr)
        self.assertEqual(self.buckets(), ["ctl-dev-archive", "ctl-dev-copies", "ctl-dev-keep"])
        self.assertEqual(self.sf("plan", "--detailed-exitcode").returncode, 0)

    def test_ctrl_c_stops_cleanly_and_apply_resumes(self):
        env = dict(os.environ, STREAMFORM_TEST_FAULTS="create:Keep:delay=3s")
        argv = [BIN, "--project", self.project, "apply", "--yes", "--data-dir",
                self.engine.data_dir, "--parallelism", "1"]
        process = subprocess.Popen(argv, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                   text=True, stdin=subprocess.DEVNULL)
        seen = []
        for line in process.stdout:  # progress lines are flushed as they happen
            seen.append(line)
            if "Keep" in line and "CREATE_IN_PROGRESS" in line:
                break  # Keep's create is in flight (delayed 3 s): interrupt now
        else:
            self.fail("Keep's create never started: " + "".join(seen) + process.stderr.read())
        process.send_signal(signal.SIGINT)
        out, err = process.communicate(timeout=30)
        out = "".join(seen) + out
        self.assertEqual(process.returncode, 130, out + err)
        self.assertIn("Interrupted", out)
        resumed = self.sf("apply", "--yes")
        self.assertEqual(resumed.returncode, 0, resumed.stdout + resumed.stderr)
        self.assertEqual(self.buckets(), ["ctl-dev-archive", "ctl-dev-copies", "ctl-dev-keep"])
        self.assertEqual(self.streams(), ["ctl-dev-events"])
        self.assertEqual(self.sf("plan", "--detailed-exitcode").returncode, 0)


    def test_an_interrupted_apply_can_be_rolled_back_instead(self):
        before = (self.buckets(), self.streams())
        crashed = self.sf("apply", "--yes", "data", "--parallelism", "1",
                          faults="create:Keep:crash-after")
        self.assertEqual(crashed.returncode, 137, crashed.stdout + crashed.stderr)
        self.assertNotEqual((self.buckets(), self.streams()), before)
        self.advance_clock(5 * 60 * 1000)  # the crashed apply's lock expires
        undone = self.sf("apply", "--rollback", "--yes")
        self.assertEqual(undone.returncode, 0, undone.stdout + undone.stderr)
        self.assertIn("Rollback complete", undone.stdout)
        self.assertEqual((self.buckets(), self.streams()), before)
        events = self.sf("events", "data")
        self.assertIn("ROLLBACK_COMPLETE", events.stdout)
        nothing = self.sf("apply", "--rollback", "--yes")
        self.assertIn("Nothing to roll back", nothing.stdout)
        self.assertEqual(self.actions(self.plan("data")), [
            ("data", "Archive", "Add"), ("data", "Events", "Add"), ("data", "Keep", "Add")])


class Destroy(ControllerCase):
    def test_destroy_rules_and_what_it_reports(self):
        self.apply_all()
        # An export in use blocks its exporter, naming the importer.
        in_use = self.sf("destroy", "--yes", "data")
        self.assertEqual(in_use.returncode, 8, in_use.stdout + in_use.stderr)
        self.assertIn("imported by ctl-dev-consumer", in_use.stderr)
        # A bucket holding objects blocks it unless --empty-buckets.
        self.s3.put_object(Bucket="ctl-dev-archive", Key="a/b.json", Body=b"{}")
        full = self.sf("destroy", "--yes")
        self.assertEqual(full.returncode, 8, full.stdout + full.stderr)
        self.assertIn("ctl-dev-archive", full.stderr)
        self.assertIn("--empty-buckets", full.stderr)
        self.assertIn("ctl-dev-events", self.streams())  # nothing was deleted
        done = self.sf("destroy", "--yes", "--empty-buckets")
        self.assertEqual(done.returncode, 0, done.stdout + done.stderr)
        self.assertIn("retained", done.stdout)
        self.assertIn("Estimated monthly cost saved", done.stdout)
        self.assertEqual(self.buckets(), ["ctl-dev-keep"])  # DeletionPolicy Retain
        self.assertEqual(self.streams(), [])
        self.s3.delete_bucket(Bucket="ctl-dev-keep")
        self.assertEqual(self.sf("plan", "--detailed-exitcode").returncode, 2)

    def test_a_protected_stage_needs_force_naming_it(self):
        result = self.sf("apply", "--yes", stage="prod")
        self.assertEqual(result.returncode, 0, result.stdout + result.stderr)
        refused = self.sf("destroy", "--yes", stage="prod")
        self.assertEqual(refused.returncode, 8, refused.stderr)
        self.assertIn("protected", refused.stderr)
        wrong = self.sf("destroy", "--yes", "--force", "dev", stage="prod")
        self.assertEqual(wrong.returncode, 64, wrong.stderr)
        forced = self.sf("destroy", "--yes", "--empty-buckets", "--force", "prod", stage="prod")
        self.assertEqual(forced.returncode, 0, forced.stdout + forced.stderr)
        self.assertEqual(self.buckets(), ["ctl-prod-keep"])
        self.s3.delete_bucket(Bucket="ctl-prod-keep")


class EngineDown(unittest.TestCase):
    def test_no_engine_is_exit_3_with_how_to_start_it(self):
        project = tempfile.mkdtemp(prefix="sf-ctl-")
        for name, text in (("streamform.yaml", PROJECT), ("data.yaml", DATA), ("consumer.yaml", CONSUMER)):
            with open(os.path.join(project, name), "w") as f:
                f.write(text)
        result = subprocess.run([BIN, "--project", project, "plan", "--endpoint", "http://127.0.0.1:9"],
                                capture_output=True, text=True, timeout=30, stdin=subprocess.DEVNULL)
        self.assertEqual(result.returncode, 3, result.stderr)
        self.assertIn("engine start", result.stderr)


if __name__ == "__main__":
    unittest.main()
