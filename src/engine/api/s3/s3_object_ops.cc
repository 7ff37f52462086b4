// GetObject, HeadObject, DeleteObject and CopyObject.

#include "engine/api/s3/s3_call.h"
#include "engine/api/s3/s3_headers.h"
#include "engine/api/s3/xml/s3_time.h"

namespace sf::engine::s3 {

namespace {

// Streams an opened object (or its range) to the client from the page cache.
class ObjectSource : public BodySource {
 public:
  explicit ObjectSource(std::unique_ptr<ObjectReader> reader) : reader_(std::move(reader)) {}
  uint64_t size() const override { return reader_->length(); }
  // Sent with sendfile(2) from the object file (its data starts at offset 0).
  FileSpan file_span() const override { return {reader_->fd(), reader_->first()}; }
  Status Next(size_t max_bytes, std::string* piece) override {
    auto next = reader_->Next(max_bytes, piece);
    if (!next) return tl::unexpected(ToError(next.error()));
    return {};
  }

 private:
  std::unique_ptr<ObjectReader> reader_;
};

}  // namespace

std::optional<std::pair<std::string, std::string>> ParseCopySource(std::string_view source) {
  size_t question = source.find('?');
  if (question != std::string_view::npos) source = source.substr(0, question);
  if (!source.empty() && source.front() == '/') source.remove_prefix(1);
  auto decoded = PercentDecode(source, false);
  if (!decoded) return std::nullopt;
  size_t slash = decoded->find('/');
  if (slash == std::string::npos || slash == 0 || slash + 1 == decoded->size()) {
    return std::nullopt;
  }
  return std::make_pair(decoded->substr(0, slash), decoded->substr(slash + 1));
}

HttpResponse S3Api::GetObject(Call& call, bool head) {
  const S3Request& route = call.route;
  GetRequest get;
  get.conditions = ConditionsFromHeaders(call.request, "", clock_.NowMs());
  if (const std::string* range = call.request.Header("Range")) get.range = ParseRange(*range);
  auto reader = store_.GetObject(route.bucket, route.key, get);
  if (!reader) {
    HttpResponse error = StoreError(call, reader.error());
    if (head) error.body.clear();  // HEAD errors carry no body
    return error;
  }
  ObjectReader& object = **reader;
  HttpResponse response = Response(object.ranged() ? 206 : 200, call.request_id);
  AddObjectHeaders(object.info(), route, &response.headers);
  if (object.ranged()) {
    uint64_t first = object.first();
    uint64_t last = first + object.length() - 1;
    response.headers.emplace_back("Content-Range", "bytes " + std::to_string(first) + "-" +
                                                       std::to_string(last) + "/" +
                                                       std::to_string(object.info().size));
  }
  if (head) {  // HEAD honours Range too: 206 with the range's length, as S3 answers
    response.headers.emplace_back("Content-Length", std::to_string(object.length()));
    return response;
  }
  response.source = std::make_shared<ObjectSource>(std::move(*reader));
  return response;
}

HttpResponse S3Api::DeleteObject(Call& call) {
  auto deleted = store_.DeleteObject(call.route.bucket, call.route.key);
  if (!deleted) return StoreError(call, deleted.error());
  return Response(204, call.request_id);
}

HttpResponse S3Api::CopyObject(Call& call) {
  const std::string* source = call.request.Header("x-amz-copy-source");
  auto parsed = ParseCopySource(source ? *source : "");
  if (!parsed) {
    return RequestError(call, {"InvalidArgument",
                               "Copy Source must mention the source bucket and key: "
                               "sourcebucket/sourcekey",
                               400});
  }
  CopyRequest copy;
  copy.source_bucket = parsed->first;
  copy.source_key = parsed->second;
  copy.bucket = call.route.bucket;
  copy.key = call.route.key;
  copy.source_conditions =
      ConditionsFromHeaders(call.request, "x-amz-copy-source-", clock_.NowMs());
  const std::string* directive = call.request.Header("x-amz-metadata-directive");
  if (directive == nullptr || *directive == "COPY") {
    copy.directive = MetadataDirective::kCopy;
  } else if (*directive == "REPLACE") {
    copy.directive = MetadataDirective::kReplace;
    copy.metadata = MetadataFromHeaders(call.request);
    if (auto too_large = CheckMetadataSize(copy.metadata)) return RequestError(call, *too_large);
  } else {
    return RequestError(call, {"InvalidArgument", "Unknown metadata directive.", 400});
  }
  auto info = store_.CopyObject(copy);
  if (!info) {
    engine::StoreError error = info.error();
    if (error.code == StoreErrorCode::kNoSuchKey || error.code == StoreErrorCode::kNoSuchBucket) {
      // The missing one may be the source: name what S3 names.
      return StoreErrorResponse(error, copy.source_bucket, copy.source_key, call.request_id);
    }
    return StoreError(call, error);
  }
  std::string body;
  XmlWriter xml(body);
  xml.Declaration()
      .Open("CopyObjectResult", kS3Namespace)
      .Element("LastModified", FormatIso8601Ms(info->last_modified_ms))
      .Element("ETag", info->etag)
      .Close();
  return XmlResponse(200, std::move(body), call.request_id);
}

}  // namespace sf::engine::s3
