#include "client/json_service_client.h"

namespace sf::client {

namespace {

std::string Member(const nlohmann::json& object, const char* name) {
  auto it = object.find(name);
  return it != object.end() && it->is_string() ? it->get<std::string>() : std::string();
}

}  // namespace

ServiceResult<nlohmann::json> ParseJsonReply(const HttpReply& reply) {
  nlohmann::json parsed = nlohmann::json::parse(reply.body, nullptr, false);
  if (reply.status >= 300) {
    ServiceError error{"", "", reply.status};
    if (parsed.is_object()) {
      error.type = Member(parsed, "__type");
      error.message = Member(parsed, "message");
      if (error.message.empty()) error.message = Member(parsed, "Message");
    }
    if (size_t hash = error.type.rfind('#'); hash != std::string::npos)
      error.type.erase(0, hash + 1);
    if (error.type.empty()) error.type = "HttpError";
    if (error.message.empty()) error.message = "HTTP " + std::to_string(reply.status);
    return tl::unexpected(error);
  }
  if (reply.body.empty()) return nlohmann::json::object();
  if (!parsed.is_object()) {
    return tl::unexpected(
        ServiceError{"SerializationException", "the engine sent invalid JSON", reply.status});
  }
  return parsed;
}

JsonServiceClient::JsonServiceClient(std::string endpoint, auth::Credentials credentials,
                                     std::string region, std::string service,
                                     std::string target_prefix)
    : http_(std::move(endpoint), std::move(credentials), std::move(region), std::move(service)),
      target_prefix_(std::move(target_prefix)) {}

ServiceResult<nlohmann::json> JsonServiceClient::Call(const std::string& operation,
                                                      const nlohmann::json& request) {
  auto reply = http_.Send("POST", "/", "", request.dump(),
                          {{"Content-Type", "application/x-amz-json-1.1"},
                           {"X-Amz-Target", target_prefix_ + operation}});
  if (!reply) return tl::unexpected(ServiceError{"ConnectionError", reply.error().message, 0});
  return ParseJsonReply(*reply);
}

}  // namespace sf::client
