#include "cli/endpoint.h"

#include <cstdlib>
#include <ostream>

#include "auth/key_file.h"
#include "engine/process/engine.h"

namespace sf::cli {

namespace {

std::string Environment(const char* name) {
  const char* value = std::getenv(name);
  return value != nullptr ? value : "";
}

}  // namespace

std::string EngineDataDir(const Context& context, const std::string& flag) {
  return flag.empty() ? DefaultEngineDir(context.options.project) : flag;
}

std::string StartCommand(const Context& context, const std::string& data_dir_flag) {
  std::string command = "streamform";
  if (data_dir_flag.empty() && context.options.project != ".") {
    command += " --project " + context.options.project;
  }
  command += " engine start";
  if (!data_dir_flag.empty()) command += " --data-dir " + data_dir_flag;
  return command;
}

std::string EndpointOf(const EngineState& state) {
  std::string host = state.address;
  if (host.empty() || host == "0.0.0.0") host = "127.0.0.1";
  if (host == "::") host = "::1";
  if (host.find(':') != std::string::npos && host.front() != '[') host = "[" + host + "]";
  return "http://" + host + ":" + std::to_string(state.port);
}

std::string DefaultEndpoint() { return "http://127.0.0.1:" + std::to_string(engine::kDefaultPort); }

std::string NormalizeEndpoint(std::string endpoint) {
  while (!endpoint.empty() && endpoint.back() == '/') endpoint.pop_back();
  if (!endpoint.empty() && endpoint.find("://") == std::string::npos) {
    endpoint = "http://" + endpoint;
  }
  return endpoint;
}

std::string EngineEndpoint(const std::string& flag, const std::string& data_dir) {
  std::string endpoint = flag;
  if (endpoint.empty()) endpoint = Environment("STREAMFORM_ENDPOINT");
  if (endpoint.empty()) endpoint = Environment("STREAMFORM_ENDPOINT_URL");
  if (endpoint.empty()) {
    if (auto state = RunningEngine(data_dir)) endpoint = EndpointOf(*state);
  }
  if (endpoint.empty()) endpoint = DefaultEndpoint();
  return NormalizeEndpoint(endpoint);
}

Result<EngineAccess> ResolveEngineAccess(const Context& context, const std::string& endpoint_flag,
                                         const std::string& data_dir_flag) {
  EngineAccess access;
  access.data_dir = EngineDataDir(context, data_dir_flag);
  access.endpoint = EngineEndpoint(endpoint_flag, access.data_dir);
  access.credentials_path = auth::CredentialsPath(access.data_dir);
  access.env_command = "streamform";
  if (data_dir_flag.empty() && context.options.project != ".") {
    access.env_command += " --project " + context.options.project;
  }
  access.env_command += " env";
  if (!data_dir_flag.empty()) access.env_command += " --data-dir " + data_dir_flag;

  std::string region = Environment("AWS_REGION");
  if (region.empty()) region = Environment("AWS_DEFAULT_REGION");

  const std::string key = Environment("AWS_ACCESS_KEY_ID");
  const std::string secret = Environment("AWS_SECRET_ACCESS_KEY");
  if (!key.empty() || !secret.empty()) {
    if (key.empty() || secret.empty()) {
      return Fail(ErrorCode::kInvalidArgument,
                  std::string(key.empty() ? "AWS_SECRET_ACCESS_KEY" : "AWS_ACCESS_KEY_ID") +
                      " is set in the environment but " +
                      (key.empty() ? "AWS_ACCESS_KEY_ID" : "AWS_SECRET_ACCESS_KEY") +
                      " is not: set both, or neither to use the engine's own credentials (" +
                      access.credentials_path + ")");
    }
    access.credentials.access_key = key;
    access.credentials.secret_key = secret;
    if (std::string token = Environment("AWS_SESSION_TOKEN"); !token.empty()) {
      access.credentials.session_token = token;
    }
    access.from_environment = true;
    // The engine answers for one region, named in its credentials file.
    if (auto file = auth::LoadEngineCredentials(access.data_dir))
      access.engine_region = file->region;
    if (region.empty()) region = access.engine_region.empty() ? "us-east-1" : access.engine_region;
    access.region = region;
    return access;
  }

  auto file = auth::LoadEngineCredentials(access.data_dir);
  if (!file) {
    if (file.error().code == ErrorCode::kNotFound) {
      return Fail(ErrorCode::kNotFound,
                  "no credentials for the engine: " + access.credentials_path +
                      " does not exist. Start the engine first (`" +
                      StartCommand(context, data_dir_flag) +
                      "`; it creates them), point --data-dir at its data dir, or set "
                      "AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY");
    }
    return tl::unexpected(file.error());
  }
  access.credentials = file->credentials;
  access.engine_region = file->region;
  access.region = region.empty() ? file->region : region;
  return access;
}

void ReportKinesisError(std::ostream& err, const client::KinesisError& error,
                        const EngineAccess& access) {
  err << "streamform: " << error.type << ": " << error.message;
  if (error.http_status != 0 && client::IsAuthError(error))
    err << " (HTTP " << error.http_status << ")";
  err << "\n";
  if (!client::IsAuthError(error)) return;
  const bool skew = error.message.find("Signature expired") != std::string::npos ||
                    error.message.find("Signature not yet current") != std::string::npos;
  if (skew) {
    err << "  the engine at " << access.endpoint
        << " refused the request's time: check this machine's clock (or, for an engine run "
           "with --virtual-clock, where its clock is)\n";
    return;
  }
  if (error.message.find("region") != std::string::npos) {
    err << "  the request was signed for region " << access.region
        << " (AWS_REGION or AWS_DEFAULT_REGION); the engine answers for "
        << (access.engine_region.empty() ? "the region in its credentials.json"
                                         : access.engine_region)
        << ": unset them or set them to that\n";
    return;
  }
  err << "  the request was signed with access key " << access.credentials.access_key
      << " for region " << access.region << ", from "
      << (access.from_environment ? "AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY in the environment"
                                  : access.credentials_path)
      << "\n";
  if (access.from_environment) {
    err << "  the engine's own credentials are in " << access.credentials_path << ": `eval \"$("
        << access.env_command
        << ")\"` sets them, or unset AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY to let "
           "streamform read that file\n";
  } else {
    err << "  is " << access.endpoint << " the engine of data dir " << access.data_dir
        << "? Use --data-dir to name the data dir of the engine you are talking to\n";
  }
}

}  // namespace sf::cli
