#pragma once
// PolicyStore: the resource-based policies of the engine's Lambda functions (AddPermission,
// RemovePermission, GetPolicy), durably.
//
// SQLite (<data dir>/function_policies.db, WAL, synchronous=FULL: a change is on disk when the
// call returns, or not made at all), one row per function that has a policy: its statements
// and the policy's RevisionId (a UUID, new with every change). A function's last statement
// removed removes the row; the Lambda API drops a function's policy when it deletes the
// function (and again when it creates one, so a crash between the two never hands an old
// policy to a new function of the same name).
//
// The RevisionId is the policy's own: AddPermission and RemovePermission compare a given
// RevisionId with the one GetPolicy returned. (On AWS a policy change also gives the function
// a new RevisionId; here the function's RevisionId does not change, since a new function
// revision retires its warm workers.)
//
// Errors are Lambda's (engine/api_error.h): ResourceConflictException (409, the statement id
// exists), ResourceNotFoundException (404, no such statement), PreconditionFailedException
// (412, RevisionId mismatch), PolicyLengthExceededException (400, the policy would pass 20 KB),
// ServiceException (500, disk, SQLite).
//
// Thread-safe: changes are serialised; reads take a shared lock on an in-memory copy.

#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "engine/api_error.h"
#include "engine/function/policy/policy_document.h"

namespace sf::engine::sqlite {
class Db;
}

namespace sf::engine::function {

// Lambda's limit on a function's resource-based policy, in bytes of its JSON.
inline constexpr size_t kMaxPolicyBytes = 20480;

struct FunctionPolicy {
  std::vector<PolicyStatement> statements;  // in the order added
  std::string revision_id;
};

class PolicyStore {
 public:
  // Opens (creating) <data_dir>/function_policies.db.
  static Result<std::unique_ptr<PolicyStore>> Open(const std::string& data_dir);
  ~PolicyStore();
  PolicyStore(const PolicyStore&) = delete;
  PolicyStore& operator=(const PolicyStore&) = delete;

  // Adds `statement` to the policy of `function` (whose ARN is `function_arn`, for the size
  // check); `expected_revision`, when not empty, must be the policy's RevisionId.
  ApiResult<FunctionPolicy> Add(const std::string& function, const std::string& function_arn,
                                const PolicyStatement& statement,
                                const std::string& expected_revision);
  ApiResult<FunctionPolicy> Remove(const std::string& function, const std::string& sid,
                                   const std::string& expected_revision);
  // Removes the function's whole policy (none: nothing to do).
  ApiResult<void> Drop(const std::string& function);

  // nullopt when the function has no policy.
  std::optional<FunctionPolicy> Get(const std::string& function) const;
  // policy_document.h's AllowsServiceInvoke over the function's statements (none: false).
  bool AllowsServiceInvoke(const std::string& function, std::string_view service,
                           std::string_view source_arn, std::string_view source_account) const;

 private:
  explicit PolicyStore(std::unique_ptr<sqlite::Db> db);
  Status Load();
  // Writes the function's policy (an empty one deletes the row); called with write_mu_ held.
  ApiResult<FunctionPolicy> Commit(const std::string& function, FunctionPolicy policy);

  std::mutex write_mu_;             // held by every change
  std::unique_ptr<sqlite::Db> db_;  // used under write_mu_
  mutable std::shared_mutex mu_;
  std::map<std::string, FunctionPolicy> policies_;  // guarded by mu_
};

}  // namespace sf::engine::function
