#include "engine/process/engine.h"

#include <sys/resource.h>

#include <chrono>

#include "auth/auth_errors.h"
#include "base/json_writer.h"
#include "engine/api/iam/query_response.h"
#include "engine/api/json_request.h"
#include "engine/api/lambda/lambda_wire.h"
#include "engine/api/s3/s3_response.h"
#include "engine/api/stacks/buffered_sink.h"
#include "engine/iam/identifiers.h"

namespace sf::engine {

namespace {

// The largest body a request buffered whole may have: a full PutRecords (5 MiB of data)
// base64'd; also a runtime API response (6 MB).
constexpr uint64_t kMaxBufferedBodyBytes = 8 * 1024 * 1024;

HttpResponse Json(int status, std::string body) {
  HttpResponse response;
  response.status = status;
  response.headers = {{"Content-Type", "application/json"}};
  response.body = std::move(body);
  return response;
}

HttpResponse JsonError(int status, std::string_view type, std::string_view message) {
  std::string body;
  JsonWriter(body).BeginObject().Member("__type", type).Member("message", message).EndObject();
  return Json(status, std::move(body));
}

}  // namespace

namespace {

// Every open shard keeps its active segment open, so an engine holding hundreds of streams
// needs more descriptors than a lowered soft limit gives; the hard limit is ours to take.
void RaiseOpenFileLimit(Logger& logger) {
  struct rlimit limit {};
  if (getrlimit(RLIMIT_NOFILE, &limit) != 0 || limit.rlim_cur >= limit.rlim_max) return;
  rlim_t before = limit.rlim_cur;
  limit.rlim_cur = limit.rlim_max;
  if (setrlimit(RLIMIT_NOFILE, &limit) != 0) {
    logger.Warn("cannot raise the open-file limit; an engine holding many shards may run out",
                {{"soft_limit", std::to_string(before)}});
  }
}

}  // namespace

Result<std::unique_ptr<Engine>> Engine::Start(const EngineOptions& options, Logger& logger) {
  RaiseOpenFileLimit(logger);
  std::unique_ptr<Engine> engine(new Engine(options, logger));
  if (options.virtual_clock) {
    int64_t start =
        options.virtual_clock_start_ms != 0 ? options.virtual_clock_start_ms : RealClock().NowMs();
    auto clock = std::make_unique<VirtualClock>(start);
    engine->virtual_clock_ = clock.get();
    engine->clock_ = std::move(clock);
  } else {
    engine->clock_ = std::make_unique<RealClock>();
  }
  engine->started_ms_ = RealClock().NowMs();

  auto credentials = auth::LoadOrCreateEngineCredentials(options.data_dir, options.region);
  if (!credentials) return tl::unexpected(credentials.error());
  // Signatures are checked against the real clock even when streams run on a virtual one: the
  // SDKs sign with the machine's time, and a test that moves the virtual clock by hours must
  // not lock its own clients out.
  if (auto opened = engine->OpenRoles(); !opened) return tl::unexpected(opened.error());
  engine->auth_ = std::make_unique<RequestAuthenticator>(
      options.auth, std::move(*credentials), &engine->real_clock_, engine->roles_.get());

  StreamServiceOptions stream_options;
  stream_options.data_dir = options.data_dir;
  stream_options.region = options.region;
  stream_options.account = options.account;
  stream_options.clock = engine->clock_.get();
  stream_options.throttling = options.throttling;
  stream_options.log.visible_after_sync = options.durability == DurabilityMode::kEveryBatch;
  auto streams = StreamService::Open(stream_options);
  if (!streams) return tl::unexpected(streams.error());
  engine->streams_ = std::move(*streams);

  StreamService* service = engine->streams_.get();
  engine->committer_ = std::make_unique<Committer>(options.durability, options.sync_interval_ms,
                                                   [service] { service->SyncAll(); });
  engine->kinesis_ = std::make_unique<KinesisApi>(*engine->streams_, *engine->committer_);

  StoreOptions store_options;
  store_options.clock = engine->clock_.get();
  store_options.md5 = options.md5;
  StoreRecoveryStats recovered;
  auto objects = ObjectStore::Open(options.data_dir + "/buckets", store_options, &recovered);
  if (!objects) return tl::unexpected(ToError(objects.error()));
  engine->objects_ = std::move(*objects);
  auto stack_store = StackStore::Open(options.data_dir + "/stacks.db", *engine->clock_);
  if (!stack_store) return tl::unexpected(stack_store.error());
  engine->stack_store_ = std::move(*stack_store);
  engine->blocking_ = std::make_unique<WorkPool>(options.blocking_threads, "sf-blocking");
  engine->iam_api_ =
      std::make_unique<iam_api::IamApi>(*engine->roles_, *engine->blocking_, *engine->clock_);
  engine->stacks_ = std::make_unique<StacksApi>(*engine->stack_store_, *engine->blocking_);
  engine->s3_ = std::make_unique<s3::S3Api>(*engine->objects_, *engine->auth_, *engine->clock_,
                                            *engine->blocking_, options.region);
  if (auto functions = engine->StartFunctions(); !functions) {
    return tl::unexpected(functions.error());
  }
  if (auto schedules = engine->OpenSchedules(); !schedules) {
    return tl::unexpected(schedules.error());
  }
  if (auto delivery = engine->OpenDelivery(); !delivery) return tl::unexpected(delivery.error());

  HttpServerOptions server_options;
  server_options.address = options.address;
  server_options.port = options.port;
  server_options.io_threads = options.io_threads;
  server_options.max_body_bytes = kMaxBufferedBodyBytes;
  Engine* self = engine.get();
  server_options.refusal = [self](int status, std::string_view reason, const HttpRequest& partial) {
    return self->Refusal(status, reason, partial);
  };
  server_options.max_streamed_body_bytes = s3::kMaxPutWireBytes;
  server_options.classify = [self](const HttpRequest& head) { return self->Classify(head); };
  engine->server_ =
      std::make_unique<HttpServer>(server_options, [self](HttpRequest&& request, Respond respond) {
        self->Route(std::move(request), std::move(respond));
      });
  if (auto started = engine->server_->Start(); !started) return tl::unexpected(started.error());
  engine->retention_thread_ = std::thread([self] { self->RetentionLoop(); });
  engine->mappings_->Start();     // consumers invoke workers, which need the port
  engine->scheduler_->Start();    // likewise
  engine->event_queue_->Start();  // likewise
  engine->delivery_->Start();
  logger.Info("engine started",
              {{"address", options.address},
               {"port", std::to_string(engine->port())},
               {"data_dir", options.data_dir},
               {"durability",
                options.durability == DurabilityMode::kEveryBatch ? "fsync-per-batch" : "interval"},
               {"clock", options.virtual_clock ? "virtual" : "real"},
               {"auth", options.auth ? "sigv4" : "none (--no-auth)"},
               {"access_key", engine->auth_->credentials().credentials.access_key},
               {"loopback_only",
                options.address == "127.0.0.1" || options.address == "::1" ? "true" : "false"}});
  return engine;
}

Engine::~Engine() { Stop(); }

void Engine::Stop() {
  if (stopped_.exchange(true)) return;
  if (!server_) return;  // Start failed before serving: the members clean up after themselves
  logger_.Info("engine stopping");
  server_->Stop();  // in-flight requests finish; their acknowledgements are already durable
  streams_->SetRecordsListener(nullptr);
  mappings_->Stop();     // batches in flight are abandoned: sent again after a restart
  scheduler_->Stop();    // fires recorded and queued are not repeated; the queue keeps them
  event_queue_->Stop();  // events running now stay queued on disk and run after a restart
  runtime_.reset();      // kills the workers; invocations still waiting answer into a closed server
  {
    std::lock_guard lock(retention_mu_);
    stopping_ = true;
  }
  retention_cv_.notify_all();
  if (retention_thread_.joinable()) retention_thread_.join();
  blocking_.reset();   // runs the S3 commits and stack-store calls already queued
  delivery_->Stop();   // a write in progress finishes; what is buffered waits on disk
  committer_.reset();  // drains, and in interval mode syncs everything
  streams_->SyncAll();
  logger_.Info("engine stopped");
  logger_.Flush();
}

void Engine::RetentionLoop() {
  std::unique_lock lock(retention_mu_);
  while (!stopping_) {
    retention_cv_.wait_for(lock, std::chrono::milliseconds(options_.retention_check_ms),
                           [&] { return stopping_; });
    if (stopping_) break;
    lock.unlock();
    streams_->EnforceRetention();
    lock.lock();
  }
}

std::optional<ApiError> Engine::AuthFailure(const HttpRequest& request,
                                            std::string_view service) const {
  auto principal = Identify(request, service);
  if (principal) return std::nullopt;
  return principal.error();
}

std::optional<HttpResponse> Engine::Authenticate(const HttpRequest& request,
                                                 std::string_view service) const {
  auto principal = Identify(request, service);
  if (!principal) return KinesisApi::ErrorResponse(principal.error());
  if (service == "streamform" && !principal->administrator()) {
    return KinesisApi::ErrorResponse({"AccessDeniedException",
                                      "User: " + principal->session->arn +
                                          " is not authorized to call the engine's own routes "
                                          "(/_streamform/...): they take the engine's credentials",
                                      403});
  }
  return std::nullopt;
}

HttpResponse Engine::Refusal(int status, std::string_view reason,
                             const HttpRequest& partial) const {
  if (!partial.path.empty() && IsS3(partial)) {
    return s3::ServerRefusalResponse(status, reason, partial.path);
  }
  if (lambda::IsLambdaRequest(partial)) {
    std::string message(reason);
    if (status == 413) message += ": the Lambda API accepts request bodies of up to 70167211 bytes";
    const char* type = status == 413  ? "RequestTooLargeException"
                       : status < 500 ? "InvalidRequestContentException"
                                      : "ServiceException";
    return lambda::ErrorResponse({type, message, status});
  }
  const char* type = status == 413   ? "RequestEntityTooLargeException"
                     : status == 431 ? "RequestHeaderFieldsTooLargeException"
                     : status == 408 ? "RequestTimeoutException"
                     : status == 503 ? "ServiceUnavailableException"
                                     : "SerializationException";
  std::string message(reason);
  if (status == 413) {
    message += IsStackPath(partial.path)
                   ? ": the stack routes accept request bodies of up to 16 MiB"
                   : ": the engine accepts request bodies of up to 8 MiB";
  }
  return JsonError(status, type, message);
}

bool Engine::IsS3(const HttpRequest& request) const {
  if (request.Header("X-Amz-Target") != nullptr) return false;
  std::string_view path = request.path;
  if (path.substr(0, 12) == "/_streamform") return false;  // no bucket name starts with '_'
  std::string service = lambda::SigningService(request);
  if (service == "lambda" || iam_api::IamApi::IsQueryService(service)) return false;
  if (request.method == "GET" && (path == "/health" || path == "/metrics")) {
    bool signed_request = request.Header("Authorization") != nullptr ||
                          request.query.find("X-Amz-Signature=") != std::string::npos;
    return signed_request;
  }
  return true;
}

std::optional<std::string> Engine::UnprefixedRuntimeWorker(const HttpRequest& request) const {
  if (request.path.rfind("/2018-06-01/runtime/", 0) != 0 || !runtime_ || !server_) {
    return std::nullopt;
  }
  if (request.Header("Authorization") != nullptr ||
      request.query.find("X-Amz-Signature=") != std::string::npos) {
    return std::nullopt;  // signed: S3 (a bucket may be called 2018-06-01)
  }
  return runtime_->WorkerForConnection(request.remote_address, server_->port());
}

BodyPlan Engine::Classify(const HttpRequest& head) {
  // Before S3: such a request is unsigned and its path is also a valid S3 path. Looked up once
  // (a /proc scan), here, and carried to the handler.
  if (auto worker = UnprefixedRuntimeWorker(head)) {
    return BufferedBodyPlan(
        kMaxBufferedBodyBytes, [this, worker = *worker](HttpRequest&& request, Respond respond) {
          request.path = std::string(function::kRuntimeApiPrefix) + worker + request.path;
          runtime_->HandleRuntimeApi(std::move(request), std::move(respond));
        });
  }
  if (IsS3(head)) return s3_->Classify(head);
  if (lambda::IsLambdaRequest(head)) {  // a CreateFunction carries up to 50 MB of zip, base64'd
    return BufferedBodyPlan(lambda::kMaxRequestBytes,
                            [this](HttpRequest&& request, Respond respond) {
                              Route(std::move(request), std::move(respond));
                            });
  }
  if (head.Header("X-Amz-Target") == nullptr && IsStackPath(head.path)) {
    return BufferedBodyPlan(StacksApi::kMaxBodyBytes,
                            [this](HttpRequest&& request, Respond respond) {
                              Route(std::move(request), std::move(respond));
                            });
  }
  return {};
}

void Engine::Route(HttpRequest&& request, Respond respond) {
  if (IsS3(request)) return s3_->Handle(std::move(request), std::move(respond));
  if (request.path.rfind(function::kRuntimeApiPrefix, 0) == 0) {
    return runtime_->HandleRuntimeApi(std::move(request), std::move(respond));
  }
  std::string service = lambda::SigningService(request);
  if (service == "lambda") {
    auto principal = Identify(request, "lambda");
    if (!principal) return respond(lambda::ErrorResponse(principal.error()));
    if (auto denied = AuthorizeLambda(request, *principal)) {
      return respond(lambda::ErrorResponse(*denied));
    }
    return lambda_->Handle(std::move(request), std::move(respond));
  }
  if (iam_api::IamApi::IsQueryService(service)) {
    auto principal = Identify(request, service);
    if (!principal) {
      const char* xmlns = service == "sts" ? iam_api::kStsNamespace : iam_api::kIamNamespace;
      return respond(iam_api::QueryError(iam_api::QueryAuthError(principal.error()), xmlns,
                                         iam::NewRequestUuid()));
    }
    return iam_api_->Handle(std::move(request), std::move(service), std::move(*principal),
                            std::move(respond));
  }
  if (const std::string* target = request.Header("X-Amz-Target")) {
    std::string_view value = *target;
    if (value.substr(0, kKinesisTargetPrefix.size()) == kKinesisTargetPrefix) {
      auto principal = Identify(request, "kinesis");
      if (!principal) return respond(KinesisApi::ErrorResponse(principal.error()));
      kinesis_->Handle(value.substr(kKinesisTargetPrefix.size()), request, std::move(respond),
                       *principal);
      return;
    }
    if (value.substr(0, firehose::kTargetPrefix.size()) == firehose::kTargetPrefix) {
      auto principal = Identify(request, "firehose");
      if (!principal) return respond(KinesisApi::ErrorResponse(principal.error()));
      std::string operation(value.substr(firehose::kTargetPrefix.size()));
      return firehose_->Handle(std::move(operation), std::move(request), std::move(respond),
                               std::move(*principal));
    }
    if (value.substr(0, events::kTargetPrefix.size()) == events::kTargetPrefix) {
      auto principal = Identify(request, "events");
      if (!principal) return respond(events::EventsApi::ErrorResponse(principal.error()));
      std::string operation(value.substr(events::kTargetPrefix.size()));
      return events_->Handle(std::move(operation), std::move(request), std::move(respond),
                             std::move(*principal));
    }
    respond(
        JsonError(400, "UnknownOperationException", "Unknown X-Amz-Target " + std::string(value)));
    return;
  }
  if (request.method == "GET" && request.path == "/health") return respond(Health());
  if (request.method == "GET" && request.path == "/metrics") return respond(Metrics());
  if (request.method == "POST" && request.path == "/_streamform/clock") {
    if (auto refused = Authenticate(request, "streamform")) return respond(std::move(*refused));
    return respond(ClockControl(request));
  }
  if (request.method == "POST" && request.path == "/_streamform/throttling") {
    if (auto refused = Authenticate(request, "streamform")) return respond(std::move(*refused));
    return respond(ThrottlingControl(request));
  }
  if (request.method == "GET" && request.path.rfind("/_streamform/functions/", 0) == 0) {
    if (auto refused = Authenticate(request, "streamform")) return respond(std::move(*refused));
    return respond(FunctionLog(request));
  }
  if (IsDeliveryRoute(request)) {
    if (auto refused = Authenticate(request, "streamform")) return respond(std::move(*refused));
    return HandleDeliveryRoute(std::move(request), std::move(respond));
  }
  if (IsStackPath(request.path)) {
    if (auto refused = Authenticate(request, "streamform")) return respond(std::move(*refused));
    return stacks_->Handle(std::move(request), std::move(respond));
  }
  respond(JsonError(404, "NotFound", "no API is served at " + request.method + " " + request.path));
}

HttpResponse Engine::Health() const {
  std::string body;
  JsonWriter(body)
      .BeginObject()
      .Member("status", "ok")
      .Member("port", static_cast<int64_t>(port()))
      .Member("uptimeMs", RealClock().NowMs() - started_ms_)
      .Member("clock", virtual_clock_ != nullptr ? "virtual" : "real")
      .Member("nowMs", clock_->NowMs())
      .Member("instance", stack_store_->instance())
      .Member("region", options_.region)
      .Member("account", options_.account)
      .EndObject();
  return Json(200, std::move(body));
}

HttpResponse Engine::ClockControl(const HttpRequest& request) {
  if (virtual_clock_ == nullptr) {
    return JsonError(409, "ClockNotVirtual",
                     "the engine runs on the real clock; start it with --virtual-clock");
  }
  auto parsed = JsonRequest::Parse(request.body);
  if (!parsed) return JsonError(400, parsed.error().type, parsed.error().message);
  if (auto advance = (*parsed)->Integer("advanceMs")) {
    if (*advance < 0) return JsonError(400, "InvalidArgument", "advanceMs must not be negative");
    virtual_clock_->Advance(*advance);
  } else if (auto set = (*parsed)->Integer("setMs")) {
    virtual_clock_->Set(*set);
  } else {
    return JsonError(400, "InvalidArgument", "give advanceMs or setMs");
  }
  streams_->EnforceRetention();
  scheduler_->RunDue();  // every occurrence now due is handed to its targets before we answer
  // Likewise every delivery buffer now due is in its bucket before we answer.
  delivery_->FlushDue();
  std::string body;
  JsonWriter(body).BeginObject().Member("nowMs", virtual_clock_->NowMs()).EndObject();
  return Json(200, std::move(body));
}

HttpResponse Engine::ThrottlingControl(const HttpRequest& request) {
  auto parsed = JsonRequest::Parse(request.body);
  if (!parsed) return JsonError(400, parsed.error().type, parsed.error().message);
  auto stream = (*parsed)->String("stream");
  if (!stream) return JsonError(400, "InvalidArgument", "give the stream's name");
  auto enabled = (*parsed)->Bool("enabled");  // absent or null: back to the engine default
  auto set = streams_->SetThrottling(std::string(*stream), enabled);
  if (!set) return JsonError(set.error().status, set.error().type, set.error().message);
  return Json(200, "{}");
}

HttpResponse Engine::Metrics() const {
  std::string out;
  auto metric = [&](const char* name, const char* type, const char* help) {
    out += std::string("# HELP ") + name + " " + help + "\n# TYPE " + name + " " + type + "\n";
  };
  auto snapshots = streams_->Metrics();
  struct Series {
    const char* name;
    const char* type;
    const char* help;
    uint64_t ShardMetricsSnapshot::*field;
  };
  const Series series[] = {
      {"streamform_kinesis_incoming_bytes_total", "counter",
       "IncomingBytes: data and key bytes put", &ShardMetricsSnapshot::incoming_bytes},
      {"streamform_kinesis_incoming_records_total", "counter", "IncomingRecords: records put",
       &ShardMetricsSnapshot::incoming_records},
      {"streamform_kinesis_get_records_bytes_total", "counter", "GetRecords.Bytes",
       &ShardMetricsSnapshot::get_records_bytes},
      {"streamform_kinesis_get_records_records_total", "counter", "GetRecords.Records",
       &ShardMetricsSnapshot::get_records_records},
      {"streamform_kinesis_get_records_calls_total", "counter", "GetRecords calls",
       &ShardMetricsSnapshot::get_records_calls},
      {"streamform_kinesis_write_throughput_exceeded_total", "counter",
       "WriteProvisionedThroughputExceeded: records refused",
       &ShardMetricsSnapshot::write_throttled},
      {"streamform_kinesis_read_throughput_exceeded_total", "counter",
       "ReadProvisionedThroughputExceeded: calls refused", &ShardMetricsSnapshot::read_throttled},
      {"streamform_kinesis_log_bytes", "gauge", "bytes of the shard's log on disk",
       &ShardMetricsSnapshot::log_bytes},
  };
  for (const auto& s : series) {
    metric(s.name, s.type, s.help);
    for (const auto& stream : snapshots) {
      uint64_t total = 0;
      for (const auto& shard : stream.shards) {
        out += std::string(s.name) + "{stream=\"" + stream.stream + "\",shard=\"" + shard.shard_id +
               "\"} " + std::to_string(shard.*(s.field)) + "\n";
        total += shard.*(s.field);
      }
      out += std::string(s.name) + "{stream=\"" + stream.stream + "\"} " + std::to_string(total) +
             "\n";
    }
  }
  metric("streamform_kinesis_iterator_age_milliseconds", "gauge",
         "GetRecords.IteratorAgeMilliseconds of the latest read");
  for (const auto& stream : snapshots) {
    int64_t highest = 0;
    for (const auto& shard : stream.shards) {
      out += "streamform_kinesis_iterator_age_milliseconds{stream=\"" + stream.stream +
             "\",shard=\"" + shard.shard_id + "\"} " + std::to_string(shard.iterator_age_ms) + "\n";
      highest = std::max(highest, shard.iterator_age_ms);
    }
    out += "streamform_kinesis_iterator_age_milliseconds{stream=\"" + stream.stream + "\"} " +
           std::to_string(highest) + "\n";
  }
  AppendS3Metrics(out);
  AppendFunctionMetrics(out);
  AppendMappingMetrics(out);
  AppendScheduleMetrics(out);
  AppendDeliveryMetrics(out);
  ServerStats stats = server_->stats();
  metric("streamform_http_requests_total", "counter", "complete requests handled");
  out += "streamform_http_requests_total " + std::to_string(stats.requests) + "\n";
  metric("streamform_http_responses_total", "counter", "responses by status class");
  out += "streamform_http_responses_total{class=\"2xx\"} " + std::to_string(stats.responses_2xx) +
         "\n";
  out += "streamform_http_responses_total{class=\"4xx\"} " + std::to_string(stats.responses_4xx) +
         "\n";
  out += "streamform_http_responses_total{class=\"5xx\"} " + std::to_string(stats.responses_5xx) +
         "\n";
  metric("streamform_http_connections_open", "gauge", "open connections");
  out += "streamform_http_connections_open " + std::to_string(stats.connections_open) + "\n";
  HttpResponse response;
  response.headers = {{"Content-Type", "text/plain; version=0.0.4"}};
  response.body = std::move(out);
  return response;
}

}  // namespace sf::engine

