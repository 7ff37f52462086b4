#pragma once
// RuleStore: the engine's EventBridge rules and their targets, durably.
//
// SQLite (<data dir>/events.db, WAL, synchronous=FULL: a change is on disk when the call
// returns, or not made at all): `rules` (name, the rule's JSON, last_fire_ms) and `targets`
// (rule, id, position, the target's JSON). Every rule is on the default event bus, the only
// one the engine has; its ARN is arn:aws:events:<region>:<account>:rule/<name>.
//
// Schedule bookkeeping, for the Scheduler (scheduler.h):
//   anchor_ms     the origin of a rate's grid: when the rule got its ScheduleExpression
//   since_ms      occurrences at or before it are not due: set when the rule gets an
//                 expression or is enabled, and raised to the engine's time at Open (a
//                 stopped engine does not back-fill what it missed, as EventBridge does not)
//   last_fire_ms  the latest occurrence fired (or skipped by the catch-up cap), written before
//                 the fire is delivered, so a restart never fires an occurrence twice
// The next occurrence due is the first after max(since_ms, last_fire_ms).
//
// Errors are EventBridge's (engine/api_error.h): ResourceNotFoundException "Rule <name> does
// not exist on EventBus default.", ValidationException (a rule with targets cannot be
// deleted), LimitExceededException (more than 5 targets), InternalException (disk, SQLite).
// Field validation (names, lengths, patterns) is the API's.
//
// Thread-safe: changes are serialised; reads take a shared lock on an in-memory copy. The
// change listener (SetListener) runs after each committed change, outside the store's locks.

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <shared_mutex>
#include <string>
#include <vector>

#include "base/clock.h"
#include "base/result.h"
#include "engine/api_error.h"

namespace sf::engine::sqlite {
class Db;
}

namespace sf::engine::schedule {

inline constexpr size_t kMaxTargetsPerRule = 5;
inline constexpr char kDefaultEventBus[] = "default";

struct Target {
  std::string id;
  std::string arn;
  std::string role_arn = {};
  std::optional<std::string> input = {};       // constant JSON sent instead of the event
  std::optional<std::string> input_path = {};  // a JSONPath into the event
  // The target's other members (RetryPolicy, DeadLetterConfig, InputTransformer, ...) as a JSON
  // object's text ("" when none): kept and listed back, not acted on.
  std::string extra = {};
};

// What PutRule sets: a PutRule replaces every field of an existing rule (EventBridge keeps no
// omitted value) except its tags, which only a creating PutRule sets.
struct RuleSettings {
  std::string name;
  std::string schedule_expression;  // "" when none
  std::string event_pattern;        // kept as text; "" when none
  bool enabled = true;
  std::string description;
  std::string role_arn;
  std::map<std::string, std::string> tags;
};

struct Rule {
  RuleSettings settings;
  std::string arn;
  int64_t created_ms = 0;
  int64_t anchor_ms = 0;
  int64_t since_ms = 0;
  int64_t last_fire_ms = 0;
  std::vector<Target> targets;  // in the order first put
};

// A target PutTargets could not put, as its FailedEntries lists it.
struct TargetFailure {
  std::string target_id;
  std::string error_code;
  std::string error_message;
};

class RuleStore {
 public:
  // Opens (creating) the database at `path`. `clock` must outlive the store.
  static Result<std::unique_ptr<RuleStore>> Open(const std::string& path, const Clock& clock,
                                                 std::string region, std::string account);
  ~RuleStore();
  RuleStore(const RuleStore&) = delete;
  RuleStore& operator=(const RuleStore&) = delete;

  // Creates or replaces the rule (its targets stay); returns it as stored. The schedule's
  // anchor and since_ms move to now when the expression changes, since_ms also when a disabled
  // rule is enabled.
  ApiResult<Rule> Put(const RuleSettings& settings);
  // Deleting an absent rule succeeds, as in EventBridge; a rule with targets is refused.
  ApiResult<void> Delete(const std::string& name);
  ApiResult<Rule> SetEnabled(const std::string& name, bool enabled);
  // Adds or replaces targets by Id; LimitExceededException when the rule would have more than
  // kMaxTargetsPerRule. Returns the targets it could not put (none today: kept for the wire).
  ApiResult<std::vector<TargetFailure>> PutTargets(const std::string& rule,
                                                   const std::vector<Target>& targets);
  // Ids the rule does not have are ignored.
  ApiResult<void> RemoveTargets(const std::string& rule, const std::vector<std::string>& ids);
  ApiResult<void> Tag(const std::string& rule, const std::map<std::string, std::string>& tags);
  ApiResult<void> Untag(const std::string& rule, const std::vector<std::string>& keys);
  // Records fires: rule name -> the latest occurrence fired or skipped. One transaction; rules
  // deleted meanwhile are ignored, and last_fire_ms never moves back.
  Status RecordFires(const std::map<std::string, int64_t>& fired);

  ApiResult<Rule> Get(const std::string& name) const;
  std::vector<Rule> List() const;  // sorted by name
  std::string Arn(const std::string& name) const;
  // The rule an ARN names ("" when it is not one of this engine's rule ARNs).
  std::string NameFromArn(const std::string& arn) const;

  // Called after every committed change (rules, targets, state); not after RecordFires.
  void SetListener(std::function<void()> listener);

 private:
  RuleStore(const Clock& clock, std::string region, std::string account,
            std::unique_ptr<sqlite::Db> db);
  Status Load();
  // Writes `rule` (and, when `with_targets`, replaces its targets) in one transaction, then
  // updates the in-memory copy. Called with write_mu_ held.
  ApiResult<Rule> Commit(Rule rule, bool with_targets);
  ApiResult<Rule> Find(const std::string& name) const;
  void Changed();

  const Clock& clock_;
  const std::string region_;
  const std::string account_;
  std::mutex write_mu_;             // held by every change
  std::unique_ptr<sqlite::Db> db_;  // used under write_mu_
  mutable std::shared_mutex mu_;
  std::map<std::string, Rule> rules_;  // guarded by mu_
  std::mutex listener_mu_;
  std::function<void()> listener_;  // guarded by listener_mu_
};

}  // namespace sf::engine::schedule
