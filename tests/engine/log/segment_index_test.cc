#include "engine/log/segment_index.h"

#include <gtest/gtest.h>

#include "engine/log/segment.h"

namespace sf::engine {
namespace {

// 100 frames of 100 bytes from sequence 50, arrivals 10, 10, 20, 20, ...; entries every 300 B.
SegmentIndex Sample() {
  SegmentIndex index(50, 300);
  for (uint64_t i = 0; i < 100; ++i) index.Add(50 + i, static_cast<int64_t>(10 * (i / 2 + 1)), 100);
  return index;
}

TEST(SegmentIndexTest, TracksRangeSizeAndArrivals) {
  SegmentIndex index = Sample();
  EXPECT_EQ(index.first_sequence(), 50u);
  EXPECT_EQ(index.end_sequence(), 150u);
  EXPECT_EQ(index.record_count(), 100u);
  EXPECT_EQ(index.file_bytes(), 10000u);
  EXPECT_EQ(index.min_arrival_ms(), 10);
  EXPECT_EQ(index.max_arrival_ms(), 500);
  ASSERT_EQ(index.entries().size(), 34u);  // offsets 0, 300, ..., 9900
  EXPECT_EQ(index.entries()[1].offset, 300u);
  EXPECT_EQ(index.entries()[1].sequence, 53u);
}

TEST(SegmentIndexTest, FloorBySequence) {
  SegmentIndex index = Sample();
  EXPECT_EQ(index.FloorBySequence(50).offset, 0u);
  EXPECT_EQ(index.FloorBySequence(52).offset, 0u);
  EXPECT_EQ(index.FloorBySequence(53).offset, 300u);
  EXPECT_EQ(index.FloorBySequence(149).sequence, 149u);
  EXPECT_EQ(SegmentIndex(7, 10).FloorBySequence(7).offset, 0u);
}

TEST(SegmentIndexTest, StartForArrivalPrecedesEveryMatch) {
  SegmentIndex index = Sample();
  for (int64_t t = 0; t <= 520; t += 5) {
    IndexEntry start = index.StartForArrival(t);
    // The first record with arrival >= t: sequence 50 + 2 * (ceil(t / 10) - 1).
    int64_t slot = std::max<int64_t>((t + 9) / 10, 1);
    uint64_t answer = 50 + static_cast<uint64_t>(2 * (slot - 1));
    EXPECT_LE(start.sequence, answer) << t;
    EXPECT_LT(answer - start.sequence, 4u) << t;  // within one interval (3 frames) plus ties
  }
}

TEST(SegmentIndexTest, SerializeParseRoundTrip) {
  SegmentIndex index = Sample();
  auto parsed = SegmentIndex::Parse(index.Serialize(), 300);
  ASSERT_TRUE(parsed.has_value()) << parsed.error().message;
  EXPECT_EQ(parsed->first_sequence(), 50u);
  EXPECT_EQ(parsed->end_sequence(), 150u);
  EXPECT_EQ(parsed->file_bytes(), 10000u);
  EXPECT_EQ(parsed->max_arrival_ms(), 500);
  ASSERT_EQ(parsed->entries().size(), index.entries().size());
  EXPECT_EQ(parsed->entries()[5].offset, index.entries()[5].offset);
  EXPECT_TRUE(SegmentIndex::Parse(SegmentIndex(3, 1).Serialize(), 1).has_value());
}

TEST(SegmentIndexTest, ParseRejectsDamage) {
  std::string bytes = Sample().Serialize();
  for (size_t i = 0; i < bytes.size(); i += 7) {
    std::string bad = bytes;
    bad[i] ^= 1;
    EXPECT_FALSE(SegmentIndex::Parse(bad, 300).has_value()) << i;
  }
  EXPECT_FALSE(SegmentIndex::Parse(bytes.substr(0, bytes.size() - 1), 300).has_value());
  EXPECT_FALSE(SegmentIndex::Parse("", 300).has_value());
}

TEST(SegmentFileNameTest, TwentyDigitsAndParse) {
  EXPECT_EQ(SegmentFileName(0, ".log"), "00000000000000000000.log");
  EXPECT_EQ(SegmentFileName(42, ".idx"), "00000000000000000042.idx");
  uint64_t first = 0;
  EXPECT_TRUE(ParseSegmentFileName("18446744073709551615.log", ".log", &first));
  EXPECT_EQ(first, UINT64_MAX);
  EXPECT_FALSE(ParseSegmentFileName("18446744073709551616.log", ".log", &first));
  EXPECT_FALSE(ParseSegmentFileName("0000000000000000042.log", ".log", &first));
  EXPECT_FALSE(ParseSegmentFileName("00000000000000000042.idx", ".log", &first));
  EXPECT_FALSE(ParseSegmentFileName("0000000000000000004x.log", ".log", &first));
}

}  // namespace
}  // namespace sf::engine
