// The durable buffer: appends survive a reopen, sealing by size, intents kept, torn tails cut,
// delivered segments removed.

#include "engine/delivery/buffer_log.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "../../support/temp_dir.h"

namespace sf::engine::delivery {
namespace {

class BufferLogTest : public ::testing::Test {
 protected:
  void Open() {
    log_.reset();
    auto log = BufferLog::Open(dir_.path() + "/buffer", Namer(), &recovered_);
    ASSERT_TRUE(log) << log.error().message;
    log_ = std::move(*log);
  }
  SegmentNamer Namer() {
    return [this](const SegmentSummary& segment) {
      return "object-" + std::to_string(++names_) + "-of-" + std::to_string(segment.records);
    };
  }
  AppendOutcome Append(std::vector<std::string> data, uint64_t max_bytes, int64_t at = 1000) {
    std::vector<BufferedRecord> records;
    for (const auto& d : data) records.push_back({at, d});
    return log_->Append(records, max_bytes, Namer());
  }
  std::string Read(uint64_t sequence) {
    auto read = ReadSegment(log_->SegmentPath(sequence));
    EXPECT_TRUE(read) << read.error().message;
    return read ? read->data : "";
  }

  testing_support::TempDir dir_{"buffer_log"};
  std::unique_ptr<BufferLog> log_;
  BufferRecovery recovered_;
  int names_ = 0;
};

TEST_F(BufferLogTest, AcknowledgedRecordsSurviveAReopen) {
  Open();
  EXPECT_EQ(Append({"a", "bb", "ccc"}, 1 << 20).durable, 3u);
  EXPECT_EQ(log_->buffered_records(), 3u);
  EXPECT_EQ(log_->buffered_bytes(), 6u);
  Open();
  EXPECT_EQ(recovered_.records, 3u);
  EXPECT_EQ(log_->active().records, 3u);
  EXPECT_EQ(log_->active().oldest_ms, 1000);
  EXPECT_TRUE(log_->sealed().empty());
  EXPECT_EQ(Append({"dddd"}, 1 << 20, 2000).durable, 1u);
  ASSERT_TRUE(log_->Seal(Namer()));
  ASSERT_EQ(log_->sealed().size(), 1u);
  EXPECT_EQ(Read(log_->sealed()[0].summary.sequence), "abbcccdddd");
  EXPECT_EQ(log_->sealed()[0].summary.oldest_ms, 1000);
}

TEST_F(BufferLogTest, SealsBeforeARecordThatWouldPassTheLimitAndAtTheLimit) {
  Open();
  // limit 10: "aaaa"+"bbbb" = 8, "cccc" would make 12 -> sealed first; "cccc"+"dddddd" = 10 ->
  // sealed
  auto outcome = Append({"aaaa", "bbbb", "cccc", "dddddd", "e"}, 10);
  EXPECT_EQ(outcome.durable, 5u);
  ASSERT_EQ(log_->sealed().size(), 2u);
  EXPECT_EQ(Read(log_->sealed()[0].summary.sequence), "aaaabbbb");
  EXPECT_EQ(Read(log_->sealed()[1].summary.sequence), "ccccdddddd");
  EXPECT_EQ(log_->sealed()[0].intent, "object-1-of-2");
  EXPECT_EQ(log_->active().records, 1u);
  // a record larger than the limit gets an object of its own
  Append({"0123456789abcdef"}, 10);
  ASSERT_EQ(log_->sealed().size(), 4u);
  EXPECT_EQ(Read(log_->sealed()[3].summary.sequence), "0123456789abcdef");
}

TEST_F(BufferLogTest, SealedIntentsSurviveAndRemovedSegmentsStayRemoved) {
  Open();
  Append({"one", "two"}, 6);  // sealed at the limit
  Append({"three"}, 100);
  ASSERT_EQ(log_->sealed().size(), 1u);
  uint64_t first = log_->sealed()[0].summary.sequence;
  std::string intent = log_->sealed()[0].intent;
  Open();
  ASSERT_EQ(log_->sealed().size(), 1u);
  EXPECT_EQ(log_->sealed()[0].intent, intent);  // the same key after a restart
  EXPECT_EQ(log_->active().records, 1u);
  ASSERT_TRUE(log_->Remove(first));
  Open();
  EXPECT_TRUE(log_->sealed().empty());
  EXPECT_EQ(log_->buffered_records(), 1u);
  EXPECT_EQ(log_->oldest_ms(), 1000);
}

TEST_F(BufferLogTest, ATornTailIsCutAndALoneSealIsDropped) {
  Open();
  Append({"kept"}, 100);
  std::string path = log_->SegmentPath(log_->active().sequence);
  log_.reset();
  {
    std::ofstream torn(path, std::ios::app | std::ios::binary);
    torn << std::string("\x20\x00\x00\x00garbage", 11);  // a frame cut short by a crash
  }
  { std::ofstream(dir_.path() + "/buffer/0000000000000099.seal") << "delivered already"; }
  Open();
  EXPECT_EQ(recovered_.truncated_bytes, 11u);
  EXPECT_EQ(log_->buffered_records(), 1u);
  EXPECT_FALSE(std::filesystem::exists(dir_.path() + "/buffer/0000000000000099.seal"));
  Append({"more"}, 100);
  ASSERT_TRUE(log_->Seal(Namer()));
  EXPECT_EQ(Read(log_->sealed()[0].summary.sequence), "keptmore");
}

TEST_F(BufferLogTest, DestroyRemovesEverything) {
  Open();
  Append({"x"}, 100);
  ASSERT_TRUE(log_->Destroy());
  EXPECT_FALSE(std::filesystem::exists(dir_.path() + "/buffer"));
}

}  // namespace
}  // namespace sf::engine::delivery
