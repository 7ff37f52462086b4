#include "engine/api/lambda/lambda_route.h"

#include <vector>

#include "auth/auth_params.h"
#include "auth/canonical.h"
#include "engine/api/stacks/stack_request.h"

namespace sf::engine::lambda {

namespace {

constexpr char kNamePattern[] =
    "(arn:(aws[a-zA-Z-]*)?:lambda:)?([a-z]{2}(-gov)?-[a-z]+-\\d{1}:)?(\\d{12}:)?(function:)?"
    "([a-zA-Z0-9-_]+)(:(\\$LATEST|[a-zA-Z0-9-_]+))?";

std::vector<std::string_view> Split(std::string_view text, char separator) {
  std::vector<std::string_view> parts;
  size_t start = 0;
  for (;;) {
    size_t at = text.find(separator, start);
    parts.push_back(text.substr(start, at == std::string_view::npos ? at : at - start));
    if (at == std::string_view::npos) return parts;
    start = at + 1;
  }
}

bool IsNameChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
         c == '_';
}

bool IsValidName(std::string_view name) {
  if (name.empty() || name.size() > 64) return false;
  for (char c : name) {
    if (!IsNameChar(c)) return false;
  }
  return true;
}

tl::unexpected<ApiError> NoRoute() {
  return ApiFail("ResourceNotFoundException", "The resource you requested does not exist.", 404);
}

}  // namespace

std::string SigningService(const HttpRequest& request) {
  if (const std::string* header = request.Header("Authorization")) {
    auto params = auth::ParseAuthorizationHeader(*header);
    return params ? params->credential.service : std::string();
  }
  auto query = ParseQuery(request.query);
  auto credential = query.find("X-Amz-Credential");
  if (credential == query.end()) return {};
  auto parts = auth::ParseCredential(credential->second);
  return parts ? parts->service : std::string();
}

bool IsLambdaRequest(const HttpRequest& request) { return SigningService(request) == "lambda"; }

ApiResult<LambdaCall> ParseFunctionName(std::string_view text) {
  std::vector<std::string_view> parts = Split(text, ':');
  std::string_view name;
  std::string_view qualifier;
  if (parts.size() >= 7 && parts[0] == "arn" && parts[5] == "function") {  // a full ARN
    name = parts[6];
    if (parts.size() == 8) qualifier = parts[7];
    if (parts.size() > 8) name = {};
  } else if (parts.size() >= 3 && parts[1] == "function") {  // account:function:name
    name = parts[2];
    if (parts.size() == 4) qualifier = parts[3];
    if (parts.size() > 4) name = {};
  } else if (parts.size() <= 2) {  // name[:qualifier]
    name = parts[0];
    if (parts.size() == 2) qualifier = parts[1];
  }
  if (!IsValidName(name) || (parts.size() > 1 && qualifier.empty() && parts.size() <= 2)) {
    return ApiFail("ValidationException",
                   "1 validation error detected: Value '" + std::string(text) +
                       "' at 'functionName' failed to satisfy constraint: Member must satisfy "
                       "regular expression pattern: " +
                       kNamePattern);
  }
  return LambdaCall{LambdaOperation::kGetFunction, std::string(name), std::string(qualifier)};
}

namespace {

// /2017-03-31/tags/{ARN}: TagResource (POST), UntagResource (DELETE), ListTags (GET). Only
// functions carry tags here, so the ARN must be a function's (no qualifier).
ApiResult<LambdaCall> TagsCall(std::string_view method, std::string_view encoded_arn) {
  std::string arn = auth::PercentDecode(encoded_arn);
  auto call = ParseFunctionName(arn);
  if (!call || arn.rfind("arn:", 0) != 0 || !call->qualifier.empty()) {
    return ApiFail(
        "ValidationException",
        "1 validation error detected: Value '" + arn +
            "' at 'resource' failed to satisfy constraint: Member must satisfy regular "
            "expression pattern: arn:(aws[a-zA-Z-]*)?:lambda:[a-z]{2}(-gov)?-[a-z]+-\\d{1}:"
            "\\d{12}:function:[a-zA-Z0-9-_]+");
  }
  if (method == "POST") {
    call->operation = LambdaOperation::kTagResource;
  } else if (method == "DELETE") {
    call->operation = LambdaOperation::kUntagResource;
  } else if (method == "GET") {
    call->operation = LambdaOperation::kListTags;
  } else {
    return NoRoute();
  }
  return call;
}

}  // namespace

