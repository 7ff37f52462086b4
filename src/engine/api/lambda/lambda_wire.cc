#include "engine/api/lambda/lambda_wire.h"

#include <ctime>
#include <regex>
#include <set>

#include "base/base64.h"
#include "engine/api/stacks/stack_request.h"

namespace sf::engine::lambda {

namespace {

using function::FunctionSettings;
using nlohmann::json;

constexpr char kInvalid[] = "InvalidParameterValueException";
constexpr char kRolePattern[] = "arn:(aws[a-zA-Z-]*)?:iam::\\d{12}:role/?[a-zA-Z_0-9+=,.@\\-_/]+";

tl::unexpected<ApiError> Constraint(const std::string& value, std::string_view field,
                                    std::string_view constraint) {
  return ApiFail("ValidationException",
                 "1 validation error detected: Value '" + value + "' at '" + std::string(field) +
                     "' failed to satisfy constraint: " + std::string(constraint));
}

tl::unexpected<ApiError> BadType(std::string_view member, std::string_view type) {
  return ApiFail("InvalidRequestContentException",
                 "Could not parse request body into json: " + std::string(member) + " must be " +
                     std::string(type));
}

// The member as a string into *out when present; false (unchanged) when absent or null.
ApiResult<bool> String(const json& body, const char* member, std::string* out) {
  auto it = body.find(member);
  if (it == body.end() || it->is_null()) return false;
  if (!it->is_string()) return BadType(member, "a string");
  *out = it->get<std::string>();
  return true;
}

ApiResult<bool> Integer(const json& body, const char* member, std::string_view field, int64_t min,
                        int64_t max, int* out) {
  auto it = body.find(member);
  if (it == body.end() || it->is_null()) return false;
  if (!it->is_number_integer()) return BadType(member, "an integer");
  int64_t value = it->get<int64_t>();
  if (value < min) {
    return Constraint(std::to_string(value), field,
                      "Member must have value greater than or equal to " + std::to_string(min));
  }
  if (value > max) {
    return Constraint(std::to_string(value), field,
                      "Member must have value less than or equal to " + std::to_string(max));
  }
  *out = static_cast<int>(value);
  return true;
}

const std::set<std::string, std::less<>>& ReservedVariables() {
  static const std::set<std::string, std::less<>> kReserved = {"_HANDLER",
                                                               "_X_AMZN_TRACE_ID",
                                                               "AWS_DEFAULT_REGION",
                                                               "AWS_REGION",
                                                               "AWS_EXECUTION_ENV",
                                                               "AWS_LAMBDA_FUNCTION_NAME",
                                                               "AWS_LAMBDA_FUNCTION_MEMORY_SIZE",
                                                               "AWS_LAMBDA_FUNCTION_VERSION",
                                                               "AWS_LAMBDA_INITIALIZATION_TYPE",
                                                               "AWS_LAMBDA_LOG_GROUP_NAME",
                                                               "AWS_LAMBDA_LOG_STREAM_NAME",
                                                               "AWS_ACCESS_KEY",
                                                               "AWS_ACCESS_KEY_ID",
                                                               "AWS_SECRET_ACCESS_KEY",
                                                               "AWS_SESSION_TOKEN",
                                                               "AWS_LAMBDA_RUNTIME_API",
                                                               "LAMBDA_TASK_ROOT",
                                                               "LAMBDA_RUNTIME_DIR"};
  return kReserved;
}

ApiResult<void> ReadEnvironment(const json& body, FunctionSettings& settings) {
  auto it = body.find("Environment");
  if (it == body.end() || it->is_null()) return {};
  if (!it->is_object()) return BadType("Environment", "an object");
  auto variables = it->find("Variables");
  if (variables == it->end() || variables->is_null()) {
    settings.environment.clear();
    return {};
  }
  if (!variables->is_object()) return BadType("Environment.Variables", "an object");
  static const std::regex kKey("[a-zA-Z]([a-zA-Z0-9_])+");
  std::map<std::string, std::string> env;
  std::string reserved;
  for (auto& [key, value] : variables->items()) {
    if (!value.is_string()) return BadType("Environment.Variables." + key, "a string");
    if (!std::regex_match(key, kKey)) {
      return Constraint(key, "environment.variables",
                        "Member must satisfy regular expression pattern: [a-zA-Z]([a-zA-Z0-9_])+");
    }
    if (ReservedVariables().count(key)) reserved += (reserved.empty() ? "" : ", ") + key;
    env[key] = value.get<std::string>();
  }
  if (!reserved.empty()) {
    return ApiFail(kInvalid,
                   "Lambda was unable to configure your environment variables because the "
                   "environment variables you have provided contains reserved keys that are "
                   "currently not supported for modification. Reserved keys used in this "
                   "request: " +
                       reserved);
  }
  std::string measured = json(env).dump();
  if (measured.size() > 4096) {
    return ApiFail(kInvalid,
                   "Lambda was unable to configure your environment variables because the "
                   "environment variables you have provided exceeded the 4KB limit. String "
                   "measured: " +
                       measured);
  }
  settings.environment = std::move(env);
  return {};
}

ApiResult<void> CheckUnsupported(const json& body) {
  if (body.value("PackageType", "Zip") != "Zip") {
    return ApiFail(kInvalid, "streamform runs functions from zip packages only (PackageType Zip)");
  }
  if (auto layers = body.find("Layers");
      layers != body.end() && layers->is_array() && !layers->empty()) {
    return ApiFail(kInvalid, "streamform does not support Lambda layers yet");
  }
  return {};
}

}  // namespace

bool IsSupportedRuntime(std::string_view runtime) {
  static const std::set<std::string, std::less<>> kRuntimes = {
      "python3.8",  "python3.9", "python3.10",   "python3.11",     "python3.12",
      "python3.13", "provided",  "provided.al2", "provided.al2023"};
  return kRuntimes.count(runtime) > 0;
}

std::string SupportedRuntimes() {
  return "python3.8, python3.9, python3.10, python3.11, python3.12, python3.13, provided, "
         "provided.al2, provided.al2023";
}

ApiResult<json> ParseBody(std::string_view body) {
  if (body.empty()) return json::object();
  auto parsed = ParseJsonBody(body);
  if (!parsed) {
    return ApiFail("InvalidRequestContentException",
                   "Could not parse request body into json: " + parsed.error().message);
  }
  return std::move(*parsed);
}

ApiResult<FunctionSettings> ReadSettings(const json& body, FunctionSettings settings, bool create) {
  if (auto unsupported = CheckUnsupported(body); !unsupported) {
    return tl::unexpected(unsupported.error());
  }
  auto runtime = String(body, "Runtime", &settings.runtime);
  if (!runtime) return tl::unexpected(runtime.error());
  auto handler = String(body, "Handler", &settings.handler);
  if (!handler) return tl::unexpected(handler.error());
  if (create && (!*runtime || !*handler)) {
    return ApiFail(kInvalid,
                   "Runtime and Handler are mandatory parameters for functions created with "
                   "deployment packages.");
  }
  if ((*runtime || create) && !IsSupportedRuntime(settings.runtime)) {
    return ApiFail(kInvalid, "The runtime parameter of " + settings.runtime +
                                 " is not supported by streamform. Supported runtimes: " +
                                 SupportedRuntimes());
  }
  if (settings.handler.size() > 128) {
    return Constraint(settings.handler, "handler",
                      "Member must have length less than or equal to 128");
  }
  if (settings.handler.find_first_of(" \t\r\n\f\v") != std::string::npos) {
    return Constraint(settings.handler, "handler",
                      "Member must satisfy regular expression pattern: [^\\s]+");
  }
  auto role = String(body, "Role", &settings.role);
  if (!role) return tl::unexpected(role.error());
  if (create && !*role) {
    return Constraint("null", "role", "Member must not be null");
  }
  // Only the shape is checked here; whether Lambda may assume the role is the API's check
  // (LambdaApiOptions::assume_role), and handlers run with its credentials.
  static const std::regex kRole(kRolePattern);
  if ((*role || create) && !std::regex_match(settings.role, kRole)) {
    return Constraint(
        settings.role, "role",
        std::string("Member must satisfy regular expression pattern: ") + kRolePattern);
  }
  auto description = String(body, "Description", &settings.description);
  if (!description) return tl::unexpected(description.error());
  if (settings.description.size() > 256) {
    return Constraint(settings.description, "description",
                      "Member must have length less than or equal to 256");
  }
  auto timeout = Integer(body, "Timeout", "timeout", 1, 900, &settings.timeout_seconds);
  if (!timeout) return tl::unexpected(timeout.error());
  auto memory = Integer(body, "MemorySize", "memorySize", 128, 10240, &settings.memory_mb);
  if (!memory) return tl::unexpected(memory.error());
  if (auto env = ReadEnvironment(body, settings); !env) return tl::unexpected(env.error());
  return settings;
}

ApiResult<std::optional<int>> ReadInteger(const json& body, const char* member,
                                          std::string_view field, int64_t min, int64_t max) {
  int value = 0;
  auto read = Integer(body, member, field, min, max, &value);
  if (!read) return tl::unexpected(read.error());
  if (!*read) return std::nullopt;
  return value;
}

ApiResult<std::map<std::string, std::string>> ReadTags(const json& body) {
  std::map<std::string, std::string> tags;
  auto member = body.find("Tags");
  if (member == body.end() || member->is_null()) return tags;
  if (!member->is_object()) return BadType("Tags", "an object");
  for (auto& [key, value] : member->items()) {
    if (!value.is_string()) return BadType("Tags." + key, "a string");
    if (key.empty() || key.size() > 128 || value.get_ref<const std::string&>().size() > 256) {
      return ApiFail(kInvalid, "Tag keys must be 1-128 characters and values at most 256: " + key);
    }
    if (key.rfind("aws:", 0) == 0) {
      return ApiFail(kInvalid, "Tag keys starting with \"aws:\" are reserved: " + key);
    }
    tags[key] = value.get<std::string>();
  }
  if (tags.size() > 50) {
    return ApiFail(kInvalid, "A function can have at most 50 tags; the request has " +
                                 std::to_string(tags.size()));
  }
  return tags;
}

ApiResult<function::CodeSource> ReadCode(const json& code) {
  if (!code.is_object()) return BadType("Code", "an object");
  function::CodeSource source;
  std::string zip;
  auto has_zip = String(code, "ZipFile", &zip);
  if (!has_zip) return tl::unexpected(has_zip.error());
  if (*has_zip) {
    auto bytes = Base64Decode(zip);
    if (!bytes) return BadType("ZipFile", "base64");
    source.zip = std::move(*bytes);
  }
  auto bucket = String(code, "S3Bucket", &source.s3_bucket);
  if (!bucket) return tl::unexpected(bucket.error());
  auto key = String(code, "S3Key", &source.s3_key);
  if (!key) return tl::unexpected(key.error());
  if (code.contains("ImageUri")) {
    return ApiFail(kInvalid, "streamform runs functions from zip packages only (no ImageUri)");
  }
  return source;
}

std::string FormatLastModified(int64_t ms) {
  time_t seconds = static_cast<time_t>(ms / 1000);
  struct tm utc {};
  gmtime_r(&seconds, &utc);
  char text[96];
  std::snprintf(text, sizeof(text), "%04d-%02d-%02dT%02d:%02d:%02d.%03d+0000", utc.tm_year + 1900,
                utc.tm_mon + 1, utc.tm_mday, utc.tm_hour, utc.tm_min, utc.tm_sec,
                static_cast<int>(ms % 1000));
  return text;
}

json ConfigurationJson(const function::FunctionConfig& config, const std::string& arn) {
  const auto& s = config.settings;
  json out = {{"FunctionName", config.name},
              {"FunctionArn", arn},
              {"Runtime", s.runtime},
              {"Role", s.role},
              {"Handler", s.handler},
              {"CodeSize", config.code_size},
              {"Description", s.description},
              {"Timeout", s.timeout_seconds},
              {"MemorySize", s.memory_mb},
              {"LastModified", FormatLastModified(config.last_modified_ms)},
              {"CodeSha256", config.code_sha256},
              {"Version", "$LATEST"},
              {"TracingConfig", {{"Mode", "PassThrough"}}},
              {"RevisionId", config.revision_id},
              {"State", config.state},
              {"LastUpdateStatus", "Successful"},
              {"PackageType", "Zip"},
              {"Architectures", json::array({"x86_64"})},
              {"EphemeralStorage", {{"Size", 512}}}};
  if (!s.environment.empty()) out["Environment"] = {{"Variables", s.environment}};
  return out;
}

HttpResponse JsonResponse(int status, const json& body) {
  HttpResponse response;
  response.status = status;
  response.headers = {{"Content-Type", "application/json"}};
  if (status != 204) response.body = body.dump();
  return response;
}

HttpResponse ErrorResponse(const ApiError& error, std::string_view reason) {
  bool capital = error.type == "ResourceNotFoundException" || error.type == "ServiceException";
  json body = {{"Type", error.status >= 500 ? "Service" : "User"},
               {capital ? "Message" : "message", error.message}};
  if (!reason.empty()) body["Reason"] = reason;
  HttpResponse response = JsonResponse(error.status, body);
  response.headers.emplace_back("x-amzn-ErrorType", error.type);
  return response;
}

}  // namespace sf::engine::lambda
