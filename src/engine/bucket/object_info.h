#pragma once
// What the store keeps about an object besides its bytes.

#include <cstdint>
#include <map>
#include <string>

namespace sf::engine {

// The headers S3 stores with an object. Empty strings are "not set".
struct ObjectMetadata {
  std::string content_type;
  std::string content_encoding;
  std::string cache_control;
  std::string content_disposition;
  // x-amz-meta-* headers: names lowercase and without the "x-amz-meta-" prefix.
  std::map<std::string, std::string> user;
  bool operator==(const ObjectMetadata&) const = default;
};

// `metadata` with user names lowercased and any "x-amz-meta-" prefix removed (names are
// case-insensitive in S3; a later duplicate wins).
ObjectMetadata NormalizeMetadata(const ObjectMetadata& metadata);

struct ObjectInfo {
  std::string key;
  uint64_t size = 0;
  std::string etag;  // quoted, as S3 sends it: "\"<md5 hex>\"" or "\"<hex>-<parts>\""
  int64_t last_modified_ms = 0;
  ObjectMetadata metadata;
  uint32_t part_count = 0;  // 0 for a single-part object
};

}  // namespace sf::engine
