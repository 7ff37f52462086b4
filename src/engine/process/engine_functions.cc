// Engine: the functions half -- the function store, the worker runtime, the asynchronous event
// queue, the Lambda API, function logs and the functions' metrics.

#include "engine/function/store/function_spec.h"
#include "engine/function/worker_runtime.h"
#include "engine/process/engine.h"

#include <charconv>
#include <fstream>

#include "base/json_writer.h"

namespace sf::engine {

std::string Engine::EndpointUrl() const {
  std::string host = options_.address;
  if (host == "0.0.0.0" || host.empty()) host = "127.0.0.1";  // workers run on this machine
  if (host == "::") host = "::1";
  if (host.find(':') != std::string::npos) host = "[" + host + "]";
  return "http://" + host + ":" + std::to_string(port());
}

Status Engine::StartFunctions() {
  auto store = function::FunctionStore::Open(options_.data_dir, objects_.get(), *clock_);
  if (!store) return tl::unexpected(store.error());
  functions_ = std::move(*store);

  function::WorkerRuntimeOptions runtime_options;
  runtime_options.port = [this] { return port(); };
  runtime_options.data_dir = options_.data_dir;
  runtime_options.region = options_.region;
  runtime_options.logger = &logger_;
  auto runtime = function::MakeWorkerRuntime(std::move(runtime_options));
  if (!runtime) return tl::unexpected(runtime.error());
  runtime_ = std::move(*runtime);

  function::EventQueueOptions queue_options;
  queue_options.data_dir = options_.data_dir;
  queue_options.clock = clock_.get();
  queue_options.runtime = runtime_.get();
  queue_options.logger = &logger_;
  // Each attempt runs the function as it is then, exactly as Invoke would (lambda_ exists by
  // the time the queue starts).
  queue_options.resolve = [this](const std::string& name) -> std::optional<function::FunctionSpec> {
    auto spec = lambda_->LatestSpec(name);
    if (!spec) return std::nullopt;
    return std::move(*spec);
  };
  auto queue = function::EventQueue::Open(std::move(queue_options));
  if (!queue) return tl::unexpected(queue.error());
  event_queue_ = std::move(*queue);

  lambda::LambdaApiOptions api_options;
  api_options.region = options_.region;
  api_options.account = options_.account;
  api_options.logger = &logger_;
  api_options.event_queue = event_queue_.get();
  // Handlers sign with their role's credentials (engine_iam.cc), held to its policies.
  api_options.aws_environment = [this](const function::FunctionConfig& config) {
    return FunctionAwsEnvironment(config);
  };
  api_options.assume_role = [this](const std::string& role_arn,
                                   const std::string& function) -> ApiResult<void> {
    auto session = LambdaSession(role_arn, function);
    if (!session) return tl::unexpected(session.error());
    return {};
  };
  if (auto opened = OpenMappings(); !opened) return opened;
  api_options.mappings = mappings_.get();
  if (auto opened = OpenPolicies(); !opened) return opened;
  api_options.policies = policies_.get();
  lambda_ = std::make_unique<lambda::LambdaApi>(*functions_, *runtime_, *blocking_,
                                                std::move(api_options));
  return {};
}

namespace {

constexpr int64_t kLogChunk = 1 << 20;

HttpResponse LogError(int status, std::string_view type, std::string_view message) {
  HttpResponse response;
  response.status = status;
  response.headers = {{"Content-Type", "application/json"}};
  JsonWriter(response.body)
      .BeginObject()
      .Member("__type", type)
      .Member("message", message)
      .EndObject();
  return response;
}

}  // namespace

HttpResponse Engine::FunctionLog(const HttpRequest& request) const {
  // /_streamform/functions/{name}/log
  constexpr std::string_view kPrefix = "/_streamform/functions/";
  std::string_view rest = std::string_view(request.path).substr(kPrefix.size());
  size_t slash = rest.find('/');
  if (slash == std::string_view::npos || rest.substr(slash) != "/log") {
    return LogError(404, "NotFound", "no API is served at GET " + request.path);
  }
  std::string name(rest.substr(0, slash));
  if (!functions_->Get(name)) {
    return LogError(404, "ResourceNotFoundException", "Function not found: " + name);
  }
  int64_t offset = 0;
  for (std::string_view query = request.query; !query.empty();) {
    std::string_view pair = query.substr(0, query.find('&'));
    query.remove_prefix(std::min(query.size(), pair.size() + 1));
    if (pair.substr(0, 7) != "offset=") continue;
    auto parsed = std::from_chars(pair.data() + 7, pair.data() + pair.size(), offset);
    if (parsed.ec != std::errc() || parsed.ptr != pair.data() + pair.size() || offset < 0) {
      return LogError(400, "ValidationException", "offset must be a byte offset (0 or more)");
    }
  }
  HttpResponse response;
  response.status = 200;
  response.headers = {{"Content-Type", "text/plain; charset=utf-8"}};
  std::ifstream log(options_.data_dir + "/functions/" + name + "/log", std::ios::binary);
  if (log) {
    log.seekg(0, std::ios::end);
    int64_t size = static_cast<int64_t>(log.tellg());
    if (offset < size) {
      response.body.resize(static_cast<size_t>(std::min(kLogChunk, size - offset)));
      log.seekg(offset);
      log.read(response.body.data(), static_cast<std::streamsize>(response.body.size()));
      response.body.resize(static_cast<size_t>(log.gcount()));
    }
  }
  response.headers.push_back({"x-streamform-next-offset",
                              std::to_string(offset + static_cast<int64_t>(response.body.size()))});
  return response;
}

namespace {

// A Prometheus sample value: the shortest text that reads back as `value`.
std::string Number(double value) {
  char text[32];
  auto end = std::to_chars(text, text + sizeof text, value).ptr;
  return std::string(text, end);
}

void Help(std::string& out, std::string_view name, std::string_view type, std::string_view help) {
  out += "# HELP " + std::string(name) + " " + std::string(help) + "\n# TYPE " + std::string(name) +
         " " + std::string(type) + "\n";
}

void Sample(std::string& out, std::string_view name, const std::string& labels,
            const std::string& value) {
  out += std::string(name) + "{" + labels + "} " + value + "\n";
}

}  // namespace

void Engine::AppendFunctionMetrics(std::string& out) const {
  using function::FunctionMetricsSnapshot;
  std::vector<FunctionMetricsSnapshot> functions = runtime_->Metrics();
  auto label = [](const std::string& name) { return "function=\"" + name + "\""; };
  struct Counter {
    const char* name;
    const char* type;
    const char* help;
    uint64_t FunctionMetricsSnapshot::*field;
  };
  const Counter counters[] = {
      {"streamform_function_invocations_total", "counter",
       "Invocations: handler runs that ended, successes and function errors alike",
       &FunctionMetricsSnapshot::invocations},
      {"streamform_function_errors_total", "counter",
       "Errors: invocations that ended in a function error, a timeout, a crash or an init error",
       &FunctionMetricsSnapshot::errors},
      {"streamform_function_throttles_total", "counter",
       "Throttles: invocations refused for want of concurrency",
       &FunctionMetricsSnapshot::throttles},
  };
  for (const auto& counter : counters) {
    Help(out, counter.name, counter.type, counter.help);
    for (const auto& f : functions) {
      Sample(out, counter.name, label(f.function), std::to_string(f.*(counter.field)));
    }
  }
  constexpr std::string_view kDuration = "streamform_function_duration_milliseconds";
  Help(out, kDuration, "histogram", "Duration: from hand-out to the handler's answer");
  for (const auto& f : functions) {
    for (size_t i = 0; i < function::kDurationBucketsMs.size(); ++i) {
      Sample(out, std::string(kDuration) + "_bucket",
             label(f.function) + ",le=\"" + Number(function::kDurationBucketsMs[i]) + "\"",
             std::to_string(f.duration_buckets[i]));
    }
    Sample(out, std::string(kDuration) + "_bucket", label(f.function) + ",le=\"+Inf\"",
           std::to_string(f.invocations));
    Sample(out, std::string(kDuration) + "_sum", label(f.function), Number(f.duration_sum_ms));
    Sample(out, std::string(kDuration) + "_count", label(f.function),
           std::to_string(f.invocations));
  }
  Help(out, "streamform_function_concurrent_executions", "gauge",
       "ConcurrentExecutions: invocations running on a worker now");
  for (const auto& f : functions) {
    Sample(out, "streamform_function_concurrent_executions", label(f.function),
           std::to_string(f.concurrent_executions));
  }
  std::vector<function::EventQueueMetrics> queued = event_queue_->Metrics();
  struct QueueSeries {
    const char* name;
    const char* type;
    const char* help;
    uint64_t function::EventQueueMetrics::*field;
  };
  const QueueSeries queue_series[] = {
      {"streamform_function_async_events_received_total", "counter",
       "AsyncEventsReceived: events queued by asynchronous invocations",
       &function::EventQueueMetrics::received},
      {"streamform_function_async_events_dropped_total", "counter",
       "AsyncEventsDropped: events given up (retries spent, too old, function deleted)",
       &function::EventQueueMetrics::dropped},
      {"streamform_function_async_events_waiting", "gauge",
       "asynchronous events waiting for a retry's time or for concurrency",
       &function::EventQueueMetrics::waiting},
      {"streamform_function_async_events_running", "gauge", "asynchronous events being invoked now",
       &function::EventQueueMetrics::running},
  };
  for (const auto& series : queue_series) {
    Help(out, series.name, series.type, series.help);
    for (const auto& q : queued) {
      Sample(out, series.name, label(q.function), std::to_string(q.*(series.field)));
    }
  }
}

}  // namespace sf::engine
