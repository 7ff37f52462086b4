#include "engine/api/events/events_api.h"

#include <memory>
#include <unordered_map>

#include "base/json_writer.h"

namespace sf::engine::events {

namespace {

constexpr char kRuleNamePattern[] = "[\\.\\-_A-Za-z0-9]+";

bool IsRuleNameChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
         c == '-' || c == '_';
}

HttpResponse Json(int status, std::string body) {
  HttpResponse response;
  response.status = status;
  response.headers = {{"Content-Type", "application/x-amz-json-1.1"}};
  response.body = std::move(body);
  return response;
}

}  // namespace

HttpResponse EventsApi::ErrorResponse(const ApiError& error) {
  std::string body;
  JsonWriter(body)
      .BeginObject()
      .Member("__type", error.type)
      .Member("message", error.message)
      .EndObject();
  HttpResponse response = Json(error.status, std::move(body));
  response.headers.emplace_back("x-amzn-ErrorType", error.type);
  return response;
}

void EventsApi::Handle(std::string operation, HttpRequest&& request, Respond respond,
                       iam::Principal principal) {
  auto shared = std::make_shared<HttpRequest>(std::move(request));
  pool_.Submit([this, operation = std::move(operation), shared, respond = std::move(respond),
                principal = std::move(principal)] {
    auto body = Dispatch(operation, shared->body, principal);
    respond(body ? Json(200, std::move(*body)) : ErrorResponse(body.error()));
  });
}

ApiResult<std::string> EventsApi::Dispatch(std::string_view operation, std::string_view body,
                                           const iam::Principal& principal) {
  static const std::unordered_map<std::string_view, Operation> kOperations = {
      {"PutRule", &EventsApi::PutRule},
      {"DescribeRule", &EventsApi::DescribeRule},
      {"DeleteRule", &EventsApi::DeleteRule},
      {"ListRules", &EventsApi::ListRules},
      {"EnableRule", &EventsApi::EnableRule},
      {"DisableRule", &EventsApi::DisableRule},
      {"PutTargets", &EventsApi::PutTargets},
      {"RemoveTargets", &EventsApi::RemoveTargets},
      {"ListTargetsByRule", &EventsApi::ListTargetsByRule},
      {"TagResource", &EventsApi::TagResource},
      {"UntagResource", &EventsApi::UntagResource},
      {"ListTagsForResource", &EventsApi::ListTagsForResource},
  };
  auto it = kOperations.find(operation);
  if (it == kOperations.end()) {
    return ApiFail("UnknownOperationException",
                   "The engine does not serve EventBridge operation " + std::string(operation));
  }
  auto request = JsonRequest::Parse(body);
  if (!request) return tl::unexpected(request.error());
  if (!principal.administrator()) {
    if (auto denied = Authorize(operation, **request, principal)) return tl::unexpected(*denied);
  }
  return (this->*(it->second))(**request);
}

std::optional<ApiError> EventsApi::Authorize(std::string_view operation, JsonRequest& request,
                                             const iam::Principal& principal) const {
  std::string resource;
  if (operation == "ListRules") {
    resource = rules_.Arn("*");
  } else if (operation == "TagResource" || operation == "UntagResource" ||
             operation == "ListTagsForResource") {
    if (auto arn = request.String("ResourceARN")) resource = std::string(*arn);
  } else {
    std::string_view member = operation == "PutTargets" || operation == "RemoveTargets" ||
                                      operation == "ListTargetsByRule"
                                  ? "Rule"
                                  : "Name";
    if (auto name = request.String(member); name && !name->empty()) {
      resource = rules_.Arn(std::string(*name));
    }
  }
  if (resource.empty()) return std::nullopt;  // the operation refuses it: nothing is done
  std::string action = "events:" + std::string(operation);
  return iam::AccessDenied(principal, action, resource);
}

std::string EventsApi::RuleName(JsonRequest& request, std::string_view member) {
  auto name = request.String(member);
  std::string path = LowerFirst(member);
  if (!name) {
    request.AddNullViolation(path);
    return "";
  }
  request.CheckLength(*name, path, 1, 64);
  for (char c : *name) {
    if (!IsRuleNameChar(c)) {
      request.AddViolation(
          std::string(*name), path,
          std::string("Member must satisfy regular expression pattern: ") + kRuleNamePattern);
      return "";
    }
  }
  return name->empty() || name->size() > 64 ? "" : std::string(*name);
}

ApiResult<void> EventsApi::CheckEventBus(JsonRequest& request) {
  auto bus = request.String("EventBusName");
  if (!bus) return {};
  request.CheckLength(*bus, "eventBusName", 1, 1600);
  std::string default_arn =
      "arn:aws:events:" + region_ + ":" + account_ + ":event-bus/" + schedule::kDefaultEventBus;
  if (*bus == schedule::kDefaultEventBus || *bus == default_arn || bus->empty()) return {};
  std::string name(*bus);
  if (size_t slash = name.rfind('/'); name.rfind("arn:", 0) == 0 && slash != std::string::npos) {
    name = name.substr(slash + 1);
  }
  return ApiFail("ResourceNotFoundException", "Event bus " + name + " does not exist.");
}

ApiResult<std::string> EventsApi::RuleFromArn(JsonRequest& request) {
  auto arn = request.String("ResourceARN");
  if (!arn) request.AddNullViolation("resourceARN");
  if (arn) request.CheckLength(*arn, "resourceARN", 1, 1600);
  if (auto valid = request.Finish(); !valid) return tl::unexpected(valid.error());
  std::string name = rules_.NameFromArn(std::string(*arn));
  if (name.empty()) {
    return ApiFail("ResourceNotFoundException",
                   "Resource " + std::string(*arn) + " does not exist.");
  }
  return name;
}

}  // namespace sf::engine::events
