#pragma once
// The engine process: every service behind one HTTP port. It owns the clock, the stream
// service and its committer, the API handlers, and the server, and routes each request:
//   GET  /health                      liveness, the clock and the instance id (unauthenticated)
//   GET  /metrics                     Prometheus text: per stream and shard, and the server
//                                     (unauthenticated: loopback scrapers do not sign)
//   POST / (X-Amz-Target Kinesis_...) the Kinesis API (SigV4, service "kinesis")
//   POST / (X-Amz-Target AWSEvents...) the EventBridge API (SigV4, service "events"): rules
//                                     and targets; scheduled rules fire on the engine's clock
//   POST / (X-Amz-Target Firehose_...) the Firehose API (SigV4, service "firehose"): delivery
//                                     streams buffering records into the engine's buckets
//   POST /_streamform/clock           with a virtual clock: {"advanceMs": n} or {"setMs": t};
//                                     answered once every schedule occurrence now due is fired
//                                     and every delivery buffer now due is written
//   GET  /_streamform/delivery-streams/{name}        what a delivery stream holds undelivered;
//   POST /_streamform/delivery-streams/{name}/flush  writes it all now (SigV4, "streamform")
//   POST /_streamform/throttling      {"stream": name, "enabled": true|false|null}
//                                     (both SigV4, service "streamform": they change state)
//   /_streamform/stacks...            the stack records, locks and journals the controller
//   GET /_streamform/exports          keeps (SigV4, service "streamform"; the routes are in
//                                     src/stackapi/stack_record.h; bodies up to 16 MiB)
//   /_streamform/runtime/<worker>/... the Lambda runtime API of the function workers
//                                     (function/runtime.h). Unauthenticated: workers do not
//                                     sign, and the port is loopback; a worker id is a
//                                     capability only the engine hands out.
//   signed for service "lambda"       the Lambda REST API (/2015-03-31/functions/...; SigV4,
//                                     service "lambda"): recognised by the signing service in
//                                     the Authorization header or X-Amz-Credential, never by
//                                     path, since /2015-03-31/... is also a valid S3 bucket
//                                     path (so with --no-auth an unsigned Lambda call is S3's)
//   signed for service "iam" or "sts"  the IAM and STS Query APIs (POST /, form-encoded; scoped
//                                     to us-east-1 or the engine's region), likewise by signing
//                                     service
//   GET  /_streamform/functions/{name}/log?offset=N
//                                     a function's log from byte N (SigV4, service "streamform")
//   anything else                     the S3 REST API (SigV4, service "s3"), path style or
//                                     virtual-hosted (bucket.localhost); a GET /health or
//                                     /metrics that is signed is S3 (buckets may be so named)
// Principals (engine_iam.cc): the engine's own key is the administrator; a role session's
// credentials (a function's workers get its role's) are held to the role's policies on the
// Kinesis, S3, Lambda, Firehose, IAM and STS APIs, and refused on the engine's own
// /_streamform routes.
// Start returns once the port is bound. Stop is graceful: no new connections, in-flight
// requests finish, acknowledged writes are durable, then the logs are flushed.

#include <atomic>
#include <condition_variable>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include "base/clock.h"
#include "base/logger.h"
#include "base/result.h"
#include "base/work_pool.h"
#include "engine/api/events/events_api.h"
#include "engine/api/firehose/firehose_api.h"
#include "engine/api/iam/iam_api.h"
#include "engine/api/kinesis/kinesis_api.h"
#include "engine/api/lambda/lambda_api.h"
#include "engine/api/request_auth.h"
#include "engine/api/s3/s3_api.h"
#include "engine/api/stacks/stacks_api.h"
#include "engine/bucket/object_store.h"
#include "engine/delivery/delivery_service.h"
#include "engine/function/event_queue/event_queue.h"
#include "engine/function/policy/policy_store.h"
#include "engine/function/runtime.h"
#include "engine/function/store/function_store.h"
#include "engine/iam/role_store.h"
#include "engine/mapping/mapping_service.h"
#include "engine/schedule/rule_store.h"
#include "engine/schedule/scheduler.h"
#include "engine/server/http_server.h"
#include "engine/stack/stack_store.h"
#include "engine/stream/committer.h"
#include "engine/stream/stream_service.h"

