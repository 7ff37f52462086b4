#include "engine/api/firehose/firehose_destination.h"

#include <climits>

namespace sf::engine::firehose {

namespace {

constexpr char kNoEncryption[] = R"({"NoEncryptionConfig":"NoEncryption"})";
constexpr char kExtensionPattern[] = "^$|\\.[0-9a-z!\\-_.*'()]+";

// The members every S3 shape has, and the ones only ExtendedS3 shapes have; the engine acts on
// some and keeps the rest as given.
bool PlainMember(std::string_view name) {
  return name == "EncryptionConfiguration" || name == "CloudWatchLoggingOptions";
}
bool ExtendedMember(std::string_view name) {
  return name == "ProcessingConfiguration" || name == "S3BackupMode" ||
         name == "S3BackupConfiguration" || name == "S3BackupUpdate" ||
         name == "DataFormatConversionConfiguration" ||
         name == "DynamicPartitioningConfiguration" || name == "CustomTimeZone";
}

// An integer member of a nested object (JsonRequest reads the root's only).
ApiResult<std::optional<int64_t>> NestedInteger(simdjson::dom::object object,
                                                std::string_view name) {
  auto field = object[name];
  if (field.error() || field.is_null()) return std::nullopt;
  if (field.is_int64()) return field.get_int64().value();
  if (field.is_uint64()) return INT64_MAX;
  if (field.is_double()) return static_cast<int64_t>(field.get_double().value());
  const char* type = field.is_string() ? "java.lang.String"
                     : field.is_bool() ? "java.lang.Boolean"
                                       : "structure";
  return ApiFail("SerializationException",
                 std::string("class ") + type + " can not be converted to an Integer");
}

bool IsExtension(std::string_view text) {
  if (text.empty()) return true;
  if (text[0] != '.' || text.size() < 2) return false;
  for (char c : text.substr(1)) {
    bool ok = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') ||
              std::string_view("!-_.*'()").find(c) != std::string_view::npos;
    if (!ok) return false;
  }
  return true;
}

void CheckArn(JsonRequest& request, std::string_view value, const std::string& path, size_t max) {
  request.CheckLength(value, path, 1, max);
  if (value.substr(0, 4) != "arn:") {
    request.AddViolation(std::string(value), path,
                         "Member must satisfy regular expression pattern: arn:.*");
  }
}

ApiResult<void> ApplyBuffering(JsonRequest& request, simdjson::dom::element element,
                               const std::string& path, delivery::BufferingHints& hints) {
  if (!element.is_object()) return ApiFail("SerializationException", "Expected map or null");
  auto object = element.get_object().value();
  auto size = NestedInteger(object, "SizeInMBs");
  if (!size) return tl::unexpected(size.error());
  auto interval = NestedInteger(object, "IntervalInSeconds");
  if (!interval) return tl::unexpected(interval.error());
  if (*size) {
    request.CheckRange(**size, path + ".sizeInMBs", 1, 128);
    hints.size_mb = **size;
  }
  if (*interval) {
    request.CheckRange(**interval, path + ".intervalInSeconds", 0, 900);
    hints.interval_s = **interval;
  }
  return {};
}

}  // namespace

ApiResult<void> ApplyDestination(JsonRequest& request, simdjson::dom::object object,
                                 const DestinationShape& shape,
                                 delivery::S3Destination& destination, std::string& refusal) {
  const std::string& path = shape.path;
  auto bucket = request.String(object, "BucketARN");
  auto role = request.String(object, "RoleARN");
  if (shape.configuration && !bucket) request.AddNullViolation(path + ".bucketARN");
  if (shape.configuration && !role) request.AddNullViolation(path + ".roleARN");
  if (bucket) {
    CheckArn(request, *bucket, path + ".bucketARN", 2048);
    destination.bucket_arn = std::string(*bucket);
  }
  if (role) {
    CheckArn(request, *role, path + ".roleARN", 512);
    destination.role_arn = std::string(*role);
  }
  if (auto prefix = request.String(object, "Prefix")) {
    request.CheckLength(*prefix, path + ".prefix", 0, 1024);
    destination.prefix = std::string(*prefix);
  }
  if (auto error_prefix = request.String(object, "ErrorOutputPrefix")) {
    request.CheckLength(*error_prefix, path + ".errorOutputPrefix", 0, 1024);
    destination.error_output_prefix = std::string(*error_prefix);
  }
  if (auto compression = request.String(object, "CompressionFormat")) {
    request.CheckEnum(*compression, path + ".compressionFormat",
                      {"UNCOMPRESSED", "GZIP", "ZIP", "Snappy", "HADOOP_SNAPPY"});
    if (*compression == "GZIP") {
      destination.compression = delivery::Compression::kGzip;
    } else if (*compression == "UNCOMPRESSED") {
      destination.compression = delivery::Compression::kUncompressed;
    } else {
      refusal = "CompressionFormat " + std::string(*compression) +
                " is not supported by the engine: use UNCOMPRESSED or GZIP";
    }
  }
  if (auto extension = request.String(object, "FileExtension"); extension && shape.extended) {
    request.CheckLength(*extension, path + ".fileExtension", 0, 128);
    if (!IsExtension(*extension)) {
      request.AddViolation(
          std::string(*extension), path + ".fileExtension",
          std::string("Member must satisfy regular expression pattern: ") + kExtensionPattern);
    }
    destination.file_extension = std::string(*extension);
  }
  for (auto [key, value] : object) {
    if (key == "BufferingHints" && !value.is_null()) {
      auto applied =
          ApplyBuffering(request, value, path + ".bufferingHints", destination.buffering);
      if (!applied) return applied;
    } else if (!value.is_null() && (PlainMember(key) || (shape.extended && ExtendedMember(key)))) {
      std::string name(key == "S3BackupUpdate" ? "S3BackupConfiguration" : key);
      destination.kept[name] = std::string(simdjson::minify(value));
    }
  }
  return {};
}

void WriteDestinationDescription(JsonWriter& json, const delivery::S3Destination& destination,
                                 bool extended) {
  json.BeginObject()
      .Member("RoleARN", destination.role_arn)
      .Member("BucketARN", destination.bucket_arn);
  if (!destination.prefix.empty()) json.Member("Prefix", destination.prefix);
  if (!destination.error_output_prefix.empty()) {
    json.Member("ErrorOutputPrefix", destination.error_output_prefix);
  }
  json.Key("BufferingHints")
      .BeginObject()
      .Member("SizeInMBs", destination.buffering.size_mb)
      .Member("IntervalInSeconds", destination.buffering.interval_s)
      .EndObject()
      .Member("CompressionFormat", delivery::CompressionName(destination.compression));
  auto encryption = destination.kept.find("EncryptionConfiguration");
  json.Key("EncryptionConfiguration")
      .Raw(encryption != destination.kept.end() ? encryption->second : kNoEncryption);
  for (const auto& [name, text] : destination.kept) {
    if (name == "EncryptionConfiguration" || (!extended && !PlainMember(name))) continue;
    json.Key(name).Raw(text);
  }
  if (extended && !destination.file_extension.empty()) {
    json.Member("FileExtension", destination.file_extension);
  }
  json.EndObject();
}

}  // namespace sf::engine::firehose
