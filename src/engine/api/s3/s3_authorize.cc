// S3Api::Authorize: the IAM action and resource of each S3 operation (AWS's service
// authorization reference for Amazon S3), checked for role sessions.

#include <utility>
#include <vector>

#include "engine/api/s3/s3_call.h"

namespace sf::engine::s3 {

namespace {

struct Access {
  const char* action;
  std::string resource;
};

std::string BucketArn(std::string_view bucket) { return "arn:aws:s3:::" + std::string(bucket); }

// What `route` needs; empty for operations checked elsewhere (DeleteObjects: per key) or not
// served (kUnsupported: 501).
std::vector<Access> Needs(const HttpRequest& request, const S3Request& route) {
  switch (route.operation) {
    case Operation::kListBuckets:
      return {{"s3:ListAllMyBuckets", "*"}};
    case Operation::kCreateBucket:
      return {{"s3:CreateBucket", BucketArn(route.bucket)}};
    case Operation::kDeleteBucket:
      return {{"s3:DeleteBucket", BucketArn(route.bucket)}};
    case Operation::kHeadBucket:
    case Operation::kListObjects:
    case Operation::kListObjectsV2:
      return {{"s3:ListBucket", BucketArn(route.bucket)}};
    case Operation::kGetBucketLocation:
      return {{"s3:GetBucketLocation", BucketArn(route.bucket)}};
    case Operation::kListMultipartUploads:
      return {{"s3:ListBucketMultipartUploads", BucketArn(route.bucket)}};
    case Operation::kPutObject:
    case Operation::kCreateMultipartUpload:
    case Operation::kUploadPart:
    case Operation::kCompleteMultipartUpload:
      return {{"s3:PutObject", ObjectArn(route.bucket, route.key)}};
    case Operation::kCopyObject: {
      std::vector<Access> needs;
      const std::string* source = request.Header("x-amz-copy-source");
      if (auto parsed = ParseCopySource(source != nullptr ? *source : "")) {
        needs.push_back({"s3:GetObject", ObjectArn(parsed->first, parsed->second)});
      }
      needs.push_back({"s3:PutObject", ObjectArn(route.bucket, route.key)});
      return needs;
    }
    case Operation::kGetObject:
    case Operation::kHeadObject:
      return {{"s3:GetObject", ObjectArn(route.bucket, route.key)}};
    case Operation::kDeleteObject:
      return {{"s3:DeleteObject", ObjectArn(route.bucket, route.key)}};
    case Operation::kAbortMultipartUpload:
      return {{"s3:AbortMultipartUpload", ObjectArn(route.bucket, route.key)}};
    case Operation::kListParts:
      return {{"s3:ListMultipartUploadParts", ObjectArn(route.bucket, route.key)}};
    default:
      return {};
  }
}

}  // namespace

std::string ObjectArn(std::string_view bucket, std::string_view key) {
  return "arn:aws:s3:::" + std::string(bucket) + "/" + std::string(key);
}

std::optional<HttpResponse> S3Api::Authorize(const HttpRequest& request, const S3Request& route,
                                             const iam::Principal& principal,
                                             std::string_view request_id) const {
  if (principal.administrator()) return std::nullopt;
  for (const Access& access : Needs(request, route)) {
    iam::Decision decision = iam::Authorize(principal, access.action, access.resource);
    if (decision == iam::Decision::kAllow) continue;
    HttpResponse denied = ErrorResponse(
        {"AccessDenied",
         iam::DenialMessage(principal, access.action, access.resource, decision, true), 403},
        route.Resource(), request_id);
    if (request.method == "HEAD") denied.body.clear();  // HEAD errors carry no body
    return denied;
  }
  return std::nullopt;
}

}  // namespace sf::engine::s3
