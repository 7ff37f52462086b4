#pragma once
// What the engine knows about a stream apart from its records: shards, hash ranges, lineage,
// retention, tags. Plain data, persisted by MetadataStore.

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "engine/stream/hash_key.h"

namespace sf::engine {

struct ShardMeta {
  uint32_t index = 0;  // shardId-%012d
  std::optional<uint32_t> parent;
  std::optional<uint32_t> adjacent_parent;
  HashKey starting_hash_key = 0;
  HashKey ending_hash_key = 0;
  int64_t created_ms = 0;
  // Set when the shard is closed by a reshard: one past its last sequence index, and the
  // arrival time of its last record (for its EndingSequenceNumber).
  std::optional<uint64_t> closed_at;
  int64_t closed_last_arrival_ms = 0;

  bool open() const { return !closed_at.has_value(); }
  std::string id() const;
};

enum class StreamMode { kProvisioned, kOnDemand };

struct StreamMeta {
  std::string name;
  int64_t created_ms = 0;
  // Random, per creation: tells apart streams re-created under the same name, even within one
  // millisecond (iterators carry it). Streams stored before it existed use created_ms.
  uint64_t incarnation = 0;
  StreamMode mode = StreamMode::kProvisioned;
  int retention_hours = 24;
  std::vector<ShardMeta> shards;  // every shard ever, by index
  std::map<std::string, std::string> tags;
  std::vector<int64_t> reshard_times_ms;  // UpdateShardCount calls, for the 10-per-24h limit
  std::optional<bool> throttling;         // per-stream override of the engine default

  uint32_t next_shard_index() const { return static_cast<uint32_t>(shards.size()); }
  std::vector<const ShardMeta*> OpenShards() const;
  const ShardMeta* FindShard(const std::string& shard_id) const;
};

// "shardId-000000000007" -> 7; nullopt for anything else.
std::optional<uint32_t> ParseShardId(const std::string& shard_id);
std::string ShardIdOf(uint32_t index);

}  // namespace sf::engine
