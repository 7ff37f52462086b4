#include "engine/function/event_queue/event_queue.h"

#include <algorithm>

#include "engine/function/outcomes.h"

namespace sf::engine::function {

namespace {

constexpr int64_t kFirstRetryDelayMs = 60000;    // Lambda: one minute before the first retry
constexpr int64_t kSecondRetryDelayMs = 120000;  // and two more before the second
constexpr int64_t kThrottleBackoffMinMs = 1000;
constexpr int64_t kThrottleBackoffMaxMs = 300000;
constexpr size_t kLoggedErrorBytes = 1024;

int64_t ThrottleBackoffMs(int throttles) {
  int64_t delay = kThrottleBackoffMinMs << std::clamp(throttles - 1, 0, 20);
  return std::min(delay, kThrottleBackoffMaxMs);
}

}  // namespace

EventQueue::EventQueue(EventQueueOptions options, std::unique_ptr<EventStore> store)
    : options_(std::move(options)), store_(std::move(store)) {}

Result<std::unique_ptr<EventQueue>> EventQueue::Open(EventQueueOptions options) {
  auto store = EventStore::Open(options.data_dir);
  if (!store) return tl::unexpected(store.error());
  auto events = (*store)->LoadEvents();
  if (!events) return tl::unexpected(events.error());
  auto configs = (*store)->LoadConfigs();
  if (!configs) return tl::unexpected(configs.error());
  std::unique_ptr<EventQueue> queue(new EventQueue(std::move(options), std::move(*store)));
  queue->configs_ = std::move(*configs);
  for (QueuedEvent& event : *events) {
    queue->lanes_[event.function].due.emplace(event.due_ms, event.id);
    std::string id = event.id;
    queue->events_.emplace(std::move(id), std::move(event));
  }
  return queue;
}

EventQueue::~EventQueue() { Stop(); }

void EventQueue::Start() {
  std::lock_guard lock(mu_);
  if (started_ || stopping_) return;
  started_ = true;
  dispatcher_ = std::thread([this] { Run(); });
}

void EventQueue::Stop() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (dispatcher_.joinable()) dispatcher_.join();
}

Result<std::string> EventQueue::Enqueue(const std::string& function, std::string payload) {
  int64_t now = options_.clock->NowMs();
  QueuedEvent event{NewRequestId(), function, std::move(payload), now, now, 0, 0};
  if (auto written = store_->Put(event); !written) return tl::unexpected(written.error());
  std::string id = event.id;
  {
    std::lock_guard lock(mu_);
    Lane& lane = lanes_[function];
    ++lane.received;
    lane.due.emplace(now, id);
    events_.emplace(id, std::move(event));
  }
  wake_.notify_all();
  return id;
}

Status EventQueue::DropFunction(const std::string& function) {
  {
    std::lock_guard lock(mu_);
    std::erase_if(events_, [&](const auto& entry) { return entry.second.function == function; });
    lanes_.erase(function);
    configs_.erase(function);
  }
  return store_->RemoveFunction(function);
}

std::optional<EventInvokeConfig> EventQueue::GetConfig(const std::string& function) const {
  std::lock_guard lock(mu_);
  auto it = configs_.find(function);
  if (it == configs_.end()) return std::nullopt;
  return it->second;
}

Result<EventInvokeConfig> EventQueue::PutConfig(const std::string& function,
                                                EventInvokeConfig config) {
  config.last_modified_ms = options_.clock->NowMs();
  std::lock_guard lock(mu_);  // held across the write, so configs_ and the store agree
  if (auto written = store_->PutConfig(function, config); !written) {
    return tl::unexpected(written.error());
  }
  configs_[function] = config;
  return config;
}

Result<bool> EventQueue::DeleteConfig(const std::string& function) {
  std::lock_guard lock(mu_);
  if (!configs_.count(function)) return false;
  if (auto removed = store_->RemoveConfig(function); !removed) {
    return tl::unexpected(removed.error());
  }
  configs_.erase(function);
  return true;
}

std::vector<EventQueueMetrics> EventQueue::Metrics() const {
  std::lock_guard lock(mu_);
  std::vector<EventQueueMetrics> out;
  for (const auto& [function, lane] : lanes_) {
    out.push_back({function, lane.received, lane.dropped, lane.due.size(),
                   static_cast<uint64_t>(lane.running)});
  }
  return out;
}

void EventQueue::Run() {
  std::unique_lock lock(mu_);
  while (!stopping_) {
    int64_t now = options_.clock->NowMs();
    Settle(std::exchange(completions_, {}), now);
    std::vector<QueuedEvent> due = TakeDue(now);
    if (!due.empty()) {
      lock.unlock();
      for (const QueuedEvent& event : due) Dispatch(event);
      lock.lock();
      continue;
    }
    // Events waiting for their time are seen within `poll` of it, whichever clock runs.
    bool waiting = std::any_of(lanes_.begin(), lanes_.end(), [](const auto& entry) {
      return !entry.second.due.empty() && entry.second.running < entry.second.limit;
    });
    if (waiting) {
      wake_.wait_for(lock, options_.poll);
    } else {
      wake_.wait(lock);
    }
  }
}

