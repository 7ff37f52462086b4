// StreamService: per-shard metrics, and everything surviving a restart on the same directory.

#include <gtest/gtest.h>

#include <map>
#include <string>
#include <vector>

#include "stream_test_util.h"

namespace sf::engine {
namespace {

using namespace stream_test;

using MetricsTest = ServiceTest;
using DurabilityTest = ServiceTest;

std::vector<std::string> Datas(const std::vector<RecordOut>& records) {
  std::vector<std::string> out;
  for (const auto& record : records) out.push_back(record.data);
  return out;
}

const ShardMetricsSnapshot* FindShardMetrics(const std::vector<StreamMetricsSnapshot>& metrics,
                                             const std::string& stream, const std::string& shard) {
  for (const auto& s : metrics) {
    if (s.stream != stream) continue;
    for (const auto& m : s.shards) {
      if (m.shard_id == shard) return &m;
    }
  }
  return nullptr;
}

TEST_F(MetricsTest, CountsIncomingRecordsAndBytesPerShard) {
  Create("orders", 2);
  Put("orders", {{"key", "12345", static_cast<HashKey>(0)},     // 3 + 5 bytes
                 {"k", "1234567890", static_cast<HashKey>(0)},  // 1 + 10
                 {"kk", "abc", kMaxHashKey}});                  // 2 + 3
  auto metrics = svc().Metrics();
  ASSERT_EQ(metrics.size(), 1u);
  EXPECT_EQ(metrics[0].stream, "orders");
  ASSERT_EQ(metrics[0].shards.size(), 2u);
  const ShardMetricsSnapshot& low = metrics[0].shards[0];
  const ShardMetricsSnapshot& high = metrics[0].shards[1];
  EXPECT_EQ(low.shard_id, ShardId(0));
  EXPECT_EQ(high.shard_id, ShardId(1));
  EXPECT_EQ(low.incoming_records, 2u);
  EXPECT_EQ(low.incoming_bytes, 19u);
  EXPECT_EQ(high.incoming_records, 1u);
  EXPECT_EQ(high.incoming_bytes, 5u);
  EXPECT_TRUE(low.open);
  EXPECT_GT(low.log_bytes, 0u);
  EXPECT_EQ(low.get_records_calls, 0u);
  EXPECT_EQ(low.write_throttled, 0u);
}

TEST_F(MetricsTest, CountsGetRecords) {
  Create("orders", 1);
  Put("orders", {{"key", "12345"}, {"k", "1234567890"}, {"kk", "abc"}});
  clock_.Advance(7000);
  std::string iterator = Iterator("orders", ShardId(0), IteratorType::kTrimHorizon);
  GetRecordsOutcome first = Get(iterator, 2);
  ASSERT_EQ(first.records.size(), 2u);
  auto metrics = svc().Metrics();
  const ShardMetricsSnapshot* shard = FindShardMetrics(metrics, "orders", ShardId(0));
  ASSERT_NE(shard, nullptr);
  EXPECT_EQ(shard->get_records_calls, 1u);
  EXPECT_EQ(shard->get_records_records, 2u);
  EXPECT_EQ(shard->get_records_bytes, 19u);
  EXPECT_EQ(shard->iterator_age_ms, 7000) << "age of the first record returned";
  Get(*first.next_iterator);
  Get(*first.next_iterator);  // the same remaining record again
  metrics = svc().Metrics();
  shard = FindShardMetrics(metrics, "orders", ShardId(0));
  EXPECT_EQ(shard->get_records_calls, 3u);
  EXPECT_EQ(shard->get_records_records, 4u);
  EXPECT_EQ(shard->get_records_bytes, 29u);
}

TEST_F(MetricsTest, CountsThrottledWritesAndReads) {
  throttling_ = true;
  Open();
  Create("orders", 1);
  std::vector<KeyData> records(1003, KeyData{"k", "d"});
  Put("orders", records);
  std::string iterator = Iterator("orders", ShardId(0), IteratorType::kLatest);
  for (int i = 0; i < 7; ++i) (void)svc().GetRecords(iterator, 1);
  auto metrics = svc().Metrics();
  const ShardMetricsSnapshot* shard = FindShardMetrics(metrics, "orders", ShardId(0));
  ASSERT_NE(shard, nullptr);
  EXPECT_EQ(shard->incoming_records, 1000u);
  EXPECT_EQ(shard->write_throttled, 3u);
  EXPECT_EQ(shard->read_throttled, 2u);
  EXPECT_EQ(shard->get_records_calls, 5u) << "refused calls are not served";
}

TEST_F(MetricsTest, StreamsSortedAndClosedShardsMarked) {
  Create("zeta", 1);
  Create("alpha", 1);
  ASSERT_TRUE(IsOk(svc().SplitShard("alpha", ShardId(0), "1000")));
  auto metrics = svc().Metrics();
  ASSERT_EQ(metrics.size(), 2u);
  EXPECT_EQ(metrics[0].stream, "alpha");
  EXPECT_EQ(metrics[1].stream, "zeta");
  ASSERT_EQ(metrics[0].shards.size(), 3u);
  EXPECT_FALSE(metrics[0].shards[0].open);
  EXPECT_TRUE(metrics[0].shards[1].open);
  EXPECT_TRUE(metrics[0].shards[2].open);
}

// ---------------------------------------------------------------------------------------------

void ExpectSameStream(const StreamInfo& a, const StreamInfo& b) {
  EXPECT_EQ(a.name, b.name);
  EXPECT_EQ(a.arn, b.arn);
  EXPECT_EQ(a.mode, b.mode);
  EXPECT_EQ(a.retention_hours, b.retention_hours);
  EXPECT_EQ(a.created_ms, b.created_ms);
  EXPECT_EQ(a.open_shard_count, b.open_shard_count);
  ASSERT_EQ(a.shards.size(), b.shards.size());
  for (size_t i = 0; i < a.shards.size(); ++i) {
    SCOPED_TRACE(a.shards[i].shard_id);
    EXPECT_EQ(a.shards[i].shard_id, b.shards[i].shard_id);
    EXPECT_EQ(a.shards[i].parent, b.shards[i].parent);
    EXPECT_EQ(a.shards[i].adjacent_parent, b.shards[i].adjacent_parent);
    EXPECT_TRUE(a.shards[i].starting_hash_key == b.shards[i].starting_hash_key);
    EXPECT_TRUE(a.shards[i].ending_hash_key == b.shards[i].ending_hash_key);
    EXPECT_EQ(a.shards[i].starting_sequence_number, b.shards[i].starting_sequence_number);
    EXPECT_EQ(a.shards[i].ending_sequence_number, b.shards[i].ending_sequence_number);
  }
}

TEST_F(DurabilityTest, EverythingComesBackAfterReopen) {
  Create("orders", 3);
  ASSERT_TRUE(IsOk(svc().CreateStream("auto", std::nullopt, StreamMode::kOnDemand)));
  ASSERT_TRUE(IsOk(svc().AddTags("orders", {{"team", "data"}, {"env", "prod"}})));
  ASSERT_TRUE(IsOk(svc().SetRetention("orders", 72, true)));
  clock_.Advance(1500);
  Put("orders", {{"a", "before-1", static_cast<HashKey>(0)}, {"b", "before-2", kMaxHashKey}});
  ASSERT_TRUE(IsOk(svc().MergeShards("orders", ShardId(1), ShardId(2))));
  clock_.Advance(1500);
  ASSERT_TRUE(IsOk(svc().SplitShard("orders", ShardId(0), "1000")));
  PutOutcome after =
      Put("orders", {{"c", "after-1", static_cast<HashKey>(5)}, {"d", "after-2", kMaxHashKey}});
  Put("auto", {{"x", "auto-1"}});
  std::map<std::string, std::vector<RecordOut>> before_records;
  StreamInfo before = Describe("orders");
  for (const auto& shard : before.shards)
    before_records[shard.shard_id] = ReadShard("orders", shard.shard_id);
  StreamInfo auto_before = Describe("auto");

  service_.reset();
  Open();

  EXPECT_EQ(svc().ListStreams(), (std::vector<std::string>{"auto", "orders"}));
  StreamInfo reopened = Describe("orders");
  ExpectSameStream(before, reopened);
  EXPECT_EQ(reopened.retention_hours, 72);
  ASSERT_EQ(reopened.shards.size(), 6u);
  EXPECT_EQ(reopened.shards[3].parent, std::optional<std::string>(ShardId(1)));
  EXPECT_EQ(reopened.shards[3].adjacent_parent, std::optional<std::string>(ShardId(2)));
  EXPECT_EQ(reopened.shards[4].parent, std::optional<std::string>(ShardId(0)));
  ExpectSameStream(auto_before, Describe("auto"));
  EXPECT_EQ(Describe("auto").mode, StreamMode::kOnDemand);
  auto tags = svc().ListTags("orders");
  ASSERT_TRUE(IsOk(tags));
  EXPECT_EQ(*tags, (std::map<std::string, std::string>{{"env", "prod"}, {"team", "data"}}));
  for (const auto& shard : reopened.shards) {
    auto records = ReadShard("orders", shard.shard_id);
    const auto& expected = before_records[shard.shard_id];
    ASSERT_EQ(records.size(), expected.size()) << shard.shard_id;
    for (size_t i = 0; i < records.size(); ++i) {
      EXPECT_EQ(records[i].sequence_number, expected[i].sequence_number);
      EXPECT_EQ(records[i].data, expected[i].data);
      EXPECT_EQ(records[i].partition_key, expected[i].partition_key);
      EXPECT_EQ(records[i].arrival_ms, expected[i].arrival_ms);
    }
  }
  EXPECT_EQ(
      Datas(ReadShard("auto", ShardId(0))).size() + Datas(ReadShard("auto", ShardId(1))).size() +
          Datas(ReadShard("auto", ShardId(2))).size() + Datas(ReadShard("auto", ShardId(3))).size(),
      1u);
  // Closed shards stay closed: records route to the open ones.
  PutOutcome later =
      Put("orders", {{"c", "later-1", static_cast<HashKey>(5)}, {"d", "later-2", kMaxHashKey}});
  EXPECT_EQ(later.results[0].shard_id, after.results[0].shard_id);
  EXPECT_EQ(later.results[1].shard_id, after.results[1].shard_id);
  // Sequence numbers carry on increasing.
  EXPECT_TRUE(DecimalLess(after.results[0].sequence_number, later.results[0].sequence_number));
  EXPECT_TRUE(DecimalLess(after.results[1].sequence_number, later.results[1].sequence_number));
}

TEST_F(DurabilityTest, IteratorIssuedBeforeReopenStillWorks) {
  Create("orders", 1);
  Put("orders", {{"k", "a"}, {"k", "b"}});
  std::string iterator = Iterator("orders", ShardId(0), IteratorType::kTrimHorizon);
  std::string latest = Iterator("orders", ShardId(0), IteratorType::kLatest);
  service_.reset();
  Open();
  clock_.Advance(4 * 60 * 1000);
  EXPECT_EQ(Datas(Get(iterator).records), (std::vector<std::string>{"a", "b"}))
      << "the signing secret persists across restarts";
  Put("orders", {{"k", "c"}});
  EXPECT_EQ(Datas(Get(latest).records), std::vector<std::string>{"c"});
  clock_.Advance(60 * 1000 + 1);
  EXPECT_FALSE(svc().GetRecords(iterator, 10).has_value()) << "and still expires after 5 minutes";
}

TEST_F(DurabilityTest, DeletedStreamStaysDeleted) {
  Create("orders", 1);
  Create("kept", 1);
  ASSERT_TRUE(IsOk(svc().DeleteStream("orders")));
  Open();
  EXPECT_EQ(svc().ListStreams(), std::vector<std::string>{"kept"});
}

TEST_F(DurabilityTest, ReshardHistoryAndThrottlingSurviveReopen) {
  Create("orders", 1);
  for (int i = 0; i < 10; ++i)
    ASSERT_TRUE(IsOk(svc().UpdateShardCount("orders", i % 2 == 0 ? 2 : 1))) << i;
  ASSERT_TRUE(IsOk(svc().SetThrottling("orders", true)));
  Open();
  EXPECT_TRUE(IsApiError(
      svc().UpdateShardCount("orders", 2), "LimitExceededException",
      "Stream orders under account 000000000000 has already been scaled 10 times in the last 24 "
      "hours, the most UpdateShardCount allows."));
  std::vector<KeyData> records(1001, KeyData{"k", "d"});
  EXPECT_EQ(Put("orders", records).failed, 1) << "the per-stream throttling override persists";
}

TEST_F(DurabilityTest, SequenceNumbersKeepIncreasingAfterReopenAndRetention) {
  Create("orders", 1);
  PutOutcome first = Put("orders", {{"k", "a"}, {"k", "b"}});
  clock_.Advance(25 * kHourMs);
  svc().EnforceRetention();
  Open();
  PutOutcome second = Put("orders", {{"k", "c"}});
  EXPECT_TRUE(DecimalLess(first.results[1].sequence_number, second.results[0].sequence_number));
  auto parts = ParseSequenceNumber(second.results[0].sequence_number);
  ASSERT_TRUE(parts.has_value());
  EXPECT_EQ(parts->sequence_index, 2u);
}

}  // namespace
}  // namespace sf::engine
