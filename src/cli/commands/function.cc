// streamform invoke FUNCTION [--event FILE|-] [--async] [--log]: invokes a function on the
// engine, as `aws lambda invoke` does, and prints its response on stdout. --log prints the
// invocation's log lines on stderr. Exit 0 when the function succeeded, 1 when it raised (its
// error document is printed) or the engine refused.
// streamform logs FUNCTION [--follow]: prints a function's log (stdout and stderr of its
// workers, framed START/END/REPORT as Lambda's); --follow keeps printing new lines.
// Both find the engine and sign as put and tail do (cli/endpoint.h).

#include <chrono>
#include <fstream>
#include <iostream>
#include <sstream>
#include <thread>

#include "cli/commands/commands.h"
#include "cli/endpoint.h"
#include "client/lambda_client.h"
#include "client/signed_client.h"

namespace sf::cli {

namespace {

struct FunctionOptions {
  std::string function;
  std::string event;  // a file, "-" for stdin, "" for {}
  bool async = false;
  bool log = false;
  bool follow = false;
  std::string endpoint;
  std::string data_dir;
};

std::optional<std::string> ReadEvent(Context& context, const std::string& source) {
  if (source.empty()) return std::string("{}");
  std::stringstream text;
  if (source == "-") {
    text << std::cin.rdbuf();
  } else {
    std::ifstream file(source, std::ios::binary);
    if (!file) {
      *context.err << "streamform: cannot read the event file " << source << "\n";
      return std::nullopt;
    }
    text << file.rdbuf();
  }
  return text.str();
}

void RunInvoke(Context& context, const FunctionOptions& options) {
  auto access = ResolveEngineAccess(context, options.endpoint, options.data_dir);
  if (!access) {
    *context.err << "streamform: " << access.error().message << "\n";
    context.exit_code = kExitFailed;
    return;
  }
  auto event = ReadEvent(context, options.event);
  if (!event) {
    context.exit_code = kExitFailed;
    return;
  }
  client::LambdaClient lambda(access->endpoint, access->credentials, access->region);
  auto reply = lambda.Invoke(options.function, *event, options.async ? "Event" : "RequestResponse",
                             options.log);
  if (!reply) {
    *context.err << "streamform: " << reply.error().type << ": " << reply.error().message << "\n";
    context.exit_code = reply.error().type == "ConnectionError" ? kExitNotRunning : kExitFailed;
    return;
  }
  if (options.log && !reply->log_result.empty()) *context.err << reply->log_result;
  if (options.async) {
    *context.out << "queued (HTTP " << reply->status << ")\n";
  } else {
    *context.out << reply->payload << "\n";
  }
  if (!reply->function_error.empty()) {
    *context.err << "streamform: the function failed (" << reply->function_error << ")\n";
    context.exit_code = kExitFailed;
  }
}

void RunLogs(Context& context, const FunctionOptions& options) {
  auto access = ResolveEngineAccess(context, options.endpoint, options.data_dir);
  if (!access) {
    *context.err << "streamform: " << access.error().message << "\n";
    context.exit_code = kExitFailed;
    return;
  }
  client::SignedClient engine(access->endpoint, access->credentials, access->region, "streamform");
  const std::string path =
      "/_streamform/functions/" + client::EncodePathSegment(options.function) + "/log";
  int64_t offset = 0;
  while (true) {
    auto reply = engine.Send("GET", path, "offset=" + std::to_string(offset), "");
    if (!reply) {
      *context.err << "streamform: " << reply.error().message << "\n";
      context.exit_code = kExitNotRunning;
      return;
    }
    if (reply->status != 200) {
      *context.err << "streamform: " << reply->body << "\n";
      context.exit_code = kExitFailed;
      return;
    }
    *context.out << reply->body << std::flush;
    const std::string* next = reply->Header("x-streamform-next-offset");
    int64_t advanced = next != nullptr ? std::stoll(*next) : offset;
    bool more = advanced > offset;
    offset = advanced;
    if (more) continue;  // read on while there is a backlog
    if (!options.follow) return;
    std::this_thread::sleep_for(std::chrono::milliseconds(500));
  }
}

void AddEngine(CLI::App& command, FunctionOptions& options) {
  command.add_option("--endpoint", options.endpoint, "The engine's URL");
  command.add_option("--data-dir", options.data_dir, "The engine's data dir, for its credentials");
}

}  // namespace

void RegisterFunctionCommands(CLI::App& app, Context& context) {
  auto invoke = std::make_shared<FunctionOptions>();
  CLI::App* command = app.add_subcommand("invoke", "Invoke a function on the engine");
  command->add_option("function", invoke->function, "The function's name")->required();
  command->add_option("--event", invoke->event,
                      "The event: a JSON file, or - for stdin (default {})");
  command->add_flag("--async", invoke->async, "Queue the invocation (InvocationType Event)");
  command->add_flag("--log", invoke->log, "Print the invocation's log lines on stderr");
  AddEngine(*command, *invoke);
  command->callback([&context, invoke] { RunInvoke(context, *invoke); });

  auto logs = std::make_shared<FunctionOptions>();
  CLI::App* log_command = app.add_subcommand("logs", "Print a function's log");
  log_command->add_option("function", logs->function, "The function's name")->required();
  log_command->add_flag("--follow,-f", logs->follow, "Keep printing new lines");
  AddEngine(*log_command, *logs);
  log_command->callback([&context, logs] { RunLogs(context, *logs); });
}

}  // namespace sf::cli
