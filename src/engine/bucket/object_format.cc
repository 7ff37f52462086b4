#include "engine/bucket/object_format.h"

#include <cctype>
#include <cstring>
#include <nlohmann/json.hpp>

#include "engine/bucket/digest.h"

namespace sf::engine {
namespace {

using Json = nlohmann::json;

constexpr std::string_view kUserPrefix = "x-amz-meta-";

std::string Lower(std::string text) {
  for (char& c : text) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return text;
}

template <class T>
void PutLe(std::string* out, T value) {
  for (size_t i = 0; i < sizeof(T); ++i) {
    out->push_back(static_cast<char>((value >> (8 * i)) & 0xff));
  }
}

template <class T>
T GetLe(const char* p) {
  T value = 0;
  for (size_t i = 0; i < sizeof(T); ++i) {
    value |= static_cast<T>(static_cast<unsigned char>(p[i])) << (8 * i);
  }
  return value;
}

tl::unexpected<StoreError> Corrupt(const std::string& why) {
  return StoreFail(StoreErrorCode::kInternalError, "not a valid object file: " + why);
}

std::string Str(const Json& json, const char* name) {
  auto it = json.find(name);
  return it != json.end() && it->is_string() ? it->get<std::string>() : "";
}

// Throws Json::exception on a field of the wrong type.
ObjectInfo FromJson(const Json& json);

}  // namespace

ObjectMetadata NormalizeMetadata(const ObjectMetadata& metadata) {
  ObjectMetadata out = metadata;
  out.user.clear();
  for (const auto& [name, value] : metadata.user) {
    std::string lower = Lower(name);
    if (lower.compare(0, kUserPrefix.size(), kUserPrefix) == 0) {
      lower = lower.substr(kUserPrefix.size());
    }
    out.user[lower] = value;
  }
  return out;
}

std::string EncodeTrailer(const ObjectInfo& info) {
  Json json = {{"key_hex", HexEncode(info.key)},
               {"size", info.size},
               {"etag", info.etag},
               {"last_modified_ms", info.last_modified_ms},
               {"parts", info.part_count},
               {"content_type", info.metadata.content_type},
               {"content_encoding", info.metadata.content_encoding},
               {"cache_control", info.metadata.cache_control},
               {"content_disposition", info.metadata.content_disposition},
               {"user", info.metadata.user}};
  std::string out = json.dump(-1, ' ', false, Json::error_handler_t::replace);
  auto json_bytes = static_cast<uint32_t>(out.size());
  PutLe<uint32_t>(&out, json_bytes);
  PutLe<uint64_t>(&out, info.size);
  out.append(kFooterMagic, 8);
  return out;
}

StoreResult<ObjectInfo> ReadTrailer(const ReadableFile& file) {
  auto file_size = file.Size();
  if (!file_size) return tl::unexpected(file_size.error());
  if (*file_size < kFooterBytes) return Corrupt("shorter than the footer");
  char footer[kFooterBytes];
  auto n = file.ReadAt(*file_size - kFooterBytes, kFooterBytes, footer);
  if (!n) return tl::unexpected(n.error());
  if (*n != kFooterBytes || std::memcmp(footer + 12, kFooterMagic, 8) != 0) {
    return Corrupt("no footer");
  }
  auto json_bytes = GetLe<uint32_t>(footer);
  auto size = GetLe<uint64_t>(footer + 4);
  if (size > *file_size || json_bytes != *file_size - kFooterBytes - size) {
    return Corrupt("lengths do not match the file size");
  }
  std::string text(json_bytes, '\0');
  n = file.ReadAt(size, json_bytes, text.data());
  if (!n) return tl::unexpected(n.error());
  Json json = Json::parse(text, nullptr, false);
  if (json.is_discarded() || !json.is_object()) return Corrupt("bad metadata");
  try {
    ObjectInfo info = FromJson(json);
    if (info.key.empty() || info.size != size) return Corrupt("metadata does not match footer");
    return info;
  } catch (const Json::exception& e) {
    return Corrupt(e.what());
  }
}

namespace {
ObjectInfo FromJson(const Json& json) {
  ObjectInfo info;
  info.key = HexDecode(Str(json, "key_hex"));
  info.size = json.value("size", uint64_t{0});
  info.etag = Str(json, "etag");
  info.last_modified_ms = json.value("last_modified_ms", int64_t{0});
  info.part_count = json.value("parts", uint32_t{0});
  info.metadata.content_type = Str(json, "content_type");
  info.metadata.content_encoding = Str(json, "content_encoding");
  info.metadata.cache_control = Str(json, "cache_control");
  info.metadata.content_disposition = Str(json, "content_disposition");
  if (auto it = json.find("user"); it != json.end() && it->is_object()) {
    for (const auto& [name, value] : it->items()) {
      if (value.is_string()) info.metadata.user[name] = value.get<std::string>();
    }
  }
  return info;
}
}  // namespace

}  // namespace sf::engine
