#include "engine/mapping/mapping_config.h"

#include <nlohmann/json.hpp>

namespace sf::engine::mapping {

namespace {

ApiError Invalid(std::string message) {
  return ApiError{"InvalidParameterValueException", std::move(message), 400};
}

template <typename T>
void Take(const std::optional<T>& from, T& to) {
  if (from) to = *from;
}

}  // namespace

std::string_view PositionName(StartingPosition position) {
  switch (position) {
    case StartingPosition::kTrimHorizon:
      return "TRIM_HORIZON";
    case StartingPosition::kLatest:
      return "LATEST";
    case StartingPosition::kAtTimestamp:
      return "AT_TIMESTAMP";
  }
  return "TRIM_HORIZON";
}

std::optional<StartingPosition> ParsePosition(std::string_view name) {
  if (name == "TRIM_HORIZON") return StartingPosition::kTrimHorizon;
  if (name == "LATEST") return StartingPosition::kLatest;
  if (name == "AT_TIMESTAMP") return StartingPosition::kAtTimestamp;
  return std::nullopt;
}

void ApplyChange(const MappingChange& change, MappingConfig& config) {
  Take(change.function_name, config.function_name);
  Take(change.enabled, config.enabled);
  Take(change.batch_size, config.batch_size);
  Take(change.batching_window_seconds, config.batching_window_seconds);
  Take(change.parallelization_factor, config.parallelization_factor);
  Take(change.bisect_on_error, config.bisect_on_error);
  Take(change.maximum_retry_attempts, config.maximum_retry_attempts);
  Take(change.maximum_record_age_seconds, config.maximum_record_age_seconds);
  Take(change.tumbling_window_seconds, config.tumbling_window_seconds);
  Take(change.report_batch_item_failures, config.report_batch_item_failures);
  Take(change.on_failure_destination, config.on_failure_destination);
}

ApiResult<void> Validate(const MappingConfig& config) {
  int age = config.maximum_record_age_seconds;
  if (age != -1 && age < 60) {
    return tl::unexpected(Invalid(
        "MaximumRecordAgeInSeconds must be -1 (infinite) or between 60 and 604800 seconds."));
  }
  if (config.starting_position == StartingPosition::kAtTimestamp && !config.starting_timestamp) {
    return tl::unexpected(
        Invalid("StartingPositionTimestamp must be provided when StartingPosition is "
                "AT_TIMESTAMP."));
  }
  if (config.starting_position != StartingPosition::kAtTimestamp && config.starting_timestamp) {
    return tl::unexpected(Invalid(
        "StartingPositionTimestamp can only be provided when StartingPosition is AT_TIMESTAMP."));
  }
  const std::string& destination = config.on_failure_destination;
  if (!destination.empty() && !StreamNameOfArn(destination) && !BucketOfArn(destination)) {
    return tl::unexpected(
        Invalid("The provided destination config DestinationConfig(onSuccess=null, "
                "onFailure=OnFailure(destination=" +
                destination +
                ")) is invalid: the on-failure destination must be a Kinesis "
                "stream or an S3 bucket ARN."));
  }
  return {};
}

std::optional<std::string> StreamNameOfArn(std::string_view arn) {
  // arn:<partition>:kinesis:<region>:<account>:stream/<name>
  if (arn.substr(0, 4) != "arn:") return std::nullopt;
  size_t service = arn.find(':', 4);
  if (service == std::string_view::npos || arn.substr(service + 1, 8) != "kinesis:") {
    return std::nullopt;
  }
  size_t resource = arn.find(":stream/", service + 9);
  if (resource == std::string_view::npos) return std::nullopt;
  std::string_view name = arn.substr(resource + 8);
  if (name.empty() || name.size() > 128 || name.find('/') != std::string_view::npos) {
    return std::nullopt;
  }
  return std::string(name);
}

std::optional<std::string> BucketOfArn(std::string_view arn) {
  constexpr std::string_view kPrefix = ":s3:::";
  if (arn.substr(0, 4) != "arn:") return std::nullopt;
  size_t at = arn.find(kPrefix);
  if (at == std::string_view::npos) return std::nullopt;
  std::string_view bucket = arn.substr(at + kPrefix.size());
  if (bucket.empty() || bucket.find('/') != std::string_view::npos) return std::nullopt;
  return std::string(bucket);
}

std::string ToJson(const MappingConfig& c) {
  nlohmann::json json = {
      {"uuid", c.uuid},
      {"function", c.function_name},
      {"streamArn", c.stream_arn},
      {"stream", c.stream_name},
      {"startingPosition", PositionName(c.starting_position)},
      {"batchSize", c.batch_size},
      {"batchingWindow", c.batching_window_seconds},
      {"parallelization", c.parallelization_factor},
      {"bisect", c.bisect_on_error},
      {"maxRetry", c.maximum_retry_attempts},
      {"maxRecordAge", c.maximum_record_age_seconds},
      {"tumblingWindow", c.tumbling_window_seconds},
      {"reportItemFailures", c.report_batch_item_failures},
      {"onFailure", c.on_failure_destination},
      {"enabled", c.enabled},
      {"lastModifiedMs", c.last_modified_ms},
  };
  if (c.starting_timestamp) json["startingTimestamp"] = *c.starting_timestamp;
  return json.dump();
}

Result<MappingConfig> FromJson(std::string_view text) {
  try {
    nlohmann::json json = nlohmann::json::parse(text);
    MappingConfig c;
    c.uuid = json.at("uuid").get<std::string>();
    c.function_name = json.at("function").get<std::string>();
    c.stream_arn = json.at("streamArn").get<std::string>();
    c.stream_name = json.at("stream").get<std::string>();
    auto position = ParsePosition(json.at("startingPosition").get<std::string>());
    if (!position) return Fail(ErrorCode::kInvalidArgument, "unknown starting position");
    c.starting_position = *position;
    if (json.contains("startingTimestamp")) {
      c.starting_timestamp = json["startingTimestamp"].get<double>();
    }
    c.batch_size = json.at("batchSize").get<int>();
    c.batching_window_seconds = json.at("batchingWindow").get<int>();
    c.parallelization_factor = json.at("parallelization").get<int>();
    c.bisect_on_error = json.at("bisect").get<bool>();
    c.maximum_retry_attempts = json.at("maxRetry").get<int>();
    c.maximum_record_age_seconds = json.at("maxRecordAge").get<int>();
    c.tumbling_window_seconds = json.at("tumblingWindow").get<int>();
    c.report_batch_item_failures = json.at("reportItemFailures").get<bool>();
    c.on_failure_destination = json.at("onFailure").get<std::string>();
    c.enabled = json.at("enabled").get<bool>();
    c.last_modified_ms = json.at("lastModifiedMs").get<int64_t>();
    return c;
  } catch (const nlohmann::json::exception& error) {
    return Fail(ErrorCode::kInvalidArgument, std::string("bad mapping record: ") + error.what());
  }
}

}  // namespace sf::engine::mapping
