#include "engine/api/request_auth.h"

#include <utility>

namespace sf::engine {

auth::HttpRequest ToWireRequest(const HttpRequest& request) {
  auth::HttpRequest wire;
  wire.method = request.method;
  wire.path = request.path;
  wire.query = request.query;
  wire.headers.reserve(request.headers.size());
  for (const auto& [name, value] : request.headers) wire.headers.push_back({name, value});
  return wire;
}

RequestAuthenticator::RequestAuthenticator(bool enabled, auth::EngineCredentials credentials,
                                           const Clock* clock)
    : enabled_(enabled),
      credentials_(std::move(credentials)),
      verifier_(
          credentials_.region,
          [access = credentials_.credentials.access_key,
           secret = credentials_.credentials.secret_key](
              std::string_view key) -> std::optional<std::string> {
            if (key == access) return secret;
            return std::nullopt;
          },
          clock) {}

auth::VerifyResult RequestAuthenticator::Check(const HttpRequest& request, std::string_view service,
                                               std::optional<std::string_view> body) const {
  auth::HttpRequest wire = ToWireRequest(request);
  auth::VerifyInput input;
  input.request = &wire;
  input.service = service;
  input.body = body;
  auth::VerifyResult verified = verifier_.Verify(input);
  if (verified || enabled_) return verified;
  auth::Authenticated anyone;
  anyone.service = std::string(service);
  anyone.region = credentials_.region;
  if (auto declared = wire.FindHeader("x-amz-content-sha256")) {
    anyone.payload_hash = std::string(*declared);
  } else {
    anyone.payload_hash = std::string(auth::kUnsignedPayload);
  }
  return anyone;
}

}  // namespace sf::engine
