// StreamService: SplitShard, MergeShards and UpdateShardCount; lineage, closed shards,
// ChildShards at the end of a parent, and per-key order across a reshard.

#include <gtest/gtest.h>

#include <map>
#include <set>
#include <string>
#include <vector>

#include "stream_test_util.h"

namespace sf::engine {
namespace {

using namespace stream_test;

using ReshardTest = ServiceTest;

constexpr char kHalf[] = "170141183460469231731687303715884105728";  // 2^127
const HashKey kHalfKey = static_cast<HashKey>(1) << 127;

const ShardInfo* FindShard(const StreamInfo& info, const std::string& id) {
  for (const auto& shard : info.shards) {
    if (shard.shard_id == id) return &shard;
  }
  return nullptr;
}

// The lineage rules of every reshard: at most two parents; a split child lies inside its
// parent; a merge child is exactly the union of two adjacent parents; parents are closed; every
// closed shard has children; the open shards tile [0, 2^128 - 1].
void ExpectConsistentLineage(const StreamInfo& info) {
  std::set<std::string> parents_seen;
  for (const auto& shard : info.shards) {
    SCOPED_TRACE(shard.shard_id);
    if (shard.adjacent_parent) {
      ASSERT_TRUE(shard.parent.has_value()) << "an AdjacentParentShardId needs a ParentShardId";
      const ShardInfo* a = FindShard(info, *shard.parent);
      const ShardInfo* b = FindShard(info, *shard.adjacent_parent);
      ASSERT_NE(a, nullptr);
      ASSERT_NE(b, nullptr);
      const ShardInfo* lower = a->starting_hash_key < b->starting_hash_key ? a : b;
      const ShardInfo* upper = lower == a ? b : a;
      EXPECT_TRUE(lower->ending_hash_key + 1 == upper->starting_hash_key)
          << "merged parents must be adjacent";
      EXPECT_TRUE(shard.starting_hash_key == lower->starting_hash_key);
      EXPECT_TRUE(shard.ending_hash_key == upper->ending_hash_key);
      EXPECT_TRUE(a->ending_sequence_number.has_value());
      EXPECT_TRUE(b->ending_sequence_number.has_value());
      parents_seen.insert(a->shard_id);
      parents_seen.insert(b->shard_id);
    } else if (shard.parent) {
      const ShardInfo* parent = FindShard(info, *shard.parent);
      ASSERT_NE(parent, nullptr);
      EXPECT_TRUE(parent->starting_hash_key <= shard.starting_hash_key);
      EXPECT_TRUE(shard.ending_hash_key <= parent->ending_hash_key);
      EXPECT_TRUE(parent->ending_sequence_number.has_value());
      parents_seen.insert(parent->shard_id);
    }
  }
  std::vector<const ShardInfo*> open;
  for (const auto& shard : info.shards) {
    if (shard.ending_sequence_number) {
      EXPECT_TRUE(parents_seen.count(shard.shard_id))
          << shard.shard_id << " is closed but has no child";
    } else {
      open.push_back(&shard);
    }
  }
  std::sort(open.begin(), open.end(), [](const ShardInfo* a, const ShardInfo* b) {
    return a->starting_hash_key < b->starting_hash_key;
  });
  ASSERT_FALSE(open.empty());
  EXPECT_TRUE(open.front()->starting_hash_key == 0);
  EXPECT_TRUE(open.back()->ending_hash_key == kMaxHashKey);
  for (size_t i = 1; i < open.size(); ++i) {
    EXPECT_TRUE(open[i - 1]->ending_hash_key + 1 == open[i]->starting_hash_key)
        << open[i]->shard_id;
  }
  EXPECT_EQ(static_cast<size_t>(info.open_shard_count), open.size());
}

TEST_F(ReshardTest, SplitClosesTheParentAndOpensTwoChildren) {
  Create("orders", 1);
  clock_.Advance(2500);  // the records arrive seconds after the shard was created
  PutOutcome put = Put("orders", {{"a", "1"}, {"b", "2"}, {"c", "3"}});
  clock_.Advance(1000);
  ASSERT_TRUE(IsOk(svc().SplitShard("orders", ShardId(0), kHalf)));
  StreamInfo info = Describe("orders");
  ASSERT_EQ(info.shards.size(), 3u);
  EXPECT_EQ(info.open_shard_count, 2);
  const ShardInfo& parent = info.shards[0];
  ASSERT_TRUE(parent.ending_sequence_number.has_value());
  EXPECT_EQ(*parent.ending_sequence_number, put.results.back().sequence_number)
      << "EndingSequenceNumber is the sequence number of the parent's last record";
  EXPECT_FALSE(DecimalLess(*parent.ending_sequence_number, put.results.back().sequence_number))
      << "the parent's last record must not lie beyond its EndingSequenceNumber";
  const ShardInfo& low = info.shards[1];
  const ShardInfo& high = info.shards[2];
  EXPECT_EQ(low.shard_id, ShardId(1));
  EXPECT_EQ(high.shard_id, ShardId(2));
  EXPECT_EQ(low.parent, std::optional<std::string>(ShardId(0)));
  EXPECT_EQ(high.parent, std::optional<std::string>(ShardId(0)));
  EXPECT_FALSE(low.adjacent_parent.has_value());
  EXPECT_FALSE(high.adjacent_parent.has_value());
  EXPECT_EQ(FormatHashKey(low.starting_hash_key), "0");
  EXPECT_EQ(FormatHashKey(low.ending_hash_key), "170141183460469231731687303715884105727");
  EXPECT_EQ(FormatHashKey(high.starting_hash_key), kHalf);
  EXPECT_EQ(FormatHashKey(high.ending_hash_key), "340282366920938463463374607431768211455");
  EXPECT_FALSE(low.ending_sequence_number.has_value());
  EXPECT_FALSE(high.ending_sequence_number.has_value());
  ExpectConsistentLineage(info);
}

// The same when the records arrive in the second the shard was created.
TEST_F(ReshardTest, SplitEndingSequenceNumberInTheCreationSecond) {
  Create("orders", 1);
  PutOutcome put = Put("orders", {{"a", "1"}, {"b", "2"}});
  ASSERT_TRUE(IsOk(svc().SplitShard("orders", ShardId(0), kHalf)));
  StreamInfo info = Describe("orders");
  ASSERT_TRUE(info.shards[0].ending_sequence_number.has_value());
  EXPECT_EQ(*info.shards[0].ending_sequence_number, put.results.back().sequence_number);
}

TEST_F(ReshardTest, RecordsAfterASplitGoToTheChildren) {
  Create("orders", 1);
  ASSERT_TRUE(IsOk(svc().SplitShard("orders", ShardId(0), kHalf)));
  PutOutcome put = Put("orders", {{"x", "low", static_cast<HashKey>(5)},
                                  {"x", "edge-low", kHalfKey - 1},
                                  {"x", "edge-high", kHalfKey},
                                  {"x", "high", kMaxHashKey}});
  EXPECT_EQ(put.results[0].shard_id, ShardId(1));
  EXPECT_EQ(put.results[1].shard_id, ShardId(1));
  EXPECT_EQ(put.results[2].shard_id, ShardId(2));
  EXPECT_EQ(put.results[3].shard_id, ShardId(2));
  EXPECT_TRUE(ReadShard("orders", ShardId(0)).empty()) << "nothing lands in a closed parent";
  // Children number their records from 0 and encode their own index.
  auto parts = ParseSequenceNumber(put.results[2].sequence_number);
  ASSERT_TRUE(parts.has_value());
  EXPECT_EQ(parts->shard_index, 2u);
  EXPECT_EQ(parts->sequence_index, 0u);
}

TEST_F(ReshardTest, SplitAtAnInvalidHashKeyIsRefused) {
  Create("orders", 2);  // shard 1 covers [2^127, 2^128 - 1]
  EXPECT_TRUE(IsApiError(
      svc().SplitShard("orders", ShardId(1), kHalf), "InvalidArgumentException",
      "NewStartingHashKey 170141183460469231731687303715884105728 used in SplitShard() on shard "
      "shardId-000000000001 in stream orders under account 000000000000 is not both greater than "
      "one plus the shard's StartingHashKey 170141183460469231731687303715884105728 and less than "
      "the shard's EndingHashKey 340282366920938463463374607431768211455."));
  EXPECT_TRUE(IsApiError(
      svc().SplitShard("orders", ShardId(0), kHalf), "InvalidArgumentException",
      "NewStartingHashKey 170141183460469231731687303715884105728 used in SplitShard() on shard "
      "shardId-000000000000 in stream orders under account 000000000000 is not both greater than "
      "one plus the shard's StartingHashKey 0 and less than the shard's EndingHashKey "
      "170141183460469231731687303715884105727."));
  EXPECT_TRUE(
      IsApiError(svc().SplitShard("orders", ShardId(0), "x1"), "InvalidArgumentException",
                 "NewStartingHashKey x1 is not a valid hash key: it must be in [0, 2^128-1]."));
  EXPECT_EQ(Describe("orders").shards.size(), 2u) << "refused splits change nothing";
}

// The message states the rule: NewStartingHashKey must be greater than one plus the shard's
// StartingHashKey and less than its EndingHashKey. AWS enforces exactly that (kinesalite's
// recorded tests, test/splitShard.js: "hash too small" splits at StartingHashKey + 1, "hash too
// big" splits at EndingHashKey; both are refused, and a split at StartingHashKey + 2 works).
TEST_F(ReshardTest, SplitAtTheEdgesOfTheRangeIsRefusedAsTheMessageStates) {
  // Separate streams, so that one accepted split does not hide the next case.
  for (const char* name : {"low", "high", "ok"}) Create(name, 2);  // shard 0 covers [0, 2^127 - 1]
  EXPECT_TRUE(IsApiError(
      svc().SplitShard("low", ShardId(0), "1"), "InvalidArgumentException",
      "NewStartingHashKey 1 used in SplitShard() on shard shardId-000000000000 in stream low "
      "under account 000000000000 is not both greater than one plus the shard's StartingHashKey 0 "
      "and less than the shard's EndingHashKey 170141183460469231731687303715884105727."));
  EXPECT_TRUE(IsApiError(
      svc().SplitShard("high", ShardId(0), "170141183460469231731687303715884105727"),
      "InvalidArgumentException",
      "NewStartingHashKey 170141183460469231731687303715884105727 used in SplitShard() on shard "
      "shardId-000000000000 in stream high under account 000000000000 is not both greater than "
      "one plus the shard's StartingHashKey 0 and less than the shard's EndingHashKey "
      "170141183460469231731687303715884105727."));
  ASSERT_TRUE(IsOk(svc().SplitShard("ok", ShardId(0), "2")));
  StreamInfo info = Describe("ok");
  ASSERT_EQ(info.shards.size(), 4u);
  EXPECT_EQ(FormatHashKey(info.shards[2].ending_hash_key), "1");
  EXPECT_EQ(FormatHashKey(info.shards[3].starting_hash_key), "2");
}

TEST_F(ReshardTest, ClosedShardIsNotEligibleAgain) {
  Create("orders", 2);
  ASSERT_TRUE(IsOk(svc().SplitShard("orders", ShardId(0), "1000")));
  const std::string message =
      "Shard shardId-000000000000 in stream orders under account 000000000000 has already been "
      "merged or split, "
      "and thus is not eligible for merging or splitting.";
  EXPECT_TRUE(
      IsApiError(svc().SplitShard("orders", ShardId(0), "10"), "ResourceInUseException", message));
  EXPECT_TRUE(IsApiError(svc().MergeShards("orders", ShardId(0), ShardId(1)),
                         "ResourceInUseException", message));
  EXPECT_TRUE(IsApiError(svc().MergeShards("orders", ShardId(1), ShardId(0)),
                         "ResourceInUseException", message));
}

TEST_F(ReshardTest, MergeNeedsAdjacentShards) {
  Create("orders", 3);
  EXPECT_TRUE(IsApiError(
      svc().MergeShards("orders", ShardId(0), ShardId(2)), "InvalidArgumentException",
      "Shards shardId-000000000000 and shardId-000000000002 in stream orders under account "
      "000000000000 are not an adjacent pair of shards eligible for merging"));
  EXPECT_TRUE(IsApiError(
      svc().MergeShards("orders", ShardId(2), ShardId(0)), "InvalidArgumentException",
      "Shards shardId-000000000002 and shardId-000000000000 in stream orders under account "
      "000000000000 are not an adjacent pair of shards eligible for merging"));
  EXPECT_EQ(Describe("orders").shards.size(), 3u);
}

TEST_F(ReshardTest, MergeRecordsBothParents) {
  Create("orders", 3);
  clock_.Advance(3000);
  PutResult on_two = PutOne("orders", "x", "two", kMaxHashKey);
  PutResult on_one = PutOne("orders", "x", "one", ExpectedUniformRanges(3)[1].first);
  // The shard named first is the ParentShardId, even when it is the upper one.
  ASSERT_TRUE(IsOk(svc().MergeShards("orders", ShardId(2), ShardId(1))));
  StreamInfo info = Describe("orders");
  ASSERT_EQ(info.shards.size(), 4u);
  const ShardInfo& merged = info.shards[3];
  EXPECT_EQ(merged.shard_id, ShardId(3));
  EXPECT_EQ(merged.parent, std::optional<std::string>(ShardId(2)));
  EXPECT_EQ(merged.adjacent_parent, std::optional<std::string>(ShardId(1)));
  EXPECT_TRUE(merged.starting_hash_key == info.shards[1].starting_hash_key);
  EXPECT_TRUE(merged.ending_hash_key == kMaxHashKey);
  ASSERT_TRUE(info.shards[1].ending_sequence_number.has_value());
  ASSERT_TRUE(info.shards[2].ending_sequence_number.has_value());
  EXPECT_EQ(*info.shards[1].ending_sequence_number, on_one.sequence_number);
  EXPECT_EQ(*info.shards[2].ending_sequence_number, on_two.sequence_number);
  EXPECT_FALSE(info.shards[0].ending_sequence_number.has_value());
  EXPECT_EQ(info.open_shard_count, 2);
  ExpectConsistentLineage(info);
  EXPECT_EQ(PutOne("orders", "x", "merged", kMaxHashKey).shard_id, ShardId(3));
}

TEST_F(ReshardTest, MergeInTheOtherOrder) {
  Create("orders", 2);
  ASSERT_TRUE(IsOk(svc().MergeShards("orders", ShardId(0), ShardId(1))));
  StreamInfo info = Describe("orders");
  ASSERT_EQ(info.shards.size(), 3u);
  EXPECT_EQ(info.shards[2].parent, std::optional<std::string>(ShardId(0)));
  EXPECT_EQ(info.shards[2].adjacent_parent, std::optional<std::string>(ShardId(1)));
  EXPECT_TRUE(info.shards[2].starting_hash_key == 0);
  EXPECT_TRUE(info.shards[2].ending_hash_key == kMaxHashKey);
}

struct ScaleCase {
  int from;
  int to;
};

class UpdateShardCountTest : public ServiceTest, public ::testing::WithParamInterface<ScaleCase> {};

TEST_P(UpdateShardCountTest, OpenShardsBecomeTheUniformTargetRanges) {
  const ScaleCase scale = GetParam();
  Create("orders", scale.from);
  auto old = svc().UpdateShardCount("orders", scale.to);
  ASSERT_TRUE(IsOk(old));
  EXPECT_EQ(*old, scale.from) << "returns the count before the change";
  StreamInfo info = Describe("orders");
  EXPECT_EQ(info.open_shard_count, scale.to);
  std::vector<ShardInfo> open = OpenShards("orders");
  auto expected = ExpectedUniformRanges(scale.to);
  ASSERT_EQ(open.size(), expected.size());
  for (size_t i = 0; i < open.size(); ++i) {
    EXPECT_EQ(FormatHashKey(open[i].starting_hash_key), FormatHashKey(expected[i].first)) << i;
    EXPECT_EQ(FormatHashKey(open[i].ending_hash_key), FormatHashKey(expected[i].second)) << i;
  }
  // All the original shards are closed (none of their ranges is a target range here), and the
  // shard ids continue from the original ones.
  for (int i = 0; i < scale.from; ++i) {
    bool same_range = false;
    for (const auto& range : expected) {
      same_range =
          same_range || (range.first == info.shards[static_cast<size_t>(i)].starting_hash_key &&
                         range.second == info.shards[static_cast<size_t>(i)].ending_hash_key);
    }
    EXPECT_NE(same_range, info.shards[static_cast<size_t>(i)].ending_sequence_number.has_value())
        << i;
  }
  for (size_t i = 0; i < info.shards.size(); ++i)
    EXPECT_EQ(info.shards[i].shard_id, ShardId(static_cast<int>(i)));
  ExpectConsistentLineage(info);
  // Records route to the new shards.
  PutOutcome put =
      Put("orders", {{"k", "first", static_cast<HashKey>(0)}, {"k", "last", kMaxHashKey}});
  EXPECT_EQ(put.results[0].shard_id, open.front().shard_id);
  EXPECT_EQ(put.results[1].shard_id, open.back().shard_id);
}

INSTANTIATE_TEST_SUITE_P(Scales, UpdateShardCountTest,
                         ::testing::Values(ScaleCase{2, 3}, ScaleCase{4, 2}, ScaleCase{1, 2},
                                           ScaleCase{3, 5}, ScaleCase{5, 3}, ScaleCase{3, 6},
                                           ScaleCase{7, 4}),
                         [](const ::testing::TestParamInfo<ScaleCase>& param) {
                           return std::to_string(param.param.from) + "to" +
                                  std::to_string(param.param.to);
                         });

TEST_F(ReshardTest, UpdateShardCountStepsRepeatedly) {
  Create("orders", 2);
  for (int target : {3, 5, 4, 8, 4, 2, 1}) {
    ASSERT_TRUE(IsOk(svc().UpdateShardCount("orders", target))) << target;
    std::vector<ShardInfo> open = OpenShards("orders");
    auto expected = ExpectedUniformRanges(target);
    ASSERT_EQ(open.size(), expected.size()) << target;
    for (size_t i = 0; i < open.size(); ++i) {
      EXPECT_TRUE(open[i].starting_hash_key == expected[i].first) << target << " " << i;
      EXPECT_TRUE(open[i].ending_hash_key == expected[i].second) << target << " " << i;
    }
    ExpectConsistentLineage(Describe("orders"));
  }
}

TEST_F(ReshardTest, UpdateShardCountToTheSameCountChangesNothing) {
  Create("orders", 3);
  auto old = svc().UpdateShardCount("orders", 3);
  ASSERT_TRUE(IsOk(old));
  EXPECT_EQ(*old, 3);
  EXPECT_EQ(Describe("orders").shards.size(), 3u);
}

TEST_F(ReshardTest, UpdateShardCountOutsideHalfToDoubleIsRefused) {
  Create("orders", 2);
  EXPECT_TRUE(IsApiError(
      svc().UpdateShardCount("orders", 5), "LimitExceededException",
      "UpdateShardCount cannot scale up over double your current open shard count. Current "
      "open shard count: 2 Target shard count: 5"));
  Create("wide", 5);
  EXPECT_TRUE(IsApiError(
      svc().UpdateShardCount("wide", 2), "LimitExceededException",
      "UpdateShardCount cannot scale down below half your current open shard count. Current "
      "open shard count: 5 Target shard count: 2"));
  EXPECT_TRUE(IsApiError(
      svc().UpdateShardCount("wide", 11), "LimitExceededException",
      "UpdateShardCount cannot scale up over double your current open shard count. Current "
      "open shard count: 5 Target shard count: 11"));
  EXPECT_TRUE(IsOk(svc().UpdateShardCount("wide", 10)));
  EXPECT_EQ(Describe("orders").shards.size(), 2u);
}

TEST_F(ReshardTest, UpdateShardCountIsNotForOnDemandStreams) {
  ASSERT_TRUE(IsOk(svc().CreateStream("auto", std::nullopt, StreamMode::kOnDemand)));
  EXPECT_TRUE(
      IsApiError(svc().UpdateShardCount("auto", 5), "ValidationException",
                 "UpdateShardCount is not supported for stream auto under account 000000000000 in "
                 "On-Demand mode."));
}

TEST_F(ReshardTest, AtMostTenUpdateShardCountsIn24Hours) {
  Create("orders", 1);
  const int64_t first_call = clock_.NowMs();
  for (int i = 0; i < 10; ++i) {
    ASSERT_TRUE(IsOk(svc().UpdateShardCount("orders", i % 2 == 0 ? 2 : 1))) << i;
    clock_.Advance(60000);
  }
  const std::string message =
      "Stream orders under account 000000000000 has already been scaled 10 times in the last 24 "
      "hours, the most "
      "UpdateShardCount allows.";
  EXPECT_TRUE(IsApiError(svc().UpdateShardCount("orders", 2), "LimitExceededException", message));
  clock_.Set(first_call + 24 * kHourMs - 1);
  EXPECT_TRUE(IsApiError(svc().UpdateShardCount("orders", 2), "LimitExceededException", message))
      << "the first call is still within 24 hours";
  clock_.Set(first_call + 24 * kHourMs + 1);
  EXPECT_TRUE(IsOk(svc().UpdateShardCount("orders", 2))) << "the first call left the window";
  EXPECT_TRUE(IsApiError(svc().UpdateShardCount("orders", 1), "LimitExceededException", message))
      << "ten calls in the last 24 hours again";
  // SplitShard and MergeShards are not counted.
  EXPECT_TRUE(IsOk(svc().SplitShard("orders", OpenShards("orders")[0].shard_id, "1000")));
}

TEST_F(ReshardTest, ReadingASplitParentToItsEndListsTheChildren) {
  Create("orders", 1);
  Put("orders", {{"a", "1"}, {"b", "2"}, {"c", "3"}});
  ASSERT_TRUE(IsOk(svc().SplitShard("orders", ShardId(0), kHalf)));
  std::string iterator = Iterator("orders", ShardId(0), IteratorType::kTrimHorizon);
  GetRecordsOutcome partial = Get(iterator, 2);
  EXPECT_EQ(partial.records.size(), 2u);
  ASSERT_TRUE(partial.next_iterator.has_value()) << "not at the end yet";
  EXPECT_TRUE(partial.child_shards.empty());
  GetRecordsOutcome end = Get(*partial.next_iterator, 2);
  ASSERT_EQ(end.records.size(), 1u);
  EXPECT_EQ(end.records[0].data, "3");
  EXPECT_FALSE(end.next_iterator.has_value())
      << "NextShardIterator is null at the end of a closed shard";
  ASSERT_EQ(end.child_shards.size(), 2u);
  EXPECT_EQ(end.child_shards[0].shard_id, ShardId(1));
  EXPECT_EQ(end.child_shards[0].parents, std::vector<std::string>{ShardId(0)});
  EXPECT_EQ(FormatHashKey(end.child_shards[0].starting_hash_key), "0");
  EXPECT_EQ(FormatHashKey(end.child_shards[0].ending_hash_key),
            "170141183460469231731687303715884105727");
  EXPECT_EQ(end.child_shards[1].shard_id, ShardId(2));
  EXPECT_EQ(end.child_shards[1].parents, std::vector<std::string>{ShardId(0)});
  EXPECT_EQ(FormatHashKey(end.child_shards[1].starting_hash_key), kHalf);
  EXPECT_EQ(FormatHashKey(end.child_shards[1].ending_hash_key),
            "340282366920938463463374607431768211455");
  // LATEST on a closed shard is already at its end.
  GetRecordsOutcome latest = Get(Iterator("orders", ShardId(0), IteratorType::kLatest));
  EXPECT_TRUE(latest.records.empty());
  EXPECT_FALSE(latest.next_iterator.has_value());
  EXPECT_EQ(latest.child_shards.size(), 2u);
}

TEST_F(ReshardTest, ReadingAnEmptyClosedParentEndsAtOnce) {
  Create("orders", 1);
  ASSERT_TRUE(IsOk(svc().SplitShard("orders", ShardId(0), kHalf)));
  GetRecordsOutcome end = Get(Iterator("orders", ShardId(0), IteratorType::kTrimHorizon));
  EXPECT_TRUE(end.records.empty());
  EXPECT_FALSE(end.next_iterator.has_value());
  EXPECT_EQ(end.child_shards.size(), 2u);
}

TEST_F(ReshardTest, ReadingMergedParentsListsTheMergedChild) {
  Create("orders", 2);
  Put("orders", {{"k", "low", static_cast<HashKey>(1)}, {"k", "high", kMaxHashKey}});
  ASSERT_TRUE(IsOk(svc().MergeShards("orders", ShardId(1), ShardId(0))));
  for (int parent : {0, 1}) {
    GetRecordsOutcome last;
    auto records =
        ReadAll(Iterator("orders", ShardId(parent), IteratorType::kTrimHorizon), 10000, &last);
    ASSERT_EQ(records.size(), 1u);
    EXPECT_FALSE(last.next_iterator.has_value());
    ASSERT_EQ(last.child_shards.size(), 1u) << parent;
    EXPECT_EQ(last.child_shards[0].shard_id, ShardId(2));
    EXPECT_EQ(last.child_shards[0].parents, (std::vector<std::string>{ShardId(1), ShardId(0)}));
    EXPECT_TRUE(last.child_shards[0].starting_hash_key == 0);
    EXPECT_TRUE(last.child_shards[0].ending_hash_key == kMaxHashKey);
  }
}

TEST_F(ReshardTest, PerKeyOrderSurvivesResharding) {
  Create("orders", 2);
  const int kKeys = 40;
  std::map<std::string, std::vector<std::string>> put_order;
  int counter = 0;
  auto put_round = [&](int round) {
    std::vector<KeyData> records;
    for (int k = 0; k < kKeys; ++k) {
      std::string key = "key-" + std::to_string(k);
      std::string data = key + "#" + std::to_string(round) + "#" + std::to_string(counter++);
      records.push_back({key, data});
      put_order[key].push_back(data);
    }
    PutOutcome outcome = Put("orders", records);
    EXPECT_EQ(outcome.failed, 0);
  };
  put_round(0);
  put_round(1);
  ASSERT_TRUE(IsOk(svc().UpdateShardCount("orders", 3)));
  put_round(2);
  put_round(3);
  ASSERT_TRUE(IsOk(svc().UpdateShardCount("orders", 5)));
  put_round(4);
  ASSERT_TRUE(IsOk(svc().MergeShards("orders", OpenShards("orders")[0].shard_id,
                                     OpenShards("orders")[1].shard_id)));
  put_round(5);

  // Read the way a consumer must: a shard only after all its parents are finished.
  StreamInfo info = Describe("orders");
  std::map<std::string, std::vector<std::string>> read_order;
  std::set<std::string> finished;
  size_t total = 0;
  while (finished.size() < info.shards.size()) {
    bool progress = false;
    for (const auto& shard : info.shards) {
      if (finished.count(shard.shard_id)) continue;
      if ((shard.parent && !finished.count(*shard.parent)) ||
          (shard.adjacent_parent && !finished.count(*shard.adjacent_parent))) {
        continue;
      }
      GetRecordsOutcome last;
      auto records =
          ReadAll(Iterator("orders", shard.shard_id, IteratorType::kTrimHorizon), 7, &last);
      if (shard.ending_sequence_number) {
        EXPECT_FALSE(last.next_iterator.has_value()) << shard.shard_id;
      }
      for (const auto& record : records) read_order[record.partition_key].push_back(record.data);
      total += records.size();
      finished.insert(shard.shard_id);
      progress = true;
    }
    ASSERT_TRUE(progress) << "the lineage has a cycle or a missing parent";
  }
  EXPECT_EQ(total, static_cast<size_t>(counter)) << "no loss, no duplicates";
  EXPECT_EQ(read_order, put_order);
}

}  // namespace
}  // namespace sf::engine
