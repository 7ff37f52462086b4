#include "engine/function/event_queue/event_store.h"

#include "engine/stack/sqlite_db.h"

namespace sf::engine::function {

namespace {

constexpr char kSchema[] =
    "CREATE TABLE IF NOT EXISTS events (id TEXT PRIMARY KEY, function TEXT NOT NULL, "
    "payload TEXT NOT NULL, enqueued_ms INTEGER NOT NULL, due_ms INTEGER NOT NULL, "
    "attempts INTEGER NOT NULL, throttles INTEGER NOT NULL);"
    "CREATE INDEX IF NOT EXISTS events_by_function ON events (function);"
    // -1: not set (Lambda's default applies)
    "CREATE TABLE IF NOT EXISTS configs (function TEXT PRIMARY KEY, max_retry INTEGER NOT NULL, "
    "max_age INTEGER NOT NULL, last_modified_ms INTEGER NOT NULL)";

std::optional<int> Optional(int64_t stored) {
  if (stored < 0) return std::nullopt;
  return static_cast<int>(stored);
}

}  // namespace

EventStore::EventStore(std::unique_ptr<sqlite::Db> db) : db_(std::move(db)) {}

EventStore::~EventStore() = default;

Result<std::unique_ptr<EventStore>> EventStore::Open(const std::string& data_dir) {
  auto db = sqlite::Db::Open(data_dir + "/function_events.db");
  if (!db) return tl::unexpected(db.error());
  if (auto made = (*db)->Exec(kSchema); !made) return tl::unexpected(made.error());
  return std::unique_ptr<EventStore>(new EventStore(std::move(*db)));
}

Result<std::vector<QueuedEvent>> EventStore::LoadEvents() {
  std::lock_guard lock(mu_);
  sqlite::Statement select(*db_,
                           "SELECT id, function, payload, enqueued_ms, due_ms, attempts, throttles "
                           "FROM events ORDER BY enqueued_ms, id");
  std::vector<QueuedEvent> events;
  for (;;) {
    auto row = select.Step();
    if (!row) return tl::unexpected(row.error());
    if (!*row) return events;
    events.push_back({select.Text(0), select.Text(1), select.Text(2), select.Int(3), select.Int(4),
                      static_cast<int>(select.Int(5)), static_cast<int>(select.Int(6))});
  }
}

Result<std::map<std::string, EventInvokeConfig>> EventStore::LoadConfigs() {
  std::lock_guard lock(mu_);
  sqlite::Statement select(*db_,
                           "SELECT function, max_retry, max_age, last_modified_ms FROM configs");
  std::map<std::string, EventInvokeConfig> configs;
  for (;;) {
    auto row = select.Step();
    if (!row) return tl::unexpected(row.error());
    if (!*row) return configs;
    configs[select.Text(0)] = {Optional(select.Int(1)), Optional(select.Int(2)), select.Int(3)};
  }
}

Status EventStore::Put(const QueuedEvent& event) {
  std::lock_guard lock(mu_);
  sqlite::Statement upsert(
      *db_,
      "INSERT INTO events (id, function, payload, enqueued_ms, due_ms, attempts, throttles) "
      "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7) ON CONFLICT (id) DO UPDATE SET due_ms = ?5, "
      "attempts = ?6, throttles = ?7");
  upsert.Bind(1, event.id)
      .Bind(2, event.function)
      .Bind(3, event.payload)
      .Bind(4, event.enqueued_ms)
      .Bind(5, event.due_ms)
      .Bind(6, int64_t{event.attempts})
      .Bind(7, int64_t{event.throttles});
  return upsert.Run();
}

Status EventStore::Remove(const std::string& id) {
  std::lock_guard lock(mu_);
  sqlite::Statement remove(*db_, "DELETE FROM events WHERE id = ?1");
  remove.Bind(1, id);
  return remove.Run();
}

Status EventStore::RemoveFunction(const std::string& function) {
  std::lock_guard lock(mu_);
  auto transaction = sqlite::Transaction::Begin(*db_);
  if (!transaction) return tl::unexpected(transaction.error());
  for (const char* sql :
       {"DELETE FROM events WHERE function = ?1", "DELETE FROM configs WHERE function = ?1"}) {
    sqlite::Statement remove(*db_, sql);
    remove.Bind(1, function);
    if (auto done = remove.Run(); !done) return done;
  }
  return (*transaction)->Commit();
}

Status EventStore::PutConfig(const std::string& function, const EventInvokeConfig& config) {
  std::lock_guard lock(mu_);
  sqlite::Statement upsert(*db_,
                           "INSERT OR REPLACE INTO configs (function, max_retry, max_age, "
                           "last_modified_ms) VALUES (?1, ?2, ?3, ?4)");
  upsert.Bind(1, function)
      .Bind(2, int64_t{config.maximum_retry_attempts.value_or(-1)})
      .Bind(3, int64_t{config.maximum_event_age_seconds.value_or(-1)})
      .Bind(4, config.last_modified_ms);
  return upsert.Run();
}

Status EventStore::RemoveConfig(const std::string& function) {
  std::lock_guard lock(mu_);
  sqlite::Statement remove(*db_, "DELETE FROM configs WHERE function = ?1");
  remove.Bind(1, function);
  return remove.Run();
}

}  // namespace sf::engine::function
