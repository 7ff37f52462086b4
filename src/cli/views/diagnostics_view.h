#pragma once
// Rendering diagnostics: one line each for people, or JSON for machines.

#include <nlohmann/json.hpp>
#include <ostream>
#include <string>

#include "base/diagnostics.h"

namespace sf::cli {

// `file:line:col: error: message (hint) [pointer]`, one per line.
std::string FormatDiagnostic(const Diagnostic& diagnostic, bool color);
void PrintDiagnostics(std::ostream& out, const Diagnostics& diagnostics, bool color);

// {"severity", "file", "line", "column", "code", "message", "pointer", "hint"}
nlohmann::json DiagnosticsJson(const Diagnostics& diagnostics);

}  // namespace sf::cli
