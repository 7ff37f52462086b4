#include "engine/stack/stack_store.h"

#include <cinttypes>
#include <cstdio>
#include <random>

namespace sf::engine {

namespace {

using nlohmann::json;
using stackapi::StackSummary;

constexpr const char* kSchema = R"sql(
CREATE TABLE IF NOT EXISTS records (
  name TEXT PRIMARY KEY, project TEXT NOT NULL, stage TEXT NOT NULL, stack TEXT NOT NULL,
  revision INTEGER NOT NULL, status TEXT NOT NULL, updated_ms INTEGER NOT NULL,
  record TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS records_by_stage ON records (stage, name);
CREATE TABLE IF NOT EXISTS locks (
  name TEXT PRIMARY KEY, lock_id TEXT NOT NULL, owner TEXT NOT NULL, operation TEXT NOT NULL,
  acquired_ms INTEGER NOT NULL, expires_ms INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS exports (
  stage TEXT NOT NULL, name TEXT NOT NULL, stack TEXT NOT NULL, value TEXT NOT NULL,
  PRIMARY KEY (stage, name));
CREATE INDEX IF NOT EXISTS exports_by_stack ON exports (stack);
CREATE TABLE IF NOT EXISTS imports (
  stage TEXT NOT NULL, export TEXT NOT NULL, importer TEXT NOT NULL,
  PRIMARY KEY (stage, export, importer));
CREATE INDEX IF NOT EXISTS imports_by_importer ON imports (importer);
CREATE TABLE IF NOT EXISTS journal (
  name TEXT NOT NULL, seq INTEGER NOT NULL, time_ms INTEGER NOT NULL, entry TEXT NOT NULL,
  PRIMARY KEY (name, seq)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS settings (key TEXT PRIMARY KEY, value TEXT NOT NULL);
)sql";

constexpr const char* kInstanceKey = "engine.instance";

// Never throws: strings that are not UTF-8 are written with U+FFFD.
std::string Dump(const json& value) {
  return value.dump(-1, ' ', false, json::error_handler_t::replace);
}

// The exports a record declares: export name -> value JSON text. A DELETE_COMPLETE record
// declares none.
Result<std::map<std::string, std::string>> ExportsOf(const stackapi::StackRecord& record) {
  std::map<std::string, std::string> exports;
  if (record.status == StackStore::kDeleteComplete) return exports;
  for (const auto& output : record.outputs) {
    if (output.export_name.empty()) continue;
    if (!exports.emplace(output.export_name, Dump(output.value)).second) {
      return Fail(ErrorCode::kInvalidArgument,
                  "the record exports '" + output.export_name + "' twice");
    }
  }
  return exports;
}

}  // namespace

Result<std::unique_ptr<StackStore>> StackStore::Open(const std::string& path, Clock& clock) {
  auto db = sqlite::Db::Open(path);
  if (!db) return tl::unexpected(db.error());
  std::unique_ptr<StackStore> store(new StackStore(std::move(*db), clock));
  if (auto created = store->db_->Exec(kSchema); !created) return tl::unexpected(created.error());
  if (auto loaded = store->LoadInstance(); !loaded) return tl::unexpected(loaded.error());
  return store;
}

StackStore::~StackStore() = default;

std::string StackStore::NewId(const char* prefix) {
  // Ids must be unique, not secret: random_device reads the OS's entropy source.
  std::random_device device;
  uint64_t bits = (static_cast<uint64_t>(device()) << 32) | device();
  char hex[17];
  std::snprintf(hex, sizeof(hex), "%016" PRIx64, bits);
  return prefix + std::string(hex);
}

Status StackStore::LoadInstance() {
  sqlite::Statement read(*db_, "SELECT value FROM settings WHERE key = ?1");
  auto row = read.Bind(1, kInstanceKey).Step();
  if (!row) return tl::unexpected(row.error());
  if (*row) {
    instance_ = read.Text(0);
    return {};
  }
  instance_ = NewId("e-");
  return sqlite::Statement(*db_, "INSERT INTO settings (key, value) VALUES (?1, ?2)")
      .Bind(1, kInstanceKey)
      .Bind(2, instance_)
      .Run();
}

StackResult<std::vector<StackSummary>> StackStore::List(const std::string& stage) {
  std::lock_guard lock(mu_);
  sqlite::Statement select(
      *db_,
      "SELECT r.name, r.project, r.stage, r.stack, r.status, r.revision, r.updated_ms, "
      "l.expires_ms FROM records r LEFT JOIN locks l ON l.name = r.name "
      "WHERE ?1 = '' OR r.stage = ?1 ORDER BY r.name");
  select.Bind(1, stage);
  int64_t now = clock_.NowMs();
  std::vector<StackSummary> stacks;
  for (;;) {
    auto row = select.Step();
    if (!row) return StackFail(row.error());
    if (!*row) break;
    StackSummary summary;
    summary.name = select.Text(0);
    summary.project = select.Text(1);
    summary.stage = select.Text(2);
    summary.stack = select.Text(3);
    summary.status = select.Text(4);
    summary.revision = select.Int(5);
    summary.updated_ms = select.Int(6);
    summary.locked = !select.IsNull(7) && select.Int(7) > now;
    stacks.push_back(std::move(summary));
  }
  return stacks;
}

StackResult<std::optional<StackStore::Current>> StackStore::ReadRecord(const std::string& name) {
  sqlite::Statement select(*db_,
                           "SELECT stage, revision, status, record FROM records WHERE name = ?1");
  auto row = select.Bind(1, name).Step();
  if (!row) return StackFail(row.error());
  if (!*row) return std::optional<Current>();
  return Current{select.Text(0), select.Int(1), select.Text(2), select.Text(3)};
}

StackResult<std::string> StackStore::GetJson(const std::string& name) {
  std::lock_guard lock(mu_);
  auto current = ReadRecord(name);
  if (!current) return tl::unexpected(current.error());
  if (!*current) return StackFail(StackFailure::kNotFound, "stack " + name + " does not exist");
  return std::move((*current)->json);
}

StackResult<stackapi::StackRecord> StackStore::Get(const std::string& name) {
  auto text = GetJson(name);
  if (!text) return tl::unexpected(text.error());
  json parsed = json::parse(*text, nullptr, false);
  auto record = stackapi::StackRecordFromJson(parsed);
  if (!record)
    return StackFail(StackFailure::kIo, "stored record of " + name + ": " + record.error().message);
  return std::move(*record);
}

StackResult<int64_t> StackStore::Put(const std::string& name, const std::string& lock_id,
                                     int64_t expect_revision, json record) {
  if (record.is_object() && !record.contains("name")) record["name"] = name;
  auto parsed = stackapi::StackRecordFromJson(record);
  if (!parsed) return StackFail(StackFailure::kInvalid, parsed.error().message);
  if (parsed->name != name) {
    return StackFail(StackFailure::kInvalid,
                     "the record is named " + parsed->name + ", not " + name);
  }
  auto exports = ExportsOf(*parsed);
  if (!exports) return StackFail(StackFailure::kInvalid, exports.error().message);

  std::lock_guard lock(mu_);
  auto transaction = sqlite::Transaction::Begin(*db_);
  if (!transaction) return StackFail(transaction.error());
  if (auto held = CheckLock(name, lock_id); !held) return tl::unexpected(held.error());
  auto current = ReadRecord(name);
  if (!current) return tl::unexpected(current.error());
  int64_t revision = *current ? (*current)->revision : 0;
  bool absent = !*current || (*current)->status == kDeleteComplete;
  if (expect_revision != revision && !(absent && expect_revision == 0)) {
    return StackFail(StackFailure::kRevisionMismatch,
                     "stack " + name + " is at revision " + std::to_string(revision) + ", not " +
                         std::to_string(expect_revision),
                     {{"revision", revision}});
  }
  if (auto kept = CheckExportsKept(name, parsed->stage, *exports); !kept) {
    return tl::unexpected(kept.error());
  }
  if (auto free = CheckExportsFree(name, parsed->stage, *exports); !free) {
    return tl::unexpected(free.error());
  }
  int64_t now = clock_.NowMs();
  record["revision"] = revision + 1;
  record["updatedMs"] = now;
  auto written =
      sqlite::Statement(*db_,
                        "INSERT OR REPLACE INTO records (name, project, stage, stack, revision, "
                        "status, updated_ms, record) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)")
          .Bind(1, name)
          .Bind(2, parsed->project)
          .Bind(3, parsed->stage)
          .Bind(4, parsed->stack)
          .Bind(5, revision + 1)
          .Bind(6, parsed->status)
          .Bind(7, now)
          .Bind(8, Dump(record))
          .Run();
  if (!written) return StackFail(written.error());
  std::vector<std::string> imports;
  if (parsed->status != kDeleteComplete) imports = parsed->imports;
  if (auto indexed = WriteIndex(name, parsed->stage, *exports, imports); !indexed) {
    return tl::unexpected(indexed.error());
  }
  if (auto committed = (*transaction)->Commit(); !committed) return StackFail(committed.error());
  return revision + 1;
}

StackResult<void> StackStore::Delete(const std::string& name, const std::string& lock_id) {
  std::lock_guard lock(mu_);
  auto transaction = sqlite::Transaction::Begin(*db_);
  if (!transaction) return StackFail(transaction.error());
  auto current = ReadRecord(name);
  if (!current) return tl::unexpected(current.error());
  if (!*current) return StackFail(StackFailure::kNotFound, "stack " + name + " does not exist");
  if (auto held = CheckLock(name, lock_id); !held) return tl::unexpected(held.error());
  if ((*current)->status == kDeleteComplete) return {};
  if (auto kept = CheckExportsKept(name, (*current)->stage, {}); !kept) {
    return tl::unexpected(kept.error());
  }
  json record = json::parse((*current)->json, nullptr, false);
  if (!record.is_object()) {
    return StackFail(StackFailure::kIo, "stored record of " + name + " is not a JSON object");
  }
  int64_t now = clock_.NowMs();
  int64_t revision = (*current)->revision + 1;
  record["status"] = kDeleteComplete;
  record["revision"] = revision;
  record["updatedMs"] = now;
  auto written = sqlite::Statement(*db_,
                                   "UPDATE records SET status = ?2, revision = ?3, "
                                   "updated_ms = ?4, record = ?5 WHERE name = ?1")
                     .Bind(1, name)
                     .Bind(2, kDeleteComplete)
                     .Bind(3, revision)
                     .Bind(4, now)
                     .Bind(5, Dump(record))
                     .Run();
  if (!written) return StackFail(written.error());
  if (auto indexed = WriteIndex(name, (*current)->stage, {}, {}); !indexed) {
    return tl::unexpected(indexed.error());
  }
  if (auto committed = (*transaction)->Commit(); !committed) return StackFail(committed.error());
  return {};
}

}  // namespace sf::engine
