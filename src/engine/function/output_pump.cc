#include "engine/function/output_pump.h"

#include <poll.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <string>

#include "engine/function/spawn.h"

namespace sf::engine::function {
namespace {

// Splits the pipe's bytes into lines (a trailing '\r' dropped; empty lines skipped, as
// CloudWatch keeps no empty events).
class LineSplitter {
 public:
  explicit LineSplitter(PumpEvents& events) : events_(events) {}

  // Reads what the pipe holds now; false at EOF or on an error (nothing more will come).
  bool Drain(int fd) {
    char buffer[65536];
    while (true) {
      ssize_t n = read(fd, buffer, sizeof buffer);
      if (n > 0) {
        Feed(std::string_view(buffer, static_cast<size_t>(n)));
      } else if (n < 0 && errno == EINTR) {
        continue;
      } else {
        return n < 0 && errno == EAGAIN;
      }
    }
  }

  void Flush() {
    if (!partial_.empty() && partial_.back() == '\r') partial_.pop_back();
    if (!partial_.empty()) events_.OnLine(partial_);
    partial_.clear();
  }

 private:
  void Feed(std::string_view bytes) {
    size_t start = 0;
    for (size_t nl; (nl = bytes.find('\n', start)) != std::string_view::npos; start = nl + 1) {
      partial_.append(bytes.substr(start, nl - start));
      Flush();
    }
    partial_.append(bytes.substr(start));
    if (partial_.size() >= kMaxLineBytes) Flush();
  }

  PumpEvents& events_;
  std::string partial_;
};

bool Readable(const pollfd& p) { return (p.revents & (POLLIN | POLLHUP | POLLERR)) != 0; }

void ClearWake(int wake_fd) {
  uint64_t count;
  ssize_t ignored = read(wake_fd, &count, sizeof count);
  (void)ignored;
}

// After the exit: the rest of the pipe, until EOF or kExitDrain passes.
void DrainAfterExit(int output_fd, LineSplitter& lines) {
  auto give_up = std::chrono::steady_clock::now() + kExitDrain;
  while (lines.Drain(output_fd)) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        give_up - std::chrono::steady_clock::now());
    pollfd p{output_fd, POLLIN, 0};
    if (left.count() <= 0 || poll(&p, 1, static_cast<int>(left.count())) <= 0) break;
  }
  lines.Flush();
}

}  // namespace

void RunOutputPump(const PumpFds& fds, PumpEvents& events) {
  LineSplitter lines(events);
  bool output_open = true;
  while (true) {
    pollfd polled[3] = {{fds.pidfd, POLLIN, 0},
                        {fds.wake_fd, POLLIN, 0},
                        {output_open ? fds.output_fd : -1, POLLIN, 0}};
    if (poll(polled, 3, -1) < 0) {
      if (errno == EINTR) continue;
      break;  // cannot happen with valid descriptors; treat as an exit
    }
    if (Readable(polled[2])) output_open = lines.Drain(fds.output_fd);
    if (Readable(polled[1])) {
      ClearWake(fds.wake_fd);
      if (output_open) output_open = lines.Drain(fds.output_fd);
      events.OnWake();
    }
    if (Readable(polled[0])) break;
  }
  KillGroup(fds.pid);  // the leader is a zombie until reaped, so its group id is still ours
  int status = 0;
  while (waitpid(fds.pid, &status, 0) < 0 && errno == EINTR) {
  }
  DrainAfterExit(fds.output_fd, lines);
  events.OnExit(status);
}

void WakePump(int wake_fd) {
  uint64_t one = 1;
  ssize_t ignored = write(wake_fd, &one, sizeof one);
  (void)ignored;
}

}  // namespace sf::engine::function
