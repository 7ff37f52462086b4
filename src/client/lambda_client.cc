#include "client/lambda_client.h"

#include <cctype>
#include <cstdio>

#include "base/base64.h"

namespace sf::client {

namespace {

constexpr char kFunctions[] = "/2015-03-31/functions";
constexpr char kConcurrency[] = "/2017-10-31/functions/";

std::string Member(const nlohmann::json& object, const char* name) {
  auto it = object.find(name);
  return it != object.end() && it->is_string() ? it->get<std::string>() : std::string();
}

}  // namespace

std::string EncodePathSegment(const std::string& segment) {
  std::string out;
  for (unsigned char c : segment) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out += static_cast<char>(c);
    } else {
      char escaped[4];
      std::snprintf(escaped, sizeof escaped, "%%%02X", c);
      out += escaped;
    }
  }
  return out;
}

LambdaClient::LambdaClient(std::string endpoint, auth::Credentials credentials, std::string region)
    : http_(std::move(endpoint), std::move(credentials), std::move(region), "lambda") {}

LambdaResult<nlohmann::json> LambdaClient::Call(const std::string& method, const std::string& path,
                                                const nlohmann::json* body,
                                                const std::string& query) {
  std::vector<std::pair<std::string, std::string>> headers;
  if (body != nullptr) headers.emplace_back("Content-Type", "application/json");
  auto reply = http_.Send(method, path, query, body != nullptr ? body->dump() : "", headers);
  if (!reply) return tl::unexpected(LambdaError{"ConnectionError", reply.error().message, 0});
  if (reply->status >= 300) return tl::unexpected(ErrorOf(*reply));
  nlohmann::json parsed = reply->body.empty() ? nlohmann::json::object()
                                              : nlohmann::json::parse(reply->body, nullptr, false);
  if (parsed.is_discarded()) {
    return tl::unexpected(
        LambdaError{"SerializationException", "the engine sent invalid JSON", reply->status});
  }
  return parsed;
}

LambdaError LambdaClient::ErrorOf(const HttpReply& reply) {
  LambdaError error{"", "", reply.status};
  if (const std::string* type = reply.Header("x-amzn-errortype")) {
    error.type = type->substr(0, type->find(':'));  // "ResourceNotFoundException:http://..."
  }
  nlohmann::json parsed = nlohmann::json::parse(reply.body, nullptr, false);
  if (parsed.is_object()) {
    if (error.type.empty()) error.type = Member(parsed, "Type");
    error.message = Member(parsed, "message");
    if (error.message.empty()) error.message = Member(parsed, "Message");
  }
  if (error.type.empty()) error.type = "HttpError";
  if (error.message.empty()) error.message = "HTTP " + std::to_string(reply.status);
  return error;
}

LambdaResult<InvokeReply> LambdaClient::Invoke(const std::string& name, const std::string& payload,
                                               const std::string& type, bool tail) {
  std::vector<std::pair<std::string, std::string>> headers = {{"Content-Type", "application/json"},
                                                              {"X-Amz-Invocation-Type", type}};
  if (tail) headers.emplace_back("X-Amz-Log-Type", "Tail");
  auto reply =
      http_.Send("POST", std::string(kFunctions) + "/" + EncodePathSegment(name) + "/invocations",
                 "", payload, headers, /*timeout_ms=*/16 * 60 * 1000);
  if (!reply) return tl::unexpected(LambdaError{"ConnectionError", reply.error().message, 0});
  if (reply->status >= 300) return tl::unexpected(ErrorOf(*reply));
  InvokeReply out;
  out.status = reply->status;
  out.payload = reply->body;
  if (const std::string* error = reply->Header("x-amz-function-error")) out.function_error = *error;
  if (const std::string* log = reply->Header("x-amz-log-result")) {
    if (auto decoded = Base64Decode(*log)) out.log_result = *decoded;
  }
  return out;
}

LambdaResult<nlohmann::json> LambdaClient::CreateFunction(const nlohmann::json& request) {
  return Call("POST", kFunctions, &request);
}

LambdaResult<nlohmann::json> LambdaClient::GetFunction(const std::string& name) {
  return Call("GET", std::string(kFunctions) + "/" + EncodePathSegment(name), nullptr);
}

