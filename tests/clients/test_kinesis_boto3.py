"""The Kinesis API as boto3 (1.26, botocore 1.29) uses it against a streamform engine: the stream
lifecycle, reading everything back exactly once in order, every iterator type, reading across
resharding in lineage order, paginators, StreamARN, per-shard throttling, and retention and
AT_TIMESTAMP on a virtual clock."""
import collections
import threading
import time
import unittest

from botocore.exceptions import ClientError

from engine_fixture import (ACCOUNT, REGION, Ledger, all_shards, b64, read_shard, read_stream_in_lineage_order,
                            start_engine, verify, wait_active)

HOUR_MS = 3600 * 1000


def error_code(error):
    return error.response["Error"]["Code"]


class Boto3Case(unittest.TestCase):
    options = ()

    @classmethod
    def setUpClass(cls):
        cls.engine = start_engine(cls, *cls.options)
        cls.kinesis = cls.engine.client()
        cls.addClassCleanup(cls.kinesis.close)

    def create(self, name, shards=1):
        self.kinesis.create_stream(StreamName=name, ShardCount=shards)
        self.kinesis.get_waiter("stream_exists").wait(StreamName=name, WaiterConfig={"Delay": 0.1, "MaxAttempts": 50})
        return wait_active(self.kinesis, name)

    def assertClientError(self, code, call, *args, **kwargs):
        with self.assertRaises(ClientError) as raised:
            call(*args, **kwargs)
        self.assertEqual(error_code(raised.exception), code, raised.exception.response)
        return raised.exception.response

    def put_batch(self, stream, entries):
        """put_records of (key, data) pairs; asserts that none failed; returns the result entries."""
        response = self.kinesis.put_records(StreamName=stream, Records=[
            {"PartitionKey": key, "Data": data} for key, data in entries])
        self.assertEqual(response["FailedRecordCount"], 0, response["Records"][:3])
        self.assertEqual(len(response["Records"]), len(entries))
        return response["Records"]


