#include "base/logger.h"

#include <chrono>
#include <ctime>

#include "base/json_writer.h"

namespace sf {

namespace {

const char* LevelName(LogLevel level) {
  switch (level) {
    case LogLevel::kDebug:
      return "debug";
    case LogLevel::kInfo:
      return "info";
    case LogLevel::kWarn:
      return "warn";
    case LogLevel::kError:
      return "error";
  }
  return "info";
}

std::string Timestamp() {
  auto now = std::chrono::system_clock::now();
  std::time_t seconds = std::chrono::system_clock::to_time_t(now);
  int millis = static_cast<int>(
      std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count() % 1000);
  std::tm tm{};
  gmtime_r(&seconds, &tm);
  char buffer[40];
  std::strftime(buffer, sizeof(buffer), "%Y-%m-%dT%H:%M:%S", &tm);
  char out[48];
  std::snprintf(out, sizeof(out), "%s.%03dZ", buffer, millis);
  return out;
}

}  // namespace

void Logger::Log(LogLevel level, std::string_view message, std::initializer_list<Field> fields) {
  if (!enabled(level)) return;
  std::string line;
  JsonWriter json(line);
  json.BeginObject()
      .Member("ts", Timestamp())
      .Member("level", LevelName(level))
      .Member("msg", message);
  for (const auto& [key, value] : fields) json.Member(key, value);
  json.EndObject();
  line += '\n';
  std::lock_guard lock(mu_);
  std::fwrite(line.data(), 1, line.size(), out_);
  std::fflush(out_);
}

void Logger::Flush() {
  std::lock_guard lock(mu_);
  std::fflush(out_);
}

}  // namespace sf
