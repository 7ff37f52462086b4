#include "engine/stream/stream_meta.h"

#include <cstdio>

namespace sf::engine {

std::string ShardIdOf(uint32_t index) {
  char buffer[32];
  std::snprintf(buffer, sizeof(buffer), "shardId-%012u", index);
  return buffer;
}

std::string ShardMeta::id() const { return ShardIdOf(index); }

std::optional<uint32_t> ParseShardId(const std::string& shard_id) {
  constexpr std::string_view kPrefix = "shardId-";
  if (shard_id.size() != kPrefix.size() + 12 || shard_id.compare(0, kPrefix.size(), kPrefix) != 0) {
    return std::nullopt;
  }
  uint64_t value = 0;
  for (size_t i = kPrefix.size(); i < shard_id.size(); ++i) {
    char c = shard_id[i];
    if (c < '0' || c > '9') return std::nullopt;
    value = value * 10 + static_cast<uint64_t>(c - '0');
  }
  if (value > UINT32_MAX) return std::nullopt;
  return static_cast<uint32_t>(value);
}

std::vector<const ShardMeta*> StreamMeta::OpenShards() const {
  std::vector<const ShardMeta*> open;
  for (const auto& shard : shards) {
    if (shard.open()) open.push_back(&shard);
  }
  return open;
}

const ShardMeta* StreamMeta::FindShard(const std::string& shard_id) const {
  auto index = ParseShardId(shard_id);
  if (!index || *index >= shards.size()) return nullptr;
  return &shards[*index];
}

}  // namespace sf::engine
