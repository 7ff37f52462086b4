#pragma once
// The background engine's state file, <data dir>/engine.json: {"pid", "port", "address"}.
// Written by `engine run` once it listens, removed when it stops.

#include <optional>
#include <string>

#include "base/result.h"

namespace sf::cli {

struct EngineState {
  int pid = 0;
  int port = 0;
  std::string address;
};

// <project>/.streamform/engine
std::string DefaultEngineDir(const std::string& project_dir);

Status WriteEngineState(const std::string& dir, const EngineState& state);
std::optional<EngineState> ReadEngineState(const std::string& dir);
void RemoveEngineState(const std::string& dir);
// The state, when its process is alive; a stale file (the process died) is removed.
std::optional<EngineState> RunningEngine(const std::string& dir);

}  // namespace sf::cli
