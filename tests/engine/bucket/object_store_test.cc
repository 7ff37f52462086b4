// ObjectStore: buckets, put/get/head/delete/copy, metadata, reopen, stats, concurrency.

#include "engine/bucket/object_store.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <set>
#include <thread>

#include "engine/bucket/digest.h"
#include "test_util.h"

namespace sf::engine {
namespace {

using testing_util::CountTempFiles;
using testing_util::OpenStore;
using testing_util::ReadBody;
using testing_util::TempDir;

class ObjectStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    store_ = OpenStore(dir_.path(), &clock_);
    ASSERT_NE(store_, nullptr);
    ASSERT_TRUE(store_->CreateBucket("photos").has_value());
  }
  TempDir dir_;
  VirtualClock clock_{1700000000000};
  std::unique_ptr<ObjectStore> store_;
};

TEST_F(ObjectStoreTest, BucketLifecycle) {
  auto again = store_->CreateBucket("photos");
  ASSERT_FALSE(again.has_value());
  EXPECT_EQ(again.error().code, StoreErrorCode::kBucketAlreadyOwnedByYou);
  EXPECT_EQ(store_->CreateBucket("Bad_Name").error().code, StoreErrorCode::kInvalidBucketName);
  clock_.Advance(5000);
  ASSERT_TRUE(store_->CreateBucket("logs").has_value());
  auto buckets = store_->ListBuckets();
  ASSERT_EQ(buckets.size(), 2u);
  EXPECT_EQ(buckets[0].name, "logs");
  EXPECT_EQ(buckets[0].creation_ms, 1700000005000);
  EXPECT_EQ(buckets[1].creation_ms, 1700000000000);
  EXPECT_EQ(store_->HeadBucket("logs")->creation_ms, 1700000005000);
  EXPECT_EQ(store_->HeadBucket("nope").error().code, StoreErrorCode::kNoSuchBucket);
  ASSERT_TRUE(store_->PutObject("logs", "k", {}, "x").has_value());
  EXPECT_EQ(store_->DeleteBucket("logs").error().code, StoreErrorCode::kBucketNotEmpty);
  ASSERT_TRUE(store_->DeleteObject("logs", "k").has_value());
  ASSERT_TRUE(store_->DeleteBucket("logs").has_value());
  EXPECT_EQ(store_->DeleteBucket("logs").error().code, StoreErrorCode::kNoSuchBucket);
  EXPECT_FALSE(std::filesystem::exists(dir_.path() + "/logs"));
  EXPECT_EQ(store_->PutObject("logs", "k", {}, "x").error().code, StoreErrorCode::kNoSuchBucket);
}

TEST_F(ObjectStoreTest, PutGetRoundTripWithMetadata) {
  ObjectMetadata metadata;
  metadata.content_type = "text/plain";
  metadata.content_encoding = "gzip";
  metadata.cache_control = "max-age=60";
  metadata.content_disposition = "attachment";
  metadata.user = {{"X-Amz-Meta-Owner", "Ann"}, {"Color", "blue"}};
  auto put = store_->PutObject("photos", "a/b.txt", metadata, "hello world");
  ASSERT_TRUE(put.has_value()) << put.error().message;
  EXPECT_EQ(put->etag, "\"5eb63bbbe01eeed093cb22bb8f5acdc3\"");
  EXPECT_EQ(put->size, 11u);
  EXPECT_EQ(put->last_modified_ms, 1700000000000);

  auto reader = store_->GetObject("photos", "a/b.txt");
  ASSERT_TRUE(reader.has_value());
  const ObjectInfo& info = (*reader)->info();
  EXPECT_EQ(info.etag, put->etag);
  EXPECT_EQ(info.metadata.content_type, "text/plain");
  EXPECT_EQ(info.metadata.content_encoding, "gzip");
  EXPECT_EQ(info.metadata.cache_control, "max-age=60");
  EXPECT_EQ(info.metadata.content_disposition, "attachment");
  std::map<std::string, std::string> user = {{"owner", "Ann"}, {"color", "blue"}};
  EXPECT_EQ(info.metadata.user, user);
  EXPECT_FALSE((*reader)->ranged());
  EXPECT_EQ(*(*reader)->ReadAll(), "hello world");

  auto head = store_->HeadObject("photos", "a/b.txt");
  ASSERT_TRUE(head.has_value());
  EXPECT_EQ(head->size, 11u);
  EXPECT_EQ(store_->HeadObject("photos", "missing").error().code, StoreErrorCode::kNoSuchKey);
  EXPECT_EQ(store_->GetObject("photos", "missing").error().code, StoreErrorCode::kNoSuchKey);
}

