// streamform plan [STACK...]: what applying the stage's stacks would change on the engine,
// risk first (cli/views/changeset_view.h), or the whole changeset with --output json.
//
//   -o FILE               also save the plan for `apply FILE` (plan/saved_plan.h)
//   --detailed-exitcode   exit 0 when there are no changes, 2 when there are, 1 on errors
//   --exit-destructive    with --detailed-exitcode: exit 9 when something would be removed or
//                         replaced (a Conditional replacement included)
// Read-only: it takes no locks and changes nothing.
// streamform show PLANFILE: renders a saved plan, stale or not (its digest must match).

#include <nlohmann/json.hpp>

#include "cli/commands/commands.h"
#include "cli/controller_setup.h"
#include "cli/views/changeset_view.h"
#include "cli/views/diagnostics_view.h"
#include "controller/session.h"
#include "plan/saved_plan.h"

namespace sf::cli {

namespace {

struct PlanOptions {
  std::vector<std::string> stacks;
  std::string out;
  bool detailed_exitcode = false;
  bool exit_destructive = false;
  EngineFlags engine;
};

void RunPlan(Context& context, const PlanOptions& options) {
  if (options.exit_destructive && !options.detailed_exitcode) {
    *context.err << "streamform: --exit-destructive needs --detailed-exitcode\n";
    context.exit_code = kExitUsage;
    return;
  }
  auto setup = SetUpController(context, options.engine);
  if (!setup) return;
  auto session = controller::StageSession::Open(setup->target, options.stacks, "plan", false);
  if (!session) return ReportControllerError(context, session.error(), options.engine);
  for (const auto& [name, record] : (*session)->state().records) {
    if (!record.open_apply.empty()) {
      *context.err << "note: " << name << " has an apply that did not finish (" << record.open_apply
                   << "); `streamform apply` completes its bookkeeping "
                   << "first\n";
    }
  }
  Diagnostics diagnostics;
  auto planned = (*session)->Plan(false, diagnostics);
  if (!planned) return ReportControllerError(context, planned.error(), options.engine);
  if (!diagnostics.empty()) PrintDiagnostics(*context.err, diagnostics, context.color);
  if (diagnostics.has_errors()) {
    context.exit_code = kExitFailed;
    return;
  }
  const plan::Changeset& changeset = planned->changeset;
  if (context.json()) {
    *context.out << Value::ReadableTaggedJson(plan::ToJson(changeset)).dump(2) << "\n";
  } else {
    RenderChangeset(*context.out, changeset, {context.color, changeset.stage, false});
  }
  if (!options.out.empty()) {
    auto inputs = plan::ReadPlanInputs(*setup->target.project, (*session)->stacks());
    if (!inputs) {
      *context.err << "streamform: " << inputs.error().message << "\n";
      context.exit_code = kExitFailed;
      return;
    }
    auto saved = plan::MakeSavedPlan(*planned, std::move(*inputs), (*session)->state().records,
                                     setup->target.version, (*session)->state().instance);
    if (auto written = plan::SaveSavedPlan(saved, options.out); !written) {
      *context.err << "streamform: cannot save the plan: " << written.error().message << "\n";
      context.exit_code = kExitFailed;
      return;
    }
    if (!context.json())
      *context.out << "Saved the plan to " << options.out << "; `streamform apply " << options.out
                   << "` applies exactly this.\n";
  }
  context.exit_code = kExitOk;
  if (options.detailed_exitcode && !changeset.summary.empty()) {
    context.exit_code = options.exit_destructive && changeset.summary.destructive()
                            ? kExitDestructive
                            : kExitChanges;
  }
}

void RunShow(Context& context, const std::string& file) {
  auto saved = plan::LoadSavedPlan(file);
  if (!saved) {
    *context.err << "streamform: " << file << ": " << saved.error().message << "\n";
    context.exit_code = kExitFailed;
    return;
  }
  if (context.json()) {
    *context.out << Value::ReadableTaggedJson(plan::ToJson(*saved)).dump(2) << "\n";
    return;
  }
  *context.out << "Plan for " << saved->project << " stage " << saved->stage << ", made "
               << saved->created_at << " by streamform " << saved->streamform << " against engine "
               << saved->engine_instance << "\n\n";
  RenderChangeset(*context.out, saved->changeset, {context.color, saved->stage, false});
}

}  // namespace

void RegisterPlan(CLI::App& app, Context& context) {
  auto options = std::make_shared<PlanOptions>();
  CLI::App* command =
      app.add_subcommand("plan", "Show what applying the stage's stacks would change");
  command->add_option("stacks", options->stacks, "Stacks to plan (default: all)");
  command->add_option("-o,--out", options->out, "Save the plan to FILE for `apply FILE`");
  command->add_flag("--detailed-exitcode", options->detailed_exitcode,
                    "Exit 0 for no changes, 2 for changes, 1 for errors");
  command->add_flag("--exit-destructive", options->exit_destructive,
                    "With --detailed-exitcode: exit 9 when something is removed or replaced");
  AddEngineFlags(*command, options->engine);
  command->callback([&context, options] { RunPlan(context, *options); });

  auto file = std::make_shared<std::string>();
  CLI::App* show = app.add_subcommand("show", "Render a saved plan (stale or not)");
  show->add_option("planfile", *file, "A plan file from `plan -o`")->required();
  show->callback([&context, file] { RunShow(context, *file); });
}

}  // namespace sf::cli
