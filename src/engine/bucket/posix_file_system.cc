// The real FileSystem: POSIX calls, retrying EINTR and short writes.

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

#include "engine/bucket/file_system.h"

namespace sf::engine {

tl::unexpected<StoreError> ErrnoFail(int err, std::string_view what, const std::string& path) {
  StoreErrorCode code = StoreErrorCode::kInternalError;
  if (err == ENOSPC || err == EDQUOT) code = StoreErrorCode::kStorageFull;
  return StoreFail(code, std::string(what) + " " + path + ": " + std::strerror(err));
}

namespace {

class PosixWritableFile final : public WritableFile {
 public:
  PosixWritableFile(int fd, std::string path) : fd_(fd), path_(std::move(path)) {}
  ~PosixWritableFile() override { (void)Close(); }

  StoreStatus Append(std::string_view data) override {
    while (!data.empty()) {
      ssize_t n = ::write(fd_, data.data(), data.size());
      if (n < 0) {
        if (errno == EINTR) continue;
        return ErrnoFail(errno, "write", path_);
      }
      data.remove_prefix(static_cast<size_t>(n));
    }
    return {};
  }
  StoreStatus Sync() override {
    if (::fdatasync(fd_) != 0) return ErrnoFail(errno, "fdatasync", path_);
    return {};
  }
  StoreStatus Close() override {
    if (fd_ < 0) return {};
    int fd = fd_;
    fd_ = -1;
    if (::close(fd) != 0) return ErrnoFail(errno, "close", path_);
    return {};
  }
  StoreResult<std::unique_ptr<ReadableFile>> OpenReader() override;

 private:
  int fd_;
  std::string path_;
};

class PosixReadableFile final : public ReadableFile {
 public:
  PosixReadableFile(int fd, std::string path) : fd_(fd), path_(std::move(path)) {}
  ~PosixReadableFile() override { ::close(fd_); }

  StoreResult<size_t> ReadAt(uint64_t offset, size_t n, char* dst) const override {
    size_t done = 0;
    while (done < n) {
      ssize_t r = ::pread(fd_, dst + done, n - done, static_cast<off_t>(offset + done));
      if (r < 0) {
        if (errno == EINTR) continue;
        return ErrnoFail(errno, "pread", path_);
      }
      if (r == 0) break;
      done += static_cast<size_t>(r);
    }
    return done;
  }
  int fd() const override { return fd_; }
  StoreResult<uint64_t> Size() const override {
    struct stat st;
    if (::fstat(fd_, &st) != 0) return ErrnoFail(errno, "fstat", path_);
    return static_cast<uint64_t>(st.st_size);
  }

 private:
  int fd_;
  std::string path_;
};

// A duplicate of the descriptor (opened read-write for this): independent of Close, and pread
// does not use the shared file offset.
StoreResult<std::unique_ptr<ReadableFile>> PosixWritableFile::OpenReader() {
  if (fd_ < 0) return StoreFail(StoreErrorCode::kInternalError, "read back a closed file");
  int fd = ::fcntl(fd_, F_DUPFD_CLOEXEC, 0);
  if (fd < 0) return ErrnoFail(errno, "dup", path_);
  return std::make_unique<PosixReadableFile>(fd, path_);
}

class PosixFileSystem final : public FileSystem {
 public:
  StoreResult<std::unique_ptr<WritableFile>> NewWritableFile(const std::string& path) override {
    int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
    if (fd < 0) return ErrnoFail(errno, "create", path);
    return std::make_unique<PosixWritableFile>(fd, path);
  }
  StoreResult<std::unique_ptr<ReadableFile>> NewReadableFile(const std::string& path) override {
    int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
      if (errno == ENOENT) return StoreFail(StoreErrorCode::kNoSuchKey, "no file " + path);
      return ErrnoFail(errno, "open", path);
    }
    return std::make_unique<PosixReadableFile>(fd, path);
  }
  StoreStatus Rename(const std::string& from, const std::string& to) override {
    if (::rename(from.c_str(), to.c_str()) != 0) return ErrnoFail(errno, "rename", from);
    return {};
  }
  StoreStatus RemoveFile(const std::string& path) override {
    if (::unlink(path.c_str()) != 0 && errno != ENOENT) return ErrnoFail(errno, "unlink", path);
    return {};
  }
  StoreStatus SyncDirectory(const std::string& path) override {
    int fd = ::open(path.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) return ErrnoFail(errno, "open directory", path);
    int rc = ::fsync(fd);
    int err = errno;
    ::close(fd);
    if (rc != 0) return ErrnoFail(err, "fsync directory", path);
    return {};
  }
  StoreStatus CreateDirectories(const std::string& path) override {
    std::error_code ec;
    std::filesystem::create_directories(path, ec);
    if (ec) return ErrnoFail(ec.value(), "mkdir", path);
    return {};
  }
  StoreStatus RemoveTree(const std::string& path) override {
    std::error_code ec;
    std::filesystem::remove_all(path, ec);
    if (ec) return ErrnoFail(ec.value(), "remove", path);
    return {};
  }
  StoreResult<std::vector<DirEntry>> ListDirectory(const std::string& path) override {
    DIR* dir = ::opendir(path.c_str());
    if (dir == nullptr) return ErrnoFail(errno, "opendir", path);
    std::vector<DirEntry> entries;
    while (dirent* entry = ::readdir(dir)) {
      std::string name = entry->d_name;
      if (name == "." || name == "..") continue;
      bool is_dir = entry->d_type == DT_DIR;
      if (entry->d_type == DT_UNKNOWN) {
        struct stat st;
        is_dir = ::stat((path + "/" + name).c_str(), &st) == 0 && S_ISDIR(st.st_mode);
      }
      entries.push_back(DirEntry{std::move(name), is_dir});
    }
    ::closedir(dir);
    return entries;
  }
  bool Exists(const std::string& path) override {
    struct stat st;
    return ::stat(path.c_str(), &st) == 0;
  }
};

}  // namespace

FileSystem* DefaultFileSystem() {
  static PosixFileSystem* fs = new PosixFileSystem();
  return fs;
}

}  // namespace sf::engine
