#pragma once
// Function code as a commit has it: the files under a directory in the tree of a git ref, read
// from the repository (libgit2) rather than from the working tree. A stage's `gitRef` names
// what it deploys (project file), so `dev` on HEAD and `prod` on main each get their own code
// from one checkout, and an uncommitted edit never reaches a stage by accident.
//
// The same rules as ZipDirectory: byte-code caches and VCS folders are left out, symbolic
// links (and submodules) are refused, executables keep their mode, and the unpacked size is
// capped. The blobs are taken as committed (no checkout filters: no CRLF conversion, and a Git
// LFS pointer stays a pointer).

#include <cstdint>
#include <string>
#include <vector>

#include "artifact/zip_builder.h"
#include "base/result.h"

namespace sf::artifact {

struct GitSnapshot {
  std::string commit;             // the full hex id `ref` resolved to
  std::vector<ZipEntry> entries;  // the directory's files at that commit, by path
  // Paths under the directory (relative to it) whose working-tree content is not the
  // commit's: modified, deleted, or new and not ignored. Left-out names are not listed.
  std::vector<std::string> differing;
};

// Reads `directory` (a path inside a git working tree) as commit `ref` (anything git rev-parse
// takes: HEAD, main, v1.2, a hash) has it.
// kNotFound: not in a git working tree, `ref` names no commit, or the directory is not in it.
// kInvalidArgument: a symbolic link or submodule inside it, or more than `max_unpacked_bytes`.
// kIo: the repository cannot be read.
Result<GitSnapshot> ReadGitDirectory(const std::string& directory, const std::string& ref,
                                     int64_t max_unpacked_bytes = 250LL * 1000 * 1000);

}  // namespace sf::artifact
