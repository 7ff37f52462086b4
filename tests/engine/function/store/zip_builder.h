#pragma once
// Builds zip archives in memory for the function tests (libarchive's writer), including the
// hostile ones a well-behaved zip tool would never make: "../" names, absolute names, symlinks
// pointing anywhere.

#include <archive.h>
#include <archive_entry.h>
#include <sys/stat.h>

#include <string>
#include <vector>

namespace sf::testing_support {

struct ZipEntry {
  std::string name;
  std::string content;      // files
  int mode = 0644;          // permission bits
  std::string link_target;  // non-empty: a symlink
  bool directory = false;
};

inline ZipEntry File(std::string name, std::string content, int mode = 0644) {
  return ZipEntry{std::move(name), std::move(content), mode, "", false};
}
inline ZipEntry Link(std::string name, std::string target) {
  return ZipEntry{std::move(name), "", 0777, std::move(target), false};
}
inline ZipEntry Dir(std::string name) { return ZipEntry{std::move(name), "", 0755, "", true}; }

inline std::string MakeZip(const std::vector<ZipEntry>& entries) {
  std::string out(1 << 20, '\0');
  for (;;) {
    archive* writer = archive_write_new();
    archive_write_set_format_zip(writer);
    size_t used = 0;
    archive_write_open_memory(writer, out.data(), out.size(), &used);
    bool ok = true;
    for (const auto& e : entries) {
      archive_entry* entry = archive_entry_new();
      archive_entry_set_pathname(entry, e.name.c_str());
      if (!e.link_target.empty()) {
        archive_entry_set_filetype(entry, AE_IFLNK);
        archive_entry_set_symlink(entry, e.link_target.c_str());
        archive_entry_set_perm(entry, 0777);
      } else if (e.directory) {
        archive_entry_set_filetype(entry, AE_IFDIR);
        archive_entry_set_perm(entry, static_cast<mode_t>(e.mode));
      } else {
        archive_entry_set_filetype(entry, AE_IFREG);
        archive_entry_set_perm(entry, static_cast<mode_t>(e.mode));
        archive_entry_set_size(entry, static_cast<la_int64_t>(e.content.size()));
      }
      ok = ok && archive_write_header(writer, entry) == ARCHIVE_OK;
      if (ok && e.link_target.empty() && !e.directory && !e.content.empty()) {
        ok = archive_write_data(writer, e.content.data(), e.content.size()) ==
             static_cast<la_ssize_t>(e.content.size());
      }
      archive_entry_free(entry);
    }
    ok = archive_write_close(writer) == ARCHIVE_OK && ok;
    archive_write_free(writer);
    if (ok || out.size() > (256u << 20)) return out.substr(0, used);
    out.resize(out.size() * 4);  // the buffer was too small
  }
}

// A python function: handler.py with lambda_handler returning its event.
inline std::string PythonZip(const std::string& marker = "v1") {
  return MakeZip({File(
      "handler.py", "def lambda_handler(event, context):\n    return event  # " + marker + "\n")});
}

}  // namespace sf::testing_support
