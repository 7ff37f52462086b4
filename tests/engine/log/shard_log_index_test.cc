// Sealed segments' sparse indexes: loaded on demand through a bounded cache, with results
// identical to a model of the log, and rebuilt when their .idx goes missing or bad.

#include <gtest/gtest.h>

#include <filesystem>
#include <random>

#include "engine/log/shard_log.h"
#include "test_util.h"

namespace sf::engine {
namespace {

using testing_util::Batch;
using testing_util::CorruptByte;
using testing_util::MakeBatch;
using testing_util::OpenOrDie;
using testing_util::ReadAll;
using testing_util::SegmentName;
using testing_util::TempDir;

constexpr size_t kCached = 4;
constexpr uint64_t kRecords = 1500;

int64_t ArrivalOf(uint64_t sequence) { return static_cast<int64_t>(sequence / 3); }

// Many small sealed segments (about 25 records, 8 index entries each) and a small cache.
LogOptions SmallOptions() {
  LogOptions options;
  options.visible_after_sync = false;
  options.segment_bytes = 1500;
  options.index_interval_bytes = 200;
  options.cached_indexes = kCached;
  return options;
}

class IndexCacheLogTest : public ::testing::Test {
 protected:
  void SetUp() override {
    log_ = OpenOrDie(dir_.path(), SmallOptions());
    for (uint64_t label = 0; label < kRecords; label += 5) {
      Batch batch = MakeBatch(label, 5, 30, ArrivalOf);
      ASSERT_TRUE(log_->Append(batch.records).has_value());
    }
    ASSERT_GT(log_->segment_count(), 50u);
  }

  void Reopen() {
    log_.reset();
    log_ = OpenOrDie(dir_.path(), SmallOptions());
  }

  void ExpectBounded() const {
    EXPECT_LE(log_->resident_index_count(), kCached);
    EXPECT_LE(log_->resident_index_bytes(), SmallOptions().cached_index_bytes);
  }

  // Reads `count` records from `from` and checks them against the model.
  void ExpectReadMatches(uint64_t from, size_t count) const {
    auto read = log_->Read(from, count, SIZE_MAX);
    ASSERT_TRUE(read.has_value()) << read.error().message;
    size_t expected = static_cast<size_t>(std::min<uint64_t>(count, kRecords - from));
    ASSERT_EQ(read->records.size(), expected) << "from " << from;
    for (size_t i = 0; i < expected; ++i) {
      const LogRecord& record = read->records[i];
      ASSERT_EQ(record.sequence, from + i);
      EXPECT_EQ(record.partition_key, "k" + std::to_string(from + i));
      EXPECT_EQ(record.arrival_ms, ArrivalOf(from + i));
    }
    EXPECT_EQ(read->next_sequence, from + expected);
  }

  void ExpectSeekMatches(int64_t t) const {
    uint64_t expected = t <= 0 ? 0 : std::min<uint64_t>(3 * static_cast<uint64_t>(t), kRecords);
    auto found = log_->SeekTimestamp(t);
    ASSERT_TRUE(found.has_value()) << found.error().message;
    EXPECT_EQ(*found, expected) << "t " << t;
  }

