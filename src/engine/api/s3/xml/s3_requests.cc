#include "engine/api/s3/xml/s3_requests.h"

#include <cstdint>

#include "engine/api/s3/xml/xml_writer.h"

namespace sf::engine::s3 {

namespace {

bool IsXmlSpace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

std::string_view TrimXmlSpace(std::string_view text) {
  while (!text.empty() && IsXmlSpace(text.front())) text.remove_prefix(1);
  while (!text.empty() && IsXmlSpace(text.back())) text.remove_suffix(1);
  return text;
}

std::string Tag(std::string_view name) { return "<" + std::string(name) + ">"; }

// A structure (an element made of members) holds no text but whitespace.
XmlResult<void> CheckStructure(const XmlElement& element) {
  if (!TrimXmlSpace(element.text).empty()) {
    return MalformedXml(Tag(element.name) + " contains text outside its members");
  }
  return {};
}

// The root of `xml`, which must be the structure `root_name`.
XmlResult<XmlElement> ParseRoot(std::string_view xml, std::string_view root_name) {
  auto root = ParseXml(xml, kRequestBodyLimits);
  if (!root) return root;
  if (root->name != root_name) {
    return MalformedXml("the root element is " + Tag(root->name) + ", not " + Tag(root_name));
  }
  if (auto checked = CheckStructure(*root); !checked) return tl::unexpected(checked.error());
  return root;
}

// The text of the value member `name` of `parent`; nullopt when it is absent.
XmlResult<std::optional<std::string>> OptionalValue(const XmlElement& parent,
                                                    std::string_view name) {
  const XmlElement* found = nullptr;
  for (const XmlElement& child : parent.children) {
    if (child.name != name) continue;
    if (found != nullptr) {
      return MalformedXml(Tag(name) + " appears more than once in " + Tag(parent.name));
    }
    found = &child;
  }
  if (found == nullptr) return std::optional<std::string>();
  if (!found->children.empty()) return MalformedXml(Tag(name) + " contains elements");
  return std::optional<std::string>(found->text);
}

XmlResult<std::string> RequiredValue(const XmlElement& parent, std::string_view name) {
  auto value = OptionalValue(parent, name);
  if (!value) return tl::unexpected(value.error());
  if (!*value) return MalformedXml(Tag(parent.name) + " has no " + Tag(name));
  return std::move(**value);
}

// xsd:int: optional sign, decimal digits, surrounding whitespace.
std::optional<int> ParseInt32(std::string_view text) {
  text = TrimXmlSpace(text);
  bool negative = !text.empty() && text.front() == '-';
  if (!text.empty() && (text.front() == '-' || text.front() == '+')) text.remove_prefix(1);
  if (text.empty()) return std::nullopt;
  int64_t value = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return std::nullopt;
    value = value * 10 + (c - '0');
    if (value > int64_t{INT32_MAX} + 1) return std::nullopt;
  }
  value = negative ? -value : value;
  if (value > INT32_MAX) return std::nullopt;
  return static_cast<int>(value);
}

// xsd:boolean: true, false, 1, 0, surrounding whitespace.
std::optional<bool> ParseBoolean(std::string_view text) {
  text = TrimXmlSpace(text);
  if (text == "true" || text == "1") return true;
  if (text == "false" || text == "0") return false;
  return std::nullopt;
}

XmlResult<ObjectIdentifier> ReadObjectIdentifier(const XmlElement& object) {
  if (auto checked = CheckStructure(object); !checked) return tl::unexpected(checked.error());
  auto key = RequiredValue(object, "Key");
  if (!key) return tl::unexpected(key.error());
  if (key->empty()) return MalformedXml("an <Object> has an empty <Key>");
  auto version_id = OptionalValue(object, "VersionId");
  if (!version_id) return tl::unexpected(version_id.error());
  return ObjectIdentifier{std::move(*key), std::move(*version_id)};
}

XmlResult<PartEtag> ReadPart(const XmlElement& part) {
  if (auto checked = CheckStructure(part); !checked) return tl::unexpected(checked.error());
  auto number_text = RequiredValue(part, "PartNumber");
  if (!number_text) return tl::unexpected(number_text.error());
  std::optional<int> number = ParseInt32(*number_text);
  if (!number) return MalformedXml("<PartNumber> is not an integer: " + *number_text);
  auto etag = RequiredValue(part, "ETag");
  if (!etag) return tl::unexpected(etag.error());
  return PartEtag{*number, std::move(*etag)};
}

XmlResult<bool> ReadQuiet(const XmlElement& root) {
  auto text = OptionalValue(root, "Quiet");
  if (!text) return tl::unexpected(text.error());
  if (!*text) return false;
  std::optional<bool> quiet = ParseBoolean(**text);
  if (!quiet) return MalformedXml("<Quiet> is not a boolean: " + **text);
  return *quiet;
}

}  // namespace