TEST_F(ObjectStoreTest, StreamedPutInPieces) {
  auto writer = store_->NewObjectWriter("photos", "big", {});
  ASSERT_TRUE(writer.has_value());
  std::string expected;
  for (int i = 0; i < 100; ++i) {
    std::string piece(10000, static_cast<char>('a' + i % 26));
    expected += piece;
    ASSERT_TRUE((*writer)->Write(piece).has_value());
  }
  // Nothing is visible before Commit.
  EXPECT_EQ(store_->HeadObject("photos", "big").error().code, StoreErrorCode::kNoSuchKey);
  auto info = (*writer)->Commit();
  ASSERT_TRUE(info.has_value());
  EXPECT_EQ(info->size, expected.size());
  EXPECT_EQ(info->etag, "\"" + Md5Hex(expected) + "\"");
  auto reader = store_->GetObject("photos", "big");
  ASSERT_TRUE(reader.has_value());
  std::string piece, all;
  int pieces = 0;
  do {
    ASSERT_TRUE((*reader)->Next(65536, &piece).has_value());
    all += piece;
    ++pieces;
  } while (!piece.empty());
  EXPECT_EQ(all, expected);
  EXPECT_GT(pieces, 10);
}

TEST_F(ObjectStoreTest, AbortedWriterLeavesNothing) {
  auto writer = store_->NewObjectWriter("photos", "gone", {});
  ASSERT_TRUE(writer.has_value());
  ASSERT_TRUE((*writer)->Write("partial").has_value());
  (*writer)->Abort();
  EXPECT_FALSE((*writer)->Commit().has_value());
  writer->reset();
  auto dropped = store_->NewObjectWriter("photos", "gone", {});
  ASSERT_TRUE((*dropped)->Write("partial").has_value());
  dropped->reset();  // destroyed without Commit
  EXPECT_EQ(CountTempFiles(dir_.path()), 0);
  EXPECT_EQ(store_->HeadObject("photos", "gone").error().code, StoreErrorCode::kNoSuchKey);
}

TEST_F(ObjectStoreTest, OverwriteAndDeleteIdempotence) {
  ASSERT_TRUE(store_->PutObject("photos", "k", {}, "one").has_value());
  ASSERT_TRUE(store_->PutObject("photos", "k", {}, "three").has_value());
  EXPECT_EQ(ReadBody(*store_, "photos", "k"), "three");
  ASSERT_TRUE(store_->DeleteObject("photos", "k").has_value());
  ASSERT_TRUE(store_->DeleteObject("photos", "k").has_value());  // missing: still success
  ASSERT_TRUE(store_->DeleteObject("photos", "never-existed").has_value());
  EXPECT_EQ(store_->DeleteObject("nobucket", "k").error().code, StoreErrorCode::kNoSuchBucket);
  ASSERT_TRUE(store_->PutObject("photos", "a", {}, "1").has_value());
  auto batch = store_->DeleteObjects("photos", {"a", "b", std::string(1025, 'x')});
  ASSERT_TRUE(batch.has_value());
  ASSERT_EQ(batch->size(), 3u);
  EXPECT_FALSE((*batch)[0].error.has_value());
  EXPECT_FALSE((*batch)[1].error.has_value());
  ASSERT_TRUE((*batch)[2].error.has_value());
  EXPECT_EQ((*batch)[2].error->code, StoreErrorCode::kKeyTooLong);
  EXPECT_EQ(store_->ListObjectsV2("photos", {})->key_count, 0);
}

TEST_F(ObjectStoreTest, StatsFollowPutsAndDeletes) {
  ASSERT_TRUE(store_->PutObject("photos", "a", {}, "12345").has_value());
  ASSERT_TRUE(store_->PutObject("photos", "b", {}, "123").has_value());
  ASSERT_TRUE(store_->PutObject("photos", "a", {}, "1").has_value());
  auto stats = store_->Stats();
  ASSERT_EQ(stats.size(), 1u);
  EXPECT_EQ(stats[0].objects, 2u);
  EXPECT_EQ(stats[0].bytes, 4u);
  ASSERT_TRUE(store_->DeleteObject("photos", "b").has_value());
  EXPECT_EQ(store_->Stats()[0].bytes, 1u);
  (void)store_->GetObject("photos", "zzz");
  auto counts = store_->Counts();
  EXPECT_EQ(counts.put, 3u);
  EXPECT_EQ(counts.get, 1u);
  EXPECT_EQ(counts.remove, 1u);
  EXPECT_EQ(counts.create_bucket, 1u);
  EXPECT_EQ(counts.errors, 1u);
}

