// Bucket operations: ListBuckets, CreateBucket, DeleteBucket, HeadBucket, GetBucketLocation,
// ListObjects (v1 and v2), ListMultipartUploads and DeleteObjects.

#include "engine/api/s3/s3_call.h"
#include "engine/api/s3/xml/s3_requests.h"
#include "engine/api/s3/xml/s3_time.h"

namespace sf::engine::s3 {

namespace {

std::string Listed(std::string_view text, bool url) {
  return url ? UrlEncodeForListing(text) : std::string(text);
}

}  // namespace

HttpResponse S3Api::ListBuckets(Call& call) {
  std::string body;
  XmlWriter xml(body);
  xml.Declaration().Open("ListAllMyBucketsResult", kS3Namespace);
  WriteOwner(xml);
  xml.Open("Buckets");
  for (const BucketInfo& bucket : store_.ListBuckets()) {
    xml.Open("Bucket")
        .Element("Name", bucket.name)
        .Element("CreationDate", FormatIso8601Ms(bucket.creation_ms))
        .Close();
  }
  xml.Close().Close();
  return XmlResponse(200, std::move(body), call.request_id);
}

HttpResponse S3Api::CreateBucket(Call& call) {
  auto location = ParseCreateBucketConfiguration(call.request.body);
  if (!location) {
    return RequestError(
        call, {location.error().code, location.error().message, location.error().http_status});
  }
  // us-east-1 is named by no constraint at all; any other region must be the engine's.
  const std::string& wanted = location->value_or("");
  bool matches = wanted == region_ || (wanted.empty() && region_ == "us-east-1");
  if (!matches) {
    std::string what = wanted.empty() ? "unspecified" : wanted;
    return RequestError(call, {"IllegalLocationConstraintException",
                               "The " + what +
                                   " location constraint is incompatible for the region "
                                   "specific endpoint this request was sent to.",
                               400});
  }
  auto created = store_.CreateBucket(call.route.bucket);
  if (!created) return StoreError(call, created.error());
  HttpResponse response = Response(200, call.request_id);
  response.headers.emplace_back("Location", "/" + call.route.bucket);
  return response;
}

HttpResponse S3Api::DeleteBucket(Call& call) {
  auto deleted = store_.DeleteBucket(call.route.bucket);
  if (!deleted) return StoreError(call, deleted.error());
  return Response(204, call.request_id);
}

HttpResponse S3Api::HeadBucket(Call& call) {
  auto bucket = store_.HeadBucket(call.route.bucket);
  if (!bucket) {
    HttpResponse error = StoreError(call, bucket.error());
    error.body.clear();
    return error;
  }
  HttpResponse response = Response(200, call.request_id);
  response.headers.emplace_back("x-amz-bucket-region", region_);
  return response;
}

HttpResponse S3Api::GetBucketLocation(Call& call) {
  if (auto bucket = store_.HeadBucket(call.route.bucket); !bucket) {
    return StoreError(call, bucket.error());
  }
  std::string body;
  XmlWriter xml(body);
  xml.Declaration()
      .Open("LocationConstraint", kS3Namespace)
      .Text(region_ == "us-east-1" ? "" : region_)
      .Close();
  return XmlResponse(200, std::move(body), call.request_id);
}

HttpResponse S3Api::ListObjects(Call& call, bool v2) {
  const S3Request& route = call.route;
  std::optional<int> max_keys;
  if (auto given = route.NonNegativeParam("max-keys", 1000)) {
    max_keys = static_cast<int>(std::min<int64_t>(*given, 1000));
  }
  if (!max_keys) {
    return RequestError(call, {"InvalidArgument",
                               "Provided max-keys not an integer or within "
                               "integer range",
                               400});
  }
  auto encoding = route.Param("encoding-type");
  if (encoding && *encoding != "url") {
    return RequestError(call,
                        {"InvalidArgument", "Invalid Encoding Method specified in Request", 400});
  }
  bool url = encoding.has_value();
  ListRequest list;
  list.prefix = std::string(route.Param("prefix").value_or(""));
  list.delimiter = std::string(route.Param("delimiter").value_or(""));
  list.max_keys = *max_keys;
  if (v2) {
    list.start_after = std::string(route.Param("start-after").value_or(""));
    if (auto token = route.Param("continuation-token"))
      list.continuation_token = std::string(*token);
  } else {
    list.start_after = std::string(route.Param("marker").value_or(""));
    // A marker that is a common prefix (the NextMarker of a delimited page) covers every key
    // under it, as in S3: skip past them all. Keys are UTF-8, which never holds 0xFF.
    if (!list.delimiter.empty() && list.start_after.size() >= list.delimiter.size() &&
        list.start_after.compare(0, list.prefix.size(), list.prefix) == 0 &&
        list.start_after.compare(list.start_after.size() - list.delimiter.size(),
                                 list.delimiter.size(), list.delimiter) == 0) {
      list.start_after += "\xFF\xFF\xFF\xFF";
    }
  }
  auto result = store_.ListObjectsV2(route.bucket, list);
  if (!result) {
    if (result.error().code == StoreErrorCode::kInvalidArgument) {
      return RequestError(call,
                          {"InvalidArgument", "The continuation token provided is incorrect", 400});
    }
    return StoreError(call, result.error());
  }
  bool fetch_owner = !v2 || route.Param("fetch-owner") == "true";

  std::string body;
  XmlWriter xml(body);
  xml.Declaration().Open("ListBucketResult", kS3Namespace);
  xml.Element("Name", route.bucket).Element("Prefix", Listed(list.prefix, url));
  if (v2) {
    if (list.continuation_token) xml.Element("ContinuationToken", *list.continuation_token);
    if (!list.start_after.empty()) xml.Element("StartAfter", Listed(list.start_after, url));
    xml.Element("KeyCount", result->key_count);
  } else {
    xml.Element("Marker", Listed(route.Param("marker").value_or(""), url));
  }
  xml.Element("MaxKeys", *max_keys);
  if (!list.delimiter.empty()) xml.Element("Delimiter", Listed(list.delimiter, url));
  if (url) xml.Element("EncodingType", "url");
  xml.Element("IsTruncated", result->is_truncated);
  if (result->is_truncated) {
    if (v2) {
      xml.Element("NextContinuationToken", result->next_continuation_token);
    } else if (!list.delimiter.empty()) {
      // v1 gives NextMarker only with a delimiter; without one the client uses the last key.
      std::string last = result->contents.empty() ? std::string() : result->contents.back().key;
      if (!result->common_prefixes.empty() && result->common_prefixes.back() > last) {
        last = result->common_prefixes.back();
      }
      xml.Element("NextMarker", Listed(last, url));
    }
  }
  for (const ListedObject& object : result->contents) {
    xml.Open("Contents")
        .Element("Key", Listed(object.key, url))
        .Element("LastModified", FormatIso8601Ms(object.entry.last_modified_ms))
        .Element("ETag", object.entry.etag)
        .Element("Size", object.entry.size)
        .Element("StorageClass", "STANDARD");
    if (fetch_owner) WriteOwner(xml);
    xml.Close();
  }
  for (const std::string& prefix : result->common_prefixes) {
    xml.Open("CommonPrefixes").Element("Prefix", Listed(prefix, url)).Close();
  }
  xml.Close();
  return XmlResponse(200, std::move(body), call.request_id);
}

// S3's paging: uploads sorted by key, then by when they began (upload IDs begin with the time,
// so that is also their order as text); key-marker alone resumes after that key, with
// upload-id-marker after that upload of it. A delimiter groups keys into CommonPrefixes,
// which count against max-uploads like uploads do.
HttpResponse S3Api::ListMultipartUploads(Call& call) {
  const S3Request& route = call.route;
  std::optional<int64_t> max_uploads = route.NonNegativeParam("max-uploads", 1000);
  if (!max_uploads) {
    return RequestError(call, {"InvalidArgument",
                               "Provided max-uploads not an integer or within integer range", 400});
  }
  *max_uploads = std::min<int64_t>(*max_uploads, 1000);
  auto encoding = route.Param("encoding-type");
  if (encoding && *encoding != "url") {
    return RequestError(call,
                        {"InvalidArgument", "Invalid Encoding Method specified in Request", 400});
  }
  const bool url = encoding.has_value();
  const std::string prefix(route.Param("prefix").value_or(""));
  const std::string delimiter(route.Param("delimiter").value_or(""));
  const std::string key_marker(route.Param("key-marker").value_or(""));
  // Without a key-marker, S3 ignores upload-id-marker.
  const std::string upload_marker(
      key_marker.empty() ? "" : route.Param("upload-id-marker").value_or(""));
  auto uploads = store_.ListMultipartUploads(route.bucket);
  if (!uploads) return StoreError(call, uploads.error());

  std::vector<const UploadInfo*> listed;
  std::vector<std::string> common_prefixes;
  std::string next_key, next_upload;
  bool truncated = false;
  for (const UploadInfo& upload : *uploads) {
    const std::string& key = upload.key;
    if (key.compare(0, prefix.size(), prefix) != 0) continue;
    if (key < key_marker) continue;
    if (key == key_marker && (upload_marker.empty() || upload.upload_id <= upload_marker)) continue;
    std::string group;
    if (size_t at = delimiter.empty() ? std::string::npos : key.find(delimiter, prefix.size());
        at != std::string::npos) {
      group = key.substr(0, at + delimiter.size());
      // Already listed on this page, or it was the marker (the last page ended on it).
      if ((!common_prefixes.empty() && common_prefixes.back() == group) || group == key_marker) {
        continue;
      }
    }
    if (static_cast<int64_t>(listed.size() + common_prefixes.size()) == *max_uploads) {
      truncated = *max_uploads > 0;
      break;
    }
    if (group.empty()) {
      listed.push_back(&upload);
      next_key = key;
      next_upload = upload.upload_id;
    } else {
      common_prefixes.push_back(group);
      next_key = group;
      next_upload.clear();
    }
  }

  std::string body;
  XmlWriter xml(body);
  xml.Declaration().Open("ListMultipartUploadsResult", kS3Namespace);
  xml.Element("Bucket", route.bucket)
      .Element("KeyMarker", Listed(key_marker, url))
      .Element("UploadIdMarker", upload_marker);
  if (truncated) {
    xml.Element("NextKeyMarker", Listed(next_key, url)).Element("NextUploadIdMarker", next_upload);
  }
  if (!delimiter.empty()) xml.Element("Delimiter", Listed(delimiter, url));
  xml.Element("Prefix", Listed(prefix, url))
      .Element("MaxUploads", *max_uploads)
      .Element("IsTruncated", truncated);
  if (url) xml.Element("EncodingType", "url");
  for (const UploadInfo* upload : listed) {
    xml.Open("Upload")
        .Element("Key", Listed(upload->key, url))
        .Element("UploadId", upload->upload_id);
    WriteOwner(xml, "Initiator");
    WriteOwner(xml);
    xml.Element("StorageClass", "STANDARD")
        .Element("Initiated", FormatIso8601Ms(upload->initiated_ms))
        .Close();
  }
  for (const std::string& group : common_prefixes) {
    xml.Open("CommonPrefixes").Element("Prefix", Listed(group, url)).Close();
  }
  xml.Close();
  return XmlResponse(200, std::move(body), call.request_id);
}

HttpResponse S3Api::DeleteObjects(Call& call) {
  auto parsed = ParseDeleteObjects(call.request.body);
  if (!parsed) {
    return RequestError(call,
                        {parsed.error().code, parsed.error().message, parsed.error().http_status});
  }
  std::vector<std::string> keys;
  std::vector<std::string> refused;  // keys the principal may not delete (S3 reports each)
  keys.reserve(parsed->objects.size());
  for (const ObjectIdentifier& object : parsed->objects) {
    bool allowed =
        iam::Authorize(call.principal, "s3:DeleteObject",
                       ObjectArn(call.route.bucket, object.key)) == iam::Decision::kAllow;
    (allowed ? keys : refused).push_back(object.key);
  }
  auto results = store_.DeleteObjects(call.route.bucket, keys);
  if (!results) return StoreError(call, results.error());
  std::string body;
  XmlWriter xml(body);
  xml.Declaration().Open("DeleteResult", kS3Namespace);
  for (const std::string& key : refused) {
    xml.Open("Error")
        .Element("Key", key)
        .Element("Code", "AccessDenied")
        .Element("Message", "Access Denied")
        .Close();
  }
  for (const DeleteResult& result : *results) {
    if (!result.error) {
      if (!parsed->quiet) xml.Open("Deleted").Element("Key", result.key).Close();
      continue;
    }
    xml.Open("Error")
        .Element("Key", result.key)
        .Element("Code", S3ErrorCode(result.error->code))
        .Element("Message", result.error->message)
        .Close();
  }
  xml.Close();
  return XmlResponse(200, std::move(body), call.request_id);
}

}  // namespace sf::engine::s3
