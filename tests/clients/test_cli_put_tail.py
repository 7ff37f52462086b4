"""`streamform put` and `streamform tail` against a real engine: formats, partition keys,
bad lines, every starting point, and reading across a reshard in per-key order."""
import json
import subprocess
import unittest

from engine_fixture import BIN, start_engine


class PutTail(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.engine = start_engine(cls)
        cls.kinesis = cls.engine.client()

    def sf(self, *args, input=None):
        return subprocess.run([BIN, *args, "--endpoint", self.engine.endpoint], input=input,
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


if __name__ == "__main__":
    unittest.main()
