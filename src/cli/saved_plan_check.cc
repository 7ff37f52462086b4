#include "cli/saved_plan_check.h"

namespace sf::cli {

std::vector<std::string> CheckSavedPlan(const ControllerSetup& setup,
                                        controller::StageSession& session,
                                        const plan::SavedPlan& saved,
                                        const plan::PlanResult& fresh) {
  std::vector<std::string> reasons;
  const Project& project = *setup.target.project;
  if (saved.project != project.name || saved.stage != setup.target.stage->name) {
    reasons.push_back("the plan is for " + saved.project + " stage " + saved.stage + ", not " +
                      project.name + " stage " + setup.target.stage->name);
    return reasons;
  }
  std::vector<std::string> stacks;
  for (const auto& stack : saved.changeset.stacks) stacks.push_back(stack.name);
  auto inputs = plan::ReadPlanInputs(project, stacks);
  if (!inputs) {
    reasons.push_back("cannot read the plan's inputs: " + inputs.error().message);
    return reasons;
  }
  plan::CurrentState current;
  current.inputs = std::move(*inputs);
  current.engine_instance = session.state().instance;
  current.records = session.state().records;
  current.live = fresh.live;
  return plan::StaleReasons(saved, current);
}

}  // namespace sf::cli
