#pragma once
// The executor: carries out one stack's part of a changeset through the providers, journaled,
// in dependency order with bounded parallelism, and rolls back on failure.
//
// Phases, as CloudFormation runs them:
//   main     creates (Add, and the new half of a create-first Replace), in-place updates
//            (Modify, one provider call per step), and delete-first replacements (delete the
//            old resource, then create it again under the same name). A resource starts once
//            every changed resource it depends on has finished; independent ones run at once
//            on up to `parallelism` workers.
//   cleanup  deletes (Remove, and the old half of a create-first Replace), in reverse
//            dependency order, once the whole main phase succeeded. Before cleanup nothing
//            irreversible has happened except delete-first replacements.
// Every provider call is journaled: "op-begin" (durable before the call), then "op-end" with
// the resulting state, or "op-fail" with the error. The working record (`result.record`)
// follows every completed operation, so whatever happens it says what exists.
//
// On the first failure in the main phase nothing new starts; running operations finish; then,
// unless rollback is off, the completed main-phase operations are undone in reverse order
// (a create is deleted, an update goes back, a delete-first replacement is recreated, empty).
// A failure in cleanup is not rolled back: the resource stays recorded (DELETE_FAILED) and the
// next apply retries it. `should_stop` (Ctrl-C, a lost lock) stops scheduling the same way,
// without rollback.

#include <cstdint>
#include <functional>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "base/result.h"
#include "base/value.h"
#include "plan/changeset.h"
#include "provider/provider.h"
#include "stackapi/stack_record.h"

namespace sf::apply {

// A line of progress for the views: one per operation start and end.
struct ProgressEvent {
  std::string stack;
  std::string logical_id;
  std::string type;
  std::string operation;  // create, update, delete, retain, rollback-create, ...
  std::string status;     // CloudFormation event status: CREATE_IN_PROGRESS, CREATE_COMPLETE...
  std::string physical_id;
  std::string message;     // the error, a step ("ShardCount 2 -> 4"), a provider note
  int64_t elapsed_ms = 0;  // for ends: how long the operation took
};

struct ApplyHooks {
  // Durably records an entry (the JournalWriter); an error stops the apply like a failure.
  std::function<Status(stackapi::JournalEntry entry)> journal;
  // Resolves a resource's properties again once the resources it depends on exist: gets the
  // record as it is now and the logical ids whose main-phase operation has completed
  // (`settled`); returns fully known properties, or an error.
  std::function<Result<Value>(const std::string& logical_id, const stackapi::StackRecord& now,
                              const std::set<std::string>& settled)>
      resolve;
  std::function<void(const ProgressEvent&)> progress;  // may be empty; called from workers
  std::function<bool()> should_stop;                   // may be empty
};

struct ExecutorOptions {
  int parallelism = 8;
  bool rollback = true;
  std::string apply_id;
  bool new_stack = false;  // the stack had no record: statuses are CREATE_*, not UPDATE_*
};

enum class Outcome {
  kComplete,        // every operation succeeded
  kRolledBack,      // failed; the completed operations were undone
  kFailed,          // failed and not rolled back (rollback off, or a cleanup delete failed)
  kRollbackFailed,  // failed, and undoing failed too: the record says what exists
  kInterrupted,     // should_stop: what ran is recorded; apply resumes
};
std::string ToString(Outcome outcome);

struct StackResult {
  Outcome outcome = Outcome::kComplete;
  std::string error;  // the first failure, "Bucket2: create failed: ..."
  std::vector<std::string> rollback_errors;
  stackapi::StackRecord record;  // the working record after everything
  size_t operations_done = 0;
  size_t operations_total = 0;
  std::vector<std::string> retained;  // logical ids removed from the record but kept live
};

// Runs `change` against `record` (the stack's record before the apply; an empty record for a
// new stack). `change.resources` carry the desired properties; Unknowns are resolved through
// hooks.resolve once their dependencies are done.
StackResult ExecuteStack(const plan::StackChange& change, const stackapi::StackRecord& record,
                         provider::ProviderRegistry& providers, const ApplyHooks& hooks,
                         const ExecutorOptions& options);

}  // namespace sf::apply
