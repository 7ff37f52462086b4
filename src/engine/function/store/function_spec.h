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
// old workers, followed by "/<access key id>" when the credentials are a role session's
// (AWS_SESSION_TOKEN set), so that new credentials (a role created anew) retire them too. Reserved
// concurrency 0 gives concurrency 0 (the Runtime throttles, as Lambda does).
FunctionSpec BuildFunctionSpec(const FunctionConfig& config, const SpecContext& context);

// The AWS_* variables that point a handler's SDK clients at this engine: the key pair, the
// region, and the endpoint (AWS_ENDPOINT_URL and the per-service AWS_ENDPOINT_URL_<SERVICE>,
// which botocore reads from 1.31 on; Debian's boto3 1.26 ignores them, so the python bootstrap
// must point botocore at the engine itself). `endpoint_url` is "http://127.0.0.1:<port>".
// The key pair is the function's role session's (the engine's Lambda API adds its
// AWS_SESSION_TOKEN), or the engine's own where no role applies.
std::map<std::string, std::string> EngineAwsEnvironment(const std::string& access_key,
                                                        const std::string& secret_key,
                                                        const std::string& region,
                                                        const std::string& endpoint_url);

}  // namespace sf::engine::function
