#include "engine/schedule/rule_store.h"

#include <algorithm>
#include <nlohmann/json.hpp>

#include "engine/stack/sqlite_db.h"

namespace sf::engine::schedule {

namespace {

using nlohmann::json;

constexpr char kSchema[] =
    "CREATE TABLE IF NOT EXISTS rules (name TEXT PRIMARY KEY, config TEXT NOT NULL, "
    "last_fire_ms INTEGER NOT NULL DEFAULT 0);"
    "CREATE TABLE IF NOT EXISTS targets (rule TEXT NOT NULL, id TEXT NOT NULL, "
    "position INTEGER NOT NULL, config TEXT NOT NULL, PRIMARY KEY (rule, id));";

json RuleJson(const Rule& rule) {
  const RuleSettings& s = rule.settings;
  return {{"name", s.name},
          {"scheduleExpression", s.schedule_expression},
          {"eventPattern", s.event_pattern},
          {"enabled", s.enabled},
          {"description", s.description},
          {"roleArn", s.role_arn},
          {"tags", s.tags},
          {"createdMs", rule.created_ms},
          {"anchorMs", rule.anchor_ms},
          {"sinceMs", rule.since_ms}};
}

Result<Rule> RuleFromJson(const std::string& text) {
  json row = json::parse(text, nullptr, false);
  if (!row.is_object()) return Fail(ErrorCode::kParse, "a rule row is not a JSON object");
  try {
    Rule rule;
    RuleSettings& s = rule.settings;
    s.name = row.at("name").get<std::string>();
    s.schedule_expression = row.at("scheduleExpression").get<std::string>();
    s.event_pattern = row.at("eventPattern").get<std::string>();
    s.enabled = row.at("enabled").get<bool>();
    s.description = row.at("description").get<std::string>();
    s.role_arn = row.at("roleArn").get<std::string>();
    s.tags = row.at("tags").get<std::map<std::string, std::string>>();
    rule.created_ms = row.at("createdMs").get<int64_t>();
    rule.anchor_ms = row.at("anchorMs").get<int64_t>();
    rule.since_ms = row.at("sinceMs").get<int64_t>();
    return rule;
  } catch (const json::exception& e) {
    return Fail(ErrorCode::kParse, std::string("a rule row is malformed: ") + e.what());
  }
}

json TargetJson(const Target& target) {
  json out = {{"id", target.id}, {"arn", target.arn}, {"roleArn", target.role_arn}};
  if (target.input) out["input"] = *target.input;
  if (target.input_path) out["inputPath"] = *target.input_path;
  if (!target.extra.empty()) out["extra"] = target.extra;
  return out;
}

Result<Target> TargetFromJson(const std::string& text) {
  json row = json::parse(text, nullptr, false);
  if (!row.is_object()) return Fail(ErrorCode::kParse, "a target row is not a JSON object");
  try {
    Target target;
    target.id = row.at("id").get<std::string>();
    target.arn = row.at("arn").get<std::string>();
    target.role_arn = row.at("roleArn").get<std::string>();
    if (row.contains("input")) target.input = row["input"].get<std::string>();
    if (row.contains("inputPath")) target.input_path = row["inputPath"].get<std::string>();
    if (row.contains("extra")) target.extra = row["extra"].get<std::string>();
    return target;
  } catch (const json::exception& e) {
    return Fail(ErrorCode::kParse, std::string("a target row is malformed: ") + e.what());
  }
}

tl::unexpected<ApiError> NotFound(const std::string& name) {
  return ApiFail("ResourceNotFoundException",
                 "Rule " + name + " does not exist on EventBus " + kDefaultEventBus + ".");
}

tl::unexpected<ApiError> Internal(const Error& error) {
  return ApiFail("InternalException", error.message, 500);
}

}  // namespace

RuleStore::RuleStore(const Clock& clock, std::string region, std::string account,
                     std::unique_ptr<sqlite::Db> db)
    : clock_(clock), region_(std::move(region)), account_(std::move(account)), db_(std::move(db)) {}

RuleStore::~RuleStore() = default;

Result<std::unique_ptr<RuleStore>> RuleStore::Open(const std::string& path, const Clock& clock,
                                                   std::string region, std::string account) {
  auto db = sqlite::Db::Open(path);
  if (!db) return tl::unexpected(db.error());
  if (auto created = (*db)->Exec(kSchema); !created) return tl::unexpected(created.error());
  std::unique_ptr<RuleStore> store(
      new RuleStore(clock, std::move(region), std::move(account), std::move(*db)));
  if (auto loaded = store->Load(); !loaded) return tl::unexpected(loaded.error());
  return store;
}

Status RuleStore::Load() {
  int64_t now = clock_.NowMs();
  sqlite::Statement rules(*db_, "SELECT config, last_fire_ms FROM rules");
  for (;;) {
    auto row = rules.Step();
    if (!row) return tl::unexpected(row.error());
    if (!*row) break;
    auto rule = RuleFromJson(rules.Text(0));
    if (!rule) return tl::unexpected(rule.error());
    rule->last_fire_ms = rules.Int(1);
    rule->since_ms = std::max(rule->since_ms, now);  // no back-fill of what was missed
    rule->arn = Arn(rule->settings.name);
    rules_[rule->settings.name] = std::move(*rule);
  }
  sqlite::Statement targets(*db_, "SELECT rule, config FROM targets ORDER BY rule, position");
  for (;;) {
    auto row = targets.Step();
    if (!row) return tl::unexpected(row.error());
    if (!*row) break;
    auto target = TargetFromJson(targets.Text(1));
    if (!target) return tl::unexpected(target.error());
    auto rule = rules_.find(targets.Text(0));
    if (rule != rules_.end()) rule->second.targets.push_back(std::move(*target));
  }
  return {};
}

std::string RuleStore::Arn(const std::string& name) const {
  return "arn:aws:events:" + region_ + ":" + account_ + ":rule/" + name;
}

std::string RuleStore::NameFromArn(const std::string& arn) const {
  std::string prefix = Arn("");
  if (arn.size() <= prefix.size() || arn.compare(0, prefix.size(), prefix) != 0) return {};
  std::string name = arn.substr(prefix.size());
  if (name.rfind(std::string(kDefaultEventBus) + "/", 0) == 0) name.erase(0, 8);
  return name;
}

void RuleStore::SetListener(std::function<void()> listener) {
  std::lock_guard lock(listener_mu_);
  listener_ = std::move(listener);
}

void RuleStore::Changed() {
  std::function<void()> listener;
  {
    std::lock_guard lock(listener_mu_);
    listener = listener_;
  }
  if (listener) listener();
}

ApiResult<Rule> RuleStore::Find(const std::string& name) const {
  std::shared_lock lock(mu_);
  auto it = rules_.find(name);
  if (it == rules_.end()) return NotFound(name);
  return it->second;
}

ApiResult<Rule> RuleStore::Get(const std::string& name) const { return Find(name); }

std::vector<Rule> RuleStore::List() const {
  std::shared_lock lock(mu_);
  std::vector<Rule> out;
  out.reserve(rules_.size());
  for (const auto& [name, rule] : rules_) out.push_back(rule);
  return out;
}

ApiResult<Rule> RuleStore::Commit(Rule rule, bool with_targets) {
  auto transaction = sqlite::Transaction::Begin(*db_);
  if (!transaction) return Internal(transaction.error());
  sqlite::Statement upsert(*db_,
                           "INSERT INTO rules (name, config, last_fire_ms) VALUES (?1, ?2, ?3) "
                           "ON CONFLICT(name) DO UPDATE SET config = ?2");
  upsert.Bind(1, rule.settings.name).Bind(2, RuleJson(rule).dump()).Bind(3, rule.last_fire_ms);
  if (auto written = upsert.Run(); !written) return Internal(written.error());
  if (with_targets) {
    sqlite::Statement clear(*db_, "DELETE FROM targets WHERE rule = ?1");
    clear.Bind(1, rule.settings.name);
    if (auto cleared = clear.Run(); !cleared) return Internal(cleared.error());
    sqlite::Statement insert(
        *db_, "INSERT INTO targets (rule, id, position, config) VALUES (?1, ?2, ?3, ?4)");
    int64_t position = 0;
    for (const Target& target : rule.targets) {
      insert.Reset();
      insert.Bind(1, rule.settings.name)
          .Bind(2, target.id)
          .Bind(3, position++)
          .Bind(4, TargetJson(target).dump());
      if (auto added = insert.Run(); !added) return Internal(added.error());
    }
  }
  if (auto committed = (*transaction)->Commit(); !committed) return Internal(committed.error());
  std::unique_lock lock(mu_);
  rules_[rule.settings.name] = rule;
  return rule;
}

ApiResult<Rule> RuleStore::Put(const RuleSettings& settings) {
  ApiResult<Rule> stored;
  {
    std::lock_guard writing(write_mu_);
    int64_t now = clock_.NowMs();
    auto existing = Find(settings.name);
    Rule rule;
    if (existing) {
      rule = *existing;
      std::map<std::string, std::string> tags = rule.settings.tags;  // kept: PutRule's are ignored
      bool new_schedule = settings.schedule_expression != rule.settings.schedule_expression;
      bool enabling = settings.enabled && !rule.settings.enabled;
      rule.settings = settings;
      rule.settings.tags = std::move(tags);
      if (new_schedule) rule.anchor_ms = now;
      if (new_schedule || enabling) rule.since_ms = now;
    } else {
      rule.settings = settings;
      rule.arn = Arn(settings.name);
      rule.created_ms = rule.anchor_ms = rule.since_ms = now;
    }
    stored = Commit(std::move(rule), false);
  }
  if (stored) Changed();
  return stored;
}

ApiResult<void> RuleStore::Delete(const std::string& name) {
  {
    std::lock_guard writing(write_mu_);
    auto existing = Find(name);
    if (!existing) return {};
    if (!existing->targets.empty()) {
      return ApiFail("ValidationException", "Rule can't be deleted since it has targets.");
    }
    auto transaction = sqlite::Transaction::Begin(*db_);
    if (!transaction) return Internal(transaction.error());
    sqlite::Statement remove(*db_, "DELETE FROM rules WHERE name = ?1");
    remove.Bind(1, name);
    if (auto removed = remove.Run(); !removed) return Internal(removed.error());
    if (auto committed = (*transaction)->Commit(); !committed) return Internal(committed.error());
    std::unique_lock lock(mu_);
    rules_.erase(name);
  }
  Changed();
  return {};
}

ApiResult<Rule> RuleStore::SetEnabled(const std::string& name, bool enabled) {
  ApiResult<Rule> stored;
  {
    std::lock_guard writing(write_mu_);
    auto rule = Find(name);
    if (!rule) return rule;
    if (enabled && !rule->settings.enabled) rule->since_ms = clock_.NowMs();
    rule->settings.enabled = enabled;
    stored = Commit(std::move(*rule), false);
  }
  if (stored) Changed();
  return stored;
}

ApiResult<std::vector<TargetFailure>> RuleStore::PutTargets(const std::string& name,
                                                            const std::vector<Target>& targets) {
  {
    std::lock_guard writing(write_mu_);
    auto rule = Find(name);
    if (!rule) return tl::unexpected(rule.error());
    for (const Target& target : targets) {
      auto same = std::find_if(rule->targets.begin(), rule->targets.end(),
                               [&](const Target& t) { return t.id == target.id; });
      if (same != rule->targets.end()) {
        *same = target;
      } else {
        rule->targets.push_back(target);
      }
    }
    if (rule->targets.size() > kMaxTargetsPerRule) {
      return ApiFail("LimitExceededException",
                     "The requested resource exceeds the maximum number allowed.");
    }
    auto stored = Commit(std::move(*rule), true);
    if (!stored) return tl::unexpected(stored.error());
  }
  Changed();
  return std::vector<TargetFailure>{};
}

ApiResult<void> RuleStore::RemoveTargets(const std::string& name,
                                         const std::vector<std::string>& ids) {
  {
    std::lock_guard writing(write_mu_);
    auto rule = Find(name);
    if (!rule) return tl::unexpected(rule.error());
    std::erase_if(rule->targets, [&](const Target& t) {
      return std::find(ids.begin(), ids.end(), t.id) != ids.end();
    });
    auto stored = Commit(std::move(*rule), true);
    if (!stored) return tl::unexpected(stored.error());
  }
  Changed();
  return {};
}

ApiResult<void> RuleStore::Tag(const std::string& name,
                               const std::map<std::string, std::string>& tags) {
  std::lock_guard writing(write_mu_);
  auto rule = Find(name);
  if (!rule) return tl::unexpected(rule.error());
  for (const auto& [key, value] : tags) rule->settings.tags[key] = value;
  auto stored = Commit(std::move(*rule), false);
  if (!stored) return tl::unexpected(stored.error());
  return {};
}

ApiResult<void> RuleStore::Untag(const std::string& name, const std::vector<std::string>& keys) {
  std::lock_guard writing(write_mu_);
  auto rule = Find(name);
  if (!rule) return tl::unexpected(rule.error());
  for (const std::string& key : keys) rule->settings.tags.erase(key);
  auto stored = Commit(std::move(*rule), false);
  if (!stored) return tl::unexpected(stored.error());
  return {};
}

Status RuleStore::RecordFires(const std::map<std::string, int64_t>& fired) {
  if (fired.empty()) return {};
  std::lock_guard writing(write_mu_);
  auto transaction = sqlite::Transaction::Begin(*db_);
  if (!transaction) return tl::unexpected(transaction.error());
  sqlite::Statement update(*db_,
                           "UPDATE rules SET last_fire_ms = MAX(last_fire_ms, ?2) WHERE name = ?1");
  for (const auto& [name, ms] : fired) {
    update.Reset();
    update.Bind(1, name).Bind(2, ms);
    if (auto done = update.Run(); !done) return done;
  }
  if (auto committed = (*transaction)->Commit(); !committed) return committed;
  std::unique_lock lock(mu_);
  for (const auto& [name, ms] : fired) {
    auto it = rules_.find(name);
    if (it != rules_.end()) it->second.last_fire_ms = std::max(it->second.last_fire_ms, ms);
  }
  return {};
}

}  // namespace sf::engine::schedule
