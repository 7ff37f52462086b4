// Sequence numbers: the 188-bit layout shared by the public emulators, printed in decimal.

#include "engine/stream/sequence_number.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "stream_test_util.h"

namespace sf::engine {
namespace {

using stream_test::DecimalLess;

void ExpectSameParts(const SequenceParts& a, const SequenceParts& b) {
  EXPECT_EQ(a.shard_create_seconds, b.shard_create_seconds);
  EXPECT_EQ(a.shard_index, b.shard_index);
  EXPECT_EQ(a.sequence_index, b.sequence_index);
  EXPECT_EQ(a.record_seconds, b.record_seconds);
}

TEST(SequenceNumberTest, KnownVector) {
  SequenceParts parts{1700000000, 3, 123456789012345, 1700000123};
  EXPECT_EQ(FormatSequenceNumber(parts),
            "49646437577175378801762568118990061158490487803900592178");
}

TEST(SequenceNumberTest, ParsesKnownVector) {
  auto parts = ParseSequenceNumber("49646437577175378801762568118990061158490487803900592178");
  ASSERT_TRUE(parts.has_value());
  ExpectSameParts(*parts, {1700000000, 3, 123456789012345, 1700000123});
}

TEST(SequenceNumberTest, AllZeroPartsStillHaveTheVersionAndTail) {
  // hex 2 000000000 0 0000000000000000 00 000000000 00000000 2
  EXPECT_EQ(FormatSequenceNumber({}), "49039857307708443467467104868809893875799651909875269634");
}

TEST(SequenceNumberTest, LargestFieldsFormatAndRoundTrip) {
  SequenceParts parts{(1ULL << 36) - 1, UINT32_MAX, UINT64_MAX, (1ULL << 36) - 1};
  std::string text = FormatSequenceNumber(parts);
  EXPECT_EQ(text, "73559785961562665201200657303213636610246346105283411954");
  auto parsed = ParseSequenceNumber(text);
  ASSERT_TRUE(parsed.has_value());
  ExpectSameParts(*parsed, parts);
}

TEST(SequenceNumberTest, RoundTripsManyParts) {
  const std::vector<SequenceParts> cases = {
      {0, 0, 0, 0},
      {1, 1, 1, 1},
      {1700000000, 0, 0, 1700000000},
      {1700000000, 15, 42, 1700003600},
      {1700000000, 16, 42, 1700003600},  // the nibble wraps: 16 & 0xf == 0
      {1700000000, 123456, 1ULL << 40, 1800000000},
      {1234567890, 7, 999999999999ULL, 1234567899},
  };
  for (const auto& parts : cases) {
    std::string text = FormatSequenceNumber(parts);
    SCOPED_TRACE(text);
    EXPECT_GE(text.size(), 56u);
    EXPECT_LE(text.size(), 57u);
    auto parsed = ParseSequenceNumber(text);
    ASSERT_TRUE(parsed.has_value());
    ExpectSameParts(*parsed, parts);
    EXPECT_EQ(FormatSequenceNumber(*parsed), text);
  }
}

TEST(SequenceNumberTest, StrictlyIncreasingForConsecutiveIndexes) {
  std::string previous = FormatSequenceNumber({1700000000, 2, 0, 1700000000});
  for (uint64_t index = 1; index < 2000; ++index) {
    std::string next = FormatSequenceNumber({1700000000, 2, index, 1700000000});
    ASSERT_TRUE(DecimalLess(previous, next)) << index << ": " << previous << " !< " << next;
    previous = next;
  }
  // Across nibble and byte boundaries of the index.
  for (uint64_t index : {0xffULL, 0xffffULL, 0xffffffffULL, 0xffffffffffffULL}) {
    EXPECT_TRUE(DecimalLess(FormatSequenceNumber({1700000000, 2, index, 1700000000}),
                            FormatSequenceNumber({1700000000, 2, index + 1, 1700000000})))
        << index;
  }
}

TEST(SequenceNumberTest, StrictlyIncreasingAcrossRecordSeconds) {
  // A later record in the same shard has a later (or equal) arrival second: still increasing.
  std::string previous = FormatSequenceNumber({1700000000, 5, 0, 1700000000});
  uint64_t seconds = 1700000000;
  for (uint64_t index = 1; index < 500; ++index) {
    seconds += index % 3 == 0 ? 86400 : index % 7;
    std::string next = FormatSequenceNumber({1700000000, 5, index, seconds});
    ASSERT_TRUE(DecimalLess(previous, next)) << index;
    previous = next;
  }
  // The index dominates the record time: the order follows the log even when the clock
  // would say otherwise.
  EXPECT_TRUE(DecimalLess(FormatSequenceNumber({1700000000, 5, 10, 1800000000}),
                          FormatSequenceNumber({1700000000, 5, 11, 1700000000})));
}

TEST(SequenceNumberTest, RejectsOtherVersions) {
  // The known vector with the leading version nibble 1 and 3.
  EXPECT_FALSE(ParseSequenceNumber("25126508923321157068029015684585114220590661848962957362"));
  EXPECT_FALSE(ParseSequenceNumber("74166366231029600535496120553395008096390313758838226994"));
}

TEST(SequenceNumberTest, RejectsInconsistentFields) {
  // The shard-index nibble (4) disagrees with the shard index (3).
  EXPECT_FALSE(ParseSequenceNumber("49646437577197679546961098742131596876763136165406572594"));
  // The "00" separator is 01.
  EXPECT_FALSE(ParseSequenceNumber("49646437577175378801762568118990065880856970673545805874"));
  // The trailing nibble is 3, not 2.
  EXPECT_FALSE(ParseSequenceNumber("49646437577175378801762568118990061158490487803900592179"));
}

TEST(SequenceNumberTest, RejectsGarbage) {
  for (const char* text :
       {"", "0", "1", "abc", "-49646437577175378801762568118990061158490487803900592178",
        "+49646437577175378801762568118990061158490487803900592178",
        " 49646437577175378801762568118990061158490487803900592178",
        "49646437577175378801762568118990061158490487803900592178 ",
        "4964643757717537880176256811899006115849048780390059217x",
        "049646437577175378801762568118990061158490487803900592178",
        "4964643757717537880176256811899006115849048780390059217",  // one digit short
        // 2^192: too large for the layout
        "6277101735386680763835789423207666416102355444464034512896",
        "99999999999999999999999999999999999999999999999999999999999999999999"}) {
    EXPECT_FALSE(ParseSequenceNumber(text).has_value()) << "'" << text << "'";
  }
}

}  // namespace
}  // namespace sf::engine

