#pragma once
// The engine's stack records, locks, export/import index and journals, in SQLite
// (<data_dir>/stacks.db; WAL, synchronous=FULL: every mutation is one transaction, on disk when
// the call returns). The wire contract it enforces is in src/stackapi/stack_record.h:
//
//   - Every mutation of a stack (Put, Delete, AppendJournal, ReleaseLock) needs the stack's live
//     lock id; a lock is live while the clock is before its expiresMs. AcquireLock takes a free
//     or expired lock, or renews the caller's own.
//   - Put: expectRevision must be the current revision; 0 also when there is no record or the
//     record is DELETE_COMPLETE (re-create). The new revision is the current one + 1 (so it
//     keeps rising across a delete and re-create). The engine stamps revision, updatedMs and
//     name into the stored JSON and keeps every other member as sent.
//   - Exports and imports are indexed from the record (outputs with exportName; imports) in the
//     same transaction as its Put. A Put or Delete that would remove an export, or change its
//     value, while another stack of the same stage imports it is refused (ExportInUse, naming
//     the importer); a Put exporting a name another stack of the stage exports is refused
//     (ExportExists). A record whose status is DELETE_COMPLETE exports and imports nothing.
//   - Delete marks the record DELETE_COMPLETE (revision + 1) and keeps it and its journal, for
//     events; its exports and imports are dropped.
//   - The journal numbers entries 1, 2, ... per stack (never reused, across re-creates too),
//     stamps timeMs from the clock, and keeps the newest kJournalCap entries of each stack.
//
// Thread-safe: calls are serialised by one mutex (each may wait for a disk flush: call it from
// a work pool, not an I/O thread). The clock must outlive the store.

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "base/clock.h"
#include "base/result.h"
#include "engine/stack/sqlite_db.h"
#include "engine/stack/stack_error.h"
#include "stackapi/stack_record.h"

namespace sf::engine {

class StackStore {
 public:
  static constexpr int64_t kJournalCap = 20000;  // entries kept per stack
  static constexpr const char* kDeleteComplete = "DELETE_COMPLETE";

  // Opens (creating) the database at `path`. On first open it also creates the engine's
  // instance id.
  static Result<std::unique_ptr<StackStore>> Open(const std::string& path, Clock& clock);
  ~StackStore();
  StackStore(const StackStore&) = delete;
  StackStore& operator=(const StackStore&) = delete;

  // "e-" and 16 hex digits: tells one engine data directory from another (settings value
  // `engine.instance`, created at first open, the same after every reopen).
  const std::string& instance() const { return instance_; }

  // Summaries by name; `stage` "" lists every stage. DELETE_COMPLETE records are listed too.
  StackResult<std::vector<stackapi::StackSummary>> List(const std::string& stage);
  // The stored record JSON (as the last Put sent it, stamped); NotFound when never put.
  StackResult<std::string> GetJson(const std::string& name);
  StackResult<stackapi::StackRecord> Get(const std::string& name);
  // `record` is the StackRecord JSON; its "name" must be `name` (or absent). The new revision.
  StackResult<int64_t> Put(const std::string& name, const std::string& lock_id,
                           int64_t expect_revision, nlohmann::json record);
  // Deleting a DELETE_COMPLETE record succeeds and changes nothing.
  StackResult<void> Delete(const std::string& name, const std::string& lock_id);

  // `lock_id` "" acquires (a new id); a lock id renews that lock while the stack's lock still
  // carries it (even if expired, as long as no one took it since): LockNotHeld otherwise, or
  // StackLocked when another holder's lock is live. expiresMs = now + ttl_ms.
  StackResult<stackapi::LockInfo> AcquireLock(const std::string& name, const std::string& owner,
                                              const std::string& operation, int64_t ttl_ms,
                                              const std::string& lock_id);
  // An absent lock is released already; a lock carrying another id is LockNotHeld.
  StackResult<void> ReleaseLock(const std::string& name, const std::string& lock_id);
  // nullopt when the stack has no lock row (the row may be expired: see expires_ms).
  StackResult<std::optional<stackapi::LockInfo>> Lock(const std::string& name);

  // Appends `entries` in one transaction (their seq and time_ms are overwritten); the seq of
  // the last one (the current last seq when `entries` is empty). Needs the live lock; the stack
  // need not have a record yet (an apply journals before its first Put).
  StackResult<int64_t> AppendJournal(const std::string& name, const std::string& lock_id,
                                     std::vector<stackapi::JournalEntry> entries);
  // Entries with seq > after_seq, oldest first, at most `limit`.
  StackResult<std::vector<stackapi::JournalEntry>> Events(const std::string& name,
                                                          int64_t after_seq, int64_t limit);

  // The exports of `stage` ("" every stage) by stage then name, each with its importers.
  StackResult<std::vector<stackapi::ExportEntry>> Exports(const std::string& stage);

 private:
  struct Current {  // a stored record's indexed columns and its JSON
    std::string stage;
    int64_t revision = 0;
    std::string status;
    std::string json;
  };
  StackStore(std::unique_ptr<sqlite::Db> db, Clock& clock) : db_(std::move(db)), clock_(clock) {}
  Status CreateSchema();
  Status LoadInstance();
  static std::string NewId(const char* prefix);

  // The helpers below run under mu_, inside the caller's transaction.
  StackResult<std::optional<Current>> ReadRecord(const std::string& name);
  StackResult<std::optional<stackapi::LockInfo>> ReadLock(const std::string& name);
  StackResult<void> CheckLock(const std::string& name, const std::string& lock_id);
  // Refuses (ExportInUse) if an export of `name` imported by another stack of its stage is
  // missing from `kept` (export name -> value JSON text, in stage `stage`) or has another value.
  StackResult<void> CheckExportsKept(const std::string& name, const std::string& stage,
                                     const std::map<std::string, std::string>& kept);
  // Refuses (ExportExists) if another stack of `stage` exports one of `exports`.
  StackResult<void> CheckExportsFree(const std::string& name, const std::string& stage,
                                     const std::map<std::string, std::string>& exports);
  // Replaces the stack's rows in exports and imports.
  StackResult<void> WriteIndex(const std::string& name, const std::string& stage,
                               const std::map<std::string, std::string>& exports,
                               const std::vector<std::string>& imports);

  std::mutex mu_;
  std::unique_ptr<sqlite::Db> db_;
  Clock& clock_;
  std::string instance_;
};

}  // namespace sf::engine
