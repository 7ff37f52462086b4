// Crash safety: debris a crash can leave is removed at open and never listed.

#include <gtest/gtest.h>

#include <fstream>

#include "engine/bucket/object_key.h"
#include "engine/bucket/object_store.h"
#include "test_util.h"

namespace sf::engine {
namespace {

using testing_util::CountTempFiles;
using testing_util::OpenStore;
using testing_util::ReadBody;
using testing_util::TempDir;

void WriteRaw(const std::string& path, const std::string& bytes) {
  std::ofstream(path, std::ios::binary) << bytes;
}

TEST(CrashTest, TempAndHalfWrittenFilesAreCleanedAtOpen) {
  TempDir dir;
  VirtualClock clock(1000);
  auto store = OpenStore(dir.path(), &clock);
  ASSERT_TRUE(store->CreateBucket("bkt").has_value());
  ASSERT_TRUE(store->PutObject("bkt", "kept", {}, "intact").has_value());
  store.reset();

  std::string objects = dir.path() + "/bkt/objects/";
  WriteRaw(objects + ".tmp-123-0-1", "a put cut short");  // a put in flight
  WriteRaw(objects + ObjectFileName("half"), "data without a trailer");
  // A real object file truncated mid-way (its footer is gone).
  std::ifstream whole(objects + ObjectFileName("kept"), std::ios::binary);
  std::string bytes((std::istreambuf_iterator<char>(whole)), {});
  WriteRaw(objects + ObjectFileName("torn"), bytes.substr(0, bytes.size() - 5));
  // A valid file under the wrong name (its key says "kept").
  WriteRaw(objects + ObjectFileName("misnamed"), bytes);
  std::filesystem::create_directories(dir.path() + "/.tmp-99-1-1/objects");  // half-made bucket
  std::filesystem::create_directories(dir.path() + "/bkt/uploads/0123456789abcdef0123456789abcdef");

  StoreRecoveryStats stats;
  store = OpenStore(dir.path(), &clock, nullptr, &stats);
  ASSERT_NE(store, nullptr);
  EXPECT_EQ(stats.objects, 1u);
  EXPECT_EQ(stats.removed_temp_files, 1u);
  EXPECT_EQ(stats.removed_invalid_files, 3u);
  EXPECT_EQ(stats.removed_uploads, 1u);
  auto list = store->ListObjectsV2("bkt", {});
  ASSERT_EQ(list->contents.size(), 1u);
  EXPECT_EQ(list->contents[0].key, "kept");
  EXPECT_EQ(ReadBody(*store, "bkt", "kept"), "intact");
  EXPECT_EQ(store->HeadObject("bkt", "half").error().code, StoreErrorCode::kNoSuchKey);
  EXPECT_EQ(store->HeadObject("bkt", "torn").error().code, StoreErrorCode::kNoSuchKey);
  EXPECT_EQ(CountTempFiles(dir.path()), 0);
  EXPECT_EQ(store->ListBuckets().size(), 1u);
  EXPECT_EQ(store->Stats()[0].bytes, 6u);
}

}  // namespace
}  // namespace sf::engine
