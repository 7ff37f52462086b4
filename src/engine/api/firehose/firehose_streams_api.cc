// FirehoseApi: CreateDeliveryStream, DescribeDeliveryStream, ListDeliveryStreams,
// DeleteDeliveryStream, UpdateDestination.

#include <array>

#include "base/json_writer.h"
#include "engine/api/firehose/firehose_api.h"
#include "engine/api/firehose/firehose_destination.h"

namespace sf::engine::firehose {

namespace {

constexpr std::array<const char*, 10> kDestinations = {
    "S3DestinationConfiguration",
    "ExtendedS3DestinationConfiguration",
    "RedshiftDestinationConfiguration",
    "ElasticsearchDestinationConfiguration",
    "AmazonopensearchserviceDestinationConfiguration",
    "SplunkDestinationConfiguration",
    "HttpEndpointDestinationConfiguration",
    "AmazonOpenSearchServerlessDestinationConfiguration",
    "SnowflakeDestinationConfiguration",
    "IcebergDestinationConfiguration"};
constexpr std::array<const char*, 10> kUpdates = {"S3DestinationUpdate",
                                                  "ExtendedS3DestinationUpdate",
                                                  "RedshiftDestinationUpdate",
                                                  "ElasticsearchDestinationUpdate",
                                                  "AmazonopensearchserviceDestinationUpdate",
                                                  "SplunkDestinationUpdate",
                                                  "HttpEndpointDestinationUpdate",
                                                  "AmazonOpenSearchServerlessDestinationUpdate",
                                                  "SnowflakeDestinationUpdate",
                                                  "IcebergDestinationUpdate"};
const std::vector<std::string_view> kStreamTypes = {"DirectPut", "KinesisStreamAsSource",
                                                    "MSKAsSource", "DatabaseAsSource"};

// The members of `request` among `names` that are given.
template <size_t N>
std::vector<std::string> Given(JsonRequest& request, const std::array<const char*, N>& names) {
  std::vector<std::string> out;
  for (const char* name : names) {
    if (request.Object(name)) out.push_back(name);
  }
  return out;
}

tl::unexpected<ApiError> InvalidArgument(std::string message) {
  return ApiFail("InvalidArgumentException", std::move(message));
}

std::string DescriptionJson(const delivery::DeliveryStream& stream) {
  std::string body;
  JsonWriter json(body);
  json.BeginObject().Key("DeliveryStreamDescription").BeginObject();
  json.Member("DeliveryStreamName", stream.name)
      .Member("DeliveryStreamARN", stream.arn)
      .Member("DeliveryStreamStatus", "ACTIVE")
      .Key("DeliveryStreamEncryptionConfiguration")
      .BeginObject()
      .Member("Status", "DISABLED")
      .EndObject()
      .Member("DeliveryStreamType", stream.type)
      .Member("VersionId", std::to_string(stream.version))
      .Key("CreateTimestamp")
      .Double(static_cast<double>(stream.created_ms) / 1000.0)
      .Key("LastUpdateTimestamp")
      .Double(static_cast<double>(stream.updated_ms) / 1000.0);
  json.Key("Destinations").BeginArray().BeginObject();
  json.Member("DestinationId", delivery::kDestinationId);
  json.Key("S3DestinationDescription");
  WriteDestinationDescription(json, stream.destination, false);
  json.Key("ExtendedS3DestinationDescription");
  WriteDestinationDescription(json, stream.destination, true);
  json.EndObject().EndArray();
  json.Key("HasMoreDestinations").Bool(false);
  json.EndObject().EndObject();
  return body;
}

}  // namespace

ApiResult<std::string> FirehoseApi::CreateDeliveryStream(JsonRequest& request) {
  delivery::DeliveryStream stream;
  stream.name = StreamName(request);
  if (auto type = request.String("DeliveryStreamType")) {
    request.CheckEnum(*type, "deliveryStreamType", kStreamTypes);
    stream.type = std::string(*type);
  }
  std::vector<std::string> given = Given(request, kDestinations);
  std::string refusal;
  bool s3 = given.size() == 1 && (given[0] == kDestinations[0] || given[0] == kDestinations[1]);
  if (s3) {
    stream.extended = given[0] == kDestinations[1];
    DestinationShape shape{LowerFirst(given[0]), stream.extended, true};
    auto applied =
        ApplyDestination(request, *request.Object(given[0]), shape, stream.destination, refusal);
    if (!applied) return tl::unexpected(applied.error());
  }
  if (auto tags = request.Array("Tags")) stream.tags = ReadTags(request, *tags, "tags");
  bool kinesis_source = request.Object("KinesisStreamSourceConfiguration").has_value();
  if (auto valid = request.Finish(); !valid) return tl::unexpected(valid.error());
  if (stream.type != delivery::kDirectPut) {
    return InvalidArgument("DeliveryStreamType " + stream.type +
                           " is not supported by the engine: create a DirectPut delivery stream "
                           "and put records to it (from a Lambda function reading the stream, "
                           "for instance)");
  }
  if (kinesis_source) {
    return InvalidArgument(
        "KinesisSourceStreamConfig is only applicable for KinesisStreamAsSource stream type");
  }
  if (given.size() != 1) {
    return InvalidArgument("Exactly one destination configuration is supported for a Firehose");
  }
  if (!s3) {
    return InvalidArgument(given[0] +
                           " is not supported by the engine: it delivers to S3 buckets only "
                           "(S3DestinationConfiguration or ExtendedS3DestinationConfiguration)");
  }
  if (!refusal.empty()) return InvalidArgument(refusal);
  auto created = service_.Create(std::move(stream));
  if (!created) return tl::unexpected(created.error());
  std::string body;
  JsonWriter(body).BeginObject().Member("DeliveryStreamARN", created->arn).EndObject();
  return body;
}

ApiResult<std::string> FirehoseApi::DescribeDeliveryStream(JsonRequest& request) {
  std::string name = StreamName(request);
  if (auto limit = request.Integer("Limit")) request.CheckRange(*limit, "limit", 1, 10000);
  if (auto start = request.String("ExclusiveStartDestinationId")) {
    request.CheckLength(*start, "exclusiveStartDestinationId", 1, 100);
  }
  if (auto valid = request.Finish(); !valid) return tl::unexpected(valid.error());
  auto stream = service_.Get(name);
  if (!stream) return tl::unexpected(stream.error());
  return DescriptionJson(*stream);
}

ApiResult<std::string> FirehoseApi::ListDeliveryStreams(JsonRequest& request) {
  int64_t limit = 10;
  if (auto given = request.Integer("Limit")) {
    request.CheckRange(*given, "limit", 1, 10000);
    limit = *given;
  }
  auto type = request.String("DeliveryStreamType");
  if (type) request.CheckEnum(*type, "deliveryStreamType", kStreamTypes);
  auto start = request.String("ExclusiveStartDeliveryStreamName");
  if (start) {
    request.CheckLength(*start, "exclusiveStartDeliveryStreamName", 1, 64);
    request.CheckNamePattern(*start, "exclusiveStartDeliveryStreamName");
  }
  if (auto valid = request.Finish(); !valid) return tl::unexpected(valid.error());
  std::string body;
  JsonWriter json(body);
  json.BeginObject().Key("DeliveryStreamNames").BeginArray();
  int64_t listed = 0;
  bool more = false;
  for (const auto& stream : service_.List()) {
    if ((type && stream.type != *type) || (start && stream.name <= *start)) continue;
    if (listed == limit) {
      more = true;
      break;
    }
    json.String(stream.name);
    ++listed;
  }
  json.EndArray().Key("HasMoreDeliveryStreams").Bool(more).EndObject();
  return body;
}

ApiResult<std::string> FirehoseApi::DeleteDeliveryStream(JsonRequest& request) {
  std::string name = StreamName(request);
  request.Bool("AllowForceDelete");  // accepted; every delete is immediate
  if (auto valid = request.Finish(); !valid) return tl::unexpected(valid.error());
  if (auto deleted = service_.Delete(name); !deleted) return tl::unexpected(deleted.error());
  return std::string("{}");
}

ApiResult<std::string> FirehoseApi::UpdateDestination(JsonRequest& request) {
  std::string name = StreamName(request);
  auto version = request.String("CurrentDeliveryStreamVersionId");
  if (!version) request.AddNullViolation("currentDeliveryStreamVersionId");
  if (version) {
    request.CheckLength(*version, "currentDeliveryStreamVersionId", 1, 50);
    if (version->find_first_not_of("0123456789") != std::string_view::npos) {
      request.AddViolation(std::string(*version), "currentDeliveryStreamVersionId",
                           "Member must satisfy regular expression pattern: [0-9]+");
    }
  }
  auto destination_id = request.String("DestinationId");
  if (!destination_id) request.AddNullViolation("destinationId");
  if (destination_id) request.CheckLength(*destination_id, "destinationId", 1, 100);
  std::vector<std::string> given = Given(request, kUpdates);
  bool s3 = given.size() == 1 && (given[0] == kUpdates[0] || given[0] == kUpdates[1]);
  bool extended = s3 && given[0] == kUpdates[1];
  DestinationShape shape{s3 ? LowerFirst(given[0]) : "", extended, false};
  std::string refusal;
  if (s3) {  // checked against a scratch copy first: the stream's own is changed under its lock
    delivery::S3Destination scratch;
    auto applied = ApplyDestination(request, *request.Object(given[0]), shape, scratch, refusal);
    if (!applied) return tl::unexpected(applied.error());
  }
  if (auto valid = request.Finish(); !valid) return tl::unexpected(valid.error());
  if (given.size() != 1) {
    return InvalidArgument("Exactly one destination update is supported for a Firehose");
  }
  if (!s3) {
    return InvalidArgument(given[0] +
                           " is not supported by the engine: it delivers to S3 buckets only");
  }
  if (!refusal.empty()) return InvalidArgument(refusal);
  auto object = *request.Object(given[0]);
  auto updated = service_.UpdateDestination(
      name, *version, *destination_id, [&](delivery::DeliveryStream& stream) -> ApiResult<void> {
        std::string ignored;
        if (extended) stream.extended = true;
        return ApplyDestination(request, object, shape, stream.destination, ignored);
      });
  if (!updated) return tl::unexpected(updated.error());
  return std::string("{}");
}

}  // namespace sf::engine::firehose
