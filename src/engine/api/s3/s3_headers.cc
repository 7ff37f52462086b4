#include "engine/api/s3/s3_headers.h"

#include <charconv>

#include "auth/crypto.h"
#include "auth/sigv4_types.h"
#include "base/base64.h"
#include "engine/api/s3/xml/s3_time.h"

namespace sf::engine::s3 {

namespace {

constexpr std::string_view kMetaPrefix = "x-amz-meta-";

bool StartsWithIgnoreCase(std::string_view text, std::string_view prefix) {
  return text.size() >= prefix.size() &&
         auth::EqualsIgnoreCase(text.substr(0, prefix.size()), prefix);
}

// `value` without the comma-separated token "aws-chunked" (and the blanks around it).
std::string WithoutAwsChunked(std::string_view value) {
  std::string out;
  while (!value.empty()) {
    size_t comma = value.find(',');
    std::string_view token = value.substr(0, comma);
    value = comma == std::string_view::npos ? std::string_view() : value.substr(comma + 1);
    while (!token.empty() && (token.front() == ' ' || token.front() == '\t'))
      token.remove_prefix(1);
    while (!token.empty() && (token.back() == ' ' || token.back() == '\t')) token.remove_suffix(1);
    if (token.empty() || auth::EqualsIgnoreCase(token, "aws-chunked")) continue;
    if (!out.empty()) out += ",";
    out += token;
  }
  return out;
}

std::optional<std::string> HeaderValue(const HttpRequest& request, std::string_view name) {
  const std::string* value = request.Header(name);
  if (value == nullptr) return std::nullopt;
  return *value;
}

}  // namespace

ObjectMetadata MetadataFromHeaders(const HttpRequest& request) {
  ObjectMetadata metadata;
  for (const auto& [name, value] : request.headers) {
    if (auth::EqualsIgnoreCase(name, "Content-Type")) {
      metadata.content_type = value;
    } else if (auth::EqualsIgnoreCase(name, "Content-Encoding")) {
      metadata.content_encoding = WithoutAwsChunked(value);
    } else if (auth::EqualsIgnoreCase(name, "Cache-Control")) {
      metadata.cache_control = value;
    } else if (auth::EqualsIgnoreCase(name, "Content-Disposition")) {
      metadata.content_disposition = value;
    } else if (StartsWithIgnoreCase(name, kMetaPrefix) && name.size() > kMetaPrefix.size()) {
      metadata.user[auth::ToLower(name.substr(kMetaPrefix.size()))] = value;
    }
  }
  return metadata;
}

std::optional<ApiError> CheckMetadataSize(const ObjectMetadata& metadata) {
  size_t bytes = 0;
  for (const auto& [name, value] : metadata.user) bytes += name.size() + value.size();
  if (bytes <= kMaxUserMetadataBytes) return std::nullopt;
  return ApiError{"MetadataTooLarge",
                  "Your metadata headers exceed the maximum allowed metadata size.", 400};
}

Conditions ConditionsFromHeaders(const HttpRequest& request, std::string_view prefix,
                                 int64_t now_ms) {
  std::string p(prefix);
  Conditions conditions;
  conditions.if_match = HeaderValue(request, p + "If-Match");
  conditions.if_none_match = HeaderValue(request, p + "If-None-Match");
  if (auto since = HeaderValue(request, p + "If-Modified-Since")) {
    conditions.if_modified_since_ms = ParseHttpDate(*since, now_ms);
  }
  if (auto since = HeaderValue(request, p + "If-Unmodified-Since")) {
    conditions.if_unmodified_since_ms = ParseHttpDate(*since, now_ms);
  }
  return conditions;
}

void AddObjectHeaders(const ObjectInfo& info, const S3Request& route, HttpHeaders* headers) {
  const ObjectMetadata& m = info.metadata;
  auto add = [&](std::string_view name, std::string_view stored, std::string_view override_param) {
    if (auto value = route.Param(override_param)) {
      headers->emplace_back(std::string(name), std::string(*value));
    } else if (!stored.empty()) {
      headers->emplace_back(std::string(name), std::string(stored));
    }
  };
  headers->emplace_back("ETag", info.etag);
  headers->emplace_back("Last-Modified", FormatHttpDate(info.last_modified_ms));
  headers->emplace_back("Accept-Ranges", "bytes");
  add("Content-Type",
      m.content_type.empty() ? kDefaultContentType : std::string_view(m.content_type),
      "response-content-type");
  add("Content-Encoding", m.content_encoding, "response-content-encoding");
  add("Cache-Control", m.cache_control, "response-cache-control");
  add("Content-Disposition", m.content_disposition, "response-content-disposition");
  add("Content-Language", "", "response-content-language");
  add("Expires", "", "response-expires");
  for (const auto& [name, value] : m.user)
    headers->emplace_back(std::string(kMetaPrefix) + name, value);
  if (info.part_count > 0) {
    headers->emplace_back("x-amz-mp-parts-count", std::to_string(info.part_count));
  }
}

std::optional<std::string> ContentMd5Hex(const HttpRequest& request) {
  const std::string* value = request.Header("Content-MD5");
  if (value == nullptr) return std::nullopt;
  auto raw = Base64Decode(*value);
  if (!raw || raw->size() != 16) return std::string();
  return auth::HexEncode(*raw);
}

std::optional<uint64_t> ContentLength(const HttpRequest& request) {
  const std::string* value = request.Header("Content-Length");
  if (value == nullptr || value->empty()) return std::nullopt;
  uint64_t n = 0;
  auto [end, ec] = std::from_chars(value->data(), value->data() + value->size(), n);
  if (ec != std::errc() || end != value->data() + value->size()) return std::nullopt;
  return n;
}

}  // namespace sf::engine::s3
