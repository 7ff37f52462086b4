#pragma once
// Each command registers its subcommand and options on the app and, when chosen, runs
// through the library and a view, leaving its exit code in the context.

#include <CLI/CLI.hpp>

#include "cli/context.h"

namespace sf::cli {

void RegisterValidate(CLI::App& app, Context& context);
void RegisterGraph(CLI::App& app, Context& context);
void RegisterEngine(CLI::App& app, Context& context);
void RegisterPut(CLI::App& app, Context& context);
void RegisterTail(CLI::App& app, Context& context);
void RegisterEnv(CLI::App& app, Context& context);
void RegisterPlan(CLI::App& app, Context& context);  // plan, show
void RegisterApply(CLI::App& app, Context& context);
void RegisterDestroy(CLI::App& app, Context& context);
void RegisterOutputs(CLI::App& app, Context& context);           // outputs, events
void RegisterFunctionCommands(CLI::App& app, Context& context);  // invoke, logs

}  // namespace sf::cli
