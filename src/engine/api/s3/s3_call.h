#pragma once
// Internal to the S3 API: one buffered request being answered, and helpers the operation
// files share.

#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "engine/api/s3/s3_api.h"
#include "engine/api/s3/s3_response.h"
#include "engine/api/s3/xml/xml_reader.h"
#include "engine/api/s3/xml/xml_writer.h"

namespace sf::engine::s3 {

// kS3Namespace (the xmlns of every S3 document) comes from xml/xml_reader.h.

struct S3Api::Call {
  HttpRequest request;
  S3Request route;
  std::string request_id;
  iam::Principal principal;  // who signed it (s3_authorize.cc)
};

// The store error as S3's response for the call's bucket and key.
inline HttpResponse StoreError(const S3Api::Call& call, const engine::StoreError& error) {
  return StoreErrorResponse(error, call.route.bucket, call.route.key, call.request_id);
}

// A request error on the call's resource.
inline HttpResponse RequestError(const S3Api::Call& call, const ApiError& error) {
  return ErrorResponse(error, call.route.Resource(), call.request_id);
}

// <Owner><ID>..</ID><DisplayName>..</DisplayName></Owner>: the engine's single owner.
void WriteOwner(XmlWriter& xml, std::string_view element = "Owner");

// "bucket/key" or "/bucket/key" (URL-encoded, optionally "?versionId=..."), as
// x-amz-copy-source carries it; nullopt when it is not one (s3_object_ops.cc).
std::optional<std::pair<std::string, std::string>> ParseCopySource(std::string_view source);

// The object ARN (arn:aws:s3:::bucket/key) s3:DeleteObject is checked on (s3_authorize.cc).
std::string ObjectArn(std::string_view bucket, std::string_view key);

}  // namespace sf::engine::s3
