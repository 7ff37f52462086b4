#pragma once
// Unpacking a function's deployment package (a zip) into a directory, safely.
//
// Contract: UnpackZip either fills `dest_dir` (which must not exist; its parent must) with the
// archive's regular files, directories and symlinks, keeping their permission bits (a
// `bootstrap` stays executable), and syncs it to disk; or fails, leaving nothing at
// `dest_dir`. It refuses, naming the entry:
//   - absolute paths, paths with a ".." component, and entries reached through a symlink the
//     archive itself made (so nothing is ever written outside `dest_dir`);
//   - symlinks whose target is absolute or leaves `dest_dir`;
//   - hard links, devices, fifos and sockets;
//   - more than `max_unzipped_bytes` of file data (counted as written, not as declared).
// Errors are Lambda's: InvalidParameterValueException (400) for a bad archive, ServiceException
// (500) when the disk fails. Thread-safe (no shared state).

#include <cstdint>
#include <string>
#include <string_view>

#include "engine/api_error.h"

namespace sf::engine::function {

// Lambda's limit on a function's unpacked code: 250 MB.
inline constexpr uint64_t kMaxUnzippedBytes = 262144000;

struct UnpackStats {
  uint64_t files = 0;
  uint64_t bytes = 0;  // file data written
};

ApiResult<UnpackStats> UnpackZip(std::string_view zip, const std::string& dest_dir,
                                 uint64_t max_unzipped_bytes = kMaxUnzippedBytes);

// Whether `path` (an archive entry's name, '/'-separated) stays inside its root: relative, no
// ".." component. Empty components and "." are allowed.
bool IsContainedPath(std::string_view path);

// Whether a symlink at `link_path` (inside the root) pointing to `target` stays inside the root.
bool IsContainedLink(std::string_view link_path, std::string_view target);

}  // namespace sf::engine::function
