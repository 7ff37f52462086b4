// streamform apply [STACK... | PLANFILE]: applies the stage's templates to the engine.
//
//   --yes               do not ask (required without a terminal)
//   --no-rollback       on failure keep what completed (exit 7) instead of undoing it
//   --parallelism N     independent resources at once (default 8)
// It locks the stacks, finishes the bookkeeping of an apply that was interrupted (Ctrl-C, a
// killed job), plans, shows the changeset, asks, then applies it journaled (apply_support.h).
// A PLANFILE (from `plan -o`) is applied only if nothing it touches changed since; otherwise
// it is refused (exit 4) with every reason. Nothing to do: exit 0, and says so.

#include <filesystem>
#include <nlohmann/json.hpp>

#include "base/strings.h"
#include "cli/apply_support.h"
#include "cli/commands/commands.h"
#include "cli/controller_setup.h"
#include "cli/saved_plan_check.h"
#include "cli/views/changeset_view.h"
#include "cli/views/diagnostics_view.h"
#include "plan/saved_plan.h"

namespace sf::cli {

namespace {

struct ApplyOptions {
  std::vector<std::string> targets;
  bool yes = false;
  bool no_rollback = false;
  bool rollback = false;
  int parallelism = 8;
  EngineFlags engine;
};

// True when every stack's record already holds its current template and outputs, so an
// empty changeset means there is nothing at all to write.
bool RecordsCurrent(const plan::Changeset& changeset, const controller::StageState& state) {
  for (const auto& stack : changeset.stacks) {
    auto record = state.records.find(stack.stack_name);
    if (record == state.records.end() || record->second.tmpl.digest != stack.template_digest ||
        !stack.outputs.empty() || stack.protection_change) {
      return false;
    }
  }
  return true;
}

// apply --rollback: undo the unfinished applies of the stacks named (all by default).
void RunRollBack(Context& context, const ApplyOptions& options) {
  auto setup = SetUpController(context, options.engine);
  if (!setup) return;
  auto session = controller::StageSession::Open(setup->target, options.targets, "rollback", true);
  if (!session) return ReportControllerError(context, session.error(), options.engine);
  std::vector<std::string> open;
  for (const auto& [name, record] : (*session)->state().records) {
    if (!record.open_apply.empty()) open.push_back(name + " (apply " + record.open_apply + ")");
  }
  if (open.empty()) {
    *context.out << "Nothing to roll back: no apply of these stacks is unfinished.\n";
    return;
  }
  if (!Confirm(context, "Undo the unfinished apply of " + Join(open, ", "), options.yes)) return;
  controller::ApplyRunOptions run;
  run.parallelism = options.parallelism;
  run.rollback_interrupted = true;
  auto report = RunWithProgress(context, **session, plan::Changeset{}, run);
  if (!report) ReportControllerError(context, report.error(), options.engine);
}

void RunApplyCommand(Context& context, const ApplyOptions& options) {
  if (options.rollback) return RunRollBack(context, options);
  std::string plan_file;
  std::vector<std::string> stacks = options.targets;
  if (stacks.size() == 1 && std::filesystem::is_regular_file(stacks.front())) {
    plan_file = stacks.front();
    stacks.clear();
  }
  std::optional<plan::SavedPlan> saved;
  if (!plan_file.empty()) {
    auto loaded = plan::LoadSavedPlan(plan_file);
    if (!loaded) {
      *context.err << "streamform: " << plan_file << ": " << loaded.error().message << "\n";
      context.exit_code = kExitStale;
      return;
    }
    saved = std::move(*loaded);
    for (const auto& stack : saved->changeset.stacks) stacks.push_back(stack.name);
  }
  auto setup = SetUpController(context, options.engine);
  if (!setup) return;
  auto locked = PlanUnderLocks(context, *setup, stacks, "apply", false, options.engine);
  if (!locked) return;
  auto& session = locked->session;
  const plan::PlanResult& planned = locked->planned;
  plan::Changeset changeset = planned.changeset;
  if (saved) {
    auto stale = CheckSavedPlan(*setup, *session, *saved, planned);
    if (!stale.empty()) {
      controller::ControllerError error;
      error.kind = controller::ControllerError::Kind::kStale;
      error.message = "the saved plan " + plan_file + " is stale; run `streamform plan` again";
      error.details = stale;
      return ReportControllerError(context, error, options.engine);
    }
    changeset = saved->changeset;
  }
  if (!context.json()) {
    RenderChangeset(*context.out, changeset, {context.color, changeset.stage, false});
  }
  if (changeset.summary.empty() && RecordsCurrent(changeset, session->state())) {
    if (context.json()) {
      *context.out << nlohmann::json{{"event", "summary"}, {"outcome", "no changes"}}.dump()
                   << "\n";
    } else {
      *context.out << "Nothing to apply.\n";
    }
    context.exit_code = kExitOk;
    return;
  }
  std::vector<std::string> names;
  for (const auto& stack : changeset.stacks) names.push_back(stack.name);
  std::string question =
      "Apply these changes to " + Join(names, ", ") + " (" + changeset.stage + ")";
  if (!Confirm(context, question, options.yes)) return;
  controller::ApplyRunOptions run;
  run.parallelism = options.parallelism;
  run.rollback = !options.no_rollback;
  auto report = RunWithProgress(context, *session, changeset, run);
  if (!report) ReportControllerError(context, report.error(), options.engine);
}

}  // namespace

void RegisterApply(CLI::App& app, Context& context) {
  auto options = std::make_shared<ApplyOptions>();
  CLI::App* command =
      app.add_subcommand("apply", "Apply the stage's stacks (or a saved plan) to the engine");
  command->add_option("targets", options->targets,
                      "Stacks to apply (default: all), or a plan file from `plan -o`");
  command->add_flag("--yes,-y", options->yes, "Do not ask for confirmation");
  command->add_flag("--no-rollback", options->no_rollback,
                    "On failure keep what completed instead of rolling back");
  command
      ->add_flag("--rollback", options->rollback,
                 "Undo an apply that did not finish (Ctrl-C, a killed job) instead of "
                 "resuming it")
      ->excludes("--no-rollback");
  command
      ->add_option("--parallelism", options->parallelism, "Resources applied at once (default 8)")
      ->check(CLI::Range(1, 64));
  AddEngineFlags(*command, options->engine);
  command->callback([&context, options] { RunApplyCommand(context, *options); });
}

}  // namespace sf::cli
