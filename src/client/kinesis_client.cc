#include "client/kinesis_client.h"

#include "base/clock.h"

namespace sf::client {

namespace {

constexpr char kContentType[] = "application/x-amz-json-1.1";

std::string StringMember(const nlohmann::json& object, const char* name) {
  auto it = object.find(name);
  return it != object.end() && it->is_string() ? it->get<std::string>() : std::string();
}

}  // namespace

bool IsAuthError(const KinesisError& error) {
  return error.type == "UnrecognizedClientException" || error.type == "InvalidSignatureException" ||
         error.type == "IncompleteSignatureException" ||
         error.type == "MissingAuthenticationTokenException";
}

std::string HostOf(const std::string& endpoint) {
  std::string host = endpoint;
  if (size_t scheme = host.find("://"); scheme != std::string::npos) host.erase(0, scheme + 3);
  if (size_t slash = host.find('/'); slash != std::string::npos) host.erase(slash);
  return host;
}

KinesisClient::KinesisClient(std::string endpoint, auth::Credentials credentials,
                             std::string region)
    : endpoint_(std::move(endpoint)),
      host_(HostOf(endpoint_)),
      signer_(std::move(credentials), std::move(region), "kinesis") {}

tl::expected<nlohmann::json, KinesisError> KinesisClient::Call(const std::string& operation,
                                                               const nlohmann::json& request) {
  const std::string body = request.dump();
  auth::HttpRequest wire;
  wire.method = "POST";
  wire.path = "/";
  wire.headers = {{"Host", host_},
                  {"Content-Type", kContentType},
                  {"X-Amz-Target", "Kinesis_20131202." + operation}};
  auto signed_parts = signer_.Sign(&wire, auth::PayloadHash(body), RealClock().NowMs());
  if (!signed_parts) {
    return tl::unexpected(KinesisError{"SigningError", signed_parts.error().message, 0});
  }
  std::vector<std::pair<std::string, std::string>> headers;
  headers.reserve(wire.headers.size());
  for (const auto& header : wire.headers) headers.emplace_back(header.name, header.value);
  auto reply = http_.Post(endpoint_ + "/", body, headers);
  if (!reply) {
    return tl::unexpected(KinesisError{"ConnectionError",
                                       "cannot reach the engine at " + endpoint_ + ": " +
                                           reply.error().message +
                                           " (start it with `streamform engine start`)",
                                       0});
  }
  nlohmann::json parsed = nlohmann::json::parse(reply->body, nullptr, false);
  if (reply->status != 200) {
    std::string type = parsed.is_object() ? StringMember(parsed, "__type") : "";
    if (type.empty()) type = "HttpError";
    // Some services qualify the type: "com.amazonaws.kinesis.v20131202#ResourceNotFound...".
    if (size_t hash = type.rfind('#'); hash != std::string::npos) type.erase(0, hash + 1);
    std::string message;
    if (parsed.is_object()) {
      message = StringMember(parsed, "message");
      if (message.empty()) message = StringMember(parsed, "Message");
    } else {
      message = reply->body.substr(0, 300);
    }
    if (message.empty()) message = "HTTP " + std::to_string(reply->status);
    return tl::unexpected(KinesisError{type, message, reply->status});
  }
  if (parsed.is_discarded()) {
    return tl::unexpected(
        KinesisError{"SerializationException", "the engine sent invalid JSON", reply->status});
  }
  return parsed;
}

}  // namespace sf::client
