#include "engine/function/outcomes.h"

#include <sys/wait.h>

#include <csignal>
#include <cstdio>
#include <cstring>
#include <mutex>
#include <nlohmann/json.hpp>
#include <random>

#include "base/json_writer.h"

namespace sf::engine::function {

std::string NewRequestId() {
  static std::mutex mu;
  static std::mt19937_64 rng{std::random_device{}()};
  uint64_t hi;
  uint64_t lo;
  {
    std::lock_guard lock(mu);
    hi = rng();
    lo = rng();
  }
  hi = (hi & ~0xf000ull) | 0x4000ull;        // version 4
  lo = (lo & ~(3ull << 62)) | (2ull << 62);  // variant 10
  char out[37];
  std::snprintf(out, sizeof out, "%08x-%04x-%04x-%04x-%012llx", static_cast<unsigned>(hi >> 32),
                static_cast<unsigned>((hi >> 16) & 0xffff), static_cast<unsigned>(hi & 0xffff),
                static_cast<unsigned>(lo >> 48),
                static_cast<unsigned long long>(lo & 0xffffffffffffull));
  return out;
}

std::string ErrorPayload(std::string_view type, std::string_view message) {
  std::string out;
  JsonWriter(out)
      .BeginObject()
      .Member("errorMessage", message)
      .Member("errorType", type)
      .EndObject();
  return out;
}

std::string TimeoutMessage(int timeout_seconds) {
  char text[64];
  std::snprintf(text, sizeof text, "Task timed out after %d.00 seconds", timeout_seconds);
  return text;
}

std::string TimeoutPayload(std::string_view request_id, int timeout_seconds) {
  return ErrorPayload("Sandbox.Timedout", "RequestId: " + std::string(request_id) +
                                              " Error: " + TimeoutMessage(timeout_seconds));
}

std::string ExitMessage(std::string_view request_id, int wait_status) {
  std::string why;
  if (WIFSIGNALED(wait_status)) {
    int sig = WTERMSIG(wait_status);
    why = "signal: " + std::string(sig == SIGKILL ? "killed" : strsignal(sig));
  } else {
    why = "exit status " + std::to_string(WEXITSTATUS(wait_status));
  }
  return "RequestId: " + std::string(request_id) + " Error: Runtime exited with error: " + why;
}

std::string ExitPayload(std::string_view request_id, int wait_status) {
  return ErrorPayload("Runtime.ExitError", ExitMessage(request_id, wait_status));
}

std::string NormalizeErrorBody(const std::string& body, const std::string* error_type_header) {
  auto parsed = nlohmann::json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (parsed.is_object()) return body;
  return ErrorPayload(error_type_header != nullptr ? *error_type_header : "Unhandled", body);
}

std::string ErrorTypeOf(const std::string& payload) {
  auto parsed = nlohmann::json::parse(payload, nullptr, /*allow_exceptions=*/false);
  if (!parsed.is_object()) return "";
  auto it = parsed.find("errorType");
  return it != parsed.end() && it->is_string() ? it->get<std::string>() : "";
}

}  // namespace sf::engine::function
