#pragma once
// What the controller knows about a stage from the engine: every stack record of the stage
// and its live exports, plus the resolution that uses them (Ref and GetAtt of applied
// resources, imports from stacks outside the set).

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "base/diagnostics.h"
#include "controller/target.h"
#include "project/project_file.h"
#include "project/stack_set.h"
#include "stackapi/stack_record.h"
#include "state/stack_state_client.h"

namespace sf::controller {

struct StageState {
  std::string instance;  // the engine's instance id (from /health)
  // Live records of the stage by stack name ("streaming-pipeline-dev-data-sources");
  // DELETE_COMPLETE records are left out.
  std::map<std::string, stackapi::StackRecord> records;
  std::vector<stackapi::ExportEntry> exports;
};

// Reads the stage's records (one GET per stack of the project, in parallel) and exports.
state::StateResult<StageState> FetchStageState(state::StackStateClient& client,
                                               const Project& project, const Stage& stage);

// Resolution hooks over applied state on `target`'s engine: Ref/GetAtt of a resource in
// `records` (keyed by stack name) give its recorded physical id and attributes; imports nothing
// in the set exports come from `exports`; AWS::Region and AWS::AccountId are the engine's. The
// maps must outlive the returned options.
StackSetOptions ResolutionHooks(
    const Target& target, const std::map<std::string, stackapi::StackRecord>& records,
    const std::vector<stackapi::ExportEntry>& exports,
    std::function<std::optional<Value>(const std::string&)> code_artifact = {});

// The project's stacks for the stage resolved with those hooks.
// `code_artifact` packages SAM functions' local code as the plan did (CodeArtifacts::Code).
StackSet ResolveApplied(const Target& target,
                        const std::map<std::string, stackapi::StackRecord>& records,
                        const std::vector<stackapi::ExportEntry>& exports, Diagnostics& diagnostics,
                        std::function<std::optional<Value>(const std::string&)> code_artifact = {});

}  // namespace sf::controller