class Lifecycle(Boto3Case):
    def test_create_describe_tag_retain_reshard_delete(self):
        summary = self.create("b-life", 2)
        self.assertEqual(summary["StreamName"], "b-life")
        self.assertEqual(summary["StreamARN"], f"arn:aws:kinesis:{REGION}:{ACCOUNT}:stream/b-life")
        self.assertEqual(summary["OpenShardCount"], 2)
        self.assertEqual(summary["RetentionPeriodHours"], 24)
        self.assertIn("b-life", self.kinesis.list_streams()["StreamNames"])
        self.assertClientError("ResourceInUseException", self.kinesis.create_stream, StreamName="b-life", ShardCount=1)

        put = self.kinesis.put_record(StreamName="b-life", PartitionKey="pk", Data=b"one")
        self.assertIn(put["ShardId"], ("shardId-000000000000", "shardId-000000000001"))
        shard_of_pk = put["ShardId"]
        # ExplicitHashKey routes by hash, not by partition key.
        low = self.kinesis.put_record(StreamName="b-life", PartitionKey="pk", Data=b"low", ExplicitHashKey="0")
        high = self.kinesis.put_record(StreamName="b-life", PartitionKey="pk", Data=b"high",
                                       ExplicitHashKey=str(2**128 - 1))
        self.assertEqual(low["ShardId"], "shardId-000000000000")
        self.assertEqual(high["ShardId"], "shardId-000000000001")

        self.kinesis.add_tags_to_stream(StreamName="b-life", Tags={"a": "1", "b": "2"})
        self.assertEqual(self.kinesis.list_tags_for_stream(StreamName="b-life")["Tags"],
                         [{"Key": "a", "Value": "1"}, {"Key": "b", "Value": "2"}])
        page = self.kinesis.list_tags_for_stream(StreamName="b-life", Limit=1)
        self.assertEqual(page["Tags"], [{"Key": "a", "Value": "1"}])
        self.assertTrue(page["HasMoreTags"])
        page = self.kinesis.list_tags_for_stream(StreamName="b-life", ExclusiveStartTagKey="a")
        self.assertEqual(page["Tags"], [{"Key": "b", "Value": "2"}])
        self.assertFalse(page["HasMoreTags"])
        self.kinesis.remove_tags_from_stream(StreamName="b-life", TagKeys=["a"])
        self.assertEqual(self.kinesis.list_tags_for_stream(StreamName="b-life")["Tags"], [{"Key": "b", "Value": "2"}])

        self.kinesis.increase_stream_retention_period(StreamName="b-life", RetentionPeriodHours=72)
        self.kinesis.decrease_stream_retention_period(StreamName="b-life", RetentionPeriodHours=48)
        self.assertEqual(self.kinesis.describe_stream_summary(StreamName="b-life")["StreamDescriptionSummary"]
                         ["RetentionPeriodHours"], 48)
        self.assertClientError("InvalidArgumentException", self.kinesis.increase_stream_retention_period,
                               StreamName="b-life", RetentionPeriodHours=8761)

        updated = self.kinesis.update_shard_count(StreamName="b-life", TargetShardCount=3,
                                                  ScalingType="UNIFORM_SCALING")
        self.assertEqual((updated["CurrentShardCount"], updated["TargetShardCount"]), (2, 3))
        summary = wait_active(self.kinesis, "b-life")
        self.assertEqual(summary["OpenShardCount"], 3)
        # The records put before the reshard are still there, in the (now closed) parent.
        records, _, closed = read_shard(self.kinesis, "b-life", shard_of_pk)
        self.assertTrue(closed)
        self.assertIn(b"one", [r["Data"] for r in records])

        self.kinesis.delete_stream(StreamName="b-life")
        self.kinesis.get_waiter("stream_not_exists").wait(StreamName="b-life",
                                                          WaiterConfig={"Delay": 0.1, "MaxAttempts": 50})
        self.assertNotIn("b-life", self.kinesis.list_streams()["StreamNames"])
        self.assertClientError("ResourceNotFoundException", self.kinesis.put_record, StreamName="b-life",
                               PartitionKey="k", Data=b"x")
        # A new stream of the same name starts empty.
        self.create("b-life", 1)
        records, _, _ = read_shard(self.kinesis, "b-life", "shardId-000000000000")
        self.assertEqual(records, [])

    def test_unknown_stream(self):
        response = self.assertClientError("ResourceNotFoundException", self.kinesis.describe_stream_summary,
                                          StreamName="b-nope")
        self.assertEqual(response["Error"]["Message"], "Stream b-nope under account 000000000000 not found.")
        self.assertEqual(response["ResponseMetadata"]["HTTPStatusCode"], 400)
        self.assertClientError("ResourceNotFoundException", self.kinesis.get_shard_iterator, StreamName="b-nope",
                               ShardId="shardId-000000000000", ShardIteratorType="LATEST")
        self.assertClientError("ResourceNotFoundException", self.kinesis.put_records, StreamName="b-nope",
                               Records=[{"PartitionKey": "k", "Data": b"x"}])

    def test_put_records_500_and_read_back_exactly_once_in_order(self):
        self.create("b-500", 3)
        sent = [(f"key-{i % 37}", f"record-{i:04d}".encode() + bytes([i % 256])) for i in range(500)]
        results = self.put_batch("b-500", sent)
        by_shard = collections.defaultdict(list)
        for (key, data), result in zip(sent, results):
            self.assertNotIn("ErrorCode", result)
            by_shard[result["ShardId"]].append((result["SequenceNumber"], key, data))
        self.assertEqual(len(by_shard), 3, "37 keys should land on all three shards")
        # A second batch, so that the reads span batches.
        more = [(f"key-{i % 37}", f"more-{i:04d}".encode()) for i in range(120)]
        for (key, data), result in zip(more, self.put_batch("b-500", more)):
            by_shard[result["ShardId"]].append((result["SequenceNumber"], key, data))

        for shard in all_shards(self.kinesis, "b-500"):
            sid = shard["ShardId"]
            # Small pages, so that the NextShardIterator chain is exercised.
            iterator = self.kinesis.get_shard_iterator(StreamName="b-500", ShardId=sid,
                                                       ShardIteratorType="TRIM_HORIZON")["ShardIterator"]
            got = []
            for _ in range(200):
                response = self.kinesis.get_records(ShardIterator=iterator, Limit=37)
                got.extend(response["Records"])
                self.assertIsNotNone(response["NextShardIterator"])
                if not response["Records"]:
                    self.assertEqual(response["MillisBehindLatest"], 0)
                    break
                iterator = response["NextShardIterator"]
            else:
                self.fail("the read did not reach the end in 200 calls")
            expected = by_shard[sid]
            self.assertEqual([(r["SequenceNumber"], r["PartitionKey"], r["Data"]) for r in got], expected, sid)
            sequences = [int(r["SequenceNumber"]) for r in got]
            self.assertEqual(sequences, sorted(set(sequences)), f"{sid}: sequence numbers not strictly increasing")

    def test_all_five_iterator_types(self):
        self.create("b-iter", 1)
        sid = "shardId-000000000000"
        results = self.put_batch("b-iter", [("k", f"r{i}".encode()) for i in range(10)])
        seqs = [r["SequenceNumber"] for r in results]

        def read(kind, **args):
            records, _, _ = read_shard(self.kinesis, "b-iter", sid, kind, **args)
            return [r["Data"] for r in records]

        everything = [f"r{i}".encode() for i in range(10)]
        self.assertEqual(read("TRIM_HORIZON"), everything)
        self.assertEqual(read("AT_SEQUENCE_NUMBER", StartingSequenceNumber=seqs[3]), everything[3:])
        self.assertEqual(read("AFTER_SEQUENCE_NUMBER", StartingSequenceNumber=seqs[3]), everything[4:])
        self.assertEqual(read("AFTER_SEQUENCE_NUMBER", StartingSequenceNumber=seqs[9]), [])
        self.assertEqual(read("AT_SEQUENCE_NUMBER", StartingSequenceNumber=seqs[0]), everything)
        self.assertEqual(read("LATEST"), [])

        # LATEST points past the end at the time it is taken: later records are read from it.
        latest = self.kinesis.get_shard_iterator(StreamName="b-iter", ShardId=sid,
                                                 ShardIteratorType="LATEST")["ShardIterator"]
        empty = self.kinesis.get_records(ShardIterator=latest)
        self.assertEqual(empty["Records"], [])
        self.put_batch("b-iter", [("k", b"r10"), ("k", b"r11")])
        self.assertEqual([r["Data"] for r in self.kinesis.get_records(ShardIterator=latest)["Records"]],
                         [b"r10", b"r11"])
        self.assertEqual([r["Data"] for r in self.kinesis.get_records(
            ShardIterator=empty["NextShardIterator"])["Records"]], [b"r10", b"r11"])

        # AT_TIMESTAMP (real clock here; the exact boundaries are tested on the virtual clock).
        first = self.kinesis.get_records(ShardIterator=self.kinesis.get_shard_iterator(
            StreamName="b-iter", ShardId=sid, ShardIteratorType="TRIM_HORIZON")["ShardIterator"], Limit=1)["Records"][0]
        arrival = first["ApproximateArrivalTimestamp"]
        self.assertAlmostEqual(arrival.timestamp(), time.time(), delta=60)
        self.assertEqual(read("AT_TIMESTAMP", Timestamp=arrival.timestamp() - 3600), everything + [b"r10", b"r11"])
        self.assertEqual(read("AT_TIMESTAMP", Timestamp=arrival)[:1], [b"r0"])
        self.assertClientError("InvalidArgumentException", self.kinesis.get_shard_iterator, StreamName="b-iter",
                               ShardId=sid, ShardIteratorType="AT_TIMESTAMP", Timestamp=time.time() + 3600)

        # Wrong combinations and foreign sequence numbers.
        self.assertClientError("InvalidArgumentException", self.kinesis.get_shard_iterator, StreamName="b-iter",
                               ShardId=sid, ShardIteratorType="AT_SEQUENCE_NUMBER")
        self.assertClientError("InvalidArgumentException", self.kinesis.get_shard_iterator, StreamName="b-iter",
                               ShardId=sid, ShardIteratorType="TRIM_HORIZON", StartingSequenceNumber=seqs[0])
        self.assertClientError("InvalidArgumentException", self.kinesis.get_shard_iterator, StreamName="b-iter",
                               ShardId=sid, ShardIteratorType="AT_TIMESTAMP")
        self.assertClientError("ResourceNotFoundException", self.kinesis.get_shard_iterator, StreamName="b-iter",
                               ShardId="shardId-000000000007", ShardIteratorType="LATEST")
        self.create("b-iter-other", 2)
        other = self.kinesis.put_record(StreamName="b-iter-other", PartitionKey="x", Data=b"x",
                                        ExplicitHashKey=str(2**128 - 1))
        self.assertEqual(other["ShardId"], "shardId-000000000001")
        self.assertClientError("InvalidArgumentException", self.kinesis.get_shard_iterator, StreamName="b-iter",
                               ShardId=sid, ShardIteratorType="AT_SEQUENCE_NUMBER",
                               StartingSequenceNumber=other["SequenceNumber"])

    def test_read_across_reshard_in_lineage_order(self):
        self.create("b-reshard", 2)
        keys = [f"user-{i}" for i in range(40)]
        counters = collections.Counter()
        acks = {}  # data -> (shard, sequence)

        def write(rounds):
            for _ in range(rounds):
                batch = []
                for key in keys:
                    batch.append((key, f"{key}#{counters[key]:03d}".encode()))
                    counters[key] += 1
                for (key, data), result in zip(batch, self.put_batch("b-reshard", batch)):
                    acks[data] = (result["ShardId"], result["SequenceNumber"])

        write(3)
        self.assertEqual(self.kinesis.update_shard_count(StreamName="b-reshard", TargetShardCount=4,
                                                         ScalingType="UNIFORM_SCALING")["CurrentShardCount"], 2)
        self.assertEqual(wait_active(self.kinesis, "b-reshard")["OpenShardCount"], 4)
        write(3)
        self.assertEqual(self.kinesis.update_shard_count(StreamName="b-reshard", TargetShardCount=3,
                                                         ScalingType="UNIFORM_SCALING")["CurrentShardCount"], 4)
        self.assertEqual(wait_active(self.kinesis, "b-reshard")["OpenShardCount"], 3)
        write(2)

        shards = {s["ShardId"]: s for s in all_shards(self.kinesis, "b-reshard")}
        open_shards = [s for s in shards.values() if "EndingSequenceNumber" not in s["SequenceNumberRange"]]
        self.assertEqual(len(open_shards), 3)
        # The open shards cover the whole hash space, without gap or overlap.
        ranges = sorted((int(s["HashKeyRange"]["StartingHashKey"]), int(s["HashKeyRange"]["EndingHashKey"]))
                        for s in open_shards)
        self.assertEqual(ranges[0][0], 0)
        self.assertEqual(ranges[-1][1], 2**128 - 1)
        for (_, end), (start, _) in zip(ranges, ranges[1:]):
            self.assertEqual(start, end + 1)

        order, records, reported = read_stream_in_lineage_order(self.kinesis, "b-reshard")
        # ChildShards at the end of each closed shard name exactly its children, with their ranges.
        for sid, shard in shards.items():
            children = sorted(c for c, s in shards.items()
                              if sid in (s.get("ParentShardId"), s.get("AdjacentParentShardId")))
            self.assertEqual(sorted(c["ShardId"] for c in reported[sid]), children, sid)
            for child in reported[sid]:
                listed = shards[child["ShardId"]]
                self.assertEqual(child["HashKeyRange"], listed["HashKeyRange"])
                self.assertEqual(sorted(child["ParentShards"]), sorted(
                    p for p in (listed.get("ParentShardId"), listed.get("AdjacentParentShardId")) if p))
        # Per shard: strictly increasing sequence numbers, each record where its put said it went.
        per_key = collections.defaultdict(list)
        for sid in order:
            sequences = [int(r["SequenceNumber"]) for r in records[sid]]
            self.assertEqual(sequences, sorted(set(sequences)), sid)
            for record in records[sid]:
                self.assertEqual(acks.get(record["Data"]), (sid, record["SequenceNumber"]), record)
                per_key[record["PartitionKey"]].append(record["Data"])
        # Per key, in lineage order: every record once, in put order.
        for key in keys:
            self.assertEqual(per_key[key], [f"{key}#{n:03d}".encode() for n in range(counters[key])], key)
        self.assertEqual(sum(len(r) for r in records.values()), len(acks))

    def test_reshard_while_producers_write(self):
        # UpdateShardCount 2 -> 4 -> 3 while three producers keep writing: no acknowledged record
        # is lost or duplicated, and per key the lineage-order read returns them in put order.
        self.create("b-reshard-load", 2)
        ledger = Ledger("b-reshard-load")
        stop = threading.Event()
        threads = [threading.Thread(target=ledger.producer, args=(self.engine, p, 0, stop, time.monotonic() + 30),
                                    daemon=True) for p in range(3)]
        for thread in threads:
            thread.start()
        try:
            def wait_for_acks(count):
                deadline = time.monotonic() + 15
                while len(ledger.acked) < count and time.monotonic() < deadline:
                    time.sleep(0.02)
                self.assertGreaterEqual(len(ledger.acked), count, "the producers are not making progress")

            wait_for_acks(500)
            self.kinesis.update_shard_count(StreamName="b-reshard-load", TargetShardCount=4,
                                            ScalingType="UNIFORM_SCALING")
            wait_for_acks(len(ledger.acked) + 500)
            wait_active(self.kinesis, "b-reshard-load")
            self.kinesis.update_shard_count(StreamName="b-reshard-load", TargetShardCount=3,
                                            ScalingType="UNIFORM_SCALING")
            wait_for_acks(len(ledger.acked) + 500)
        finally:
            stop.set()
            for thread in threads:
                thread.join(30)
        self.assertFalse(any(t.is_alive() for t in threads))
        self.assertEqual(dict(ledger.failures), {}, "put_records calls or records failed during the reshard")
        self.assertEqual(wait_active(self.kinesis, "b-reshard-load")["OpenShardCount"], 3)
        stored = verify(self, self.engine, ledger, "reshard under load")
        self.assertEqual(stored, len(ledger.acked))

    def test_paginators(self):
        names = [f"b-page-{i}" for i in range(5)]
        for name in names:
            self.create(name, 1)
        listed = []
        pages = 0
        for page in self.kinesis.get_paginator("list_streams").paginate(PaginationConfig={"PageSize": 2}):
            listed.extend(page["StreamNames"])
            pages += 1
            self.assertLessEqual(len(page["StreamNames"]), 2)
            self.assertLess(pages, 100)
        self.assertEqual(listed, sorted(set(listed)), "list_streams pages repeat or skip streams")
        for name in names:
            self.assertIn(name, listed)
        self.assertGreaterEqual(pages, 3)
        # NextToken paging of ListStreams, as newer SDKs do it (botocore 1.29 predates it: raw JSON).
        status, first = self.engine.kinesis("ListStreams", {"Limit": 2})
        self.assertEqual(status, 200, first)
        self.assertTrue(first["HasMoreStreams"])
        self.assertEqual([s["StreamName"] for s in first["StreamSummaries"]], listed[:2])
        self.assertIn("NextToken", first)
        status, second = self.engine.kinesis("ListStreams", {"NextToken": first["NextToken"], "Limit": 2})
        self.assertEqual(status, 200, second)
        self.assertEqual(second["StreamNames"], listed[2:4])

        self.create("b-page-shards", 5)
        shard_ids = [f"shardId-{i:012d}" for i in range(5)]
        collected, token, calls = [], None, 0
        while True:
            calls += 1
            self.assertLess(calls, 20)
            page = (self.kinesis.list_shards(NextToken=token, MaxResults=2) if token
                    else self.kinesis.list_shards(StreamName="b-page-shards", MaxResults=2))
            self.assertLessEqual(len(page["Shards"]), 2)
            collected.extend(s["ShardId"] for s in page["Shards"])
            token = page.get("NextToken")
            if not token:
                break
        self.assertEqual(collected, shard_ids)
        self.assertEqual(calls, 3)
        # One page: the paginator works. (With more pages botocore 1.29's paginator repeats
        # StreamName next to NextToken, which AWS refuses; the engine refuses it alike.)
        one_page = self.kinesis.get_paginator("list_shards").paginate(StreamName="b-page-shards").build_full_result()
        self.assertEqual([s["ShardId"] for s in one_page["Shards"]], shard_ids)
        with self.assertRaises(ClientError) as raised:
            self.kinesis.get_paginator("list_shards").paginate(
                StreamName="b-page-shards", PaginationConfig={"PageSize": 2}).build_full_result()
        self.assertEqual(error_code(raised.exception), "InvalidArgumentException")
        # ExclusiveStartShardId paging and the DescribeStream paginator.
        after = self.kinesis.list_shards(StreamName="b-page-shards", ExclusiveStartShardId=shard_ids[2])
        self.assertEqual([s["ShardId"] for s in after["Shards"]], shard_ids[3:])
        described = self.kinesis.get_paginator("describe_stream").paginate(
            StreamName="b-page-shards", PaginationConfig={"PageSize": 2}).build_full_result()
        self.assertEqual([s["ShardId"] for s in described["StreamDescription"]["Shards"]], shard_ids)

    def test_stream_arn_in_place_of_stream_name(self):
        # botocore 1.29 does not know StreamARN: raw JSON 1.1 requests.
        self.create("b-arn", 2)
        arn = f"arn:aws:kinesis:{REGION}:{ACCOUNT}:stream/b-arn"
        call = self.engine.kinesis

        def ok(operation, payload):
            status, body = call(operation, payload)
            self.assertEqual(status, 200, (operation, body))
            return body

        summary = ok("DescribeStreamSummary", {"StreamARN": arn})["StreamDescriptionSummary"]
        self.assertEqual((summary["StreamName"], summary["StreamARN"]), ("b-arn", arn))
        self.assertEqual(ok("DescribeStream", {"StreamARN": arn})["StreamDescription"]["StreamName"], "b-arn")
        put = ok("PutRecord", {"StreamARN": arn, "PartitionKey": "k", "Data": b64("via arn"),
                               "ExplicitHashKey": "0"})
        self.assertEqual(put["ShardId"], "shardId-000000000000")
        puts = ok("PutRecords", {"StreamARN": arn, "Records": [{"PartitionKey": "k", "Data": b64("batch"),
                                                                   "ExplicitHashKey": "1"}]})
        self.assertEqual(puts["FailedRecordCount"], 0)
        self.assertEqual(len(ok("ListShards", {"StreamARN": arn})["Shards"]), 2)
        iterator = ok("GetShardIterator", {"StreamARN": arn, "ShardId": "shardId-000000000000",
                                           "ShardIteratorType": "TRIM_HORIZON"})["ShardIterator"]
        records = ok("GetRecords", {"ShardIterator": iterator, "StreamARN": arn})["Records"]
        self.assertEqual([r["Data"] for r in records], [b64("via arn"), b64("batch")])
        ok("AddTagsToStream", {"StreamARN": arn, "Tags": {"via": "arn"}})
        self.assertEqual(ok("ListTagsForStream", {"StreamARN": arn})["Tags"], [{"Key": "via", "Value": "arn"}])
        ok("RemoveTagsFromStream", {"StreamARN": arn, "TagKeys": ["via"]})
        ok("IncreaseStreamRetentionPeriod", {"StreamARN": arn, "RetentionPeriodHours": 30})
        ok("DecreaseStreamRetentionPeriod", {"StreamARN": arn, "RetentionPeriodHours": 25})
        self.assertEqual(ok("DescribeStreamSummary", {"StreamName": "b-arn", "StreamARN": arn})
                         ["StreamDescriptionSummary"]["RetentionPeriodHours"], 25)
        updated = ok("UpdateShardCount", {"StreamARN": arn, "TargetShardCount": 3, "ScalingType": "UNIFORM_SCALING"})
        self.assertEqual(updated["StreamName"], "b-arn")
        self.assertEqual(updated["StreamARN"], arn)

        status, body = call("DescribeStreamSummary", {"StreamName": "other", "StreamARN": arn})
        self.assertEqual((status, body["__type"]), (400, "ValidationException"), body)
        status, body = call("DescribeStreamSummary", {"StreamARN": "not-an-arn"})
        self.assertEqual((status, body["__type"]), (400, "ValidationException"), body)
        status, body = call("DescribeStreamSummary", {"StreamARN": f"arn:aws:kinesis:{REGION}:{ACCOUNT}:stream/b-none"})
        self.assertEqual((status, body["__type"]), (400, "ResourceNotFoundException"), body)
        ok("DeleteStream", {"StreamARN": arn})
        self.assertNotIn("b-arn", self.kinesis.list_streams()["StreamNames"])

    def test_throttling_switched_on_for_one_stream(self):
        self.create("b-throttle-one", 1)
        self.create("b-throttle-none", 1)
        self.engine.set_throttling("b-throttle-one", True)
        batch = [{"PartitionKey": "k", "Data": b"x"} for _ in range(500)]
        failed_one = sum(self.kinesis.put_records(StreamName="b-throttle-one", Records=batch)["FailedRecordCount"]
                         for _ in range(4))
        failed_none = sum(self.kinesis.put_records(StreamName="b-throttle-none", Records=batch)["FailedRecordCount"]
                          for _ in range(4))
        self.assertGreater(failed_one, 0)
        self.assertEqual(failed_none, 0)
        self.engine.set_throttling("b-throttle-one", None)  # back to the engine's default: off
        self.assertEqual(self.kinesis.put_records(StreamName="b-throttle-one", Records=batch)["FailedRecordCount"], 0)


