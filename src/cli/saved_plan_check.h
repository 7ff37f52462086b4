#pragma once
// Whether a saved plan still holds when `apply plan.json` runs: its stage, the digests of the
// project file and templates, the engine instance, and the records and live state of every
// resource it touches (read again by the fresh plan made under the locks).

#include <string>
#include <vector>

#include "cli/controller_setup.h"
#include "controller/session.h"
#include "plan/saved_plan.h"

namespace sf::cli {

// Every reason the plan no longer holds; empty when it does.
std::vector<std::string> CheckSavedPlan(const ControllerSetup& setup,
                                        controller::StageSession& session,
                                        const plan::SavedPlan& saved,
                                        const plan::PlanResult& fresh);

}  // namespace sf::cli
