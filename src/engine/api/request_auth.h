#pragma once
// The engine's SigV4 gate: every API request (Kinesis, S3, the engine's own control routes)
// passes through Check before it is acted on. It adapts the engine's HttpRequest to the auth
// module's wire form and runs the one Verifier against the engine's credentials
// (<data_dir>/credentials.json, see auth/key_file.h).
//
// With auth disabled (`streamform engine run --no-auth`) every request passes: a request that
// happens to verify keeps its Authenticated result (so signed aws-chunked bodies still have their
// chunk context); any other gets an Authenticated carrying only the declared payload hash.
//
// Thread-safe and immutable after construction.

#include <optional>
#include <string>
#include <string_view>

#include "auth/key_file.h"
#include "auth/verifier.h"
#include "base/clock.h"
#include "engine/server/http_server.h"

namespace sf::engine {

class RequestAuthenticator {
 public:
  // `clock` (the real clock in the engine) must outlive this object.
  RequestAuthenticator(bool enabled, auth::EngineCredentials credentials, const Clock* clock);

  // Verifies `request` as a call to `service` ("kinesis", "s3", "streamform"). `body` is the
  // whole body when buffered (its hash is checked against the signed one); nullopt for a
  // streamed body, whose hash the caller checks as it arrives (Authenticated::payload_hash).
  auth::VerifyResult Check(const HttpRequest& request, std::string_view service,
                           std::optional<std::string_view> body) const;

  bool enabled() const { return enabled_; }
  const auth::EngineCredentials& credentials() const { return credentials_; }

 private:
  bool enabled_;
  auth::EngineCredentials credentials_;
  auth::Verifier verifier_;
};

// The engine request in the auth module's wire form (path and query as received).
auth::HttpRequest ToWireRequest(const HttpRequest& request);

}  // namespace sf::engine
