#pragma once
// Object headers in and out of the S3 API: the metadata a PUT stores, the preconditions a
// GET/HEAD/copy carries, and the headers a GET/HEAD answers with. Pure functions.

#include <optional>
#include <string>
#include <string_view>

#include "engine/api/s3/s3_request.h"
#include "engine/bucket/conditions.h"
#include "engine/bucket/object_info.h"
#include "engine/server/http_server.h"

namespace sf::engine::s3 {

// S3's Content-Type for an object stored without one.
inline constexpr std::string_view kDefaultContentType = "binary/octet-stream";

// Content-Type, Content-Encoding (without the transfer-only "aws-chunked" token),
// Cache-Control, Content-Disposition and x-amz-meta-* of a PUT / CreateMultipartUpload / copy
// with REPLACE.
ObjectMetadata MetadataFromHeaders(const HttpRequest& request);

// S3's limit on user metadata: the x-amz-meta-* names (without the prefix) and values together.
inline constexpr size_t kMaxUserMetadataBytes = 2048;
// The MetadataTooLarge error when `metadata` is over the limit.
std::optional<ApiError> CheckMetadataSize(const ObjectMetadata& metadata);

// If-Match, If-None-Match, If-Modified-Since, If-Unmodified-Since (with `prefix`
// "x-amz-copy-source-" the copy-source forms). Unparseable dates are ignored, as S3 does.
Conditions ConditionsFromHeaders(const HttpRequest& request, std::string_view prefix,
                                 int64_t now_ms);

// ETag, Last-Modified, Content-Type (the default when unset), the other stored metadata,
// x-amz-meta-*, Accept-Ranges, and x-amz-mp-parts-count for multipart objects. The
// response-* query parameters of `route` (response-content-type, ...) override theirs.
void AddObjectHeaders(const ObjectInfo& info, const S3Request& route, HttpHeaders* headers);

// The lowercase hex MD5 a Content-MD5 header (base64 of 16 bytes) names; nullopt when absent;
// "" when present but not a base64 MD5 (InvalidDigest).
std::optional<std::string> ContentMd5Hex(const HttpRequest& request);

// The Content-Length header as a number; nullopt when absent or not a decimal number.
std::optional<uint64_t> ContentLength(const HttpRequest& request);

}  // namespace sf::engine::s3
