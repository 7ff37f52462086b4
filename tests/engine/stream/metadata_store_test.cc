// MetadataStore: stream descriptions and settings in SQLite.

#include "engine/stream/metadata_store.h"

#include <gtest/gtest.h>
#include <sqlite3.h>

#include <filesystem>
#include <string>
#include <thread>
#include <vector>

#include "stream_test_util.h"

namespace sf::engine {
namespace {

using stream_test::TempDir;

StreamMeta SampleStream(const std::string& name) {
  StreamMeta stream;
  stream.name = name;
  stream.created_ms = 1700000000123;
  stream.mode = StreamMode::kOnDemand;
  stream.retention_hours = 168;
  ShardMeta closed;
  closed.index = 0;
  closed.starting_hash_key = 0;
  closed.ending_hash_key = kMaxHashKey;
  closed.created_ms = 1700000000123;
  closed.closed_at = 12345678901234ULL;
  ShardMeta low;
  low.index = 1;
  low.parent = 0;
  low.starting_hash_key = 0;
  low.ending_hash_key = (static_cast<HashKey>(1) << 127) - 1;
  low.created_ms = 1700000005000;
  ShardMeta high = low;
  high.index = 2;
  high.starting_hash_key = static_cast<HashKey>(1) << 127;
  high.ending_hash_key = kMaxHashKey;
  ShardMeta merged;
  merged.index = 3;
  merged.parent = 2;
  merged.adjacent_parent = 1;
  merged.starting_hash_key = 0;
  merged.ending_hash_key = kMaxHashKey;
  merged.created_ms = 1700000009000;
  low.closed_at = 0;  // closed before any record
  high.closed_at = 7;
  stream.shards = {closed, low, high, merged};
  stream.tags = {{"team", "data"}, {"unicode", "\xc3\xa9t\xc3\xa9"}, {"empty", ""}};
  stream.reshard_times_ms = {1700000001000, 1700000002000};
  stream.throttling = false;
  return stream;
}

void ExpectSameMeta(const StreamMeta& a, const StreamMeta& b) {
  EXPECT_EQ(a.name, b.name);
  EXPECT_EQ(a.created_ms, b.created_ms);
  EXPECT_EQ(a.mode, b.mode);
  EXPECT_EQ(a.retention_hours, b.retention_hours);
  EXPECT_EQ(a.tags, b.tags);
  EXPECT_EQ(a.reshard_times_ms, b.reshard_times_ms);
  EXPECT_EQ(a.throttling, b.throttling);
  ASSERT_EQ(a.shards.size(), b.shards.size());
  for (size_t i = 0; i < a.shards.size(); ++i) {
    SCOPED_TRACE(i);
    EXPECT_EQ(a.shards[i].index, b.shards[i].index);
    EXPECT_EQ(a.shards[i].parent, b.shards[i].parent);
    EXPECT_EQ(a.shards[i].adjacent_parent, b.shards[i].adjacent_parent);
    EXPECT_EQ(FormatHashKey(a.shards[i].starting_hash_key),
              FormatHashKey(b.shards[i].starting_hash_key));
    EXPECT_EQ(FormatHashKey(a.shards[i].ending_hash_key),
              FormatHashKey(b.shards[i].ending_hash_key));
    EXPECT_EQ(a.shards[i].created_ms, b.shards[i].created_ms);
    EXPECT_EQ(a.shards[i].closed_at, b.shards[i].closed_at);
  }
}

std::unique_ptr<MetadataStore> OpenStore(const std::string& path) {
  auto store = MetadataStore::Open(path);
  EXPECT_TRUE(store.has_value()) << (store ? "" : store.error().message);
  return store ? std::move(*store) : nullptr;
}

TEST(MetadataStoreTest, NewStoreIsEmpty) {
  TempDir dir;
  auto store = OpenStore(dir.path() + "/metadata.db");
  ASSERT_NE(store, nullptr);
  auto all = store->LoadAll();
  ASSERT_TRUE(all.has_value());
  EXPECT_TRUE(all->empty());
  auto setting = store->GetSetting("iterator_secret");
  ASSERT_TRUE(setting.has_value());
  EXPECT_EQ(*setting, "");
}

TEST(MetadataStoreTest, PutThenLoadRoundTripsEveryField) {
  TempDir dir;
  auto store = OpenStore(dir.path() + "/metadata.db");
  ASSERT_NE(store, nullptr);
  StreamMeta stream = SampleStream("orders");
  ASSERT_TRUE(store->Put(stream).has_value());
  auto all = store->LoadAll();
  ASSERT_TRUE(all.has_value());
  ASSERT_EQ(all->size(), 1u);
  ExpectSameMeta((*all)[0], stream);
}

TEST(MetadataStoreTest, OptionalFieldsStayAbsent) {
  TempDir dir;
  auto store = OpenStore(dir.path() + "/metadata.db");
  ASSERT_NE(store, nullptr);
  StreamMeta stream;
  stream.name = "plain";
  ShardMeta shard;
  shard.ending_hash_key = kMaxHashKey;
  stream.shards = {shard};
  ASSERT_TRUE(store->Put(stream).has_value());
  auto all = store->LoadAll();
  ASSERT_TRUE(all.has_value());
  ASSERT_EQ(all->size(), 1u);
  const StreamMeta& loaded = (*all)[0];
  EXPECT_FALSE(loaded.throttling.has_value());
  EXPECT_EQ(loaded.mode, StreamMode::kProvisioned);
  EXPECT_EQ(loaded.retention_hours, 24);
  ASSERT_EQ(loaded.shards.size(), 1u);
  EXPECT_FALSE(loaded.shards[0].parent.has_value());
  EXPECT_FALSE(loaded.shards[0].adjacent_parent.has_value());
  EXPECT_FALSE(loaded.shards[0].closed_at.has_value());
  EXPECT_TRUE(loaded.shards[0].open());
}

TEST(MetadataStoreTest, PutReplacesAndLoadIsSortedByName) {
  TempDir dir;
  auto store = OpenStore(dir.path() + "/metadata.db");
  ASSERT_NE(store, nullptr);
  for (const char* name : {"zeta", "alpha", "mid"})
    ASSERT_TRUE(store->Put(SampleStream(name)).has_value());
  StreamMeta changed = SampleStream("mid");
  changed.retention_hours = 48;
  changed.tags = {{"only", "one"}};
  changed.shards.resize(1);
  changed.throttling = std::nullopt;
  ASSERT_TRUE(store->Put(changed).has_value());
  auto all = store->LoadAll();
  ASSERT_TRUE(all.has_value());
  ASSERT_EQ(all->size(), 3u);
  EXPECT_EQ((*all)[0].name, "alpha");
  EXPECT_EQ((*all)[1].name, "mid");
  EXPECT_EQ((*all)[2].name, "zeta");
  ExpectSameMeta((*all)[1], changed);
}

TEST(MetadataStoreTest, DeleteRemovesOnlyThatStream) {
  TempDir dir;
  auto store = OpenStore(dir.path() + "/metadata.db");
  ASSERT_NE(store, nullptr);
  ASSERT_TRUE(store->Put(SampleStream("a")).has_value());
  ASSERT_TRUE(store->Put(SampleStream("b")).has_value());
  ASSERT_TRUE(store->Delete("a").has_value());
  ASSERT_TRUE(store->Delete("never-existed").has_value());
  auto all = store->LoadAll();
  ASSERT_TRUE(all.has_value());
  ASSERT_EQ(all->size(), 1u);
  EXPECT_EQ((*all)[0].name, "b");
}

TEST(MetadataStoreTest, SettingsPutGetReplace) {
  TempDir dir;
  auto store = OpenStore(dir.path() + "/metadata.db");
  ASSERT_NE(store, nullptr);
  ASSERT_TRUE(store->PutSetting("iterator_secret", "first").has_value());
  ASSERT_TRUE(store->PutSetting("other", "x").has_value());
  ASSERT_TRUE(store->PutSetting("iterator_secret", "second").has_value());
  EXPECT_EQ(store->GetSetting("iterator_secret").value(), "second");
  EXPECT_EQ(store->GetSetting("other").value(), "x");
  EXPECT_EQ(store->GetSetting("absent").value(), "");
}

TEST(MetadataStoreTest, EverythingSurvivesReopen) {
  TempDir dir;
  std::string path = dir.path() + "/metadata.db";
  {
    auto store = OpenStore(path);
    ASSERT_NE(store, nullptr);
    ASSERT_TRUE(store->Put(SampleStream("orders")).has_value());
    ASSERT_TRUE(store->Put(SampleStream("gone")).has_value());
    ASSERT_TRUE(store->Delete("gone").has_value());
    ASSERT_TRUE(store->PutSetting("iterator_secret", "s3cr3t").has_value());
  }
  auto store = OpenStore(path);
  ASSERT_NE(store, nullptr);
  auto all = store->LoadAll();
  ASSERT_TRUE(all.has_value());
  ASSERT_EQ(all->size(), 1u);
  ExpectSameMeta((*all)[0], SampleStream("orders"));
  EXPECT_EQ(store->GetSetting("iterator_secret").value(), "s3cr3t");
}

TEST(MetadataStoreTest, OpenFailsInAMissingDirectory) {
  TempDir dir;
  auto store = MetadataStore::Open(dir.path() + "/no/such/dir/metadata.db");
  ASSERT_FALSE(store.has_value());
  EXPECT_EQ(store.error().code, ErrorCode::kIo);
  EXPECT_NE(store.error().message.find("metadata.db"), std::string::npos) << store.error().message;
}

TEST(MetadataStoreTest, MalformedRowFailsLoad) {
  TempDir dir;
  std::string path = dir.path() + "/metadata.db";
  {
    auto store = OpenStore(path);
    ASSERT_NE(store, nullptr);
    ASSERT_TRUE(store->Put(SampleStream("orders")).has_value());
  }
  for (const char* bad : {"not json", "{\"name\":\"orders\"}"}) {
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
    std::string sql = std::string("UPDATE streams SET meta = '") + bad + "' WHERE name = 'orders'";
    ASSERT_EQ(sqlite3_exec(db, sql.c_str(), nullptr, nullptr, nullptr), SQLITE_OK);
    sqlite3_close(db);
    auto store = OpenStore(path);
    ASSERT_NE(store, nullptr);
    auto all = store->LoadAll();
    ASSERT_FALSE(all.has_value()) << bad;
    EXPECT_EQ(all.error().code, ErrorCode::kParse) << all.error().message;
  }
}

TEST(MetadataStoreTest, ConcurrentPutsAreAllStored) {
  TempDir dir;
  auto store = OpenStore(dir.path() + "/metadata.db");
  ASSERT_NE(store, nullptr);
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 10; ++i) {
        EXPECT_TRUE(store->Put(SampleStream("s" + std::to_string(t) + "-" + std::to_string(i)))
                        .has_value());
        EXPECT_TRUE(store->PutSetting("k" + std::to_string(t), std::to_string(i)).has_value());
      }
    });
  }
  for (auto& thread : threads) thread.join();
  auto all = store->LoadAll();
  ASSERT_TRUE(all.has_value());
  EXPECT_EQ(all->size(), 40u);
  for (int t = 0; t < 4; ++t) EXPECT_EQ(store->GetSetting("k" + std::to_string(t)).value(), "9");
}

}  // namespace
}  // namespace sf::engine