TEST_F(ObjectStoreTest, CopyObject) {
  ObjectMetadata metadata;
  metadata.content_type = "image/png";
  metadata.user = {{"a", "1"}};
  ASSERT_TRUE(store_->PutObject("photos", "src", metadata, "pixels").has_value());
  ASSERT_TRUE(store_->CreateBucket("backup").has_value());
  clock_.Advance(1000);
  CopyRequest copy{"photos", "src", "backup", "dst", MetadataDirective::kCopy, {}, {}};
  auto copied = store_->CopyObject(copy);
  ASSERT_TRUE(copied.has_value()) << copied.error().message;
  EXPECT_EQ(copied->etag, "\"" + Md5Hex("pixels") + "\"");
  EXPECT_EQ(copied->last_modified_ms, 1700000001000);
  EXPECT_EQ(copied->metadata, NormalizeMetadata(metadata));
  EXPECT_EQ(ReadBody(*store_, "backup", "dst"), "pixels");

  ObjectMetadata replaced;
  replaced.content_type = "text/plain";
  copy = CopyRequest{"photos", "src", "photos", "src", MetadataDirective::kReplace, replaced, {}};
  auto self = store_->CopyObject(copy);
  ASSERT_TRUE(self.has_value());
  EXPECT_EQ(store_->HeadObject("photos", "src")->metadata, replaced);
  EXPECT_EQ(ReadBody(*store_, "photos", "src"), "pixels");

  copy.directive = MetadataDirective::kCopy;
  EXPECT_EQ(store_->CopyObject(copy).error().code, StoreErrorCode::kInvalidRequest);
  copy = CopyRequest{"photos", "nope", "backup", "x", MetadataDirective::kCopy, {}, {}};
  EXPECT_EQ(store_->CopyObject(copy).error().code, StoreErrorCode::kNoSuchKey);
  copy = CopyRequest{"photos", "src", "nobucket", "x", MetadataDirective::kCopy, {}, {}};
  EXPECT_EQ(store_->CopyObject(copy).error().code, StoreErrorCode::kNoSuchBucket);
  copy = CopyRequest{"photos", "src", "backup", "y", MetadataDirective::kCopy, {}, {}};
  copy.source_conditions.if_none_match = copied->etag;
  EXPECT_EQ(store_->CopyObject(copy).error().code, StoreErrorCode::kPreconditionFailed);
}

TEST_F(ObjectStoreTest, LargeCopyIsStreamedInChunks) {
  std::string body(3 * (1 << 20) + 17, 'z');
  body[12345] = 'q';
  ASSERT_TRUE(store_->PutObject("photos", "big", {}, body).has_value());
  CopyRequest copy{"photos", "big", "photos", "big2", MetadataDirective::kCopy, {}, {}};
  ASSERT_TRUE(store_->CopyObject(copy).has_value());
  EXPECT_EQ(ReadBody(*store_, "photos", "big2"), body);
}

