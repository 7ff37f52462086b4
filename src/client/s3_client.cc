#include "client/s3_client.h"

#include <openssl/evp.h>

#include <algorithm>
#include <charconv>

#include "auth/amz_time.h"
#include "auth/canonical.h"
#include "base/base64.h"
#include "engine/api/s3/xml/s3_requests.h"
#include "engine/api/s3/xml/xml_reader.h"

namespace sf::client {

namespace {

using engine::s3::XmlElement;

// Listings of 1,000 keys of up to 1 KiB, escaped, exceed the reader's default 1 MiB.
constexpr engine::s3::XmlLimits kResponseLimits{32 << 20, 32, 200'000};

std::string ChildText(const XmlElement& element, std::string_view name) {
  const XmlElement* child = element.Child(name);
  return child != nullptr ? child->text : std::string();
}

// "2026-11-22T05:35:00.000Z" -> ms since the epoch; 0 when it is not that shape.
int64_t ParseIso8601Ms(std::string_view text) {
  if (text.size() < 20 || text[10] != 'T') return 0;
  std::string basic;  // "20261122T053500Z", the form ParseAmzDate reads
  for (char c : text.substr(0, 19))
    if (c != '-' && c != ':') basic += c;
  auto seconds = auth::ParseAmzDate(basic + "Z");
  if (!seconds) return 0;
  int millis = 0;
  if (text[19] == '.') {
    std::string_view fraction = text.substr(20, std::min<size_t>(3, text.size() - 21));
    std::from_chars(fraction.data(), fraction.data() + fraction.size(), millis);
    for (size_t i = fraction.size(); i < 3; ++i) millis *= 10;
  }
  return *seconds + millis;
}

// The encoding-type=url form back to bytes: '+' is a space, %XX a byte.
std::string DecodeListed(std::string text) {
  std::replace(text.begin(), text.end(), '+', ' ');
  return auth::PercentDecode(text);
}

int64_t ToInt64(const std::string& text) {
  int64_t value = 0;
  std::from_chars(text.data(), text.data() + text.size(), value);
  return value;
}

std::string ContentMd5(const std::string& body) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  EVP_Digest(body.data(), body.size(), digest, &length, EVP_md5(), nullptr);
  return Base64Encode(std::string_view(reinterpret_cast<const char*>(digest), length));
}

std::string BucketPath(const std::string& bucket) { return "/" + auth::UriEncode(bucket, false); }

S3Result<XmlElement> ParseReply(const HttpReply& reply, std::string_view root) {
  auto parsed = engine::s3::ParseXml(reply.body, kResponseLimits);
  if (!parsed || parsed->name != root) {
    return tl::unexpected(S3Error{
        "MalformedResponse",
        "the engine sent a reply that is not a " + std::string(root) + " document", reply.status});
  }
  return std::move(*parsed);
}

}  // namespace

S3Client::S3Client(std::string endpoint, auth::Credentials credentials, std::string region)
    : region_(region), signed_(std::move(endpoint), std::move(credentials), region, "s3") {}

S3Result<HttpReply> S3Client::Call(const std::string& method, const std::string& path,
                                   const std::string& query, const std::string& body,
                                   std::vector<std::pair<std::string, std::string>> headers) {
  auto reply = signed_.Send(method, path, query, body, std::move(headers));
  if (!reply) return tl::unexpected(S3Error{"ConnectionError", reply.error().message, 0});
  if (reply->status >= 200 && reply->status < 300) return std::move(*reply);
  S3Error error{"HttpError", "HTTP " + std::to_string(reply->status), reply->status};
  if (auto parsed = engine::s3::ParseXml(reply->body, kResponseLimits);
      parsed && parsed->name == "Error") {
    if (std::string code = ChildText(*parsed, "Code"); !code.empty()) error.code = code;
    if (std::string message = ChildText(*parsed, "Message"); !message.empty())
      error.message = message;
  }
  return tl::unexpected(error);
}

S3Result<std::vector<S3Bucket>> S3Client::ListBuckets() {
  auto reply = Call("GET", "/", "");
  if (!reply) return tl::unexpected(reply.error());
  auto root = ParseReply(*reply, "ListAllMyBucketsResult");
  if (!root) return tl::unexpected(root.error());
  std::vector<S3Bucket> buckets;
  if (const XmlElement* list = root->Child("Buckets")) {
    for (const XmlElement* bucket : list->Children("Bucket")) {
      buckets.push_back(
          {ChildText(*bucket, "Name"), ParseIso8601Ms(ChildText(*bucket, "CreationDate"))});
    }
  }
  return buckets;
}

S3Result<bool> S3Client::HeadBucket(const std::string& bucket) {
  auto reply = Call("HEAD", BucketPath(bucket), "");
  if (reply) return true;
  if (reply.error().http_status == 404) return false;
  return tl::unexpected(reply.error());
}

S3Result<bool> S3Client::HeadObject(const std::string& bucket, const std::string& key) {
  auto reply = Call("HEAD", BucketPath(bucket) + "/" + auth::UriEncode(key, true), "");
  if (reply) return true;
  if (reply.error().http_status == 404) return false;
  return tl::unexpected(reply.error());
}

S3Result<void> S3Client::PutObject(const std::string& bucket, const std::string& key,
                                   const std::string& body) {
  auto reply = Call("PUT", BucketPath(bucket) + "/" + auth::UriEncode(key, true), "", body,
                    {{"Content-MD5", ContentMd5(body)}});
  if (!reply) return tl::unexpected(reply.error());
  return {};
}

S3Result<void> S3Client::CreateBucket(const std::string& bucket) {
  engine::s3::LocationConstraint location;
  if (region_ != "us-east-1") location = region_;
  auto reply =
      Call("PUT", BucketPath(bucket), "", engine::s3::WriteCreateBucketConfiguration(location));
  if (!reply) return tl::unexpected(reply.error());
  return {};
}

S3Result<void> S3Client::DeleteBucket(const std::string& bucket) {
  auto reply = Call("DELETE", BucketPath(bucket), "");
  if (!reply) return tl::unexpected(reply.error());
  return {};
}

S3Result<S3ObjectPage> S3Client::ListObjectsV2(const std::string& bucket,
                                               const std::string& continuation_token,
                                               int max_keys) {
  std::string query = "list-type=2&encoding-type=url&max-keys=" + std::to_string(max_keys);
  if (!continuation_token.empty())
    query += "&continuation-token=" + auth::UriEncode(continuation_token, false);
  auto reply = Call("GET", BucketPath(bucket), query);
  if (!reply) return tl::unexpected(reply.error());
  auto root = ParseReply(*reply, "ListBucketResult");
  if (!root) return tl::unexpected(root.error());
  S3ObjectPage page;
  page.truncated = ChildText(*root, "IsTruncated") == "true";
  page.next_token = ChildText(*root, "NextContinuationToken");
  for (const XmlElement* object : root->Children("Contents")) {
    page.objects.push_back(
        {DecodeListed(ChildText(*object, "Key")), ToInt64(ChildText(*object, "Size"))});
  }
  return page;
}

S3Result<std::vector<S3KeyError>> S3Client::DeleteObjects(const std::string& bucket,
                                                          const std::vector<std::string>& keys) {
  std::vector<S3KeyError> refused;
  for (size_t first = 0; first < keys.size(); first += kDeleteObjectsBatch) {
    engine::s3::DeleteObjectsRequest request;
    request.quiet = true;
    size_t last = std::min(keys.size(), first + kDeleteObjectsBatch);
    for (size_t i = first; i < last; ++i) request.objects.push_back({keys[i], std::nullopt});
    std::string body = engine::s3::WriteDeleteObjects(request);
    auto reply = Call("POST", BucketPath(bucket), "delete=", body,
                      {{"Content-MD5", ContentMd5(body)}, {"Content-Type", "application/xml"}});
    if (!reply) return tl::unexpected(reply.error());
    auto root = ParseReply(*reply, "DeleteResult");
    if (!root) return tl::unexpected(root.error());
    for (const XmlElement* error : root->Children("Error")) {
      refused.push_back(
          {ChildText(*error, "Key"), ChildText(*error, "Code"), ChildText(*error, "Message")});
    }
  }
  return refused;
}

S3Result<std::vector<S3Upload>> S3Client::ListMultipartUploads(const std::string& bucket) {
  std::vector<S3Upload> uploads;
  std::string key_marker, upload_marker;
  for (;;) {
    std::string query = "uploads=";
    if (!key_marker.empty()) query += "&key-marker=" + auth::UriEncode(key_marker, false);
    if (!upload_marker.empty())
      query += "&upload-id-marker=" + auth::UriEncode(upload_marker, false);
    auto reply = Call("GET", BucketPath(bucket), query);
    if (!reply) return tl::unexpected(reply.error());
    auto root = ParseReply(*reply, "ListMultipartUploadsResult");
    if (!root) return tl::unexpected(root.error());
    for (const XmlElement* upload : root->Children("Upload"))
      uploads.push_back({ChildText(*upload, "Key"), ChildText(*upload, "UploadId")});
    std::string next_key = ChildText(*root, "NextKeyMarker");
    std::string next_upload = ChildText(*root, "NextUploadIdMarker");
    bool more = ChildText(*root, "IsTruncated") == "true" &&
                (next_key != key_marker || next_upload != upload_marker);
    if (!more) return uploads;
    key_marker = next_key;
    upload_marker = next_upload;
  }
}

S3Result<void> S3Client::AbortMultipartUpload(const std::string& bucket, const std::string& key,
                                              const std::string& upload_id) {
  auto reply = Call("DELETE", BucketPath(bucket) + "/" + auth::UriEncode(key, true),
                    "uploadId=" + auth::UriEncode(upload_id, false));
  if (!reply) return tl::unexpected(reply.error());
  return {};
}

}  // namespace sf::client
