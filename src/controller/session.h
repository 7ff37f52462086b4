#pragma once
// A controller session on some stacks of one stage: it holds their locks (for apply and
// destroy), reads their records and the stage's exports, recovers applies that were
// interrupted, and plans. Apply and destroy run on an open session (apply_run.h).
//
// Locks are taken in stack order before any state is read, so what is planned is what is
// applied; each is renewed in the background (state::LockLease) and released when the session
// ends. A lock held by someone else fails with the holder and when it expires.

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "base/diagnostics.h"
#include "controller/code_artifacts.h"
#include "controller/stage_state.h"
#include "controller/target.h"
#include "plan/planner.h"
#include "state/lock_lease.h"
#include "state/stack_state_client.h"

namespace sf::controller {

template <class T>
using ControllerResult = tl::expected<T, ControllerError>;

// What an apply that did not finish left: the record folded from its journal, with the
// operations in doubt settled by reading live state, and a note saying so.
struct SettledApply {
  stackapi::StackRecord record;
  std::string note;
};

class StageSession {
 public:
  // `stacks`: the project's stack names; empty means all. Unknown names fail (with the
  // project's names). `operation` ("apply", "destroy") goes into the lock's owner line.
  static ControllerResult<std::unique_ptr<StageSession>> Open(const Target& target,
                                                              std::vector<std::string> stacks,
                                                              const std::string& operation,
                                                              bool lock);
  ~StageSession();

  // Folds the journal of each stack whose last apply did not finish into its record
  // (operations in doubt are settled by reading live state), and writes the record back
  // (status UPDATE_FAILED, no open apply). Returns a note per recovered stack. Needs locks.
  ControllerResult<std::vector<std::string>> RecoverInterrupted();
  // The state an unfinished apply left on stack `name` (whose record has an open apply),
  // without writing anything.
  ControllerResult<SettledApply> SettleOpenApply(const std::string& name);

  // Plans the stacks in scope against the records read at Open (or after recovery).
  ControllerResult<plan::PlanResult> Plan(bool destroy, Diagnostics& diagnostics);

  const Target& target() const { return target_; }
  const std::vector<std::string>& stacks() const { return stacks_; }  // in stack order
  StageState& state() { return state_; }
  state::StackStateClient& client() { return client_; }
  CodeArtifacts& artifacts() { return artifacts_; }
  // The live lock id of a stack ("" without locks); false from lost() means still held.
  std::string lock_id(const std::string& stack_name) const;
  bool lock_lost() const;
  void ReleaseLocks();

 private:
  StageSession(const Target& target);
  ControllerResult<bool> Lock(const std::string& operation);
  ControllerResult<bool> Refresh();

  Target target_;
  std::vector<std::string> stacks_;
  state::StackStateClient client_;
  StageState state_;
  std::map<std::string, std::unique_ptr<state::LockLease>> leases_;  // by stack name
  CodeArtifacts artifacts_;
};

// The stack name for a project stack in the target's stage.
std::string StackNameOf(const Target& target, const std::string& stack);

}  // namespace sf::controller
