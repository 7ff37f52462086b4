#pragma once
// The function runtime: runs users' Lambda handlers in worker processes and serves them the
// Lambda runtime API (/2018-06-01/runtime/invocation/next, /{id}/response, /{id}/error,
// /init/error) on the engine's own port. Issue 6.
//
// Who uses it: the Lambda API (engine/api/lambda: Invoke), the asynchronous event queue
// (function/event_queue), event-source mappings and schedules call Invoke; the engine routes
// every request under kRuntimeApiPrefix to HandleRuntimeApi (and unprefixed runtime paths from
// a worker's own connection, see WorkerForConnection) and reads Metrics for /metrics.
//
// Workers. Each function has up to its concurrency limit of long-lived worker processes,
// started on demand and reused (warm) while the function's `revision` stays the same; a new
// revision (code or configuration changed) retires the old workers once they finish. A worker
// gets the environment Lambda gives (AWS_LAMBDA_FUNCTION_NAME, ..._VERSION, ..._MEMORY_SIZE,
// AWS_LAMBDA_LOG_GROUP_NAME, AWS_LAMBDA_LOG_STREAM_NAME, _HANDLER, LAMBDA_TASK_ROOT,
// AWS_REGION, AWS_DEFAULT_REGION, TZ=:UTC, the function's own variables, and
// AWS_LAMBDA_RUNTIME_API) and the credentials and endpoint in `FunctionSpec::aws_environment`.
// AWS_LAMBDA_RUNTIME_API is "127.0.0.1:<port>/_streamform/runtime/<worker id>": each worker
// has its own path prefix on the one port, so the engine knows which worker asks for work.
// A worker that passes the function's timeout is killed (the invocation fails with
// "Task timed out after N.NN seconds"); one that exits or crashes fails its invocation and is
// replaced on the next demand; memory is limited from MemorySize (RLIMIT_AS, with headroom
// for the interpreter). stdout and stderr of every worker go to the function's log
// (<data dir>/functions/<name>/log), one line per line, as CloudWatch Logs would hold them.
//
// Runtimes: python3.x runs the bootstrap shipped with streamform (embedded in the binary,
// written under the data dir) with /usr/bin/python3; provided, provided.al2 and
// provided.al2023 run the function's own `bootstrap` executable from its code directory.

#include <array>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "engine/server/http_server.h"

namespace sf::engine::function {

inline constexpr char kRuntimeApiPrefix[] = "/_streamform/runtime/";

// Everything a worker needs to run one revision of a function.
struct FunctionSpec {
  std::string name;
  std::string arn;       // arn:aws:lambda:<region>:<account>:function:<name>
  std::string runtime;   // python3.x, provided, provided.al2, provided.al2023
  std::string handler;   // "module.function" for python; passed as _HANDLER
  std::string code_dir;  // the unpacked code (read-only for the worker)
  std::map<std::string, std::string> environment;      // the function's variables
  std::map<std::string, std::string> aws_environment;  // AWS_ACCESS_KEY_ID, ..., endpoint
  int timeout_seconds = 3;
  int memory_mb = 128;
  int concurrency = 10;  // the most workers at once (reserved, else the engine's cap)
  std::string version = "$LATEST";
  std::string role;      // the execution role's ARN (the mappings' invokeIdentityArn)
  std::string revision;  // a new value retires the workers of the old one
};

struct InvokeResult {
  enum class Status {
    kOk,             // the handler returned; `payload` is its response
    kFunctionError,  // the handler raised or reported an error; `payload` is the error JSON
    kTimeout,        // killed at the timeout; `payload` is Lambda's timeout error JSON
    kCrashed,        // the worker exited or crashed mid-invocation ("Runtime.ExitError")
    kInitError,      // the worker failed to initialise (missing module, bad handler, ...)
    kThrottled,      // no worker could be had within the wait allowed (concurrency)
  };
  Status status = Status::kOk;
  std::string payload;     // response bytes, or {"errorMessage","errorType","stackTrace"}
  std::string request_id;  // the invocation's id (a UUID)
  int64_t duration_ms = 0;
  std::string log_tail;  // the invocation's log lines, at most the last 4 KiB
};

// The upper bounds (milliseconds) of the Duration histogram's buckets; +Inf is implied.
inline constexpr std::array<double, 14> kDurationBucketsMs = {
    5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000, 30000, 60000, 300000};

// A function's CloudWatch-style metrics (AWS/Lambda) since the runtime started, counted for
// every invocation whatever asked for it (the Invoke API, event-source mappings, schedules,
// the asynchronous queue's retries).
struct FunctionMetricsSnapshot {
  std::string function;
  uint64_t invocations = 0;    // Invocations: handler runs that ended, successes and errors alike
  uint64_t errors = 0;         // Errors: function errors, timeouts, crashes and init errors
  uint64_t throttles = 0;      // Throttles: invocations refused for want of concurrency
  double duration_sum_ms = 0;  // Duration of the `invocations` (from hand-out to answer)
  // Cumulative counts of invocations whose Duration is <= kDurationBucketsMs[i].
  std::array<uint64_t, kDurationBucketsMs.size()> duration_buckets{};
  int concurrent_executions = 0;  // ConcurrentExecutions: invocations on a worker now
};

// Thread-safe.
class Runtime {
 public:
  virtual ~Runtime() = default;
  // Runs one invocation; `done` is called exactly once, from any thread. A spec whose
  // concurrency is 0 (reserved concurrency 0) ends kThrottled at once, as Lambda does.
  virtual void Invoke(const FunctionSpec& spec, std::string payload,
                      std::function<void(InvokeResult)> done) = 0;
  // As Invoke, with the request id the caller chose (a UUID): an asynchronous event keeps its
  // id across retries, as Lambda's do. An implementation that cannot keep it (a test fake) may
  // fall back to Invoke, which picks its own.
  virtual void InvokeWithRequestId(const FunctionSpec& spec, std::string payload,
                                   std::string request_id, std::function<void(InvokeResult)> done) {
    (void)request_id;
    Invoke(spec, std::move(payload), std::move(done));
  }
  // Every function invoked since the runtime started (and not dropped since), by name.
  // Thread-safe; a consistent snapshot. The default, for test fakes, is none.
  virtual std::vector<FunctionMetricsSnapshot> Metrics() const { return {}; }
  // Stops every worker of a function (deleted): running invocations fail as kCrashed.
  virtual void Drop(const std::string& function_name) = 0;
  // The runtime API, for requests whose path starts with kRuntimeApiPrefix.
  virtual void HandleRuntimeApi(HttpRequest&& request, Respond respond) = 0;
  // The id of the worker whose process (or a descendant of it) holds the client end of the
  // loopback connection from `remote_address` to `server_port`, for runtime-API requests that
  // came without the worker's prefix (see peer_process.h). nullopt for any other peer. The
  // default, for test fakes, knows no workers.
  virtual std::optional<std::string> WorkerForConnection(std::string_view remote_address,
                                                         uint16_t server_port) const {
    (void)remote_address;
    (void)server_port;
    return std::nullopt;
  }
};

}  // namespace sf::engine::function
