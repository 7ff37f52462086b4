#include "engine/function/worker_launch.h"

#include <unistd.h>

#include <ctime>
#include <map>

#include "engine/function/outcomes.h"

namespace sf::engine::function {
namespace {

constexpr char kPython[] = "/usr/bin/python3";

bool IsPython(const std::string& runtime) { return runtime.rfind("python3", 0) == 0; }

bool IsProvided(const std::string& runtime) {
  return runtime == "provided" || runtime == "provided.al2" || runtime == "provided.al2023";
}

Result<std::vector<std::string>> Program(const FunctionSpec& spec, const LaunchContext& context) {
  if (IsPython(spec.runtime))
    return std::vector<std::string>{kPython, "-u", "-B", context.python_bootstrap};
  if (!IsProvided(spec.runtime)) {
    return Fail(ErrorCode::kInvalidArgument, "Runtime " + spec.runtime + " is not supported");
  }
  std::string bootstrap = spec.code_dir + "/bootstrap";
  if (access(bootstrap.c_str(), F_OK) != 0) {
    return Fail(ErrorCode::kInvalidArgument,
                "Couldn't find valid bootstrap(s): [" + bootstrap + "]");
  }
  if (access(bootstrap.c_str(), X_OK) != 0) {
    return Fail(
        ErrorCode::kInvalidArgument,
        "fork/exec " + bootstrap + ": permission denied (the bootstrap must be executable)");
  }
  return std::vector<std::string>{bootstrap};
}

std::map<std::string, std::string> Environment(const FunctionSpec& spec,
                                               const LaunchContext& context) {
  // No HOME: the SDKs would otherwise read the machine user's ~/.aws (a profile's region or
  // endpoint_url leaking into handlers); Lambda has no such files either.
  std::map<std::string, std::string> env = {{"PATH", "/usr/local/bin:/usr/bin:/bin"},
                                            {"LANG", "C.UTF-8"},
                                            {"TZ", ":UTC"},
                                            {"AWS_CONFIG_FILE", "/dev/null"},
                                            {"AWS_SHARED_CREDENTIALS_FILE", "/dev/null"}};
  for (const auto& [name, value] : spec.environment) env[name] = value;
  for (const auto& [name, value] : spec.aws_environment) env[name] = value;
  env["AWS_LAMBDA_FUNCTION_NAME"] = spec.name;
  env["AWS_LAMBDA_FUNCTION_VERSION"] = spec.version;
  env["AWS_LAMBDA_FUNCTION_MEMORY_SIZE"] = std::to_string(spec.memory_mb);
  env["AWS_LAMBDA_LOG_GROUP_NAME"] = LogGroupName(spec.name);
  env["AWS_LAMBDA_LOG_STREAM_NAME"] = context.log_stream;
  env["AWS_LAMBDA_RUNTIME_API"] = context.runtime_api;
  env["AWS_EXECUTION_ENV"] = "AWS_Lambda_" + spec.runtime;
  env["_HANDLER"] = spec.handler;
  env["LAMBDA_TASK_ROOT"] = spec.code_dir;
  env["AWS_REGION"] = context.region;
  env["AWS_DEFAULT_REGION"] = context.region;
  env["TZ"] = ":UTC";
  return env;
}

}  // namespace

Result<SpawnRequest> BuildWorkerLaunch(const FunctionSpec& spec, const LaunchContext& context) {
  auto program = Program(spec, context);
  if (!program) return tl::unexpected(program.error());
  SpawnRequest request;
  request.argv = std::move(*program);
  for (const auto& [name, value] : Environment(spec, context)) {
    request.environment.push_back(name + "=" + value);
  }
  request.working_dir = spec.code_dir;
  int headroom_mb =
      spec.runtime.rfind("python", 0) == 0 ? kInterpreterHeadroomMb : kProvidedHeadroomMb;
  request.address_space_bytes = static_cast<uint64_t>(spec.memory_mb + headroom_mb) * 1024 * 1024;
  return request;
}

std::string NewLogStreamName(const std::string& version) {
  std::time_t now = std::time(nullptr);
  std::tm utc{};
  gmtime_r(&now, &utc);
  char date[16];
  std::strftime(date, sizeof date, "%Y/%m/%d", &utc);
  std::string id = NewRequestId();
  std::string hex;
  for (char c : id) {
    if (c != '-') hex += c;
  }
  return std::string(date) + "/[" + version + "]" + hex;
}

std::string LogGroupName(const std::string& function_name) {
  return "/aws/lambda/" + function_name;
}

}  // namespace sf::engine::function
