#pragma once
// The stack records the engine keeps for the controller, and the wire contract of the engine's
// stack routes. Shared by both halves (as src/auth is): the engine stores a record as JSON and
// understands only what it enforces or indexes (revision, lock, status, exports, imports); the
// controller reads and writes whole records.
//
// Routes (all SigV4, service "streamform"; JSON in and out; errors {"__type", "message"} with
// the HTTP status given):
//   GET    /_streamform/stacks?stage=S            {"stacks": [StackSummary]} (stage optional)
//   GET    /_streamform/stacks/{name}             StackRecord JSON; 404 StackNotFound
//   PUT    /_streamform/stacks/{name}             {"lockId", "expectRevision", "record"}
//            -> {"revision": n}. 409 LockNotHeld when lockId is not the live lock;
//            409 RevisionMismatch {"revision": current}; 409 ExportInUse when an export another
//            stack of the stage imports would vanish or change value ({"export", "importer"});
//            409 ExportExists when another stack of the stage exports the name.
//            expectRevision 0 means "the stack must not exist yet" (or is DELETE_COMPLETE).
//   DELETE /_streamform/stacks/{name}?lockId=L    marks the record DELETE_COMPLETE (kept for
//            events; its exports and imports are dropped); 409 ExportInUse naming the importer.
//   POST   /_streamform/stacks/{name}/lock        {"owner", "operation", "ttlMs", "lockId"?}
//            -> LockInfo. Acquires a free or expired lock, or renews the caller's own (same
//            lockId). 409 StackLocked with the holder's LockInfo as "lock".
//   DELETE /_streamform/stacks/{name}/lock?lockId=L   releases; releasing a lock one does not
//            hold is 409 LockNotHeld; an absent lock is success.
//   POST   /_streamform/stacks/{name}/journal     {"lockId", "entries": [JournalEntry]}
//            -> {"seq": last}. One transaction: every entry is durable when it answers. The
//            engine stamps seq (1, 2, ... per stack) and timeMs (its clock).
//   GET    /_streamform/stacks/{name}/events?after=SEQ&limit=N   {"events": [JournalEntry]}
//   GET    /_streamform/exports?stage=S           {"exports": [{"name", "value", "stack",
//                                                  "importers": [stack names]}]}
// Lock expiry and timeMs use the engine's clock, so --virtual-clock tests can expire a lock.
// History is capped per stack at 20,000 journal entries (the oldest go first).

#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "base/result.h"

namespace sf::stackapi {

// One resource as last applied.
struct ResourceRecord {
  std::string logical_id;
  std::string type;
  std::string physical_id;
  std::string status;                   // CREATE_COMPLETE, UPDATE_COMPLETE, DELETE_FAILED, ...
  nlohmann::json properties;            // the resolved properties applied (Value::ToTaggedJson)
  nlohmann::json attributes;            // {"Arn": "..."} (GetAtt names)
  std::vector<std::string> depends_on;  // logical ids in the same stack
  std::string deletion_policy;          // "" (Delete), "Retain", "Delete"
  int64_t created_ms = 0;               // the engine's creation time of the physical resource
  std::string incarnation;              // tells a recreated resource from the original
};

struct OutputRecord {
  std::string name;
  nlohmann::json value;     // the resolved value (a string, usually)
  std::string export_name;  // "" when not exported
  std::string description;
};

struct TemplateRef {
  std::string path;    // as the project names it
  std::string digest;  // "sha256:<hex>" of the file's bytes
  std::string text;    // the template; left out of listings
};

struct StackRecord {
  std::string name;      // the stack name: "streaming-pipeline-dev-data-sources"; route key
  std::string project;   // "streaming-pipeline"
  std::string stage;     // "dev"
  std::string stack;     // the project's name for it: "data-sources"
  int64_t revision = 0;  // the engine's; incremented by each PUT
  std::string status;    // CloudFormation's names: CREATE_COMPLETE, UPDATE_ROLLBACK_COMPLETE...
  bool protected_stage = false;  // copied from the stage at each apply
  std::string last_apply;        // id of the last apply that finished
  std::string open_apply;        // id of an apply that has not finished ("" when none)
  nlohmann::json parameters = nlohmann::json::object();
  TemplateRef tmpl;
  std::map<std::string, ResourceRecord> resources;  // by logical id
  std::vector<OutputRecord> outputs;
  std::vector<std::string> imports;  // export names the stack imports
  int64_t updated_ms = 0;            // stamped by the engine

  const ResourceRecord* Find(const std::string& logical_id) const;
};

struct StackSummary {
  std::string name, project, stage, stack, status;
  int64_t revision = 0;
  int64_t updated_ms = 0;
  bool locked = false;
};

struct LockInfo {
  std::string lock_id;
  std::string owner;      // "user@host pid 123 apply a-2026..." (+ CI job id)
  std::string operation;  // "apply", "destroy"
  int64_t acquired_ms = 0;
  int64_t expires_ms = 0;
};

// One journal entry. `kind`: apply-begin, op-begin, op-end, op-fail, rollback-begin,
// apply-end. The controller fills the rest as the kind needs; the engine stamps seq and
// time_ms and otherwise stores `detail` untouched.
struct JournalEntry {
  int64_t seq = 0;
  int64_t time_ms = 0;
  std::string kind;
  std::string apply_id;
  std::string logical_id;  // op-*: the resource
  std::string type;        // op-*: its resource type
  std::string operation;   // op-*: create, update, delete
  std::string physical_id;
  std::string status;  // CloudFormation event status: CREATE_IN_PROGRESS, ...
  std::string reason;  // op-fail: the error; others: a note
  nlohmann::json detail = nlohmann::json::object();  // properties, state, digests...
};

struct ExportEntry {
  std::string name;
  nlohmann::json value;
  std::string stack;
  std::vector<std::string> importers;
};

// JSON, camelCase as in the route comments. The From* functions fail with kParse naming the
// member that is missing or of the wrong type.
nlohmann::json ToJson(const StackRecord& record);
Result<StackRecord> StackRecordFromJson(const nlohmann::json& json);
nlohmann::json ToJson(const StackSummary& summary);
Result<StackSummary> StackSummaryFromJson(const nlohmann::json& json);
nlohmann::json ToJson(const LockInfo& lock);
Result<LockInfo> LockInfoFromJson(const nlohmann::json& json);
nlohmann::json ToJson(const JournalEntry& entry);
Result<JournalEntry> JournalEntryFromJson(const nlohmann::json& json);
nlohmann::json ToJson(const ExportEntry& entry);
Result<ExportEntry> ExportEntryFromJson(const nlohmann::json& json);

}  // namespace sf::stackapi
