#include "engine/api/s3/s3_request.h"

#include <algorithm>
#include <array>
#include <charconv>

namespace sf::engine::s3 {

namespace {

constexpr std::array<std::string_view, static_cast<size_t>(Operation::kCount)> kNames = {
    "ListBuckets",
    "CreateBucket",
    "DeleteBucket",
    "HeadBucket",
    "GetBucketLocation",
    "ListObjects",
    "ListObjectsV2",
    "ListMultipartUploads",
    "DeleteObjects",
    "PutObject",
    "CopyObject",
    "GetObject",
    "HeadObject",
    "DeleteObject",
    "CreateMultipartUpload",
    "UploadPart",
    "CompleteMultipartUpload",
    "AbortMultipartUpload",
    "ListParts",
    "Unsupported",
};

// Subresources of buckets and objects that select an operation streamform does not implement.
constexpr std::string_view kUnsupportedSubresources[] = {
    "accelerate",
    "acl",
    "analytics",
    "attributes",
    "cors",
    "encryption",
    "inventory",
    "intelligent-tiering",
    "legal-hold",
    "lifecycle",
    "logging",
    "metrics",
    "notification",
    "object-lock",
    "ownershipControls",
    "policy",
    "policyStatus",
    "publicAccessBlock",
    "replication",
    "requestPayment",
    "restore",
    "retention",
    "select",
    "tagging",
    "torrent",
    "versioning",
    "versions",
    "website",
    "session",
    "renameObject",
};

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::string_view HostWithoutPort(std::string_view host) {
  if (!host.empty() && host.front() == '[') return host;  // IPv6 literal: never virtual-hosted
  size_t colon = host.rfind(':');
  return colon == std::string_view::npos ? host : host.substr(0, colon);
}

// The bucket named by a virtual-hosted Host header ("bucket.localhost"), or "".
std::string_view VirtualHostBucket(std::string_view host) {
  host = HostWithoutPort(host);
  constexpr std::string_view kSuffix = ".localhost";
  if (host.size() <= kSuffix.size() || host.substr(host.size() - kSuffix.size()) != kSuffix) {
    return {};
  }
  std::string_view bucket = host.substr(0, host.size() - kSuffix.size());
  if (bucket == "s3") return {};  // s3.localhost: path style on a named endpoint
  if (bucket.size() > 3 && bucket.substr(bucket.size() - 3) == ".s3") {
    bucket.remove_suffix(3);  // bucket.s3.localhost
  }
  return bucket;
}

ApiError InvalidUri() { return {"InvalidURI", "Couldn't parse the specified URI.", 400}; }

ApiError MethodNotAllowed() {
  return {"MethodNotAllowed", "The specified method is not allowed against this resource.", 405};
}

// The operation for `method` on a bucket (no key).
std::optional<Operation> BucketOperation(std::string_view method, const S3Request& r) {
  if (method == "PUT") return Operation::kCreateBucket;
  if (method == "DELETE") return Operation::kDeleteBucket;
  if (method == "HEAD") return Operation::kHeadBucket;
  if (method == "POST") {
    if (r.Has("delete")) return Operation::kDeleteObjects;
    return std::nullopt;
  }
  if (method == "GET") {
    if (r.Has("location")) return Operation::kGetBucketLocation;
    if (r.Has("uploads")) return Operation::kListMultipartUploads;
    if (r.Param("list-type") == "2") return Operation::kListObjectsV2;
    return Operation::kListObjects;
  }
  return std::nullopt;
}

// The operation for `method` on an object.
std::optional<Operation> ObjectOperation(std::string_view method, const HttpRequest& http,
                                         const S3Request& r) {
  bool copy = http.Header("x-amz-copy-source") != nullptr;
  if (method == "PUT") {
    if (r.Has("partNumber") || r.Has("uploadId")) {
      if (copy) return Operation::kUnsupported;  // UploadPartCopy
      return Operation::kUploadPart;
    }
    return copy ? Operation::kCopyObject : Operation::kPutObject;
  }
  if (method == "GET") return r.Has("uploadId") ? Operation::kListParts : Operation::kGetObject;
  if (method == "HEAD") return Operation::kHeadObject;
  if (method == "DELETE") {
    return r.Has("uploadId") ? Operation::kAbortMultipartUpload : Operation::kDeleteObject;
  }
  if (method == "POST") {
    if (r.Has("uploads")) return Operation::kCreateMultipartUpload;
    if (r.Has("uploadId")) return Operation::kCompleteMultipartUpload;
    return std::nullopt;
  }
  return std::nullopt;
}

}  // namespace

std::string_view OperationName(Operation operation) {
  return kNames[std::min(static_cast<size_t>(operation), kNames.size() - 1)];
}

std::optional<std::string_view> S3Request::Param(std::string_view name) const {
  for (const auto& [n, v] : query) {
    if (n == name) return std::string_view(v);
  }
  return std::nullopt;
}

std::optional<int64_t> S3Request::NonNegativeParam(std::string_view name, int64_t fallback) const {
  auto text = Param(name);
  if (!text) return fallback;
  int64_t n = 0;
  auto [end, ec] = std::from_chars(text->data(), text->data() + text->size(), n);
  if (ec != std::errc() || end != text->data() + text->size() || n < 0) return std::nullopt;
  return n;
}

std::string S3Request::Resource() const {
  if (bucket.empty()) return "/";
  return key.empty() ? "/" + bucket : "/" + bucket + "/" + key;
}

std::optional<std::string> PercentDecode(std::string_view text, bool plus_is_space) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c == '%') {
      if (i + 2 >= text.size()) return std::nullopt;
      int hi = HexValue(text[i + 1]), lo = HexValue(text[i + 2]);
      if (hi < 0 || lo < 0) return std::nullopt;
      out += static_cast<char>(hi * 16 + lo);
      i += 2;
    } else if (c == '+' && plus_is_space) {
      out += ' ';
    } else {
      out += c;
    }
  }
  return out;
}

