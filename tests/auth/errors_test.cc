// ErrorFor: each reason's code, status and message in each protocol.

#include <gtest/gtest.h>

#include "auth/amz_time.h"
#include "auth/auth_errors.h"

namespace sf::auth {
namespace {

TEST(AuthErrors, S3) {
  EXPECT_EQ(ErrorFor(AuthFailure::kMissing, Protocol::kS3).type, "AccessDenied");
  EXPECT_EQ(ErrorFor(AuthFailure::kUnknownAccessKey, Protocol::kS3).type, "InvalidAccessKeyId");
  AuthError mismatch = ErrorFor(AuthFailure::kSignatureMismatch, Protocol::kS3);
  EXPECT_EQ(mismatch.type, "SignatureDoesNotMatch");
  EXPECT_EQ(mismatch.http_status, 403);
  EXPECT_EQ(mismatch.message,
            "The request signature we calculated does not match the signature you provided. "
            "Check your key and signing method.");
  EXPECT_EQ(ErrorFor(AuthFailure::kTooSkewed, Protocol::kS3).type, "RequestTimeTooSkewed");
  EXPECT_EQ(ErrorFor(AuthFailure::kExpired, Protocol::kS3).message, "Request has expired");
  AuthError payload = ErrorFor(AuthFailure::kPayloadHashMismatch, Protocol::kS3);
  EXPECT_EQ(payload.type, "XAmzContentSHA256Mismatch");
  EXPECT_EQ(payload.http_status, 400);
  EXPECT_EQ(ErrorFor(AuthFailure::kMalformed, Protocol::kS3).http_status, 400);
}

TEST(AuthErrors, Json) {
  EXPECT_EQ(ErrorFor(AuthFailure::kMissing, Protocol::kJson).type,
            "MissingAuthenticationTokenException");
  EXPECT_EQ(ErrorFor(AuthFailure::kMalformed, Protocol::kJson).type,
            "IncompleteSignatureException");
  AuthError unknown = ErrorFor(AuthFailure::kUnknownAccessKey, Protocol::kJson);
  EXPECT_EQ(unknown.type, "UnrecognizedClientException");
  EXPECT_EQ(unknown.message, "The security token included in the request is invalid.");
  EXPECT_EQ(ErrorFor(AuthFailure::kSignatureMismatch, Protocol::kJson).type,
            "InvalidSignatureException");
}

TEST(AuthErrors, JsonSkewMessageNamesTheTimes) {
  AuthRejection rejection;
  rejection.reason = AuthFailure::kTooSkewed;
  rejection.amz_date = "20240101T120000Z";
  rejection.server_time_ms = *ParseAmzDate("20240101T130000Z");
  AuthError error = ErrorFor(rejection, Protocol::kJson);
  EXPECT_EQ(error.type, "InvalidSignatureException");
  EXPECT_EQ(error.message,
            "Signature expired: 20240101T120000Z is now earlier than "
            "20240101T124500Z (20240101T130000Z - 15 min.)");
  rejection.server_time_ms = *ParseAmzDate("20240101T110000Z");
  EXPECT_EQ(ErrorFor(rejection, Protocol::kJson).message,
            "Signature not yet current: 20240101T120000Z is still later than 20240101T111500Z "
            "(20240101T110000Z + 15 min.)");
}

TEST(AuthErrors, MalformedDetailIsCarried) {
  AuthRejection rejection;
  rejection.reason = AuthFailure::kMalformed;
  rejection.detail = "Authorization header requires 'Signature' parameter.";
  EXPECT_EQ(ErrorFor(rejection, Protocol::kJson).message, rejection.detail);
  EXPECT_NE(ErrorFor(rejection, Protocol::kS3).message.find(rejection.detail), std::string::npos);
}

}  // namespace
}  // namespace sf::auth
