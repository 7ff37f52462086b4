// Matching invocations with workers; everything here runs with mu_ held.
#include <algorithm>
#include <chrono>
#include <cstdio>

#include "engine/function/outcomes.h"
#include "engine/function/output_pump.h"
#include "engine/function/spawn.h"
#include "engine/function/worker_state.h"

namespace sf::engine::function {
namespace {

int64_t EpochMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

double MsSince(Steady::time_point start) {
  return std::chrono::duration<double, std::milli>(Steady::now() - start).count();
}

// X-Ray's form, Root=1-<8 hex: epoch seconds>-<24 hex>, the random part from the request id.
std::string TraceId(const std::string& request_id) {
  char seconds[16];
  std::snprintf(seconds, sizeof seconds, "%08llx",
                static_cast<unsigned long long>(EpochMs() / 1000));
  std::string hex;
  for (char c : request_id) {
    if (c != '-' && hex.size() < 24) hex += c;
  }
  return "Root=1-" + std::string(seconds) + "-" + hex + ";Sampled=0";
}

bool Alive(const Worker& worker) { return worker.phase != Worker::Phase::kExiting; }

}  // namespace

void WorkerRuntime::Dispatch(Pool& pool, Effects& effects) {
  while (!pool.queue.empty()) {
    Worker* idle = nullptr;
    Worker* finishing = nullptr;  // answered its last invocation, about to ask again
    for (const std::string& id : pool.workers) {
      Worker& worker = *workers_.at(id);
      if (IsStale(worker)) continue;
      if (worker.phase == Worker::Phase::kIdle) idle = &worker;
      if (worker.phase == Worker::Phase::kRunning && worker.initialised && !worker.current) {
        finishing = &worker;
      }
    }
    if (idle != nullptr || finishing != nullptr) {
      Worker& worker = idle != nullptr ? *idle : *finishing;
      worker.current = std::move(pool.queue.front());
      pool.queue.pop_front();
      if (idle != nullptr) {
        HandOut(worker);
      } else {
        worker.deadline = Steady::now() + options_.init_limit;  // it must ask by then
      }
      continue;
    }
    if (!CanSpawn(pool)) {
      EvictIdleWorker(pool);
      return;
    }
    auto worker = std::make_shared<Worker>();
    // Unguessable, and never reused across engine runs: a worker left running by an engine that
    // was killed must not pass for a worker of the next one (its requests then get 403).
    worker->id = "w" + std::to_string(next_worker_++) + "-" + NewRequestId().substr(0, 8) +
                 NewRequestId().substr(24);
    worker->spec = pool.spec;
    worker->log = pool.log;
    worker->spawned = Steady::now();
    worker->current = std::move(pool.queue.front());
    pool.queue.pop_front();
    worker->current->started = worker->spawned;
    pool.workers.insert(worker->id);
    workers_.emplace(worker->id, worker);
    effects.spawns.push_back(std::move(worker));
  }
}

void WorkerRuntime::DispatchAll(Effects& effects) {
  for (auto& [name, pool] : pools_) Dispatch(pool, effects);
}

bool WorkerRuntime::CanSpawn(const Pool& pool) const {
  int limit = std::min(pool.spec->concurrency, options_.concurrency_cap);
  return static_cast<int>(pool.workers.size()) < limit &&
         static_cast<int>(workers_.size()) < options_.concurrency_cap;
}

// At the engine-wide cap, an idle worker of another function makes room (one at a time: its
// exit dispatches again).
void WorkerRuntime::EvictIdleWorker(const Pool& except) {
  if (static_cast<int>(except.workers.size()) >=
      std::min(except.spec->concurrency, options_.concurrency_cap))
    return;
  Worker* victim = nullptr;
  for (auto& [id, worker] : workers_) {
    if (!Alive(*worker)) return;  // one already on its way out
    if (worker->phase == Worker::Phase::kIdle && worker->spec->name != except.spec->name) {
      victim = worker.get();
    }
  }
  if (victim != nullptr) Kill(*victim, KillReason::kRetire);
}

void WorkerRuntime::WorkerReady(Worker& worker) {
  auto pool = pools_.find(worker.spec->name);
  if (pool == pools_.end() || (IsStale(worker) && !worker.current)) {
    Kill(worker, KillReason::kRetire);
    return;
  }
  if (!worker.current && !pool->second.queue.empty()) {
    worker.current = std::move(pool->second.queue.front());
    pool->second.queue.pop_front();
  }
  if (worker.current) {
    HandOut(worker);
  } else {
    worker.phase = Worker::Phase::kIdle;
    worker.idle_since = Steady::now();
    MakeRoom(pool->second);
  }
}

// A pool held back by the engine-wide cap gets room from a worker that turns idle (the cap may
// have been reached while every worker was busy, when there was no idle one to evict).
void WorkerRuntime::MakeRoom(const Pool& idle) {
  for (auto& [name, pool] : pools_) {
    if (&pool != &idle && !pool.queue.empty() && !CanSpawn(pool)) {
      EvictIdleWorker(pool);
      return;
    }
  }
}

void WorkerRuntime::HandOut(Worker& worker) {
  Invocation& invocation = *worker.current;
  const FunctionSpec& spec = *worker.spec;
  auto timeout = std::chrono::seconds(spec.timeout_seconds);
  invocation.started = Steady::now();
  worker.deadline = invocation.started + timeout;
  worker.phase = Worker::Phase::kRunning;
  worker.handed_out = true;
  HttpResponse response;
  response.headers = {{"Content-Type", "application/json"},
                      {"Lambda-Runtime-Aws-Request-Id", invocation.request_id},
                      {"Lambda-Runtime-Deadline-Ms",
                       std::to_string(EpochMs() + std::chrono::milliseconds(timeout).count())},
                      {"Lambda-Runtime-Invoked-Function-Arn", spec.arn},
                      {"Lambda-Runtime-Trace-Id", TraceId(invocation.request_id)}};
  response.body = invocation.payload;
  // The pump writes START once it has drained what init printed, then answers `next`, so the
  // log keeps the order in which lines were printed.
  worker.handout = std::move(response);
  WakePump(worker.wake_fd);
  changed_.notify_all();
}

void WorkerRuntime::SendHandOut(Worker& worker, Effects& effects) {
  Invocation& invocation = *worker.current;
  std::string start = StartLine(invocation.request_id, worker.spec->version);
  worker.log->Append(start);
  invocation.tail.Add(start);
  effects.responses.emplace_back(std::move(*worker.next), std::move(*worker.handout));
  worker.next.reset();
  worker.handout.reset();
}

void WorkerRuntime::Finish(Worker& worker, Outcome outcome, Effects& effects) {
  std::unique_ptr<Invocation> invocation = std::move(worker.current);
  worker.handed_out = false;
  worker.outcome.reset();
  ReportFields report;
  report.request_id = invocation->request_id;
  report.duration_ms = MsSince(invocation->started);
  if (auto pool = pools_.find(worker.spec->name); pool != pools_.end()) {
    pool->second.counters.Ended(outcome.status, report.duration_ms);
  }
  report.memory_mb = worker.spec->memory_mb;
  if (worker.pid > 0) report.max_memory_used_mb = MaxMemoryUsedMb(worker.pid);
  report.init_duration_ms = std::exchange(worker.init_ms, std::nullopt);
  report.status = outcome.report_status;
  if (outcome.report_status == "error") report.error_type = ErrorTypeOf(outcome.payload);
  std::vector<std::string> lines;
  if (!outcome.log_line.empty()) lines.push_back(outcome.log_line);
  lines.push_back(EndLine(invocation->request_id));
  lines.push_back(ReportLine(report));
  for (const std::string& line : lines) {
    worker.log->Append(line);
    invocation->tail.Add(line);
  }
  InvokeResult result;
  result.status = outcome.status;
  result.payload = std::move(outcome.payload);
  result.request_id = invocation->request_id;
  result.duration_ms = static_cast<int64_t>(report.duration_ms);
  result.log_tail = invocation->tail.text();
  effects.dones.emplace_back(std::move(invocation->done), std::move(result));
}

void WorkerRuntime::Kill(Worker& worker, KillReason reason) {
  if (!Alive(worker)) return;
  worker.kill_reason = reason;
  worker.phase = Worker::Phase::kExiting;
  KillGroup(worker.pid);  // no-op while spawning: StartWorker kills it once started
}

bool WorkerRuntime::IsStale(const Worker& worker) const {
  auto pool = pools_.find(worker.spec->name);
  return pool == pools_.end() || pool->second.spec->revision != worker.spec->revision;
}

void WorkerRuntime::Forget(const Worker& worker) {
  if (auto pool = pools_.find(worker.spec->name); pool != pools_.end()) {
    pool->second.workers.erase(worker.id);
  }
  workers_.erase(worker.id);
  changed_.notify_all();
}

}  // namespace sf::engine::function
