// The Lambda runtime API (2018-06-01) as each worker sees it under its own prefix (a request
// without it is routed here by the engine once WorkerForConnection has found its worker):
//   GET  <prefix><worker>/2018-06-01/runtime/invocation/next            -> 200 + the event
//   POST <prefix><worker>/2018-06-01/runtime/invocation/<id>/response   -> 202
//   POST <prefix><worker>/2018-06-01/runtime/invocation/<id>/error      -> 202
//   POST <prefix><worker>/2018-06-01/runtime/init/error                 -> 202
// Refusals, as AWS words them: 400 InvalidRequestID (not the invocation this worker runs),
// 403 InvalidStateTransition (not now: no invocation, already answered, init already done, or a
// worker the engine no longer runs), 413 RequestEntityTooLarge (a response over 6 MB; the
// invocation then fails with Function.ResponseSizeTooLarge), 404 and 405 for other paths.
#include <optional>
#include <string_view>

#include "engine/function/outcomes.h"
#include "engine/function/output_pump.h"
#include "engine/function/peer_process.h"
#include "engine/function/worker_state.h"

namespace sf::engine::function {
namespace {

constexpr std::string_view kVersionPath = "/2018-06-01/runtime/";
constexpr size_t kMaxResponseBytes = 6291556;  // the figure Lambda's message gives

HttpResponse Json(int status, std::string body) {
  HttpResponse response;
  response.status = status;
  response.headers.emplace_back("Content-Type", "application/json");
  response.body = std::move(body);
  return response;
}

HttpResponse Refuse(int status, std::string_view type, std::string_view message) {
  return Json(status, ErrorPayload(type, message));
}

HttpResponse Accepted() { return Json(202, R"({"status":"OK"})"); }

HttpResponse NotNow(std::string_view what) { return Refuse(403, "InvalidStateTransition", what); }

struct Route {
  std::string worker;
  std::string_view action;  // "next", "response", "error", "init"
  std::string request_id;   // for response and error
};

// Splits "<worker>/2018-06-01/runtime/<rest>"; an empty action if it names nothing.
Route Parse(std::string_view path) {
  Route route;
  path.remove_prefix(std::string_view(kRuntimeApiPrefix).size());
  size_t slash = path.find('/');
  if (slash == std::string_view::npos) return route;
  route.worker = std::string(path.substr(0, slash));
  path.remove_prefix(slash);
  if (path.substr(0, kVersionPath.size()) != kVersionPath) return route;
  path.remove_prefix(kVersionPath.size());
  if (path == "invocation/next") {
    route.action = "next";
  } else if (path == "init/error") {
    route.action = "init";
  } else if (path.substr(0, 11) == "invocation/") {
    path.remove_prefix(11);
    size_t end = path.find('/');
    if (end == std::string_view::npos) return route;
    std::string_view verb = path.substr(end + 1);
    if (verb == "response" || verb == "error") {
      route.request_id = std::string(path.substr(0, end));
      route.action = verb == "response" ? "response" : "error";
    }
  }
  return route;
}

}  // namespace

void WorkerRuntime::HandleRuntimeApi(HttpRequest&& request, Respond respond) {
  Route route = Parse(request.path);
  if (route.action.empty()) {
    return respond(Refuse(404, "UnknownRequestPath", "no such runtime API path: " + request.path));
  }
  if (request.method != (route.action == "next" ? "GET" : "POST")) {
    return respond(Refuse(405, "MethodNotAllowed", request.method + " is not allowed here"));
  }
  Effects effects;
  std::optional<HttpResponse> answer;
  {
    std::lock_guard lock(mu_);
    auto it = workers_.find(route.worker);
    if (it == workers_.end() || it->second->phase == Worker::Phase::kExiting) {
      answer = NotNow("worker " + route.worker + " is not running");
    } else if (route.action == "next") {
      Next(*it->second, std::move(respond), effects);
    } else if (route.action == "init") {
      answer = InitError(*it->second, request);
    } else {
      answer = Post(*it->second, route.request_id, route.action == "error", request);
    }
  }
  if (answer) respond(std::move(*answer));
  changed_.notify_all();
  Run(effects);
}

std::optional<std::string> WorkerRuntime::WorkerForConnection(std::string_view remote_address,
                                                              uint16_t server_port) const {
  std::map<pid_t, std::string> by_pid;
  {
    std::lock_guard lock(mu_);
    for (const auto& [id, worker] : workers_) {
      if (worker->pid > 0 && worker->phase != Worker::Phase::kExiting) by_pid[worker->pid] = id;
    }
  }
  if (by_pid.empty()) return std::nullopt;
  std::vector<pid_t> pids;
  for (const auto& entry : by_pid) pids.push_back(entry.first);
  auto owner = LoopbackPeerProcess(remote_address, server_port, pids);
  // The worker itself, or a process it started (a shell bootstrap's child), a few levels down.
  pid_t pid = owner.value_or(0);
  for (int depth = 0; pid > 1 && depth < 16; ++depth) {
    if (auto it = by_pid.find(pid); it != by_pid.end()) return it->second;
    pid = ParentProcess(pid);
  }
  return std::nullopt;
}

void WorkerRuntime::Next(Worker& worker, Respond respond, Effects& effects) {
  if (worker.next || (worker.handed_out && !worker.outcome)) {
    effects.responses.emplace_back(std::move(respond),
                                   NotNow("invocation/next while an invocation is in progress"));
    return;
  }
  worker.next = std::move(respond);
  if (worker.phase == Worker::Phase::kStarting) {
    worker.init_ms =
        std::chrono::duration<double, std::milli>(Steady::now() - worker.spawned).count();
    worker.phase = Worker::Phase::kRunning;
    worker.initialised = true;
  }
  if (!worker.outcome) WorkerReady(worker);  // else the pump finishes it, then this
}

HttpResponse WorkerRuntime::Post(Worker& worker, const std::string& request_id, bool is_error,
                                 HttpRequest& request) {
  if (!worker.current || !worker.handed_out || worker.outcome) {
    return NotNow("no invocation is waiting for an answer");
  }
  if (worker.current->request_id != request_id) {
    return Refuse(400, "InvalidRequestID", "Invalid request ID: " + request_id);
  }
  Outcome outcome;
  HttpResponse answer = Accepted();
  if (is_error) {
    outcome = {
        InvokeResult::Status::kFunctionError,
        NormalizeErrorBody(request.body, request.Header("Lambda-Runtime-Function-Error-Type")), "",
        ""};
  } else if (request.body.size() > kMaxResponseBytes) {
    std::string message = "Response payload size (" + std::to_string(request.body.size()) +
                          " bytes) exceeded maximum allowed payload size (6291556 bytes).";
    outcome = {InvokeResult::Status::kFunctionError,
               ErrorPayload("Function.ResponseSizeTooLarge", message), message, "error"};
    answer = Refuse(413, "RequestEntityTooLarge", message);
  } else {
    outcome = {InvokeResult::Status::kOk, std::move(request.body), "", ""};
  }
  worker.outcome = std::move(outcome);
  WakePump(worker.wake_fd);
  return answer;
}

HttpResponse WorkerRuntime::InitError(Worker& worker, HttpRequest& request) {
  if (worker.phase != Worker::Phase::kStarting || worker.outcome) {
    return NotNow("init/error after initialisation");
  }
  worker.init_failed = true;
  if (worker.current) {
    std::string payload =
        NormalizeErrorBody(request.body, request.Header("Lambda-Runtime-Function-Error-Type"));
    worker.outcome = Outcome{InvokeResult::Status::kInitError, std::move(payload), "", "error"};
    WakePump(worker.wake_fd);
  }
  return Accepted();
}

}  // namespace sf::engine::function
