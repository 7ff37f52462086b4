// ShardLog: sequences, segments, visibility, retention and reopening.

#include "engine/log/shard_log.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "test_util.h"

namespace sf::engine {
namespace {

using testing_util::Batch;
using testing_util::LogFiles;
using testing_util::MakeBatch;
using testing_util::OpenOrDie;
using testing_util::ReadAll;
using testing_util::SegmentName;
using testing_util::TempDir;
using testing_util::VisibleOptions;

TEST(ShardLogTest, EmptyDirectoryStartsAtZero) {
  TempDir dir;
  auto log = OpenOrDie(dir.path() + "/new/shard-0", LogOptions{});
  ASSERT_NE(log, nullptr);
  EXPECT_EQ(log->first_sequence(), 0u);
  EXPECT_EQ(log->next_sequence(), 0u);
  EXPECT_EQ(log->visible_end(), 0u);
  EXPECT_EQ(log->last_arrival_ms(), 0);
  EXPECT_TRUE(std::filesystem::exists(dir.path() + "/new/shard-0/" + SegmentName(0)));
  auto read = log->Read(0, 10, 1000);
  ASSERT_TRUE(read.has_value());
  EXPECT_TRUE(read->records.empty());
  EXPECT_EQ(read->next_sequence, 0u);
  EXPECT_EQ(*log->SeekTimestamp(0), 0u);
  EXPECT_TRUE(log->SyncAll().has_value());
}

TEST(ShardLogTest, ReopeningAnEmptyLog) {
  TempDir dir;
  ASSERT_NE(OpenOrDie(dir.path(), LogOptions{}), nullptr);
  auto log = OpenOrDie(dir.path(), LogOptions{});
  ASSERT_NE(log, nullptr);
  EXPECT_EQ(log->next_sequence(), 0u);
  EXPECT_EQ(log->segment_count(), 1u);
  Batch batch = MakeBatch(0, 2);
  EXPECT_EQ(*log->Append(batch.records), 0u);
  EXPECT_EQ(log->next_sequence(), 2u);
}

TEST(ShardLogTest, AppendAssignsConsecutiveSequences) {
  TempDir dir;
  auto log = OpenOrDie(dir.path(), VisibleOptions());
  Batch a = MakeBatch(0, 3);
  Batch b = MakeBatch(3, 5);
  EXPECT_EQ(*log->Append(a.records), 0u);
  EXPECT_EQ(*log->Append(b.records), 3u);
  EXPECT_EQ(*log->Append({}), 8u);
  EXPECT_EQ(log->next_sequence(), 8u);
  auto all = ReadAll(*log);
  ASSERT_EQ(all.size(), 8u);
  for (uint64_t i = 0; i < 8; ++i) {
    EXPECT_EQ(all[i].sequence, i);
    EXPECT_EQ(all[i].partition_key, "k" + std::to_string(i));
    EXPECT_EQ(all[i].data.substr(0, 1 + std::to_string(i).size()), "d" + std::to_string(i));
  }
}

TEST(ShardLogTest, SequencesAreConsecutiveAcrossRollsAndReopen) {
  TempDir dir;
  LogOptions options = VisibleOptions();
  options.segment_bytes = 120;  // batches of ~50-byte frames: 4 segments
  options.index_interval_bytes = 64;
  uint64_t label = 0;
  {
    auto log = OpenOrDie(dir.path(), options);
    for (size_t size : {1, 4, 2, 9, 3, 1, 7}) {
      Batch batch = MakeBatch(label, size, 20);
      EXPECT_EQ(*log->Append(batch.records), label);
      label += size;
    }
    EXPECT_GT(log->segment_count(), 3u);
  }
  auto files = LogFiles(dir.path());
  ASSERT_GT(files.size(), 3u);
  EXPECT_EQ(files.front(), SegmentName(0));
  auto log = OpenOrDie(dir.path(), options);
  EXPECT_EQ(log->next_sequence(), label);
  auto all = ReadAll(*log, 3);
  ASSERT_EQ(all.size(), label);
  for (uint64_t i = 0; i < label; ++i) {
    EXPECT_EQ(all[i].sequence, i);
    EXPECT_EQ(all[i].partition_key, "k" + std::to_string(i));
  }
  Batch more = MakeBatch(label, 2);
  EXPECT_EQ(*log->Append(more.records), label);
}

TEST(ShardLogTest, EachSegmentIsNamedByItsFirstSequence) {
  TempDir dir;
  LogOptions options = VisibleOptions();
  options.segment_bytes = 1;  // every batch after the first rolls
  auto log = OpenOrDie(dir.path(), options);
  for (uint64_t first : {0, 3, 5}) {
    Batch batch = MakeBatch(first, first == 3 ? 2 : 3);
    ASSERT_EQ(*log->Append(batch.records), first);
  }
  std::vector<std::string> expected = {SegmentName(0), SegmentName(3), SegmentName(5)};
  EXPECT_EQ(LogFiles(dir.path()), expected);
  EXPECT_TRUE(std::filesystem::exists(dir.File(SegmentName(0, ".idx"))));
  EXPECT_TRUE(std::filesystem::exists(dir.File(SegmentName(3, ".idx"))));
  EXPECT_FALSE(std::filesystem::exists(dir.File(SegmentName(5, ".idx"))));  // still active
}

TEST(ShardLogTest, ArrivalTimesAreStoredNonDecreasing) {
  TempDir dir;
  auto log = OpenOrDie(dir.path(), VisibleOptions());
  Batch batch = MakeBatch(0, 4, 10, [](uint64_t i) {
    return int64_t{100} - static_cast<int64_t>(i) * 10 + (i == 3 ? 50 : 0);
  });
  ASSERT_TRUE(log->Append(batch.records).has_value());  // 100, 90, 80, 120
  auto all = ReadAll(*log);
  ASSERT_EQ(all.size(), 4u);
  EXPECT_EQ(all[1].arrival_ms, 100);
  EXPECT_EQ(all[2].arrival_ms, 100);
  EXPECT_EQ(all[3].arrival_ms, 120);
  EXPECT_EQ(log->last_arrival_ms(), 120);
}

TEST(ShardLogTest, RejectsRecordsTheFormatCannotHold) {
  TempDir dir;
  auto log = OpenOrDie(dir.path(), VisibleOptions());
  std::string long_key(65536, 'k');
  std::vector<AppendRecord> records = {{"ok", "x", 1}, {long_key, "x", 1}};
  auto appended = log->Append(records);
  ASSERT_FALSE(appended.has_value());
  EXPECT_EQ(appended.error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(log->next_sequence(), 0u);
  std::string max_key(65535, 'k');
  records = {{max_key, "x", 1}};
  EXPECT_EQ(*log->Append(records), 0u);
  EXPECT_EQ(ReadAll(*log).at(0).partition_key, max_key);
}

TEST(ShardLogTest, OpenRejectsZeroSizes) {
  TempDir dir;
  LogOptions options;
  options.segment_bytes = 0;
  EXPECT_FALSE(ShardLog::Open(dir.path(), options).has_value());
}

TEST(ShardLogTest, RecordsAreVisibleOnlyAfterSyncByDefault) {
  TempDir dir;
  auto log = OpenOrDie(dir.path(), LogOptions{});
  Batch batch = MakeBatch(0, 5, 10, [](uint64_t i) { return static_cast<int64_t>(i) * 10; });
  ASSERT_EQ(*log->Append(batch.records), 0u);
  EXPECT_EQ(log->next_sequence(), 5u);
  EXPECT_EQ(log->visible_end(), 0u);
  EXPECT_TRUE(log->Read(0, 100, 10000)->records.empty());
  EXPECT_EQ(*log->SeekTimestamp(20), 0u);  // nothing visible: visible_end
  ASSERT_TRUE(log->Sync(2).has_value());
  EXPECT_GE(log->visible_end(), 3u);
  EXPECT_EQ(*log->SeekTimestamp(20), 2u);
  ASSERT_TRUE(log->SyncAll().has_value());
  EXPECT_EQ(log->visible_end(), 5u);
  EXPECT_EQ(log->Read(0, 100, 10000)->records.size(), 5u);
}

TEST(ShardLogTest, WithoutVisibleAfterSyncEverythingWrittenIsVisible) {
  TempDir dir;
  auto log = OpenOrDie(dir.path(), VisibleOptions());
  Batch batch = MakeBatch(0, 5);
  ASSERT_TRUE(log->Append(batch.records).has_value());
  EXPECT_EQ(log->visible_end(), 5u);
  EXPECT_EQ(log->durable_end(), 0u);
  EXPECT_EQ(log->Read(0, 100, 10000)->records.size(), 5u);
}

TEST(ShardLogTest, SyncOfAnUnwrittenSequenceIsAnError) {
  TempDir dir;
  auto log = OpenOrDie(dir.path(), LogOptions{});
  auto synced = log->Sync(0);
  ASSERT_FALSE(synced.has_value());
  EXPECT_EQ(synced.error().code, ErrorCode::kInvalidArgument);
}

TEST(ShardLogTest, RecoveredRecordsAreVisible) {
  TempDir dir;
  {
    auto log = OpenOrDie(dir.path(), LogOptions{});
    Batch batch = MakeBatch(0, 4);
    ASSERT_TRUE(log->Append(batch.records).has_value());  // never synced
  }
  auto log = OpenOrDie(dir.path(), LogOptions{});
  EXPECT_EQ(log->visible_end(), 4u);
  EXPECT_EQ(log->durable_end(), 4u);
}

}  // namespace
}  // namespace sf::engine
