#pragma once
// Structured logs: one JSON object per line ({"ts": "...", "level": "info", "msg": "...",
// plus fields}), written whole under a lock and flushed, so a crash loses at most the line
// being written. Thread-safe.

#include <cstdio>
#include <initializer_list>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>

namespace sf {

enum class LogLevel { kDebug, kInfo, kWarn, kError };

class Logger {
 public:
  using Field = std::pair<std::string_view, std::string>;

  // Writes to `out` (not owned; stderr when null), dropping levels below `min_level`.
  explicit Logger(std::FILE* out = nullptr, LogLevel min_level = LogLevel::kInfo)
      : out_(out != nullptr ? out : stderr), min_level_(min_level) {}

  void Log(LogLevel level, std::string_view message, std::initializer_list<Field> fields = {});
  void Info(std::string_view message, std::initializer_list<Field> fields = {}) {
    Log(LogLevel::kInfo, message, fields);
  }
  void Warn(std::string_view message, std::initializer_list<Field> fields = {}) {
    Log(LogLevel::kWarn, message, fields);
  }
  void Error(std::string_view message, std::initializer_list<Field> fields = {}) {
    Log(LogLevel::kError, message, fields);
  }
  bool enabled(LogLevel level) const { return level >= min_level_; }
  void Flush();

 private:
  std::mutex mu_;
  std::FILE* out_;
  LogLevel min_level_;
};

}  // namespace sf