namespace sf::engine {

void Engine::AppendS3Metrics(std::string& out) const {
  auto stats = objects_->Stats();
  out += "# HELP streamform_s3_objects objects stored in the bucket\n";
  out += "# TYPE streamform_s3_objects gauge\n";
  for (const auto& bucket : stats) {
    out += "streamform_s3_objects{bucket=\"" + bucket.name + "\"} " +
           std::to_string(bucket.objects) + "\n";
  }
  out += "# HELP streamform_s3_bytes bytes of object data stored in the bucket\n";
  out += "# TYPE streamform_s3_bytes gauge\n";
  for (const auto& bucket : stats) {
    out += "streamform_s3_bytes{bucket=\"" + bucket.name + "\"} " + std::to_string(bucket.bytes) +
           "\n";
  }
  out += "# HELP streamform_s3_requests_total S3 requests by operation and HTTP status\n";
  out += "# TYPE streamform_s3_requests_total counter\n";
  s3_->metrics().ForEach([&](s3::Operation operation, int status, uint64_t count) {
    out += "streamform_s3_requests_total{operation=\"" + std::string(s3::OperationName(operation)) +
           "\",status=\"" + std::to_string(status) + "\"} " + std::to_string(count) + "\n";
  });
  if (auto md5 = objects_->Md5Stats()) {
    auto counter = [&](const char* name, const char* help, uint64_t value) {
      out += std::string("# HELP ") + name + " " + help + "\n# TYPE " + name + " counter\n" + name +
             " " + std::to_string(value) + "\n";
    };
    counter("streamform_s3_md5_streams_total", "uploads whose ETag the MD5 lanes computed",
            md5->streams);
    counter("streamform_s3_md5_rounds_total", "rounds of the MD5 lanes", md5->rounds);
    counter("streamform_s3_md5_lane_blocks_total", "64-byte blocks hashed, all lanes",
            md5->lane_blocks);
    counter("streamform_s3_md5_overflow_streams_total",
            "uploads that finished while 16 others held the lanes, hashed by their finisher",
            md5->overflow_streams);
    counter("streamform_s3_md5_round_blocks_total",
            "the longest lane's blocks per round, summed (lane_blocks / round_blocks: uploads "
            "hashed together)",
            md5->round_blocks);
  }
}

}  // namespace sf::engine
