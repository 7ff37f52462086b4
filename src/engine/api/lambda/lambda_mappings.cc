// LambdaApi: CreateEventSourceMapping, GetEventSourceMapping, ListEventSourceMappings,
// UpdateEventSourceMapping and DeleteEventSourceMapping for Kinesis streams, over the
// MappingService (engine/mapping). Sources other than Kinesis streams (SQS, Kafka, DynamoDB,
// MQ) are refused with InvalidParameterValueException; so are settings that only apply to them
// (Topics, Queues, SourceAccessConfigurations, SelfManagedEventSource, the Kafka configs,
// FilterCriteria, OnSuccess destinations).

#include <cmath>

#include "engine/api/lambda/lambda_api.h"
#include "engine/api/lambda/lambda_wire.h"
#include "engine/api/stacks/stack_request.h"
#include "engine/mapping/mapping_service.h"

namespace sf::engine::lambda {

namespace {

using json = nlohmann::json;
using mapping::MappingChange;
using mapping::MappingConfig;
using mapping::MappingView;

ApiError Invalid(std::string message) {
  return ApiError{"InvalidParameterValueException", std::move(message), 400};
}

ApiError Validation(const std::string& value, std::string_view field, std::string_view rule) {
  return ApiError{"ValidationException",
                  "1 validation error detected: Value '" + value + "' at '" + std::string(field) +
                      "' failed to satisfy constraint: " + std::string(rule),
                  400};
}

// The settings Create and Update share, read into `change` (absent members stay nullopt).
ApiResult<void> ReadChange(const json& body, MappingChange& change) {
  struct IntegerSetting {
    const char* member;
    const char* field;
    int64_t min, max;
    std::optional<int>* out;
  };
  const IntegerSetting integers[] = {
      {"BatchSize", "batchSize", 1, 10000, &change.batch_size},
      {"MaximumBatchingWindowInSeconds", "maximumBatchingWindowInSeconds", 0, 300,
       &change.batching_window_seconds},
      {"ParallelizationFactor", "parallelizationFactor", 1, 10, &change.parallelization_factor},
      {"MaximumRetryAttempts", "maximumRetryAttempts", -1, 10000, &change.maximum_retry_attempts},
      {"MaximumRecordAgeInSeconds", "maximumRecordAgeInSeconds", -1, 604800,
       &change.maximum_record_age_seconds},
      {"TumblingWindowInSeconds", "tumblingWindowInSeconds", 0, 900,
       &change.tumbling_window_seconds},
  };
  for (const IntegerSetting& setting : integers) {
    auto value = ReadInteger(body, setting.member, setting.field, setting.min, setting.max);
    if (!value) return tl::unexpected(value.error());
    if (*value) *setting.out = **value;
  }
  for (auto [member, out] : {std::pair{"Enabled", &change.enabled},
                             std::pair{"BisectBatchOnFunctionError", &change.bisect_on_error}}) {
    auto it = body.find(member);
    if (it == body.end() || it->is_null()) continue;
    if (!it->is_boolean()) {
      return tl::unexpected(Invalid(std::string(member) + " must be a boolean"));
    }
    *out = it->get<bool>();
  }
  if (auto it = body.find("FunctionResponseTypes"); it != body.end() && !it->is_null()) {
    if (!it->is_array() || it->size() > 1) {
      return tl::unexpected(Validation(it->dump(), "functionResponseTypes",
                                       "Member must have length less than or equal to 1"));
    }
    bool report = false;
    for (const auto& type : *it) {
      if (type != "ReportBatchItemFailures") {
        return tl::unexpected(Validation(type.dump(), "functionResponseTypes",
                                         "Member must satisfy enum value set: "
                                         "[ReportBatchItemFailures]"));
      }
      report = true;
    }
    change.report_batch_item_failures = report;
  }
  if (auto it = body.find("DestinationConfig"); it != body.end() && !it->is_null()) {
    if (!it->is_object()) return tl::unexpected(Invalid("DestinationConfig must be an object"));
    if (auto success = it->find("OnSuccess");
        success != it->end() && !success->is_null() && !success->value("Destination", "").empty()) {
      return tl::unexpected(
          Invalid("Unsupported DestinationConfig parameter for given event source mapping "
                  "type: OnSuccess is not supported for Kinesis sources."));
    }
    std::string destination;
    if (auto failure = it->find("OnFailure"); failure != it->end() && failure->is_object()) {
      auto member = failure->find("Destination");
      if (member != failure->end() && !member->is_null()) {
        if (!member->is_string()) return tl::unexpected(Invalid("Destination must be a string"));
        destination = member->get<std::string>();
      }
    }
    change.on_failure_destination = destination;
  }
  if (auto it = body.find("FunctionName"); it != body.end() && !it->is_null()) {
    if (!it->is_string()) return tl::unexpected(Invalid("FunctionName must be a string"));
    auto name = ParseFunctionName(it->get<std::string>());
    if (!name) return tl::unexpected(name.error());
    if (!name->qualifier.empty() && name->qualifier != "$LATEST") {
      return tl::unexpected(ApiError{"ResourceNotFoundException",
                                     "Function not found: " + it->get<std::string>(), 404});
    }
    change.function_name = name->function;
  }
  for (const char* unsupported :
       {"FilterCriteria", "Topics", "Queues", "SourceAccessConfigurations",
        "SelfManagedEventSource", "AmazonManagedKafkaEventSourceConfig",
        "SelfManagedKafkaEventSourceConfig", "ScalingConfig", "DocumentDBEventSourceConfig"}) {
    auto it = body.find(unsupported);
    if (it == body.end() || it->is_null()) continue;
    if ((it->is_array() || it->is_object()) && it->empty()) continue;
    return tl::unexpected(
        Invalid(std::string(unsupported) +
                " is not supported by streamform's event-source mappings (Kinesis streams only)"));
  }
  return {};
}

json MappingJson(const MappingView& view) {
  const MappingConfig& c = view.config;
  json out = {
      {"UUID", c.uuid},
      {"StartingPosition", std::string(mapping::PositionName(c.starting_position))},
      {"BatchSize", c.batch_size},
      {"MaximumBatchingWindowInSeconds", c.batching_window_seconds},
      {"ParallelizationFactor", c.parallelization_factor},
      {"EventSourceArn", c.stream_arn},
      {"FunctionArn", view.function_arn},
      {"LastModified", static_cast<double>(c.last_modified_ms) / 1000.0},
      {"LastProcessingResult", view.last_processing_result},
      {"State", view.state},
      {"StateTransitionReason", "User action"},
      {"DestinationConfig", {{"OnFailure", json::object()}}},
      {"MaximumRecordAgeInSeconds", c.maximum_record_age_seconds},
      {"BisectBatchOnFunctionError", c.bisect_on_error},
      {"MaximumRetryAttempts", c.maximum_retry_attempts},
      {"TumblingWindowInSeconds", c.tumbling_window_seconds},
      {"FunctionResponseTypes",
       c.report_batch_item_failures ? json::array({"ReportBatchItemFailures"}) : json::array()},
  };
  if (c.starting_timestamp) out["StartingPositionTimestamp"] = *c.starting_timestamp;
  if (!c.on_failure_destination.empty()) {
    out["DestinationConfig"]["OnFailure"]["Destination"] = c.on_failure_destination;
  }
  return out;
}

HttpResponse Answer(const ApiResult<MappingView>& view, int status) {
  if (!view) return ErrorResponse(view.error());
  return JsonResponse(status, MappingJson(*view));
}

}  // namespace

HttpResponse LambdaApi::CreateMapping(const HttpRequest& request) {
  auto body = ParseBody(request.body);
  if (!body) return ErrorResponse(body.error());
  MappingChange change;
  if (auto read = ReadChange(*body, change); !read) return ErrorResponse(read.error());
  if (!change.function_name) {
    return ErrorResponse(Validation("null", "functionName", "Member must not be null"));
  }
  std::string source = body->value("EventSourceArn", "");
  if (source.empty()) {
    return ErrorResponse(
        Invalid("Unrecognized event source, must be kinesis, dynamodb stream, "
                "sqs, msk, mq or kafka."));
  }
  auto stream = mapping::StreamNameOfArn(source);
  if (!stream) {
    return ErrorResponse(Invalid("Unsupported event source " + source +
                                 ": streamform's event-source mappings read Kinesis streams"));
  }
  MappingConfig config;
  config.stream_arn = source;
  config.stream_name = *stream;
  std::string position = body->value("StartingPosition", "");
  if (position.empty()) {
    return ErrorResponse(
        Invalid("1 validation error detected: Value null at 'startingPosition' "
                "failed to satisfy constraint: Member must not be null"));
  }
  auto parsed = mapping::ParsePosition(position);
  if (!parsed) {
    return ErrorResponse(Validation(position, "startingPosition",
                                    "Member must satisfy enum value set: [LATEST, AT_TIMESTAMP, "
                                    "TRIM_HORIZON]"));
  }
  config.starting_position = *parsed;
  if (auto it = body->find("StartingPositionTimestamp"); it != body->end() && !it->is_null()) {
    if (!it->is_number()) {
      return ErrorResponse(Invalid("StartingPositionTimestamp must be a timestamp"));
    }
    config.starting_timestamp = it->get<double>();
  }
  mapping::ApplyChange(change, config);
  return Answer(options_.mappings->Create(std::move(config)), 202);
}

HttpResponse LambdaApi::GetMapping(const LambdaCall& call) {
  return Answer(options_.mappings->Get(call.function), 200);
}

HttpResponse LambdaApi::ListMappings(const HttpRequest& request) {
  auto query = ParseQuery(request.query);
  auto max_items = QueryInteger(query, "MaxItems", 1, 10000, 100);
  if (!max_items) return ErrorResponse(Invalid(max_items.error().message));
  std::optional<std::string> function_name, source;
  if (auto it = query.find("FunctionName"); it != query.end()) {
    auto name = ParseFunctionName(it->second);
    if (!name) return ErrorResponse(name.error());
    function_name = name->function;
  }
  if (auto it = query.find("EventSourceArn"); it != query.end()) source = it->second;
  std::string marker = query.count("Marker") ? query["Marker"] : "";
  json mappings = json::array();
  std::string next;
  for (const MappingView& view : options_.mappings->List(function_name, source)) {
    if (view.config.uuid < marker) continue;
    if (static_cast<int64_t>(mappings.size()) == *max_items) {
      next = view.config.uuid;
      break;
    }
    mappings.push_back(MappingJson(view));
  }
  json out = {{"EventSourceMappings", mappings}};
  if (!next.empty()) out["NextMarker"] = next;
  return JsonResponse(200, out);
}

HttpResponse LambdaApi::UpdateMapping(const HttpRequest& request, const LambdaCall& call) {
  auto body = ParseBody(request.body);
  if (!body) return ErrorResponse(body.error());
  MappingChange change;
  if (auto read = ReadChange(*body, change); !read) return ErrorResponse(read.error());
  return Answer(options_.mappings->Update(call.function, change), 202);
}

HttpResponse LambdaApi::DeleteMapping(const LambdaCall& call) {
  return Answer(options_.mappings->Delete(call.function), 202);
}

}  // namespace sf::engine::lambda
