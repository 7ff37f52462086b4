#include "client/signed_client.h"

#include "base/clock.h"
#include "client/kinesis_client.h"

namespace sf::client {

SignedClient::SignedClient(std::string endpoint, auth::Credentials credentials, std::string region,
                           std::string service)
    : endpoint_(std::move(endpoint)),
      host_(HostOf(endpoint_)),
      signer_(std::move(credentials), std::move(region), std::move(service)) {}

Result<HttpReply> SignedClient::Send(const std::string& method, const std::string& path,
                                     const std::string& query, const std::string& body,
                                     std::vector<std::pair<std::string, std::string>> headers,
                                     long timeout_ms) {
  auth::HttpRequest wire;
  wire.method = method;
  wire.path = path;
  wire.query = query;
  wire.headers.push_back({"Host", host_});
  for (auto& [name, value] : headers) wire.headers.push_back({name, value});
  auto signed_parts = signer_.Sign(&wire, auth::PayloadHash(body), RealClock().NowMs());
  if (!signed_parts) return tl::unexpected(signed_parts.error());
  std::vector<std::pair<std::string, std::string>> sent;
  sent.reserve(wire.headers.size());
  for (const auto& header : wire.headers) {
    if (header.name == "Host") continue;  // curl sets it from the URL
    sent.emplace_back(header.name, header.value);
  }
  std::string url = endpoint_ + path;
  if (!query.empty()) url += "?" + query;
  auto reply = http_.Send(method, url, body, sent, timeout_ms);
  if (!reply) {
    return Fail(ErrorCode::kIo, "cannot reach the engine at " + endpoint_ + ": " +
                                    reply.error().message +
                                    " (start it with `streamform engine start`)");
  }
  return reply;
}

}  // namespace sf::client
