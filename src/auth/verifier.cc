#include "auth/verifier.h"

#include "auth/amz_time.h"
#include "auth/auth_params.h"
#include "auth/canonical.h"
#include "auth/crypto.h"

namespace sf::auth {

namespace {

tl::unexpected<AuthRejection> Reject(AuthFailure reason, std::string detail = {}) {
  AuthRejection rejection;
  rejection.reason = reason;
  rejection.detail = std::move(detail);
  return tl::unexpected(std::move(rejection));
}

// Scope checks, with the wording AWS's JSON services use.
std::optional<std::string> ScopeProblem(const CredentialParts& credential,
                                        std::string_view amz_date, std::string_view region,
                                        std::string_view service) {
  if (credential.date != amz_date.substr(0, 8)) {
    return "Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date "
           "from HTTP: '" +
           credential.date + "' != '" + std::string(amz_date.substr(0, 8)) + "', from '" +
           std::string(amz_date) + "'.";
  }
  if (!region.empty() && credential.region != region) {
    return "Credential should be scoped to a valid region, not '" + credential.region + "'. ";
  }
  if (credential.service != service) {
    return "Credential should be scoped to correct service: '" + std::string(service) + "'. ";
  }
  if (credential.terminator != kTerminator) {
    return "Credential should be scoped with a valid terminator: 'aws4_request', not '" +
           credential.terminator + "'. ";
  }
  return std::nullopt;
}

bool Contains(const std::vector<std::string>& names, std::string_view name) {
  for (const std::string& n : names) {
    if (n == name) return true;
  }
  return false;
}

bool IsSpecialPayload(std::string_view hash) {
  return hash == kUnsignedPayload || hash == kStreamingPayload ||
         hash == kStreamingUnsignedTrailer || hash == kStreamingSignedTrailer;
}

}  // namespace

std::string_view AuthFailureName(AuthFailure failure) {
  switch (failure) {
    case AuthFailure::kMissing:
      return "Missing";
    case AuthFailure::kMalformed:
      return "Malformed";
    case AuthFailure::kUnknownAccessKey:
      return "UnknownAccessKey";
    case AuthFailure::kSignatureMismatch:
      return "SignatureMismatch";
    case AuthFailure::kTooSkewed:
      return "TooSkewed";
    case AuthFailure::kExpired:
      return "Expired";
    case AuthFailure::kPayloadHashMismatch:
      return "PayloadHashMismatch";
    case AuthFailure::kInvalidToken:
      return "InvalidToken";
  }
  return "Unknown";
}

Verifier::Verifier(std::string region, SecretLookup lookup, const Clock* clock)
    : region_(std::move(region)), lookup_(std::move(lookup)), clock_(clock) {}

VerifyResult Verifier::Verify(const VerifyInput& input) const {
  const HttpRequest& request = *input.request;
  const bool s3 = IsS3Service(input.service);
  const auto query = ParseQuery(request.query);
  const auto header = request.FindHeader("authorization");
  const bool presigned = HasPresignedQuery(query);
  if (!header && !presigned) return Reject(AuthFailure::kMissing);
  if (header && presigned) {
    return Reject(AuthFailure::kMalformed,
                  "Only one auth mechanism allowed; only the "
                  "X-Amz-Algorithm query parameter or the "
                  "Authorization header should be specified");
  }
  auto params = header ? ParseAuthorizationHeader(*header) : ParsePresignedQuery(query);
  if (!params) return Reject(AuthFailure::kMalformed, params.error().message);
  if (params->algorithm != kAlgorithm) {
    return Reject(AuthFailure::kMalformed,
                  "Unsupported AWS 'algorithm': '" + params->algorithm + "'");
  }
  std::string amz_date;
  if (presigned) {
    amz_date = *params->amz_date;
  } else if (auto date = request.FindHeader("x-amz-date")) {
    amz_date = std::string(*date);
  } else {
    return Reject(AuthFailure::kMalformed,
                  "Authorization header requires existence of either "
                  "a 'X-Amz-Date' or a 'Date' header.");
  }
  const std::optional<int64_t> request_ms = ParseAmzDate(amz_date);
  if (!request_ms)
    return Reject(AuthFailure::kMalformed,
                  "X-Amz-Date must be in ISO 8601 basic "
                  "format (YYYYMMDD'T'HHMMSS'Z')");
  if (auto problem = ScopeProblem(params->credential, amz_date, region_, input.service)) {
    return Reject(AuthFailure::kMalformed, *problem);
  }
  if (!Contains(params->signed_headers, "host")) {
    return Reject(AuthFailure::kMalformed,
                  "'Host' or ':authority' must be a 'SignedHeader' in "
                  "the AWS Authorization.");
  }
  AuthRejection base;
  base.access_key = params->credential.access_key;
  base.amz_date = amz_date;
  base.server_time_ms = clock_->NowMs();
  base.signature_provided = params->signature;
  auto reject = [&](AuthFailure reason) {
    AuthRejection rejection = base;
    rejection.reason = reason;
    return tl::unexpected(std::move(rejection));
  };

  const std::optional<std::string> secret = lookup_(params->credential.access_key);
  if (!secret) return reject(AuthFailure::kUnknownAccessKey);
  const int64_t now = base.server_time_ms;
  if (presigned) {
    if (*request_ms - now > kMaxSkewMs) return reject(AuthFailure::kTooSkewed);
    if (now - *request_ms > *params->expires_seconds * 1000) return reject(AuthFailure::kExpired);
  } else if (now - *request_ms > kMaxSkewMs || *request_ms - now > kMaxSkewMs) {
    return reject(AuthFailure::kTooSkewed);
  }

  // The payload hash the client signed.
  std::string payload_hash;
  const auto declared = request.FindHeader("x-amz-content-sha256");
  if (declared) {
    payload_hash = std::string(*declared);
    if (!IsSpecialPayload(payload_hash) && !IsLowerHexSha256(payload_hash)) {
      return Reject(AuthFailure::kMalformed,
                    "x-amz-content-sha256 must be UNSIGNED-PAYLOAD, "
                    "STREAMING-AWS4-HMAC-SHA256-PAYLOAD, "
                    "STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER, "
                    "STREAMING-UNSIGNED-PAYLOAD-TRAILER, or a valid sha256 value.");
    }
  } else if (s3 && presigned) {
    payload_hash = std::string(kUnsignedPayload);
  } else if (s3) {
    return Reject(AuthFailure::kMalformed,
                  "Missing required header for this request: x-amz-content-sha256");
  } else {
    payload_hash = Sha256Hex(input.body.value_or(std::string_view()));
  }

  CanonicalInput canonical{request.method,
                           CanonicalUri(request.path, s3),
                           CanonicalQuery(query, presigned ? "X-Amz-Signature" : ""),
                           &request.headers,
                           params->signed_headers,
                           payload_hash};
  const std::string canonical_request = CanonicalRequest(canonical);
  const CredentialParts& c = params->credential;
  const std::string scope = CredentialScope(c.date, c.region, c.service);
  const std::string string_to_sign = StringToSign(amz_date, scope, canonical_request);
  const std::string key = SigningKey(*secret, c.date, c.region, c.service);
  const std::string expected = ComputeSignature(key, string_to_sign);
  if (!ConstantTimeEquals(expected, params->signature)) {
    AuthRejection rejection = base;
    rejection.reason = AuthFailure::kSignatureMismatch;
    rejection.canonical_request = canonical_request;
    rejection.string_to_sign = string_to_sign;
    return tl::unexpected(std::move(rejection));
  }
  if (declared && input.body && !IsSpecialPayload(payload_hash) &&
      !ConstantTimeEquals(Sha256Hex(*input.body), payload_hash)) {
    return reject(AuthFailure::kPayloadHashMismatch);
  }

  Authenticated ok;
  ok.access_key = c.access_key;
  ok.region = c.region;
  ok.service = c.service;
  ok.presigned = presigned;
  ok.payload_hash = payload_hash;
  if (payload_hash == kStreamingPayload || payload_hash == kStreamingSignedTrailer) {
    ok.chunk_context = ChunkSigningContext{key, amz_date, scope, params->signature};
  }
  return ok;
}

std::string Verifier::SigningKey(const std::string& secret, std::string_view date,
                                 std::string_view region, std::string_view service) const {
  std::string id = secret;
  id.append(1, '\0').append(date).append(1, '\0').append(region).append(1, '\0').append(service);
  {
    std::lock_guard lock(keys_mu_);
    if (auto found = keys_.find(id); found != keys_.end()) return found->second;
  }
  std::string key = DeriveSigningKey(secret, date, region, service);
  std::lock_guard lock(keys_mu_);
  if (keys_.size() >= 64) keys_.clear();
  keys_.emplace(std::move(id), key);
  return key;
}

}  // namespace sf::auth
