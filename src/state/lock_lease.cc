#include "state/lock_lease.h"

#include <algorithm>
#include <chrono>
#include <utility>

namespace sf::state {

StateResult<std::unique_ptr<LockLease>> LockLease::Acquire(const EngineEndpoint& endpoint,
                                                           const std::string& stack_name,
                                                           const std::string& owner,
                                                           const std::string& operation,
                                                           int64_t ttl_ms) {
  StackStateClient client(endpoint);
  auto lock = client.AcquireLock(stack_name, owner, operation, ttl_ms);
  if (!lock) return tl::unexpected(lock.error());
  std::unique_ptr<LockLease> lease(new LockLease(endpoint, stack_name, ttl_ms, std::move(*lock)));
  lease->renewer_ = std::thread([raw = lease.get()] { raw->RenewLoop(); });
  return lease;
}

LockLease::LockLease(const EngineEndpoint& endpoint, std::string stack_name, int64_t ttl_ms,
                     stackapi::LockInfo info)
    : client_(endpoint),
      stack_name_(std::move(stack_name)),
      ttl_ms_(ttl_ms),
      info_(std::move(info)),
      expires_ms_(info_.expires_ms) {}

LockLease::~LockLease() { (void)Release(); }

void LockLease::RenewLoop() {
  const auto period = std::chrono::milliseconds(std::max<int64_t>(1, ttl_ms_ / 3));
  std::unique_lock lock(mu_);
  while (!stopping_ && !lost()) {
    if (cv_.wait_for(lock, period, [this] { return stopping_; })) break;
    lock.unlock();
    (void)Renew();  // a refusal marks the lease lost; other failures are retried
    lock.lock();
  }
}

StateResult<void> LockLease::Renew() {
  if (lost()) {
    return tl::unexpected(StateError{"LockLost",
                                     "the lock " + info_.lock_id + " on stack " + stack_name_ +
                                         " was lost: another holder took it after it expired",
                                     0, nlohmann::json::object()});
  }
  auto renewed =
      client_.AcquireLock(stack_name_, info_.owner, info_.operation, ttl_ms_, info_.lock_id);
  if (!renewed) {
    const std::string& type = renewed.error().type;
    if (type == "StackLocked" || type == "LockNotHeld")
      lost_.store(true, std::memory_order_release);
    return tl::unexpected(renewed.error());
  }
  expires_ms_.store(renewed->expires_ms, std::memory_order_release);
  renewals_.fetch_add(1, std::memory_order_acq_rel);
  return {};
}

StateResult<void> LockLease::Release() {
  std::lock_guard release(release_mu_);
  if (released_) return {};
  released_ = true;
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  if (renewer_.joinable()) renewer_.join();
  if (lost()) return {};
  return client_.ReleaseLock(stack_name_, info_.lock_id);
}

}  // namespace sf::state
