#pragma once
// Kinesis semantics over shard logs: streams, shards and their hash ranges, routing, sequence
// numbers, iterators, resharding with lineage, retention, throughput limits and metrics. No
// HTTP and no JSON here: the API layer (engine/api/kinesis) maps requests onto these calls,
// and every failure is an ApiError with the type and message AWS sends.
//
// Thread-safety: every method may be called from any thread. Reads and writes of records run
// concurrently (each shard log serialises its own appends); operations that change a stream's
// shape (create, delete, reshard, retention, tags) are exclusive.
//
// Durability: PutRecords appends and returns the logs and sequences that must be synced
// before the caller acknowledges; see Committer.

#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "base/clock.h"
#include "base/result.h"
#include "engine/api_error.h"
#include "engine/log/shard_log.h"
#include "engine/stream/metadata_store.h"
#include "engine/stream/sequence_number.h"
#include "engine/stream/shard_iterator.h"
#include "engine/stream/stream_meta.h"
#include "engine/stream/stream_metrics.h"
#include "engine/stream/throttle.h"

namespace sf::engine {

struct StreamServiceOptions {
  std::string data_dir;  // streams/ and metadata.db go here
  std::string region = "us-east-1";
  std::string account = "000000000000";
  const Clock* clock = nullptr;  // required; not owned
  bool throttling = false;       // per-shard limits for streams that do not set their own
  LogOptions log;
  int max_shards = 500;  // per engine, like the default account limit in a region
};

struct PutEntry {
  std::string_view partition_key;
  std::string_view data;
  std::optional<HashKey> explicit_hash_key;
};

struct PutResult {  // one per entry, in request order
  std::string sequence_number;
  std::string shard_id;
  std::string error_code;  // "" on success
  std::string error_message;
};

// What must be durable before a put is acknowledged: the highest sequence appended per log.
struct SyncTarget {
  std::shared_ptr<ShardLog> log;
  uint64_t sequence;
};

struct PutOutcome {
  std::vector<PutResult> results;
  int failed = 0;
  std::vector<SyncTarget> sync;
};

struct ShardInfo {
  std::string shard_id;
  std::optional<std::string> parent, adjacent_parent;
  HashKey starting_hash_key, ending_hash_key;
  std::string starting_sequence_number;
  std::optional<std::string> ending_sequence_number;
  int64_t created_ms = 0;
  std::optional<int64_t> closed_ms;  // when a reshard closed it (its children's creation)
};

struct StreamInfo {
  std::string name;
  std::string arn;
  std::string status = "ACTIVE";
  StreamMode mode;
  int retention_hours;
  int64_t created_ms;
  int open_shard_count;
  std::vector<ShardInfo> shards;  // every shard, by index
};

struct RecordOut {
  std::string sequence_number;
  int64_t arrival_ms;
  std::string partition_key;
  std::string data;
};

struct ChildShardInfo {
  std::string shard_id;
  std::vector<std::string> parents;
  HashKey starting_hash_key, ending_hash_key;
};

struct GetRecordsOutcome {
  std::vector<RecordOut> records;
  std::optional<std::string> next_iterator;  // none at the end of a closed shard
  int64_t millis_behind_latest = 0;
  std::vector<ChildShardInfo> child_shards;  // at the end of a closed shard
};

enum class IteratorType { kAtSequence, kAfterSequence, kTrimHorizon, kLatest, kAtTimestamp };

class StreamService {
 public:
  static Result<std::unique_ptr<StreamService>> Open(const StreamServiceOptions& options);
  ~StreamService();

  ApiResult<void> CreateStream(const std::string& name, std::optional<int> shard_count,
                               StreamMode mode);
  ApiResult<void> DeleteStream(const std::string& name);
  ApiResult<StreamInfo> DescribeStream(const std::string& name) const;
  std::vector<std::string> ListStreams() const;  // sorted

  ApiResult<PutOutcome> PutRecords(const std::string& name, const std::vector<PutEntry>& entries,
                                   bool single);
  ApiResult<std::string> GetShardIterator(const std::string& name, const std::string& shard_id,
                                          IteratorType type,
                                          const std::optional<std::string>& sequence_number,
                                          std::optional<double> timestamp_seconds);
  ApiResult<GetRecordsOutcome> GetRecords(const std::string& iterator, int limit);
  // The stream a shard iterator of this engine names (its signature checked, not its expiry);
  // nullopt for a token that is not one. For authorizing GetRecords before it runs.
  std::optional<std::string> IteratorStream(std::string_view iterator) const;

