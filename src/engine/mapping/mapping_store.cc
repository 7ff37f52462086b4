#include "engine/mapping/mapping_store.h"

#include <sqlite3.h>

namespace sf::engine::mapping {

namespace {

constexpr char kSchema[] = R"sql(
CREATE TABLE IF NOT EXISTS mappings (uuid TEXT PRIMARY KEY, config TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS checkpoints (
  uuid TEXT NOT NULL,
  shard TEXT NOT NULL,
  sequence TEXT NOT NULL DEFAULT '',
  ended INTEGER NOT NULL DEFAULT 0,
  lease INTEGER NOT NULL DEFAULT 0,
  window_start INTEGER NOT NULL DEFAULT 0,
  window_state TEXT NOT NULL DEFAULT '',
  PRIMARY KEY (uuid, shard));
)sql";

ShardCheckpoint RowOf(const sqlite::Statement& row) {
  ShardCheckpoint checkpoint;
  checkpoint.shard_id = row.Text(0);
  checkpoint.sequence = row.Text(1);
  checkpoint.ended = row.Int(2) != 0;
  checkpoint.lease = row.Int(3);
  checkpoint.window_start_ms = row.Int(4);
  checkpoint.window_state = row.Text(5);
  return checkpoint;
}

constexpr char kSelectColumns[] =
    "SELECT shard, sequence, ended, lease, window_start, window_state FROM checkpoints ";

}  // namespace

Result<std::unique_ptr<MappingStore>> MappingStore::Open(const std::string& data_dir) {
  auto db = sqlite::Db::Open(data_dir + "/mappings.db");
  if (!db) return tl::unexpected(db.error());
  if (auto made = (*db)->Exec(kSchema); !made) return tl::unexpected(made.error());
  return std::unique_ptr<MappingStore>(new MappingStore(std::move(*db)));
}

Result<std::vector<MappingConfig>> MappingStore::LoadAll() const {
  std::lock_guard lock(mu_);
  sqlite::Statement select(*db_, "SELECT config FROM mappings ORDER BY uuid");
  std::vector<MappingConfig> configs;
  for (;;) {
    auto row = select.Step();
    if (!row) return tl::unexpected(row.error());
    if (!*row) break;
    auto config = FromJson(select.Text(0));
    if (!config) return tl::unexpected(config.error());
    configs.push_back(std::move(*config));
  }
  return configs;
}

Status MappingStore::Put(const MappingConfig& config) {
  std::lock_guard lock(mu_);
  sqlite::Statement upsert(*db_, "INSERT OR REPLACE INTO mappings (uuid, config) VALUES (?1, ?2)");
  return upsert.Bind(1, config.uuid).Bind(2, ToJson(config)).Run();
}

Status MappingStore::Remove(const std::string& uuid) {
  std::lock_guard lock(mu_);
  auto transaction = sqlite::Transaction::Begin(*db_);
  if (!transaction) return tl::unexpected(transaction.error());
  sqlite::Statement mappings(*db_, "DELETE FROM mappings WHERE uuid = ?1");
  if (auto done = mappings.Bind(1, uuid).Run(); !done) return done;
  sqlite::Statement checkpoints(*db_, "DELETE FROM checkpoints WHERE uuid = ?1");
  if (auto done = checkpoints.Bind(1, uuid).Run(); !done) return done;
  return (*transaction)->Commit();
}

Result<std::map<std::string, ShardCheckpoint>> MappingStore::Checkpoints(
    const std::string& uuid) const {
  std::lock_guard lock(mu_);
  sqlite::Statement select(*db_, (std::string(kSelectColumns) + "WHERE uuid = ?1").c_str());
  select.Bind(1, uuid);
  std::map<std::string, ShardCheckpoint> checkpoints;
  for (;;) {
    auto row = select.Step();
    if (!row) return tl::unexpected(row.error());
    if (!*row) break;
    ShardCheckpoint checkpoint = RowOf(select);
    std::string shard = checkpoint.shard_id;
    checkpoints.emplace(std::move(shard), std::move(checkpoint));
  }
  return checkpoints;
}

Status MappingStore::Seed(const std::string& uuid,
                          const std::map<std::string, std::string>& sequences) {
  std::lock_guard lock(mu_);
  auto transaction = sqlite::Transaction::Begin(*db_);
  if (!transaction) return tl::unexpected(transaction.error());
  sqlite::Statement insert(
      *db_, "INSERT OR IGNORE INTO checkpoints (uuid, shard, sequence) VALUES (?1, ?2, ?3)");
  for (const auto& [shard, sequence] : sequences) {
    insert.Reset();
    if (auto done = insert.Bind(1, uuid).Bind(2, shard).Bind(3, sequence).Run(); !done) {
      return done;
    }
  }
  return (*transaction)->Commit();
}

Result<ShardCheckpoint> MappingStore::TakeLease(const std::string& uuid,
                                                const std::string& shard_id) {
  std::lock_guard lock(mu_);
  auto transaction = sqlite::Transaction::Begin(*db_);
  if (!transaction) return tl::unexpected(transaction.error());
  sqlite::Statement insert(*db_, "INSERT OR IGNORE INTO checkpoints (uuid, shard) VALUES (?1, ?2)");
  if (auto done = insert.Bind(1, uuid).Bind(2, shard_id).Run(); !done) {
    return tl::unexpected(done.error());
  }
  sqlite::Statement bump(*db_,
                         "UPDATE checkpoints SET lease = lease + 1 WHERE uuid = ?1 AND shard = ?2");
  if (auto done = bump.Bind(1, uuid).Bind(2, shard_id).Run(); !done) {
    return tl::unexpected(done.error());
  }
  sqlite::Statement select(
      *db_, (std::string(kSelectColumns) + "WHERE uuid = ?1 AND shard = ?2").c_str());
  auto row = select.Bind(1, uuid).Bind(2, shard_id).Step();
  if (!row) return tl::unexpected(row.error());
  if (!*row) return Fail(ErrorCode::kIo, "lease row vanished for " + uuid + "/" + shard_id);
  ShardCheckpoint checkpoint = RowOf(select);
  if (auto committed = (*transaction)->Commit(); !committed) {
    return tl::unexpected(committed.error());
  }
  return checkpoint;
}

Result<bool> MappingStore::Save(const std::string& uuid, const ShardCheckpoint& checkpoint) {
  std::lock_guard lock(mu_);
  sqlite::Statement update(*db_,
                           "UPDATE checkpoints SET sequence = ?3, ended = ?4, window_start = ?5, "
                           "window_state = ?6 WHERE uuid = ?1 AND shard = ?2 AND lease = ?7");
  update.Bind(1, uuid)
      .Bind(2, checkpoint.shard_id)
      .Bind(3, checkpoint.sequence)
      .Bind(4, int64_t{checkpoint.ended ? 1 : 0})
      .Bind(5, checkpoint.window_start_ms)
      .Bind(6, checkpoint.window_state)
      .Bind(7, checkpoint.lease);
  if (auto done = update.Run(); !done) return tl::unexpected(done.error());
  return sqlite3_changes(db_->get()) > 0;
}

}  // namespace sf::engine::mapping
