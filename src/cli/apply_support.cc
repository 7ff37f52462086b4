#include "cli/apply_support.h"

#include <unistd.h>

#include <atomic>
#include <csignal>
#include <iostream>
#include <nlohmann/json.hpp>

#include "cli/views/diagnostics_view.h"
#include "cli/views/progress_view.h"
#include "cli/views/terminal.h"

namespace sf::cli {

namespace {

std::atomic<int> interrupts{0};

void OnInterrupt(int) {
  if (interrupts.fetch_add(1) >= 1) _exit(kExitInterrupted);  // the second Ctrl-C
}

// Installs the handler for the apply's duration.
class InterruptScope {
 public:
  InterruptScope() {
    interrupts = 0;
    struct sigaction action {};
    action.sa_handler = OnInterrupt;
    sigemptyset(&action.sa_mask);
    sigaction(SIGINT, &action, &previous_int_);
    sigaction(SIGTERM, &action, &previous_term_);
  }
  ~InterruptScope() {
    sigaction(SIGINT, &previous_int_, nullptr);
    sigaction(SIGTERM, &previous_term_, nullptr);
  }

 private:
  struct sigaction previous_int_ {};
  struct sigaction previous_term_ {};
};

int ExitCodeFor(apply::Outcome outcome) {
  switch (outcome) {
    case apply::Outcome::kComplete:
      return kExitOk;
    case apply::Outcome::kRolledBack:
      return kExitRolledBack;
    case apply::Outcome::kFailed:
    case apply::Outcome::kRollbackFailed:
      return kExitNotRolledBack;
    case apply::Outcome::kInterrupted:
      return kExitInterrupted;
  }
  return kExitInternal;
}

}  // namespace

std::optional<LockedPlan> PlanUnderLocks(Context& context, const ControllerSetup& setup,
                                         const std::vector<std::string>& stacks,
                                         const std::string& operation, bool destroy,
                                         const EngineFlags& flags) {
  auto session = controller::StageSession::Open(setup.target, stacks, operation, true);
  if (!session) {
    ReportControllerError(context, session.error(), flags);
    return std::nullopt;
  }
  auto recovered = (*session)->RecoverInterrupted();
  if (!recovered) {
    ReportControllerError(context, recovered.error(), flags);
    return std::nullopt;
  }
  for (const auto& note : *recovered) *context.err << "resuming: " << note << "\n";
  Diagnostics diagnostics;
  auto planned = (*session)->Plan(destroy, diagnostics);
  if (!planned) {
    ReportControllerError(context, planned.error(), flags);
    return std::nullopt;
  }
  if (!diagnostics.empty()) PrintDiagnostics(*context.err, diagnostics, context.color);
  if (diagnostics.has_errors()) {
    context.exit_code = kExitFailed;
    return std::nullopt;
  }
  return LockedPlan{std::move(*session), std::move(*planned)};
}

bool Confirm(Context& context, const std::string& question, bool yes) {
  if (yes) return true;
  if (isatty(STDIN_FILENO) == 0) {
    *context.err << "streamform: refusing to " << question
                 << " without a terminal to ask on; pass --yes to go ahead\n";
    context.exit_code = kExitRefused;
    return false;
  }
  *context.err << question << "? [y/N] " << std::flush;
  std::string answer;
  std::getline(std::cin, answer);
  if (answer == "y" || answer == "Y" || answer == "yes") return true;
  *context.err << "nothing changed\n";
  context.exit_code = kExitRefused;
  return false;
}

controller::ControllerResult<controller::ApplyReport> RunWithProgress(
    Context& context, controller::StageSession& session, const plan::Changeset& changeset,
    const controller::ApplyRunOptions& given) {
  ProgressView::Mode mode = context.json()               ? ProgressView::Mode::kJson
                            : isatty(STDOUT_FILENO) != 0 ? ProgressView::Mode::kLive
                                                         : ProgressView::Mode::kLines;
  ProgressView view(*context.out, context.color, mode);
  controller::ApplyRunOptions options = given;
  options.progress = [&view](const apply::ProgressEvent& event) { view.Show(event); };
  options.interrupted = [] { return interrupts.load() > 0; };
  InterruptScope scope;
  auto report = options.rollback_interrupted ? controller::RollBackInterrupted(session, options)
                                             : controller::RunApply(session, changeset, options);
  session.ReleaseLocks();
  if (!report) return report;  // the caller reports the error

  size_t done = 0, total = 0;
  for (const auto& stack : report->stacks) {
    done += stack.result.operations_done;
    total += stack.result.operations_total;
  }
  context.exit_code = ExitCodeFor(report->outcome);
  if (context.json()) {
    nlohmann::json stacks = nlohmann::json::array();
    for (const auto& stack : report->stacks) {
      stacks.push_back({{"stack", stack.stack},
                        {"stackName", stack.stack_name},
                        {"outcome", apply::ToString(stack.result.outcome)},
                        {"status", stack.result.record.status},
                        {"error", stack.result.error},
                        {"rollbackErrors", stack.result.rollback_errors},
                        {"retained", stack.result.retained},
                        {"operationsDone", stack.result.operations_done},
                        {"operationsTotal", stack.result.operations_total}});
    }
    *context.out << nlohmann::json{{"event", "summary"},
                                   {"applyId", report->apply_id},
                                   {"outcome", apply::ToString(report->outcome)},
                                   {"stacks", stacks},
                                   {"notes", report->notes}}
                        .dump()
                 << "\n";
    return report;
  }
  std::ostream& out = *context.out;
  for (const auto& note : report->notes) out << "note: " << note << "\n";
  for (const auto& stack : report->stacks) {
    const auto& result = stack.result;
    for (const auto& id : result.retained)
      out << "retained " << stack.stack << "/" << id << " (DeletionPolicy Retain)\n";
    if (result.outcome == apply::Outcome::kComplete) continue;
    out << Styled(stack.stack_name + ": " + result.record.status, Style::kRed, context.color)
        << ": " << result.error << "\n";
    for (const auto& error : result.rollback_errors) out << "  rollback: " << error << "\n";
  }
  switch (report->outcome) {
    case apply::Outcome::kComplete:
      out << Styled(options.destroy                ? "Destroy complete"
                    : options.rollback_interrupted ? "Rollback complete"
                                                   : "Apply complete",
                    Style::kGreen, context.color)
          << ": " << done << " operation(s) in " << report->stacks.size() << " stack(s) (apply "
          << report->apply_id << ").\n";
      break;
    case apply::Outcome::kRolledBack:
      out << "Apply failed and was rolled back: the stack is as it was.\n";
      break;
    case apply::Outcome::kFailed:
      out << "Apply failed; what completed was kept (the record says what exists). Fix the "
             "cause and run `streamform apply` again.\n";
      break;
    case apply::Outcome::kRollbackFailed:
      out << "Apply failed and the rollback failed too; the record says what exists. Run "
             "`streamform apply` to converge on the templates.\n";
      break;
    case apply::Outcome::kInterrupted:
      out << "Interrupted: " << done << " of " << total
          << " operation(s) done. `streamform apply` resumes.\n";
      break;
  }
  return report;
}

}  // namespace sf::cli