  ApiResult<int> UpdateShardCount(const std::string& name, int target);  // returns the old count
  ApiResult<void> SplitShard(const std::string& name, const std::string& shard_id,
                             const std::string& new_starting_hash_key);
  ApiResult<void> MergeShards(const std::string& name, const std::string& shard_id,
                              const std::string& adjacent_shard_id);
  ApiResult<void> SetRetention(const std::string& name, int hours, bool increase);
  ApiResult<void> AddTags(const std::string& name, const std::map<std::string, std::string>& tags);
  ApiResult<void> RemoveTags(const std::string& name, const std::vector<std::string>& keys);
  ApiResult<std::map<std::string, std::string>> ListTags(const std::string& name) const;
  // Per-stream throughput limits: on, off, or nullopt for the engine default.
  ApiResult<void> SetThrottling(const std::string& name, std::optional<bool> enabled);

  // Drops whole segments older than each stream's retention. Called periodically and after
  // the virtual clock moves.
  void EnforceRetention();
  // Makes everything appended to every shard durable.
  void SyncAll();

  // For followers inside the engine (event-source mappings): `listener(stream_name)` is called
  // each time records become visible in one of the stream's shards (LogOptions::on_visible),
  // from the thread that made them visible, with no lock of this service held. It replaces
  // any earlier listener; an empty one removes it. Must be cheap.
  void SetRecordsListener(std::function<void(const std::string& stream_name)> listener);
  // The sequence number of the newest visible record in the shard; nullopt when it has none.
  // ResourceNotFoundException for an unknown stream or shard.
  ApiResult<std::optional<std::string>> LastSequenceNumber(const std::string& name,
                                                           const std::string& shard_id) const;

  std::vector<StreamMetricsSnapshot> Metrics() const;
  const std::string& account() const { return options_.account; }
  const std::string& region() const { return options_.region; }
  std::string StreamArn(const std::string& name) const;

 private:
  struct Shard;
  struct Stream;
  explicit StreamService(const StreamServiceOptions& options);

  Status Load();
  Result<std::unique_ptr<Shard>> OpenShard(const Stream& stream, const ShardMeta& meta) const;
  std::string StreamDirectory(const StreamMeta& meta) const;
  Stream* Find(const std::string& name) const;  // requires mu_
  // The shard `shard_id` of stream `name`; ResourceNotFoundException naming what is missing.
  // Requires mu_.
  ApiResult<const Shard*> FindShard(const std::string& name, const std::string& shard_id) const;
  ApiError NotFound(const std::string& name) const;
  ShardInfo Describe(const Stream& stream, const ShardMeta& shard) const;
  std::string SequenceNumber(const ShardMeta& shard, uint64_t index, int64_t arrival_ms) const;
  static SequenceParts SequenceOf(const ShardMeta& shard, uint64_t index, int64_t arrival_ms);
  bool Throttled(const Stream& stream) const;
  // Closes `parents` and opens children with the given ranges, in one metadata write.
  ApiResult<void> Reshard(Stream& stream, const std::vector<uint32_t>& parents,
                          const std::vector<std::pair<HashKey, HashKey>>& children);
  ApiResult<void> SplitLocked(Stream& stream, uint32_t shard, HashKey at);
  ApiResult<void> MergeLocked(Stream& stream, uint32_t lower, uint32_t upper);
  ApiResult<uint64_t> IteratorStart(const Stream& stream, const Shard& shard, IteratorType type,
                                    const std::optional<std::string>& sequence_number,
                                    std::optional<double> timestamp_seconds) const;

  void NotifyRecords(const std::string& stream_name) const;

  const StreamServiceOptions options_;
  std::unique_ptr<MetadataStore> store_;
  mutable std::mutex listener_mu_;  // guards listener_ (copied out before it is called)
  std::shared_ptr<const std::function<void(const std::string&)>> listener_;
  std::unique_ptr<IteratorCodec> iterators_;
  mutable std::shared_mutex mu_;  // exclusive for shape changes, shared for records
  std::mutex retention_mu_;       // one EnforceRetention at a time
  std::unordered_map<std::string, std::unique_ptr<Stream>> streams_;
};

}  // namespace sf::engine
