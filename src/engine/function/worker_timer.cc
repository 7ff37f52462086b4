// The timer thread: kills workers past their invocation's timeout (or their init allowance),
// stops idle workers after idle_ttl, throttles invocations that waited too long for a worker,
// and joins the pump threads of workers that have gone.
#include "engine/function/outcomes.h"
#include "engine/function/worker_state.h"

namespace sf::engine::function {

void WorkerRuntime::TimerLoop() {
  std::unique_lock lock(mu_);
  while (!stopping_ || !workers_.empty()) {
    Effects effects;
    Steady::time_point wake = CheckDeadlines(effects);
    std::vector<std::thread> pumps = std::move(finished_pumps_);
    finished_pumps_.clear();
    if (!effects.dones.empty() || !pumps.empty()) {
      lock.unlock();
      for (std::thread& pump : pumps) pump.join();
      Run(effects);
      lock.lock();
      continue;
    }
    changed_.wait_until(lock, wake);
  }
}

Steady::time_point WorkerRuntime::CheckDeadlines(Effects& effects) {
  Steady::time_point now = Steady::now();
  Steady::time_point wake = now + std::chrono::seconds(1);
  auto consider = [&](Steady::time_point at) {
    if (at <= now) return true;
    wake = std::min(wake, at);
    return false;
  };
  for (auto& [id, worker] : workers_) {
    Worker& w = *worker;
    if (w.phase == Worker::Phase::kRunning && w.handed_out && !w.outcome && consider(w.deadline)) {
      Kill(w, KillReason::kTimeout);
    } else if (w.phase == Worker::Phase::kRunning && w.current && !w.handed_out &&
               consider(w.deadline)) {
      Kill(w, KillReason::kRetire);  // bound but never asked for it: the invocation is requeued
    } else if (w.phase == Worker::Phase::kStarting && w.current &&
               consider(w.spawned + options_.init_limit +
                        std::chrono::seconds(w.spec->timeout_seconds))) {
      Kill(w, KillReason::kTimeout);
    } else if (w.phase == Worker::Phase::kIdle && options_.idle_ttl.count() > 0 &&
               consider(w.idle_since + options_.idle_ttl)) {
      Kill(w, KillReason::kRetire);
    }
  }
  for (auto& [name, pool] : pools_) {
    for (auto it = pool.queue.begin(); it != pool.queue.end();) {
      if (!consider((*it)->queue_deadline)) {
        ++it;
        continue;
      }
      Fail(std::move(*it), InvokeResult::Status::kThrottled,
           ErrorPayload("TooManyRequestsException", "Rate Exceeded."), effects);
      it = pool.queue.erase(it);
    }
  }
  return wake;
}

}  // namespace sf::engine::function
