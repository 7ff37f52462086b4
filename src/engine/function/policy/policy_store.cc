#include "engine/function/policy/policy_store.h"

#include <algorithm>
#include <nlohmann/json.hpp>

#include "engine/function/store/function_store.h"
#include "engine/stack/sqlite_db.h"

namespace sf::engine::function {

namespace {

using nlohmann::json;

json ToJson(const PolicyStatement& s) {
  return {{"sid", s.sid},
          {"action", s.action},
          {"principal", s.principal},
          {"sourceArn", s.source_arn},
          {"sourceAccount", s.source_account},
          {"principalOrgId", s.principal_org_id},
          {"eventSourceToken", s.event_source_token},
          {"functionUrlAuthType", s.function_url_auth_type}};
}

PolicyStatement FromJson(const json& row) {
  PolicyStatement s;
  s.sid = row.value("sid", "");
  s.action = row.value("action", "");
  s.principal = row.value("principal", "");
  s.source_arn = row.value("sourceArn", "");
  s.source_account = row.value("sourceAccount", "");
  s.principal_org_id = row.value("principalOrgId", "");
  s.event_source_token = row.value("eventSourceToken", "");
  s.function_url_auth_type = row.value("functionUrlAuthType", "");
  return s;
}

tl::unexpected<ApiError> Internal(const Error& error) {
  return ApiFail("ServiceException", error.message, 500);
}

ApiResult<void> CheckRevision(const std::optional<FunctionPolicy>& policy,
                              const std::string& expected) {
  if (expected.empty() || (policy && policy->revision_id == expected)) return {};
  return ApiFail("PreconditionFailedException",
                 "The Revision Id provided does not match the latest Revision Id. Call the "
                 "GetPolicy API to retrieve the latest Revision Id",
                 412);
}

}  // namespace

PolicyStore::PolicyStore(std::unique_ptr<sqlite::Db> db) : db_(std::move(db)) {}

PolicyStore::~PolicyStore() = default;

Result<std::unique_ptr<PolicyStore>> PolicyStore::Open(const std::string& data_dir) {
  auto db = sqlite::Db::Open(data_dir + "/function_policies.db");
  if (!db) return tl::unexpected(db.error());
  auto created = (*db)->Exec(
      "CREATE TABLE IF NOT EXISTS policies (function TEXT PRIMARY KEY, revision TEXT NOT NULL, "
      "statements TEXT NOT NULL)");
  if (!created) return tl::unexpected(created.error());
  std::unique_ptr<PolicyStore> store(new PolicyStore(std::move(*db)));
  if (auto loaded = store->Load(); !loaded) return tl::unexpected(loaded.error());
  return store;
}

Status PolicyStore::Load() {
  sqlite::Statement select(*db_, "SELECT function, revision, statements FROM policies");
  for (;;) {
    auto row = select.Step();
    if (!row) return tl::unexpected(row.error());
    if (!*row) return {};
    json statements = json::parse(select.Text(2), nullptr, false);
    if (!statements.is_array()) {
      return Fail(ErrorCode::kParse, "the policy of " + select.Text(0) + " is not a JSON array");
    }
    FunctionPolicy policy;
    policy.revision_id = select.Text(1);
    for (const json& statement : statements) {
      if (statement.is_object()) policy.statements.push_back(FromJson(statement));
    }
    policies_[select.Text(0)] = std::move(policy);
  }
}

std::optional<FunctionPolicy> PolicyStore::Get(const std::string& function) const {
  std::shared_lock lock(mu_);
  auto it = policies_.find(function);
  if (it == policies_.end()) return std::nullopt;
  return it->second;
}

bool PolicyStore::AllowsServiceInvoke(const std::string& function, std::string_view service,
                                      std::string_view source_arn,
                                      std::string_view source_account) const {
  std::shared_lock lock(mu_);
  auto it = policies_.find(function);
  return it != policies_.end() &&
         function::AllowsServiceInvoke(it->second.statements, service, source_arn, source_account);
}

ApiResult<FunctionPolicy> PolicyStore::Commit(const std::string& function, FunctionPolicy policy) {
  policy.revision_id = NewUuid();
  if (policy.statements.empty()) {
    sqlite::Statement remove(*db_, "DELETE FROM policies WHERE function = ?1");
    remove.Bind(1, function);
    if (auto removed = remove.Run(); !removed) return Internal(removed.error());
    std::unique_lock lock(mu_);
    policies_.erase(function);
    return policy;
  }
  json statements = json::array();
  for (const PolicyStatement& s : policy.statements) statements.push_back(ToJson(s));
  sqlite::Statement upsert(
      *db_, "INSERT OR REPLACE INTO policies (function, revision, statements) VALUES (?1, ?2, ?3)");
  upsert.Bind(1, function).Bind(2, policy.revision_id).Bind(3, statements.dump());
  if (auto written = upsert.Run(); !written) return Internal(written.error());
  std::unique_lock lock(mu_);
  policies_[function] = policy;
  return policy;
}

ApiResult<FunctionPolicy> PolicyStore::Add(const std::string& function,
                                           const std::string& function_arn,
                                           const PolicyStatement& statement,
                                           const std::string& expected_revision) {
  std::lock_guard writing(write_mu_);
  std::optional<FunctionPolicy> current = Get(function);
  if (auto checked = CheckRevision(current, expected_revision); !checked) {
    return tl::unexpected(checked.error());
  }
  FunctionPolicy policy = current.value_or(FunctionPolicy{});
  for (const PolicyStatement& s : policy.statements) {
    if (s.sid == statement.sid) {
      return ApiFail("ResourceConflictException",
                     "The statement id (" + statement.sid +
                         ") provided already exists. Please provide a new statement id, or "
                         "remove the existing statement.",
                     409);
    }
  }
  policy.statements.push_back(statement);
  size_t size = PolicyJson(policy.statements, function_arn).size();
  if (size > kMaxPolicyBytes) {
    return ApiFail("PolicyLengthExceededException",
                   "The final policy size (" + std::to_string(size) +
                       ") is bigger than the limit (" + std::to_string(kMaxPolicyBytes) + ").");
  }
  return Commit(function, std::move(policy));
}

ApiResult<FunctionPolicy> PolicyStore::Remove(const std::string& function, const std::string& sid,
                                              const std::string& expected_revision) {
  std::lock_guard writing(write_mu_);
  std::optional<FunctionPolicy> current = Get(function);
  if (auto checked = CheckRevision(current, expected_revision); !checked) {
    return tl::unexpected(checked.error());
  }
  if (!current) {
    return ApiFail("ResourceNotFoundException", "No policy is associated with the given resource.",
                   404);
  }
  FunctionPolicy policy = *current;
  auto it = std::find_if(policy.statements.begin(), policy.statements.end(),
                         [&sid](const PolicyStatement& s) { return s.sid == sid; });
  if (it == policy.statements.end()) {
    return ApiFail("ResourceNotFoundException",
                   "Statement " + sid + " is not found in resource policy.", 404);
  }
  policy.statements.erase(it);
  return Commit(function, std::move(policy));
}

ApiResult<void> PolicyStore::Drop(const std::string& function) {
  std::lock_guard writing(write_mu_);
  if (!Get(function)) return {};
  auto dropped = Commit(function, FunctionPolicy{});
  if (!dropped) return tl::unexpected(dropped.error());
  return {};
}

}  // namespace sf::engine::function
