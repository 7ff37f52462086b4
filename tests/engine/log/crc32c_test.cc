#include "engine/log/crc32c.h"

#include <gtest/gtest.h>

#include <string>

namespace sf::engine {
namespace {

using crc32c_internal::ExtendHardware;
using crc32c_internal::ExtendPortable;

struct Vector {
  std::string input;
  uint32_t crc;
};

std::vector<Vector> KnownVectors() {
  std::string ascending(32, '\0');
  std::string descending(32, '\0');
  for (int i = 0; i < 32; ++i) {
    ascending[i] = static_cast<char>(i);
    descending[i] = static_cast<char>(31 - i);
  }
  // RFC 3720 (iSCSI) appendix B.4 and the common check value.
  return {{"123456789", 0xE3069283},
          {std::string(32, '\0'), 0x8A9136AA},
          {std::string(32, '\xFF'), 0x62A8AB43},
          {ascending, 0x46DD794E},
          {descending, 0x113FDB5C},
          {"", 0x00000000}};
}

TEST(Crc32cTest, PortableMatchesKnownVectors) {
  for (const Vector& v : KnownVectors()) {
    EXPECT_EQ(ExtendPortable(0, v.input.data(), v.input.size()), v.crc) << v.input.size();
  }
}

TEST(Crc32cTest, HardwareMatchesKnownVectors) {
  if (!Crc32cIsHardwareAccelerated()) GTEST_SKIP() << "no SSE4.2 on this CPU";
  for (const Vector& v : KnownVectors()) {
    EXPECT_EQ(ExtendHardware(0, v.input.data(), v.input.size()), v.crc) << v.input.size();
  }
}

TEST(Crc32cTest, DispatchedMatchesKnownVectors) {
  for (const Vector& v : KnownVectors()) EXPECT_EQ(Crc32c(v.input), v.crc);
}

TEST(Crc32cTest, ExtendEqualsWholeAndImplementationsAgreeAtEveryLengthAndAlignment) {
  std::string text;
  for (int i = 0; i < 300; ++i) text.push_back(static_cast<char>(i * 37 + 11));
  for (size_t start = 0; start < 9; ++start) {
    for (size_t length = 0; start + length <= text.size(); length += 13) {
      const char* p = text.data() + start;
      uint32_t whole = ExtendPortable(0, p, length);
      if (Crc32cIsHardwareAccelerated()) {
        EXPECT_EQ(ExtendHardware(0, p, length), whole);
      }
      size_t half = length / 2;
      EXPECT_EQ(Crc32cExtend(Crc32cExtend(0, p, half), p + half, length - half), whole);
    }
  }
}

TEST(Crc32cTest, DetectsSingleBitFlip) {
  std::string data(1000, 'x');
  uint32_t before = Crc32c(data);
  data[500] ^= 1;
  EXPECT_NE(Crc32c(data), before);
}

}  // namespace
}  // namespace sf::engine
