#include "engine/log/index_cache.h"

namespace sf::engine {

std::shared_ptr<const SegmentIndex> IndexCache::Get(uint64_t key) {
  auto it = map_.find(key);
  if (it == map_.end()) return nullptr;
  lru_.splice(lru_.begin(), lru_, it->second);
  return it->second->second;
}

void IndexCache::Put(uint64_t key, std::shared_ptr<const SegmentIndex> index) {
  Erase(key);
  bytes_ += index->memory_bytes();
  lru_.emplace_front(key, std::move(index));
  map_[key] = lru_.begin();
  EvictToBounds();
}

void IndexCache::Erase(uint64_t key) {
  if (auto it = map_.find(key); it != map_.end()) EraseAt(it->second);
}

void IndexCache::EraseAt(std::list<Entry>::iterator it) {
  bytes_ -= it->second->memory_bytes();
  map_.erase(it->first);
  lru_.erase(it);
}

void IndexCache::EvictToBounds() {
  while (!lru_.empty() && (lru_.size() > max_indexes_ || bytes_ > max_bytes_)) {
    EraseAt(std::prev(lru_.end()));
  }
}

}  // namespace sf::engine
