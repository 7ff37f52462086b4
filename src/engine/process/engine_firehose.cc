// Engine: delivery -- the delivery service (Firehose-style buffering into the engine's buckets),
// the Firehose API, the engine's own /_streamform/delivery-streams/{name} routes, and the
// delivery series in /metrics.

#include "base/json_writer.h"
#include "engine/process/engine.h"

namespace sf::engine {

namespace {

constexpr std::string_view kDeliveryRoutePrefix = "/_streamform/delivery-streams/";

HttpResponse JsonAnswer(int status, std::string body) {
  HttpResponse response;
  response.status = status;
  response.headers = {{"Content-Type", "application/json"}};
  response.body = std::move(body);
  return response;
}

}  // namespace

bool Engine::IsDeliveryRoute(const HttpRequest& request) {
  return request.path.rfind(kDeliveryRoutePrefix, 0) == 0;
}

Status Engine::OpenDelivery() {
  delivery::DeliveryServiceOptions delivery_options;
  delivery_options.data_dir = options_.data_dir;
  delivery_options.region = options_.region;
  delivery_options.account = options_.account;
  delivery_options.clock = clock_.get();
  delivery_options.virtual_clock = virtual_clock_ != nullptr;
  delivery_options.objects = objects_.get();
  delivery_options.logger = &logger_;
  delivery_options.check_role = [this](const std::string& role_arn) {
    return FirehoseCannotAssume(role_arn);
  };
  delivery_options.authorize_write = [this](const std::string& role_arn, const std::string& bucket,
                                            const std::string& key) {
    return FirehoseCannotWrite(role_arn, bucket, key);
  };
  auto service = delivery::DeliveryService::Open(std::move(delivery_options));
  if (!service) return tl::unexpected(service.error());
  delivery_ = std::move(*service);
  firehose_ = std::make_unique<firehose::FirehoseApi>(*delivery_, *blocking_, options_.region,
                                                      options_.account);
  return {};
}

namespace {

// The role a delivery stream names, when it is one of this engine's roles that Firehose may
// assume; else nullptr.
std::shared_ptr<const iam::RoleAccess> FirehoseRole(const iam::RoleStore& roles,
                                                    const std::string& account,
                                                    const std::string& role_arn) {
  auto role = roles.FindRoleByArn(role_arn);
  iam::KeyValues keys = {{"sts:externalid", account}};
  if (role == nullptr || !iam::ServiceMayAssume(role->trust, "firehose.amazonaws.com", &keys)) {
    return nullptr;
  }
  return role;
}

}  // namespace

std::optional<std::string> Engine::FirehoseCannotAssume(const std::string& role_arn) const {
  if (FirehoseRole(*roles_, options_.account, role_arn) != nullptr) return std::nullopt;
  return "Firehose is unable to assume role " + role_arn + ". Please check the role provided.";
}

std::optional<std::string> Engine::FirehoseCannotWrite(const std::string& role_arn,
                                                       const std::string& bucket,
                                                       const std::string& key) const {
  auto role = FirehoseRole(*roles_, options_.account, role_arn);
  if (role != nullptr) {
    iam::AccessRequest request;
    request.action = "s3:PutObject";
    std::string resource = "arn:aws:s3:::" + bucket + "/" + key;
    request.resource = resource;
    request.keys = {&role->keys, nullptr};
    if (iam::Evaluate(role->policies, request) == iam::Decision::kAllow) return std::nullopt;
  }
  return "S3.AccessDenied: Access was denied. Ensure that the trust policy for the provided IAM "
         "role (" +
         role_arn +
         ") allows Firehose to assume the role, and the access policy allows s3:PutObject on "
         "the S3 bucket.";
}

void Engine::HandleDeliveryRoute(HttpRequest&& request, Respond respond) {
  std::string rest = request.path.substr(kDeliveryRoutePrefix.size());
  bool flush = false;
  if (size_t slash = rest.find('/'); slash != std::string::npos) {
    flush = rest.substr(slash) == "/flush";
    if (!flush) return respond(KinesisApi::ErrorResponse({"NotFound", "no such route", 404}));
    rest.resize(slash);
  }
  if (request.method != (flush ? "POST" : "GET")) {
    return respond(
        KinesisApi::ErrorResponse({"MethodNotAllowed",
                                   "GET " + std::string(kDeliveryRoutePrefix) + "{name} or POST " +
                                       std::string(kDeliveryRoutePrefix) + "{name}/flush",
                                   405}));
  }
  // A flush writes objects (fsync): off the I/O thread.
  blocking_->Submit([this, name = std::move(rest), flush, respond = std::move(respond)] {
    std::string body;
    JsonWriter json(body);
    if (flush) {
      auto report = delivery_->FlushNow(name);
      if (!report) return respond(KinesisApi::ErrorResponse(report.error()));
      json.BeginObject()
          .Member("deliveredRecords", static_cast<int64_t>(report->records))
          .Member("deliveredBytes", static_cast<int64_t>(report->bytes))
          .Key("keys")
          .BeginArray();
      for (const std::string& key : report->keys) json.String(key);
      json.EndArray().EndObject();
    } else {
      auto facts = delivery_->Buffered(name);
      if (!facts) return respond(KinesisApi::ErrorResponse(facts.error()));
      json.BeginObject()
          .Member("deliveryStreamName", name)
          .Member("bufferedRecords", static_cast<int64_t>(facts->records))
          .Member("bufferedBytes", static_cast<int64_t>(facts->bytes))
          .Member("oldestArrivalMs", facts->oldest_ms)
          .EndObject();
    }
    respond(JsonAnswer(200, std::move(body)));
  });
}

void Engine::AppendDeliveryMetrics(std::string& out) const {
  auto metrics = delivery_->Metrics();
  struct Series {
    const char* name;
    const char* type;
    const char* help;
    int64_t (*value)(const delivery::StreamMetrics&);
  };
  static const Series kSeries[] = {
      {"streamform_firehose_incoming_records_total", "counter", "IncomingRecords: records put",
       [](const delivery::StreamMetrics& m) { return static_cast<int64_t>(m.incoming_records); }},
      {"streamform_firehose_incoming_bytes_total", "counter", "IncomingBytes: data bytes put",
       [](const delivery::StreamMetrics& m) { return static_cast<int64_t>(m.incoming_bytes); }},
      {"streamform_firehose_delivery_to_s3_records_total", "counter",
       "DeliveryToS3.Records: records written to the bucket",
       [](const delivery::StreamMetrics& m) { return static_cast<int64_t>(m.delivered_records); }},
      {"streamform_firehose_delivery_to_s3_bytes_total", "counter",
       "DeliveryToS3.Bytes: data bytes written to the bucket (before compression)",
       [](const delivery::StreamMetrics& m) { return static_cast<int64_t>(m.delivered_bytes); }},
      {"streamform_firehose_delivery_to_s3_objects_total", "counter", "objects written",
       [](const delivery::StreamMetrics& m) { return static_cast<int64_t>(m.delivered_objects); }},
      {"streamform_firehose_delivery_to_s3_failures_total", "counter",
       "object writes that failed (the data stays buffered and is retried)",
       [](const delivery::StreamMetrics& m) { return static_cast<int64_t>(m.failed_puts); }},
      {"streamform_firehose_delivery_to_s3_success", "gauge",
       "DeliveryToS3.Success: 1 when the latest object write succeeded (or none was tried), 0 "
       "when it failed",
       [](const delivery::StreamMetrics& m) { return static_cast<int64_t>(m.last_put_succeeded); }},
      {"streamform_firehose_delivery_to_s3_data_freshness_seconds", "gauge",
       "DeliveryToS3.DataFreshness: age of the oldest record not yet written",
       [](const delivery::StreamMetrics& m) { return m.data_freshness_ms / 1000; }},
      {"streamform_firehose_buffered_records", "gauge", "records acknowledged, not yet written",
       [](const delivery::StreamMetrics& m) { return static_cast<int64_t>(m.buffered_records); }},
      {"streamform_firehose_buffered_bytes", "gauge", "data bytes acknowledged, not yet written",
       [](const delivery::StreamMetrics& m) { return static_cast<int64_t>(m.buffered_bytes); }},
  };
  for (const Series& s : kSeries) {
    out +=
        std::string("# HELP ") + s.name + " " + s.help + "\n# TYPE " + s.name + " " + s.type + "\n";
    for (const auto& stream : metrics) {
      out += std::string(s.name) + "{delivery_stream=\"" + stream.name + "\"} " +
             std::to_string(s.value(stream)) + "\n";
    }
  }
}

}  // namespace sf::engine
