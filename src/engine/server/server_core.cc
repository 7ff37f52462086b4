#include "engine/server/server_core.h"

namespace sf::engine {

namespace {

uint64_t Load(const std::atomic<uint64_t>& counter) {
  return counter.load(std::memory_order_relaxed);
}

}  // namespace

void AddCounters(const WorkerCounters& counters, ServerStats* stats) {
  uint64_t accepted = Load(counters.accepted);
  uint64_t closed = Load(counters.closed);
  stats->connections_accepted += accepted;
  stats->connections_open += accepted > closed ? accepted - closed : 0;
  stats->requests += Load(counters.requests);
  stats->responses_1xx += Load(counters.responses_by_class[1]);
  stats->responses_2xx += Load(counters.responses_by_class[2]);
  stats->responses_3xx += Load(counters.responses_by_class[3]);
  stats->responses_4xx += Load(counters.responses_by_class[4]);
  stats->responses_5xx += Load(counters.responses_by_class[5]);
  stats->bytes_in += Load(counters.bytes_in);
  stats->bytes_out += Load(counters.bytes_out);
  stats->refused_malformed += Load(counters.refused_malformed);
  stats->refused_timeout += Load(counters.refused_timeout);
  stats->refused_body_too_large += Load(counters.refused_body_too_large);
  stats->refused_header_too_large += Load(counters.refused_header_too_large);
  stats->handler_timeouts += Load(counters.handler_timeouts);
}

void SessionRegistry::Add(const std::shared_ptr<Session>& session) {
  std::lock_guard<std::mutex> lock(mu_);
  sessions_.emplace(session.get(), session);
}

void SessionRegistry::Remove(const Session* session) {
  std::lock_guard<std::mutex> lock(mu_);
  sessions_.erase(session);
  if (sessions_.empty()) empty_.notify_all();
}

std::vector<std::shared_ptr<Session>> SessionRegistry::Snapshot() {
  std::vector<std::shared_ptr<Session>> live;
  std::lock_guard<std::mutex> lock(mu_);
  live.reserve(sessions_.size());
  for (auto& [key, weak] : sessions_) {
    if (auto session = weak.lock()) live.push_back(std::move(session));
  }
  return live;
}

bool SessionRegistry::WaitEmpty(std::chrono::milliseconds timeout) {
  std::unique_lock<std::mutex> lock(mu_);
  return empty_.wait_for(lock, timeout, [this] { return sessions_.empty(); });
}

}  // namespace sf::engine
