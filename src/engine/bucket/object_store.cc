// ObjectStore: opening, buckets, statistics.

#include "engine/bucket/object_store.h"

#include <mutex>

#include "base/strings.h"
#include "engine/bucket/bucket_name.h"
#include "engine/bucket/object_key.h"

namespace sf::engine {

namespace {
std::unique_ptr<Md5Hasher> MakeHasher(Md5Hashing md5) {
  bool lanes = md5 == Md5Hashing::kHasher || (md5 == Md5Hashing::kAuto && Md5Hasher::Worthwhile());
  return lanes ? std::make_unique<Md5Hasher>() : nullptr;
}
}  // namespace

ObjectStore::ObjectStore(std::string root, FileSystem* fs, const Clock* clock, Md5Hashing md5)
    : root_(std::move(root)), fs_(fs), clock_(clock), hasher_(MakeHasher(md5)) {}

StoreResult<std::unique_ptr<ObjectStore>> ObjectStore::Open(const std::string& root,
                                                            StoreOptions options,
                                                            StoreRecoveryStats* stats) {
  static RealClock real_clock;
  FileSystem* fs = options.file_system ? options.file_system : DefaultFileSystem();
  const Clock* clock = options.clock ? options.clock : &real_clock;
  StoreRecoveryStats local;
  if (stats == nullptr) stats = &local;
  *stats = StoreRecoveryStats{};
  auto status = fs->CreateDirectories(root);
  if (!status) return tl::unexpected(status.error());
  auto entries = fs->ListDirectory(root);
  if (!entries) return tl::unexpected(entries.error());
  std::unique_ptr<ObjectStore> store(new ObjectStore(root, fs, clock, options.md5));
  for (const DirEntry& entry : *entries) {
    if (!entry.is_directory) continue;
    if (StartsWith(entry.name, kTempPrefix)) {  // a bucket half created or half deleted
      (void)fs->RemoveTree(root + "/" + entry.name);
      continue;
    }
    if (BucketNameProblem(entry.name)) continue;  // not ours: left alone
    auto bucket = Bucket::Load(fs, clock, root, entry.name, stats);
    if (!bucket) return tl::unexpected(bucket.error());
    store->buckets_[entry.name] = std::move(*bucket);
    ++stats->buckets;
  }
  return store;
}

ObjectStore::~ObjectStore() = default;

StoreResult<std::shared_ptr<Bucket>> ObjectStore::Find(const std::string& name) const {
  std::shared_lock lock(mu_);
  auto it = buckets_.find(name);
  if (it == buckets_.end()) {
    return StoreFail(StoreErrorCode::kNoSuchBucket, "the bucket " + name + " does not exist");
  }
  return it->second;
}

StoreStatus ObjectStore::CreateBucket(const std::string& name) {
  auto create = [&]() -> StoreStatus {
    if (auto problem = BucketNameProblem(name)) {
      return StoreFail(StoreErrorCode::kInvalidBucketName, "bucket name " + name + " " + *problem);
    }
    std::unique_lock lock(mu_);
    if (buckets_.count(name) != 0) {
      return StoreFail(StoreErrorCode::kBucketAlreadyOwnedByYou,
                       "the bucket " + name + " already exists and is yours");
    }
    auto bucket = Bucket::Create(fs_, clock_, root_, name);
    if (!bucket) return tl::unexpected(bucket.error());
    buckets_[name] = std::move(*bucket);
    return {};
  };
  return Count(create_bucket_, create());
}

StoreStatus ObjectStore::DeleteBucket(const std::string& name) {
  auto remove = [&]() -> StoreStatus {
    std::unique_lock lock(mu_);
    auto it = buckets_.find(name);
    if (it == buckets_.end()) {
      return StoreFail(StoreErrorCode::kNoSuchBucket, "the bucket " + name + " does not exist");
    }
    auto status = it->second->DeleteIfEmpty(root_);
    if (!status) return status;
    buckets_.erase(it);
    return {};
  };
  return Count(delete_bucket_, remove());
}

StoreResult<BucketInfo> ObjectStore::HeadBucket(const std::string& name) const {
  auto bucket = Find(name);
  if (!bucket) return tl::unexpected(bucket.error());
  return BucketInfo{name, (*bucket)->creation_ms()};
}

std::vector<BucketInfo> ObjectStore::ListBuckets() const {
  std::shared_lock lock(mu_);
  std::vector<BucketInfo> out;
  for (const auto& [name, bucket] : buckets_) out.push_back({name, bucket->creation_ms()});
  return out;
}

std::vector<BucketStats> ObjectStore::Stats() const {
  std::shared_lock lock(mu_);
  std::vector<BucketStats> out;
  for (const auto& [name, bucket] : buckets_) {
    out.push_back({name, bucket->object_count(), bucket->byte_count()});
  }
  return out;
}

std::optional<Md5Hasher::Stats> ObjectStore::Md5Stats() const {
  if (!hasher_) return std::nullopt;
  return hasher_->stats();
}

OperationCounts ObjectStore::Counts() const {
  auto load = [](const std::atomic<uint64_t>& counter) {
    return counter.load(std::memory_order_relaxed);
  };
  OperationCounts counts;
  counts.put = load(put_);
  counts.get = load(get_);
  counts.head = load(head_);
  counts.remove = load(remove_);
  counts.copy = load(copy_);
  counts.list = load(list_);
  counts.create_bucket = load(create_bucket_);
  counts.delete_bucket = load(delete_bucket_);
  counts.create_upload = load(create_upload_);
  counts.upload_part = load(upload_part_);
  counts.complete_upload = load(complete_upload_);
  counts.abort_upload = load(abort_upload_);
  counts.errors = load(errors_);
  return counts;
}

}  // namespace sf::engine
