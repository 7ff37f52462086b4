// Md5Hasher: many uploads hashed together while they are written, each digest what OpenSSL
// gives for its bytes; cancellation, read errors and a stopping hasher; and the object store
// giving the same ETags whichever way it hashes.

#include "engine/bucket/md5_hasher.h"

#include <gtest/gtest.h>

#include <chrono>
#include <future>
#include <mutex>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "engine/bucket/object_store.h"
#include "test_util.h"

namespace sf::engine {
namespace {

using testing_util::TempDir;

// A file in memory that its test appends to; ReadAt sees what was appended, like a descriptor
// on the page cache. Optionally fails every read, and counts its closing in `*closed`.
class MemoryFile final : public ReadableFile {
 public:
  explicit MemoryFile(std::atomic<int>* closed = nullptr) : closed_(closed) {}
  ~MemoryFile() override {
    if (closed_ != nullptr) ++*closed_;
  }
  void Append(std::string_view bytes) {
    std::lock_guard lock(mu_);
    data_.append(bytes);
  }
  void FailReads() { fail_ = true; }
  void Truncate(size_t size) {
    std::lock_guard lock(mu_);
    data_.resize(size);
  }
  StoreResult<size_t> ReadAt(uint64_t offset, size_t n, char* dst) const override {
    if (fail_) return StoreFail(StoreErrorCode::kInternalError, "injected read error");
    std::lock_guard lock(mu_);
    if (offset >= data_.size()) return size_t{0};
    n = std::min<size_t>(n, data_.size() - offset);
    data_.copy(dst, n, offset);
    return n;
  }
  StoreResult<uint64_t> Size() const override {
    std::lock_guard lock(mu_);
    return data_.size();
  }

