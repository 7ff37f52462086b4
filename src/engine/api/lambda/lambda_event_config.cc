// LambdaApi::EventInvokeConfig: Put/Update/Get/Delete/ListFunctionEventInvokeConfig(s) on
// /2019-09-25/functions/{name}/event-invoke-config[/list], kept by the EventQueue. Only $LATEST
// exists, so a function has at most one configuration. Destinations are not supported: a
// DestinationConfig naming one is refused rather than silently ignored.

#include "engine/api/lambda/lambda_api.h"
#include "engine/api/lambda/lambda_wire.h"

namespace sf::engine::lambda {

namespace {

using nlohmann::json;
using Op = LambdaOperation;

// The FunctionEventInvokeConfig shape; FunctionArn is qualified, as Lambda gives it.
json ConfigJson(const function::EventInvokeConfig& config, const std::string& arn) {
  json out = {
      {"LastModified", static_cast<double>(config.last_modified_ms) / 1000.0},
      {"FunctionArn", arn + ":$LATEST"},
      {"DestinationConfig", {{"OnSuccess", json::object()}, {"OnFailure", json::object()}}}};
  if (config.maximum_retry_attempts) out["MaximumRetryAttempts"] = *config.maximum_retry_attempts;
  if (config.maximum_event_age_seconds) {
    out["MaximumEventAgeInSeconds"] = *config.maximum_event_age_seconds;
  }
  return out;
}

ApiResult<void> RefuseDestinations(const json& body) {
  auto destinations = body.find("DestinationConfig");
  if (destinations == body.end() || !destinations->is_object()) return {};
  for (const char* member : {"OnSuccess", "OnFailure"}) {
    auto target = destinations->find(member);
    if (target != destinations->end() && target->is_object() && target->contains("Destination")) {
      return ApiFail("InvalidParameterValueException",
                     std::string("streamform does not support destinations for asynchronous "
                                 "invocation yet (") +
                         member + ")");
    }
  }
  return {};
}

// The body over `config` (Put: the defaults; Update: the current one).
ApiResult<function::EventInvokeConfig> ReadConfig(const json& body,
                                                  function::EventInvokeConfig config) {
  if (auto refused = RefuseDestinations(body); !refused) return tl::unexpected(refused.error());
  auto retries = ReadInteger(body, "MaximumRetryAttempts", "maximumRetryAttempts", 0, 2);
  if (!retries) return tl::unexpected(retries.error());
  auto age = ReadInteger(body, "MaximumEventAgeInSeconds", "maximumEventAgeInSeconds", 60, 21600);
  if (!age) return tl::unexpected(age.error());
  if (*retries) config.maximum_retry_attempts = *retries;
  if (*age) config.maximum_event_age_seconds = *age;
  return config;
}

}  // namespace

HttpResponse LambdaApi::EventInvokeConfig(const HttpRequest& request, const LambdaCall& call) {
  function::EventQueue* queue = options_.event_queue;
  if (queue == nullptr) {
    return ErrorResponse({"ServiceException", "this engine has no asynchronous invocation", 500});
  }
  auto found = Find(call);
  if (!found) return ErrorResponse(found.error());
  std::string arn = Arn(found->name);
  std::optional<function::EventInvokeConfig> current = queue->GetConfig(found->name);
  auto missing = [&] {
    return ErrorResponse({"ResourceNotFoundException",
                          "The function " + arn + ":$LATEST doesn't have an EventInvokeConfig",
                          404});
  };
  switch (call.operation) {
    case Op::kListFunctionEventInvokeConfigs: {
      json list = json::array();
      if (current) list.push_back(ConfigJson(*current, arn));
      return JsonResponse(200, {{"FunctionEventInvokeConfigs", list}});
    }
    case Op::kGetFunctionEventInvokeConfig:
      return current ? JsonResponse(200, ConfigJson(*current, arn)) : missing();
    case Op::kDeleteFunctionEventInvokeConfig: {
      auto deleted = queue->DeleteConfig(found->name);
      if (!deleted) return ErrorResponse({"ServiceException", deleted.error().message, 500});
      return *deleted ? JsonResponse(204, nullptr) : missing();
    }
    default:
      break;
  }
  bool update = call.operation == Op::kUpdateFunctionEventInvokeConfig;
  if (update && !current) return missing();
  auto body = ParseBody(request.body);
  if (!body) return ErrorResponse(body.error());
  auto config = ReadConfig(*body, update ? *current : function::EventInvokeConfig{});
  if (!config) return ErrorResponse(config.error());
  auto stored = queue->PutConfig(found->name, *config);
  if (!stored) return ErrorResponse({"ServiceException", stored.error().message, 500});
  return JsonResponse(200, ConfigJson(*stored, arn));
}

}  // namespace sf::engine::lambda