TEST_F(ObjectStoreTest, ReopenPreservesEverything) {
  ObjectMetadata metadata;
  metadata.content_type = "a/b";
  metadata.user = {{"k", "v"}};
  for (int i = 0; i < 50; ++i) {
    ASSERT_TRUE(
        store_->PutObject("photos", "key/" + std::to_string(i), metadata, std::string(i, 'x'))
            .has_value());
  }
  ASSERT_TRUE(store_->CreateBucket("empty").has_value());
  auto upload = store_->CreateMultipartUpload("photos", "mp", {});
  ASSERT_TRUE(upload.has_value());
  ASSERT_TRUE(store_->UploadPart("photos", "mp", *upload, 1, "part").has_value());
  auto before = store_->ListObjectsV2("photos", {});
  store_.reset();
  StoreRecoveryStats stats;
  store_ = OpenStore(dir_.path(), &clock_, nullptr, &stats);
  ASSERT_NE(store_, nullptr);
  EXPECT_EQ(stats.buckets, 2u);
  EXPECT_EQ(stats.objects, 50u);
  EXPECT_EQ(stats.removed_temp_files, 0u);
  auto after = store_->ListObjectsV2("photos", {});
  ASSERT_EQ(after->contents.size(), before->contents.size());
  for (size_t i = 0; i < after->contents.size(); ++i) {
    EXPECT_EQ(after->contents[i].key, before->contents[i].key);
    EXPECT_EQ(after->contents[i].entry.etag, before->contents[i].entry.etag);
    EXPECT_EQ(after->contents[i].entry.size, before->contents[i].entry.size);
  }
  EXPECT_EQ(store_->HeadObject("photos", "key/7")->metadata, NormalizeMetadata(metadata));
  EXPECT_EQ(store_->Stats()[1].bytes, 49u * 50 / 2);
  EXPECT_EQ(store_->ListParts("photos", "mp", *upload)->size(), 1u);
  EXPECT_EQ(store_->HeadBucket("empty")->creation_ms, 1700000000000);
}

TEST_F(ObjectStoreTest, ConcurrentPutsToOneKeyLastWriterWins) {
  constexpr int kThreads = 8;
  std::vector<std::string> bodies;
  for (int i = 0; i < kThreads; ++i) {
    bodies.push_back(std::string(200000 + i * 1000, static_cast<char>('A' + i)));
  }
  std::vector<std::thread> threads;
  for (int i = 0; i < kThreads; ++i) {
    threads.emplace_back([&, i] {
      for (int round = 0; round < 5; ++round) {
        auto writer = store_->NewObjectWriter("photos", "contended", {});
        if (!writer) continue;
        for (size_t off = 0; off < bodies[i].size(); off += 7000) {
          (void)(*writer)->Write(std::string_view(bodies[i]).substr(off, 7000));
        }
        (void)(*writer)->Commit();
        std::string seen = ReadBody(*store_, "photos", "contended");
        EXPECT_TRUE(std::find(bodies.begin(), bodies.end(), seen) != bodies.end());
      }
    });
  }
  for (auto& thread : threads) thread.join();
  std::string final_body = ReadBody(*store_, "photos", "contended");
  EXPECT_TRUE(std::find(bodies.begin(), bodies.end(), final_body) != bodies.end());
  auto head = store_->HeadObject("photos", "contended");
  EXPECT_EQ(head->etag, "\"" + Md5Hex(final_body) + "\"");
  auto list = store_->ListObjectsV2("photos", {});
  ASSERT_EQ(list->contents.size(), 1u);
  EXPECT_EQ(list->contents[0].entry.etag, head->etag);  // the index names the last rename
  EXPECT_EQ(store_->Stats()[0].bytes, final_body.size());
  EXPECT_EQ(CountTempFiles(dir_.path()), 0);
}

TEST_F(ObjectStoreTest, ConcurrentMixedOperationsAcrossBuckets) {
  ASSERT_TRUE(store_->CreateBucket("other").has_value());
  std::vector<std::thread> threads;
  for (int t = 0; t < 6; ++t) {
    threads.emplace_back([&, t] {
      std::string bucket = t % 2 ? "photos" : "other";
      for (int i = 0; i < 100; ++i) {
        std::string key = "k" + std::to_string(i % 10);
        switch ((t + i) % 4) {
          case 0:
            (void)store_->PutObject(bucket, key, {}, "v" + std::to_string(i));
            break;
          case 1:
            (void)store_->DeleteObject(bucket, key);
            break;
          case 2:
            (void)store_->ListObjectsV2(bucket, {});
            break;
          default: {
            auto reader = store_->GetObject(bucket, key);
            if (reader) {
              EXPECT_TRUE((*reader)->ReadAll().has_value());
            }
          }
        }
      }
    });
  }
  for (auto& thread : threads) thread.join();
  for (const BucketStats& stats : store_->Stats()) {
    auto list = store_->ListObjectsV2(stats.name, {});
    uint64_t bytes = 0;
    for (const auto& object : list->contents) bytes += object.entry.size;
    EXPECT_EQ(stats.objects, list->contents.size());
    EXPECT_EQ(stats.bytes, bytes);
  }
  EXPECT_EQ(CountTempFiles(dir_.path()), 0);
}

}  // namespace
}  // namespace sf::engine
