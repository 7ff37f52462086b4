#pragma once
// Deterministic zips of function code: the same directory contents give the same bytes at any
// time and wherever the directory is (with the same zlib), so an artifact can be named by its
// digest and a plan can tell "code
// changed" from "rebuilt". Entries are the directory's regular files in byte order of their
// relative paths ('/' separated), with a fixed time (1980-01-01 00:00, the zip epoch), no
// owner, and mode 0755 when the file is executable by its owner (a `bootstrap`), else 0644.
// Directories are implied by the paths. Python byte-code caches (__pycache__, *.pyc) and
// version-control folders (.git, .hg, .svn) are left out: they change without the code
// changing. Symbolic links are refused (they could point outside the directory).

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"

namespace sf::artifact {

struct ZipArtifact {
  std::string bytes;   // the zip file
  std::string sha256;  // lower-case hex of `bytes`
  int64_t files = 0;
  int64_t unpacked_bytes = 0;  // sum of the files' sizes
};

// One file to put in a zip.
struct ZipEntry {
  std::string path;  // relative, '/' separated
  std::string content;
  bool executable = false;
};

// Whether a file or folder called `name` (one path component) is left out of artifacts: Python
// byte-code caches and version-control folders, as above.
bool SkippedInArtifacts(std::string_view name);

// Zips `entries` as given (sorted by path first), with the fixed time and modes above.
Result<ZipArtifact> ZipEntries(std::vector<ZipEntry> entries);

// Zips `directory`. kNotFound when it does not exist or is not a directory; kInvalidArgument
// for a symbolic link inside it, or when the unpacked size passes `max_unpacked_bytes`
// (Lambda's 250 MB by default); kIo when a file cannot be read.
Result<ZipArtifact> ZipDirectory(const std::string& directory,
                                 int64_t max_unpacked_bytes = 250LL * 1000 * 1000);

}  // namespace sf::artifact
