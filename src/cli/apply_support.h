#pragma once
// What apply and destroy share at the terminal: the confirmation prompt, Ctrl-C handling,
// running the changeset with progress, and turning the outcome into words and an exit code.

#include <string>

#include "cli/context.h"
#include "controller/apply_run.h"
#include "controller/session.h"

namespace sf::cli {

// Asks `question [y/N]` on a terminal. Without one, refuses (exit 8, saying to pass --yes)
// unless `yes`. Returns true to go ahead; otherwise the exit code is set.
bool Confirm(Context& context, const std::string& question, bool yes);

// Runs the changeset with a progress view and Ctrl-C handling (the first stops scheduling and
// lets running operations finish; the second exits at once, leaving the lock to expire).
// Prints the outcome and sets the exit code; an error (the engine refused a record write) is
// left for the caller to report.
controller::ControllerResult<controller::ApplyReport> RunWithProgress(Context& context,
                                                       controller::StageSession& session,
                                                       const plan::Changeset& changeset,
                                                       const controller::ApplyRunOptions& options);

}  // namespace sf::cli
