#pragma once
// A bounded set of sealed segments' sparse indexes, least recently used evicted.

#include <cstddef>
#include <cstdint>
#include <list>
#include <memory>
#include <unordered_map>
#include <utility>

#include "engine/log/segment_index.h"

namespace sf::engine {

// Keyed by the segment's first sequence. Holds at most `max_indexes` indexes and at most
// `max_bytes` of them (SegmentIndex::memory_bytes); an index larger than that on its own is
// not kept. Indexes are shared and immutable: a reader keeps using one after it is evicted
// until it lets go, so eviction never breaks a read in progress.
// Not thread-safe: ShardLog calls it under its index mutex.
class IndexCache {
 public:
  IndexCache(size_t max_indexes, size_t max_bytes)
      : max_indexes_(max_indexes), max_bytes_(max_bytes) {}

  // The cached index for `key` (now the most recently used), or null.
  std::shared_ptr<const SegmentIndex> Get(uint64_t key);
  // Adds or replaces the index for `key`, then evicts down to the bounds.
  void Put(uint64_t key, std::shared_ptr<const SegmentIndex> index);
  void Erase(uint64_t key);

  size_t count() const { return map_.size(); }
  size_t bytes() const { return bytes_; }

 private:
  using Entry = std::pair<uint64_t, std::shared_ptr<const SegmentIndex>>;
  void EvictToBounds();
  void EraseAt(std::list<Entry>::iterator it);

  const size_t max_indexes_;
  const size_t max_bytes_;
  size_t bytes_ = 0;
  std::list<Entry> lru_;  // most recently used first
  std::unordered_map<uint64_t, std::list<Entry>::iterator> map_;
};

}  // namespace sf::engine
