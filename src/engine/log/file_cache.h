#pragma once
// A bounded set of open read-only descriptors for sealed segments, least recently used evicted.

#include <cstddef>
#include <cstdint>
#include <list>
#include <memory>
#include <string>
#include <unordered_map>
#include <utility>

#include "base/result.h"
#include "engine/log/posix_file.h"

namespace sf::engine {

// Keyed by the segment's first sequence. Handles are shared: a reader keeps its descriptor open
// after eviction or Erase until it lets go, so eviction never breaks a read in progress.
// Not thread-safe: ShardLog calls it under its state mutex.
class FileCache {
 public:
  explicit FileCache(size_t capacity) : capacity_(capacity == 0 ? 1 : capacity) {}

  // The cached descriptor for `key`, or `path` opened read-only (evicting the oldest).
  Result<std::shared_ptr<const File>> Get(uint64_t key, const std::string& path);
  // Adds an already open descriptor (a segment that was just sealed).
  void Put(uint64_t key, std::shared_ptr<const File> file);
  void Erase(uint64_t key);
  size_t size() const { return map_.size(); }

 private:
  using Entry = std::pair<uint64_t, std::shared_ptr<const File>>;
  void EvictToCapacity();

  size_t capacity_;
  std::list<Entry> lru_;  // most recently used first
  std::unordered_map<uint64_t, std::list<Entry>::iterator> map_;
};

}  // namespace sf::engine
