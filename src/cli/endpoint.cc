#include "cli/endpoint.h"

#include <cstdlib>

#include "cli/engine_state.h"
#include "engine/process/engine.h"

namespace sf::cli {

std::string EngineEndpoint(const Context& context, const std::string& flag) {
  std::string endpoint = flag;
  if (endpoint.empty()) {
    if (const char* env = std::getenv("STREAMFORM_ENDPOINT")) endpoint = env;
  }
  if (endpoint.empty()) {
    if (auto state = RunningEngine(DefaultEngineDir(context.options.project))) {
      endpoint = "http://" + state->address + ":" + std::to_string(state->port);
    }
  }
  if (endpoint.empty()) endpoint = "http://127.0.0.1:" + std::to_string(engine::kDefaultPort);
  while (!endpoint.empty() && endpoint.back() == '/') endpoint.pop_back();
  return endpoint;
}

}  // namespace sf::cli
