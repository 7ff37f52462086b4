#pragma once
// The planner: diffs a stage's stacks as the templates describe them against what was last
// applied (the engine's stack records) and what is live (read through providers), and
// produces a Changeset. It reads live state through the providers (batched: one Read per
// resource type, types in parallel) and does no other I/O; the controller fetches the records
// and exports and passes them in.
//
// Resolution: a Ref or GetAtt of a recorded resource that is neither added nor replaced gives
// its recorded physical id and attributes; Fn::ImportValue of an export no stack of the set
// makes gives the live export; everything else only apply can produce stays Unknown ("known
// after apply").

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "plan/changeset.h"
#include "project/project_file.h"
#include "provider/provider.h"
#include "stackapi/stack_record.h"

namespace sf {
class Diagnostics;
}

namespace sf::plan {

struct PlanInput {
  const Project* project = nullptr;
  const Stage* stage = nullptr;
  std::vector<std::string> stacks;  // the project's stack names in scope; empty: all
  // Records of the stage's stacks, by stack name ("streaming-pipeline-dev-data-sources");
  // stacks without a record are absent. DELETE_COMPLETE records count as absent.
  std::map<std::string, stackapi::StackRecord> records;
  // The stage's live exports (what the engine lists), for imports from stacks out of scope.
  std::vector<stackapi::ExportEntry> exports;
  provider::ProviderRegistry* providers = nullptr;
  bool destroy = false;  // plan the removal of every resource in scope instead
  // Packages a SAM function's local CodeUri (StackSetOptions::code_artifact); may be empty.
  std::function<std::optional<Value>(const std::string& code_dir)> code_artifact;
  // The engine's region and account (StackSetOptions::target_region); empty: the stage's.
  std::string target_region;
  std::string target_account;
};

struct PlanResult {
  Changeset changeset;
  // For each resource the changeset touches (and each recorded resource it read), the live
  // state it read, by "stack/LogicalId"; saved plans fingerprint these.
  std::map<std::string, provider::LiveState> live;
};

// Diagnostics get the template problems (as `validate` reports them) and planning refusals
// (a type with no provider, a new resource whose name is taken). The result is meaningful
// only when `diagnostics` has no errors.
PlanResult Plan(const PlanInput& input, Diagnostics& diagnostics);

}  // namespace sf::plan
