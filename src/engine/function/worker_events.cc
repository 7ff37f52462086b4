// What a worker's pump thread reports (output lines, finished invocations, the exit) and the
// timer thread (timeouts, idle workers, invocations waiting too long).
#include "engine/function/outcomes.h"
#include "engine/function/output_pump.h"
#include "engine/function/spawn.h"
#include "engine/function/worker_state.h"

#include <unistd.h>

namespace sf::engine::function {
namespace {

// How an invocation still on a worker that exited ended, from why the worker went.
Outcome ExitOutcome(const Worker& worker, int wait_status) {
  const Invocation& invocation = *worker.current;
  const std::string& id = invocation.request_id;
  switch (worker.kill_reason) {
    case KillReason::kTimeout: {
      std::string message = TimeoutMessage(worker.spec->timeout_seconds);
      return {InvokeResult::Status::kTimeout, TimeoutPayload(id, worker.spec->timeout_seconds),
              "RequestId: " + id + " Error: " + message, "timeout"};
    }
    case KillReason::kDrop:
    case KillReason::kShutdown: {
      std::string why = worker.kill_reason == KillReason::kDrop ? "the function was deleted"
                                                                : "the engine is stopping";
      return {InvokeResult::Status::kCrashed,
              ErrorPayload("Runtime.ExitError", "RequestId: " + id + " Error: " + why),
              "RequestId: " + id + " Error: " + why, "error"};
    }
    default: {
      auto status =
          worker.handed_out ? InvokeResult::Status::kCrashed : InvokeResult::Status::kInitError;
      return {status, ExitPayload(id, wait_status), ExitMessage(id, wait_status), "error"};
    }
  }
}

}  // namespace

void RunWorkerPump(WorkerRuntime& runtime, std::shared_ptr<Worker> worker) {
  struct Events final : PumpEvents {
    Events(WorkerRuntime& r, std::shared_ptr<Worker> w) : runtime(r), worker(std::move(w)) {}
    void OnLine(std::string_view line) override { runtime.OnWorkerLine(worker, line); }
    void OnWake() override { runtime.OnWorkerWake(worker); }
    void OnExit(int status) override { runtime.OnWorkerExit(worker, status); }
    WorkerRuntime& runtime;
    std::shared_ptr<Worker> worker;
  } events(runtime, worker);
  RunOutputPump(PumpFds{worker->pid, worker->pidfd, worker->output_fd, worker->wake_fd}, events);
}

void WorkerRuntime::OnWorkerLine(const std::shared_ptr<Worker>& worker, std::string_view line) {
  worker->log->Append(line);
  std::lock_guard lock(mu_);
  if (worker->current) worker->current->tail.Add(line);
}

void WorkerRuntime::OnWorkerWake(const std::shared_ptr<Worker>& worker) {
  Effects effects;
  {
    std::lock_guard lock(mu_);
    if (worker->outcome && worker->current) {
      Finish(*worker, std::move(*worker->outcome), effects);
      if (worker->init_failed) {
        Kill(*worker, KillReason::kRetire);
      } else if (worker->next && worker->phase != Worker::Phase::kExiting) {
        WorkerReady(*worker);
      }
    }
    if (worker->handout && worker->next && worker->current) SendHandOut(*worker, effects);
  }
  Run(effects);
}

// An invocation bound to a warm worker that went before asking for it never ran: it goes back
// to the front of its queue (unless the function was dropped or the engine is stopping).
void WorkerRuntime::Requeue(Worker& worker) {
  if (!worker.current || worker.handed_out || !worker.initialised) return;
  if (worker.kill_reason == KillReason::kDrop || worker.kill_reason == KillReason::kShutdown)
    return;
  auto pool = pools_.find(worker.spec->name);
  if (pool != pools_.end()) pool->second.queue.push_front(std::move(worker.current));
}

void WorkerRuntime::OnWorkerExit(const std::shared_ptr<Worker>& worker, int wait_status) {
  Effects effects;
  {
    std::lock_guard lock(mu_);
    if (worker->current && worker->outcome) Finish(*worker, std::move(*worker->outcome), effects);
    Requeue(*worker);
    if (worker->current) Finish(*worker, ExitOutcome(*worker, wait_status), effects);
    if (options_.logger != nullptr && worker->kill_reason == KillReason::kNone) {
      options_.logger->Warn("function worker exited", {{"function", worker->spec->name},
                                                       {"worker", worker->id},
                                                       {"status", std::to_string(wait_status)}});
    }
    worker->next.reset();
    close(worker->pidfd);
    close(worker->output_fd);
    close(worker->wake_fd);
    finished_pumps_.push_back(std::move(worker->pump));
    Forget(*worker);
    if (!stopping_) DispatchAll(effects);
  }
  Run(effects);
}

}  // namespace sf::engine::function
