#pragma once
// A function's log, <data dir>/functions/<name>/log: one line per line its workers print, as
// CloudWatch Logs holds them, with Lambda's framing around each invocation:
//   START RequestId: <id> Version: $LATEST
//   ... the handler's lines ...
//   END RequestId: <id>
//   REPORT RequestId: <id>\tDuration: 1.23 ms\tBilled Duration: 2 ms\tMemory Size: 128 MB...
// FunctionLog is thread-safe: each line is written whole (O_APPEND), so workers of one function
// interleave by line. LogTail is the per-invocation copy of those lines (InvokeResult::log_tail).

#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

#include "base/result.h"

namespace sf::engine::function {

class FunctionLog {
 public:
  // Opens (creating the directories and the file) for appending.
  static Result<std::shared_ptr<FunctionLog>> Open(const std::string& path);
  ~FunctionLog();
  FunctionLog(const FunctionLog&) = delete;
  FunctionLog& operator=(const FunctionLog&) = delete;

  // Appends `line` and a newline. Write errors are dropped (a full disk must not fail invokes).
  void Append(std::string_view line);

 private:
  explicit FunctionLog(int fd) : fd_(fd) {}
  std::mutex mu_;
  int fd_;
};

// The last kLogTailBytes of an invocation's lines (whole lines where they fit).
inline constexpr size_t kLogTailBytes = 4096;
class LogTail {
 public:
  void Add(std::string_view line);
  const std::string& text() const { return text_; }

 private:
  std::string text_;
};

struct ReportFields {
  std::string request_id;
  double duration_ms = 0;
  int memory_mb = 0;
  std::optional<int64_t> max_memory_used_mb;
  std::optional<double> init_duration_ms;  // on a cold start's first invocation
  std::string status;                      // "", "timeout", "error"
  std::string error_type;                  // with status "error"
};

std::string StartLine(std::string_view request_id, std::string_view version);
std::string EndLine(std::string_view request_id);
std::string ReportLine(const ReportFields& fields);

// The high-water mark of the resident memory of process `pid` in MB, if it can be read.
std::optional<int64_t> MaxMemoryUsedMb(int pid);

}  // namespace sf::engine::function
