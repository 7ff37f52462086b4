#pragma once
// The durable half of event-source mappings: <data dir>/mappings.db (SQLite, WAL,
// synchronous=FULL, so a checkpoint is on disk when the call returns) holds each mapping's
// configuration and, per shard, its lease and checkpoint, in the KCL's model:
//   - sequence: the last record the function processed ("" when none yet: the consumer starts
//     at the mapping's starting position; kFromShardStart: at the shard's first record);
//   - ended: the shard is closed and every record in it was processed (SHARD_END), so its
//     children may start;
//   - lease: a counter taken by the consumer that owns the shard; every checkpoint names the
//     counter it holds and is refused once another consumer took the lease, so a consumer
//     replaced after an update or a restart can never move a checkpoint back or forth;
//   - the tumbling window open at the checkpoint: its start and the state the function
//     returned last, written in the same statement as the checkpoint.
// Thread-safe (one mutex around the connection).

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "base/result.h"
#include "engine/mapping/mapping_config.h"
#include "engine/stack/sqlite_db.h"

namespace sf::engine::mapping {

// A checkpoint sequence meaning "from the shard's first record": what a LATEST mapping's
// shards that were empty at its creation are seeded with.
inline constexpr char kFromShardStart[] = "TRIM_HORIZON";

struct ShardCheckpoint {
  std::string shard_id;
  std::string sequence;  // the last record processed; "" when none yet
  bool ended = false;    // SHARD_END
  int64_t lease = 0;
  int64_t window_start_ms = 0;  // the open tumbling window (0 when none)
  std::string window_state;     // its state as JSON ("" when none)
};

class MappingStore {
 public:
  static Result<std::unique_ptr<MappingStore>> Open(const std::string& data_dir);

  Result<std::vector<MappingConfig>> LoadAll() const;
  Status Put(const MappingConfig& config);  // inserts or replaces
  Status Remove(const std::string& uuid);   // the mapping and its checkpoints

  // Every shard checkpoint of the mapping, by shard id.
  Result<std::map<std::string, ShardCheckpoint>> Checkpoints(const std::string& uuid) const;
  // Seeds checkpoints for shards that have none (LATEST: the position at creation). Existing
  // rows are kept.
  Status Seed(const std::string& uuid, const std::map<std::string, std::string>& sequences);
  // Takes the shard's lease: creates the row if absent, increments its counter, and returns
  // the row as it is now.
  Result<ShardCheckpoint> TakeLease(const std::string& uuid, const std::string& shard_id);
  // Writes `checkpoint` (sequence, ended, window) if its lease counter is still the row's:
  // true when written, false when another consumer has taken the lease since.
  Result<bool> Save(const std::string& uuid, const ShardCheckpoint& checkpoint);

 private:
  explicit MappingStore(std::unique_ptr<sqlite::Db> db) : db_(std::move(db)) {}
  mutable std::mutex mu_;
  std::unique_ptr<sqlite::Db> db_;
};

}  // namespace sf::engine::mapping
