#include "provider/fan_out.h"

#include <algorithm>
#include <atomic>
#include <thread>
#include <vector>

namespace sf::provider {

void ForEachParallel(size_t count, size_t max_threads, size_t min_per_thread,
                     const std::function<void(size_t)>& body) {
  size_t threads = std::min(max_threads, count / std::max<size_t>(min_per_thread, 1));
  threads = std::max<size_t>(threads, 1);
  std::atomic<size_t> next{0};
  auto work = [&] {
    for (size_t i = next.fetch_add(1); i < count; i = next.fetch_add(1)) body(i);
  };
  std::vector<std::thread> helpers;
  helpers.reserve(threads - 1);
  for (size_t t = 1; t < threads; ++t) helpers.emplace_back(work);
  work();
  for (auto& helper : helpers) helper.join();
}

}  // namespace sf::provider
