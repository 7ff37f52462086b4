// The PutObject body decoder: plain bodies with a signed hash, signed aws-chunked bodies fed in
// pieces of every size, signed and unsigned aws-chunked bodies with trailers, and what each
// refuses.
#include "engine/api/s3/payload_decoder.h"

#include <gtest/gtest.h>

#include "auth/chunked.h"
#include "auth/crypto.h"

namespace sf::engine::s3 {
namespace {

HttpRequest Head(HttpHeaders headers) {
  HttpRequest request;
  request.method = "PUT";
  request.path = "/b/k";
  request.headers = std::move(headers);
  return request;
}

auth::Authenticated Auth(std::string hash) {
  auth::Authenticated a;
  a.payload_hash = std::move(hash);
  return a;
}

// Feeds `body` in pieces of `step` bytes; returns the decoded bytes or the first error type.
std::string Decode(PayloadDecoder& decoder, std::string_view body, size_t step) {
  std::string out;
  for (size_t i = 0; i < body.size(); i += step) {
    auto data = decoder.Feed(body.substr(i, step));
    if (!data) return "error:" + data.error().type;
    out.append(*data);
  }
  if (auto finished = decoder.Finish(); !finished) return "error:" + finished.error().type;
  return out;
}

TEST(PayloadDecoderTest, PlainBodyChecksTheSignedHash) {
  std::string body(100000, 'x');
  auto ok = PayloadDecoder::For(Head({}), Auth(auth::Sha256Hex(body)));
  ASSERT_TRUE(ok);
  EXPECT_EQ(Decode(**ok, body, 4096), body);
  auto bad = PayloadDecoder::For(Head({}), Auth(auth::Sha256Hex("other")));
  ASSERT_TRUE(bad);
  EXPECT_EQ(Decode(**bad, body, 4096), "error:XAmzContentSHA256Mismatch");
  auto unsigned_body = PayloadDecoder::For(Head({}), Auth("UNSIGNED-PAYLOAD"));
  ASSERT_TRUE(unsigned_body);
  EXPECT_EQ(Decode(**unsigned_body, body, 999), body);
}

TEST(PayloadDecoderTest, SignedChunksInPiecesOfEverySize) {
  auth::ChunkSigningContext context{std::string(32, 'k'), "20261122T050000Z",
                                    "20261122/us-east-1/s3/aws4_request", std::string(64, 'a')};
  std::string body;
  for (int i = 0; i < 70000; ++i) body += static_cast<char>('a' + i % 26);
  std::string wire = auth::EncodeChunkedBody(context, body, 8192);
  for (size_t step : {1ul, 7ul, 8192ul, 65536ul, wire.size()}) {
    auth::Authenticated a = Auth(std::string(auth::kStreamingPayload));
    a.chunk_context = context;
    auto decoder = PayloadDecoder::For(
        Head({{"x-amz-decoded-content-length", std::to_string(body.size())}}), a);
    ASSERT_TRUE(decoder);
    EXPECT_EQ(Decode(**decoder, wire, step), body) << step;
  }
  // One flipped data byte breaks that chunk's signature.
  std::string tampered = wire;
  tampered[tampered.find("\r\n") + 100] ^= 1;
  auth::Authenticated a = Auth(std::string(auth::kStreamingPayload));
  a.chunk_context = context;
  auto decoder =
      PayloadDecoder::For(Head({{"x-amz-decoded-content-length", std::to_string(body.size())}}), a);
  ASSERT_TRUE(decoder);
  EXPECT_EQ(Decode(**decoder, tampered, 1000), "error:SignatureDoesNotMatch");
}

TEST(PayloadDecoderTest, DecodedLengthMustMatch) {
  auth::ChunkSigningContext context{std::string(32, 'k'), "20261122T050000Z",
                                    "20261122/us-east-1/s3/aws4_request", std::string(64, 'a')};
  std::string wire = auth::EncodeChunkedBody(context, "hello world", 4);
  for (const char* declared : {"10", "12"}) {
    auth::Authenticated a = Auth(std::string(auth::kStreamingPayload));
    a.chunk_context = context;
    auto decoder = PayloadDecoder::For(Head({{"x-amz-decoded-content-length", declared}}), a);
    ASSERT_TRUE(decoder);
    EXPECT_EQ(Decode(**decoder, wire, 5), "error:IncompleteBody") << declared;
  }
  auth::Authenticated a = Auth(std::string(auth::kStreamingPayload));
  a.chunk_context = context;
  auto missing = PayloadDecoder::For(Head({}), a);
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().status, 411);
}

TEST(PayloadDecoderTest, UnsignedChunksWithTrailer) {
  std::string wire =
      "5\r\nhello\r\n6;ext=1\r\n world\r\n0\r\nx-amz-checksum-crc32:DUoRhQ==\r\n\r\n";
  for (size_t step : {1ul, 3ul, wire.size()}) {
    auto decoder = PayloadDecoder::For(Head({{"x-amz-decoded-content-length", "11"}}),
                                       Auth("STREAMING-UNSIGNED-PAYLOAD-TRAILER"));
    ASSERT_TRUE(decoder);
    EXPECT_EQ(Decode(**decoder, wire, step), "hello world") << step;
  }
  for (std::string bad :
       {"5\r\nhelloXX\r\n0\r\n\r\n", "zz\r\nhello\r\n0\r\n\r\n", "5\nhello\r\n0\r\n\r\n",
        "5\r\nhello\r\n0\r\n\r\nextra", "5\r\nhello\r\n"}) {
    auto decoder = PayloadDecoder::For(Head({{"x-amz-decoded-content-length", "5"}}),
                                       Auth("STREAMING-UNSIGNED-PAYLOAD-TRAILER"));
    ASSERT_TRUE(decoder);
    EXPECT_EQ(Decode(**decoder, bad, 2), "error:IncompleteBody") << bad;
  }
}

// STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER: signed chunks, then a signed checksum trailer
// that must match the data ("hello world": CRC-32 DUoRhQ==).
TEST(PayloadDecoderTest, SignedChunksWithSignedTrailer) {
  auth::ChunkSigningContext context{std::string(32, 'k'), "20261122T050000Z",
                                    "20261122/us-east-1/s3/aws4_request", std::string(64, 'a')};
  auto wire = [&](std::string_view checksum) {
    auth::ChunkedEncoder encoder(context);
    std::string out = encoder.Chunk("hello");
    out += encoder.Chunk(" world");
    if (checksum.empty()) return out + encoder.FinalWithTrailers({});
    return out + encoder.FinalWithTrailers({{"x-amz-checksum-crc32", std::string(checksum)}});
  };
  auto decoder_for = [&](HttpHeaders headers) {
    auth::Authenticated a = Auth(std::string(auth::kStreamingSignedTrailer));
    a.chunk_context = context;
    headers.push_back({"x-amz-decoded-content-length", "11"});
    auto decoder = PayloadDecoder::For(Head(std::move(headers)), a);
    EXPECT_TRUE(decoder);
    return std::move(*decoder);
  };
  for (size_t step : {1ul, 5ul, 1000ul}) {
    auto decoder = decoder_for({{"x-amz-trailer", "x-amz-checksum-crc32"}});
    EXPECT_EQ(Decode(*decoder, wire("DUoRhQ=="), step), "hello world") << step;
    auto header = decoder->checksum_header();
    ASSERT_TRUE(header);
    EXPECT_EQ(header->second, "DUoRhQ==");
  }
  EXPECT_EQ(Decode(*decoder_for({{"x-amz-trailer", "x-amz-checksum-crc32"}}), wire("AAAAAA=="), 3),
            "error:BadDigest");
  EXPECT_EQ(Decode(*decoder_for({{"x-amz-trailer", "x-amz-checksum-crc32"}}), wire(""), 3),
            "error:InvalidRequest");
  EXPECT_EQ(Decode(*decoder_for({}), wire(""), 3), "hello world");
  // A forged trailer (its signature made with another key) is refused as a bad signature.
  auth::ChunkSigningContext other = context;
  other.signing_key = std::string(32, 'x');
  std::string forged = wire("DUoRhQ==");
  const size_t trailer = forged.find("x-amz-checksum-crc32:");
  forged = forged.substr(0, trailer) + "x-amz-checksum-crc32:DUoRhQ==\r\nx-amz-trailer-signature:" +
           auth::TrailerSignature(other, "0", {{"x-amz-checksum-crc32", "DUoRhQ=="}}) + "\r\n\r\n";
  EXPECT_EQ(Decode(*decoder_for({{"x-amz-trailer", "x-amz-checksum-crc32"}}), forged, 7),
            "error:SignatureDoesNotMatch");
}

TEST(PayloadDecoderTest, UnknownStreamingFormsAreNotImplemented) {
  auto decoder = PayloadDecoder::For(Head({{"x-amz-decoded-content-length", "5"}}),
                                     Auth("STREAMING-AWS4-ECDSA-P256-SHA256-PAYLOAD"));
  ASSERT_FALSE(decoder);
  EXPECT_EQ(decoder.error().type, "NotImplemented");
  EXPECT_EQ(decoder.error().status, 501);
}

}  // namespace
}  // namespace sf::engine::s3
