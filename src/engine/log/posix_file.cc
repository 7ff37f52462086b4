#include "engine/log/posix_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

namespace sf::engine {

tl::unexpected<Error> ErrnoError(std::string_view what, const std::string& path) {
  return Fail(ErrorCode::kIo, std::string(what) + " " + path + ": " + std::strerror(errno));
}

Result<std::unique_ptr<File>> File::Open(const std::string& path, int flags, mode_t mode) {
  int fd;
  do {
    fd = ::open(path.c_str(), flags | O_CLOEXEC, mode);
  } while (fd < 0 && errno == EINTR);
  if (fd < 0) return ErrnoError("cannot open", path);
  return std::unique_ptr<File>(new File(fd, path));
}

File::~File() { ::close(fd_); }

Status File::WriteAt(const char* data, size_t n, uint64_t offset) const {
  while (n > 0) {
    ssize_t written = ::pwrite(fd_, data, n, static_cast<off_t>(offset));
    if (written < 0) {
      if (errno == EINTR) continue;
      return ErrnoError("cannot write", path_);
    }
    data += written;
    n -= static_cast<size_t>(written);
    offset += static_cast<uint64_t>(written);
  }
  return {};
}

Status File::ReadAt(char* dst, size_t n, uint64_t offset) const {
  while (n > 0) {
    ssize_t got = ::pread(fd_, dst, n, static_cast<off_t>(offset));
    if (got < 0) {
      if (errno == EINTR) continue;
      return ErrnoError("cannot read", path_);
    }
    if (got == 0) {
      return Fail(ErrorCode::kIo,
                  "unexpected end of file in " + path_ + " at offset " + std::to_string(offset));
    }
    dst += got;
    n -= static_cast<size_t>(got);
    offset += static_cast<uint64_t>(got);
  }
  return {};
}

Status File::DataSync() const {
  if (::fdatasync(fd_) != 0) return ErrnoError("cannot sync", path_);
  return {};
}

Status File::Sync() const {
  if (::fsync(fd_) != 0) return ErrnoError("cannot sync", path_);
  return {};
}

Status File::Truncate(uint64_t size) const {
  if (::ftruncate(fd_, static_cast<off_t>(size)) != 0) return ErrnoError("cannot truncate", path_);
  return {};
}

Result<uint64_t> File::Size() const {
  struct stat st {};
  if (::fstat(fd_, &st) != 0) return ErrnoError("cannot stat", path_);
  return static_cast<uint64_t>(st.st_size);
}

Status CreateDirectories(const std::string& directory) {
  std::error_code error;
  std::filesystem::create_directories(directory, error);
  if (error) return Fail(ErrorCode::kIo, "cannot create " + directory + ": " + error.message());
  return {};
}

Status SyncDirectory(const std::string& directory) {
  auto dir = File::Open(directory, O_RDONLY | O_DIRECTORY);
  if (!dir) return tl::unexpected(dir.error());
  return (*dir)->Sync();
}

Result<std::vector<std::string>> ListFiles(const std::string& directory) {
  std::vector<std::string> names;
  std::error_code error;
  std::filesystem::directory_iterator it(directory, error);
  for (; !error && it != std::filesystem::directory_iterator(); it.increment(error)) {
    if (it->is_regular_file(error)) names.push_back(it->path().filename().string());
  }
  if (error) return Fail(ErrorCode::kIo, "cannot list " + directory + ": " + error.message());
  return names;
}

Status RemoveFile(const std::string& path) {
  if (::unlink(path.c_str()) != 0 && errno != ENOENT) return ErrnoError("cannot remove", path);
  return {};
}

Status WriteFileAtomically(const std::string& directory, const std::string& name,
                           std::string_view contents) {
  std::string path = directory + "/" + name;
  std::string temp = path + ".tmp";
  {
    auto file = File::Open(temp, O_WRONLY | O_CREAT | O_TRUNC);
    if (!file) return tl::unexpected(file.error());
    if (auto s = (*file)->WriteAt(contents.data(), contents.size(), 0); !s) return s;
    if (auto s = (*file)->DataSync(); !s) return s;
  }
  if (::rename(temp.c_str(), path.c_str()) != 0) return ErrnoError("cannot rename", temp);
  return SyncDirectory(directory);
}

}  // namespace sf::engine
