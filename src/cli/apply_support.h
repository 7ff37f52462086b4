#pragma once
// What apply and destroy share at the terminal: the confirmation prompt, Ctrl-C handling,
// running the changeset with progress, and turning the outcome into words and an exit code.

#include <string>

#include <memory>
#include <optional>

#include "cli/context.h"
#include "cli/controller_setup.h"
#include "controller/apply_run.h"
#include "controller/session.h"

namespace sf::cli {

// A session holding the locks of the stacks it plans, and its plan.
struct LockedPlan {
  std::unique_ptr<controller::StageSession> session;
  plan::PlanResult planned;
};

// What apply and destroy do before they show anything: lock `stacks` (all when empty), settle
// applies that did not finish (a "resuming:" note each on stderr), and plan
// (`destroy`: the removal of everything recorded). nullopt when it failed; the error or the
// template diagnostics are printed and the exit code set.
std::optional<LockedPlan> PlanUnderLocks(Context& context, const ControllerSetup& setup,
                                         const std::vector<std::string>& stacks,
                                         const std::string& operation, bool destroy,
                                         const EngineFlags& flags);

// Asks `question [y/N]` on a terminal. Without one, refuses (exit 8, saying to pass --yes)
// unless `yes`. Returns true to go ahead; otherwise the exit code is set.
bool Confirm(Context& context, const std::string& question, bool yes);

// Runs the changeset with a progress view and Ctrl-C handling (the first stops scheduling and
// lets running operations finish; the second exits at once, leaving the lock to expire).
// Prints the outcome and sets the exit code; an error (the engine refused a record write) is
// left for the caller to report.
controller::ControllerResult<controller::ApplyReport> RunWithProgress(
    Context& context, controller::StageSession& session, const plan::Changeset& changeset,
    const controller::ApplyRunOptions& options);

}  // namespace sf::cli
