#pragma once
// The SigV4 verifier: decides whether a request as received was signed by the holder of a
// known access key, within AWS's time limits. Thread-safe when the lookup is.

#include <cstdint>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include <tl/expected.hpp>

#include "auth/sigv4_types.h"
#include "base/clock.h"

namespace sf::auth {

enum class AuthFailure {
  kMissing,              // neither an Authorization header nor presigned query parameters
  kMalformed,            // unparseable, wrong algorithm, wrong scope, no date (IncompleteSignature)
  kUnknownAccessKey,     // the lookup does not know the access key
  kSignatureMismatch,    // the recomputed signature differs
  kTooSkewed,            // X-Amz-Date more than 15 minutes from the clock
  kExpired,              // presigned URL past X-Amz-Date + X-Amz-Expires
  kPayloadHashMismatch,  // x-amz-content-sha256 is not the body's hash
  kInvalidToken,         // a session's key without its session token (the caller checks it)
};

std::string_view AuthFailureName(AuthFailure failure);

// Why a request was refused. `canonical_request` and `string_to_sign` are set for
// kSignatureMismatch (S3 returns them so users can compare with their client's).
struct AuthRejection {
  AuthFailure reason = AuthFailure::kMissing;
  std::string detail;  // a human sentence for kMalformed (AWS's wording where known)
  std::string access_key;
  std::string canonical_request;
  std::string string_to_sign;
  std::string signature_provided;
  std::string amz_date;  // the request's time, when it had a readable one
  int64_t server_time_ms = 0;
};

struct Authenticated {
  std::string access_key;
  std::string region;
  std::string service;
  bool presigned = false;
  // The payload hash the signature covers: a hex SHA-256, kUnsignedPayload or one of the
  // STREAMING- forms. When the Verifier was not given the body, the caller must check a hex
  // value against the body itself.
  std::string payload_hash;
  // Set when payload_hash is kStreamingPayload or kStreamingSignedTrailer: feed the body
  // through a ChunkedDecoder (with TrailerMode::kSigned for the latter).
  std::optional<ChunkSigningContext> chunk_context;
};

using VerifyResult = tl::expected<Authenticated, AuthRejection>;

// access key -> secret key; nullopt for an unknown key. Must be thread-safe if the Verifier
// is shared between threads.
using SecretLookup = std::function<std::optional<std::string>(std::string_view access_key)>;

struct VerifyInput {
  const HttpRequest* request = nullptr;
  // The service the endpoint serves ("kinesis", "s3", ...): the credential scope must name it.
  std::string_view service;
  // The whole body, when the caller has it. nullopt: the payload hash is taken as declared
  // (x-amz-content-sha256) and the caller checks it; without that header a non-S3 request
  // is then taken to have an empty body.
  std::optional<std::string_view> body;
};

class Verifier {
 public:
  // `region` is the one region this endpoint answers for; "" accepts any region in the scope.
  // `clock` must outlive the Verifier.
  Verifier(std::string region, SecretLookup lookup, const Clock* clock);

  // Checks, in order: presence, shape, scope (date = X-Amz-Date's date, region, service,
  // aws4_request, host signed), access key, time (15-minute skew, presigned expiry), the
  // signature (compared in constant time), then the payload hash against the body.
  VerifyResult Verify(const VerifyInput& input) const;

 private:
  // The signing key for (secret, date, region, service): four HMACs saved per request, since
  // every request of a day signs with the same one. Bounded; cleared when full.
  std::string SigningKey(const std::string& secret, std::string_view date, std::string_view region,
                         std::string_view service) const;

  std::string region_;
  SecretLookup lookup_;
  const Clock* clock_;
  mutable std::mutex keys_mu_;
  mutable std::unordered_map<std::string, std::string> keys_;  // guarded by keys_mu_
};

}  // namespace sf::auth
