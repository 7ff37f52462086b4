"""`streamform put` and `streamform tail` against a real engine: formats, partition keys,
bad lines, every starting point, reading across a reshard in per-key order, and how they find
the engine and its credentials (--data-dir, --endpoint, the environment) and report refusals."""
import json
import os
import subprocess
import unittest

from engine_fixture import BIN, start_engine


class PutTail(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.engine = start_engine(cls)
        cls.kinesis = cls.engine.client()
        cls.addClassCleanup(cls.kinesis.close)

    def sf(self, *args, input=None):
        # The data dir names the engine: its engine.json gives the endpoint, its credentials.json
        # the key that signs. Run from a directory with no project engine of its own.
        return subprocess.run([BIN, *args, "--data-dir", self.engine.data_dir], input=input, cwd=self.engine.tmp,
                              capture_output=True, text=True, timeout=60)

    def create(self, name, shards):
        self.kinesis.create_stream(StreamName=name, ShardCount=shards)

    def tail_json(self, stream, *args):
        result = self.sf("tail", stream, "--show", "json", *args)
        self.assertEqual(result.returncode, 0, result.stderr)
        return [json.loads(line) for line in result.stdout.splitlines()]

    def test_jsonl_with_a_key_field_routes_by_that_field(self):
        self.create("cli-jsonl", 2)
        lines = "".join(json.dumps({"user": f"u{i % 5}", "n": i}) + "\n" for i in range(40))
        result = self.sf("put", "cli-jsonl", "--key", "user", input=lines)
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertIn("put 40 record(s)", result.stdout)
        records = self.tail_json("cli-jsonl")
        self.assertEqual(len(records), 40)
        for record in records:
            self.assertEqual(record["partitionKey"], json.loads(record["data"])["user"])
        # One key's records keep their order.
        for user in ("u0", "u3"):
            ns = [json.loads(r["data"])["n"] for r in records if r["partitionKey"] == user]
            self.assertEqual(ns, sorted(ns))

    def test_csv_rows_become_json_objects_and_bad_rows_are_reported(self):
        self.create("cli-csv", 1)
        result = self.sf("put", "cli-csv", "--format", "csv", "--key", "id",
                         input='id,name\n1,"Smith, Ann"\n2,Bob\n3\n')
        self.assertEqual(result.returncode, 1)  # one row was skipped
        self.assertIn("stdin:4:", result.stderr)
        data = [json.loads(r["data"]) for r in self.tail_json("cli-csv")]
        self.assertEqual(data, [{"id": "1", "name": "Smith, Ann"}, {"id": "2", "name": "Bob"}])

    def test_unknown_stream_fails_with_the_aws_error(self):
        result = self.sf("put", "cli-nope", input='{"a": 1}\n')
        self.assertEqual(result.returncode, 1)
        self.assertIn("ResourceNotFoundException", result.stderr)

    def test_every_starting_point(self):
        self.create("cli-from", 1)
        self.sf("put", "cli-from", "--format", "lines", input="a\nb\nc\n")
        records = self.tail_json("cli-from")
        self.assertEqual([r["data"] for r in records], ["a", "b", "c"])
        shard, second = records[1]["shardId"], records[1]["sequenceNumber"]
        at = self.tail_json("cli-from", "--from", "at-sequence", "--shard", shard, "--sequence", second)
        self.assertEqual([r["data"] for r in at], ["b", "c"])
        after = self.tail_json("cli-from", "--from", "after-sequence", "--shard", shard, "--sequence", second)
        self.assertEqual([r["data"] for r in after], ["c"])
        stamp = str(records[0]["approximateArrivalTimestamp"])
        self.assertEqual(len(self.tail_json("cli-from", "--from", "at-timestamp", "--timestamp", stamp)), 3)
        self.assertEqual(self.tail_json("cli-from", "--from", "latest"), [])
        missing = self.sf("tail", "cli-from", "--from", "at-sequence")
        self.assertEqual(missing.returncode, 64)

    def test_reads_across_a_reshard_in_per_key_order(self):
        self.create("cli-reshard", 2)
        first = "".join(json.dumps({"k": f"k{i % 7}", "n": i}) + "\n" for i in range(70))
        self.assertEqual(self.sf("put", "cli-reshard", "--key", "k", input=first).returncode, 0)
        self.kinesis.update_shard_count(StreamName="cli-reshard", TargetShardCount=3, ScalingType="UNIFORM_SCALING")
        second = "".join(json.dumps({"k": f"k{i % 7}", "n": i}) + "\n" for i in range(70, 140))
        self.assertEqual(self.sf("put", "cli-reshard", "--key", "k", input=second).returncode, 0)
        records = self.tail_json("cli-reshard")
        self.assertEqual(sorted(json.loads(r["data"])["n"] for r in records), list(range(140)))
        for key in {f"k{i}" for i in range(7)}:
            ns = [json.loads(r["data"])["n"] for r in records if r["partitionKey"] == key]
            self.assertEqual(ns, sorted(ns), key)


class Credentials(unittest.TestCase):
    """Where put and tail take their credentials from, and what a refusal looks like."""

    @classmethod
    def setUpClass(cls):
        cls.engine = start_engine(cls)
        client = cls.engine.client()
        client.create_stream(StreamName="cred", ShardCount=1)
        client.close()

    def sf(self, *args, env=None, input="", data_dir=False):
        """streamform with only `env` (plus PATH and HOME) in its environment, from an empty
        directory, pointed at the engine by --endpoint (and --data-dir when data_dir is true)."""
        argv = [BIN, *args, "--endpoint", self.engine.endpoint]
        if data_dir:
            argv += ["--data-dir", self.engine.data_dir]
        base = {"PATH": "/usr/bin:/bin", "HOME": self.engine.home}
        return subprocess.run(argv, input=input, cwd=self.engine.home, env={**base, **(env or {})},
                              capture_output=True, text=True, timeout=60)

    def test_credentials_from_the_environment(self):
        put = self.sf("put", "cred", "--format", "lines", input="from-env\n", env=self.engine.env())
        self.assertEqual(put.returncode, 0, put.stderr)
        tail = self.sf("tail", "cred", env=self.engine.env())
        self.assertEqual(tail.returncode, 0, tail.stderr)
        self.assertIn("from-env", tail.stdout.splitlines())

    def test_environment_from_streamform_env(self):
        # STREAMFORM_ENDPOINT_URL (from `streamform env`) names the engine when no flag does.
        exported = json.loads(subprocess.run([BIN, "env", "--format", "json", "--data-dir", self.engine.data_dir],
                                             capture_output=True, text=True, timeout=60, check=True).stdout)
        result = subprocess.run([BIN, "tail", "cred"], cwd=self.engine.home, capture_output=True, text=True,
                                timeout=60, env={"PATH": "/usr/bin:/bin", **exported})
        self.assertEqual(result.returncode, 0, result.stderr)

    def test_environment_comes_before_the_credentials_file(self):
        access, _ = self.engine.credentials
        wrong = {"AWS_ACCESS_KEY_ID": access, "AWS_SECRET_ACCESS_KEY": "not-the-secret"}
        result = self.sf("tail", "cred", env=wrong, data_dir=True)
        self.assertEqual(result.returncode, 1, result)
        self.assertIn("streamform: InvalidSignatureException: The request signature we calculated does not match",
                      result.stderr)
        self.assertIn("(HTTP 400)", result.stderr)
        self.assertIn("AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY in the environment", result.stderr)
        self.assertIn(os.path.join(self.engine.data_dir, "credentials.json"), result.stderr)

    def test_unknown_key_stops_put_at_the_first_refusal(self):
        lines = "".join(f"{i}\n" for i in range(1200))  # three batches
        result = self.sf("put", "cred", "--format", "lines", input=lines,
                         env={"AWS_ACCESS_KEY_ID": "AKIDEXAMPLE", "AWS_SECRET_ACCESS_KEY": "secret"})
        self.assertEqual(result.returncode, 1, result)
        self.assertEqual(result.stderr.count("UnrecognizedClientException"), 1, result.stderr)
        self.assertIn("streamform: UnrecognizedClientException: The security token included in the request is "
                      "invalid.", result.stderr)
        self.assertIn("access key AKIDEXAMPLE", result.stderr)
        self.assertIn('eval "$(streamform env)"', result.stderr)
        self.assertIn("put 0 record(s) to cred, 1200 failed", result.stdout)

    def test_wrong_region(self):
        result = self.sf("tail", "cred", env={"AWS_REGION": "eu-west-1"}, data_dir=True)
        self.assertEqual(result.returncode, 1, result)
        self.assertIn("IncompleteSignatureException", result.stderr)
        self.assertIn("eu-west-1", result.stderr)
        self.assertIn("the engine answers for us-east-1", result.stderr)
        self.assertEqual(self.sf("tail", "cred", env={"AWS_DEFAULT_REGION": "us-east-1"}, data_dir=True).returncode, 0)

    def test_half_a_key_pair_is_an_error(self):
        result = self.sf("tail", "cred", env={"AWS_ACCESS_KEY_ID": "AKIDEXAMPLE"}, data_dir=True)
        self.assertEqual(result.returncode, 1, result)
        self.assertIn("AWS_ACCESS_KEY_ID is set in the environment but AWS_SECRET_ACCESS_KEY is not", result.stderr)

    def test_no_credentials_anywhere(self):
        # --endpoint alone: the data dir is the project's default, where no engine ever ran.
        result = self.sf("put", "cred", "--format", "lines", input="x\n")
        self.assertEqual(result.returncode, 1, result)
        self.assertIn("no credentials for the engine: .streamform/engine/credentials.json does not exist",
                      result.stderr)
        self.assertIn("streamform engine start", result.stderr)


if __name__ == "__main__":
    unittest.main()
