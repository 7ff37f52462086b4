#pragma once
// ObjectStore: S3 buckets and objects on the local file system -- the storage behind the
// engine's S3 API. See README.md for the layout, the atomicity rules and what the API layer
// still has to do (HTTP, XML, auth, header parsing).
//
// Thread-safety: every method may be called concurrently from any thread, on one bucket or
// many. Per-key writes are last-writer-wins (the last rename); readers see whole objects only.
// Bucket create/delete serialise with each other; object operations on a bucket being deleted
// fail with kNoSuchBucket or kNoSuchKey.

#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <vector>

#include "base/clock.h"
#include "engine/bucket/bucket.h"
#include "engine/bucket/conditions.h"
#include "engine/bucket/file_system.h"
#include "engine/bucket/md5_hasher.h"
#include "engine/bucket/object_index.h"
#include "engine/bucket/object_info.h"
#include "engine/bucket/object_io.h"
#include "engine/bucket/store_error.h"

namespace sf::engine {

// Who computes the MD5 (the ETag) of PutObject and UploadPart bodies.
enum class Md5Hashing {
  kAuto,     // kHasher where the CPU has the vector lanes (Md5Hasher::Worthwhile), else kOnWrite
  kOnWrite,  // each upload on the thread that writes it, as the bytes arrive (OpenSSL)
  kHasher,   // one Md5Hasher thread for all uploads, in MD5 lanes (tests force it)
};

struct StoreOptions {
  FileSystem* file_system = nullptr;  // not owned; DefaultFileSystem() when null
  const Clock* clock = nullptr;       // not owned; a RealClock when null
  Md5Hashing md5 = Md5Hashing::kAuto;
};

struct BucketInfo {
  std::string name;
  int64_t creation_ms = 0;
};

struct BucketStats {
  std::string name;
  uint64_t objects = 0;
  uint64_t bytes = 0;
};

// Operation counters since Open (for /metrics). Successful and failed calls both count.
struct OperationCounts {
  uint64_t put = 0, get = 0, head = 0, remove = 0, copy = 0, list = 0;
  uint64_t create_bucket = 0, delete_bucket = 0;
  uint64_t create_upload = 0, upload_part = 0, complete_upload = 0, abort_upload = 0;
  uint64_t errors = 0;  // calls that returned an error (304/412 included)
};

struct GetRequest {
  Conditions conditions;
  std::optional<ByteRangeSpec> range;  // from ParseRange; nullopt = whole object
};

enum class MetadataDirective { kCopy, kReplace };

struct CopyRequest {
  std::string source_bucket, source_key;
  std::string bucket, key;
  MetadataDirective directive = MetadataDirective::kCopy;
  ObjectMetadata metadata;       // used with kReplace
  Conditions source_conditions;  // x-amz-copy-source-if-*; any failure is kPreconditionFailed
};

struct DeleteResult {
  std::string key;
  std::optional<StoreError> error;  // nullopt: deleted (or was already absent)
};

struct UploadInfo {
  std::string upload_id;
  std::string key;
  int64_t initiated_ms = 0;
  ObjectMetadata metadata;
};

struct PartInfo {
  int part_number = 0;
  std::string etag;  // quoted hex MD5 of the part
  uint64_t size = 0;
  int64_t last_modified_ms = 0;
};

struct CompletedPart {
  int part_number = 0;
  std::string etag;  // quoted or not
};

inline constexpr uint64_t kMinPartBytes = 5ull << 20;  // every part but the last
inline constexpr int kMaxPartNumber = 10000;

class ObjectStore {
 public:
  // Opens (creating if needed) the store rooted at `root`: loads every bucket, rebuilds each
  // index by scanning, and removes what crashed puts/completes left behind (temporary files,
  // invalid files). `stats` (optional) receives what was found.
  static StoreResult<std::unique_ptr<ObjectStore>> Open(const std::string& root,
                                                        StoreOptions options,
                                                        StoreRecoveryStats* stats = nullptr);
  ~ObjectStore();

  // --- buckets ---
  // kInvalidBucketName, or kBucketAlreadyOwnedByYou when it exists.
  StoreStatus CreateBucket(const std::string& name);
  // kNoSuchBucket, kBucketNotEmpty. In-progress multipart uploads are removed with it.
  StoreStatus DeleteBucket(const std::string& name);
  StoreResult<BucketInfo> HeadBucket(const std::string& name) const;
  // Sorted by name.
  std::vector<BucketInfo> ListBuckets() const;

