#pragma once
// One bucket: its directory, its sorted index and its object/byte counts. Internal to the
// store (ObjectStore is the interface).
//
// Directory layout (see README.md):
//   <root>/<name>/bucket.obj             the bucket record (an object file with no data)
//   <root>/<name>/objects/<file>.obj     one file per object: data + metadata trailer
//   <root>/<name>/objects/.tmp-*         puts in flight (removed at open)
//   <root>/<name>/uploads/<id>/          one directory per multipart upload
//
// Thread-safety: every method may be called from any thread. Installs and deletes take the
// bucket's lock exclusively around rename/unlink + index update, so the index always names the
// file the last rename left; listing takes it shared. Reads open files without the lock.

#include <atomic>
#include <cstdint>
#include <memory>
#include <shared_mutex>
#include <string>

#include "base/clock.h"
#include "engine/bucket/file_system.h"
#include "engine/bucket/object_index.h"
#include "engine/bucket/object_info.h"
#include "engine/bucket/staged_file.h"

namespace sf::engine {

// What opening a store found and cleaned up.
struct StoreRecoveryStats {
  uint64_t buckets = 0;
  uint64_t objects = 0;
  uint64_t removed_temp_files = 0;     // puts, copies and completes cut short by a crash
  uint64_t removed_invalid_files = 0;  // files in objects/ that are not complete objects
  uint64_t removed_uploads = 0;        // upload directories without a valid upload record
};

class Bucket {
 public:
  // Creates <root>/<name> atomically (built under a temporary name, then renamed).
  static StoreResult<std::shared_ptr<Bucket>> Create(FileSystem* fs, const Clock* clock,
                                                     const std::string& root,
                                                     const std::string& name);
  // Opens an existing bucket directory, rebuilding the index and removing debris.
  static StoreResult<std::shared_ptr<Bucket>> Load(FileSystem* fs, const Clock* clock,
                                                   const std::string& root, const std::string& name,
                                                   StoreRecoveryStats* stats);

  const std::string& name() const { return name_; }
  int64_t creation_ms() const { return creation_ms_; }
  std::string objects_dir() const { return dir_ + "/objects"; }
  std::string uploads_dir() const { return dir_ + "/uploads"; }
  FileSystem* fs() const { return fs_; }
  const Clock* clock() const { return clock_; }

  // Stamps info.last_modified_ms, seals `staged` with `info` and renames it over the key's
  // file, replacing any previous object; then syncs the directory. On any error before the
  // rename nothing is visible and the temporary file is gone.
  StoreResult<ObjectInfo> Install(StagedFile& staged, ObjectInfo info);
  // Unlinks the key's object; a missing key is success.
  StoreStatus Remove(const std::string& key);
  StoreResult<ListResult> List(const ListRequest& request) const;

  // The object file of `key`, opened, with its metadata (kNoSuchKey if absent).
  struct Opened {
    std::unique_ptr<ReadableFile> file;
    ObjectInfo info;
  };
  StoreResult<Opened> Open(const std::string& key) const;

  // Marks the bucket deleted and removes its directory; kBucketNotEmpty if it has objects.
  StoreStatus DeleteIfEmpty(const std::string& root);

  uint64_t object_count() const;
  uint64_t byte_count() const { return bytes_.load(std::memory_order_relaxed); }

 private:
  Bucket(FileSystem* fs, const Clock* clock, std::string dir, std::string name, int64_t created)
      : fs_(fs),
        clock_(clock),
        dir_(std::move(dir)),
        name_(std::move(name)),
        creation_ms_(created) {}
  StoreStatus Scan(StoreRecoveryStats* stats);
  StoreStatus ScanUploads(StoreRecoveryStats* stats);

  FileSystem* const fs_;
  const Clock* const clock_;
  const std::string dir_;
  const std::string name_;
  const int64_t creation_ms_;
  mutable std::shared_mutex mu_;
  ObjectIndex index_;     // guarded by mu_
  bool deleted_ = false;  // guarded by mu_
  std::atomic<uint64_t> bytes_{0};
};

// Reads `path` as an object file (kNoSuchKey if absent, kInternalError if not valid).
StoreResult<ObjectInfo> ReadObjectFile(FileSystem* fs, const std::string& path);

}  // namespace sf::engine
