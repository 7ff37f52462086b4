#pragma once
// Starting a worker process: fork/exec with exactly the environment given (nothing inherited
// from the engine), its own process group (so one kill takes the worker and its children),
// stdin from /dev/null, stdout and stderr into one pipe (their lines keep their order), every
// other descriptor of the engine closed, default signal dispositions and mask, an address-space
// limit (RLIMIT_AS) and no core dumps.
//
// The caller owns the returned descriptors. `pidfd` becomes readable when the process exits
// (the caller reaps it with waitpid); `pid` is also the process group id.

#include <sys/types.h>

#include <cstdint>
#include <string>
#include <vector>

#include "base/result.h"

namespace sf::engine::function {

struct SpawnRequest {
  std::vector<std::string> argv;         // argv[0] is the program's path
  std::vector<std::string> environment;  // "NAME=value", the whole environment
  std::string working_dir;
  uint64_t address_space_bytes = 0;  // RLIMIT_AS; 0 leaves it unlimited
};

struct SpawnedProcess {
  pid_t pid = -1;      // also the process group id
  int pidfd = -1;      // readable once the process has exited
  int output_fd = -1;  // read end of the stdout+stderr pipe, non-blocking, close-on-exec
};

// Starts the process. Fails (kIo) if the pipe, fork or pidfd cannot be had, or if exec fails in
// the child (the message names the program and the errno text, e.g. "Permission denied").
Result<SpawnedProcess> Spawn(const SpawnRequest& request);

// SIGKILL to the whole process group `pgid`. Harmless if it is gone.
void KillGroup(pid_t pgid);

}  // namespace sf::engine::function
