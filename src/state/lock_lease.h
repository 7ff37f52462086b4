#pragma once
// Holding a stack's lock for the length of an apply or destroy. Acquire takes the lock (or
// fails with the engine's StackLocked, whose body["lock"] names the holder); a thread of the
// lease's own renews it every ttl/3, so the lock outlives the ttl for as long as the lease
// lives; Release() (or the destructor) stops renewing and releases it.
//
// lost() turns true when a renewal is refused by the engine: the lock expired (the process
// stalled, or could not reach the engine for a whole ttl) and another holder took it, or it
// was released under us (StackLocked or LockNotHeld). The executor checks lost() before each
// operation and stops. A renewal that fails otherwise (the engine cannot be reached, an internal
// error) is retried at the next period and does not count as lost by itself.
//
// Thread-safe: info(), lost(), expires_ms() and renewals() may be read from any thread while
// the renewal thread runs; Release() and the destructor from one thread.

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "state/stack_state_client.h"

namespace sf::state {

class LockLease {
 public:
  static StateResult<std::unique_ptr<LockLease>> Acquire(const EngineEndpoint& endpoint,
                                                         const std::string& stack_name,
                                                         const std::string& owner,
                                                         const std::string& operation,
                                                         int64_t ttl_ms = 120000);
  ~LockLease();  // Release(), ignoring its result
  LockLease(const LockLease&) = delete;
  LockLease& operator=(const LockLease&) = delete;

  // The lock as acquired (expires_ms as of then; see expires_ms() for the latest).
  const stackapi::LockInfo& info() const { return info_; }
  bool lost() const { return lost_.load(std::memory_order_acquire); }
  // Stops renewing and releases the lock. A lost lease has nothing to release: success.
  // Idempotent: later calls succeed and do nothing.
  StateResult<void> Release();

  // Renews now (the renewal thread calls this every ttl/3). A StackLocked or LockNotHeld refusal
  // marks the lease lost; a lost lease is not renewed again ("LockLost").
  StateResult<void> Renew();
  // The engine's expiry of the lock after the latest successful renewal (engine clock, ms).
  int64_t expires_ms() const { return expires_ms_.load(std::memory_order_acquire); }
  // Successful renewals so far.
  int64_t renewals() const { return renewals_.load(std::memory_order_acquire); }

 private:
  LockLease(const EngineEndpoint& endpoint, std::string stack_name, int64_t ttl_ms,
            stackapi::LockInfo info);
  void RenewLoop();

  StackStateClient client_;
  const std::string stack_name_;
  const int64_t ttl_ms_;
  const stackapi::LockInfo info_;
  std::atomic<bool> lost_{false};
  std::atomic<int64_t> expires_ms_;
  std::atomic<int64_t> renewals_{0};

  std::mutex mu_;
  std::condition_variable cv_;
  bool stopping_ = false;  // guarded by mu_
  bool released_ = false;  // guarded by release_mu_
  std::mutex release_mu_;
  std::thread renewer_;
};

}  // namespace sf::state
