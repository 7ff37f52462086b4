#pragma once
// The engine's SigV4 gate: every API request (Kinesis, S3, the engine's own control routes)
// passes through Check before it is acted on. It adapts the engine's HttpRequest to the auth
// module's wire form and runs the one Verifier against the engine's credentials
// (<data_dir>/credentials.json, see auth/key_file.h) and the role sessions' credentials
// (engine/iam/role_store.h).
//
// Principals: the engine's own key is the administrator; a role session's key is that session
// (PrincipalOf), whose requests must also carry the session's token (X-Amz-Security-Token, as a
// header or presigned query parameter), else they fail as kInvalidToken, as AWS refuses
// temporary credentials without their token. The APIs authorize each operation for the
// principal (iam/principal.h).
//
// IAM and STS are global services: requests signed for "iam" or "sts" may be scoped to
// us-east-1 (where AWS signs them) as well as to the engine's region.
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
#include "engine/iam/principal.h"
#include "engine/iam/role_store.h"
#include "engine/server/http_server.h"

namespace sf::engine {

class RequestAuthenticator {
 public:
  // `clock` (the real clock in the engine) and `roles` (null: the engine's key only) must
  // outlive this object.
  RequestAuthenticator(bool enabled, auth::EngineCredentials credentials, const Clock* clock,
                       const iam::RoleStore* roles = nullptr);

  // Verifies `request` as a call to `service` ("kinesis", "s3", "streamform"). `body` is the
  // whole body when buffered (its hash is checked against the signed one); nullopt for a
  // streamed body, whose hash the caller checks as it arrives (Authenticated::payload_hash).
  auth::VerifyResult Check(const HttpRequest& request, std::string_view service,
                           std::optional<std::string_view> body) const;

  // Who signed a request Check accepted: the administrator for the engine's key (and for
  // anything --no-auth lets through), else the role session, with its role as of now.
  iam::Principal PrincipalOf(const auth::Authenticated& authenticated) const;

  bool enabled() const { return enabled_; }
  const auth::EngineCredentials& credentials() const { return credentials_; }

 private:
  std::optional<std::string> SecretFor(std::string_view access_key) const;
  // kInvalidToken unless a session key's request carries the session's token.
  std::optional<auth::AuthRejection> TokenProblem(const auth::HttpRequest& wire,
                                                  const std::string& access_key) const;

  bool enabled_;
  auth::EngineCredentials credentials_;
  const iam::RoleStore* roles_;
  auth::Verifier verifier_;         // scoped to the engine's region
  auth::Verifier global_verifier_;  // iam and sts: any region (checked after)
};

// The engine request in the auth module's wire form (path and query as received).
auth::HttpRequest ToWireRequest(const HttpRequest& request);

}  // namespace sf::engine
