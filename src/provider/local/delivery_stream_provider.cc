#include "provider/local/delivery_stream_provider.h"

#include <cmath>

#include "provider/local/property_values.h"
#include "provider/physical_name.h"
#include "provider/property_diff.h"

namespace sf::provider {

namespace {

using nlohmann::json;

constexpr char kType[] = "AWS::KinesisFirehose::DeliveryStream";
constexpr char kS3[] = "S3DestinationConfiguration";
constexpr char kExtendedS3[] = "ExtendedS3DestinationConfiguration";
constexpr int64_t kDefaultSizeInMBs = 5;
constexpr int64_t kDefaultIntervalInSeconds = 300;
// Members CreateDeliveryStream takes as the template gives them (the engine refuses the
// sources and destinations it does not run, with its reason).
constexpr const char* kPassedThrough[] = {"KinesisStreamSourceConfiguration",
                                          "MSKSourceConfiguration",
                                          "DatabaseSourceConfiguration",
                                          "DirectPutSourceConfiguration",
                                          "DeliveryStreamEncryptionConfigurationInput",
                                          "RedshiftDestinationConfiguration",
                                          "ElasticsearchDestinationConfiguration",
                                          "AmazonopensearchserviceDestinationConfiguration",
                                          "AmazonOpenSearchServerlessDestinationConfiguration",
                                          "SplunkDestinationConfiguration",
                                          "HttpEndpointDestinationConfiguration",
                                          "SnowflakeDestinationConfiguration",
                                          "IcebergDestinationConfiguration"};

Error FromFirehose(const std::string& operation, const std::string& name,
                   const client::ServiceError& error) {
  ErrorCode code = error.http_status == 0 || error.http_status >= 500 ? ErrorCode::kIo
                   : error.type == "ResourceNotFoundException"        ? ErrorCode::kNotFound
                                                                      : ErrorCode::kInvalidArgument;
  return Error{code, operation + " " + name + ": " + error.type + ": " + error.message};
}

// A destination as the API takes it: the template's members, BufferingHints as numbers (a
// template may write "60").
json DestinationJson(const Value& destination) {
  json out = destination.ToJson();
  if (const Value* hints = destination.Find("BufferingHints"); hints != nullptr && hints->IsMap()) {
    json numbers = json::object();
    if (auto size = IntegerOf(hints->Find("SizeInMBs"))) numbers["SizeInMBs"] = *size;
    if (auto interval = IntegerOf(hints->Find("IntervalInSeconds"))) {
      numbers["IntervalInSeconds"] = *interval;
    }
    out["BufferingHints"] = numbers;
  }
  return out;
}

// The same as an *Update: UpdateDestination merges, so what the template dropped is reset to
// Firehose's defaults explicitly.
json DestinationUpdateJson(const Value& destination) {
  json out = DestinationJson(destination);
  for (const char* member : {"Prefix", "ErrorOutputPrefix"}) {
    if (!out.contains(member)) out[member] = "";
  }
  json& hints = out["BufferingHints"];
  if (!hints.is_object()) hints = json::object();
  if (!hints.contains("SizeInMBs")) hints["SizeInMBs"] = kDefaultSizeInMBs;
  if (!hints.contains("IntervalInSeconds")) hints["IntervalInSeconds"] = kDefaultIntervalInSeconds;
  if (!out.contains("CompressionFormat")) out["CompressionFormat"] = "UNCOMPRESSED";
  if (auto backup = out.find("S3BackupConfiguration"); backup != out.end()) {
    out["S3BackupUpdate"] = *backup;
    out.erase("S3BackupConfiguration");
  }
  return out;
}

// ExtendedS3DestinationDescription as the template's ExtendedS3DestinationConfiguration: empty
// prefixes are no prefixes, the backup description is the backup configuration.
Value ObservedDestination(const json& description) {
  json out = json::object();
  for (const auto& [key, value] : description.items()) {
    if ((key == "Prefix" || key == "ErrorOutputPrefix") && value == "") continue;
    out[key == "S3BackupDescription" ? "S3BackupConfiguration" : key] = value;
  }
  return Value::FromTaggedJson(out);
}

}  // namespace

DeliveryStreamProvider::DeliveryStreamProvider(std::string endpoint, auth::Credentials credentials,
                                               std::string region)
    : clients_([endpoint, credentials, region] {
        return std::make_unique<client::FirehoseClient>(endpoint, credentials, region);
      }) {}

const std::string& DeliveryStreamProvider::type_name() const {
  static const std::string type = kType;
  return type;
}

const std::string& DeliveryStreamProvider::name_property() const {
  static const std::string name = "DeliveryStreamName";
  return name;
}

std::string DeliveryStreamProvider::GenerateName(const std::string& stack_name,
                                                 const std::string& logical_id) const {
  return GeneratePhysicalName(stack_name, logical_id, NameRules{64, false});
}

Result<nlohmann::json> DeliveryStreamProvider::ListTags(client::FirehoseClient& client,
                                                        const std::string& name) {
  json tags = json::array();
  json request = {{"DeliveryStreamName", name}};
  for (;;) {
    auto page = client.Call("ListTagsForDeliveryStream", request);
    if (!page) return tl::unexpected(FromFirehose("ListTagsForDeliveryStream", name, page.error()));
    for (const json& tag : page->value("Tags", json::array())) tags.push_back(tag);
    if (!page->value("HasMoreTags", false) || tags.empty()) return tags;
    request["ExclusiveStartTagKey"] = tags.back().value("Key", "");
  }
}

Result<LiveState> DeliveryStreamProvider::ReadOne(client::FirehoseClient& client,
                                                  const std::string& name) {
  auto described = client.Call("DescribeDeliveryStream", {{"DeliveryStreamName", name}});
  if (!described) {
    if (described.error().type == "ResourceNotFoundException") return LiveState{};
    return tl::unexpected(FromFirehose("DescribeDeliveryStream", name, described.error()));
  }
  const json& stream = (*described)["DeliveryStreamDescription"];
  auto tags = ListTags(client, name);
  if (!tags) {
    if (tags.error().code == ErrorCode::kNotFound) return LiveState{};  // deleted meanwhile
    return tl::unexpected(tags.error());
  }
  LiveState state;
  state.exists = true;
  state.physical_id = name;
  Value properties = Value::Map();
  properties.Set("DeliveryStreamName", Value::String(name));
  properties.Set("DeliveryStreamType", Value::String(stream.value("DeliveryStreamType", "")));
  for (const json& destination : stream.value("Destinations", json::array())) {
    auto extended = destination.find("ExtendedS3DestinationDescription");
    if (extended != destination.end() && extended->is_object()) {
      properties.Set(kExtendedS3, ObservedDestination(*extended));
    }
  }
  if (!tags->empty()) properties.Set("Tags", Value::FromTaggedJson(*tags));
  state.properties = std::move(properties);
  state.observed = {"DeliveryStreamName", "DeliveryStreamType", kExtendedS3, "Tags"};
  std::string arn = stream.value("DeliveryStreamARN", "");
  state.attributes["Arn"] = Value::String(arn);
  state.incarnation = arn;
  if (auto created = stream.find("CreateTimestamp");
      created != stream.end() && created->is_number()) {
    state.created_ms = static_cast<int64_t>(std::llround(created->get<double>() * 1000));
  }
  std::string suffix = "/" + name;
  if (arn.size() > suffix.size() &&
      arn.compare(arn.size() - suffix.size(), suffix.size(), suffix) == 0) {
    std::lock_guard lock(arn_mu_);
    if (arn_prefix_.empty()) arn_prefix_ = arn.substr(0, arn.size() - name.size());
  }
  return state;
}

std::vector<Result<LiveState>> DeliveryStreamProvider::Read(
    std::span<const std::string> physical_ids) {
  return ReadEach(clients_, physical_ids,
                  [this](auto& client, const std::string& id) { return ReadOne(client, id); });
}

Result<LiveState> DeliveryStreamProvider::Create(const CreateRequest& request) {
  const std::string& name = request.physical_id;
  const Value& properties = request.properties;
  auto client = clients_.Acquire();
  auto existing = client->Call("DescribeDeliveryStream", {{"DeliveryStreamName", name}});
  if (existing)
    return Fail(ErrorCode::kInvalidArgument, "delivery stream " + name + " already exists");
  if (existing.error().type != "ResourceNotFoundException") {
    return tl::unexpected(FromFirehose("DescribeDeliveryStream", name, existing.error()));
  }
  json body = {{"DeliveryStreamName", name}};
  if (const Value* type = properties.Find("DeliveryStreamType")) {
    body["DeliveryStreamType"] = type->AsString();
  }
  for (const char* member : {kS3, kExtendedS3}) {
    if (const Value* destination = properties.Find(member))
      body[member] = DestinationJson(*destination);
  }
  for (const char* member : kPassedThrough) {
    if (const Value* value = properties.Find(member)) body[member] = value->ToJson();
  }
  json tags = json::array();
  for (const auto& [key, value] : TagMap(properties.Find("Tags"))) {
    tags.push_back({{"Key", key}, {"Value", value}});
  }
  if (!tags.empty()) body["Tags"] = tags;
  auto created = client->Call("CreateDeliveryStream", body);
  if (!created) return tl::unexpected(FromFirehose("CreateDeliveryStream", name, created.error()));
  return ReadOne(*client, name);
}

Status DeliveryStreamProvider::UpdateTags(client::FirehoseClient& client, const std::string& name,
                                          const Value& before, const Value& after) {
  auto old_tags = TagMap(before.Find("Tags"));
  auto new_tags = TagMap(after.Find("Tags"));
  if (old_tags == new_tags) return {};
  json removed = json::array();
  for (const auto& [key, value] : old_tags) {
    if (!new_tags.count(key)) removed.push_back(key);
  }
  if (!removed.empty()) {
    auto done =
        client.Call("UntagDeliveryStream", {{"DeliveryStreamName", name}, {"TagKeys", removed}});
    if (!done) return tl::unexpected(FromFirehose("UntagDeliveryStream", name, done.error()));
  }
  json added = json::array();
  for (const auto& [key, value] : new_tags) {
    auto old = old_tags.find(key);
    if (old == old_tags.end() || old->second != value)
      added.push_back({{"Key", key}, {"Value", value}});
  }
  if (!added.empty()) {
    auto done = client.Call("TagDeliveryStream", {{"DeliveryStreamName", name}, {"Tags", added}});
    if (!done) return tl::unexpected(FromFirehose("TagDeliveryStream", name, done.error()));
  }
  return {};
}

Result<LiveState> DeliveryStreamProvider::Update(const UpdateRequest& request) {
  const std::string& name = request.physical_id;
  auto client = clients_.Acquire();
  const Value* extended = request.after.Find(kExtendedS3);
  const Value* plain = request.after.Find(kS3);
  const Value* destination = extended != nullptr ? extended : plain;
  const Value* old_destination = request.before.Find(extended != nullptr ? kExtendedS3 : kS3);
  bool changed = destination != nullptr &&
                 (old_destination == nullptr || *old_destination != *destination ||
                  (request.before.Find(kExtendedS3) == nullptr) != (extended == nullptr));
  if (changed) {
    auto described = client->Call("DescribeDeliveryStream", {{"DeliveryStreamName", name}});
    if (!described) {
      return tl::unexpected(FromFirehose("DescribeDeliveryStream", name, described.error()));
    }
    const json& stream = (*described)["DeliveryStreamDescription"];
    json body = {{"DeliveryStreamName", name},
                 {"CurrentDeliveryStreamVersionId", stream.value("VersionId", "")},
                 {"DestinationId", stream["Destinations"][0].value("DestinationId", "")}};
    body[extended != nullptr ? "ExtendedS3DestinationUpdate" : "S3DestinationUpdate"] =
        DestinationUpdateJson(*destination);
    auto updated = client->Call("UpdateDestination", body);
    if (!updated) return tl::unexpected(FromFirehose("UpdateDestination", name, updated.error()));
  }
  if (auto tagged = UpdateTags(*client, name, request.before, request.after); !tagged) {
    return tl::unexpected(tagged.error());
  }
  return ReadOne(*client, name);
}

Status DeliveryStreamProvider::Delete(const DeleteRequest& request) {
  const std::string& name = request.physical_id;
  auto client = clients_.Acquire();
  auto deleted = client->Call("DeleteDeliveryStream", {{"DeliveryStreamName", name}});
  if (!deleted && deleted.error().type != "ResourceNotFoundException") {
    return tl::unexpected(FromFirehose("DeleteDeliveryStream", name, deleted.error()));
  }
  return {};
}

Result<DataFacts> DeliveryStreamProvider::DataHeld(const std::string& physical_id) {
  auto client = clients_.Acquire();
  auto buffered = client->Buffered(physical_id);
  if (!buffered) return tl::unexpected(FromFirehose("DataHeld", physical_id, buffered.error()));
  DataFacts facts;
  facts.known = true;
  facts.records = buffered->value("bufferedRecords", int64_t{0});
  facts.bytes = buffered->value("bufferedBytes", int64_t{0});
  return facts;
}

Status DeliveryStreamProvider::Empty(const std::string& physical_id) {
  auto client = clients_.Acquire();
  auto flushed = client->Flush(physical_id);
  if (!flushed) {
    if (flushed.error().type == "ResourceNotFoundException") return {};
    return tl::unexpected(FromFirehose("Flush", physical_id, flushed.error()));
  }
  return {};
}

Result<std::vector<UpdateStep>> DeliveryStreamProvider::PlanUpdate(const Value& before,
                                                                   const Value& after) const {
  std::vector<std::string> changed = ChangedProperties(before, after);
  if (changed.empty()) return std::vector<UpdateStep>{};
  for (const std::string& name : changed) {
    if (name == "DeliveryStreamName" || name == "DeliveryStreamType" ||
        name.find("SourceConfiguration") != std::string::npos) {
      return Fail(ErrorCode::kInvalidArgument,
                  "cannot update in place: " + name + " is set only when the stream is created");
    }
    if (name != kS3 && name != kExtendedS3 && name != "Tags") {
      return Fail(ErrorCode::kInvalidArgument,
                  "cannot update in place: the engine changes only S3 destinations and tags");
    }
  }
  if (after.Find(kS3) == nullptr && after.Find(kExtendedS3) == nullptr) {
    return Fail(ErrorCode::kInvalidArgument,
                "cannot update in place: a delivery stream keeps its destination");
  }
  return std::vector<UpdateStep>{{after, DescribeChanged(changed)}};
}

std::map<std::string, Value> DeliveryStreamProvider::PredictAttributes(
    const std::string& physical_id, const Value& /*properties*/) const {
  std::lock_guard lock(arn_mu_);
  if (arn_prefix_.empty()) return {};
  return {{"Arn", Value::String(arn_prefix_ + physical_id)}};
}

}  // namespace sf::provider
