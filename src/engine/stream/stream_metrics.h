#pragma once
// Per-shard counters in CloudWatch's names (IncomingBytes, IncomingRecords, GetRecords.Bytes,
// GetRecords.Records, GetRecords.IteratorAgeMilliseconds, WriteProvisionedThroughputExceeded,
// ReadProvisionedThroughputExceeded). Counters only grow; the alarms layer turns them into
// per-period statistics. Updated lock-free from the record paths.

#include <atomic>
#include <cstdint>
#include <string>
#include <vector>

namespace sf::engine {

struct ShardCounters {
  std::atomic<uint64_t> incoming_bytes{0};
  std::atomic<uint64_t> incoming_records{0};
  std::atomic<uint64_t> get_records_bytes{0};
  std::atomic<uint64_t> get_records_records{0};
  std::atomic<uint64_t> get_records_calls{0};
  std::atomic<int64_t> iterator_age_ms{0};   // of the latest GetRecords on this shard (a gauge)
  std::atomic<uint64_t> write_throttled{0};  // records refused
  std::atomic<uint64_t> read_throttled{0};   // calls refused
};

struct ShardMetricsSnapshot {
  std::string shard_id;
  bool open = true;
  uint64_t incoming_bytes, incoming_records, get_records_bytes, get_records_records,
      get_records_calls, write_throttled, read_throttled;
  int64_t iterator_age_ms;
  uint64_t log_bytes;  // on disk
};

struct StreamMetricsSnapshot {
  std::string stream;
  std::vector<ShardMetricsSnapshot> shards;
};

}  // namespace sf::engine
