#pragma once
// Typed readers for the XML bodies of S3 requests, with the shapes of botocore's S3 model
// (service-2.json: Delete, ObjectIdentifier, CompletedMultipartUpload, CompletedPart,
// CreateBucketConfiguration), and writers for the same bodies (as SDKs serialise them; used
// by tests, the fuzzer and clients).
//
// Reading, common to every parser:
//   - The document goes through ParseXml with kRequestBodyLimits; elements are matched on
//     their local names, with or without S3's namespace.
//   - The root element must be the operation's; members the model does not have, and
//     members this engine ignores (the Checksum* of a part), are skipped.
//   - A member that is a value (Key, ETag, PartNumber, ...) must not contain elements and
//     must not appear twice. String values are kept exactly (no trimming); number and boolean
//     values may be surrounded by XML whitespace (as xsd:int / xsd:boolean allow).
//   - Any violation, including a body that is not XML, is MalformedXML with S3's message;
//     XmlError::detail says which rule failed.
// Thread-safe; pure functions.

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "engine/api/s3/xml/xml_error.h"
#include "engine/api/s3/xml/xml_reader.h"

namespace sf::engine::s3 {

// Request bodies are at most the HTTP server's 8 MiB: DeleteObjects' 1000 keys of up to 1024
// bytes, escaped, do not fit in the reader's default 1 MiB.
inline constexpr XmlLimits kRequestBodyLimits{8 << 20, 32, 100'000};

inline constexpr size_t kMaxDeleteObjects = 1000;

// DeleteObjects (POST /bucket?delete): <Delete><Object><Key/><VersionId/></Object>...
// <Quiet/></Delete>.
struct ObjectIdentifier {
  std::string key;                        // never empty
  std::optional<std::string> version_id;  // kept as given; the store has no versions

  bool operator==(const ObjectIdentifier&) const = default;
};

struct DeleteObjectsRequest {
  std::vector<ObjectIdentifier> objects;  // 1..kMaxDeleteObjects, in document order
  bool quiet = false;                     // <Quiet> is "true"/"false"/"1"/"0"; absent: false

  bool operator==(const DeleteObjectsRequest&) const = default;
};

// CompleteMultipartUpload (POST /bucket/key?uploadId=):
// <CompleteMultipartUpload><Part><PartNumber/><ETag/></Part>...</CompleteMultipartUpload>.
// Both members are required in every part; the order and the range (1-10000) of the part
// numbers are the store's to check (InvalidPartOrder, InvalidPart).
struct PartEtag {
  int part_number = 0;  // any 32-bit integer
  std::string etag;     // quoted or not, exactly as given

  bool operator==(const PartEtag&) const = default;
};

// CreateBucket (PUT /bucket): an optional <CreateBucketConfiguration> with an optional
// <LocationConstraint>. An empty body (or only XML whitespace) means no configuration.
// nullopt: no LocationConstraint; otherwise its text as given (possibly empty).
using LocationConstraint = std::optional<std::string>;

// Each object's key non-empty, 1..1000 objects.
XmlResult<DeleteObjectsRequest> ParseDeleteObjects(std::string_view xml);
// At least one part, in document order.
XmlResult<std::vector<PartEtag>> ParseCompleteMultipartUpload(std::string_view xml);
XmlResult<LocationConstraint> ParseCreateBucketConfiguration(std::string_view xml);

// The bodies as botocore writes them: no declaration, S3's namespace on the root, members in
// the model's order. Texts that IsXmlSafe rejects do not survive (see xml_writer.h).
std::string WriteDeleteObjects(const DeleteObjectsRequest& request);
std::string WriteCompleteMultipartUpload(const std::vector<PartEtag>& parts);
// "" (an empty body) for nullopt.
std::string WriteCreateBucketConfiguration(const LocationConstraint& location);

}  // namespace sf::engine::s3
