// StreamService: putting records (routing, sequence numbers, durability before visibility),
// shard iterators of every type, and GetRecords (limits, continuation, lag, expiry, forgery).

#include <gtest/gtest.h>

#include <map>
#include <set>
#include <string>
#include <vector>

#include "stream_test_util.h"

namespace sf::engine {
namespace {

using namespace stream_test;

using RecordsTest = ServiceTest;

// The index of the uniform shard (of `count`) whose range holds `key`.
int UniformShardFor(HashKey key, int count) {
  auto ranges = ExpectedUniformRanges(count);
  for (int i = 0; i < count; ++i) {
    if (key >= ranges[static_cast<size_t>(i)].first && key <= ranges[static_cast<size_t>(i)].second)
      return i;
  }
  return -1;
}

std::vector<KeyData> Numbered(const std::string& prefix, int count, const std::string& key = "") {
  std::vector<KeyData> records;
  for (int i = 0; i < count; ++i) {
    records.push_back({key.empty() ? prefix + "-key-" + std::to_string(i) : key,
                       prefix + "-" + std::to_string(i)});
  }
  return records;
}

std::vector<std::string> Datas(const std::vector<RecordOut>& records) {
  std::vector<std::string> out;
  for (const auto& record : records) out.push_back(record.data);
  return out;
}

TEST_F(RecordsTest, RoutesByMd5OfThePartitionKey) {
  Create("orders", 7);
  std::vector<KeyData> records = Numbered("r", 200);
  records.push_back(
      {"a", "known"});  // md5("a") = 16955237001963240173058271559858726497 -> shard 0
  PutOutcome outcome = Put("orders", records);
  ASSERT_EQ(outcome.results.size(), records.size());
  EXPECT_EQ(outcome.failed, 0);
  std::set<std::string> used;
  for (size_t i = 0; i < records.size(); ++i) {
    int expected = UniformShardFor(PartitionKeyHash(records[i].key), 7);
    EXPECT_EQ(outcome.results[i].shard_id, ShardId(expected)) << records[i].key;
    EXPECT_TRUE(outcome.results[i].error_code.empty());
    used.insert(outcome.results[i].shard_id);
  }
  EXPECT_EQ(outcome.results.back().shard_id, ShardId(0));
  EXPECT_EQ(used.size(), 7u) << "200 keys should reach every shard";
  // What each shard holds is exactly what was routed to it.
  for (int shard = 0; shard < 7; ++shard) {
    for (const auto& record : ReadShard("orders", ShardId(shard))) {
      EXPECT_EQ(UniformShardFor(PartitionKeyHash(record.partition_key), 7), shard)
          << record.partition_key;
    }
  }
}

TEST_F(RecordsTest, RoutesByExplicitHashKey) {
  Create("orders", 3);
  auto ranges = ExpectedUniformRanges(3);
  std::vector<KeyData> records;
  std::vector<int> expected;
  for (int i = 0; i < 3; ++i) {
    // The same partition key every time: the explicit hash key decides.
    records.push_back({"a", "start-" + std::to_string(i), ranges[static_cast<size_t>(i)].first});
    expected.push_back(i);
    records.push_back({"a", "end-" + std::to_string(i), ranges[static_cast<size_t>(i)].second});
    expected.push_back(i);
  }
  records.push_back({"a", "max", kMaxHashKey});
  expected.push_back(2);
  records.push_back({"a", "zero", static_cast<HashKey>(0)});
  expected.push_back(0);
  PutOutcome outcome = Put("orders", records);
  ASSERT_EQ(outcome.results.size(), records.size());
  for (size_t i = 0; i < records.size(); ++i) {
    EXPECT_EQ(outcome.results[i].shard_id, ShardId(expected[i])) << records[i].data;
  }
  EXPECT_EQ(Datas(ReadShard("orders", ShardId(1))), (std::vector<std::string>{"start-1", "end-1"}));
  EXPECT_EQ(Datas(ReadShard("orders", ShardId(2))),
            (std::vector<std::string>{"start-2", "end-2", "max"}));
}

TEST_F(RecordsTest, ResultsInRequestOrderAndSequenceNumbersIncreasePerShard) {
  Create("orders", 3);
  std::map<std::string, std::string> last_per_shard;
  for (int batch = 0; batch < 4; ++batch) {
    std::vector<KeyData> records = Numbered("b" + std::to_string(batch), 60);
    PutOutcome outcome = Put("orders", records);
    ASSERT_EQ(outcome.results.size(), records.size());
    for (size_t i = 0; i < records.size(); ++i) {
      const PutResult& result = outcome.results[i];
      // Request order: result i belongs to record i (its shard is the one its key routes to).
      ASSERT_EQ(result.shard_id, ShardId(UniformShardFor(PartitionKeyHash(records[i].key), 3)));
      auto parts = ParseSequenceNumber(result.sequence_number);
      ASSERT_TRUE(parts.has_value()) << result.sequence_number;
      EXPECT_EQ(ShardId(static_cast<int>(parts->shard_index)), result.shard_id);
      auto& last = last_per_shard[result.shard_id];
      if (!last.empty()) {
        EXPECT_TRUE(DecimalLess(last, result.sequence_number))
            << last << " !< " << result.sequence_number;
      }
      last = result.sequence_number;
    }
    clock_.Advance(1500);  // later batches have later record seconds
  }
  // Reading back: the same numbers, strictly increasing, in put order per shard.
  for (int shard = 0; shard < 3; ++shard) {
    auto records = ReadShard("orders", ShardId(shard));
    for (size_t i = 1; i < records.size(); ++i) {
      EXPECT_TRUE(DecimalLess(records[i - 1].sequence_number, records[i].sequence_number));
    }
    ASSERT_FALSE(records.empty());
    EXPECT_EQ(records.back().sequence_number, last_per_shard[ShardId(shard)]);
  }
}

TEST_F(RecordsTest, ReadBackMatchesWhatWasPut) {
  Create("orders", 1);
  clock_.Advance(456);
  std::string binary("\0\x01\xff\x7f zero", 9);
  PutOutcome outcome = Put("orders", {{"k1", "first"}, {"k2", binary}, {"k3", ""}});
  auto records = ReadShard("orders", ShardId(0));
  ASSERT_EQ(records.size(), 3u);
  EXPECT_EQ(records[0].partition_key, "k1");
  EXPECT_EQ(records[0].data, "first");
  EXPECT_EQ(records[1].data, binary);
  EXPECT_EQ(records[2].data, "");
  for (size_t i = 0; i < 3; ++i) {
    EXPECT_EQ(records[i].sequence_number, outcome.results[i].sequence_number);
    EXPECT_EQ(records[i].arrival_ms, kStartMs + 456);
    auto parts = ParseSequenceNumber(records[i].sequence_number);
    ASSERT_TRUE(parts.has_value());
    EXPECT_EQ(parts->sequence_index, i);
    EXPECT_EQ(parts->record_seconds, static_cast<uint64_t>((kStartMs + 456) / 1000));
    EXPECT_EQ(parts->shard_create_seconds, static_cast<uint64_t>(kStartMs / 1000));
  }
}

TEST_F(RecordsTest, SinglePutReturnsOneResult) {
  Create("orders", 2);
  std::vector<PutEntry> entries = {{"a", "data", std::nullopt}};
  auto outcome = svc().PutRecords("orders", entries, true);
  ASSERT_TRUE(IsOk(outcome));
  ASSERT_EQ(outcome->results.size(), 1u);
  EXPECT_EQ(outcome->results[0].shard_id, ShardId(0));
  EXPECT_EQ(outcome->failed, 0);
}

TEST_F(RecordsTest, RecordsAreInvisibleUntilSynced) {
  Create("orders", 1);
  std::string trim = Iterator("orders", ShardId(0), IteratorType::kTrimHorizon);
  PutOutcome outcome = PutNoSync("orders", {{"k", "a"}, {"k", "b"}});
  ASSERT_EQ(outcome.sync.size(), 1u);
  EXPECT_EQ(outcome.sync[0].sequence, 1u) << "the highest sequence appended to the shard";
  GetRecordsOutcome before = Get(trim);
  EXPECT_TRUE(before.records.empty()) << "put but not synced must not be readable yet";
  ASSERT_TRUE(before.next_iterator.has_value());
  svc().SyncAll();
  GetRecordsOutcome after = Get(*before.next_iterator);
  EXPECT_EQ(Datas(after.records), (std::vector<std::string>{"a", "b"}));
  // The original iterator too.
  EXPECT_EQ(Datas(Get(trim).records), (std::vector<std::string>{"a", "b"}));
}

TEST_F(RecordsTest, SyncTargetMakesRecordsVisible) {
  Create("orders", 1);
  PutOutcome outcome = PutNoSync("orders", {{"k", "a"}});
  ASSERT_EQ(outcome.sync.size(), 1u);
  EXPECT_TRUE(ReadShard("orders", ShardId(0)).empty());
  ASSERT_TRUE(outcome.sync[0].log->Sync(outcome.sync[0].sequence).has_value());
  EXPECT_EQ(Datas(ReadShard("orders", ShardId(0))), std::vector<std::string>{"a"});
}

TEST_F(RecordsTest, TrimHorizonReadsFromTheStart) {
  Create("orders", 1);
  Put("orders", Numbered("x", 5, "k"));
  EXPECT_EQ(Datas(ReadShard("orders", ShardId(0))),
            (std::vector<std::string>{"x-0", "x-1", "x-2", "x-3", "x-4"}));
}

TEST_F(RecordsTest, LatestSkipsEarlierRecords) {
  Create("orders", 1);
  Put("orders", Numbered("old", 3, "k"));
  std::string latest = Iterator("orders", ShardId(0), IteratorType::kLatest);
  GetRecordsOutcome none = Get(latest);
  EXPECT_TRUE(none.records.empty());
  EXPECT_EQ(none.millis_behind_latest, 0);
  Put("orders", Numbered("new", 2, "k"));
  EXPECT_EQ(Datas(Get(*none.next_iterator).records), (std::vector<std::string>{"new-0", "new-1"}));
  EXPECT_EQ(Datas(Get(latest).records), (std::vector<std::string>{"new-0", "new-1"}));
}

TEST_F(RecordsTest, AtAndAfterSequenceNumber) {
  Create("orders", 1);
  PutOutcome outcome = Put("orders", Numbered("x", 5, "k"));
  const std::string& third = outcome.results[2].sequence_number;
  EXPECT_EQ(Datas(ReadAll(Iterator("orders", ShardId(0), IteratorType::kAtSequence, third))),
            (std::vector<std::string>{"x-2", "x-3", "x-4"}));
  EXPECT_EQ(Datas(ReadAll(Iterator("orders", ShardId(0), IteratorType::kAfterSequence, third))),
            (std::vector<std::string>{"x-3", "x-4"}));
  const std::string& last = outcome.results[4].sequence_number;
  EXPECT_TRUE(ReadAll(Iterator("orders", ShardId(0), IteratorType::kAfterSequence, last)).empty());
  // The starting sequence number of the shard reads everything.
  std::string start = Describe("orders").shards[0].starting_sequence_number;
  EXPECT_EQ(ReadAll(Iterator("orders", ShardId(0), IteratorType::kAtSequence, start)).size(), 5u);
}

TEST_F(RecordsTest, AtTimestampStartsAtTheFirstRecordAtOrAfter) {
  Create("orders", 1);
  PutOne("orders", "k", "t0");  // at kStartMs
  clock_.Advance(1000);
  PutOne("orders", "k", "t1");  // at kStartMs + 1000
  clock_.Advance(1000);
  PutOne("orders", "k", "t2");  // at kStartMs + 2000
  clock_.Advance(5000);
  auto at = [&](int64_t ms) {
    return Datas(ReadAll(Iterator("orders", ShardId(0), IteratorType::kAtTimestamp, std::nullopt,
                                  static_cast<double>(ms) / 1000.0)));
  };
  EXPECT_EQ(at(kStartMs - 60000), (std::vector<std::string>{"t0", "t1", "t2"}));
  EXPECT_EQ(at(kStartMs), (std::vector<std::string>{"t0", "t1", "t2"}));
  EXPECT_EQ(at(kStartMs + 1), (std::vector<std::string>{"t1", "t2"}));
  EXPECT_EQ(at(kStartMs + 500), (std::vector<std::string>{"t1", "t2"}));
  EXPECT_EQ(at(kStartMs + 1000), (std::vector<std::string>{"t1", "t2"}));
  EXPECT_EQ(at(kStartMs + 1999), (std::vector<std::string>{"t2"}));
  EXPECT_EQ(at(kStartMs + 2001), std::vector<std::string>{});
  // An iterator past the newest record sees later records.
  std::string after = Iterator("orders", ShardId(0), IteratorType::kAtTimestamp, std::nullopt,
                               static_cast<double>(kStartMs + 3000) / 1000.0);
  PutOne("orders", "k", "t7");
  EXPECT_EQ(Datas(Get(after).records), std::vector<std::string>{"t7"});
}

TEST_F(RecordsTest, AtTimestampInTheFutureIsInvalid) {
  Create("orders", 1);
  auto iterator =
      svc().GetShardIterator("orders", ShardId(0), IteratorType::kAtTimestamp, std::nullopt,
                             static_cast<double>(kStartMs + 1000) / 1000.0);
  EXPECT_TRUE(IsApiError(
      iterator, "InvalidArgumentException",
      "The timestampInMillis parameter cannot be greater than the currentTimestampInMillis. "
      "timestampInMillis: 1700000001000, currentTimestampInMillis: 1700000000000"));
  // Now is allowed.
  EXPECT_TRUE(IsOk(svc().GetShardIterator("orders", ShardId(0), IteratorType::kAtTimestamp,
                                          std::nullopt, static_cast<double>(kStartMs) / 1000.0)));
}

TEST_F(RecordsTest, AtTimestampNeedsATimestamp) {
  Create("orders", 1);
  EXPECT_TRUE(IsApiError(svc().GetShardIterator("orders", ShardId(0), IteratorType::kAtTimestamp,
                                                std::nullopt, std::nullopt),
                         "InvalidArgumentException",
                         "Must specify timestampInMillis parameter for iterator of type "
                         "AT_TIMESTAMP. Current request has no "
                         "timestamp parameter."));
}

TEST_F(RecordsTest, SequenceNumberFromAnotherShardIsInvalid) {
  Create("orders", 2);
  PutResult on_one = PutOne("orders", "x", "d", kMaxHashKey);
  ASSERT_EQ(on_one.shard_id, ShardId(1));
  for (IteratorType type : {IteratorType::kAtSequence, IteratorType::kAfterSequence}) {
    EXPECT_TRUE(IsApiError(
        svc().GetShardIterator("orders", ShardId(0), type, on_one.sequence_number, std::nullopt),
        "InvalidArgumentException",
        "Invalid StartingSequenceNumber. It encodes shardId-000000000001, while it was used in a "
        "call to a shard with shardId-000000000000"));
  }
}

TEST_F(RecordsTest, SequenceNumberOfAnotherStreamIsInvalid) {
  Create("first", 1);
  clock_.Advance(5000);  // a different shard creation second
  Create("second", 1);
  PutResult result = PutOne("first", "k", "d");
  EXPECT_TRUE(IsApiError(svc().GetShardIterator("second", ShardId(0), IteratorType::kAtSequence,
                                                result.sequence_number, std::nullopt),
                         "InvalidArgumentException",
                         "StartingSequenceNumber " + result.sequence_number +
                             " used in GetShardIterator on shard shardId-000000000000 in stream "
                             "second under account 000000000000 is "
                             "invalid because it did not come from this stream."));
}

TEST_F(RecordsTest, MalformedSequenceNumberIsInvalid) {
  Create("orders", 1);
  EXPECT_TRUE(IsApiError(svc().GetShardIterator("orders", ShardId(0), IteratorType::kAtSequence,
                                                std::string("12345"), std::nullopt),
                         "InvalidArgumentException",
                         "StartingSequenceNumber 12345 used in GetShardIterator on shard "
                         "shardId-000000000000 in stream orders under "
                         "account 000000000000 is invalid."));
}

TEST_F(RecordsTest, SequenceNumberMustMatchTheIteratorType) {
  Create("orders", 1);
  std::string sequence = PutOne("orders", "k", "d").sequence_number;
  const std::string prefix =
      "Must either specify (1) AT_SEQUENCE_NUMBER or AFTER_SEQUENCE_NUMBER and "
      "StartingSequenceNumber or (2) "
      "TRIM_HORIZON or LATEST and no StartingSequenceNumber. Request specified ";
  EXPECT_TRUE(IsApiError(svc().GetShardIterator("orders", ShardId(0), IteratorType::kTrimHorizon,
                                                sequence, std::nullopt),
                         "InvalidArgumentException",
                         prefix + "TRIM_HORIZON and also a StartingSequenceNumber."));
  EXPECT_TRUE(IsApiError(
      svc().GetShardIterator("orders", ShardId(0), IteratorType::kLatest, sequence, std::nullopt),
      "InvalidArgumentException", prefix + "LATEST and also a StartingSequenceNumber."));
  EXPECT_TRUE(IsApiError(svc().GetShardIterator("orders", ShardId(0), IteratorType::kAtSequence,
                                                std::nullopt, std::nullopt),
                         "InvalidArgumentException",
                         prefix + "AT_SEQUENCE_NUMBER and no StartingSequenceNumber."));
  EXPECT_TRUE(IsApiError(svc().GetShardIterator("orders", ShardId(0), IteratorType::kAfterSequence,
                                                std::nullopt, std::nullopt),
                         "InvalidArgumentException",
                         prefix + "AFTER_SEQUENCE_NUMBER and no StartingSequenceNumber."));
}

TEST_F(RecordsTest, LimitIsRespectedAndNextIteratorContinuesExactly) {
  Create("orders", 1);
  PutOutcome put = Put("orders", Numbered("x", 10, "k"));
  std::string iterator = Iterator("orders", ShardId(0), IteratorType::kTrimHorizon);
  std::vector<std::string> sequences;
  std::vector<size_t> sizes;
  for (int call = 0; call < 5; ++call) {
    GetRecordsOutcome outcome = Get(iterator, 3);
    sizes.push_back(outcome.records.size());
    for (const auto& record : outcome.records) sequences.push_back(record.sequence_number);
    ASSERT_TRUE(outcome.next_iterator.has_value()) << "an open shard always gives a next iterator";
    iterator = *outcome.next_iterator;
  }
  EXPECT_EQ(sizes, (std::vector<size_t>{3, 3, 3, 1, 0}));
  ASSERT_EQ(sequences.size(), 10u);
  for (size_t i = 0; i < 10; ++i) EXPECT_EQ(sequences[i], put.results[i].sequence_number) << i;
  // A limit of 1 steps record by record.
  iterator = Iterator("orders", ShardId(0), IteratorType::kTrimHorizon);
  for (size_t i = 0; i < 10; ++i) {
    GetRecordsOutcome outcome = Get(iterator, 1);
    ASSERT_EQ(outcome.records.size(), 1u);
    EXPECT_EQ(outcome.records[0].data, "x-" + std::to_string(i));
    iterator = *outcome.next_iterator;
  }
  // The continuation also sees records put later.
  Put("orders", {{"k", "late"}});
  EXPECT_EQ(Datas(Get(iterator, 5).records), std::vector<std::string>{"late"});
}

TEST_F(RecordsTest, MillisBehindLatest) {
  Create("orders", 1);
  PutOne("orders", "k", "a");  // arrives at kStartMs
  clock_.Advance(1000);
  PutOne("orders", "k", "b");  // kStartMs + 1000
  clock_.Advance(1000);
  PutOne("orders", "k", "c");  // kStartMs + 2000
  clock_.Advance(3000);        // now kStartMs + 5000
  GetRecordsOutcome first = Get(Iterator("orders", ShardId(0), IteratorType::kTrimHorizon), 1);
  ASSERT_EQ(first.records.size(), 1u);
  EXPECT_GT(first.millis_behind_latest, 0);
  EXPECT_EQ(first.millis_behind_latest, 4000)
      << "behind by the age of the oldest unread record (b)";
  GetRecordsOutcome rest = Get(*first.next_iterator);
  EXPECT_EQ(rest.records.size(), 2u);
  EXPECT_EQ(rest.millis_behind_latest, 0) << "caught up";
  GetRecordsOutcome empty = Get(*rest.next_iterator);
  EXPECT_TRUE(empty.records.empty());
  EXPECT_EQ(empty.millis_behind_latest, 0);
}

TEST_F(RecordsTest, EmptyShardGivesNoRecordsAndANextIterator) {
  Create("orders", 1);
  GetRecordsOutcome outcome = Get(Iterator("orders", ShardId(0), IteratorType::kTrimHorizon));
  EXPECT_TRUE(outcome.records.empty());
  EXPECT_TRUE(outcome.next_iterator.has_value());
  EXPECT_EQ(outcome.millis_behind_latest, 0);
  EXPECT_TRUE(outcome.child_shards.empty());
}

TEST_F(RecordsTest, IteratorExpiresAfterFiveMinutes) {
  Create("orders", 1);
  PutOne("orders", "k", "a");
  std::string iterator = Iterator("orders", ShardId(0), IteratorType::kTrimHorizon);
  std::string second = Iterator("orders", ShardId(0), IteratorType::kTrimHorizon);
  clock_.Advance(299999);
  EXPECT_TRUE(IsOk(svc().GetRecords(second, 10))) << "still valid just before 5 minutes";
  clock_.Advance(2);  // 300001 ms after issue
  EXPECT_TRUE(IsApiError(
      svc().GetRecords(iterator, 10), "ExpiredIteratorException",
      "Iterator expired. The iterator was created at time Tue Nov 14 22:13:20 UTC 2023 while right "
      "now it is Tue Nov 14 22:18:20 UTC 2023 which is further in the future than the tolerated "
      "delay of 300000 milliseconds."));
}

TEST_F(RecordsTest, NextIteratorIsFresh) {
  Create("orders", 1);
  PutOne("orders", "k", "a");
  std::string iterator = Iterator("orders", ShardId(0), IteratorType::kTrimHorizon);
  for (int i = 0; i < 4; ++i) {
    clock_.Advance(200000);  // 800 s in all: each iterator is used within its 5 minutes
    GetRecordsOutcome outcome = Get(iterator);
    ASSERT_TRUE(outcome.next_iterator.has_value());
    iterator = *outcome.next_iterator;
  }
  PutOne("orders", "k", "b");
  EXPECT_EQ(Datas(Get(iterator).records), std::vector<std::string>{"b"});
}

TEST_F(RecordsTest, ForgedIteratorIsInvalid) {
  Create("orders", 1);
  std::string iterator = Iterator("orders", ShardId(0), IteratorType::kTrimHorizon);
  std::string forged = iterator;
  forged[10] = forged[10] == 'A' ? 'B' : 'A';
  for (const std::string& token :
       {forged, std::string("AAAA"), std::string("garbage!"), std::string()}) {
    EXPECT_TRUE(IsApiError(svc().GetRecords(token, 10), "InvalidArgumentException",
                           "Invalid ShardIterator."))
        << token;
  }
}

TEST_F(RecordsTest, IteratorOfADeletedStreamIsNotFound) {
  Create("orders", 1);
  PutOne("orders", "k", "old");
  std::string iterator = Iterator("orders", ShardId(0), IteratorType::kTrimHorizon);
  ASSERT_TRUE(IsOk(svc().DeleteStream("orders")));
  const std::string message =
      "Shard shardId-000000000000 in stream orders under account 000000000000 does not exist";
  EXPECT_TRUE(IsApiError(svc().GetRecords(iterator, 10), "ResourceNotFoundException", message));
  clock_.Advance(1000);
  Create("orders", 1);
  PutOne("orders", "k", "new");
  EXPECT_TRUE(IsApiError(svc().GetRecords(iterator, 10), "ResourceNotFoundException", message))
      << "an iterator of the deleted stream must not read the new one";
}

// The same, with the stream re-created within the same millisecond (a VirtualClock that did
// not move, or a fast client): the iterator still belongs to the old stream.
TEST_F(RecordsTest, IteratorOfAStreamRecreatedInTheSameMillisecondIsNotFound) {
  Create("orders", 1);
  std::string iterator = Iterator("orders", ShardId(0), IteratorType::kTrimHorizon);
  ASSERT_TRUE(IsOk(svc().DeleteStream("orders")));
  Create("orders", 1);
  PutOne("orders", "k", "new");
  EXPECT_TRUE(IsApiError(
      svc().GetRecords(iterator, 10), "ResourceNotFoundException",
      "Shard shardId-000000000000 in stream orders under account 000000000000 does not exist"));
}

}  // namespace
}  // namespace sf::engine
