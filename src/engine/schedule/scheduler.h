#pragma once
// The Scheduler fires the engine's scheduled rules on the engine's clock.
//
// RunDue finds every occurrence due at the clock's now (for each enabled rule with a
// ScheduleExpression: the occurrences after max(since_ms, last_fire_ms), rule_store.h), records
// them (RuleStore::RecordFires, one transaction) and only then delivers them, all rules'
// occurrences together in time order (ties by rule name). Each occurrence sends one Scheduled
// Event (scheduled_event.h) to every target of the rule through `deliver`. Recording first
// makes delivery at most once: an engine that crashes between the two loses the fire rather
// than repeating it after a restart.
//
// Catch-up cap. A clock that jumps many periods at once (a virtual clock advanced by a day
// under a rate(1 minute) rule) fires each occurrence, up to `max_catch_up` per rule per RunDue;
// the rest up to now are skipped, logged ("schedule catch-up capped") and counted.
//
// When RunDue runs: on the real clock, a background thread (Start) sleeps until the next
// occurrence of any rule (at most `max_sleep_ms`, so a changed wall clock is noticed) and on
// Wake (the rules changed). On a virtual clock the engine calls RunDue after every clock move,
// before answering the move, so a test sees each fire handed to its target by then; the thread
// still checks every `max_sleep_ms`, which finds nothing new.
//
// Counters per rule, as EventBridge's CloudWatch metrics name them: TriggeredRules (occurrences
// fired), Invocations (deliveries accepted), FailedInvocations (deliveries refused: `deliver`
// returned false and said why in the log), and catch-ups capped.
//
// Thread-safe. RunDue calls are serialised, and `deliver` runs inside them: it must not block
// on a fire's outcome. The store must outlive the scheduler.

#include <condition_variable>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <thread>

#include "base/clock.h"
#include "base/logger.h"
#include "engine/schedule/rule_store.h"

namespace sf::engine::schedule {

// Hands one fire of `rule` to `target`: true when the target accepted it, false when it could
// not be delivered (the deliverer logs why).
using Deliver = std::function<bool(const Rule& rule, const Target& target, std::string payload)>;

struct SchedulerOptions {
  const Clock* clock = nullptr;  // not owned
  bool virtual_clock = false;
  std::string region = "us-east-1";
  std::string account = "000000000000";
  size_t max_catch_up = 100;
  int64_t max_sleep_ms = 60000;
  Logger* logger = nullptr;  // may be null
  Deliver deliver;
};

struct RuleCounters {
  uint64_t triggered = 0;
  uint64_t invocations = 0;
  uint64_t failed_invocations = 0;
  uint64_t catch_up_capped = 0;
};

class Scheduler {
 public:
  Scheduler(RuleStore& rules, SchedulerOptions options);
  ~Scheduler();  // Stop()
  Scheduler(const Scheduler&) = delete;
  Scheduler& operator=(const Scheduler&) = delete;

  void Start();  // the background thread
  // Joins the thread; RunDue does nothing afterwards. Idempotent.
  void Stop();
  // The rules changed: recompute when the next occurrence is.
  void Wake();
  // Fires every occurrence due now; returns how many occurrences fired.
  size_t RunDue();
  // By rule name, for every rule that has fired or failed since the engine started.
  std::map<std::string, RuleCounters> Counters() const;

 private:
  void Loop();
  // How long the thread may sleep: until the earliest next occurrence, at most max_sleep_ms.
  int64_t SleepMs() const;
  void Fire(const Rule& rule, int64_t time_ms);

  RuleStore& rules_;
  const SchedulerOptions options_;
  std::mutex run_mu_;     // serialises RunDue
  bool stopped_ = false;  // guarded by run_mu_
  std::mutex mu_;
  std::condition_variable cv_;
  bool stopping_ = false;  // guarded by mu_
  bool woken_ = false;     // guarded by mu_
  std::thread thread_;
  mutable std::mutex counters_mu_;
  std::map<std::string, RuleCounters> counters_;  // guarded by counters_mu_
};

}  // namespace sf::engine::schedule
