#pragma once
// The shard log: the durable, append-only, gap-free sequence of records behind one Kinesis
// shard, kept as segment files in one directory. See README.md for the format and rules.

#include <atomic>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "engine/log/file_cache.h"
#include "engine/log/index_cache.h"
#include "engine/log/segment.h"

namespace sf::engine {

struct LogOptions {
  uint64_t segment_bytes = 64 << 20;     // an append starts a new segment once the active one
                                         // holds this many bytes (a batch is never split)
  uint32_t index_interval_bytes = 4096;  // the sparse index: one entry per this many bytes
  bool visible_after_sync = true;        // readers see only durable records (else: all written)
  size_t open_sealed_files = 16;         // read descriptors kept open for sealed segments
  bool verify_sealed_on_open = false;    // Open checks every frame of sealed segments, not
                                         // just their .idx (a corrupt frame fails Open)
  // Sealed segments keep only a summary in RAM; their sparse indexes are loaded from .idx on
  // demand into a cache of at most this many indexes and this many bytes per log.
  size_t cached_indexes = 8;
  size_t cached_index_bytes = size_t{4} << 20;
  // Called (from the thread that appended or synced, with no lock of the log held) each time
  // records become visible to readers: after a sync moved visible_end(), or after an append
  // when !visible_after_sync. Must be cheap and must not call back into this log's writers.
  // Followers (event-source mappings) use it to wake without polling. May be empty.
  std::function<void()> on_visible;
};

struct AppendRecord {
  std::string_view partition_key;  // at most 65535 bytes
  std::string_view data;
  int64_t arrival_ms = 0;
};

struct LogRecord {
  uint64_t sequence = 0;
  int64_t arrival_ms = 0;
  std::string partition_key;
  std::string data;
};

struct ReadResult {
  std::vector<LogRecord> records;
  uint64_t next_sequence = 0;  // where the next read starts
};

// What Open found and repaired.
struct RecoveryStats {
  uint64_t truncated_bytes = 0;  // cut from the active segment's torn or corrupt tail
  uint32_t rebuilt_indexes = 0;  // sealed segments whose .idx was missing or invalid
};

// Thread-safety: every method may be called from any thread at any time. Appends are serialised
// with each other; reads, seeks and accessors run concurrently with appends and syncs.
//
// Sequences start at 0 in an empty directory, are consecutive and never reused, also after
// DropBefore or a restart. Arrival times come from the caller (the log never reads a clock)
// and are stored non-decreasing: a record older than its predecessor is stored with its
// predecessor's arrival_ms.
//
// After an I/O failure that may have lost acknowledged data (a failed fdatasync, or a failed
// write that could not be undone) the log refuses further appends and syncs with that error;
// reads of what is there still work. Reopen to recover.
class ShardLog {
 public:
  // Opens (creating if needed) the log in `directory`: sealed segments are loaded from their
  // .idx (rebuilt by scanning when missing or invalid; a bad frame found then fails Open with
  // the file and offset); the active segment is scanned and cut at its first torn or invalid
  // frame. Everything recovered is durable and visible when Open returns.
  static Result<std::unique_ptr<ShardLog>> Open(const std::string& directory,
                                                const LogOptions& options);
  ~ShardLog();
  ShardLog(const ShardLog&) = delete;
  ShardLog& operator=(const ShardLog&) = delete;

  // Appends the records in order with consecutive sequences from next_sequence() and returns
  // the first (next_sequence() for an empty batch). One write(2) for the batch; written to the
  // OS, not durable until Sync. kInvalidArgument for an oversized key or record (nothing is
  // appended); kIo if the write fails (nothing is appended).
  Result<uint64_t> Append(std::span<const AppendRecord> records);

  // Returns once every record up to and including `sequence` is durable. Group commit: one
  // caller (the leader) fdatasyncs for everything written so far while later callers wait and
  // are usually covered by it. kInvalidArgument if `sequence` was not appended yet.
  Status Sync(uint64_t sequence);
  // Makes everything appended so far durable.
  Status SyncAll();

  // Records with sequence >= from (from first_sequence() if from is older), at most
  // max_records (> 0) and max_bytes of key + data, but at least one if any is visible.
  // next_sequence is one past the last record returned, or max(from, first_sequence()) when
  // none is. kIo names the file and offset of a corrupt frame.
  Result<ReadResult> Read(uint64_t from, size_t max_records, size_t max_bytes) const;

  // The first visible sequence whose arrival_ms >= t, found through the sparse index and a scan
  // of at most about one index interval; visible_end() if none.
  Result<uint64_t> SeekTimestamp(int64_t t) const;

  uint64_t first_sequence() const;  // oldest retained (== next_sequence() when none is)
  uint64_t next_sequence() const;   // the next one Append assigns
  uint64_t visible_end() const;     // readers see [first_sequence(), visible_end())
  uint64_t durable_end() const;     // every record below this is durable
  int64_t last_arrival_ms() const;  // of the newest record, or 0

