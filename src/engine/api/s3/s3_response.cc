#include "engine/api/s3/s3_response.h"

#include <atomic>
#include <cstdio>

#include "auth/auth_errors.h"
#include "auth/crypto.h"
#include "base/clock.h"
#include "engine/api/s3/xml/s3_time.h"

namespace sf::engine::s3 {

std::string NewRequestId() {
  static std::atomic<uint64_t> counter{static_cast<uint64_t>(RealClock().NowMs()) << 16};
  uint64_t n = counter.fetch_add(1, std::memory_order_relaxed);
  char text[17];
  std::snprintf(text, sizeof(text), "%016llX", static_cast<unsigned long long>(n));
  return text;
}

HttpResponse Response(int status, std::string_view request_id) {
  HttpResponse response;
  response.status = status;
  response.headers.emplace_back("x-amz-request-id", std::string(request_id));
  response.headers.emplace_back("x-amz-id-2", std::string(request_id));
  return response;
}

HttpResponse XmlResponse(int status, std::string body, std::string_view request_id) {
  HttpResponse response = Response(status, request_id);
  response.headers.emplace_back("Content-Type", "application/xml");
  response.body = std::move(body);
  return response;
}

HttpResponse ErrorResponse(const ApiError& error, std::string_view resource,
                           std::string_view request_id, const std::vector<ErrorField>& extra) {
  return XmlResponse(
      error.status, WriteError(error.type, error.message, resource, request_id, extra), request_id);
}

HttpResponse StoreErrorResponse(const StoreError& error, std::string_view bucket,
                                std::string_view key, std::string_view request_id) {
  if (error.code == StoreErrorCode::kNotModified) {
    HttpResponse response = Response(304, request_id);
    if (!error.etag.empty()) response.headers.emplace_back("ETag", error.etag);
    if (error.last_modified_ms != 0) {
      response.headers.emplace_back("Last-Modified", FormatHttpDate(error.last_modified_ms));
    }
    return response;
  }
  std::vector<ErrorField> extra;
  std::string message = error.message;
  // S3's own words where the store's say nothing more (the names go in Key / BucketName).
  switch (error.code) {
    case StoreErrorCode::kNoSuchKey:
      message = "The specified key does not exist.";
      break;
    case StoreErrorCode::kNoSuchBucket:
      message = "The specified bucket does not exist";
      break;
    case StoreErrorCode::kNoSuchUpload:
      message =
          "The specified upload does not exist. The upload ID may be invalid, or the "
          "upload may have been aborted or completed.";
      break;
    case StoreErrorCode::kBucketNotEmpty:
      message = "The bucket you tried to delete is not empty";
      break;
    case StoreErrorCode::kBucketAlreadyOwnedByYou:
      message =
          "Your previous request to create the named bucket succeeded and you already "
          "own it.";
      break;
    case StoreErrorCode::kStorageFull:  // the store's text names server paths: not the client's
      message = "The engine's disk is full: nothing was stored. Free space and retry.";
      break;
    default:
      break;
  }
  switch (error.code) {
    case StoreErrorCode::kNoSuchKey:
      extra.emplace_back("Key", std::string(key));
      break;
    case StoreErrorCode::kNoSuchBucket:
    case StoreErrorCode::kBucketAlreadyOwnedByYou:
    case StoreErrorCode::kBucketNotEmpty:
    case StoreErrorCode::kInvalidBucketName:
      extra.emplace_back("BucketName", std::string(bucket));
      break;
    default:
      break;
  }
  std::string resource = "/" + std::string(bucket);
  if (!key.empty()) resource += "/" + std::string(key);
  if (bucket.empty()) resource = "/";
  return ErrorResponse({std::string(S3ErrorCode(error.code)), message, HttpStatus(error.code)},
                       resource, request_id, extra);
}

HttpResponse ServerRefusalResponse(int status, std::string_view reason, std::string_view resource) {
  ApiError error{"InvalidRequest", std::string(reason), status};
  switch (status) {
    case 408:
      error = {"RequestTimeout",
               "Your socket connection to the server was not read from or written to within the "
               "timeout period.",
               status};
      break;
    case 413:
      error = {"EntityTooLarge", "Your proposed upload exceeds the maximum allowed size", status};
      break;
    case 431:
      error = {"RequestHeaderSectionTooLarge",
               "Your request header section exceeds the maximum allowed size.", status};
      break;
    case 503:
      error = {"ServiceUnavailable", "The engine is shutting down; retry once it is back.", status};
      break;
    default:
      break;
  }
  return ErrorResponse(error, resource, NewRequestId());
}

HttpResponse AuthErrorResponse(const auth::AuthRejection& rejection, std::string_view resource,
                               std::string_view request_id) {
  auth::AuthError error = auth::ErrorFor(rejection, auth::Protocol::kS3);
  std::vector<ErrorField> extra;
  switch (rejection.reason) {
    case auth::AuthFailure::kUnknownAccessKey:
      extra.emplace_back("AWSAccessKeyId", rejection.access_key);
      break;
    case auth::AuthFailure::kSignatureMismatch:
      extra.emplace_back("AWSAccessKeyId", rejection.access_key);
      extra.emplace_back("StringToSign", rejection.string_to_sign);
      extra.emplace_back("SignatureProvided", rejection.signature_provided);
      extra.emplace_back("StringToSignBytes", auth::HexEncode(rejection.string_to_sign));
      extra.emplace_back("CanonicalRequest", rejection.canonical_request);
      break;
    case auth::AuthFailure::kTooSkewed:
      extra.emplace_back("RequestTime", rejection.amz_date);
      extra.emplace_back("ServerTime", FormatIso8601Ms(rejection.server_time_ms));
      extra.emplace_back("MaxAllowedSkewMilliseconds", std::to_string(auth::kMaxSkewMs));
      break;
    default:
      break;
  }
  return ErrorResponse({error.type, error.message, error.http_status}, resource, request_id, extra);
}

}  // namespace sf::engine::s3
