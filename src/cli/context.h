#pragma once
// What every command gets: the global options, the output streams, and whether to colour.

#include <iosfwd>
#include <optional>
#include <string>
#include <vector>

#include "base/diagnostics.h"
#include "project/stack_set.h"

namespace sf::cli {

// Exit codes; docs/cli.md is the contract.
enum ExitCode : int {
  kExitOk = 0,
  kExitFailed = 1,      // the command ran and found problems (validation errors, ...)
  kExitNotRunning = 3,  // engine status: the engine is not running
  kExitUsage = 64,      // the command line is wrong
  kExitInternal = 70,   // a bug in streamform
};

struct GlobalOptions {
  std::string project = ".";
  std::string stage;
  std::string output = "text";  // text | json
  std::string color = "auto";   // auto | always | never
};

struct Context {
  GlobalOptions options;
  std::ostream* out = nullptr;
  std::ostream* err = nullptr;
  bool color = false;  // decided from options.color and whether stdout is a terminal
  int exit_code = kExitOk;

  bool json() const { return options.output == "json"; }
};

// The stacks a command works on: the template files given, or else the project's stacks for
// the chosen stage (--stage, else the project's default stage, else its only stage).
// Problems go to `diagnostics`; nullopt when there is nothing to work on.
struct Workspace {
  StackSet stacks;
  std::optional<Project> project;
  std::vector<std::string> files;  // the files read, for summaries
};
std::optional<Workspace> LoadWorkspace(const Context& context,
                                       const std::vector<std::string>& files,
                                       Diagnostics& diagnostics);

}  // namespace sf::cli
