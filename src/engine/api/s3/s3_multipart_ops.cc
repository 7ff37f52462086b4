// Multipart upload: CreateMultipartUpload, CompleteMultipartUpload, AbortMultipartUpload and
// ListParts. UploadPart streams (put_sink.cc).

#include "engine/api/s3/s3_call.h"
#include "engine/api/s3/s3_headers.h"
#include "engine/api/s3/xml/s3_requests.h"
#include "engine/api/s3/xml/s3_time.h"

namespace sf::engine::s3 {

namespace {

std::string UploadId(const S3Request& route) {
  return std::string(route.Param("uploadId").value_or(""));
}

}  // namespace

HttpResponse S3Api::CreateMultipartUpload(Call& call) {
  ObjectMetadata metadata = MetadataFromHeaders(call.request);
  if (auto too_large = CheckMetadataSize(metadata)) return RequestError(call, *too_large);
  auto upload = store_.CreateMultipartUpload(call.route.bucket, call.route.key, metadata);
  if (!upload) return StoreError(call, upload.error());
  std::string body;
  XmlWriter xml(body);
  xml.Declaration()
      .Open("InitiateMultipartUploadResult", kS3Namespace)
      .Element("Bucket", call.route.bucket)
      .Element("Key", call.route.key)
      .Element("UploadId", *upload)
      .Close();
  return XmlResponse(200, std::move(body), call.request_id);
}

HttpResponse S3Api::CompleteMultipartUpload(Call& call) {
  auto parts = ParseCompleteMultipartUpload(call.request.body);
  if (!parts) {
    return RequestError(call,
                        {parts.error().code, parts.error().message, parts.error().http_status});
  }
  std::vector<CompletedPart> completed;
  completed.reserve(parts->size());
  for (const PartEtag& part : *parts) completed.push_back({part.part_number, part.etag});
  auto info = store_.CompleteMultipartUpload(call.route.bucket, call.route.key,
                                             UploadId(call.route), completed);
  if (!info) return StoreError(call, info.error());
  const std::string* host = call.request.Header("Host");
  std::string body;
  XmlWriter xml(body);
  xml.Declaration()
      .Open("CompleteMultipartUploadResult", kS3Namespace)
      .Element("Location",
               "http://" + (host ? *host : std::string("localhost")) + call.route.Resource())
      .Element("Bucket", call.route.bucket)
      .Element("Key", call.route.key)
      .Element("ETag", info->etag)
      .Close();
  return XmlResponse(200, std::move(body), call.request_id);
}

HttpResponse S3Api::AbortMultipartUpload(Call& call) {
  auto aborted =
      store_.AbortMultipartUpload(call.route.bucket, call.route.key, UploadId(call.route));
  if (!aborted) return StoreError(call, aborted.error());
  return Response(204, call.request_id);
}

HttpResponse S3Api::ListParts(Call& call) {
  auto max_parts = call.route.NonNegativeParam("max-parts", 1000);
  auto marker = call.route.NonNegativeParam("part-number-marker", 0);
  if (!max_parts || !marker) {
    return RequestError(
        call,
        {"InvalidArgument", "max-parts and part-number-marker must be non-negative integers", 400});
  }
  int limit = static_cast<int>(std::min<int64_t>(*max_parts, 1000));
  auto parts = store_.ListParts(call.route.bucket, call.route.key, UploadId(call.route));
  if (!parts) return StoreError(call, parts.error());
  std::string body;
  XmlWriter xml(body);
  xml.Declaration()
      .Open("ListPartsResult", kS3Namespace)
      .Element("Bucket", call.route.bucket)
      .Element("Key", call.route.key)
      .Element("UploadId", UploadId(call.route))
      .Element("PartNumberMarker", *marker);
  std::vector<const PartInfo*> page;
  bool truncated = false;
  for (const PartInfo& part : *parts) {
    if (part.part_number <= *marker) continue;
    if (static_cast<int>(page.size()) == limit) {
      truncated = true;
      break;
    }
    page.push_back(&part);
  }
  if (!page.empty()) xml.Element("NextPartNumberMarker", page.back()->part_number);
  xml.Element("MaxParts", limit).Element("IsTruncated", truncated);
  for (const PartInfo* part : page) {
    xml.Open("Part")
        .Element("PartNumber", part->part_number)
        .Element("LastModified", FormatIso8601Ms(part->last_modified_ms))
        .Element("ETag", part->etag)
        .Element("Size", part->size)
        .Close();
  }
  WriteOwner(xml, "Initiator");
  WriteOwner(xml);
  xml.Element("StorageClass", "STANDARD").Close();
  return XmlResponse(200, std::move(body), call.request_id);
}

}  // namespace sf::engine::s3
