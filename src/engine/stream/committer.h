#pragma once
// Acknowledges writes once they are durable, without blocking the threads that serve
// connections.
//
// In kEveryBatch mode (the default), Commit queues the targets; commit threads take
// everything queued, sync each log up to its highest target (the log's group commit shares
// one fdatasync among all writers waiting on it), then call each `done`. Several commit
// threads let syncs of different shards overlap. In kInterval mode, Commit calls `done` at
// once, and a timer thread syncs everything every interval: faster, and up to one interval of
// acknowledged records can be lost to a crash.

#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

#include "base/result.h"
#include "engine/stream/stream_service.h"

namespace sf::engine {

enum class DurabilityMode { kEveryBatch, kInterval };

class Committer {
 public:
  // `sync_all` makes every log durable (used in kInterval mode).
  Committer(DurabilityMode mode, int interval_ms, std::function<void()> sync_all, int threads = 4);
  ~Committer();  // drains what is queued, then stops
  Committer(const Committer&) = delete;
  Committer& operator=(const Committer&) = delete;

  // Calls done(status) once every target is durable, or with the first sync error. `done` may
  // run on a commit thread or (kInterval, or no targets) on the caller's.
  void Commit(std::vector<SyncTarget> targets, std::function<void(Status)> done);

  DurabilityMode mode() const { return mode_; }

 private:
  struct Pending {
    std::vector<SyncTarget> targets;
    std::function<void(Status)> done;
  };
  void Run();
  void Tick();

  const DurabilityMode mode_;
  const int interval_ms_;
  std::function<void()> sync_all_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<Pending> queue_;
  bool stopping_ = false;
  std::vector<std::thread> threads_;
};

}  // namespace sf::engine
