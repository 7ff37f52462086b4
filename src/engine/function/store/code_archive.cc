#include "engine/function/store/code_archive.h"

#include <archive.h>
#include <archive_entry.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <memory>
#include <set>
#include <vector>

namespace sf::engine::function {

namespace {

constexpr char kInvalid[] = "InvalidParameterValueException";
constexpr char kBadZip[] =
    "Could not unzip uploaded file. Please check your file, then try to upload again.";

// The path's components without empty ones and "."; nullopt-like failure is signalled by
// `ok = false` when a component is "..".
std::vector<std::string> Components(std::string_view path, bool* ok) {
  std::vector<std::string> parts;
  *ok = true;
  size_t start = 0;
  while (start <= path.size()) {
    size_t slash = path.find('/', start);
    if (slash == std::string_view::npos) slash = path.size();
    std::string_view part = path.substr(start, slash - start);
    if (part == "..") *ok = false;
    if (!part.empty() && part != ".") parts.emplace_back(part);
    start = slash + 1;
  }
  return parts;
}

std::string Join(const std::vector<std::string>& parts, size_t count) {
  std::string out;
  for (size_t i = 0; i < count; ++i) out += (i ? "/" : "") + parts[i];
  return out;
}

tl::unexpected<ApiError> Refuse(std::string_view entry, std::string_view why) {
  return ApiFail(kInvalid, std::string(kBadZip) + " Entry '" + std::string(entry) + "' " +
                               std::string(why) + ".");
}

tl::unexpected<ApiError> DiskFailure(const std::string& what) {
  return ApiFail("ServiceException", what + ": " + std::strerror(errno), 500);
}

struct ArchiveCloser {
  void operator()(archive* a) const { archive_read_free(a); }
};

class Unpacker {
 public:
  Unpacker(std::string dest, uint64_t limit) : dest_(std::move(dest)), limit_(limit) {}

  ApiResult<UnpackStats> Run(std::string_view zip) {
    std::unique_ptr<archive, ArchiveCloser> reader(archive_read_new());
    archive_read_support_format_zip(reader.get());
    if (archive_read_open_memory(reader.get(), zip.data(), zip.size()) != ARCHIVE_OK) {
      return ApiFail(kInvalid, kBadZip);
    }
    archive_entry* entry = nullptr;
    int rc;
    while ((rc = archive_read_next_header(reader.get(), &entry)) == ARCHIVE_OK ||
           rc == ARCHIVE_WARN) {
      if (auto done = Entry(reader.get(), entry); !done) return tl::unexpected(done.error());
    }
    if (rc != ARCHIVE_EOF) return ApiFail(kInvalid, kBadZip);
    if (auto contained = CheckLinks(); !contained) return tl::unexpected(contained.error());
    int dir = ::open(dest_.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dir < 0 || ::syncfs(dir) != 0) {
      if (dir >= 0) ::close(dir);
      return DiskFailure("cannot sync " + dest_);
    }
    ::close(dir);
    return stats_;
  }

 private:
  ApiResult<bool> Entry(archive* reader, archive_entry* entry) {
    const char* raw = archive_entry_pathname(entry);
    std::string name = raw ? raw : "";
    bool ok = true;
    std::vector<std::string> parts = Components(name, &ok);
    if (!ok || name.empty() || name[0] == '/') return Refuse(name, "escapes the code directory");
    for (size_t i = 1; i < parts.size(); ++i) {
      if (links_.count(Join(parts, i))) return Refuse(name, "is reached through a symlink");
    }
    if (parts.empty()) return true;  // "./": the root itself
    std::string relative = Join(parts, parts.size());
    std::string path = dest_ + "/" + relative;
    if (archive_entry_hardlink(entry) != nullptr) return Refuse(name, "is a hard link");
    if (auto made = MakeParents(parts); !made) return made;
    mode_t perm = archive_entry_perm(entry) & 0777;
    switch (archive_entry_filetype(entry)) {
      case AE_IFDIR:
        if (::mkdir(path.c_str(), (perm ? perm : 0755) | 0700) != 0 && errno != EEXIST) {
          return DiskFailure("cannot create " + path);
        }
        return true;
      case AE_IFLNK: {
        const char* target = archive_entry_symlink(entry);
        if (target == nullptr || !IsContainedLink(relative, target)) {
          return Refuse(name, "is a symlink pointing outside the code directory");
        }
        if (::symlink(target, path.c_str()) != 0) {
          if (errno == EEXIST) return Refuse(name, "is given twice");
          return DiskFailure("cannot create " + path);
        }
        links_.insert(relative);
        return true;
      }
      case AE_IFREG:
        return WriteFile(reader, name, path, perm ? perm : 0644);
      default:
        return Refuse(name, "is not a file, directory or symlink");
    }
  }

