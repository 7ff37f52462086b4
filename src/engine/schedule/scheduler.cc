#include "engine/schedule/scheduler.h"

#include <algorithm>
#include <chrono>
#include <vector>

#include "engine/function/store/function_store.h"
#include "engine/schedule/schedule_expression.h"
#include "engine/schedule/scheduled_event.h"

namespace sf::engine::schedule {

namespace {

struct Occurrence {
  int64_t time_ms;
  const Rule* rule;
};

// The rule's expression when it is enabled and scheduled; nullopt otherwise.
std::optional<ScheduleExpression> ActiveSchedule(const Rule& rule) {
  if (!rule.settings.enabled || rule.settings.schedule_expression.empty()) return std::nullopt;
  auto parsed = ScheduleExpression::Parse(rule.settings.schedule_expression);
  if (!parsed) return std::nullopt;
  return *parsed;
}

}  // namespace

Scheduler::Scheduler(RuleStore& rules, SchedulerOptions options)
    : rules_(rules), options_(std::move(options)) {}

Scheduler::~Scheduler() { Stop(); }

void Scheduler::Start() {
  thread_ = std::thread([this] { Loop(); });
}

void Scheduler::Stop() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
  std::lock_guard run(run_mu_);
  stopped_ = true;
}

void Scheduler::Wake() {
  {
    std::lock_guard lock(mu_);
    woken_ = true;
  }
  cv_.notify_all();
}

int64_t Scheduler::SleepMs() const {
  if (options_.virtual_clock) return options_.max_sleep_ms;
  int64_t now = options_.clock->NowMs();
  int64_t sleep = options_.max_sleep_ms;
  for (const Rule& rule : rules_.List()) {
    auto schedule = ActiveSchedule(rule);
    if (!schedule) continue;
    auto next = schedule->NextAfter(std::max(rule.since_ms, rule.last_fire_ms), rule.anchor_ms);
    if (next) sleep = std::min(sleep, std::max<int64_t>(0, *next - now));
  }
  return sleep;
}

void Scheduler::Loop() {
  std::unique_lock lock(mu_);
  while (!stopping_) {
    lock.unlock();
    int64_t sleep = SleepMs();
    lock.lock();
    cv_.wait_for(lock, std::chrono::milliseconds(sleep), [&] { return stopping_ || woken_; });
    woken_ = false;
    if (stopping_) break;
    lock.unlock();
    RunDue();
    lock.lock();
  }
}

size_t Scheduler::RunDue() {
  std::lock_guard run(run_mu_);
  if (stopped_) return 0;
  int64_t now = options_.clock->NowMs();
  std::vector<Rule> rules = rules_.List();  // sorted by name
  std::vector<Occurrence> due;
  std::map<std::string, int64_t> fired;
  for (const Rule& rule : rules) {
    auto schedule = ActiveSchedule(rule);
    if (!schedule) continue;
    size_t count = 0;
    for (auto next =
             schedule->NextAfter(std::max(rule.since_ms, rule.last_fire_ms), rule.anchor_ms);
         next && *next <= now; next = schedule->NextAfter(*next, rule.anchor_ms)) {
      if (count == options_.max_catch_up) {
        fired[rule.settings.name] = now;  // the rest up to now are skipped
        if (options_.logger) {
          options_.logger->Warn("schedule catch-up capped", {{"rule", rule.settings.name},
                                                             {"fired", std::to_string(count)},
                                                             {"skipped_from", EventTime(*next)},
                                                             {"skipped_to", EventTime(now)}});
        }
        std::lock_guard counting(counters_mu_);
        ++counters_[rule.settings.name].catch_up_capped;
        break;
      }
      due.push_back({*next, &rule});
      fired[rule.settings.name] = *next;
      ++count;
    }
  }
  if (fired.empty()) return 0;
  if (auto recorded = rules_.RecordFires(fired); !recorded) {
    if (options_.logger) {
      options_.logger->Error("cannot record schedule fires; not firing",
                             {{"error", recorded.error().message}});
    }
    return 0;
  }
  std::stable_sort(due.begin(), due.end(),
                   [](const Occurrence& a, const Occurrence& b) { return a.time_ms < b.time_ms; });
  for (const Occurrence& occurrence : due) Fire(*occurrence.rule, occurrence.time_ms);
  return due.size();
}

void Scheduler::Fire(const Rule& rule, int64_t time_ms) {
  std::string event =
      ScheduledEventJson(function::NewUuid(), options_.account, options_.region, time_ms, rule.arn);
  uint64_t delivered = 0;
  uint64_t failed = 0;
  for (const Target& target : rule.targets) {
    bool accepted =
        options_.deliver && options_.deliver(rule, target, TargetPayload(target, event));
    ++(accepted ? delivered : failed);
  }
  std::lock_guard counting(counters_mu_);
  RuleCounters& counters = counters_[rule.settings.name];
  ++counters.triggered;
  counters.invocations += delivered;
  counters.failed_invocations += failed;
}

std::map<std::string, RuleCounters> Scheduler::Counters() const {
  std::lock_guard counting(counters_mu_);
  return counters_;
}

}  // namespace sf::engine::schedule
