#pragma once
// The engine's roles and role sessions, durable in SQLite (<data dir>/iam.db: WAL,
// synchronous=FULL, created 0600 since it holds secrets), with a compiled copy of every role
// in memory for authorization.
//
//   roles(name_key PRIMARY KEY, record JSON)        name_key: the lower-cased role name
//   sessions(access_key PRIMARY KEY, role_id, session_name, secret, token, created_ms)
//
// Contracts:
// - A change is on disk when the call returns, and visible to the next FindRole / Principal
//   lookup at once (each change builds a new RoleAccess; readers keep the one they hold).
// - Role names are unique case-insensitively, as in IAM; lookups by name ignore case.
// - A session is (role, session name) -> credentials, created once and kept: asking again for
//   the same pair returns the same credentials, also after a restart. Deleting a role deletes
//   its sessions; a role created again under the same name has a new RoleId and new sessions.
// - The IAM rules (what may change, limits, wording) are the callers'; errors the store itself
//   returns are IAM's: NoSuchEntity (404), EntityAlreadyExists (409), ServiceFailure (500)
//   when SQLite fails.
//
// Thread-safe: lookups take a shared lock on the in-memory maps; changes are serialised.

#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "base/clock.h"
#include "base/result.h"
#include "engine/iam/role.h"

namespace sf::engine::sqlite {
class Db;
}

namespace sf::engine::iam {

inline constexpr char kRoleStoreFile[] = "iam.db";

struct RoleStoreOptions {
  std::string data_dir;
  std::string account = "000000000000";
  std::string region = "us-east-1";  // aws:RequestedRegion
  const Clock* clock = nullptr;      // creation times; must outlive the store
};

// What a change does to a role, run under the store's write lock: it may edit `record` (not
// its name, id or ARN) or refuse with an IAM error, which is returned unchanged.
using RoleChange = std::function<ApiResult<void>(RoleRecord& record)>;

class RoleStore {
 public:
  static Result<std::unique_ptr<RoleStore>> Open(const RoleStoreOptions& options);
  ~RoleStore();
  RoleStore(const RoleStore&) = delete;
  RoleStore& operator=(const RoleStore&) = delete;

  // Stores a new role: `record` has name, path, trust policy, description, session duration
  // and tags; the store sets role_id, arn and created_ms. EntityAlreadyExists when the name is
  // taken (in any case).
  ApiResult<std::shared_ptr<const RoleAccess>> Create(RoleRecord record);
  // Applies `change` to the named role and stores the result.
  ApiResult<std::shared_ptr<const RoleAccess>> Modify(std::string_view name,
                                                      const RoleChange& change);
  // Deletes the role and its sessions once `precondition` (run under the write lock) passes.
  ApiResult<void> Delete(std::string_view name,
                         const std::function<ApiResult<void>(const RoleRecord&)>& precondition);

  // The role named `name` (any case), or nullptr.
  std::shared_ptr<const RoleAccess> FindRole(std::string_view name) const;
  // The role whose ARN is exactly `arn` (its name is what follows the last '/'), or nullptr.
  std::shared_ptr<const RoleAccess> FindRoleByArn(std::string_view arn) const;
  // Every role, sorted by name.
  std::vector<std::shared_ptr<const RoleAccess>> Roles() const;

  // The session of (role, session name), created (and stored) on first request. NoSuchEntity
  // when the role does not exist.
  ApiResult<std::shared_ptr<const Session>> SessionFor(std::string_view role_name,
                                                       const std::string& session_name);
  // The session whose access key id this is, or nullptr.
  std::shared_ptr<const Session> FindSession(std::string_view access_key) const;
  // The role a session belongs to, or nullptr when the role is gone.
  std::shared_ptr<const RoleAccess> RoleOf(const Session& session) const;

  const std::string& account() const { return options_.account; }

 private:
  RoleStore(RoleStoreOptions options, std::unique_ptr<sqlite::Db> db);
  Status Load();
  // Writes `role`'s row (in the caller's transaction, if any) and replaces it in memory.
  ApiResult<std::shared_ptr<const RoleAccess>> Store(RoleRecord record);
  std::shared_ptr<const Session> NewSession(const RoleRecord& role,
                                            const std::string& session_name) const;

  // Lets the maps be searched with a string_view (no allocation on the request path).
  struct Hash {
    using is_transparent = void;
    size_t operator()(std::string_view text) const { return std::hash<std::string_view>{}(text); }
  };
  template <class T>
  using Map = std::unordered_map<std::string, T, Hash, std::equal_to<>>;

  const RoleStoreOptions options_;
  std::unique_ptr<sqlite::Db> db_;
  std::mutex write_mu_;  // serialises changes and every use of db_
  mutable std::shared_mutex mu_;
  // Guarded by mu_:
  Map<std::shared_ptr<const RoleAccess>> roles_;  // by name_key
  Map<std::shared_ptr<const Session>> sessions_;  // by access key
  Map<std::string> role_names_;                   // role id -> name_key
  Map<std::string> session_keys_;                 // role id "\n" session name -> access key
};

}  // namespace sf::engine::iam
