#pragma once
// Where the engine is, for commands that talk to it: --endpoint, else STREAMFORM_ENDPOINT,
// else the project's running engine (its engine.json), else http://127.0.0.1:4560.

#include <string>

#include "cli/context.h"

namespace sf::cli {

std::string EngineEndpoint(const Context& context, const std::string& flag);

}  // namespace sf::cli
