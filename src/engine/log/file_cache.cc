#include "engine/log/file_cache.h"

#include <fcntl.h>

namespace sf::engine {

Result<std::shared_ptr<const File>> FileCache::Get(uint64_t key, const std::string& path) {
  if (auto it = map_.find(key); it != map_.end()) {
    lru_.splice(lru_.begin(), lru_, it->second);
    return it->second->second;
  }
  auto opened = File::Open(path, O_RDONLY);
  if (!opened) return tl::unexpected(opened.error());
  std::shared_ptr<const File> file = std::move(*opened);
  Put(key, file);
  return file;
}

void FileCache::Put(uint64_t key, std::shared_ptr<const File> file) {
  Erase(key);
  lru_.emplace_front(key, std::move(file));
  map_[key] = lru_.begin();
  EvictToCapacity();
}

void FileCache::Erase(uint64_t key) {
  auto it = map_.find(key);
  if (it == map_.end()) return;
  lru_.erase(it->second);
  map_.erase(it);
}

void FileCache::EvictToCapacity() {
  while (lru_.size() > capacity_) {
    map_.erase(lru_.back().first);
    lru_.pop_back();
  }
}

}  // namespace sf::engine