namespace sf::engine {

inline constexpr uint16_t kDefaultPort = 4560;

struct EngineOptions {
  std::string data_dir;
  std::string address = "127.0.0.1";
  uint16_t port = kDefaultPort;  // 0: any free port
  int io_threads = 2;
  bool virtual_clock = false;
  int64_t virtual_clock_start_ms = 0;  // 0: the real time at start
  DurabilityMode durability = DurabilityMode::kEveryBatch;
  int sync_interval_ms = 100;  // kInterval only
  bool throttling = false;     // per-shard limits for every stream by default
  std::string region = "us-east-1";
  std::string account = "000000000000";
  int retention_check_ms = 60000;  // how often retention is enforced on the real clock
  // The pool for S3 commits (fsync, rename) and other blocking file work. fsyncs of different
  // files overlap well on SSDs, so it is sized for concurrent uploads, not for cores.
  int blocking_threads = 16;
  // SigV4 on every API request, against the credentials in <data_dir>/credentials.json
  // (created on first start). false: --no-auth, for development only.
  bool auth = true;
  // Who hashes S3 uploads for their ETags (see engine/bucket/README.md): kAuto uses the MD5
  // lanes where the CPU has AVX2 or AVX-512.
  Md5Hashing md5 = Md5Hashing::kAuto;
};

class Engine {
 public:
  static Result<std::unique_ptr<Engine>> Start(const EngineOptions& options, Logger& logger);
  ~Engine();  // stops
  Engine(const Engine&) = delete;
  Engine& operator=(const Engine&) = delete;

  uint16_t port() const { return server_->port(); }
  void Stop();
  StreamService& streams() { return *streams_; }
  // The id of this engine's data directory ("e-" + 16 hex; /health's "instance").
  const std::string& instance() const { return stack_store_->instance(); }

 private:
  Engine(const EngineOptions& options, Logger& logger) : options_(options), logger_(logger) {}
  void Route(HttpRequest&& request, Respond respond);
  BodyPlan Classify(const HttpRequest& head);
  // The server's own refusals, in the protocol of the API the request was for: S3's XML for S3,
  // Kinesis-style JSON otherwise (and when not even the request line could be read).
  HttpResponse Refusal(int status, std::string_view reason, const HttpRequest& partial) const;
  // True when `request` is for S3 rather than Kinesis, Lambda or the engine's own routes.
  bool IsS3(const HttpRequest& request) const;
  // The worker that sent a runtime-API request without its path prefix: unsigned, under
  // /2018-06-01/runtime/, on a connection a worker's process holds (aws-lambda-ric's JavaScript
  // drops the prefix; see function/peer_process.h). nullopt for everything else. Classify asks,
  // before anything else, and hands such a request straight to the runtime.
  std::optional<std::string> UnprefixedRuntimeWorker(const HttpRequest& request) const;
  // Creates the function store, the worker runtime, the asynchronous event queue (its
  // dispatcher started once the server serves) and the Lambda API.
  Status StartFunctions();
  std::string EndpointUrl() const;
  // engine_mappings.cc: opens the event-source mappings (started once the server serves) and
  // makes the streams wake them; the on-failure destinations; their series in /metrics.
  Status OpenMappings();
  ApiResult<void> SendMappingFailure(const std::string& destination, const std::string& uuid,
                                     const std::string& shard_id, const std::string& record);
  void AppendMappingMetrics(std::string& out) const;
  // engine_schedules.cc: the functions' resource-based policies (opened before the Lambda API);
  // the EventBridge rules, API and scheduler (its thread started once the server serves);
  // delivering a scheduled fire to a function (its policy must allow events.amazonaws.com);
  // their series in /metrics.
  Status OpenPolicies();
  Status OpenSchedules();
  bool DeliverScheduled(const schedule::Rule& rule, const schedule::Target& target,
                        std::string payload);
  void AppendScheduleMetrics(std::string& out) const;
  // engine_firehose.cc: the delivery service and the Firehose API (after the object store and
  // the work pool; the service's thread started once the server serves); the engine's
  // /_streamform/delivery-streams/{name}[/flush] routes; the delivery series in /metrics.
  Status OpenDelivery();
  // Firehose's use of a delivery stream's role (engine_firehose.cc): whether it may assume it
  // (its trust policy lets firehose.amazonaws.com, with the account as sts:ExternalId), and
  // whether the role may s3:PutObject the object. nullopt when allowed, else Firehose's words.
  std::optional<std::string> FirehoseCannotAssume(const std::string& role_arn) const;
  std::optional<std::string> FirehoseCannotWrite(const std::string& role_arn,
                                                 const std::string& bucket,
                                                 const std::string& key) const;
  static bool IsDeliveryRoute(const HttpRequest& request);
  void HandleDeliveryRoute(HttpRequest&& request, Respond respond);
  void AppendDeliveryMetrics(std::string& out) const;
  // GET /_streamform/functions/{name}/log?offset=N: the function's log from byte N, at most
  // 1 MiB, with the offset to ask for next in x-streamform-next-offset (streamform logs).
  HttpResponse FunctionLog(const HttpRequest& request) const;
  void AppendS3Metrics(std::string& out) const;
  // engine_functions.cc: the functions' series (the runtime's and the asynchronous queue's).
  void AppendFunctionMetrics(std::string& out) const;
  // nullopt when `request` is authentic for `service`; else the JSON-protocol refusal. For
  // service "streamform" (the engine's own routes) the signer must be the administrator.
  std::optional<HttpResponse> Authenticate(const HttpRequest& request,
                                           std::string_view service) const;
  // engine_iam.cc: who signed `request` for `service`; else why it is refused (logged), as AWS
  // words it for JSON protocols.
  tl::expected<iam::Principal, ApiError> Identify(const HttpRequest& request,
                                                  std::string_view service) const;
  // engine_iam.cc: opens the role store (before the authenticator, which reads it).
  Status OpenRoles();
  // engine_iam.cc: nullopt when `principal` may make the Lambda call `request` is; else Lambda's
  // AccessDeniedException.
  std::optional<ApiError> AuthorizeLambda(const HttpRequest& request,
                                          const iam::Principal& principal) const;
  // engine_iam.cc: the function's workers' AWS_* variables, with its role's session credentials
  // (the session named after the function); and whether Lambda may assume a role for one.
  ApiResult<std::map<std::string, std::string>> FunctionAwsEnvironment(
      const function::FunctionConfig& config) const;
  ApiResult<std::shared_ptr<const iam::Session>> LambdaSession(const std::string& role_arn,
                                                               const std::string& function) const;
  // nullopt when authentic; else why not (logged), as AWS words it for JSON protocols.
  std::optional<ApiError> AuthFailure(const HttpRequest& request, std::string_view service) const;
  HttpResponse Metrics() const;
  HttpResponse Health() const;
  HttpResponse ClockControl(const HttpRequest& request);
  HttpResponse ThrottlingControl(const HttpRequest& request);
  void RetentionLoop();

