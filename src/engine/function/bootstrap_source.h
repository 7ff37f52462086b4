#pragma once
// The python3.x bootstrap (python_bootstrap.py in this directory), compiled into the binary so
// `streamform` stays one file. The runtime writes it under the data dir at start.

#include <string_view>

namespace sf::engine::function {

// The bootstrap's source text.
std::string_view PythonBootstrapSource();

}  // namespace sf::engine::function
