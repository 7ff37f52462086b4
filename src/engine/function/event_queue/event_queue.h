#pragma once
// EventQueue: Lambda's asynchronous invocation (InvocationType Event) as the engine runs it.
//
// Enqueue writes the event to the EventStore and returns its request id once it is on disk
// (the caller answers 202 then), so queued events survive an engine restart and run after it,
// as AWS's durable queue does; an event that was running when the engine stopped or crashed is
// run again (at least once, as on AWS). A dispatcher thread hands due events to the Runtime,
// at most the function's concurrency of them at once, with the event's own request id on every
// attempt (context.aws_request_id is the id the Invoke call returned, retries included):
//   - success: the event is removed;
//   - a function error (an error answer, a timeout, a crash, an init error): retried after
//     1 minute, then after 2 more, up to MaximumRetryAttempts (default 2), then dropped;
//   - throttled (no concurrency, reserved concurrency 0): retried with a backoff doubling from
//     1 second to 5 minutes, not counted as an attempt;
//   - older than MaximumEventAgeInSeconds (default 6 hours) when due, or the function gone
//     (deleted): dropped.
// Times are the engine's Clock, so a test on a virtual clock drives retries and expiry by
// moving it; the dispatcher re-reads the clock at least every `poll` while events wait.
// Dropped events are logged (warning: function, request id, why, the last error) and counted;
// destinations (OnSuccess/OnFailure) and dead-letter queues are not supported.
//
// Thread-safe. Start after everything `resolve` reaches is ready; Stop (or destruction)
// before the Runtime is destroyed: results that arrive after Stop are ignored, so what was
// running stays queued on disk. Destroy it only after the Runtime, whose callbacks it receives.

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "base/clock.h"
#include "base/logger.h"
#include "base/result.h"
#include "engine/function/event_queue/event_store.h"
#include "engine/function/runtime.h"

namespace sf::engine::function {

struct EventQueueOptions {
  std::string data_dir;          // the store: <data_dir>/function_events.db
  const Clock* clock = nullptr;  // required; not owned
  Runtime* runtime = nullptr;    // required; not owned
  // The function's spec as it is now; nullopt when the function no longer exists. Called on the
  // dispatcher thread, never with the queue's lock held.
  std::function<std::optional<FunctionSpec>(const std::string& function)> resolve;
  Logger* logger = nullptr;  // dropped events; may be null
  std::chrono::milliseconds poll{200};
};

// Lambda's asynchronous-invocation metrics (AWS/Lambda) for one function since the engine
// started; `queued` is now.
struct EventQueueMetrics {
  std::string function;
  uint64_t received = 0;  // AsyncEventsReceived: events enqueued
  uint64_t dropped = 0;   // AsyncEventsDropped: events given up (retries spent, too old, gone)
  uint64_t waiting = 0;   // events waiting for their time (a retry) or for concurrency
  uint64_t running = 0;   // events handed to the Runtime, not yet settled
};

class EventQueue {
 public:
  // Opens the store and loads what it holds; dispatching waits for Start.
  static Result<std::unique_ptr<EventQueue>> Open(EventQueueOptions options);
  ~EventQueue();  // Stop
  EventQueue(const EventQueue&) = delete;
  EventQueue& operator=(const EventQueue&) = delete;

  void Start();
  // Stops dispatching and waits for the dispatcher; idempotent.
  void Stop();

  // Queues an event for `function` (its payload already validated): its request id, once it is
  // on disk; kIo when it could not be written.
  Result<std::string> Enqueue(const std::string& function, std::string payload);
  // Forgets the function's events and configuration (DeleteFunction).
  Status DropFunction(const std::string& function);

  // The stored configuration (last_modified_ms is set to now by Put).
  std::optional<EventInvokeConfig> GetConfig(const std::string& function) const;
  Result<EventInvokeConfig> PutConfig(const std::string& function, EventInvokeConfig config);
  // false when there was none.
  Result<bool> DeleteConfig(const std::string& function);

  std::vector<EventQueueMetrics> Metrics() const;

 private:
  struct Completion {
    std::string id;
    std::optional<InvokeResult> result;  // nullopt: the function no longer exists
  };
  struct Lane {                               // one function's events
    std::multimap<int64_t, std::string> due;  // due_ms -> id, of the events not running
    int running = 0;
    int limit = 1;  // the function's concurrency when last resolved (at least 1)
    uint64_t received = 0, dropped = 0;
  };

  EventQueue(EventQueueOptions options, std::unique_ptr<EventStore> store);
  void Run();
  // With mu_ held: applies finished attempts and takes the due events (marked running).
  void Settle(std::vector<Completion> completions, int64_t now);
  std::vector<QueuedEvent> TakeDue(int64_t now);
  void Dispatch(const QueuedEvent& event);
  // With mu_ held: requeues `event` at `due_ms` (persisted), or drops it when that is past its
  // maximum age.
  void Retry(QueuedEvent& event, int64_t due_ms, const std::string& last_error);
  void DropEvent(const std::string& id, const std::string& why, const std::string& last_error);
  const EventInvokeConfig& ConfigOf(const std::string& function) const;
  void Persist(Status status, const std::string& what);

  const EventQueueOptions options_;
  const std::unique_ptr<EventStore> store_;
  mutable std::mutex mu_;
  std::condition_variable wake_;
  std::map<std::string, QueuedEvent> events_;  // by id
  std::map<std::string, Lane> lanes_;          // by function
  std::map<std::string, EventInvokeConfig> configs_;
  std::vector<Completion> completions_;
  bool started_ = false;
  bool stopping_ = false;
  std::thread dispatcher_;
};

}  // namespace sf::engine::function
