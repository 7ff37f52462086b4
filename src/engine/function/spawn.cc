#include "engine/function/spawn.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace sf::engine::function {
namespace {

// What the child reports through the error pipe when it cannot exec.
struct ChildFailure {
  int step = 0;  // 1: chdir, 2: setrlimit, 3: execve
  int error = 0;
};

std::vector<char*> Pointers(const std::vector<std::string>& strings) {
  std::vector<char*> out;
  out.reserve(strings.size() + 1);
  for (const std::string& s : strings) out.push_back(const_cast<char*>(s.c_str()));
  out.push_back(nullptr);
  return out;
}

// Runs in the child between fork and exec: async-signal-safe calls only.
[[noreturn]] void RunChild(const SpawnRequest& request, char* const* argv, char* const* envp,
                           int devnull, int out_write, int error_write) {
  setpgid(0, 0);
  sigset_t none;
  sigemptyset(&none);
  sigprocmask(SIG_SETMASK, &none, nullptr);
  struct sigaction dfl {};
  dfl.sa_handler = SIG_DFL;
  for (int sig = 1; sig < NSIG; ++sig) sigaction(sig, &dfl, nullptr);  // ignored ones persist
  dup2(devnull, 0);
  dup2(out_write, 1);
  dup2(out_write, 2);
  close_range(3, ~0U, CLOSE_RANGE_CLOEXEC);  // the error pipe is already close-on-exec
  ChildFailure failure;
  if (chdir(request.working_dir.c_str()) != 0) {
    failure = {1, errno};
  } else {
    struct rlimit no_core {
      0, 0
    };
    setrlimit(RLIMIT_CORE, &no_core);
    struct rlimit as {
      request.address_space_bytes, request.address_space_bytes
    };
    if (request.address_space_bytes != 0 && setrlimit(RLIMIT_AS, &as) != 0) {
      failure = {2, errno};
    } else {
      execve(argv[0], argv, envp);
      failure = {3, errno};
    }
  }
  ssize_t ignored = write(error_write, &failure, sizeof failure);
  (void)ignored;
  _exit(127);
}

std::string Describe(const SpawnRequest& request, const ChildFailure& failure) {
  const char* step = failure.step == 1   ? "cannot enter "
                     : failure.step == 2 ? "cannot limit "
                                         : "cannot run ";
  std::string what = failure.step == 1 ? request.working_dir : request.argv[0];
  return step + what + ": " + std::strerror(failure.error);
}

void CloseAll(std::initializer_list<int> fds) {
  for (int fd : fds) {
    if (fd >= 0) close(fd);
  }
}

}  // namespace

Result<SpawnedProcess> Spawn(const SpawnRequest& request) {
  if (request.argv.empty()) return Fail(ErrorCode::kInvalidArgument, "no program to run");
  std::vector<char*> argv = Pointers(request.argv);
  std::vector<char*> envp = Pointers(request.environment);
  int out_pipe[2];
  int error_pipe[2];
  int devnull = open("/dev/null", O_RDONLY | O_CLOEXEC);
  if (devnull < 0) return Fail(ErrorCode::kIo, std::string("open /dev/null: ") + strerror(errno));
  if (pipe2(out_pipe, O_CLOEXEC) != 0) {
    CloseAll({devnull});
    return Fail(ErrorCode::kIo, std::string("pipe: ") + strerror(errno));
  }
  if (pipe2(error_pipe, O_CLOEXEC) != 0) {
    CloseAll({devnull, out_pipe[0], out_pipe[1]});
    return Fail(ErrorCode::kIo, std::string("pipe: ") + strerror(errno));
  }
  pid_t pid = fork();
  if (pid == 0) RunChild(request, argv.data(), envp.data(), devnull, out_pipe[1], error_pipe[1]);
  int fork_errno = errno;
  CloseAll({devnull, out_pipe[1], error_pipe[1]});
  if (pid < 0) {
    CloseAll({out_pipe[0], error_pipe[0]});
    return Fail(ErrorCode::kIo, std::string("fork: ") + strerror(fork_errno));
  }
  ChildFailure failure;
  ssize_t n;
  do {
    n = read(error_pipe[0], &failure, sizeof failure);
  } while (n < 0 && errno == EINTR);
  close(error_pipe[0]);
  if (n == static_cast<ssize_t>(sizeof failure)) {
    waitpid(pid, nullptr, 0);
    close(out_pipe[0]);
    return Fail(ErrorCode::kIo, Describe(request, failure));
  }
  int pidfd = static_cast<int>(syscall(SYS_pidfd_open, pid, 0));
  if (pidfd < 0) {
    int pidfd_errno = errno;
    KillGroup(pid);
    waitpid(pid, nullptr, 0);
    close(out_pipe[0]);
    return Fail(ErrorCode::kIo, std::string("pidfd_open: ") + strerror(pidfd_errno));
  }
  fcntl(out_pipe[0], F_SETFL, fcntl(out_pipe[0], F_GETFL) | O_NONBLOCK);
  return SpawnedProcess{pid, pidfd, out_pipe[0]};
}

void KillGroup(pid_t pgid) {
  if (pgid > 0) kill(-pgid, SIGKILL);
}

}  // namespace sf::engine::function
