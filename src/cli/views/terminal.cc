#include "cli/views/terminal.h"

#include <unistd.h>

#include <cstdlib>

namespace sf::cli {

bool ShouldColor(const std::string& mode) {
  if (mode == "always") return true;
  if (mode == "never") return false;
  if (std::getenv("NO_COLOR") != nullptr) return false;
  const char* term = std::getenv("TERM");
  if (term != nullptr && std::string(term) == "dumb") return false;
  return isatty(STDOUT_FILENO) != 0;
}

std::string Styled(const std::string& text, Style style, bool enabled) {
  if (!enabled) return text;
  const char* code = "";
  switch (style) {
    case Style::kBold:
      code = "\033[1m";
      break;
    case Style::kRed:
      code = "\033[1;31m";
      break;
    case Style::kYellow:
      code = "\033[1;33m";
      break;
    case Style::kGreen:
      code = "\033[32m";
      break;
    case Style::kCyan:
      code = "\033[36m";
      break;
    case Style::kDim:
      code = "\033[2m";
      break;
  }
  return std::string(code) + text + "\033[0m";
}

}  // namespace sf::cli
