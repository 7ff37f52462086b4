// ShardLog::Read bounds and ShardLog::SeekTimestamp, checked against a model.

#include <gtest/gtest.h>

#include <random>

#include "engine/log/shard_log.h"
#include "test_util.h"

namespace sf::engine {
namespace {

using testing_util::Batch;
using testing_util::MakeBatch;
using testing_util::OpenOrDie;
using testing_util::TempDir;
using testing_util::VisibleOptions;

TEST(ReadTest, MaxRecordsBoundsTheResult) {
  TempDir dir;
  auto log = OpenOrDie(dir.path(), VisibleOptions());
  Batch batch = MakeBatch(0, 20);
  ASSERT_TRUE(log->Append(batch.records).has_value());
  auto read = log->Read(0, 6, SIZE_MAX);
  ASSERT_TRUE(read.has_value());
  ASSERT_EQ(read->records.size(), 6u);
  EXPECT_EQ(read->records.back().sequence, 5u);
  EXPECT_EQ(read->next_sequence, 6u);
  EXPECT_FALSE(log->Read(0, 0, SIZE_MAX).has_value());
}

TEST(ReadTest, MaxBytesCountsKeyAndData) {
  TempDir dir;
  auto log = OpenOrDie(dir.path(), VisibleOptions());
  Batch batch = MakeBatch(0, 10, 8);  // key "k<i>" 2 bytes + data 8 bytes = 10 per record
  ASSERT_TRUE(log->Append(batch.records).has_value());
  EXPECT_EQ(log->Read(0, 100, 30)->records.size(), 3u);
  EXPECT_EQ(log->Read(0, 100, 39)->records.size(), 3u);
  EXPECT_EQ(log->Read(0, 100, 40)->records.size(), 4u);
  EXPECT_EQ(log->Read(0, 100, 40)->next_sequence, 4u);
}

TEST(ReadTest, ReturnsAtLeastOneRecordEvenIfLargerThanMaxBytes) {
  TempDir dir;
  auto log = OpenOrDie(dir.path(), VisibleOptions());
  Batch batch = MakeBatch(0, 3, 100'000);
  ASSERT_TRUE(log->Append(batch.records).has_value());
  auto read = log->Read(1, 100, 10);
  ASSERT_TRUE(read.has_value());
  ASSERT_EQ(read->records.size(), 1u);
  EXPECT_EQ(read->records[0].sequence, 1u);
  EXPECT_EQ(read->records[0].data.size(), 100'000u);
  EXPECT_EQ(read->next_sequence, 2u);
}

TEST(ReadTest, FromTheMiddleOfASegment) {
  TempDir dir;
  LogOptions options = VisibleOptions();
  options.index_interval_bytes = 100;
  auto log = OpenOrDie(dir.path(), options);
  Batch batch = MakeBatch(0, 200, 30);
  ASSERT_TRUE(log->Append(batch.records).has_value());
  for (uint64_t from : {1, 2, 3, 57, 58, 100, 199}) {
    auto read = log->Read(from, 5, SIZE_MAX);
    ASSERT_TRUE(read.has_value());
    ASSERT_FALSE(read->records.empty()) << from;
    EXPECT_EQ(read->records[0].sequence, from);
    EXPECT_EQ(read->records[0].partition_key, "k" + std::to_string(from));
    EXPECT_EQ(read->records.size(), std::min<uint64_t>(5, 200 - from));
  }
}

TEST(ReadTest, FromBeyondTheEndIsEmptyAndKeepsFrom) {
  TempDir dir;
  auto log = OpenOrDie(dir.path(), VisibleOptions());
  Batch batch = MakeBatch(0, 3);
  ASSERT_TRUE(log->Append(batch.records).has_value());
  for (uint64_t from : {3, 4, 1000}) {
    auto read = log->Read(from, 10, SIZE_MAX);
    ASSERT_TRUE(read.has_value());
    EXPECT_TRUE(read->records.empty());
    EXPECT_EQ(read->next_sequence, from);
  }
}

TEST(ReadTest, SpansSegmentsAndStopsAtTheVisibleEnd) {
  TempDir dir;
  LogOptions options;
  options.segment_bytes = 200;
  auto log = OpenOrDie(dir.path(), options);
  for (uint64_t i = 0; i < 10; ++i) {
    Batch batch = MakeBatch(i * 3, 3, 20);
    ASSERT_TRUE(log->Append(batch.records).has_value());
    if (i == 8) {
      ASSERT_TRUE(log->Sync(24).has_value());  // syncs all 27 written so far
    }
  }
  uint64_t visible = log->visible_end();
  ASSERT_EQ(visible, 27u);  // the last batch is not synced
  auto read = log->Read(2, 1000, SIZE_MAX);
  ASSERT_TRUE(read.has_value());
  ASSERT_EQ(read->records.size(), visible - 2);
  for (size_t i = 0; i < read->records.size(); ++i) EXPECT_EQ(read->records[i].sequence, 2 + i);
  EXPECT_EQ(read->next_sequence, visible);
}

// Random record sizes (to make reads refill), several segments and a small index interval,
// compared with what was written for every start and a few limits.
TEST(ReadTest, MatchesTheModelForEveryStart) {
  TempDir dir;
  LogOptions options = VisibleOptions();
  options.segment_bytes = 20'000;
  options.index_interval_bytes = 512;
  auto log = OpenOrDie(dir.path(), options);
  std::mt19937 random(7);
  std::vector<std::string> data;
  for (int b = 0; b < 30; ++b) {
    std::vector<AppendRecord> records;
    size_t count = 1 + random() % 10;
    size_t first = data.size();
    for (size_t i = 0; i < count; ++i)
      data.push_back(std::string(random() % 3000, char('a' + b % 26)));
    for (size_t i = 0; i < count; ++i) records.push_back({"key", data[first + i], b});
    ASSERT_EQ(*log->Append(records), first);
  }
  ASSERT_GT(log->segment_count(), 2u);
  for (uint64_t from = 0; from < data.size(); ++from) {
    for (size_t max_records : {1, 4, 1000}) {
      size_t max_bytes = (from % 3 == 0) ? SIZE_MAX : 5000;
      auto read = log->Read(from, max_records, max_bytes);
      ASSERT_TRUE(read.has_value()) << read.error().message;
      size_t bytes = 0;
      uint64_t expected = from;
      for (const LogRecord& record : read->records) {
        ASSERT_EQ(record.sequence, expected);
        ASSERT_EQ(record.data, data[expected]);
        bytes += record.data.size() + record.partition_key.size();
        ++expected;
      }
      ASSERT_EQ(read->next_sequence, expected);
      ASSERT_LE(read->records.size(), max_records);
      ASSERT_FALSE(read->records.empty());
      if (read->records.size() > 1) {
        ASSERT_LE(bytes, max_bytes);
      }
      bool complete = expected == data.size() || read->records.size() == max_records ||
                      bytes + data[expected].size() + 3 > max_bytes;
      ASSERT_TRUE(complete) << "stopped early at " << expected;
    }
  }
}

// Arrivals with ties, spread over segments: 0,0,0,10,10,20,... The model is a linear scan.
class SeekTest : public ::testing::Test {
 protected:
  void SetUp() override {
    LogOptions options = VisibleOptions();
    options.segment_bytes = 2000;
    options.index_interval_bytes = 100;
    log_ = OpenOrDie(dir_.path(), options);
    std::mt19937 random(3);
    int64_t arrival = 1000;
    for (int b = 0; b < 40; ++b) {
      std::vector<int64_t> batch_arrivals;
      for (size_t i = 0, n = 1 + random() % 8; i < n; ++i) {
        if (random() % 3 == 0) arrival += 10 * static_cast<int64_t>(1 + random() % 3);
        batch_arrivals.push_back(arrival);
      }
      Batch batch = MakeBatch(arrivals_.size(), batch_arrivals.size(), 40, [&](uint64_t label) {
        return batch_arrivals[label - arrivals_.size()];
      });
      ASSERT_TRUE(log_->Append(batch.records).has_value());
      arrivals_.insert(arrivals_.end(), batch_arrivals.begin(), batch_arrivals.end());
    }
    ASSERT_GT(log_->segment_count(), 3u);
  }

  uint64_t Model(int64_t t) const {
    for (uint64_t i = 0; i < arrivals_.size(); ++i) {
      if (arrivals_[i] >= t) return i;
    }
    return arrivals_.size();
  }

  TempDir dir_;
  std::unique_ptr<ShardLog> log_;
  std::vector<int64_t> arrivals_;
};

TEST_F(SeekTest, FindsTheFirstRecordAtOrAfterEveryTime) {
  for (int64_t t = arrivals_.front() - 20; t <= arrivals_.back() + 20; ++t) {
    auto found = log_->SeekTimestamp(t);
    ASSERT_TRUE(found.has_value()) << found.error().message;
    ASSERT_EQ(*found, Model(t)) << "t=" << t;
  }
}

TEST_F(SeekTest, PastTheNewestRecordIsTheVisibleEnd) {
  EXPECT_EQ(*log_->SeekTimestamp(arrivals_.back() + 1), log_->visible_end());
  EXPECT_EQ(*log_->SeekTimestamp(INT64_MAX), log_->visible_end());
  EXPECT_EQ(*log_->SeekTimestamp(INT64_MIN), 0u);
}

TEST_F(SeekTest, WorksAfterReopenFromTheIndexFiles) {
  log_.reset();
  LogOptions options = VisibleOptions();
  log_ = OpenOrDie(dir_.path(), options);
  for (int64_t t = arrivals_.front(); t <= arrivals_.back(); t += 7) {
    ASSERT_EQ(*log_->SeekTimestamp(t), Model(t)) << "t=" << t;
  }
}

}  // namespace
}  // namespace sf::engine
