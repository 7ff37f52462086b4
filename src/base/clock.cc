#include "base/clock.h"

#include <chrono>

namespace sf {

int64_t RealClock::NowMs() const {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

void VirtualClock::Set(int64_t ms) {
  int64_t current = now_ms_.load(std::memory_order_acquire);
  while (ms > current && !now_ms_.compare_exchange_weak(current, ms, std::memory_order_acq_rel)) {
  }
}

}  // namespace sf