ApiResult<LambdaCall> ParseLambdaCall(std::string_view method, std::string_view path,
                                      std::string_view query) {
  std::vector<std::string_view> parts = Split(path, '/');  // parts[0] is "" (leading '/')
  if (!parts.empty() && parts.back().empty() && parts.size() > 1) parts.pop_back();
  if (parts.size() < 3 || !parts[0].empty()) return NoRoute();
  std::string_view version = parts[1];
  if (version == "2016-08-19" && parts.size() == 3 && parts[2] == "account-settings") {
    if (method != "GET") return NoRoute();
    return LambdaCall{LambdaOperation::kGetAccountSettings, {}, {}};
  }
  if (version == "2017-03-31" && parts.size() == 4 && parts[2] == "tags")
    return TagsCall(method, parts[3]);
  if (parts[2] == "event-source-mappings") {
    if (version != "2015-03-31" || parts.size() > 4) return NoRoute();
    using Op = LambdaOperation;
    if (parts.size() == 3 || parts[3].empty()) {
      if (method == "POST") return LambdaCall{Op::kCreateEventSourceMapping, {}, {}};
      if (method == "GET") return LambdaCall{Op::kListEventSourceMappings, {}, {}};
      return NoRoute();
    }
    std::string uuid = auth::PercentDecode(parts[3]);
    if (method == "GET") return LambdaCall{Op::kGetEventSourceMapping, uuid, {}};
    if (method == "PUT") return LambdaCall{Op::kUpdateEventSourceMapping, uuid, {}};
    if (method == "DELETE") return LambdaCall{Op::kDeleteEventSourceMapping, uuid, {}};
    return NoRoute();
  }
  if (parts[2] != "functions") return NoRoute();
  if (parts.size() == 3) {
    if (version != "2015-03-31") return NoRoute();
    if (method == "POST") return LambdaCall{LambdaOperation::kCreateFunction, {}, {}};
    if (method == "GET") return LambdaCall{LambdaOperation::kListFunctions, {}, {}};
    return NoRoute();
  }
  auto call = ParseFunctionName(auth::PercentDecode(parts[3]));
  if (!call) return call;
  auto parsed_query = ParseQuery(query);
  if (auto q = parsed_query.find("Qualifier"); q != parsed_query.end() && call->qualifier.empty()) {
    call->qualifier = q->second;
  }
  using Op = LambdaOperation;
  if (parts.size() == 6 && version == "2019-09-25" && parts[4] == "event-invoke-config" &&
      parts[5] == "list" && method == "GET") {
    call->operation = Op::kListFunctionEventInvokeConfigs;
    return call;
  }
  if (parts.size() == 6 && version == "2015-03-31" && parts[4] == "policy" && method == "DELETE") {
    call->operation = Op::kRemovePermission;
    call->statement_id = auth::PercentDecode(parts[5]);
    return call;
  }
  std::string_view sub = parts.size() == 5 ? parts[4] : std::string_view();
  if (parts.size() > 5) return NoRoute();
  struct Route {
    std::string_view version, sub, method;
    Op operation;
  };
  static constexpr Route kRoutes[] = {
      {"2015-03-31", "", "GET", Op::kGetFunction},
      {"2015-03-31", "", "DELETE", Op::kDeleteFunction},
      {"2015-03-31", "configuration", "GET", Op::kGetFunctionConfiguration},
      {"2015-03-31", "configuration", "PUT", Op::kUpdateFunctionConfiguration},
      {"2015-03-31", "code", "PUT", Op::kUpdateFunctionCode},
      {"2015-03-31", "invocations", "POST", Op::kInvoke},
      {"2017-10-31", "concurrency", "PUT", Op::kPutFunctionConcurrency},
      {"2017-10-31", "concurrency", "DELETE", Op::kDeleteFunctionConcurrency},
      {"2019-09-30", "concurrency", "GET", Op::kGetFunctionConcurrency},
      {"2019-09-25", "event-invoke-config", "PUT", Op::kPutFunctionEventInvokeConfig},
      {"2019-09-25", "event-invoke-config", "POST", Op::kUpdateFunctionEventInvokeConfig},
      {"2019-09-25", "event-invoke-config", "GET", Op::kGetFunctionEventInvokeConfig},
      {"2019-09-25", "event-invoke-config", "DELETE", Op::kDeleteFunctionEventInvokeConfig},
      {"2015-03-31", "policy", "POST", Op::kAddPermission},
      {"2015-03-31", "policy", "GET", Op::kGetPolicy},
  };
  for (const auto& route : kRoutes) {
    if (route.version == version && route.sub == sub && route.method == method) {
      call->operation = route.operation;
      return call;
    }
  }
  return NoRoute();
}

