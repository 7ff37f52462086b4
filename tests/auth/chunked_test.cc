// The aws-chunked codec: the AWS documentation's examples ("Transferring Payload in Multiple
// Chunks": 64 KB + 1 KB + final chunk; "Including Trailing Headers": the same data with a
// trailing x-amz-checksum-crc32c), piecewise decoding, and rejections.

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

// The examples' PUT with the headers they share, `last` added, signed with `payload_hash`.
Example SignPut(Header last, std::string_view payload_hash) {
  Example e;
  e.request.method = "PUT";
  e.request.path = "/examplebucket/chunkObject.txt";
  e.request.headers = {{"Host", "s3.amazonaws.com"},
                       {"x-amz-storage-class", "REDUCED_REDUNDANCY"},
                       {"Content-Encoding", "aws-chunked"},
                       {"x-amz-decoded-content-length", "66560"},
                       std::move(last)};
  Signer signer({"AKIAIOSFODNN7EXAMPLE", kSecret, std::nullopt}, "us-east-1", "s3");
  e.parts = *signer.Sign(&e.request, payload_hash, *ParseAmzDate("20130524T000000Z"));
  e.context = {e.parts.signing_key, e.parts.amz_date, e.parts.scope, e.parts.signature};
  return e;
}

// The engine's side: the example's request verified at its own time.
VerifyResult VerifyExample(const Example& e) {
  VirtualClock clock(*ParseAmzDate("20130524T000000Z"));
  Verifier verifier(
      "us-east-1", [](std::string_view) -> std::optional<std::string> { return kSecret; }, &clock);
  return verifier.Verify({&e.request, "s3", std::nullopt});
}

Example SignExample() { return SignPut({"Content-Length", "66824"}, kStreamingPayload); }

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
  auto result = VerifyExample(e);
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

// --- STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER ---------------------------------------------

constexpr char kTrailerSeed[] = "106e2a8a18243abcf37539882f36619c00e2dfc72633413f02d3b74544bfeb8e";
constexpr char kTrailerChunk1[] =
    "b474d8862b1487a5145d686f57f013e54db672cee1c953b3010fb58501ef5aa2";
constexpr char kTrailerChunk2[] =
    "1c1344b170168f8e65b41376b44b20fe354e373826ccbbe2c1d40a8cae51e5c7";
constexpr char kTrailerFinal[] = "2ca2aba2005185cf7159c6277faf83795951dd77a3a99e6e65d5c9f85863f992";
constexpr char kTrailerSignature[] =
    "d81f82fc3505edab99d459891051a732e8730629a2e4a59689829ca17fe2e435";

// The trailer example signs x-amz-trailer, not Content-Length.
Example SignTrailerExample() {
  return SignPut({"x-amz-trailer", "x-amz-checksum-crc32c"}, kStreamingSignedTrailer);
}

// The documented body: no CRLF between the final chunk and the trailers (66946 bytes).
std::string TrailerExampleBody() {
  return "10000;chunk-signature=" + std::string(kTrailerChunk1) + "\r\n" + std::string(65536, 'a') +
         "\r\n" + "400;chunk-signature=" + kTrailerChunk2 + "\r\n" + std::string(1024, 'a') +
         "\r\n" + "0;chunk-signature=" + kTrailerFinal + "\r\n" +
         "x-amz-checksum-crc32c:sOO8/Q==\r\n" + "x-amz-trailer-signature:" + kTrailerSignature +
         "\r\n\r\n";
}

ChunkedDecoder TrailerDecoder(const ChunkSigningContext& context) {
  return ChunkedDecoder(context, ChunkedDecoder::kDefaultMaxChunkSize,
                        ChunkedDecoder::TrailerMode::kSigned);
}

TEST(ChunkedTrailer, AwsExampleSeedAndEncoding) {
  Example e = SignTrailerExample();
  EXPECT_EQ(e.parts.signature, kTrailerSeed);
  ChunkedEncoder encoder(e.context);  // (one call per statement: chunks are chained in order)
  std::string body = encoder.Chunk(std::string(65536, 'a'));
  body += encoder.Chunk(std::string(1024, 'a'));
  body += encoder.FinalWithTrailers({{"x-amz-checksum-crc32c", "sOO8/Q=="}});
  EXPECT_EQ(body, TrailerExampleBody());
  EXPECT_EQ(body.size(), 66946u);
}

