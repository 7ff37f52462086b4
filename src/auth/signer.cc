#include "auth/signer.h"

#include "auth/amz_time.h"
#include "auth/canonical.h"
#include "auth/crypto.h"
#include "base/strings.h"

namespace sf::auth {

Signer::Signer(Credentials credentials, std::string region, std::string service)
    : credentials_(std::move(credentials)),
      region_(std::move(region)),
      service_(std::move(service)) {}

std::string PayloadHash(std::string_view body) { return Sha256Hex(body); }

SignedParts Signer::Finish(const HttpRequest& request, const std::vector<std::string>& signed_names,
                           std::string_view payload_hash, const std::string& amz_date) const {
  SignedParts parts;
  const bool s3 = IsS3Service(service_);
  CanonicalInput input{request.method,
                       CanonicalUri(request.path, s3),
                       CanonicalQuery(ParseQuery(request.query)),
                       &request.headers,
                       signed_names,
                       payload_hash};
  parts.canonical_request = CanonicalRequest(input);
  parts.amz_date = amz_date;
  parts.scope = CredentialScope(amz_date.substr(0, 8), region_, service_);
  parts.string_to_sign = StringToSign(amz_date, parts.scope, parts.canonical_request);
  parts.signing_key =
      DeriveSigningKey(credentials_.secret_key, amz_date.substr(0, 8), region_, service_);
  parts.signature = ComputeSignature(parts.signing_key, parts.string_to_sign);
  return parts;
}

Result<SignedParts> Signer::Sign(HttpRequest* request, std::string_view payload_hash,
                                 int64_t now_ms, const SignOptions& options) const {
  if (!request->FindHeader("host")) {
    return Fail(ErrorCode::kInvalidArgument, "a SigV4 request needs a Host header");
  }
  const std::string amz_date = FormatAmzDate(now_ms);
  request->SetHeader("X-Amz-Date", amz_date);
  if (options.content_sha256_header.value_or(IsS3Service(service_))) {
    request->SetHeader("X-Amz-Content-Sha256", payload_hash);
  }
  const bool token = credentials_.session_token.has_value();
  if (token && options.sign_session_token) {
    request->SetHeader("X-Amz-Security-Token", *credentials_.session_token);
  }
  std::vector<std::string> names = SignableHeaderNames(request->headers);
  SignedParts parts = Finish(*request, names, payload_hash, amz_date);
  if (token && !options.sign_session_token) {
    request->SetHeader("X-Amz-Security-Token", *credentials_.session_token);
  }
  request->SetHeader("Authorization", std::string(kAlgorithm) +
                                          " Credential=" + credentials_.access_key + "/" +
                                          parts.scope + ", SignedHeaders=" + Join(names, ";") +
                                          ", Signature=" + parts.signature);
  return parts;
}

Result<SignedParts> Signer::Presign(HttpRequest* request, int64_t expires_seconds, int64_t now_ms,
                                    std::string_view payload_hash) const {
  if (!request->FindHeader("host")) {
    return Fail(ErrorCode::kInvalidArgument, "a SigV4 request needs a Host header");
  }
  if (expires_seconds < 1 || expires_seconds > kMaxPresignExpiresSeconds) {
    return Fail(ErrorCode::kInvalidArgument, "X-Amz-Expires must be between 1 and 604800");
  }
  const std::string amz_date = FormatAmzDate(now_ms);
  const std::string scope = CredentialScope(amz_date.substr(0, 8), region_, service_);
  std::vector<std::string> names = SignableHeaderNames(request->headers);
  AppendQueryParam(&request->query, "X-Amz-Algorithm", kAlgorithm);
  AppendQueryParam(&request->query, "X-Amz-Credential", credentials_.access_key + "/" + scope);
  AppendQueryParam(&request->query, "X-Amz-Date", amz_date);
  AppendQueryParam(&request->query, "X-Amz-Expires", std::to_string(expires_seconds));
  AppendQueryParam(&request->query, "X-Amz-SignedHeaders", Join(names, ";"));
  if (credentials_.session_token) {
    AppendQueryParam(&request->query, "X-Amz-Security-Token", *credentials_.session_token);
  }
  std::string_view hash = IsS3Service(service_) ? kUnsignedPayload : payload_hash;
  SignedParts parts = Finish(*request, names, hash, amz_date);
  AppendQueryParam(&request->query, "X-Amz-Signature", parts.signature);
  return parts;
}

}  // namespace sf::auth
