// ShardLog::DropBefore and Roll: whole sealed segments go, sequences are never reused.

#include <gtest/gtest.h>

#include <filesystem>

#include "engine/log/shard_log.h"
#include "test_util.h"

namespace sf::engine {
namespace {

using testing_util::Batch;
using testing_util::LogFiles;
using testing_util::MakeBatch;
using testing_util::OpenOrDie;
using testing_util::SegmentName;
using testing_util::TempDir;
using testing_util::VisibleOptions;

LogOptions OneBatchPerSegment() {
  LogOptions options = VisibleOptions();
  options.segment_bytes = 1;  // every append after the first starts a new segment
  return options;
}

// Segments of 4 records each: [0,4) arrived at 100, [4,8) at 200, [8,12) at 300, [12,16) at 400
// (the active one).
std::unique_ptr<ShardLog> FourSegments(const std::string& dir) {
  auto log = OpenOrDie(dir, OneBatchPerSegment());
  for (int64_t i = 0; i < 4; ++i) {
    Batch batch = MakeBatch(static_cast<uint64_t>(i) * 4, 4, 10, 100 * (i + 1));
    EXPECT_TRUE(log->Append(batch.records).has_value());
  }
  EXPECT_EQ(log->segment_count(), 4u);
  return log;
}

TEST(RetentionTest, DropsWholeSegmentsOlderThanTheCutoff) {
  TempDir dir;
  auto log = FourSegments(dir.path());
  uint64_t size_before = log->size_bytes();
  EXPECT_EQ(*log->DropBefore(100), 0u);  // newest of the oldest segment is not before 100
  EXPECT_EQ(*log->DropBefore(250), 8u);
  EXPECT_EQ(log->first_sequence(), 8u);
  EXPECT_LT(log->size_bytes(), size_before);
  std::vector<std::string> expected = {SegmentName(8), SegmentName(12)};
  EXPECT_EQ(LogFiles(dir.path()), expected);
  EXPECT_FALSE(std::filesystem::exists(dir.File(SegmentName(0, ".idx"))));
  EXPECT_FALSE(std::filesystem::exists(dir.File(SegmentName(4, ".idx"))));
  auto read = log->Read(0, 100, SIZE_MAX);
  ASSERT_TRUE(read.has_value());
  ASSERT_FALSE(read->records.empty());
  EXPECT_EQ(read->records.front().sequence, 8u);
  EXPECT_EQ(read->next_sequence, 16u);
}

TEST(RetentionTest, NeverDropsTheActiveSegment) {
  TempDir dir;
  auto log = FourSegments(dir.path());
  EXPECT_EQ(*log->DropBefore(1'000'000), 12u);
  EXPECT_EQ(log->segment_count(), 1u);
  EXPECT_EQ(log->first_sequence(), 12u);
  EXPECT_EQ(log->Read(0, 100, SIZE_MAX)->records.size(), 4u);
}

TEST(RetentionTest, ReadFromBeforeTheFirstSequenceStartsThere) {
  TempDir dir;
  auto log = FourSegments(dir.path());
  ASSERT_EQ(*log->DropBefore(150), 4u);
  auto read = log->Read(1, 2, SIZE_MAX);
  ASSERT_TRUE(read.has_value());
  ASSERT_EQ(read->records.size(), 2u);
  EXPECT_EQ(read->records[0].sequence, 4u);
  EXPECT_EQ(read->next_sequence, 6u);
  EXPECT_EQ(*log->SeekTimestamp(0), 4u);
}

TEST(RetentionTest, SequencesContinueAfterReopen) {
  TempDir dir;
  {
    auto log = FourSegments(dir.path());
    ASSERT_EQ(*log->DropBefore(1'000'000), 12u);
  }
  auto log = OpenOrDie(dir.path(), OneBatchPerSegment());
  EXPECT_EQ(log->first_sequence(), 12u);
  EXPECT_EQ(log->next_sequence(), 16u);
  Batch batch = MakeBatch(16, 1);
  EXPECT_EQ(*log->Append(batch.records), 16u);
}

TEST(RetentionTest, RollThenDropEverythingKeepsTheNextSequence) {
  TempDir dir;
  {
    auto log = FourSegments(dir.path());
    ASSERT_TRUE(log->Roll().has_value());
    EXPECT_EQ(*log->DropBefore(1'000'000), 16u);
    EXPECT_EQ(log->first_sequence(), 16u);
    EXPECT_EQ(log->next_sequence(), 16u);
    EXPECT_TRUE(log->Read(0, 10, SIZE_MAX)->records.empty());
    EXPECT_EQ(log->Read(0, 10, SIZE_MAX)->next_sequence, 16u);
  }
  std::vector<std::string> expected = {SegmentName(16)};
  EXPECT_EQ(LogFiles(dir.path()), expected);
  auto log = OpenOrDie(dir.path(), OneBatchPerSegment());
  EXPECT_EQ(log->first_sequence(), 16u);
  EXPECT_EQ(log->next_sequence(), 16u);
  Batch batch = MakeBatch(16, 2);
  EXPECT_EQ(*log->Append(batch.records), 16u);
}

TEST(RetentionTest, RollOfAnEmptyActiveSegmentDoesNothing) {
  TempDir dir;
  auto log = OpenOrDie(dir.path(), LogOptions{});
  ASSERT_TRUE(log->Roll().has_value());
  EXPECT_EQ(log->segment_count(), 1u);
}

TEST(RetentionTest, RollMakesRecordsDurableAndVisible) {
  TempDir dir;
  auto log = OpenOrDie(dir.path(), LogOptions{});
  Batch batch = MakeBatch(0, 3);
  ASSERT_TRUE(log->Append(batch.records).has_value());
  EXPECT_EQ(log->visible_end(), 0u);
  ASSERT_TRUE(log->Roll().has_value());
  EXPECT_EQ(log->visible_end(), 3u);
  EXPECT_EQ(log->sync_count(), 0u);  // sealing syncs, but is not a Sync
}

}  // namespace
}  // namespace sf::engine
