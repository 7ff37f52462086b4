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
  kExitFailed = 1,         // the command ran and found problems (validation errors, ...)
  kExitChanges = 2,        // plan --detailed-exitcode: there are changes
  kExitNotRunning = 3,     // the engine is not running
  kExitStale = 4,          // a saved plan (or an interrupted apply) whose inputs changed
  kExitLocked = 5,         // another apply or destroy holds a stack's lock
  kExitRolledBack = 6,     // apply failed and was rolled back: the stacks are as they were
  kExitNotRolledBack = 7,  // apply failed and was not (fully) rolled back
  kExitRefused = 8,        // a safety rule refused: protected stage, export in use, ...
  kExitDestructive = 9,    // plan --detailed-exitcode --exit-destructive: removes or replaces
  kExitUsage = 64,         // the command line is wrong
  kExitInternal = 70,      // a bug in streamform
  kExitInterrupted = 130,  // apply interrupted by Ctrl-C; `apply` resumes
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
// `resolve` false: the project and stage only (workspace.stacks holds just the stage's name),
// for commands whose planner resolves the stacks itself.
std::optional<Workspace> LoadWorkspace(const Context& context,
                                       const std::vector<std::string>& files,
                                       Diagnostics& diagnostics, bool resolve = true);

}  // namespace sf::cli