std::string_view OperationName(LambdaOperation operation) {
  switch (operation) {
    case LambdaOperation::kCreateFunction:
      return "CreateFunction";
    case LambdaOperation::kListFunctions:
      return "ListFunctions";
    case LambdaOperation::kGetFunction:
      return "GetFunction";
    case LambdaOperation::kDeleteFunction:
      return "DeleteFunction";
    case LambdaOperation::kGetFunctionConfiguration:
      return "GetFunctionConfiguration";
    case LambdaOperation::kUpdateFunctionConfiguration:
      return "UpdateFunctionConfiguration";
    case LambdaOperation::kUpdateFunctionCode:
      return "UpdateFunctionCode";
    case LambdaOperation::kInvoke:
      return "Invoke";
    case LambdaOperation::kPutFunctionConcurrency:
      return "PutFunctionConcurrency";
    case LambdaOperation::kDeleteFunctionConcurrency:
      return "DeleteFunctionConcurrency";
    case LambdaOperation::kGetFunctionConcurrency:
      return "GetFunctionConcurrency";
    case LambdaOperation::kGetAccountSettings:
      return "GetAccountSettings";
    case LambdaOperation::kPutFunctionEventInvokeConfig:
      return "PutFunctionEventInvokeConfig";
    case LambdaOperation::kUpdateFunctionEventInvokeConfig:
      return "UpdateFunctionEventInvokeConfig";
    case LambdaOperation::kGetFunctionEventInvokeConfig:
      return "GetFunctionEventInvokeConfig";
    case LambdaOperation::kDeleteFunctionEventInvokeConfig:
      return "DeleteFunctionEventInvokeConfig";
    case LambdaOperation::kListFunctionEventInvokeConfigs:
      return "ListFunctionEventInvokeConfigs";
    case LambdaOperation::kTagResource:
      return "TagResource";
    case LambdaOperation::kUntagResource:
      return "UntagResource";
    case LambdaOperation::kListTags:
      return "ListTags";
    case LambdaOperation::kCreateEventSourceMapping:
      return "CreateEventSourceMapping";
    case LambdaOperation::kListEventSourceMappings:
      return "ListEventSourceMappings";
    case LambdaOperation::kGetEventSourceMapping:
      return "GetEventSourceMapping";
    case LambdaOperation::kUpdateEventSourceMapping:
      return "UpdateEventSourceMapping";
    case LambdaOperation::kDeleteEventSourceMapping:
      return "DeleteEventSourceMapping";
    case LambdaOperation::kAddPermission:
      return "AddPermission";
    case LambdaOperation::kRemovePermission:
      return "RemovePermission";
    case LambdaOperation::kGetPolicy:
      return "GetPolicy";
  }
  return "Unknown";
}

}  // namespace sf::engine::lambda
