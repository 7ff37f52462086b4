#include "cli/engine_state.h"

#include <signal.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "base/file_io.h"

namespace sf::cli {

namespace fs = std::filesystem;

std::string DefaultEngineDir(const std::string& project_dir) {
  return (fs::path(project_dir) / ".streamform" / "engine").lexically_normal().string();
}

Status WriteEngineState(const std::string& dir, const EngineState& state) {
  nlohmann::json json = {{"pid", state.pid}, {"port", state.port}, {"address", state.address}};
  std::string path = (fs::path(dir) / "engine.json").string();
  std::string temporary = path + ".tmp";
  {
    std::ofstream out(temporary, std::ios::trunc);
    out << json.dump() << "\n";
    if (!out) return Fail(ErrorCode::kIo, "cannot write " + temporary);
  }
  std::error_code ec;
  fs::rename(temporary, path, ec);
  if (ec) return Fail(ErrorCode::kIo, "cannot write " + path + ": " + ec.message());
  return {};
}

std::optional<EngineState> ReadEngineState(const std::string& dir) {
  auto text = ReadFile((fs::path(dir) / "engine.json").string());
  if (!text) return std::nullopt;
  nlohmann::json json = nlohmann::json::parse(*text, nullptr, false);
  if (!json.is_object() || !json.contains("pid") || !json.contains("port")) return std::nullopt;
  return EngineState{json["pid"].get<int>(), json["port"].get<int>(),
                     json.value("address", "127.0.0.1")};
}

void RemoveEngineState(const std::string& dir) {
  std::error_code ec;
  fs::remove(fs::path(dir) / "engine.json", ec);
}

std::optional<EngineState> RunningEngine(const std::string& dir) {
  auto state = ReadEngineState(dir);
  if (!state) return std::nullopt;
  if (state->pid <= 0 || kill(state->pid, 0) != 0) {
    RemoveEngineState(dir);
    return std::nullopt;
  }
  return state;
}

}  // namespace sf::cli
