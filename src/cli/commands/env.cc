// streamform env: prints the shell exports that point AWS SDKs and the AWS CLI at the engine.
//
//   eval "$(streamform env)"                  # sh, bash, zsh
//   streamform env --format fish | source     # fish
//   streamform env --format json              # for tools: {"AWS_ACCESS_KEY_ID": ..., ...}
//
//   --data-dir DIR   the engine's data dir (default: <project>/.streamform/engine)
//   --endpoint URL   the endpoint to print (default: the data dir's engine, from engine.json)
//
// Sets AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_REGION, AWS_DEFAULT_REGION,
// AWS_ENDPOINT_URL and STREAMFORM_ENDPOINT_URL, and unsets AWS_SESSION_TOKEN (a token left
// from a real AWS session would be sent along). AWS_ENDPOINT_URL is honoured only from AWS CLI
// 2.13.0 (v1 1.29.0) / boto3 1.28.0 (botocore 1.31.0) on, July 2023: older clients, Debian 12's
// among them, need --endpoint-url "$STREAMFORM_ENDPOINT_URL". With the engine stopped the
// credentials are printed all the same (a note goes to stderr); without a credentials file the
// engine has never started: exit 1.

#include <nlohmann/json.hpp>
#include <string>
#include <utility>
#include <vector>

#include "auth/key_file.h"
#include "cli/commands/commands.h"
#include "cli/endpoint.h"
#include "cli/engine_state.h"

namespace sf::cli {

namespace {

struct EnvOptions {
  std::string data_dir;
  std::string endpoint;
  std::string format = "sh";
};

// 'text' for POSIX shells: everything literal between single quotes; a quote is '\''.
std::string ShellQuote(const std::string& text) {
  std::string out = "'";
  for (char c : text) {
    if (c == '\'') {
      out += "'\\''";
    } else {
      out += c;
    }
  }
  return out + "'";
}

// 'text' for fish: inside single quotes only \' and \\ are escapes.
std::string FishQuote(const std::string& text) {
  std::string out = "'";
  for (char c : text) {
    if (c == '\'' || c == '\\') out += '\\';
    out += c;
  }
  return out + "'";
}

// A comment must stay one line whatever a path holds.
std::string CommentSafe(std::string text) {
  for (char& c : text) {
    if (c == '\n' || c == '\r') c = '?';
  }
  return text;
}

void RunEnv(Context& context, const EnvOptions& options, bool format_given) {
  const std::string dir = EngineDataDir(context, options.data_dir);
  auto credentials = auth::LoadEngineCredentials(dir);
  if (!credentials) {
    if (credentials.error().code == ErrorCode::kNotFound) {
      *context.err << "streamform: no engine credentials in " << auth::CredentialsPath(dir)
                   << ": start the engine first (`" << StartCommand(context, options.data_dir)
                   << "`); it creates them on its first start\n";
    } else {
      *context.err << "streamform: " << credentials.error().message << "\n";
    }
    context.exit_code = kExitFailed;
    return;
  }

  // The endpoint: --endpoint, else where the engine listens (or listened), else the default.
  const std::optional<EngineState> state = ReadEngineState(dir);
  const bool running = state.has_value() && RunningEngine(dir).has_value();
  std::string endpoint = NormalizeEndpoint(options.endpoint);
  if (endpoint.empty()) endpoint = state ? EndpointOf(*state) : DefaultEndpoint();
  if (!running) {
    *context.err << "streamform: the engine of " << dir
                 << " is not running; these are its credentials, and " << endpoint
                 << (!options.endpoint.empty() ? " is the endpoint given"
                     : state                   ? " is where it last listened"
                                               : " is where it listens by default")
                 << ". Start it with `" << StartCommand(context, options.data_dir) << "`\n";
  }

  const std::string& region = credentials->region;
  const std::vector<std::pair<std::string, std::string>> variables = {
      {"AWS_ACCESS_KEY_ID", credentials->credentials.access_key},
      {"AWS_SECRET_ACCESS_KEY", credentials->credentials.secret_key},
      {"AWS_REGION", region},
      {"AWS_DEFAULT_REGION", region},
      {"AWS_ENDPOINT_URL", endpoint},
      {"STREAMFORM_ENDPOINT_URL", endpoint},
  };
  std::string format = options.format;
  if (!format_given && context.json()) format = "json";

  std::ostream& out = *context.out;
  if (format == "json") {
    nlohmann::ordered_json json = nlohmann::ordered_json::object();
    for (const auto& [name, value] : variables) json[name] = value;
    out << json.dump(2) << "\n";
    return;
  }
  const bool fish = format == "fish";
  out << "# the streamform engine at " << CommentSafe(endpoint) << " (data dir " << CommentSafe(dir)
      << "): " << (fish ? "streamform env --format fish | source" : "eval \"$(streamform env)\"")
      << "\n";
  for (const auto& [name, value] : variables) {
    if (fish) {
      out << "set -gx " << name << " " << FishQuote(value) << "\n";
    } else {
      out << "export " << name << "=" << ShellQuote(value) << "\n";
    }
  }
  out << (fish ? "set -e AWS_SESSION_TOKEN\n" : "unset AWS_SESSION_TOKEN\n");
  out << "# AWS_ENDPOINT_URL needs AWS CLI >= 2.13 / botocore >= 1.31; with older clients pass "
      << (fish ? "--endpoint-url $STREAMFORM_ENDPOINT_URL"
               : "--endpoint-url \"$STREAMFORM_ENDPOINT_URL\"")
      << "\n";
}

}  // namespace

void RegisterEnv(CLI::App& app, Context& context) {
  auto* command = app.add_subcommand(
      "env",
      "Print shell exports for the engine's credentials and endpoint: eval \"$(streamform env)\"");
  auto options = std::make_shared<EnvOptions>();
  command->add_option("--data-dir", options->data_dir,
                      "The engine's data dir (default: <project>/.streamform/engine)");
  command->add_option("--endpoint", options->endpoint,
                      "The endpoint to print (default: where the data dir's engine listens)");
  auto* format = command
                     ->add_option("--format", options->format,
                                  "sh (default; bash, zsh), fish, or json (for tools)")
                     ->check(CLI::IsMember({"sh", "fish", "json"}));
  command->callback(
      [&context, options, format] { RunEnv(context, *options, format->count() > 0); });
}

}  // namespace sf::cli
