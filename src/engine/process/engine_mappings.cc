// Engine: event-source mappings -- the MappingService wired to the streams it follows, the
// Lambda API whose functions it invokes, and the destinations of its on-failure records.

#include "engine/function/function_log.h"
#include "engine/function/store/function_store.h"
#include "engine/mapping/kinesis_event.h"
#include "engine/process/engine.h"

namespace sf::engine {

Status Engine::OpenMappings() {
  mapping::MappingServiceOptions options;
  options.data_dir = options_.data_dir;
  options.account = options_.account;
  mapping::ConsumerEnv& env = options.env;
  env.streams = streams_.get();
  env.runtime = runtime_.get();
  env.clock = clock_.get();
  env.logger = &logger_;
  env.region = options_.region;
  env.spec = [this](const std::string& name) { return lambda_->LatestSpec(name); };
  env.send_failure = [this](const std::string& destination, const std::string& uuid,
                            const std::string& shard_id, const std::string& record) {
    return SendMappingFailure(destination, uuid, shard_id, record);
  };
  env.function_log = [data_dir = options_.data_dir](const std::string& name,
                                                    std::string_view line) {
    // Failures are rare: open, append, close. O_APPEND keeps lines whole among the workers'.
    if (auto log = function::FunctionLog::Open(data_dir + "/functions/" + name + "/log")) {
      (*log)->Append(line);
    }
  };
  auto service = mapping::MappingService::Open(std::move(options));
  if (!service) return tl::unexpected(service.error());
  mappings_ = std::move(*service);
  streams_->SetRecordsListener(
      [service = mappings_.get()](const std::string& stream) { service->OnRecords(stream); });
  return {};
}

ApiResult<void> Engine::SendMappingFailure(const std::string& destination, const std::string& uuid,
                                           const std::string& shard_id, const std::string& record) {
  if (auto stream = mapping::StreamNameOfArn(destination)) {
    std::vector<PutEntry> entries{{shard_id, record, std::nullopt}};
    auto put = streams_->PutRecords(*stream, entries, true);
    if (!put) return tl::unexpected(put.error());
    if (put->failed > 0) {
      return ApiFail(put->results[0].error_code, put->results[0].error_message);
    }
    for (const SyncTarget& target : put->sync) {
      if (auto synced = target.log->Sync(target.sequence); !synced) {
        return ApiFail("InternalFailure", synced.error().message, 500);
      }
    }
    return {};
  }
  if (auto bucket = mapping::BucketOfArn(destination)) {
    // Lambda's key for S3 on-failure destinations:
    // aws/lambda/<mapping UUID>/<shard id>/YYYY/MM/DD/YYYY-MM-DDTHH.MM.SS-<random UUID>
    std::string now = mapping::IsoMillis(clock_->NowMs());  // 2026-11-22T10:00:00.000Z
    std::string stamp = now.substr(0, 19);
    for (char& c : stamp) {
      if (c == ':') c = '.';
    }
    std::string key = "aws/lambda/" + uuid + "/" + shard_id + "/" + now.substr(0, 4) + "/" +
                      now.substr(5, 2) + "/" + now.substr(8, 2) + "/" + stamp + "-" +
                      function::NewUuid();
    ObjectMetadata metadata;
    metadata.content_type = "application/json";
    auto put = objects_->PutObject(*bucket, key, metadata, record);
    if (!put) return ApiFail("AccessDenied", put.error().message, 403);
    return {};
  }
  return ApiFail("InvalidParameterValueException", "not a stream or bucket ARN: " + destination);
}

void Engine::AppendMappingMetrics(std::string& out) const {
  auto metrics = mappings_->Metrics();
  struct Series {
    const char* name;
    const char* type;
    const char* help;
    uint64_t mapping::MappingMetrics::*field;
  };
  const Series series[] = {
      {"streamform_mapping_invocations_total", "counter", "invocations by the mapping",
       &mapping::MappingMetrics::invocations},
      {"streamform_mapping_failed_invocations_total", "counter",
       "invocations that failed (function error, timeout, bad response)",
       &mapping::MappingMetrics::failed_invocations},
      {"streamform_mapping_records_delivered_total", "counter",
       "records the function processed successfully", &mapping::MappingMetrics::records_delivered},
      {"streamform_mapping_records_discarded_total", "counter",
       "records given up (retries or age exhausted) and sent on failure",
       &mapping::MappingMetrics::records_discarded},
  };
  auto labels = [](const mapping::MappingMetrics& m) {
    return "{function=\"" + m.function_name + "\",stream=\"" + m.stream_name + "\",uuid=\"" +
           m.uuid + "\"} ";
  };
  for (const Series& s : series) {
    out +=
        std::string("# HELP ") + s.name + " " + s.help + "\n# TYPE " + s.name + " " + s.type + "\n";
    for (const auto& m : metrics) out += s.name + labels(m) + std::to_string(m.*(s.field)) + "\n";
  }
  out +=
      "# HELP streamform_function_iterator_age_milliseconds IteratorAge: age of the last record "
      "of the latest batch when it was sent\n# TYPE streamform_function_iterator_age_milliseconds "
      "gauge\n";
  for (const auto& m : metrics) {
    out += "streamform_function_iterator_age_milliseconds" + labels(m) +
           std::to_string(m.iterator_age_ms) + "\n";
  }
}

}  // namespace sf::engine