  // --- objects ---
  // A streaming put of bucket/key. The bucket is checked now and again at Commit. Writers (here
  // and NewPartWriter) must not outlive the store.
  StoreResult<std::unique_ptr<ObjectWriter>> NewObjectWriter(const std::string& bucket,
                                                             const std::string& key,
                                                             const ObjectMetadata& metadata);
  // One-piece convenience over NewObjectWriter.
  StoreResult<ObjectInfo> PutObject(const std::string& bucket, const std::string& key,
                                    const ObjectMetadata& metadata, std::string_view body);
  // Conditions first (kPreconditionFailed / kNotModified), then the range (kInvalidRange).
  StoreResult<std::unique_ptr<ObjectReader>> GetObject(const std::string& bucket,
                                                       const std::string& key,
                                                       const GetRequest& request = {});
  StoreResult<ObjectInfo> HeadObject(const std::string& bucket, const std::string& key,
                                     const Conditions& conditions = {});
  // Idempotent: a missing key is success (S3 answers 204 either way).
  StoreStatus DeleteObject(const std::string& bucket, const std::string& key);
  // One result per key, in order; kNoSuchBucket for the whole call if the bucket is missing.
  StoreResult<std::vector<DeleteResult>> DeleteObjects(const std::string& bucket,
                                                       const std::vector<std::string>& keys);
  // Server-side streaming copy; the copy gets a new last-modified and single-part ETag.
  StoreResult<ObjectInfo> CopyObject(const CopyRequest& request);
  StoreResult<ListResult> ListObjectsV2(const std::string& bucket,
                                        const ListRequest& request) const;

  // --- multipart uploads (multipart.cc) ---
  StoreResult<std::string> CreateMultipartUpload(const std::string& bucket, const std::string& key,
                                                 const ObjectMetadata& metadata);
  // A streaming part; re-uploading a part number replaces it. Commit's ETag is the part's.
  StoreResult<std::unique_ptr<ObjectWriter>> NewPartWriter(const std::string& bucket,
                                                           const std::string& key,
                                                           const std::string& upload_id,
                                                           int part_number);
  StoreResult<PartInfo> UploadPart(const std::string& bucket, const std::string& key,
                                   const std::string& upload_id, int part_number,
                                   std::string_view body);
  // Parts in ascending part-number order.
  StoreResult<std::vector<PartInfo>> ListParts(const std::string& bucket, const std::string& key,
                                               const std::string& upload_id) const;
  // Uploads in the bucket, by key then upload id.
  StoreResult<std::vector<UploadInfo>> ListMultipartUploads(const std::string& bucket) const;
  // Concatenates the listed parts into the object (streamed to a temporary file, synced,
  // renamed) and removes the upload. ETag: "<md5 of the parts' binary MD5s>-<count>".
  StoreResult<ObjectInfo> CompleteMultipartUpload(const std::string& bucket, const std::string& key,
                                                  const std::string& upload_id,
                                                  const std::vector<CompletedPart>& parts);
  StoreStatus AbortMultipartUpload(const std::string& bucket, const std::string& key,
                                   const std::string& upload_id);

  // --- observability ---
  std::vector<BucketStats> Stats() const;
  OperationCounts Counts() const;
  // The Md5Hasher's counters; nullopt when uploads are hashed as they are written.
  std::optional<Md5Hasher::Stats> Md5Stats() const;
  const std::string& root() const { return root_; }

 private:
  ObjectStore(std::string root, FileSystem* fs, const Clock* clock, Md5Hashing md5);
  StoreResult<std::shared_ptr<Bucket>> Find(const std::string& name) const;
  StoreResult<std::string> UploadDir(const Bucket& bucket, const std::string& key,
                                     const std::string& upload_id) const;
  // Counts the call in `counter` and, if `result` is an error, in errors; returns `result`.
  template <class R>
  R Count(std::atomic<uint64_t>& counter, R result) const {
    counter.fetch_add(1, std::memory_order_relaxed);
    if (!result) errors_.fetch_add(1, std::memory_order_relaxed);
    return result;
  }

  const std::string root_;
  FileSystem* const fs_;
  const Clock* const clock_;
  // Null for Md5Hashing::kOnWrite; outlives every writer, as the store does.
  const std::unique_ptr<Md5Hasher> hasher_;
  mutable std::shared_mutex mu_;
  std::map<std::string, std::shared_ptr<Bucket>> buckets_;  // guarded by mu_

  mutable std::atomic<uint64_t> put_{0}, get_{0}, head_{0}, remove_{0}, copy_{0}, list_{0};
  mutable std::atomic<uint64_t> create_bucket_{0}, delete_bucket_{0};
  mutable std::atomic<uint64_t> create_upload_{0}, upload_part_{0}, complete_upload_{0};
  mutable std::atomic<uint64_t> abort_upload_{0}, errors_{0};
};

}  // namespace sf::engine
