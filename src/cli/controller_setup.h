#pragma once
// What plan, apply, destroy, outputs and events share: the project and stage (validated as
// `validate` does), the engine's endpoint and credentials (cli/endpoint.h), the providers that
// reach it, and how controller errors map to exit codes and messages.

#include <CLI/CLI.hpp>
#include <memory>
#include <string>

#include "cli/context.h"
#include "cli/endpoint.h"
#include "controller/target.h"
#include "provider/provider.h"

namespace sf::cli {

struct EngineFlags {
  std::string endpoint;
  std::string data_dir;
};

struct ControllerSetup {
  Workspace workspace;
  EngineAccess access;
  provider::ProviderRegistry providers;
  controller::Target target;
};

// Loads the project and chooses the stage, and connects to its engine. The templates are not
// read here: the planner reads, resolves and validates them (as `validate` does) for the
// stacks in scope. On failure prints why (diagnostics, "the engine is not running: start it
// with ...") to context.err, sets context.exit_code, and returns nullptr.
std::unique_ptr<ControllerSetup> SetUpController(Context& context, const EngineFlags& flags);

// Prints a controller error and sets the exit code its kind calls for.
void ReportControllerError(Context& context, const controller::ControllerError& error,
                           const EngineFlags& flags);

// Adds --endpoint and --data-dir to a command.
void AddEngineFlags(CLI::App& command, EngineFlags& flags);

}  // namespace sf::cli
