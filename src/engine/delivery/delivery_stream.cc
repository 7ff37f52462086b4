#include "engine/delivery/delivery_stream.h"

#include <nlohmann/json.hpp>

#include "engine/delivery/prefix_expression.h"

namespace sf::engine::delivery {

namespace {

using nlohmann::json;

constexpr std::string_view kBucketArnPrefix = "arn:aws:s3:::";

// The kept member `name` parsed, or null when absent or not JSON.
json Kept(const S3Destination& destination, const std::string& name) {
  auto it = destination.kept.find(name);
  if (it == destination.kept.end()) return nullptr;
  return json::parse(it->second, nullptr, false);
}

// Whether a kept {"Enabled": ...} member turns its feature on; `by_default` when the member is
// there without Enabled.
bool Enabled(const json& member, bool by_default) {
  if (!member.is_object()) return false;
  auto enabled = member.find("Enabled");
  if (enabled == member.end() || !enabled->is_boolean()) return by_default;
  return enabled->get<bool>();
}

}  // namespace

std::string_view CompressionName(Compression compression) {
  return compression == Compression::kGzip ? "GZIP" : "UNCOMPRESSED";
}

std::string DeliveryStreamArn(std::string_view region, std::string_view account,
                              std::string_view name) {
  return "arn:aws:firehose:" + std::string(region) + ":" + std::string(account) +
         ":deliverystream/" + std::string(name);
}

std::string BucketName(std::string_view bucket_arn) {
  if (bucket_arn.substr(0, kBucketArnPrefix.size()) != kBucketArnPrefix) return "";
  std::string_view name = bucket_arn.substr(kBucketArnPrefix.size());
  if (name.empty() || name.find('/') != std::string_view::npos) return "";
  return std::string(name);
}

std::string ObjectExtension(const S3Destination& destination) {
  if (!destination.file_extension.empty()) return destination.file_extension;
  return destination.compression == Compression::kGzip ? ".gz" : "";
}

std::optional<std::string> CheckDestination(const S3Destination& destination) {
  if (BucketName(destination.bucket_arn).empty()) {
    return "BucketARN " + destination.bucket_arn +
           " is not an S3 bucket ARN (arn:aws:s3:::<bucket name>)";
  }
  if (auto prefixes = CheckPrefixes(destination.prefix, destination.error_output_prefix)) {
    return prefixes;
  }
  if (Enabled(Kept(destination, "ProcessingConfiguration"), false)) {
    return "Data transformation (ProcessingConfiguration) is not supported by the engine: "
           "records are delivered as they are put";
  }
  if (Enabled(Kept(destination, "DataFormatConversionConfiguration"), true)) {
    return "Record format conversion (DataFormatConversionConfiguration) is not supported by "
           "the engine";
  }
  if (Enabled(Kept(destination, "DynamicPartitioningConfiguration"), false)) {
    return "Dynamic partitioning (DynamicPartitioningConfiguration) is not supported by the "
           "engine";
  }
  json backup = Kept(destination, "S3BackupMode");
  if (backup.is_string() && backup.get<std::string>() != "Disabled") {
    return "S3BackupMode " + backup.get<std::string>() +
           " is not supported by the engine: only Disabled";
  }
  if (destination.kept.count("S3BackupConfiguration")) {
    return "S3BackupConfiguration is not supported by the engine (S3 backup is always "
           "Disabled)";
  }
  json zone = Kept(destination, "CustomTimeZone");
  if (zone.is_string() && !zone.get<std::string>().empty() && zone.get<std::string>() != "UTC") {
    return "CustomTimeZone " + zone.get<std::string>() +
           " is not supported by the engine: prefixes are evaluated in UTC";
  }
  return std::nullopt;
}

std::string ToJson(const DeliveryStream& stream) {
  const S3Destination& d = stream.destination;
  json kept = json::object();
  for (const auto& [name, text] : d.kept) kept[name] = text;
  json out = {{"name", stream.name},
              {"arn", stream.arn},
              {"id", stream.id},
              {"type", stream.type},
              {"version", stream.version},
              {"createdMs", stream.created_ms},
              {"updatedMs", stream.updated_ms},
              {"extended", stream.extended},
              {"tags", stream.tags},
              {"destination",
               {{"bucketArn", d.bucket_arn},
                {"roleArn", d.role_arn},
                {"prefix", d.prefix},
                {"errorOutputPrefix", d.error_output_prefix},
                {"sizeInMBs", d.buffering.size_mb},
                {"intervalInSeconds", d.buffering.interval_s},
                {"compression", CompressionName(d.compression)},
                {"fileExtension", d.file_extension},
                {"kept", kept}}}};
  return out.dump();
}

Result<DeliveryStream> DeliveryStreamFromJson(std::string_view text) {
  json row = json::parse(text, nullptr, false);
  if (!row.is_object()) return Fail(ErrorCode::kParse, "a delivery stream row is not JSON");
  try {
    DeliveryStream stream;
    stream.name = row.at("name").get<std::string>();
    stream.arn = row.at("arn").get<std::string>();
    stream.id = row.at("id").get<std::string>();
    stream.type = row.at("type").get<std::string>();
    stream.version = row.at("version").get<int64_t>();
    stream.created_ms = row.at("createdMs").get<int64_t>();
    stream.updated_ms = row.at("updatedMs").get<int64_t>();
    stream.extended = row.at("extended").get<bool>();
    stream.tags = row.at("tags").get<std::map<std::string, std::string>>();
    const json& d = row.at("destination");
    S3Destination& destination = stream.destination;
    destination.bucket_arn = d.at("bucketArn").get<std::string>();
    destination.role_arn = d.at("roleArn").get<std::string>();
    destination.prefix = d.at("prefix").get<std::string>();
    destination.error_output_prefix = d.at("errorOutputPrefix").get<std::string>();
    destination.buffering.size_mb = d.at("sizeInMBs").get<int64_t>();
    destination.buffering.interval_s = d.at("intervalInSeconds").get<int64_t>();
    destination.compression = d.at("compression").get<std::string>() == "GZIP"
                                  ? Compression::kGzip
                                  : Compression::kUncompressed;
    destination.file_extension = d.at("fileExtension").get<std::string>();
    destination.kept = d.at("kept").get<std::map<std::string, std::string>>();
    return stream;
  } catch (const json::exception& e) {
    return Fail(ErrorCode::kParse, std::string("a delivery stream row is malformed: ") + e.what());
  }
}

}  // namespace sf::engine::delivery