std::vector<QueuedEvent> EventQueue::TakeDue(int64_t now) {
  std::vector<QueuedEvent> out;
  for (auto& [function, lane] : lanes_) {
    while (lane.running < lane.limit && !lane.due.empty() && lane.due.begin()->first <= now) {
      std::string id = lane.due.begin()->second;
      lane.due.erase(lane.due.begin());
      auto it = events_.find(id);
      if (it == events_.end()) continue;
      if (now - it->second.enqueued_ms > ConfigOf(function).MaxAgeMs()) {
        DropEvent(id, "older than MaximumEventAgeInSeconds", "");
        continue;
      }
      ++lane.running;
      out.push_back(it->second);
    }
  }
  return out;
}

void EventQueue::Dispatch(const QueuedEvent& event) {
  std::optional<FunctionSpec> spec = options_.resolve(event.function);
  {
    std::lock_guard lock(mu_);
    if (!spec) {
      completions_.push_back({event.id, std::nullopt});
      return;  // settled on the next turn of Run
    }
    if (auto lane = lanes_.find(event.function); lane != lanes_.end()) {
      lane->second.limit = std::max(1, spec->concurrency);
    }
  }
  // Unlocked: Invoke may answer at once (throttled), and the answer takes mu_.
  options_.runtime->InvokeWithRequestId(
      *spec, event.payload, event.id, [this, id = event.id](InvokeResult result) {
        {
          std::lock_guard lock(mu_);
          if (stopping_) return;  // left queued on disk: it runs after the next start
          completions_.push_back({id, std::move(result)});
        }
        wake_.notify_all();
      });
}

void EventQueue::Settle(std::vector<Completion> completions, int64_t now) {
  for (Completion& completion : completions) {
    auto it = events_.find(completion.id);
    if (it == events_.end()) continue;  // its function was dropped meanwhile
    QueuedEvent& event = it->second;
    Lane& lane = lanes_[event.function];
    lane.running = std::max(0, lane.running - 1);
    if (!completion.result) {
      DropEvent(completion.id, "the function no longer exists", "");
      continue;
    }
    const InvokeResult& result = *completion.result;
    switch (result.status) {
      case InvokeResult::Status::kOk:
        Persist(store_->Remove(event.id), "remove a finished event");
        events_.erase(it);
        break;
      case InvokeResult::Status::kThrottled:
        ++event.throttles;
        Retry(event, now + ThrottleBackoffMs(event.throttles), result.payload);
        break;
      default: {  // a function error, a timeout, a crash, an init error
        ++event.attempts;
        event.throttles = 0;
        int allowed = ConfigOf(event.function).RetryAttempts();
        if (event.attempts > allowed) {
          DropEvent(completion.id,
                    "failed after " + std::to_string(event.attempts) + " attempts (" +
                        std::to_string(allowed) + " retries)",
                    result.payload);
        } else {
          int64_t delay = event.attempts == 1 ? kFirstRetryDelayMs : kSecondRetryDelayMs;
          Retry(event, now + delay, result.payload);
        }
      }
    }
  }
}

void EventQueue::Retry(QueuedEvent& event, int64_t due_ms, const std::string& last_error) {
  if (due_ms - event.enqueued_ms > ConfigOf(event.function).MaxAgeMs()) {
    DropEvent(event.id, "its retry would be older than MaximumEventAgeInSeconds", last_error);
    return;
  }
  event.due_ms = due_ms;
  Persist(store_->Put(event), "requeue an event");
  lanes_[event.function].due.emplace(due_ms, event.id);
}

void EventQueue::DropEvent(const std::string& id, const std::string& why,
                           const std::string& last_error) {
  auto it = events_.find(id);
  if (it == events_.end()) return;
  std::string function = it->second.function;
  Lane& lane = lanes_[function];
  auto [first, last] = lane.due.equal_range(it->second.due_ms);
  for (auto entry = first; entry != last; ++entry) {
    if (entry->second == id) {
      lane.due.erase(entry);
      break;
    }
  }
  ++lane.dropped;
  events_.erase(it);
  Persist(store_->Remove(id), "remove a dropped event");
  if (options_.logger != nullptr) {
    options_.logger->Warn("asynchronous event dropped",
                          {{"function", function},
                           {"request_id", id},
                           {"reason", why},
                           {"error", last_error.substr(0, kLoggedErrorBytes)}});
  }
}

const EventInvokeConfig& EventQueue::ConfigOf(const std::string& function) const {
  static const EventInvokeConfig kDefaults;
  auto it = configs_.find(function);
  return it == configs_.end() ? kDefaults : it->second;
}

void EventQueue::Persist(Status status, const std::string& what) {
  if (status || options_.logger == nullptr) return;
  options_.logger->Error("the asynchronous event queue could not " + what,
                         {{"error", status.error().message}});
}

}  // namespace sf::engine::function