class Throttling(Boto3Case):
    options = ("--throttling",)

    def test_burst_to_one_shard_is_throttled_per_record(self):
        self.create("b-burst", 1)
        started = time.monotonic()
        responses, sent = [], []
        for b in range(4):  # 2,000 records, far more than 1,000/s allows
            batch = [{"PartitionKey": f"k{i}", "Data": f"{b}-{i}".encode()} for i in range(500)]
            sent.append(batch)
            responses.append(self.kinesis.put_records(StreamName="b-burst", Records=batch))
        elapsed = time.monotonic() - started
        accepted = []
        failed = 0
        message = "Rate exceeded for shard shardId-000000000000 in stream b-burst under account 000000000000."
        for batch, response in zip(sent, responses):
            self.assertEqual(len(response["Records"]), 500)
            errors = [r for r in response["Records"] if "ErrorCode" in r]
            self.assertEqual(response["FailedRecordCount"], len(errors))
            failed += len(errors)
            for entry, result in zip(batch, response["Records"]):
                if "ErrorCode" in result:
                    self.assertEqual(result["ErrorCode"], "ProvisionedThroughputExceededException")
                    self.assertEqual(result["ErrorMessage"], message)
                    self.assertNotIn("SequenceNumber", result)
                else:
                    self.assertEqual(result["ShardId"], "shardId-000000000000")
                    accepted.append((result["SequenceNumber"], entry["Data"]))
        self.assertGreater(failed, 0, "a burst of 2,000 records to one shard was not throttled")
        self.assertGreaterEqual(len(accepted), 1000, "the first second's 1,000 records should be accepted")
        self.assertLessEqual(len(accepted), 1000 + 1000 * elapsed + 50,
                             f"{len(accepted)} records accepted in {elapsed:.2f} s")
        # Exactly the accepted records were stored, in order.
        records, _, _ = read_shard(self.kinesis, "b-burst", "shardId-000000000000")
        self.assertEqual([(r["SequenceNumber"], r["Data"]) for r in records], accepted)

    def test_put_record_that_does_not_fit_is_an_error(self):
        # Two records of 1,000 KiB: the second exceeds the 1 MiB/s of the shard unless a whole
        # second passed between them.
        self.create("b-single", 1)
        big = b"s" * (1000 * 1024)
        self.kinesis.put_record(StreamName="b-single", PartitionKey="k", Data=big)
        started = time.monotonic()
        with self.assertRaises(ClientError) as raised:
            self.kinesis.put_record(StreamName="b-single", PartitionKey="k", Data=big)
        if time.monotonic() - started < 0.5:
            self.assertEqual(error_code(raised.exception), "ProvisionedThroughputExceededException")
        self.assertEqual(raised.exception.response["Error"]["Message"],
                         "Rate exceeded for shard shardId-000000000000 in stream b-single under account 000000000000.")
        self.assertEqual(raised.exception.response["ResponseMetadata"]["HTTPStatusCode"], 400)

    def test_bytes_per_second_limit(self):
        self.create("b-bytes", 1)
        big = b"z" * (400 * 1024)
        response = self.kinesis.put_records(StreamName="b-bytes", Records=[
            {"PartitionKey": "k", "Data": big} for _ in range(4)])  # 1.6 MB > 1 MiB/s
        codes = [r.get("ErrorCode") for r in response["Records"]]
        self.assertEqual(codes[:2], [None, None])
        self.assertIn("ProvisionedThroughputExceededException", codes[2:])
        self.assertEqual(response["FailedRecordCount"], sum(1 for c in codes if c))

    def test_get_records_five_calls_per_second(self):
        self.create("b-reads", 1)
        iterator = self.kinesis.get_shard_iterator(StreamName="b-reads", ShardId="shardId-000000000000",
                                                   ShardIteratorType="TRIM_HORIZON")["ShardIterator"]
        throttled = 0
        started = time.monotonic()
        for _ in range(20):
            try:
                self.kinesis.get_records(ShardIterator=iterator)
            except ClientError as error:
                self.assertEqual(error_code(error), "ProvisionedThroughputExceededException")
                throttled += 1
        elapsed = time.monotonic() - started
        self.assertGreaterEqual(20 - throttled, 5)
        self.assertLessEqual(20 - throttled, 5 + 5 * elapsed + 1, f"{20 - throttled} calls passed in {elapsed:.2f} s")
        self.assertGreater(throttled, 0)

    def test_throttling_switched_off_for_one_stream(self):
        self.create("b-unthrottled", 1)
        self.engine.set_throttling("b-unthrottled", False)
        batch = [{"PartitionKey": "k", "Data": b"x"} for _ in range(500)]
        for _ in range(4):
            self.assertEqual(self.kinesis.put_records(StreamName="b-unthrottled", Records=batch)["FailedRecordCount"], 0)


