#include "engine/function/worker_runtime.h"

#include <sys/eventfd.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "engine/function/bootstrap_source.h"
#include "engine/function/outcomes.h"
#include "engine/function/output_pump.h"
#include "engine/function/spawn.h"
#include "engine/function/worker_launch.h"
#include "engine/function/worker_state.h"

namespace sf::engine::function {
namespace {

Status WriteBootstrap(const std::string& path) {
  std::error_code ec;
  std::filesystem::create_directories(std::filesystem::path(path).parent_path(), ec);
  std::string temporary = path + ".tmp";
  {
    std::ofstream out(temporary, std::ios::binary | std::ios::trunc);
    std::string_view source = PythonBootstrapSource();
    out.write(source.data(), static_cast<std::streamsize>(source.size()));
    if (!out.flush()) return sf::Fail(ErrorCode::kIo, "cannot write " + temporary);
  }
  std::filesystem::rename(temporary, path, ec);
  if (ec) return sf::Fail(ErrorCode::kIo, "cannot write " + path + ": " + ec.message());
  return {};
}

}  // namespace

Result<std::unique_ptr<Runtime>> MakeWorkerRuntime(WorkerRuntimeOptions options) {
  std::string bootstrap = options.data_dir + "/runtime/python_bootstrap.py";
  if (auto written = WriteBootstrap(bootstrap); !written) return tl::unexpected(written.error());
  return std::make_unique<WorkerRuntime>(std::move(options), std::move(bootstrap));
}

WorkerRuntime::WorkerRuntime(WorkerRuntimeOptions options, std::string bootstrap_path)
    : options_(std::move(options)), bootstrap_path_(std::move(bootstrap_path)) {
  timer_ = std::thread([this] { TimerLoop(); });
}

WorkerRuntime::~WorkerRuntime() {
  Effects effects;
  std::unique_lock lock(mu_);
  stopping_ = true;
  for (auto& [name, pool] : pools_) {
    for (auto& invocation : pool.queue) {
      Fail(std::move(invocation), InvokeResult::Status::kCrashed,
           ErrorPayload("Runtime.ExitError", "the engine is stopping"), effects);
    }
    pool.queue.clear();
  }
  for (auto& [id, worker] : workers_) Kill(*worker, KillReason::kShutdown);
  lock.unlock();
  Run(effects);
  lock.lock();
  changed_.wait(lock, [this] { return workers_.empty(); });
  lock.unlock();
  changed_.notify_all();
  timer_.join();
  for (std::thread& pump : finished_pumps_) pump.join();
}

void WorkerRuntime::Invoke(const FunctionSpec& spec, std::string payload,
                           std::function<void(InvokeResult)> done) {
  InvokeWithRequestId(spec, std::move(payload), NewRequestId(), std::move(done));
}

void WorkerRuntime::InvokeWithRequestId(const FunctionSpec& spec, std::string payload,
                                        std::string request_id,
                                        std::function<void(InvokeResult)> done) {
  auto invocation = std::make_unique<Invocation>();
  invocation->spec = std::make_shared<const FunctionSpec>(spec);
  invocation->payload = std::move(payload);
  invocation->request_id = std::move(request_id);
  invocation->done = std::move(done);
  auto wait = options_.max_queue_wait.value_or(std::chrono::seconds(spec.timeout_seconds));
  invocation->queue_deadline = Steady::now() + wait;
  Effects effects;
  {
    std::lock_guard lock(mu_);
    auto [it, created] = pools_.try_emplace(spec.name);
    Pool& pool = it->second;
    if (created) {
      auto log = FunctionLog::Open(options_.data_dir + "/functions/" + spec.name + "/log");
      if (!log) {
        pools_.erase(it);
        Fail(std::move(invocation), InvokeResult::Status::kInitError,
             ErrorPayload("Runtime.Unknown", log.error().message), effects);
      } else {
        pool.log = *log;
      }
    }
    if (invocation) {
      if (!pool.spec || pool.spec->revision != spec.revision) {
        pool.spec = invocation->spec;
        for (const std::string& id : pool.workers) {
          Worker& worker = *workers_.at(id);
          if (worker.phase == Worker::Phase::kIdle) Kill(worker, KillReason::kRetire);
        }
      }
      if (spec.concurrency <= 0) {  // reserved concurrency 0: always throttled
        Fail(std::move(invocation), InvokeResult::Status::kThrottled,
             ErrorPayload("TooManyRequestsException", "Rate Exceeded."), effects);
      } else {
        pool.queue.push_back(std::move(invocation));
        Dispatch(pool, effects);
      }
    }
  }
  changed_.notify_all();
  Run(effects);
}

void WorkerRuntime::Drop(const std::string& function_name) {
  Effects effects;
  {
    std::lock_guard lock(mu_);
    auto it = pools_.find(function_name);
    if (it == pools_.end()) return;
    for (auto& invocation : it->second.queue) {
      Fail(std::move(invocation), InvokeResult::Status::kCrashed,
           ErrorPayload("Runtime.ExitError", "the function was deleted"), effects);
    }
    for (const std::string& id : it->second.workers) Kill(*workers_.at(id), KillReason::kDrop);
    pools_.erase(it);
  }
  Run(effects);
}

void WorkerRuntime::Fail(std::unique_ptr<Invocation> invocation, InvokeResult::Status status,
                         std::string payload, Effects& effects) {
  if (status == InvokeResult::Status::kThrottled) {
    if (auto pool = pools_.find(invocation->spec->name); pool != pools_.end()) {
      ++pool->second.counters.throttles;
    }
  }
  InvokeResult result;
  result.status = status;
  result.payload = std::move(payload);
  result.request_id = invocation->request_id;
  effects.dones.emplace_back(std::move(invocation->done), std::move(result));
}

void WorkerRuntime::Run(Effects& effects) {
  for (auto& worker : effects.spawns) StartWorker(worker);
  for (auto& [respond, response] : effects.responses) respond(std::move(response));
  for (auto& [done, result] : effects.dones) done(std::move(result));
}

void WorkerRuntime::StartWorker(const std::shared_ptr<Worker>& worker) {
  LaunchContext context;
  context.runtime_api =
      "127.0.0.1:" + std::to_string(options_.port()) + kRuntimeApiPrefix + worker->id;
  context.python_bootstrap = bootstrap_path_;
  context.region = options_.region;
  context.log_stream = NewLogStreamName(worker->spec->version);
  auto request = BuildWorkerLaunch(*worker->spec, context);
  Result<SpawnedProcess> process = request ? Spawn(*request) : tl::unexpected(request.error());
  int wake_fd = process ? eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK) : -1;
  if (process && wake_fd < 0) {
    KillGroup(process->pid);
    process = sf::Fail(ErrorCode::kIo, "eventfd failed");
  }
  Effects effects;
  {
    std::lock_guard lock(mu_);
    if (process) {
      worker->pid = process->pid;
      worker->pidfd = process->pidfd;
      worker->output_fd = process->output_fd;
      worker->wake_fd = wake_fd;
      worker->phase = Worker::Phase::kStarting;
      if (worker->kill_reason != KillReason::kNone) {
        worker->phase = Worker::Phase::kExiting;
        KillGroup(worker->pid);
      }
      worker->pump = std::thread([this, worker] { RunWorkerPump(*this, worker); });
    } else {
      StartFailed(*worker, process.error().message, effects);
    }
  }
  changed_.notify_all();
  Run(effects);
}

void WorkerRuntime::StartFailed(Worker& worker, const std::string& why, Effects& effects) {
  if (options_.logger != nullptr) {
    options_.logger->Warn("function worker failed to start",
                          {{"function", worker.spec->name}, {"error", why}});
  }
  if (worker.current) {
    Finish(worker,
           Outcome{InvokeResult::Status::kInitError, ErrorPayload("Runtime.InvalidEntrypoint", why),
                   "RequestId: " + worker.current->request_id + " Error: " + why, "error"},
           effects);
  }
  Forget(worker);
  DispatchAll(effects);
}

}  // namespace sf::engine::function
