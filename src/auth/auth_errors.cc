#include "auth/auth_errors.h"

#include "auth/amz_time.h"

namespace sf::auth {

namespace {

// Certain (seen in AWS responses and SDK tests): the S3 codes and the texts of AccessDenied,
// InvalidAccessKeyId, SignatureDoesNotMatch and RequestTimeTooSkewed; the JSON codes
// MissingAuthenticationTokenException, UnrecognizedClientException,
// InvalidSignatureException, IncompleteSignatureException, and the "Signature expired"
// wording. Less certain: the HTTP statuses of the JSON errors (400 here; some services answer
// 403), the S3 XAmzContentSHA256Mismatch text and status, and the S3 malformed-header code
// (AWS uses AuthorizationHeaderMalformed / AuthorizationQueryParametersError / InvalidRequest
// depending on what is wrong; we use AuthorizationHeaderMalformed for all).
constexpr char kS3Mismatch[] =
    "The request signature we calculated does not match the signature you provided. "
    "Check your key and signing method.";
constexpr char kJsonMismatch[] =
    "The request signature we calculated does not match the signature you provided. "
    "Check your AWS Secret Access Key and signing method. Consult the service documentation "
    "for details.";

AuthError S3Error(const AuthRejection& r) {
  switch (r.reason) {
    case AuthFailure::kMissing:
      return {"AccessDenied", "Access Denied", 403};
    case AuthFailure::kMalformed:
      return {"AuthorizationHeaderMalformed", "The authorization header is malformed; " + r.detail,
              400};
    case AuthFailure::kUnknownAccessKey:
      return {"InvalidAccessKeyId",
              "The AWS Access Key Id you provided does not exist in our records.", 403};
    case AuthFailure::kSignatureMismatch:
      return {"SignatureDoesNotMatch", kS3Mismatch, 403};
    case AuthFailure::kTooSkewed:
      return {"RequestTimeTooSkewed",
              "The difference between the request time and the current time is too large.", 403};
    case AuthFailure::kExpired:
      return {"AccessDenied", "Request has expired", 403};
    case AuthFailure::kPayloadHashMismatch:
      return {"XAmzContentSHA256Mismatch",
              "The provided 'x-amz-content-sha256' header does not match what was computed.", 400};
    case AuthFailure::kInvalidToken:
      return {"InvalidToken", "The provided token is malformed or otherwise invalid.", 400};
  }
  return {"InternalError", "We encountered an internal error. Please try again.", 500};
}

// "Signature expired: <t> is now earlier than <now - 15 min> (<now> - 15 min.)" and its
// future-dated twin, as Kinesis and DynamoDB word them.
std::string SkewMessage(const AuthRejection& r) {
  const std::optional<int64_t> request_ms = ParseAmzDate(r.amz_date);
  if (!request_ms) return "Signature expired.";
  const std::string now = FormatAmzDate(r.server_time_ms);
  if (*request_ms < r.server_time_ms) {
    return "Signature expired: " + r.amz_date + " is now earlier than " +
           FormatAmzDate(r.server_time_ms - kMaxSkewMs) + " (" + now + " - 15 min.)";
  }
  return "Signature not yet current: " + r.amz_date + " is still later than " +
         FormatAmzDate(r.server_time_ms + kMaxSkewMs) + " (" + now + " + 15 min.)";
}

AuthError JsonError(const AuthRejection& r) {
  switch (r.reason) {
    case AuthFailure::kMissing:
      return {"MissingAuthenticationTokenException", "Missing Authentication Token", 400};
    case AuthFailure::kMalformed:
      return {"IncompleteSignatureException",
              r.detail.empty() ? "Authorization header is malformed." : r.detail, 400};
    case AuthFailure::kUnknownAccessKey:
    case AuthFailure::kInvalidToken:
      return {"UnrecognizedClientException",
              "The security token included in the request is invalid.", 400};
    case AuthFailure::kSignatureMismatch:
    case AuthFailure::kPayloadHashMismatch:
      return {"InvalidSignatureException", kJsonMismatch, 400};
    case AuthFailure::kTooSkewed:
      return {"InvalidSignatureException", SkewMessage(r), 400};
    case AuthFailure::kExpired:
      return {"InvalidSignatureException",
              "Signature expired: " + r.amz_date +
                  " is now earlier than the expiry of the "
                  "presigned request.",
              400};
  }
  return {"InternalFailure", "The request processing has failed because of an unknown error.", 500};
}

}  // namespace

AuthError ErrorFor(const AuthRejection& rejection, Protocol protocol) {
  return protocol == Protocol::kS3 ? S3Error(rejection) : JsonError(rejection);
}

AuthError ErrorFor(AuthFailure reason, Protocol protocol) {
  AuthRejection rejection;
  rejection.reason = reason;
  return ErrorFor(rejection, protocol);
}

}  // namespace sf::auth