  const EngineOptions options_;
  Logger& logger_;
  std::unique_ptr<Clock> clock_;
  RealClock real_clock_;                   // for SigV4 time checks, whatever clock_ is
  VirtualClock* virtual_clock_ = nullptr;  // clock_, when virtual
  std::unique_ptr<StreamService> streams_;
  std::unique_ptr<Committer> committer_;
  std::unique_ptr<iam::RoleStore> roles_;  // before auth_ and iam_api_, which use it
  std::unique_ptr<RequestAuthenticator> auth_;
  std::unique_ptr<KinesisApi> kinesis_;
  std::unique_ptr<ObjectStore> objects_;
  std::unique_ptr<StackStore> stack_store_;             // declared before blocking_, which uses it
  std::unique_ptr<function::FunctionStore> functions_;  // likewise
  std::unique_ptr<function::EventQueue> event_queue_;   // stopped before runtime_, freed after it
  std::unique_ptr<function::Runtime> runtime_;          // destroyed in Stop, once the server is
  std::unique_ptr<mapping::MappingService> mappings_;   // stopped in Stop, before runtime_
  std::unique_ptr<function::PolicyStore> policies_;     // before lambda_, which uses it
  std::unique_ptr<schedule::RuleStore> rules_;          // before blocking_, which uses it
  std::unique_ptr<schedule::Scheduler> scheduler_;      // stopped in Stop, before runtime_
  std::unique_ptr<events::EventsApi> events_;
  std::unique_ptr<WorkPool> blocking_;  // fsyncs, renames, copies: off the I/O threads
  std::unique_ptr<delivery::DeliveryService> delivery_;  // stopped in Stop, after blocking_
  std::unique_ptr<firehose::FirehoseApi> firehose_;
  std::unique_ptr<StacksApi> stacks_;
  std::unique_ptr<iam_api::IamApi> iam_api_;
  std::unique_ptr<s3::S3Api> s3_;
  std::unique_ptr<lambda::LambdaApi> lambda_;
  std::unique_ptr<HttpServer> server_;
  int64_t started_ms_ = 0;
  std::mutex retention_mu_;
  std::condition_variable retention_cv_;
  bool stopping_ = false;
  std::thread retention_thread_;
  std::atomic<bool> stopped_{false};
};

}  // namespace sf::engine
