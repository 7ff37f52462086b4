#pragma once
// Group commit of one stack's journal: Append is called by the executor's threads (one per
// resource operation in flight) and blocks until its entry is durable in the engine. Entries
// queued while a POST is in flight go together in the next one, so N concurrent appends cost
// far fewer than N round trips and disk flushes. No thread of its own: the first caller that
// finds no POST in flight sends the queue, the others wait for it (or take the next turn).
//
// Seqs: the engine numbers a POST's entries contiguously, so entry i of a POST of n answered
// with last seq L gets L - n + 1 + i. Every entry of a failed POST gets its error.
//
// Thread-safe. Destroy it only when no Append is running.

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "state/stack_state_client.h"

namespace sf::state {

class JournalWriter {
 public:
  JournalWriter(const EngineEndpoint& endpoint, std::string stack_name, std::string lock_id);
  ~JournalWriter();
  JournalWriter(const JournalWriter&) = delete;
  JournalWriter& operator=(const JournalWriter&) = delete;

  // The entry's seq once it is durable; the engine's refusal (LockNotHeld when the lock was
  // lost) or a ConnectionError otherwise.
  StateResult<int64_t> Append(stackapi::JournalEntry entry);

  // POSTs sent so far (group commit makes it smaller than the entries appended).
  int64_t posts() const { return posts_.load(std::memory_order_acquire); }

 private:
  struct Pending {
    stackapi::JournalEntry entry;
    std::optional<StateResult<int64_t>> result;  // set when its POST answered
  };

  StackStateClient client_;
  const std::string stack_name_;
  const std::string lock_id_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<std::shared_ptr<Pending>> queue_;  // guarded by mu_: waiting for the next POST
  bool posting_ = false;                         // guarded by mu_: a POST is in flight
  std::atomic<int64_t> posts_{0};
};

}  // namespace sf::state
