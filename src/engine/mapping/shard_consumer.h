#pragma once
// One mapping's consumer of one shard: a thread that follows the shard from its checkpoint,
// batches records, invokes the function and checkpoints what it processed, with Lambda's
// semantics for Kinesis sources (../shared/reference/streaming.md):
//
//   Position. It takes the shard's lease (MappingStore::TakeLease), then starts after the
//   checkpoint; with none, at the mapping's starting position (a child shard: TRIM_HORIZON).
//   A child starts only once every parent is ended (SHARD_END), so a key's records are
//   processed in order across a reshard.
//   Batching. A batch is invoked when it holds BatchSize records, when the batching window
//   has passed since its first record was read, when its event would pass 6 MB, or at once
//   with no window. New records wake it through `wakeup` (pushed by the log), not a poll.
//   Parallelization. With a factor N > 1 a round takes up to N x BatchSize records and splits
//   them into N lanes by a hash of the partition key; lanes run concurrently, each in order,
//   and the shard is checkpointed when the whole round is done: a key's records are never
//   processed concurrently or out of order. (A lane that keeps failing holds the round.)
//   Failures. A failed batch is bisected when BisectBatchOnFunctionError is on (splits do not
//   use up retries), else retried up to MaximumRetryAttempts (-1: until the records expire)
//   with a backoff; records older than MaximumRecordAgeInSeconds (-1: the stream's retention)
//   are not sent. What is given up goes to the on-failure destination as AWS's on-failure
//   record, then the shard moves on. Partial failures (ReportBatchItemFailures) keep what
//   succeeded and retry from the lowest failed record. Throttles retry without counting.
//   Every failure is written to the function's log.
//   Tumbling windows. Records are grouped into windows aligned to multiples of the window on
//   their arrival time; each invocation carries the window and the state the last one
//   returned, and once the engine clock passes the window's end a final invocation with no
//   records closes it. The state is checkpointed with the sequence. Over 1 MB of state ends
//   the window early (a final invocation with isWindowTerminatedEarly). Windows use one lane.
//
// Delivery is at least once: the checkpoint moves only after the function has succeeded on
// (or given up) every record before it, and a consumer stopped mid-batch leaves the batch to
// be sent again by the next one.

#include <atomic>
#include <deque>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <thread>
#include <vector>

#include "engine/mapping/batch_verdict.h"
#include "engine/mapping/consumer_env.h"
#include "engine/mapping/kinesis_event.h"
#include "engine/mapping/mapping_config.h"

namespace sf::engine::mapping {

// The largest event a batch may make (Lambda's synchronous payload limit).
inline constexpr size_t kMaxEventBytes = 6291456;
// The largest tumbling-window state kept (beyond it the window ends early).
inline constexpr size_t kMaxWindowStateBytes = 1 << 20;

class ShardConsumer {
 public:
  // `parents`: the shard's parent ids (none for an original shard).
  ShardConsumer(MappingConfig config, std::string shard_id, std::vector<std::string> parents,
                const ConsumerEnv& env, std::shared_ptr<Wakeup> wakeup,
                std::shared_ptr<MappingStats> stats);
  ~ShardConsumer();  // RequestStop, then joins
  ShardConsumer(const ShardConsumer&) = delete;
  ShardConsumer& operator=(const ShardConsumer&) = delete;

  void Start();
  // Asks the thread to stop: an invocation in flight is abandoned (its batch is not
  // checkpointed, so the next consumer sends it again).
  void RequestStop();
  bool finished() const { return finished_.load(); }
  bool ended() const { return ended_.load(); }  // finished because the shard reached its end
  const std::string& shard_id() const { return shard_id_; }

 private:
  struct Work {
    std::span<const RecordOut> records;
    int attempts = 0;  // failed attempts counted against MaximumRetryAttempts
    int invokes = 0;
  };

  void Run();
  bool stopping() const { return stop_.load(std::memory_order_acquire); }
  // Sleeps up to `ms`, returning early when stopped or woken.
  void Pause(int64_t ms);
  bool TakeLease();
  bool WaitForParents();
  bool OpenIterator();
  // Reads up to `want` more records into the buffer; false on an error that ends the thread.
  bool Fetch(size_t want);
  // Processes one round from the front of the buffer and checkpoints it.
  bool Round();
  // One lane's records, in batches within BatchSize and 6 MB; false when stopped.
  bool ProcessLane(std::span<const RecordOut> records);
  // One batch, with retries, bisection and discards; false when stopped.
  bool ProcessBatch(std::span<const RecordOut> records);
  // Closes the open tumbling window with a final invocation; false when stopped.
  bool CloseWindow(bool terminated_early);
  // The function's spec, waiting while it does not exist; nullopt when stopped.
  std::optional<function::FunctionSpec> ResolveSpec();
  // Invokes and waits; nullopt when stopped first (the invocation is abandoned).
  std::optional<function::InvokeResult> Invoke(const function::FunctionSpec& spec,
                                               const std::string& payload);
  void Discard(std::span<const RecordOut> records, DiscardCondition condition, int invokes,
               const std::string& request_id, const std::string& function_error);
  bool Checkpoint(const std::string& sequence, bool ended);
  void LogToFunction(const std::string& line);
  int64_t WindowOf(int64_t arrival_ms) const;

  const MappingConfig config_;
  const std::string shard_id_;
  const std::vector<std::string> parents_;
  const ConsumerEnv env_;
  const std::shared_ptr<Wakeup> wakeup_;
  const std::shared_ptr<MappingStats> stats_;
  EventSource source_;
  int64_t max_age_ms_ = 0;  // records older than this are discarded

  ShardCheckpoint checkpoint_;
  std::optional<std::string> iterator_;
  std::string last_read_;  // sequence number of the newest record read into the buffer
  std::deque<RecordOut> buffer_;
  size_t buffered_bytes_ = 0;
  bool closed_ = false;   // the shard ends after what is buffered
  std::mutex window_mu_;  // guards the window state while lanes run

  std::atomic<bool> stop_{false};
  std::atomic<bool> finished_{false};
  std::atomic<bool> ended_{false};
  std::thread thread_;
};

}  // namespace sf::engine::mapping
