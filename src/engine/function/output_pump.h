#pragma once
// The per-worker thread that owns a worker's pipe and exit: it splits the worker's stdout and
// stderr into lines, wakes when told to (an invocation finished), and notices the exit.
//
// Ordering, the reason it exists: a runtime writes its output before it posts the response,
// so everything the invocation printed is in the pipe when the POST arrives. OnWake is called
// only after the pipe was drained of what it held, so the invocation's lines come before its
// END line and land in its log tail. On exit the process group is killed (taking any children),
// the worker reaped, the pipe drained to EOF (at most kExitDrain if an escaped child holds it),
// and OnExit called last; the thread then ends.

#include <sys/types.h>

#include <chrono>
#include <string_view>

namespace sf::engine::function {

inline constexpr std::chrono::milliseconds kExitDrain{200};
inline constexpr size_t kMaxLineBytes = 256 * 1024;  // CloudWatch's event limit; longer lines split

class PumpEvents {
 public:
  virtual ~PumpEvents() = default;
  virtual void OnLine(std::string_view line) = 0;
  virtual void OnWake() = 0;
  virtual void OnExit(int wait_status) = 0;
};

struct PumpFds {
  pid_t pid = -1;
  int pidfd = -1;
  int output_fd = -1;  // non-blocking
  int wake_fd = -1;    // an eventfd, non-blocking
};

// Runs until the process exited and OnExit returned. Closes none of the descriptors.
void RunOutputPump(const PumpFds& fds, PumpEvents& events);

// Wakes the pump of `wake_fd` (thread-safe, async-signal-safe).
void WakePump(int wake_fd);

}  // namespace sf::engine::function
