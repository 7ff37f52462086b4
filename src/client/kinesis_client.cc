#include "client/kinesis_client.h"

namespace sf::client {

tl::expected<nlohmann::json, KinesisError> KinesisClient::Call(const std::string& operation,
                                                               const nlohmann::json& request) {
  auto reply = http_.Post(endpoint_ + "/", request.dump(),
                          {{"Content-Type", "application/x-amz-json-1.1"},
                           {"X-Amz-Target", "Kinesis_20131202." + operation}});
  if (!reply) {
    return tl::unexpected(
        KinesisError{"ConnectionError", "cannot reach the engine at " + endpoint_ + ": " +
                                            reply.error().message +
                                            " (start it with `streamform engine start`)"});
  }
  nlohmann::json body = nlohmann::json::parse(reply->body, nullptr, false);
  if (reply->status != 200) {
    std::string type = body.is_object() ? body.value("__type", "HttpError") : "HttpError";
    std::string message = body.is_object() ? body.value("message", "") : reply->body;
    if (message.empty()) message = "HTTP " + std::to_string(reply->status);
    return tl::unexpected(KinesisError{type, message});
  }
  if (body.is_discarded())
    return tl::unexpected(KinesisError{"SerializationException", "the engine sent invalid JSON"});
  return body;
}

}  // namespace sf::client
