#include "provider/local/lambda_permission_provider.h"

#include <map>
#include <regex>

#include "provider/physical_name.h"
#include "provider/property_diff.h"

namespace sf::provider {

namespace {

using nlohmann::json;

constexpr char kType[] = "AWS::Lambda::Permission";

// Conditions of a statement, as policy_document.h renders them: (operator, key, property).
struct ConditionKey {
  const char* op;
  const char* key;
  const char* property;
};
constexpr ConditionKey kConditions[] = {
    {"ArnLike", "AWS:SourceArn", "SourceArn"},
    {"StringEquals", "AWS:SourceAccount", "SourceAccount"},
    {"StringEquals", "aws:PrincipalOrgID", "PrincipalOrgID"},
    {"StringEquals", "lambda:EventSourceToken", "EventSourceToken"},
    {"StringEquals", "lambda:FunctionUrlAuthType", "FunctionUrlAuthType"},
};
// The AddPermission members the properties map to, besides StatementId and FunctionName.
constexpr const char* kRequestMembers[] = {
    "Action",           "Principal",      "SourceArn",          "SourceAccount",
    "EventSourceToken", "PrincipalOrgID", "FunctionUrlAuthType"};

Error FromLambda(const std::string& operation, const std::string& id,
                 const client::LambdaError& error) {
  ErrorCode code = error.http_status == 0 || error.http_status >= 500 ? ErrorCode::kIo
                   : error.type == "ResourceNotFoundException"        ? ErrorCode::kNotFound
                                                                      : ErrorCode::kInvalidArgument;
  return Error{code, operation + " " + id + ": " + error.type + ": " + error.message};
}

// {"Service": s} -> s; {"AWS": "arn:aws:iam::<id>:root"} -> <id>; {"AWS": arn} -> arn.
std::string PrincipalText(const json& principal) {
  if (principal.is_string()) return principal.get<std::string>();
  if (!principal.is_object() || principal.empty()) return "";
  const json& value = principal.begin().value();
  std::string text = value.is_string() ? value.get<std::string>() : value.dump();
  static const std::regex kRoot("arn:aws[a-zA-Z-]*:iam::(\\d{12}):root");
  std::smatch match;
  if (principal.begin().key() == "AWS" && std::regex_match(text, match, kRoot)) return match[1];
  return text;
}

struct Found {
  std::string function;
  json statement;
};

// Every statement of every function's policy, by statement id (first function wins).
Result<std::map<std::string, Found>> AllStatements(client::LambdaClient& client) {
  std::map<std::string, Found> out;
  std::string marker;
  do {
    auto page = client.ListFunctions(marker);
    if (!page) return tl::unexpected(FromLambda("ListFunctions", "", page.error()));
    for (const json& function : page->value("Functions", json::array())) {
      std::string name = function.value("FunctionName", "");
      auto policy = client.GetPolicy(name);
      if (!policy) {
        if (policy.error().type == "ResourceNotFoundException") continue;  // none, or gone
        return tl::unexpected(FromLambda("GetPolicy", name, policy.error()));
      }
      json document = json::parse(policy->value("Policy", ""), nullptr, false);
      if (!document.is_object()) continue;
      for (const json& statement : document.value("Statement", json::array())) {
        std::string sid = statement.value("Sid", "");
        if (!sid.empty() && !out.count(sid)) out[sid] = Found{name, statement};
      }
    }
    marker = page->value("NextMarker", "");
  } while (!marker.empty());
  return out;
}

}  // namespace

Value PermissionProperties(const json& statement) {
  Value out = Value::Map();
  if (auto action = statement.find("Action"); action != statement.end() && action->is_string()) {
    out.Set("Action", Value::String(action->get<std::string>()));
  }
  if (auto principal = statement.find("Principal"); principal != statement.end()) {
    out.Set("Principal", Value::String(PrincipalText(*principal)));
  }
  const json& condition = statement.value("Condition", json::object());
  for (const ConditionKey& c : kConditions) {
    auto op = condition.find(c.op);
    if (op == condition.end() || !op->is_object()) continue;
    auto value = op->find(c.key);
    if (value != op->end() && value->is_string()) {
      out.Set(c.property, Value::String(value->get<std::string>()));
    }
  }
  return out;
}

LambdaPermissionProvider::LambdaPermissionProvider(std::string endpoint,
                                                   auth::Credentials credentials,
                                                   std::string region)
    : clients_([endpoint, credentials, region] {
        return std::make_unique<client::LambdaClient>(endpoint, credentials, region);
      }) {}

const std::string& LambdaPermissionProvider::type_name() const {
  static const std::string type = kType;
  return type;
}

const std::string& LambdaPermissionProvider::name_property() const {
  static const std::string none;
  return none;
}

std::string LambdaPermissionProvider::GenerateName(const std::string& stack_name,
                                                   const std::string& logical_id) const {
  std::string name = GeneratePhysicalName(stack_name, logical_id, NameRules{100, false});
  for (char& c : name) {
    if (c == '.') c = '-';  // AddPermission's StatementId is ([a-zA-Z0-9-_]+)
  }
  return name;
}

std::vector<Result<LiveState>> LambdaPermissionProvider::Read(
    std::span<const std::string> physical_ids) {
  std::vector<Result<LiveState>> results;
  if (physical_ids.empty()) return results;
  auto client = clients_.Acquire();
  auto statements = AllStatements(*client);
  for (const std::string& id : physical_ids) {
    if (!statements) {
      results.push_back(tl::unexpected(statements.error()));
      continue;
    }
    auto found = statements->find(id);
    if (found == statements->end()) {
      results.push_back(LiveState{});
      continue;
    }
    LiveState state;
    state.exists = true;
    state.physical_id = id;
    state.properties = PermissionProperties(found->second.statement);
    state.observed = {"Action",           "Principal",      "SourceArn",          "SourceAccount",
                      "EventSourceToken", "PrincipalOrgID", "FunctionUrlAuthType"};
    state.attributes["Id"] = Value::String(id);
    state.incarnation = found->second.function + "|" + id;
    results.push_back(std::move(state));
  }
  return results;
}

Result<LiveState> LambdaPermissionProvider::Create(const CreateRequest& request) {
  const Value* function = request.properties.Find("FunctionName");
  if (function == nullptr) return Fail(ErrorCode::kInvalidArgument, "FunctionName is required");
  json body = {{"StatementId", request.physical_id}};
  for (const char* member : kRequestMembers) {
    if (const Value* value = request.properties.Find(member)) body[member] = value->AsString();
  }
  auto client = clients_.Acquire();
  auto added = client->AddPermission(function->AsString(), body);
  if (!added) {
    if (added.error().type == "ResourceConflictException") {
      return Fail(ErrorCode::kInvalidArgument,
                  "permission " + request.physical_id + " already exists");
    }
    return tl::unexpected(FromLambda("AddPermission", request.physical_id, added.error()));
  }
  json statement = json::parse(added->value("Statement", ""), nullptr, false);
  LiveState state;
  state.exists = true;
  state.physical_id = request.physical_id;
  state.properties = statement.is_object() ? PermissionProperties(statement) : Value::Map();
  state.observed = {"Action",           "Principal",      "SourceArn",          "SourceAccount",
                    "EventSourceToken", "PrincipalOrgID", "FunctionUrlAuthType"};
  state.attributes["Id"] = Value::String(request.physical_id);
  state.incarnation = function->AsString() + "|" + request.physical_id;
  return state;
}

Result<LiveState> LambdaPermissionProvider::Update(const UpdateRequest& request) {
  return Fail(ErrorCode::kInvalidArgument,
              "permission " + request.physical_id + ": cannot update in place (replace it)");
}

Status LambdaPermissionProvider::Delete(const DeleteRequest& request) {
  const Value* function = request.properties.Find("FunctionName");
  if (function == nullptr) return {};  // nothing recorded names its function: nothing to remove
  auto client = clients_.Acquire();
  auto removed = client->RemovePermission(function->AsString(), request.physical_id);
  if (!removed && removed.error().type != "ResourceNotFoundException") {
    return tl::unexpected(FromLambda("RemovePermission", request.physical_id, removed.error()));
  }
  return {};
}

Result<DataFacts> LambdaPermissionProvider::DataHeld(const std::string& /*physical_id*/) {
  DataFacts facts;
  facts.known = true;  // a permission holds no data
  return facts;
}

Status LambdaPermissionProvider::Empty(const std::string& physical_id) {
  return Fail(ErrorCode::kInvalidArgument, "permission " + physical_id + " holds nothing to empty");
}

Result<std::vector<UpdateStep>> LambdaPermissionProvider::PlanUpdate(const Value& before,
                                                                     const Value& after) const {
  std::vector<std::string> changed = ChangedProperties(before, after);
  if (changed.empty()) return std::vector<UpdateStep>{};
  return Fail(ErrorCode::kInvalidArgument,
              "cannot update in place: every property of a permission is set only at creation (" +
                  DescribeChanged(changed) + ")");
}

std::map<std::string, Value> LambdaPermissionProvider::PredictAttributes(
    const std::string& physical_id, const Value& /*properties*/) const {
  return {{"Id", Value::String(physical_id)}};
}

}  // namespace sf::provider
