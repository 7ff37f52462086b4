#include "artifact/zip_builder.h"

#include <archive.h>
#include <archive_entry.h>
#include <sys/stat.h>

#include <algorithm>
#include <filesystem>
#include <memory>
#include <vector>

#include "auth/crypto.h"
#include "base/file_io.h"

namespace sf::artifact {

namespace fs = std::filesystem;

namespace {

constexpr time_t kZipEpoch = 315532800;  // 1980-01-01T00:00:00Z: the earliest zip time

struct FileEntry {
  std::string relative;  // '/' separated
  fs::path path;
  bool executable = false;
  int64_t size = 0;
};

// The regular files below `root`, sorted by relative path.
Result<std::vector<FileEntry>> ListFiles(const fs::path& root) {
  std::vector<FileEntry> files;
  std::error_code error;
  fs::recursive_directory_iterator it(root, fs::directory_options::none, error);
  if (error) return Fail(ErrorCode::kIo, "cannot list " + root.string() + ": " + error.message());
  for (; it != fs::recursive_directory_iterator(); it.increment(error)) {
    if (error) return Fail(ErrorCode::kIo, "cannot list " + root.string() + ": " + error.message());
    const fs::directory_entry& entry = *it;
    if (SkippedInArtifacts(entry.path().filename().string())) {
      if (entry.is_directory()) it.disable_recursion_pending();
      continue;
    }
    if (entry.is_symlink()) {
      return Fail(ErrorCode::kInvalidArgument,
                  "refusing to package the symbolic link " + entry.path().string() +
                      ": it could point outside the code directory; copy the file instead");
    }
    if (!entry.is_regular_file()) continue;
    struct stat info {};
    if (::stat(entry.path().c_str(), &info) != 0)
      return Fail(ErrorCode::kIo, "cannot read " + entry.path().string());
    files.push_back({fs::relative(entry.path(), root).generic_string(), entry.path(),
                     (info.st_mode & S_IXUSR) != 0, static_cast<int64_t>(info.st_size)});
  }
  std::sort(files.begin(), files.end(),
            [](const FileEntry& a, const FileEntry& b) { return a.relative < b.relative; });
  return files;
}

struct ArchiveDeleter {
  void operator()(struct archive* archive) const { archive_write_free(archive); }
};

la_ssize_t Append(struct archive*, void* out, const void* data, size_t size) {
  static_cast<std::string*>(out)->append(static_cast<const char*>(data), size);
  return static_cast<la_ssize_t>(size);
}

Status WriteEntry(struct archive* archive, const ZipEntry& file) {
  std::unique_ptr<struct archive_entry, decltype(&archive_entry_free)> entry(archive_entry_new(),
                                                                             archive_entry_free);
  archive_entry_set_pathname(entry.get(), file.path.c_str());
  archive_entry_set_filetype(entry.get(), AE_IFREG);
  archive_entry_set_perm(entry.get(), file.executable ? 0755 : 0644);
  archive_entry_set_size(entry.get(), static_cast<la_int64_t>(file.content.size()));
  archive_entry_set_mtime(entry.get(), kZipEpoch, 0);
  if (archive_write_header(archive, entry.get()) != ARCHIVE_OK ||
      archive_write_data(archive, file.content.data(), file.content.size()) !=
          static_cast<la_ssize_t>(file.content.size())) {
    return Fail(ErrorCode::kIo, "cannot zip " + file.path + ": " + archive_error_string(archive));
  }
  return {};
}

}  // namespace

bool SkippedInArtifacts(std::string_view name) {
  return name == "__pycache__" || name == ".git" || name == ".hg" || name == ".svn" ||
         (name.size() > 4 && name.substr(name.size() - 4) == ".pyc");
}

Result<ZipArtifact> ZipEntries(std::vector<ZipEntry> entries) {
  std::sort(entries.begin(), entries.end(),
            [](const ZipEntry& a, const ZipEntry& b) { return a.path < b.path; });
  ZipArtifact out;
  out.files = static_cast<int64_t>(entries.size());
  for (const auto& entry : entries)
    out.unpacked_bytes += static_cast<int64_t>(entry.content.size());
  std::unique_ptr<struct archive, ArchiveDeleter> archive(archive_write_new());
  archive_write_set_format_zip(archive.get());
  archive_write_set_bytes_in_last_block(archive.get(), 1);  // no padding after the zip
  if (archive_write_open2(archive.get(), &out.bytes, nullptr, Append, nullptr, nullptr) !=
      ARCHIVE_OK) {
    return Fail(ErrorCode::kInternal,
                std::string("cannot start a zip: ") + archive_error_string(archive.get()));
  }
  for (const auto& entry : entries) {
    if (auto written = WriteEntry(archive.get(), entry); !written)
      return tl::unexpected(written.error());
  }
  if (archive_write_close(archive.get()) != ARCHIVE_OK) {
    return Fail(ErrorCode::kIo,
                std::string("cannot finish the zip: ") + archive_error_string(archive.get()));
  }
  out.sha256 = auth::Sha256Hex(out.bytes);
  return out;
}

Result<ZipArtifact> ZipDirectory(const std::string& directory, int64_t max_unpacked_bytes) {
  fs::path root = directory;
  if (!fs::is_directory(root)) {
    return Fail(ErrorCode::kNotFound, "code directory " + directory + " does not exist");
  }
  auto files = ListFiles(root);
  if (!files) return tl::unexpected(files.error());
  int64_t unpacked = 0;
  for (const auto& file : *files) unpacked += file.size;
  if (unpacked > max_unpacked_bytes) {
    return Fail(ErrorCode::kInvalidArgument,
                "the code in " + directory + " is " + std::to_string(unpacked) +
                    " bytes unzipped; Lambda allows " + std::to_string(max_unpacked_bytes));
  }
  std::vector<ZipEntry> entries;
  for (const auto& file : *files) {
    auto content = ReadFile(file.path.string());
    if (!content) return tl::unexpected(content.error());
    entries.push_back({file.relative, std::move(*content), file.executable});
  }
  return ZipEntries(std::move(entries));
}

}  // namespace sf::artifact
