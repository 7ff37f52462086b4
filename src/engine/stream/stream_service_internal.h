#pragma once
// The in-memory state of StreamService; shared by its implementation files only.

#include <memory>
#include <mutex>
#include <vector>

#include "engine/stream/stream_service.h"

namespace sf::engine {

// Throughput limits per shard (Kinesis Data Streams quotas).
inline constexpr double kWriteBytesPerSecond = 1024 * 1024;
inline constexpr double kWriteRecordsPerSecond = 1000;
inline constexpr double kReadBytesPerSecond = 2 * 1024 * 1024;
inline constexpr double kReadCallsPerSecond = 5;

struct StreamService::Shard {
  ShardMeta meta;
  std::string id;  // meta.id(), formatted once
  std::shared_ptr<ShardLog> log;
  // When the active segment was last sealed for retention, and what had been appended then;
  // used by EnforceRetention only, which runs one call at a time.
  int64_t sealed_ms = 0;
  uint64_t sealed_at_sequence = 0;
  ShardCounters counters;
  std::mutex throttle_mu;  // guards the buckets
  TokenBucket write_bytes, write_records, read_bytes, read_calls;

  Shard(ShardMeta m, std::shared_ptr<ShardLog> l, int64_t now_ms)
      : meta(std::move(m)),
        id(meta.id()),
        log(std::move(l)),
        sealed_ms(now_ms),
        write_bytes(kWriteBytesPerSecond, now_ms),
        write_records(kWriteRecordsPerSecond, now_ms),
        read_bytes(kReadBytesPerSecond, now_ms),
        read_calls(kReadCallsPerSecond, now_ms) {}
};

struct StreamService::Stream {
  StreamMeta meta;
  std::vector<std::unique_ptr<Shard>> shards;  // by index; meta.shards[i] mirrors shards[i]->meta
  // Open shards ordered by starting hash key, for routing.
  std::vector<Shard*> routing;

  void RebuildRouting();
  Shard* Route(HashKey key) const;  // the open shard whose range holds `key`
};

}  // namespace sf::engine
