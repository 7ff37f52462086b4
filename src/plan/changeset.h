#pragma once
// A changeset: what applying a stage's stacks would do to the live state, resource by
// resource and property by property. Plain data with JSON both ways; the planner
// (plan/planner.h) makes one, `plan` prints it (cli/views/changeset_view), `plan -o` saves it
// inside a saved plan (plan/saved_plan.h) and the executor (apply/) carries it out.
//
// Values may be Unknown ("known after apply"); JSON keeps them as {"$unknown": "..."}
// (Value::ToTaggedJson), so a saved plan round-trips exactly.

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "base/result.h"
#include "base/value.h"

namespace sf::plan {

enum class Action { kNoOp, kAdd, kModify, kReplace, kRemove };
enum class Replacement { kFalse, kConditional, kTrue };

std::string ToString(Action action);            // "Add", "Modify", "Replace", "Remove", "NoOp"
std::string ToString(Replacement replacement);  // "False", "Conditional", "True"
Result<Action> ParseAction(const std::string& text);
Result<Replacement> ParseReplacement(const std::string& text);

struct PropertyChange {
  std::string path;             // JSON pointer into Properties: "/ShardCount"
  std::optional<Value> before;  // absent: the property is being set
  std::optional<Value> after;   // absent: the property is being removed; may be Unknown
  Replacement forces = Replacement::kFalse;
  std::string cause;   // "template" (the template changed) or "drift" (live differs)
  std::string reason;  // why it forces a replacement: "createOnlyProperties", "cannot update
                       // in place: ..."
};

// An in-place update's step (shard-count changes beyond double or half take several).
struct Step {
  std::string description;  // "UpdateShardCount 2 -> 4"
  Value properties;         // the whole property map after the step (may hold Unknowns)
};

struct CostDelta {
  double monthly_before = 0;  // USD, at the price table's prices
  double monthly_after = 0;
  std::vector<std::string> notes;  // "2 shard-hours x 730 h x $0.015", "not estimated: ..."
};

struct ResourceChange {
  std::string stack;  // the project's stack name ("data-sources")
  std::string logical_id;
  std::string type;
  std::string physical_id;      // current one; "" for Add (see new_physical_id)
  std::string new_physical_id;  // Add and Replace: the id it will have, when known
  Action action = Action::kNoOp;
  Replacement replacement = Replacement::kFalse;
  std::vector<std::string> forced_by;  // paths that force replacement
  bool delete_first = false;           // Replace that keeps the physical name: delete, then create
  std::vector<PropertyChange> properties;
  std::vector<PropertyChange> attributes;  // GetAtt values that change: Arn "known after apply"
  std::vector<Step> steps;                 // Modify: in-place steps, in order
  std::string data_impact;  // Remove/Replace: "the bucket holds 1,204 objects (3.1 GiB)"
  bool retain = false;      // Remove with DeletionPolicy Retain: forgotten, not deleted
  bool recreate = false;    // Add of a recorded resource deleted outside streamform
  std::vector<std::string> depends_on;  // logical ids in the same stack
  Value desired;  // the desired properties (Add, Modify, Replace), may hold Unknowns
  CostDelta cost;
};

// Live state that differs from what was last applied, three-way.
struct DriftRow {
  std::string stack;
  std::string logical_id;
  std::string path;
  std::optional<Value> template_value, applied, live;
  std::string outcome;  // "reverted", "kept", "not checked", "deleted"
};

struct OutputChange {
  std::string name;
  std::string export_name;
  std::optional<Value> before, after;
};

struct StackChange {
  std::string name;             // the project's name ("data-sources")
  std::string stack_name;       // "streaming-pipeline-dev-data-sources"
  int64_t record_revision = 0;  // 0 when the stack has no record yet
  std::string template_path;
  std::string template_digest;
  std::vector<ResourceChange> resources;  // changes only (no NoOps), in dependency order
  std::vector<OutputChange> outputs;
  std::optional<bool> protection_change;  // the stage's protection will become this
  size_t unchanged = 0;
};

struct Summary {
  size_t add = 0, modify = 0, replace = 0, remove = 0, unchanged = 0, drifted = 0;
  bool empty() const { return add + modify + replace + remove == 0; }
  size_t conditional = 0;  // Modifies whose replacement is Conditional
  // Something is removed or replaced (a Conditional replacement included).
  bool destructive() const { return replace + remove + conditional > 0; }
};

struct CostSummary {
  double monthly_before = 0;
  double monthly_after = 0;
  std::string currency = "USD";
  std::string price_table;  // "us-east-1 list prices of 2026-11-22"
  std::vector<std::string> notes;
};

struct Changeset {
  std::string project;
  std::string stage;
  std::string region;
  std::vector<StackChange> stacks;  // in stack order
  std::vector<DriftRow> drift;
  CostSummary cost;
  Summary summary;
  std::vector<std::string> warnings;  // e.g. reshards beyond the 10-per-24-hours window
};

nlohmann::json ToJson(const Changeset& changeset);
Result<Changeset> ChangesetFromJson(const nlohmann::json& json);

}  // namespace sf::plan
