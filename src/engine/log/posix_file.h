#pragma once
// Thin POSIX file helpers returning errors as values; every message names the path and errno.

#include <sys/types.h>

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"

namespace sf::engine {

// An owned file descriptor, closed on destruction. Const methods may be called from several
// threads at once (pread/pwrite/fdatasync are); callers keep concurrent writes to disjoint
// ranges. Shared through shared_ptr so a reader's descriptor outlives eviction or deletion.
class File {
 public:
  // `flags` as for open(2); O_CLOEXEC is added.
  static Result<std::unique_ptr<File>> Open(const std::string& path, int flags, mode_t mode = 0644);
  ~File();
  File(const File&) = delete;
  File& operator=(const File&) = delete;

  const std::string& path() const { return path_; }

  // Writes all n bytes at offset (retrying short writes), or fails.
  Status WriteAt(const char* data, size_t n, uint64_t offset) const;
  // Reads n bytes at offset; fails if the file ends first.
  Status ReadAt(char* dst, size_t n, uint64_t offset) const;
  Status DataSync() const;  // fdatasync: data and the size, not other metadata
  Status Sync() const;      // fsync: everything, for directories
  Status Truncate(uint64_t size) const;
  Result<uint64_t> Size() const;

 private:
  File(int fd, std::string path) : fd_(fd), path_(std::move(path)) {}
  int fd_;
  std::string path_;
};

// A kIo error "<what> <path>: <strerror(errno)>".
tl::unexpected<Error> ErrnoError(std::string_view what, const std::string& path);

Status CreateDirectories(const std::string& directory);
// fsync of a directory, making creations, renames and unlinks in it durable.
Status SyncDirectory(const std::string& directory);
// The names (not paths) of the regular files in `directory`.
Result<std::vector<std::string>> ListFiles(const std::string& directory);
// unlink(2); a file that is already gone is not an error.
Status RemoveFile(const std::string& path);
// Replaces directory/name with `contents` so that a crash leaves the old or the new file, never
// a mix: writes directory/name.tmp, fsyncs it, renames it over, fsyncs the directory.
Status WriteFileAtomically(const std::string& directory, const std::string& name,
                           std::string_view contents);

}  // namespace sf::engine
