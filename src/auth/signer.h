#pragma once
// The SigV4 signer: adds the headers (or, presigning, the query parameters) that make a
// request authentic to AWS or to the local engine. Thread-safe: a Signer is immutable.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "auth/sigv4_types.h"
#include "base/result.h"

namespace sf::auth {

// What the signer produced, for logs, tests and the chunked encoder (whose seed is
// `signature`).
struct SignedParts {
  std::string canonical_request;
  std::string string_to_sign;
  std::string signature;
  std::string amz_date;  // "20150830T123600Z"
  std::string scope;     // "20150830/us-east-1/service/aws4_request"
  std::string signing_key;
};

struct SignOptions {
  // Adds X-Amz-Content-Sha256 with the payload hash. nullopt: only for S3 (which requires it).
  std::optional<bool> content_sha256_header;
  // False adds X-Amz-Security-Token after signing, unsigned (AWS's "post-sts-header-after"
  // form that some services expect); true (the default) signs it.
  bool sign_session_token = true;
};

class Signer {
 public:
  Signer(Credentials credentials, std::string region, std::string service);

  // Signs `request` in place at time `now_ms`: sets X-Amz-Date, X-Amz-Content-Sha256 (see
  // SignOptions), X-Amz-Security-Token when the credentials carry one, and Authorization.
  // Every other header present is signed (except authorization, user-agent, expect,
  // x-amzn-trace-id). `payload_hash` is the hex SHA-256 of the body (PayloadHash()), or
  // kUnsignedPayload, or kStreamingPayload. Fails when the request has no Host header.
  Result<SignedParts> Sign(HttpRequest* request, std::string_view payload_hash, int64_t now_ms,
                           const SignOptions& options = {}) const;

  // Presigns `request` in place: appends X-Amz-Algorithm, X-Amz-Credential, X-Amz-Date,
  // X-Amz-Expires, X-Amz-SignedHeaders, X-Amz-Security-Token (when present) and finally
  // X-Amz-Signature to its query. The payload hash is UNSIGNED-PAYLOAD for S3, else
  // `payload_hash`. Fails without a Host header or when `expires_seconds` is not in
  // [1, 604800].
  Result<SignedParts> Presign(HttpRequest* request, int64_t expires_seconds, int64_t now_ms,
                              std::string_view payload_hash = kEmptySha256) const;

  const Credentials& credentials() const { return credentials_; }
  const std::string& region() const { return region_; }
  const std::string& service() const { return service_; }

 private:
  // Fills everything from the canonical request on, for headers already in place.
  SignedParts Finish(const HttpRequest& request, const std::vector<std::string>& signed_names,
                     std::string_view payload_hash, const std::string& amz_date) const;

  Credentials credentials_;
  std::string region_;
  std::string service_;
};

// Hex SHA-256 of a body, for Signer::Sign.
std::string PayloadHash(std::string_view body);

}  // namespace sf::auth
