#include "provider/local/kinesis_stream_provider.h"

#include <algorithm>
#include <cmath>
#include <thread>

#include "base/clock.h"
#include "provider/fan_out.h"
#include "provider/local/property_values.h"
#include "provider/physical_name.h"
#include "provider/property_diff.h"

namespace sf::provider {

namespace {

const std::string kTypeName = "AWS::Kinesis::Stream";
const std::string kNameProperty = "Name";
constexpr int64_t kDefaultRetentionHours = 24;
constexpr size_t kTagsPerCall = 50;  // AddTagsToStream and RemoveTagsFromStream take 50 at most

// Properties the engine does not act on: planned and recorded, never sent.
const char* const kNotActedOn[] = {"DesiredShardLevelMetrics", "MaxRecordSizeInKiB",
                                   "WarmThroughputMiBps"};

std::string ModeOf(const Value& properties) {
  const Value* details = properties.Find("StreamModeDetails");
  const Value* mode = details != nullptr ? details->Find("StreamMode") : nullptr;
  return mode != nullptr && mode->IsString() ? mode->text() : "PROVISIONED";
}

int64_t RetentionOf(const Value& properties) {
  return IntegerOf(properties.Find("RetentionPeriodHours")).value_or(kDefaultRetentionHours);
}

bool SameMember(const Value& a, const Value& b, const std::string& name) {
  const Value* x = a.Find(name);
  const Value* y = b.Find(name);
  return x != nullptr && y != nullptr ? *x == *y : x == y;
}

Error ToError(const std::string& operation, const std::string& stream,
              const client::KinesisError& error) {
  std::string message = operation + " " + stream + ": " + error.type + ": " + error.message;
  if (error.type == "ConnectionError" || error.http_status >= 500) {
    return Error{ErrorCode::kIo, message};
  }
  if (client::IsAuthError(error)) message += " (the engine refused the credentials)";
  return Error{ErrorCode::kInvalidArgument, message};
}

}  // namespace

KinesisStreamProvider::KinesisStreamProvider(std::string endpoint, auth::Credentials credentials,
                                             std::string region, StreamProviderOptions options)
    : options_(options),
      clients_([endpoint = std::move(endpoint), credentials = std::move(credentials),
                region = std::move(region)] {
        return std::make_unique<Client>(endpoint, credentials, region);
      }) {}

const std::string& KinesisStreamProvider::type_name() const { return kTypeName; }
const std::string& KinesisStreamProvider::name_property() const { return kNameProperty; }

Result<nlohmann::json> KinesisStreamProvider::Call(Client& client, const std::string& operation,
                                                   const std::string& stream,
                                                   const nlohmann::json& request) {
  auto reply = client.Call(operation, request);
  if (!reply) return tl::unexpected(ToError(operation, stream, reply.error()));
  return std::move(*reply);
}

void KinesisStreamProvider::LearnArn(const std::string& arn, const std::string& name) const {
  const std::string suffix = ":stream/" + name;
  if (arn.size() <= suffix.size() ||
      arn.compare(arn.size() - suffix.size(), suffix.size(), suffix) != 0)
    return;
  std::lock_guard lock(arn_mu_);
  if (arn_prefix_.empty()) arn_prefix_ = arn.substr(0, arn.size() - name.size());
}

Result<LiveState> KinesisStreamProvider::ReadOne(Client& client, const std::string& name) {
  LiveState state;
  state.physical_id = name;
  auto summary = client.Call("DescribeStreamSummary", {{"StreamName", name}});
  if (!summary) {
    if (summary.error().type == "ResourceNotFoundException") return state;
    return tl::unexpected(ToError("DescribeStreamSummary", name, summary.error()));
  }
  std::map<std::string, std::string> tags;
  nlohmann::json page_request = {{"StreamName", name}};
  for (;;) {
    auto page = client.Call("ListTagsForStream", page_request);
    if (!page) {
      if (page.error().type == "ResourceNotFoundException") return state;  // deleted meanwhile
      return tl::unexpected(ToError("ListTagsForStream", name, page.error()));
    }
    std::string last;
    for (const auto& tag : page->value("Tags", nlohmann::json::array())) {
      last = tag.value("Key", "");
      tags[last] = tag.value("Value", "");
    }
    if (!page->value("HasMoreTags", false) || last.empty()) break;
    page_request["ExclusiveStartTagKey"] = last;
  }

  const nlohmann::json& description =
      summary->value("StreamDescriptionSummary", nlohmann::json::object());
  const std::string mode = description.value("StreamModeDetails", nlohmann::json::object())
                               .value("StreamMode", "PROVISIONED");
  const std::string arn = description.value("StreamARN", "");
  state.exists = true;
  Value properties = Value::Map({{"Name", Value::String(description.value("StreamName", name))}});
  state.observed = {"Name", "RetentionPeriodHours", "StreamModeDetails", "Tags"};
  if (mode != "ON_DEMAND") {
    properties.Set("ShardCount", IntegerValue(description.value("OpenShardCount", int64_t{0})));
    state.observed.push_back("ShardCount");
  }
  properties.Set("RetentionPeriodHours",
                 IntegerValue(description.value("RetentionPeriodHours", kDefaultRetentionHours)));
  properties.Set("StreamModeDetails", Value::Map({{"StreamMode", Value::String(mode)}}));
  if (!tags.empty()) properties.Set("Tags", TagList(tags));
  state.properties = std::move(properties);
  if (!arn.empty()) {
    state.attributes["Arn"] = Value::String(arn);
    LearnArn(arn, name);
  }
  double seconds = description.value("StreamCreationTimestamp", 0.0);
  state.created_ms = static_cast<int64_t>(std::llround(seconds * 1000.0));
  state.incarnation = std::to_string(state.created_ms);
  return state;
}

std::vector<Result<LiveState>> KinesisStreamProvider::Read(
    std::span<const std::string> physical_ids) {
  return ReadEach(clients_, physical_ids,
                  [this](auto& client, const std::string& id) { return ReadOne(client, id); });
}

Status KinesisStreamProvider::WaitUntilActive(Client& client, const std::string& name,
                                              const OperationContext& context) {
  RealClock clock;
  const int64_t deadline = clock.NowMs() + options_.wait_timeout_ms;
  bool told = false;
  for (;;) {
    auto summary = Call(client, "DescribeStreamSummary", name, {{"StreamName", name}});
    if (!summary) return tl::unexpected(summary.error());
    std::string status = (*summary)["StreamDescriptionSummary"].value("StreamStatus", "");
    if (status == "ACTIVE") return {};
    if (clock.NowMs() >= deadline) {
      return Fail(ErrorCode::kIo, "stream " + name + " is still " + status + " after " +
                                      std::to_string(options_.wait_timeout_ms / 1000) +
                                      " s (expected ACTIVE)");
    }
    if (!told && context.progress) context.progress("waiting for " + name + " to be ACTIVE");
    told = true;
    std::this_thread::sleep_for(std::chrono::milliseconds(options_.poll_interval_ms));
  }
}

Status KinesisStreamProvider::Reshard(Client& client, const std::string& name, int64_t from,
                                      int64_t to, const OperationContext& context) {
  if (from == to) return {};
  if (context.progress)
    context.progress("ShardCount " + std::to_string(from) + " -> " + std::to_string(to));
  auto updated =
      Call(client, "UpdateShardCount", name,
           {{"StreamName", name}, {"TargetShardCount", to}, {"ScalingType", "UNIFORM_SCALING"}});
  if (!updated) return tl::unexpected(updated.error());
  return WaitUntilActive(client, name, context);
}

Status KinesisStreamProvider::SetRetention(Client& client, const std::string& name, int64_t from,
                                           int64_t to) {
  if (from == to) return {};
  const std::string operation =
      to > from ? "IncreaseStreamRetentionPeriod" : "DecreaseStreamRetentionPeriod";
  auto set = Call(client, operation, name, {{"StreamName", name}, {"RetentionPeriodHours", to}});
  if (!set) return tl::unexpected(set.error());
  return {};
}

Status KinesisStreamProvider::SetTags(Client& client, const std::string& name,
                                      const std::map<std::string, std::string>& from,
                                      const std::map<std::string, std::string>& to) {
  std::vector<std::string> removed;
  for (const auto& [key, value] : from)
    if (to.count(key) == 0) removed.push_back(key);
  std::vector<std::pair<std::string, std::string>> added;
  for (const auto& [key, value] : to) {
    auto it = from.find(key);
    if (it == from.end() || it->second != value) added.emplace_back(key, value);
  }
  for (size_t first = 0; first < removed.size(); first += kTagsPerCall) {
    size_t last = std::min(removed.size(), first + kTagsPerCall);
    nlohmann::json keys(std::vector<std::string>(removed.begin() + static_cast<long>(first),
                                                 removed.begin() + static_cast<long>(last)));
    auto done =
        Call(client, "RemoveTagsFromStream", name, {{"StreamName", name}, {"TagKeys", keys}});
    if (!done) return tl::unexpected(done.error());
  }
  for (size_t first = 0; first < added.size(); first += kTagsPerCall) {
    nlohmann::json tags = nlohmann::json::object();
    for (size_t i = first; i < std::min(added.size(), first + kTagsPerCall); ++i)
      tags[added[i].first] = added[i].second;
    auto done = Call(client, "AddTagsToStream", name, {{"StreamName", name}, {"Tags", tags}});
    if (!done) return tl::unexpected(done.error());
  }
  return {};
}

Result<LiveState> KinesisStreamProvider::Create(const CreateRequest& request) {
  const std::string& name = request.physical_id;
  const Value& properties = request.properties;
  auto client = clients_.Acquire();
  nlohmann::json create = {{"StreamName", name}};
  if (auto shards = IntegerOf(properties.Find("ShardCount"))) create["ShardCount"] = *shards;
  if (properties.Find("StreamModeDetails") != nullptr)
    create["StreamModeDetails"] = {{"StreamMode", ModeOf(properties)}};
  if (auto created = client->Call("CreateStream", create); !created) {
    if (created.error().type == "ResourceInUseException") {
      return Fail(ErrorCode::kInvalidArgument, "stream " + name + " already exists");
    }
    return tl::unexpected(ToError("CreateStream", name, created.error()));
  }
  if (auto active = WaitUntilActive(*client, name, request.context); !active)
    return tl::unexpected(active.error());
  if (auto tagged = SetTags(*client, name, {}, TagMap(properties.Find("Tags"))); !tagged)
    return tl::unexpected(tagged.error());
  if (auto kept = SetRetention(*client, name, kDefaultRetentionHours, RetentionOf(properties));
      !kept)
    return tl::unexpected(kept.error());
  return ReadOne(*client, name);
}

Result<LiveState> KinesisStreamProvider::Update(const UpdateRequest& request) {
  const std::string& name = request.physical_id;
  auto client = clients_.Acquire();
  auto live = ReadOne(*client, name);
  if (!live) return live;
  if (!live->exists) return Fail(ErrorCode::kNotFound, "stream " + name + " does not exist");
  const Value& after = request.after;
  if (ModeOf(after) != ModeOf(live->properties)) {
    return Fail(ErrorCode::kInvalidArgument, "cannot update in place: stream " + name + " is " +
                                                 ModeOf(live->properties) +
                                                 " and the engine has no UpdateStreamMode");
  }
  if (ModeOf(after) != "ON_DEMAND") {
    auto from = IntegerOf(live->properties.Find("ShardCount"));
    auto to = IntegerOf(after.Find("ShardCount"));
    if (from && to) {
      if (auto resharded = Reshard(*client, name, *from, *to, request.context); !resharded)
        return tl::unexpected(resharded.error());
    }
  }
  if (auto kept = SetRetention(*client, name, RetentionOf(live->properties), RetentionOf(after));
      !kept)
    return tl::unexpected(kept.error());
  if (auto tagged =
          SetTags(*client, name, TagMap(live->properties.Find("Tags")), TagMap(after.Find("Tags")));
      !tagged)
    return tl::unexpected(tagged.error());
  return ReadOne(*client, name);
}

Status KinesisStreamProvider::Delete(const DeleteRequest& request) {
  const std::string& name = request.physical_id;
  auto client = clients_.Acquire();
  auto deleted =
      client->Call("DeleteStream", {{"StreamName", name}, {"EnforceConsumerDeletion", true}});
  if (!deleted) {
    if (deleted.error().type == "ResourceNotFoundException") return {};
    return tl::unexpected(ToError("DeleteStream", name, deleted.error()));
  }
  RealClock clock;
  const int64_t deadline = clock.NowMs() + options_.wait_timeout_ms;
  for (bool told = false;; told = true) {
    auto summary = client->Call("DescribeStreamSummary", {{"StreamName", name}});
    if (!summary) {
      if (summary.error().type == "ResourceNotFoundException") return {};
      return tl::unexpected(ToError("DescribeStreamSummary", name, summary.error()));
    }
    if (clock.NowMs() >= deadline) {
      return Fail(ErrorCode::kIo, "stream " + name + " still exists " +
                                      std::to_string(options_.wait_timeout_ms / 1000) +
                                      " s after DeleteStream");
    }
    if (!told && request.context.progress)
      request.context.progress("waiting for " + name + " to be deleted");
    std::this_thread::sleep_for(std::chrono::milliseconds(options_.poll_interval_ms));
  }
}

Result<DataFacts> KinesisStreamProvider::DataHeld(const std::string& physical_id) {
  auto client = clients_.Acquire();
  auto live = ReadOne(*client, physical_id);
  if (!live) return tl::unexpected(live.error());
  if (!live->exists) return Fail(ErrorCode::kNotFound, "stream " + physical_id + " does not exist");
  // The engine reports records ever put and log bytes on disk, not records retained.
  return DataFacts{};
}

Status KinesisStreamProvider::Empty(const std::string& physical_id) {
  return Fail(ErrorCode::kInvalidArgument,
              "stream " + physical_id +
                  ": a Kinesis stream cannot be emptied (records leave only by retention)");
}

std::string KinesisStreamProvider::GenerateName(const std::string& stack_name,
                                                const std::string& logical_id) const {
  return GeneratePhysicalName(stack_name, logical_id, NameRules{128, false});
}

Result<std::vector<UpdateStep>> KinesisStreamProvider::PlanUpdate(const Value& before,
                                                                  const Value& after) const {
  std::vector<std::string> changed = ChangedProperties(before, after);
  if (changed.empty()) return std::vector<UpdateStep>{};
  if (!SameMember(before, after, "Name")) {
    return Fail(ErrorCode::kInvalidArgument,
                "cannot update in place: Name is the stream's name, set only at creation");
  }
  if (ModeOf(before) != ModeOf(after)) {
    return Fail(ErrorCode::kInvalidArgument,
                "cannot update in place: StreamModeDetails " + ModeOf(before) + " -> " +
                    ModeOf(after) + " needs UpdateStreamMode, which the engine does not have");
  }
  if (!SameMember(before, after, "StreamEncryption")) {
    return Fail(ErrorCode::kInvalidArgument,
                "cannot update in place: StreamEncryption needs Start/StopStreamEncryption, "
                "which the engine does not have");
  }
  std::optional<int64_t> from = IntegerOf(before.Find("ShardCount"));
  std::optional<int64_t> to = IntegerOf(after.Find("ShardCount"));
  const bool reshard = ModeOf(after) != "ON_DEMAND" && from != to;
  std::vector<std::string> others;  // what rides on the first step
  for (const std::string& name : changed) {
    if (reshard && name == "ShardCount") continue;
    bool ignored =
        std::find(std::begin(kNotActedOn), std::end(kNotActedOn), name) != std::end(kNotActedOn);
    others.push_back(ignored ? name + " (not acted on by the engine)" : name);
  }
  if (!reshard) return std::vector<UpdateStep>{{after, DescribeChanged(others)}};
  if (!from || !to || *from < 1 || *to < 1) {
    return Fail(ErrorCode::kInvalidArgument,
                "ShardCount must be a whole number of at least 1 in PROVISIONED mode");
  }
  // Each step at most doubles or halves the open shards, as UpdateShardCount allows.
  std::vector<UpdateStep> steps;
  for (int64_t current = *from; current != *to;) {
    int64_t next = *to > current ? std::min(*to, current * 2) : std::max(*to, (current + 1) / 2);
    UpdateStep step{after, "ShardCount " + std::to_string(current) + " -> " + std::to_string(next)};
    step.properties.Set("ShardCount", IntegerValue(next));
    if (steps.empty() && !others.empty()) step.description += ", " + DescribeChanged(others);
    steps.push_back(std::move(step));
    current = next;
  }
  return steps;
}

std::map<std::string, Value> KinesisStreamProvider::PredictAttributes(
    const std::string& physical_id, const Value& /*properties*/) const {
  std::lock_guard lock(arn_mu_);
  if (arn_prefix_.empty()) return {};
  return {{"Arn", Value::String(arn_prefix_ + physical_id)}};
}

}  // namespace sf::provider