  // Deletes, oldest first, whole sealed segments whose newest record arrived before cutoff_ms;
  // never the active segment. Returns how many records were dropped.
  Result<uint64_t> DropBefore(int64_t cutoff_ms);

  // Seals the active segment if it holds any record and starts a new one, so that DropBefore
  // can reach records of a quiet shard. Durable and visible afterwards.
  Status Roll();

  uint64_t size_bytes() const;   // approximate bytes on disk
  size_t segment_count() const;  // including the active segment
  // fdatasyncs done by Sync/SyncAll (not by sealing), for tests and metrics.
  uint64_t sync_count() const { return sync_count_.load(std::memory_order_relaxed); }
  const RecoveryStats& recovery() const { return recovery_; }
  // Sealed segments' sparse indexes held by the index cache, and their bytes (the active
  // segment's index, always in RAM, is not counted; nor is an evicted index a reader still
  // holds), for tests and metrics. Never above cached_indexes / cached_index_bytes.
  size_t resident_index_count() const;
  size_t resident_index_bytes() const;
  // Sealed indexes loaded from .idx (cache misses), and those rebuilt by scanning their segment
  // because the .idx was missing or invalid, since Open.
  uint64_t index_loads() const { return index_loads_.load(std::memory_order_relaxed); }
  uint64_t index_rebuilds() const { return index_rebuilds_.load(std::memory_order_relaxed); }

 private:
  class Recovery;
  struct ReadPart;
  struct ReadPlan;

  ShardLog(std::string directory, const LogOptions& options);

  static constexpr int64_t kNoArrival = INT64_MIN;  // last_arrival_ms_ before any record

  Status CheckHealthy() const;        // requires state_mu_
  uint64_t VisibleEndLocked() const;  // requires state_mu_
  void SetFailure(const Error& error);
  Status SyncTo(uint64_t end);
  void MarkDurable(uint64_t end);
  void NotifyVisible() const;  // calls options_.on_visible when syncs make records visible
  Status RollLocked();         // requires append_mu_
  Result<std::shared_ptr<Segment>> CreateSegment(uint64_t first_sequence);
  SegmentIndex NewIndex(uint64_t first_sequence) const;  // for an active segment
  void Publish(std::span<const AppendRecord> records, uint64_t bytes);
  Result<std::shared_ptr<const File>> ReaderFile(const Segment& segment) const;  // state_mu_
  Result<ReadPlan> PlanRead(uint64_t from, size_t max_records) const;
  Status FindStart(ReadPart* part, uint64_t from) const;  // resolves part->sealed; no locks
  // The sparse index of a sealed segment, from the cache or else its .idx (rebuilt by scanning
  // `file` when missing or invalid). Takes index_mu_ briefly; call without state_mu_.
  Result<std::shared_ptr<const SegmentIndex>> SealedIndex(const Segment& segment,
                                                          const File& file) const;
  Result<SegmentIndex> LoadIndex(const Segment& segment, const File& file) const;
  Result<SegmentIndex> RebuildIndex(const Segment& segment, const File& file) const;
  void CacheIndex(uint64_t first_sequence, std::shared_ptr<const SegmentIndex> index) const;
  std::string SegmentPath(uint64_t first_sequence, std::string_view extension) const;

  const std::string directory_;
  const LogOptions options_;
  RecoveryStats recovery_;  // written by Open only

  // Serialises writers (Append, Roll); held across the write syscall.
  std::mutex append_mu_;
  std::vector<char> buffer_;  // frames being written; guarded by append_mu_

  // Guards what readers see. Held briefly, never across a write or sync. Lock order:
  // append_mu_ before state_mu_. The active segment's index is changed (and, on a roll, moved
  // to the index cache) only with both held, so a holder of either may read it.
  mutable std::mutex state_mu_;
  std::deque<std::shared_ptr<Segment>> segments_;  // oldest first; back() is active
  std::shared_ptr<Segment> active_;                // segments_.back(); changed with both held
  uint64_t next_sequence_ = 0;
  int64_t last_arrival_ms_ = kNoArrival;
  uint64_t size_bytes_ = 0;
  std::optional<Error> failure_;
  mutable FileCache files_;

  // Guards indexes_. Lock order: state_mu_ before index_mu_; never held across I/O.
  mutable std::mutex index_mu_;
  mutable IndexCache indexes_;
  // Serialises rewriting a sealed segment's .idx with DropBefore's unlinking of it, so a
  // dropped segment's .idx is never written back. Held alone, across the file I/O.
  mutable std::mutex rebuild_mu_;
  mutable std::atomic<uint64_t> index_loads_{0};
  mutable std::atomic<uint64_t> index_rebuilds_{0};

  // Group commit. Never held together with the other mutexes.
  std::mutex sync_mu_;
  std::condition_variable sync_cv_;
  bool sync_running_ = false;             // a leader is syncing; guarded by sync_mu_
  std::atomic<uint64_t> durable_end_{0};  // written under sync_mu_
  std::atomic<uint64_t> sync_count_{0};
};

}  // namespace sf::engine
