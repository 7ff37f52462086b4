#include "provider/local/events_rule_provider.h"

#include <algorithm>
#include <set>

#include "provider/local/property_values.h"
#include "provider/physical_name.h"
#include "provider/property_diff.h"

namespace sf::provider {

namespace {

using nlohmann::json;

constexpr char kType[] = "AWS::Events::Rule";

Error FromEvents(const std::string& operation, const std::string& name,
                 const client::EventsError& error) {
  ErrorCode code = error.http_status == 0 || error.http_status >= 500 ? ErrorCode::kIo
                   : error.type == "ResourceNotFoundException"        ? ErrorCode::kNotFound
                                                                      : ErrorCode::kInvalidArgument;
  return Error{code, operation + " " + name + ": " + error.type + ": " + error.message};
}

// Plain JSON (an API response) as a template Value: numbers keep their text.
Value FromJson(const json& value) { return Value::FromTaggedJson(value); }

// EventPattern as the API takes it: a JSON document's text.
std::string PatternText(const Value& pattern) {
  return pattern.IsString() ? pattern.text() : pattern.ToJson().dump();
}

json TargetsRequest(const Value* targets) {
  json out = json::array();
  if (targets == nullptr || !targets->IsList()) return out;
  for (const Value& target : targets->items()) out.push_back(target.ToJson());
  return out;
}

std::string TargetId(const json& target) {
  auto id = target.find("Id");
  return id != target.end() && id->is_string() ? id->get<std::string>() : std::string();
}

}  // namespace

EventsRuleProvider::EventsRuleProvider(std::string endpoint, auth::Credentials credentials,
                                       std::string region)
    : clients_([endpoint, credentials, region] {
        return std::make_unique<client::EventsClient>(endpoint, credentials, region);
      }) {}

const std::string& EventsRuleProvider::type_name() const {
  static const std::string type = kType;
  return type;
}

const std::string& EventsRuleProvider::name_property() const {
  static const std::string name = "Name";
  return name;
}

std::string EventsRuleProvider::GenerateName(const std::string& stack_name,
                                             const std::string& logical_id) const {
  return GeneratePhysicalName(stack_name, logical_id, NameRules{64, false});
}

Result<nlohmann::json> EventsRuleProvider::ListTargets(client::EventsClient& client,
                                                       const std::string& name) {
  json targets = json::array();
  json request = {{"Rule", name}};
  for (;;) {
    auto page = client.Call("ListTargetsByRule", request);
    if (!page) return tl::unexpected(FromEvents("ListTargetsByRule", name, page.error()));
    for (const json& target : page->value("Targets", json::array())) targets.push_back(target);
    auto next = page->find("NextToken");
    if (next == page->end() || !next->is_string()) return targets;
    request["NextToken"] = *next;
  }
}

Result<LiveState> EventsRuleProvider::ReadOne(client::EventsClient& client,
                                              const std::string& name) {
  auto rule = client.Call("DescribeRule", {{"Name", name}});
  if (!rule) {
    if (rule.error().type == "ResourceNotFoundException") return LiveState{};
    return tl::unexpected(FromEvents("DescribeRule", name, rule.error()));
  }
  auto targets = ListTargets(client, name);
  if (!targets) {
    if (targets.error().code == ErrorCode::kNotFound) return LiveState{};  // deleted meanwhile
    return tl::unexpected(targets.error());
  }
  LiveState state;
  state.exists = true;
  state.physical_id = name;
  Value properties = Value::Map();
  properties.Set("Name", Value::String(name));
  for (const char* member : {"ScheduleExpression", "State", "Description", "RoleArn"}) {
    auto it = rule->find(member);
    if (it != rule->end() && it->is_string() && !it->get<std::string>().empty()) {
      properties.Set(member, Value::String(it->get<std::string>()));
    }
  }
  if (auto pattern = rule->find("EventPattern"); pattern != rule->end() && pattern->is_string()) {
    json parsed = json::parse(pattern->get<std::string>(), nullptr, false);
    properties.Set("EventPattern", parsed.is_object() ? FromJson(parsed)
                                                      : Value::String(pattern->get<std::string>()));
  }
  if (!targets->empty()) properties.Set("Targets", FromJson(*targets));
  state.properties = std::move(properties);
  state.observed = {
      "Name", "ScheduleExpression", "EventPattern", "State", "Description", "RoleArn", "Targets"};
  std::string arn = rule->value("Arn", "");
  if (!arn.empty()) state.attributes["Arn"] = Value::String(arn);
  state.incarnation = arn;
  return state;
}

std::vector<Result<LiveState>> EventsRuleProvider::Read(std::span<const std::string> physical_ids) {
  return ReadEach(clients_, physical_ids,
                  [this](auto& client, const std::string& id) { return ReadOne(client, id); });
}

Status EventsRuleProvider::PutRule(client::EventsClient& client, const std::string& name,
                                   const Value& properties, bool with_tags) {
  json request = {{"Name", name}};
  for (const char* member :
       {"ScheduleExpression", "State", "Description", "RoleArn", "EventBusName"}) {
    if (const Value* value = properties.Find(member)) request[member] = value->AsString();
  }
  if (const Value* pattern = properties.Find("EventPattern")) {
    request["EventPattern"] = PatternText(*pattern);
  }
  if (with_tags) {
    json tags = json::array();
    for (const auto& [key, value] : TagMap(properties.Find("Tags"))) {
      tags.push_back({{"Key", key}, {"Value", value}});
    }
    if (!tags.empty()) request["Tags"] = tags;
  }
  auto put = client.Call("PutRule", request);
  if (!put) return tl::unexpected(FromEvents("PutRule", name, put.error()));
  return {};
}

Result<LiveState> EventsRuleProvider::Create(const CreateRequest& request) {
  const std::string& name = request.physical_id;
  auto client = clients_.Acquire();
  auto existing = client->Call("DescribeRule", {{"Name", name}});
  if (existing) return Fail(ErrorCode::kInvalidArgument, "rule " + name + " already exists");
  if (existing.error().type != "ResourceNotFoundException") {
    return tl::unexpected(FromEvents("DescribeRule", name, existing.error()));
  }
  if (auto put = PutRule(*client, name, request.properties, true); !put) {
    return tl::unexpected(put.error());
  }
  json targets = TargetsRequest(request.properties.Find("Targets"));
  if (!targets.empty()) {
    auto put = client->Call("PutTargets", {{"Rule", name}, {"Targets", targets}});
    if (!put) return tl::unexpected(FromEvents("PutTargets", name, put.error()));
  }
  return ReadOne(*client, name);
}

Result<LiveState> EventsRuleProvider::Update(const UpdateRequest& request) {
  const std::string& name = request.physical_id;
  auto client = clients_.Acquire();
  auto live = ListTargets(*client, name);
  if (!live) return tl::unexpected(live.error());
  if (auto put = PutRule(*client, name, request.after, false); !put) {
    return tl::unexpected(put.error());
  }
  json targets = TargetsRequest(request.after.Find("Targets"));
  std::set<std::string> kept;
  for (const json& target : targets) kept.insert(TargetId(target));
  json removed = json::array();
  for (const json& target : *live) {
    if (!kept.count(TargetId(target))) removed.push_back(TargetId(target));
  }
  if (!removed.empty()) {
    auto done = client->Call("RemoveTargets", {{"Rule", name}, {"Ids", removed}});
    if (!done) return tl::unexpected(FromEvents("RemoveTargets", name, done.error()));
  }
  if (!targets.empty()) {
    auto done = client->Call("PutTargets", {{"Rule", name}, {"Targets", targets}});
    if (!done) return tl::unexpected(FromEvents("PutTargets", name, done.error()));
  }
  auto before = TagMap(request.before.Find("Tags"));
  auto after = TagMap(request.after.Find("Tags"));
  if (before != after) {
    auto described = client->Call("DescribeRule", {{"Name", name}});
    if (!described) return tl::unexpected(FromEvents("DescribeRule", name, described.error()));
    std::string arn = described->value("Arn", "");
    json untag = json::array();
    for (const auto& [key, value] : before) {
      if (!after.count(key)) untag.push_back(key);
    }
    if (!untag.empty()) {
      auto done = client->Call("UntagResource", {{"ResourceARN", arn}, {"TagKeys", untag}});
      if (!done) return tl::unexpected(FromEvents("UntagResource", name, done.error()));
    }
    json tag = json::array();
    for (const auto& [key, value] : after) tag.push_back({{"Key", key}, {"Value", value}});
    if (!tag.empty()) {
      auto done = client->Call("TagResource", {{"ResourceARN", arn}, {"Tags", tag}});
      if (!done) return tl::unexpected(FromEvents("TagResource", name, done.error()));
    }
  }
  return ReadOne(*client, name);
}

Status EventsRuleProvider::Delete(const DeleteRequest& request) {
  const std::string& name = request.physical_id;
  auto client = clients_.Acquire();
  auto targets = ListTargets(*client, name);
  if (!targets) {
    if (targets.error().code == ErrorCode::kNotFound) return {};
    return tl::unexpected(targets.error());
  }
  json ids = json::array();
  for (const json& target : *targets) ids.push_back(TargetId(target));
  if (!ids.empty()) {
    auto removed = client->Call("RemoveTargets", {{"Rule", name}, {"Ids", ids}});
    if (!removed && removed.error().type != "ResourceNotFoundException") {
      return tl::unexpected(FromEvents("RemoveTargets", name, removed.error()));
    }
  }
  auto deleted = client->Call("DeleteRule", {{"Name", name}});
  if (!deleted && deleted.error().type != "ResourceNotFoundException") {
    return tl::unexpected(FromEvents("DeleteRule", name, deleted.error()));
  }
  return {};
}

Result<DataFacts> EventsRuleProvider::DataHeld(const std::string& /*physical_id*/) {
  DataFacts facts;
  facts.known = true;  // a rule holds no data
  return facts;
}

Status EventsRuleProvider::Empty(const std::string& physical_id) {
  return Fail(ErrorCode::kInvalidArgument, "rule " + physical_id + " holds nothing to empty");
}

Result<std::vector<UpdateStep>> EventsRuleProvider::PlanUpdate(const Value& before,
                                                               const Value& after) const {
  std::vector<std::string> changed = ChangedProperties(before, after);
  if (changed.empty()) return std::vector<UpdateStep>{};
  for (const std::string& name : changed) {
    if (name == "Name" || name == "EventBusName") {
      return Fail(ErrorCode::kInvalidArgument,
                  "cannot update in place: " + name + " names the rule, set only at creation");
    }
  }
  return std::vector<UpdateStep>{{after, DescribeChanged(changed)}};
}

std::map<std::string, Value> EventsRuleProvider::PredictAttributes(
    const std::string& /*physical_id*/, const Value& /*properties*/) const {
  return {};  // the Arn holds the engine's account, known once a rule has been read
}

}  // namespace sf::provider
