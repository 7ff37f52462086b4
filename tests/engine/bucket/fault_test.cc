// Injected ENOSPC at write, fsync and rename: a clear error, nothing visible, no temp file.

#include <gtest/gtest.h>

#include "engine/bucket/object_store.h"
#include "test_util.h"

namespace sf::engine {
namespace {

using testing_util::CountTempFiles;
using testing_util::FaultFileSystem;
using testing_util::OpenStore;
using testing_util::ReadBody;
using testing_util::TempDir;

class FaultTest : public ::testing::TestWithParam<FaultFileSystem::Op> {};

TEST_P(FaultTest, DiskFullDuringPutLeavesNothing) {
  TempDir dir;
  VirtualClock clock(0);
  FaultFileSystem fs;
  auto store = OpenStore(dir.path(), &clock, &fs);
  ASSERT_NE(store, nullptr);
  ASSERT_TRUE(store->CreateBucket("bkt").has_value());
  ASSERT_TRUE(store->PutObject("bkt", "old", {}, "previous").has_value());

  fs.Arm(GetParam());
  for (const char* key : {"new", "old"}) {
    auto put = store->PutObject("bkt", key, {}, std::string(100000, 'n'));
    ASSERT_FALSE(put.has_value()) << key;
    EXPECT_EQ(put.error().code, StoreErrorCode::kStorageFull) << put.error().message;
    EXPECT_NE(put.error().message.find("No space left on device"), std::string::npos);
  }
  EXPECT_EQ(CountTempFiles(dir.path()), 0);
  EXPECT_EQ(store->HeadObject("bkt", "new").error().code, StoreErrorCode::kNoSuchKey);
  EXPECT_EQ(ReadBody(*store, "bkt", "old"), "previous");  // the old object is untouched
  auto list = store->ListObjectsV2("bkt", {});
  ASSERT_EQ(list->contents.size(), 1u);
  EXPECT_EQ(store->Stats()[0].bytes, 8u);

  // Copies and multipart completes fail the same way.
  CopyRequest copy{"bkt", "old", "bkt", "copy", MetadataDirective::kCopy, {}, {}};
  EXPECT_EQ(store->CopyObject(copy).error().code, StoreErrorCode::kStorageFull);
  fs.Arm(FaultFileSystem::Op::kNone);
  auto upload = store->CreateMultipartUpload("bkt", "mp", {});
  ASSERT_TRUE(upload.has_value());
  auto part = store->UploadPart("bkt", "mp", *upload, 1, "p");
  ASSERT_TRUE(part.has_value());
  fs.Arm(GetParam());
  EXPECT_EQ(store->UploadPart("bkt", "mp", *upload, 2, "q").error().code,
            StoreErrorCode::kStorageFull);
  auto complete = store->CompleteMultipartUpload("bkt", "mp", *upload, {{1, part->etag}});
  EXPECT_EQ(complete.error().code, StoreErrorCode::kStorageFull);
  EXPECT_EQ(CountTempFiles(dir.path()), 0);
  EXPECT_EQ(store->ListObjectsV2("bkt", {})->contents.size(), 1u);

  // After the disk recovers the upload can still complete.
  fs.Arm(FaultFileSystem::Op::kNone);
  ASSERT_TRUE(store->CompleteMultipartUpload("bkt", "mp", *upload, {{1, part->etag}}));
  EXPECT_EQ(ReadBody(*store, "bkt", "mp"), "p");
}

INSTANTIATE_TEST_SUITE_P(EachStep, FaultTest,
                         ::testing::Values(FaultFileSystem::Op::kWrite, FaultFileSystem::Op::kSync,
                                           FaultFileSystem::Op::kRename));

}  // namespace
}  // namespace sf::engine
