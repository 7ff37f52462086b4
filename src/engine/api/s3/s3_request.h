#pragma once
// Which S3 operation an HTTP request is, and on what: the REST routing of the S3 API.
//
// Addressing: path style (`/bucket/key`) and virtual-hosted style on localhost
// (`Host: bucket.localhost:4560`, path `/key`). The key is the percent-decoded rest of the path
// after the bucket's slash, so `/b/a%2Fb` and `/b/a/b` are both the key "a/b", and '+' in a path
// is a literal plus. Query parameters are decoded with '+' as a space (S3's form decoding).
//
// Subresources streamform does not implement (acl, tagging, versioning, policy, ...) route to
// kUnsupported with `subresource` naming them, so they are answered 501 NotImplemented instead
// of being mistaken for the plain operation. Parameters that are not subresources (x-id,
// prefix, response-content-type, ...) never change the operation.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "engine/api_error.h"
#include "engine/server/http_server.h"

namespace sf::engine::s3 {

enum class Operation {
  kListBuckets,
  kCreateBucket,
  kDeleteBucket,
  kHeadBucket,
  kGetBucketLocation,
  kListObjects,
  kListObjectsV2,
  kListMultipartUploads,
  kDeleteObjects,
  kPutObject,
  kCopyObject,
  kGetObject,
  kHeadObject,
  kDeleteObject,
  kCreateMultipartUpload,
  kUploadPart,
  kCompleteMultipartUpload,
  kAbortMultipartUpload,
  kListParts,
  kUnsupported,
  kCount,  // not an operation: the number of them
};

// The operation's name as in the S3 API reference ("PutObject"); "Unsupported" for kUnsupported.
std::string_view OperationName(Operation operation);

struct S3Request {
  Operation operation = Operation::kUnsupported;
  std::string bucket;  // "" for ListBuckets
  std::string key;     // "" for bucket operations
  bool virtual_host = false;
  std::string subresource;  // for kUnsupported: what was asked ("acl", "tagging", ...)
  std::vector<std::pair<std::string, std::string>> query;  // decoded, in order

  // The first value of query parameter `name`; nullopt when absent ("" when given bare).
  std::optional<std::string_view> Param(std::string_view name) const;
  bool Has(std::string_view name) const { return Param(name).has_value(); }
  // Query parameter `name` as a non-negative decimal integer; `fallback` when absent; nullopt
  // when present but not one (max-keys=abc, part-number-marker=-1, ...).
  std::optional<int64_t> NonNegativeParam(std::string_view name, int64_t fallback) const;
  // "/bucket/key" (or "/bucket"), for the Resource element of errors.
  std::string Resource() const;
};

// Routes `request`. Fails with InvalidURI for malformed percent-encoding, MethodNotAllowed for
// a method S3 does not accept on that resource.
ApiResult<S3Request> ParseS3Request(const HttpRequest& request);

// Percent-decodes `text`; '+' becomes a space when `plus_is_space`. nullopt on a malformed escape.
std::optional<std::string> PercentDecode(std::string_view text, bool plus_is_space);

}  // namespace sf::engine::s3