  TempDir dir_;
  std::unique_ptr<ShardLog> log_;
};

TEST_F(IndexCacheLogTest, ReadingForwardStaysBoundedAndLoadsEachIndexAtMostOnce) {
  for (bool reopened : {false, true}) {
    if (reopened) Reopen();
    EXPECT_EQ(log_->resident_index_count(), reopened ? 0u : kCached);
    uint64_t loads = log_->index_loads();
    for (uint64_t from = 0; from < kRecords; from += 7) {
      ExpectReadMatches(from, 7);
      ExpectBounded();
    }
    // A walking reader hits the cache: at most one .idx load per sealed segment.
    EXPECT_LE(log_->index_loads() - loads, log_->segment_count() - 1);
  }
  EXPECT_EQ(log_->index_rebuilds(), 0u);
  EXPECT_EQ(ReadAll(*log_).size(), kRecords);
}

TEST_F(IndexCacheLogTest, ReadingBackwardStaysBounded) {
  Reopen();
  for (uint64_t from = kRecords; from-- > 0;) {
    ExpectReadMatches(from, 3);
    ExpectBounded();
  }
  EXPECT_GT(log_->index_loads(), 0u);
}

TEST_F(IndexCacheLogTest, RandomReadsAndTimestampSeeksStayBounded) {
  Reopen();
  std::mt19937_64 random(7);
  for (int i = 0; i < 2000; ++i) {
    ExpectSeekMatches(static_cast<int64_t>(random() % (kRecords / 3 + 4)) - 2);
    ExpectReadMatches(random() % kRecords, 1 + random() % 40);
    ExpectBounded();
  }
  EXPECT_GT(log_->index_loads(), kCached);  // the cache did evict and reload
}

TEST_F(IndexCacheLogTest, TheByteBoundHoldsToo) {
  log_.reset();
  LogOptions options = SmallOptions();
  options.cached_indexes = 1000;
  options.cached_index_bytes = 1000;  // about five of these indexes
  log_ = OpenOrDie(dir_.path(), options);
  for (uint64_t from = 0; from < kRecords; from += 11) {
    ExpectReadMatches(from, 5);
    EXPECT_LE(log_->resident_index_bytes(), 1000u);
  }
  EXPECT_GT(log_->resident_index_count(), 1u);
}

TEST_F(IndexCacheLogTest, AnIndexDeletedWhileOpenIsRebuiltOnDemand) {
  Reopen();
  std::string idx = dir_.File(SegmentName(log_->first_sequence(), ".idx"));
  ASSERT_TRUE(std::filesystem::remove(idx));
  ExpectReadMatches(10, 5);
  ExpectSeekMatches(5);
  EXPECT_EQ(log_->index_rebuilds(), 1u);
  ASSERT_TRUE(std::filesystem::exists(idx));  // written back
  Reopen();
  EXPECT_EQ(log_->recovery().rebuilt_indexes, 0u);
  ExpectReadMatches(10, 5);
  EXPECT_EQ(log_->index_rebuilds(), 0u);
}

TEST_F(IndexCacheLogTest, AnIndexCorruptedWhileOpenIsRebuiltOnDemand) {
  Reopen();
  std::string name = testing_util::LogFiles(dir_.path())[2];
  uint64_t first = 0;
  ASSERT_TRUE(ParseSegmentFileName(name, ".log", &first));
  CorruptByte(dir_.File(SegmentName(first, ".idx")), 70);
  for (uint64_t from = first + 1; from < first + 60; from += 4) ExpectReadMatches(from, 4);
  EXPECT_EQ(log_->index_rebuilds(), 1u);
  Reopen();
  EXPECT_EQ(log_->recovery().rebuilt_indexes, 0u);
}

TEST_F(IndexCacheLogTest, ACorruptFrameFoundByARebuildFailsTheReadNamingTheFile) {
  Reopen();
  std::string name = testing_util::LogFiles(dir_.path())[1];
  uint64_t first = 0;
  ASSERT_TRUE(ParseSegmentFileName(name, ".log", &first));
  ASSERT_TRUE(std::filesystem::remove(dir_.File(SegmentName(first, ".idx"))));
  CorruptByte(dir_.File(name), 100);
  auto read = log_->Read(first + 5, 1, SIZE_MAX);
  ASSERT_FALSE(read.has_value());
  EXPECT_EQ(read.error().code, ErrorCode::kIo);
  EXPECT_NE(read.error().message.find(name), std::string::npos) << read.error().message;
}

TEST_F(IndexCacheLogTest, DropBeforeLeavesNoIndexOfADroppedSegment) {
  ExpectReadMatches(0, kRecords);
  auto dropped = log_->DropBefore(ArrivalOf(kRecords / 2));
  ASSERT_TRUE(dropped.has_value());
  ASSERT_GT(*dropped, 0u);
  ExpectBounded();
  for (uint64_t from = log_->first_sequence(); from < kRecords; from += 9) {
    ExpectReadMatches(from, 9);
  }
  for (const auto& entry : std::filesystem::directory_iterator(dir_.path())) {
    uint64_t first = 0;
    if (ParseSegmentFileName(entry.path().filename().string(), ".idx", &first)) {
      EXPECT_GE(first, log_->first_sequence());
    }
  }
}

}  // namespace
}  // namespace sf::engine
