#pragma once
// Crash-safe persistence of stream metadata in SQLite (WAL, synchronous=FULL): a change is
// either wholly on disk when Put returns or not at all. One row per stream holds its
// description as JSON; changes are rare (create, reshard, tags, retention), so each rewrites
// its stream's row in one transaction. Thread-safe (calls are serialised).

#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "base/result.h"
#include "engine/stream/stream_meta.h"

struct sqlite3;

namespace sf::engine {

class MetadataStore {
 public:
  static Result<std::unique_ptr<MetadataStore>> Open(const std::string& path);
  ~MetadataStore();
  MetadataStore(const MetadataStore&) = delete;
  MetadataStore& operator=(const MetadataStore&) = delete;

  Result<std::vector<StreamMeta>> LoadAll();
  Status Put(const StreamMeta& stream);
  Status Delete(const std::string& name);

  // The engine's own key-value settings (the iterator signing secret, ...).
  Result<std::string> GetSetting(const std::string& key);  // "" when unset
  Status PutSetting(const std::string& key, const std::string& value);

 private:
  explicit MetadataStore(sqlite3* db) : db_(db) {}
  Status Exec(const std::string& sql);
  std::mutex mu_;
  sqlite3* db_;
};

}  // namespace sf::engine
