// ShardLog::Open recovery: torn tails are cut, indexes rebuilt, sealed corruption reported.

#include <gtest/gtest.h>

#include <filesystem>

#include "base/file_io.h"
#include "engine/log/record_format.h"
#include "engine/log/shard_log.h"
#include "test_util.h"

namespace sf::engine {
namespace {

using testing_util::AppendBytes;
using testing_util::Batch;
using testing_util::CorruptByte;
using testing_util::FileSize;
using testing_util::LogFiles;
using testing_util::MakeBatch;
using testing_util::OpenOrDie;
using testing_util::ReadAll;
using testing_util::SegmentName;
using testing_util::TempDir;

std::string Frame(uint64_t sequence, std::string_view data) {
  std::string frame(FrameSize(1, data.size()), '\0');
  EncodeFrame(frame.data(), sequence, 5000, "k", data);
  return frame;
}

// A log of 10 records in one segment; returns the segment's path.
std::string WriteTen(const TempDir& dir) {
  auto log = OpenOrDie(dir.path(), LogOptions{});
  Batch batch = MakeBatch(0, 10, 50);
  EXPECT_TRUE(log->Append(batch.records).has_value());
  EXPECT_TRUE(log->SyncAll().has_value());
  return dir.File(SegmentName(0));
}

// Reopens after damage was added to the tail: all ten records survive and appends continue.
void ExpectTenSurvive(const TempDir& dir, uint64_t clean_size, uint64_t damage_bytes) {
  auto log = OpenOrDie(dir.path(), LogOptions{});
  ASSERT_NE(log, nullptr);
  EXPECT_EQ(log->recovery().truncated_bytes, damage_bytes);
  EXPECT_EQ(FileSize(dir.File(SegmentName(0))), clean_size);
  EXPECT_EQ(log->next_sequence(), 10u);
  auto all = ReadAll(*log);
  ASSERT_EQ(all.size(), 10u);
  EXPECT_EQ(all[9].partition_key, "k9");
  Batch more = MakeBatch(10, 2);
  EXPECT_EQ(*log->Append(more.records), 10u);
  ASSERT_TRUE(log->SyncAll().has_value());
  EXPECT_EQ(ReadAll(*log).size(), 12u);
}

TEST(RecoveryTest, CleanReopenTruncatesNothing) {
  TempDir dir;
  uint64_t size = FileSize(WriteTen(dir));
  ExpectTenSurvive(dir, size, 0);
}

TEST(RecoveryTest, CutsHalfAWrittenFrame) {
  TempDir dir;
  std::string path = WriteTen(dir);
  uint64_t size = FileSize(path);
  std::string frame = Frame(10, std::string(100, 'x'));
  AppendBytes(path, frame.substr(0, frame.size() / 2));
  ExpectTenSurvive(dir, size, frame.size() / 2);
}

TEST(RecoveryTest, CutsATornPrefix) {
  TempDir dir;
  std::string path = WriteTen(dir);
  uint64_t size = FileSize(path);
  AppendBytes(path, Frame(10, "x").substr(0, 5));
  ExpectTenSurvive(dir, size, 5);
}

TEST(RecoveryTest, CutsGarbage) {
  TempDir dir;
  std::string path = WriteTen(dir);
  uint64_t size = FileSize(path);
  AppendBytes(path, std::string(333, '\x7F'));
  ExpectTenSurvive(dir, size, 333);
}

TEST(RecoveryTest, CutsZeroFill) {
  TempDir dir;
  std::string path = WriteTen(dir);
  uint64_t size = FileSize(path);
  AppendBytes(path, std::string(4096, '\0'));
  ExpectTenSurvive(dir, size, 4096);
}

TEST(RecoveryTest, CutsAFrameWithABadChecksum) {
  TempDir dir;
  std::string path = WriteTen(dir);
  uint64_t size = FileSize(path);
  std::string frame = Frame(10, "payload");
  frame[frame.size() - 1] ^= 1;
  AppendBytes(path, frame);
  ExpectTenSurvive(dir, size, frame.size());
}

TEST(RecoveryTest, CutsAFrameWhoseSequenceDoesNotFollow) {
  TempDir dir;
  std::string path = WriteTen(dir);
  uint64_t size = FileSize(path);
  std::string frame = Frame(12, "payload");
  AppendBytes(path, frame + Frame(13, "more"));
  ExpectTenSurvive(dir, size, frame.size() + Frame(13, "more").size());
}

TEST(RecoveryTest, CutsAtTheFirstBadFrameInTheActiveSegment) {
  TempDir dir;
  std::string path = WriteTen(dir);
  uint64_t frame_bytes = FileSize(path) / 10;
  CorruptByte(path, 6 * frame_bytes + 30);  // inside record 6
  auto log = OpenOrDie(dir.path(), LogOptions{});
  EXPECT_EQ(log->next_sequence(), 6u);
  EXPECT_EQ(ReadAll(*log).size(), 6u);
  EXPECT_EQ(FileSize(path), 6 * frame_bytes);
}

LogOptions SmallSegments() {
  LogOptions options;
  options.segment_bytes = 500;
  options.index_interval_bytes = 100;
  return options;
}

// Three sealed segments and an active one, 40 records in all.
void WriteSegments(const TempDir& dir) {
  auto log = OpenOrDie(dir.path(), SmallSegments());
  for (uint64_t i = 0; i < 4; ++i) {
    Batch batch = MakeBatch(i * 10, 10, 30, static_cast<int64_t>(i) * 100);
    ASSERT_TRUE(log->Append(batch.records).has_value());
  }
  ASSERT_TRUE(log->SyncAll().has_value());
  ASSERT_EQ(log->segment_count(), 4u);
}

TEST(RecoveryTest, RebuildsAMissingIndex) {
  TempDir dir;
  WriteSegments(dir);
  std::string index = dir.File(SegmentName(10, ".idx"));
  std::string original = *ReadFile(index);
  std::filesystem::remove(index);
  auto log = OpenOrDie(dir.path(), SmallSegments());
  EXPECT_EQ(log->recovery().rebuilt_indexes, 1u);
  EXPECT_EQ(*ReadFile(index), original);
  EXPECT_EQ(ReadAll(*log).size(), 40u);
  EXPECT_EQ(*log->SeekTimestamp(100), 10u);
}

TEST(RecoveryTest, RebuildsACorruptIndex) {
  TempDir dir;
  WriteSegments(dir);
  std::string index = dir.File(SegmentName(20, ".idx"));
  std::string original = *ReadFile(index);
  CorruptByte(index, 40);
  auto log = OpenOrDie(dir.path(), SmallSegments());
  EXPECT_EQ(log->recovery().rebuilt_indexes, 1u);
  EXPECT_EQ(*ReadFile(index), original);
  EXPECT_EQ(*log->SeekTimestamp(150), 20u);
  EXPECT_EQ(ReadAll(*log).size(), 40u);
}

TEST(RecoveryTest, ACorruptFrameInASealedSegmentFailsOpenNamingTheFile) {
  TempDir dir;
  WriteSegments(dir);
  CorruptByte(dir.File(SegmentName(10)), 100);
  std::filesystem::remove(dir.File(SegmentName(10, ".idx")));  // force the scan
  auto log = ShardLog::Open(dir.path(), SmallSegments());
  ASSERT_FALSE(log.has_value());
  EXPECT_NE(log.error().message.find(SegmentName(10)), std::string::npos) << log.error().message;
  EXPECT_NE(log.error().message.find("offset"), std::string::npos) << log.error().message;
}

TEST(RecoveryTest, VerifyOnOpenFindsCorruptionBehindAValidIndex) {
  TempDir dir;
  WriteSegments(dir);
  CorruptByte(dir.File(SegmentName(0)), 100);
  LogOptions options = SmallSegments();
  options.verify_sealed_on_open = true;
  auto log = ShardLog::Open(dir.path(), options);
  ASSERT_FALSE(log.has_value());
  EXPECT_NE(log.error().message.find(SegmentName(0)), std::string::npos) << log.error().message;
}

TEST(RecoveryTest, ReadReportsCorruptionBehindAValidIndex) {
  TempDir dir;
  WriteSegments(dir);
  CorruptByte(dir.File(SegmentName(0)), 100);
  auto log = OpenOrDie(dir.path(), SmallSegments());  // the index is trusted at Open
  auto read = log->Read(0, 100, SIZE_MAX);
  ASSERT_FALSE(read.has_value());
  EXPECT_EQ(read.error().code, ErrorCode::kIo);
  EXPECT_NE(read.error().message.find(SegmentName(0)), std::string::npos);
  EXPECT_TRUE(log->Read(10, 100, SIZE_MAX).has_value());  // other segments still read
}

TEST(RecoveryTest, ATruncatedSealedSegmentFailsOpen) {
  TempDir dir;
  WriteSegments(dir);
  std::filesystem::resize_file(dir.File(SegmentName(10)), 200);
  EXPECT_FALSE(ShardLog::Open(dir.path(), SmallSegments()).has_value());
}

TEST(RecoveryTest, AMissingMiddleSegmentFailsOpen) {
  TempDir dir;
  WriteSegments(dir);
  std::filesystem::remove(dir.File(SegmentName(10)));
  auto log = ShardLog::Open(dir.path(), SmallSegments());
  ASSERT_FALSE(log.has_value());
  EXPECT_NE(log.error().message.find("do not join"), std::string::npos) << log.error().message;
}

TEST(RecoveryTest, RemovesLeftoversOfInterruptedWrites) {
  TempDir dir;
  WriteSegments(dir);
  AppendBytes(dir.File(SegmentName(30, ".idx.tmp")), "partial");
  AppendBytes(dir.File(SegmentName(30, ".idx")), "an index for the active segment");
  AppendBytes(dir.File(SegmentName(5000, ".idx")), "an index without a segment");
  auto log = OpenOrDie(dir.path(), SmallSegments());
  EXPECT_FALSE(std::filesystem::exists(dir.File(SegmentName(30, ".idx.tmp"))));
  EXPECT_FALSE(std::filesystem::exists(dir.File(SegmentName(30, ".idx"))));
  EXPECT_FALSE(std::filesystem::exists(dir.File(SegmentName(5000, ".idx"))));
  EXPECT_TRUE(std::filesystem::exists(dir.File(SegmentName(20, ".idx"))));
  EXPECT_EQ(LogFiles(dir.path()).size(), 4u);
}

TEST(RecoveryTest, AnActiveSegmentCutToNothingKeepsItsName) {
  TempDir dir;
  WriteSegments(dir);
  std::filesystem::resize_file(dir.File(SegmentName(30)), 3);
  auto log = OpenOrDie(dir.path(), SmallSegments());
  EXPECT_EQ(log->next_sequence(), 30u);
  EXPECT_EQ(ReadAll(*log).size(), 30u);
  Batch batch = MakeBatch(30, 1);
  EXPECT_EQ(*log->Append(batch.records), 30u);
}

}  // namespace
}  // namespace sf::engine
