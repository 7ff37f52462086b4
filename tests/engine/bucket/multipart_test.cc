// Multipart uploads: the happy path, S3's ETag, and each error.

#include <gtest/gtest.h>

#include "engine/bucket/digest.h"
#include "engine/bucket/object_store.h"
#include "test_util.h"

namespace sf::engine {
namespace {

using testing_util::CountTempFiles;
using testing_util::OpenStore;
using testing_util::ReadBody;
using testing_util::TempDir;

class MultipartTest : public ::testing::Test {
 protected:
  void SetUp() override {
    store_ = OpenStore(dir_.path(), &clock_);
    ASSERT_TRUE(store_->CreateBucket("bkt").has_value());
    ObjectMetadata metadata;
    metadata.content_type = "video/mp4";
    auto id = store_->CreateMultipartUpload("bkt", "movie", metadata);
    ASSERT_TRUE(id.has_value());
    id_ = *id;
  }
  TempDir dir_;
  VirtualClock clock_{5000};
  std::unique_ptr<ObjectStore> store_;
  std::string id_;
};

TEST_F(MultipartTest, HappyPathWithS3Etag) {
  std::string part1(kMinPartBytes, 'a');
  std::string part2(kMinPartBytes + 3, 'b');
  std::string part3 = "tail";
  auto p1 = store_->UploadPart("bkt", "movie", id_, 1, part1);
  // Part 2 streamed in pieces, uploaded twice: the second replaces the first.
  ASSERT_TRUE(store_->UploadPart("bkt", "movie", id_, 2, "stale").has_value());
  auto writer = store_->NewPartWriter("bkt", "movie", id_, 2);
  ASSERT_TRUE(writer.has_value());
  for (size_t off = 0; off < part2.size(); off += 1 << 20) {
    ASSERT_TRUE((*writer)->Write(std::string_view(part2).substr(off, 1 << 20)).has_value());
  }
  auto p2 = (*writer)->Commit();
  auto p3 = store_->UploadPart("bkt", "movie", id_, 3, part3);
  ASSERT_TRUE(p1 && p2 && p3);
  EXPECT_EQ(p1->etag, "\"" + Md5Hex(part1) + "\"");
  EXPECT_EQ(p3->etag, "\"" + Md5Hex("tail") + "\"");

  auto parts = store_->ListParts("bkt", "movie", id_);
  ASSERT_EQ(parts->size(), 3u);
  EXPECT_EQ((*parts)[1].size, part2.size());
  EXPECT_EQ((*parts)[1].etag, p2->etag);
  auto uploads = store_->ListMultipartUploads("bkt");
  ASSERT_EQ(uploads->size(), 1u);
  EXPECT_EQ((*uploads)[0].key, "movie");

  auto done = store_->CompleteMultipartUpload("bkt", "movie", id_,
                                              {{1, p1->etag}, {2, p2->etag}, {3, Md5Hex("tail")}});
  ASSERT_TRUE(done.has_value()) << done.error().message;
  // Independently: MD5 over the concatenated binary part digests, then "-3".
  std::string digests =
      HexDecode(Md5Hex(part1)) + HexDecode(Md5Hex(part2)) + HexDecode(Md5Hex(part3));
  EXPECT_EQ(done->etag, "\"" + Md5Hex(digests) + "-3\"");
  EXPECT_EQ(done->size, part1.size() + part2.size() + 4);
  EXPECT_EQ(done->part_count, 3u);
  EXPECT_EQ(store_->HeadObject("bkt", "movie")->metadata.content_type, "video/mp4");
  EXPECT_EQ(ReadBody(*store_, "bkt", "movie"), part1 + part2 + part3);
  EXPECT_EQ(store_->ListParts("bkt", "movie", id_).error().code, StoreErrorCode::kNoSuchUpload);
  EXPECT_TRUE(store_->ListMultipartUploads("bkt")->empty());
  EXPECT_EQ(CountTempFiles(dir_.path()), 0);
}

TEST_F(MultipartTest, KnownEtagOfTwoSmallPartsCompletedAsOne) {
  // A single part may be any size; "hello world" -> MD5(md5("hello world")) + "-1".
  auto p1 = store_->UploadPart("bkt", "movie", id_, 1, "hello world");
  ASSERT_TRUE(p1.has_value());
  EXPECT_EQ(p1->etag, "\"5eb63bbbe01eeed093cb22bb8f5acdc3\"");
  auto done = store_->CompleteMultipartUpload("bkt", "movie", id_, {{1, p1->etag}});
  ASSERT_TRUE(done.has_value());
  EXPECT_EQ(done->etag, "\"" + Md5Hex(HexDecode("5eb63bbbe01eeed093cb22bb8f5acdc3")) + "-1\"");
}

TEST_F(MultipartTest, Errors) {
  auto small = store_->UploadPart("bkt", "movie", id_, 1, "small");
  auto last = store_->UploadPart("bkt", "movie", id_, 2, "last");
  ASSERT_TRUE(small && last);
  auto complete = [&](std::vector<CompletedPart> parts) {
    return store_->CompleteMultipartUpload("bkt", "movie", id_, parts);
  };
  EXPECT_EQ(complete({{1, small->etag}, {2, last->etag}}).error().code,
            StoreErrorCode::kEntityTooSmall);
  EXPECT_EQ(complete({{2, last->etag}, {1, small->etag}}).error().code,
            StoreErrorCode::kInvalidPartOrder);
  EXPECT_EQ(complete({{1, small->etag}, {1, small->etag}}).error().code,
            StoreErrorCode::kInvalidPartOrder);
  EXPECT_EQ(complete({{1, last->etag}}).error().code, StoreErrorCode::kInvalidPart);
  EXPECT_EQ(complete({{3, small->etag}}).error().code, StoreErrorCode::kInvalidPart);
  EXPECT_EQ(complete({}).error().code, StoreErrorCode::kInvalidRequest);
  EXPECT_EQ(store_->UploadPart("bkt", "movie", id_, 0, "x").error().code,
            StoreErrorCode::kInvalidArgument);
  EXPECT_EQ(store_->UploadPart("bkt", "movie", id_, 10001, "x").error().code,
            StoreErrorCode::kInvalidArgument);
  EXPECT_TRUE(store_->UploadPart("bkt", "movie", id_, 10000, "x").has_value());
  EXPECT_EQ(store_->UploadPart("bkt", "other-key", id_, 1, "x").error().code,
            StoreErrorCode::kNoSuchUpload);
  EXPECT_EQ(store_->UploadPart("bkt", "movie", "../../x", 1, "x").error().code,
            StoreErrorCode::kNoSuchUpload);
  EXPECT_EQ(store_->UploadPart("nobucket", "movie", id_, 1, "x").error().code,
            StoreErrorCode::kNoSuchBucket);
  // Failed completes change nothing: the upload still works.
  EXPECT_EQ(store_->HeadObject("bkt", "movie").error().code, StoreErrorCode::kNoSuchKey);
  EXPECT_TRUE(complete({{2, last->etag}}).has_value());
  EXPECT_EQ(ReadBody(*store_, "bkt", "movie"), "last");
}

TEST_F(MultipartTest, AbortRemovesEverything) {
  ASSERT_TRUE(store_->UploadPart("bkt", "movie", id_, 1, "x").has_value());
  ASSERT_TRUE(store_->AbortMultipartUpload("bkt", "movie", id_).has_value());
  EXPECT_EQ(store_->AbortMultipartUpload("bkt", "movie", id_).error().code,
            StoreErrorCode::kNoSuchUpload);
  EXPECT_EQ(store_->UploadPart("bkt", "movie", id_, 1, "x").error().code,
            StoreErrorCode::kNoSuchUpload);
  EXPECT_TRUE(std::filesystem::is_empty(dir_.path() + "/bkt/uploads"));
  // An empty bucket with only an upload in progress can be deleted.
  auto id = store_->CreateMultipartUpload("bkt", "k", {});
  ASSERT_TRUE(id.has_value());
  EXPECT_TRUE(store_->DeleteBucket("bkt").has_value());
}

}  // namespace
}  // namespace sf::engine