XmlResult<DeleteObjectsRequest> ParseDeleteObjects(std::string_view xml) {
  auto root = ParseRoot(xml, "Delete");
  if (!root) return tl::unexpected(root.error());
  DeleteObjectsRequest request;
  auto quiet = ReadQuiet(*root);
  if (!quiet) return tl::unexpected(quiet.error());
  request.quiet = *quiet;
  for (const XmlElement& child : root->children) {
    if (child.name != "Object") continue;
    if (request.objects.size() == kMaxDeleteObjects) {
      return MalformedXml("more than " + std::to_string(kMaxDeleteObjects) + " <Object>s");
    }
    auto object = ReadObjectIdentifier(child);
    if (!object) return tl::unexpected(object.error());
    request.objects.push_back(std::move(*object));
  }
  if (request.objects.empty()) return MalformedXml("<Delete> has no <Object>");
  return request;
}

XmlResult<std::vector<PartEtag>> ParseCompleteMultipartUpload(std::string_view xml) {
  auto root = ParseRoot(xml, "CompleteMultipartUpload");
  if (!root) return tl::unexpected(root.error());
  std::vector<PartEtag> parts;
  for (const XmlElement& child : root->children) {
    if (child.name != "Part") continue;
    auto part = ReadPart(child);
    if (!part) return tl::unexpected(part.error());
    parts.push_back(std::move(*part));
  }
  if (parts.empty()) return MalformedXml("<CompleteMultipartUpload> has no <Part>");
  return parts;
}

XmlResult<LocationConstraint> ParseCreateBucketConfiguration(std::string_view xml) {
  if (TrimXmlSpace(xml).empty()) return LocationConstraint();
  auto root = ParseRoot(xml, "CreateBucketConfiguration");
  if (!root) return tl::unexpected(root.error());
  return OptionalValue(*root, "LocationConstraint");
}

std::string WriteDeleteObjects(const DeleteObjectsRequest& request) {
  std::string out;
  XmlWriter writer(out);
  writer.Open("Delete", kS3Namespace);
  for (const ObjectIdentifier& object : request.objects) {
    writer.Open("Object").Element("Key", object.key);
    if (object.version_id) writer.Element("VersionId", *object.version_id);
    writer.Close();
  }
  if (request.quiet) writer.Element("Quiet", true);
  writer.Close();
  return out;
}

std::string WriteCompleteMultipartUpload(const std::vector<PartEtag>& parts) {
  std::string out;
  XmlWriter writer(out);
  writer.Open("CompleteMultipartUpload", kS3Namespace);
  for (const PartEtag& part : parts) {
    writer.Open("Part").Element("ETag", part.etag).Element("PartNumber", part.part_number);
    writer.Close();
  }
  writer.Close();
  return out;
}

std::string WriteCreateBucketConfiguration(const LocationConstraint& location) {
  std::string out;
  if (!location) return out;
  XmlWriter writer(out);
  writer.Open("CreateBucketConfiguration", kS3Namespace);
  writer.Element("LocationConstraint", *location).Close();
  return out;
}

}  // namespace sf::engine::s3