class VirtualClock(Boto3Case):
    options = ("--virtual-clock",)

    def put(self, stream, *payloads, key="k"):
        return self.put_batch(stream, [(key, p) for p in payloads])

    def trim_horizon(self, stream, shard="shardId-000000000000"):
        return [r["Data"] for r in read_shard(self.kinesis, stream, shard)[0]]

    def test_records_expire_after_the_retention_period(self):
        self.create("v-retain", 1)
        self.put("v-retain", b"a1", b"a2")
        self.engine.advance_clock(23 * HOUR_MS)
        self.assertEqual(self.trim_horizon("v-retain"), [b"a1", b"a2"])
        self.engine.advance_clock(2 * HOUR_MS)  # 25 h: past the 24 h retention
        self.assertEqual(self.trim_horizon("v-retain"), [])
        # The stream keeps working, and sequence numbers keep growing.
        later = self.put("v-retain", b"b1")
        self.assertEqual(self.trim_horizon("v-retain"), [b"b1"])
        self.assertEqual(read_shard(self.kinesis, "v-retain", "shardId-000000000000")[0][0]["SequenceNumber"],
                         later[0]["SequenceNumber"])

    def test_increased_retention_keeps_records_longer(self):
        self.create("v-retain-48", 1)
        self.kinesis.increase_stream_retention_period(StreamName="v-retain-48", RetentionPeriodHours=48)
        self.put("v-retain-48", b"kept")
        self.engine.advance_clock(30 * HOUR_MS)
        self.assertEqual(self.trim_horizon("v-retain-48"), [b"kept"])
        self.engine.advance_clock(19 * HOUR_MS)  # 49 h
        self.assertEqual(self.trim_horizon("v-retain-48"), [])

    def test_decreased_retention_applies_to_existing_records(self):
        self.create("v-retain-dec", 1)
        self.kinesis.increase_stream_retention_period(StreamName="v-retain-dec", RetentionPeriodHours=72)
        self.put("v-retain-dec", b"old")
        self.engine.advance_clock(30 * HOUR_MS)
        self.assertEqual(self.trim_horizon("v-retain-dec"), [b"old"])
        self.kinesis.decrease_stream_retention_period(StreamName="v-retain-dec", RetentionPeriodHours=24)
        self.engine.advance_clock(1)  # any clock move enforces retention
        self.assertEqual(self.trim_horizon("v-retain-dec"), [])

    def test_only_records_older_than_retention_expire(self):
        # A trickle: one record an hour for 30 hours. Those older than 24 h must be gone, the
        # younger ones all there. (A stream that never stops never lets its records expire if
        # retention waits for a whole segment of its log to be old.)
        self.create("v-retain-trickle", 1)
        for hour in range(30):
            self.put("v-retain-trickle", f"h{hour:02d}".encode())
            self.engine.advance_clock(HOUR_MS)
        # Now the record of hour h is 30 - h hours old: h00..h05 are 25-30 h old, h06 exactly 24 h.
        got = self.trim_horizon("v-retain-trickle")
        young = [f"h{hour:02d}".encode() for hour in range(7, 30)]
        self.assertEqual(got[-len(young):], young, "records younger than the retention period were lost")
        self.assertIn(got[0], (b"h06", b"h07"),
                      f"GetRecords from TRIM_HORIZON returned records older than the 24 h retention period: "
                      f"{[g.decode() for g in got[:got.index(b'h07')]]}")

    def test_at_timestamp_on_the_virtual_clock(self):
        self.create("v-ts", 1)
        t0 = self.engine.now_ms()
        self.put("v-ts", b"a0", b"a1", b"a2")
        self.engine.advance_clock(10_000)
        t1 = t0 + 10_000
        self.put("v-ts", b"b0", b"b1")
        self.engine.advance_clock(10_000)
        sid = "shardId-000000000000"

        def iterator_at(ms):
            # botocore 1.29 sends timestamps as whole seconds; AWS takes milliseconds: raw JSON.
            status, body = self.engine.kinesis("GetShardIterator", {
                "StreamName": "v-ts", "ShardId": sid, "ShardIteratorType": "AT_TIMESTAMP", "Timestamp": ms / 1000})
            return status, body

        def at(ms):
            status, body = iterator_at(ms)
            self.assertEqual(status, 200, body)
            records = self.kinesis.get_records(ShardIterator=body["ShardIterator"])["Records"]
            return [r["Data"] for r in records]

        self.assertEqual(at(t0 - 3_600_000), [b"a0", b"a1", b"a2", b"b0", b"b1"])
        self.assertEqual(at(t0), [b"a0", b"a1", b"a2", b"b0", b"b1"])
        self.assertEqual(at(t0 + 1), [b"b0", b"b1"])
        self.assertEqual(at(t0 + 5_000), [b"b0", b"b1"])
        self.assertEqual(at(t1), [b"b0", b"b1"])
        self.assertEqual(at(t1 + 1), [])
        self.assertEqual(at(t1 + 10_000), [])  # == now
        status, body = iterator_at(t1 + 10_001)
        self.assertEqual((status, body["__type"]), (400, "InvalidArgumentException"), body)
        self.assertIn("cannot be greater than the currentTimestampInMillis", body["message"])
        # boto3's whole seconds work too: the second that holds t0 starts at or before it.
        whole = read_shard(self.kinesis, "v-ts", sid, "AT_TIMESTAMP", Timestamp=t0 // 1000)[0]
        self.assertEqual([r["Data"] for r in whole], [b"a0", b"a1", b"a2", b"b0", b"b1"])
        records = read_shard(self.kinesis, "v-ts", sid)[0]
        arrivals = [round(r["ApproximateArrivalTimestamp"].timestamp() * 1000) for r in records]
        self.assertEqual(arrivals, [t0, t0, t0, t1, t1])

    def test_millis_behind_latest_and_iterator_lifetime(self):
        self.create("v-lag", 1)
        self.put("v-lag", b"r0", b"r1", b"r2")
        self.engine.advance_clock(10_000)
        iterator = self.kinesis.get_shard_iterator(StreamName="v-lag", ShardId="shardId-000000000000",
                                                   ShardIteratorType="TRIM_HORIZON")["ShardIterator"]
        first = self.kinesis.get_records(ShardIterator=iterator, Limit=1)
        self.assertEqual([r["Data"] for r in first["Records"]], [b"r0"])
        self.assertEqual(first["MillisBehindLatest"], 10_000)
        self.engine.advance_clock(299_000)  # just inside the 5 minutes
        second = self.kinesis.get_records(ShardIterator=first["NextShardIterator"], Limit=10)
        self.assertEqual([r["Data"] for r in second["Records"]], [b"r1", b"r2"])
        self.assertEqual(second["MillisBehindLatest"], 0)
        self.engine.advance_clock(301_000)
        response = self.assertClientError("ExpiredIteratorException", self.kinesis.get_records,
                                          ShardIterator=second["NextShardIterator"])
        self.assertIn("Iterator expired", response["Error"]["Message"])


if __name__ == "__main__":
    unittest.main()
