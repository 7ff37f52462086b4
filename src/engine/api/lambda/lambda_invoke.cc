// LambdaApi::Invoke: RequestResponse and DryRun invocations through the Runtime, Event ones
// through the EventQueue.

#include <memory>
#include <nlohmann/json.hpp>

#include "base/base64.h"
#include "engine/api/lambda/lambda_api.h"
#include "engine/api/lambda/lambda_wire.h"

namespace sf::engine::lambda {

namespace {

using function::InvokeResult;

// The largest response a function may return synchronously, as Lambda counts it.
constexpr uint64_t kMaxResponseBytes = 6291556;

ApiResult<std::string> HeaderEnum(const HttpRequest& request, const char* header,
                                  std::string_view field, std::string fallback,
                                  std::initializer_list<std::string_view> values) {
  const std::string* value = request.Header(header);
  if (value == nullptr) return fallback;
  std::string set;
  for (auto allowed : values) {
    if (*value == allowed) return *value;
    set += (set.empty() ? "" : ", ") + std::string(allowed);
  }
  return ApiFail("ValidationException", "1 validation error detected: Value '" + *value + "' at '" +
                                            std::string(field) +
                                            "' failed to satisfy constraint: Member must "
                                            "satisfy enum value set: [" +
                                            set + "]");
}

HttpResponse Throttled(bool reserved) {
  return ErrorResponse({"TooManyRequestsException", "Rate Exceeded.", 429},
                       reserved ? "ReservedFunctionConcurrentInvocationLimitExceeded"
                                : "ConcurrentInvocationLimitExceeded");
}

}  // namespace

void LambdaApi::Invoke(HttpRequest&& request, const LambdaCall& call, Respond respond) {
  auto type = HeaderEnum(request, "X-Amz-Invocation-Type", "invocationType", "RequestResponse",
                         {"Event", "RequestResponse", "DryRun"});
  if (!type) return respond(ErrorResponse(type.error()));
  auto log_type = HeaderEnum(request, "X-Amz-Log-Type", "logType", "None", {"None", "Tail"});
  if (!log_type) return respond(ErrorResponse(log_type.error()));
  auto found = Find(call);
  if (!found) return respond(ErrorResponse(found.error()));
  if (*type == "DryRun") return respond(JsonResponse(204, nullptr));
  bool event = *type == "Event";
  uint64_t limit = event ? kMaxAsyncPayloadBytes : kMaxSyncPayloadBytes;
  if (request.body.size() > limit) {
    return respond(ErrorResponse({"RequestTooLargeException",
                                  "Request must be smaller than " + std::to_string(limit) +
                                      " bytes for the InvokeFunction operation",
                                  413}));
  }
  std::string payload = request.body.empty() ? std::string("{}") : std::move(request.body);
  if (!nlohmann::json::accept(payload)) {
    return respond(ErrorResponse({"InvalidRequestContentException",
                                  "Could not parse request body into json: Could not parse "
                                  "payload into json: the payload is not valid JSON"}));
  }
  if (event) return Enqueue(found->name, std::move(payload), std::move(respond));
  auto context = Context(*found);
  if (!context) return respond(ErrorResponse(context.error()));
  function::FunctionSpec spec = function::BuildFunctionSpec(*found, *context);
  bool reserved = found->reserved_concurrency.has_value();
  bool tail = *log_type == "Tail";
  // Reserved concurrency 0 comes back kThrottled from the Runtime, which counts it.
  runtime_.Invoke(spec, std::move(payload),
                  [respond = std::move(respond), tail, reserved](InvokeResult result) {
                    respond(InvokeResponse(result, tail, reserved));
                  });
}

// Queued durably on the work pool (an fsync), then 202 with the event's request id, which the
// handler sees as context.aws_request_id on every attempt.
void LambdaApi::Enqueue(const std::string& function, std::string payload, Respond respond) {
  function::EventQueue* queue = options_.event_queue;
  if (queue == nullptr) {
    return respond(
        ErrorResponse({"ServiceException", "this engine has no asynchronous invocation", 500}));
  }
  auto shared = std::make_shared<std::string>(std::move(payload));
  pool_.Submit([queue, function, shared, respond = std::move(respond)] {
    auto id = queue->Enqueue(function, std::move(*shared));
    if (!id) return respond(ErrorResponse({"ServiceException", id.error().message, 500}));
    HttpResponse accepted;
    accepted.status = 202;
    accepted.headers = {{"x-amzn-RequestId", *id}};
    respond(std::move(accepted));
  });
}

HttpResponse LambdaApi::InvokeResponse(const InvokeResult& result, bool tail, bool reserved) {
  if (result.status == InvokeResult::Status::kThrottled) return Throttled(reserved);
  HttpResponse response;
  response.status = 200;
  response.headers = {{"Content-Type", "application/json"}, {"X-Amz-Executed-Version", "$LATEST"}};
  if (!result.request_id.empty())
    response.headers.emplace_back("x-amzn-RequestId", result.request_id);
  response.body = result.payload;
  bool failed = result.status != InvokeResult::Status::kOk;
  if (!failed && response.body.size() > kMaxResponseBytes) {
    failed = true;
    response.body = nlohmann::json{{"errorMessage",
                                    "Response payload size exceeded maximum allowed payload size "
                                    "(" +
                                        std::to_string(kMaxResponseBytes) + " bytes)."},
                                   {"errorType", "Function.ResponseSizeTooLarge"}}
                        .dump();
  }
  if (failed) response.headers.emplace_back("X-Amz-Function-Error", "Unhandled");
  if (tail) response.headers.emplace_back("X-Amz-Log-Result", Base64Encode(result.log_tail));
  return response;
}

}  // namespace sf::engine::lambda
