// S3's flexible checksums against the algorithms' published check values, fed in pieces, and
// the PutObject decoder refusing a body whose declared checksum differs.
#include "engine/api/s3/checksum.h"

#include <gtest/gtest.h>

#include "engine/api/s3/payload_decoder.h"

namespace sf::engine::s3 {
namespace {

std::string Digest(std::string_view algorithm, std::string_view data) {
  auto checksum = Checksum::For(algorithm);
  EXPECT_TRUE(checksum) << algorithm;
  if (!checksum) return "";
  for (size_t i = 0; i < data.size(); i += 2) checksum->Update(data.substr(i, 2));
  return checksum->Finish();
}

TEST(ChecksumTest, CheckValues) {
  EXPECT_EQ(Digest("crc32", "hello world"), "DUoRhQ==");
  EXPECT_EQ(Digest("CRC32C", "123456789"), "4waSgw==");         // 0xE3069283
  EXPECT_EQ(Digest("crc64nvme", "123456789"), "rosUhgp5mIg=");  // 0xAE8B14860A799888
  EXPECT_EQ(Digest("sha1", "hello world"), "Kq5sNclPz7QV2+lfQIuc6R7oRu0=");
  EXPECT_EQ(Digest("sha256", "hello world"), "uU0nuZNNPgilLlLX2n2r+sSE7+N6U4DukIj3rOLvzek=");
  EXPECT_EQ(Checksum::For("md5"), nullptr);
  EXPECT_EQ(ChecksumAlgorithmOfHeader("X-Amz-Checksum-CRC32"), "crc32");
  EXPECT_FALSE(ChecksumAlgorithmOfHeader("x-amz-checksum-type"));
  EXPECT_FALSE(ChecksumAlgorithmOfHeader("x-amz-content-sha256"));
}

std::string Put(HttpHeaders headers, std::string hash, std::string_view body) {
  HttpRequest head;
  head.headers = std::move(headers);
  auth::Authenticated authenticated;
  authenticated.payload_hash = std::move(hash);
  auto decoder = PayloadDecoder::For(head, authenticated);
  if (!decoder) return "refused:" + decoder.error().type;
  if (auto fed = (*decoder)->Feed(body); !fed) return "error:" + fed.error().type;
  if (auto done = (*decoder)->Finish(); !done) return "error:" + done.error().type;
  auto echoed = (*decoder)->checksum_header();
  return echoed ? echoed->first + "=" + echoed->second : "none";
}

TEST(ChecksumTest, DecoderChecksHeaderAndTrailerChecksums) {
  EXPECT_EQ(Put({{"x-amz-checksum-crc32", "DUoRhQ=="}}, "UNSIGNED-PAYLOAD", "hello world"),
            "x-amz-checksum-crc32=DUoRhQ==");
  EXPECT_EQ(Put({{"x-amz-checksum-crc32", "AAAAAA=="}}, "UNSIGNED-PAYLOAD", "hello world"),
            "error:BadDigest");
  EXPECT_EQ(Put({{"x-amz-checksum-sha256", "uU0nuZNNPgilLlLX2n2r+sSE7+N6U4DukIj3rOLvzek="}},
                "UNSIGNED-PAYLOAD", "hello there"),
            "error:BadDigest");
  EXPECT_EQ(Put({{"x-amz-checksum-md5", "x"}}, "UNSIGNED-PAYLOAD", "a"), "refused:InvalidRequest");
  HttpHeaders trailer = {{"x-amz-decoded-content-length", "11"},
                         {"x-amz-trailer", "x-amz-checksum-crc32"}};
  EXPECT_EQ(Put(trailer, "STREAMING-UNSIGNED-PAYLOAD-TRAILER",
                "b\r\nhello world\r\n0\r\nx-amz-checksum-crc32:DUoRhQ==\r\n\r\n"),
            "x-amz-checksum-crc32=DUoRhQ==");
  EXPECT_EQ(Put(trailer, "STREAMING-UNSIGNED-PAYLOAD-TRAILER",
                "b\r\nhello world\r\n0\r\nx-amz-checksum-crc32:AAAAAA==\r\n\r\n"),
            "error:BadDigest");
  EXPECT_EQ(Put(trailer, "STREAMING-UNSIGNED-PAYLOAD-TRAILER", "b\r\nhello world\r\n0\r\n\r\n"),
            "error:InvalidRequest");  // announced, never sent
  EXPECT_EQ(Put({}, "UNSIGNED-PAYLOAD", "no checksum"), "none");
}

}  // namespace
}  // namespace sf::engine::s3
