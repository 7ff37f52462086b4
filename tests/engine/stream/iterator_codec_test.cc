// Shard iterators: signed tokens that cannot be forged or altered.

#include "engine/stream/shard_iterator.h"

#include <gtest/gtest.h>

#include <string>

#include "base/base64.h"

namespace sf::engine {
namespace {

constexpr char kSecret[] = "0123456789abcdef0123456789abcdef";
constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

IteratorPosition Sample(std::string name = "orders") {
  IteratorPosition position;
  position.stream_name = std::move(name);
  position.stream_incarnation = 1700000000123;
  position.shard_index = 7;
  position.sequence_index = 123456789012ULL;
  position.issued_ms = 1700000300456;
  return position;
}

void ExpectSame(const IteratorPosition& a, const IteratorPosition& b) {
  EXPECT_EQ(a.stream_name, b.stream_name);
  EXPECT_EQ(a.stream_incarnation, b.stream_incarnation);
  EXPECT_EQ(a.shard_index, b.shard_index);
  EXPECT_EQ(a.sequence_index, b.sequence_index);
  EXPECT_EQ(a.issued_ms, b.issued_ms);
}

TEST(IteratorCodecTest, RoundTrips) {
  IteratorCodec codec(kSecret);
  for (const auto& name :
       {std::string("s"), std::string("orders"), std::string(128, 'x'), std::string("a.b-c_d")}) {
    IteratorPosition position = Sample(name);
    std::string token = codec.Encode(position);
    EXPECT_LE(token.size(), 512u) << "GetRecords accepts iterators of at most 512 characters";
    auto decoded = codec.Decode(token);
    ASSERT_TRUE(decoded.has_value()) << name;
    ExpectSame(*decoded, position);
  }
}

TEST(IteratorCodecTest, RoundTripsExtremes) {
  IteratorCodec codec(kSecret);
  IteratorPosition position = Sample();
  position.shard_index = UINT32_MAX;
  position.sequence_index = UINT64_MAX;
  position.stream_incarnation = 0;
  position.issued_ms = INT64_MAX;
  auto decoded = codec.Decode(codec.Encode(position));
  ASSERT_TRUE(decoded.has_value());
  ExpectSame(*decoded, position);
}

TEST(IteratorCodecTest, DifferentPositionsGiveDifferentTokens) {
  IteratorCodec codec(kSecret);
  IteratorPosition a = Sample();
  IteratorPosition b = Sample();
  b.sequence_index += 1;
  EXPECT_NE(codec.Encode(a), codec.Encode(b));
}

// Any byte of the decoded token changed (payload or signature): rejected.
TEST(IteratorCodecTest, AnyFlippedByteIsRejected) {
  IteratorCodec codec(kSecret);
  std::string token = codec.Encode(Sample());
  auto bytes = Base64Decode(token);
  ASSERT_TRUE(bytes.has_value());
  for (size_t i = 0; i < bytes->size(); ++i) {
    for (int mask : {0x01, 0x80, 0xff}) {
      std::string altered = *bytes;
      altered[i] = static_cast<char>(static_cast<unsigned char>(altered[i]) ^ mask);
      EXPECT_FALSE(codec.Decode(Base64Encode(altered)).has_value())
          << "byte " << i << " mask " << mask;
    }
  }
}

// Any character of the token replaced by another base64 character: rejected. The name
// "trips" makes a 51-byte token, a multiple of 3, so the base64 text has no padding and every
// character carries signed bits.
TEST(IteratorCodecTest, AnyFlippedCharIsRejected) {
  IteratorCodec codec(kSecret);
  std::string token = codec.Encode(Sample("trips"));
  ASSERT_EQ(token.find('='), std::string::npos);
  for (size_t i = 0; i < token.size(); ++i) {
    for (int shift : {1, 17, 63}) {
      std::string altered = token;
      const char* at = std::char_traits<char>::find(kAlphabet, 64, token[i]);
      ASSERT_NE(at, nullptr);
      altered[i] = kAlphabet[(at - kAlphabet + shift) % 64];
      EXPECT_FALSE(codec.Decode(altered).has_value()) << "char " << i << " shift " << shift;
    }
  }
}

// The same with a padded token ("s": 47 bytes, one '='): the last character before the
// padding has two bits that the payload does not use. A changed token must still be refused:
// otherwise one iterator has several valid spellings.
TEST(IteratorCodecTest, AnyFlippedCharIsRejectedInPaddedToken) {
  IteratorCodec codec(kSecret);
  std::string token = codec.Encode(Sample("s"));
  ASSERT_EQ(token.back(), '=');
  for (size_t i = 0; i < token.size() && token[i] != '='; ++i) {
    for (int shift : {1, 2, 3}) {
      std::string altered = token;
      const char* at = std::char_traits<char>::find(kAlphabet, 64, token[i]);
      ASSERT_NE(at, nullptr);
      altered[i] = kAlphabet[(at - kAlphabet + shift) % 64];
      EXPECT_FALSE(codec.Decode(altered).has_value())
          << "char " << i << " shift " << shift << ": " << altered;
    }
  }
}

TEST(IteratorCodecTest, TruncatedOrExtendedTokensAreRejected) {
  IteratorCodec codec(kSecret);
  std::string token = codec.Encode(Sample());
  EXPECT_FALSE(codec.Decode("").has_value());
  EXPECT_FALSE(codec.Decode(token.substr(0, token.size() - 4)).has_value());
  EXPECT_FALSE(codec.Decode(token.substr(4)).has_value());
  EXPECT_FALSE(codec.Decode(token + "AAAA").has_value());
  EXPECT_FALSE(codec.Decode(token + "A").has_value());
  EXPECT_FALSE(codec.Decode("not an iterator").has_value());
  EXPECT_FALSE(codec.Decode(std::string(token.size(), 'A')).has_value());
}

TEST(IteratorCodecTest, WrongSecretIsRejected) {
  IteratorCodec issuer(kSecret);
  IteratorCodec other("fedcba9876543210fedcba9876543210");
  IteratorCodec almost(std::string(kSecret).substr(0, 31) + "g");
  std::string token = issuer.Encode(Sample());
  EXPECT_FALSE(other.Decode(token).has_value());
  EXPECT_FALSE(almost.Decode(token).has_value());
  EXPECT_TRUE(IteratorCodec(kSecret).Decode(token).has_value());  // the same secret, a new codec
}

TEST(IteratorCodecTest, ResignedPayloadWithAnotherSecretIsRejected) {
  // A forger who re-signs a changed position with their own key gets nowhere.
  IteratorCodec issuer(kSecret);
  IteratorCodec forger("fedcba9876543210fedcba9876543210");
  IteratorPosition position = Sample();
  position.sequence_index = 0;
  EXPECT_FALSE(issuer.Decode(forger.Encode(position)).has_value());
}

}  // namespace
}  // namespace sf::engine
