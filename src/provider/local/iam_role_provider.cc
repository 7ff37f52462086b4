#include "provider/local/iam_role_provider.h"

#include <algorithm>
#include <ctime>
#include <map>
#include <set>

#include "provider/local/property_values.h"
#include "provider/physical_name.h"
#include "provider/property_diff.h"

namespace sf::provider {

namespace {

const std::string kTypeName = "AWS::IAM::Role";
const std::string kNameProperty = "RoleName";
constexpr int64_t kDefaultMaxSession = 3600;

Error FromIam(const std::string& operation, const std::string& name,
              const client::IamError& error) {
  ErrorCode code = error.http_status == 0 || error.http_status >= 500 ? ErrorCode::kIo
                   : error.code == "NoSuchEntity"                     ? ErrorCode::kNotFound
                                                                      : ErrorCode::kInvalidArgument;
  return Error{code, operation + " " + name + ": " + error.code + ": " + error.message};
}

// "2026-11-22T09:15:00.123Z" -> ms since the epoch (0 when it cannot be read).
int64_t ParseCreateDate(const std::string& text) {
  std::tm tm{};
  if (strptime(text.c_str(), "%Y-%m-%dT%H:%M:%S", &tm) == nullptr) return 0;
  int64_t ms = static_cast<int64_t>(timegm(&tm)) * 1000;
  if (text.size() > 20 && text[19] == '.') ms += std::atoi(text.substr(20, 3).c_str());
  return ms;
}

// A document read back: the object its JSON text is (the text as a string if it is not JSON).
Value DocumentValue(const std::string& text) {
  nlohmann::json parsed = nlohmann::json::parse(text, nullptr, false);
  if (parsed.is_discarded()) return Value::String(text);
  return Value::FromTaggedJson(parsed);
}

// Policies as {name: document text}.
std::map<std::string, std::string> InlinePolicies(const Value* policies) {
  std::map<std::string, std::string> out;
  if (policies == nullptr || !policies->IsList()) return out;
  for (const Value& policy : policies->items()) {
    const Value* name = policy.IsMap() ? policy.Find("PolicyName") : nullptr;
    const Value* document = policy.IsMap() ? policy.Find("PolicyDocument") : nullptr;
    if (name == nullptr || document == nullptr) continue;
    out[name->AsString()] = PolicyText(*document);
  }
  return out;
}

std::set<std::string> ManagedArns(const Value* arns) {
  std::set<std::string> out;
  if (arns == nullptr || !arns->IsList()) return out;
  for (const Value& arn : arns->items()) out.insert(arn.AsString());
  return out;
}

// Whether two documents say the same (compared as JSON, so formatting does not matter).
bool SameDocument(const std::string& a, const std::string& b) {
  nlohmann::json x = nlohmann::json::parse(a, nullptr, false);
  nlohmann::json y = nlohmann::json::parse(b, nullptr, false);
  if (x.is_discarded() || y.is_discarded()) return a == b;
  return x == y;
}

}  // namespace

std::string PolicyText(const Value& document) {
  return document.IsString() ? document.text() : document.ToJson().dump();
}

IamRoleProvider::IamRoleProvider(std::string endpoint, auth::Credentials credentials)
    : clients_([endpoint = std::move(endpoint), credentials = std::move(credentials)] {
        return std::make_unique<client::IamClient>(endpoint, credentials);
      }) {}

const std::string& IamRoleProvider::type_name() const { return kTypeName; }
const std::string& IamRoleProvider::name_property() const { return kNameProperty; }

std::string IamRoleProvider::GenerateName(const std::string& stack_name,
                                          const std::string& logical_id) const {
  return GeneratePhysicalName(stack_name, logical_id, NameRules{64, false});
}

Result<LiveState> IamRoleProvider::ReadOne(client::IamClient& client, const std::string& name) {
  LiveState state;
  state.physical_id = name;
  auto role = client.GetRole(name);
  if (!role) {
    if (role.error().code == "NoSuchEntity") return state;
    return tl::unexpected(FromIam("GetRole", name, role.error()));
  }
  auto policy_names = client.ListRolePolicies(name);
  if (!policy_names) return tl::unexpected(FromIam("ListRolePolicies", name, policy_names.error()));
  std::vector<Value> policies;
  for (const std::string& policy : *policy_names) {
    auto document = client.GetRolePolicy(name, policy);
    if (!document) return tl::unexpected(FromIam("GetRolePolicy", name, document.error()));
    policies.push_back(Value::Map(
        {{"PolicyName", Value::String(policy)}, {"PolicyDocument", DocumentValue(*document)}}));
  }
  auto attached = client.ListAttachedRolePolicies(name);
  if (!attached) {
    return tl::unexpected(FromIam("ListAttachedRolePolicies", name, attached.error()));
  }
  std::vector<Value> managed;
  for (const std::string& arn : *attached) managed.push_back(Value::String(arn));

  Value properties =
      Value::Map({{"RoleName", Value::String(role->name)},
                  {"Path", Value::String(role->path)},
                  {"AssumeRolePolicyDocument", DocumentValue(role->assume_role_policy)},
                  {"MaxSessionDuration", IntegerValue(role->max_session_duration)},
                  {"Policies", Value::List(std::move(policies))},
                  {"ManagedPolicyArns", Value::List(std::move(managed))}});
  if (!role->description.empty()) properties.Set("Description", Value::String(role->description));
  if (!role->tags.empty()) {
    properties.Set("Tags", TagList({role->tags.begin(), role->tags.end()}));
  }
  state.exists = true;
  state.properties = std::move(properties);
  state.observed = {"RoleName",           "Path",     "AssumeRolePolicyDocument", "Description",
                    "MaxSessionDuration", "Policies", "ManagedPolicyArns",        "Tags"};
  state.attributes["Arn"] = Value::String(role->arn);
  state.attributes["RoleId"] = Value::String(role->role_id);
  state.created_ms = ParseCreateDate(role->create_date);
  state.incarnation = role->role_id;
  return state;
}

std::vector<Result<LiveState>> IamRoleProvider::Read(std::span<const std::string> physical_ids) {
  return ReadEach(clients_, physical_ids,
                  [this](auto& client, const std::string& id) { return ReadOne(client, id); });
}

Status IamRoleProvider::Converge(client::IamClient& client, const std::string& name,
                                 const Value& live, const Value& after) {
  auto call = [&](const std::string& action, client::QueryParams params) -> Status {
    params.insert(params.begin(), {"RoleName", name});
    if (auto done = client.Call(action, params); !done) {
      return tl::unexpected(FromIam(action, name, done.error()));
    }
    return {};
  };
  auto live_policies = InlinePolicies(live.Find("Policies"));
  auto wanted_policies = InlinePolicies(after.Find("Policies"));
  for (const auto& [policy, document] : wanted_policies) {
    auto it = live_policies.find(policy);
    if (it != live_policies.end() && SameDocument(it->second, document)) continue;
    if (auto put = call("PutRolePolicy", {{"PolicyName", policy}, {"PolicyDocument", document}});
        !put)
      return put;
  }
  for (const auto& [policy, document] : live_policies) {
    if (wanted_policies.count(policy)) continue;
    if (auto deleted = call("DeleteRolePolicy", {{"PolicyName", policy}}); !deleted) return deleted;
  }
  auto live_managed = ManagedArns(live.Find("ManagedPolicyArns"));
  auto wanted_managed = ManagedArns(after.Find("ManagedPolicyArns"));
  for (const std::string& arn : live_managed) {
    if (wanted_managed.count(arn)) continue;
    if (auto detached = call("DetachRolePolicy", {{"PolicyArn", arn}}); !detached) return detached;
  }
  for (const std::string& arn : wanted_managed) {
    if (live_managed.count(arn)) continue;
    if (auto attached = call("AttachRolePolicy", {{"PolicyArn", arn}}); !attached) return attached;
  }
  auto live_tags = TagMap(live.Find("Tags"));
  auto wanted_tags = TagMap(after.Find("Tags"));
  client::QueryParams untag, tag;
  for (const auto& [key, value] : live_tags) {
    if (!wanted_tags.count(key)) {
      untag.emplace_back("TagKeys.member." + std::to_string(untag.size() + 1), key);
    }
  }
  for (const auto& [key, value] : wanted_tags) {
    auto it = live_tags.find(key);
    if (it != live_tags.end() && it->second == value) continue;
    std::string prefix = "Tags.member." + std::to_string(tag.size() / 2 + 1) + ".";
    tag.emplace_back(prefix + "Key", key);
    tag.emplace_back(prefix + "Value", value);
  }
  if (!untag.empty()) {
    if (auto done = call("UntagRole", untag); !done) return done;
  }
  if (!tag.empty()) {
    if (auto done = call("TagRole", tag); !done) return done;
  }
  return {};
}

Result<LiveState> IamRoleProvider::Create(const CreateRequest& request) {
  const std::string& name = request.physical_id;
  const Value& properties = request.properties;
  const Value* trust = properties.Find("AssumeRolePolicyDocument");
  if (trust == nullptr)
    return Fail(ErrorCode::kInvalidArgument, "AssumeRolePolicyDocument is required");
  client::QueryParams params = {{"RoleName", name},
                                {"AssumeRolePolicyDocument", PolicyText(*trust)}};
  if (const Value* path = properties.Find("Path")) params.emplace_back("Path", path->AsString());
  if (const Value* description = properties.Find("Description")) {
    params.emplace_back("Description", description->AsString());
  }
  if (auto max_session = IntegerOf(properties.Find("MaxSessionDuration"))) {
    params.emplace_back("MaxSessionDuration", std::to_string(*max_session));
  }
  size_t index = 0;
  for (const auto& [key, value] : TagMap(properties.Find("Tags"))) {
    std::string prefix = "Tags.member." + std::to_string(++index) + ".";
    params.emplace_back(prefix + "Key", key);
    params.emplace_back(prefix + "Value", value);
  }
  auto client = clients_.Acquire();
  if (auto created = client->Call("CreateRole", params); !created) {
    if (created.error().code == "EntityAlreadyExists") {
      return Fail(ErrorCode::kInvalidArgument, "role " + name + " already exists");
    }
    return tl::unexpected(FromIam("CreateRole", name, created.error()));
  }
  Value tagged = Value::Map();
  if (const Value* tags = properties.Find("Tags")) tagged.Set("Tags", *tags);
  if (auto converged = Converge(*client, name, tagged, properties); !converged) {
    return tl::unexpected(converged.error());
  }
  return ReadOne(*client, name);
}

Result<LiveState> IamRoleProvider::Update(const UpdateRequest& request) {
  const std::string& name = request.physical_id;
  const Value& after = request.after;
  auto client = clients_.Acquire();
  auto live = ReadOne(*client, name);
  if (!live) return live;
  if (!live->exists) return Fail(ErrorCode::kNotFound, "role " + name + " does not exist");
  const Value& current = live->properties;
  const Value* trust = after.Find("AssumeRolePolicyDocument");
  const Value* live_trust = current.Find("AssumeRolePolicyDocument");
  if (trust != nullptr &&
      (live_trust == nullptr || !SameDocument(PolicyText(*trust), PolicyText(*live_trust)))) {
    auto updated = client->Call("UpdateAssumeRolePolicy",
                                {{"RoleName", name}, {"PolicyDocument", PolicyText(*trust)}});
    if (!updated) return tl::unexpected(FromIam("UpdateAssumeRolePolicy", name, updated.error()));
  }
  const Value* description = after.Find("Description");
  std::string wanted_description = description != nullptr ? description->AsString() : "";
  const Value* live_description = current.Find("Description");
  int64_t wanted_session = IntegerOf(after.Find("MaxSessionDuration")).value_or(kDefaultMaxSession);
  if (wanted_description != (live_description ? live_description->AsString() : "") ||
      wanted_session != IntegerOf(current.Find("MaxSessionDuration")).value_or(0)) {
    auto updated =
        client->Call("UpdateRole", {{"RoleName", name},
                                    {"Description", wanted_description},
                                    {"MaxSessionDuration", std::to_string(wanted_session)}});
    if (!updated) return tl::unexpected(FromIam("UpdateRole", name, updated.error()));
  }
  if (auto converged = Converge(*client, name, current, after); !converged) {
    return tl::unexpected(converged.error());
  }
  return ReadOne(*client, name);
}

Status IamRoleProvider::Delete(const DeleteRequest& request) {
  const std::string& name = request.physical_id;
  auto client = clients_.Acquire();
  auto gone = [](const client::IamError& error) { return error.code == "NoSuchEntity"; };
  auto policies = client->ListRolePolicies(name);
  if (!policies) {
    if (gone(policies.error())) return {};
    return tl::unexpected(FromIam("ListRolePolicies", name, policies.error()));
  }
  for (const std::string& policy : *policies) {
    auto deleted = client->Call("DeleteRolePolicy", {{"RoleName", name}, {"PolicyName", policy}});
    if (!deleted && !gone(deleted.error())) {
      return tl::unexpected(FromIam("DeleteRolePolicy", name, deleted.error()));
    }
  }
  auto attached = client->ListAttachedRolePolicies(name);
  if (!attached && !gone(attached.error())) {
    return tl::unexpected(FromIam("ListAttachedRolePolicies", name, attached.error()));
  }
  for (const std::string& arn : attached ? *attached : std::vector<std::string>{}) {
    auto detached = client->Call("DetachRolePolicy", {{"RoleName", name}, {"PolicyArn", arn}});
    if (!detached && !gone(detached.error())) {
      return tl::unexpected(FromIam("DetachRolePolicy", name, detached.error()));
    }
  }
  auto deleted = client->Call("DeleteRole", {{"RoleName", name}});
  if (!deleted && !gone(deleted.error())) {
    return tl::unexpected(FromIam("DeleteRole", name, deleted.error()));
  }
  return {};
}

Result<DataFacts> IamRoleProvider::DataHeld(const std::string& /*physical_id*/) {
  DataFacts facts;
  facts.known = true;  // a role holds no data
  return facts;
}

Status IamRoleProvider::Empty(const std::string& physical_id) {
  return Fail(ErrorCode::kInvalidArgument, "role " + physical_id + " holds nothing to empty");
}

Result<std::vector<UpdateStep>> IamRoleProvider::PlanUpdate(const Value& before,
                                                            const Value& after) const {
  std::vector<std::string> changed = ChangedProperties(before, after);
  if (changed.empty()) return std::vector<UpdateStep>{};
  for (const std::string& name : changed) {
    if (name == "RoleName" || name == "Path") {
      return Fail(ErrorCode::kInvalidArgument,
                  "cannot update in place: " + name + " is set only when a role is created");
    }
  }
  return std::vector<UpdateStep>{{after, DescribeChanged(changed)}};
}

std::map<std::string, Value> IamRoleProvider::PredictAttributes(const std::string& /*physical_id*/,
                                                                const Value& /*properties*/) const {
  return {};  // the Arn holds the engine's account, known once a role has been read
}

}  // namespace sf::provider
