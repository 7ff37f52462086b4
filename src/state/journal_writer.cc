#include "state/journal_writer.h"

#include <utility>

namespace sf::state {

JournalWriter::JournalWriter(const EngineEndpoint& endpoint, std::string stack_name,
                             std::string lock_id)
    : client_(endpoint), stack_name_(std::move(stack_name)), lock_id_(std::move(lock_id)) {}

JournalWriter::~JournalWriter() = default;

StateResult<int64_t> JournalWriter::Append(stackapi::JournalEntry entry) {
  auto mine = std::make_shared<Pending>();
  mine->entry = std::move(entry);
  std::unique_lock lock(mu_);
  queue_.push_back(mine);
  while (!mine->result) {
    if (posting_) {
      cv_.wait(lock, [&] { return mine->result.has_value() || !posting_; });
      continue;
    }
    // This thread sends the queue (its own entry included, unless an earlier turn took it).
    posting_ = true;
    std::vector<std::shared_ptr<Pending>> batch = std::move(queue_);
    queue_.clear();
    lock.unlock();
    std::vector<stackapi::JournalEntry> entries;
    entries.reserve(batch.size());
    for (auto& pending : batch) entries.push_back(std::move(pending->entry));
    auto last = client_.AppendJournal(stack_name_, lock_id_, entries);
    posts_.fetch_add(1, std::memory_order_acq_rel);
    lock.lock();
    const auto count = static_cast<int64_t>(batch.size());
    for (int64_t i = 0; i < count; ++i) {
      auto& result = batch[static_cast<size_t>(i)]->result;
      if (last)
        result = *last - count + 1 + i;
      else
        result = tl::unexpected(last.error());
    }
    posting_ = false;
    cv_.notify_all();
  }
  return *mine->result;
}

}  // namespace sf::state
