#include "provider/local/event_source_mapping_provider.h"

#include <cmath>

#include "base/strings.h"
#include "provider/local/property_values.h"
#include "provider/physical_name.h"
#include "provider/property_diff.h"

namespace sf::provider {

namespace {

constexpr char kType[] = "AWS::Lambda::EventSourceMapping";
constexpr const char* kIntegers[] = {"BatchSize",
                                     "MaximumBatchingWindowInSeconds",
                                     "ParallelizationFactor",
                                     "MaximumRetryAttempts",
                                     "MaximumRecordAgeInSeconds",
                                     "TumblingWindowInSeconds"};
constexpr const char* kBooleans[] = {"BisectBatchOnFunctionError", "Enabled"};
constexpr const char* kCreateOnly[] = {"EventSourceArn", "StartingPosition",
                                       "StartingPositionTimestamp"};

Error FromLambda(const std::string& operation, const std::string& id,
                 const client::LambdaError& error) {
  ErrorCode code = error.http_status == 0 || error.http_status >= 500 ? ErrorCode::kIo
                   : error.type == "ResourceNotFoundException"        ? ErrorCode::kNotFound
                                                                      : ErrorCode::kInvalidArgument;
  return Error{code, operation + " " + id + ": " + error.type + ": " + error.message};
}

// A UUID as Lambda writes them: 8-4-4-4-12 hex digits.
bool IsUuid(const std::string& id) {
  if (id.size() != 36) return false;
  for (size_t i = 0; i < id.size(); ++i) {
    bool dash = i == 8 || i == 13 || i == 18 || i == 23;
    if (dash ? id[i] != '-' : !std::isxdigit(static_cast<unsigned char>(id[i]))) return false;
  }
  return true;
}

// A boolean as CloudFormation takes it: true/false, or the strings "true"/"false".
std::optional<bool> BoolOf(const Value* value) {
  if (value == nullptr) return std::nullopt;
  if (value->kind() == Value::Kind::kBool) return value->boolean();
  if (value->IsString() && (value->text() == "true" || value->text() == "false")) {
    return value->text() == "true";
  }
  return std::nullopt;
}

std::string Text(const Value& properties, const char* name) {
  const Value* value = properties.Find(name);
  return value != nullptr ? value->AsString() : "";
}

LiveState StateOf(const nlohmann::json& configuration) {
  LiveState state;
  state.exists = true;
  state.physical_id = configuration.value("UUID", "");
  state.properties = MappingProperties(configuration);
  state.observed = {"EventSourceArn",
                    "StartingPosition",
                    "StartingPositionTimestamp",
                    "BatchSize",
                    "MaximumBatchingWindowInSeconds",
                    "ParallelizationFactor",
                    "BisectBatchOnFunctionError",
                    "MaximumRetryAttempts",
                    "MaximumRecordAgeInSeconds",
                    "TumblingWindowInSeconds",
                    "FunctionResponseTypes",
                    "DestinationConfig",
                    "Enabled"};
  state.attributes["Id"] = Value::String(state.physical_id);
  std::string function_arn = configuration.value("FunctionArn", "");
  // arn:aws:lambda:<region>:<account>:function:<name> -> the mapping's ARN in that account.
  std::vector<std::string> parts = Split(function_arn, ':');
  if (parts.size() >= 5) {
    state.attributes["EventSourceMappingArn"] =
        Value::String("arn:aws:lambda:" + parts[3] + ":" + parts[4] +
                      ":event-source-mapping:" + state.physical_id);
  }
  if (auto it = configuration.find("LastModified"); it != configuration.end() && it->is_number()) {
    state.created_ms = static_cast<int64_t>(std::llround(it->get<double>() * 1000));
  }
  state.incarnation = state.physical_id;
  return state;
}

}  // namespace

nlohmann::json MappingRequest(const Value& properties, bool create) {
  nlohmann::json out = nlohmann::json::object();
  std::string function = Text(properties, "FunctionName");
  if (!function.empty()) out["FunctionName"] = function;
  if (create) {
    for (const char* name : {"EventSourceArn", "StartingPosition"}) {
      if (const Value* value = properties.Find(name)) out[name] = value->AsString();
    }
    if (const Value* when = properties.Find("StartingPositionTimestamp")) {
      out["StartingPositionTimestamp"] = std::stod(when->AsString());
    }
  }
  for (const char* name : kIntegers) {
    if (auto number = IntegerOf(properties.Find(name))) out[name] = *number;
  }
  for (const char* name : kBooleans) {
    if (auto value = BoolOf(properties.Find(name))) out[name] = *value;
  }
  nlohmann::json types = nlohmann::json::array();
  if (const Value* given = properties.Find("FunctionResponseTypes"); given && given->IsList()) {
    for (const Value& type : given->items()) types.push_back(type.AsString());
  }
  if (create ? !types.empty() : true) out["FunctionResponseTypes"] = types;
  std::string destination;
  if (const Value* config = properties.Find("DestinationConfig")) {
    if (const Value* failure = config->Find("OnFailure"))
      destination = Text(*failure, "Destination");
  }
  if (create ? !destination.empty() : true) {
    out["DestinationConfig"] = {{"OnFailure", {{"Destination", destination}}}};
  }
  if (!create) {
    // An update states every setting, so one the template dropped goes back to its default.
    const std::pair<const char*, int> defaults[] = {{"BatchSize", 100},
                                                    {"MaximumBatchingWindowInSeconds", 0},
                                                    {"ParallelizationFactor", 1},
                                                    {"MaximumRetryAttempts", -1},
                                                    {"MaximumRecordAgeInSeconds", -1},
                                                    {"TumblingWindowInSeconds", 0}};
    for (const auto& [name, value] : defaults) {
      if (!out.contains(name)) out[name] = value;
    }
    if (!out.contains("BisectBatchOnFunctionError")) out["BisectBatchOnFunctionError"] = false;
    if (!out.contains("Enabled")) out["Enabled"] = true;
  }
  return out;
}

Value MappingProperties(const nlohmann::json& configuration) {
  Value out = Value::Map();
  for (const char* name : {"EventSourceArn", "StartingPosition"}) {
    auto it = configuration.find(name);
    if (it != configuration.end() && it->is_string()) out.Set(name, Value::String(*it));
  }
  if (auto it = configuration.find("StartingPositionTimestamp");
      it != configuration.end() && it->is_number()) {
    out.Set("StartingPositionTimestamp", Value::Number(it->dump()));
  }
  for (const char* name : kIntegers) {
    auto it = configuration.find(name);
    if (it != configuration.end() && it->is_number_integer()) {
      out.Set(name, IntegerValue(it->get<int64_t>()));
    }
  }
  if (auto it = configuration.find("BisectBatchOnFunctionError");
      it != configuration.end() && it->is_boolean()) {
    out.Set("BisectBatchOnFunctionError", Value::Bool(it->get<bool>()));
  }
  std::string state = configuration.value("State", "");
  out.Set("Enabled", Value::Bool(state != "Disabled" && state != "Disabling"));
  if (auto it = configuration.find("FunctionResponseTypes");
      it != configuration.end() && it->is_array() && !it->empty()) {
    std::vector<Value> types;
    for (const auto& type : *it) types.push_back(Value::String(type.get<std::string>()));
    out.Set("FunctionResponseTypes", Value::List(std::move(types)));
  }
  if (auto it = configuration.find("DestinationConfig"); it != configuration.end()) {
    std::string destination =
        it->value("OnFailure", nlohmann::json::object()).value("Destination", "");
    if (!destination.empty()) {
      out.Set(
          "DestinationConfig",
          Value::Map({{"OnFailure", Value::Map({{"Destination", Value::String(destination)}})}}));
    }
  }
  return out;
}

EventSourceMappingProvider::EventSourceMappingProvider(std::string endpoint,
                                                       auth::Credentials credentials,
                                                       std::string region)
    : clients_([endpoint, credentials, region] {
        return std::make_unique<client::LambdaClient>(endpoint, credentials, region);
      }) {}

const std::string& EventSourceMappingProvider::type_name() const {
  static const std::string type = kType;
  return type;
}

const std::string& EventSourceMappingProvider::name_property() const {
  static const std::string none;  // the service names mappings (a UUID)
  return none;
}

std::string EventSourceMappingProvider::GenerateName(const std::string& stack_name,
                                                     const std::string& logical_id) const {
  // A placeholder until Create returns the UUID (see the header).
  return GeneratePhysicalName(stack_name, logical_id, NameRules{128, false});
}

Result<LiveState> EventSourceMappingProvider::ReadOne(client::LambdaClient& client,
                                                      const std::string& uuid) {
  if (!IsUuid(uuid)) return LiveState{};  // a placeholder: nothing was created under it
  auto got = client.GetEventSourceMapping(uuid);
  if (!got) {
    if (got.error().type == "ResourceNotFoundException") return LiveState{};
    return tl::unexpected(FromLambda("GetEventSourceMapping", uuid, got.error()));
  }
  return StateOf(*got);
}

std::vector<Result<LiveState>> EventSourceMappingProvider::Read(
    std::span<const std::string> physical_ids) {
  return ReadEach(clients_, physical_ids,
                  [this](auto& client, const std::string& id) { return ReadOne(client, id); });
}

Result<std::string> EventSourceMappingProvider::FindByPair(client::LambdaClient& client,
                                                           const Value& properties) {
  std::string function = Text(properties, "FunctionName");
  std::string source = Text(properties, "EventSourceArn");
  auto listed = client.ListEventSourceMappings(function, source);
  if (!listed)
    return tl::unexpected(FromLambda("ListEventSourceMappings", function, listed.error()));
  for (const auto& mapping : (*listed)["EventSourceMappings"]) {
    if (mapping.value("EventSourceArn", "") == source) return mapping.value("UUID", "");
  }
  return std::string();
}

Result<LiveState> EventSourceMappingProvider::Create(const CreateRequest& request) {
  auto client = clients_.Acquire();
  auto created = client->CreateEventSourceMapping(MappingRequest(request.properties, true));
  if (created) return StateOf(*created);
  if (created.error().type != "ResourceConflictException") {
    return tl::unexpected(
        FromLambda("CreateEventSourceMapping", request.physical_id, created.error()));
  }
  auto existing = FindByPair(*client, request.properties);
  if (!existing) return tl::unexpected(existing.error());
  if (existing->empty()) {
    return tl::unexpected(
        FromLambda("CreateEventSourceMapping", request.physical_id, created.error()));
  }
  auto updated =
      client->UpdateEventSourceMapping(*existing, MappingRequest(request.properties, false));
  if (!updated) {
    return tl::unexpected(FromLambda("UpdateEventSourceMapping", *existing, updated.error()));
  }
  return ReadOne(*client, *existing);
}

Result<LiveState> EventSourceMappingProvider::Update(const UpdateRequest& request) {
  auto client = clients_.Acquire();
  auto updated =
      client->UpdateEventSourceMapping(request.physical_id, MappingRequest(request.after, false));
  if (!updated) {
    return tl::unexpected(
        FromLambda("UpdateEventSourceMapping", request.physical_id, updated.error()));
  }
  return ReadOne(*client, request.physical_id);
}

Status EventSourceMappingProvider::Delete(const DeleteRequest& request) {
  auto client = clients_.Acquire();
  std::string uuid = request.physical_id;
  if (!IsUuid(uuid)) {
    auto found = FindByPair(*client, request.properties);
    if (!found) return tl::unexpected(found.error());
    if (found->empty()) return {};  // the create never happened
    uuid = *found;
  }
  auto deleted = client->DeleteEventSourceMapping(uuid);
  if (!deleted && deleted.error().type != "ResourceNotFoundException") {
    return tl::unexpected(FromLambda("DeleteEventSourceMapping", uuid, deleted.error()));
  }
  return {};
}

Result<DataFacts> EventSourceMappingProvider::DataHeld(const std::string& /*physical_id*/) {
  DataFacts facts;
  facts.known = true;  // checkpoints are state, not data: plan/data_impact.h says what is lost
  return facts;
}

Status EventSourceMappingProvider::Empty(const std::string& physical_id) {
  return Fail(ErrorCode::kInvalidArgument,
              "event-source mapping " + physical_id + " holds nothing to empty");
}

Result<std::vector<UpdateStep>> EventSourceMappingProvider::PlanUpdate(const Value& before,
                                                                       const Value& after) const {
  std::vector<std::string> changed = ChangedProperties(before, after);
  if (changed.empty()) return std::vector<UpdateStep>{};
  for (const std::string& name : changed) {
    for (const char* create_only : kCreateOnly) {
      if (name == create_only) {
        return Fail(ErrorCode::kInvalidArgument,
                    "cannot update in place: " + name + " is set only at creation");
      }
    }
  }
  return std::vector<UpdateStep>{{after, DescribeChanged(changed)}};
}

std::map<std::string, Value> EventSourceMappingProvider::PredictAttributes(
    const std::string& /*physical_id*/, const Value& /*properties*/) const {
  return {};  // the UUID is the service's to choose
}

}  // namespace sf::provider
