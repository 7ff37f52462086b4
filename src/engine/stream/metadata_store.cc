#include "engine/stream/metadata_store.h"

#include <sqlite3.h>

#include <nlohmann/json.hpp>

namespace sf::engine {

namespace {

nlohmann::json ToJson(const StreamMeta& stream) {
  nlohmann::json shards = nlohmann::json::array();
  for (const auto& shard : stream.shards) {
    nlohmann::json s = {{"index", shard.index},
                        {"start", FormatHashKey(shard.starting_hash_key)},
                        {"end", FormatHashKey(shard.ending_hash_key)},
                        {"created_ms", shard.created_ms}};
    if (shard.parent) s["parent"] = *shard.parent;
    if (shard.adjacent_parent) s["adjacent_parent"] = *shard.adjacent_parent;
    if (shard.closed_at) {
      s["closed_at"] = *shard.closed_at;
      s["closed_last_arrival_ms"] = shard.closed_last_arrival_ms;
    }
    shards.push_back(std::move(s));
  }
  nlohmann::json out = {
      {"name", stream.name},
      {"created_ms", stream.created_ms},
      {"incarnation", stream.incarnation},
      {"mode", stream.mode == StreamMode::kOnDemand ? "ON_DEMAND" : "PROVISIONED"},
      {"retention_hours", stream.retention_hours},
      {"shards", shards},
      {"tags", stream.tags},
      {"reshard_times_ms", stream.reshard_times_ms}};
  if (stream.throttling) out["throttling"] = *stream.throttling;
  return out;
}

Result<StreamMeta> FromJson(const std::string& text) {
  nlohmann::json json = nlohmann::json::parse(text, nullptr, false);
  if (json.is_discarded()) return Fail(ErrorCode::kParse, "stream metadata is not valid JSON");
  try {
    StreamMeta stream;
    stream.name = json.at("name").get<std::string>();
    stream.created_ms = json.at("created_ms").get<int64_t>();
    stream.incarnation = json.value("incarnation", static_cast<uint64_t>(stream.created_ms));
    stream.mode = json.at("mode").get<std::string>() == "ON_DEMAND" ? StreamMode::kOnDemand
                                                                    : StreamMode::kProvisioned;
    stream.retention_hours = json.at("retention_hours").get<int>();
    for (const auto& s : json.at("shards")) {
      ShardMeta shard;
      shard.index = s.at("index").get<uint32_t>();
      shard.starting_hash_key = ParseHashKey(s.at("start").get<std::string>()).value_or(0);
      shard.ending_hash_key = ParseHashKey(s.at("end").get<std::string>()).value_or(0);
      shard.created_ms = s.at("created_ms").get<int64_t>();
      if (s.contains("parent")) shard.parent = s["parent"].get<uint32_t>();
      if (s.contains("adjacent_parent"))
        shard.adjacent_parent = s["adjacent_parent"].get<uint32_t>();
      if (s.contains("closed_at")) shard.closed_at = s["closed_at"].get<uint64_t>();
      shard.closed_last_arrival_ms = s.value("closed_last_arrival_ms", shard.created_ms);
      stream.shards.push_back(shard);
    }
    stream.tags = json.at("tags").get<std::map<std::string, std::string>>();
    stream.reshard_times_ms = json.at("reshard_times_ms").get<std::vector<int64_t>>();
    if (json.contains("throttling")) stream.throttling = json["throttling"].get<bool>();
    return stream;
  } catch (const nlohmann::json::exception& e) {
    return Fail(ErrorCode::kParse, std::string("stream metadata is malformed: ") + e.what());
  }
}

// A prepared statement that finalizes itself.
class Statement {
 public:
  Statement(sqlite3* db, const char* sql) { sqlite3_prepare_v2(db, sql, -1, &stmt_, nullptr); }
  ~Statement() { sqlite3_finalize(stmt_); }
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;
  sqlite3_stmt* get() const { return stmt_; }
  void Bind(int index, const std::string& text) {
    sqlite3_bind_text(stmt_, index, text.data(), static_cast<int>(text.size()), SQLITE_TRANSIENT);
  }

