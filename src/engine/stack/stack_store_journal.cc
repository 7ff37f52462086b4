// StackStore: the journal (group appends in one transaction, the cap, events).

#include "engine/stack/stack_store.h"

namespace sf::engine {

StackResult<int64_t> StackStore::AppendJournal(const std::string& name, const std::string& lock_id,
                                               std::vector<stackapi::JournalEntry> entries) {
  std::lock_guard lock(mu_);
  auto transaction = sqlite::Transaction::Begin(*db_);
  if (!transaction) return StackFail(transaction.error());
  if (auto held = CheckLock(name, lock_id); !held) return tl::unexpected(held.error());
  sqlite::Statement last(*db_, "SELECT COALESCE(MAX(seq), 0) FROM journal WHERE name = ?1");
  auto row = last.Bind(1, name).Step();
  if (!row) return StackFail(row.error());
  int64_t seq = last.Int(0);
  if (entries.empty()) return seq;
  int64_t now = clock_.NowMs();
  sqlite::Statement insert(
      *db_, "INSERT INTO journal (name, seq, time_ms, entry) VALUES (?1, ?2, ?3, ?4)");
  for (auto& entry : entries) {
    entry.seq = ++seq;
    entry.time_ms = now;
    std::string text =
        stackapi::ToJson(entry).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    if (auto added = insert.Bind(1, name).Bind(2, seq).Bind(3, now).Bind(4, text).Run(); !added) {
      return StackFail(added.error());
    }
    insert.Reset();
  }
  auto capped = sqlite::Statement(*db_, "DELETE FROM journal WHERE name = ?1 AND seq <= ?2")
                    .Bind(1, name)
                    .Bind(2, seq - kJournalCap)
                    .Run();
  if (!capped) return StackFail(capped.error());
  if (auto committed = (*transaction)->Commit(); !committed) return StackFail(committed.error());
  return seq;
}

StackResult<std::vector<stackapi::JournalEntry>> StackStore::Events(const std::string& name,
                                                                    int64_t after_seq,
                                                                    int64_t limit) {
  std::lock_guard lock(mu_);
  sqlite::Statement select(
      *db_, "SELECT entry FROM journal WHERE name = ?1 AND seq > ?2 ORDER BY seq LIMIT ?3");
  select.Bind(1, name).Bind(2, after_seq).Bind(3, limit);
  std::vector<stackapi::JournalEntry> events;
  for (;;) {
    auto row = select.Step();
    if (!row) return StackFail(row.error());
    if (!*row) return events;
    auto entry =
        stackapi::JournalEntryFromJson(nlohmann::json::parse(select.Text(0), nullptr, false));
    if (!entry) {
      return StackFail(StackFailure::kIo,
                       "journal of " + name + ": stored entry: " + entry.error().message);
    }
    events.push_back(std::move(*entry));
  }
}

}  // namespace sf::engine