TEST(ChunkedTrailer, VerifierThenDecoderAcceptTheAwsExampleInAnyPieces) {
  Example e = SignTrailerExample();
  auto result = VerifyExample(e);
  ASSERT_TRUE(result.has_value()) << AuthFailureName(result.error().reason);
  ASSERT_TRUE(result->chunk_context.has_value());
  const std::string body = TrailerExampleBody();
  for (size_t step : {size_t{1}, size_t{7}, size_t{300}, body.size()}) {
    ChunkedDecoder decoder = TrailerDecoder(*result->chunk_context);
    std::string out;
    for (size_t at = 0; at < body.size(); at += step) {
      ASSERT_TRUE(decoder.Feed(std::string_view(body).substr(at, step), &out).has_value()) << at;
    }
    ASSERT_TRUE(decoder.Finish().has_value()) << step;
    EXPECT_EQ(out, std::string(66560, 'a'));
    EXPECT_EQ(decoder.Trailer("x-amz-checksum-crc32c"), "sOO8/Q==");
  }
  // Some clients end the body right after the signature line.
  ChunkedDecoder decoder = TrailerDecoder(*result->chunk_context);
  std::string out;
  ASSERT_TRUE(decoder.Feed(body.substr(0, body.size() - 2), &out).has_value());
  EXPECT_TRUE(decoder.Finish().has_value());
}

TEST(ChunkedTrailer, RejectsChangedMissingOrExtraTrailers) {
  Example e = SignTrailerExample();
  const std::string body = TrailerExampleBody();
  const size_t trailers = body.find("x-amz-checksum-crc32c:");
  const std::string head = body.substr(0, trailers);
  const std::string signature_line =
      "x-amz-trailer-signature:" + std::string(kTrailerSignature) + "\r\n";
  for (const std::string& bad : std::vector<std::string>{
           head + "x-amz-checksum-crc32c:AAAAAA==\r\n" + signature_line + "\r\n",  // changed
           head + signature_line + "\r\n",                                         // dropped
           head + "x-amz-checksum-crc32c:sOO8/Q==\r\n\r\n",                        // unsigned
           head + "x-amz-checksum-crc32c:sOO8/Q==\r\nx-amz-extra:1\r\n" + signature_line +
               "\r\n",                                                // added
           body.substr(0, body.size() - 2) + "x-amz-late:1\r\n\r\n",  // after
           head + "x-amz-checksum-crc32c:sOO8/Q==\r\nx-amz-trailer-signature:zz\r\n\r\n",
           head + "no colon\r\n" + signature_line + "\r\n",
           head + "x-amz-checksum-crc32c:sOO8/Q==\n" + signature_line + "\r\n",
           head + std::string(2000, 'x') + ":1\r\n", body + "x"}) {
    ChunkedDecoder decoder = TrailerDecoder(e.context);
    std::string out;
    bool fed = decoder.Feed(bad, &out).has_value();
    EXPECT_FALSE(fed && decoder.Finish().has_value()) << bad.substr(trailers);
  }
  // Too many trailers, each well formed.
  std::string many = head;
  for (size_t i = 0; i <= ChunkedDecoder::kMaxTrailers; ++i) {
    many += "x-amz-meta-" + std::to_string(i) + ":v\r\n";
  }
  ChunkedDecoder decoder = TrailerDecoder(e.context);
  std::string out;
  EXPECT_FALSE(decoder.Feed(many, &out).has_value());
  // Truncated inside the trailers: an error at Finish.
  for (size_t cut : {trailers, trailers + 10, body.size() - 20}) {
    ChunkedDecoder truncated = TrailerDecoder(e.context);
    ASSERT_TRUE(truncated.Feed(std::string_view(body).substr(0, cut), &out).has_value());
    EXPECT_FALSE(truncated.Finish().has_value()) << cut;
  }
  // The plain form's decoder does not take a trailer body, and vice versa.
  ChunkedDecoder plain(e.context);
  EXPECT_FALSE(plain.Feed(body, &out).has_value() && plain.Finish().has_value());
}

// Trailers are canonicalised (lowercase names, trimmed values, sorted), so their order and
// the case of their names on the wire do not change the signature.
TEST(ChunkedTrailer, SignatureIsOverCanonicalTrailers) {
  Example e = SignTrailerExample();
  EXPECT_EQ(TrailerSignature(e.context, kTrailerFinal, {{"x-amz-checksum-crc32c", "sOO8/Q=="}}),
            kTrailerSignature);
  EXPECT_EQ(TrailerSignature(e.context, kTrailerFinal, {{"X-Amz-Checksum-CRC32C", " sOO8/Q== "}}),
            kTrailerSignature);
  EXPECT_EQ(TrailerSignature(e.context, kTrailerFinal, {{"b", "2"}, {"a", "1"}}),
            TrailerSignature(e.context, kTrailerFinal, {{"a", "1"}, {"b", "2"}}));
  ChunkedEncoder encoder(e.context);
  std::string body = encoder.Chunk("hello");
  body += encoder.FinalWithTrailers({{"x-amz-b", "2"}, {"x-amz-a", "1"}});
  ChunkedDecoder decoder = TrailerDecoder(e.context);
  std::string out;
  ASSERT_TRUE(decoder.Feed(body, &out).has_value());
  ASSERT_TRUE(decoder.Finish().has_value());
  EXPECT_EQ(out, "hello");
  EXPECT_EQ(decoder.Trailer("x-amz-a"), "1");
  EXPECT_EQ(decoder.trailers().size(), 2u);
}

}  // namespace
}  // namespace sf::auth
