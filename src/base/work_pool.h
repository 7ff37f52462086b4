#pragma once
// A fixed set of threads running submitted jobs in FIFO order: where the engine's I/O threads
// send work that may block (fsync, rename, a large copy) so that they keep serving other
// connections meanwhile.
//
// Thread-safe. The destructor stops taking jobs, runs every job already queued, then joins.
// A job must not destroy the pool it runs on.

#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace sf {

class WorkPool {
 public:
  // `threads` >= 1; `name` (at most 15 bytes) names the threads for debuggers and top.
  WorkPool(int threads, std::string name);
  ~WorkPool();
  WorkPool(const WorkPool&) = delete;
  WorkPool& operator=(const WorkPool&) = delete;

  // Queues `job`; it runs on one of the pool's threads. After shutdown began, runs it inline.
  void Submit(std::function<void()> job);

  // Jobs queued and not yet started (for metrics).
  size_t queued() const;

 private:
  void Run();

  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::deque<std::function<void()>> jobs_;  // guarded by mu_
  bool stopping_ = false;                   // guarded by mu_
  std::vector<std::thread> threads_;
};

}  // namespace sf
