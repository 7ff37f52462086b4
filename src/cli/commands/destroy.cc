// streamform destroy --stage S [STACK...]: deletes a stage's stacks (all by default) to save
// cost, importers first and each stack's resources in reverse dependency order.
//
//   --yes             do not ask (required without a terminal)
//   --empty-buckets   delete the objects in the stacks' buckets first (else such a bucket
//                     refuses the destroy)
//   --force STAGE     destroy a protected stage; must name the stage
// Every refusal (protected stage, an export imported by a stack not being destroyed, a bucket
// holding objects) is checked before anything is deleted and reported together (exit 8).
// Resources with DeletionPolicy Retain are kept and reported. At the end it prints what was
// deleted, what was retained and the estimated monthly cost saved.

#include <cstdio>

#include "base/strings.h"
#include "cli/apply_support.h"
#include "cli/commands/commands.h"
#include "cli/controller_setup.h"
#include "cli/views/changeset_view.h"
#include "cli/views/diagnostics_view.h"
#include "controller/destroy_checks.h"

namespace sf::cli {

namespace {

struct DestroyCommandOptions {
  std::vector<std::string> stacks;
  bool yes = false;
  bool empty_buckets = false;
  std::string force;
  EngineFlags engine;
};

std::string Dollars(double usd) {
  char text[32];
  std::snprintf(text, sizeof text, "$%.2f", usd);
  return text;
}

void RunDestroy(Context& context, const DestroyCommandOptions& options) {
  auto setup = SetUpController(context, options.engine);
  if (!setup) return;
  const std::string& stage = setup->target.stage->name;
  if (!options.force.empty() && options.force != stage) {
    *context.err << "streamform: --force names stage '" << options.force
                 << "' but this destroys stage '" << stage << "'\n";
    context.exit_code = kExitUsage;
    return;
  }
  auto locked = PlanUnderLocks(context, *setup, options.stacks, "destroy", true, options.engine);
  if (!locked) return;
  auto& session = locked->session;
  const plan::Changeset& changeset = locked->planned.changeset;
  size_t recorded = 0;
  std::vector<std::string> names;
  for (const auto& stack : changeset.stacks) {
    if (session->state().records.count(stack.stack_name) == 0) continue;
    ++recorded;
    names.push_back(stack.name);
  }
  if (recorded == 0) {
    *context.out << "Nothing to destroy: no stack of stage " << stage << " has been applied.\n";
    return;
  }
  controller::DestroyOptions rules{options.empty_buckets, options.force};
  auto refusals = controller::DestroyRefusals(*session, changeset, rules);
  if (!refusals.empty()) {
    controller::ControllerError error;
    error.kind = controller::ControllerError::Kind::kRefused;
    error.message = "refusing to destroy stage " + stage + " (nothing was deleted):";
    error.details = refusals;
    return ReportControllerError(context, error, options.engine);
  }
  if (!context.json()) RenderChangeset(*context.out, changeset, {context.color, stage, true});
  if (!Confirm(context, "Destroy " + Join(names, ", ") + " in stage " + stage, options.yes)) return;
  if (options.empty_buckets) {
    // Issue 6 adds the stacks' own writers (mappings, delivery streams, rules), to be stopped
    // before emptying; the stacks the engine runs today have none.
    auto emptied = controller::EmptyRemovedResources(*session, changeset);
    if (!emptied) {
      *context.err << "streamform: " << emptied.error().message << " (nothing was deleted)\n";
      context.exit_code = kExitFailed;
      return;
    }
    for (const auto& note : *emptied) *context.out << note << "\n";
  }
  controller::ApplyRunOptions run;
  run.destroy = true;
  auto report = RunWithProgress(context, *session, changeset, run);
  if (!report) return ReportControllerError(context, report.error(), options.engine);
  if (context.json() || report->outcome != apply::Outcome::kComplete) return;
  size_t deleted = 0, retained = 0;
  for (const auto& stack : changeset.stacks) {
    for (const auto& resource : stack.resources) {
      if (resource.action != plan::Action::kRemove) continue;
      if (resource.retain) {
        ++retained;
      } else {
        ++deleted;
      }
    }
  }
  *context.out << "Destroyed stage " << stage << ": " << deleted << " resource(s) deleted, "
               << retained << " retained, " << names.size() << " stack(s) removed.\n";
  double saved = changeset.cost.monthly_before - changeset.cost.monthly_after;
  *context.out << "Estimated monthly cost saved: " << Dollars(saved) << " ("
               << changeset.cost.price_table << ").\n";
}

}  // namespace

void RegisterDestroy(CLI::App& app, Context& context) {
  auto options = std::make_shared<DestroyCommandOptions>();
  CLI::App* command =
      app.add_subcommand("destroy", "Delete the stage's stacks and their resources");
  command->add_option("stacks", options->stacks, "Stacks to destroy (default: all)");
  command->add_flag("--yes,-y", options->yes, "Do not ask for confirmation");
  command->add_flag("--empty-buckets", options->empty_buckets,
                    "Delete the objects in the stacks' buckets first");
  command->add_option("--force", options->force, "Destroy a protected stage; must name the stage");
  AddEngineFlags(*command, options->engine);
  command->callback([&context, options] { RunDestroy(context, *options); });
}

}  // namespace sf::cli
