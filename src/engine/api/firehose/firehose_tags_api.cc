// FirehoseApi: TagDeliveryStream, UntagDeliveryStream, ListTagsForDeliveryStream.

#include <cctype>

#include "base/json_writer.h"
#include "engine/api/firehose/firehose_api.h"

namespace sf::engine::firehose {

namespace {

constexpr size_t kMaxTagsPerCall = 50;
constexpr char kKeyPattern[] = "^(?!aws:)[\\p{L}\\p{Z}\\p{N}_.:\\/=+\\-@%]*$";
constexpr char kValuePattern[] = "^[\\p{L}\\p{Z}\\p{N}_.:\\/=+\\-@%]*$";

// Letters, spaces and digits of any script (every non-ASCII byte is taken for one), and
// _.:/=+-@%.
bool IsTagText(std::string_view text) {
  for (unsigned char c : text) {
    bool ok = c >= 0x80 || std::isalnum(c) || c == ' ' ||
              std::string_view("_.:/=+-@%").find(static_cast<char>(c)) != std::string_view::npos;
    if (!ok) return false;
  }
  return true;
}

void CheckKey(JsonRequest& request, std::string_view key, const std::string& path) {
  request.CheckLength(key, path, 1, 128);
  if (key.substr(0, 4) == "aws:" || !IsTagText(key)) {
    request.AddViolation(
        std::string(key), path,
        std::string("Member must satisfy regular expression pattern: ") + kKeyPattern);
  }
}

void CheckCount(JsonRequest& request, size_t count, const std::string& path) {
  if (count < 1 || count > kMaxTagsPerCall) {
    request.AddViolation(count < 1 ? "[]" : "[...]", path,
                         count < 1 ? "Member must have length greater than or equal to 1"
                                   : "Member must have length less than or equal to 50");
  }
}

}  // namespace

std::map<std::string, std::string> FirehoseApi::ReadTags(JsonRequest& request,
                                                         simdjson::dom::array tags,
                                                         const std::string& path) {
  std::map<std::string, std::string> out;
  CheckCount(request, tags.size(), path);
  size_t index = 0;
  for (auto element : tags) {
    std::string member = path + "." + std::to_string(++index) + ".member";
    auto object = element.get_object();
    if (object.error()) {
      request.AddViolation("", member, "Member must be a structure");
      continue;
    }
    auto key = request.String(object.value(), "Key");
    auto value = request.String(object.value(), "Value");
    if (!key) request.AddNullViolation(member + ".key");
    if (key) CheckKey(request, *key, member + ".key");
    if (value) {
      request.CheckLength(*value, member + ".value", 0, 256);
      if (!IsTagText(*value)) {
        request.AddViolation(
            std::string(*value), member + ".value",
            std::string("Member must satisfy regular expression pattern: ") + kValuePattern);
      }
    }
    if (key) out[std::string(*key)] = value ? std::string(*value) : "";
  }
  return out;
}

ApiResult<std::string> FirehoseApi::TagDeliveryStream(JsonRequest& request) {
  std::string name = StreamName(request);
  std::map<std::string, std::string> tags;
  if (auto list = request.Array("Tags")) {
    tags = ReadTags(request, *list, "tags");
  } else {
    request.AddNullViolation("tags");
  }
  if (auto valid = request.Finish(); !valid) return tl::unexpected(valid.error());
  if (auto tagged = service_.Tag(name, tags); !tagged) return tl::unexpected(tagged.error());
  return std::string("{}");
}

ApiResult<std::string> FirehoseApi::UntagDeliveryStream(JsonRequest& request) {
  std::string name = StreamName(request);
  std::vector<std::string> keys;
  if (auto list = request.Array("TagKeys")) {
    CheckCount(request, list->size(), "tagKeys");
    size_t index = 0;
    for (auto element : *list) {
      std::string path = "tagKeys." + std::to_string(++index) + ".member";
      auto key = element.get_string();
      if (key.error()) return ApiFail("SerializationException", "Expected a string in tagKeys");
      CheckKey(request, key.value(), path);
      keys.emplace_back(key.value());
    }
  } else {
    request.AddNullViolation("tagKeys");
  }
  if (auto valid = request.Finish(); !valid) return tl::unexpected(valid.error());
  if (auto untagged = service_.Untag(name, keys); !untagged) {
    return tl::unexpected(untagged.error());
  }
  return std::string("{}");
}

ApiResult<std::string> FirehoseApi::ListTagsForDeliveryStream(JsonRequest& request) {
  std::string name = StreamName(request);
  auto start = request.String("ExclusiveStartTagKey");
  if (start) request.CheckLength(*start, "exclusiveStartTagKey", 1, 128);
  int64_t limit = static_cast<int64_t>(kMaxTagsPerCall);
  if (auto given = request.Integer("Limit")) {
    request.CheckRange(*given, "limit", 1, 50);
    limit = *given;
  }
  if (auto valid = request.Finish(); !valid) return tl::unexpected(valid.error());
  auto stream = service_.Get(name);
  if (!stream) return tl::unexpected(stream.error());
  std::string body;
  JsonWriter json(body);
  json.BeginObject().Key("Tags").BeginArray();
  int64_t listed = 0;
  bool more = false;
  for (const auto& [key, value] : stream->tags) {
    if (start && key <= *start) continue;
    if (listed == limit) {
      more = true;
      break;
    }
    json.BeginObject().Member("Key", key).Member("Value", value).EndObject();
    ++listed;
  }
  json.EndArray().Key("HasMoreTags").Bool(more).EndObject();
  return body;
}

}  // namespace sf::engine::firehose
