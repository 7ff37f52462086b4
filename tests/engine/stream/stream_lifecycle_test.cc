// StreamService: creating, describing, listing and deleting streams; tags; the shard limit.

#include <gtest/gtest.h>

#include <map>
#include <string>
#include <vector>

#include "stream_test_util.h"

namespace sf::engine {
namespace {

using namespace stream_test;

using LifecycleTest = ServiceTest;

struct RangeText {
  const char* start;
  const char* end;
};

// Computed with Python: h = 2**128 // n; shard i covers [i*h, (i+1)*h - 1]; the last ends at 2**128
// - 1.
const std::map<int, std::vector<RangeText>> kUniform = {
    {1, {{"0", "340282366920938463463374607431768211455"}}},
    {2,
     {{"0", "170141183460469231731687303715884105727"},
      {"170141183460469231731687303715884105728", "340282366920938463463374607431768211455"}}},
    {3,
     {{"0", "113427455640312821154458202477256070484"},
      {"113427455640312821154458202477256070485", "226854911280625642308916404954512140969"},
      {"226854911280625642308916404954512140970", "340282366920938463463374607431768211455"}}},
    {7,
     {{"0", "48611766702991209066196372490252601635"},
      {"48611766702991209066196372490252601636", "97223533405982418132392744980505203271"},
      {"97223533405982418132392744980505203272", "145835300108973627198589117470757804907"},
      {"145835300108973627198589117470757804908", "194447066811964836264785489961010406543"},
      {"194447066811964836264785489961010406544", "243058833514956045330981862451263008179"},
      {"243058833514956045330981862451263008180", "291670600217947254397178234941515609815"},
      {"291670600217947254397178234941515609816", "340282366920938463463374607431768211455"}}},
};

TEST_F(LifecycleTest, CreateMakesUniformContiguousRanges) {
  for (const auto& [count, ranges] : kUniform) {
    std::string name = "uniform-" + std::to_string(count);
    Create(name, count);
    StreamInfo info = Describe(name);
    SCOPED_TRACE(name);
    ASSERT_EQ(info.shards.size(), static_cast<size_t>(count));
    EXPECT_EQ(info.open_shard_count, count);
    for (int i = 0; i < count; ++i) {
      const ShardInfo& shard = info.shards[static_cast<size_t>(i)];
      EXPECT_EQ(shard.shard_id, ShardId(i));
      EXPECT_EQ(FormatHashKey(shard.starting_hash_key), ranges[static_cast<size_t>(i)].start);
      EXPECT_EQ(FormatHashKey(shard.ending_hash_key), ranges[static_cast<size_t>(i)].end);
      EXPECT_FALSE(shard.parent.has_value());
      EXPECT_FALSE(shard.adjacent_parent.has_value());
      EXPECT_FALSE(shard.ending_sequence_number.has_value());
      if (i > 0) {
        EXPECT_TRUE(info.shards[static_cast<size_t>(i) - 1].ending_hash_key + 1 ==
                    shard.starting_hash_key)
            << "ranges must be contiguous without overlap at shard " << i;
      }
    }
    EXPECT_TRUE(info.shards.front().starting_hash_key == 0);
    EXPECT_TRUE(info.shards.back().ending_hash_key == kMaxHashKey);
    // The independent computation used by the resharding tests agrees.
    auto expected = ExpectedUniformRanges(count);
    for (int i = 0; i < count; ++i) {
      EXPECT_TRUE(expected[static_cast<size_t>(i)].first ==
                  info.shards[static_cast<size_t>(i)].starting_hash_key);
      EXPECT_TRUE(expected[static_cast<size_t>(i)].second ==
                  info.shards[static_cast<size_t>(i)].ending_hash_key);
    }
  }
}

TEST_F(LifecycleTest, DescribeReportsTheStream) {
  clock_.Advance(1234);
  Create("orders", 2);
  StreamInfo info = Describe("orders");
  EXPECT_EQ(info.name, "orders");
  EXPECT_EQ(info.arn, "arn:aws:kinesis:us-east-1:000000000000:stream/orders");
  EXPECT_EQ(svc().StreamArn("orders"), "arn:aws:kinesis:us-east-1:000000000000:stream/orders");
  EXPECT_EQ(info.status, "ACTIVE");
  EXPECT_EQ(info.mode, StreamMode::kProvisioned);
  EXPECT_EQ(info.retention_hours, 24);
  EXPECT_EQ(info.created_ms, kStartMs + 1234);
  for (int i = 0; i < 2; ++i) {
    auto parts = ParseSequenceNumber(info.shards[static_cast<size_t>(i)].starting_sequence_number);
    ASSERT_TRUE(parts.has_value());
    EXPECT_EQ(parts->shard_index, static_cast<uint32_t>(i));
    EXPECT_EQ(parts->sequence_index, 0u);
    EXPECT_EQ(parts->shard_create_seconds, static_cast<uint64_t>((kStartMs + 1234) / 1000));
  }
}

TEST_F(LifecycleTest, ShardIdsAreZeroPaddedToTwelveDigits) {
  Create("many", 12);
  StreamInfo info = Describe("many");
  ASSERT_EQ(info.shards.size(), 12u);
  EXPECT_EQ(info.shards[0].shard_id, "shardId-000000000000");
  EXPECT_EQ(info.shards[9].shard_id, "shardId-000000000009");
  EXPECT_EQ(info.shards[11].shard_id, "shardId-000000000011");
}

TEST_F(LifecycleTest, DuplicateCreateIsResourceInUse) {
  Create("orders", 1);
  EXPECT_TRUE(IsApiError(svc().CreateStream("orders", 3, StreamMode::kProvisioned),
                         "ResourceInUseException",
                         "Stream orders under account 000000000000 already exists."));
  EXPECT_TRUE(IsApiError(svc().CreateStream("orders", std::nullopt, StreamMode::kOnDemand),
                         "ResourceInUseException",
                         "Stream orders under account 000000000000 already exists."));
  EXPECT_EQ(Describe("orders").shards.size(), 1u) << "the failed create must not change the stream";
}

TEST_F(LifecycleTest, UnknownStreamIsNotFoundEverywhere) {
  const std::string message = "Stream nope under account 000000000000 not found.";
  const std::string type = "ResourceNotFoundException";
  EXPECT_TRUE(IsApiError(svc().DescribeStream("nope"), type, message));
  EXPECT_TRUE(IsApiError(svc().DeleteStream("nope"), type, message));
  std::vector<PutEntry> entries = {{"k", "d", std::nullopt}};
  EXPECT_TRUE(IsApiError(svc().PutRecords("nope", entries, false), type, message));
  EXPECT_TRUE(IsApiError(svc().PutRecords("nope", entries, true), type, message));
  EXPECT_TRUE(IsApiError(svc().GetShardIterator("nope", ShardId(0), IteratorType::kTrimHorizon,
                                                std::nullopt, std::nullopt),
                         type, message));
  EXPECT_TRUE(IsApiError(svc().UpdateShardCount("nope", 2), type, message));
  EXPECT_TRUE(IsApiError(svc().SplitShard("nope", ShardId(0), "12345"), type, message));
  EXPECT_TRUE(IsApiError(svc().MergeShards("nope", ShardId(0), ShardId(1)), type, message));
  EXPECT_TRUE(IsApiError(svc().SetRetention("nope", 48, true), type, message));
  EXPECT_TRUE(IsApiError(svc().AddTags("nope", {{"k", "v"}}), type, message));
  EXPECT_TRUE(IsApiError(svc().RemoveTags("nope", {"k"}), type, message));
  EXPECT_TRUE(IsApiError(svc().ListTags("nope"), type, message));
  EXPECT_TRUE(IsApiError(svc().SetThrottling("nope", true), type, message));
}

TEST_F(LifecycleTest, ProvisionedNeedsShardCount) {
  auto created = svc().CreateStream("orders", std::nullopt, StreamMode::kProvisioned);
  EXPECT_TRUE(IsApiError(created, "InvalidArgumentException",
                         "ShardCount is required for streams in PROVISIONED mode."));
  EXPECT_TRUE(svc().ListStreams().empty());
}

TEST_F(LifecycleTest, OnDemandDefaultsToFourShards) {
  ASSERT_TRUE(IsOk(svc().CreateStream("auto", std::nullopt, StreamMode::kOnDemand)));
  StreamInfo info = Describe("auto");
  EXPECT_EQ(info.mode, StreamMode::kOnDemand);
  ASSERT_EQ(info.shards.size(), 4u);
  EXPECT_EQ(info.open_shard_count, 4);
  auto expected = ExpectedUniformRanges(4);
  for (size_t i = 0; i < 4; ++i) {
    EXPECT_TRUE(info.shards[i].starting_hash_key == expected[i].first) << i;
    EXPECT_TRUE(info.shards[i].ending_hash_key == expected[i].second) << i;
  }
}

TEST_F(LifecycleTest, ShardLimitIsLimitExceeded) {
  max_shards_ = 10;
  Open();
  Create("a", 6);
  EXPECT_TRUE(IsApiError(
      svc().CreateStream("b", 5, StreamMode::kProvisioned), "LimitExceededException",
      "This request would exceed the shard limit for the account 000000000000 in us-east-1. "
      "Current shard count for the account: 6. Limit: 10. Number of additional shards that "
      "would have resulted from this request: 5."));
  EXPECT_EQ(svc().ListStreams(), std::vector<std::string>{"a"});
  Create("b", 4);  // exactly at the limit
  EXPECT_TRUE(IsApiError(
      svc().CreateStream("c", 1, StreamMode::kProvisioned), "LimitExceededException",
      "This request would exceed the shard limit for the account 000000000000 in us-east-1. "
      "Current shard count for the account: 10. Limit: 10. Number of additional shards that "
      "would have resulted from this request: 1."));
  // Deleting frees the shards.
  ASSERT_TRUE(IsOk(svc().DeleteStream("a")));
  Create("c", 6);
}

TEST_F(LifecycleTest, ClosedShardsDoNotCountTowardsTheLimit) {
  max_shards_ = 3;
  Open();
  Create("a", 2);
  ASSERT_TRUE(IsOk(svc().MergeShards("a", ShardId(0), ShardId(1))));  // 3 shards, 1 open
  Create("b", 2);                                                     // 3 open
}

TEST_F(LifecycleTest, ListStreamsIsSorted) {
  EXPECT_TRUE(svc().ListStreams().empty());
  for (const char* name : {"zeta", "Alpha", "beta", "alpha", "b-2", "b.1", "b_3"}) Create(name, 1);
  EXPECT_EQ(svc().ListStreams(),
            (std::vector<std::string>{"Alpha", "alpha", "b-2", "b.1", "b_3", "beta", "zeta"}));
}

TEST_F(LifecycleTest, DeleteRemovesTheStreamAndItsRecords) {
  Create("orders", 1);
  PutOne("orders", "k", "old");
  ASSERT_TRUE(IsOk(svc().DeleteStream("orders")));
  EXPECT_TRUE(svc().ListStreams().empty());
  EXPECT_TRUE(IsApiError(svc().DescribeStream("orders"), "ResourceNotFoundException",
                         "Stream orders under account 000000000000 not found."));
  EXPECT_TRUE(IsApiError(svc().DeleteStream("orders"), "ResourceNotFoundException",
                         "Stream orders under account 000000000000 not found."));
  clock_.Advance(10);
  Create("orders", 1);
  EXPECT_TRUE(ReadShard("orders", ShardId(0)).empty()) << "a re-created stream starts empty";
  PutResult result = PutOne("orders", "k", "new");
  auto parts = ParseSequenceNumber(result.sequence_number);
  ASSERT_TRUE(parts.has_value());
  EXPECT_EQ(parts->sequence_index, 0u);
  auto records = ReadShard("orders", ShardId(0));
  ASSERT_EQ(records.size(), 1u);
  EXPECT_EQ(records[0].data, "new");
}

TEST_F(LifecycleTest, UnknownShardIsNotFound) {
  Create("orders", 2);
  for (const char* shard :
       {"shardId-000000000002", "shardId-000000000099", "shard-0", "shardId-00000000000x"}) {
    EXPECT_TRUE(IsApiError(svc().GetShardIterator("orders", shard, IteratorType::kTrimHorizon,
                                                  std::nullopt, std::nullopt),
                           "ResourceNotFoundException",
                           std::string("Shard ") + shard +
                               " in stream orders under account 000000000000 does not exist"));
  }
  EXPECT_TRUE(IsApiError(
      svc().SplitShard("orders", ShardId(5), "1"), "ResourceNotFoundException",
      "Could not find shard shardId-000000000005 in stream orders under account 000000000000."));
  EXPECT_TRUE(IsApiError(
      svc().MergeShards("orders", ShardId(0), ShardId(7)), "ResourceNotFoundException",
      "Could not find shard shardId-000000000007 in stream orders under account 000000000000."));
}

TEST_F(LifecycleTest, TagsAddMergeListAndRemove) {
  Create("orders", 1);
  auto empty = svc().ListTags("orders");
  ASSERT_TRUE(IsOk(empty));
  EXPECT_TRUE(empty->empty());
  ASSERT_TRUE(IsOk(svc().AddTags("orders", {{"team", "data"}, {"env", "dev"}})));
  ASSERT_TRUE(IsOk(svc().AddTags("orders", {{"env", "prod"}, {"cost-center", "42"}})));
  auto tags = svc().ListTags("orders");
  ASSERT_TRUE(IsOk(tags));
  EXPECT_EQ(*tags, (std::map<std::string, std::string>{
                       {"cost-center", "42"}, {"env", "prod"}, {"team", "data"}}));
  ASSERT_TRUE(IsOk(svc().RemoveTags("orders", {"env", "absent"})));
  tags = svc().ListTags("orders");
  ASSERT_TRUE(IsOk(tags));
  EXPECT_EQ(*tags, (std::map<std::string, std::string>{{"cost-center", "42"}, {"team", "data"}}));
}

TEST_F(LifecycleTest, TagsWithIllegalCharactersAreRefused) {
  Create("orders", 1);
  EXPECT_TRUE(IsApiError(
      svc().AddTags("orders", {{"ok", "fine"}, {"bad", "semi;colon"}}), "InvalidArgumentException",
      "Failed to add tags to stream orders under account 000000000000 because some tags "
      "contained illegal characters. The allowed characters are Unicode letters, "
      "white-spaces, '_',',','/','=','+','-','@'."));
  auto tags = svc().ListTags("orders");
  ASSERT_TRUE(IsOk(tags));
  EXPECT_TRUE(tags->empty()) << "a refused request adds nothing";
}

TEST_F(LifecycleTest, AtMostFiftyTags) {
  Create("orders", 1);
  std::map<std::string, std::string> fifty;
  for (int i = 0; i < 50; ++i) fifty["k" + std::to_string(i)] = "v";
  ASSERT_TRUE(IsOk(svc().AddTags("orders", fifty)));
  ASSERT_TRUE(IsOk(svc().AddTags("orders", {{"k0", "replaced"}})));  // still 50
  EXPECT_TRUE(IsApiError(
      svc().AddTags("orders", {{"k50", "v"}}), "InvalidArgumentException",
      "Failed to add tags to stream orders under account 000000000000 because a given stream "
      "cannot have more than 50 tags associated with it."));
  auto tags = svc().ListTags("orders");
  ASSERT_TRUE(IsOk(tags));
  EXPECT_EQ(tags->size(), 50u);
  EXPECT_EQ(tags->at("k0"), "replaced");
}

}  // namespace
}  // namespace sf::engine