  // Each link checked alone can still escape through another (d/up -> .., x -> d/up/../..):
  // resolve every link with all of them in place and require it to stay under dest_.
  ApiResult<bool> CheckLinks() {
    std::error_code error;
    std::filesystem::path root = std::filesystem::canonical(dest_, error);
    if (error) return DiskFailure("cannot resolve " + dest_);
    for (const auto& link : links_) {
      std::filesystem::path at = std::filesystem::path(dest_) / link;
      std::filesystem::path target = std::filesystem::read_symlink(at, error);
      std::filesystem::path resolved =
          error ? at : std::filesystem::weakly_canonical(at.parent_path() / target, error);
      auto [end, ignored] =
          std::mismatch(root.begin(), root.end(), resolved.begin(), resolved.end());
      if (error || end != root.end()) {
        return Refuse(link, "is a symlink pointing outside the code directory");
      }
    }
    return true;
  }

  ApiResult<bool> MakeParents(const std::vector<std::string>& parts) {
    std::string path = dest_;
    for (size_t i = 0; i + 1 < parts.size(); ++i) {
      path += "/" + parts[i];
      if (::mkdir(path.c_str(), 0755) != 0 && errno != EEXIST) {
        return DiskFailure("cannot create " + path);
      }
    }
    return true;
  }

  ApiResult<bool> WriteFile(archive* reader, const std::string& name, const std::string& path,
                            mode_t perm) {
    int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0600);
    if (fd < 0) return DiskFailure("cannot create " + path);
    const void* block = nullptr;
    size_t size = 0;
    la_int64_t offset = 0;
    int rc;
    while ((rc = archive_read_data_block(reader, &block, &size, &offset)) == ARCHIVE_OK) {
      stats_.bytes += size;
      if (stats_.bytes > limit_) {
        ::close(fd);
        return ApiFail(kInvalid,
                       "Unzipped size must be smaller than " + std::to_string(limit_) + " bytes");
      }
      if (::pwrite(fd, block, size, static_cast<off_t>(offset)) != static_cast<ssize_t>(size)) {
        ::close(fd);
        return DiskFailure("cannot write " + path);
      }
    }
    bool moded = ::fchmod(fd, perm) == 0;
    ::close(fd);
    if (rc != ARCHIVE_EOF) return Refuse(name, "cannot be read (the archive is damaged)");
    if (!moded) return DiskFailure("cannot set the mode of " + path);
    ++stats_.files;
    return true;
  }

  const std::string dest_;
  const uint64_t limit_;
  std::set<std::string> links_;  // symlinks this archive made, relative to dest_
  UnpackStats stats_;
};

}  // namespace

bool IsContainedPath(std::string_view path) {
  bool ok = true;
  (void)Components(path, &ok);
  return ok && !path.empty() && path[0] != '/';
}

bool IsContainedLink(std::string_view link_path, std::string_view target) {
  if (target.empty() || target[0] == '/') return false;
  bool ok = true;
  std::vector<std::string> base = Components(link_path, &ok);
  if (!ok || base.empty()) return false;
  base.pop_back();  // the link's directory
  int64_t depth = static_cast<int64_t>(base.size());
  size_t start = 0;
  while (start <= target.size()) {
    size_t slash = target.find('/', start);
    if (slash == std::string_view::npos) slash = target.size();
    std::string_view part = target.substr(start, slash - start);
    if (part == "..") {
      if (--depth < 0) return false;
    } else if (!part.empty() && part != ".") {
      ++depth;
    }
    start = slash + 1;
  }
  return true;
}

ApiResult<UnpackStats> UnpackZip(std::string_view zip, const std::string& dest_dir,
                                 uint64_t max_unzipped_bytes) {
  if (::mkdir(dest_dir.c_str(), 0755) != 0) return DiskFailure("cannot create " + dest_dir);
  auto unpacked = Unpacker(dest_dir, max_unzipped_bytes).Run(zip);
  if (!unpacked) {
    std::error_code ignored;
    std::filesystem::remove_all(dest_dir, ignored);
  }
  return unpacked;
}

}  // namespace sf::engine::function
