"""The Kinesis API as the real AWS CLI v2 (/usr/bin/aws, 2.9) uses it against a streamform engine:
outputs, exit codes (0 on success, 254 for a service error, 252 for a usage error), and errors
on stderr."""
import base64
import unittest

from engine_fixture import ACCOUNT, REGION, start_engine


class AwsCliKinesis(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.engine = start_engine(cls)

    def aws(self, *args, **kwargs):
        return self.engine.aws("kinesis", *args, **kwargs)

    def ok(self, *args, **kwargs):
        result = self.aws(*args, **kwargs)
        self.assertEqual(result.returncode, 0, result)
        return result.json

    def create(self, name, shards):
        self.ok("create-stream", "--stream-name", name, "--shard-count", str(shards))
        self.ok("wait", "stream-exists", "--stream-name", name)

    def test_create_wait_describe_delete(self):
        self.assertIsNone(self.ok("create-stream", "--stream-name", "cli-life", "--shard-count", "3"))
        waited = self.aws("wait", "stream-exists", "--stream-name", "cli-life")
        self.assertEqual(waited.returncode, 0, waited)
        self.assertLess(waited.elapsed, 8, "the stream should be ACTIVE at the waiter's first poll")
        summary = self.ok("describe-stream-summary", "--stream-name", "cli-life")["StreamDescriptionSummary"]
        self.assertEqual(summary["StreamName"], "cli-life")
        self.assertEqual(summary["StreamARN"], f"arn:aws:kinesis:{REGION}:{ACCOUNT}:stream/cli-life")
        self.assertEqual(summary["StreamStatus"], "ACTIVE")
        self.assertEqual(summary["OpenShardCount"], 3)
        self.assertEqual(summary["RetentionPeriodHours"], 24)
        self.assertEqual(summary["StreamModeDetails"], {"StreamMode": "PROVISIONED"})
        self.assertIn("cli-life", self.ok("list-streams")["StreamNames"])
        described = self.ok("describe-stream", "--stream-name", "cli-life")["StreamDescription"]
        self.assertEqual([s["ShardId"] for s in described["Shards"]],
                         ["shardId-000000000000", "shardId-000000000001", "shardId-000000000002"])
        self.assertEqual(described["Shards"][0]["HashKeyRange"]["StartingHashKey"], "0")
        self.assertEqual(described["Shards"][-1]["HashKeyRange"]["EndingHashKey"], str(2**128 - 1))

        duplicate = self.aws("create-stream", "--stream-name", "cli-life", "--shard-count", "1")
        self.assertEqual(duplicate.returncode, 254, duplicate)
        self.assertIn("ResourceInUseException", duplicate.stderr)

        self.assertIsNone(self.ok("delete-stream", "--stream-name", "cli-life"))
        gone = self.aws("wait", "stream-not-exists", "--stream-name", "cli-life")
        self.assertEqual(gone.returncode, 0, gone)
        self.assertNotIn("cli-life", self.ok("list-streams")["StreamNames"])
        after = self.aws("describe-stream-summary", "--stream-name", "cli-life")
        self.assertEqual(after.returncode, 254, after)
        self.assertIn("ResourceNotFoundException", after.stderr)

    def test_put_and_get_records(self):
        self.create("cli-records", 1)
        # CLI v2 takes blobs as base64 by default...
        put = self.ok("put-record", "--stream-name", "cli-records", "--partition-key", "k1",
                      "--data", base64.b64encode(b"hello").decode())
        self.assertEqual(put["ShardId"], "shardId-000000000000")
        self.assertRegex(put["SequenceNumber"], r"^[1-9]\d{40,}$")
        first_sequence = put["SequenceNumber"]
        # ...or raw with --cli-binary-format raw-in-base64-out.
        put_raw = self.ok("put-record", "--stream-name", "cli-records", "--partition-key", "k1", "--data", "world",
                          "--cli-binary-format", "raw-in-base64-out")
        self.assertGreater(int(put_raw["SequenceNumber"]), int(first_sequence))
        records = self.ok("put-records", "--stream-name", "cli-records", "--records",
                          '[{"Data":"' + base64.b64encode(b"r1").decode() + '","PartitionKey":"a"},'
                          '{"Data":"' + base64.b64encode(b"r2").decode() + '","PartitionKey":"b"},'
                          '{"Data":"' + base64.b64encode(b"\x00\xff binary").decode() + '","PartitionKey":"c"}]')
        self.assertEqual(records["FailedRecordCount"], 0)
        self.assertEqual(len(records["Records"]), 3)
        sequences = [int(r["SequenceNumber"]) for r in records["Records"]]
        self.assertEqual(sequences, sorted(sequences))
        self.assertGreater(sequences[0], int(put_raw["SequenceNumber"]))
        raw_records = self.ok("put-records", "--stream-name", "cli-records", "--cli-binary-format",
                              "raw-in-base64-out", "--records", '[{"Data":"plain text","PartitionKey":"d"}]')
        self.assertEqual(raw_records["FailedRecordCount"], 0)

        iterator = self.ok("get-shard-iterator", "--stream-name", "cli-records", "--shard-id", "shardId-000000000000",
                           "--shard-iterator-type", "TRIM_HORIZON")["ShardIterator"]
        self.assertTrue(iterator)
        got = self.ok("get-records", "--shard-iterator", iterator)
        data = [base64.b64decode(r["Data"]) for r in got["Records"]]
        self.assertEqual(data, [b"hello", b"world", b"r1", b"r2", b"\x00\xff binary", b"plain text"])
        self.assertEqual([r["PartitionKey"] for r in got["Records"]], ["k1", "k1", "a", "b", "c", "d"])
        self.assertEqual(got["Records"][0]["SequenceNumber"], first_sequence)
        self.assertIn("ApproximateArrivalTimestamp", got["Records"][0])
        self.assertEqual(got["MillisBehindLatest"], 0)
        self.assertTrue(got["NextShardIterator"])
        empty = self.ok("get-records", "--shard-iterator", got["NextShardIterator"])
        self.assertEqual(empty["Records"], [])

        after = self.ok("get-shard-iterator", "--stream-name", "cli-records", "--shard-id", "shardId-000000000000",
                        "--shard-iterator-type", "AFTER_SEQUENCE_NUMBER",
                        "--starting-sequence-number", first_sequence)["ShardIterator"]
        got_after = self.ok("get-records", "--shard-iterator", after, "--limit", "2")
        self.assertEqual([base64.b64decode(r["Data"]) for r in got_after["Records"]], [b"world", b"r1"])
        self.assertGreater(got_after["MillisBehindLatest"], -1)

    def test_list_shards_and_update_shard_count(self):
        self.create("cli-shards", 2)
        shards = self.ok("list-shards", "--stream-name", "cli-shards")["Shards"]
        self.assertEqual([s["ShardId"] for s in shards], ["shardId-000000000000", "shardId-000000000001"])
        updated = self.ok("update-shard-count", "--stream-name", "cli-shards", "--target-shard-count", "4",
                          "--scaling-type", "UNIFORM_SCALING")
        self.assertEqual(updated["StreamName"], "cli-shards")
        self.assertEqual(updated["CurrentShardCount"], 2)
        self.assertEqual(updated["TargetShardCount"], 4)
        self.ok("wait", "stream-exists", "--stream-name", "cli-shards")
        summary = self.ok("describe-stream-summary", "--stream-name", "cli-shards")["StreamDescriptionSummary"]
        self.assertEqual(summary["OpenShardCount"], 4)
        shards = self.ok("list-shards", "--stream-name", "cli-shards")["Shards"]
        self.assertEqual(len(shards), 6)
        open_shards = [s for s in shards if "EndingSequenceNumber" not in s["SequenceNumberRange"]]
        self.assertEqual(len(open_shards), 4)
        for shard in open_shards:
            self.assertIn(shard["ParentShardId"], ("shardId-000000000000", "shardId-000000000001"))
        # Paging by hand: the NextToken names the stream, so later pages must not repeat it.
        paged, page = [], self.ok("list-shards", "--stream-name", "cli-shards", "--max-results", "4")
        for _ in range(5):
            paged.extend(page["Shards"])
            if "NextToken" not in page:
                break
            page = self.ok("list-shards", "--next-token", page["NextToken"], "--max-results", "4")
        self.assertEqual([s["ShardId"] for s in paged], [s["ShardId"] for s in shards])
        # As on AWS, repeating the stream with a NextToken is refused; this is also what the CLI's
        # own --page-size paging does (botocore's paginator keeps StreamName), exactly as on AWS.
        both = self.aws("list-shards", "--stream-name", "cli-shards", "--page-size", "2")
        self.assertEqual(both.returncode, 254, both)
        self.assertIn("NextToken and StreamName cannot be provided together.", both.stderr)
        # Filtering to the open shards.
        latest = self.ok("list-shards", "--stream-name", "cli-shards", "--shard-filter", "Type=AT_LATEST")["Shards"]
        self.assertEqual(sorted(s["ShardId"] for s in latest), sorted(s["ShardId"] for s in open_shards))
        too_far = self.aws("update-shard-count", "--stream-name", "cli-shards", "--target-shard-count", "9",
                           "--scaling-type", "UNIFORM_SCALING")
        self.assertEqual(too_far.returncode, 254, too_far)
        self.assertIn("LimitExceededException", too_far.stderr)
        self.assertIn("cannot scale up over double your current open shard count", too_far.stderr)

    def test_tags(self):
        self.create("cli-tags", 1)
        self.assertIsNone(self.ok("add-tags-to-stream", "--stream-name", "cli-tags", "--tags", "team=data,env=dev"))
        tags = self.ok("list-tags-for-stream", "--stream-name", "cli-tags")
        self.assertEqual(tags["Tags"], [{"Key": "env", "Value": "dev"}, {"Key": "team", "Value": "data"}])
        self.assertFalse(tags["HasMoreTags"])
        self.ok("add-tags-to-stream", "--stream-name", "cli-tags", "--tags", "env=prod")
        self.ok("remove-tags-from-stream", "--stream-name", "cli-tags", "--tag-keys", "team")
        tags = self.ok("list-tags-for-stream", "--stream-name", "cli-tags")
        self.assertEqual(tags["Tags"], [{"Key": "env", "Value": "prod"}])
        bad = self.aws("add-tags-to-stream", "--stream-name", "cli-tags", "--tags", "bad=<value>")
        self.assertEqual(bad.returncode, 254, bad)
        self.assertIn("InvalidArgumentException", bad.stderr)

    def test_retention(self):
        self.create("cli-retention", 1)
        self.ok("increase-stream-retention-period", "--stream-name", "cli-retention", "--retention-period-hours", "48")
        summary = self.ok("describe-stream-summary", "--stream-name", "cli-retention")["StreamDescriptionSummary"]
        self.assertEqual(summary["RetentionPeriodHours"], 48)
        self.ok("decrease-stream-retention-period", "--stream-name", "cli-retention", "--retention-period-hours", "36")
        summary = self.ok("describe-stream-summary", "--stream-name", "cli-retention")["StreamDescriptionSummary"]
        self.assertEqual(summary["RetentionPeriodHours"], 36)
        too_short = self.aws("decrease-stream-retention-period", "--stream-name", "cli-retention",
                             "--retention-period-hours", "12")
        self.assertEqual(too_short.returncode, 254, too_short)
        self.assertIn("InvalidArgumentException", too_short.stderr)
        self.assertIn("Minimum allowed retention period is 24 hours", too_short.stderr)
        wrong_way = self.aws("increase-stream-retention-period", "--stream-name", "cli-retention",
                             "--retention-period-hours", "30")
        self.assertEqual(wrong_way.returncode, 254, wrong_way)
        self.assertIn("InvalidArgumentException", wrong_way.stderr)

    def test_unknown_stream_is_exit_254_with_resource_not_found(self):
        for args in (("describe-stream-summary", "--stream-name", "cli-nope"),
                     ("describe-stream", "--stream-name", "cli-nope"),
                     ("put-record", "--stream-name", "cli-nope", "--partition-key", "k", "--data", "aGk="),
                     ("get-shard-iterator", "--stream-name", "cli-nope", "--shard-id", "shardId-000000000000",
                      "--shard-iterator-type", "LATEST"),
                     ("delete-stream", "--stream-name", "cli-nope")):
            with self.subTest(args[0]):
                result = self.aws(*args)
                self.assertEqual(result.returncode, 254, result)
                self.assertIn("ResourceNotFoundException", result.stderr)
                self.assertIn("Stream cli-nope under account 000000000000 not found.", result.stderr)
                self.assertEqual(result.stdout, "")

    def test_service_validation_error(self):
        result = self.aws("create-stream", "--stream-name", "bad/name", "--shard-count", "1")
        self.assertEqual(result.returncode, 254, result)
        self.assertIn("ValidationException", result.stderr)
        self.assertIn("Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+", result.stderr)

    def test_base64_blob_that_is_not_base64_is_a_cli_error(self):
        # CLI v2 decodes --data itself: invalid base64 never reaches the engine (exit 252 or 255).
        self.create("cli-b64", 1)
        result = self.aws("put-record", "--stream-name", "cli-b64", "--partition-key", "k", "--data", "not base64!")
        self.assertNotEqual(result.returncode, 0, result)
        self.assertIn("base64", result.stderr.lower())


if __name__ == "__main__":
    unittest.main()