ApiResult<S3Request> ParseS3Request(const HttpRequest& request) {
  S3Request r;
  std::string_view query = request.query;
  while (!query.empty()) {
    size_t amp = query.find('&');
    std::string_view pair = query.substr(0, amp);
    query = amp == std::string_view::npos ? std::string_view() : query.substr(amp + 1);
    if (pair.empty()) continue;
    size_t eq = pair.find('=');
    auto name = PercentDecode(pair.substr(0, eq), true);
    auto value = PercentDecode(eq == std::string_view::npos ? "" : pair.substr(eq + 1), true);
    if (!name || !value) return tl::unexpected(InvalidUri());
    r.query.emplace_back(std::move(*name), std::move(*value));
  }

  std::string_view path = request.path;
  if (path.empty() || path.front() != '/') return tl::unexpected(InvalidUri());
  path.remove_prefix(1);
  const std::string* host = request.Header("Host");
  std::string_view virtual_bucket = host ? VirtualHostBucket(*host) : std::string_view();
  std::string_view raw_key;
  if (!virtual_bucket.empty()) {
    r.virtual_host = true;
    r.bucket = std::string(virtual_bucket);
    raw_key = path;
  } else {
    size_t slash = path.find('/');
    auto bucket = PercentDecode(path.substr(0, slash), false);
    if (!bucket) return tl::unexpected(InvalidUri());
    r.bucket = std::move(*bucket);
    raw_key = slash == std::string_view::npos ? std::string_view() : path.substr(slash + 1);
  }
  auto key = PercentDecode(raw_key, false);
  if (!key) return tl::unexpected(InvalidUri());
  r.key = std::move(*key);

  if (r.bucket.empty()) {
    if (request.method != "GET") return tl::unexpected(MethodNotAllowed());
    r.operation = Operation::kListBuckets;
    return r;
  }
  for (std::string_view sub : kUnsupportedSubresources) {
    if (r.Has(sub)) {
      r.operation = Operation::kUnsupported;
      r.subresource = std::string(sub);
      return r;
    }
  }
  auto operation = r.key.empty() ? BucketOperation(request.method, r)
                                 : ObjectOperation(request.method, request, r);
  if (!operation) return tl::unexpected(MethodNotAllowed());
  r.operation = *operation;
  if (r.operation == Operation::kUnsupported) r.subresource = "x-amz-copy-source on UploadPart";
  return r;
}

}  // namespace sf::engine::s3
