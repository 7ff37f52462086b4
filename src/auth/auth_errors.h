#pragma once
// How each protocol reports an AuthFailure: the error code, message and HTTP status AWS
// returns, so the engine answers the way real clients expect.

#include <string>

#include "auth/verifier.h"

namespace sf::auth {

enum class Protocol {
  kS3,    // REST-XML: <Error><Code>...</Code><Message>...</Message></Error>
  kJson,  // JSON 1.0/1.1 (Kinesis, DynamoDB, ...): {"__type": ..., "message": ...}
};

struct AuthError {
  std::string type;  // "SignatureDoesNotMatch", "InvalidSignatureException", ...
  std::string message;
  int http_status = 403;
};

// The error for `rejection` in `protocol`. Messages interpolate the rejection's fields
// (request time, server time, access key, detail) where AWS's do.
AuthError ErrorFor(const AuthRejection& rejection, Protocol protocol);
// The same, for a bare reason (no times or detail to interpolate).
AuthError ErrorFor(AuthFailure reason, Protocol protocol);

}  // namespace sf::auth
