// The per-function counters behind Runtime::Metrics, and their snapshot.
#include <algorithm>

#include "engine/function/worker_state.h"

namespace sf::engine::function {

void PoolCounters::Ended(InvokeResult::Status status, double duration_ms) {
  ++invocations;
  if (status != InvokeResult::Status::kOk) ++errors;
  duration_sum_ms += duration_ms;
  auto bucket = std::lower_bound(kDurationBucketsMs.begin(), kDurationBucketsMs.end(), duration_ms);
  if (bucket != kDurationBucketsMs.end()) ++duration_buckets[bucket - kDurationBucketsMs.begin()];
}

std::vector<FunctionMetricsSnapshot> WorkerRuntime::Metrics() const {
  std::lock_guard lock(mu_);
  std::vector<FunctionMetricsSnapshot> out;
  out.reserve(pools_.size());
  for (const auto& [name, pool] : pools_) {
    FunctionMetricsSnapshot snapshot;
    snapshot.function = name;
    const PoolCounters& counters = pool.counters;
    snapshot.invocations = counters.invocations;
    snapshot.errors = counters.errors;
    snapshot.throttles = counters.throttles;
    snapshot.duration_sum_ms = counters.duration_sum_ms;
    uint64_t cumulative = 0;
    for (size_t i = 0; i < counters.duration_buckets.size(); ++i) {
      cumulative += counters.duration_buckets[i];
      snapshot.duration_buckets[i] = cumulative;
    }
    for (const std::string& id : pool.workers) {
      if (workers_.at(id)->current) ++snapshot.concurrent_executions;
    }
    out.push_back(std::move(snapshot));
  }
  return out;
}

}  // namespace sf::engine::function
