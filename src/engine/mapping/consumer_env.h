#pragma once
// What a shard consumer needs from the engine around it, handed down by MappingService: the
// streams it reads, the store it checkpoints in, the runtime it invokes through, and where
// discarded batches and its log lines go. Kept as plain pointers and functions so the mapping
// module depends on no API layer.

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <string>
#include <string_view>

#include "base/clock.h"
#include "base/logger.h"
#include "engine/api_error.h"
#include "engine/function/runtime.h"
#include "engine/mapping/mapping_store.h"
#include "engine/stream/stream_service.h"

namespace sf::engine::mapping {

// Sends an on-failure record to a destination (a stream or bucket ARN). `shard_id` and
// `uuid` name where it came from (for a bucket's object key).
using FailureSender =
    std::function<ApiResult<void>(const std::string& destination_arn, const std::string& uuid,
                                  const std::string& shard_id, const std::string& record)>;

struct ConsumerEnv {
  StreamService* streams = nullptr;
  MappingStore* store = nullptr;
  function::Runtime* runtime = nullptr;
  // The spec to invoke function `name` with (LambdaApi::LatestSpec).
  std::function<ApiResult<function::FunctionSpec>(const std::string& name)> spec;
  FailureSender send_failure;
  // Appends one line to function `name`'s log (what `streamform logs` shows).
  std::function<void(const std::string& name, std::string_view line)> function_log;
  const Clock* clock = nullptr;
  Logger* logger = nullptr;
  std::string region;
};

// A wake-up signal: a generation that moves on every Notify. Waiters say which generation
// they last saw, so a notification between reading and waiting is never missed.
class Wakeup {
 public:
  uint64_t generation() const { return generation_.load(std::memory_order_acquire); }
  void Notify() {
    {
      std::lock_guard lock(mu_);
      generation_.fetch_add(1, std::memory_order_acq_rel);
    }
    cv_.notify_all();
  }
  // Returns when the generation differs from `seen`, or after `timeout_ms`.
  void Wait(uint64_t seen, int64_t timeout_ms) {
    std::unique_lock lock(mu_);
    cv_.wait_for(lock, std::chrono::milliseconds(timeout_ms),
                 [&] { return generation_.load(std::memory_order_acquire) != seen; });
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  std::atomic<uint64_t> generation_{0};
};

// Counters of one mapping, for GET /metrics and LastProcessingResult. Thread-safe.
struct MappingStats {
  std::atomic<uint64_t> invocations{0};
  std::atomic<uint64_t> failed_invocations{0};
  std::atomic<uint64_t> records_delivered{0};  // records in batches that succeeded
  std::atomic<uint64_t> records_discarded{0};  // sent on failure (or dropped without one)
  std::atomic<int64_t> iterator_age_ms{0};     // of the last record of the latest batch
  std::atomic<bool> problem{false};            // the latest batch failed
  std::atomic<bool> processed{false};          // any batch was invoked
};

}  // namespace sf::engine::mapping
