// Canonicalisation details beyond the suite: botocore's double encoding, S3's single
// encoding, query encoding, header values, time formatting, key derivation.

#include <gtest/gtest.h>

#include "auth/amz_time.h"
#include "auth/canonical.h"
#include "auth/crypto.h"

namespace sf::auth {
namespace {

TEST(Canonical, UriEncode) {
  EXPECT_EQ(UriEncode("a b+c~d/e%", false), "a%20b%2Bc~d%2Fe%25");
  EXPECT_EQ(UriEncode("a/b", true), "a/b");
  EXPECT_EQ(UriEncode("\xE1\x88\xB4", false), "%E1%88%B4");
  EXPECT_EQ(PercentDecode("a%20b%2fc%zz%4"), "a b/c%zz%4");
  EXPECT_EQ(PercentDecode("a+b"), "a+b");
}

TEST(Canonical, NonS3PathIsNormalisedAndEncodedTwice) {
  EXPECT_EQ(CanonicalUri("/a%20b/c", false), "/a%2520b/c");
  EXPECT_EQ(CanonicalUri("//a/./b/../c//", false), "/a/c/");
  EXPECT_EQ(CanonicalUri("/..", false), "/");
  EXPECT_EQ(CanonicalUri("", false), "/");
  EXPECT_EQ(CanonicalUri("/a/%2E%2E/b", false), "/a/%252E%252E/b");  // as botocore: not resolved
}

TEST(Canonical, S3PathIsEncodedOnceAndNotNormalised) {
  EXPECT_EQ(CanonicalUri("/bucket/a%20b", true), "/bucket/a%20b");
  EXPECT_EQ(CanonicalUri("/bucket/a b", true), "/bucket/a%20b");
  EXPECT_EQ(CanonicalUri("/bucket//a/./b/../c", true), "/bucket//a/./b/../c");
  EXPECT_EQ(CanonicalUri("/bucket/a%2Fb", true), "/bucket/a%2Fb");
  EXPECT_EQ(CanonicalUri("/bucket/a%2Bb+c", true), "/bucket/a%2Bb%2Bc");
  EXPECT_EQ(CanonicalUri("/b/%E1%88%B4~", true), "/b/%E1%88%B4~");
}

TEST(Canonical, Query) {
  EXPECT_EQ(CanonicalQuery(ParseQuery("b=2&a=1&a=0&c")), "a=0&a=1&b=2&c=");
  EXPECT_EQ(CanonicalQuery(ParseQuery("q=a%20b&r=a+b&s=%7e")), "q=a%20b&r=a%2Bb&s=~");
  EXPECT_EQ(CanonicalQuery(ParseQuery("a=1&&X-Amz-Signature=f"), "X-Amz-Signature"), "a=1");
  // Sorted by encoded name: '%' (0x25) sorts before letters.
  EXPECT_EQ(CanonicalQuery({{"b", "1"}, {"\xE1\x88\xB4", "2"}}), "%E1%88%B4=2&b=1");
  std::string raw;
  AppendQueryParam(&raw, "X-Amz-Credential", "AK/2015/r/s/aws4_request");
  AppendQueryParam(&raw, "k", "");
  EXPECT_EQ(raw, "X-Amz-Credential=AK%2F2015%2Fr%2Fs%2Faws4_request&k=");
}

TEST(Canonical, HeaderValues) {
  EXPECT_EQ(CanonicalHeaderValue("  a   b \t c  "), "a b c");
  EXPECT_EQ(CanonicalHeaderValue("value1\n  value2\n     value3"), "value1 value2 value3");
  std::vector<Header> headers = {{"X-B", " 2 "}, {"x-a", "1"}, {"X-B", "3"}, {"User-Agent", "u"}};
  std::vector<std::string> names = SignableHeaderNames(headers);
  EXPECT_EQ(names, (std::vector<std::string>{"x-a", "x-b"}));
  EXPECT_EQ(CanonicalHeaders(headers, names), "x-a:1\nx-b:2,3\n");
}

TEST(Canonical, AmzDate) {
  EXPECT_EQ(FormatAmzDate(0), "19700101T000000Z");
  EXPECT_EQ(FormatAmzDate(1440938160000), "20150830T123600Z");
  EXPECT_EQ(ParseAmzDate("20150830T123600Z"), 1440938160000);
  EXPECT_EQ(ParseAmzDate("20240229T235959Z"), *ParseAmzDate("20240301T000000Z") - 1000);
  EXPECT_FALSE(ParseAmzDate("20230229T000000Z"));
  EXPECT_FALSE(ParseAmzDate("2015-08-30T12:36:00Z"));
  EXPECT_FALSE(ParseAmzDate("20150830T126000Z"));
  EXPECT_FALSE(ParseAmzDate("20150830T123600"));
}

// AWS docs, "Examples of how to derive a signing key for Signature Version 4".
TEST(Canonical, SigningKeyExample) {
  EXPECT_EQ(HexEncode(DeriveSigningKey("wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", "20120215",
                                       "us-east-1", "iam")),
            "f4780e2d9f65fa895f9c67b32ce1baf0b0d8a43505a000a1a9e090d414db404d");
}

TEST(Crypto, Sha256Incremental) {
  Sha256 hash;
  hash.Update("ab");
  hash.Update("c");
  EXPECT_EQ(HexEncode(hash.Finish()),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(HexEncode(hash.Finish()), std::string(kEmptySha256));
  EXPECT_TRUE(IsLowerHexSha256(kEmptySha256));
  EXPECT_FALSE(IsLowerHexSha256(std::string(64, 'A')));
}

}  // namespace
}  // namespace sf::auth
