// Hash keys: 128-bit decimal text and the MD5 routing hash of partition keys.

#include "engine/stream/hash_key.h"

#include <gtest/gtest.h>

#include <string>

namespace sf::engine {
namespace {

constexpr char kMax[] = "340282366920938463463374607431768211455";     // 2^128 - 1
constexpr char kTooBig[] = "340282366920938463463374607431768211456";  // 2^128
constexpr char kHalf[] = "170141183460469231731687303715884105728";    // 2^127

TEST(HashKeyTest, ParsesBounds) {
  auto zero = ParseHashKey("0");
  ASSERT_TRUE(zero.has_value());
  EXPECT_TRUE(*zero == 0);
  auto max = ParseHashKey(kMax);
  ASSERT_TRUE(max.has_value());
  EXPECT_TRUE(*max == kMaxHashKey);
  auto half = ParseHashKey(kHalf);
  ASSERT_TRUE(half.has_value());
  EXPECT_TRUE(*half == (static_cast<HashKey>(1) << 127));
  auto small = ParseHashKey("1234567890");
  ASSERT_TRUE(small.has_value());
  EXPECT_TRUE(*small == 1234567890);
}

TEST(HashKeyTest, RejectsTwoToThe128AndMore) {
  EXPECT_FALSE(ParseHashKey(kTooBig).has_value());
  EXPECT_FALSE(ParseHashKey("340282366920938463463374607431768211460").has_value());
  EXPECT_FALSE(ParseHashKey("999999999999999999999999999999999999999").has_value());
  EXPECT_FALSE(ParseHashKey("1000000000000000000000000000000000000000").has_value());  // 40 digits
}

TEST(HashKeyTest, RejectsLeadingZeroAndNonDigits) {
  for (const char* text : {"", "00", "01", "0340282366920938463463374607431768211455", "-1", "+1",
                           " 1", "1 ", "1a", "0x10", "1.0", "1e3"}) {
    EXPECT_FALSE(ParseHashKey(text).has_value()) << "'" << text << "'";
  }
}

TEST(HashKeyTest, Formats) {
  EXPECT_EQ(FormatHashKey(0), "0");
  EXPECT_EQ(FormatHashKey(7), "7");
  EXPECT_EQ(FormatHashKey(kMaxHashKey), kMax);
  EXPECT_EQ(FormatHashKey(static_cast<HashKey>(1) << 127), kHalf);
  EXPECT_EQ(FormatHashKey(static_cast<HashKey>(UINT64_MAX) + 1), "18446744073709551616");
}

TEST(HashKeyTest, RoundTrips) {
  for (HashKey key : {static_cast<HashKey>(0), static_cast<HashKey>(1), static_cast<HashKey>(10),
                      static_cast<HashKey>(UINT64_MAX), kMaxHashKey - 1, kMaxHashKey,
                      kMaxHashKey / 3, kMaxHashKey / 7 * 5}) {
    std::string text = FormatHashKey(key);
    auto parsed = ParseHashKey(text);
    ASSERT_TRUE(parsed.has_value()) << text;
    EXPECT_TRUE(*parsed == key) << text;
  }
}

TEST(HashKeyTest, PartitionKeyHashIsMd5BigEndian) {
  // md5("a") = 0cc175b9c0f1b6a831c399e269772661
  EXPECT_EQ(FormatHashKey(PartitionKeyHash("a")), "16955237001963240173058271559858726497");
  // md5("") = d41d8cd98f00b204e9800998ecf8427e
  EXPECT_EQ(FormatHashKey(PartitionKeyHash("")), "281949768489412648962353822266799178366");
  EXPECT_EQ(FormatHashKey(PartitionKeyHash("partition-key")),
            "171922231538597478840392253176536055210");
  // UTF-8 bytes are hashed as they are.
  EXPECT_EQ(FormatHashKey(PartitionKeyHash("\xd0\xba\xd0\xbb\xd1\x8e\xd1\x87")),
            "259726384039714788407059515981389908711");
}

}  // namespace
}  // namespace sf::engine
