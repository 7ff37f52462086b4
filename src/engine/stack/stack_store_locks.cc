// StackStore: the per-stack lock (acquire, renew, release, and the check every mutation makes).

#include "engine/stack/stack_store.h"

namespace sf::engine {

namespace {

using stackapi::LockInfo;

std::string Holder(const LockInfo& lock) {
  return lock.lock_id + " (" + lock.owner + ", " + lock.operation + ", expires at " +
         std::to_string(lock.expires_ms) + ")";
}

}  // namespace

StackResult<std::optional<LockInfo>> StackStore::ReadLock(const std::string& name) {
  sqlite::Statement select(*db_,
                           "SELECT lock_id, owner, operation, acquired_ms, expires_ms FROM locks "
                           "WHERE name = ?1");
  auto row = select.Bind(1, name).Step();
  if (!row) return StackFail(row.error());
  if (!*row) return std::optional<LockInfo>();
  return LockInfo{select.Text(0), select.Text(1), select.Text(2), select.Int(3), select.Int(4)};
}

StackResult<void> StackStore::CheckLock(const std::string& name, const std::string& lock_id) {
  auto lock = ReadLock(name);
  if (!lock) return tl::unexpected(lock.error());
  std::string why;
  if (!*lock) {
    why = "the stack is not locked";
  } else if ((*lock)->lock_id != lock_id) {
    why = "the lock is " + Holder(**lock);
  } else if ((*lock)->expires_ms <= clock_.NowMs()) {
    why = "it expired at " + std::to_string((*lock)->expires_ms);
  } else {
    return {};
  }
  return StackFail(
      StackFailure::kLockNotHeld,
      "stack " + name + ": lock " + (lock_id.empty() ? "\"\"" : lock_id) + " is not held: " + why);
}

StackResult<LockInfo> StackStore::AcquireLock(const std::string& name, const std::string& owner,
                                              const std::string& operation, int64_t ttl_ms,
                                              const std::string& lock_id) {
  std::lock_guard guard(mu_);
  auto transaction = sqlite::Transaction::Begin(*db_);
  if (!transaction) return StackFail(transaction.error());
  auto current = ReadLock(name);
  if (!current) return tl::unexpected(current.error());
  int64_t now = clock_.NowMs();
  const std::optional<LockInfo>& held = *current;
  if (held && held->expires_ms > now && held->lock_id != lock_id) {
    return StackFail(StackFailure::kStackLocked, "stack " + name + " is locked by " + Holder(*held),
                     {{"lock", stackapi::ToJson(*held)}});
  }
  LockInfo lock;
  if (!lock_id.empty()) {
    if (!held || held->lock_id != lock_id) {
      return StackFail(StackFailure::kLockNotHeld,
                       "stack " + name + ": lock " + lock_id +
                           " cannot be renewed: it was released, or expired and was taken");
    }
    lock = *held;  // a renewal keeps the id and the acquisition time
  } else {
    lock.lock_id = NewId("l-");
    lock.acquired_ms = now;
  }
  lock.owner = owner;
  lock.operation = operation;
  lock.expires_ms = now + ttl_ms;
  auto written = sqlite::Statement(*db_,
                                   "INSERT OR REPLACE INTO locks (name, lock_id, owner, operation, "
                                   "acquired_ms, expires_ms) VALUES (?1, ?2, ?3, ?4, ?5, ?6)")
                     .Bind(1, name)
                     .Bind(2, lock.lock_id)
                     .Bind(3, lock.owner)
                     .Bind(4, lock.operation)
                     .Bind(5, lock.acquired_ms)
                     .Bind(6, lock.expires_ms)
                     .Run();
  if (!written) return StackFail(written.error());
  if (auto committed = (*transaction)->Commit(); !committed) return StackFail(committed.error());
  return lock;
}

StackResult<void> StackStore::ReleaseLock(const std::string& name, const std::string& lock_id) {
  std::lock_guard guard(mu_);
  auto transaction = sqlite::Transaction::Begin(*db_);
  if (!transaction) return StackFail(transaction.error());
  auto current = ReadLock(name);
  if (!current) return tl::unexpected(current.error());
  if (!*current) return {};
  if ((*current)->lock_id != lock_id) {
    return StackFail(
        StackFailure::kLockNotHeld,
        "stack " + name + ": lock " + lock_id + " is not held: the lock is " + Holder(**current));
  }
  auto deleted = sqlite::Statement(*db_, "DELETE FROM locks WHERE name = ?1").Bind(1, name).Run();
  if (!deleted) return StackFail(deleted.error());
  if (auto committed = (*transaction)->Commit(); !committed) return StackFail(committed.error());
  return {};
}

StackResult<std::optional<LockInfo>> StackStore::Lock(const std::string& name) {
  std::lock_guard guard(mu_);
  return ReadLock(name);
}

}  // namespace sf::engine
