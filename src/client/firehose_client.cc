#include "client/firehose_client.h"

namespace sf::client {

namespace {

constexpr char kRoutes[] = "/_streamform/delivery-streams/";

}  // namespace

FirehoseClient::FirehoseClient(std::string endpoint, auth::Credentials credentials,
                               std::string region)
    : firehose_(endpoint, credentials, region, "firehose", "Firehose_20150804."),
      engine_(std::move(endpoint), std::move(credentials), std::move(region), "streamform") {}

ServiceResult<nlohmann::json> FirehoseClient::Call(const std::string& operation,
                                                   const nlohmann::json& request) {
  return firehose_.Call(operation, request);
}

ServiceResult<nlohmann::json> FirehoseClient::Buffered(const std::string& name) {
  // Delivery stream names are [a-zA-Z0-9_.-]: nothing to escape in the path.
  auto reply = engine_.Send("GET", kRoutes + name, "", "");
  if (!reply) return tl::unexpected(ServiceError{"ConnectionError", reply.error().message, 0});
  return ParseJsonReply(*reply);
}

ServiceResult<nlohmann::json> FirehoseClient::Flush(const std::string& name) {
  auto reply = engine_.Send("POST", kRoutes + name + "/flush", "", "", {}, 120000);
  if (!reply) return tl::unexpected(ServiceError{"ConnectionError", reply.error().message, 0});
  return ParseJsonReply(*reply);
}

}  // namespace sf::client
