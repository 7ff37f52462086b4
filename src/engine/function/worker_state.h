#pragma once
// Internal to the worker runtime: its state and the class behind MakeWorkerRuntime.
//
// Locking: one mutex (WorkerRuntime::mu_) guards every pool, worker and invocation. Nothing
// slow runs under it: process starts, `done` callbacks and HTTP responses are collected in
// Effects and run after it is released. Each worker's pump thread (output_pump.h) owns the
// worker's descriptors and is the only place an invocation is finished (Finish) or a worker is
// removed, so an invocation's output always precedes its END line.
//
// A worker's life: kSpawning (counted, bound to the invocation that asked for it, no process
// yet) -> kStarting (process started, initialising) -> kRunning (between GET next calls: it
// holds `current` once handed out) <-> kIdle (its GET next is held, waiting for work) ->
// kExiting (killed; the pump reaps it and removes it). A kRunning worker that has answered but
// not yet asked again may be bound the next invocation (`current`, not handed out), so warm
// workers are reused even when an invoke arrives between a response and the next GET next.

#include <sys/types.h>

#include <array>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "engine/function/function_log.h"
#include "engine/function/worker_runtime.h"

namespace sf::engine::function {

using Steady = std::chrono::steady_clock;

struct Invocation {
  std::shared_ptr<const FunctionSpec> spec;
  std::string payload;
  std::string request_id;
  std::function<void(InvokeResult)> done;
  Steady::time_point queue_deadline;
  Steady::time_point started;  // handed out (or, if never, when its worker was spawned)
  LogTail tail;
};

// How an invocation ended, before its framing is written.
struct Outcome {
  InvokeResult::Status status = InvokeResult::Status::kOk;
  std::string payload;
  std::string log_line;       // written before END (e.g. the timeout message)
  std::string report_status;  // REPORT's Status: "", "timeout", "error"
};

enum class KillReason { kNone, kTimeout, kRetire, kDrop, kShutdown };

struct Worker {
  enum class Phase { kSpawning, kStarting, kRunning, kIdle, kExiting };
  std::string id;
  std::shared_ptr<const FunctionSpec> spec;
  std::shared_ptr<FunctionLog> log;
  Phase phase = Phase::kSpawning;
  pid_t pid = -1;
  int pidfd = -1, output_fd = -1, wake_fd = -1;
  std::unique_ptr<Invocation> current;
  bool handed_out = false;              // `current` was sent in answer to GET next
  std::optional<Respond> next;          // a held GET next
  std::optional<Outcome> outcome;       // posted, waiting for the pump to finish `current`
  std::optional<HttpResponse> handout;  // the answer to `next`, sent by the pump after START
  bool init_failed = false;
  bool initialised = false;  // it has asked for work at least once
  KillReason kill_reason = KillReason::kNone;
  Steady::time_point spawned, idle_since, deadline;
  std::optional<double> init_ms;  // reported once, on the first invocation
  std::thread pump;
};

// A function's counters for Metrics (ConcurrentExecutions is counted from the workers).
struct PoolCounters {
  uint64_t invocations = 0, errors = 0, throttles = 0;
  double duration_sum_ms = 0;
  std::array<uint64_t, kDurationBucketsMs.size()> duration_buckets{};  // not cumulative

  void Ended(InvokeResult::Status status, double duration_ms);
};

struct Pool {
  std::shared_ptr<const FunctionSpec> spec;  // the newest revision seen
  std::shared_ptr<FunctionLog> log;
  std::deque<std::unique_ptr<Invocation>> queue;
  std::set<std::string> workers;
  PoolCounters counters;  // dropped with the pool (Drop: the function was deleted)
};

// Work decided under the lock, done after it.
struct Effects {
  std::vector<std::pair<Respond, HttpResponse>> responses;
  std::vector<std::pair<std::function<void(InvokeResult)>, InvokeResult>> dones;
  std::vector<std::shared_ptr<Worker>> spawns;
};

class WorkerRuntime;

// The body of a worker's pump thread: RunOutputPump with the runtime's callbacks.
void RunWorkerPump(WorkerRuntime& runtime, std::shared_ptr<Worker> worker);

class WorkerRuntime final : public Runtime {
 public:
  WorkerRuntime(WorkerRuntimeOptions options, std::string bootstrap_path);
  ~WorkerRuntime() override;

  void Invoke(const FunctionSpec& spec, std::string payload,
              std::function<void(InvokeResult)> done) override;
  void InvokeWithRequestId(const FunctionSpec& spec, std::string payload, std::string request_id,
                           std::function<void(InvokeResult)> done) override;
  std::vector<FunctionMetricsSnapshot> Metrics() const override;
  void Drop(const std::string& function_name) override;
  void HandleRuntimeApi(HttpRequest&& request, Respond respond) override;
  std::optional<std::string> WorkerForConnection(std::string_view remote_address,
                                                 uint16_t server_port) const override;

  // From a worker's pump thread (worker_events.cc).
  void OnWorkerLine(const std::shared_ptr<Worker>& worker, std::string_view line);
  void OnWorkerWake(const std::shared_ptr<Worker>& worker);
  void OnWorkerExit(const std::shared_ptr<Worker>& worker, int wait_status);

 private:
  // worker_runtime.cc
  void Run(Effects& effects);
  void StartWorker(const std::shared_ptr<Worker>& worker);
  void StartFailed(Worker& worker, const std::string& why, Effects& effects);
  void TimerLoop();
  Steady::time_point CheckDeadlines(Effects& effects);
  void Fail(std::unique_ptr<Invocation> invocation, InvokeResult::Status status,
            std::string payload, Effects& effects);
  // worker_dispatch.cc (all with mu_ held)
  void Dispatch(Pool& pool, Effects& effects);
  void DispatchAll(Effects& effects);
  bool CanSpawn(const Pool& pool) const;
  void EvictIdleWorker(const Pool& except);
  void MakeRoom(const Pool& idle);  // a worker of `idle` just turned idle
  void WorkerReady(Worker& worker);
  void HandOut(Worker& worker);
  void SendHandOut(Worker& worker, Effects& effects);  // from the pump
  void Finish(Worker& worker, Outcome outcome, Effects& effects);
  void Kill(Worker& worker, KillReason reason);
  bool IsStale(const Worker& worker) const;
  void Forget(const Worker& worker);
  void Requeue(Worker& worker);  // removes it from its pool and workers_
  // runtime_api.cc
  void Next(Worker& worker, Respond respond, Effects& effects);
  HttpResponse Post(Worker& worker, const std::string& request_id, bool is_error,
                    HttpRequest& request);
  HttpResponse InitError(Worker& worker, HttpRequest& request);

  const WorkerRuntimeOptions options_;
  const std::string bootstrap_path_;
  mutable std::mutex mu_;
  std::condition_variable changed_;  // state changed: the timer rechecks; workers_ may be empty
  std::map<std::string, Pool> pools_;
  std::map<std::string, std::shared_ptr<Worker>> workers_;
  std::vector<std::thread> finished_pumps_;  // joined by the timer thread
  uint64_t next_worker_ = 1;
  bool stopping_ = false;
  std::thread timer_;
};

}  // namespace sf::engine::function
