#include "engine/log/record_format.h"

#include <gtest/gtest.h>

#include <cstring>
#include <string>

#include "engine/log/crc32c.h"

namespace sf::engine {
namespace {

std::string Encode(uint64_t sequence, int64_t arrival, std::string_view key,
                   std::string_view data) {
  std::string frame(FrameSize(key.size(), data.size()), '\0');
  char* end = EncodeFrame(frame.data(), sequence, arrival, key, data);
  EXPECT_EQ(end, frame.data() + frame.size());
  return frame;
}

TEST(RecordFormatTest, RoundTrip) {
  std::string frame = Encode(0x0102030405060708, -42, "user-7", std::string("a\0b", 3));
  FrameView view;
  DecodeResult decoded = DecodeFrame(frame, &view);
  ASSERT_EQ(decoded.status, DecodeStatus::kOk) << decoded.reason;
  EXPECT_EQ(decoded.frame_bytes, frame.size());
  EXPECT_EQ(view.sequence, 0x0102030405060708u);
  EXPECT_EQ(view.arrival_ms, -42);
  EXPECT_EQ(view.key, "user-7");
  EXPECT_EQ(view.data, std::string("a\0b", 3));
}

TEST(RecordFormatTest, LayoutIsLittleEndianWithLengthAndCrcOfTheRest) {
  std::string frame = Encode(5, 7, "k", "data");
  ASSERT_EQ(frame.size(), 26u + 1 + 4);
  EXPECT_EQ(static_cast<uint8_t>(frame[0]), 18 + 1 + 4);  // length of the rest
  EXPECT_EQ(frame[1], 0);
  uint32_t crc;
  std::memcpy(&crc, frame.data() + 4, 4);
  EXPECT_EQ(crc, Crc32c(std::string_view(frame).substr(8)));
  EXPECT_EQ(frame[8], 5);   // sequence
  EXPECT_EQ(frame[16], 7);  // arrival
  EXPECT_EQ(frame[24], 1);  // key length
  EXPECT_EQ(frame.substr(26), "kdata");
}

TEST(RecordFormatTest, EmptyKeyAndDataRoundTrip) {
  std::string frame = Encode(1, 2, "", "");
  FrameView view;
  ASSERT_EQ(DecodeFrame(frame, &view).status, DecodeStatus::kOk);
  EXPECT_TRUE(view.key.empty());
  EXPECT_TRUE(view.data.empty());
}

TEST(RecordFormatTest, EveryPrefixNeedsMore) {
  std::string frame = Encode(9, 9, "key", "some data");
  FrameView view;
  for (size_t n = 0; n < frame.size(); ++n) {
    DecodeResult decoded = DecodeFrame(std::string_view(frame).substr(0, n), &view);
    EXPECT_EQ(decoded.status, DecodeStatus::kNeedMore) << n;
    if (n >= 8) {
      EXPECT_EQ(decoded.frame_bytes, frame.size());
    }
  }
}

TEST(RecordFormatTest, AnyFlippedByteIsCorruptOrIncomplete) {
  std::string frame = Encode(9, 9, "key", "some data");
  for (size_t i = 0; i < frame.size(); ++i) {
    std::string bad = frame;
    bad[i] ^= 0x20;
    FrameView view;
    EXPECT_NE(DecodeFrame(bad, &view).status, DecodeStatus::kOk) << i;
  }
}

TEST(RecordFormatTest, ImpossibleLengthIsCorrupt) {
  FrameView view;
  EXPECT_EQ(DecodeFrame(std::string(8, '\0'), &view).status, DecodeStatus::kCorrupt);
  EXPECT_EQ(DecodeFrame(std::string(64, '\xFF'), &view).status, DecodeStatus::kCorrupt);
}

TEST(RecordFormatTest, KeyLengthBeyondFrameIsCorrupt) {
  std::string frame = Encode(1, 1, "ab", "");
  frame[24] = 9;  // key length 9 in a body with 2 bytes after the header
  uint32_t crc = Crc32c(std::string_view(frame).substr(8));
  std::memcpy(frame.data() + 4, &crc, 4);
  FrameView view;
  EXPECT_EQ(DecodeFrame(frame, &view).status, DecodeStatus::kCorrupt);
}

}  // namespace
}  // namespace sf::engine