 private:
  sqlite3_stmt* stmt_ = nullptr;
};

}  // namespace

Result<std::unique_ptr<MetadataStore>> MetadataStore::Open(const std::string& path) {
  sqlite3* db = nullptr;
  if (sqlite3_open_v2(path.c_str(), &db,
                      SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_FULLMUTEX,
                      nullptr) != SQLITE_OK) {
    std::string message = db ? sqlite3_errmsg(db) : "out of memory";
    sqlite3_close(db);
    return Fail(ErrorCode::kIo, "cannot open " + path + ": " + message);
  }
  std::unique_ptr<MetadataStore> store(new MetadataStore(db));
  for (const char* sql :
       {"PRAGMA journal_mode=WAL", "PRAGMA synchronous=FULL",
        "CREATE TABLE IF NOT EXISTS streams (name TEXT PRIMARY KEY, meta TEXT NOT NULL)",
        "CREATE TABLE IF NOT EXISTS settings (key TEXT PRIMARY KEY, value TEXT NOT NULL)"}) {
    if (auto status = store->Exec(sql); !status) return tl::unexpected(status.error());
  }
  return store;
}

MetadataStore::~MetadataStore() { sqlite3_close(db_); }

Status MetadataStore::Exec(const std::string& sql) {
  char* error = nullptr;
  if (sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &error) != SQLITE_OK) {
    std::string message = error ? error : "unknown error";
    sqlite3_free(error);
    return Fail(ErrorCode::kIo, "metadata store: " + message);
  }
  return {};
}

Result<std::vector<StreamMeta>> MetadataStore::LoadAll() {
  std::lock_guard lock(mu_);
  Statement statement(db_, "SELECT meta FROM streams ORDER BY name");
  std::vector<StreamMeta> streams;
  int rc;
  while ((rc = sqlite3_step(statement.get())) == SQLITE_ROW) {
    const auto* text = reinterpret_cast<const char*>(sqlite3_column_text(statement.get(), 0));
    auto stream = FromJson(text ? text : "");
    if (!stream) return tl::unexpected(stream.error());
    streams.push_back(std::move(*stream));
  }
  if (rc != SQLITE_DONE)
    return Fail(ErrorCode::kIo, std::string("metadata store: ") + sqlite3_errmsg(db_));
  return streams;
}

Status MetadataStore::Put(const StreamMeta& stream) {
  std::lock_guard lock(mu_);
  Statement statement(db_, "INSERT OR REPLACE INTO streams (name, meta) VALUES (?1, ?2)");
  statement.Bind(1, stream.name);
  statement.Bind(2, ToJson(stream).dump());
  if (sqlite3_step(statement.get()) != SQLITE_DONE) {
    return Fail(ErrorCode::kIo, std::string("metadata store: ") + sqlite3_errmsg(db_));
  }
  return {};
}

Status MetadataStore::Delete(const std::string& name) {
  std::lock_guard lock(mu_);
  Statement statement(db_, "DELETE FROM streams WHERE name = ?1");
  statement.Bind(1, name);
  if (sqlite3_step(statement.get()) != SQLITE_DONE) {
    return Fail(ErrorCode::kIo, std::string("metadata store: ") + sqlite3_errmsg(db_));
  }
  return {};
}

Result<std::string> MetadataStore::GetSetting(const std::string& key) {
  std::lock_guard lock(mu_);
  Statement statement(db_, "SELECT value FROM settings WHERE key = ?1");
  statement.Bind(1, key);
  if (sqlite3_step(statement.get()) == SQLITE_ROW) {
    const auto* text = reinterpret_cast<const char*>(sqlite3_column_text(statement.get(), 0));
    return std::string(text ? text : "");
  }
  return std::string();
}

Status MetadataStore::PutSetting(const std::string& key, const std::string& value) {
  std::lock_guard lock(mu_);
  Statement statement(db_, "INSERT OR REPLACE INTO settings (key, value) VALUES (?1, ?2)");
  statement.Bind(1, key);
  statement.Bind(2, value);
  if (sqlite3_step(statement.get()) != SQLITE_DONE) {
    return Fail(ErrorCode::kIo, std::string("metadata store: ") + sqlite3_errmsg(db_));
  }
  return {};
}

}  // namespace sf::engine
