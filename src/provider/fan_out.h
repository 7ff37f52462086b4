#pragma once
// Runs `body(i)` for every i in [0, count) on up to `max_threads` threads (the caller's thread
// included) and returns when all are done. Small counts (fewer than `min_per_thread` items per
// extra thread) stay on the caller's thread. `body` must be thread-safe for distinct i; each
// index runs exactly once. No exceptions cross it (nothing below the CLI throws).

#include <cstddef>
#include <functional>

namespace sf::provider {

void ForEachParallel(size_t count, size_t max_threads, size_t min_per_thread,
                     const std::function<void(size_t)>& body);

}  // namespace sf::provider
