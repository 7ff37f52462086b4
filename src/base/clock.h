#pragma once
// Time as the engine sees it. Everything that expires, retains or timestamps reads a Clock,
// so tests can drive retention, iterator expiry and AT_TIMESTAMP without sleeping.

#include <atomic>
#include <cstdint>

namespace sf {

class Clock {
 public:
  virtual ~Clock() = default;
  // Milliseconds since the Unix epoch. Thread-safe.
  virtual int64_t NowMs() const = 0;
};

// The system's wall clock.
class RealClock final : public Clock {
 public:
  int64_t NowMs() const override;
};

// A clock that moves only when told to. Thread-safe.
class VirtualClock final : public Clock {
 public:
  explicit VirtualClock(int64_t start_ms) : now_ms_(start_ms) {}
  int64_t NowMs() const override { return now_ms_.load(std::memory_order_acquire); }
  void Advance(int64_t delta_ms) { now_ms_.fetch_add(delta_ms, std::memory_order_acq_rel); }
  // Moves to `ms`; a clock never goes back, so an earlier time is ignored.
  void Set(int64_t ms);

 private:
  std::atomic<int64_t> now_ms_;
};

}  // namespace sf
