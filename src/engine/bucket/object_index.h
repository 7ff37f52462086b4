#pragma once
// The sorted in-memory index of one bucket's objects, and ListObjectsV2 over it.
// Not thread-safe: the owning Bucket guards it with its lock.

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "engine/bucket/store_error.h"

namespace sf::engine {

struct ObjectIndexEntry {
  uint64_t size = 0;
  std::string etag;
  int64_t last_modified_ms = 0;
};

struct ListRequest {
  std::string prefix;
  std::string delimiter;  // "" for none
  std::string start_after;
  std::optional<std::string> continuation_token;  // from a previous ListResult; wins over
                                                  // start_after, as in S3
  int max_keys = 1000;                            // clamped to [0, 1000]
};

struct ListedObject {
  std::string key;
  ObjectIndexEntry entry;
};

struct ListResult {
  std::vector<ListedObject> contents;
  std::vector<std::string> common_prefixes;
  int key_count = 0;  // contents + common prefixes, as S3 counts KeyCount
  bool is_truncated = false;
  std::string next_continuation_token;  // set when is_truncated; opaque to clients
};

class ObjectIndex {
 public:
  // Inserts or replaces; returns the replaced entry's size, if any.
  std::optional<uint64_t> Put(const std::string& key, ObjectIndexEntry entry);
  // Removes; returns the removed entry's size, if any.
  std::optional<uint64_t> Erase(const std::string& key);
  size_t size() const { return entries_.size(); }
  bool empty() const { return entries_.empty(); }

  // ListObjectsV2: keys in byte order. kInvalidArgument for a malformed continuation token.
  StoreResult<ListResult> List(const ListRequest& request) const;

 private:
  // std::string compares as unsigned bytes (char_traits<char>), i.e. UTF-8 byte order.
  std::map<std::string, ObjectIndexEntry> entries_;
};

}  // namespace sf::engine
