#pragma once
// EventStore: the durable half of the asynchronous invocation queue (event_queue.h) -- the
// queued events and the functions' event-invoke configurations, in SQLite at
// <data dir>/function_events.db (WAL, synchronous=FULL: a call that returns success is on disk).
//
// Thread-safe: calls are serialised on one connection. It holds no state in memory; the queue
// keeps its own copy and writes every change through.

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "base/result.h"

namespace sf::engine::sqlite {
class Db;
}

namespace sf::engine::function {

// PutFunctionEventInvokeConfig's settings for one function ($LATEST). Unset: Lambda's defaults.
struct EventInvokeConfig {
  static constexpr int kDefaultRetryAttempts = 2;
  static constexpr int kDefaultMaxAgeSeconds = 21600;  // 6 hours

  std::optional<int> maximum_retry_attempts;     // 0-2
  std::optional<int> maximum_event_age_seconds;  // 60-21600
  int64_t last_modified_ms = 0;

  int RetryAttempts() const { return maximum_retry_attempts.value_or(kDefaultRetryAttempts); }
  int64_t MaxAgeMs() const {
    return int64_t{maximum_event_age_seconds.value_or(kDefaultMaxAgeSeconds)} * 1000;
  }
};

// One queued event. `id` is its request id, kept across retries.
struct QueuedEvent {
  std::string id;
  std::string function;
  std::string payload;
  int64_t enqueued_ms = 0;  // by the engine's Clock
  int64_t due_ms = 0;       // not to be invoked before
  int attempts = 0;         // attempts that ended in a function error
  int throttles = 0;        // attempts throttled since the last function error (for backoff)
};

class EventStore {
 public:
  // Opens (creating) <data_dir>/function_events.db.
  static Result<std::unique_ptr<EventStore>> Open(const std::string& data_dir);
  ~EventStore();
  EventStore(const EventStore&) = delete;
  EventStore& operator=(const EventStore&) = delete;

  // Every queued event, oldest first, and every configuration.
  Result<std::vector<QueuedEvent>> LoadEvents();
  Result<std::map<std::string, EventInvokeConfig>> LoadConfigs();

  // Insert, or update the retry state (due_ms, attempts, throttles) of, an event.
  Status Put(const QueuedEvent& event);
  Status Remove(const std::string& id);
  // Every event and the configuration of `function` (the function was deleted).
  Status RemoveFunction(const std::string& function);

  Status PutConfig(const std::string& function, const EventInvokeConfig& config);
  Status RemoveConfig(const std::string& function);

 private:
  explicit EventStore(std::unique_ptr<sqlite::Db> db);

  std::mutex mu_;
  std::unique_ptr<sqlite::Db> db_;  // guarded by mu_
};

}  // namespace sf::engine::function
