#pragma once
// From a stored function to what the Runtime runs (runtime.h's FunctionSpec), and the ARN every
// API response and worker names it by. Shared by the Lambda API's Invoke and, later, the
// event-source mappings and schedules, so that every caller runs a function the same way.

#include <cstdint>
#include <functional>
#include <map>
#include <string>

#include "engine/function/runtime.h"
#include "engine/function/store/function_store.h"

namespace sf::engine::function {

struct SpecContext {
  std::string region = "us-east-1";
  std::string account = "000000000000";
  // The credentials and endpoint a handler's SDK clients use (EngineAwsEnvironment).
  std::map<std::string, std::string> aws_environment;
  // The most workers of a function without reserved concurrency.
  int unreserved_concurrency = 10;
};

// arn:aws:lambda:<region>:<account>:function:<name>
std::string FunctionArn(const std::string& region, const std::string& account,
                        const std::string& name);

// The spec of the function's $LATEST; `revision` is the RevisionId, so any change retires the
// old workers. Reserved concurrency 0 gives concurrency 0 (the caller throttles, as Lambda does).
FunctionSpec BuildFunctionSpec(const FunctionConfig& config, const SpecContext& context);

// The AWS_* variables that point a handler's SDK clients at this engine: the key pair, the
// region, and the endpoint (AWS_ENDPOINT_URL and the per-service AWS_ENDPOINT_URL_<SERVICE>,
// which botocore reads from 1.31 on; Debian's boto3 1.26 ignores them, so the python bootstrap
// must point botocore at the engine itself). `endpoint_url` is "http://127.0.0.1:<port>".
// The credentials are the engine's own for now: roles are recorded, not enforced (issue 6 part 3).
std::map<std::string, std::string> EngineAwsEnvironment(const std::string& access_key,
                                                        const std::string& secret_key,
                                                        const std::string& region,
                                                        const std::string& endpoint_url);

}  // namespace sf::engine::function
