#include "provider/local/lambda_function_provider.h"

#include <ctime>

#include "artifact/zip_builder.h"
#include "base/base64.h"
#include "base/strings.h"
#include "provider/fan_out.h"
#include "provider/local/property_values.h"
#include "provider/physical_name.h"
#include "provider/property_diff.h"

namespace sf::provider {

namespace {

constexpr char kType[] = "AWS::Lambda::Function";
// Configuration properties UpdateFunctionConfiguration takes, as CloudFormation names them.
constexpr const char* kConfiguration[] = {"Runtime", "Handler",    "Role",       "Description",
                                          "Timeout", "MemorySize", "Environment"};

Error FromLambda(const std::string& operation, const std::string& name,
                 const client::LambdaError& error) {
  ErrorCode code = error.http_status == 0 || error.http_status >= 500 ? ErrorCode::kIo
                   : error.type == "ResourceNotFoundException"        ? ErrorCode::kNotFound
                                                                      : ErrorCode::kInvalidArgument;
  return Error{code, operation + " " + name + ": " + error.type + ": " + error.message};
}

// "2026-11-22T09:15:00.000+0000" -> ms since the epoch (0 when it cannot be read).
int64_t ParseLastModified(const std::string& text) {
  std::tm tm{};
  if (strptime(text.c_str(), "%Y-%m-%dT%H:%M:%S", &tm) == nullptr) return 0;
  int64_t ms = static_cast<int64_t>(timegm(&tm)) * 1000;
  if (text.size() > 20 && text[19] == '.') ms += std::atoi(text.substr(20, 3).c_str());
  return ms;
}

bool IsPython(const std::string& runtime) { return StartsWith(runtime, "python"); }

}  // namespace

Result<nlohmann::json> FunctionCodeRequest(const Value& code, const std::string& runtime) {
  if (const Value* inline_code = code.Find("ZipFile"); inline_code && inline_code->IsString()) {
    std::string file = IsPython(runtime) ? "index.py" : "index";
    auto zip = artifact::ZipEntries({{file, inline_code->text(), !IsPython(runtime)}});
    if (!zip) return tl::unexpected(zip.error());
    return nlohmann::json{{"ZipFile", Base64Encode(zip->bytes)}};
  }
  if (code.Find("ImageUri") != nullptr) {
    return Fail(ErrorCode::kInvalidArgument,
                "Code.ImageUri: the engine runs zip packages only (Code.ZipFile, or S3Bucket and "
                "S3Key, or a SAM CodeUri directory)");
  }
  const Value* bucket = code.Find("S3Bucket");
  const Value* key = code.Find("S3Key");
  if (bucket == nullptr || key == nullptr) {
    return Fail(ErrorCode::kInvalidArgument, "Code needs ZipFile, or S3Bucket and S3Key");
  }
  nlohmann::json out = {{"S3Bucket", bucket->AsString()}, {"S3Key", key->AsString()}};
  if (const Value* version = code.Find("S3ObjectVersion"))
    out["S3ObjectVersion"] = version->AsString();
  return out;
}

nlohmann::json FunctionConfigurationRequest(const Value& properties) {
  nlohmann::json out = nlohmann::json::object();
  for (const char* name : kConfiguration) {
    const Value* value = properties.Find(name);
    if (value == nullptr) continue;
    if (std::string(name) == "Timeout" || std::string(name) == "MemorySize") {
      if (auto number = IntegerOf(value)) out[name] = *number;
    } else if (std::string(name) == "Environment") {
      nlohmann::json variables = nlohmann::json::object();
      if (const Value* given = value->Find("Variables"); given && given->IsMap()) {
        for (const auto& [key, text] : given->members()) variables[key] = text.AsString();
      }
      out[name] = {{"Variables", variables}};
    } else {
      out[name] = value->AsString();
    }
  }
  return out;
}

Value FunctionProperties(const nlohmann::json& get_function) {
  const nlohmann::json& config = get_function.value("Configuration", nlohmann::json::object());
  Value out = Value::Map();
  for (const char* name : {"FunctionName", "Runtime", "Handler", "Role", "Description"}) {
    auto it = config.find(name);
    if (it != config.end() && it->is_string() &&
        !(std::string(name) == "Description" && it->get<std::string>().empty()))
      out.Set(name, Value::String(it->get<std::string>()));
  }
  for (const char* name : {"Timeout", "MemorySize"}) {
    auto it = config.find(name);
    if (it != config.end() && it->is_number_integer())
      out.Set(name, IntegerValue(it->get<int64_t>()));
  }
  auto environment = config.find("Environment");
  if (environment != config.end() && environment->is_object()) {
    auto variables = environment->find("Variables");
    if (variables != environment->end() && variables->is_object() && !variables->empty()) {
      Value map = Value::Map();
      for (const auto& [key, text] : variables->items())
        map.Set(key, Value::String(text.is_string() ? text.get<std::string>() : text.dump()));
      out.Set("Environment", Value::Map({{"Variables", map}}));
    }
  }
  auto concurrency = get_function.find("Concurrency");
  if (concurrency != get_function.end() && concurrency->is_object() &&
      concurrency->contains("ReservedConcurrentExecutions")) {
    out.Set("ReservedConcurrentExecutions",
            IntegerValue((*concurrency)["ReservedConcurrentExecutions"].get<int64_t>()));
  }
  return out;
}

LambdaFunctionProvider::LambdaFunctionProvider(std::string endpoint, auth::Credentials credentials,
                                               std::string region)
    : clients_([endpoint, credentials, region] {
        return std::make_unique<client::LambdaClient>(endpoint, credentials, region);
      }) {}

const std::string& LambdaFunctionProvider::type_name() const {
  static const std::string type = kType;
  return type;
}

const std::string& LambdaFunctionProvider::name_property() const {
  static const std::string name = "FunctionName";
  return name;
}

std::string LambdaFunctionProvider::GenerateName(const std::string& stack_name,
                                                 const std::string& logical_id) const {
  return GeneratePhysicalName(stack_name, logical_id, NameRules{64, false});
}

Result<LiveState> LambdaFunctionProvider::ReadOne(client::LambdaClient& client,
                                                  const std::string& name) {
  auto got = client.GetFunction(name);
  if (!got) {
    if (got.error().type == "ResourceNotFoundException") return LiveState{};
    return tl::unexpected(FromLambda("GetFunction", name, got.error()));
  }
  LiveState state;
  state.exists = true;
  state.physical_id = name;
  state.properties = FunctionProperties(*got);
  state.observed = {"FunctionName", "Runtime",     "Handler",
                    "Role",         "Description", "Timeout",
                    "MemorySize",   "Environment", "ReservedConcurrentExecutions"};
  const nlohmann::json& config = got->value("Configuration", nlohmann::json::object());
  std::string arn = config.value("FunctionArn", "");
  if (!arn.empty()) state.attributes["Arn"] = Value::String(arn);
  state.created_ms = ParseLastModified(config.value("LastModified", ""));
  state.incarnation = arn + "@" + config.value("LastModified", "");
  return state;
}

std::vector<Result<LiveState>> LambdaFunctionProvider::Read(
    std::span<const std::string> physical_ids) {
  return ReadEach(clients_, physical_ids,
                  [this](auto& client, const std::string& id) { return ReadOne(client, id); });
}

Result<LiveState> LambdaFunctionProvider::Create(const CreateRequest& request) {
  const Value& properties = request.properties;
  const Value* runtime = properties.Find("Runtime");
  const Value* code = properties.Find("Code");
  if (code == nullptr) return Fail(ErrorCode::kInvalidArgument, "Code is required");
  auto code_request = FunctionCodeRequest(*code, runtime ? runtime->AsString() : "");
  if (!code_request) return tl::unexpected(code_request.error());
  nlohmann::json body = FunctionConfigurationRequest(properties);
  body["FunctionName"] = request.physical_id;
  body["Code"] = *code_request;
  if (auto tags = TagMap(properties.Find("Tags")); !tags.empty()) body["Tags"] = tags;
  auto client = clients_.Acquire();
  auto created = client->CreateFunction(body);
  if (!created) {
    if (created.error().type == "ResourceConflictException") {
      return Fail(ErrorCode::kInvalidArgument,
                  "function " + request.physical_id + " already exists");
    }
    return tl::unexpected(FromLambda("CreateFunction", request.physical_id, created.error()));
  }
  if (auto reserved = IntegerOf(properties.Find("ReservedConcurrentExecutions"))) {
    auto put = client->PutFunctionConcurrency(request.physical_id, static_cast<int>(*reserved));
    if (!put)
      return tl::unexpected(FromLambda("PutFunctionConcurrency", request.physical_id, put.error()));
  }
  return ReadOne(*client, request.physical_id);
}

Result<LiveState> LambdaFunctionProvider::Update(const UpdateRequest& request) {
  std::vector<std::string> changed = ChangedProperties(request.before, request.after);
  auto client = clients_.Acquire();
  const std::string& name = request.physical_id;
  auto has = [&changed](const std::string& property) {
    return std::find(changed.begin(), changed.end(), property) != changed.end();
  };
  if (has("Code")) {
    const Value* runtime = request.after.Find("Runtime");
    auto code =
        FunctionCodeRequest(*request.after.Find("Code"), runtime ? runtime->AsString() : "");
    if (!code) return tl::unexpected(code.error());
    auto updated = client->UpdateFunctionCode(name, *code);
    if (!updated) return tl::unexpected(FromLambda("UpdateFunctionCode", name, updated.error()));
  }
  bool configuration = false;
  for (const char* property : kConfiguration) configuration = configuration || has(property);
  if (configuration) {
    nlohmann::json body = FunctionConfigurationRequest(request.after);
    if (request.after.Find("Environment") == nullptr)
      body["Environment"] = {{"Variables", nlohmann::json::object()}};
    if (request.after.Find("Description") == nullptr) body["Description"] = "";
    auto updated = client->UpdateFunctionConfiguration(name, body);
    if (!updated) {
      return tl::unexpected(FromLambda("UpdateFunctionConfiguration", name, updated.error()));
    }
  }
  if (has("ReservedConcurrentExecutions")) {
    auto reserved = IntegerOf(request.after.Find("ReservedConcurrentExecutions"));
    auto done = reserved ? client->PutFunctionConcurrency(name, static_cast<int>(*reserved))
                         : client->DeleteFunctionConcurrency(name);
    if (!done) return tl::unexpected(FromLambda("PutFunctionConcurrency", name, done.error()));
  }
  return ReadOne(*client, name);
}

Status LambdaFunctionProvider::Delete(const DeleteRequest& request) {
  auto client = clients_.Acquire();
  auto deleted = client->DeleteFunction(request.physical_id);
  if (!deleted && deleted.error().type != "ResourceNotFoundException") {
    return tl::unexpected(FromLambda("DeleteFunction", request.physical_id, deleted.error()));
  }
  return {};
}

Result<DataFacts> LambdaFunctionProvider::DataHeld(const std::string& /*physical_id*/) {
  DataFacts facts;
  facts.known = true;  // a function holds no data of its own
  return facts;
}

Status LambdaFunctionProvider::Empty(const std::string& physical_id) {
  return Fail(ErrorCode::kInvalidArgument, "function " + physical_id + " holds nothing to empty");
}

Result<std::vector<UpdateStep>> LambdaFunctionProvider::PlanUpdate(const Value& before,
                                                                   const Value& after) const {
  std::vector<std::string> changed = ChangedProperties(before, after);
  if (changed.empty()) return std::vector<UpdateStep>{};
  for (const std::string& name : changed) {
    if (name == "FunctionName") {
      return Fail(ErrorCode::kInvalidArgument,
                  "cannot update in place: FunctionName is the function's name, set only at "
                  "creation");
    }
  }
  return std::vector<UpdateStep>{{after, DescribeChanged(changed)}};
}

std::map<std::string, Value> LambdaFunctionProvider::PredictAttributes(
    const std::string& /*physical_id*/, const Value& /*properties*/) const {
  return {};  // the Arn holds the engine's account, known once a function has been read
}

}  // namespace sf::provider
