#pragma once
// Terminal styling. Only the CLI knows about terminals.

#include <string>

namespace sf::cli {

// Whether to colour output: "always", "never", or "auto" (stdout is a terminal and NO_COLOR
// is unset).
bool ShouldColor(const std::string& mode);

enum class Style { kBold, kRed, kYellow, kGreen, kCyan, kDim };

// `text` wrapped in the style's escape codes when `enabled`.
std::string Styled(const std::string& text, Style style, bool enabled);

}  // namespace sf::cli