 private:
  mutable std::mutex mu_;
  std::string data_;
  std::atomic<bool> fail_{false};
  std::atomic<int>* closed_;
};

struct Upload {
  MemoryFile* file;
  std::shared_ptr<Md5Hasher::Stream> stream;
  std::string body;
};

Upload OpenUpload(Md5Hasher& hasher, std::string body, std::atomic<int>* closed = nullptr) {
  auto file = std::make_unique<MemoryFile>(closed);
  MemoryFile* raw = file.get();
  return {raw, hasher.Open(std::move(file)), std::move(body)};
}

std::string RandomBody(std::mt19937& random, size_t size) {
  std::string body(size, '\0');
  for (char& c : body) c = static_cast<char>(random());
  return body;
}

// Writes `upload.body` in random pieces (with pauses) and returns Finish's digest as hex.
std::string WriteAndFinish(Upload& upload, unsigned seed) {
  std::mt19937 random(seed);
  size_t done = 0;
  while (done < upload.body.size()) {
    size_t piece = std::min<size_t>(upload.body.size() - done, 1 + random() % 100000);
    upload.file->Append(std::string_view(upload.body).substr(done, piece));
    done += piece;
    upload.stream->Advance(done);
    if (random() % 4 == 0) std::this_thread::sleep_for(std::chrono::microseconds(random() % 300));
  }
  auto digest = upload.stream->Finish(upload.body.size());
  return digest ? DigestHex(*digest) : "error: " + digest.error().message;
}

// The lanes the hasher runs on: the vector ones (with OpenSSL for single streams, as the store
// runs them), or portable only.
struct HasherBackend {
  const char* name;
  Md5CompressFn lanes;
  Md5CompressFn single;
  bool available;
};

class Md5HasherTest : public ::testing::TestWithParam<HasherBackend> {
 protected:
  void SetUp() override {
    if (!GetParam().available) GTEST_SKIP() << "this CPU lacks " << GetParam().name;
    owned_ = std::make_unique<Md5Hasher>(GetParam().lanes, GetParam().single);
  }
  Md5Hasher& hasher() { return *owned_; }
  std::unique_ptr<Md5Hasher> owned_;
};

// 40 uploads at once (more than the 16 lanes), of sizes around the padding boundaries and up to
// 3 MiB, written from 40 threads in random pieces.
TEST_P(Md5HasherTest, ConcurrentUploadsEachGetTheirOwnDigest) {
  Md5Hasher& hasher = this->hasher();
  std::mt19937 random(42);
  std::vector<Upload> uploads;
  for (int i = 0; i < 40; ++i) {
    size_t size = i < 8 ? size_t{55} + size_t(i) : random() % (3u << 20);
    uploads.push_back(OpenUpload(hasher, RandomBody(random, size)));
  }
  std::vector<std::string> got(uploads.size());
  std::vector<std::thread> writers;
  for (size_t i = 0; i < uploads.size(); ++i) {
    writers.emplace_back([&, i] { got[i] = WriteAndFinish(uploads[i], unsigned(i)); });
  }
  for (auto& writer : writers) writer.join();
  uint64_t blocks = 0;
  for (size_t i = 0; i < uploads.size(); ++i) {
    EXPECT_EQ(got[i], Md5Hex(uploads[i].body)) << "upload " << i;
    blocks += uploads[i].body.size() / kMd5BlockBytes + (uploads[i].body.size() % 64 < 56 ? 1 : 2);
  }
  auto stats = hasher.stats();
  // Those that finished while queued behind 16 others were hashed by their finishers.
  EXPECT_EQ(stats.streams + stats.overflow_streams, uploads.size());
  EXPECT_EQ(stats.lane_blocks + stats.overflow_blocks, blocks);
  EXPECT_LE(stats.round_blocks, stats.lane_blocks);
  EXPECT_GT(stats.rounds, 0u);
}

TEST_P(Md5HasherTest, EmptyAndOneShotStreams) {
  Md5Hasher& hasher = this->hasher();
  Upload empty = OpenUpload(hasher, "");
  auto digest = empty.stream->Finish(0);
  ASSERT_TRUE(digest);
  EXPECT_EQ(DigestHex(*digest), "d41d8cd98f00b204e9800998ecf8427e");
  // Everything written before the first Advance; Finish without any Advance.
  std::mt19937 random(1);
  Upload whole = OpenUpload(hasher, RandomBody(random, 700001));
  whole.file->Append(whole.body);
  digest = whole.stream->Finish(whole.body.size());
  ASSERT_TRUE(digest);
  EXPECT_EQ(DigestHex(*digest), Md5Hex(whole.body));
  // Finish again returns the same answer.
  EXPECT_EQ(DigestHex(*whole.stream->Finish(whole.body.size())), Md5Hex(whole.body));
}

// Cancelled uploads (more than 16, so they hold lanes and queue places) do not stop the others,
// and need no Finish.
TEST_P(Md5HasherTest, CancelledStreamsFreeTheirLanes) {
  Md5Hasher& hasher = this->hasher();
  std::mt19937 random(5);
  std::vector<Upload> abandoned;
  std::atomic<int> closed{0};
  for (int i = 0; i < 20; ++i) {
    abandoned.push_back(OpenUpload(hasher, RandomBody(random, 300000), &closed));
    abandoned.back().file->Append(abandoned.back().body.substr(0, 200000));
    abandoned.back().stream->Advance(200000);
  }
  for (auto& upload : abandoned) upload.stream->Cancel();
  // Cancel returns once the hasher has let go and the descriptor is closed (16 were in lanes,
  // 4 queued), though the writers still hold their streams: a removed file's space comes back.
  EXPECT_EQ(closed.load(), 20);
  Upload kept = OpenUpload(hasher, RandomBody(random, 1 << 20));
  EXPECT_EQ(WriteAndFinish(kept, 9), Md5Hex(kept.body));
  EXPECT_EQ(hasher.stats().streams, 1u);
}

TEST_P(Md5HasherTest, ReadErrorsFailOnlyTheirStream) {
  Md5Hasher& hasher = this->hasher();
  std::mt19937 random(8);
  Upload broken = OpenUpload(hasher, RandomBody(random, 500000));
  Upload shortened = OpenUpload(hasher, RandomBody(random, 500000));
  Upload fine = OpenUpload(hasher, RandomBody(random, 500000));
  broken.file->FailReads();
  broken.file->Append(broken.body);
  auto failed = broken.stream->Finish(broken.body.size());
  ASSERT_FALSE(failed);
  EXPECT_NE(failed.error().message.find("injected read error"), std::string::npos);
  // The file lost bytes the writer reported: an error, not a digest of other bytes.
  shortened.file->Append(shortened.body);
  shortened.file->Truncate(1000);
  auto short_result = shortened.stream->Finish(shortened.body.size());
  ASSERT_FALSE(short_result);
  EXPECT_NE(short_result.error().message.find("shorter"), std::string::npos);
  EXPECT_EQ(WriteAndFinish(fine, 3), Md5Hex(fine.body));
}

// Uploads beyond the 16 lanes whose clients are quick are not held up by 16 stalled ones: a
// queued upload that finishes is hashed by its finisher.
TEST_P(Md5HasherTest, AQueuedUploadDoesNotWaitForStalledLanes) {
  std::mt19937 random(17);
  std::vector<Upload> stalled;
  for (int i = 0; i < kMd5Lanes; ++i) {
    stalled.push_back(OpenUpload(hasher(), RandomBody(random, 1 << 20)));
    stalled.back().file->Append(stalled.back().body.substr(0, 1000));
    stalled.back().stream->Advance(1000);
  }
  Upload quick = OpenUpload(hasher(), RandomBody(random, 300001));
  auto finished = std::async(std::launch::async, [&] { return WriteAndFinish(quick, 4); });
  EXPECT_EQ(finished.wait_for(std::chrono::seconds(10)), std::future_status::ready)
      << "the queued upload waited for the stalled ones";
  // The stalled uploads still finish with their own digests once their bytes arrive (which
  // also frees a queued upload that did wait, so a failure above ends).
  for (size_t i = 0; i < stalled.size(); ++i) {
    stalled[i].file->Append(std::string_view(stalled[i].body).substr(1000));
    auto digest = stalled[i].stream->Finish(stalled[i].body.size());
    ASSERT_TRUE(digest) << digest.error().message;
    EXPECT_EQ(DigestHex(*digest), Md5Hex(stalled[i].body)) << i;
  }
  EXPECT_EQ(finished.get(), Md5Hex(quick.body));
  EXPECT_EQ(hasher().stats().overflow_streams, 1u);
}

// Destroying a hasher with streams still in lanes and in the queue returns (their writers are
// gone: the store never lets a writer outlive its hasher, so nobody waits on them).
TEST_P(Md5HasherTest, DestroyingWithUnfinishedStreamsReturns) {
  std::vector<std::shared_ptr<Md5Hasher::Stream>> streams;
  auto hasher = std::make_unique<Md5Hasher>(GetParam().lanes, GetParam().single);
  for (int i = 0; i < 20; ++i) {
    auto file = std::make_unique<MemoryFile>();
    file->Append(std::string(300000, 'x'));
    streams.push_back(hasher->Open(std::move(file)));
    streams.back()->Advance(300000);
  }
  while (hasher->stats().rounds == 0) std::this_thread::yield();
  hasher.reset();
  EXPECT_EQ(streams.size(), 20u);
}

INSTANTIATE_TEST_SUITE_P(
    Lanes, Md5HasherTest,
    ::testing::Values(
        HasherBackend{"portable", &Md5CompressPortable, &Md5CompressPortable, true},
        HasherBackend{"avx2", &Md5CompressAvx2, &Md5CompressOpenSsl, Md5Avx2Supported()},
        HasherBackend{"avx512", &Md5CompressAvx512, &Md5CompressOpenSsl, Md5Avx512Supported()}),
    [](const auto& param_info) { return std::string(param_info.param.name); });

// The store's ETags, Content-MD5 checks and part ETags are the same whichever way it hashes,
// on real files (the hasher reads them back through a duplicated descriptor).
TEST(Md5HashingStoreTest, HasherAndOnWriteAgree) {
  std::mt19937 random(12);
  std::string body = RandomBody(random, (5 << 20) + 123);
  std::vector<std::string> etags;
  for (Md5Hashing mode : {Md5Hashing::kOnWrite, Md5Hashing::kHasher}) {
    TempDir dir;
    auto store = ObjectStore::Open(dir.path(), StoreOptions{nullptr, nullptr, mode});
    ASSERT_TRUE(store);
    ASSERT_TRUE((*store)->CreateBucket("md5-modes"));
    auto writer = (*store)->NewObjectWriter("md5-modes", "big", {});
    ASSERT_TRUE(writer);
    for (size_t done = 0; done < body.size(); done += 65536) {
      ASSERT_TRUE((*writer)->Write(std::string_view(body).substr(done, 65536)));
    }
    auto info = (*writer)->Commit(Md5Hex(body));
    ASSERT_TRUE(info) << info.error().message;
    etags.push_back(info->etag);
    // A wrong Content-MD5 stores nothing.
    auto wrong = (*store)->NewObjectWriter("md5-modes", "wrong", {});
    ASSERT_TRUE((*wrong)->Write("abc"));
    auto refused = (*wrong)->Commit(Md5Hex("abd"));
    ASSERT_FALSE(refused);
    EXPECT_EQ(refused.error().code, StoreErrorCode::kBadDigest);
    EXPECT_FALSE((*store)->HeadObject("md5-modes", "wrong"));
    // A multipart part's ETag.
    auto upload = (*store)->CreateMultipartUpload("md5-modes", "parts", {});
    ASSERT_TRUE(upload);
    auto part = (*store)->UploadPart("md5-modes", "parts", *upload, 1, body);
    ASSERT_TRUE(part);
    etags.push_back(part->etag);
    EXPECT_EQ(testing_util::CountTempFiles(dir.path()), 0);
  }
  ASSERT_EQ(etags.size(), 4u);
  EXPECT_EQ(etags[0], "\"" + Md5Hex(body) + "\"");
  EXPECT_EQ(etags[2], etags[0]);
  EXPECT_EQ(etags[3], etags[1]);
}

}  // namespace
}  // namespace sf::engine
