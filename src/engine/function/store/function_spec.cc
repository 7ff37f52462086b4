#include "engine/function/store/function_spec.h"

namespace sf::engine::function {

std::string FunctionArn(const std::string& region, const std::string& account,
                        const std::string& name) {
  return "arn:aws:lambda:" + region + ":" + account + ":function:" + name;
}

FunctionSpec BuildFunctionSpec(const FunctionConfig& config, const SpecContext& context) {
  FunctionSpec spec;
  spec.name = config.name;
  spec.arn = FunctionArn(context.region, context.account, config.name);
  spec.runtime = config.settings.runtime;
  spec.handler = config.settings.handler;
  spec.code_dir = config.code_dir;
  spec.environment = config.settings.environment;
  spec.aws_environment = context.aws_environment;
  spec.timeout_seconds = config.settings.timeout_seconds;
  spec.memory_mb = config.settings.memory_mb;
  spec.concurrency = config.reserved_concurrency.value_or(context.unreserved_concurrency);
  spec.version = "$LATEST";
  spec.role = config.settings.role;
  spec.revision = config.revision_id;
  const auto& aws = context.aws_environment;
  if (auto key = aws.find("AWS_ACCESS_KEY_ID");
      key != aws.end() && aws.count("AWS_SESSION_TOKEN")) {
    spec.revision += "/" + key->second;
  }
  return spec;
}

std::map<std::string, std::string> EngineAwsEnvironment(const std::string& access_key,
                                                        const std::string& secret_key,
                                                        const std::string& region,
                                                        const std::string& endpoint_url) {
  std::map<std::string, std::string> env = {{"AWS_ACCESS_KEY_ID", access_key},
                                            {"AWS_SECRET_ACCESS_KEY", secret_key},
                                            {"AWS_REGION", region},
                                            {"AWS_DEFAULT_REGION", region},
                                            {"AWS_ENDPOINT_URL", endpoint_url}};
  for (const char* service : {"S3", "KINESIS", "LAMBDA", "FIREHOSE", "CLOUDWATCH", "EVENTBRIDGE"}) {
    env[std::string("AWS_ENDPOINT_URL_") + service] = endpoint_url;
  }
  return env;
}

}  // namespace sf::engine::function
