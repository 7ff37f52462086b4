#pragma once
// Carrying out a changeset on an open session, stack by stack in the changeset's order (the
// planner puts importers first for a destroy): each stack's record is written with the apply open,
// its operations run through the executor with every one journaled, and the record is written again
// with what exists, its outputs, exports and imports. The first stack that does not complete stops
// the rest.

#include <functional>
#include <string>
#include <vector>

#include "apply/executor.h"
#include "controller/session.h"
#include "plan/changeset.h"

namespace sf::controller {

struct ApplyRunOptions {
  int parallelism = 8;
  bool rollback = true;
  bool destroy = false;               // delete the stacks' records at the end
  bool rollback_interrupted = false;  // RunWithProgress (cli): RollBackInterrupted instead
  std::function<void(const apply::ProgressEvent&)> progress;
  std::function<bool()> interrupted;  // Ctrl-C
};

struct StackOutcome {
  std::string stack;       // the project's name
  std::string stack_name;  // the full stack name
  apply::StackResult result;
};

struct ApplyReport {
  std::string apply_id;
  std::vector<StackOutcome> stacks;                    // those that ran
  apply::Outcome outcome = apply::Outcome::kComplete;  // of the last that ran
  std::vector<std::string> notes;
};

// "a-20261122T101500Z-7f3c": unique enough to tell applies apart in a journal.
std::string NewApplyId();

ControllerResult<ApplyReport> RunApply(StageSession& session, const plan::Changeset& changeset,
                                       const ApplyRunOptions& options);

// `apply --rollback`: undoes each apply in the session's stacks that did not finish, taking
// the stack back to its record as it was when that apply began (apply/undo_change.h). A
// resource the apply meant to delete that still exists is simply kept. The undo itself is
// journaled and never rolled back. Stacks without an unfinished apply are left alone (the
// report then holds no stacks).
ControllerResult<ApplyReport> RollBackInterrupted(StageSession& session,
                                                  const ApplyRunOptions& options);

}  // namespace sf::controller
