#include "engine/function/function_log.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>

namespace sf::engine::function {

Result<std::shared_ptr<FunctionLog>> FunctionLog::Open(const std::string& path) {
  std::error_code ec;
  std::filesystem::create_directories(std::filesystem::path(path).parent_path(), ec);
  if (ec)
    return Fail(ErrorCode::kIo, "cannot create the directory of " + path + ": " + ec.message());
  int fd = open(path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (fd < 0) return Fail(ErrorCode::kIo, "cannot open " + path + ": " + std::strerror(errno));
  return std::shared_ptr<FunctionLog>(new FunctionLog(fd));
}

FunctionLog::~FunctionLog() { close(fd_); }

void FunctionLog::Append(std::string_view line) {
  std::string whole(line);
  whole += '\n';
  std::lock_guard lock(mu_);
  size_t done = 0;
  while (done < whole.size()) {
    ssize_t n = write(fd_, whole.data() + done, whole.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return;
    done += static_cast<size_t>(n);
  }
}

void LogTail::Add(std::string_view line) {
  text_.append(line);
  text_ += '\n';
  if (text_.size() <= kLogTailBytes) return;
  size_t cut = text_.size() - kLogTailBytes;
  size_t newline = text_.find('\n', cut);
  // Drop whole lines from the front; a single line longer than the tail keeps its end.
  if (newline != std::string::npos && newline + 1 < text_.size()) cut = newline + 1;
  text_.erase(0, cut);
}

std::string StartLine(std::string_view request_id, std::string_view version) {
  return "START RequestId: " + std::string(request_id) + " Version: " + std::string(version);
}

std::string EndLine(std::string_view request_id) {
  return "END RequestId: " + std::string(request_id);
}

std::string ReportLine(const ReportFields& f) {
  char buffer[256];
  std::snprintf(
      buffer, sizeof buffer,
      "REPORT RequestId: %s\tDuration: %.2f ms\tBilled Duration: %lld ms\tMemory Size: %d MB",
      f.request_id.c_str(), f.duration_ms, static_cast<long long>(std::ceil(f.duration_ms)),
      f.memory_mb);
  std::string line = buffer;
  if (f.max_memory_used_mb)
    line += "\tMax Memory Used: " + std::to_string(*f.max_memory_used_mb) + " MB";
  if (f.init_duration_ms) {
    std::snprintf(buffer, sizeof buffer, "\tInit Duration: %.2f ms", *f.init_duration_ms);
    line += buffer;
  }
  if (!f.status.empty()) line += "\tStatus: " + f.status;
  if (!f.error_type.empty()) line += "\tError Type: " + f.error_type;
  return line;
}

std::optional<int64_t> MaxMemoryUsedMb(int pid) {
  std::ifstream status("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.rfind("VmHWM:", 0) == 0) {
      return (std::strtoll(line.c_str() + 6, nullptr, 10) + 1023) / 1024;  // kB -> MB
    }
  }
  return std::nullopt;
}

}  // namespace sf::engine::function
