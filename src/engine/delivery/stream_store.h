#pragma once
// StreamStore: the engine's delivery stream definitions, durably.
//
// SQLite (<data dir>/delivery.db, WAL, synchronous=FULL: a change is on disk when the call
// returns, or not made at all): one table `streams` (name, the definition's JSON,
// delivery_stream.h). The buffered records are not here: each stream's BufferLog holds them.
//
// Not thread-safe: the DeliveryService serialises its calls.

#include <memory>
#include <string>
#include <vector>

#include "base/result.h"
#include "engine/delivery/delivery_stream.h"

namespace sf::engine::sqlite {
class Db;
}

namespace sf::engine::delivery {

class StreamStore {
 public:
  // Opens (creating) the database at `path`.
  static Result<std::unique_ptr<StreamStore>> Open(const std::string& path);
  ~StreamStore();
  StreamStore(const StreamStore&) = delete;
  StreamStore& operator=(const StreamStore&) = delete;

  // Every stored stream, by name.
  Result<std::vector<DeliveryStream>> LoadAll() const;
  // Creates or replaces the row of `stream.name`.
  Status Put(const DeliveryStream& stream);
  // Removing an absent row succeeds.
  Status Remove(const std::string& name);

 private:
  explicit StreamStore(std::unique_ptr<sqlite::Db> db);
  std::unique_ptr<sqlite::Db> db_;
};

}  // namespace sf::engine::delivery
