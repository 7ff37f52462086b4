#pragma once
// A token bucket for per-shard throughput limits. Refills continuously at `rate` per second up
// to `capacity` (one second's worth). Not thread-safe: the owner locks.

#include <algorithm>
#include <cstdint>

namespace sf::engine {

class TokenBucket {
 public:
  TokenBucket(double rate_per_second, int64_t now_ms)
      : rate_(rate_per_second), tokens_(rate_per_second), updated_ms_(now_ms) {}

  // Takes `amount` if the bucket holds it; returns false (taking nothing) otherwise.
  bool TryTake(double amount, int64_t now_ms) {
    Refill(now_ms);
    if (tokens_ < amount) return false;
    tokens_ -= amount;
    return true;
  }
  // Takes `amount` even past empty: a debt later calls must wait out (GetRecords may return
  // more than a second's worth, after which reads are throttled until it is repaid).
  void Take(double amount, int64_t now_ms) {
    Refill(now_ms);
    tokens_ -= amount;
  }
  bool InDebt(int64_t now_ms) {
    Refill(now_ms);
    return tokens_ < 0;
  }

 private:
  void Refill(int64_t now_ms) {
    if (now_ms > updated_ms_) {
      tokens_ =
          std::min(rate_, tokens_ + rate_ * static_cast<double>(now_ms - updated_ms_) / 1000.0);
      updated_ms_ = now_ms;
    }
  }
  double rate_;
  double tokens_;
  int64_t updated_ms_;
};

}  // namespace sf::engine
