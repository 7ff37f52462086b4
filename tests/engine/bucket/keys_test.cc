// Keys: hostile keys stay inside their bucket, long keys, encoding.

#include <gtest/gtest.h>

#include "engine/bucket/object_key.h"
#include "engine/bucket/object_store.h"
#include "test_util.h"

namespace sf::engine {
namespace {

using testing_util::FilesUnder;
using testing_util::OpenStore;
using testing_util::ReadBody;
using testing_util::TempDir;

TEST(ObjectKeyTest, EncodingIsSafe) {
  EXPECT_EQ(ObjectFileName("a-b_C9"), "a-b_C9.obj");
  EXPECT_EQ(ObjectFileName("../x"), "%2E%2E%2Fx.obj");
  EXPECT_EQ(ObjectFileName("%2F"), "%252F.obj");
  EXPECT_EQ(ObjectFileName("."), "%2E.obj");
  std::string long_name = ObjectFileName(std::string(1024, '/'));
  EXPECT_EQ(long_name.size(), 1 + 64 + 4u);
  EXPECT_EQ(long_name[0], '~');
  EXPECT_TRUE(ValidateKey(std::string(1024, 'a')).has_value());
  EXPECT_EQ(ValidateKey(std::string(1025, 'a')).error().code, StoreErrorCode::kKeyTooLong);
  EXPECT_EQ(ValidateKey("").error().code, StoreErrorCode::kInvalidArgument);
}

TEST(ObjectKeyTest, HostileKeysRoundTripAndNeverEscape) {
  TempDir dir;
  VirtualClock clock(0);
  std::string root = dir.path() + "/store";
  auto store = OpenStore(root, &clock);
  ASSERT_NE(store, nullptr);
  ASSERT_TRUE(store->CreateBucket("b-1").has_value());
  std::vector<std::string> keys = {"../escape",
                                   "../../etc/passwd",
                                   "a/../../b",
                                   "/leading/slash",
                                   "//double",
                                   "trailing.",
                                   "trailing/",
                                   "..",
                                   ".",
                                   "%2F",
                                   "%2E%2E%2Fx",
                                   "with space",
                                   "\xc3\xa9t\xc3\xa9/\xe6\x97\xa5\xe6\x9c\xac/\xf0\x9f\x98\x80",
                                   ".tmp-looks-like-temp",
                                   "bucket.obj",
                                   "x.obj",
                                   std::string("nul\0byte", 8),
                                   "\\backslash\\",
                                   std::string(1024, 'k'),
                                   std::string(1024, '/'),
                                   std::string(512, '.') + std::string(512, '/')};
  for (size_t i = 0; i < keys.size(); ++i) {
    auto put = store->PutObject("b-1", keys[i], {}, "body" + std::to_string(i));
    ASSERT_TRUE(put.has_value()) << i << ": " << put.error().message;
  }
  auto too_long = store->PutObject("b-1", std::string(1025, 'k'), {}, "x");
  ASSERT_FALSE(too_long.has_value());
  EXPECT_EQ(too_long.error().code, StoreErrorCode::kKeyTooLong);
  EXPECT_EQ(store->GetObject("b-1", std::string(1025, 'k')).error().code,
            StoreErrorCode::kKeyTooLong);

  for (size_t i = 0; i < keys.size(); ++i) {
    EXPECT_EQ(ReadBody(*store, "b-1", keys[i]), "body" + std::to_string(i)) << i;
  }
  // Every file lives in the bucket's objects/ directory (plus the bucket record).
  for (const std::string& file : FilesUnder(dir.path())) {
    EXPECT_TRUE(file.rfind("store/b-1/objects/", 0) == 0 || file == "store/b-1/bucket.obj") << file;
    EXPECT_EQ(file.find("/../"), std::string::npos);
  }
  EXPECT_EQ(FilesUnder(root + "/b-1/objects").size(), keys.size());
  auto list = store->ListObjectsV2("b-1", {});
  ASSERT_EQ(list->contents.size(), keys.size());
  std::vector<std::string> sorted = keys;
  std::sort(sorted.begin(), sorted.end());
  for (size_t i = 0; i < sorted.size(); ++i) EXPECT_EQ(list->contents[i].key, sorted[i]);

  // The index is rebuilt from the keys stored in the files, hashed names included.
  store.reset();
  store = OpenStore(root, &clock);
  ASSERT_NE(store, nullptr);
  list = store->ListObjectsV2("b-1", {});
  ASSERT_EQ(list->contents.size(), keys.size());
  for (size_t i = 0; i < sorted.size(); ++i) EXPECT_EQ(list->contents[i].key, sorted[i]);
  for (const std::string& key : keys) ASSERT_TRUE(store->DeleteObject("b-1", key).has_value());
  EXPECT_TRUE(FilesUnder(root + "/b-1/objects").empty());
}

}  // namespace
}  // namespace sf::engine
