#pragma once
// What every controller operation works on (a project's stage on one engine, through the
// providers), and how it fails: each kind of failure has its own exit code (docs/cli.md).

#include <string>
#include <vector>

#include "project/project_file.h"
#include "provider/provider.h"
#include "state/stack_state_client.h"

namespace sf::controller {

struct Target {
  const Project* project = nullptr;
  const Stage* stage = nullptr;
  state::EngineEndpoint endpoint;
  // The engine's region and account: where the stage's resources live, so what AWS::Region
  // and AWS::AccountId resolve to (StackSetOptions::target_region). Empty: the stage's.
  std::string region;
  std::string account;
  provider::ProviderRegistry* providers = nullptr;
  std::string version;  // "0.6.0 (abc1234)", for saved plans
  std::string owner;    // "user@host pid 123" (+ CI job id), for locks
};

struct ControllerError {
  enum class Kind {
    kNotRunning,  // the engine cannot be reached (exit 3)
    kStale,       // a saved plan or an interrupted apply whose inputs changed (exit 4)
    kLocked,      // another apply or destroy holds a stack (exit 5)
    kRefused,     // a safety rule (exit 8)
    kFailed,      // the engine refused, a template is invalid, a conflict (exit 1)
  } kind = Kind::kFailed;
  std::string message;
  std::vector<std::string> details;  // every reason, one per line
};

// Maps an error from the engine's stack routes to a ControllerError.
ControllerError FromState(const state::StateError& error, const std::string& doing);

}  // namespace sf::controller
