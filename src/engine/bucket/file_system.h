#pragma once
// The file operations the object store performs, behind a small interface so tests can inject
// faults (ENOSPC at write, fsync or rename). PosixFileSystem is the real implementation.
// Errors: ENOSPC and EDQUOT become kStorageFull, everything else kInternalError; ENOENT from
// NewReadableFile becomes kNoSuchKey so callers can tell "missing" from "broken".
// Thread-safety: a FileSystem may be used from any number of threads; one WritableFile or
// ReadableFile object is used by one thread at a time (ReadableFile::ReadAt is pread and may be
// shared).

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "engine/bucket/store_error.h"

namespace sf::engine {

class ReadableFile;

class WritableFile {
 public:
  virtual ~WritableFile() = default;
  virtual StoreStatus Append(std::string_view data) = 0;  // all of it, or an error
  virtual StoreStatus Sync() = 0;                         // fdatasync
  virtual StoreStatus Close() = 0;                        // idempotent
  // A reader of this file that stays valid after Close (and after the file is removed), and
  // sees every Append that has returned. Used to hash an upload while it is written
  // (Md5Hasher). Files that cannot give one (fakes) say kInternalError.
  virtual StoreResult<std::unique_ptr<ReadableFile>> OpenReader() {
    return StoreFail(StoreErrorCode::kInternalError, "this file cannot be read back");
  }
};

class ReadableFile {
 public:
  virtual ~ReadableFile() = default;
  // Up to n bytes at offset into dst; fewer only at the end of the file.
  virtual StoreResult<size_t> ReadAt(uint64_t offset, size_t n, char* dst) const = 0;
  virtual StoreResult<uint64_t> Size() const = 0;
  // The open descriptor, for zero-copy sends (sendfile); -1 when the file has none (fakes).
  virtual int fd() const { return -1; }
};

struct DirEntry {
  std::string name;
  bool is_directory = false;
};

class FileSystem {
 public:
  virtual ~FileSystem() = default;
  // Creates `path`, which must not exist (O_EXCL).
  virtual StoreResult<std::unique_ptr<WritableFile>> NewWritableFile(const std::string& path) = 0;
  virtual StoreResult<std::unique_ptr<ReadableFile>> NewReadableFile(const std::string& path) = 0;
  // rename(2): atomically replaces `to`.
  virtual StoreStatus Rename(const std::string& from, const std::string& to) = 0;
  // unlink(2); a missing file is success.
  virtual StoreStatus RemoveFile(const std::string& path) = 0;
  virtual StoreStatus SyncDirectory(const std::string& path) = 0;
  // mkdir -p.
  virtual StoreStatus CreateDirectories(const std::string& path) = 0;
  // rm -r; a missing path is success.
  virtual StoreStatus RemoveTree(const std::string& path) = 0;
  virtual StoreResult<std::vector<DirEntry>> ListDirectory(const std::string& path) = 0;
  virtual bool Exists(const std::string& path) = 0;
};

// The process-wide POSIX file system.
FileSystem* DefaultFileSystem();

// An error for errno `err` ("<what> <path>: <strerror>"), coded as described above.
tl::unexpected<StoreError> ErrnoFail(int err, std::string_view what, const std::string& path);

}  // namespace sf::engine
