#pragma once

#include <string>

#include "base/result.h"

namespace sf {

// The whole content of a file, or kIo.
Result<std::string> ReadFile(const std::string& path);

}  // namespace sf
