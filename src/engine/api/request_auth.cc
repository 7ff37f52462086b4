#include "engine/api/request_auth.h"

#include <utility>

#include "auth/canonical.h"
#include "auth/crypto.h"

namespace sf::engine {

namespace {

constexpr char kGlobalRegion[] = "us-east-1";

bool IsGlobalService(std::string_view service) { return service == "iam" || service == "sts"; }

}  // namespace

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
                                           const Clock* clock, const iam::RoleStore* roles)
    : enabled_(enabled),
      credentials_(std::move(credentials)),
      roles_(roles),
      verifier_(
          credentials_.region, [this](std::string_view key) { return SecretFor(key); }, clock),
      global_verifier_(
          "", [this](std::string_view key) { return SecretFor(key); }, clock) {}

std::optional<std::string> RequestAuthenticator::SecretFor(std::string_view access_key) const {
  if (access_key == credentials_.credentials.access_key) return credentials_.credentials.secret_key;
  if (roles_ == nullptr) return std::nullopt;
  auto session = roles_->FindSession(access_key);
  if (session == nullptr) return std::nullopt;
  return session->secret_key;
}

std::optional<auth::AuthRejection> RequestAuthenticator::TokenProblem(
    const auth::HttpRequest& wire, const std::string& access_key) const {
  if (access_key == credentials_.credentials.access_key || roles_ == nullptr) return std::nullopt;
  auto session = roles_->FindSession(access_key);
  if (session == nullptr) return std::nullopt;  // deleted meanwhile: PrincipalOf finds no role
  std::optional<std::string> token;
  if (auto header = wire.FindHeader("x-amz-security-token")) {
    token = std::string(*header);
  } else if (wire.query.find("X-Amz-Security-Token=") != std::string::npos) {
    for (auto& [name, value] : auth::ParseQuery(wire.query)) {
      if (name == "X-Amz-Security-Token") token = std::move(value);
    }
  }
  if (token && auth::ConstantTimeEquals(*token, session->token)) return std::nullopt;
  auth::AuthRejection rejection;
  rejection.reason = auth::AuthFailure::kInvalidToken;
  rejection.access_key = access_key;
  return rejection;
}

auth::VerifyResult RequestAuthenticator::Check(const HttpRequest& request, std::string_view service,
                                               std::optional<std::string_view> body) const {
  auth::HttpRequest wire = ToWireRequest(request);
  auth::VerifyInput input;
  input.request = &wire;
  input.service = service;
  input.body = body;
  const bool global = IsGlobalService(service);
  auth::VerifyResult verified = (global ? global_verifier_ : verifier_).Verify(input);
  if (verified && global && verified->region != kGlobalRegion &&
      verified->region != credentials_.region) {
    auth::AuthRejection rejection;
    rejection.reason = auth::AuthFailure::kMalformed;
    rejection.detail =
        "Credential should be scoped to a valid region, not '" + verified->region + "'. ";
    verified = tl::unexpected(std::move(rejection));
  }
  if (verified) {
    if (auto problem = TokenProblem(wire, verified->access_key)) {
      verified = tl::unexpected(std::move(*problem));
    }
  }
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

iam::Principal RequestAuthenticator::PrincipalOf(const auth::Authenticated& authenticated) const {
  iam::Principal principal;
  if (roles_ == nullptr || authenticated.access_key.empty() ||
      authenticated.access_key == credentials_.credentials.access_key) {
    return principal;
  }
  principal.session = roles_->FindSession(authenticated.access_key);
  if (principal.session != nullptr) {
    principal.role = roles_->RoleOf(*principal.session);
  } else {  // its role was deleted since Check: a session with no role, denied everything
    auto gone = std::make_shared<iam::Session>();
    gone->access_key = authenticated.access_key;
    gone->arn = authenticated.access_key;
    principal.session = std::move(gone);
  }
  return principal;
}

}  // namespace sf::engine
