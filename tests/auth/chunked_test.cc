// The aws-chunked codec: the AWS documentation's example ("Transferring Payload in Multiple
// Chunks": 64 KB + 1 KB + final chunk), piecewise decoding, and rejections.

#include <gtest/gtest.h>

#include <random>

#include "auth/amz_time.h"
#include "auth/chunked.h"
#include "auth/signer.h"
#include "auth/verifier.h"

namespace sf::auth {
namespace {

constexpr char kSecret[] = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
constexpr char kSeed[] = "4f232c4386841ef735655705268965c44a0e4690baa4adea153f7db9fa80a0a9";
constexpr char kChunk1[] = "ad80c730a21e5b8d04586a2213dd63b9a0e99e0e2307b0ade35a65485a288648";
constexpr char kChunk2[] = "0055627c9e194cb4542bae2aa5492e3c1575bbb81b612b7d234b86a503ef5497";
constexpr char kFinal[] = "b6c6ea8a5354eaf15b3cb7646744f4275b71ea724fed81ceb9323e279d449df9";

// The example's request, signed: its seed signature is the documented one.
struct Example {
  HttpRequest request;
  SignedParts parts;
  ChunkSigningContext context;
};

Example SignExample() {
  Example e;
  e.request.method = "PUT";
  e.request.path = "/examplebucket/chunkObject.txt";
  e.request.headers = {{"Host", "s3.amazonaws.com"},
                       {"x-amz-storage-class", "REDUCED_REDUNDANCY"},
                       {"Content-Encoding", "aws-chunked"},
                       {"x-amz-decoded-content-length", "66560"},
                       {"Content-Length", "66824"}};
  Signer signer({"AKIAIOSFODNN7EXAMPLE", kSecret, std::nullopt}, "us-east-1", "s3");
  e.parts = *signer.Sign(&e.request, kStreamingPayload, *ParseAmzDate("20130524T000000Z"));
  e.context = {e.parts.signing_key, e.parts.amz_date, e.parts.scope, e.parts.signature};
  return e;
}

std::string ExampleBody() {
  const std::string data(65536, 'a'), rest(1024, 'a');
  return "10000;chunk-signature=" + std::string(kChunk1) + "\r\n" + data + "\r\n" +
         "400;chunk-signature=" + std::string(kChunk2) + "\r\n" + rest + "\r\n" +
         "0;chunk-signature=" + std::string(kFinal) + "\r\n\r\n";
}

TEST(Chunked, AwsExampleSeedSignature) {
  Example e = SignExample();
  EXPECT_EQ(e.parts.canonical_request,
            "PUT\n/examplebucket/chunkObject.txt\n\ncontent-encoding:aws-chunked\n"
            "content-length:66824\nhost:s3.amazonaws.com\n"
            "x-amz-content-sha256:STREAMING-AWS4-HMAC-SHA256-PAYLOAD\n"
            "x-amz-date:20130524T000000Z\nx-amz-decoded-content-length:66560\n"
            "x-amz-storage-class:REDUCED_REDUNDANCY\n\n"
            "content-encoding;content-length;host;x-amz-content-sha256;x-amz-date;"
            "x-amz-decoded-content-length;x-amz-storage-class\n"
            "STREAMING-AWS4-HMAC-SHA256-PAYLOAD");
  EXPECT_EQ(e.parts.string_to_sign,
            "AWS4-HMAC-SHA256\n20130524T000000Z\n20130524/us-east-1/s3/aws4_request\n"
            "cee3fed04b70f867d036f722359b0b1f2f0e5dc0efadbc082b76c4c60e316455");
  EXPECT_EQ(e.parts.signature, kSeed);
}

TEST(Chunked, EncoderProducesTheAwsExample) {
  Example e = SignExample();
  const std::string body = EncodeChunkedBody(e.context, std::string(66560, 'a'), 65536);
  EXPECT_EQ(body, ExampleBody());
  EXPECT_EQ(body.size(), 66824u);
  EXPECT_EQ(ChunkedEncodedLength(66560, 65536), 66824u);
  EXPECT_EQ(ChunkedEncodedLength(0, 65536), EncodeChunkedBody(e.context, "", 65536).size());
}

// The verifier hands out the context the decoder needs; the decoder yields the data.
TEST(Chunked, VerifierThenDecoderAcceptTheAwsExample) {
  Example e = SignExample();
  VirtualClock clock(*ParseAmzDate("20130524T000000Z"));
  Verifier verifier(
      "us-east-1", [](std::string_view) -> std::optional<std::string> { return kSecret; }, &clock);
  auto result = verifier.Verify({&e.request, "s3", std::nullopt});
  ASSERT_TRUE(result.has_value()) << AuthFailureName(result.error().reason);
  ASSERT_TRUE(result->chunk_context.has_value());
  EXPECT_EQ(result->chunk_context->seed_signature, kSeed);
  ChunkedDecoder decoder(*result->chunk_context);
  std::string out;
  ASSERT_TRUE(decoder.Feed(ExampleBody(), &out).has_value());
  ASSERT_TRUE(decoder.Finish().has_value());
  EXPECT_EQ(out, std::string(66560, 'a'));
  EXPECT_EQ(decoder.decoded_bytes(), 66560u);
}

TEST(Chunked, OneByteAtATimeAndRandomPieces) {
  Example e = SignExample();
  const std::string body = ExampleBody();
  {
    ChunkedDecoder decoder(e.context);
    std::string out;
    for (char c : body) ASSERT_TRUE(decoder.Feed(std::string_view(&c, 1), &out).has_value());
    ASSERT_TRUE(decoder.Finish().has_value());
    EXPECT_EQ(out, std::string(66560, 'a'));
  }
  std::mt19937 random(42);
  for (int round = 0; round < 20; ++round) {
    ChunkedDecoder decoder(e.context);
    std::string out;
    size_t at = 0;
    while (at < body.size()) {
      size_t take = std::uniform_int_distribution<size_t>(0, 300)(random);
      take = std::min(take, body.size() - at);
      ASSERT_TRUE(decoder.Feed(std::string_view(body).substr(at, take), &out).has_value());
      at += take;
    }
    ASSERT_TRUE(decoder.Finish().has_value());
    EXPECT_EQ(out, std::string(66560, 'a'));
  }
}

// Every split point of a small body gives the same output, and only verified data comes out.
TEST(Chunked, EverySplitPointOfASmallBody) {
  Example e = SignExample();
  const std::string data = "hello, chunked world!";
  const std::string body = EncodeChunkedBody(e.context, data, 8);
  for (size_t split = 0; split <= body.size(); ++split) {
    ChunkedDecoder decoder(e.context);
    std::string out;
    ASSERT_TRUE(decoder.Feed(std::string_view(body).substr(0, split), &out).has_value());
    EXPECT_EQ(data.compare(0, out.size(), out), 0);
    ASSERT_TRUE(decoder.Feed(std::string_view(body).substr(split), &out).has_value());
    ASSERT_TRUE(decoder.Finish().has_value()) << split;
    EXPECT_EQ(out, data);
  }
}

TEST(Chunked, RejectsACorruptedChunkSignature) {
  Example e = SignExample();
  std::string body = ExampleBody();
  body[body.find(kChunk2) + 10] ^= 1;  // still hex: '0'..'9'/'a'..'f' flip the low bit
  ChunkedDecoder decoder(e.context);
  std::string out;
  auto status = decoder.Feed(body, &out);
  ASSERT_FALSE(status.has_value());
  EXPECT_NE(status.error().message.find("signature"), std::string::npos);
  EXPECT_EQ(out.size(), 65536u);  // the first chunk was good; nothing after it came out
  EXPECT_FALSE(decoder.Finish().has_value());
  EXPECT_FALSE(decoder.Feed("x", &out).has_value());  // the error sticks
}

TEST(Chunked, RejectsChangedDataAndReorderedChunks) {
  Example e = SignExample();
  std::string body = ExampleBody();
  body[66000] = 'b';  // inside the second chunk's data
  ChunkedDecoder decoder(e.context);
  std::string out;
  EXPECT_FALSE(decoder.Feed(body, &out).has_value());
  // The chunks are chained: the second chunk alone (first skipped) does not verify.
  ChunkedDecoder skip(e.context);
  std::string second = ExampleBody().substr(ExampleBody().find("400;"));
  EXPECT_FALSE(skip.Feed(second, &out).has_value());
}

TEST(Chunked, RejectsBadSizeLines) {
  Example e = SignExample();
  const std::string sig = ";chunk-signature=" + std::string(kChunk1);
  for (const std::string& bad : std::vector<std::string>{
           "zz" + sig + "\r\n", "10000;chunk-signature=abc\r\n",
           "10000;signature=" + std::string(kChunk1) + "\r\n", "10000" + sig + "\n", "10000\r\n",
           std::string(200, '1'), "" + sig + "\r\n", "11111111111111111" + sig + "\r\n"}) {
    ChunkedDecoder decoder(e.context);
    std::string out;
    EXPECT_FALSE(decoder.Feed(bad, &out).has_value()) << bad;
  }
  ChunkedDecoder limited(e.context, /*max_chunk_size=*/1024);
  std::string out;
  EXPECT_FALSE(limited.Feed(ExampleBody(), &out).has_value());
}

TEST(Chunked, RejectsTruncatedBodiesAndTrailingBytes) {
  Example e = SignExample();
  const std::string body = ExampleBody();
  for (size_t cut : {size_t{0}, size_t{10}, size_t{65600}, body.size() - 2, body.size() - 1}) {
    ChunkedDecoder decoder(e.context);
    std::string out;
    ASSERT_TRUE(decoder.Feed(std::string_view(body).substr(0, cut), &out).has_value());
    EXPECT_FALSE(decoder.Finish().has_value()) << cut;
  }
  ChunkedDecoder decoder(e.context);
  std::string out;
  EXPECT_FALSE(decoder.Feed(body + "x", &out).has_value());
  // A data chunk not followed by CRLF.
  std::string no_crlf = body;
  no_crlf[no_crlf.find("\r\n400;")] = 'X';
  ChunkedDecoder bad(e.context);
  EXPECT_FALSE(bad.Feed(no_crlf, &out).has_value());
}

}  // namespace
}  // namespace sf::auth
