#include "engine/delivery/stream_store.h"

#include "engine/stack/sqlite_db.h"

namespace sf::engine::delivery {

namespace {

constexpr char kSchema[] =
    "CREATE TABLE IF NOT EXISTS streams (name TEXT PRIMARY KEY, config TEXT NOT NULL);";

}  // namespace

StreamStore::StreamStore(std::unique_ptr<sqlite::Db> db) : db_(std::move(db)) {}

StreamStore::~StreamStore() = default;

Result<std::unique_ptr<StreamStore>> StreamStore::Open(const std::string& path) {
  auto db = sqlite::Db::Open(path);
  if (!db) return tl::unexpected(db.error());
  if (auto created = (*db)->Exec(kSchema); !created) return tl::unexpected(created.error());
  return std::unique_ptr<StreamStore>(new StreamStore(std::move(*db)));
}

Result<std::vector<DeliveryStream>> StreamStore::LoadAll() const {
  std::vector<DeliveryStream> out;
  sqlite::Statement rows(*db_, "SELECT config FROM streams ORDER BY name");
  for (;;) {
    auto row = rows.Step();
    if (!row) return tl::unexpected(row.error());
    if (!*row) return out;
    auto stream = DeliveryStreamFromJson(rows.Text(0));
    if (!stream) return tl::unexpected(stream.error());
    out.push_back(std::move(*stream));
  }
}

Status StreamStore::Put(const DeliveryStream& stream) {
  sqlite::Statement upsert(*db_, "INSERT OR REPLACE INTO streams (name, config) VALUES (?1, ?2)");
  upsert.Bind(1, stream.name).Bind(2, ToJson(stream));
  return upsert.Run();
}

Status StreamStore::Remove(const std::string& name) {
  sqlite::Statement remove(*db_, "DELETE FROM streams WHERE name = ?1");
  remove.Bind(1, name);
  return remove.Run();
}

}  // namespace sf::engine::delivery
