#pragma once
// S3's flexible checksums (x-amz-checksum-crc32 / crc32c / crc64nvme / sha1 / sha256): the
// digest of an object's bytes computed as they stream, in S3's form (base64 of the big-endian
// digest), so a PUT whose body does not match the checksum its client sent is refused
// (BadDigest) before anything is stored. Not thread-safe: one per request.

#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace sf::engine::s3 {

class Checksum {
 public:
  virtual ~Checksum() = default;
  virtual void Update(std::string_view data) = 0;
  // base64 of the digest of everything updated.
  virtual std::string Finish() = 0;

  // The checksum for `algorithm` ("crc32", "CRC32C", "sha256", ... case-insensitive), or
  // nullptr when S3 has no such algorithm.
  static std::unique_ptr<Checksum> For(std::string_view algorithm);
};

// "x-amz-checksum-<algorithm>" -> "<algorithm>" (lowercase); nullopt for other names.
std::optional<std::string> ChecksumAlgorithmOfHeader(std::string_view header_name);

}  // namespace sf::engine::s3
