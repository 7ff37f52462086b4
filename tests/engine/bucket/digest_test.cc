// MD5/SHA-256 against independently known values; the trailer round trip.

#include "engine/bucket/digest.h"

#include <gtest/gtest.h>

namespace sf::engine {
namespace {

TEST(DigestTest, KnownValues) {
  EXPECT_EQ(Md5Hex("hello world"), "5eb63bbbe01eeed093cb22bb8f5acdc3");
  EXPECT_EQ(Md5Hex(""), "d41d8cd98f00b204e9800998ecf8427e");
  EXPECT_EQ(Sha256Hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST(DigestTest, IncrementalEqualsOneShot) {
  Md5 md5;
  md5.Update("hello ");
  md5.Update("world");
  EXPECT_EQ(DigestHex(md5.Finish()), "5eb63bbbe01eeed093cb22bb8f5acdc3");
}

TEST(DigestTest, HexRoundTrip) {
  std::string bytes("\x00\xff\x10 a", 5);
  EXPECT_EQ(HexDecode(HexEncode(bytes)), bytes);
  EXPECT_EQ(HexDecode("abc"), "");
  EXPECT_EQ(HexDecode("zz"), "");
}

}  // namespace
}  // namespace sf::engine