LambdaResult<nlohmann::json> LambdaClient::UpdateFunctionCode(const std::string& name,
                                                              const nlohmann::json& request) {
  return Call("PUT", std::string(kFunctions) + "/" + EncodePathSegment(name) + "/code", &request);
}

LambdaResult<nlohmann::json> LambdaClient::UpdateFunctionConfiguration(
    const std::string& name, const nlohmann::json& request) {
  return Call("PUT", std::string(kFunctions) + "/" + EncodePathSegment(name) + "/configuration",
              &request);
}

LambdaResult<nlohmann::json> LambdaClient::DeleteFunction(const std::string& name) {
  return Call("DELETE", std::string(kFunctions) + "/" + EncodePathSegment(name), nullptr);
}

LambdaResult<nlohmann::json> LambdaClient::PutFunctionConcurrency(const std::string& name,
                                                                  int reserved) {
  nlohmann::json request = {{"ReservedConcurrentExecutions", reserved}};
  return Call("PUT", kConcurrency + EncodePathSegment(name) + "/concurrency", &request);
}

LambdaResult<nlohmann::json> LambdaClient::DeleteFunctionConcurrency(const std::string& name) {
  return Call("DELETE", kConcurrency + EncodePathSegment(name) + "/concurrency", nullptr);
}

LambdaResult<nlohmann::json> LambdaClient::AddPermission(const std::string& name,
                                                         const nlohmann::json& request) {
  return Call("POST", std::string(kFunctions) + "/" + EncodePathSegment(name) + "/policy",
              &request);
}

LambdaResult<nlohmann::json> LambdaClient::RemovePermission(const std::string& name,
                                                            const std::string& statement_id) {
  return Call("DELETE",
              std::string(kFunctions) + "/" + EncodePathSegment(name) + "/policy/" +
                  EncodePathSegment(statement_id),
              nullptr);
}

LambdaResult<nlohmann::json> LambdaClient::GetPolicy(const std::string& name) {
  return Call("GET", std::string(kFunctions) + "/" + EncodePathSegment(name) + "/policy", nullptr);
}

namespace {
constexpr char kMappings[] = "/2015-03-31/event-source-mappings/";
}  // namespace

LambdaResult<nlohmann::json> LambdaClient::CreateEventSourceMapping(const nlohmann::json& request) {
  return Call("POST", kMappings, &request);
}

LambdaResult<nlohmann::json> LambdaClient::GetEventSourceMapping(const std::string& uuid) {
  return Call("GET", kMappings + EncodePathSegment(uuid), nullptr);
}

LambdaResult<nlohmann::json> LambdaClient::UpdateEventSourceMapping(const std::string& uuid,
                                                                    const nlohmann::json& request) {
  return Call("PUT", kMappings + EncodePathSegment(uuid), &request);
}

LambdaResult<nlohmann::json> LambdaClient::DeleteEventSourceMapping(const std::string& uuid) {
  return Call("DELETE", kMappings + EncodePathSegment(uuid), nullptr);
}

LambdaResult<nlohmann::json> LambdaClient::ListEventSourceMappings(const std::string& function,
                                                                   const std::string& source_arn) {
  nlohmann::json all = {{"EventSourceMappings", nlohmann::json::array()}};
  std::string marker;
  do {
    std::string query = "EventSourceArn=" + EncodePathSegment(source_arn) +
                        "&FunctionName=" + EncodePathSegment(function);
    if (!marker.empty()) query += "&Marker=" + EncodePathSegment(marker);
    auto page = Call("GET", kMappings, nullptr, query);
    if (!page) return page;
    for (auto& mapping : (*page)["EventSourceMappings"])
      all["EventSourceMappings"].push_back(mapping);
    marker = page->value("NextMarker", "");
  } while (!marker.empty());
  return all;
}

LambdaResult<nlohmann::json> LambdaClient::ListFunctions(const std::string& marker) {
  std::string query = "MaxItems=50";
  if (!marker.empty()) query = "Marker=" + EncodePathSegment(marker) + "&" + query;
  return Call("GET", kFunctions, nullptr, query);
}

}  // namespace sf::client
