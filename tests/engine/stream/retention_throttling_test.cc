// StreamService: retention (the periods and their limits, dropping old records on the
// virtual clock) and per-shard throughput limits.

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "stream_test_util.h"

namespace sf::engine {
namespace {

using namespace stream_test;

using RetentionTest = ServiceTest;
using ThrottlingTest = ServiceTest;

std::vector<std::string> Datas(const std::vector<RecordOut>& records) {
  std::vector<std::string> out;
  for (const auto& record : records) out.push_back(record.data);
  return out;
}

// ---------------------------------------------------------------------------------------------
// Retention periods

TEST_F(RetentionTest, IncreaseAndDecrease) {
  Create("orders", 1);
  EXPECT_EQ(Describe("orders").retention_hours, 24);
  ASSERT_TRUE(IsOk(svc().SetRetention("orders", 48, true)));
  EXPECT_EQ(Describe("orders").retention_hours, 48);
  ASSERT_TRUE(IsOk(svc().SetRetention("orders", 8760, true)));
  EXPECT_EQ(Describe("orders").retention_hours, 8760);
  ASSERT_TRUE(IsOk(svc().SetRetention("orders", 24, false)));
  EXPECT_EQ(Describe("orders").retention_hours, 24);
}

TEST_F(RetentionTest, BelowTheMinimumIsRefused) {
  Create("orders", 1);
  EXPECT_TRUE(IsApiError(
      svc().SetRetention("orders", 23, false), "InvalidArgumentException",
      "Minimum allowed retention period is 24 hours. Requested retention period (23 hours) is too "
      "short."));
  EXPECT_TRUE(IsApiError(
      svc().SetRetention("orders", 0, true), "InvalidArgumentException",
      "Minimum allowed retention period is 24 hours. Requested retention period (0 hours) is too "
      "short."));
  EXPECT_EQ(Describe("orders").retention_hours, 24);
}

TEST_F(RetentionTest, AboveTheMaximumIsRefused) {
  Create("orders", 1);
  EXPECT_TRUE(IsApiError(
      svc().SetRetention("orders", 8761, true), "InvalidArgumentException",
      "Maximum allowed retention period is 8760 hours. Requested retention period (8761 hours) is "
      "too long."));
  EXPECT_EQ(Describe("orders").retention_hours, 24);
}

TEST_F(RetentionTest, IncreaseMustNotShorten) {
  Create("orders", 1);
  ASSERT_TRUE(IsOk(svc().SetRetention("orders", 48, true)));
  EXPECT_TRUE(IsApiError(
      svc().SetRetention("orders", 30, true), "InvalidArgumentException",
      "Requested retention period (30 hours) for stream orders can not be shorter than existing "
      "retention period (48 hours). Use DecreaseRetentionPeriod API."));
  EXPECT_EQ(Describe("orders").retention_hours, 48);
}

TEST_F(RetentionTest, DecreaseMustNotLengthen) {
  Create("orders", 1);
  ASSERT_TRUE(IsOk(svc().SetRetention("orders", 48, true)));
  EXPECT_TRUE(IsApiError(
      svc().SetRetention("orders", 72, false), "InvalidArgumentException",
      "Requested retention period (72 hours) for stream orders can not be longer than existing "
      "retention period (48 hours). Use IncreaseRetentionPeriod API."));
  EXPECT_EQ(Describe("orders").retention_hours, 48);
}

// ---------------------------------------------------------------------------------------------
// Dropping old records

TEST_F(RetentionTest, QuietShardLosesRecordsOlderThanRetention) {
  Create("orders", 1);
  Put("orders", {{"k", "a"}, {"k", "b"}, {"k", "c"}});
  clock_.Advance(24 * kHourMs - 1000);
  svc().EnforceRetention();
  EXPECT_EQ(Datas(ReadShard("orders", ShardId(0))), (std::vector<std::string>{"a", "b", "c"}))
      << "younger than 24 hours: kept";
  clock_.Advance(2000);
  svc().EnforceRetention();
  EXPECT_TRUE(ReadShard("orders", ShardId(0)).empty()) << "older than 24 hours: dropped";
  // The shard carries on; sequence numbers are not reused.
  PutResult next = PutOne("orders", "k", "d");
  auto parts = ParseSequenceNumber(next.sequence_number);
  ASSERT_TRUE(parts.has_value());
  EXPECT_EQ(parts->sequence_index, 3u);
  EXPECT_EQ(Datas(ReadShard("orders", ShardId(0))), std::vector<std::string>{"d"});
}

TEST_F(RetentionTest, NewerSegmentsAreKept) {
  log_options_.segment_bytes = 1;  // every append starts a new segment
  Open();
  Create("orders", 1);
  Put("orders", {{"k", "old-1"}, {"k", "old-2"}});
  clock_.Advance(10 * kHourMs);
  Put("orders", {{"k", "new-1"}});
  clock_.Advance(15 * kHourMs);  // old: 25 h, new: 15 h
  svc().EnforceRetention();
  auto records = ReadShard("orders", ShardId(0));
  ASSERT_EQ(Datas(records), std::vector<std::string>{"new-1"});
  auto parts = ParseSequenceNumber(records[0].sequence_number);
  ASSERT_TRUE(parts.has_value());
  EXPECT_EQ(parts->sequence_index, 2u);
}

TEST_F(RetentionTest, LongerRetentionKeepsRecordsLonger) {
  Create("orders", 1);
  Create("short", 1);
  ASSERT_TRUE(IsOk(svc().SetRetention("orders", 48, true)));
  Put("orders", {{"k", "a"}});
  Put("short", {{"k", "a"}});
  clock_.Advance(25 * kHourMs);
  svc().EnforceRetention();
  EXPECT_EQ(ReadShard("orders", ShardId(0)).size(), 1u);
  EXPECT_TRUE(ReadShard("short", ShardId(0)).empty());
  clock_.Advance(24 * kHourMs);  // 49 h
  svc().EnforceRetention();
  EXPECT_TRUE(ReadShard("orders", ShardId(0)).empty());
}

TEST_F(RetentionTest, DecreasedRetentionAppliesToExistingRecords) {
  Create("orders", 1);
  ASSERT_TRUE(IsOk(svc().SetRetention("orders", 72, true)));
  Put("orders", {{"k", "a"}});
  clock_.Advance(30 * kHourMs);
  svc().EnforceRetention();
  EXPECT_EQ(ReadShard("orders", ShardId(0)).size(), 1u);
  ASSERT_TRUE(IsOk(svc().SetRetention("orders", 24, false)));
  svc().EnforceRetention();
  EXPECT_TRUE(ReadShard("orders", ShardId(0)).empty());
}

TEST_F(RetentionTest, ClosedParentsExpireAndStillLeadToTheirChildren) {
  Create("orders", 1);
  Put("orders", {{"k", "a"}, {"k", "b"}});
  ASSERT_TRUE(
      IsOk(svc().SplitShard("orders", ShardId(0), "170141183460469231731687303715884105728")));
  clock_.Advance(25 * kHourMs);
  svc().EnforceRetention();
  GetRecordsOutcome end = Get(Iterator("orders", ShardId(0), IteratorType::kTrimHorizon));
  EXPECT_TRUE(end.records.empty());
  EXPECT_FALSE(end.next_iterator.has_value());
  EXPECT_EQ(end.child_shards.size(), 2u);
}

// ---------------------------------------------------------------------------------------------
// Throughput limits

const std::string kRateExceeded =
    "Rate exceeded for shard shardId-000000000000 in stream orders under account 000000000000.";

std::vector<KeyData> SmallRecords(int count, const std::string& prefix = "r") {
  std::vector<KeyData> records;
  for (int i = 0; i < count; ++i) records.push_back({"k", prefix + std::to_string(i)});
  return records;
}

TEST_F(ThrottlingTest, OffByDefault) {
  Create("orders", 1);
  PutOutcome outcome = Put("orders", SmallRecords(1500));
  EXPECT_EQ(outcome.failed, 0);
  std::string big(700 * 1024, 'x');
  outcome = Put("orders", {{"k", big}, {"k", big}});
  EXPECT_EQ(outcome.failed, 0);
  std::string iterator = Iterator("orders", ShardId(0), IteratorType::kTrimHorizon);
  for (int i = 0; i < 10; ++i) EXPECT_TRUE(IsOk(svc().GetRecords(iterator, 1))) << i;
}

TEST_F(ThrottlingTest, MoreThanAThousandRecordsPerSecondAreRefusedPerRecord) {
  throttling_ = true;
  Open();
  Create("orders", 1);
  PutOutcome outcome = Put("orders", SmallRecords(1002));
  ASSERT_EQ(outcome.results.size(), 1002u);
  EXPECT_EQ(outcome.failed, 2);
  for (size_t i = 0; i < 1000; ++i) {
    ASSERT_TRUE(outcome.results[i].error_code.empty()) << i;
    ASSERT_FALSE(outcome.results[i].sequence_number.empty()) << i;
  }
  for (size_t i = 1000; i < 1002; ++i) {
    EXPECT_EQ(outcome.results[i].error_code, "ProvisionedThroughputExceededException");
    EXPECT_EQ(outcome.results[i].error_message, kRateExceeded);
    EXPECT_TRUE(outcome.results[i].sequence_number.empty());
    EXPECT_TRUE(outcome.results[i].shard_id.empty());
  }
  EXPECT_EQ(ReadShard("orders", ShardId(0)).size(), 1000u) << "refused records are not stored";
  // The bucket refills with the virtual clock: one record per millisecond.
  outcome = Put("orders", SmallRecords(1, "late"));
  EXPECT_EQ(outcome.failed, 1);
  clock_.Advance(1);
  outcome = Put("orders", SmallRecords(2, "refilled"));
  EXPECT_EQ(outcome.failed, 1);
  EXPECT_TRUE(outcome.results[0].error_code.empty());
  EXPECT_EQ(outcome.results[1].error_code, "ProvisionedThroughputExceededException");
  clock_.Advance(1000);
  outcome = Put("orders", SmallRecords(1000, "second"));
  EXPECT_EQ(outcome.failed, 0) << "a full second later the whole quota is back";
  outcome = Put("orders", SmallRecords(1, "over"));
  EXPECT_EQ(outcome.failed, 1) << "but not more than one second's worth";
}

TEST_F(ThrottlingTest, MoreThanOneMebibytePerSecondIsRefused) {
  throttling_ = true;
  Open();
  Create("orders", 1);
  std::string big(600 * 1024, 'x');
  PutOutcome outcome = Put("orders", {{"k", big}, {"k", big}, {"k", "small"}});
  ASSERT_EQ(outcome.results.size(), 3u);
  EXPECT_EQ(outcome.failed, 1);
  EXPECT_TRUE(outcome.results[0].error_code.empty());
  EXPECT_EQ(outcome.results[1].error_code, "ProvisionedThroughputExceededException");
  EXPECT_EQ(outcome.results[1].error_message, kRateExceeded);
  EXPECT_TRUE(outcome.results[2].error_code.empty())
      << "a record that fits still goes in, in request order";
  auto records = ReadShard("orders", ShardId(0));
  ASSERT_EQ(records.size(), 2u);
  EXPECT_EQ(records[1].data, "small");
  clock_.Advance(1000);
  outcome = Put("orders", {{"k", big}});
  EXPECT_EQ(outcome.failed, 0);
}

TEST_F(ThrottlingTest, ByteRefusalGivesTheRecordTokenBack) {
  throttling_ = true;
  Open();
  Create("orders", 1);
  std::string huge(1024 * 1024 + 1, 'x');  // more bytes than the bucket ever holds
  std::vector<KeyData> records = {{"k", huge}};
  for (auto& record : SmallRecords(1000)) records.push_back(record);
  PutOutcome outcome = Put("orders", records);
  EXPECT_EQ(outcome.failed, 1);
  EXPECT_EQ(outcome.results[0].error_code, "ProvisionedThroughputExceededException");
  for (size_t i = 1; i < outcome.results.size(); ++i)
    ASSERT_TRUE(outcome.results[i].error_code.empty()) << i;
}

TEST_F(ThrottlingTest, LimitsArePerShard) {
  throttling_ = true;
  Open();
  Create("orders", 2);
  std::vector<KeyData> records;
  for (int i = 0; i < 1000; ++i)
    records.push_back({"k", "low" + std::to_string(i), static_cast<HashKey>(0)});
  for (int i = 0; i < 1000; ++i) records.push_back({"k", "high" + std::to_string(i), kMaxHashKey});
  PutOutcome outcome = Put("orders", records);
  EXPECT_EQ(outcome.failed, 0);
  outcome =
      Put("orders", {{"k", "low-over", static_cast<HashKey>(0)}, {"k", "high-over", kMaxHashKey}});
  EXPECT_EQ(outcome.failed, 2);
  EXPECT_EQ(outcome.results[0].error_message, kRateExceeded);
  EXPECT_EQ(
      outcome.results[1].error_message,
      "Rate exceeded for shard shardId-000000000001 in stream orders under account 000000000000.");
}

TEST_F(ThrottlingTest, SinglePutThrottledIsAnError) {
  throttling_ = true;
  Open();
  Create("orders", 1);
  Put("orders", SmallRecords(1000));
  std::vector<PutEntry> entries = {{"k", "one", std::nullopt}};
  EXPECT_TRUE(IsApiError(svc().PutRecords("orders", entries, true),
                         "ProvisionedThroughputExceededException", kRateExceeded));
}

TEST_F(ThrottlingTest, SixthGetRecordsWithinASecondIsRefused) {
  throttling_ = true;
  Open();
  Create("orders", 1);
  std::string iterator = Iterator("orders", ShardId(0), IteratorType::kTrimHorizon);
  for (int i = 0; i < 5; ++i) ASSERT_TRUE(IsOk(svc().GetRecords(iterator, 10))) << i;
  EXPECT_TRUE(IsApiError(svc().GetRecords(iterator, 10), "ProvisionedThroughputExceededException",
                         kRateExceeded));
  clock_.Advance(200);  // one call's worth
  EXPECT_TRUE(IsOk(svc().GetRecords(iterator, 10)));
  EXPECT_TRUE(IsApiError(svc().GetRecords(iterator, 10), "ProvisionedThroughputExceededException",
                         kRateExceeded));
  clock_.Advance(1000);
  for (int i = 0; i < 5; ++i) EXPECT_TRUE(IsOk(svc().GetRecords(iterator, 10))) << i;
}

TEST_F(ThrottlingTest, ReadingMoreThanTwoMebibytesMustBeWaitedOut) {
  Create("orders", 1);
  std::string big(900 * 1024, 'x');
  Put("orders", {{"k", big}, {"k", big}, {"k", big}});  // 2.7 MiB, written unthrottled
  ASSERT_TRUE(IsOk(svc().SetThrottling("orders", true)));
  std::string iterator = Iterator("orders", ShardId(0), IteratorType::kTrimHorizon);
  GetRecordsOutcome all = Get(iterator);
  EXPECT_EQ(all.records.size(), 3u) << "one call may return more than a second's worth";
  EXPECT_TRUE(IsApiError(svc().GetRecords(*all.next_iterator, 10),
                         "ProvisionedThroughputExceededException", kRateExceeded))
      << "then reads wait until the debt is repaid";
  clock_.Advance(1000);
  EXPECT_TRUE(IsOk(svc().GetRecords(*all.next_iterator, 10)));
}

TEST_F(ThrottlingTest, PerStreamOverride) {
  Create("orders", 1);
  Create("free", 1);
  ASSERT_TRUE(IsOk(svc().SetThrottling("orders", true)));
  EXPECT_EQ(Put("orders", SmallRecords(1001)).failed, 1);
  EXPECT_EQ(Put("free", SmallRecords(1001)).failed, 0);
  ASSERT_TRUE(
      IsOk(svc().SetThrottling("orders", std::nullopt)));  // back to the engine default: off
  EXPECT_EQ(Put("orders", SmallRecords(1001)).failed, 0);
}

TEST_F(ThrottlingTest, PerStreamOverrideCanTurnLimitsOff) {
  throttling_ = true;
  Open();
  Create("orders", 1);
  Create("limited", 1);
  ASSERT_TRUE(IsOk(svc().SetThrottling("orders", false)));
  EXPECT_EQ(Put("orders", SmallRecords(1001)).failed, 0);
  EXPECT_EQ(Put("limited", SmallRecords(1001)).failed, 1);
}

TEST_F(ThrottlingTest, OnDemandStreamsAreNotThrottled) {
  throttling_ = true;
  Open();
  ASSERT_TRUE(IsOk(svc().CreateStream("auto", std::nullopt, StreamMode::kOnDemand)));
  std::vector<KeyData> records;
  for (int i = 0; i < 1500; ++i) records.push_back({"k", "d", static_cast<HashKey>(0)});
  EXPECT_EQ(Put("auto", records).failed, 0);
}

}  // namespace
}  // namespace sf::engine
