#pragma once
// S3 responses: XML bodies, S3's error document for every failure (store errors, auth
// refusals, request errors), and the request id headers S3 puts on every response.

#include <string>
#include <string_view>
#include <vector>

#include "auth/verifier.h"
#include "engine/api/s3/xml/s3_error_xml.h"
#include "engine/api_error.h"
#include "engine/bucket/store_error.h"
#include "engine/server/http_server.h"

namespace sf::engine::s3 {

// A fresh request id (16 upper-case hex digits, like S3's). Thread-safe.
std::string NewRequestId();

// A response with x-amz-request-id and x-amz-id-2 set to `request_id`.
HttpResponse Response(int status, std::string_view request_id);
// `body` (an XML document) with Content-Type application/xml.
HttpResponse XmlResponse(int status, std::string body, std::string_view request_id);

// S3's error document for `error` on `resource` ("/bucket/key").
HttpResponse ErrorResponse(const ApiError& error, std::string_view resource,
                           std::string_view request_id, const std::vector<ErrorField>& extra = {});
// A store error: 304 NotModified without a body but with the object's ETag and Last-Modified;
// otherwise the error document with S3's code and status (Key / BucketName added where S3
// adds them).
HttpResponse StoreErrorResponse(const StoreError& error, std::string_view bucket,
                                std::string_view key, std::string_view request_id);
// The HTTP server's own refusal (malformed request, timeout, body or header too large, server
// stopping) in S3's words, for a request bound for S3.
HttpResponse ServerRefusalResponse(int status, std::string_view reason, std::string_view resource);

// A SigV4 refusal in S3's words (SignatureDoesNotMatch with the string to sign and canonical
// request, RequestTimeTooSkewed with both times, InvalidAccessKeyId with the key, ...).
HttpResponse AuthErrorResponse(const auth::AuthRejection& rejection, std::string_view resource,
                               std::string_view request_id);

}  // namespace sf::engine::s3