namespace sf::engine {
namespace {

// The incremental formatter must agree with formatting each number afresh, for steps forward
// within and across seconds, large jumps, and moves backward (which recompute).
TEST(SequenceNumberFormatterTest, AgreesWithFormattingAfresh) {
  SequenceParts start{1700000000, 7, 41, 1700000123};
  SequenceNumberFormatter formatter(start);
  EXPECT_EQ(formatter.Format(), FormatSequenceNumber(start));
  std::vector<std::pair<uint64_t, uint64_t>> moves = {
      {42, 1700000123},       {43, 1700000123},
      {44, 1700000124},       {1000, 1700000200},
      {1000, 1700000200},     {(1ULL << 33) + 5, 1700000300},
      {12, 1700000100},  // big jump; backward
      {13, 1700000100},       {~0ULL - 1, 0xFFFFFFFFFULL},
      {~0ULL, 0xFFFFFFFFFULL}};
  for (const auto& [index, seconds] : moves) {
    formatter.MoveTo(index, seconds);
    SequenceParts expected = start;
    expected.sequence_index = index;
    expected.record_seconds = seconds;
    EXPECT_EQ(formatter.Format(), FormatSequenceNumber(expected)) << index << " " << seconds;
    auto parsed = ParseSequenceNumber(formatter.Format());
    ASSERT_TRUE(parsed.has_value());
    EXPECT_EQ(parsed->sequence_index, index);
    EXPECT_EQ(parsed->record_seconds, seconds);
  }
}

TEST(SequenceNumberFormatterTest, AppendToAppends) {
  SequenceNumberFormatter formatter({1, 0, 0, 1});
  std::string out = "x";
  formatter.AppendTo(out);
  EXPECT_EQ(out, "x" + FormatSequenceNumber({1, 0, 0, 1}));
}

}  // namespace
}  // namespace sf::engine
