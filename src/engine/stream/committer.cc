#include "engine/stream/committer.h"

#include <algorithm>
#include <chrono>

namespace sf::engine {

Committer::Committer(DurabilityMode mode, int interval_ms, std::function<void()> sync_all,
                     int threads)
    : mode_(mode), interval_ms_(std::max(1, interval_ms)), sync_all_(std::move(sync_all)) {
  if (mode_ == DurabilityMode::kInterval) {
    threads_.emplace_back([this] { Tick(); });
    return;
  }
  for (int i = 0; i < std::max(1, threads); ++i) threads_.emplace_back([this] { Run(); });
}

Committer::~Committer() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  for (auto& thread : threads_) thread.join();
  if (mode_ == DurabilityMode::kInterval && sync_all_) sync_all_();
}

void Committer::Commit(std::vector<SyncTarget> targets, std::function<void(Status)> done) {
  if (mode_ == DurabilityMode::kInterval || targets.empty()) {
    done({});
    return;
  }
  {
    std::lock_guard lock(mu_);
    queue_.push_back({std::move(targets), std::move(done)});
  }
  cv_.notify_one();
}

void Committer::Run() {
  while (true) {
    std::deque<Pending> batch;
    {
      std::unique_lock lock(mu_);
      cv_.wait(lock, [&] { return stopping_ || !queue_.empty(); });
      if (queue_.empty()) return;  // stopping, and nothing left to drain
      batch.swap(queue_);
    }
    // The highest sequence per log, so each log syncs once for the whole batch.
    std::vector<SyncTarget> highest;
    for (const auto& pending : batch) {
      for (const auto& target : pending.targets) {
        auto it = std::find_if(highest.begin(), highest.end(),
                               [&](const SyncTarget& h) { return h.log == target.log; });
        if (it == highest.end()) {
          highest.push_back(target);
        } else {
          it->sequence = std::max(it->sequence, target.sequence);
        }
      }
    }
    std::vector<std::pair<ShardLog*, Status>> results;
    for (const auto& target : highest)
      results.emplace_back(target.log.get(), target.log->Sync(target.sequence));
    for (auto& pending : batch) {
      Status status;
      for (const auto& target : pending.targets) {
        for (const auto& [log, result] : results) {
          if (log == target.log.get() && !result && status) status = result;
        }
      }
      pending.done(status);
    }
  }
}

void Committer::Tick() {
  std::unique_lock lock(mu_);
  while (!stopping_) {
    cv_.wait_for(lock, std::chrono::milliseconds(interval_ms_), [&] { return stopping_; });
    lock.unlock();
    if (sync_all_) sync_all_();
    lock.lock();
  }
}

}  // namespace sf::engine
