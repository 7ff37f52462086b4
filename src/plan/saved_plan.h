#pragma once
// A saved plan (`plan -o plan.json`, format "streamform-plan/1"): the changeset plus what it
// was computed from, so `apply plan.json` can refuse a plan that no longer holds:
// - inputs: the project file and each template in scope, with the digest of its bytes;
// - touched: each resource the changeset touches, with the digest of its record and a
//   fingerprint of the live state the plan read (SHA-256 of canonical JSON, sorted keys, of the
//   normalised observed properties, the attributes and the incarnation; "absent" when it did
//   not exist), and those normalised live properties, so a refusal can say what changed;
// - the engine instance it was made against, and a digest over everything else, so an
//   edited or truncated file is refused.
// JSON keys are camelCase; Values are Value::ToTaggedJson. Pure except Save, Load and
// ReadPlanInputs, which touch files.

#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "base/result.h"
#include "plan/changeset.h"
#include "plan/planner.h"
#include "project/project_file.h"
#include "provider/provider.h"
#include "schema/schema.h"
#include "stackapi/stack_record.h"

namespace sf::plan {

inline constexpr const char* kSavedPlanFormat = "streamform-plan/1";
inline constexpr const char* kAbsent = "absent";

struct InputFile {
  std::string stack;   // the project's stack name; "" for the project file
  std::string path;    // the project directory joined with the path the project gives
  std::string digest;  // "sha256:<hex>"
};

struct PlanInputs {
  InputFile project;
  std::vector<InputFile> templates;  // in the project's order
};

struct TouchedResource {
  std::string stack;  // the project's stack name
  std::string logical_id;
  std::string type;
  std::string physical_id;    // the current one, else the one it will take ("" if not known)
  std::string record;         // RecordDigest of its record; "" when it has none
  std::string fingerprint;    // LiveFingerprint, or "absent"
  Value live = Value::Map();  // normalised observed live properties (empty when absent)
};

struct SavedPlan {
  std::string format = kSavedPlanFormat;
  std::string created_at;  // "2026-11-22T10:15:00Z"
  std::string streamform;  // the version that made it: "0.6.0 (abc1234)"
  std::string project;
  std::string stage;
  std::string engine_instance;
  PlanInputs inputs;
  std::vector<TouchedResource> touched;
  Changeset changeset;
  std::string digest;  // "sha256:..." over everything above (set by ToJson and Make)
};

// The project file and the templates of `stacks` (all when empty), digested now.
Result<PlanInputs> ReadPlanInputs(const Project& project, const std::vector<std::string>& stacks);

// Digest of one resource's record (canonical JSON); "" for nullptr.
std::string RecordDigest(const stackapi::ResourceRecord* record);

// The normalised observed properties of a live state (an empty map when absent).
Value NormalizedLive(const ResourceSchema* schema, const provider::LiveState& live);
// "sha256:..." of the live state, or "absent".
std::string LiveFingerprint(const ResourceSchema* schema, const provider::LiveState& live);

// A saved plan of `result`. `records` are those the plan was made from (PlanInput::records);
// `created_at` "" means now.
SavedPlan MakeSavedPlan(const PlanResult& result, PlanInputs inputs,
                        const std::map<std::string, stackapi::StackRecord>& records,
                        std::string streamform_version, std::string engine_instance,
                        std::string created_at = "");

nlohmann::json ToJson(const SavedPlan& plan);  // with the digest computed afresh
// Refuses a document whose digest does not match ("edited or truncated") or whose format is
// not "streamform-plan/1".
Result<SavedPlan> SavedPlanFromJson(const nlohmann::json& json);

Status SaveSavedPlan(const SavedPlan& plan, const std::string& path);
Result<SavedPlan> LoadSavedPlan(const std::string& path);

// What a saved plan is checked against when it is applied.
struct CurrentState {
  PlanInputs inputs;
  std::string engine_instance;
  std::map<std::string, stackapi::StackRecord> records;  // by stack name, as PlanInput has them
  std::map<std::string, provider::LiveState> live;       // the touched resources read again,
                                                         // by "stack/LogicalId"
};

// Every reason the plan no longer holds, in words ("stacks/stream.yaml changed since the
// plan", "Stream: ShardCount 2 -> 4 since the plan", "engine instance differs ..."); empty
// when it still holds. Drift in resources the plan does not touch is no reason. A touched
// resource missing from `current.live` is not compared.
std::vector<std::string> StaleReasons(const SavedPlan& plan, const CurrentState& current);

}  // namespace sf::plan
